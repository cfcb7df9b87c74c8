package invoicesync_test

import (
	"context"
	"errors"
	"iter"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// unreadableSource is the memory source where the invoices of broken cannot
// be read: they are yielded (and returned by Invoice) as a stub with a
// *SyncError, as a folder of files would report a malformed one.
type unreadableSource struct {
	*memory.Source
	broken map[string]bool
}

func (s *unreadableSource) problem(inv invoicesync.Invoice) (invoicesync.Invoice, error) {
	stub := invoicesync.Invoice{ID: inv.ID, Cursor: inv.Cursor}
	return stub, &invoicesync.SyncError{
		Code: invoicesync.CodeUnreadable, InvoiceID: inv.ID, Field: "file",
		Message: "the file is not an invoice", Resolution: "replace the file",
	}
}

func (s *unreadableSource) Changed(ctx context.Context, cursor string) iter.Seq2[invoicesync.Invoice, error] {
	return func(yield func(invoicesync.Invoice, error) bool) {
		for inv, err := range s.Source.Changed(ctx, cursor) {
			if err == nil && s.broken[inv.ID] {
				inv, err = s.problem(inv)
			}
			if !yield(inv, err) {
				return
			}
		}
	}
}

func (s *unreadableSource) Invoice(ctx context.Context, id string) (invoicesync.Invoice, error) {
	inv, err := s.Source.Invoice(ctx, id)
	if err == nil && s.broken[id] {
		return s.problem(inv)
	}
	return inv, err
}

// An invoice the source cannot read is recorded in error with the source's
// code, and the invoices after it are synchronized: one bad file does not
// stop the run. Repaired, it is synchronized by the next run.
func TestUnreadableInvoiceDoesNotStopTheRun(t *testing.T) {
	h := newHarness(t)
	h.cfg.Concurrency = 1
	h.putAll(sale("inv-01", 1, "A"), sale("inv-02", 2, "B"), sale("inv-03", 3, "C"))
	src := &unreadableSource{Source: h.source, broken: map[string]bool{"inv-02": true}}
	newSyncer := func() *invoicesync.Syncer {
		s, err := invoicesync.NewSyncer(src, h.ledger, h.mapping, h.store, h.cfg)
		require.NoError(t, err)
		return s
	}
	ctx := context.Background()

	pv, err := newSyncer().Preview(ctx)
	require.NoError(t, err)
	require.Len(t, pv, 3)
	require.Equal(t, invoicesync.StateError, pv[1].Status)
	require.Equal(t, invoicesync.CodeUnreadable, pv[1].Code)
	require.Empty(t, h.ledger.Entries(), "a preview writes nothing")

	rep, err := newSyncer().Run(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, rep.Statuses[invoicesync.StateSynchronized])
	require.Equal(t, 1, rep.Codes[invoicesync.CodeUnreadable])
	o, ok := rep.Outcome("inv-02")
	require.True(t, ok)
	require.Equal(t, invoicesync.StateError, o.Status)
	var se *invoicesync.SyncError
	require.True(t, errors.As(o.Err, &se))
	require.Equal(t, "inv-02", se.InvoiceID)
	require.Equal(t, "file", se.Field)
	require.True(t, errors.Is(o.Err, invoicesync.ErrUnreadable))
	require.Equal(t, invoicesync.CodeUnreadable, h.state("inv-02").Code)
	require.Len(t, h.ledger.Entries(), 2)

	// Deposit now reads it again: still unreadable, an invoice error, not a
	// failure to read.
	o, err = newSyncer().SyncInvoice(ctx, "inv-02")
	require.Equal(t, invoicesync.CodeUnreadable, invoicesync.Code(err))
	require.Equal(t, invoicesync.StateError, o.Status)
	require.Equal(t, 2, h.state("inv-02").Attempts)

	// Repaired in the source: the next run synchronizes it, once.
	delete(src.broken, "inv-02")
	h.source.Put(sale("inv-02", 2, "B"))
	rep, err = newSyncer().Run(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Statuses[invoicesync.StateSynchronized])
	h.requireExactlyOnce(ids(1, 3)...)
}
