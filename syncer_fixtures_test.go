package invoicesync_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
	"github.com/invoicesync/invoicesync/matching"
)

// clock is the fixed time of the Syncer tests.
var clock = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

// pdf is a minimal document that passes the PDF check.
var pdf = []byte("%PDF-1.7\n% test invoice\n%%EOF\n")

// harness is a fake source and ledger with the French chart, a state store,
// the French mapping, and a recorder of notifications.
type harness struct {
	t       testing.TB
	ledger  *memory.Ledger
	source  *memory.Source
	store   invoicesync.StateStore
	mapping *invoicesync.Mapping
	cfg     invoicesync.Config

	mu    sync.Mutex
	notes []invoicesync.Notification
}

func newHarness(t testing.TB) *harness {
	h := &harness{t: t, ledger: memory.NewLedger(), source: memory.NewSource(), store: invoicesync.NewMemoryStore(), mapping: frenchMapping()}
	h.ledger.AddAccounts(frenchAccounts()...)
	h.ledger.AddVATCodes(frenchVATCodes()...)
	h.ledger.AddJournals(frenchJournals()...)
	h.cfg = invoicesync.Config{
		SourceID:   "test-source",
		Now:        func() time.Time { return clock },
		RetryDelay: time.Millisecond,
		Notifier: invoicesync.NotifierFunc(func(_ context.Context, n invoicesync.Notification) {
			h.mu.Lock()
			h.notes = append(h.notes, n)
			h.mu.Unlock()
		}),
	}
	return h
}

// syncer makes a Syncer over the harness's parts.
func (h *harness) syncer() *invoicesync.Syncer {
	h.t.Helper()
	s, err := invoicesync.NewSyncer(h.source, h.ledger, h.mapping, h.store, h.cfg)
	require.NoError(h.t, err)
	return s
}

// run makes a Syncer and runs it once, requiring no run error.
func (h *harness) run() *invoicesync.Report {
	h.t.Helper()
	rep, err := h.syncer().Run(context.Background())
	require.NoError(h.t, err)
	return rep
}

// notifications returns the number of notifications by status.
func (h *harness) notifications() map[invoicesync.SyncStatus]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := map[invoicesync.SyncStatus]int{}
	for _, x := range h.notes {
		n[x.Status]++
	}
	return n
}

// state returns the stored state of invoice id.
func (h *harness) state(id string) invoicesync.State {
	h.t.Helper()
	st, err := h.store.Get(context.Background(), id)
	require.NoError(h.t, err, id)
	return st
}

// requirePosted returns the entry the ledger holds for invoice id, under
// the key its state names, and checks its lines against want.
func (h *harness) requirePosted(t *testing.T, id string, want []want) *invoicesync.Entry {
	t.Helper()
	se, ok := h.ledger.Entry(h.state(id).Synced.Key)
	require.True(t, ok, id)
	assertLines(t, &se.Entry, want)
	return &se.Entry
}

// requireExactlyOnce checks that the ledger holds exactly one entry per
// invoice of ids, keyed as the invoice's state says, every entry balanced,
// and no other entry.
func (h *harness) requireExactlyOnce(ids ...string) {
	h.t.Helper()
	byKey := map[string]int{}
	for _, se := range h.ledger.Entries() {
		requireBalanced(h.t, &se.Entry)
		byKey[se.Entry.IdempotencyKey]++
	}
	for _, id := range ids {
		st := h.state(id)
		require.Equal(h.t, invoicesync.StateSynchronized, st.Status, id)
		require.NotNil(h.t, st.Synced, id)
		require.Equal(h.t, 1, byKey[st.Synced.Key], "entries of %s", id)
	}
	require.Len(h.t, h.ledger.Entries(), len(ids))
	require.Len(h.t, byKey, len(ids))
}

// sale is a sales invoice of qty × 100.00 at 20 % to customer c, with an
// embedded PDF; the customer's number is 411<c> and its source id C-<c>.
func sale(id string, qty int, c string) invoicesync.Invoice {
	net := fmt.Sprintf("%d.00", 100*qty)
	vat := fmt.Sprintf("%d.00", 20*qty)
	gross := fmt.Sprintf("%d.00", 120*qty)
	inv := invoicesync.Invoice{
		ID: id, Number: "F-" + id, Kind: invoicesync.KindInvoice, Direction: invoicesync.Sales,
		IssueDate: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), Currency: "EUR", Status: invoicesync.StatusSent,
		Party:  &invoicesync.Party{SourceID: "C-" + c, Name: c + " SARL", AuxiliaryAccount: "411" + c, Country: "FR"},
		Lines:  []invoicesync.Line{line(fmt.Sprint(qty), "100", net, "S", "20")},
		Totals: totals(net, "0", net, vat, gross),
	}
	inv.Lines[0].Description = "Consulting"
	return withPDF(inv)
}

// withPDF embeds a PDF named after the invoice number.
func withPDF(inv invoicesync.Invoice) invoicesync.Invoice {
	inv.Attachments = []invoicesync.AttachmentRef{
		{ID: "pdf-" + inv.ID, FileName: inv.Number + ".pdf", MediaType: "application/pdf", Data: pdf},
	}
	return inv
}

// germanVAT returns a valid German VAT number, written with dots, that is
// different for each supplier name: "SUP1" gives "DE 136.695.976".
func germanVAT(supplier string) string {
	first8 := "13669597"
	if supplier != "SUP1" {
		h := fnv.New32a()
		h.Write([]byte(supplier))
		first8 = fmt.Sprintf("%08d", 10000000+h.Sum32()%89999999)
	}
	for d := '0'; d <= '9'; d++ {
		raw := "DE " + first8[:3] + "." + first8[3:6] + "." + first8[6:] + string(d)
		if _, err := matching.NormalizeVAT(raw, ""); err == nil {
			return raw
		}
	}
	panic("no check digit for " + first8)
}

// purchase is a purchase invoice of 50.00 at 20 % from supplier s.
func purchase(id, s string) invoicesync.Invoice {
	inv := sale(id, 1, s)
	inv.Number = "A-" + id
	inv.Direction = invoicesync.Purchase
	inv.Party = &invoicesync.Party{SourceID: "S-" + s, Name: s + " GmbH", VATNumber: germanVAT(s), Country: "DE"}
	inv.Lines = []invoicesync.Line{line("1", "50", "50.00", "S", "20")}
	inv.Lines[0].Description = "Paper"
	inv.Totals = totals("50.00", "0", "50.00", "10.00", "60.00")
	return withPDF(inv)
}

// creditNote is a sales credit note of 100.00 at 20 % to customer c.
func creditNote(id, c string) invoicesync.Invoice {
	inv := sale(id, 1, c)
	inv.Number = "AV-" + id
	inv.Kind = invoicesync.KindCreditNote
	return withPDF(inv)
}

// putAll puts invoices into the harness's source.
func (h *harness) putAll(invs ...invoicesync.Invoice) {
	for _, inv := range invs {
		h.source.Put(inv)
	}
}

// ids returns "inv-<from>" ... "inv-<to>" with two digits.
func ids(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("inv-%02d", i))
	}
	return out
}
