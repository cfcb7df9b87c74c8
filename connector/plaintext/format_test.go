package plaintext_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/plaintext"
)

// otherFormat is the format that is not f.
func otherFormat(f plaintext.Format) plaintext.Format {
	if f == plaintext.Hledger {
		return plaintext.Beancount
	}
	return plaintext.Hledger
}

// requireMismatch checks err is the *FormatMismatchError of a file of
// format found opened as asked, naming both, what tells, and what to do.
func requireMismatch(t *testing.T, err error, path string, found, asked plaintext.Format, evidence string) {
	t.Helper()
	var fm *plaintext.FormatMismatchError
	require.ErrorAs(t, err, &fm)
	require.Equal(t, path, fm.Path)
	require.Equal(t, found, fm.Found)
	require.Equal(t, asked, fm.Asked)
	require.Equal(t, evidence, fm.Evidence)
	msg := err.Error()
	require.Contains(t, msg, path+" is ")
	require.Contains(t, msg, string(found)+" file ("+evidence+"), but the "+string(asked)+" format was asked")
	require.Contains(t, msg, "every invoice would be posted again")
	require.Contains(t, msg, "Open it in the "+string(found)+" format, or name another file (new or empty) for books in the "+string(asked)+" format.")
}

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestOpenRefusesAFileOfTheOtherFormat: a file this package wrote, holding
// an entry (and an interrupted write at its end), opened in the other
// format, is refused with a *FormatMismatchError naming both formats and
// the header that tells; the file is byte for byte as it was and nothing
// else is created (not even FILE.torn, which opening it in its own format
// then writes). ReadFile refuses it too; read in its own format it holds
// its one entry.
func TestOpenRefusesAFileOfTheOtherFormat(t *testing.T) {
	ctx := context.Background()
	for _, f := range formats {
		t.Run(string(f)+" opened as "+string(otherFormat(f)), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "books")
			l, err := plaintext.Open(path, &plaintext.Options{Format: f, Chart: fixtureChart()})
			require.NoError(t, err)
			e := sale("k1", "F-1", "EUR", invoicesync.PartnerRef{})
			e.Lines[0].Partner = nil
			_, err = l.PostEntry(ctx, e)
			require.NoError(t, err)
			require.NoError(t, l.Close())
			tail, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			require.NoError(t, err)
			_, err = tail.WriteString("\n; invoicesync: begin entry E2\n2026-03-16")
			require.NoError(t, err)
			require.NoError(t, tail.Close())
			before, err := os.ReadFile(path)
			require.NoError(t, err)

			asked := otherFormat(f)
			const header = "its header says so"
			_, err = plaintext.Open(path, &plaintext.Options{Format: asked, Chart: fixtureChart()})
			requireMismatch(t, err, path, f, asked, header)
			_, err = plaintext.ReadFile(path, asked)
			requireMismatch(t, err, path, f, asked, header)
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, string(before), string(after))
			require.Equal(t, []string{"books"}, dirNames(t, dir))

			l, err = plaintext.Open(path, &plaintext.Options{Format: f})
			require.NoError(t, err)
			ref, err := l.FindEntry(ctx, "k1")
			require.NoError(t, err)
			require.Equal(t, "E1", ref.ID)
			require.NoError(t, l.Close())
			require.Equal(t, []string{"books", "books.torn"}, dirNames(t, dir))
			plaintext.CheckWithTool(t, f, path)
		})
	}
}

// handWritten are files written by hand, without the header: each is
// valid for its format's tool, and its format is told by the first line
// only that format's syntax has.
var handWritten = []struct {
	name, text string
	format     plaintext.Format
	evidence   string
	accounts   int // the accounts it declares
}{
	{"hledger account directives", `; My books, kept by hand.

account Assets:Bank
account Income:Sales
commodity 1000.00 EUR

2026-01-15 * Sale to ACME
    Assets:Bank                 100.00 EUR
    Income:Sales               -100.00 EUR
`, plaintext.Hledger, `line 3 reads "account Assets:Bank"`, 2},
	{"hledger transactions only", `# hledger comments may start with a hash
2026/01/15 Coffee
    Expenses:Food                 3.50 EUR
    Assets:Cash
`, plaintext.Hledger, `line 2 reads "2026/01/15 Coffee"`, 0},
	{"hledger status and description", `2026-01-15 * (42) Sale | ACME
    Assets:Bank                 100.00 EUR
    Income:Sales
`, plaintext.Hledger, `line 1 reads "2026-01-15 * (42) Sale | ACME"`, 0},
	{"beancount options and open", `;; -*- mode: beancount -*-
option "title" "My books"
option "operating_currency" "EUR"

2026-01-01 open Assets:Bank EUR
2026-01-01 open Income:Sales

2026-01-15 * "ACME" "Sale"
  Assets:Bank     100.00 EUR
  Income:Sales   -100.00 EUR
`, plaintext.Beancount, `line 2 reads "option \"title\" \"My books\""`, 2},
	{"beancount open first", `2026-01-01 open Assets:Bank
2026-01-01 open Income:Sales

2026-01-15 txn "Sale"
  Assets:Bank     100.00 EUR
  Income:Sales
`, plaintext.Beancount, `line 1 reads "2026-01-01 open Assets:Bank"`, 2},
}

// TestOpenHandWrittenFiles: a file written by hand, without the header,
// opened in the other format, is refused, naming the line that tells its
// format, and left as it was; opened in its own format, it is read.
func TestOpenHandWrittenFiles(t *testing.T) {
	for _, c := range handWritten {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			ext := map[plaintext.Format]string{plaintext.Hledger: ".journal", plaintext.Beancount: ".beancount"}[c.format]
			path := filepath.Join(dir, "books"+ext)
			require.NoError(t, os.WriteFile(path, []byte(c.text), 0o644))
			if c.format == plaintext.Hledger {
				plaintext.RunTool(t, "hledger", "-f", path, "check")
			} else {
				plaintext.CheckWithTool(t, c.format, path)
			}

			asked := otherFormat(c.format)
			_, err := plaintext.Open(path, &plaintext.Options{Format: asked, Chart: fixtureChart()})
			requireMismatch(t, err, path, c.format, asked, c.evidence)
			_, err = plaintext.ReadFile(path, asked)
			requireMismatch(t, err, path, c.format, asked, c.evidence)
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, c.text, string(after))
			require.Equal(t, []string{"books" + ext}, dirNames(t, dir))

			l, err := plaintext.Open(path, &plaintext.Options{Format: c.format})
			require.NoError(t, err)
			require.Equal(t, c.format, l.Format())
			accounts, err := l.Accounts(context.Background())
			require.NoError(t, err)
			require.NoError(t, l.Close())
			require.Len(t, accounts, c.accounts)
		})
	}
}

// TestOpenFormatFromContent: without Options.Format, the format is the
// file's own, whatever its extension says: a Beancount file named
// books.journal is opened (and read) as Beancount.
func TestOpenFormatFromContent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "books.journal")
	require.NoError(t, os.WriteFile(path, []byte(handWritten[3].text), 0o644))
	l, err := plaintext.Open(path, nil)
	require.NoError(t, err)
	require.Equal(t, plaintext.Beancount, l.Format())
	accounts, err := l.Accounts(context.Background())
	require.NoError(t, err)
	require.Equal(t, []invoicesync.Account{
		{Number: "Assets:Bank", Name: "Assets:Bank", Active: true},
		{Number: "Income:Sales", Name: "Income:Sales", Active: true},
	}, accounts)
	require.NoError(t, l.Close())
	file, err := plaintext.ReadFile(path, "")
	require.NoError(t, err)
	require.Equal(t, plaintext.Beancount, file.Format)
}

// TestOpenEmptyOrUndecidedFile: an empty file, or one holding only
// comments, has no format: Open fills it in the format asked, either one.
func TestOpenEmptyOrUndecidedFile(t *testing.T) {
	for _, text := range []string{"", "; to be filled by invoicesync\n\n"} {
		for _, f := range formats {
			path := filepath.Join(t.TempDir(), "books")
			require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
			l, err := plaintext.Open(path, &plaintext.Options{Format: f, Chart: fixtureChart()})
			if text != "" {
				// Only an empty file is filled; a file of comments is opened.
				require.NoError(t, err, "%q as %s", text, f)
				require.NoError(t, l.Close())
				continue
			}
			require.NoError(t, err, "%q as %s", text, f)
			require.NoError(t, l.Close())
			plaintext.CheckWithTool(t, f, path)
			_, err = plaintext.Open(path, &plaintext.Options{Format: otherFormat(f)})
			require.True(t, errors.As(err, new(*plaintext.FormatMismatchError)), "%v", err)
		}
	}
}
