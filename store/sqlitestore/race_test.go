package sqlitestore_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/store/sqlitestore"
)

// The helper process: TestHelperProcess does the work of one child of
// TestTwoProcessesOpen when the test binary is run again with these
// variables set.
const (
	helperEnv      = "INVOICESYNC_SQLITESTORE_HELPER" // set: this process is a child
	helperPathEnv  = "INVOICESYNC_SQLITESTORE_PATH"
	helperChildEnv = "INVOICESYNC_SQLITESTORE_CHILD"
	// childPrefix starts each line a child prints for the parent; the test
	// framework's own lines (PASS) do not have it.
	childPrefix = "child: "
)

// raceTrials is the number of trials of TestTwoProcessesOpen:
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

// TestHelperProcess is not a test: it is the child process of
// TestTwoProcessesOpen. It prints "ready", waits for a line on its standard
// input so that both children start together, opens the database and puts
// one state, then prints "ok", or "error: ..." when something failed. Its
// lines start with childPrefix.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("the child process of TestTwoProcessesOpen")
	}
	say := func(format string, args ...any) { fmt.Printf(childPrefix+format+"\n", args...) }
	say("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		say("error: waiting for the start: %v", err)
		return
	}
	ctx := context.Background()
	db, err := sqlitestore.Open(ctx, os.Getenv(helperPathEnv))
	if err != nil {
		say("error: %v", err)
		return
	}
	err = db.Store("race").Put(ctx, invoicesync.State{InvoiceID: "inv-" + os.Getenv(helperChildEnv), Status: invoicesync.StatePending})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		say("error: %v", err)
		return
	}
	say("ok")
}

// startChild starts a child process and waits for it to say it is ready.
func startChild(t *testing.T, extraEnv ...string) (*exec.Cmd, io.WriteCloser, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	// Without the race detector's one-second pause at exit.
	cmd.Env = append(os.Environ(), "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0", helperEnv+"=1")
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	pipe, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	out := bufio.NewReader(pipe)
	line, err := out.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, childPrefix+"ready\n", line)
	return cmd, in, out
}

// TestTwoProcessesOpen starts two processes at once, each opening the same
// new database file and putting a state. Both must succeed, and the file
// must hold the schema migrated once and both states.
// INVOICESYNC_RACE_TRIALS sets the number of trials (30 by default).
func TestTwoProcessesOpen(t *testing.T) {
	if os.Getenv(helperEnv) != "" {
		t.Skip("in a child process")
	}
	trials := raceTrials(t, 30)
	start := time.Now()
	failed := 0
	var failures []string
	for trial := range trials {
		path := filepath.Join(t.TempDir(), "state.db")
		cmds := make([]*exec.Cmd, 2)
		ins := make([]io.WriteCloser, 2)
		outs := make([]*bufio.Reader, 2)
		for i := range cmds {
			cmds[i], ins[i], outs[i] = startChild(t, helperPathEnv+"="+path, helperChildEnv+"="+strconv.Itoa(i))
		}
		for _, in := range ins {
			_, err := io.WriteString(in, "go\n")
			require.NoError(t, err)
		}
		ok := 0
		for i, out := range outs {
			var lines []string
			for {
				line, err := out.ReadString('\n')
				if text, found := strings.CutPrefix(line, childPrefix); found {
					lines = append(lines, strings.TrimSuffix(text, "\n"))
				}
				if err != nil {
					break
				}
			}
			require.NoError(t, cmds[i].Wait(), "child %d printed %q", i, lines)
			if len(lines) == 1 && lines[0] == "ok" {
				ok++
				continue
			}
			require.Len(t, lines, 1, "child %d", i)
			require.True(t, strings.HasPrefix(lines[0], "error: "), "child %d printed %q", i, lines)
			failures = append(failures, fmt.Sprintf("trial %d: %s", trial, lines[0]))
		}
		if ok < 2 {
			failed++
		}
		if ok == 0 {
			continue
		}
		raw := rawDB(t, path)
		var migrations, states int
		require.NoError(t, raw.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&migrations))
		require.NoError(t, raw.QueryRow(`SELECT COUNT(*) FROM states`).Scan(&states))
		require.NoError(t, raw.Close())
		require.Equal(t, 1, migrations, "trial %d: the migration is recorded once", trial)
		require.Equal(t, ok, states, "trial %d: one state per process that opened the file", trial)
	}
	t.Logf("%d trials in %v: %d with a failed Open", trials, time.Since(start).Round(time.Millisecond), failed)
	if failed > 0 {
		t.Errorf("%d of %d trials had a process fail:\n%s", failed, trials, strings.Join(failures, "\n"))
	}
}
