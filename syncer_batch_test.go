package invoicesync_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// countingStore counts the writes of a MemoryStore.
type countingStore struct {
	*invoicesync.MemoryStore
	puts, batches, states atomic.Int64
}

func (s *countingStore) Put(ctx context.Context, st invoicesync.State) error {
	s.puts.Add(1)
	return s.MemoryStore.Put(ctx, st)
}

func (s *countingStore) PutStates(ctx context.Context, states []invoicesync.State) error {
	s.batches.Add(1)
	s.states.Add(int64(len(states)))
	return s.MemoryStore.PutStates(ctx, states)
}

// TestBatchedWrites: one worker over a store that stores batches posts 100
// new invoices with three writes to the store (64 intents; their outcomes
// and the next 36 intents; those outcomes), not 200, in the invoices' order.
func TestBatchedWrites(t *testing.T) {
	h := newHarness(t)
	store := &countingStore{MemoryStore: invoicesync.NewMemoryStore()}
	h.store = store
	h.cfg.Concurrency = 1
	var ids []string
	for i := 1; i <= 100; i++ {
		id := fmt.Sprintf("inv-%03d", i)
		ids = append(ids, id)
		h.source.Put(sale(id, i%3+1, "ACME"))
	}
	rep := h.run()
	require.Equal(t, map[invoicesync.Action]int{invoicesync.ActionPosted: 100}, rep.Actions)
	assert.Equal(t, int64(0), store.puts.Load())
	assert.Equal(t, int64(3), store.batches.Load())
	assert.Equal(t, int64(200), store.states.Load())
	for i, se := range h.ledger.Entries() {
		assert.Equal(t, fmt.Sprintf("F-inv-%03d", i+1), se.Entry.Reference, "entries in the invoices' order")
	}
	for i, o := range rep.Outcomes {
		assert.Equal(t, ids[i], o.InvoiceID, "outcomes in the invoices' order")
	}
	h.requireExactlyOnce(ids...)
	assert.Equal(t, 100, h.ledger.Calls(memory.PostEntry))

	// With four workers, nothing is batched: each write is stored at once.
	h2 := newHarness(t)
	store2 := &countingStore{MemoryStore: invoicesync.NewMemoryStore()}
	h2.store = store2
	h2.cfg.Concurrency = 4
	for _, id := range ids[:10] {
		h2.source.Put(sale(id, 1, "ACME"))
	}
	h2.run()
	assert.Equal(t, int64(0), store2.puts.Load())
	assert.Equal(t, int64(20), store2.states.Load(), "each intent, and each outcome, stored")
	h2.requireExactlyOnce(ids[:10]...)
}
