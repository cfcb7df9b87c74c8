package invoicesync_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// Verify finds the entries deleted from the ledger, reports them, and
// posts them again only when asked, each as a new posting.
func TestVerifyFindsAndRepostsMissingEntries(t *testing.T) {
	h := newHarness(t)
	tenSales(h)
	h.run()
	gone3, gone7 := h.state("inv-03").Synced, h.state("inv-07").Synced
	require.True(t, h.ledger.DeleteEntry(gone3.Ref.ID))
	require.True(t, h.ledger.DeleteEntry(gone7.Ref.ID))
	h.ledger.ResetCalls()

	// A plain run does not notice.
	rep := h.run()
	assert.Equal(t, 0, rep.Invoices)

	s := h.syncer()
	vr, err := s.Verify(context.Background(), invoicesync.VerifyOptions{})
	require.NoError(t, err)
	assert.Equal(t, 10, vr.Checked)
	assert.Equal(t, []invoicesync.MissingEntry{
		{InvoiceID: "inv-03", Number: "F-inv-03", Key: gone3.Key, Ref: gone3.Ref, PostedAt: clock},
		{InvoiceID: "inv-07", Number: "F-inv-07", Key: gone7.Key, Ref: gone7.Ref, PostedAt: clock},
	}, vr.Missing)
	assert.Nil(t, vr.Reposted)
	assert.Equal(t, 1, h.ledger.Calls(memory.FindEntries), "one batch")
	assert.Equal(t, 0, h.ledger.Calls(memory.FindEntry))
	assert.Equal(t, 0, h.ledger.Calls(memory.PostEntry), "nothing posted unless asked")
	assert.Equal(t, invoicesync.StateSynchronized, h.state("inv-03").Status, "nothing written")

	vr, err = s.Verify(context.Background(), invoicesync.VerifyOptions{Repost: true})
	require.NoError(t, err)
	require.Len(t, vr.Missing, 2)
	require.NotNil(t, vr.Reposted)
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 2}, vr.Reposted.Statuses)
	assert.Equal(t, map[invoicesync.Action]int{invoicesync.ActionPosted: 2}, vr.Reposted.Actions)
	st := h.state("inv-03")
	assert.Equal(t, 1, st.Revision)
	assert.Equal(t, invoicesync.PostingKey("test-source", "inv-03", gone3.Fingerprint, 1), st.Synced.Key)
	assert.NotEqual(t, gone3.Key, st.Synced.Key, "a new posting, with a key of its own")
	assert.Len(t, h.ledger.Entries(), 10)
	for i, id := range ids(1, 10) {
		assert.Equal(t, []string{"120.00", "240.00", "360.00"}[i%3], accountNet(t, h.ledger, "F-"+id, "411"), id)
	}

	vr, err = s.Verify(context.Background(), invoicesync.VerifyOptions{Repost: true})
	require.NoError(t, err)
	assert.Empty(t, vr.Missing)
	assert.Equal(t, 0, vr.Reposted.Invoices)
}

// Without FindEntries, Verify looks the keys up one by one.
func TestVerifyWithoutBatches(t *testing.T) {
	h := newHarness(t)
	h.putAll(sale("inv-01", 1, "ACME"), sale("inv-02", 1, "ACME"))
	h.run()
	h.ledger.ResetCalls()
	s, err := invoicesync.NewSyncer(h.source, oneByOne{h.ledger}, h.mapping, h.store, h.cfg)
	require.NoError(t, err)
	vr, err := s.Verify(context.Background(), invoicesync.VerifyOptions{})
	require.NoError(t, err)
	assert.Equal(t, 2, vr.Checked)
	assert.Empty(t, vr.Missing)
	assert.Equal(t, 2, h.ledger.Calls(memory.FindEntry))
	assert.Equal(t, 0, h.ledger.Calls(memory.FindEntries))
}

// oneByOne hides the memory ledger's optional interfaces.
type oneByOne struct{ invoicesync.LedgerTarget }
