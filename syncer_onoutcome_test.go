package invoicesync_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// outcomeRecorder collects what Config.OnOutcome is given, from any worker.
type outcomeRecorder struct {
	mu   sync.Mutex
	seen []invoicesync.Outcome
}

func (r *outcomeRecorder) record(o invoicesync.Outcome) {
	r.mu.Lock()
	r.seen = append(r.seen, o)
	r.mu.Unlock()
}

// take returns the outcomes seen so far by invoice id, and forgets them.
func (r *outcomeRecorder) take(t *testing.T) map[string]invoicesync.Outcome {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	byID := map[string]invoicesync.Outcome{}
	for _, o := range r.seen {
		_, twice := byID[o.InvoiceID]
		require.False(t, twice, "OnOutcome called twice for %s", o.InvoiceID)
		byID[o.InvoiceID] = o
	}
	r.seen = nil
	return byID
}

func TestOnOutcomeIsCalledOncePerOutcome(t *testing.T) {
	h := newHarness(t)
	wantStatus, wantCode := fiftyInvoices(h)
	var rec outcomeRecorder
	h.cfg.OnOutcome = rec.record
	h.cfg.Concurrency = 4 // called from several workers at once

	rep := h.run()

	seen := rec.take(t)
	require.Len(t, seen, 50)
	for id, o := range seen {
		assert.Equal(t, wantStatus[id], o.Status, id)
		assert.Equal(t, wantCode[id], o.Code, id)
		want, ok := rep.Outcome(id)
		require.True(t, ok, id)
		assert.Equal(t, want.Action, o.Action, id)
	}
	assert.Equal(t, invoicesync.ActionPosted, seen["inv-01"].Action)

	// The second run takes up only the 3 waiting invoices, still waiting.
	h.run()
	seen = rec.take(t)
	assert.Equal(t, map[string]invoicesync.SyncStatus{
		"inv-40": invoicesync.StateWaiting, "inv-41": invoicesync.StateWaiting, "inv-42": invoicesync.StateWaiting,
	}, statuses(seen))

	// An invoice synchronized as it is: unchanged outcomes are reported too.
	_, err := h.syncer().SyncInvoice(context.Background(), "inv-01")
	require.NoError(t, err)
	seen = rec.take(t)
	require.Len(t, seen, 1)
	assert.Equal(t, invoicesync.StateSynchronized, seen["inv-01"].Status)
	assert.Equal(t, invoicesync.ActionUnchanged, seen["inv-01"].Action)
}

// statuses returns the status of each outcome, by invoice id.
func statuses(byID map[string]invoicesync.Outcome) map[string]invoicesync.SyncStatus {
	out := map[string]invoicesync.SyncStatus{}
	for id, o := range byID {
		out[id] = o.Status
	}
	return out
}
