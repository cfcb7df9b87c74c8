package eboekhouden_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/eboekhouden"
	"github.com/invoicesync/invoicesync/connector/eboekhouden/eboekhoudentest"
	"github.com/invoicesync/invoicesync/connector/httpx"
	"github.com/invoicesync/invoicesync/connector/httpx/httpxtest"
	"github.com/invoicesync/invoicesync/connector/memory"
)

func TestCommitWindow(t *testing.T) {
	window := func(o eboekhouden.Options) time.Duration {
		o.AccessToken = "x"
		l, err := eboekhouden.New(o)
		require.NoError(t, err)
		return l.CommitWindow()
	}
	assert.Equal(t, httpx.DefaultTimeout+eboekhouden.CommitMargin, window(eboekhouden.Options{}))
	assert.Equal(t, 10*time.Second+eboekhouden.CommitMargin, window(eboekhouden.Options{HTTPClient: &http.Client{Timeout: 10 * time.Second}}))
	assert.Equal(t, time.Hour, window(eboekhouden.Options{CommitWindow: time.Hour}))
	assert.Equal(t, time.Duration(0), window(eboekhouden.Options{CommitWindow: -1}))
}

// TestLateCommitNotPostedTwice has e-Boekhouden record a mutation after the
// client gave up on its POST: within the commit window the Syncer leaves
// the invoice pending instead of posting it again, and once the mutation
// is there it is found, not posted a second time.
func TestLateCommitNotPostedTwice(t *testing.T) {
	ctx := context.Background()
	clock := httpxtest.NewClock(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))
	srv := eboekhoudentest.NewServer(eboekhoudentest.Options{Now: clock.Now})
	t.Cleanup(srv.Close)
	srv.SeedDemo()
	ledger, err := eboekhouden.New(eboekhouden.Options{BaseURL: srv.URL(), AccessToken: eboekhoudentest.DefaultAccessToken, Clock: clock})
	require.NoError(t, err)
	source := memory.NewSource()
	source.Put(timeChimpInvoice(1, &invoicesync.Party{SourceID: "c-1", Name: "Acme BV", Country: "NL"}))
	syncer, err := invoicesync.NewSyncer(source, ledger, nlMapping(), invoicesync.NewMemoryStore(), invoicesync.Config{
		SourceID: "timechimp/acme", Concurrency: 1, RetryDelay: time.Millisecond, Now: clock.Now,
	})
	require.NoError(t, err)
	run := func() invoicesync.Outcome {
		t.Helper()
		rep, err := syncer.Run(ctx)
		require.NoError(t, err)
		o, ok := rep.Outcome("tc-1")
		require.True(t, ok)
		return o
	}
	posts := func() (n int) {
		for _, r := range srv.Requests() {
			if r.Method == http.MethodPost && r.Path == "/v1/mutation" {
				n++
			}
		}
		return n
	}

	srv.CommitLate(http.MethodPost, "/v1/mutation", 1)
	first := run()
	assert.NotEqual(t, invoicesync.StateSynchronized, first.Status, "the POST got no answer")
	assert.Empty(t, srv.Mutations())

	clock.Advance(time.Minute) // within the window: not posted again
	second := run()
	assert.NotEqual(t, invoicesync.StateSynchronized, second.Status)
	assert.Equal(t, 1, posts(), "within the commit window the Syncer does not post again")

	require.Equal(t, 1, srv.ReleaseLate())
	clock.Advance(time.Minute)
	third := run()
	assert.Equal(t, invoicesync.StateSynchronized, third.Status, "%s %s", third.Code, third.Message)
	require.Len(t, srv.Mutations(), 1)
	assert.Equal(t, 1, posts(), "found, not posted a second time")
}
