package invoicesync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
	"github.com/invoicesync/invoicesync/matching"
)

// fiftyInvoices fills h with the 50 invoices of the run test and returns
// the expected status and error code of each.
func fiftyInvoices(h *harness) (map[string]invoicesync.SyncStatus, map[string]invoicesync.ErrorCode) {
	status := map[string]invoicesync.SyncStatus{}
	code := map[string]invoicesync.ErrorCode{}
	set := func(ids []string, s invoicesync.SyncStatus, c invoicesync.ErrorCode) {
		for _, id := range ids {
			status[id], code[id] = s, c
		}
	}
	customers := []string{"ACME", "BETA", "CORP", "DUPO", "EURO", "FAST", "GAMA", "HUGO", "IOTA", "JADE"}
	for i, id := range ids(1, 20) { // sales, 10 customers
		inv := sale(id, i%3+1, customers[i%10])
		if i == 19 { // the party comes from the source's contacts
			inv.Party, inv.ContactRef = nil, "K-ZETA"
			h.source.PutContact("K-ZETA", invoicesync.Party{Name: "Zeta SAS", AuxiliaryAccount: "411ZETA", Country: "FR"})
		}
		h.source.Put(inv)
	}
	for i, id := range ids(21, 28) { // purchases, 4 suppliers
		h.source.Put(purchase(id, []string{"SUP1", "SUP2", "SUP3", "SUP4"}[i%4]))
	}
	for i, id := range ids(29, 32) { // sales credit notes
		h.source.Put(creditNote(id, customers[i]))
	}
	set(ids(1, 32), invoicesync.StateSynchronized, "")

	for _, id := range ids(33, 35) { // drafts: not eligible
		inv := sale(id, 1, "ACME")
		inv.Status = invoicesync.StatusDraft
		h.source.Put(inv)
	}
	cancelled := sale("inv-36", 1, "ACME")
	cancelled.Status = invoicesync.StatusCancelled
	h.source.Put(cancelled)
	for _, id := range ids(37, 39) { // before the start date
		inv := sale(id, 1, "BETA")
		inv.IssueDate = time.Date(2025, 12, 20, 0, 0, 0, 0, time.UTC)
		h.source.Put(inv)
	}
	set(ids(33, 39), invoicesync.StateSkipped, "")

	for _, id := range ids(40, 42) { // no PDF yet
		inv := sale(id, 1, "CORP")
		inv.Attachments = nil
		h.source.Put(inv)
	}
	set(ids(40, 42), invoicesync.StateWaiting, "")

	for _, id := range ids(43, 44) { // 2.1 % is not mapped
		inv := sale(id, 1, "DUPO")
		inv.Lines[0].VATRate = rate("2.1")
		inv.Totals = totals("100.00", "0", "100.00", "2.10", "102.10")
		h.source.Put(inv)
	}
	set(ids(43, 44), invoicesync.StateError, invoicesync.CodeMappingTaxRateNotFound)

	for _, id := range ids(45, 46) { // a shipping charge, whose account is inactive
		inv := sale(id, 1, "EURO")
		inv.Charges = []invoicesync.AllowanceCharge{{Amount: d("10.00"), Reason: "Shipping", VATCategory: "S", VATRate: rate("20")}}
		inv.Totals = totals("100.00", "0", "110.00", "22.00", "132.00")
		inv.Totals.ChargeTotal = d("10.00")
		h.source.Put(inv)
	}
	set(ids(45, 46), invoicesync.StateError, invoicesync.CodeAccountNumberNotActive)

	for _, id := range ids(47, 48) { // linked earlier to a partner the accountant deleted
		h.source.Put(sale(id, 1, "GONE"))
	}
	set(ids(47, 48), invoicesync.StateError, invoicesync.CodePartnerNotFound)

	noParty := sale("inv-49", 1, "ACME")
	noParty.Party = nil
	h.source.Put(noParty)
	set([]string{"inv-49"}, invoicesync.StateError, invoicesync.CodePartnerValidation)

	unknownContact := sale("inv-50", 1, "ACME")
	unknownContact.Party, unknownContact.ContactRef = nil, "K-404"
	h.source.Put(unknownContact)
	set([]string{"inv-50"}, invoicesync.StateError, invoicesync.CodeContactNotFound)

	h.mapping.StartDate = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h.mapping.Accounts.SalesCharge = "7088"
	h.ledger.AddAccounts(invoicesync.Account{Number: "7088", Name: "Frais de port facturés", Active: false})
	gone := h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "GONE SARL", AuxiliaryAccount: "411GONE"})
	require.NoError(h.t, h.store.SetPartnerLink(context.Background(), invoicesync.Customer, "C-GONE", gone))
	require.True(h.t, h.ledger.DeletePartner(gone.ID))
	return status, code
}

func TestRunFiftyInvoices(t *testing.T) {
	h := newHarness(t)
	wantStatus, wantCode := fiftyInvoices(h)

	rep := h.run()

	assert.Equal(t, 50, rep.Invoices)
	assert.Equal(t, map[invoicesync.SyncStatus]int{
		invoicesync.StateSynchronized: 32, invoicesync.StateSkipped: 7, invoicesync.StateWaiting: 3, invoicesync.StateError: 8,
	}, rep.Statuses)
	assert.Equal(t, map[invoicesync.Action]int{invoicesync.ActionPosted: 32}, rep.Actions)
	assert.Equal(t, map[invoicesync.ErrorCode]int{
		invoicesync.CodeMappingTaxRateNotFound: 2, invoicesync.CodeAccountNumberNotActive: 2,
		invoicesync.CodePartnerNotFound: 2, invoicesync.CodePartnerValidation: 1, invoicesync.CodeContactNotFound: 1,
	}, rep.Codes)
	require.Len(t, rep.Outcomes, 50)
	for _, o := range rep.Outcomes {
		assert.Equal(t, wantStatus[o.InvoiceID], o.Status, o.InvoiceID)
		assert.Equal(t, wantCode[o.InvoiceID], o.Code, o.InvoiceID)
		st := h.state(o.InvoiceID)
		assert.Equal(t, o.Status, st.Status, o.InvoiceID)
		assert.Equal(t, o.Code, st.Code, o.InvoiceID)
		if o.Status == invoicesync.StateError {
			assert.ErrorIs(t, o.Err, sentinelOf(o.Code), o.InvoiceID)
			assert.NotEmpty(t, o.Resolution, o.InvoiceID)
			assert.False(t, o.Retryable, o.InvoiceID)
			assert.Equal(t, 1, st.Attempts, o.InvoiceID)
		}
	}
	assert.Equal(t, "the invoice has no PDF yet", h.state("inv-40").Message)
	assert.Equal(t, "status draft is not synchronized by the mapping", h.state("inv-33").Message)
	assert.Equal(t, "issued on 2025-12-20, before the synchronization start date 2026-01-01", h.state("inv-37").Message)
	assert.Equal(t, "000000000050", rep.Cursor)

	h.requireExactlyOnce(ids(1, 32)...)
	// Partners: 10 customers + Zeta created once each, 4 suppliers; GONE stays deleted.
	assert.Len(t, h.ledger.Partners(invoicesync.Customer), 11)
	assert.Len(t, h.ledger.Partners(invoicesync.Supplier), 4)
	assert.Equal(t, 11+4, h.ledger.Calls(memory.CreatePartner))
	// Every entry carries its PDF.
	for _, se := range h.ledger.Entries() {
		require.Len(t, se.Attachments, 1, se.Entry.Reference)
		assert.Equal(t, se.Entry.Reference+".pdf", se.Attachments[0].FileName)
	}
	// Notified once per outcome that is not skipped.
	assert.Equal(t, map[invoicesync.SyncStatus]int{
		invoicesync.StateSynchronized: 32, invoicesync.StateWaiting: 3, invoicesync.StateError: 8,
	}, h.notifications())

	// One sales entry, exactly.
	first := h.requirePosted(t, "inv-01", []want{
		{"411", "D", "120.00", "", invoicesync.KindPartner},
		{"706", "C", "100.00", "V20", invoicesync.KindRevenue},
		{"44571", "C", "20.00", "V20", invoicesync.KindVAT},
	})
	assert.Equal(t, "ACME SARL", first.Partner.Name)
	// One purchase entry, exactly.
	h.requirePosted(t, "inv-21", []want{
		{"401", "C", "60.00", "", invoicesync.KindPartner},
		{"607", "D", "50.00", "A20", invoicesync.KindExpense},
		{"44566", "D", "10.00", "A20", invoicesync.KindVAT},
	})

	// A second run changes nothing: no post, no notification, nothing new.
	// The waiting invoices are looked at again, and still wait.
	h.ledger.ResetCalls()
	rep2 := h.run()
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateWaiting: 3}, rep2.Statuses)
	assert.Equal(t, 0, h.ledger.Calls(memory.PostEntry))
	assert.Equal(t, 3, h.source.Calls(memory.Invoice))
	// RetryFailed tries the 8 errors again, and they fail the same way.
	rep3, err := h.syncer().RetryFailed(context.Background())
	require.NoError(t, err)
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateError: 8}, rep3.Statuses)
	assert.Equal(t, 2, h.state("inv-43").Attempts)
	// Nothing changed in either run: nobody is told again.
	assert.Equal(t, map[invoicesync.SyncStatus]int{
		invoicesync.StateSynchronized: 32, invoicesync.StateWaiting: 3, invoicesync.StateError: 8,
	}, h.notifications())
	h.requireExactlyOnce(ids(1, 32)...)
}

func TestWaitingInvoiceIsSynchronizedOnceItsPDFExists(t *testing.T) {
	h := newHarness(t)
	inv := sale("inv-01", 1, "ACME")
	inv.Attachments = nil
	h.source.Put(inv)

	rep := h.run()
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateWaiting: 1}, rep.Statuses)
	assert.Equal(t, 0, h.ledger.Len())

	// Still no PDF: still waiting, nothing posted.
	rep = h.run()
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateWaiting: 1}, rep.Statuses)

	// The PDF appears in the tool, to download; the invoice itself is not
	// otherwise changed and not re-streamed.
	h.source.PutAttachment("inv-01", "pdf-1", invoicesync.Document{FileName: "F-inv-01.pdf", MediaType: "application/pdf", Data: pdf})
	inv.Attachments = []invoicesync.AttachmentRef{{ID: "pdf-1", FileName: "F-inv-01.pdf", MediaType: "application/pdf"}}
	h.source.Put(inv)
	rep = h.run()
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 1}, rep.Statuses)
	h.requireExactlyOnce("inv-01")
	se := h.ledger.Entries()[0]
	require.Len(t, se.Attachments, 1)
	assert.Equal(t, pdf, se.Attachments[0].Data)
	assert.Equal(t, 1, h.source.Calls(memory.FetchAttachment))
}

func TestWaitingInvoiceRevisitedWithoutChange(t *testing.T) {
	// The tool adds the PDF without the invoice showing up as changed: the
	// run takes the waiting invoice up again by id.
	h := newHarness(t)
	inv := sale("inv-01", 1, "ACME")
	inv.Attachments = []invoicesync.AttachmentRef{{ID: "pdf-1", FileName: "F-inv-01.pdf", MediaType: "application/pdf"}}
	h.source.Put(inv)
	h.mapping.SyncWithoutAttachment = false

	rep := h.run()
	assert.Equal(t, map[invoicesync.ErrorCode]int{invoicesync.CodePDF: 1}, rep.Codes, "no file behind the reference")
	o, _ := rep.Outcome("inv-01")
	assert.Contains(t, o.Message, "the invoice's PDF could not be downloaded")

	h.source.PutAttachment("inv-01", "pdf-1", invoicesync.Document{FileName: "F-inv-01.pdf", Data: pdf})
	rep, err := h.syncer().RetryFailed(context.Background())
	require.NoError(t, err)
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 1}, rep.Statuses)
	h.requireExactlyOnce("inv-01")
}

func TestAttachmentThatIsNotAPDF(t *testing.T) {
	h := newHarness(t)
	inv := sale("inv-01", 1, "ACME")
	inv.Attachments[0].Data = []byte("<Invoice/>")
	h.source.Put(inv)
	rep := h.run()
	o, _ := rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.CodePDF, o.Code)
	assert.Equal(t, `ERROR_SYNC_INVOICE_PDF: invoice F-inv-01: the invoice's attachment F-inv-01.pdf is not a PDF (Attachments is "F-inv-01.pdf")`, o.Message)
	assert.Equal(t, 0, h.ledger.Len())
}

func TestSyncWithoutAttachment(t *testing.T) {
	h := newHarness(t)
	h.mapping.SyncWithoutAttachment = true
	inv := sale("inv-01", 1, "ACME")
	inv.Attachments = nil
	h.source.Put(inv)
	rep := h.run()
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 1}, rep.Statuses)
	h.requireExactlyOnce("inv-01")
	assert.Empty(t, h.ledger.Entries()[0].Attachments)
	assert.Equal(t, 0, h.ledger.Calls(memory.Attach))
}

func TestScopeSalesOnly(t *testing.T) {
	h := newHarness(t)
	h.mapping.Scope = invoicesync.ScopeSales
	h.putAll(sale("inv-01", 1, "ACME"), purchase("inv-02", "SUP1"))
	rep := h.run()
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 1, invoicesync.StateSkipped: 1}, rep.Statuses)
	assert.Equal(t, "out of scope: the mapping synchronizes sales invoices only", h.state("inv-02").Message)
	h.requireExactlyOnce("inv-01")
}

func TestEligibleStatusesOnlySent(t *testing.T) {
	h := newHarness(t)
	h.mapping.EligibleStatuses = []invoicesync.Status{invoicesync.StatusSent}
	paid := sale("inv-02", 1, "ACME")
	paid.Status = invoicesync.StatusPaid
	h.putAll(sale("inv-01", 1, "ACME"), paid)
	rep := h.run()
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 1, invoicesync.StateSkipped: 1}, rep.Statuses)
	assert.Equal(t, "status paid is not synchronized by the mapping", h.state("inv-02").Message)

	// Once synchronized, an invoice that becomes paid is not a change.
	sent := sale("inv-01", 1, "ACME")
	sent.Status = invoicesync.StatusPaid
	h.source.Put(sent)
	rep = h.run()
	o, _ := rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.StateSynchronized, o.Status)
	assert.Equal(t, invoicesync.ActionUnchanged, o.Action)
	h.requireExactlyOnce("inv-01")
}

func TestDraftsNeedALedgerThatKeepsThem(t *testing.T) {
	h := newHarness(t)
	h.mapping.Draft = true
	h.source.Put(sale("inv-01", 1, "ACME"))
	_, err := h.syncer().Run(context.Background())
	require.ErrorIs(t, err, invoicesync.ErrMappingInvalid)
	assert.Equal(t, 0, h.ledger.Len())

	h.ledger.SetDrafts(true)
	h.run()
	h.requireExactlyOnce("inv-01")
	assert.True(t, h.ledger.Entries()[0].Draft)
}

func TestJournalErrors(t *testing.T) {
	h := newHarness(t)
	h.mapping.Journals = invoicesync.JournalMapping{BySource: map[string]string{"SALES": "VT"}}
	noJournal := sale("inv-01", 1, "ACME")
	unmapped := sale("inv-02", 1, "ACME")
	unmapped.SourceJournal = "EXPORT"
	mapped := sale("inv-03", 1, "ACME")
	mapped.SourceJournal = "SALES"
	h.putAll(noJournal, unmapped, mapped)
	rep := h.run()
	assert.Equal(t, map[invoicesync.ErrorCode]int{
		invoicesync.CodeJournalNotLinked: 1, invoicesync.CodeMappingJournalNotFound: 1,
	}, rep.Codes)
	assert.Equal(t, invoicesync.CodeJournalNotLinked, h.state("inv-01").Code)
	assert.Equal(t, invoicesync.CodeMappingJournalNotFound, h.state("inv-02").Code)
	h.requireExactlyOnce("inv-03")
}

func TestSyncInvoiceOnDemand(t *testing.T) {
	h := newHarness(t)
	h.putAll(sale("inv-01", 1, "ACME"), sale("inv-02", 2, "ACME"))
	s := h.syncer()
	o, err := s.SyncInvoice(context.Background(), "inv-02")
	require.NoError(t, err)
	assert.Equal(t, invoicesync.StateSynchronized, o.Status)
	assert.Equal(t, invoicesync.ActionPosted, o.Action)
	assert.Equal(t, "E1", o.Entry.ID)
	h.requireExactlyOnce("inv-02")

	// Deposit the same again: nothing posted.
	o, err = s.SyncInvoice(context.Background(), "inv-02")
	require.NoError(t, err)
	assert.Equal(t, invoicesync.ActionUnchanged, o.Action)

	// The nightly run then posts the other one only.
	rep := h.run()
	assert.Equal(t, map[invoicesync.Action]int{invoicesync.ActionPosted: 1, invoicesync.ActionUnchanged: 1}, rep.Actions)
	h.requireExactlyOnce("inv-01", "inv-02")

	_, err = s.SyncInvoice(context.Background(), "nope")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
	_, err = h.store.Get(context.Background(), "nope")
	require.ErrorIs(t, err, invoicesync.ErrNotFound, "an unknown invoice leaves no state")
}

func TestPartnersMatchedByNumberAndVATNumber(t *testing.T) {
	h := newHarness(t)
	byNumber := h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Acme (ledger)", AuxiliaryAccount: "411ACME"})
	byVAT := h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Supplier, Name: "SUP1 (ledger)", VATNumber: "de136695976"})
	h.putAll(sale("inv-01", 1, "ACME"), purchase("inv-02", "SUP1"))
	rep := h.run()
	o1, _ := rep.Outcome("inv-01")
	o2, _ := rep.Outcome("inv-02")
	assert.Equal(t, "customer ACME SARL matched ledger customer Acme (ledger) ("+byNumber.ID+") by auxiliary account 411ACME", o1.Partner)
	assert.Equal(t, "supplier SUP1 GmbH matched ledger supplier SUP1 (ledger) ("+byVAT.ID+`) by VAT number DE136695976 (written "de136695976" in the ledger)`, o2.Partner)
	assert.Equal(t, &invoicesync.PartnerDecision{Action: invoicesync.PartnerMatched, Partner: byVAT, Rule: matching.RuleVATNumber,
		Value: "DE136695976", Explanation: o2.Partner}, o2.PartnerDecision)
	assert.Equal(t, 0, h.ledger.Calls(memory.CreatePartner))

	// The links are remembered: the next invoice of ACME asks the ledger nothing.
	h.ledger.ResetCalls()
	h.source.Put(sale("inv-03", 1, "ACME"))
	rep = h.run()
	o3, _ := rep.Outcome("inv-03")
	assert.Equal(t, "customer ACME SARL is linked to ledger partner Acme (ledger) ("+byNumber.ID+") since an earlier synchronization", o3.Partner)
	assert.Equal(t, 0, h.ledger.Calls(memory.FindPartners))
	assert.Equal(t, 0, h.ledger.Calls(memory.ListPartners))
	assert.Equal(t, invoicesync.PartnerLinked, o3.PartnerDecision.Action)
}

func TestAmbiguousPartnerIsNeverGuessed(t *testing.T) {
	h := newHarness(t)
	h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Acme 1", AuxiliaryAccount: "411ACME"})
	h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Acme 2", AuxiliaryAccount: "411ACME"})
	h.source.Put(sale("inv-01", 1, "ACME"))
	rep := h.run()
	o, _ := rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.CodePartnerAmbiguous, o.Code)
	assert.Equal(t, "ERROR_SYNC_INVOICE_PARTNER_AMBIGUOUS: invoice F-inv-01: 2 ledger customers have the auxiliary account 411ACME "+
		`(Acme 1 (P1), Acme 2 (P2)): which one is meant cannot be decided (Party.auxiliary_account is "411ACME")`, o.Message)
	assert.Equal(t, invoicesync.PartnerAmbiguous, o.PartnerDecision.Action)
	assert.Equal(t, []invoicesync.PartnerRef{{ID: "P1", Name: "Acme 1", AuxiliaryAccount: "411ACME"}, {ID: "P2", Name: "Acme 2", AuxiliaryAccount: "411ACME"}},
		o.PartnerDecision.Candidates)
	assert.Equal(t, "customer ACME SARL matches 2 ledger customers by auxiliary account 411ACME: Acme 1 (P1), Acme 2 (P2)", o.Partner)
	assert.Equal(t, 0, h.ledger.Len())
}

func TestUnlinkPartnerAfterItWasDeleted(t *testing.T) {
	h := newHarness(t)
	h.source.Put(sale("inv-01", 1, "ACME"))
	h.run()
	p := h.ledger.Partners(invoicesync.Customer)[0]
	require.True(t, h.ledger.DeletePartner(p.Ref.ID))

	h.source.Put(sale("inv-02", 1, "ACME"))
	rep := h.run()
	o, _ := rep.Outcome("inv-02")
	assert.Equal(t, invoicesync.CodePartnerNotFound, o.Code)
	assert.Equal(t, "restore the partner in the ledger, or unlink it (Syncer.UnlinkPartner) so that the next synchronization finds or creates it", o.Resolution)

	s := h.syncer()
	require.NoError(t, s.UnlinkPartner(context.Background(), invoicesync.Customer, "C-ACME"))
	rep, err := s.RetryFailed(context.Background())
	require.NoError(t, err)
	o, _ = rep.Outcome("inv-02")
	assert.Equal(t, invoicesync.StateSynchronized, o.Status)
	assert.Equal(t, "customer ACME SARL matches no ledger customer (auxiliary account 411ACME not found; VAT number not given; "+
		"registration id not given; name acme not found): created ACME SARL (P2)", o.Partner)
	h.requireExactlyOnce("inv-01", "inv-02")
}

func TestNewSyncerRefusesBadConfig(t *testing.T) {
	h := newHarness(t)
	cfg := h.cfg
	cfg.SourceID = ""
	_, err := invoicesync.NewSyncer(h.source, h.ledger, h.mapping, nil, cfg)
	assert.EqualError(t, err, "invoicesync: Config.SourceID is required: it keeps the idempotency keys of different sources apart")
	cfg = h.cfg
	cfg.OnChange = "ignore"
	_, err = invoicesync.NewSyncer(h.source, h.ledger, h.mapping, nil, cfg)
	assert.EqualError(t, err, `invoicesync: unknown Config.OnChange "ignore" (use "report" or "repost")`)
	for rules, want := range map[string]string{
		"":           "invoicesync: Config.MatchRules is empty: leave it nil for the default rules",
		"name,email": `invoicesync: unknown rule "email" in Config.MatchRules (use [auxiliary_account vat_number registration_id name])`,
		"name,name":  `invoicesync: rule "name" appears twice in Config.MatchRules`,
	} {
		cfg = h.cfg
		cfg.MatchRules = []matching.Rule{}
		for _, r := range strings.Split(rules, ",") {
			if r != "" {
				cfg.MatchRules = append(cfg.MatchRules, matching.Rule(r))
			}
		}
		_, err = invoicesync.NewSyncer(h.source, h.ledger, h.mapping, nil, cfg)
		assert.EqualError(t, err, want)
	}
	m := frenchMapping()
	m.Scope = "everything"
	_, err = invoicesync.NewSyncer(h.source, h.ledger, m, nil, h.cfg)
	assert.ErrorIs(t, err, invoicesync.ErrMappingInvalid)
}

func TestPartyKnownOnlyByNameIsCreatedOnce(t *testing.T) {
	h := newHarness(t)
	first := sale("inv-01", 1, "ACME")
	first.Party = &invoicesync.Party{Name: "Boulangerie Martin"}
	h.source.Put(first)
	h.run()
	second := sale("inv-02", 1, "ACME")
	second.Party = &invoicesync.Party{Name: "boulangerie martin "}
	h.source.Put(second)
	rep := h.run()
	o, _ := rep.Outcome("inv-02")
	assert.Equal(t, "customer boulangerie martin matched ledger customer Boulangerie Martin (P1) by name boulangerie martin", o.Partner)
	assert.Len(t, h.ledger.Partners(invoicesync.Customer), 1)
	h.requireExactlyOnce("inv-01", "inv-02")
}

// Every log record of a run names its source, so that a host with many
// tenants can filter; a disabled level receives nothing.
func TestLogRecordsNameTheSource(t *testing.T) {
	h := newHarness(t)
	var buf bytes.Buffer
	h.cfg.Logger = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	bad := sale("inv-02", 1, "ACME")
	bad.Totals.Gross = d("999.00")
	h.putAll(sale("inv-01", 1, "ACME"), bad)
	h.run()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 3, "one per invoice and one for the run")
	for _, l := range lines {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &rec), l)
		assert.Equal(t, "test-source", rec["source"], l)
	}

	buf.Reset()
	h.cfg.Logger = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelError}))
	h.putAll(sale("inv-03", 1, "ACME"))
	h.run()
	assert.Empty(t, buf.String())
}

// An invoice waiting for its PDF previews as waiting, with the entry its
// PDF's arrival would post, so that a host without PDFs sees what is meant.
func TestPreviewOfAWaitingInvoiceShowsItsEntry(t *testing.T) {
	h := newHarness(t)
	inv := sale("inv-01", 2, "ACME")
	inv.Attachments = nil
	h.putAll(inv)
	pvs, err := h.syncer().Preview(context.Background())
	require.NoError(t, err)
	require.Len(t, pvs, 1)
	assert.Equal(t, invoicesync.StateWaiting, pvs[0].Status)
	require.NotNil(t, pvs[0].Entry)
	requireBalanced(t, pvs[0].Entry)
	assertLines(t, pvs[0].Entry, []want{
		{"411", "D", "240.00", "", partner},
		{"706", "C", "200.00", "V20", revenue},
		{"44571", "C", "40.00", "V20", vatLine},
	})
	assert.Contains(t, pvs[0].Explanation, "once the PDF is there, this entry would be posted:")
	assert.Empty(t, h.ledger.Entries())
}
