package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync/connector/plaintext"
	"github.com/invoicesync/invoicesync/internal/tooltest"
)

// -version and version print the module path, "(devel)" (a test binary
// has no module version) and the Go version.
func TestVersion(t *testing.T) {
	want := "invoicesync github.com/invoicesync/invoicesync (devel) " + runtime.Version() + "\n"
	for _, arg := range []string{"-version", "--version", "version"} {
		status, out, errOut := runCmd(arg)
		require.Equal(t, exitOK, status, errOut)
		require.Equal(t, want, out, arg)
	}
	status, out, _ := runCmd("-h")
	require.Equal(t, exitOK, status)
	require.Contains(t, out, "invoicesync -version")
}

// A flag written after the PATHs would be read as a PATH: it is refused,
// exit status 2, nothing written; after "--" it is a PATH.
func TestFlagsAfterPaths(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "books.journal")
	one := filepath.Join(einvoices, "en16931--Invoice-Min_content_with_VAT.xml")
	for _, args := range [][]string{
		{"sync", one, "-ledger", "hledger:" + journal},
		{"sync", "-ledger", "hledger:" + journal, one, "-state", filepath.Join(dir, "s")},
		{"preview", one, "-direction", "purchase"},
		{"verify", "-ledger", "hledger:" + journal, "-repost", one, "-mapping", "m.json"},
	} {
		status, out, errOut := runCmd(args...)
		require.Equal(t, exitUsage, status, args)
		require.Empty(t, out, args)
		flagArg := args[len(args)-2]
		require.Contains(t, errOut, "invoicesync "+args[0]+": "+flagArg+" after the PATHs: options go before the PATHs", args)
		require.Contains(t, errOut, `(run "invoicesync `+args[0]+` -h" for help)`, args)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries, "nothing written")

	// After "--", "-direction" is a PATH, which does not exist.
	status, _, errOut := runCmd("preview", "--", one, "-direction")
	require.Equal(t, exitFiles, status)
	require.Contains(t, errOut, "-direction: no such file")
}

// A folder PATH without any e-invoice file is refused, exit status 1, with
// nothing created.
func TestFolderWithoutInvoices(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.Mkdir(empty, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(empty, "readme.txt"), []byte("hello"), 0o644))
	journal := filepath.Join(dir, "books.journal")
	want := "no e-invoice file (.xml, .json, .pdf) in " + empty

	status, out, errOut := runCmd("sync", "-ledger", "hledger:"+journal, empty)
	require.Equal(t, exitFiles, status, errOut)
	require.Empty(t, out)
	require.Contains(t, errOut, "invoicesync sync: "+want+"\nnothing was written")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the folder: no journal, no state")

	status, out, errOut = runCmd("preview", empty)
	require.Equal(t, exitFiles, status)
	require.Empty(t, out)
	require.Equal(t, "invoicesync preview: "+want+"\n", errOut)

	// Another PATH holding invoices does not make the empty one right.
	status, _, errOut = runCmd("sync", "-ledger", "hledger:"+journal, empty, filepath.Join(einvoices, "en16931--Invoice-Min_content_with_VAT.xml"))
	require.Equal(t, exitFiles, status)
	require.Contains(t, errOut, want)
	_, err = os.Stat(journal)
	require.ErrorIs(t, err, os.ErrNotExist)

	for _, cmd := range []string{"sync", "preview", "verify"} {
		_, help, _ := runCmd(cmd, "-h")
		require.Contains(t, strings.Join(strings.Fields(help), " "), "without e-invoice", cmd)
	}
}

// summaryRE reads sync's summary line.
var summaryRE = regexp.MustCompile(`(?m)^(\d+) invoices: (\d+) synchronized \((\d+) posted\), 0 errors, 0 waiting, 0 skipped; journal `)

// TestSyncInterrupted runs the built command on 600 invoices, sends it
// SIGINT once the journal holds its first entry, and checks that it stops
// cleanly: exit status 130, the summary of what it did, a journal hledger
// accepts holding exactly the entries the summary counts. A second run
// posts the rest: every invoice once, no idempotency key twice.
func TestSyncInterrupted(t *testing.T) {
	const n = 600
	done := startCutSync(t, "SIGINT", n)
	bin, in, journal, stdout, stderr := done.bin, done.in, done.journal, done.stdout, done.stderr
	require.NoError(t, done.cmd.Process.Signal(os.Interrupt))
	err := <-done.err
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "%v\n%s", err, stderr.String())
	require.Equal(t, exitInterrupted, exit.ExitCode(), stderr.String())
	ws, ok := exit.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.False(t, ws.Signaled(), "the command exits, the signal does not kill it")
	require.Contains(t, stderr.String(), "invoicesync sync: interrupted: stopped after the ")
	require.Contains(t, stderr.String(), "run sync again to post the rest")

	m := summaryRE.FindStringSubmatch(stdout.String())
	require.NotNil(t, m, stdout.String())
	require.Equal(t, m[1], m[2], "every invoice handled is synchronized")
	require.Equal(t, m[1], m[3], "every invoice handled is posted")
	posted, _ := strconv.Atoi(m[3])
	require.Greater(t, posted, 0)
	require.Less(t, posted, n, "interrupted before the end")
	t.Logf("interrupted after %d invoices", posted)
	require.Len(t, strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n"), posted+1, "a line per invoice, then the summary")

	tooltest.Check(t, "hledger", journal)
	file, err := plaintext.ReadFile(journal, plaintext.Hledger)
	require.NoError(t, err)
	require.Len(t, file.Entries, posted, "the journal holds what the summary counts")

	// The second run posts the rest, and nothing twice.
	m = rerunAll(t, bin, in, journal, n)
	require.Equal(t, strconv.Itoa(n-posted), m[2])
}

// TestSyncKilled kills the built command (SIGKILL: nothing runs after it)
// while it posts 600 invoices in batches, once the journal holds its first
// entry. The next run finds every entry the journal has (by the intents
// stored before each batch was posted, or by key), posts only the others,
// and the journal holds every invoice once.
func TestSyncKilled(t *testing.T) {
	const n = 600
	done := startCutSync(t, "SIGKILL", n)
	bin, in, journal := done.bin, done.in, done.journal
	require.NoError(t, done.cmd.Process.Kill())
	<-done.err

	// An entry cut short by the kill is dropped when the journal is opened.
	l, err := plaintext.Open(journal, &plaintext.Options{Format: plaintext.Hledger})
	require.NoError(t, err)
	require.NoError(t, l.Close())
	file, err := plaintext.ReadFile(journal, plaintext.Hledger)
	require.NoError(t, err)
	before := len(file.Entries)
	require.Greater(t, before, 0)
	require.Less(t, before, n, "killed before the end")
	t.Logf("killed after %d entries", before)

	m := rerunAll(t, bin, in, journal, n)
	require.Equal(t, strconv.Itoa(n-before), m[2], "only the entries the journal lacked are posted")
}

// cutInvoices builds the command and writes n invoices CUT-0001… into a
// new folder; it returns the command, the folder and a journal path.
func cutInvoices(t *testing.T, n int) (bin, in, journal string) {
	t.Helper()
	bin = filepath.Join(t.TempDir(), "invoicesync")
	build := exec.Command("go", "build", "-buildvcs=false", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	// The built command has the same -version as the tests.
	out, err = exec.Command(bin, "-version").Output()
	require.NoError(t, err)
	require.Equal(t, "invoicesync github.com/invoicesync/invoicesync (devel) "+runtime.Version()+"\n", string(out))

	src, err := os.ReadFile(filepath.Join(einvoices, "en16931--Invoice-Min_content_with_VAT.xml"))
	require.NoError(t, err)
	require.Equal(t, 1, bytes.Count(src, []byte("<cbc:ID>2018-112</cbc:ID>")))
	dir := t.TempDir()
	in = filepath.Join(dir, "in")
	require.NoError(t, os.Mkdir(in, 0o755))
	for i := 1; i <= n; i++ {
		doc := bytes.Replace(src, []byte("<cbc:ID>2018-112</cbc:ID>"), fmt.Appendf(nil, "<cbc:ID>CUT-%04d</cbc:ID>", i), 1)
		require.NoError(t, os.WriteFile(filepath.Join(in, fmt.Sprintf("inv-%04d.xml", i)), doc, 0o644))
	}
	return bin, in, filepath.Join(dir, "books.journal")
}

// running is a started command and its end.
type running struct {
	cmd *exec.Cmd
	err chan error
}

// cutSync is a sync of cut invoices under way: see startCutSync.
type cutSync struct {
	bin, in, journal string
	stdout, stderr   *bytes.Buffer
	running
}

// startCutSync skips the test on Windows, where signal cannot be sent to a
// process; else it builds the command, writes n invoices (cutInvoices),
// starts their sync and returns once the journal holds an invoice's entry.
func startCutSync(t *testing.T, signal string, n int) cutSync {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip(signal + " cannot be sent to a process on Windows")
	}
	s := cutSync{stdout: new(bytes.Buffer), stderr: new(bytes.Buffer)}
	s.bin, s.in, s.journal = cutInvoices(t, n)
	s.running = startUntilFirstEntry(t, s.bin, s.in, s.journal, s.stdout, s.stderr)
	return s
}

// startUntilFirstEntry starts a sync of in into journal and returns once
// the journal holds an invoice's entry.
func startUntilFirstEntry(t *testing.T, bin, in, journal string, stdout, stderr *bytes.Buffer) running {
	t.Helper()
	cmd := exec.Command(bin, "sync", "-ledger", "hledger:"+journal, in)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		data, _ := os.ReadFile(journal)
		if bytes.Contains(data, []byte("CUT-")) {
			return running{cmd, done}
		}
		select {
		case err := <-done:
			t.Fatalf("sync ended before its first entry: %v\n%s%s", err, stdout.String(), stderr.String())
		default:
		}
		require.True(t, time.Now().Before(deadline), "no entry after 60 s")
		time.Sleep(time.Millisecond)
	}
}

// rerunAll runs sync again over the n invoices of in and checks that it
// ends with every invoice synchronized and the journal holding each once,
// hledger agreeing. It returns the summary's figures (invoices,
// synchronized, posted).
func rerunAll(t *testing.T, bin, in, journal string, n int) []string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "sync", "-ledger", "hledger:"+journal, in)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), stderr.String())
	m := summaryRE.FindStringSubmatch(stdout.String())
	require.NotNil(t, m, stdout.String())
	require.Equal(t, []string{strconv.Itoa(n), strconv.Itoa(n)}, m[1:3])

	tooltest.Check(t, "hledger", journal)
	file, err := plaintext.ReadFile(journal, plaintext.Hledger)
	require.NoError(t, err)
	require.Len(t, file.Entries, n)
	keys, numbers := map[string]bool{}, map[string]bool{}
	for _, e := range file.Entries {
		require.NoError(t, e.Entry.Check(), e.Ref.ID)
		require.False(t, keys[e.Entry.IdempotencyKey], "key %s twice", e.Entry.IdempotencyKey)
		require.False(t, numbers[e.Entry.Reference], "invoice %s twice", e.Entry.Reference)
		keys[e.Entry.IdempotencyKey], numbers[e.Entry.Reference] = true, true
	}
	require.True(t, numbers["CUT-0001"])
	require.True(t, numbers[fmt.Sprintf("CUT-%04d", n)])
	return m[1:]
}
