package tripletex_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/httpx/httpxtest"
	"github.com/invoicesync/invoicesync/connector/tripletex"
	"github.com/invoicesync/invoicesync/connector/tripletex/tripletextest"
)

var dec = decimal.RequireFromString

// fixture is a Tripletex ledger on a fake server seeded with the demo
// company, logging into a buffer. When the test ends it checks that no log
// line and no error string it collected holds the consumer token, the
// employee token or any session token the server handed out.
type fixture struct {
	t      *testing.T
	srv    *tripletextest.Server
	demo   tripletextest.Demo
	ledger *tripletex.Ledger
	clock  *httpxtest.Clock
	mu     sync.Mutex
	logs   bytes.Buffer
	errs   []string
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{t: t, clock: httpxtest.NewClock(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))}
	f.srv = tripletextest.NewServer(tripletextest.Options{Now: f.clock.Now})
	t.Cleanup(f.srv.Close)
	f.demo = f.srv.SeedDemo()
	var err error
	f.ledger, err = tripletex.New(tripletex.Options{
		BaseURL:       f.srv.URL(),
		ConsumerToken: tripletextest.DefaultConsumerToken,
		EmployeeToken: tripletextest.DefaultEmployeeToken,
		Tenant:        "salong-nordlys",
		VATAccounts:   f.demo.VATAccounts,
		Clock:         f.clock,
		Logger:        slog.New(slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	require.NoError(t, err)
	t.Cleanup(f.checkSecrets)
	return f
}

func (f *fixture) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.logs.Write(p)
}

// err records err's string for the secret check.
func (f *fixture) err(err error) error {
	if err != nil {
		f.mu.Lock()
		f.errs = append(f.errs, err.Error())
		f.mu.Unlock()
	}
	return err
}

func (f *fixture) checkSecrets() {
	secrets := []string{tripletextest.DefaultConsumerToken, tripletextest.DefaultEmployeeToken}
	for _, r := range f.srv.Requests() {
		if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Basic ") {
			raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(auth, "Basic "))
			_, token, _ := strings.Cut(string(raw), ":")
			secrets = append(secrets, token, auth)
		}
	}
	require.Greater(f.t, len(secrets), 2, "the test made authenticated requests")
	f.mu.Lock()
	defer f.mu.Unlock()
	logs := f.logs.String()
	for _, s := range secrets {
		assert.NotContains(f.t, logs, s, "a log line holds a secret")
		for _, e := range f.errs {
			assert.NotContains(f.t, e, s, "an error string holds a secret")
		}
	}
}

func (f *fixture) customer(name string) invoicesync.PartnerRef {
	ref, err := f.ledger.CreatePartner(context.Background(), invoicesync.Partner{
		Role: invoicesync.Customer, Name: name, RegistrationID: "987654321", Country: "NO",
		Address: invoicesync.Address{Lines: []string{"Storgata 1"}, PostalCode: "0155", City: "Oslo", Country: "NO"},
	})
	require.NoError(f.t, f.err(err))
	return ref
}

// voucherPosts returns the bodies of the POST /ledger/voucher requests.
func (f *fixture) voucherPosts() []tripletextest.Request {
	var out []tripletextest.Request
	for _, r := range f.srv.Requests() {
		if r.Method == http.MethodPost && r.Path == "/v2/ledger/voucher" {
			out = append(out, r)
		}
	}
	return out
}

func line(account, debit, credit, vat, label string, kind invoicesync.LineKind) invoicesync.EntryLine {
	d, c := decimal.Zero, decimal.Zero
	if debit != "" {
		d = dec(debit)
	}
	if credit != "" {
		c = dec(credit)
	}
	return invoicesync.EntryLine{Account: account, Debit: d, Credit: c, VATCode: vat, Label: label, Kind: kind}
}

// twoRatesEntry is invoice F-2026-17: 800.00 at 25 % and 217.30 at 15 %,
// VAT 200.00 and 32.60 (217.30 × 15 % = 32.595), 1 249.90 rounded to a
// payable 1 250.00: a rounding line of 0.10.
func twoRatesEntry(customer invoicesync.PartnerRef) *invoicesync.Entry {
	partner := line("1500", "1250.00", "", "", "Nordlys AS F-2026-17", invoicesync.KindPartner)
	partner.Partner = &customer
	return &invoicesync.Entry{
		Journal: "Memorialbilag", Date: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), DueDate: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC),
		Reference: "F-2026-17", Label: "Nordlys AS F-2026-17", Currency: "NOK", Decimals: 2,
		IdempotencyKey: "isync-0f3a8c2d9b7e4a1c6d5e8f9a0b1c2d3e", Direction: invoicesync.Sales, Kind: invoicesync.KindInvoice,
		Partner: customer,
		Lines: []invoicesync.EntryLine{
			partner,
			line("3000", "", "800.00", "3", "Konsulenttimer", invoicesync.KindRevenue),
			line("3000", "", "217.30", "31", "Servering", invoicesync.KindRevenue),
			line("2700", "", "200.00", "3", "Utgående avgift, høy sats", invoicesync.KindVAT),
			line("2701", "", "32.60", "31", "Utgående avgift, middels sats", invoicesync.KindVAT),
			line("7740", "", "0.10", "", "Øreavrunding", invoicesync.KindRounding),
		},
	}
}

// posting is a voucher posting as sent, decoded with exact numbers.
type posting struct {
	Row                 int                 `json:"row"`
	Date                string              `json:"date"`
	Description         string              `json:"description"`
	Account             *struct{ ID int64 } `json:"account"`
	Customer            *struct{ ID int64 } `json:"customer"`
	Supplier            *struct{ ID int64 } `json:"supplier"`
	VATType             *struct{ ID int64 } `json:"vatType"`
	Currency            *struct{ ID int64 } `json:"currency"`
	AmountGross         json.Number         `json:"amountGross"`
	AmountGrossCurrency json.Number         `json:"amountGrossCurrency"`
	InvoiceNumber       string              `json:"invoiceNumber"`
	TermOfPayment       string              `json:"termOfPayment"`
}

type sentVoucher struct {
	Date                  string              `json:"date"`
	Description           string              `json:"description"`
	VoucherType           *struct{ ID int64 } `json:"voucherType"`
	ExternalVoucherNumber string              `json:"externalVoucherNumber"`
	Postings              []posting           `json:"postings"`
}

func decodeSent(t *testing.T, body []byte) sentVoucher {
	var v sentVoucher
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	require.NoError(t, d.Decode(&v))
	return v
}

// accountIDs maps the account ids of the stored vouchers' postings to their numbers.
func (f *fixture) accountIDs() map[int64]int {
	out := map[int64]int{}
	for _, v := range f.srv.Vouchers() {
		for _, p := range v.Postings {
			out[p.AccountID] = p.AccountNumber
		}
	}
	return out
}

func TestVoucherBodyTwoRatesAndRounding(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	customer := f.customer("Nordlys AS")
	e := twoRatesEntry(customer)
	require.NoError(t, e.Check(), "the test's entry balances")

	ref, err := f.ledger.PostEntry(ctx, e)
	require.NoError(t, f.err(err))
	posts := f.voucherPosts()
	require.Len(t, posts, 1)
	assert.Equal(t, "true", posts[0].Query().Get("sendToLedger"))
	v := decodeSent(t, posts[0].Body)

	assert.Equal(t, "2026-11-20", v.Date)
	assert.Equal(t, "Nordlys AS F-2026-17", v.Description)
	require.NotNil(t, v.VoucherType)
	assert.Equal(t, f.demo.VoucherTypes["Memorialbilag"], v.VoucherType.ID)
	assert.Equal(t, e.IdempotencyKey, v.ExternalVoucherNumber)

	stored := f.srv.Vouchers()
	require.Len(t, stored, 1)
	ids := f.accountIDs()
	number := func(p posting) int { return ids[p.Account.ID] }
	vat := map[int64]string{}
	for _, p := range stored[0].Postings {
		if p.VATTypeID != 0 {
			vat[p.VATTypeID] = p.VATTypeNumber
		}
	}
	custID := customer.ID

	// Four postings: the VAT lines are Tripletex's to write.
	require.Len(t, v.Postings, 4)
	want := []struct {
		row                   int
		account               int
		gross, vatType, label string
		customer              bool
	}{
		{1, 1500, "1250.00", "", "Nordlys AS F-2026-17", true},
		{2, 3000, "-1000.00", "3", "Konsulenttimer", false}, // net 800.00 + 25 % of it
		{3, 3000, "-249.90", "31", "Servering", false},      // 249.90 × 15 / 115 = 32.5957 → 32.60; 249.90 − 32.60 = 217.30
		{6, 7740, "-0.10", "", "Øreavrunding", false},       // rows 4 and 5 were the VAT lines
	}
	for i, w := range want {
		p := v.Postings[i]
		assert.Equal(t, w.row, p.Row, "posting %d row", i)
		assert.Equal(t, w.account, number(p), "posting %d account", i)
		assert.Equal(t, w.gross, p.AmountGross.String(), "posting %d amountGross", i)
		assert.Equal(t, w.gross, p.AmountGrossCurrency.String(), "posting %d amountGrossCurrency", i)
		assert.Equal(t, w.label, p.Description, "posting %d description", i)
		assert.Equal(t, "2026-11-20", p.Date, "posting %d date", i)
		assert.Equal(t, "F-2026-17", p.InvoiceNumber, "posting %d invoice number", i)
		require.NotNil(t, p.Currency, "posting %d currency", i)
		assert.Equal(t, int64(1), p.Currency.ID, "posting %d: NOK", i)
		if w.vatType == "" {
			assert.Nil(t, p.VATType, "posting %d VAT type", i)
		} else if assert.NotNil(t, p.VATType, "posting %d VAT type", i) {
			assert.Equal(t, w.vatType, vat[p.VATType.ID], "posting %d VAT type", i)
		}
		if w.customer {
			require.NotNil(t, p.Customer)
			assert.Equal(t, custID, itoa(p.Customer.ID))
			assert.Equal(t, "2026-12-04", p.TermOfPayment)
		} else {
			assert.Nil(t, p.Customer, "posting %d customer", i)
			assert.Empty(t, p.TermOfPayment, "posting %d term of payment", i)
		}
		assert.Nil(t, p.Supplier, "posting %d supplier", i)
	}

	// What Tripletex holds: every account exactly as the entry says.
	assert.Equal(t, entryTotals(e), storedTotals(stored[0]))
	assert.Equal(t, "1-2026", ref.Number)

	// Read back: the entry, line by line.
	got, err := f.ledger.Voucher(ctx, ref.ID)
	require.NoError(t, f.err(err))
	requireSameLines(t, e, &got)
	assert.Equal(t, "Memorialbilag", got.Journal)
	assert.Equal(t, e.IdempotencyKey, got.IdempotencyKey)
	assert.Equal(t, "F-2026-17", got.Reference)
	assert.False(t, got.Draft)
	assert.Equal(t, "2026-12-04", got.DueDate.Format(time.DateOnly))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// entryTotals sums an entry's lines per account (debit positive).
func entryTotals(e *invoicesync.Entry) map[string]string {
	sum := map[string]decimal.Decimal{}
	for _, l := range e.Lines {
		sum[l.Account] = sum[l.Account].Add(l.Debit).Sub(l.Credit)
	}
	out := map[string]string{}
	for k, v := range sum {
		out[k] = v.StringFixed(2)
	}
	return out
}

// storedTotals sums a stored voucher's postings per account.
func storedTotals(v tripletextest.Voucher) map[string]string {
	sum := map[string]decimal.Decimal{}
	for _, p := range v.Postings {
		k := itoa(int64(p.AccountNumber))
		sum[k] = sum[k].Add(p.Amount)
	}
	out := map[string]string{}
	for k, v := range sum {
		out[k] = v.StringFixed(2)
	}
	return out
}

func requireSameLines(t *testing.T, want, got *invoicesync.Entry) {
	t.Helper()
	require.Len(t, got.Lines, len(want.Lines))
	for i := range want.Lines {
		w, g := want.Lines[i], got.Lines[i]
		assert.Equal(t, w.Account, g.Account, "line %d account", i+1)
		assert.Equal(t, w.Debit.StringFixed(2), g.Debit.StringFixed(2), "line %d debit", i+1)
		assert.Equal(t, w.Credit.StringFixed(2), g.Credit.StringFixed(2), "line %d credit", i+1)
		assert.Equal(t, w.VATCode, g.VATCode, "line %d VAT code", i+1)
		assert.Equal(t, w.Label, g.Label, "line %d label", i+1)
	}
}

func TestVATDifferenceGetsItsOwnPosting(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	customer := f.customer("Småkunde AS")
	// Two lines of 0.10 at 25 %: VAT on the total is 0.05, Tripletex's
	// per posting 0.03 + 0.03 = 0.06 (gross 0.13 each: 0.13 × 25 / 125 = 0.026).
	partner := line("1500", "0.25", "", "", "Småkunde AS F-9", invoicesync.KindPartner)
	partner.Partner = &customer
	e := &invoicesync.Entry{
		Journal: "Memorialbilag", Date: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Reference: "F-9", Label: "Småkunde AS F-9",
		Currency: "NOK", Decimals: 2, IdempotencyKey: "isync-small", Direction: invoicesync.Sales, Partner: customer,
		Lines: []invoicesync.EntryLine{
			partner,
			line("3000", "", "0.10", "3", "Pose", invoicesync.KindRevenue),
			line("3000", "", "0.10", "3", "Pose", invoicesync.KindRevenue),
			line("2700", "", "0.05", "3", "Utgående avgift, høy sats", invoicesync.KindVAT),
		},
	}
	require.NoError(t, e.Check())
	ref, err := f.ledger.PostEntry(ctx, e)
	require.NoError(t, f.err(err))
	v := decodeSent(t, f.voucherPosts()[0].Body)
	require.Len(t, v.Postings, 4)
	assert.Equal(t, "-0.13", v.Postings[1].AmountGross.String())
	assert.Equal(t, "-0.13", v.Postings[2].AmountGross.String())
	assert.Equal(t, 5, v.Postings[3].Row)
	assert.Equal(t, "0.01", v.Postings[3].AmountGross.String(), "the cent Tripletex's per-posting VAT adds, taken back")
	assert.Nil(t, v.Postings[3].VATType)
	assert.Equal(t, "Utgående avgift, høy sats (difference with Tripletex's VAT)", v.Postings[3].Description)

	stored := f.srv.Vouchers()
	assert.Equal(t, map[string]string{"1500": "0.25", "3000": "-0.20", "2700": "-0.05"}, storedTotals(stored[0]))
	got, err := f.ledger.Voucher(ctx, ref.ID)
	require.NoError(t, f.err(err))
	require.Len(t, got.Lines, 5, "read back, the difference is a line of its own")
	assert.Equal(t, "0.06", got.Lines[3].Credit.StringFixed(2))
	assert.Equal(t, "0.01", got.Lines[4].Debit.StringFixed(2))
}

func TestDraftIsANonPostedVoucher(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	e := twoRatesEntry(f.customer("Nordlys AS"))
	e.Draft = true
	ref, err := f.ledger.PostEntry(ctx, e)
	require.NoError(t, f.err(err))
	posts := f.voucherPosts()
	require.Len(t, posts, 1)
	assert.Equal(t, "false", posts[0].Query().Get("sendToLedger"))
	stored := f.srv.Vouchers()
	require.Len(t, stored, 1)
	assert.False(t, stored[0].SentToLedger)
	assert.Zero(t, stored[0].Number)
	assert.Equal(t, "temp 1", ref.Number)
	got, err := f.ledger.Voucher(ctx, ref.ID)
	require.NoError(t, f.err(err))
	assert.True(t, got.Draft)
	found, err := f.ledger.FindEntry(ctx, e.IdempotencyKey)
	require.NoError(t, f.err(err))
	assert.Equal(t, ref.ID, found.ID, "FindEntry sees non-posted vouchers")
}

func TestLostResponseThenExactlyOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	e := twoRatesEntry(f.customer("Nordlys AS"))
	f.srv.FailAfter(http.MethodPost, "/ledger/voucher", http.StatusInternalServerError, 1)
	_, err := f.ledger.PostEntry(ctx, e)
	require.Error(t, f.err(err))
	assert.False(t, invoicesync.Retryable(err), "the voucher may exist: the Syncer must look before posting again")
	require.Len(t, f.voucherPosts(), 1, "a POST without idempotency is not retried")

	ref, err := f.ledger.FindEntry(ctx, e.IdempotencyKey)
	require.NoError(t, f.err(err))
	again, err := f.ledger.PostEntry(ctx, e)
	require.NoError(t, f.err(err))
	assert.Equal(t, ref.ID, again.ID)
	assert.Len(t, f.srv.Vouchers(), 1)
	assert.Len(t, f.voucherPosts(), 1, "found, not posted again")
}

func TestRateLimitedPostWaitsRetryAfter(t *testing.T) {
	f := newFixture(t)
	e := twoRatesEntry(f.customer("Nordlys AS"))
	f.srv.Fail(http.MethodPost, "/ledger/voucher", http.StatusTooManyRequests, http.Header{"Retry-After": {"2"}}, 1)
	_, err := f.ledger.PostEntry(context.Background(), e)
	require.NoError(t, f.err(err))
	assert.Equal(t, []time.Duration{2 * time.Second}, f.clock.Slept())
	assert.Len(t, f.voucherPosts(), 2, "refused once, then posted")
	assert.Len(t, f.srv.Vouchers(), 1)
}

func TestSessionRenewedOn401AndAtExpiry(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sessions := func() (n int) {
		for _, r := range f.srv.Requests() {
			if r.Method == http.MethodPut && r.Path == "/v2/token/session/:create" {
				n++
				q := r.Query()
				assert.Equal(t, tripletextest.DefaultConsumerToken, q.Get("consumerToken"))
				assert.Equal(t, tripletextest.DefaultEmployeeToken, q.Get("employeeToken"))
				assert.Empty(t, r.Header.Get("Authorization"))
			}
		}
		return n
	}
	_, err := f.ledger.Accounts(ctx)
	require.NoError(t, f.err(err))
	assert.Equal(t, 1, sessions())
	req := f.srv.Requests()[1]
	user, _, ok := basicAuth(req.Header.Get("Authorization"))
	require.True(t, ok)
	assert.Equal(t, "0", user)

	f.srv.ExpireSessions()
	_, err = f.ledger.Accounts(ctx)
	require.NoError(t, f.err(err))
	assert.Equal(t, 2, sessions(), "one 401, one new session")

	f.clock.Advance(48 * time.Hour)
	_, err = f.ledger.Accounts(ctx)
	require.NoError(t, f.err(err))
	assert.Equal(t, 3, sessions(), "an expired session is replaced before use")
}

func basicAuth(h string) (user, pass string, ok bool) {
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", h)
	return r.BasicAuth()
}

func TestWrongTokensSayWhatToCheck(t *testing.T) {
	f := newFixture(t)
	l, err := tripletex.New(tripletex.Options{BaseURL: f.srv.URL(), ConsumerToken: "wrong-consumer-token", EmployeeToken: tripletextest.DefaultEmployeeToken})
	require.NoError(t, err)
	_, err = l.Accounts(context.Background())
	require.Error(t, f.err(err))
	assert.Contains(t, err.Error(), "check the consumer and employee tokens")
	assert.NotContains(t, err.Error(), "wrong-consumer-token")
	assert.False(t, invoicesync.Retryable(err))
	_, err = f.ledger.Accounts(context.Background()) // the fixture's ledger, for the secret check
	require.NoError(t, err)
}

func TestAttach(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ref, err := f.ledger.PostEntry(ctx, twoRatesEntry(f.customer("Nordlys AS")))
	require.NoError(t, f.err(err))
	pdf := invoicesync.Document{FileName: "F-2026-17.pdf", MediaType: "application/pdf", Data: []byte("%PDF-1.7 invoice F-2026-17")}
	require.NoError(t, f.err(f.ledger.Attach(ctx, ref, pdf)))
	require.NoError(t, f.err(f.ledger.Attach(ctx, ref, pdf)), "the same file again")
	v := f.srv.Vouchers()[0]
	require.Len(t, v.Attachments, 1, "not uploaded twice")
	assert.Equal(t, "F-2026-17.pdf", v.Attachments[0].FileName)
	assert.Equal(t, pdf.Data, v.Attachments[0].Data)
	assert.Equal(t, "application/pdf", v.Attachments[0].ContentType)

	err = f.ledger.Attach(ctx, ref, invoicesync.Document{FileName: "F-2026-17.xml", MediaType: "application/xml", Data: []byte("<Invoice/>")})
	require.ErrorIs(t, f.err(err), invoicesync.ErrNotSupported)
	err = f.ledger.Attach(ctx, invoicesync.EntryRef{ID: "999"}, pdf)
	require.ErrorIs(t, f.err(err), invoicesync.ErrNotFound)
	assert.Len(t, f.srv.Vouchers()[0].Attachments, 1)
}
