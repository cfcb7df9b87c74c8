package invoicesync_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// TestRetryReasonInOutcomeAndLog: why a ledger call was not tried again is
// in the outcome's message and in the log record: given up after
// MaxAttempts temporary failures, or a failure not marked temporary.
func TestRetryReasonInOutcomeAndLog(t *testing.T) {
	h := newHarness(t)
	var logs bytes.Buffer
	h.cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	h.cfg.Concurrency = 1
	h.ledger.Inject(
		memory.Fault{Method: memory.PostEntry, Call: 1, Times: 3, Kind: memory.FaultTemporary, Status: 503},
		memory.Fault{Method: memory.PostEntry, Call: 4, Kind: memory.FaultError},
	)
	h.putAll(sale("inv-01", 1, "ACME"), sale("inv-02", 1, "ACME"))
	rep := h.run()
	o1, _ := rep.Outcome("inv-01")
	o2, _ := rep.Outcome("inv-02")
	require.Equal(t, invoicesync.CodeLedgerFailure, o1.Code)
	require.Equal(t, invoicesync.CodeLedgerFailure, o2.Code)
	assert.Contains(t, o1.Message, "ERROR_SYNC_INVOICE_LEDGER_FAILURE: invoice F-inv-01: the accounting system failed while posting the entry (failed temporarily 3 times): ")
	assert.Equal(t, "nothing to do if it passes: the next run tries again", o1.Resolution)
	assert.Contains(t, o2.Message, "ERROR_SYNC_INVOICE_LEDGER_FAILURE: invoice F-inv-02: the accounting system failed while posting the entry (not tried again: the failure is not marked temporary): ")
	assert.Contains(t, logs.String(), `(failed temporarily 3 times)`)
	assert.Contains(t, logs.String(), `(not tried again: the failure is not marked temporary)`)
	assert.Equal(t, 4, h.ledger.Calls(memory.PostEntry))
}

// TestNewSyncerCopiesTheMappingDeeply: changing the caller's mapping after
// NewSyncer, its VAT rules included, changes nothing in the Syncer.
func TestNewSyncerCopiesTheMappingDeeply(t *testing.T) {
	h := newHarness(t)
	h.source.Put(sale("inv-01", 1, "ACME"))
	s := h.syncer()
	for i := range h.mapping.SalesVAT {
		h.mapping.SalesVAT[i].Code = "NOPE"
	}
	h.mapping.EligibleStatuses = append(h.mapping.EligibleStatuses[:0], invoicesync.StatusPaid)
	rep, err := s.Run(context.Background())
	require.NoError(t, err)
	o, _ := rep.Outcome("inv-01")
	require.Equal(t, invoicesync.StateSynchronized, o.Status, o.Message)
	se, ok := h.ledger.Entry(o.Key)
	require.True(t, ok)
	assertLines(t, &se.Entry, []want{
		{"411", "D", "120.00", "", invoicesync.KindPartner},
		{"706", "C", "100.00", "V20", invoicesync.KindRevenue},
		{"44571", "C", "20.00", "V20", invoicesync.KindVAT},
	})
}
