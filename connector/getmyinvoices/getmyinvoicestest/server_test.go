package getmyinvoicestest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	gmi "github.com/invoicesync/invoicesync/connector/getmyinvoices/getmyinvoicestest"
)

// get sends a GET with the server's key (or key, when given) and decodes
// the JSON answer.
func get(t *testing.T, s *gmi.Server, path string, q url.Values, key ...string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL()+path+"?"+q.Encode(), nil)
	require.NoError(t, err)
	k := s.APIKey()
	if len(key) > 0 {
		k = key[0]
	}
	req.Header.Set("X-API-KEY", k)
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out), "%s", b)
	return resp.StatusCode, out
}

func nd(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }

func doc(number string) gmi.Document {
	return gmi.Document{Type: gmi.IncomingInvoice, Number: number, Date: "2026-03-02", Currency: "EUR",
		Net: nd("10.00"), VAT: nd("1.90"), Gross: nd("11.90"), FileName: number + ".pdf", File: []byte("%PDF " + number),
		LineItems: []gmi.LineItem{{Description: "x", Quantity: nd("1"), UnitNetPrice: nd("10.00"), TaxPercentage: nd("19"), TotalGross: nd("11.90")}}}
}

// keys returns the keys of m, sorted.
func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// The fake answers only with fields the API description names.
func TestFieldsAreTheDescriptions(t *testing.T) {
	raw, err := os.ReadFile("testdata/gmi-api-fields.json")
	require.NoError(t, err)
	var desc map[string]any
	require.NoError(t, json.Unmarshal(raw, &desc))
	names := func(key string) []string {
		var out []string
		for _, v := range desc[key].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	subset := func(got []string, key string) {
		t.Helper()
		for _, k := range got {
			assert.Contains(t, names(key), k, "field %q of %s", k, key)
		}
	}
	s := gmi.NewServer(gmi.Options{})
	defer s.Close()
	company := s.AddCompany(gmi.Company{Name: "N", VATID: "DE1"})
	uid := s.AddDocument(doc("R-1"))

	_, list := get(t, s, "/documents", nil)
	subset(keys(list), "listDocuments")
	subset(keys(list["records"].([]any)[0].(map[string]any)), "listDocuments.records")
	_, one := get(t, s, "/documents/"+strconv.FormatInt(uid, 10), url.Values{"loadLineItems": {"true"}})
	subset(keys(one), "getDocument")
	meta := one["meta_data"].(map[string]any)
	subset(keys(meta), "getDocument.meta_data")
	subset(keys(meta["lineItems"].([]any)[0].(map[string]any)), "getDocument.meta_data.lineItems")
	_, c := get(t, s, "/companies/"+strconv.FormatInt(company, 10), nil)
	subset(keys(c), "getCompany")
}

// Listing: pages of PageSize by pageNumber or documentUidStartFilter,
// type and change-time filters; unknown ids and a wrong key.
func TestListingAndErrors(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s := gmi.NewServer(gmi.Options{PageSize: 2, Now: func() time.Time { return now }})
	defer s.Close()
	a, b, c := s.AddDocument(doc("R-1")), s.AddDocument(doc("R-2")), s.AddDocument(doc("R-3"))
	sale := doc("S-1")
	sale.Type = gmi.SalesInvoice
	s.AddDocument(sale)
	now = now.Add(time.Minute)
	s.UpdateDocument(b, doc("R-2b"))

	uids := func(q url.Values) []int64 {
		_, out := get(t, s, "/documents", q)
		var ids []int64
		for _, r := range out["records"].([]any) {
			ids = append(ids, int64(r.(map[string]any)["documentUid"].(float64)))
		}
		return ids
	}
	assert.Equal(t, []int64{a, b}, uids(url.Values{"documentTypeFilter": {gmi.IncomingInvoice}}))
	assert.Equal(t, []int64{c}, uids(url.Values{"documentTypeFilter": {gmi.IncomingInvoice}, "pageNumber": {"2"}}))
	assert.Equal(t, []int64{c}, uids(url.Values{"documentTypeFilter": {gmi.IncomingInvoice}, "documentUidStartFilter": {strconv.FormatInt(b, 10)}}))
	assert.Equal(t, []int64{b}, uids(url.Values{"updatedOrNewSinceFilter": {"2026-03-02 09:00:00"}}), "changed strictly after")
	assert.Len(t, uids(url.Values{"updatedOrNewSinceFilter": {"2026-03-02 08:59:59"}}), 2, "a page of 2 of the 4")

	status, body := get(t, s, "/documents/999", nil)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Equal(t, float64(106), body["error_code"])
	status, body = get(t, s, "/companies/999", nil)
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Equal(t, float64(139), body["error_code"])
	status, _ = get(t, s, "/documents", nil, "wrong")
	assert.Equal(t, http.StatusForbidden, status)
	status, body = get(t, s, "/documents", url.Values{"updatedOrNewSinceFilter": {"yesterday"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Equal(t, float64(140), body["error_code"])
}

// The limits answer 429 with code 429, per minute and per day, and count
// again in the next minute and day.
func TestLimits(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s := gmi.NewServer(gmi.Options{PerMinute: 2, PerDay: 3, RetryAfter: 30 * time.Second, Now: func() time.Time { return now }})
	defer s.Close()
	for range 2 {
		status, _ := get(t, s, "/documents", nil)
		require.Equal(t, http.StatusOK, status)
	}
	status, body := get(t, s, "/documents", nil)
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.Equal(t, "Requests per minute limit is exceeded.", body["detail"])
	now = now.Add(time.Minute)
	status, _ = get(t, s, "/documents", nil)
	assert.Equal(t, http.StatusOK, status)
	status, body = get(t, s, "/documents", nil)
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.Equal(t, "Daily limit is exceeded.", body["detail"])
	now = now.Add(24 * time.Hour)
	status, _ = get(t, s, "/documents", nil)
	assert.Equal(t, http.StatusOK, status)
}
