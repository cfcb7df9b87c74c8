package getmyinvoices_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
	"github.com/invoicesync/invoicesync/connector/getmyinvoices"
	gmi "github.com/invoicesync/invoicesync/connector/getmyinvoices/getmyinvoicestest"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// syncer makes a Syncer from src into ledger, under the demo mapping of
// the invoices src holds (its chart added to ledger).
func syncer(t *testing.T, src *getmyinvoices.Source, ledger *memory.Ledger) *invoicesync.Syncer {
	t.Helper()
	var invs []*invoicesync.Invoice
	for inv, err := range src.Changed(context.Background(), "") {
		require.NoError(t, err)
		invs = append(invs, &inv)
	}
	demo := einvoice.Demo(invs...)
	ledger.AddAccounts(demo.Accounts...)
	ledger.AddVATCodes(demo.VATCodes...)
	ledger.AddJournals(demo.Journals...)
	s, err := invoicesync.NewSyncer(src, ledger, demo.Mapping, invoicesync.NewMemoryStore(), invoicesync.Config{SourceID: "gmi/test", Concurrency: 1})
	require.NoError(t, err)
	return s
}

// Purchase invoices of GetMyInvoices reach the ledger exact to the cent:
// each entry balances, and its lines are the fake's figures.
func TestPurchasesSyncIntoLedger(t *testing.T) {
	f := newFixture(t, gmi.Options{}, getmyinvoices.Options{})
	nordlicht := f.srv.AddCompany(gmi.Company{Name: "Nordlicht Bürobedarf GmbH", VATID: "DE222222226", TaxNumber: "21/815/08150", Country: "DE"})
	f.srv.AddDocument(purchase("NL-2026-0311", "2026-03-11", nordlicht, "1234.56"))
	f.srv.AddDocument(purchase("NL-2026-0312", "2026-03-12", nordlicht, "99.99"))
	ledger := memory.NewLedger()
	s := syncer(t, f.src, ledger)
	rep, err := s.Run(context.Background())
	require.NoError(t, err)
	require.Len(t, rep.Outcomes, 2)
	for _, o := range rep.Outcomes {
		require.Equal(t, invoicesync.ActionPosted, o.Action, "%s: %s", o.Number, o.Message)
	}

	// 1234.56 at 19 % is 234.5664 of VAT, declared as 234.57; 99.99 at
	// 19 % is 18.9981, declared as 19.00.
	want := map[string][]string{
		"NL-2026-0311": {
			"401000 D 0.00 C 1490.53 ", "607000 D 1234.56 C 0.00 A-S19", "607000 D 20.00 C 0.00 A-S7",
			"445660 D 234.57 C 0.00 A-S19", "445660 D 1.40 C 0.00 A-S7",
		},
		"NL-2026-0312": {
			"401000 D 0.00 C 140.39 ", "607000 D 99.99 C 0.00 A-S19", "607000 D 20.00 C 0.00 A-S7",
			"445660 D 19.00 C 0.00 A-S19", "445660 D 1.40 C 0.00 A-S7",
		},
	}
	entries := ledger.Entries()
	require.Len(t, entries, 2)
	for _, e := range entries {
		require.NoError(t, e.Entry.Check(), "entry %s balances", e.Entry.Reference)
		require.Equal(t, "HA", e.Entry.Journal)
		require.Equal(t, "Nordlicht Bürobedarf GmbH", e.Entry.Partner.Name)
		var got []string
		for _, l := range e.Entry.Lines {
			got = append(got, fmt.Sprintf("%s D %s C %s %s", l.Account, l.Debit.StringFixed(2), l.Credit.StringFixed(2), l.VATCode))
		}
		require.Equal(t, want[e.Entry.Reference], got, "entry %s", e.Entry.Reference)
		require.Len(t, e.Attachments, 1, "the PDF is attached")
		require.Equal(t, "%PDF-1.4 "+e.Entry.Reference, string(e.Attachments[0].Data))
	}

	again, err := s.Run(context.Background())
	require.NoError(t, err)
	for _, o := range again.Outcomes {
		require.NotEqual(t, invoicesync.ActionPosted, o.Action, "%s posted twice", o.Number)
	}
	require.Len(t, ledger.Entries(), 2)
}
