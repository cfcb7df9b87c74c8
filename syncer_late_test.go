package invoicesync_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// testClock is a clock the test moves.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// A posting the ledger records after the client gave up is not posted
// again by a run that asks too early: within the target's commit window the
// invoice stays pending; once the entry shows, it is recovered (and, the
// invoice having changed meanwhile, reversed and posted anew).
func TestLateCommitIsNotPostedTwice(t *testing.T) {
	h := newHarness(t)
	h.cfg.OnChange = invoicesync.RepostChanges
	clk := &testClock{now: clock}
	h.cfg.Now = clk.Now
	h.ledger.SetCommitWindow(2 * time.Minute)
	h.source.Put(sale("inv-01", 1, "ACME"))
	h.ledger.Inject(memory.Fault{Method: memory.PostEntry, Kind: memory.FaultCommitLate})
	rep := h.run()
	o, _ := rep.Outcome("inv-01")
	require.Equal(t, invoicesync.StateError, o.Status)
	assert.ErrorIs(t, o.Err, memory.ErrTimedOut)
	assert.Equal(t, 0, h.ledger.Len())
	started := h.state("inv-01").Intent.At

	// Edited meanwhile; the next run comes a minute later: too early to trust FindEntry.
	h.source.Put(sale("inv-01", 2, "ACME"))
	clk.Add(time.Minute)
	rep = h.run()
	o, _ = rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.StatePending, o.Status)
	assert.True(t, o.Retryable)
	key := h.state("inv-01").Intent.Key
	assert.Equal(t, "the posting of entry "+key+" began at "+started.Format(time.RFC3339)+
		" and its outcome is not known yet: the ledger may still record it until "+started.Add(2*time.Minute).Format(time.RFC3339)+
		", so it is not posted again before then", o.Message)
	assert.Equal(t, 0, h.ledger.Calls(memory.PostEntry)-1, "nothing posted")

	h.ledger.CommitLate() // the server finishes the first request
	clk.Add(30 * time.Second)
	rep = h.run()
	o, _ = rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.StateSynchronized, o.Status)
	assert.Equal(t, invoicesync.ActionReposted, o.Action)
	assert.Equal(t, "240.00", accountNet(t, h.ledger, "F-inv-01", "411"))
	assert.Len(t, h.ledger.Entries(), 3, "the late entry, its reversal, the new version")
}

// Past the window, an entry FindEntry still does not see never will: the
// invoice is posted.
func TestLateCommitWindowOver(t *testing.T) {
	h := newHarness(t)
	clk := &testClock{now: clock}
	h.cfg.Now = clk.Now
	h.ledger.SetCommitWindow(2 * time.Minute)
	h.source.Put(sale("inv-01", 1, "ACME"))
	h.ledger.Inject(memory.Fault{Method: memory.PostEntry, Kind: memory.FaultCommitLate})
	h.run()
	clk.Add(2 * time.Minute)
	rep := h.run()
	o, _ := rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.StateSynchronized, o.Status)
	assert.Equal(t, invoicesync.ActionPosted, o.Action)
	h.requireExactlyOnce("inv-01")
}

// Without a window, the ledger's answer is trusted at once: this is what
// posts twice when the ledger records late, and why HTTP adapters declare one.
func TestLateCommitWithoutWindowPostsTwice(t *testing.T) {
	h := newHarness(t)
	h.source.Put(sale("inv-01", 1, "ACME"))
	h.ledger.Inject(memory.Fault{Method: memory.PostEntry, Kind: memory.FaultCommitLate})
	h.run()
	h.source.Put(sale("inv-01", 2, "ACME"))
	h.run()
	h.ledger.CommitLate()
	assert.Equal(t, "360.00", accountNet(t, h.ledger, "F-inv-01", "411"), "both versions are in the books")
}

// The intent records when the last attempt began: a retried posting stores
// it again before the retry.
func TestRetriedPostingMovesTheIntentTime(t *testing.T) {
	h := newHarness(t)
	clk := &testClock{now: clock}
	h.cfg.Now = func() time.Time { clk.Add(time.Second); return clk.Now() }
	h.cfg.MaxAttempts = 2
	h.ledger.SetCommitWindow(time.Hour)
	rec := &intentTimes{StateStore: h.store}
	h.store = rec
	h.source.Put(sale("inv-01", 1, "ACME"))
	h.ledger.Inject(memory.Fault{Method: memory.PostEntry, Kind: memory.FaultTemporary},
		memory.Fault{Method: memory.PostEntry, Call: 2, Kind: memory.FaultCommitLate})
	h.run()
	assert.Equal(t, 2, h.ledger.Calls(memory.PostEntry))
	require.Len(t, rec.at, 2, "the intent is stored before each attempt")
	assert.True(t, rec.at[1].After(rec.at[0]))
	assert.Equal(t, rec.at[1], h.state("inv-01").Intent.At)
}

// intentTimes records the time of every intent stored.
type intentTimes struct {
	invoicesync.StateStore
	mu sync.Mutex
	at []time.Time
}

func (s *intentTimes) Put(ctx context.Context, st invoicesync.State) error {
	if st.Intent != nil && st.Status == invoicesync.StatePending {
		s.mu.Lock()
		s.at = append(s.at, st.Intent.At)
		s.mu.Unlock()
	}
	return s.StateStore.Put(ctx, st)
}
