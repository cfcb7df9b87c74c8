package invoicesync_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
	"github.com/invoicesync/invoicesync/store/sqlitestore"
)

// TestExactlyOnceSQLite runs every exactly-once scenario with the SQLite
// store, closing the database file and opening it again where a new process
// would start.
func TestExactlyOnceSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("writes SQLite files; skipped with -short")
	}
	var db *sqlitestore.DB
	var path string
	open := func(t *testing.T) invoicesync.StateStore {
		path = filepath.Join(t.TempDir(), "state.db")
		var err error
		db, err = sqlitestore.Open(context.Background(), path)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return db.Store("tenant-1/test-source")
	}
	reopen := func(t *testing.T, _ invoicesync.StateStore) invoicesync.StateStore {
		require.NoError(t, db.Close())
		var err error
		db, err = sqlitestore.Open(context.Background(), path)
		require.NoError(t, err)
		return db.Store("tenant-1/test-source")
	}
	runExactlyOnce(t, storeKind{name: "sqlite", open: open, reopen: reopen})
}

// Two Syncers on one namespace of a SQLite file, through two DBs: the
// second is refused while the first runs.
func TestSecondSyncerOnOneSQLiteNamespaceIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	dbA, err := sqlitestore.Open(context.Background(), path)
	require.NoError(t, err)
	defer dbA.Close()
	dbB, err := sqlitestore.Open(context.Background(), path)
	require.NoError(t, err)
	defer dbB.Close()

	h := newHarness(t)
	tenSales(h)
	h.ledger.SetLatency(memory.PostEntry, 20*time.Millisecond)
	h.store = dbA.Store("tenant-1")
	first := h.syncer()
	h.store = dbB.Store("tenant-1")
	second := h.syncer()

	done := make(chan error)
	go func() {
		_, err := first.Run(context.Background())
		done <- err
	}()
	for h.ledger.Calls(memory.PostEntry) == 0 {
		time.Sleep(time.Millisecond)
	}
	_, err = second.Run(context.Background())
	require.ErrorIs(t, err, invoicesync.ErrBusy)
	require.NoError(t, <-done)
	_, err = second.Run(context.Background())
	require.NoError(t, err)
	h.requireExactlyOnce(ids(1, 10)...)
}
