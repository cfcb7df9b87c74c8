package invoicesync_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// A sales invoice of 2 × 49.99 at 20 % and 3 × 12.35 at 5.5 %, with a 10 %
// discount per VAT rate, becomes one balanced entry: the discount is spread
// over the revenue lines, the VAT comes from the declared breakdown.
func ExampleBuildEntry() {
	dec := decimal.RequireFromString
	rate := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(dec(s)) }

	chart := invoicesync.NewChart(
		[]invoicesync.Account{
			{Number: "411", Name: "Clients", Active: true},
			{Number: "706", Name: "Prestations de services", Active: true},
			{Number: "44571", Name: "TVA collectée", Active: true},
			{Number: "758", Name: "Produits divers", Active: true},
			{Number: "658", Name: "Charges diverses", Active: true},
		},
		[]invoicesync.VATCode{
			{Code: "V20", Name: "TVA 20 %", Rate: dec("20"), Direction: invoicesync.Sales, Account: "44571", Active: true},
			{Code: "V55", Name: "TVA 5,5 %", Rate: dec("5.5"), Direction: invoicesync.Sales, Account: "44571", Active: true},
		},
		[]invoicesync.Journal{{Code: "VT", Name: "Ventes"}},
	)
	mapping := &invoicesync.Mapping{
		SalesVAT: []invoicesync.VATRule{
			{Category: "S", Rate: rate("20"), Code: "V20"},
			{Category: "S", Rate: rate("5.5"), Code: "V55"},
		},
		Journals: invoicesync.JournalMapping{Sales: "VT"},
		Accounts: invoicesync.Accounts{SalesDefault: "706", CustomerCollective: "411", CreditRounding: "758", DebitRounding: "658"},
	}
	invoice := &invoicesync.Invoice{
		ID: "42", Number: "F-2026-0042", Kind: invoicesync.KindInvoice, Direction: invoicesync.Sales,
		IssueDate: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), Currency: "EUR",
		Party: &invoicesync.Party{Name: "Dupont SARL", Country: "FR"},
		Lines: []invoicesync.Line{
			{Description: "Consulting", Quantity: dec("2"), UnitPrice: dec("49.99"), NetAmount: dec("99.98"), VATCategory: "S", VATRate: rate("20")},
			{Description: "Books", Quantity: dec("3"), UnitPrice: dec("12.35"), NetAmount: dec("37.05"), VATCategory: "S", VATRate: rate("5.5")},
		},
		Allowances: []invoicesync.AllowanceCharge{
			{Amount: dec("10.00"), Reason: "Discount 10 %", VATCategory: "S", VATRate: rate("20")},
			{Amount: dec("3.71"), Reason: "Discount 10 %", VATCategory: "S", VATRate: rate("5.5")},
		},
		Totals: invoicesync.Totals{
			LineTotal: dec("137.03"), AllowanceTotal: dec("13.71"), Net: dec("123.32"),
			VAT: dec("19.83"), Gross: dec("143.15"), Payable: dec("143.15"),
		},
		VATBreakdown: []invoicesync.VATSubtotal{
			{Category: "S", Rate: rate("20"), TaxableAmount: dec("89.98"), TaxAmount: dec("18.00")},
			{Category: "S", Rate: rate("5.5"), TaxableAmount: dec("33.34"), TaxAmount: dec("1.83")},
		},
	}

	entry, err := invoicesync.BuildEntry(invoice, mapping, chart, invoicesync.PartnerRef{ID: "C-7", Name: "Dupont SARL"})
	if err != nil {
		fmt.Println(invoicesync.Code(err), err)
		return
	}
	fmt.Println(entry.Journal, entry.Date.Format(time.DateOnly), entry.Reference)
	for _, l := range entry.Lines {
		fmt.Printf("%-6s %-4s %7s %8s  %s\n", l.Account, l.VATCode, l.Debit.StringFixed(2), l.Credit.StringFixed(2), l.Label)
	}

	// An unmapped VAT rate is an error a person can act on.
	invoice.Lines[1].VATRate = rate("10")
	_, err = invoicesync.BuildEntry(invoice, mapping, chart, invoicesync.PartnerRef{ID: "C-7"})
	var se *invoicesync.SyncError
	if errors.As(err, &se) {
		fmt.Println(se.Code)
		fmt.Println(se.Resolution)
	}
	// Output:
	// VT 2026-03-14 F-2026-0042
	// 411          143.15     0.00  Dupont SARL
	// 706    V20     0.00    89.98  Consulting
	// 706    V55     0.00    33.34  Books
	// 44571  V20     0.00    18.00  TVA 20 %
	// 44571  V55     0.00     1.83  TVA 5,5 %
	// ERROR_SYNC_INVOICE_MAPPING_TAX_RATE_NOT_FOUND
	// add a VAT code for sales category S, rate 10 % in the mapping (sales_vat)
}

// A host application wires a source, a target, a mapping and a state store
// into a Syncer, then runs it nightly or on demand.
func ExampleSyncer() {
	ctx := context.Background()
	ledger := memory.NewLedger()
	ledger.AddAccounts(frenchAccounts()...)
	ledger.AddVATCodes(frenchVATCodes()...)
	ledger.AddJournals(frenchJournals()...)

	source := memory.NewSource()
	good := hundredAt20()
	good.Attachments = []invoicesync.AttachmentRef{{FileName: "F-2026-0001.pdf", Data: []byte("%PDF-1.7")}}
	unmapped := hundredAt20()
	unmapped.ID, unmapped.Number = "inv-2", "F-2026-0002"
	unmapped.Lines[0].VATRate = rate("2.1")
	unmapped.Totals = totals("100.00", "0", "100.00", "2.10", "102.10")
	unmapped.Attachments = good.Attachments
	source.Put(*good)
	source.Put(*unmapped)

	s, err := invoicesync.NewSyncer(source, ledger, frenchMapping(), invoicesync.NewMemoryStore(), invoicesync.Config{
		SourceID: "example-tool/tenant-1",
		Notifier: invoicesync.NotifierFunc(func(_ context.Context, n invoicesync.Notification) {
			// The host sends its e-mail or webhook here.
		}),
	})
	if err != nil {
		panic(err)
	}
	report, err := s.Run(ctx)
	if err != nil {
		panic(err)
	}
	for _, id := range []string{"inv-1", "inv-2"} {
		o, _ := report.Outcome(id)
		if o.Status == invoicesync.StateError {
			fmt.Println(o.Number, o.Status, o.Code)
			fmt.Println("  ", o.Resolution)
			continue
		}
		fmt.Println(o.Number, o.Status, o.Entry.Number)
	}
	fmt.Println("entries in the ledger:", ledger.Len())
	// Output:
	// F-2026-0001 synchronized 2026-000001
	// F-2026-0002 error ERROR_SYNC_INVOICE_MAPPING_TAX_RATE_NOT_FOUND
	//    add a VAT code for sales category S, rate 2.1 % in the mapping (sales_vat)
	// entries in the ledger: 1
}

// A company that starts invoicing with a ledger that already knows its
// customers imports them first: each ledger customer is found among the
// invoicing tool's contacts by its customer number (then VAT number,
// registration id, name), or created there, and linked.
func ExampleSyncer_ImportPartners() {
	ctx := context.Background()
	ledger := memory.NewLedger()
	ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Dupont SARL", AuxiliaryAccount: "411DUPONT"})
	ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Martin & Fils", AuxiliaryAccount: "411MARTIN"})
	source := memory.NewSource()
	source.PutContact("K-7", invoicesync.Party{Name: "Boulangerie Dupont", AuxiliaryAccount: "411 dupont"})

	s, err := invoicesync.NewSyncer(source, ledger, frenchMapping(), nil, invoicesync.Config{SourceID: "example-tool/tenant-1"})
	if err != nil {
		panic(err)
	}
	for range 2 {
		rep, err := s.ImportPartners(ctx, invoicesync.Customer)
		if err != nil {
			panic(err)
		}
		fmt.Printf("created %d, matched %d, ambiguous %d\n", rep.Created, rep.Matched, rep.Ambiguous)
		for _, it := range rep.Items {
			fmt.Println("  ", it.Explanation)
		}
	}
	// Output:
	// created 1, matched 1, ambiguous 0
	//    ledger customer Dupont SARL (P1) matched contact Boulangerie Dupont (K-7) by auxiliary account 411DUPONT
	//    ledger customer Martin & Fils (P2) matches no contact (auxiliary account 411MARTIN not found; VAT number not given; registration id not given; name martin fils not found): created contact K1
	// created 0, matched 2, ambiguous 0
	//    ledger customer Dupont SARL (P1) is linked to contact K-7 by an earlier import or synchronization
	//    ledger customer Martin & Fils (P2) is linked to contact K1 by an earlier import or synchronization
}
