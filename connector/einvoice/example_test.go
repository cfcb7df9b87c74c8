package einvoice_test

import (
	"context"
	"fmt"
	"os"
	"testing/fstest"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// Parse an XRechnung invoice the company issued (its VAT number is the
// seller's, so the invoice is a sale) and build its entry under the demo
// mapping. The invoice declares a payable rounding of 0.01 (BT-114).
func ExampleParser_Parse() {
	f, err := os.Open("testdata/xrechnung--01.17a-INVOICE_uncefact.xml")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	p := &einvoice.Parser{Company: []string{"DE 123 456 789"}}
	inv, err := p.Parse(f)
	if err != nil {
		panic(err)
	}
	if err := einvoice.Check(&inv); err != nil {
		panic(err)
	}
	fmt.Println(inv.Number, inv.Direction, inv.Party.Name, inv.Totals.Payable)

	demo := einvoice.Demo(&inv)
	e, err := invoicesync.BuildEntry(&inv, demo.Mapping, demo.Chart(), invoicesync.PartnerRef{ID: "S1"})
	if err != nil {
		panic(err)
	}
	for _, l := range e.Lines {
		fmt.Printf("%-8s %-9s %8s %8s\n", l.Kind, l.Account, l.Debit.StringFixed(2), l.Credit.StringFixed(2))
	}
	// Output:
	// 123456XX sales [Buyer name] 336.91
	// partner  411000      336.91     0.00
	// revenue  706000        0.00   314.86
	// vat      445710        0.00    22.04
	// rounding 758000        0.00     0.01
}

// A folder of e-invoices as the Syncer's source: each file is posted once
// into the ledger (here the memory fake), and a file that is not a readable
// invoice is reported without stopping the others.
func ExampleSource() {
	good, err := os.ReadFile("testdata/en16931--Invoice-Min_content_with_VAT.xml")
	if err != nil {
		panic(err)
	}
	folder := fstest.MapFS{ // os.DirFS("/path/to/inbox") in real life
		"2026/11/invoice-1.xml": {Data: good},
		"2026/11/invoice-2.xml": {Data: []byte("<Invoice>")},
	}
	src := einvoice.NewSource(folder, &einvoice.Parser{Company: []string{"SE123451234501"}})

	inv, _ := src.Invoice(context.Background(), "2026/11/invoice-1.xml")
	demo := einvoice.Demo(&inv)
	ledger := memory.NewLedger()
	ledger.AddAccounts(demo.Accounts...)
	ledger.AddVATCodes(demo.VATCodes...)
	ledger.AddJournals(demo.Journals...)
	s, err := invoicesync.NewSyncer(src, ledger, demo.Mapping, invoicesync.NewMemoryStore(), invoicesync.Config{SourceID: "inbox", Concurrency: 1})
	if err != nil {
		panic(err)
	}
	rep, err := s.Run(context.Background())
	if err != nil {
		panic(err)
	}
	for _, o := range rep.Outcomes {
		line := o.InvoiceID + " " + string(o.Status)
		if o.Code != "" {
			line += " " + string(o.Code)
		}
		fmt.Println(line)
	}
	fmt.Println(len(ledger.Entries()), "entry posted")
	// Output:
	// 2026/11/invoice-1.xml synchronized
	// 2026/11/invoice-2.xml error ERROR_SYNC_INVOICE_UNREADABLE
	// 1 entry posted
}
