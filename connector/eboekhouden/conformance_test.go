package eboekhouden_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/eboekhouden"
	"github.com/invoicesync/invoicesync/connector/eboekhouden/eboekhoudentest"
	"github.com/invoicesync/invoicesync/connector/ledgertest"
)

// categories gives the suite's accounts the ledger categories e-Boekhouden
// needs: the customers account is a debtor ledger, the suppliers account a
// creditor ledger, the VAT accounts VAT ledgers.
var categories = map[string]string{
	ledgertest.AccountCustomers:     "DEB",
	ledgertest.AccountSuppliers:     "CRED",
	ledgertest.AccountVATCollected:  "AFOVERIG",
	ledgertest.AccountVATDeductible: "VOOR",
	ledgertest.AccountSales:         "VW",
	ledgertest.AccountPurchases:     "VW",
}

// harness runs the conformance suite against an e-Boekhouden ledger on the
// fake server, seeded with the suite's chart: accounts as ledgers (the
// inactive one named in Options.InactiveAccounts, as the API has no active
// flag), the suite's VAT codes (20 %, 10 %, 19.6 %: no Dutch rate) as
// divergent codes, its journals as codes of the invoice mutation types.
type harness struct {
	srv    *eboekhoudentest.Server
	ledger *eboekhouden.Ledger
	opts   eboekhouden.Options
}

func newHarness(context.Context, *testing.T) (ledgertest.Harness, error) { return &harness{}, nil }

func (h *harness) MakeLedger(_ context.Context, chart ledgertest.Chart) (invoicesync.LedgerTarget, error) {
	h.srv = eboekhoudentest.NewServer(eboekhoudentest.Options{})
	var inactive []string
	for _, a := range chart.Accounts {
		cat := categories[a.Number]
		if cat == "" {
			cat = "BAL"
		}
		h.srv.AddLedger(a.Number, a.Name, cat)
		if !a.Active {
			inactive = append(inactive, a.Number)
		}
	}
	journals := map[string]eboekhouden.MutationType{}
	for _, j := range chart.Journals {
		journals[j.Code] = eboekhouden.InvoiceSent
		if j.Type == "purchase" {
			journals[j.Code] = eboekhouden.InvoiceReceived
		}
	}
	h.opts = eboekhouden.Options{
		BaseURL:          h.srv.URL(),
		AccessToken:      eboekhoudentest.DefaultAccessToken,
		Tenant:           "conformance",
		InactiveAccounts: inactive,
		DivergentCodes:   chart.VATCodes,
		Journals:         journals,
	}
	l, err := eboekhouden.New(h.opts)
	h.ledger = l
	return l, err
}

// Entries reads every mutation back through the API, as e-Boekhouden keeps it.
func (h *harness) Entries(ctx context.Context) ([]ledgertest.Stored, error) {
	var out []ledgertest.Stored
	for _, m := range h.srv.Mutations() {
		id := strconv.Itoa(m.ID)
		e, err := h.ledger.Mutation(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, ledgertest.Stored{Ref: invoicesync.EntryRef{ID: id}, Entry: e})
	}
	return out, nil
}

// Reopen starts a new Ledger (a new process) against the same administration.
func (h *harness) Reopen(context.Context) (invoicesync.LedgerTarget, error) {
	l, err := eboekhouden.New(h.opts)
	h.ledger = l
	return l, err
}

func (h *harness) Close() {
	if h.srv != nil {
		h.srv.Close()
	}
}

func TestConformance(t *testing.T) {
	ledgertest.RunConformance(t, newHarness)
}
