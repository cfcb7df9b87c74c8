package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/invoicesync/invoicesync"
)

// progressEvery is the shortest time between two live lines: at most ten a
// second, however fast the invoices go.
const progressEvery = 100 * time.Millisecond

// progress shows on stderr how far a run is. When w is a terminal (live),
// a line is rewritten in place ("\r") as invoices are handled:
//
//	12/47 invoices, 10 posted, 2 errors, 8.0/s, ETA 4s
//
// then replaced by the summary line, which ends with a newline. Otherwise
// nothing is written during the run, and the summary line alone at its end:
//
//	invoicesync sync: 47 invoices in 1.2s (39/s): 31 posted, 16 errors
//
// Its outcome method is the Syncer's Config.OnOutcome: it may be called from
// several workers at once.
type progress struct {
	cmd   string           // the subcommand, for the summary line
	total int              // how many invoices are expected; 0: not known
	now   func() time.Time // the clock
	w     io.Writer        // stderr
	live  bool             // w is a terminal: the line is rewritten in place

	mu      sync.Mutex
	started time.Time // when the run began
	drawn   time.Time // when the live line was last written
	width   int       // the length of the live line on screen, to blank it out
	done    int       // invoices handled
	posted  int       // entries posted (again, for changed invoices)
	errors  int       // invoices in error
}

// progressNow is the clock of the progress display; tests replace it.
var progressNow = time.Now

// newProgress returns the progress of the subcommand cmd on stderr: live
// when stderr is a terminal, nil when quiet (a nil *progress shows nothing).
func newProgress(cmd string, stderr io.Writer, quiet bool) *progress {
	if quiet {
		return nil
	}
	return &progress{cmd: cmd, now: progressNow, w: stderr, live: isTerminal(stderr)}
}

// isTerminal reports whether w is a terminal (a character device), as
// stderr is when nobody redirected it. Anything else, a file, a pipe or a
// buffer, is not.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// onOutcome returns p's outcome method, or nil when p is nil, for
// Config.OnOutcome.
func (p *progress) onOutcome() func(invoicesync.Outcome) {
	if p == nil {
		return nil
	}
	return p.outcome
}

// start marks the beginning of the run, total invoices expected, and draws
// the first live line.
func (p *progress) start(total int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total = total
	p.started = p.now()
	if p.live {
		p.draw(p.started)
	}
}

// outcome counts one invoice handled, and redraws the live line when the
// last one is at least progressEvery old, or when the last invoice is done.
func (p *progress) outcome(o invoicesync.Outcome) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if o.Action == invoicesync.ActionPosted || o.Action == invoicesync.ActionReposted {
		p.posted++
	}
	if o.Status == invoicesync.StateError {
		p.errors++
	}
	if !p.live {
		return
	}
	if now := p.now(); now.Sub(p.drawn) >= progressEvery || p.done == p.total {
		p.draw(now)
	}
}

// draw rewrites the live line, blanking out what is left of a longer one.
func (p *progress) draw(now time.Time) {
	line := p.line(now)
	pad := max(p.width-len(line), 0)
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
	p.width, p.drawn = len(line), now
}

// line is the live line: invoices done out of the total, entries posted,
// errors, then the rate and the time left, once they can be told.
func (p *progress) line(now time.Time) string {
	var b strings.Builder
	if p.total > 0 && p.done <= p.total {
		fmt.Fprintf(&b, "%d/%d invoices", p.done, p.total)
	} else {
		// The total is not known, or invoices of earlier runs (waiting, or
		// in error) were taken up again beyond it.
		fmt.Fprintf(&b, "%d invoices", p.done)
	}
	fmt.Fprintf(&b, ", %d posted, %d errors", p.posted, p.errors)
	elapsed := now.Sub(p.started)
	if p.done == 0 || elapsed <= 0 {
		return b.String()
	}
	fmt.Fprintf(&b, ", %s", perSecond(p.done, elapsed))
	if left := p.total - p.done; left > 0 {
		eta := time.Duration(int64(elapsed) / int64(p.done) * int64(left))
		fmt.Fprintf(&b, ", ETA %s", eta.Round(time.Second))
	}
	return b.String()
}

// finish ends the display. With summary, it writes the summary line (over
// the live line, in a terminal): the invoices actually handled, which may
// be fewer than the total (identical files are one invoice; an interrupted
// run stops early). Without, it only ends the live line, so that an error
// message that follows starts a line of its own.
func (p *progress) finish(summary bool) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !summary {
		if p.live && p.width > 0 {
			fmt.Fprintln(p.w)
		}
		return
	}
	elapsed := p.now().Sub(p.started)
	line := fmt.Sprintf("invoicesync %s: %d invoices in %s", p.cmd, p.done, roundElapsed(elapsed))
	if p.done > 0 && elapsed > 0 {
		line += " (" + perSecond(p.done, elapsed) + ")"
	}
	line += fmt.Sprintf(": %d posted, %d errors", p.posted, p.errors)
	if p.live {
		line = "\r" + line + strings.Repeat(" ", max(p.width-len(line), 0))
	}
	fmt.Fprintln(p.w, line)
}

// perSecond is the rate of n invoices in elapsed: "39/s", or "2.5/s"
// below 10 a second.
func perSecond(n int, elapsed time.Duration) string {
	r := float64(n) / elapsed.Seconds()
	if r < 10 {
		return fmt.Sprintf("%.1f/s", r)
	}
	return fmt.Sprintf("%.0f/s", r)
}

// roundElapsed rounds a run's duration for the summary line: to the
// millisecond below a second, to the tenth of a second above.
func roundElapsed(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}
