package tripletextest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/invoicesync/invoicesync/connector/tripletex/tripletextest"
)

// impatientPost sends v to POST /ledger/voucher with a client that gives up
// after 300 ms, and returns its error (nil when it got an answer).
func (f *fixture) impatientPost(v obj, token string) error {
	f.t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		f.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, f.srv.URL()+"/ledger/voucher", bytes.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if token != "" {
		req.SetBasicAuth("0", token)
	}
	resp, err := (&http.Client{Timeout: 300 * time.Millisecond}).Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// lookup returns the vouchers GET /ledger/voucher/>externalVoucherNumber finds.
func (f *fixture) lookup(external string) []wireVoucher {
	f.t.Helper()
	var found list[wireVoucher]
	f.get("/ledger/voucher/>externalVoucherNumber", url.Values{"externalVoucherNumber": {external}}, &found)
	return found.Values
}

func TestCommitLate(t *testing.T) {
	f := newFixture(t)
	f.srv.CommitLate(http.MethodPost, "/ledger/voucher", 1)
	err := f.impatientPost(f.saleVoucher(), f.token)
	var ue *url.Error
	if !errors.As(err, &ue) || !ue.Timeout() {
		t.Fatalf("the client got %v, want its timeout", err)
	}
	if n := f.srv.HeldLate(); n != 1 {
		t.Fatalf("%d requests held", n)
	}
	if vs := f.srv.Vouchers(); len(vs) != 0 {
		t.Fatalf("a held voucher is stored before its release: %+v", vs)
	}
	if found := f.lookup("inv-1001"); len(found) != 0 {
		t.Fatalf("the lookup sees a held voucher: %+v", found)
	}
	posts := 0
	for _, r := range f.srv.Requests() {
		if r.Method == http.MethodPost && r.Path == "/v2/ledger/voucher" {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("%d voucher POSTs recorded, want the held one", posts)
	}

	// Another voucher meanwhile takes number 1: the late one is numbered when it commits.
	other := f.saleVoucher()
	other["externalVoucherNumber"] = "inv-1002"
	if v := f.postVoucher(other, nil); v.Number != 1 {
		t.Errorf("the voucher posted meanwhile: number %d", v.Number)
	}
	if n := f.srv.ReleaseLate(); n != 1 {
		t.Fatalf("ReleaseLate recorded %d", n)
	}
	if n := f.srv.HeldLate(); n != 0 {
		t.Errorf("%d requests held after ReleaseLate", n)
	}
	vs := f.srv.Vouchers()
	if len(vs) != 2 {
		t.Fatalf("%d vouchers after the release", len(vs))
	}
	late := vs[1]
	if late.ExternalVoucherNumber != "inv-1001" || late.Number != 2 || !late.SentToLedger || late.Date != "2026-03-15" {
		t.Errorf("the late voucher: %+v", late)
	}
	// Split as any voucher: 1250.00 gross at 25 % is 1000.00 net and 250.00 VAT on 2700.
	want := []struct {
		account int
		amount  string
		system  bool
	}{{1500, "1250.00", false}, {3000, "-1000.00", false}, {2700, "-250.00", true}}
	if len(late.Postings) != len(want) {
		t.Fatalf("the late voucher's postings: %+v", late.Postings)
	}
	for i, w := range want {
		p := late.Postings[i]
		if p.AccountNumber != w.account || p.Amount.StringFixed(2) != w.amount || p.SystemGenerated != w.system {
			t.Errorf("posting %d: account %d amount %s system %t, want %d %s %t",
				i, p.AccountNumber, p.Amount.StringFixed(2), p.SystemGenerated, w.account, w.amount, w.system)
		}
	}
	found := f.lookup("inv-1001")
	if len(found) != 1 || found[0].ID != late.ID || found[0].Number != 2 {
		t.Errorf("the lookup after the release: %+v", found)
	}
	if n := f.srv.ReleaseLate(); n != 0 {
		t.Errorf("a second ReleaseLate recorded %d", n)
	}
}

func TestCommitLateInvalidRecordsNothing(t *testing.T) {
	f := newFixture(t)
	f.srv.CommitLate(http.MethodPost, "/v2/ledger/voucher", 1)
	bad := f.saleVoucher()
	bad["postings"] = []obj{}
	if err := f.impatientPost(bad, f.token); err == nil {
		t.Fatal("a held request was answered before the client gave up")
	}
	if n := f.srv.HeldLate(); n != 1 {
		t.Fatalf("%d requests held", n)
	}
	if n := f.srv.ReleaseLate(); n != 0 {
		t.Errorf("ReleaseLate counted %d for a voucher without postings", n)
	}
	if vs := f.srv.Vouchers(); len(vs) != 0 {
		t.Errorf("an invalid late voucher was stored: %+v", vs)
	}
	// Validation runs at release time: the next voucher still takes number 1.
	if v := f.postVoucher(f.saleVoucher(), nil); v.Number != 1 {
		t.Errorf("next voucher: number %d", v.Number)
	}
}

func TestCommitLateRefusedAtOnce(t *testing.T) {
	f := newFixture(t)
	f.srv.CommitLate(http.MethodPost, "/ledger/voucher", 1)
	// Without a session the request is refused when it arrives, not held.
	if err := f.impatientPost(f.saleVoucher(), ""); err != nil {
		t.Fatalf("an unauthenticated request was held: %v", err)
	}
	if n := f.srv.HeldLate(); n != 0 {
		t.Fatalf("%d requests held", n)
	}
	// It used up the fault: the next POST is answered at once.
	if v := f.postVoucher(f.saleVoucher(), nil); v.Number != 1 {
		t.Errorf("next voucher: number %d", v.Number)
	}
	if n := f.srv.ReleaseLate(); n != 0 {
		t.Errorf("ReleaseLate recorded %d", n)
	}
	if vs := f.srv.Vouchers(); len(vs) != 1 {
		t.Errorf("%d vouchers", len(vs))
	}
	// ResetFaults drops a CommitLate not used yet.
	f.srv.CommitLate(http.MethodPost, "/ledger/voucher", 1)
	f.srv.ResetFaults()
	other := f.saleVoucher()
	other["externalVoucherNumber"] = "inv-1002"
	if v := f.postVoucher(other, nil); v.Number != 2 {
		t.Errorf("after ResetFaults: number %d", v.Number)
	}
}

// Close does not wait for a client that never gives up.
func TestCloseEndsHeldRequests(t *testing.T) {
	srv := tripletextest.NewServer(tripletextest.Options{})
	tok := sessionToken(t, srv)
	srv.CommitLate(http.MethodGet, "/ledger/account", 1)
	answered := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/ledger/account", nil)
		req.SetBasicAuth("0", tok)
		resp, err := http.DefaultClient.Do(req) // no timeout
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	for srv.HeldLate() == 0 { // wait until the request is held
		select {
		case status := <-answered:
			t.Fatalf("the request was answered %d before it was held", status)
		case <-time.After(time.Millisecond):
		}
	}
	srv.Close()
	if status := <-answered; status != http.StatusGatewayTimeout && status != 0 {
		t.Errorf("a held request ended by Close answered %d", status)
	}
}

// sessionToken creates a session on srv with its default tokens.
func sessionToken(t *testing.T, srv *tripletextest.Server) string {
	t.Helper()
	q := url.Values{"consumerToken": {tripletextest.DefaultConsumerToken}, "employeeToken": {tripletextest.DefaultEmployeeToken},
		"expirationDate": {time.Now().AddDate(0, 0, 2).Format(time.DateOnly)}}
	req, _ := http.NewRequest(http.MethodPut, srv.URL()+"/token/session/:create?"+q.Encode(), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Value struct {
			Token string `json:"token"`
		} `json:"value"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Value.Token == "" {
		t.Fatalf("creating a session: %v %+v", err, out)
	}
	return out.Value.Token
}
