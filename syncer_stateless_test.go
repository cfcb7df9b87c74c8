package invoicesync_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// TestLostStateRecoversEveryEntry: a run over a new (empty) state store,
// after an earlier run posted every invoice, posts nothing, creates no
// partner and reports each invoice recovered, with the entry it has.
func TestLostStateRecoversEveryEntry(t *testing.T) {
	h := newHarness(t)
	h.putAll(sale("inv-01", 1, "ACME"), sale("inv-02", 2, "BETA"), sale("inv-03", 3, "ACME"))
	first := h.run()
	require.Equal(t, map[invoicesync.Action]int{invoicesync.ActionPosted: 3}, first.Actions)
	refs := map[string]invoicesync.EntryRef{}
	for _, o := range first.Outcomes {
		refs[o.InvoiceID] = o.Entry
	}

	h.store = invoicesync.NewMemoryStore() // the state is lost
	h.ledger.ResetCalls()
	rep := h.run()
	assert.Equal(t, map[invoicesync.Action]int{invoicesync.ActionRecovered: 3}, rep.Actions)
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 3}, rep.Statuses)
	for _, o := range rep.Outcomes {
		assert.Equal(t, refs[o.InvoiceID], o.Entry, o.InvoiceID)
	}
	assert.Equal(t, 0, h.ledger.Calls(memory.PostEntry))
	assert.Equal(t, 0, h.ledger.Calls(memory.CreatePartner))
	assert.Equal(t, 3, h.ledger.Calls(memory.FindEntry))
	assert.Len(t, h.ledger.Partners(invoicesync.Customer), 2)
	h.requireExactlyOnce("inv-01", "inv-02", "inv-03")

	// The recovered state holds the entry as posted: a change reverses it.
	st := h.state("inv-02")
	require.NotNil(t, st.Synced.Entry)
	assert.Equal(t, "240.00", st.Synced.Entry.Lines[0].Debit.StringFixed(2))
	var beta string
	for _, p := range h.ledger.Partners(invoicesync.Customer) {
		if p.Name == "BETA SARL" {
			beta = p.Ref.ID
		}
	}
	assert.Equal(t, beta, st.Synced.Entry.Partner.ID)
	assert.NotEmpty(t, beta)
	h.cfg.OnChange = invoicesync.RepostChanges
	h.source.Put(sale("inv-02", 1, "BETA"))
	rep = h.run()
	o, _ := rep.Outcome("inv-02")
	assert.Equal(t, invoicesync.ActionReposted, o.Action)
	var balance []string
	for _, se := range h.ledger.Entries() {
		if se.Entry.Reverses.ID != "" {
			balance = append(balance, se.Entry.Lines[0].Credit.StringFixed(2)+" reverses "+se.Entry.Reverses.ID)
		}
	}
	assert.Equal(t, []string{"240.00 reverses " + refs["inv-02"].ID}, balance)
}

// TestLostStateWithAmbiguousPartner: an invoice whose party was linked to
// one of two homonymous ledger partners, its state lost, is recovered from
// the ledger instead of being refused as ambiguous; its entry's lines are
// then unknown, so a later change is refused rather than reversed wrongly.
func TestLostStateWithAmbiguousPartner(t *testing.T) {
	h := newHarness(t)
	h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Acme 1", AuxiliaryAccount: "411ACME"})
	p2 := h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Acme 2", AuxiliaryAccount: "411ACME"})
	ctx := context.Background()
	require.NoError(t, h.store.SetPartnerLink(ctx, invoicesync.Customer, "C-ACME", p2))
	h.source.Put(sale("inv-01", 1, "ACME"))
	first := h.run()
	o, _ := first.Outcome("inv-01")
	require.Equal(t, invoicesync.ActionPosted, o.Action, o.Message)

	h.store = invoicesync.NewMemoryStore()
	rep := h.run()
	o, _ = rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.StateSynchronized, o.Status, o.Message)
	assert.Equal(t, invoicesync.ActionRecovered, o.Action)
	assert.Equal(t, invoicesync.ErrorCode(""), o.Code)
	assert.Equal(t, "customer ACME SARL matches 2 ledger customers by auxiliary account 411ACME: Acme 1 (P1), Acme 2 (P2)", o.Partner)
	st := h.state("inv-01")
	assert.Nil(t, st.Synced.Entry, "the entry's partner is not known")
	h.requireExactlyOnce("inv-01")

	h.cfg.OnChange = invoicesync.RepostChanges
	old, changed := sale("inv-01", 1, "ACME"), sale("inv-01", 2, "ACME")
	h.source.Put(changed)
	rep = h.run()
	o, _ = rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.CodeChangedAfterSync, o.Code)
	assert.Equal(t, "ERROR_SYNC_INVOICE_CHANGED_AFTER_SYNC: invoice F-inv-01: the invoice was changed in the invoicing tool, so its entry "+
		"2026-000001 is to be reversed; that entry was found in the ledger by its key after the invoice's state was lost, "+
		"for a customer or supplier that could not be told, so its lines are not known and it cannot be reversed automatically"+
		fmt.Sprintf(" (is %q expected %q)", invoicesync.Fingerprint(&changed), invoicesync.Fingerprint(&old)), o.Message)
	assert.Equal(t, 1, h.ledger.Len(), "nothing reversed, nothing posted")
}

// TestPreviewOfALostState: a preview over a new state store says that the
// entry is in the ledger already, and writes nothing.
func TestPreviewOfALostState(t *testing.T) {
	h := newHarness(t)
	h.source.Put(sale("inv-01", 1, "ACME"))
	h.run()

	h.store = invoicesync.NewMemoryStore()
	previews, err := h.syncer().Preview(context.Background())
	require.NoError(t, err)
	require.Len(t, previews, 1)
	pv := previews[0]
	assert.Equal(t, invoicesync.ActionRecovered, pv.Outcome.Action)
	assert.Equal(t, "E1", pv.Outcome.Entry.ID)
	assert.Contains(t, pv.Explanation, "the ledger holds entry 2026-000001 under this invoice's key already, though no state records it: it would be recorded, nothing posted")
	_, err = h.store.Get(context.Background(), "inv-01")
	assert.ErrorIs(t, err, invoicesync.ErrNotFound, "a preview writes nothing")
}
