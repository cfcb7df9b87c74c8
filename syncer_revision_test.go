package invoicesync_test

import (
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// accountNet is the balance of account, debit positive, over the ledger's
// entries of invoice number ref, every entry checked to balance.
func accountNet(t testing.TB, l *memory.Ledger, ref, account string) string {
	t.Helper()
	net := decimal.Zero
	for _, se := range l.Entries() {
		requireBalanced(t, &se.Entry)
		if se.Entry.Reference != ref {
			continue
		}
		for _, ln := range se.Entry.Lines {
			if ln.Account == account {
				net = net.Add(ln.Debit).Sub(ln.Credit)
			}
		}
	}
	return net.StringFixed(2)
}

// An invoice edited from A to B and back to A, under the repost policy, is
// posted three times with three keys: the return to A is a new posting, not
// A's first entry (which was reversed) found again by its key.
func TestRepostBackToAnEarlierVersion(t *testing.T) {
	h := newHarness(t)
	h.cfg.OnChange = invoicesync.RepostChanges
	h.source.Put(sale("inv-01", 1, "ACME"))
	h.run()
	assert.Equal(t, "120.00", accountNet(t, h.ledger, "F-inv-01", "411"))
	first := h.state("inv-01").Synced

	h.source.Put(sale("inv-01", 2, "ACME"))
	h.run()
	assert.Equal(t, "240.00", accountNet(t, h.ledger, "F-inv-01", "411"))

	h.source.Put(sale("inv-01", 1, "ACME"))
	rep := h.run()
	o, _ := rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.StateSynchronized, o.Status)
	assert.Equal(t, invoicesync.ActionReposted, o.Action)
	assert.Equal(t, "120.00", accountNet(t, h.ledger, "F-inv-01", "411"), "the receivable is the last version's")
	assert.Equal(t, "-100.00", accountNet(t, h.ledger, "F-inv-01", "706"))
	assert.Equal(t, "-20.00", accountNet(t, h.ledger, "F-inv-01", "44571"))

	entries := h.ledger.Entries()
	require.Len(t, entries, 5, "A, reversal of A, B, reversal of B, A again")
	keys := map[string]bool{}
	for _, se := range entries {
		keys[se.Entry.IdempotencyKey] = true
	}
	assert.Len(t, keys, 5, "every posting has its own key")
	st := h.state("inv-01")
	assert.Equal(t, 2, st.Revision)
	assert.NotEqual(t, first.Key, st.Synced.Key)
	assert.Equal(t, first.Fingerprint, st.Synced.Fingerprint)
	assert.Equal(t, entries[4].Ref, st.Synced.Ref)
	assert.Equal(t, invoicesync.PostingKey("test-source", "inv-01", first.Fingerprint, 2), st.Synced.Key)
	assert.Equal(t, invoicesync.IdempotencyKey("test-source", "inv-01", first.Fingerprint), first.Key,
		"the first posting keeps the key of the invoice version alone")

	// And once more to B: B's first entry was reversed too.
	h.source.Put(sale("inv-01", 2, "ACME"))
	h.run()
	assert.Equal(t, "240.00", accountNet(t, h.ledger, "F-inv-01", "411"))
	assert.Len(t, h.ledger.Entries(), 7)

	rep = h.run()
	assert.Equal(t, 0, rep.Invoices, "nothing more to do")
}

// A state written before revisions existed (reversals recorded, revision
// 0) goes on from the number of its reversals.
func TestRevisionOfAnOlderState(t *testing.T) {
	h := newHarness(t)
	h.cfg.OnChange = invoicesync.RepostChanges
	h.source.Put(sale("inv-01", 1, "ACME"))
	h.run()
	h.source.Put(sale("inv-01", 2, "ACME"))
	h.run()
	st := h.state("inv-01")
	require.Equal(t, 1, st.Revision)
	st.Revision = 0 // as an older release stored it
	require.NoError(t, h.store.Put(context.Background(), st))

	h.source.Put(sale("inv-01", 1, "ACME"))
	h.run()
	assert.Equal(t, "120.00", accountNet(t, h.ledger, "F-inv-01", "411"))
	assert.Equal(t, 2, h.state("inv-01").Revision)
}

// An invoice cancelled after its entry was posted is reported, by default:
// the entry stands, and a person is told to issue a credit note.
func TestCancelledAfterSyncReported(t *testing.T) {
	h := newHarness(t)
	h.source.Put(sale("inv-01", 1, "ACME"))
	h.run()
	entry := h.state("inv-01").Synced.Ref

	inv := sale("inv-01", 1, "ACME")
	inv.Status = invoicesync.StatusCancelled
	h.source.Put(inv)
	rep := h.run()
	o, _ := rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.StateError, o.Status)
	assert.Equal(t, invoicesync.CodeCancelledAfterSync, o.Code)
	assert.ErrorIs(t, o.Err, invoicesync.ErrCancelledAfterSync)
	assert.False(t, o.Retryable)
	assert.Equal(t, entry, o.Entry)
	assert.Equal(t, "ERROR_SYNC_INVOICE_CANCELLED_AFTER_SYNC: invoice F-inv-01: the invoice was cancelled in the invoicing tool after its entry "+
		entry.Number+" was posted: the entry still stands in the ledger (Status is \"cancelled\")", o.Message)
	assert.Equal(t, "issue a credit note for the invoice in the invoicing tool (it is posted as an entry of its own), or reverse entry "+
		entry.Number+" in the ledger by hand; to have the entries of cancelled invoices reversed, use the reverse-cancellations policy", o.Resolution)
	assert.Equal(t, 1, h.notifications()[invoicesync.StateError], "the host is told")
	assert.Equal(t, "120.00", accountNet(t, h.ledger, "F-inv-01", "411"), "the entry stands")
	st := h.state("inv-01")
	assert.Equal(t, entry, st.Synced.Ref)

	// Not revisited by the next run: it waits for the invoice to change.
	rep = h.run()
	assert.Equal(t, 0, rep.Invoices)

	// Issued again as it was: synchronized, nothing posted.
	h.source.Put(sale("inv-01", 1, "ACME"))
	rep = h.run()
	o, _ = rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.StateSynchronized, o.Status)
	assert.Equal(t, invoicesync.ActionUnchanged, o.Action)
	assert.Len(t, h.ledger.Entries(), 1)
}

// Under ReverseCancellations, the entry of a cancelled invoice is
// reversed; issued again, the invoice is posted again with a new key.
func TestCancelledAfterSyncReversed(t *testing.T) {
	for _, status := range []invoicesync.Status{invoicesync.StatusCancelled, invoicesync.StatusDraft} {
		t.Run(string(status), func(t *testing.T) {
			h := newHarness(t)
			h.cfg.OnCancel = invoicesync.ReverseCancellations
			h.source.Put(sale("inv-01", 1, "ACME"))
			h.run()
			first := h.state("inv-01").Synced

			inv := sale("inv-01", 1, "ACME")
			inv.Status = status
			h.source.Put(inv)
			rep := h.run()
			o, _ := rep.Outcome("inv-01")
			assert.Equal(t, invoicesync.StateSkipped, o.Status)
			assert.Equal(t, invoicesync.ActionReversed, o.Action)
			entries := h.ledger.Entries()
			require.Len(t, entries, 2)
			assert.Equal(t, first.Ref, entries[1].Entry.Reverses)
			assert.Equal(t, entries[1].Ref, o.Entry)
			what := map[invoicesync.Status]string{invoicesync.StatusCancelled: "cancelled", invoicesync.StatusDraft: "put back to draft"}[status]
			assert.Equal(t, "the invoice was "+what+" in the invoicing tool: its entry "+first.Ref.Number+" was reversed by entry "+entries[1].Ref.Number, o.Message)
			assert.Equal(t, "0.00", accountNet(t, h.ledger, "F-inv-01", "411"))
			assert.Equal(t, "0.00", accountNet(t, h.ledger, "F-inv-01", "706"))
			assert.Equal(t, 1, h.notifications()[invoicesync.StateSkipped], "the host is told")
			st := h.state("inv-01")
			assert.Nil(t, st.Synced)
			assert.Equal(t, 1, st.Revision)

			rep = h.run()
			assert.Equal(t, 0, rep.Invoices, "nothing more to do")

			h.source.Put(sale("inv-01", 1, "ACME")) // issued again
			rep = h.run()
			o, _ = rep.Outcome("inv-01")
			assert.Equal(t, invoicesync.StateSynchronized, o.Status)
			assert.Equal(t, invoicesync.ActionReposted, o.Action)
			assert.Equal(t, "120.00", accountNet(t, h.ledger, "F-inv-01", "411"))
			assert.Equal(t, invoicesync.PostingKey("test-source", "inv-01", first.Fingerprint, 1), h.state("inv-01").Synced.Key)
			assert.Len(t, h.ledger.Entries(), 3)
		})
	}
}

// A paid invoice is not withdrawn even when the mapping synchronizes sent
// invoices only: paid follows sent.
func TestPaidAfterSyncStaysWhenOnlySentIsEligible(t *testing.T) {
	h := newHarness(t)
	h.cfg.OnCancel = invoicesync.ReverseCancellations
	h.cfg.OnChange = invoicesync.RepostChanges
	h.mapping.EligibleStatuses = []invoicesync.Status{invoicesync.StatusSent}
	h.source.Put(sale("inv-01", 1, "ACME"))
	h.run()
	inv := sale("inv-01", 2, "ACME") // paid, and changed
	inv.Status = invoicesync.StatusPaid
	h.source.Put(inv)
	rep := h.run()
	o, _ := rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.StateSynchronized, o.Status)
	assert.Equal(t, invoicesync.ActionReposted, o.Action)
	assert.Equal(t, "240.00", accountNet(t, h.ledger, "F-inv-01", "411"))
}
