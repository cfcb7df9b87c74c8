//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package plaintext_test

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync/connector/plaintext"
)

// withUmask runs f with the process's umask set to mask, and restores it.
// The umask belongs to the whole process: no test of the package runs in
// parallel with this one.
func withUmask(t *testing.T, mask int, f func()) {
	t.Helper()
	old := syscall.Umask(mask)
	defer syscall.Umask(old)
	f()
}

// mode returns the permission bits of the file at path, in octal.
func mode(t *testing.T, path string) string {
	t.Helper()
	st, err := os.Stat(path)
	require.NoError(t, err)
	return fmt.Sprintf("%04o", st.Mode().Perm())
}

// TestFileModeFollowsUmask: the journal Open creates, and FILE.torn, get
// mode 0666 less the umask: private under umask 077, world-readable under
// 022. A journal that replaces an empty file keeps that file's mode.
func TestFileModeFollowsUmask(t *testing.T) {
	for _, tc := range []struct {
		umask int
		want  string
	}{{0o077, "0600"}, {0o022, "0644"}, {0o002, "0664"}} {
		withUmask(t, tc.umask, func() {
			path := filepath.Join(t.TempDir(), "books.journal")
			l, err := plaintext.Open(path, &plaintext.Options{Chart: fixtureChart()})
			require.NoError(t, err)
			require.NoError(t, l.Close())
			require.Equal(t, tc.want, mode(t, path), "umask %04o: the journal", tc.umask)

			// An interrupted write: Open cuts it off into FILE.torn.
			w, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			require.NoError(t, err)
			_, err = w.WriteString("\n; invoicesync: begin entry E1\n2026-03-15 Sale")
			require.NoError(t, err)
			require.NoError(t, w.Close())
			l, err = plaintext.Open(path, nil)
			require.NoError(t, err)
			require.NoError(t, l.Close())
			require.Equal(t, tc.want, mode(t, path+".torn"), "umask %04o: FILE.torn", tc.umask)
			require.Equal(t, tc.want, mode(t, path), "umask %04o: the journal after the cut", tc.umask)
		})
	}

	withUmask(t, 0o022, func() {
		path := filepath.Join(t.TempDir(), "books.journal")
		require.NoError(t, os.WriteFile(path, nil, 0o600))
		require.NoError(t, os.Chmod(path, 0o640))
		l, err := plaintext.Open(path, &plaintext.Options{Chart: fixtureChart()})
		require.NoError(t, err)
		require.NoError(t, l.Close())
		require.Equal(t, "0640", mode(t, path), "the empty file's mode, not the umask's")
		file, err := plaintext.ReadFile(path, "")
		require.NoError(t, err)
		require.Len(t, file.Accounts, len(fixtureChart().Accounts))
	})
}
