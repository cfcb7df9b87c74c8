package eboekhoudentest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync/connector/eboekhouden/eboekhoudentest"
)

// client talks to the fake with a session.
type client struct {
	t     *testing.T
	srv   *eboekhoudentest.Server
	token string
}

func newClient(t *testing.T) (*client, eboekhoudentest.Demo) {
	srv := eboekhoudentest.NewServer(eboekhoudentest.Options{})
	t.Cleanup(srv.Close)
	demo := srv.SeedDemo()
	c := &client{t: t, srv: srv}
	status, body := c.do(http.MethodPost, "/v1/session", `{"accessToken":"`+eboekhoudentest.DefaultAccessToken+`","source":"Test"}`)
	require.Equal(t, http.StatusOK, status, "%s", body)
	assert.Equal(t, float64(eboekhoudentest.DefaultSessionSeconds), body["expiresIn"])
	c.token = body["token"].(string)
	return c, demo
}

func (c *client) do(method, path, body string) (int, map[string]any) {
	req, err := http.NewRequest(method, c.srv.URL()+path, strings.NewReader(body))
	require.NoError(c.t, err)
	if c.token != "" {
		req.Header.Set("Authorization", c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(bytes.TrimSpace(b)) > 0 {
		require.NoError(c.t, json.Unmarshal(b, &out), "%s", b)
	}
	return resp.StatusCode, out
}

// refusal is the status and code of an error answer.
func refusal(status int, body map[string]any) string {
	return fmt.Sprintf("%d %v %v", status, body["code"], body["type"])
}

func TestSession(t *testing.T) {
	srv := eboekhoudentest.NewServer(eboekhoudentest.Options{})
	defer srv.Close()
	c := &client{t: t, srv: srv}
	for body, want := range map[string]string{
		``:                    "400 DATA_01 validation",
		`{"accessToken":"x"}`: "400 API_SESSION_001 validation",
		`{"accessToken":"x","source":"invoicesync"}`:      "400 API_SESSION_002 validation",
		`{"source":"Test"}`:                               "400 API_SESSION_003 validation",
		`{"accessToken":"not-the-token","source":"Test"}`: "401 SECURITY_999 security",
	} {
		assert.Equal(t, want, refusal(c.do(http.MethodPost, "/v1/session", body)), body)
	}
	assert.Equal(t, "401 SECURITY_010 security", refusal(c.do(http.MethodGet, "/v1/ledger", "")), "no session")
}

func TestSessionExpires(t *testing.T) {
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	srv := eboekhoudentest.NewServer(eboekhoudentest.Options{SessionSeconds: 60, Now: func() time.Time { return now }})
	defer srv.Close()
	c := &client{t: t, srv: srv}
	_, body := c.do(http.MethodPost, "/v1/session", `{"accessToken":"`+eboekhoudentest.DefaultAccessToken+`","source":"Test"}`)
	c.token = body["token"].(string)
	status, _ := c.do(http.MethodGet, "/v1/ledger", "")
	assert.Equal(t, http.StatusOK, status)
	now = now.Add(time.Minute)
	assert.Equal(t, "401 SECURITY_010 security", refusal(c.do(http.MethodGet, "/v1/ledger", "")))
}

func TestLedgerPaging(t *testing.T) {
	c, _ := newClient(t)
	status, body := c.do(http.MethodGet, "/v1/ledger?limit=4&offset=8", "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, float64(11), body["count"], "the count is of every match")
	items := body["items"].([]any)
	require.Len(t, items, 3)
	assert.Equal(t, "8000", items[0].(map[string]any)["code"])
	assert.Equal(t, "400 PAGE_001 validation", refusal(c.do(http.MethodGet, "/v1/ledger?limit=2001", "")))
	assert.Equal(t, "400 PAGE_001 validation", refusal(c.do(http.MethodGet, "/v1/ledger?limit=0", "")))
	assert.Equal(t, "400 PAGE_002 validation", refusal(c.do(http.MethodGet, "/v1/ledger?offset=-1", "")))
	_, body = c.do(http.MethodGet, "/v1/ledger?category=DEB", "")
	assert.Equal(t, float64(1), body["count"])
}

func TestMutationValidation(t *testing.T) {
	c, demo := newClient(t)
	status, rel := c.do(http.MethodPost, "/v1/relation", `{"name":"Acme BV","code":"C1042"}`)
	require.Equal(t, http.StatusCreated, status)
	relID := int(rel["id"].(float64))
	l := demo.Ledgers
	sale := func(mutate string) string {
		return fmt.Sprintf(`{"type":2,"date":"2026-11-20","ledgerId":%d,"relationId":%d,"invoiceNumber":"F-1","inExVat":"EX",`+
			`"rows":[{"ledgerId":%d,"vatCode":"HOOG_VERK_21","amount":100.00}]%s}`, l["1300"], relID, l["8000"], mutate)
	}
	for name, c2 := range map[string]struct{ body, want string }{
		"unknown row ledger":     {strings.Replace(sale(""), fmt.Sprintf(`"ledgerId":%d,"vatCode"`, l["8000"]), `"ledgerId":999999,"vatCode"`, 1), "400 MUT_104 validation"},
		"row on the bank":        {strings.Replace(sale(""), fmt.Sprintf(`"ledgerId":%d,"vatCode"`, l["8000"]), fmt.Sprintf(`"ledgerId":%d,"vatCode"`, l["1100"]), 1), "400 MUT_106 validation"},
		"not a debtor ledger":    {strings.Replace(sale(""), fmt.Sprintf(`"ledgerId":%d,"relationId"`, l["1300"]), fmt.Sprintf(`"ledgerId":%d,"relationId"`, l["1600"]), 1), "400 MUT_011 validation"},
		"unknown relation":       {strings.Replace(sale(""), fmt.Sprintf(`"relationId":%d`, relID), `"relationId":424242`, 1), "400 MUT_013 validation"},
		"purchase VAT on a sale": {strings.Replace(sale(""), "HOOG_VERK_21", "HOOG_INK_21", 1), "400 MUT_111 validation"},
		"code past its cut-off":  {strings.Replace(sale(""), "HOOG_VERK_21", "LAAG_VERK", 1), "400 MUT_109 validation"},
		"unknown VAT code":       {strings.Replace(sale(""), "HOOG_VERK_21", "HOOG", 1), "400 MUT_109 validation"},
		"VAT amount not AFW":     {strings.Replace(sale(""), `"amount":100.00`, `"amount":100.00,"vatAmount":21.00`, 1), "400 MUTA_003 validation"},
		"no in/ex":               {strings.Replace(sale(""), `"inExVat":"EX",`, ``, 1), "400 MUTA_005 validation"},
		"no invoice number":      {strings.Replace(sale(""), `"invoiceNumber":"F-1",`, ``, 1), "400 MUT_002 validation"},
		"unbalanced memorial": {fmt.Sprintf(`{"type":7,"date":"2026-11-20","ledgerId":%d,"inExVat":"EX","rows":[{"ledgerId":%d,"vatCode":"GEEN","amount":10.00},{"ledgerId":%d,"vatCode":"GEEN","amount":-9.99}]}`,
			l["1100"], l["1100"], l["8900"]), "400 MUT_118 validation"},
	} {
		assert.Equal(t, c2.want, refusal(c.do(http.MethodPost, "/v1/mutation", c2.body)), name)
	}
	assert.Empty(t, c.srv.Mutations(), "nothing recorded")

	status, created := c.do(http.MethodPost, "/v1/mutation", sale(""))
	require.Equal(t, http.StatusCreated, status, "%v", created)
	assert.Equal(t, "400 MUT_020 validation", refusal(c.do(http.MethodPost, "/v1/mutation", sale(""))), "the relation has invoice F-1")
	m := c.srv.Mutations()[0]
	assert.Equal(t, "21.00", m.Rows[0].VATAmount.StringFixed(2))
	_, list := c.do(http.MethodGet, "/v1/mutation?invoiceNumber=F-1", "")
	item := list["items"].([]any)[0].(map[string]any)
	assert.Equal(t, float64(121), item["amount"], "the debtor's total")
}

func TestFaults(t *testing.T) {
	c, _ := newClient(t)
	c.srv.Fail(http.MethodGet, "/v1/ledger", http.StatusTooManyRequests, http.Header{"Retry-After": {"2"}}, 1)
	req, _ := http.NewRequest(http.MethodGet, c.srv.URL()+"/v1/ledger", nil)
	req.Header.Set("Authorization", c.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "2", resp.Header.Get("Retry-After"))

	c.srv.FailAfter(http.MethodPost, "/v1/relation", http.StatusInternalServerError, 1)
	status, _ := c.do(http.MethodPost, "/v1/relation", `{"name":"Acme BV","code":"C1"}`)
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.Len(t, c.srv.Relations(), 1, "created before the answer was lost")

	c.srv.ExpireSessions()
	assert.Equal(t, "401 SECURITY_010 security", refusal(c.do(http.MethodGet, "/v1/ledger", "")))
}
