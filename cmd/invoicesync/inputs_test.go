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

// snapshot is every file of dir with its content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := make(map[string]string)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		if e.IsDir() {
			files[e.Name()] = "(folder)"
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		files[e.Name()] = string(b)
	}
	return files
}

// TestSyncWrongLedgerFormat: sync run with the other -ledger format on a
// journal sync wrote (with its state file) exits 2, saying which format the
// file is in, which was asked and what to run instead, and leaves every
// file of the folder (journal, state) byte for byte as it was. On a journal
// without state file, none is created. Run in its own format, sync then
// posts nothing more: the file still holds each entry once.
func TestSyncWrongLedgerFormat(t *testing.T) {
	for _, c := range []struct{ format, other, found string }{
		{"hledger", "beancount", "an hledger file"},
		{"beancount", "hledger", "a beancount file"},
	} {
		t.Run(c.format+" as "+c.other, func(t *testing.T) {
			in := copyFiles(t, "en16931--Invoice-Min_content_with_VAT.xml", "xrechnung--01.01a-INVOICE_ubl.xml")
			dir := t.TempDir()
			journal := filepath.Join(dir, "books.journal")
			status, out, errOut := runCmd("sync", "-ledger", c.format+":"+journal, in)
			require.Equal(t, exitOK, status, errOut)
			require.Contains(t, out, "2 invoices: 2 synchronized (2 posted)")
			before := snapshot(t, dir)
			require.Contains(t, before, "books.journal.state")

			wrong := func() {
				t.Helper()
				status, out, errOut := runCmd("sync", "-ledger", c.other+":"+journal, in)
				require.Equal(t, exitUsage, status, errOut)
				require.Empty(t, out)
				require.Contains(t, errOut, "invoicesync sync: -ledger "+c.other+":"+journal+": "+journal+" is "+c.found+" (its header says so), not "+c.other)
				require.Contains(t, errOut, "nothing was written")
				require.Contains(t, errOut, "run with -ledger "+c.format+":"+journal)
			}
			wrong()
			require.Equal(t, before, snapshot(t, dir), "the journal and its state are unchanged")

			require.NoError(t, os.Remove(journal+".state"))
			before = snapshot(t, dir)
			wrong()
			require.Equal(t, before, snapshot(t, dir), "no state file is created")

			status, out, errOut = runCmd("sync", "-ledger", c.format+":"+journal, in)
			require.Equal(t, exitOK, status, errOut)
			require.Contains(t, out, "2 invoices: 2 synchronized (0 posted)", "without its state, found in the journal, nothing posted")
			require.Equal(t, 2, strings.Count(out, "synchronized\trecovered\t"), out)
			file, err := plaintext.ReadFile(journal, plaintext.Format(c.format))
			require.NoError(t, err)
			require.Len(t, file.Entries, 2, "the journal's keys kept each entry once")
			tooltest.Check(t, c.format, journal)
		})
	}
}

// TestVerifyWrongLedgerFormat: verify refuses a journal of the other
// format as sync does, exit 2, writing nothing.
func TestVerifyWrongLedgerFormat(t *testing.T) {
	in := copyFiles(t, "en16931--Invoice-Min_content_with_VAT.xml")
	dir := t.TempDir()
	journal := filepath.Join(dir, "books")
	status, _, errOut := runCmd("sync", "-ledger", "beancount:"+journal, in)
	require.Equal(t, exitOK, status, errOut)
	before := snapshot(t, dir)
	for _, args := range [][]string{{}, {"-repost", in}} {
		status, _, errOut = runCmd(append([]string{"verify", "-ledger", "hledger:" + journal}, args...)...)
		require.Equal(t, exitUsage, status, errOut)
		require.Contains(t, errOut, journal+" is a beancount file (its header says so), not hledger")
		require.Equal(t, before, snapshot(t, dir))
	}
}

// TestSyncMissingPath: a PATH that does not exist stops sync before it
// creates anything, even when the other PATHs exist: exit 1, the message
// names the path, and the journal's folder stays empty.
func TestSyncMissingPath(t *testing.T) {
	for _, paths := range [][]string{
		{"/does/not/exist"},
		{einvoices, "/does/not/exist"},
	} {
		dir := t.TempDir()
		status, out, errOut := runCmd(append([]string{"sync", "-ledger", "hledger:" + filepath.Join(dir, "books.journal")}, paths...)...)
		require.Equal(t, exitFiles, status, errOut)
		require.Empty(t, out)
		require.Contains(t, errOut, "invoicesync sync: PATH /does/not/exist: open /does/not/exist: no such file or directory")
		require.Contains(t, errOut, "nothing was written")
		require.Empty(t, snapshot(t, dir), paths)
	}
}

// TestSyncInputsCheckedFirst: a -mapping file, a journal folder or a state
// folder that does not exist stops sync with exit 2 before it creates
// anything, the message naming what is missing.
func TestSyncInputsCheckedFirst(t *testing.T) {
	in := copyFiles(t, "en16931--Invoice-Min_content_with_VAT.xml")
	for _, c := range []struct {
		name    string
		args    func(dir string) []string
		message func(dir string) string
	}{
		{"mapping", func(dir string) []string {
			return []string{"-ledger", "hledger:" + dir + "/books.journal", "-mapping", dir + "/none.json"}
		}, func(dir string) string { return "open " + dir + "/none.json: no such file or directory" }},
		{"journal folder", func(dir string) []string {
			return []string{"-ledger", "hledger:" + dir + "/none/books.journal"}
		}, func(dir string) string {
			return "-ledger hledger:" + dir + "/none/books.journal: the folder " + dir + "/none does not exist"
		}},
		{"state folder", func(dir string) []string {
			return []string{"-ledger", "hledger:" + dir + "/books.journal", "-state", dir + "/none/books.state"}
		}, func(dir string) string {
			return "-state " + dir + "/none/books.state: the folder " + dir + "/none does not exist"
		}},
		{"journal is a folder", func(dir string) []string {
			require.NoError(t, os.Mkdir(dir+"/books.journal", 0o755))
			return []string{"-ledger", "hledger:" + dir + "/books.journal"}
		}, func(dir string) string {
			return "-ledger hledger:" + dir + "/books.journal: " + dir + "/books.journal is a folder, not a file"
		}},
		{"state is not SQLite", func(dir string) []string {
			require.NoError(t, os.WriteFile(dir+"/books.state", []byte("not a database\n"), 0o644))
			return []string{"-ledger", "hledger:" + dir + "/books.journal", "-state", dir + "/books.state"}
		}, func(dir string) string {
			return "-state " + dir + "/books.state: not an SQLite database"
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"sync"}, c.args(dir)...)
			before := snapshot(t, dir)
			status, out, errOut := runCmd(append(args, in)...)
			require.Equal(t, exitUsage, status, errOut)
			require.Empty(t, out)
			require.Contains(t, errOut, c.message(dir))
			require.Equal(t, before, snapshot(t, dir))
		})
	}
}

// TestVerifyRepostInputsCheckedFirst: verify -repost with a state file that
// does not exist, or a PATH that does not exist, leaves the journal as it
// was (it would otherwise declare the chart of the invoices read first).
func TestVerifyRepostInputsCheckedFirst(t *testing.T) {
	first := copyFiles(t, "en16931--Invoice-Min_content_with_VAT.xml")
	second := copyFiles(t, "xrechnung--01.21a-INVOICE_ubl.xml", "gobl--no-invoice-no-multi-rate.json")
	dir := t.TempDir()
	journal := filepath.Join(dir, "books")
	status, _, errOut := runCmd("sync", "-ledger", "hledger:"+journal, first)
	require.Equal(t, exitOK, status, errOut)
	before := snapshot(t, dir)

	status, _, errOut = runCmd("verify", "-ledger", "hledger:"+journal, "-state", dir+"/none.state", "-repost", second)
	require.Equal(t, exitUsage, status, errOut)
	require.Contains(t, errOut, "-state "+dir+"/none.state: stat "+dir+"/none.state: no such file or directory")
	require.Equal(t, before, snapshot(t, dir))

	status, _, errOut = runCmd("verify", "-ledger", "hledger:"+journal, "-repost", second, "/does/not/exist")
	require.Equal(t, exitFiles, status, errOut)
	require.Contains(t, errOut, "invoicesync verify: PATH /does/not/exist: open /does/not/exist: no such file or directory")
	require.True(t, strings.Contains(errOut, "nothing was written"), errOut)
	require.Equal(t, before, snapshot(t, dir))
}
