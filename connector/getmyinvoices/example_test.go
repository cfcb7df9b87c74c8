package getmyinvoices_test

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/getmyinvoices"
	gmi "github.com/invoicesync/invoicesync/connector/getmyinvoices/getmyinvoicestest"
)

// List the incoming invoices of a GetMyInvoices account (here the local
// fake): each is read with its line items, and one whose line items and VAT
// GetMyInvoices does not hold comes in error, saying so, without stopping
// the others.
func ExampleSource() {
	fake := gmi.NewServer(gmi.Options{})
	defer fake.Close()
	n := func(v string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(v)) }
	supplier := fake.AddCompany(gmi.Company{Name: "Büro Schmidt GmbH", VATID: "DE811907980"})
	fake.AddDocument(gmi.Document{Type: gmi.IncomingInvoice, Number: "BS-0417", Date: "2026-11-04", Currency: "EUR",
		Net: n("259.60"), VAT: n("49.32"), Gross: n("308.92"), CompanyUID: supplier, FileName: "BS-0417.pdf", File: []byte("%PDF"),
		LineItems: []gmi.LineItem{{Description: "Desk lamps", Quantity: n("4"), UnitNetPrice: n("64.90"), TaxPercentage: n("19"), TotalGross: n("308.92")}}})
	fake.AddDocument(gmi.Document{Type: gmi.IncomingInvoice, Number: "BS-0422", Date: "2026-11-20", Currency: "EUR",
		Gross: n("95.20"), CompanyUID: supplier})

	src, err := getmyinvoices.New(getmyinvoices.Options{APIKey: fake.APIKey(), BaseURL: fake.URL(), HTTPClient: fake.Client()})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	for inv, err := range src.Changed(ctx, "") {
		if err != nil {
			fmt.Println(inv.Number, invoicesync.Code(err))
			continue
		}
		party, err := src.Contact(ctx, inv.ContactRef)
		if err != nil {
			panic(err)
		}
		fmt.Println(inv.Number, inv.Direction, party.Name, party.VATNumber, inv.Totals.Gross.StringFixed(2), inv.Attachments[0].FileName)
		for _, l := range inv.Lines {
			fmt.Println(" ", l.Description, l.Quantity, "×", l.UnitPrice.StringFixed(2), "=", l.NetAmount.StringFixed(2), l.VATCategory, l.VATRate.Decimal)
		}
	}
	// Output:
	// BS-0417 purchase Büro Schmidt GmbH DE811907980 308.92 BS-0417.pdf
	//   Desk lamps 4 × 64.90 = 259.60 S 19
	// BS-0422 ERROR_SYNC_INVOICE_LINE_VALIDATION
}
