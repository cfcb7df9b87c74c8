package invoicesync_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// A partner creation whose answer was lost is settled by the next plain
// run: the partner is found by its identifiers, not created again.
func TestLostPartnerCreationSettledByTheNextRun(t *testing.T) {
	h := newHarness(t)
	list := tenSales(h)
	h.ledger.Inject(memory.Fault{Method: memory.CreatePartner, Call: 1, Kind: memory.FaultLoseResponse})
	h.cfg.Concurrency = 1
	rep := h.run()
	require.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 6, invoicesync.StateError: 4}, rep.Statuses)
	o, _ := rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.CodeLedgerFailure, o.Code)
	assert.True(t, o.Retryable, "the next run takes it up on its own")
	assert.Equal(t, "the next run tries again; partners are searched before one is created, so none is created twice", o.Resolution)
	require.Len(t, h.ledger.Partners(invoicesync.Customer), 3, "the lost creation happened")

	rep = h.run()
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 4}, rep.Statuses)
	o, _ = rep.Outcome("inv-01")
	require.NotNil(t, o.PartnerDecision)
	assert.Equal(t, invoicesync.PartnerMatched, o.PartnerDecision.Action)
	assert.Len(t, h.ledger.Partners(invoicesync.Customer), 3, "no partner created twice")
	h.requireExactlyOnce(list...)
}

// An attachment whose answer was lost is attached by the next plain run,
// without posting again.
func TestLostAttachmentSettledByTheNextRun(t *testing.T) {
	h := newHarness(t)
	list := tenSales(h)
	h.ledger.Inject(memory.Fault{Method: memory.Attach, Call: 2, Kind: memory.FaultLoseResponse})
	h.cfg.Concurrency = 1
	rep := h.run()
	require.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 9, invoicesync.StateError: 1}, rep.Statuses)
	o, _ := rep.Outcome("inv-02")
	assert.Equal(t, invoicesync.CodePDF, o.Code)
	assert.True(t, o.Retryable)
	assert.Equal(t, "nothing to do if it passes: the next run attaches the PDF without posting again", o.Resolution)

	rep = h.run()
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 1}, rep.Statuses)
	o, _ = rep.Outcome("inv-02")
	assert.Equal(t, invoicesync.ActionAttached, o.Action)
	assert.Equal(t, 10, h.ledger.Calls(memory.PostEntry))
	for _, se := range h.ledger.Entries() {
		assert.Len(t, se.Attachments, 1, se.Entry.Reference)
	}
	h.requireExactlyOnce(list...)
}
