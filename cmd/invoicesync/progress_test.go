package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// fakeClock returns a clock that reads the times given, one per call, and
// fails the test when read once more.
func fakeClock(t *testing.T, times ...time.Duration) func() time.Time {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		t.Helper()
		require.NotEmpty(t, times, "the clock was read more often than expected")
		d := times[0]
		times = times[1:]
		return t0.Add(d)
	}
}

var (
	outPosted    = invoicesync.Outcome{Status: invoicesync.StateSynchronized, Action: invoicesync.ActionPosted}
	outUnchanged = invoicesync.Outcome{Status: invoicesync.StateSynchronized, Action: invoicesync.ActionUnchanged}
	outFailed    = invoicesync.Outcome{Status: invoicesync.StateError, Code: invoicesync.CodeDuplicate}
	outWaiting   = invoicesync.Outcome{Status: invoicesync.StateWaiting}
)

// TestProgressLive: in a terminal, the line is rewritten at most every
// 100 ms, and always for the last invoice; a shorter line blanks out the
// end of the longer one; the summary line replaces it and ends the line.
// The total is 5 files, of which two are identical: 4 invoices.
func TestProgressLive(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		name     string
		clock    []time.Duration // the times the clock reads, one per call
		total    int             // files
		outcomes []invoicesync.Outcome
		ok       bool // the run succeeded: the summary is written
		want     string
	}{
		{
			name: "drawn at most every 100 ms, summary at the end",
			clock: []time.Duration{
				0,                       // start: drawn
				500 * ms,                // 1st: drawn, 2.0/s, 4 left: ETA 2s
				550 * ms,                // 2nd: 50 ms later, not drawn
				2000 * ms,               // 3rd: drawn, 1.5/s, 2 left: ETA 1.333 s
				2050 * ms,               // 4th: not drawn (the total is 5)
				12*time.Second + 340*ms, // finish
			},
			total:    5,
			outcomes: []invoicesync.Outcome{outPosted, outFailed, outPosted, outWaiting},
			ok:       true,
			want: "\r0/5 invoices, 0 posted, 0 errors" +
				"\r1/5 invoices, 1 posted, 0 errors, 2.0/s, ETA 2s" +
				"\r3/5 invoices, 2 posted, 1 errors, 1.5/s, ETA 1s" +
				"\rinvoicesync sync: 4 invoices in 12.3s (0.3/s): 2 posted, 1 errors\n",
		},
		{
			// The last invoice is drawn at once, without ETA; a shorter line is
			// padded over the longer one before it.
			name:     "last invoice drawn at once, shorter line padded",
			clock:    []time.Duration{0, 200 * ms, 260 * ms, 1500 * ms},
			total:    2,
			outcomes: []invoicesync.Outcome{outUnchanged, outUnchanged},
			ok:       true,
			want: "\r0/2 invoices, 0 posted, 0 errors" +
				"\r1/2 invoices, 0 posted, 0 errors, 5.0/s, ETA 0s" +
				"\r2/2 invoices, 0 posted, 0 errors, 7.7/s        " +
				"\rinvoicesync sync: 2 invoices in 1.5s (1.3/s): 0 posted, 0 errors\n",
		},
		{
			// Without a summary (the run failed), the live line is only ended.
			name:  "failed run: the line is only ended",
			clock: []time.Duration{0},
			total: 3,
			want:  "\r0/3 invoices, 0 posted, 0 errors\n",
		},
		{
			// Earlier runs' invoices taken up again: the count goes on,
			// without total nor ETA.
			name:     "more invoices than files",
			clock:    []time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second},
			total:    1,
			outcomes: []invoicesync.Outcome{outPosted, outFailed},
			ok:       true,
			want: "\r0/1 invoices, 0 posted, 0 errors" +
				"\r1/1 invoices, 1 posted, 0 errors, 1.0/s" +
				"\r2 invoices, 1 posted, 1 errors, 1.0/s  " +
				"\rinvoicesync sync: 2 invoices in 3s (0.7/s): 1 posted, 1 errors\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var w bytes.Buffer
			p := &progress{cmd: "sync", w: &w, live: true, now: fakeClock(t, tc.clock...)}
			p.start(tc.total)
			for _, o := range tc.outcomes {
				p.outcome(o)
			}
			p.finish(tc.ok)
			require.Equal(t, tc.want, w.String())
		})
	}
}

// TestProgressNotLive: when stderr is not a terminal, nothing is written
// during the run (the clock is not even read), and one summary line at its
// end; none when the run failed. A nil progress (-q) writes nothing.
func TestProgressNotLive(t *testing.T) {
	var w bytes.Buffer
	p := &progress{cmd: "sync", w: &w, now: fakeClock(t, 0, 1234*time.Millisecond)}
	p.start(1000)
	for range 830 {
		p.outcome(outPosted)
	}
	for range 2 {
		p.outcome(outFailed)
	}
	require.Empty(t, w.String())
	p.finish(true)
	require.Equal(t, "invoicesync sync: 832 invoices in 1.2s (674/s): 830 posted, 2 errors\n", w.String())

	w.Reset()
	p = &progress{cmd: "sync", w: &w, now: fakeClock(t, 0)}
	p.start(3)
	p.finish(false)
	require.Empty(t, w.String())

	var quiet *progress
	require.Nil(t, quiet.onOutcome())
	quiet.start(3)
	quiet.finish(true)
}

// TestIsTerminal: a buffer and a regular file are not terminals.
func TestIsTerminal(t *testing.T) {
	require.False(t, isTerminal(&bytes.Buffer{}))
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	require.NoError(t, err)
	defer f.Close()
	require.False(t, isTerminal(f))
}

// TestSyncProgressOnStderr: with stderr not a terminal, sync writes one
// summary line on stderr, the file named twice counted once; with -q,
// nothing. Stdout is the same either way.
func TestSyncProgressOnStderr(t *testing.T) {
	defer func(now func() time.Time) { progressNow = now }(progressNow)
	dir := copyFiles(t, "en16931--Invoice-Min_content_with_VAT.xml", "xrechnung--01.21a-INVOICE_ubl.xml")
	twice := filepath.Join(dir, "xrechnung--01.21a-INVOICE_ubl.xml")

	journal := filepath.Join(t.TempDir(), "books.journal")
	progressNow = fakeClock(t, 0, 1500*time.Millisecond)
	status, out, errOut := runCmd("sync", "-ledger", "hledger:"+journal, dir, twice)
	require.Equal(t, exitOK, status, errOut)
	require.Equal(t, "invoicesync sync: 2 invoices in 1.5s (1.3/s): 2 posted, 0 errors\n", errOut)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 3, out)
	require.Equal(t, "2 invoices: 2 synchronized (2 posted), 0 errors, 0 waiting, 0 skipped; journal "+journal, lines[2])

	quietJournal := filepath.Join(t.TempDir(), "books.journal")
	progressNow = fakeClock(t) // never read
	status, quietOut, errOut := runCmd("sync", "-q", "-ledger", "hledger:"+quietJournal, dir, twice)
	require.Equal(t, exitOK, status, errOut)
	require.Empty(t, errOut)
	require.Equal(t, out, strings.Replace(quietOut, quietJournal, journal, 1))

	status, help, _ := runCmd("sync", "-h")
	require.Equal(t, exitOK, status)
	require.Contains(t, help, "\n  -q\n        quiet: no progress and no summary line on stderr.")

	// -q leaves the errors that stop the command.
	status, _, errOut = runCmd("sync", "-q", "-ledger", "hledger:"+quietJournal, filepath.Join(dir, "missing.xml"))
	require.Equal(t, exitFiles, status)
	require.Contains(t, errOut, "invoicesync sync: PATH "+filepath.Join(dir, "missing.xml")+": ")
}
