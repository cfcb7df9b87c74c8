package sqlitestore_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// One run at a time per namespace of a file, whichever DB (path, symbolic
// link) it goes through; other namespaces and files are free.
func TestLockRun(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	a := open(t, path)
	require.NoError(t, os.Symlink(path, filepath.Join(dir, "link.db")))
	b := open(t, filepath.Join(dir, "link.db"))
	other := open(t, filepath.Join(dir, "other.db"))

	release, err := a.Store("tenant-1").LockRun(ctx, "run A")
	require.NoError(t, err)

	_, err = b.Store("tenant-1").LockRun(ctx, "run B")
	require.ErrorIs(t, err, invoicesync.ErrBusy)
	var busy *invoicesync.BusyError
	require.ErrorAs(t, err, &busy)
	require.Equal(t, "run A", busy.Holder)

	r2, err := b.Store("tenant-2").LockRun(ctx, "run C")
	require.NoError(t, err, "another namespace")
	r2()
	r3, err := other.Store("tenant-1").LockRun(ctx, "run D")
	require.NoError(t, err, "another file")
	r3()

	release()
	release() // a second call does nothing
	r4, err := b.Store("tenant-1").LockRun(ctx, "run B")
	require.NoError(t, err, "free once released")
	r4()

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = a.Store("tenant-1").LockRun(cctx, "run E")
	require.ErrorIs(t, err, context.Canceled)
}
