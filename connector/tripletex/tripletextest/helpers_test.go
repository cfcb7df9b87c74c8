package tripletextest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync/connector/tripletex/tripletextest"
)

// today is the fixtures' clock: 10 March 2026, noon UTC.
var today = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// clock is a settable clock for Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// fixture is a server with a small Norwegian chart and a live session.
type fixture struct {
	t     *testing.T
	srv   *tripletextest.Server
	clock *clock
	token string

	acc    map[int]int64    // account number → id
	vat    map[string]int64 // VAT type number → id
	types  map[string]int64 // voucher type name → id
	cust   int64            // a customer
	supp   int64            // a supplier
	eurID  int64
	client *http.Client
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clk := &clock{t: today}
	srv := tripletextest.NewServer(tripletextest.Options{ConsumerToken: "consumer", EmployeeToken: "employee", Now: clk.Now})
	t.Cleanup(srv.Close)
	f := &fixture{
		t: t, srv: srv, clock: clk,
		acc: map[int]int64{}, vat: map[string]int64{}, types: map[string]int64{},
		client: &http.Client{Timeout: 30 * time.Second},
	}
	f.acc[1500] = srv.AddAccount(1500, "Kundefordringer", tripletextest.AccountOptions{LedgerType: tripletextest.LedgerCustomer, Closeable: true})
	f.acc[1920] = srv.AddAccount(1920, "Bankinnskudd")
	f.acc[2400] = srv.AddAccount(2400, "Leverandørgjeld", tripletextest.AccountOptions{LedgerType: tripletextest.LedgerVendor, Closeable: true})
	f.acc[2700] = srv.AddAccount(2700, "Utgående merverdiavgift, høy sats")
	f.acc[2701] = srv.AddAccount(2701, "Utgående merverdiavgift, middels sats")
	f.acc[2710] = srv.AddAccount(2710, "Inngående merverdiavgift, høy sats")
	f.acc[2711] = srv.AddAccount(2711, "Inngående merverdiavgift, middels sats")
	f.acc[3000] = srv.AddAccount(3000, "Salgsinntekt, avgiftspliktig", tripletextest.AccountOptions{VATType: "3"})
	f.acc[3100] = srv.AddAccount(3100, "Salgsinntekt, avgiftsfri", tripletextest.AccountOptions{LegalVATTypes: []string{"5", "6"}})
	f.acc[4300] = srv.AddAccount(4300, "Innkjøp av varer for videresalg")
	f.acc[6800] = srv.AddAccount(6800, "Kontorrekvisita", tripletextest.AccountOptions{Inactive: true})
	f.vat["1"] = srv.AddVATType("1", "Fradrag inngående avgift, høy sats", decimal.NewFromInt(25), 2710)
	f.vat["11"] = srv.AddVATType("11", "Fradrag inngående avgift, middels sats", decimal.NewFromInt(15), 2711)
	f.vat["3"] = srv.AddVATType("3", "Utgående avgift, høy sats", decimal.NewFromInt(25), 2700)
	f.vat["31"] = srv.AddVATType("31", "Utgående avgift, middels sats", decimal.NewFromInt(15), 2701)
	f.vat["5"] = srv.AddVATType("5", "Ingen utgående avgift (innenfor mva-loven)", decimal.Zero, 0)
	f.vat["99"] = srv.AddVATType("99", "Mva-kode uten mva-konto", decimal.NewFromInt(25), 0)
	for _, n := range []string{"Utgående faktura", "Leverandørfaktura", "Memorialbilag"} {
		f.types[n] = srv.AddVoucherType(n)
	}
	f.cust = srv.AddCustomer(tripletextest.Customer{Name: "Nordmann AS", OrganizationNumber: "999888777", Email: "post@nordmann.no"})
	f.supp = srv.AddSupplier(tripletextest.Supplier{Name: "Leverandøren AS", OrganizationNumber: "911222333"})
	f.eurID = srv.AddCurrency("EUR")
	f.token = f.session("2026-03-20")
	return f
}

// session creates a session and returns its token.
func (f *fixture) session(expiration string) string {
	f.t.Helper()
	q := url.Values{"consumerToken": {"consumer"}, "employeeToken": {"employee"}, "expirationDate": {expiration}}
	status, body := f.raw(http.MethodPut, "/token/session/:create", q, nil, "", "")
	if status != http.StatusOK {
		f.t.Fatalf("creating a session: status %d: %s", status, body)
	}
	var resp struct {
		Value struct {
			Token          string `json:"token"`
			ExpirationDate string `json:"expirationDate"`
		} `json:"value"`
	}
	decode(f.t, body, &resp)
	if resp.Value.Token == "" || resp.Value.ExpirationDate != expiration {
		f.t.Fatalf("session response %s", body)
	}
	return resp.Value.Token
}

// raw sends a request with Basic auth user "0" and password token (none when
// token is empty); body is sent as is, with contentType.
func (f *fixture) raw(method, path string, q url.Values, body []byte, contentType, token string) (int, []byte) {
	f.t.Helper()
	status, _, data := f.rawHeader(method, path, q, body, contentType, token)
	return status, data
}

func (f *fixture) rawHeader(method, path string, q url.Values, body []byte, contentType, token string) (int, http.Header, []byte) {
	f.t.Helper()
	u := f.srv.URL() + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.SetBasicAuth("0", token)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, data
}

// do sends an authenticated request with v encoded as JSON (no body when nil).
func (f *fixture) do(method, path string, q url.Values, v any) (int, []byte) {
	f.t.Helper()
	var body []byte
	ct := ""
	if v != nil {
		var err error
		if body, err = json.Marshal(v); err != nil {
			f.t.Fatal(err)
		}
		ct = "application/json; charset=utf-8"
	}
	return f.raw(method, path, q, body, ct, f.token)
}

// get sends an authenticated GET and decodes a 200 answer into out.
func (f *fixture) get(path string, q url.Values, out any) {
	f.t.Helper()
	status, body := f.do(http.MethodGet, path, q, nil)
	if status != http.StatusOK {
		f.t.Fatalf("GET %s?%s: status %d: %s", path, q.Encode(), status, body)
	}
	decode(f.t, body, out)
}

func decode(t *testing.T, body []byte, out any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
}

// apiError is the error body.
type apiError struct {
	Status             int     `json:"status"`
	Code               int     `json:"code"`
	Message            string  `json:"message"`
	Link               string  `json:"link"`
	DeveloperMessage   *string `json:"developerMessage"`
	ValidationMessages []struct {
		Field   string  `json:"field"`
		Message string  `json:"message"`
		Path    *string `json:"path"`
		RootID  *int64  `json:"rootId"`
	} `json:"validationMessages"`
	RequestID string `json:"requestId"`
}

// wantError checks an error answer's status, code and body shape.
func wantError(t *testing.T, status int, body []byte, wantStatus, wantCode int) apiError {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("status %d, want %d: %s", status, wantStatus, body)
	}
	var keys map[string]json.RawMessage
	decode(t, body, &keys)
	for _, k := range []string{"status", "code", "message", "link", "developerMessage", "validationMessages", "requestId"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("error body has no %q: %s", k, body)
		}
	}
	var e apiError
	decode(t, body, &e)
	if e.Status != wantStatus || e.Code != wantCode || e.Message == "" || e.Link == "" || len(e.RequestID) != 36 {
		t.Errorf("error body %s: want status %d, code %d, a message, a link and a request id", body, wantStatus, wantCode)
	}
	return e
}

// list is a list response.
type list[T any] struct {
	FullResultSize int    `json:"fullResultSize"`
	From           int    `json:"from"`
	Count          int    `json:"count"`
	VersionDigest  string `json:"versionDigest"`
	Values         []T    `json:"values"`
}

// wireVoucher is a voucher as the API answers it.
type wireVoucher struct {
	ID                    int64               `json:"id"`
	Version               int                 `json:"version"`
	URL                   string              `json:"url"`
	Date                  string              `json:"date"`
	Number                int                 `json:"number"`
	TempNumber            int                 `json:"tempNumber"`
	Year                  int                 `json:"year"`
	Description           string              `json:"description"`
	ExternalVoucherNumber string              `json:"externalVoucherNumber"`
	VoucherType           *struct{ ID int64 } `json:"voucherType"`
	Postings              []wirePosting       `json:"postings"`
	Attachment            *struct {
		ID       int64  `json:"id"`
		FileName string `json:"fileName"`
	} `json:"attachment"`
}

type wirePosting struct {
	ID                  int64       `json:"id"`
	Row                 int         `json:"row"`
	Date                string      `json:"date"`
	Description         string      `json:"description"`
	Amount              json.Number `json:"amount"`
	AmountCurrency      json.Number `json:"amountCurrency"`
	AmountGross         json.Number `json:"amountGross"`
	AmountGrossCurrency json.Number `json:"amountGrossCurrency"`
	SystemGenerated     bool        `json:"systemGenerated"`
	Account             *struct {
		ID     int64  `json:"id"`
		Number int    `json:"number"`
		Name   string `json:"name"`
	} `json:"account"`
	VATType *struct {
		ID     int64  `json:"id"`
		Number string `json:"number"`
	} `json:"vatType"`
	Customer *struct{ ID int64 } `json:"customer"`
	Supplier *struct{ ID int64 } `json:"supplier"`
	Currency *struct {
		ID   int64  `json:"id"`
		Code string `json:"code"`
	} `json:"currency"`
}

// obj is a JSON object for request bodies.
type obj = map[string]any

func id(n int64) obj { return obj{"id": n} }

// posting returns a request posting.
func posting(row int, account int64, gross string) obj {
	return obj{"row": row, "account": id(account), "amountGross": json.Number(gross), "amountGrossCurrency": json.Number(gross)}
}

// saleVoucher is a valid voucher: a 1250.00 sale with 25 % VAT to f.cust.
func (f *fixture) saleVoucher() obj {
	debit := posting(1, f.acc[1500], "1250.00")
	debit["customer"] = id(f.cust)
	debit["description"] = "Faktura 1001"
	debit["invoiceNumber"] = "1001"
	debit["termOfPayment"] = "2026-03-24"
	credit := posting(2, f.acc[3000], "-1250.00")
	credit["vatType"] = id(f.vat["3"])
	credit["description"] = "Salg"
	return obj{
		"date":                  "2026-03-15",
		"description":           "Faktura 1001 Nordmann AS",
		"externalVoucherNumber": "inv-1001",
		"postings":              []obj{debit, credit},
	}
}

// postVoucher posts v and decodes a 201 answer.
func (f *fixture) postVoucher(v obj, q url.Values) wireVoucher {
	f.t.Helper()
	status, body := f.do(http.MethodPost, "/ledger/voucher", q, v)
	if status != http.StatusCreated {
		f.t.Fatalf("POST /ledger/voucher: status %d: %s", status, body)
	}
	var resp struct {
		Value wireVoucher `json:"value"`
	}
	decode(f.t, body, &resp)
	return resp.Value
}
