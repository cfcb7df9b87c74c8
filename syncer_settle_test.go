package invoicesync_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// runLosingAnAnswer runs ten sales one at a time, the answer to the
// call-th call of method lost; it requires synchronized invoices
// synchronized and the others in error, and invoice id to fail with code,
// retryable, with resolution. It returns the harness and the sales.
func runLosingAnAnswer(t *testing.T, method memory.Method, call, synchronized int, id string, code invoicesync.ErrorCode, resolution string) (*harness, []string) {
	t.Helper()
	h := newHarness(t)
	list := tenSales(h)
	h.ledger.Inject(memory.Fault{Method: method, Call: call, Kind: memory.FaultLoseResponse})
	h.cfg.Concurrency = 1
	rep := h.run()
	require.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: synchronized, invoicesync.StateError: 10 - synchronized}, rep.Statuses)
	o, _ := rep.Outcome(id)
	assert.Equal(t, code, o.Code)
	assert.True(t, o.Retryable, "the next run takes it up on its own")
	assert.Equal(t, resolution, o.Resolution)
	return h, list
}

// A partner creation whose answer was lost is settled by the next plain
// run: the partner is found by its identifiers, not created again.
func TestLostPartnerCreationSettledByTheNextRun(t *testing.T) {
	h, list := runLosingAnAnswer(t, memory.CreatePartner, 1, 6, "inv-01", invoicesync.CodeLedgerFailure,
		"the next run tries again; partners are searched before one is created, so none is created twice")
	require.Len(t, h.ledger.Partners(invoicesync.Customer), 3, "the lost creation happened")

	rep := h.run()
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 4}, rep.Statuses)
	o, _ := rep.Outcome("inv-01")
	require.NotNil(t, o.PartnerDecision)
	assert.Equal(t, invoicesync.PartnerMatched, o.PartnerDecision.Action)
	assert.Len(t, h.ledger.Partners(invoicesync.Customer), 3, "no partner created twice")
	h.requireExactlyOnce(list...)
}

// An attachment whose answer was lost is attached by the next plain run,
// without posting again.
func TestLostAttachmentSettledByTheNextRun(t *testing.T) {
	h, list := runLosingAnAnswer(t, memory.Attach, 2, 9, "inv-02", invoicesync.CodePDF,
		"nothing to do if it passes: the next run attaches the PDF without posting again")

	rep := h.run()
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 1}, rep.Statuses)
	o, _ := rep.Outcome("inv-02")
	assert.Equal(t, invoicesync.ActionAttached, o.Action)
	assert.Equal(t, 10, h.ledger.Calls(memory.PostEntry))
	for _, se := range h.ledger.Entries() {
		assert.Len(t, se.Attachments, 1, se.Entry.Reference)
	}
	h.requireExactlyOnce(list...)
}

// Lost answers at scale: a fifth of the partner creations and a twentieth
// of the attachments lose their answer; the next plain run settles every
// invoice, with no partner created twice and no entry posted twice.
func TestLostAnswersAtScaleSettledByTheNextRun(t *testing.T) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("INVOICESYNC_SETTLE_INVOICES")); err == nil && v > n {
		n = v
	}
	h := newHarness(t)
	customers := n / 5
	list := make([]string, n)
	for i := range list {
		list[i] = fmt.Sprintf("inv-%05d", i+1)
		h.source.Put(sale(list[i], i%3+1, fmt.Sprintf("C%04d", i%customers)))
	}
	rnd := rand.New(rand.NewPCG(15, 5))
	for c := 1; c <= customers; c++ {
		if rnd.IntN(5) == 0 {
			h.ledger.Inject(memory.Fault{Method: memory.CreatePartner, Call: c, Kind: memory.FaultLoseResponse})
		}
	}
	for c := 1; c <= n; c++ {
		if rnd.IntN(20) == 0 {
			h.ledger.Inject(memory.Fault{Method: memory.Attach, Call: c, Kind: memory.FaultLoseResponse})
		}
	}
	h.cfg.CountsOnly = true
	first := h.run()
	stuck := first.Statuses[invoicesync.StateError]
	t.Logf("%d invoices: %d in error after the first run (%d on a lost partner answer, %d on a lost attachment answer)",
		n, stuck, first.Codes[invoicesync.CodeLedgerFailure], first.Codes[invoicesync.CodePDF])
	require.Positive(t, first.Codes[invoicesync.CodeLedgerFailure])
	require.Positive(t, first.Codes[invoicesync.CodePDF])

	h.ledger.ClearFaults() // the faults not reached in the first run
	second := h.run()
	assert.Equal(t, stuck, second.Invoices, "the next run takes up exactly the invoices in error")
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: stuck}, second.Statuses)
	assert.Len(t, h.ledger.Partners(invoicesync.Customer), customers, "no partner created twice")
	h.requireExactlyOnce(list...)
	for _, se := range h.ledger.Entries() {
		require.Len(t, se.Attachments, 1, se.Entry.Reference)
	}
}
