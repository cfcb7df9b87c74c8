package invoicesync_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
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
