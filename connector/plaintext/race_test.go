//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package plaintext_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/plaintext"
)

// The helper process: TestHelperProcess does the work of one child of
// TestTwoProcessesCreate when the test binary is run again with these
// variables set.
const (
	helperEnv       = "INVOICESYNC_PLAINTEXT_HELPER" // set: this process is a child
	helperPathEnv   = "INVOICESYNC_PLAINTEXT_PATH"
	helperFormatEnv = "INVOICESYNC_PLAINTEXT_FORMAT"
	helperChildEnv  = "INVOICESYNC_PLAINTEXT_CHILD"
	// childPrefix starts each line a child prints for the parent; the
	// test framework's own lines (PASS) do not have it.
	childPrefix = "child: "
	// entriesPerChild is how many entries each child posts.
	entriesPerChild = 3
)

// raceTrials is the number of trials of each case of TestTwoProcessesCreate:
// INVOICESYNC_RACE_TRIALS, or def when it is not set.
func raceTrials(t *testing.T, def int) int {
	t.Helper()
	s := os.Getenv("INVOICESYNC_RACE_TRIALS")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		t.Fatalf("INVOICESYNC_RACE_TRIALS=%q: a positive number is needed", s)
	}
	return n
}

// childEnv is the environment of a child process: the parent's, without the
// race detector's one-second pause at exit (which would make the trials
// slow), and with extra.
func childEnv(extra ...string) []string {
	env := append(os.Environ(), "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0")
	return append(env, extra...)
}

// TestHelperProcess is not a test: it is the child process of
// TestTwoProcessesCreate. It prints its lines after childPrefix. It says "ready", waits for a line on its standard
// input so that both children start together, opens the journal, creating it
// with the fixture chart, and posts entriesPerChild entries, printing
// "posted KEY" once each has been posted, then "closed". A child whose Open
// finds the file locked by the other prints "locked"; any other failure
// prints "error: ...".
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("the child process of TestTwoProcessesCreate")
	}
	out := bufio.NewWriter(os.Stdout)
	say := func(format string, args ...any) {
		fmt.Fprintf(out, childPrefix+format+"\n", args...)
		out.Flush()
	}
	path, format, child := os.Getenv(helperPathEnv), plaintext.Format(os.Getenv(helperFormatEnv)), os.Getenv(helperChildEnv)
	say("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		say("error: waiting for the start: %v", err)
		return
	}
	l, err := plaintext.Open(path, &plaintext.Options{Format: format, Chart: fixtureChart()})
	if errors.Is(err, plaintext.ErrLocked) {
		say("locked")
		return
	}
	if err != nil {
		say("error: %v", err)
		return
	}
	ctx := context.Background()
	for i := 1; i <= entriesPerChild; i++ {
		key := fmt.Sprintf("c%s-k%d", child, i)
		e := sale(key, fmt.Sprintf("F-%s-%d", child, i), "EUR", invoicesync.PartnerRef{})
		e.Lines[0].Partner = nil
		e.Label = "Sale " + e.Reference
		if _, err := l.PostEntry(ctx, e); err != nil {
			say("error: %v", err)
			l.Close()
			return
		}
		say("posted %s", key)
	}
	if err := l.Close(); err != nil {
		say("error: %v", err)
		return
	}
	say("closed")
}

// child is one running child process of TestTwoProcessesCreate.
type child struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   *bufio.Reader
	lines []string // what it printed after "ready", without childPrefix
}

func startChild(t *testing.T, extraEnv ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = childEnv(append([]string{helperEnv + "=1"}, extraEnv...)...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, in: in, out: bufio.NewReader(out)}
	if line, err := c.out.ReadString('\n'); err != nil || line != childPrefix+"ready\n" {
		t.Fatalf("child: %q, %v instead of ready", line, err)
	}
	return c
}

// finish reads what c prints until it exits.
func (c *child) finish(t *testing.T) {
	t.Helper()
	for {
		line, err := c.out.ReadString('\n')
		if text, ok := strings.CutPrefix(line, childPrefix); ok {
			c.lines = append(c.lines, strings.TrimSuffix(text, "\n"))
		}
		if err != nil {
			break
		}
	}
	if err := c.cmd.Wait(); err != nil {
		t.Fatalf("child: %v; it printed %q", err, c.lines)
	}
}

// TestTwoProcessesCreate starts two processes at once, each opening the same
// new journal with a chart and posting entries with keys of its own. Every
// entry a process was told was posted must be in the file, which holds
// nothing else, numbered E1, E2, ... in the order written; a process that
// could not open the file must have been told it is locked; and the real
// tools must accept the file. The path names no file at first, or an empty
// one (which Open replaces). INVOICESYNC_RACE_TRIALS sets the number of
// trials of each (15 by default).
func TestTwoProcessesCreate(t *testing.T) {
	if os.Getenv(helperEnv) != "" {
		t.Skip("in a child process")
	}
	trials := raceTrials(t, 15)
	for _, f := range formats {
		for _, empty := range []bool{false, true} {
			name := string(f) + "/new"
			if empty {
				name = string(f) + "/empty"
			}
			t.Run(name, func(t *testing.T) { twoProcessesCreate(t, f, empty, trials) })
		}
	}
}

// twoProcessesCreate runs trials of TestTwoProcessesCreate in format f, on a
// path that names no file, or (empty) an empty file.
func twoProcessesCreate(t *testing.T, f plaintext.Format, empty bool, trials int) {
	start := time.Now()
	var lostTrials, lost, locked, both int
	for trial := range trials {
		path := filepath.Join(t.TempDir(), "books")
		if empty {
			if err := os.WriteFile(path, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		env := []string{helperPathEnv + "=" + path, helperFormatEnv + "=" + string(f)}
		a := startChild(t, slices.Concat(env, []string{helperChildEnv + "=a"})...)
		b := startChild(t, slices.Concat(env, []string{helperChildEnv + "=b"})...)
		for _, c := range []*child{a, b} {
			if _, err := io.WriteString(c.in, "go\n"); err != nil {
				t.Fatal(err)
			}
		}
		a.finish(t)
		b.finish(t)

		var posted []string
		opened := 0
		for _, c := range []*child{a, b} {
			switch {
			case slices.Equal(c.lines, []string{"locked"}):
				locked++
			case len(c.lines) == entriesPerChild+1 && c.lines[entriesPerChild] == "closed":
				opened++
				for _, line := range c.lines[:entriesPerChild] {
					key, ok := strings.CutPrefix(line, "posted ")
					if !ok {
						t.Fatalf("trial %d: a child printed %q", trial, c.lines)
					}
					posted = append(posted, key)
				}
			default:
				t.Fatalf("trial %d: a child printed %q", trial, c.lines)
			}
		}
		if opened == 0 {
			t.Fatalf("trial %d: neither child could open the file", trial)
		}
		if opened == 2 {
			both++
		}
		file, err := plaintext.ReadFile(path, f)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		var keys, ids, wantIDs []string
		for i, e := range file.Entries {
			keys = append(keys, e.Entry.IdempotencyKey)
			ids = append(ids, e.Ref.ID)
			wantIDs = append(wantIDs, "E"+strconv.Itoa(i+1))
		}
		missing := 0
		for _, k := range posted {
			if !slices.Contains(keys, k) {
				missing++
			}
		}
		if missing > 0 {
			lostTrials++
			lost += missing
			continue
		}
		slices.Sort(posted)
		sorted := slices.Sorted(slices.Values(keys))
		if !slices.Equal(sorted, posted) || !slices.Equal(ids, wantIDs) {
			t.Fatalf("trial %d: the file holds keys %q with ids %q; want the keys posted %q with ids %q", trial, keys, ids, posted, wantIDs)
		}
		plaintext.CheckWithTool(t, f, path)
	}
	t.Logf("%d trials in %v: both processes opened the file in %d, one found it locked in %d; %d trials lost %d entries",
		trials, time.Since(start).Round(time.Millisecond), both, locked, lostTrials, lost)
	if lostTrials > 0 {
		t.Errorf("%d of %d trials lost entries a process was told were posted: %d entries in all", lostTrials, trials, lost)
	}
}

// TestConcurrentCreateInProcess has goroutines open the same new (or empty)
// journal at once, each through a file descriptor of its own, so that they
// contend for the lock as processes do; with hard links, and without them
// (as on file systems that have none, where Open first puts an empty file
// at the path and replaces it). Every entry a goroutine was told was posted
// must be in the file, which holds nothing else; an Open that fails must
// fail because the file is locked; and no temporary file may be left
// behind.
func TestConcurrentCreateInProcess(t *testing.T) {
	const goroutines, trials = 3, 100
	ctx := context.Background()
	for _, links := range []bool{true, false} {
		for _, empty := range []bool{false, true} {
			t.Run(fmt.Sprintf("links=%v/empty=%v", links, empty), func(t *testing.T) {
				if !links {
					defer plaintext.FailLinks()()
				}
				locked := 0
				for trial := range trials {
					dir := t.TempDir()
					path := filepath.Join(dir, "books.journal")
					if empty {
						if err := os.WriteFile(path, nil, 0o644); err != nil {
							t.Fatal(err)
						}
					}
					start := make(chan struct{})
					posted := make([][]string, goroutines)
					errs := make([]error, goroutines)
					done := make(chan struct{})
					for g := range goroutines {
						go func() {
							defer func() { done <- struct{}{} }()
							<-start
							l, err := plaintext.Open(path, &plaintext.Options{Chart: fixtureChart()})
							if err != nil {
								errs[g] = err
								return
							}
							defer l.Close()
							for i := 1; i <= 2; i++ {
								key := fmt.Sprintf("g%d-k%d", g, i)
								e := sale(key, fmt.Sprintf("F-%d-%d", g, i), "EUR", invoicesync.PartnerRef{})
								e.Lines[0].Partner = nil
								e.Label = "Sale " + e.Reference
								if _, err := l.PostEntry(ctx, e); err != nil {
									errs[g] = err
									return
								}
								posted[g] = append(posted[g], key)
							}
						}()
					}
					close(start)
					for range goroutines {
						<-done
					}
					var want []string
					opened := 0
					for g, err := range errs {
						switch {
						case errors.Is(err, plaintext.ErrLocked):
							locked++
						case err != nil:
							t.Fatalf("trial %d, goroutine %d: %v", trial, g, err)
						default:
							opened++
						}
						want = append(want, posted[g]...)
					}
					if opened == 0 {
						t.Fatalf("trial %d: no goroutine could open the file", trial)
					}
					file, err := plaintext.ReadFile(path, "")
					if err != nil {
						t.Fatalf("trial %d: %v", trial, err)
					}
					var keys []string
					for _, e := range file.Entries {
						keys = append(keys, e.Entry.IdempotencyKey)
					}
					slices.Sort(keys)
					slices.Sort(want)
					if !slices.Equal(keys, want) {
						t.Fatalf("trial %d: the file holds keys %q, want %q", trial, keys, want)
					}
					entries, err := os.ReadDir(dir)
					if err != nil {
						t.Fatal(err)
					}
					if len(entries) != 1 || entries[0].Name() != "books.journal" {
						t.Fatalf("trial %d: the directory holds %v, want the journal alone", trial, entries)
					}
					if trial == trials-1 {
						plaintext.CheckWithTool(t, plaintext.Hledger, path)
					}
				}
				t.Logf("%d trials of %d goroutines: %d Opens found the file locked", trials, goroutines, locked)
			})
		}
	}
}

// TestOpenInterleaved runs a second Open (B) at the exact points where a
// first one (A) is most exposed, and checks that no entry B posts is lost
// and that the Open that cannot have the file is told it is locked:
//   - A opened the empty file at the path but has not locked it yet; B
//     replaces it with the journal and posts. A must find that the path no
//     longer names the file it opened, start over, and find B's journal locked.
//   - A prepared a new journal for a path that named no file, but has not
//     given it its name yet; B creates the journal and posts. A must not
//     replace it, and must find it locked.
//   - A locked the empty file at the path and prepared its replacement; B
//     must find the empty file locked, and A's journal is the one kept.
func TestOpenInterleaved(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		empty  bool   // the path names an empty file at first
		point  string // where A is when B runs
		aOpens bool   // A's Open succeeds and B's finds the file locked (else the other way round)
	}{
		{name: "empty file replaced before it is locked", empty: true, point: "opened"},
		{name: "journal created before the new one is linked", point: "prepared"},
		{name: "empty file opened while locked for its replacement", empty: true, point: "prepared", aOpens: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "books.journal")
			if tc.empty {
				if err := os.WriteFile(path, nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			post := func(l *plaintext.Ledger, key string) {
				e := sale(key, "F-"+key, "EUR", invoicesync.PartnerRef{})
				e.Lines[0].Partner = nil
				e.Label = "Sale " + e.Reference
				if _, err := l.PostEntry(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			var b *plaintext.Ledger
			var errB error
			fired := false
			restore := plaintext.SetTestHook(func(point string) {
				if fired || point != tc.point {
					return
				}
				fired = true
				b, errB = plaintext.Open(path, &plaintext.Options{Chart: fixtureChart()})
				if errB == nil {
					post(b, "b-k1")
				}
			})
			a, errA := plaintext.Open(path, &plaintext.Options{Chart: fixtureChart()})
			restore()
			if !fired {
				t.Fatalf("Open never reached point %q", tc.point)
			}
			want := "a-k1"
			if tc.aOpens {
				if errA != nil || !errors.Is(errB, plaintext.ErrLocked) {
					t.Fatalf("A: %v, B: %v; want A to open the file and B to find it locked", errA, errB)
				}
				post(a, "a-k1")
				if err := a.Close(); err != nil {
					t.Fatal(err)
				}
			} else {
				if errB != nil || !errors.Is(errA, plaintext.ErrLocked) {
					t.Fatalf("A: %v, B: %v; want B to open the file and A to find it locked", errA, errB)
				}
				if err := b.Close(); err != nil {
					t.Fatal(err)
				}
				want = "b-k1"
			}
			file, err := plaintext.ReadFile(path, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(file.Entries) != 1 || file.Entries[0].Entry.IdempotencyKey != want || file.Entries[0].Ref.ID != "E1" {
				t.Fatalf("the file holds %d entries (%+v); want one, E1, with key %s", len(file.Entries), file.Entries, want)
			}
			plaintext.CheckWithTool(t, plaintext.Hledger, path)
		})
	}
}
