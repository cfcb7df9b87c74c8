package plaintext_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync/connector/plaintext"
)

// TestErrorsWrapTheirCause: a file-system or parse failure is wrapped with
// %w, so that errors.Is and errors.As reach the cause, and is said with one
// "plaintext: " prefix.
func TestErrorsWrapTheirCause(t *testing.T) {
	dir := t.TempDir()

	t.Run("ReadFile of a missing file", func(t *testing.T) {
		path := filepath.Join(dir, "none.journal")
		_, err := plaintext.ReadFile(path, plaintext.Hledger)
		require.ErrorIs(t, err, fs.ErrNotExist)
		var pe *fs.PathError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, path, pe.Path)
		assert.Equal(t, "plaintext: "+pe.Error(), err.Error())
	})

	t.Run("Open in a missing folder", func(t *testing.T) {
		path := filepath.Join(dir, "no-such-folder", "books.journal")
		_, err := plaintext.Open(path, &plaintext.Options{Chart: fixtureChart()})
		require.ErrorIs(t, err, fs.ErrNotExist)
		var pe *fs.PathError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, filepath.Join(dir, "no-such-folder"), filepath.Dir(pe.Path))
		assert.True(t, strings.HasPrefix(err.Error(), "plaintext: open "), err.Error())
	})

	t.Run("Open of a folder", func(t *testing.T) {
		_, err := plaintext.Open(dir, &plaintext.Options{Format: plaintext.Hledger})
		var pe *fs.PathError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, dir, pe.Path)
		assert.Equal(t, "plaintext: "+pe.Error(), err.Error())
	})

	t.Run("a file edited into one that does not parse", func(t *testing.T) {
		path := filepath.Join(dir, "books.journal")
		l, err := plaintext.Open(path, &plaintext.Options{Chart: fixtureChart()})
		require.NoError(t, err)
		defer l.Close()
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		require.NoError(t, err)
		_, err = f.WriteString("\n2026-13-45 a month that does not exist\n")
		require.NoError(t, f.Close())
		require.NoError(t, err)
		lines := strings.Count(readText(t, path), "\n")

		_, err = l.Accounts(context.Background())
		var pe *time.ParseError
		require.ErrorAs(t, err, &pe, "the date's parse error is wrapped")
		assert.Equal(t, "plaintext: "+path+":"+strconv.Itoa(lines)+`: transaction date "2026-13-45": `+pe.Error(), err.Error(),
			"one prefix, not two")
	})
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}
