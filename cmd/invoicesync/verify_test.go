package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync/connector/plaintext"
	"github.com/invoicesync/invoicesync/internal/tooltest"
)

// copyFiles copies the named e-invoices of the testdata into a new folder.
func copyFiles(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(einvoices, n))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), b, 0o644))
	}
	return dir
}

// TestVerifyAfterRestoringABackup: a journal restored from a backup made
// before the last sync has lost that sync's entries; sync alone would post
// nothing (its state says they are posted), verify reports them and, with
// -repost, posts them again, once.
func TestVerifyAfterRestoringABackup(t *testing.T) {
	for _, format := range []string{"hledger", "beancount"} {
		t.Run(format, func(t *testing.T) {
			first := copyFiles(t, "en16931--Invoice-Min_content_with_VAT.xml", "xrechnung--01.01a-INVOICE_ubl.xml")
			second := copyFiles(t, "xrechnung--01.21a-INVOICE_ubl.xml", "gobl--no-invoice-no-multi-rate.json")
			journal := filepath.Join(t.TempDir(), "books")
			ledger := format + ":" + journal

			status, _, errOut := runCmd("sync", "-ledger", ledger, first)
			require.Equal(t, exitOK, status, errOut)
			backup, err := os.ReadFile(journal)
			require.NoError(t, err)
			status, _, errOut = runCmd("sync", "-ledger", ledger, first, second)
			require.Equal(t, exitOK, status, errOut)
			require.NoError(t, os.WriteFile(journal, backup, 0o644)) // restored

			status, out, errOut := runCmd("sync", "-ledger", ledger, first, second)
			require.Equal(t, exitOK, status, errOut)
			require.Contains(t, out, "4 invoices: 4 synchronized (0 posted)", "sync alone does not notice")

			before, err := os.ReadFile(journal)
			require.NoError(t, err)
			status, out, errOut = runCmd("verify", "-ledger", ledger)
			require.Equal(t, exitFiles, status, errOut)
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			require.Len(t, lines, 3, out)
			var numbers []string
			for _, l := range lines[:2] {
				f := strings.Split(l, "\t")
				require.Len(t, f, 4, l)
				require.Equal(t, "missing", f[0])
				require.Regexp(t, `^E\d+$`, f[2])
				require.Regexp(t, `^isync-[0-9a-f]{32}$`, f[3])
				numbers = append(numbers, f[1])
			}
			require.ElementsMatch(t, []string{"18383", "2025-0005"}, numbers, "the invoices of the second sync")
			require.Equal(t, "4 entries checked: 2 missing; journal "+journal, lines[2])
			after, err := os.ReadFile(journal)
			require.NoError(t, err)
			require.Equal(t, string(before), string(after), "verify alone writes nothing")

			status, out, errOut = runCmd("verify", "-ledger", ledger, "-repost", first, second)
			require.Equal(t, exitOK, status, errOut)
			require.Contains(t, out, "4 entries checked: 2 missing, 2 posted again; journal "+journal)
			tooltest.Check(t, format, journal)
			file, err := plaintext.ReadFile(journal, plaintext.Format(format))
			require.NoError(t, err)
			require.Len(t, file.Entries, 4)

			status, out, errOut = runCmd("verify", "-ledger", ledger)
			require.Equal(t, exitOK, status, errOut)
			require.Equal(t, "4 entries checked: 0 missing; journal "+journal+"\n", out)
		})
	}
}

func TestVerifyUsage(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"verify"}, `-ledger must be hledger:FILE or beancount:FILE, not ""`},
		{[]string{"verify", "-ledger", "hledger:" + dir + "/a.journal", "-repost"}, "-repost needs the PATHs"},
		{[]string{"verify", "-ledger", "hledger:" + dir + "/a.journal", "x.xml"}, "PATHs are read only with -repost"},
		{[]string{"verify", "-ledger", "hledger:" + dir + "/a.journal"}, "a.journal"},
	} {
		status, _, errOut := runCmd(c.args...)
		require.Equal(t, exitUsage, status, c.args)
		require.Contains(t, errOut, c.stderr, c.args)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries, "verify creates nothing")
	status, out, _ := runCmd("verify", "-h")
	require.Equal(t, exitOK, status)
	require.Contains(t, out, "-repost")
}
