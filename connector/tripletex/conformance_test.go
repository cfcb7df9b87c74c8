package tripletex_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/ledgertest"
	"github.com/invoicesync/invoicesync/connector/tripletex"
	"github.com/invoicesync/invoicesync/connector/tripletex/tripletextest"
)

// harness runs the conformance suite against a Tripletex ledger on the
// fake server, seeded with the suite's chart: accounts by number, VAT codes
// as VAT types (the inactive one has no VAT account, so the adapter lists
// it inactive), journals as voucher types. The company currency is EUR, the
// suite's.
type harness struct {
	t      *testing.T
	srv    *tripletextest.Server
	ledger *tripletex.Ledger
	opts   tripletex.Options
}

func newHarness(_ context.Context, t *testing.T) (ledgertest.Harness, error) {
	return &harness{t: t}, nil
}

func (h *harness) MakeLedger(_ context.Context, chart ledgertest.Chart) (invoicesync.LedgerTarget, error) {
	h.srv = tripletextest.NewServer(tripletextest.Options{CompanyCurrency: "EUR"})
	for _, a := range chart.Accounts {
		n, err := strconv.Atoi(a.Number)
		if err != nil {
			h.t.Fatalf("account number %q is not an integer", a.Number)
		}
		h.srv.AddAccount(n, a.Name, tripletextest.AccountOptions{Inactive: !a.Active})
	}
	vatAccounts := map[string]string{}
	for _, v := range chart.VATCodes {
		acc, _ := strconv.Atoi(v.Account)
		h.srv.AddVATType(v.Code, v.Name, v.Rate, acc)
		if v.Active {
			vatAccounts[v.Code] = v.Account
		}
	}
	for _, j := range chart.Journals {
		h.srv.AddVoucherType(j.Code)
	}
	h.opts = tripletex.Options{
		BaseURL:       h.srv.URL(),
		ConsumerToken: tripletextest.DefaultConsumerToken,
		EmployeeToken: tripletextest.DefaultEmployeeToken,
		Currency:      "EUR",
		VATAccounts:   vatAccounts,
		Tenant:        "conformance",
	}
	l, err := tripletex.New(h.opts)
	h.ledger = l
	return hide(l), err
}

// Entries reads every voucher back through the API, as Tripletex keeps it.
func (h *harness) Entries(ctx context.Context) ([]ledgertest.Stored, error) {
	var out []ledgertest.Stored
	for _, v := range h.srv.Vouchers() {
		id := strconv.FormatInt(v.ID, 10)
		e, err := h.ledger.Voucher(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, ledgertest.Stored{Ref: invoicesync.EntryRef{ID: id}, Entry: e})
	}
	return out, nil
}

// Reopen starts a new Ledger (a new process) against the same company.
func (h *harness) Reopen(context.Context) (invoicesync.LedgerTarget, error) {
	l, err := tripletex.New(h.opts)
	h.ledger = l
	return hide(l), err
}

func (h *harness) Close() {
	if h.srv != nil {
		h.srv.Close()
	}
}

// withoutAttacher hides Ledger.Attach from the suite: Tripletex accepts only
// PDF and images, and appends a further file to the voucher's one attachment,
// so the suite's attachment contract (an XML file; one document per name)
// cannot hold. TestAttach checks what Tripletex does instead.
type withoutAttacher struct {
	invoicesync.LedgerTarget // only its methods are promoted
	l                        *tripletex.Ledger
}

func hide(l *tripletex.Ledger) withoutAttacher { return withoutAttacher{l, l} }

// SupportsDrafts is promoted explicitly, to keep DraftPoster.
func (w withoutAttacher) SupportsDrafts() bool { return w.l.SupportsDrafts() }

// ListPartners is promoted explicitly, to keep PartnerLister.
func (w withoutAttacher) ListPartners(ctx context.Context, role invoicesync.PartnerRole) ([]invoicesync.Partner, error) {
	return w.l.ListPartners(ctx, role)
}

func TestConformance(t *testing.T) {
	ledgertest.RunConformance(t, newHarness)
}
