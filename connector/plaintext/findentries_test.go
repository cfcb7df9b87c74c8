package plaintext_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// FindEntries reads the keys from the file as it is: a journal restored
// from an older copy while open has lost the later entries.
func TestFindEntriesAfterARestore(t *testing.T) {
	ctx := context.Background()
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			path, l := openFixture(t, f)
			p, err := l.CreatePartner(ctx, invoicesync.Partner{Role: invoicesync.Customer, Name: "ACME SARL"})
			require.NoError(t, err)
			r1, err := l.PostEntry(ctx, sale("k1", "F-1", "EUR", p))
			require.NoError(t, err)
			backup, err := os.ReadFile(path)
			require.NoError(t, err)
			r2, err := l.PostEntry(ctx, sale("k2", "F-2", "EUR", p))
			require.NoError(t, err)

			found, err := l.FindEntries(ctx, []string{"k1", "k2", "k3", ""})
			require.NoError(t, err)
			require.Equal(t, map[string]invoicesync.EntryRef{"k1": r1, "k2": r2}, found)

			require.NoError(t, os.WriteFile(path, backup, 0o644)) // restored
			found, err = l.FindEntries(ctx, []string{"k1", "k2"})
			require.NoError(t, err)
			require.Equal(t, map[string]invoicesync.EntryRef{"k1": {ID: "E1", Number: "E1"}}, found)

			cctx, cancel := context.WithCancel(ctx)
			cancel()
			_, err = l.FindEntries(cctx, []string{"k1"})
			require.ErrorIs(t, err, context.Canceled)
		})
	}
}
