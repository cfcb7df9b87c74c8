package tripletextest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
)

// postingSummary renders a posting as "row account amount/gross [vat] [sys]".
func postingSummary(p wirePosting) string {
	s := fmt.Sprintf("%d %d %s/%s", p.Row, p.Account.Number, p.Amount, p.AmountGross)
	if p.VATType != nil {
		s += " vat" + p.VATType.Number
	}
	if p.SystemGenerated {
		s += " sys"
	}
	return s
}

func TestVoucherWithVAT25(t *testing.T) {
	f := newFixture(t)
	v := f.postVoucher(f.saleVoucher(), nil)
	if v.ID == 0 || v.Number != 1 || v.TempNumber != 0 || v.Year != 2026 || v.Date != "2026-03-15" || v.Version != 0 ||
		v.ExternalVoucherNumber != "inv-1001" || v.Description != "Faktura 1001 Nordmann AS" || v.Attachment != nil || v.VoucherType != nil {
		t.Errorf("voucher %+v", v)
	}
	want := []string{
		"1 1500 1250.00/1250.00",
		"2 3000 -1000.00/-1250.00 vat3",
		"0 2700 -250.00/-250.00 vat3 sys",
	}
	if len(v.Postings) != len(want) {
		t.Fatalf("%d postings: %+v", len(v.Postings), v.Postings)
	}
	for i, p := range v.Postings {
		if got := postingSummary(p); got != want[i] {
			t.Errorf("posting %d: %s, want %s", i, got, want[i])
		}
		if p.ID == 0 || p.Date != "2026-03-15" || p.Currency == nil || p.Currency.Code != "NOK" || p.Currency.ID != 1 ||
			p.AmountCurrency != p.Amount || p.AmountGrossCurrency != p.AmountGross {
			t.Errorf("posting %d: %+v", i, p)
		}
	}
	if c := v.Postings[0].Customer; c == nil || c.ID != f.cust {
		t.Errorf("the customer posting lost its customer: %+v", v.Postings[0])
	}
	if v.Postings[2].Customer != nil || v.Postings[2].Description != "Salg" {
		t.Errorf("generated VAT posting %+v", v.Postings[2])
	}

	// GET returns the same; Vouchers() holds exact decimals.
	var got struct{ Value wireVoucher }
	f.get(fmt.Sprintf("/ledger/voucher/%d", v.ID), nil, &got)
	if len(got.Value.Postings) != 3 || postingSummary(got.Value.Postings[1]) != want[1] {
		t.Errorf("GET /ledger/voucher/{id}: %+v", got.Value)
	}
	stored := f.srv.Vouchers()
	if len(stored) != 1 {
		t.Fatalf("%d vouchers stored", len(stored))
	}
	sv := stored[0]
	if !sv.SentToLedger || sv.Number != 1 || len(sv.Postings) != 3 {
		t.Fatalf("stored %+v", sv)
	}
	p0, p1, p2 := sv.Postings[0], sv.Postings[1], sv.Postings[2]
	if p0.InvoiceNumber != "1001" || p0.TermOfPayment != "2026-03-24" || p0.CustomerID != f.cust || p0.AccountNumber != 1500 {
		t.Errorf("stored posting 0 %+v", p0)
	}
	if p1.Amount.String() != "-1000" || p1.AmountGross.StringFixed(2) != "-1250.00" || p1.VATTypeNumber != "3" || p1.Row != 2 {
		t.Errorf("stored posting 1 %+v", p1)
	}
	if !p2.SystemGenerated || p2.Row != 0 || p2.AccountNumber != 2700 || p2.Amount.StringFixed(2) != "-250.00" ||
		p2.AmountGross.StringFixed(2) != "-250.00" || p2.VATTypeID != f.vat["3"] || p2.Currency != "NOK" {
		t.Errorf("stored posting 2 %+v", p2)
	}
	// Amounts are JSON numbers with two decimals.
	status, raw := f.do(http.MethodGet, fmt.Sprintf("/ledger/voucher/%d", v.ID), nil, nil)
	if status != 200 || !strings.Contains(string(raw), `"amount":-1000.00,`) || !strings.Contains(string(raw), `"amountGross":1250.00,`) {
		t.Errorf("amounts not written as numbers with two decimals: %s", raw)
	}
}

func TestVoucherWithVAT15(t *testing.T) {
	f := newFixture(t)
	expense := posting(1, f.acc[4300], "100.00")
	expense["vatType"] = id(f.vat["11"])
	payable := posting(2, f.acc[2400], "-100.00")
	payable["supplier"] = id(f.supp)
	v := f.postVoucher(obj{"date": "2026-03-15", "description": "Varekjøp", "postings": []obj{expense, payable}}, nil)
	want := []string{
		"1 4300 86.96/100.00 vat11",
		"0 2711 13.04/13.04 vat11 sys",
		"2 2400 -100.00/-100.00",
	}
	if len(v.Postings) != 3 {
		t.Fatalf("postings %+v", v.Postings)
	}
	for i, p := range v.Postings {
		if got := postingSummary(p); got != want[i] {
			t.Errorf("posting %d: %s, want %s", i, got, want[i])
		}
	}
	if s := v.Postings[2].Supplier; s == nil || s.ID != f.supp {
		t.Errorf("supplier posting %+v", v.Postings[2])
	}
}

func TestVoucherForeignCurrency(t *testing.T) {
	f := newFixture(t)
	debit := posting(1, f.acc[1500], "1162.50")
	debit["customer"] = id(f.cust)
	debit["currency"] = id(f.eurID)
	debit["amountGrossCurrency"] = json.Number("100.00")
	credit := posting(2, f.acc[3000], "-1162.50")
	credit["vatType"] = id(f.vat["3"])
	credit["currency"] = obj{"id": fmt.Sprint(f.eurID)} // ids may be strings
	credit["amountGrossCurrency"] = "-100.00"           // and amounts too
	credit["amount"] = 12345                            // net amounts in the request are ignored
	v := f.postVoucher(obj{"date": "2026-03-15", "description": "Export", "postings": []obj{debit, credit}}, nil)
	sale, vat := v.Postings[1], v.Postings[2]
	if sale.Amount != "-930.00" || sale.AmountCurrency != "-80.00" || sale.AmountGrossCurrency != "-100.00" || sale.Currency.Code != "EUR" {
		t.Errorf("sale posting %+v", sale)
	}
	if vat.Amount != "-232.50" || vat.AmountCurrency != "-20.00" || vat.Currency.Code != "EUR" || !vat.SystemGenerated {
		t.Errorf("VAT posting %+v", vat)
	}
}

func TestVoucherValidation(t *testing.T) {
	long := strings.Repeat("x", 71)
	for _, tc := range []struct {
		name   string
		edit   func(f *fixture, v obj, ps []obj)
		query  url.Values
		fields []string // field of each validation message
		paths  []string // path of each validation message
		text   string   // in the first message
	}{
		{"no postings", func(f *fixture, v obj, ps []obj) { v["postings"] = []obj{} }, nil, []string{"postings"}, []string{"postings"}, ""},
		{"postings null", func(f *fixture, v obj, ps []obj) { v["postings"] = nil }, nil, []string{"postings"}, []string{"postings"}, ""},
		{"date missing", func(f *fixture, v obj, ps []obj) { delete(v, "date") }, nil, []string{"date"}, []string{"date"}, "null"},
		{"date unparseable", func(f *fixture, v obj, ps []obj) { v["date"] = "15.03.2026" }, nil, []string{"date"}, []string{"date"}, "15.03.2026"},
		{"description missing", func(f *fixture, v obj, ps []obj) { delete(v, "description") }, nil, []string{"description"}, []string{"description"}, ""},
		{"row missing", func(f *fixture, v obj, ps []obj) { delete(ps[1], "row") }, nil, []string{"postings.row"}, []string{"postings[1].row"}, ""},
		{"row 0", func(f *fixture, v obj, ps []obj) { ps[0]["row"] = 0 }, nil, []string{"postings.row"}, []string{"postings[0].row"}, "systemgenererte"},
		{"row negative", func(f *fixture, v obj, ps []obj) { ps[0]["row"] = -1 }, nil, []string{"postings.row"}, []string{"postings[0].row"}, ""},
		{"account missing", func(f *fixture, v obj, ps []obj) { delete(ps[1], "account") }, nil, []string{"postings.account"}, []string{"postings[1].account"}, ""},
		{"account unknown", func(f *fixture, v obj, ps []obj) { ps[1]["account"] = id(3000) }, nil, []string{"postings.account"}, []string{"postings[1].account"}, "3000"},
		{"account inactive", func(f *fixture, v obj, ps []obj) {
			ps[1]["account"] = id(f.acc[6800])
			delete(ps[1], "vatType")
		}, nil, []string{"postings.account"}, []string{"postings[1].account"}, "6800"},
		{"VAT type unknown", func(f *fixture, v obj, ps []obj) { ps[1]["vatType"] = id(3) }, nil, []string{"postings.vatType"}, []string{"postings[1].vatType"}, ""},
		{"VAT type not legal on the account", func(f *fixture, v obj, ps []obj) { ps[1]["account"] = id(f.acc[3100]) }, nil, []string{"postings.vatType"}, []string{"postings[1].vatType"}, "3100"},
		{"VAT type without VAT account", func(f *fixture, v obj, ps []obj) { ps[1]["vatType"] = id(f.vat["99"]) }, nil, []string{"postings.vatType"}, []string{"postings[1].vatType"}, "no VAT account configured for VAT type 99"},
		{"customer unknown", func(f *fixture, v obj, ps []obj) { ps[0]["customer"] = id(f.supp) }, nil, []string{"postings.customer"}, []string{"postings[0].customer"}, ""},
		{"customer ledger without customer", func(f *fixture, v obj, ps []obj) { delete(ps[0], "customer") }, nil, []string{"postings.customer"}, []string{"postings[0].customer"}, "1500"},
		{"supplier unknown", func(f *fixture, v obj, ps []obj) { ps[1]["supplier"] = id(f.cust) }, nil, []string{"postings.supplier"}, []string{"postings[1].supplier"}, ""},
		{"currency unknown", func(f *fixture, v obj, ps []obj) { ps[0]["currency"] = id(77) }, nil, []string{"postings.currency"}, []string{"postings[0].currency"}, ""},
		{"amountGross with three decimals", func(f *fixture, v obj, ps []obj) {
			ps[0]["amountGross"] = json.Number("1250.001")
			ps[0]["amountGrossCurrency"] = json.Number("1250.001")
		}, nil, []string{"postings.amountGross"}, []string{"postings[0].amountGross"}, "2 desimaler"},
		{"amountGross missing", func(f *fixture, v obj, ps []obj) {
			delete(ps[0], "amountGross")
			delete(ps[0], "amountGrossCurrency")
		}, nil, []string{"postings.amountGross"}, []string{"postings[0].amountGross"}, ""},
		{"amountGrossCurrency missing in a foreign currency", func(f *fixture, v obj, ps []obj) {
			ps[0]["currency"] = id(f.eurID)
			delete(ps[0], "amountGrossCurrency")
		}, nil, []string{"postings.amountGrossCurrency"}, []string{"postings[0].amountGrossCurrency"}, "EUR"},
		{"amountGrossCurrency differing in the company currency", func(f *fixture, v obj, ps []obj) {
			ps[0]["amountGrossCurrency"] = json.Number("1000.00")
		}, nil, []string{"postings.amountGrossCurrency"}, []string{"postings[0].amountGrossCurrency"}, ""},
		{"voucher type unknown", func(f *fixture, v obj, ps []obj) { v["voucherType"] = id(1) }, nil, []string{"voucherType"}, []string{"voucherType"}, ""},
		{"voucher type Utgående faktura", func(f *fixture, v obj, ps []obj) { v["voucherType"] = id(f.types["Utgående faktura"]) }, nil, []string{"voucherType"}, []string{"voucherType"}, "Utgående faktura"},
		{"external voucher number too long", func(f *fixture, v obj, ps []obj) { v["externalVoucherNumber"] = long }, nil, []string{"externalVoucherNumber"}, []string{"externalVoucherNumber"}, "70"},
		{"unbalanced", func(f *fixture, v obj, ps []obj) {
			ps[1]["amountGross"] = json.Number("-1249.99")
			ps[1]["amountGrossCurrency"] = json.Number("-1249.99")
		}, nil, []string{"postings"}, []string{"postings"}, "Summen av posteringene for 2026-03-15 er ikke lik 0."},
		{"balanced in total but not per date", func(f *fixture, v obj, ps []obj) { ps[1]["date"] = "2026-03-16" }, nil,
			[]string{"postings", "postings"}, []string{"postings", "postings"}, "2026-03-15"},
		{"term of payment unparseable", func(f *fixture, v obj, ps []obj) { ps[0]["termOfPayment"] = "soon" }, nil, []string{"postings.termOfPayment"}, []string{"postings[0].termOfPayment"}, ""},
		{"several problems", func(f *fixture, v obj, ps []obj) {
			ps[0]["row"] = 0
			ps[1]["account"] = id(1)
			delete(v, "description")
		}, nil, []string{"description", "postings.row", "postings.account"}, []string{"description", "postings[0].row", "postings[1].account"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			v := f.saleVoucher()
			tc.edit(f, v, v["postings"].([]obj))
			status, body := f.do(http.MethodPost, "/ledger/voucher", tc.query, v)
			e := wantError(t, status, body, 422, 18000)
			if e.Message != "Validering feilet." {
				t.Errorf("message %q", e.Message)
			}
			if len(e.ValidationMessages) != len(tc.fields) {
				t.Fatalf("validation messages %s, want fields %v", body, tc.fields)
			}
			for i, m := range e.ValidationMessages {
				if m.Field != tc.fields[i] || m.Path == nil || *m.Path != tc.paths[i] || m.Message == "" || m.RootID != nil {
					t.Errorf("message %d: %+v (path %v), want field %s, path %s", i, m, m.Path, tc.fields[i], tc.paths[i])
				}
			}
			if tc.text != "" && !strings.Contains(e.ValidationMessages[0].Message, tc.text) {
				t.Errorf("message %q does not say %q", e.ValidationMessages[0].Message, tc.text)
			}
			if n := len(f.srv.Vouchers()); n != 0 {
				t.Fatalf("%d vouchers stored by a refused request", n)
			}
			// Nothing was used up: the next voucher is number 1.
			if v := f.postVoucher(f.saleVoucher(), nil); v.Number != 1 {
				t.Errorf("next voucher has number %d", v.Number)
			}
		})
	}
}

func TestVoucherAccepts(t *testing.T) {
	f := newFixture(t)
	v := f.saleVoucher()
	ps := v["postings"].([]obj)
	ps[0]["account"] = obj{"id": fmt.Sprint(f.acc[1500])}
	ps[0]["row"] = "1"
	v["voucherType"] = id(f.types["Memorialbilag"])
	v["externalVoucherNumber"] = strings.Repeat("æ", 70)
	got := f.postVoucher(v, url.Values{"fields": {"*,postings(*)"}})
	if got.VoucherType == nil || got.VoucherType.ID != f.types["Memorialbilag"] || got.Postings[0].Account.Number != 1500 {
		t.Errorf("voucher %+v", got)
	}
	// Numbers count per year.
	second := f.saleVoucher()
	second["date"] = "2027-01-02"
	for _, p := range second["postings"].([]obj) {
		p["date"] = "2027-01-02"
	}
	if v2 := f.postVoucher(second, nil); v2.Number != 1 || v2.Year != 2027 || v2.Postings[0].Date != "2027-01-02" {
		t.Errorf("first voucher of 2027: %+v", v2)
	}
	if v3 := f.postVoucher(f.saleVoucher(), nil); v3.Number != 2 || v3.Year != 2026 {
		t.Errorf("second voucher of 2026: %+v", v3)
	}
	status, body := f.do(http.MethodPost, "/ledger/voucher", url.Values{"sendToLedger": {"maybe"}}, f.saleVoucher())
	wantError(t, status, body, 400, 16000)
}

func TestNonPostedVoucher(t *testing.T) {
	f := newFixture(t)
	draft := f.postVoucher(f.saleVoucher(), url.Values{"sendToLedger": {"false"}})
	if draft.Number != 0 || draft.TempNumber != 1 || draft.Year != 2026 {
		t.Errorf("non-posted voucher %+v", draft)
	}
	posted := f.saleVoucher()
	posted["externalVoucherNumber"] = "inv-1002"
	pv := f.postVoucher(posted, nil)
	if pv.Number != 1 || pv.TempNumber != 0 {
		t.Errorf("posted voucher %+v", pv)
	}
	draft2 := f.postVoucher(f.saleVoucher(), url.Values{"sendToLedger": {"false"}})
	if draft2.TempNumber != 2 {
		t.Errorf("second non-posted voucher %+v", draft2)
	}

	ids := func(path string, q url.Values) []int64 {
		t.Helper()
		var l list[wireVoucher]
		f.get(path, q, &l)
		var out []int64
		for _, v := range l.Values {
			out = append(out, v.ID)
		}
		return out
	}
	equal := func(got []int64, want ...int64) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			if got[i] != want[i] {
				return false
			}
		}
		return true
	}
	march := url.Values{"dateFrom": {"2026-03-01"}, "dateTo": {"2026-04-01"}}
	if got := ids("/ledger/voucher", march); !equal(got, pv.ID) {
		t.Errorf("posted search %v, want only %d", got, pv.ID)
	}
	nonPosted := url.Values{"dateFrom": {"2026-03-01"}, "dateTo": {"2026-04-01"}, "includeNonApproved": {"true"}}
	if got := ids("/ledger/voucher/>nonPosted", nonPosted); !equal(got, draft.ID, draft2.ID) {
		t.Errorf(">nonPosted %v", got)
	}
	if got := ids("/ledger/voucher/>nonPosted", nil); !equal(got, draft.ID, draft2.ID) {
		t.Errorf(">nonPosted without parameters %v", got)
	}
	if got := ids("/ledger/voucher/>externalVoucherNumber", url.Values{"externalVoucherNumber": {"inv-1001"}}); !equal(got, draft.ID, draft2.ID) {
		t.Errorf(">externalVoucherNumber inv-1001: %v", got)
	}
	if got := ids("/ledger/voucher/>externalVoucherNumber", url.Values{"externalVoucherNumber": {"inv-1002"}}); !equal(got, pv.ID) {
		t.Errorf(">externalVoucherNumber inv-1002: %v", got)
	}
	if got := ids("/ledger/voucher/>externalVoucherNumber", url.Values{"externalVoucherNumber": {"inv-100"}}); len(got) != 0 {
		t.Errorf(">externalVoucherNumber inv-100 (a prefix): %v", got)
	}
	// dateTo is exclusive, dateFrom inclusive.
	if got := ids("/ledger/voucher", url.Values{"dateFrom": {"2026-03-01"}, "dateTo": {"2026-03-15"}}); len(got) != 0 {
		t.Errorf("dateTo = the voucher date: %v", got)
	}
	if got := ids("/ledger/voucher", url.Values{"dateFrom": {"2026-03-15"}, "dateTo": {"2026-03-16"}}); !equal(got, pv.ID) {
		t.Errorf("dateFrom = the voucher date: %v", got)
	}
	if got := ids("/ledger/voucher/>nonPosted", url.Values{"dateFrom": {"2026-03-16"}}); len(got) != 0 {
		t.Errorf(">nonPosted from the day after: %v", got)
	}
	if got := ids("/ledger/voucher", url.Values{"dateFrom": {"2026-01-01"}, "dateTo": {"2027-01-01"}, "number": {"1"}}); !equal(got, pv.ID) {
		t.Errorf("number=1: %v", got)
	}
	var search struct {
		TotalNumberOfPostings int `json:"totalNumberOfPostings"`
	}
	f.get("/ledger/voucher", march, &search)
	if search.TotalNumberOfPostings != 3 {
		t.Errorf("totalNumberOfPostings %d", search.TotalNumberOfPostings)
	}
	for _, q := range []url.Values{
		{"dateFrom": {"2026-03-01"}},
		{"dateTo": {"2026-03-01"}},
		{"dateFrom": {"2026-03-01"}, "dateTo": {"2026-03-01"}},
		{"dateFrom": {"1 March"}, "dateTo": {"2026-04-01"}},
	} {
		status, body := f.do(http.MethodGet, "/ledger/voucher", q, nil)
		wantError(t, status, body, 422, 18000)
	}
	vs := f.srv.Vouchers()
	if len(vs) != 3 || vs[0].SentToLedger || !vs[1].SentToLedger || vs[0].TempNumber != 1 {
		t.Errorf("Vouchers() %+v", vs)
	}
}

// upload posts files to a voucher's attachment endpoint, each part with the
// given Content-Type ("" for what CreateFormFile sets).
func (f *fixture) upload(voucherID int64, name, contentType string, data []byte) (int, []byte) {
	f.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	var part interface{ Write([]byte) (int, error) }
	var err error
	if contentType == "" {
		part, err = mw.CreateFormFile("file", name)
	} else {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
		h.Set("Content-Type", contentType)
		part, err = mw.CreatePart(h)
	}
	if err != nil {
		f.t.Fatal(err)
	}
	_, _ = part.Write(data)
	_ = mw.Close()
	return f.raw(http.MethodPost, fmt.Sprintf("/ledger/voucher/%d/attachment", voucherID), nil, buf.Bytes(), mw.FormDataContentType(), f.token)
}

func TestAttachments(t *testing.T) {
	f := newFixture(t)
	v := f.postVoucher(f.saleVoucher(), nil)
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

	status, body := f.upload(v.ID, "F-1001.pdf", "", pdf) // application/octet-stream: judged by its bytes
	if status != http.StatusCreated {
		t.Fatalf("first upload: %d %s", status, body)
	}
	var resp struct{ Value wireVoucher }
	decode(t, body, &resp)
	if a := resp.Value.Attachment; a == nil || a.ID == 0 || a.FileName != "F-1001.pdf" || resp.Value.Version != 1 {
		t.Fatalf("after the first upload: %s", body)
	}
	firstID := resp.Value.Attachment.ID

	status, body = f.upload(v.ID, "receipt.png", "image/png", png)
	if status != http.StatusCreated {
		t.Fatalf("second upload: %d %s", status, body)
	}
	decode(t, body, &resp)
	if a := resp.Value.Attachment; a == nil || a.ID != firstID || a.FileName != "F-1001.pdf" {
		t.Errorf("after the second upload the attachment is %+v", a)
	}
	stored, ok := f.srv.Voucher(v.ID)
	if !ok || stored.AttachmentID != firstID || len(stored.Attachments) != 2 {
		t.Fatalf("stored %+v", stored)
	}
	if a := stored.Attachments[0]; a.FileName != "F-1001.pdf" || a.ContentType != "application/pdf" || !bytes.Equal(a.Data, pdf) {
		t.Errorf("first file %+v", a)
	}
	if a := stored.Attachments[1]; a.FileName != "receipt.png" || a.ContentType != "image/png" || !bytes.Equal(a.Data, png) {
		t.Errorf("second file %+v", a)
	}

	for _, tc := range []struct {
		name, file, ct string
		data           []byte
	}{
		{"text by its bytes", "notes.txt", "", []byte("hello")},
		{"text by its header", "notes.txt", "text/plain", pdf},
		{"empty", "empty.pdf", "application/pdf", nil},
		{"XML invoice", "invoice.xml", "application/xml", []byte("<Invoice/>")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := f.upload(v.ID, tc.file, tc.ct, tc.data)
			wantError(t, status, body, 422, 18000)
		})
	}
	if stored, _ := f.srv.Voucher(v.ID); len(stored.Attachments) != 2 || stored.Version != 2 {
		t.Errorf("refused uploads changed the voucher: %+v", stored)
	}
	status, body = f.upload(v.ID+1000, "F-1001.pdf", "", pdf)
	wantError(t, status, body, 404, 6000)
	status, body = f.raw(http.MethodPost, fmt.Sprintf("/ledger/voucher/%d/attachment", v.ID), nil, pdf, "application/pdf", f.token)
	wantError(t, status, body, 400, 16000)
	// The copies returned are deep.
	stored.Attachments[0].Data[0] = 'X'
	if again, _ := f.srv.Voucher(v.ID); again.Attachments[0].Data[0] != '%' {
		t.Error("Voucher returns shared attachment data")
	}
}
