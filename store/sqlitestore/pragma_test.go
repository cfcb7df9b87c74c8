package sqlitestore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// openTemp opens a new state database in a temporary folder; it is closed
// when the test ends.
func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

// TestPragmas checks the settings durability and concurrency rely on, on a
// connection of the pool.
func TestPragmas(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	conn, err := db.sql.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()

	var mode string
	require.NoError(t, conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode))
	require.Equal(t, "wal", mode)
	var n int
	require.NoError(t, conn.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&n))
	require.Equal(t, 2, n, "synchronous must be FULL (2)")
	require.NoError(t, conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&n))
	require.Equal(t, 1, n)
	require.NoError(t, conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&n))
	require.Equal(t, int(busyTimeout.Milliseconds()), n)
}

func TestMigrationsEmbedded(t *testing.T) {
	ms, err := migrations()
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	for i, m := range ms {
		require.Equal(t, i+1, m.version)
		require.NotEmpty(t, m.sql)
	}
}
