package invoicesync_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// twin is inv under another id: the same document in another file (its
// UBL and CII versions, or its PDF and its XML).
func twin(inv invoicesync.Invoice, id string) invoicesync.Invoice {
	inv.ID = id
	inv.Attachments = nil
	return withPDF(inv)
}

const duplicateResolution = "if both are the same invoice (its PDF and its XML, its UBL and CII versions, or one file sent twice), " +
	"remove this one or leave it: it is never posted; if they are two invoices, the issuer must number them differently " +
	"(a correction is a credit note, or an invoice of its own number)"

func TestDuplicateDocumentInOneRun(t *testing.T) {
	h := newHarness(t)
	h.cfg.Concurrency = 1 // the first in the source's order is posted
	a := sale("inv-a", 1, "ACME")
	h.putAll(a, twin(a, "inv-b"))
	rep := h.run()

	h.requireExactlyOnce("inv-a")
	o, ok := rep.Outcome("inv-b")
	require.True(t, ok)
	assert.Equal(t, invoicesync.StateError, o.Status)
	assert.Equal(t, invoicesync.CodeDuplicate, o.Code)
	assert.Equal(t, "a sales invoice number F-inv-a with ACME SARL is already synchronized as inv-a, posted as entry "+
		refOf(h, "inv-a")+" on 2026-11-21: posting it again would count it twice", syncErr(t, o.Err).Message)
	assert.Equal(t, "inv-a", syncErr(t, o.Err).Expected)
	assert.Equal(t, duplicateResolution, o.Resolution)
	assert.False(t, o.Retryable)
	assert.ErrorIs(t, o.Err, invoicesync.ErrDuplicate)

	// The next run posts nothing more.
	h.run()
	h.requireExactlyOnce("inv-a")
	assert.Equal(t, invoicesync.CodeDuplicate, h.state("inv-b").Code)
}

// syncErr is err as a *SyncError.
func syncErr(t *testing.T, err error) *invoicesync.SyncError {
	t.Helper()
	var se *invoicesync.SyncError
	require.ErrorAs(t, err, &se)
	return se
}

// refOf is the text of the ledger reference of invoice id's entry.
func refOf(h *harness, id string) string {
	ref := h.state(id).Synced.Ref
	if ref.Number != "" {
		return ref.Number
	}
	return ref.ID
}

func TestDuplicateDocumentAfterRestart(t *testing.T) {
	h := newHarness(t)
	a := sale("inv-a", 2, "ACME")
	h.putAll(a)
	h.run()
	h.requireExactlyOnce("inv-a")

	// A new Syncer over the same store: the twin arrives later.
	h.putAll(twin(a, "inv-b"))
	rep := h.run()
	h.requireExactlyOnce("inv-a")
	o, _ := rep.Outcome("inv-b")
	assert.Equal(t, invoicesync.CodeDuplicate, o.Code)
	assert.Contains(t, o.Message, "already synchronized as inv-a, posted as entry "+refOf(h, "inv-a")+" on 2026-11-21")
}

func TestDuplicateDocumentInPreview(t *testing.T) {
	h := newHarness(t)
	h.cfg.Concurrency = 1
	a := sale("inv-a", 1, "ACME")
	h.putAll(a, twin(a, "inv-b"))
	pvs, err := h.syncer().Preview(context.Background())
	require.NoError(t, err)
	require.Len(t, pvs, 2)
	assert.Equal(t, invoicesync.ActionPosted, pvs[0].Action)
	assert.Equal(t, invoicesync.CodeDuplicate, pvs[1].Code)
	assert.Equal(t, "a sales invoice number F-inv-a with ACME SARL is already synchronized as inv-a, "+
		"which this preview would post first: posting it again would count it twice", syncErr(t, pvs[1].Err).Message)
	assert.Empty(t, h.ledger.Entries(), "a preview writes nothing")

	h.run()
	pvs, err = h.syncer().Preview(context.Background(), "inv-b")
	require.NoError(t, err)
	require.Len(t, pvs, 1)
	assert.Equal(t, invoicesync.CodeDuplicate, pvs[0].Code)
	assert.Contains(t, pvs[0].Message, "posted as entry "+refOf(h, "inv-a")+" on 2026-11-21")
}

func TestNotDuplicates(t *testing.T) {
	h := newHarness(t)
	a := sale("inv-a", 1, "ACME")
	otherCustomer := sale("inv-b", 1, "BETA")
	otherCustomer.Number = a.Number
	credit := creditNote("inv-c", "ACME")
	credit.Number = a.Number
	otherNumber := sale("inv-d", 1, "ACME")
	supplier := purchase("inv-e", "SUP1")
	supplier.Number = a.Number
	noNumber := sale("inv-f", 1, "ACME")
	h.putAll(a, otherCustomer, credit, otherNumber, supplier)
	h.run()
	h.requireExactlyOnce("inv-a", "inv-b", "inv-c", "inv-d", "inv-e")

	// An invoice without a number is never taken for a duplicate.
	noNumber.Number = ""
	g := noNumber
	g.ID = "inv-g"
	h.putAll(noNumber, withPDF(g))
	rep := h.run()
	for _, id := range []string{"inv-f", "inv-g"} {
		o, _ := rep.Outcome(id)
		assert.NotEqual(t, invoicesync.CodeDuplicate, o.Code, id)
	}
}

// TestDuplicateIdentity: the same party written differently is the same
// party; a VAT number wins over the name.
func TestDuplicateIdentity(t *testing.T) {
	h := newHarness(t)
	h.cfg.Concurrency = 1
	a := purchase("inv-a", "SUP1")
	b := twin(a, "inv-b")
	b.Party = &invoicesync.Party{SourceID: "S-other", Name: "Sup One GmbH & Co", VATNumber: "DE136695976", Country: "DE"}
	h.putAll(a, b)
	rep := h.run()
	h.requireExactlyOnce("inv-a")
	o, _ := rep.Outcome("inv-b")
	assert.Equal(t, invoicesync.CodeDuplicate, o.Code)
	assert.Contains(t, o.Message, "a purchase invoice number A-inv-a with Sup One GmbH & Co is already synchronized as inv-a")
}

// TestDuplicateUnderConcurrency: with many workers, each pair of twins is
// posted once, whichever of the two comes first.
func TestDuplicateUnderConcurrency(t *testing.T) {
	h := newHarness(t)
	h.cfg.Concurrency = 8
	var posted []string
	for i := range 40 {
		a := sale(fmt.Sprintf("inv-%02d-a", i), 1+i%3, fmt.Sprintf("C%02d", i))
		h.putAll(a, twin(a, fmt.Sprintf("inv-%02d-b", i)))
	}
	rep := h.run()
	for i := range 40 {
		oa, _ := rep.Outcome(fmt.Sprintf("inv-%02d-a", i))
		ob, _ := rep.Outcome(fmt.Sprintf("inv-%02d-b", i))
		statuses := []invoicesync.SyncStatus{oa.Status, ob.Status}
		assert.ElementsMatch(t, []invoicesync.SyncStatus{invoicesync.StateSynchronized, invoicesync.StateError}, statuses, "pair %d", i)
		if oa.Status == invoicesync.StateSynchronized {
			posted = append(posted, oa.InvoiceID)
			assert.Equal(t, invoicesync.CodeDuplicate, ob.Code)
		} else {
			posted = append(posted, ob.InvoiceID)
			assert.Equal(t, invoicesync.CodeDuplicate, oa.Code)
		}
	}
	h.requireExactlyOnce(posted...)
}

// TestDuplicateStateFromBefore: an invoice synchronized before documents
// were identified learns its identity on the next run, and its twin is
// refused from then on.
func TestDuplicateStateFromBefore(t *testing.T) {
	h := newHarness(t)
	a := sale("inv-a", 1, "ACME")
	h.putAll(a)
	h.run()
	st := h.state("inv-a")
	require.NotEmpty(t, st.Document)
	st.Document = "" // as a state stored by an earlier release
	require.NoError(t, h.store.Put(context.Background(), st))

	h.putAll(a) // the source lists it again, unchanged (a folder lists every file on every run)
	h.run()
	assert.NotEmpty(t, h.state("inv-a").Document, "the unchanged invoice's state learns its identity")
	h.putAll(twin(a, "inv-b"))
	rep := h.run()
	o, _ := rep.Outcome("inv-b")
	assert.Equal(t, invoicesync.CodeDuplicate, o.Code)
	h.requireExactlyOnce("inv-a")
}

func TestOutcomeWarnings(t *testing.T) {
	h := newHarness(t)
	a := sale("inv-a", 1, "ACME")
	a.Warnings = []string{"line amounts had more than 2 decimals; rounded half away from zero"}
	h.putAll(a)
	rep := h.run()
	o, _ := rep.Outcome("inv-a")
	assert.Equal(t, invoicesync.StateSynchronized, o.Status)
	assert.Equal(t, a.Warnings, o.Warnings)

	pvs, err := h.syncer().Preview(context.Background(), "inv-a")
	require.NoError(t, err)
	assert.Equal(t, a.Warnings, pvs[0].Warnings)
	assert.Equal(t, "warning: line amounts had more than 2 decimals; rounded half away from zero", pvs[0].Explanation[0])
}
