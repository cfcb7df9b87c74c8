package memory_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
	"github.com/invoicesync/invoicesync/connector/sourcetest"
)

// conformanceHarness puts the suite's invoices into a memory source as they
// are, parties and PDFs embedded. (The suite's own tests run it with parties
// as contacts and PDFs fetched by ID.)
type conformanceHarness struct {
	src *memory.Source
	n   int
}

// MakeSource makes an empty memory source.
func (h *conformanceHarness) MakeSource(context.Context) (invoicesync.InvoiceSource, error) {
	h.src = memory.NewSource()
	return h.src, nil
}

// PutInvoices puts each invoice as it is, a new one under the next ID.
func (h *conformanceHarness) PutInvoices(_ context.Context, invs ...invoicesync.Invoice) ([]string, error) {
	ids := make([]string, len(invs))
	for i, inv := range invs {
		if inv.ID == "" {
			h.n++
			inv.ID = fmt.Sprintf("inv-%d", h.n)
		}
		h.src.Put(inv)
		ids[i] = inv.ID
	}
	return ids, nil
}

// PutUnreadable records an invoice the source cannot read.
func (h *conformanceHarness) PutUnreadable(context.Context) (string, error) {
	h.n++
	id := fmt.Sprintf("inv-%d", h.n)
	h.src.PutUnreadable(id, &invoicesync.SyncError{Code: invoicesync.CodeUnreadable,
		Message: "the document is not an invoice", Resolution: "replace it"})
	return id, nil
}

// PutContact stores p under a new reference.
func (h *conformanceHarness) PutContact(_ context.Context, _ invoicesync.PartnerRole, p invoicesync.Party) (string, error) {
	h.n++
	ref := fmt.Sprintf("contact-%d", h.n)
	h.src.PutContact(ref, p)
	return ref, nil
}

// Close has nothing to release.
func (h *conformanceHarness) Close() {}

// TestSourceConformance runs the InvoiceSource conformance suite on Source.
func TestSourceConformance(t *testing.T) {
	sourcetest.RunConformance(t, func(context.Context, *testing.T) (sourcetest.Harness, error) {
		return &conformanceHarness{}, nil
	})
}

// An invoice put with PutUnreadable is yielded and returned as its stub
// with a copy of its SyncError; a later Put makes it readable again.
func TestSourcePutUnreadable(t *testing.T) {
	ctx := context.Background()
	s := memory.NewSource()
	s.Put(newInvoice("A", "F-1"))
	problem := &invoicesync.SyncError{Code: invoicesync.CodeUnreadable, Message: "not an invoice", Resolution: "replace it"}
	require.Equal(t, "000000000002", s.PutUnreadable("B", problem))
	s.Put(newInvoice("C", "F-3"))

	var got []string
	for inv, err := range s.Changed(ctx, "") {
		if inv.ID == "B" {
			var se *invoicesync.SyncError
			require.ErrorAs(t, err, &se)
			require.Equal(t, invoicesync.CodeUnreadable, se.Code)
			require.Equal(t, "B", se.InvoiceID, "the SyncError names the invoice")
			require.Equal(t, "000000000002", inv.Cursor)
			require.Empty(t, inv.Number, "a stub holds only its ID and cursor")
			se.Message = "changed by the caller"
		} else {
			require.NoError(t, err)
		}
		got = append(got, inv.ID)
	}
	require.Equal(t, []string{"A", "B", "C"}, got, "the stream goes on after the unreadable invoice")

	_, err := s.Invoice(ctx, "B")
	var se *invoicesync.SyncError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "not an invoice", se.Message, "each call returns its own copy")
	require.Equal(t, "", problem.InvoiceID, "the caller's SyncError is not changed")

	s.Put(newInvoice("B", "F-2"))
	inv, err := s.Invoice(ctx, "B")
	require.NoError(t, err, "Put makes the invoice readable again")
	require.Equal(t, "F-2", inv.Number)
	require.Panics(t, func() {
		s.PutUnreadable("D", &invoicesync.SyncError{Code: invoicesync.CodeSourceFailure, Err: invoicesync.ErrTemporary})
	}, "a retryable problem is not an unreadable invoice")
}
