//go:build unix

package sqlitestore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/store/sqlitestore"
)

// TestFileModeFollowsUmask: the database file and its -wal and -shm files
// get mode 0644 less the umask: private under umask 077, readable by all
// under 022. The -wal and -shm files created later take the database
// file's mode, so a chmod of the file is enough to keep it private. The
// umask belongs to the whole process: no test of the package runs in
// parallel with this one.
func TestFileModeFollowsUmask(t *testing.T) {
	ctx := context.Background()
	modes := func(path string) []string {
		var got []string
		for _, name := range []string{path, path + "-wal", path + "-shm"} {
			st, err := os.Stat(name)
			require.NoError(t, err)
			got = append(got, fmt.Sprintf("%s %04o", filepath.Base(name), st.Mode().Perm()))
		}
		return got
	}
	for _, tc := range []struct {
		umask int
		want  []string
	}{
		{0o077, []string{"state.db 0600", "state.db-wal 0600", "state.db-shm 0600"}},
		{0o022, []string{"state.db 0644", "state.db-wal 0644", "state.db-shm 0644"}},
	} {
		func() {
			old := syscall.Umask(tc.umask)
			defer syscall.Umask(old)
			path := filepath.Join(t.TempDir(), "state.db")
			db, err := sqlitestore.Open(ctx, path)
			require.NoError(t, err)
			defer db.Close()
			require.NoError(t, db.Store("x").Put(ctx, invoicesync.State{InvoiceID: "inv-1", Status: invoicesync.StatePending}))
			require.Equal(t, tc.want, modes(path), "umask %04o", tc.umask)
		}()
	}

	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := sqlitestore.Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = os.Stat(path + "-wal")
	require.ErrorIs(t, err, os.ErrNotExist, "the last Close removes the WAL")
	require.NoError(t, os.Chmod(path, 0o600))
	db, err = sqlitestore.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Store("x").Put(ctx, invoicesync.State{InvoiceID: "inv-1", Status: invoicesync.StatePending}))
	require.Equal(t, []string{"state.db 0600", "state.db-wal 0600", "state.db-shm 0600"}, modes(path))
}
