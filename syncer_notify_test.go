package invoicesync_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// noted returns the notifications so far as "invoice status action code
// (previous status, previous code)", sorted, and forgets them.
func (h *harness) noted() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, n := range h.notes {
		out = append(out, fmt.Sprintf("%s %s %s %s (%s, %s)", n.InvoiceID, n.Status, n.Action, n.Code, n.Previous, n.PreviousCode))
	}
	h.notes = nil
	slices.Sort(out) // workers notify in the order they finish
	return out
}

// TestNotifiedOnChangeOnly: five invoices waiting for their PDF over three
// runs are notified five times, not fifteen; an error is notified when it
// appears and when its code changes, not at each retry; each posting is
// notified.
func TestNotifiedOnChangeOnly(t *testing.T) {
	h := newHarness(t)
	for i := 1; i <= 5; i++ {
		inv := sale(fmt.Sprintf("inv-%02d", i), 1, "ACME")
		inv.Attachments = nil
		h.source.Put(inv)
	}
	for range 3 {
		rep := h.run()
		require.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateWaiting: 5}, rep.Statuses)
	}
	assert.Equal(t, []string{
		"inv-01 waiting   (, )", "inv-02 waiting   (, )", "inv-03 waiting   (, )", "inv-04 waiting   (, )", "inv-05 waiting   (, )",
	}, h.noted())

	// inv-01 gets its PDF: posted, notified. inv-02 loses its customer's
	// name and number: an error, notified once, not again at a retry.
	h.source.Put(sale("inv-01", 1, "ACME"))
	broken := sale("inv-02", 1, "ACME")
	broken.Party = &invoicesync.Party{}
	h.source.Put(broken)
	h.run()
	_, err := h.syncer().RetryFailed(context.Background())
	require.NoError(t, err)
	h.run()
	assert.Equal(t, []string{
		"inv-01 synchronized posted  (waiting, )",
		"inv-02 error  ERROR_SYNC_INVOICE_PARTNER_VALIDATION (waiting, )",
	}, h.noted())

	// inv-02's error changes code: notified again.
	broken = sale("inv-02", 1, "ACME")
	broken.Lines[0].VATCategory = ""
	h.source.Put(broken)
	h.run()
	assert.Equal(t, []string{
		"inv-02 error  ERROR_SYNC_INVOICE_MAPPING_TAX_RATE_NOT_FOUND (error, ERROR_SYNC_INVOICE_PARTNER_VALIDATION)",
	}, h.noted())
}
