package sourcetest_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
	"github.com/invoicesync/invoicesync/connector/sourcetest"
)

// memoryHarness is the Harness of connector/memory: the harness a connector
// writes for its tool, here for the in-memory fake. It keeps each invoice's
// party as a contact the invoice refers to, and its PDF as an attachment
// the source fetches.
type memoryHarness struct {
	src     *memory.Source
	n       int // invoices and contacts added
	wrap    func(*memoryHarness) invoicesync.InvoiceSource
	batch   int           // PutInvoices and PutUnreadable calls made
	batches map[int64]int // change sequence number → the call that made it
}

// newMemoryHarness is the HarnessMaker of a memory source.
func newMemoryHarness(context.Context, *testing.T) (sourcetest.Harness, error) {
	return &memoryHarness{}, nil
}

// MakeSource makes an empty memory source (wrapped, when wrap is set).
func (h *memoryHarness) MakeSource(context.Context) (invoicesync.InvoiceSource, error) {
	h.src = memory.NewSource()
	h.batches = make(map[int64]int)
	if h.wrap != nil {
		return h.wrap(h), nil
	}
	return h.src, nil
}

// PutInvoices puts each invoice: its party as a contact, its PDF as an
// attachment fetched by ID.
func (h *memoryHarness) PutInvoices(ctx context.Context, invs ...invoicesync.Invoice) ([]string, error) {
	h.batch++
	ids := make([]string, len(invs))
	for i, inv := range invs {
		if inv.ID == "" {
			h.n++
			inv.ID = fmt.Sprintf("M-%03d", h.n)
		}
		if inv.Party != nil {
			ref, err := h.PutContact(ctx, "", *inv.Party)
			if err != nil {
				return nil, err
			}
			inv.Party, inv.ContactRef = nil, ref
		}
		for j, a := range inv.Attachments {
			a.ID = fmt.Sprintf("file-%d", j+1)
			h.src.PutAttachment(inv.ID, a.ID, invoicesync.Document{FileName: a.FileName, MediaType: a.MediaType, Data: a.Data})
			a.Data = nil
			inv.Attachments[j] = a
		}
		h.record(h.src.Put(inv))
		ids[i] = inv.ID
	}
	return ids, nil
}

// PutUnreadable records an invoice the source cannot read.
func (h *memoryHarness) PutUnreadable(context.Context) (string, error) {
	h.n++
	h.batch++
	id := fmt.Sprintf("M-%03d", h.n)
	h.record(h.src.PutUnreadable(id, &invoicesync.SyncError{Code: invoicesync.CodeUnreadable, Field: "file",
		Message: "the document is not an invoice", Resolution: "replace the document in the invoicing tool"}))
	return id, nil
}

// record notes that the change of cursor was made by the current call.
func (h *memoryHarness) record(cursor string) {
	seq, err := strconv.ParseInt(cursor, 10, 64)
	if err != nil {
		panic("memory: a change's cursor is its sequence number: " + cursor)
	}
	h.batches[seq] = h.batch
}

// PutContact stores p under a new reference; the memory source lists it for
// both roles.
func (h *memoryHarness) PutContact(_ context.Context, _ invoicesync.PartnerRole, p invoicesync.Party) (string, error) {
	h.n++
	ref := fmt.Sprintf("C-%03d", h.n)
	h.src.PutContact(ref, p)
	return ref, nil
}

// Close has nothing to release.
func (h *memoryHarness) Close() {}

// Running the suite on a connector takes a Harness and one test function.
// The example is compiled, not run: RunConformance needs the *testing.T of
// a test.
func Example() {
	// In the connector's test file:
	testConformance := func(t *testing.T) {
		sourcetest.RunConformance(t, newMemoryHarness)
	}
	_ = testConformance
}

// TestMemorySource runs the suite on connector/memory's Source.
func TestMemorySource(t *testing.T) {
	sourcetest.RunConformance(t, newMemoryHarness)
}
