package dailysales

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// Posting the same day twice creates one entry; another register the same
// day and the same register the next day get their own.
func TestPostExactlyOnce(t *testing.T) {
	ctx := context.Background()
	ledger := testLedger(false)
	chart, err := invoicesync.LoadChart(ctx, ledger)
	require.NoError(t, err)
	cfg := testConfig(t)

	first, err := Post(ctx, ledger, chart, cfg, "POS-1", nov20(t), threeReceipts(t))
	require.NoError(t, err)
	assert.False(t, first.AlreadyPosted)
	assert.Equal(t, invoicesync.EntryRef{ID: "E1", Number: "2026-000001"}, first.Ref)
	require.Equal(t, 1, ledger.Len())

	second, err := Post(ctx, ledger, chart, cfg, "POS-1", nov20(t), threeReceipts(t))
	require.NoError(t, err)
	assert.True(t, second.AlreadyPosted)
	assert.Equal(t, first.Ref, second.Ref)
	assert.Equal(t, first.Entry, second.Entry)
	assert.Equal(t, 1, ledger.Len())
	assert.Equal(t, 1, ledger.Calls(memory.PostEntry), "the second call must not even try to post")

	stored, ok := ledger.Entry("dailysales:POS-1:2026-11-20")
	require.True(t, ok)
	assert.Equal(t, *first.Entry, stored.Entry)
	assert.False(t, stored.Draft)

	// Register POS-2, the same day.
	pos2 := []Receipt{{ID: "R1", Register: "POS-2", Time: at(t, 14, 0),
		Lines: []Line{sale("Haircut", "499.00", "25")}, Payments: []Payment{pay("card", "499.00")}}}
	other, err := Post(ctx, ledger, chart, cfg, "POS-2", nov20(t), pos2)
	require.NoError(t, err)
	assert.False(t, other.AlreadyPosted)
	assert.NotEqual(t, first.Ref, other.Ref)

	// POS-1 the next day, with the same receipt IDs (registers restart their numbering).
	nov21 := time.Date(2026, 11, 21, 0, 0, 0, 0, cfg.Location)
	next := threeReceipts(t)
	for i := range next {
		next[i].Time = next[i].Time.AddDate(0, 0, 1)
	}
	tomorrow, err := Post(ctx, ledger, chart, cfg, "POS-1", nov21, next)
	require.NoError(t, err)
	assert.False(t, tomorrow.AlreadyPosted)
	assert.Equal(t, "dailysales:POS-1:2026-11-21", tomorrow.Entry.IdempotencyKey)

	require.Equal(t, 3, ledger.Len())
	keys := []string{}
	for _, s := range ledger.Entries() {
		keys = append(keys, s.Entry.IdempotencyKey)
	}
	assert.Equal(t, []string{"dailysales:POS-1:2026-11-20", "dailysales:POS-2:2026-11-20", "dailysales:POS-1:2026-11-21"}, keys)
}

// A receipt arriving after the day was posted is not added: Post answers
// AlreadyPosted and the ledger keeps the first entry.
func TestPostLateReceiptIsNotAdded(t *testing.T) {
	ctx := context.Background()
	ledger := testLedger(false)
	cfg := testConfig(t)
	rs := threeReceipts(t)
	first, err := Post(ctx, ledger, testChart(), cfg, "POS-1", nov20(t), rs)
	require.NoError(t, err)

	late := append(rs, Receipt{ID: "R4", Register: "POS-1", Time: at(t, 23, 50),
		Lines: []Line{sale("Gift box", "300.00", "25")}, Payments: []Payment{pay("card", "300.00")}})
	again, err := Post(ctx, ledger, testChart(), cfg, "POS-1", nov20(t), late)
	require.NoError(t, err)
	assert.True(t, again.AlreadyPosted)
	assert.Equal(t, first.Ref, again.Ref)

	stored, _ := ledger.Entry(first.Entry.IdempotencyKey)
	d, _ := stored.Entry.Totals()
	assert.Equal(t, "1258.00", d.StringFixed(2), "the ledger keeps the day as first posted")
	d, _ = again.Entry.Totals()
	assert.Equal(t, "1558.00", d.StringFixed(2), "Result.Entry is the summary of the receipts passed")
	assert.Equal(t, 1, ledger.Len())
}

// A lost response after the ledger committed: the next Post finds the entry.
func TestPostAfterLostResponse(t *testing.T) {
	ctx := context.Background()
	ledger := testLedger(false)
	cfg := testConfig(t)
	ledger.Inject(memory.Fault{Method: memory.PostEntry, Call: 1, Kind: memory.FaultLoseResponse})

	_, err := Post(ctx, ledger, testChart(), cfg, "POS-1", nov20(t), threeReceipts(t))
	require.ErrorIs(t, err, invoicesync.ErrLedgerFailure)
	require.ErrorIs(t, err, memory.ErrResponseLost)
	assert.False(t, invoicesync.Retryable(err))
	require.Equal(t, 1, ledger.Len(), "the ledger did record it")

	res, err := Post(ctx, ledger, testChart(), cfg, "POS-1", nov20(t), threeReceipts(t))
	require.NoError(t, err)
	assert.True(t, res.AlreadyPosted)
	assert.Equal(t, "E1", res.Ref.ID)
	assert.Equal(t, 1, ledger.Len())
}

// A FindEntry failure posts nothing and says whether to retry.
func TestPostFindEntryFails(t *testing.T) {
	ctx := context.Background()
	ledger := testLedger(false)
	ledger.Inject(memory.Fault{Method: memory.FindEntry, Call: 1, Kind: memory.FaultTemporary})
	_, err := Post(ctx, ledger, testChart(), testConfig(t), "POS-1", nov20(t), threeReceipts(t))
	require.ErrorIs(t, err, invoicesync.ErrLedgerFailure)
	require.ErrorIs(t, err, invoicesync.ErrTemporary)
	assert.True(t, invoicesync.Retryable(err))
	assert.Equal(t, 0, ledger.Calls(memory.PostEntry))

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = Post(cancelled, ledger, testChart(), testConfig(t), "POS-1", nov20(t), threeReceipts(t))
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, invoicesync.Retryable(err))
	assert.Equal(t, 0, ledger.Len())
}

// The ledger's own refusal keeps its code: the chart changed since it was read.
func TestPostLedgerRefuses(t *testing.T) {
	ctx := context.Background()
	ledger := testLedger(false)
	chart := testChart() // read before the account is closed
	require.True(t, ledger.SetAccountActive("1580", false))
	res, err := Post(ctx, ledger, chart, testConfig(t), "POS-1", nov20(t), threeReceipts(t))
	require.ErrorIs(t, err, invoicesync.ErrAccountNumberNotActive)
	assert.Equal(t, invoicesync.CodeAccountNumberNotActive, invoicesync.Code(err))
	assert.NotNil(t, res.Entry)
	assert.Equal(t, invoicesync.EntryRef{}, res.Ref)
	assert.Equal(t, 0, ledger.Len())
}

// ByHand posts a draft where the ledger keeps drafts, and is refused,
// wrapping ErrNotSupported, where it does not.
func TestPostByHand(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t)
	cfg.Mode = ByHand

	drafts := testLedger(true)
	res, err := Post(ctx, drafts, testChart(), cfg, "POS-1", nov20(t), threeReceipts(t))
	require.NoError(t, err)
	assert.True(t, res.Entry.Draft)
	stored, ok := drafts.Entry(res.Entry.IdempotencyKey)
	require.True(t, ok)
	assert.True(t, stored.Draft)
	assert.True(t, stored.Entry.Draft)

	// Sent by hand again, then by the nightly run: still one entry, the draft.
	again, err := Post(ctx, drafts, testChart(), cfg, "POS-1", nov20(t), threeReceipts(t))
	require.NoError(t, err)
	assert.True(t, again.AlreadyPosted)
	nightly := *cfg
	nightly.Mode = Nightly
	again, err = Post(ctx, drafts, testChart(), &nightly, "POS-1", nov20(t), threeReceipts(t))
	require.NoError(t, err)
	assert.True(t, again.AlreadyPosted)
	assert.Equal(t, res.Ref, again.Ref)
	assert.Equal(t, 1, drafts.Len())

	noDrafts := testLedger(false)
	_, err = Post(ctx, noDrafts, testChart(), cfg, "POS-1", nov20(t), threeReceipts(t))
	require.ErrorIs(t, err, invoicesync.ErrNotSupported)
	require.ErrorIs(t, err, invoicesync.ErrMappingInvalid)
	var se *invoicesync.SyncError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "Mode", se.Field)
	assert.Equal(t, "by hand", se.Value)
	assert.Contains(t, err.Error(), "cannot keep drafts")
	assert.Equal(t, 0, noDrafts.Len())
	assert.Equal(t, 0, noDrafts.Calls(memory.PostEntry))

	// A target that is no DraftPoster at all, and one whose PostEntry says
	// not supported although it claims drafts.
	_, err = Post(ctx, plainTarget{noDrafts}, testChart(), cfg, "POS-1", nov20(t), threeReceipts(t))
	require.ErrorIs(t, err, invoicesync.ErrNotSupported)
	_, err = Post(ctx, liar{noDrafts}, testChart(), cfg, "POS-1", nov20(t), threeReceipts(t))
	require.ErrorIs(t, err, invoicesync.ErrNotSupported)
	require.ErrorAs(t, err, &se)
	assert.Equal(t, invoicesync.CodeMappingInvalid, se.Code)
	assert.Equal(t, "Mode", se.Field)
	assert.Equal(t, 0, noDrafts.Len())
}

// plainTarget hides every optional interface of the ledger it wraps.
type plainTarget struct{ invoicesync.LedgerTarget }

// liar claims draft support its PostEntry does not have.
type liar struct{ *memory.Ledger }

func (liar) SupportsDrafts() bool { return true }

// Two calls racing for the same day still leave one entry: the ledger
// deduplicates by the key.
func TestPostConcurrent(t *testing.T) {
	ctx := context.Background()
	ledger := testLedger(false)
	ledger.SetLatency(memory.FindEntry, 5*time.Millisecond)
	cfg, chart := testConfig(t), testChart()
	var wg sync.WaitGroup
	refs := make([]invoicesync.EntryRef, 8)
	errs := make([]error, 8)
	for i := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := Post(ctx, ledger, chart, cfg, "POS-1", nov20(t), threeReceipts(t))
			refs[i], errs[i] = res.Ref, err
		}()
	}
	wg.Wait()
	for i := range refs {
		require.NoError(t, errs[i])
		assert.Equal(t, refs[0], refs[i])
	}
	assert.Equal(t, 1, ledger.Len())
}

// Summarise's errors come back from Post unchanged, before any ledger call.
func TestPostSummaryError(t *testing.T) {
	ledger := testLedger(false)
	_, err := Post(context.Background(), ledger, testChart(), testConfig(t), "POS-1", nov20(t), nil)
	require.ErrorIs(t, err, invoicesync.ErrNothingToPost)
	assert.Equal(t, 0, ledger.Calls(memory.FindEntry))

	_, err = Post(context.Background(), nil, testChart(), testConfig(t), "POS-1", nov20(t), threeReceipts(t))
	require.ErrorIs(t, err, invoicesync.ErrMappingInvalid)
	assert.False(t, errors.Is(err, invoicesync.ErrNotFound))
}
