package tripletex_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/httpx"
	"github.com/invoicesync/invoicesync/connector/httpx/httpxtest"
	"github.com/invoicesync/invoicesync/connector/memory"
	"github.com/invoicesync/invoicesync/connector/tripletex"
	"github.com/invoicesync/invoicesync/connector/tripletex/tripletextest"
)

// lateTimeout is the adapter's HTTP timeout in the late-commit tests: the
// held voucher POST gives up after it.
const lateTimeout = 300 * time.Millisecond

// defaultWindow is the commit window the adapter declares by default with
// an HTTP client of lateTimeout.
const defaultWindow = lateTimeout + tripletex.CommitMargin

// syncRig is the Syncer over Tripletex as a program wires it (see
// examples/tripletex): a fake Tripletex seeded with the demo company, the
// adapter with an HTTP client that gives up after lateTimeout, a memory
// source and store, and a clock the test moves (the Syncer's, the
// adapter's and the fake's).
type syncRig struct {
	t      *testing.T
	srv    *tripletextest.Server
	ledger *tripletex.Ledger
	source *memory.Source
	store  invoicesync.StateStore
	syncer *invoicesync.Syncer
	clock  *httpxtest.Clock
}

// newSyncRig makes a rig whose adapter has Options.CommitWindow window.
func newSyncRig(t *testing.T, window time.Duration) *syncRig {
	r := &syncRig{t: t, clock: httpxtest.NewClock(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))}
	r.srv = tripletextest.NewServer(tripletextest.Options{Now: r.clock.Now})
	t.Cleanup(r.srv.Close)
	demo := r.srv.SeedDemo()
	var err error
	r.ledger, err = tripletex.New(tripletex.Options{
		BaseURL:       r.srv.URL(),
		ConsumerToken: tripletextest.DefaultConsumerToken,
		EmployeeToken: tripletextest.DefaultEmployeeToken,
		Tenant:        "salong-nordlys",
		VATAccounts:   demo.VATAccounts,
		HTTPClient:    &http.Client{Timeout: lateTimeout},
		Clock:         r.clock,
		CommitWindow:  window,
	})
	require.NoError(t, err)
	r.source = memory.NewSource()
	r.store = invoicesync.NewMemoryStore()
	r.syncer, err = invoicesync.NewSyncer(r.source, r.ledger, nokMapping(), r.store, invoicesync.Config{
		SourceID: "example-invoicing/salong-nordlys", OnChange: invoicesync.RepostChanges,
		Concurrency: 1, RetryDelay: time.Millisecond, Now: r.clock.Now,
	})
	require.NoError(t, err)
	return r
}

// nokMapping maps onto the demo company: 25 % output VAT is type 3, sales
// go to 3000, customers to 1500, rounding to 7740, vouchers are
// "Memorialbilag".
func nokMapping() *invoicesync.Mapping {
	return &invoicesync.Mapping{
		LedgerCurrency: "NOK",
		SalesVAT:       []invoicesync.VATRule{{Category: "S", Rate: decimal.NewNullDecimal(dec("25")), Code: "3"}},
		Journals:       invoicesync.JournalMapping{Sales: "Memorialbilag"},
		Accounts: invoicesync.Accounts{
			SalesDefault: "3000", CustomerCollective: "1500", CreditRounding: "7740", DebitRounding: "7740",
		},
		SyncWithoutAttachment: true,
	}
}

// nokSale is sales invoice inv-1, F-2026-41, of net at 25 % VAT, in NOK.
func nokSale(net string) invoicesync.Invoice {
	n := dec(net)
	vat := n.Mul(dec("0.25")).Round(2)
	return invoicesync.Invoice{
		ID: "inv-1", Number: "F-2026-41", Kind: invoicesync.KindInvoice, Direction: invoicesync.Sales,
		IssueDate: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), DueDate: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC),
		Currency: "NOK", Status: invoicesync.StatusSent,
		Party: &invoicesync.Party{SourceID: "c-1", Name: "Fjord Frisør AS", RegistrationID: "912345678", Country: "NO"},
		Lines: []invoicesync.Line{{Description: "Rådgivning", Quantity: dec("1"), UnitPrice: n, NetAmount: n,
			VATCategory: "S", VATRate: decimal.NewNullDecimal(dec("25"))}},
		Totals: invoicesync.Totals{LineTotal: n, Net: n, VAT: vat, Gross: n.Add(vat), Payable: n.Add(vat)},
	}
}

// run runs the Syncer once and returns inv-1's outcome.
func (r *syncRig) run() invoicesync.Outcome {
	r.t.Helper()
	rep, err := r.syncer.Run(context.Background())
	require.NoError(r.t, err)
	o, ok := rep.Outcome("inv-1")
	require.True(r.t, ok, "inv-1 was handled")
	return o
}

func (r *syncRig) state() invoicesync.State {
	r.t.Helper()
	st, err := r.store.Get(context.Background(), "inv-1")
	require.NoError(r.t, err)
	return st
}

// voucherPosts counts the POST /ledger/voucher requests the fake received.
func voucherPosts(srv *tripletextest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost && r.Path == "/v2/ledger/voucher" {
			n++
		}
	}
	return n
}

// byKey counts the vouchers of each external voucher number.
func byKey(srv *tripletextest.Server) map[string]int {
	out := map[string]int{}
	for _, v := range srv.Vouchers() {
		out[v.ExternalVoucherNumber]++
	}
	return out
}

// voucherNet sums account's net amounts (debit positive, company currency)
// over the vouchers of invoice number ref: those with a posting of that
// invoice number, Tripletex's VAT postings included. A voucher whose net
// amounts do not sum to zero is an error.
func voucherNet(vs []tripletextest.Voucher, ref, account string) (decimal.Decimal, error) {
	net := decimal.Zero
	for _, v := range vs {
		sum, mine := decimal.Zero, false
		for _, p := range v.Postings {
			sum = sum.Add(p.Amount)
			mine = mine || p.InvoiceNumber == ref
		}
		if !sum.IsZero() {
			return net, fmt.Errorf("voucher %d (%s) does not balance: its postings sum to %s", v.ID, v.ExternalVoucherNumber, sum.StringFixed(2))
		}
		if !mine {
			continue
		}
		for _, p := range v.Postings {
			if fmt.Sprint(p.AccountNumber) == account {
				net = net.Add(p.Amount)
			}
		}
	}
	return net, nil
}

// customerAmounts lists the amounts posted on 1500, voucher by voucher.
func customerAmounts(vs []tripletextest.Voucher) []string {
	var out []string
	for _, v := range vs {
		for _, p := range v.Postings {
			if p.AccountNumber == 1500 {
				out = append(out, p.Amount.StringFixed(2))
			}
		}
	}
	return out
}

// nets returns F-2026-41's balances of 1500, 3000 and 2700.
func (r *syncRig) nets() map[string]string {
	r.t.Helper()
	out := map[string]string{}
	vs := r.srv.Vouchers()
	for _, acc := range []string{"1500", "3000", "2700"} {
		n, err := voucherNet(vs, "F-2026-41", acc)
		require.NoError(r.t, err)
		out[acc] = n.StringFixed(2)
	}
	return out
}

func TestCommitWindowOption(t *testing.T) {
	for _, c := range []struct {
		name   string
		client *http.Client
		window time.Duration
		want   time.Duration
	}{
		{"default client", nil, 0, httpx.DefaultTimeout + 5*time.Minute},
		{"client timeout", &http.Client{Timeout: 90 * time.Second}, 0, 90*time.Second + 5*time.Minute},
		{"client without timeout", &http.Client{}, 0, httpx.DefaultTimeout + 5*time.Minute},
		{"set", &http.Client{Timeout: time.Second}, 2 * time.Minute, 2 * time.Minute},
		{"disabled", nil, -1, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			l, err := tripletex.New(tripletex.Options{ConsumerToken: "c", EmployeeToken: "e", HTTPClient: c.client, CommitWindow: c.window})
			require.NoError(t, err)
			w, ok := any(l).(invoicesync.CommitWindower)
			require.True(t, ok, "the adapter declares a commit window")
			assert.Equal(t, c.want, w.CommitWindow())
		})
	}
	assert.Equal(t, 6*time.Minute, httpx.DefaultTimeout+tripletex.CommitMargin, "60 s of request timeout and 5 minutes of margin")
}

// newLateRig is a rig holding a sale of 1,000.00 NOK whose first voucher
// POST Tripletex records only after the adapter gave up waiting.
func newLateRig(t *testing.T, window time.Duration) *syncRig {
	r := newSyncRig(t, window)
	r.source.Put(nokSale("1000.00"))
	r.srv.CommitLate(http.MethodPost, "/ledger/voucher", 1)
	return r
}

// Tripletex records a voucher POST after the adapter gave up waiting: the
// next run, inside the commit window, does not post again; once the voucher
// shows, the invoice is recovered, with one voucher for its key.
func TestLateCommitIsNotPostedTwice(t *testing.T) {
	r := newLateRig(t, 0)
	o := r.run()
	require.Equal(t, invoicesync.StateError, o.Status, o.Message)
	assert.Equal(t, invoicesync.CodeLedgerFailure, o.Code)
	assert.Contains(t, o.Message, "tripletex: posting voucher F-2026-41: POST ")
	assert.Contains(t, o.Message, "(Client.Timeout exceeded while awaiting headers)")
	st := r.state()
	require.NotNil(t, st.Intent, "the intent is kept: the voucher may exist")
	key, started := st.Intent.Key, st.Intent.At
	assert.Equal(t, 1, voucherPosts(r.srv))
	assert.Equal(t, 1, r.srv.HeldLate())
	assert.Empty(t, r.srv.Vouchers())

	r.clock.Advance(time.Minute)
	r.srv.ResetRequests()
	o = r.run()
	assert.Equal(t, invoicesync.StatePending, o.Status)
	assert.Equal(t, "the posting of entry "+key+" began at "+started.UTC().Format(time.RFC3339)+
		" and its outcome is not known yet: the ledger may still record it until "+started.Add(defaultWindow).UTC().Format(time.RFC3339)+
		", so it is not posted again before then", o.Message)
	assert.Equal(t, 0, voucherPosts(r.srv), "no second POST inside the window")
	lookups := 0
	for _, req := range r.srv.Requests() {
		if req.Path == "/v2/ledger/voucher/>externalVoucherNumber" && req.Query().Get("externalVoucherNumber") == key {
			lookups++
		}
	}
	assert.Equal(t, 1, lookups, "the run asked Tripletex once")
	require.NotNil(t, r.state().Intent)

	assert.Equal(t, 1, r.srv.ReleaseLate(), "Tripletex finishes the first request")
	r.clock.Advance(time.Minute)
	o = r.run()
	assert.Equal(t, invoicesync.StateSynchronized, o.Status, o.Message)
	assert.Equal(t, invoicesync.ActionRecovered, o.Action)
	assert.Equal(t, "1-2026", o.Entry.Number)
	assert.Equal(t, map[string]int{key: 1}, byKey(r.srv), "exactly one voucher carries the key")
	assert.Equal(t, 0, voucherPosts(r.srv), "no POST after the held one")
	assert.Equal(t, map[string]string{"1500": "1250.00", "3000": "-1000.00", "2700": "-250.00"}, r.nets())
}

// The invoice is edited while the late voucher is not visible yet: once it
// shows, it is reversed and the new version posted.
func TestLateCommitThenEdited(t *testing.T) {
	r := newLateRig(t, 0)
	o := r.run()
	require.Equal(t, invoicesync.StateError, o.Status, o.Message)
	first := r.state().Intent.Key

	r.source.Put(nokSale("2000.00")) // 2,500.00 gross
	r.clock.Advance(time.Minute)
	o = r.run()
	assert.Equal(t, invoicesync.StatePending, o.Status, o.Message)
	assert.Equal(t, 1, voucherPosts(r.srv), "nothing posted inside the window")
	assert.Empty(t, r.srv.Vouchers())

	assert.Equal(t, 1, r.srv.ReleaseLate())
	r.clock.Advance(time.Minute)
	o = r.run()
	assert.Equal(t, invoicesync.StateSynchronized, o.Status, o.Message)
	assert.Equal(t, invoicesync.ActionReposted, o.Action)
	assert.Equal(t, 3, voucherPosts(r.srv), "the held POST, the reversal, the new version")
	vs := r.srv.Vouchers()
	require.Len(t, vs, 3)
	assert.Equal(t, first, vs[0].ExternalVoucherNumber, "the late voucher")
	assert.Equal(t, []string{"1250.00", "-1250.00", "2500.00"}, customerAmounts(vs), "the late voucher, its reversal, the new version")
	keys := byKey(r.srv)
	assert.Len(t, keys, 3, "one voucher per key: %v", keys)
	assert.Equal(t, map[string]string{"1500": "2500.00", "3000": "-2000.00", "2700": "-500.00"}, r.nets(),
		"the customer account nets to the new version's gross")
}

// lateSequence plays run 1 (the voucher POST held until the client gives
// up), run 2 a minute later, the late commit, run 3 a minute later, on a
// fresh fake, and reports whether a key ended with two vouchers.
func lateSequence(t *testing.T, window time.Duration) bool {
	r := newLateRig(t, window)
	r.run()
	r.clock.Advance(time.Minute)
	r.run()
	require.Equal(t, 1, r.srv.ReleaseLate())
	r.clock.Advance(time.Minute)
	_, err := r.syncer.Run(context.Background()) // without a window, inv-1 is settled already: nothing to do
	require.NoError(t, err)
	st := r.state()
	require.Equal(t, invoicesync.StateSynchronized, st.Status, st.Message)
	for _, n := range byKey(r.srv) {
		if n > 1 {
			return true
		}
	}
	return false
}

// Without a window the Syncer trusts FindEntry at once and posts the late
// voucher a second time, every time; with the default window, never.
func TestLateCommitTwoVouchersCount(t *testing.T) {
	count := func(window time.Duration) int {
		n := 0
		for i := range 10 {
			t.Run(fmt.Sprintf("window=%v/%d", window, i), func(t *testing.T) {
				if lateSequence(t, window) {
					n++
				}
			})
		}
		return n
	}
	before, after := count(-1), count(0)
	t.Logf("keys with two vouchers: %d of 10 without a window, %d of 10 with the default window", before, after)
	assert.Equal(t, 10, before, "without a window")
	assert.Equal(t, 0, after, "with the default window")
}

// A → B → back to A under RepostChanges: each posting has a key of its own,
// so A's second posting is not mistaken for its first (reversed) voucher.
func TestRepostBackToFirstVersion(t *testing.T) {
	r := newSyncRig(t, 0)
	r.source.Put(nokSale("1000.00"))
	o := r.run()
	require.Equal(t, invoicesync.ActionPosted, o.Action, o.Message)
	r.source.Put(nokSale("2000.00"))
	o = r.run()
	require.Equal(t, invoicesync.ActionReposted, o.Action, o.Message)
	r.source.Put(nokSale("1000.00"))
	o = r.run()
	require.Equal(t, invoicesync.StateSynchronized, o.Status, o.Message)
	assert.Equal(t, invoicesync.ActionReposted, o.Action)

	assert.Equal(t, []string{"1250.00", "-1250.00", "2500.00", "-2500.00", "1250.00"}, customerAmounts(r.srv.Vouchers()),
		"A, its reversal, B, its reversal, A again")
	assert.Len(t, byKey(r.srv), 5, "five keys")
	assert.Equal(t, map[string]string{"1500": "1250.00", "3000": "-1000.00", "2700": "-250.00"}, r.nets())
}
