package invoicesync_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// A second Syncer on a store another Syncer is running on is refused with
// ErrBusy naming the holder; the same Syncer's own calls share the store.
func TestSecondSyncerOnOneStoreIsRefused(t *testing.T) {
	h := newHarness(t)
	tenSales(h)
	h.ledger.SetLatency(memory.PostEntry, 20*time.Millisecond)
	first, second := h.syncer(), h.syncer()

	done := make(chan error)
	go func() {
		_, err := first.Run(context.Background())
		done <- err
	}()
	for h.ledger.Calls(memory.PostEntry) == 0 {
		time.Sleep(time.Millisecond)
	}

	_, err := second.Run(context.Background())
	require.ErrorIs(t, err, invoicesync.ErrBusy)
	var busy *invoicesync.BusyError
	require.ErrorAs(t, err, &busy)
	assert.Contains(t, busy.Holder, `Syncer of source "test-source"`)
	assert.True(t, invoicesync.Retryable(err), "it passes once the other run ends")
	assert.Regexp(t, `^invoicesync: the state store is in use by another run \(Syncer of source "test-source", process \d+, since 2026-11-21T09:30:00Z\): one run per store at a time; try again once it has finished$`, err.Error())
	_, err = second.SyncInvoice(context.Background(), "inv-01")
	require.ErrorIs(t, err, invoicesync.ErrBusy)
	_, err = second.RetryFailed(context.Background())
	require.ErrorIs(t, err, invoicesync.ErrBusy)
	_, err = second.Preview(context.Background(), "inv-01")
	require.NoError(t, err, "a preview writes nothing: it needs no lock")

	// The first Syncer's own calls are not refused.
	o, err := first.SyncInvoice(context.Background(), "inv-10")
	require.NoError(t, err)
	assert.Equal(t, invoicesync.StateSynchronized, o.Status)

	require.NoError(t, <-done)
	rep, err := second.Run(context.Background())
	require.NoError(t, err, "free again once the first run ended")
	assert.Equal(t, 0, rep.Invoices)
	h.requireExactlyOnce(ids(1, 10)...)
}

// BusyError is ErrBusy for errors.Is.
func TestBusyErrorUnwraps(t *testing.T) {
	err := error(&invoicesync.BusyError{Holder: "x"})
	assert.True(t, errors.Is(err, invoicesync.ErrBusy))
}
