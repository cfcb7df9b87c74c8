package eboekhouden_test

import (
	"bytes"
	"context"
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
	"github.com/invoicesync/invoicesync/connector/eboekhouden"
	"github.com/invoicesync/invoicesync/connector/eboekhouden/eboekhoudentest"
	"github.com/invoicesync/invoicesync/connector/httpx/httpxtest"
)

// fixture is an e-Boekhouden ledger on the fake, seeded with the demo
// chart, on a test clock, logging at debug level into a buffer. At the end
// of the test it checks that no log line and no error string it collected
// holds the access token or a session token the server handed out.
type fixture struct {
	t      *testing.T
	srv    *eboekhoudentest.Server
	demo   eboekhoudentest.Demo
	ledger *eboekhouden.Ledger
	clock  *httpxtest.Clock
	mu     sync.Mutex
	logs   bytes.Buffer
	errs   []string
}

func newFixture(t *testing.T, mode eboekhouden.Mode) *fixture {
	f := &fixture{t: t, clock: httpxtest.NewClock(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))}
	f.srv = eboekhoudentest.NewServer(eboekhoudentest.Options{Now: f.clock.Now})
	t.Cleanup(f.srv.Close)
	f.demo = f.srv.SeedDemo()
	var err error
	f.ledger, err = eboekhouden.New(eboekhouden.Options{
		BaseURL:         f.srv.URL(),
		AccessToken:     eboekhoudentest.DefaultAccessToken,
		Tenant:          "acme-bv",
		Mode:            mode,
		InvoiceTemplate: f.demo.Template,
		Clock:           f.clock,
		Logger:          slog.New(slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})),
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

// sessionTokens are the session tokens the requests carried.
func (f *fixture) sessionTokens() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range f.srv.Requests() {
		if a := r.Header.Get("Authorization"); a != "" && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

func (f *fixture) checkSecrets() {
	secrets := append(f.sessionTokens(), eboekhoudentest.DefaultAccessToken)
	f.mu.Lock()
	defer f.mu.Unlock()
	text := f.logs.String() + strings.Join(f.errs, "\n")
	for _, s := range secrets {
		assert.NotContains(f.t, text, s, "a secret in the logs or errors")
	}
}

// customer creates a relation with code (the customer number) and returns it.
func (f *fixture) customer(code, name string) invoicesync.PartnerRef {
	ref, err := f.ledger.CreatePartner(context.Background(), invoicesync.Partner{Role: invoicesync.Customer, Name: name, AuxiliaryAccount: code, VATNumber: "NL001234567B01"})
	require.NoError(f.t, f.err(err))
	return ref
}

// posts are the bodies of the mutation POSTs received, decoded with numbers kept as written.
func (f *fixture) posts(path string) []map[string]any {
	var out []map[string]any
	for _, r := range f.srv.Requests() {
		if r.Method == http.MethodPost && r.Path == path {
			d := json.NewDecoder(bytes.NewReader(r.Body))
			d.UseNumber()
			var m map[string]any
			require.NoError(f.t, d.Decode(&m))
			out = append(out, m)
		}
	}
	return out
}

func (f *fixture) id(code string) json.Number { return json.Number(strconv.Itoa(f.demo.Ledgers[code])) }

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func debit(acc, amount, vat, label string, k invoicesync.LineKind) invoicesync.EntryLine {
	return invoicesync.EntryLine{Account: acc, Debit: dec(amount), Credit: decimal.Zero, VATCode: vat, Label: label, Kind: k}
}

func credit(acc, amount, vat, label string, k invoicesync.LineKind) invoicesync.EntryLine {
	return invoicesync.EntryLine{Account: acc, Debit: decimal.Zero, Credit: dec(amount), VATCode: vat, Label: label, Kind: k}
}

var invoiceDate = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// entry is an invoice's entry of direction dir for partner, checked to balance.
func entry(t *testing.T, dir invoicesync.Direction, number string, partner invoicesync.PartnerRef, lines ...invoicesync.EntryLine) *invoicesync.Entry {
	e := &invoicesync.Entry{Date: invoiceDate, DueDate: invoiceDate.AddDate(0, 0, 30), Reference: number, Label: partner.Name + " " + number,
		Currency: "EUR", Decimals: 2, IdempotencyKey: "isync-" + strings.ToLower(number), Direction: dir, Kind: invoicesync.KindInvoice,
		Partner: partner, Lines: lines}
	for i := range e.Lines {
		if e.Lines[i].Kind == invoicesync.KindPartner {
			p := partner
			e.Lines[i].Partner = &p
		}
	}
	require.NoError(t, e.Check())
	return e
}

// twoRatesEntry is a sales invoice at 21 % and 9 % whose 9 % VAT, declared
// by the invoice on its total, is a cent below e-Boekhouden's per-row
// figure, with a payable rounding of 0.02.
func twoRatesEntry(t *testing.T, customer invoicesync.PartnerRef) *invoicesync.Entry {
	return entry(t, invoicesync.Sales, "F-2026-17", customer,
		debit("1300", "1300.80", "", "", invoicesync.KindPartner),
		credit("8000", "1000.00", "HOOG_VERK_21", "Consultancy hours", invoicesync.KindRevenue),
		credit("8010", "83.33", "LAAG_VERK_9", "Training materials", invoicesync.KindRevenue),
		credit("1500", "210.00", "HOOG_VERK_21", "VAT 21%", invoicesync.KindVAT),
		credit("1510", "7.49", "LAAG_VERK_9", "VAT 9%", invoicesync.KindVAT),
		debit("8900", "0.02", "", "Rounding", invoicesync.KindRounding),
	)
}

func row(ledger json.Number, vat, amount, description string) map[string]any {
	return map[string]any{"ledgerId": ledger, "vatCode": vat, "amount": json.Number(amount), "description": description}
}

func TestSalesInvoiceTwoRatesBody(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeMutation)
	ctx := context.Background()
	c := f.customer("C1042", "Acme BV")
	e := twoRatesEntry(t, c)
	e.Lines[0].Label = e.Label
	ref, err := f.ledger.PostEntry(ctx, e)
	require.NoError(t, f.err(err))

	posts := f.posts("/v1/mutation")
	require.Len(t, posts, 1)
	body := posts[0]
	assert.Equal(t, json.Number("2"), body["type"], "invoice sent")
	assert.Equal(t, "2026-11-20", body["date"])
	assert.Equal(t, f.id("1300"), body["ledgerId"], "the debtor ledger of the partner line")
	assert.Equal(t, json.Number(c.ID), body["relationId"])
	assert.Equal(t, "F-2026-17", body["invoiceNumber"])
	assert.Equal(t, "EX", body["inExVat"])
	assert.Equal(t, json.Number("30"), body["termOfPayment"])
	assert.Equal(t, "Acme BV F-2026-17 {isync-f-2026-17}", body["description"])
	assert.Equal(t, []any{
		row(f.id("8000"), "HOOG_VERK_21", "1000.00", "Consultancy hours"),
		row(f.id("8010"), "LAAG_VERK_9", "83.33", "Training materials"),
		row(f.id("8900"), "GEEN", "-0.02", "Rounding"),
		row(f.id("1510"), "GEEN", "-0.01", "VAT 9% (difference with e-Boekhouden's VAT)"),
	}, body["rows"])
	assert.Len(t, body, 9, "no other field: %v", body)

	// e-Boekhouden books 210.00 and 7.50 of VAT: with the difference row,
	// every account holds the entry's figures.
	m := f.srv.Mutations()[0]
	assert.Equal(t, []string{"HOOG_VERK_21 210.00", "LAAG_VERK_9 7.50"}, vatTotals(m))
	back, err := f.ledger.Mutation(ctx, ref.ID)
	require.NoError(t, f.err(err))
	assert.Equal(t, []string{
		"1300 D 1300.80  Acme BV F-2026-17",
		"8000 C 1000.00 HOOG_VERK_21 Consultancy hours",
		"8010 C 83.33 LAAG_VERK_9 Training materials",
		"8900 D 0.02  Rounding",
		"1500 C 210.00 HOOG_VERK_21 VAT 21% (sales)",
		"1510 C 7.49 LAAG_VERK_9 VAT 9% (sales)",
	}, describeLines(back.Lines))
	assert.Equal(t, "isync-f-2026-17", back.IdempotencyKey)
	assert.Equal(t, c.ID, back.Partner.ID)
}

func vatTotals(m eboekhoudentest.Mutation) []string {
	var out []string
	for _, v := range m.VAT {
		out = append(out, v.VATCode+" "+v.Amount.StringFixed(2))
	}
	return out
}

func describeLines(lines []invoicesync.EntryLine) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		side, amount := "D", l.Debit
		if l.Credit.IsPositive() {
			side, amount = "C", l.Credit
		}
		out[i] = l.Account + " " + side + " " + amount.StringFixed(2) + " " + l.VATCode + " " + l.Label
	}
	return out
}

func TestPurchaseReverseChargeBody(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeMutation)
	ctx := context.Background()
	s, err := f.ledger.CreatePartner(ctx, invoicesync.Partner{Role: invoicesync.Supplier, Name: "Softwerk GmbH", AuxiliaryAccount: "S200", VATNumber: "DE123456789"})
	require.NoError(t, f.err(err))
	e := entry(t, invoicesync.Purchase, "SW-88", s,
		credit("1600", "500.00", "", "Softwerk GmbH SW-88", invoicesync.KindPartner),
		debit("4000", "500.00", "VERL_INK", "Software licence", invoicesync.KindExpense),
		debit("1530", "105.00", "VERL_INK", "Deductible VAT, reverse charge", invoicesync.KindReverseChargeVAT),
		credit("1520", "105.00", "VERL_INK", "VAT due, reverse charge", invoicesync.KindReverseChargeVAT),
	)
	ref, err := f.ledger.PostEntry(ctx, e)
	require.NoError(t, f.err(err))

	body := f.posts("/v1/mutation")[0]
	assert.Equal(t, json.Number("1"), body["type"], "invoice received")
	assert.Equal(t, f.id("1600"), body["ledgerId"], "the creditor ledger")
	assert.Equal(t, json.Number(s.ID), body["relationId"])
	assert.Equal(t, "SW-88", body["invoiceNumber"])
	assert.Equal(t, "EX", body["inExVat"], "reverse charge must be EX (MUT_026)")
	assert.Equal(t, []any{row(f.id("4000"), "VERL_INK", "500.00", "Software licence")}, body["rows"],
		"e-Boekhouden books both VAT sides itself: no VAT row")

	back, err := f.ledger.Mutation(ctx, ref.ID)
	require.NoError(t, f.err(err))
	assert.Equal(t, []string{
		"1600 C 500.00  Softwerk GmbH SW-88",
		"4000 D 500.00 VERL_INK Software licence",
		"1530 D 105.00 VERL_INK Reverse charge 21% (purchases)",
		"1520 C 105.00 VERL_INK Reverse charge 21% (purchases)",
	}, describeLines(back.Lines))
}

func TestCreditNoteBody(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeMutation)
	ctx := context.Background()
	c := f.customer("C1042", "Acme BV")
	e := entry(t, invoicesync.Sales, "CN-2026-3", c,
		credit("1300", "121.00", "", "Acme BV CN-2026-3", invoicesync.KindPartner),
		debit("8000", "100.00", "HOOG_VERK_21", "Consultancy hours refunded", invoicesync.KindRevenue),
		debit("1500", "21.00", "HOOG_VERK_21", "VAT 21%", invoicesync.KindVAT),
	)
	e.Kind = invoicesync.KindCreditNote
	ref, err := f.ledger.PostEntry(ctx, e)
	require.NoError(t, f.err(err))

	body := f.posts("/v1/mutation")[0]
	assert.Equal(t, json.Number("2"), body["type"], "a credit note is an invoice sent with negative rows")
	assert.Equal(t, "CN-2026-3", body["invoiceNumber"])
	assert.Equal(t, []any{row(f.id("8000"), "HOOG_VERK_21", "-100.00", "Consultancy hours refunded")}, body["rows"])
	assert.Equal(t, []string{"HOOG_VERK_21 -21.00"}, vatTotals(f.srv.Mutations()[0]))
	back, err := f.ledger.Mutation(ctx, ref.ID)
	require.NoError(t, f.err(err))
	assert.Equal(t, []string{
		"1300 C 121.00  Acme BV CN-2026-3",
		"8000 D 100.00 HOOG_VERK_21 Consultancy hours refunded",
		"1500 D 21.00 HOOG_VERK_21 VAT 21% (sales)",
	}, describeLines(back.Lines))
}

func TestMemorialBody(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeMutation)
	e := &invoicesync.Entry{Journal: "7", Date: invoiceDate, Reference: "DS-2026-11-20", Label: "Daily sales", Currency: "EUR", Decimals: 2,
		IdempotencyKey: "isync-daily", Lines: []invoicesync.EntryLine{
			debit("1100", "50.00", "", "Card payments", invoicesync.KindPayment),
			credit("8900", "50.00", "GEEN", "Sales without VAT", invoicesync.KindRevenue),
		}}
	require.NoError(t, e.Check())
	_, err := f.ledger.PostEntry(context.Background(), e)
	require.NoError(t, f.err(err))
	body := f.posts("/v1/mutation")[0]
	assert.Equal(t, json.Number("7"), body["type"])
	assert.Equal(t, f.id("1100"), body["ledgerId"], "the first line's ledger")
	assert.Equal(t, []any{
		row(f.id("1100"), "GEEN", "50.00", "Card payments"),
		row(f.id("8900"), "GEEN", "-50.00", "Sales without VAT"),
	}, body["rows"])

	withVAT := *e
	withVAT.IdempotencyKey = "isync-daily-vat"
	withVAT.Lines = []invoicesync.EntryLine{e.Lines[0], credit("8000", "50.00", "HOOG_VERK_21", "Sales", invoicesync.KindRevenue)}
	require.NoError(t, withVAT.Check())
	_, err = f.ledger.PostEntry(context.Background(), &withVAT)
	require.ErrorIs(t, f.err(err), invoicesync.ErrNotSupported)
}

// TestLostResponseFoundNotPostedTwice loses the answer of a mutation POST
// that e-Boekhouden recorded: the error is not temporary, FindEntry finds
// the mutation, and posting again returns it without a second POST.
func TestLostResponseFoundNotPostedTwice(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeMutation)
	ctx := context.Background()
	e := twoRatesEntry(t, f.customer("C1042", "Acme BV"))
	f.srv.FailAfter(http.MethodPost, "/v1/mutation", http.StatusInternalServerError, 1)
	_, err := f.ledger.PostEntry(ctx, e)
	require.Error(t, f.err(err))
	assert.False(t, invoicesync.Retryable(err), "a POST without its answer is not retried blindly")
	require.Len(t, f.srv.Mutations(), 1, "recorded before the answer was lost")

	found, err := f.ledger.FindEntry(ctx, e.IdempotencyKey)
	require.NoError(t, f.err(err))
	assert.Equal(t, strconv.Itoa(f.srv.Mutations()[0].ID), found.ID)
	again, err := f.ledger.PostEntry(ctx, e)
	require.NoError(t, f.err(err))
	assert.Equal(t, found.ID, again.ID)
	assert.Len(t, f.srv.Mutations(), 1)
	assert.Len(t, f.posts("/v1/mutation"), 1, "found, not posted again")
}

func TestRateLimitedPostWaitsRetryAfter(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeMutation)
	e := twoRatesEntry(t, f.customer("C1042", "Acme BV"))
	f.srv.Fail(http.MethodPost, "/v1/mutation", http.StatusTooManyRequests, http.Header{"Retry-After": {"3"}}, 1)
	_, err := f.ledger.PostEntry(context.Background(), e)
	require.NoError(t, f.err(err))
	assert.Equal(t, []time.Duration{3 * time.Second}, f.clock.Slept())
	assert.Len(t, f.posts("/v1/mutation"), 2, "refused once, then posted")
	assert.Len(t, f.srv.Mutations(), 1)
}

func TestSessionRenewedOn401AndAtExpiry(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeMutation)
	ctx := context.Background()
	sessions := func() int {
		posts := f.posts("/v1/session")
		for _, p := range posts {
			assert.Equal(t, eboekhoudentest.DefaultAccessToken, p["accessToken"])
			assert.Equal(t, eboekhouden.DefaultSource, p["source"])
		}
		return len(posts)
	}
	_, err := f.ledger.Accounts(ctx)
	require.NoError(t, f.err(err))
	assert.Equal(t, 1, sessions())

	f.srv.ExpireSessions() // the server forgets the session: one 401, a new session, the call again
	_, err = f.ledger.Accounts(ctx)
	require.NoError(t, f.err(err))
	assert.Equal(t, 2, sessions())

	f.clock.Advance(time.Duration(eboekhoudentest.DefaultSessionSeconds) * time.Second) // expired by the clock: renewed before the call
	_, err = f.ledger.Accounts(ctx)
	require.NoError(t, f.err(err))
	assert.Equal(t, 3, sessions())
	for _, r := range f.srv.Requests() {
		if r.Path != "/v1/session" {
			assert.NotContains(t, r.Header.Get("Authorization"), " ", "the session token is sent as is, without a scheme")
		}
	}
	assert.Len(t, f.sessionTokens(), 3)
}

func TestWrongAccessToken(t *testing.T) {
	srv := eboekhoudentest.NewServer(eboekhoudentest.Options{})
	defer srv.Close()
	l, err := eboekhouden.New(eboekhouden.Options{BaseURL: srv.URL(), AccessToken: "not-the-token-at-all"})
	require.NoError(t, err)
	_, err = l.Accounts(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "check the access token")
	assert.NotContains(t, err.Error(), "not-the-token-at-all")

	_, err = eboekhouden.New(eboekhouden.Options{AccessToken: "x", Source: "invoicesync"})
	require.Error(t, err, "a source of 11 characters")
}

func TestChart(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeMutation)
	ctx := context.Background()
	vat, err := f.ledger.VATCodes(ctx)
	require.NoError(t, f.err(err))
	byCode := map[string]invoicesync.VATCode{}
	for _, v := range vat {
		byCode[v.Code] = v
	}
	assert.Len(t, vat, 20, "the NL codes of the API")
	for code, want := range map[string]string{
		"HOOG_VERK_21": "21 sales 1500 true", "LAAG_VERK_9": "9 sales 1510 true", "LAAG_VERK": "6 sales 1510 false",
		"HOOG_INK_21": "21 purchase 1530 true", "VERL_INK": "21 purchase 1530 true", "VERL_VERK": "0 sales  true",
		"AFW_VERK": "0 sales  false", "GEEN": "0   true", "BU_EU_VERK": "0 sales  true",
	} {
		v := byCode[code]
		assert.Equal(t, want, v.Rate.String()+" "+string(v.Direction)+" "+v.Account+" "+strconv.FormatBool(v.Active), code)
	}
	assert.True(t, byCode["VERL_INK"].ReverseCharge)
	assert.Equal(t, "1520", byCode["VERL_INK"].DueAccount)

	journals, err := f.ledger.Journals(ctx)
	require.NoError(t, f.err(err))
	assert.Equal(t, []invoicesync.Journal{
		{Code: "1", Name: "Invoice received", Type: "purchase"},
		{Code: "2", Name: "Invoice sent", Type: "sales"},
		{Code: "7", Name: "Memorial", Type: "general"},
	}, journals)
	accounts, err := f.ledger.Accounts(ctx)
	require.NoError(t, f.err(err))
	assert.Len(t, accounts, 11)
	assert.Equal(t, invoicesync.Account{Number: "1300", Name: "Debiteuren", Active: true}, accounts[1])
}

func TestFindPartners(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeMutation)
	ctx := context.Background()
	c := f.customer("C1042", "Acme BV")
	for _, q := range []invoicesync.PartnerQuery{
		{Role: invoicesync.Customer, Key: invoicesync.KeyAuxiliaryAccount, Value: "C1042"},
		{Role: invoicesync.Customer, Key: invoicesync.KeyName, Value: "Acme BV"},
		{Role: invoicesync.Customer, Key: invoicesync.KeyVATNumber, Value: "NL001234567B01"},
	} {
		got, err := f.ledger.FindPartners(ctx, q)
		require.NoError(t, f.err(err), q.Key)
		require.Len(t, got, 1, q.Key)
		assert.Equal(t, c.ID, got[0].Ref.ID)
		assert.Equal(t, "C1042", got[0].AuxiliaryAccount)
	}
	_, err := f.ledger.FindPartners(ctx, invoicesync.PartnerQuery{Role: invoicesync.Customer, Key: invoicesync.KeyRegistrationID, Value: "12345678"})
	require.ErrorIs(t, err, invoicesync.ErrNotSupported)
	_, err = f.ledger.CreatePartner(ctx, invoicesync.Partner{Role: invoicesync.Customer, Name: "Acme again", AuxiliaryAccount: "C1042"})
	require.ErrorIs(t, f.err(err), invoicesync.ErrDuplicate, "the code is the customer number: unique")
}

// TestRepostGetsSuffix posts a reversal and a corrected entry for an invoice
// number e-Boekhouden already holds for the relation: each gets the next
// free suffix.
func TestRepostGetsSuffix(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeMutation)
	ctx := context.Background()
	e := twoRatesEntry(t, f.customer("C1042", "Acme BV"))
	ref, err := f.ledger.PostEntry(ctx, e)
	require.NoError(t, f.err(err))
	rev := *e
	rev.Lines = nil
	for _, l := range e.Lines {
		l.Debit, l.Credit = l.Credit, l.Debit
		rev.Lines = append(rev.Lines, l)
	}
	rev.IdempotencyKey, rev.Reverses, rev.Label = "isync-reversal", ref, "Reversal of "+ref.ID
	require.NoError(t, rev.Check())
	_, err = f.ledger.PostEntry(ctx, &rev)
	require.NoError(t, f.err(err))
	fixed := *e
	fixed.IdempotencyKey = "isync-f-2026-17-v2"
	_, err = f.ledger.PostEntry(ctx, &fixed)
	require.NoError(t, f.err(err))
	var numbers []string
	for _, m := range f.srv.Mutations() {
		numbers = append(numbers, m.InvoiceNumber+" "+total(m))
	}
	assert.Equal(t, []string{"F-2026-17 1300.80", "F-2026-17-2 -1300.80", "F-2026-17-3 1300.80"}, numbers)
}

// total is the debtor's amount of a mutation: its rows and their VAT.
func total(m eboekhoudentest.Mutation) string {
	t := decimal.Zero
	for _, r := range m.Rows {
		t = t.Add(r.Amount).Add(*r.VATAmount)
	}
	return t.StringFixed(2)
}

// TestRefusalsClassified has e-Boekhouden refuse a mutation whose relation
// was deleted after the adapter had read it: the error wraps
// ErrPartnerNotFound and quotes e-Boekhouden's code.
func TestRefusalsClassified(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeMutation)
	c := f.customer("C1042", "Acme BV")
	_, err := f.ledger.PostEntry(context.Background(), twoRatesEntry(t, c))
	require.NoError(t, f.err(err))
	id, _ := strconv.Atoi(c.ID)
	f.srv.DeleteRelation(id)
	e := twoRatesEntry(t, c)
	e.Reference, e.IdempotencyKey = "F-2026-18", "isync-f-2026-18"
	_, err = f.ledger.PostEntry(context.Background(), e)
	require.ErrorIs(t, f.err(err), invoicesync.ErrPartnerNotFound)
	assert.Contains(t, err.Error(), "MUT_013")
	assert.Len(t, f.srv.Mutations(), 1)
}

// TestDeletedRelationForgotten: after e-Boekhouden refused a deleted
// relation, the adapter reads it again and refuses the next entry itself.
func TestDeletedRelationForgotten(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeMutation)
	c := f.customer("C1042", "Acme BV")
	id, _ := strconv.Atoi(c.ID)
	f.srv.DeleteRelation(id)
	_, err := f.ledger.PostEntry(context.Background(), twoRatesEntry(t, c))
	require.ErrorIs(t, f.err(err), invoicesync.ErrPartnerNotFound)
	e := twoRatesEntry(t, c)
	e.Reference, e.IdempotencyKey = "F-2026-18", "isync-f-2026-18"
	_, err = f.ledger.PostEntry(context.Background(), e)
	require.ErrorIs(t, f.err(err), invoicesync.ErrPartnerNotFound)
	assert.Len(t, f.posts("/v1/mutation"), 1, "the second entry is refused before its POST")
}

func TestBelgianVATCodes(t *testing.T) {
	srv := eboekhoudentest.NewServer(eboekhoudentest.Options{})
	defer srv.Close()
	srv.SeedDemo()
	l, err := eboekhouden.New(eboekhouden.Options{BaseURL: srv.URL(), AccessToken: eboekhoudentest.DefaultAccessToken, Country: "BE"})
	require.NoError(t, err)
	vat, err := l.VATCodes(context.Background())
	require.NoError(t, err)
	assert.Len(t, vat, 29, "the BE codes of the API")
	for _, v := range vat {
		switch v.Code {
		case "BE_21_VERK":
			assert.Equal(t, "21 sales 1500 false", v.Rate.String()+" "+string(v.Direction)+" "+v.Account+" "+strconv.FormatBool(v.ReverseCharge))
		case "BE_IC_21_INK":
			assert.Equal(t, "21 purchase 1530 true", v.Rate.String()+" "+string(v.Direction)+" "+v.Account+" "+strconv.FormatBool(v.ReverseCharge))
		}
	}
	_, err = eboekhouden.New(eboekhouden.Options{AccessToken: "x", Country: "DE"})
	require.ErrorIs(t, err, invoicesync.ErrNotSupported)
}
