// Package proptest checks, for tests only, the property every ledger adapter
// must keep under the Syncer's repost and reverse policies: whatever random
// sequence of edits, status changes, runs, on-demand synchronizations and
// lost answers an invoice goes through, once the runs have settled, the
// ledger's balance of each account for the invoice equals the entry of its
// last version — or zero when its last status is cancelled or draft.
//
// A ledger adapter's test gives a Ledger (its target, a mapping onto its
// chart, how to read an account's balance for one invoice back from the
// adapter's own storage) and calls Run.
package proptest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// Ledger is one ledger under test, fresh for one sequence.
type Ledger struct {
	// Target is the adapter.
	Target invoicesync.LedgerTarget
	// Mapping maps VAT category S at Rate onto the ledger's chart; its
	// receivable, revenue and VAT accounts are the ones Net is asked about.
	// The invoices have no PDF: they are synchronized without one.
	Mapping *invoicesync.Mapping
	// Currency is the invoices' currency (the ledger's).
	Currency string
	// Rate is the VAT rate of every invoice line, e.g. "25".
	Rate string
	// Receivable, Revenue and VAT are the accounts of the partner, revenue
	// and VAT lines.
	Receivable, Revenue, VAT string
	// Net returns the balance of account, debit positive, over the entries
	// of invoice number ref, as the ledger holds them. It also fails when an
	// entry it reads does not balance.
	Net func(ctx context.Context, ref, account string) (decimal.Decimal, error)
	// LoseNextAnswer, when set, makes the ledger lose the answer of its next
	// posting after recording it (a lost response). Called again before a
	// posting happens, it still loses one answer, not two.
	LoseNextAnswer func()
	// Close releases the ledger; optional.
	Close func()
}

// Sequences is how many sequences Run plays: n, or the value of the
// INVOICESYNC_PROPERTY_SEQUENCES environment variable when it is larger.
func Sequences(n int) int {
	if v, err := strconv.Atoi(os.Getenv("INVOICESYNC_PROPERTY_SEQUENCES")); err == nil && v > n {
		return v
	}
	return n
}

// Run plays n random sequences, each on a ledger newLedger makes, seeded
// from seed so that a failure names the sequence that replays it.
func Run(t *testing.T, seed uint64, n int, newLedger func(t *testing.T) *Ledger) {
	t.Helper()
	for i := range n {
		s := seed + uint64(i)
		if !t.Run(fmt.Sprintf("seed=%d", s), func(t *testing.T) { play(t, s, newLedger(t)) }) {
			return
		}
	}
}

// The invoices of a sequence, and their versions: qty × price.
const invoices = 3

var (
	quantities = []string{"1", "2", "3"}
	prices     = []string{"100.00", "12.35"}
	statuses   = []invoicesync.Status{invoicesync.StatusSent, invoicesync.StatusSent, invoicesync.StatusPaid,
		invoicesync.StatusCancelled, invoicesync.StatusDraft}
)

// version is an invoice as the sequence last set it.
type version struct {
	qty, price string
	status     invoicesync.Status
}

func play(t *testing.T, seed uint64, l *Ledger) {
	if l.Close != nil {
		defer l.Close()
	}
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	src := memory.NewSource()
	store := invoicesync.NewMemoryStore()
	now := time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)
	m := *l.Mapping
	m.SyncWithoutAttachment = true
	syncer, err := invoicesync.NewSyncer(src, l.Target, &m, store, invoicesync.Config{
		SourceID: "proptest", OnChange: invoicesync.RepostChanges, OnCancel: invoicesync.ReverseCancellations,
		RetryDelay: time.Millisecond, Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	last := make([]version, invoices)
	var log []string
	put := func(i int) {
		src.Put(l.invoice(i, last[i]))
	}
	for i := range last {
		last[i] = version{qty: pick(rnd, quantities), price: pick(rnd, prices), status: invoicesync.StatusSent}
		put(i)
	}
	steps := 4 + rnd.IntN(10)
	for range steps {
		i := rnd.IntN(invoices)
		switch k := rnd.IntN(10); {
		case k < 3:
			last[i].qty, last[i].price = pick(rnd, quantities), pick(rnd, prices)
			put(i)
			log = append(log, fmt.Sprintf("edit %d to %s × %s", i, last[i].qty, last[i].price))
		case k < 5:
			last[i].status = pick(rnd, statuses)
			put(i)
			log = append(log, fmt.Sprintf("status %d %s", i, last[i].status))
		case k < 8:
			if _, err := syncer.Run(ctx); err != nil {
				t.Fatalf("run: %v\n%v", err, log)
			}
			log = append(log, "run")
			now = now.Add(time.Hour)
		case k < 9:
			_, _ = syncer.SyncInvoice(ctx, id(i)) // an error is the invoice's, settled by the runs below
			log = append(log, fmt.Sprintf("deposit %d", i))
		default:
			if l.LoseNextAnswer != nil {
				l.LoseNextAnswer()
				log = append(log, "lose the next answer")
			}
		}
	}
	for range 2 { // the first run settles what is uncertain, the second finds nothing more
		if _, err := syncer.Run(ctx); err != nil {
			t.Fatalf("final run: %v\n%v", err, log)
		}
		now = now.Add(time.Hour)
	}
	for i, v := range last {
		st, err := store.Get(ctx, id(i))
		if err != nil {
			t.Fatalf("invoice %d: %v\n%v", i, err, log)
		}
		if st.Status != invoicesync.StateSynchronized && st.Status != invoicesync.StateSkipped {
			t.Fatalf("invoice %d is %s after the final runs: %s\n%v", i, st.Status, st.Message, log)
		}
		want := l.figures(v)
		for _, acc := range []string{l.Receivable, l.Revenue, l.VAT} {
			got, err := l.Net(ctx, number(i), acc)
			if err != nil {
				t.Fatalf("reading the ledger: %v", err)
			}
			if !got.Equal(want[acc]) {
				t.Fatalf("invoice %d (%s × %s, %s): account %s holds %s, want %s\nsteps: %v",
					i, v.qty, v.price, v.status, acc, got.StringFixed(2), want[acc].StringFixed(2), log)
			}
		}
	}
}

func pick[T any](rnd *rand.Rand, from []T) T { return from[rnd.IntN(len(from))] }

func id(i int) string     { return fmt.Sprintf("inv-%d", i) }
func number(i int) string { return fmt.Sprintf("F-%d", i) }

// invoice is invoice i at version v: one line of qty × price at l.Rate.
func (l *Ledger) invoice(i int, v version) invoicesync.Invoice {
	f := l.amounts(v)
	return invoicesync.Invoice{
		ID: id(i), Number: number(i), Kind: invoicesync.KindInvoice, Direction: invoicesync.Sales,
		IssueDate: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), Currency: l.Currency, Status: v.status,
		Party: &invoicesync.Party{SourceID: "C-1", Name: "ACME AS", AuxiliaryAccount: "10001"},
		Lines: []invoicesync.Line{{Description: "Consulting", Quantity: decimal.RequireFromString(v.qty),
			UnitPrice: decimal.RequireFromString(v.price), NetAmount: f.net, VATCategory: "S",
			VATRate: decimal.NewNullDecimal(decimal.RequireFromString(l.Rate))}},
		Totals: invoicesync.Totals{LineTotal: f.net, Net: f.net, VAT: f.vat, Gross: f.net.Add(f.vat), Payable: f.net.Add(f.vat)},
	}
}

type amounts struct{ net, vat decimal.Decimal }

// amounts are the net and VAT of version v, VAT rounded half away from zero
// to the cent.
func (l *Ledger) amounts(v version) amounts {
	net := decimal.RequireFromString(v.qty).Mul(decimal.RequireFromString(v.price))
	vat := net.Mul(decimal.RequireFromString(l.Rate)).Div(decimal.NewFromInt(100)).Round(2)
	return amounts{net: net, vat: vat}
}

// figures are the balances the ledger must hold for an invoice whose last
// version is v.
func (l *Ledger) figures(v version) map[string]decimal.Decimal {
	if v.status == invoicesync.StatusCancelled || v.status == invoicesync.StatusDraft {
		return map[string]decimal.Decimal{l.Receivable: decimal.Zero, l.Revenue: decimal.Zero, l.VAT: decimal.Zero}
	}
	f := l.amounts(v)
	return map[string]decimal.Decimal{l.Receivable: f.net.Add(f.vat), l.Revenue: f.net.Neg(), l.VAT: f.vat.Neg()}
}
