package invoicesync_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// storeKind opens a state store for the exactly-once scenarios, and reopens
// the same one as a new process would (a MemoryStore is simply kept; a
// durable store is closed and opened again from its file).
type storeKind struct {
	name   string
	open   func(t *testing.T) invoicesync.StateStore
	reopen func(t *testing.T, old invoicesync.StateStore) invoicesync.StateStore
}

var memoryStoreKind = storeKind{
	name:   "memory",
	open:   func(*testing.T) invoicesync.StateStore { return invoicesync.NewMemoryStore() },
	reopen: func(_ *testing.T, old invoicesync.StateStore) invoicesync.StateStore { return old },
}

func TestExactlyOnce(t *testing.T) {
	runExactlyOnce(t, memoryStoreKind)
}

// tenSales puts 10 sales invoices over 3 customers into h's source.
func tenSales(h *harness) []string {
	list := ids(1, 10)
	for i, id := range list {
		h.source.Put(sale(id, i%3+1, []string{"ACME", "BETA", "CORP"}[i%3]))
	}
	return list
}

// runExactlyOnce runs every fault scenario with stores of kind k.
func runExactlyOnce(t *testing.T, k storeKind) {
	newH := func(t *testing.T) *harness {
		h := newHarness(t)
		h.store = k.open(t)
		return h
	}

	t.Run("fail before commit", func(t *testing.T) {
		h := newH(t)
		list := tenSales(h)
		h.ledger.Inject(memory.Fault{Method: memory.PostEntry, Call: 4, Kind: memory.FaultError})
		rep := h.run()
		assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 9, invoicesync.StateError: 1}, rep.Statuses)
		assert.Equal(t, map[invoicesync.ErrorCode]int{invoicesync.CodeLedgerFailure: 1}, rep.Codes)
		assert.Equal(t, 9, h.ledger.Len())

		h.store = k.reopen(t, h.store)
		rep = h.run()
		assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 1}, rep.Statuses)
		assert.Equal(t, map[invoicesync.Action]int{invoicesync.ActionPosted: 1}, rep.Actions)
		assert.Equal(t, 10+1, h.ledger.Calls(memory.FindEntry), "each new invoice looked up once, then the failed posting checked once")
		assert.Equal(t, 11, h.ledger.Calls(memory.PostEntry))
		h.requireExactlyOnce(list...)
	})

	t.Run("429 and 503 then success", func(t *testing.T) {
		h := newH(t)
		list := tenSales(h)
		h.ledger.Inject(
			memory.Fault{Method: memory.PostEntry, Call: 2, Times: 2, Kind: memory.FaultTemporary, Status: 429},
			memory.Fault{Method: memory.PostEntry, Call: 6, Kind: memory.FaultTemporary, Status: 503},
		)
		h.cfg.Concurrency = 1 // each invoice's retries are the calls right after its failure
		rep := h.run()
		assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 10}, rep.Statuses)
		assert.Equal(t, 13, h.ledger.Calls(memory.PostEntry), "10 posts and 3 retries within the run")
		assert.Equal(t, 10, h.ledger.Calls(memory.FindEntry), "each new invoice looked up once, before it is posted")
		h.requireExactlyOnce(list...)
	})

	t.Run("503 until the run gives up, then the next run", func(t *testing.T) {
		h := newH(t)
		list := tenSales(h)
		h.ledger.Inject(memory.Fault{Method: memory.PostEntry, Call: 1, Times: 3, Kind: memory.FaultTemporary})
		h.cfg.Concurrency = 1
		rep := h.run()
		assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 9, invoicesync.StateError: 1}, rep.Statuses)
		o := rep.Outcomes[0]
		assert.Equal(t, invoicesync.CodeLedgerFailure, o.Code)
		assert.True(t, o.Retryable)
		assert.ErrorIs(t, o.Err, invoicesync.ErrTemporary)

		h.store = k.reopen(t, h.store)
		rep = h.run()
		assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 1}, rep.Statuses)
		h.requireExactlyOnce(list...)
	})

	t.Run("lost response after commit", func(t *testing.T) {
		h := newH(t)
		list := tenSales(h)
		h.ledger.Inject(memory.Fault{Method: memory.PostEntry, Call: 3, Kind: memory.FaultLoseResponse},
			memory.Fault{Method: memory.PostEntry, Call: 7, Kind: memory.FaultLoseResponse})
		rep := h.run()
		assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 8, invoicesync.StateError: 2}, rep.Statuses)
		assert.Equal(t, 10, h.ledger.Len(), "the two lost answers were committed")
		for _, o := range rep.Outcomes {
			if o.Status == invoicesync.StateError {
				assert.ErrorIs(t, o.Err, memory.ErrResponseLost)
				assert.True(t, o.Retryable, "the next run asks the ledger on its own")
				st := h.state(o.InvoiceID)
				require.NotNil(t, st.Intent, "the intent stays until the ledger is asked")
			}
		}

		h.store = k.reopen(t, h.store)
		rep = h.run()
		assert.Equal(t, map[invoicesync.Action]int{invoicesync.ActionRecovered: 2}, rep.Actions)
		assert.Equal(t, 10, h.ledger.Calls(memory.PostEntry), "never posted again")
		assert.Equal(t, 10+2, h.ledger.Calls(memory.FindEntry), "each new invoice looked up once, then the two lost answers")
		h.requireExactlyOnce(list...)
	})

	t.Run("restart between intent recorded and posted", func(t *testing.T) {
		h := newH(t)
		list := tenSales(h)
		// The process dies while the 4th post is in flight, before it
		// reaches the ledger: ctx is cancelled during the post's latency.
		ctx, cancel := context.WithCancel(context.Background())
		h.ledger.SetLatency(memory.PostEntry, 50*time.Millisecond)
		h.cfg.Concurrency = 1
		go func() {
			for h.ledger.Calls(memory.PostEntry) < 4 {
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
		rep, err := h.syncer().Run(ctx)
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 3, rep.Statuses[invoicesync.StateSynchronized])
		assert.Equal(t, 3, h.ledger.Len())
		var pending []string
		for st, err := range h.store.List(context.Background(), invoicesync.StatePending) {
			require.NoError(t, err)
			require.NotNil(t, st.Intent)
			pending = append(pending, st.InvoiceID)
		}
		// One worker and a store that stores batches: the ten postings were
		// one batch, every intent stored before the first post.
		assert.Equal(t, []string{"inv-04", "inv-05", "inv-06", "inv-07", "inv-08", "inv-09", "inv-10"}, pending)
		cursor, err := h.store.Cursor(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "000000000003", cursor, "the cursor stops before the interrupted invoice")

		h.store = k.reopen(t, h.store)
		h.ledger.SetLatency(memory.PostEntry, 0)
		h.ledger.ResetCalls()
		rep = h.run()
		assert.Equal(t, 7, rep.Statuses[invoicesync.StateSynchronized])
		assert.Equal(t, 7, h.ledger.Calls(memory.FindEntry), "the interrupted posting is checked, and the six intents never tried")
		assert.Equal(t, 7, h.ledger.Calls(memory.PostEntry))
		h.requireExactlyOnce(list...)
	})

	t.Run("restart between posted and recorded", func(t *testing.T) {
		h := newH(t)
		list := tenSales(h)
		// The process dies right after the 5th entry is committed, before
		// the Syncer records it: the store refuses every write from then on.
		crash := &crashingStore{StateStore: h.store}
		h.store = crash
		h.ledger.SetLatency(memory.PostEntry, 0)
		h.cfg.Concurrency = 1
		crash.after.Store(5)
		_, err := h.syncer().Run(context.Background())
		require.ErrorIs(t, err, errCrashed)
		assert.Equal(t, 5, h.ledger.Len())

		h.store = k.reopen(t, crash.StateStore)
		st := h.state("inv-05")
		require.Equal(t, invoicesync.StatePending, st.Status)
		require.NotNil(t, st.Intent)
		rep := h.run()
		o, _ := rep.Outcome("inv-05")
		assert.Equal(t, invoicesync.ActionRecovered, o.Action)
		assert.Equal(t, map[invoicesync.Action]int{invoicesync.ActionRecovered: 1, invoicesync.ActionPosted: 5}, rep.Actions)
		assert.Equal(t, 10, h.ledger.Calls(memory.PostEntry))
		h.requireExactlyOnce(list...)
	})
}

// errCrashed is what crashingStore says once the simulated process died.
var errCrashed = errors.New("simulated crash")

// crashingStore fails every write once `after` entries were confirmed
// (a Put with Synced set and no intent), starting with that write.
type crashingStore struct {
	invoicesync.StateStore
	after     atomic.Int32
	confirmed atomic.Int32
	dead      atomic.Bool
}

func (s *crashingStore) Put(ctx context.Context, st invoicesync.State) error {
	if s.dead.Load() {
		return errCrashed
	}
	if st.Synced != nil && st.Intent == nil && st.Status == invoicesync.StateSynchronized {
		if s.confirmed.Add(1) == s.after.Load() {
			s.dead.Store(true)
			return errCrashed
		}
	}
	return s.StateStore.Put(ctx, st)
}

func TestChangedAfterSyncReported(t *testing.T) {
	h := newHarness(t)
	h.source.Put(sale("inv-01", 1, "ACME"))
	h.run()
	before := h.state("inv-01").Synced

	h.source.Put(sale("inv-01", 2, "ACME")) // the amount changed in the tool
	rep := h.run()
	o, _ := rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.StateError, o.Status)
	assert.Equal(t, invoicesync.CodeChangedAfterSync, o.Code)
	assert.ErrorIs(t, o.Err, invoicesync.ErrChangedAfterSync)
	assert.Equal(t, fmt.Sprintf("ERROR_SYNC_INVOICE_CHANGED_AFTER_SYNC: invoice F-inv-01: the invoice was changed in the invoicing tool after its entry %s was posted (is %q expected %q)",
		before.Ref.Number, h.state("inv-01").Fingerprint, before.Fingerprint), o.Message)
	assert.Equal(t, before.Ref, o.Entry, "the outcome names the entry in the ledger")
	assert.Equal(t, 1, h.ledger.Len())
	assert.Equal(t, before.Key, h.state("inv-01").Synced.Key, "the ledger still holds the first version")

	// Restored in the tool as it was: synchronized again, nothing posted.
	h.source.Put(sale("inv-01", 1, "ACME"))
	rep = h.run()
	o, _ = rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.StateSynchronized, o.Status)
	assert.Equal(t, invoicesync.ActionUnchanged, o.Action)
	h.requireExactlyOnce("inv-01")
}

func TestChangedAfterSyncReposted(t *testing.T) {
	h := newHarness(t)
	h.cfg.OnChange = invoicesync.RepostChanges
	h.source.Put(sale("inv-01", 1, "ACME"))
	h.run()
	first := h.state("inv-01").Synced

	h.source.Put(sale("inv-01", 2, "ACME"))
	// The reversal's answer is lost: the next run must not reverse twice.
	h.ledger.Inject(memory.Fault{Method: memory.PostEntry, Kind: memory.FaultLoseResponse})
	rep := h.run()
	o, _ := rep.Outcome("inv-01")
	require.Equal(t, invoicesync.CodeLedgerFailure, o.Code)
	require.Equal(t, 2, h.ledger.Len())

	rep = h.run()
	o, _ = rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.StateSynchronized, o.Status)
	assert.Equal(t, invoicesync.ActionReposted, o.Action)

	entries := h.ledger.Entries()
	require.Len(t, entries, 3, "first version, its reversal, second version")
	for _, se := range entries {
		requireBalanced(t, &se.Entry)
	}
	rev := entries[1].Entry
	assert.Equal(t, first.Ref, rev.Reverses)
	assert.Equal(t, "2026-11-21", rev.Date.Format("2006-01-02"))
	assert.Equal(t, "Reversal of "+first.Ref.Number+": ACME SARL", rev.Label)
	assertLines(t, &rev, []want{
		{"411", "C", "120.00", "", invoicesync.KindPartner},
		{"706", "D", "100.00", "V20", invoicesync.KindRevenue},
		{"44571", "D", "20.00", "V20", invoicesync.KindVAT},
	})
	assertLines(t, &entries[2].Entry, []want{
		{"411", "D", "240.00", "", invoicesync.KindPartner},
		{"706", "C", "200.00", "V20", invoicesync.KindRevenue},
		{"44571", "C", "40.00", "V20", invoicesync.KindVAT},
	})
	st := h.state("inv-01")
	require.Len(t, st.Reversals, 1)
	assert.Equal(t, first.Key, st.Reversals[0].OfKey)
	assert.Equal(t, entries[1].Ref, st.Reversals[0].Ref)
	assert.Equal(t, entries[2].Ref, st.Synced.Ref)
	// Every key once.
	keys := map[string]int{}
	for _, se := range entries {
		keys[se.Entry.IdempotencyKey]++
	}
	assert.Len(t, keys, 3)

	// Nothing more on the next run.
	rep = h.run()
	assert.Equal(t, 0, rep.Invoices)
	assert.Len(t, h.ledger.Entries(), 3)
}

func TestPreviewWritesNothing(t *testing.T) {
	h := newHarness(t)
	wantStatus, wantCode := fiftyInvoices(h)
	// One invoice synchronized beforehand, then changed, under the repost policy.
	h.cfg.OnChange = invoicesync.RepostChanges
	s := h.syncer()
	_, err := s.SyncInvoice(context.Background(), "inv-01")
	require.NoError(t, err)
	h.source.Put(sale("inv-01", 5, "ACME"))
	wantStatus["inv-01"] = invoicesync.StateSynchronized

	before := snapshot(t, h)
	h.ledger.ResetCalls()
	previews, err := s.Preview(context.Background())
	require.NoError(t, err)

	assert.Equal(t, before, snapshot(t, h), "ledger and store unchanged")
	calls := h.ledger.CallCounts()
	for _, m := range []memory.Method{memory.CreatePartner, memory.PostEntry, memory.Attach} {
		assert.Equal(t, 0, calls[m], m)
	}
	assert.Equal(t, 0, h.source.Calls(memory.FetchAttachment))
	require.Len(t, previews, 50)
	for _, p := range previews {
		assert.Equal(t, wantStatus[p.InvoiceID], p.Status, p.InvoiceID)
		assert.Equal(t, wantCode[p.InvoiceID], p.Code, p.InvoiceID)
		if p.Status == invoicesync.StateSynchronized {
			require.NotNil(t, p.Entry, p.InvoiceID)
			requireBalanced(t, p.Entry)
		}
	}

	var rev, fresh invoicesync.Preview
	for _, p := range previews {
		switch p.InvoiceID {
		case "inv-01":
			rev = p
		case "inv-02":
			fresh = p
		}
	}
	assert.Equal(t, invoicesync.ActionReposted, rev.Action)
	require.NotNil(t, rev.Reversal)
	requireBalanced(t, rev.Reversal)
	assert.Equal(t, "customer ACME SARL is linked to ledger partner ACME SARL (P2) since an earlier synchronization", rev.Partner)
	assert.Equal(t, "customer BETA SARL matches no ledger customer (auxiliary account 411BETA not found; VAT number not given; "+
		"registration id not given; name beta not found): it would be created", fresh.Partner)
	assert.Equal(t, []string{
		fresh.Partner,
		"entry in journal VT dated 2026-03-14, reference F-inv-02, key " + fresh.Key,
		"line 1: debit 240.00 EUR on 411 (partner); account fixed by the mapping",
		"line 2: credit 200.00 EUR on 706 (revenue); the mapping's default account; VAT code V20 from VAT rule 1; invoice lines [1]",
		"line 3: credit 40.00 EUR on 44571 (vat); the VAT code's account; VAT code V20 from VAT rule 1; invoice lines [1]",
		"document F-inv-02.pdf would be attached to the entry",
	}, fresh.Explanation)

	// Preview of chosen invoices.
	one, err := s.Preview(context.Background(), "inv-43")
	require.NoError(t, err)
	require.Len(t, one, 1)
	assert.Equal(t, invoicesync.CodeMappingTaxRateNotFound, one[0].Code)
	assert.Equal(t, before, snapshot(t, h))
}

// snapshot is the ledger's entries, partners and the store's states, as text.
func snapshot(t *testing.T, h *harness) string {
	t.Helper()
	var states []invoicesync.State
	for st, err := range h.store.List(context.Background()) {
		require.NoError(t, err)
		states = append(states, st)
	}
	cursor, err := h.store.Cursor(context.Background())
	require.NoError(t, err)
	b, err := json.MarshalIndent([]any{h.ledger.Entries(), h.ledger.Partners(invoicesync.Customer),
		h.ledger.Partners(invoicesync.Supplier), states, cursor}, "", " ")
	require.NoError(t, err)
	return string(b)
}
