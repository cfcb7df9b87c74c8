package tripletextest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync/connector/tripletex/tripletextest"
)

func TestSessionCreate(t *testing.T) {
	f := newFixture(t)
	second := f.session("2026-03-20")
	if second == f.token {
		t.Fatal("two session creations returned the same token")
	}
	for _, tok := range []string{f.token, second} {
		if status, body := f.raw(http.MethodGet, "/ledger/account", nil, nil, "", tok); status != http.StatusOK {
			t.Fatalf("token %q: status %d: %s", tok, status, body)
		}
	}

	// The whole response.
	q := url.Values{"consumerToken": {"consumer"}, "employeeToken": {"employee"}, "expirationDate": {"2026-04-01"}}
	status, body := f.raw(http.MethodPut, "/token/session/:create", q, nil, "", "")
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var resp struct {
		Value struct {
			ID             int64  `json:"id"`
			Version        *int   `json:"version"`
			URL            string `json:"url"`
			ConsumerToken  struct{ ID int64 }
			EmployeeToken  struct{ ID int64 }
			ExpirationDate string `json:"expirationDate"`
			Token          string `json:"token"`
		} `json:"value"`
	}
	decode(t, body, &resp)
	v := resp.Value
	if v.ID == 0 || v.Version == nil || *v.Version != 0 || !strings.Contains(v.URL, "/v2/token/session/") ||
		v.ConsumerToken.ID != 1 || v.EmployeeToken.ID != 1 || v.ExpirationDate != "2026-04-01" || v.Token == "" {
		t.Errorf("session response %s", body)
	}

	for _, tc := range []struct {
		name   string
		q      url.Values
		status int
		code   int
	}{
		{"wrong consumer token", url.Values{"consumerToken": {"nope"}, "employeeToken": {"employee"}, "expirationDate": {"2026-04-01"}}, 403, 9000},
		{"wrong employee token", url.Values{"consumerToken": {"consumer"}, "employeeToken": {"nope"}, "expirationDate": {"2026-04-01"}}, 403, 9000},
		{"missing tokens", url.Values{"expirationDate": {"2026-04-01"}}, 403, 9000},
		{"missing expiration date", url.Values{"consumerToken": {"consumer"}, "employeeToken": {"employee"}}, 422, 18000},
		{"malformed expiration date", url.Values{"consumerToken": {"consumer"}, "employeeToken": {"employee"}, "expirationDate": {"01.04.2026"}}, 422, 18000},
		{"past expiration date", url.Values{"consumerToken": {"consumer"}, "employeeToken": {"employee"}, "expirationDate": {"2026-03-01"}}, 422, 18000},
		{"expiration today", url.Values{"consumerToken": {"consumer"}, "employeeToken": {"employee"}, "expirationDate": {"2026-03-10"}}, 422, 18000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := f.raw(http.MethodPut, "/token/session/:create", tc.q, nil, "", "")
			e := wantError(t, status, body, tc.status, tc.code)
			if tc.status == 403 && !strings.Contains(e.Message, "Invalid consumer or employee token") {
				t.Errorf("message %q", e.Message)
			}
			if tc.status == 422 && (len(e.ValidationMessages) != 1 || !strings.Contains(e.ValidationMessages[0].Field, "expirationDate")) {
				t.Errorf("validation messages of %s", body)
			}
		})
	}
	if status, body := f.raw(http.MethodPost, "/token/session/:create", q, nil, "", ""); status != http.StatusMethodNotAllowed {
		t.Errorf("POST /token/session/:create: status %d: %s", status, body)
	}
}

func TestAuthentication(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name string
		auth func(r *http.Request)
	}{
		{"no authorization", func(*http.Request) {}},
		{"unknown token", func(r *http.Request) { r.SetBasicAuth("0", "bm90LWEtdG9rZW4=") }},
		{"user name not a company id", func(r *http.Request) { r.SetBasicAuth("admin", f.token) }},
		{"bearer", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+f.token) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, f.srv.URL()+"/ledger/account", nil)
			tc.auth(req)
			resp, err := f.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(resp.Body)
			e := wantError(t, resp.StatusCode, buf.Bytes(), 401, 3000)
			if e.Message != "Unauthorized" {
				t.Errorf("message %q", e.Message)
			}
		})
	}
	// A company id other than 0 is accepted.
	if status, body := f.rawWithUser("12345", f.token); status != http.StatusOK {
		t.Errorf("company id 12345: status %d: %s", status, body)
	}
}

func (f *fixture) rawWithUser(user, token string) (int, []byte) {
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL()+"/ledger/account", nil)
	req.SetBasicAuth(user, token)
	resp, err := f.client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes()
}

func TestSessionExpiry(t *testing.T) {
	f := newFixture(t)
	short := f.session("2026-03-11")
	f.clock.Set(time.Date(2026, 3, 10, 23, 59, 59, 0, time.UTC))
	if status, body := f.raw(http.MethodGet, "/ledger/account", nil, nil, "", short); status != http.StatusOK {
		t.Fatalf("before expiry: status %d: %s", status, body)
	}
	f.clock.Set(time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC))
	status, body := f.raw(http.MethodGet, "/ledger/account", nil, nil, "", short)
	wantError(t, status, body, 401, 3000)
	// The longer session still works.
	if status, body := f.raw(http.MethodGet, "/ledger/account", nil, nil, "", f.token); status != http.StatusOK {
		t.Fatalf("longer session: status %d: %s", status, body)
	}

	f.srv.ExpireSessions()
	status, body = f.raw(http.MethodGet, "/ledger/account", nil, nil, "", f.token)
	wantError(t, status, body, 401, 3000)
	fresh := f.session("2026-03-20")
	if status, body := f.raw(http.MethodGet, "/ledger/account", nil, nil, "", fresh); status != http.StatusOK {
		t.Fatalf("fresh session: status %d: %s", status, body)
	}
}

func TestErrors(t *testing.T) {
	f := newFixture(t)
	status, header, body := f.rawHeader(http.MethodGet, "/no/such/thing", nil, nil, "", f.token)
	wantError(t, status, body, 404, 6000)
	if ct := header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	status, header, body = f.rawHeader(http.MethodDelete, "/ledger/account", nil, nil, "", f.token)
	wantError(t, status, body, 405, 1000)
	if header.Get("Allow") != "GET" {
		t.Errorf("Allow %q", header.Get("Allow"))
	}
	status, body = f.raw(http.MethodPost, "/ledger/voucher", nil, []byte(`{"date": "2026-03-15",`), "application/json", f.token)
	wantError(t, status, body, 400, 16000)
	status, body = f.do(http.MethodGet, "/ledger/account", url.Values{"count": {"many"}}, nil)
	wantError(t, status, body, 400, 16000)
	status, body = f.do(http.MethodGet, "/ledger/account/123", nil, nil)
	wantError(t, status, body, 404, 6000)
	status, body = f.do(http.MethodGet, "/customer/"+fmt.Sprint(f.supp), nil, nil)
	wantError(t, status, body, 404, 6000)
	status, body = f.do(http.MethodGet, "/ledger/voucher/999", nil, nil)
	wantError(t, status, body, 404, 6000)
}

type wireAccount struct {
	ID            int64  `json:"id"`
	Version       int    `json:"version"`
	URL           string `json:"url"`
	Number        int    `json:"number"`
	Name          string `json:"name"`
	LedgerType    string `json:"ledgerType"`
	IsInactive    bool   `json:"isInactive"`
	LegalVATTypes []struct {
		ID int64 `json:"id"`
	} `json:"legalVatTypes"`
	VATType *struct {
		ID int64 `json:"id"`
	} `json:"vatType"`
}

func TestAccountsPaging(t *testing.T) {
	f := newFixture(t)
	srv := tripletextest.NewServer(tripletextest.Options{Now: f.clock.Now})
	defer srv.Close()
	for _, n := range []int{3000, 1920, 2700, 1500, 4300} {
		srv.AddAccount(n, fmt.Sprintf("Konto %d", n))
	}
	g := &fixture{t: t, srv: srv, clock: f.clock, client: f.client}
	q := url.Values{"consumerToken": {tripletextest.DefaultConsumerToken}, "employeeToken": {tripletextest.DefaultEmployeeToken}, "expirationDate": {"2026-03-11"}}
	status, body := g.raw(http.MethodPut, "/token/session/:create", q, nil, "", "")
	if status != 200 {
		t.Fatalf("session with the default tokens: %d %s", status, body)
	}
	var sess struct{ Value struct{ Token string } }
	decode(t, body, &sess)
	g.token = sess.Value.Token

	var got []int
	digests := map[string]bool{}
	for from := 0; ; from += 2 {
		var l list[wireAccount]
		g.get("/ledger/account", url.Values{"from": {fmt.Sprint(from)}, "count": {"2"}, "fields": {"id,number,name"}}, &l)
		if l.FullResultSize != 5 || l.From != from || l.Count != len(l.Values) || l.VersionDigest == "" {
			t.Fatalf("page from %d: %+v", from, l)
		}
		digests[l.VersionDigest] = true
		if len(l.Values) == 0 {
			break
		}
		if len(l.Values) > 2 {
			t.Fatalf("page from %d has %d values", from, len(l.Values))
		}
		for _, a := range l.Values {
			got = append(got, a.Number)
		}
	}
	if want := []int{1500, 1920, 2700, 3000, 4300}; !slices.Equal(got, want) {
		t.Errorf("pages gave %v, want %v", got, want)
	}
	if len(digests) != 1 {
		t.Errorf("version digests differ between pages of the same list: %v", digests)
	}
	var all list[wireAccount]
	g.get("/ledger/account", url.Values{"count": {"5000"}}, &all)
	if all.Count != 5 {
		t.Errorf("count=5000: %d values", all.Count)
	}
	status, body = g.do(http.MethodGet, "/ledger/account", url.Values{"from": {"-1"}}, nil)
	wantError(t, status, body, 422, 18000)
	// An empty page still has a values array.
	status, body = g.do(http.MethodGet, "/ledger/account", url.Values{"from": {"10"}}, nil)
	if status != 200 || !strings.Contains(string(body), `"values":[]`) {
		t.Errorf("empty page: %d %s", status, body)
	}
}

func TestAccountFields(t *testing.T) {
	f := newFixture(t)
	var l list[wireAccount]
	f.get("/ledger/account", url.Values{"number": {"3100,6800, 3000"}}, &l)
	if len(l.Values) != 3 {
		t.Fatalf("number filter: %+v", l)
	}
	a3000, a3100, a6800 := l.Values[0], l.Values[1], l.Values[2]
	if a3000.Number != 3000 || a3000.VATType == nil || a3000.VATType.ID != f.vat["3"] || a3000.LedgerType != "GENERAL" {
		t.Errorf("3000: %+v", a3000)
	}
	if a3100.Number != 3100 || len(a3100.LegalVATTypes) != 1 || a3100.LegalVATTypes[0].ID != f.vat["5"] || a3100.IsInactive {
		t.Errorf("3100 (legal VAT types 5 and 6, where 6 does not exist): %+v", a3100)
	}
	if a6800.Number != 6800 || !a6800.IsInactive || a6800.URL == "" || a6800.ID != f.acc[6800] {
		t.Errorf("6800: %+v", a6800)
	}
	var inactive list[wireAccount]
	f.get("/ledger/account", url.Values{"isInactive": {"true"}}, &inactive)
	if len(inactive.Values) != 1 || inactive.Values[0].Number != 6800 {
		t.Errorf("isInactive=true: %+v", inactive.Values)
	}
	var customers list[wireAccount]
	f.get("/ledger/account", url.Values{"ledgerType": {"CUSTOMER"}}, &customers)
	if len(customers.Values) != 1 || customers.Values[0].Number != 1500 {
		t.Errorf("ledgerType=CUSTOMER: %+v", customers.Values)
	}
	var one struct{ Value wireAccount }
	f.get(fmt.Sprintf("/ledger/account/%d", f.acc[1920]), nil, &one)
	if one.Value.Number != 1920 || one.Value.Name != "Bankinnskudd" {
		t.Errorf("GET /ledger/account/{id}: %+v", one.Value)
	}
}

func TestReferenceData(t *testing.T) {
	f := newFixture(t)

	status, body := f.do(http.MethodGet, "/ledger/vatType", url.Values{"number": {"3"}}, nil)
	if status != 200 || !strings.Contains(string(body), `"percentage":25,`) || strings.Contains(string(body), "2700") {
		t.Errorf("VAT type 3 (percentage a JSON number, no VAT account): %s", body)
	}
	var vats list[struct {
		ID                  int64       `json:"id"`
		Number              string      `json:"number"`
		Name                string      `json:"name"`
		Percentage          json.Number `json:"percentage"`
		DeductionPercentage json.Number `json:"deductionPercentage"`
	}]
	f.get("/ledger/vatType", nil, &vats)
	var numbers []string
	for _, v := range vats.Values {
		numbers = append(numbers, v.Number)
	}
	if !slices.Equal(numbers, []string{"1", "3", "5", "11", "31", "99"}) {
		t.Errorf("VAT types %v", numbers)
	}
	if v := vats.Values[4]; v.ID != f.vat["31"] || v.Percentage != "15" || v.DeductionPercentage != "100" {
		t.Errorf("VAT type 31: %+v", v)
	}

	var types list[wireVoucherType]
	f.get("/ledger/voucherType", url.Values{"name": {"faktura"}}, &types)
	if len(types.Values) != 2 || types.Values[0].Name != "Utgående faktura" || types.Values[1].ID != f.types["Leverandørfaktura"] {
		t.Errorf("voucher types containing \"faktura\": %+v", types.Values)
	}

	var curs list[wireCurrency]
	f.get("/currency", url.Values{"code": {"EUR"}}, &curs)
	if len(curs.Values) != 1 || curs.Values[0].Code != "EUR" || curs.Values[0].ID != f.eurID || curs.Values[0].Factor != 1 {
		t.Errorf("EUR: %+v", curs.Values)
	}
	f.get("/currency", url.Values{"code": {"NOK"}}, &curs)
	if len(curs.Values) != 1 || curs.Values[0].ID != 1 {
		t.Errorf("NOK: %+v", curs.Values)
	}

	var countries list[wireCountry]
	f.get("/country", url.Values{"code": {"NO,FR"}}, &countries)
	if len(countries.Values) != 2 || countries.Values[0].IsoAlpha2Code != "NO" || countries.Values[0].IsoAlpha3Code != "NOR" ||
		countries.Values[1].IsoAlpha2Code != "FR" {
		t.Errorf("countries NO,FR: %+v", countries.Values)
	}
	for _, code := range []string{"SE", "DK", "DE", "BE", "GB", "US"} {
		f.get("/country", url.Values{"code": {code}}, &countries)
		if len(countries.Values) != 1 {
			t.Errorf("country %s not seeded", code)
		}
	}
}

// wireVoucherType, wireCurrency and wireCountry are the fields of the
// reference data TestReferenceData reads.
type wireVoucherType struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
}

type wireCurrency struct {
	ID          int64  `json:"id"`
	Code        string `json:"code"`
	Description string `json:"description"`
	Factor      int    `json:"factor"`
}

type wireCountry struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	IsoAlpha2Code string `json:"isoAlpha2Code"`
	IsoAlpha3Code string `json:"isoAlpha3Code"`
}

type wireParty struct {
	ID                 int64  `json:"id"`
	Version            int    `json:"version"`
	URL                string `json:"url"`
	Name               string `json:"name"`
	OrganizationNumber string `json:"organizationNumber"`
	CustomerNumber     int    `json:"customerNumber"`
	SupplierNumber     int    `json:"supplierNumber"`
	IsCustomer         bool   `json:"isCustomer"`
	IsSupplier         bool   `json:"isSupplier"`
	IsInactive         bool   `json:"isInactive"`
	Email              string `json:"email"`
	InvoiceEmail       string `json:"invoiceEmail"`
	Language           string `json:"language"`
	PostalAddress      struct {
		ID           int64  `json:"id"`
		AddressLine1 string `json:"addressLine1"`
		PostalCode   string `json:"postalCode"`
		City         string `json:"city"`
		Country      *struct{ ID int64 }
	} `json:"postalAddress"`
	Currency *struct{ ID int64 } `json:"currency"`
}

func TestCustomers(t *testing.T) {
	f := newFixture(t)
	var fr list[struct{ ID int64 }]
	f.get("/country", url.Values{"code": {"FR"}}, &fr)
	franceID := fr.Values[0].ID

	create := func(body obj) (int, wireParty, []byte) {
		status, raw := f.do(http.MethodPost, "/customer", nil, body)
		var resp struct{ Value wireParty }
		if status == http.StatusCreated {
			decode(t, raw, &resp)
		}
		return status, resp.Value, raw
	}
	status, acme, raw := create(obj{
		"name": "ACME SAS", "organizationNumber": "FR40303265045", "email": "compta@acme.fr", "invoiceEmail": "factures@acme.fr",
		"isCustomer": true, "language": "EN",
		"postalAddress": obj{"addressLine1": "1 rue de la Paix", "postalCode": "75002", "city": "Paris", "country": obj{"id": fmt.Sprint(franceID)}},
		"currency":      id(f.eurID),
	})
	if status != http.StatusCreated {
		t.Fatalf("POST /customer: %d %s", status, raw)
	}
	if acme.ID == 0 || acme.CustomerNumber != 10001 || !acme.IsCustomer || acme.IsSupplier || acme.Language != "EN" ||
		acme.PostalAddress.City != "Paris" || acme.PostalAddress.Country == nil || acme.PostalAddress.Country.ID != franceID ||
		acme.Currency == nil || acme.Currency.ID != f.eurID || acme.PostalAddress.ID == 0 {
		t.Errorf("created customer %s", raw)
	}
	status, explicit, raw := create(obj{"name": "Explicit", "customerNumber": 20000})
	if status != http.StatusCreated || explicit.CustomerNumber != 20000 || explicit.Language != "NO" || explicit.Currency.ID != 1 {
		t.Errorf("customer with a number: %d %s", status, raw)
	}
	status, next, raw := create(obj{"name": "Next"})
	if status != http.StatusCreated || next.CustomerNumber != 20001 {
		t.Errorf("customer after 20000: %d %s", status, raw)
	}

	for _, tc := range []struct {
		name  string
		body  obj
		field string
	}{
		{"no name", obj{"email": "x@example.com"}, "name"},
		{"blank name", obj{"name": "  "}, "name"},
		{"number in use", obj{"name": "Dup", "customerNumber": 10001}, "customerNumber"},
		{"bad email", obj{"name": "Bad", "email": "not an address"}, "email"},
		{"unknown country", obj{"name": "Far", "postalAddress": obj{"country": id(999)}}, "postalAddress.country"},
		{"unknown currency", obj{"name": "Odd", "currency": id(999)}, "currency"},
		{"bad language", obj{"name": "Lang", "language": "fr"}, "language"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.srv.Customers())
			status, _, raw := create(tc.body)
			e := wantError(t, status, raw, 422, 18000)
			if len(e.ValidationMessages) != 1 || e.ValidationMessages[0].Field != tc.field {
				t.Errorf("validation messages %s", raw)
			}
			if len(f.srv.Customers()) != before {
				t.Error("a refused customer was stored")
			}
		})
	}

	search := func(q url.Values) []string {
		var l list[wireParty]
		f.get("/customer", q, &l)
		var names []string
		for _, p := range l.Values {
			names = append(names, p.Name)
		}
		return names
	}
	for _, tc := range []struct {
		q    url.Values
		want []string
	}{
		{nil, []string{"Nordmann AS", "ACME SAS", "Explicit", "Next"}},
		{url.Values{"customerAccountNumber": {"10001,20000"}}, []string{"ACME SAS", "Explicit"}},
		{url.Values{"organizationNumber": {"999888777"}}, []string{"Nordmann AS"}},
		{url.Values{"organizationNumber": {"99988877"}}, nil},
		{url.Values{"email": {"compta@acme.fr"}}, []string{"ACME SAS"}},
		{url.Values{"invoiceEmail": {"factures@acme.fr"}}, []string{"ACME SAS"}},
		{url.Values{"email": {"COMPTA@acme.fr"}}, nil},
		{url.Values{"id": {fmt.Sprint(acme.ID)}}, []string{"ACME SAS"}},
		{url.Values{"accountManagerId": {"1"}}, nil},
	} {
		if got := search(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("GET /customer?%s = %v, want %v", tc.q.Encode(), got, tc.want)
		}
	}

	f.srv.AddCustomer(tripletextest.Customer{Name: "Sovende AS", IsInactive: true})
	if got := search(nil); slices.Contains(got, "Sovende AS") {
		t.Errorf("an inactive customer is listed without isInactive=true: %v", got)
	}
	if got := search(url.Values{"isInactive": {"true"}}); !slices.Equal(got, []string{"Sovende AS"}) {
		t.Errorf("isInactive=true: %v", got)
	}

	var one struct{ Value wireParty }
	f.get(fmt.Sprintf("/customer/%d", acme.ID), nil, &one)
	if one.Value.Name != "ACME SAS" || one.Value.Email != "compta@acme.fr" {
		t.Errorf("GET /customer/{id}: %+v", one.Value)
	}

	cs := f.srv.Customers()
	if len(cs) != 5 || cs[1].Name != "ACME SAS" || cs[1].PostalAddress.Country != "FR" || cs[1].Currency != "EUR" || cs[1].CustomerNumber != 10001 {
		t.Errorf("Customers(): %+v", cs)
	}
}

func TestSuppliers(t *testing.T) {
	f := newFixture(t)
	status, raw := f.do(http.MethodPost, "/supplier", nil, obj{"name": "Papir & Co AS", "organizationNumber": "912345678", "email": "faktura@papir.no"})
	if status != http.StatusCreated {
		t.Fatalf("POST /supplier: %d %s", status, raw)
	}
	var created struct{ Value wireParty }
	decode(t, raw, &created)
	if created.Value.SupplierNumber != 10001 || !created.Value.IsSupplier || created.Value.IsCustomer || created.Value.Name != "Papir & Co AS" {
		t.Errorf("created supplier %s", raw)
	}
	if strings.Contains(string(raw), `"language"`) {
		t.Errorf("a supplier has no language: %s", raw)
	}
	status, raw = f.do(http.MethodPost, "/supplier", nil, obj{"name": "Dup", "supplierNumber": "10001"})
	e := wantError(t, status, raw, 422, 18000)
	if e.ValidationMessages[0].Field != "supplierNumber" {
		t.Errorf("duplicate supplier number: %s", raw)
	}
	var l list[wireParty]
	f.get("/supplier", url.Values{"supplierNumber": {"10001"}}, &l)
	if len(l.Values) != 1 || l.Values[0].ID != created.Value.ID {
		t.Errorf("supplierNumber=10001: %+v", l.Values)
	}
	f.get("/supplier", url.Values{"organizationNumber": {"911222333"}}, &l)
	if len(l.Values) != 1 || l.Values[0].ID != f.supp {
		t.Errorf("organizationNumber: %+v", l.Values)
	}
	status, raw = f.do(http.MethodGet, fmt.Sprintf("/supplier/%d", f.cust), nil, nil)
	wantError(t, status, raw, 404, 6000)
	if ss := f.srv.Suppliers(); len(ss) != 2 || ss[1].SupplierNumber != 10001 || ss[1].Email != "faktura@papir.no" {
		t.Errorf("Suppliers(): %+v", ss)
	}
}

func TestSplitGross(t *testing.T) {
	for _, tc := range []struct{ gross, pct, net, vat string }{
		{"1250.00", "25", "1000.00", "250.00"},
		{"-1250.00", "25", "-1000.00", "-250.00"},
		{"100.00", "15", "86.96", "13.04"},
		{"100.00", "12", "89.29", "10.71"},
		{"0.02", "25", "0.02", "0.00"},
		{"0.03", "25", "0.02", "0.01"},    // 0.006 → 0.01
		{"-0.03", "25", "-0.02", "-0.01"}, // half away from zero on both sides
		{"0.05", "25", "0.04", "0.01"},    // 0.01 exactly
		{"12.50", "25", "10.00", "2.50"},
		{"99.99", "0", "99.99", "0"},
		{"0.01", "100", "0.00", "0.01"},   // 0.005: a tie, rounded away from zero
		{"-0.01", "100", "0.00", "-0.01"}, // -0.005
		{"0.05", "100", "0.02", "0.03"},   // 0.025: not to even
	} {
		net, vat := tripletextest.SplitGross(decimal.RequireFromString(tc.gross), decimal.RequireFromString(tc.pct))
		if net.StringFixed(2) != decimal.RequireFromString(tc.net).StringFixed(2) || vat.StringFixed(2) != decimal.RequireFromString(tc.vat).StringFixed(2) {
			t.Errorf("SplitGross(%s, %s) = %s, %s; want %s, %s", tc.gross, tc.pct, net, vat, tc.net, tc.vat)
		}
	}
}

func TestRequestsRecorded(t *testing.T) {
	f := newFixture(t)
	f.srv.ResetRequests()
	f.get("/ledger/account", url.Values{"number": {"1920"}, "fields": {"*"}}, &list[wireAccount]{})
	f.postVoucher(f.saleVoucher(), url.Values{"sendToLedger": {"true"}})
	reqs := f.srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests recorded", len(reqs))
	}
	if r := reqs[0]; r.Method != "GET" || r.Path != "/v2/ledger/account" || r.Query().Get("number") != "1920" || len(r.Body) != 0 {
		t.Errorf("first request %+v", r)
	}
	r := reqs[1]
	user, pass, ok := (&http.Request{Header: r.Header}).BasicAuth()
	if r.Method != "POST" || r.Path != "/v2/ledger/voucher" || r.RawQuery != "sendToLedger=true" || !ok || user != "0" || pass != f.token ||
		r.Header.Get("Content-Type") != "application/json; charset=utf-8" || !bytes.Contains(r.Body, []byte(`"amountGross":-1250.00`)) {
		t.Errorf("second request %+v %s", r, r.Body)
	}
	// Copies: changing them changes nothing.
	reqs[1].Body[0] = 'X'
	reqs[1].Header.Set("Authorization", "")
	if again := f.srv.Requests(); again[1].Body[0] != '{' || again[1].Header.Get("Authorization") == "" {
		t.Error("Requests returns shared data")
	}
	f.srv.ResetRequests()
	if n := len(f.srv.Requests()); n != 0 {
		t.Errorf("%d requests after ResetRequests", n)
	}
}

func TestFail(t *testing.T) {
	f := newFixture(t)
	f.srv.Fail(http.MethodGet, "/ledger/account", http.StatusTooManyRequests, http.Header{"Retry-After": {"7"}, "X-Rate-Limit-Reset": {"7"}}, 2)
	for i := range 2 {
		status, header, body := f.rawHeader(http.MethodGet, "/ledger/account", nil, nil, "", f.token)
		wantError(t, status, body, 429, 1000)
		if header.Get("Retry-After") != "7" || header.Get("X-Rate-Limit-Reset") != "7" {
			t.Errorf("try %d: headers %v", i+1, header)
		}
	}
	if status, body := f.do(http.MethodGet, "/ledger/account", nil, nil); status != 200 {
		t.Fatalf("third try: %d %s", status, body)
	}

	// A failed POST is not processed; the prefix may carry /v2; other methods are not affected.
	f.srv.Fail(http.MethodPost, "/v2/ledger/voucher", http.StatusServiceUnavailable, nil, 1)
	if status, body := f.do(http.MethodGet, "/ledger/voucher/>nonPosted", nil, nil); status != 200 {
		t.Fatalf("GET under a POST fault: %d %s", status, body)
	}
	status, body := f.do(http.MethodPost, "/ledger/voucher", nil, f.saleVoucher())
	wantError(t, status, body, 503, 1000)
	if n := len(f.srv.Vouchers()); n != 0 {
		t.Fatalf("%d vouchers stored by a request failed before processing", n)
	}
	v := f.postVoucher(f.saleVoucher(), nil)
	if v.Number != 1 {
		t.Errorf("first voucher after the fault: number %d", v.Number)
	}

	// Any method; a fault applies before authentication; ResetFaults.
	f.srv.Fail("", "/ledger", http.StatusBadGateway, nil, 5)
	status, body = f.raw(http.MethodGet, "/ledger/vatType", nil, nil, "", "")
	wantError(t, status, body, 502, 1000)
	f.srv.ResetFaults()
	if status, body := f.do(http.MethodGet, "/ledger/vatType", nil, nil); status != 200 {
		t.Errorf("after ResetFaults: %d %s", status, body)
	}
	f.srv.Fail(http.MethodGet, "/ledger/vatType", 500, nil, 0)
	if status, body := f.do(http.MethodGet, "/ledger/vatType", nil, nil); status != 200 {
		t.Errorf("a fault for 0 times applied: %d %s", status, body)
	}
}

func TestFailAfter(t *testing.T) {
	f := newFixture(t)
	f.srv.FailAfter(http.MethodPost, "/ledger/voucher", http.StatusGatewayTimeout, 1)
	status, body := f.do(http.MethodPost, "/ledger/voucher", nil, f.saleVoucher())
	wantError(t, status, body, 504, 1000)
	vs := f.srv.Vouchers()
	if len(vs) != 1 || vs[0].Number != 1 || vs[0].ExternalVoucherNumber != "inv-1001" {
		t.Fatalf("the voucher whose response was lost: %+v", vs)
	}
	// The adapter's exactly-once path: find it by its external voucher number.
	var found list[wireVoucher]
	f.get("/ledger/voucher/>externalVoucherNumber", url.Values{"externalVoucherNumber": {"inv-1001"}}, &found)
	if len(found.Values) != 1 || found.Values[0].ID != vs[0].ID {
		t.Errorf("found %+v", found.Values)
	}
	// A request the server refuses is refused, and its answer still replaced.
	f.srv.FailAfter(http.MethodPost, "/ledger/voucher", http.StatusBadGateway, 1)
	bad := f.saleVoucher()
	bad["postings"] = []obj{}
	status, body = f.do(http.MethodPost, "/ledger/voucher", nil, bad)
	wantError(t, status, body, 502, 1000)
	if n := len(f.srv.Vouchers()); n != 1 {
		t.Errorf("%d vouchers after a refused request", n)
	}
}

func TestConcurrentPosting(t *testing.T) {
	f := newFixture(t)
	const n = 20
	var wg sync.WaitGroup
	numbers := make([]int, n)
	errs := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := f.saleVoucher()
			v["externalVoucherNumber"] = fmt.Sprintf("inv-%d", i)
			body, _ := json.Marshal(v)
			req, _ := http.NewRequest(http.MethodPost, f.srv.URL()+"/ledger/voucher", bytes.NewReader(body))
			req.SetBasicAuth("0", f.token)
			resp, err := f.client.Do(req)
			if err != nil {
				errs <- err.Error()
				return
			}
			defer resp.Body.Close()
			var out struct{ Value wireVoucher }
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 201 {
				errs <- fmt.Sprintf("status %d, %v", resp.StatusCode, err)
				return
			}
			numbers[i] = out.Value.Number
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	slices.Sort(numbers)
	for i, num := range numbers {
		if num != i+1 {
			t.Fatalf("voucher numbers %v, want 1..%d", numbers, n)
		}
	}
	if got := len(f.srv.Vouchers()); got != n {
		t.Errorf("%d vouchers", got)
	}
}
