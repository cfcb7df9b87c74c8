package ledgertest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/ledgertest"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// The suite must fail on a ledger that breaks a contract. Each adapter below
// wraps a memory ledger and breaks one contract; TestBrokenAdapters runs the
// suite on each in a child process (a failing subtest cannot be observed
// from inside the test that runs it) and checks that the child fails, in the
// subtest that covers the broken contract.

// brokenEnv names the broken adapter TestBrokenAdapterChild runs the suite on.
const brokenEnv = "LEDGERTEST_BROKEN_ADAPTER"

// brokenAdapter is a memory ledger wrapped so as to break one contract.
type brokenAdapter struct {
	name     string                                        // the adapter's name, in $LEDGERTEST_BROKEN_ADAPTER
	wrap     func(*memory.Ledger) invoicesync.LedgerTarget // makes the adapter
	mustFail string                                        // the subtest that must fail
}

// brokenAdapters are the broken adapters.
var brokenAdapters = []brokenAdapter{
	{"ignores-idempotency-keys", func(l *memory.Ledger) invoicesync.LedgerTarget { return &ignoresKeys{Ledger: l} }, "IdempotencyKey"},
	{"accepts-inactive-account", func(l *memory.Ledger) invoicesync.LedgerTarget { return acceptsInactive{l} }, "RejectInactiveAccount"},
	{"accepts-unbalanced", func(l *memory.Ledger) invoicesync.LedgerTarget { return acceptsUnbalanced{l} }, "RejectUnbalanced"},
	{"ignores-context", func(l *memory.Ledger) invoicesync.LedgerTarget { return ignoresContext{l} }, "CancelledContext"},
}

// ignoresKeys posts an entry whose key was posted already as a new entry,
// under a fresh key, instead of returning the existing entry's reference.
type ignoresKeys struct {
	*memory.Ledger
	n atomic.Int64
}

// PostEntry posts e under a fresh key when its key was posted already.
func (l *ignoresKeys) PostEntry(ctx context.Context, e *invoicesync.Entry) (invoicesync.EntryRef, error) {
	if e.IdempotencyKey != "" {
		if _, err := l.FindEntry(ctx, e.IdempotencyKey); err == nil {
			c := *e
			c.IdempotencyKey = fmt.Sprintf("%s#again-%d", e.IdempotencyKey, l.n.Add(1))
			e = &c
		}
	}
	return l.Ledger.PostEntry(ctx, e)
}

// acceptsInactive posts on the sales account what was meant for the closed
// account, instead of rejecting the entry.
type acceptsInactive struct{ *memory.Ledger }

// PostEntry swaps the closed account for the sales account, then posts.
func (l acceptsInactive) PostEntry(ctx context.Context, e *invoicesync.Entry) (invoicesync.EntryRef, error) {
	c := *e
	c.Lines = slices.Clone(e.Lines)
	for i := range c.Lines {
		if c.Lines[i].Account == ledgertest.AccountClosed {
			c.Lines[i].Account = ledgertest.AccountSales
		}
	}
	return l.Ledger.PostEntry(ctx, &c)
}

// acceptsUnbalanced says it posted an unbalanced entry, records nothing, and
// returns no error.
type acceptsUnbalanced struct{ *memory.Ledger }

// PostEntry pretends to post an unbalanced entry.
func (l acceptsUnbalanced) PostEntry(ctx context.Context, e *invoicesync.Entry) (invoicesync.EntryRef, error) {
	if d, c := e.Totals(); !d.Equal(c) {
		return invoicesync.EntryRef{ID: "unbalanced-but-fine"}, nil
	}
	return l.Ledger.PostEntry(ctx, e)
}

// ignoresContext calls the memory ledger with a context that is never done.
type ignoresContext struct{ *memory.Ledger }

// Accounts calls the memory ledger's with a live context.
func (l ignoresContext) Accounts(context.Context) ([]invoicesync.Account, error) {
	return l.Ledger.Accounts(context.Background())
}

// VATCodes calls the memory ledger's with a live context.
func (l ignoresContext) VATCodes(context.Context) ([]invoicesync.VATCode, error) {
	return l.Ledger.VATCodes(context.Background())
}

// Journals calls the memory ledger's with a live context.
func (l ignoresContext) Journals(context.Context) ([]invoicesync.Journal, error) {
	return l.Ledger.Journals(context.Background())
}

// FindPartners calls the memory ledger's with a live context.
func (l ignoresContext) FindPartners(_ context.Context, q invoicesync.PartnerQuery) ([]invoicesync.Partner, error) {
	return l.Ledger.FindPartners(context.Background(), q)
}

// ListPartners calls the memory ledger's with a live context.
func (l ignoresContext) ListPartners(_ context.Context, role invoicesync.PartnerRole) ([]invoicesync.Partner, error) {
	return l.Ledger.ListPartners(context.Background(), role)
}

// CreatePartner calls the memory ledger's with a live context.
func (l ignoresContext) CreatePartner(_ context.Context, p invoicesync.Partner) (invoicesync.PartnerRef, error) {
	return l.Ledger.CreatePartner(context.Background(), p)
}

// PostEntry calls the memory ledger's with a live context.
func (l ignoresContext) PostEntry(_ context.Context, e *invoicesync.Entry) (invoicesync.EntryRef, error) {
	return l.Ledger.PostEntry(context.Background(), e)
}

// FindEntry calls the memory ledger's with a live context.
func (l ignoresContext) FindEntry(_ context.Context, key string) (invoicesync.EntryRef, error) {
	return l.Ledger.FindEntry(context.Background(), key)
}

// Attach calls the memory ledger's with a live context.
func (l ignoresContext) Attach(_ context.Context, ref invoicesync.EntryRef, doc invoicesync.Document) error {
	return l.Ledger.Attach(context.Background(), ref, doc)
}

// brokenHarness is the memory harness, its ledger wrapped in a broken adapter.
type brokenHarness struct {
	memoryHarness
	wrap func(*memory.Ledger) invoicesync.LedgerTarget
}

// MakeLedger makes the memory ledger and returns it wrapped.
func (h *brokenHarness) MakeLedger(ctx context.Context, chart ledgertest.Chart) (invoicesync.LedgerTarget, error) {
	if _, err := h.memoryHarness.MakeLedger(ctx, chart); err != nil {
		return nil, err
	}
	return h.wrap(h.ledger), nil
}

// TestBrokenAdapterChild runs the suite on the broken adapter named by
// $LEDGERTEST_BROKEN_ADAPTER. It is run by TestBrokenAdapters in a child
// process, and skipped otherwise.
func TestBrokenAdapterChild(t *testing.T) {
	name := os.Getenv(brokenEnv)
	if name == "" {
		t.Skip("run by TestBrokenAdapters with " + brokenEnv + " set")
	}
	i := slices.IndexFunc(brokenAdapters, func(b brokenAdapter) bool { return b.name == name })
	require.GreaterOrEqual(t, i, 0, "no broken adapter named %q", name)
	wrap := brokenAdapters[i].wrap
	ledgertest.RunConformance(t, func(context.Context, *testing.T) (ledgertest.Harness, error) {
		return &brokenHarness{memoryHarness: memoryHarness{drafts: true}, wrap: wrap}, nil
	})
}

// TestBrokenAdapters checks that the suite fails on each broken adapter, in
// the subtest covering the contract the adapter breaks.
func TestBrokenAdapters(t *testing.T) {
	if os.Getenv(brokenEnv) != "" {
		t.Skip("in a child process")
	}
	for _, b := range brokenAdapters {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // a guard, not a timing
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestBrokenAdapterChild$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), brokenEnv+"="+b.name)
			out, err := cmd.CombinedOutput()
			output := string(out)

			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit), "the suite passed on a broken adapter (error %v); output:\n%s", err, output)
			require.NotZero(t, exit.ExitCode(), "exit code")
			assert.Contains(t, output, "--- FAIL: TestBrokenAdapterChild/"+b.mustFail+" (",
				"subtest %s did not fail; output:\n%s", b.mustFail, output)
			// The suite ran through: the contracts the adapter keeps pass.
			assert.Contains(t, output, "--- PASS: TestBrokenAdapterChild/PostSales (", "output:\n%s", output)
			if t.Failed() {
				return
			}
			var failed []string
			for _, line := range strings.Split(output, "\n") {
				if _, name, ok := strings.Cut(line, "--- FAIL: TestBrokenAdapterChild/"); ok {
					failed = append(failed, strings.Fields(name)[0])
				}
			}
			t.Logf("%s fails %s", b.name, strings.Join(failed, ", "))
		})
	}
}
