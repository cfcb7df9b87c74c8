package ledgertest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/ledgertest"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// memoryHarness is the Harness of connector/memory: the harness a connector
// writes for its own ledger, here for the in-memory fake.
type memoryHarness struct {
	drafts bool // what the ledger's SetDrafts is given
	chart  ledgertest.Chart
	ledger *memory.Ledger
}

// newMemoryHarness is the HarnessMaker of a memory ledger with drafts.
func newMemoryHarness(context.Context, *testing.T) (ledgertest.Harness, error) {
	return &memoryHarness{drafts: true}, nil
}

// MakeLedger builds a memory ledger holding chart.
func (h *memoryHarness) MakeLedger(_ context.Context, chart ledgertest.Chart) (invoicesync.LedgerTarget, error) {
	h.chart = chart
	h.ledger = newLedger(chart, h.drafts)
	return h.ledger, nil
}

func newLedger(chart ledgertest.Chart, drafts bool) *memory.Ledger {
	l := memory.NewLedger()
	l.AddAccounts(chart.Accounts...)
	l.AddVATCodes(chart.VATCodes...)
	l.AddJournals(chart.Journals...)
	l.SetDrafts(drafts)
	return l
}

// Entries converts what the memory ledger recorded. Its StoredEntry keeps
// the draft flag apart from the entry: Entry.Draft is set from it.
func (h *memoryHarness) Entries(context.Context) ([]ledgertest.Stored, error) {
	recorded := h.ledger.Entries()
	out := make([]ledgertest.Stored, len(recorded))
	for i, s := range recorded {
		e := s.Entry
		e.Draft = s.Draft
		out[i] = ledgertest.Stored{Ref: s.Ref, Entry: e, Attachments: s.Attachments}
	}
	return out, nil
}

// Close has nothing to release.
func (h *memoryHarness) Close() {}

// Running the suite on a connector takes a Harness and one test function.
// The example is compiled, not run: RunConformance needs the *testing.T of
// a test.
func Example() {
	// In the connector's test file:
	testConformance := func(t *testing.T) {
		ledgertest.RunConformance(t, newMemoryHarness)
	}
	_ = testConformance
}

// TestMemoryLedger runs the suite on connector/memory with drafts supported.
func TestMemoryLedger(t *testing.T) {
	ledgertest.RunConformance(t, newMemoryHarness)
}

// TestMemoryLedgerNoDrafts runs the suite on connector/memory without draft
// support, so that drafts must be refused with ErrNotSupported.
func TestMemoryLedgerNoDrafts(t *testing.T) {
	ledgertest.RunConformance(t, func(context.Context, *testing.T) (ledgertest.Harness, error) {
		return &memoryHarness{drafts: false}, nil
	})
}

// reopeningHarness is a memoryHarness whose ledger survives a restart: Reopen
// rebuilds a new memory ledger from what the old one recorded (partners,
// entries, draft flags, attachments), as a connector would reload its
// storage, and checks that the rebuilt ledger gave everything its old
// reference.
type reopeningHarness struct{ memoryHarness }

var _ ledgertest.Reopener = (*reopeningHarness)(nil)

// Reopen implements ledgertest.Reopener.
func (h *reopeningHarness) Reopen(ctx context.Context) (invoicesync.LedgerTarget, error) {
	old := h.ledger
	l := newLedger(h.chart, h.drafts)
	for _, p := range old.Partners("") {
		if ref := l.AddPartner(p); ref.ID != p.Ref.ID {
			return nil, fmt.Errorf("reopen: partner %q came back as %q", p.Ref.ID, ref.ID)
		}
	}
	for _, s := range old.Entries() {
		e := s.Entry
		e.Draft = s.Draft
		ref, err := l.PostEntry(ctx, &e)
		if err != nil {
			return nil, fmt.Errorf("reopen: entry %q: %w", s.Ref.ID, err)
		}
		if ref != s.Ref {
			return nil, fmt.Errorf("reopen: entry %v came back as %v", s.Ref, ref)
		}
		for _, d := range s.Attachments {
			if err := l.Attach(ctx, ref, d); err != nil {
				return nil, fmt.Errorf("reopen: entry %q: %w", s.Ref.ID, err)
			}
		}
	}
	h.ledger = l
	return l, nil
}

// TestMemoryLedgerReopen runs the suite, restart included, on a memory
// ledger rebuilt from its records by Reopen.
func TestMemoryLedgerReopen(t *testing.T) {
	ledgertest.RunConformance(t, func(context.Context, *testing.T) (ledgertest.Harness, error) {
		return &reopeningHarness{memoryHarness{drafts: true}}, nil
	})
}
