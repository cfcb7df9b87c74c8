// Command quickstart turns one invoice into one balanced accounting entry
// with invoicesync's builder and prints it. It needs nothing but Go:
//
//	go run ./examples/quickstart
//
// It shows the three inputs of the builder — the ledger's chart, the
// customer's Mapping, the invoice — and the typed error of an unmapped VAT rate.
package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
)

func main() {
	dec := decimal.RequireFromString
	rate := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(dec(s)) }

	// 1. The ledger's chart, fetched once per run (here written by hand; a
	//    connector's LedgerTarget gives it through invoicesync.LoadChart).
	chart := invoicesync.NewChart(
		[]invoicesync.Account{
			{Number: "411", Name: "Customers", Active: true},
			{Number: "706", Name: "Services", Active: true},
			{Number: "709", Name: "Discounts granted", Active: true},
			{Number: "44571", Name: "VAT collected", Active: true},
			{Number: "758", Name: "Rounding gains", Active: true},
			{Number: "658", Name: "Rounding losses", Active: true},
		},
		[]invoicesync.VATCode{
			{Code: "V20", Name: "VAT 20 %", Rate: dec("20"), Direction: invoicesync.Sales, Account: "44571", Active: true},
			{Code: "V55", Name: "VAT 5.5 %", Rate: dec("5.5"), Direction: invoicesync.Sales, Account: "44571", Active: true},
		},
		[]invoicesync.Journal{{Code: "VT", Name: "Sales"}},
	)

	// 2. The customer's mapping: stored as JSON per customer of the host application.
	mapping := &invoicesync.Mapping{
		SalesVAT: []invoicesync.VATRule{
			{Category: "S", Rate: rate("20"), Code: "V20"},
			{Category: "S", Rate: rate("5.5"), Code: "V55"},
		},
		Journals: invoicesync.JournalMapping{Sales: "VT"},
		Accounts: invoicesync.Accounts{
			SalesDefault: "706", CustomerCollective: "411", CreditRounding: "758", DebitRounding: "658",
			SalesDiscount: "709",
		},
		Scope:  invoicesync.ScopeSales,
		Labels: invoicesync.LabelSettings{Strategy: "partner_and_description", MaxLength: 40},
	}
	if err := mapping.ValidateChart(chart); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	// 3. The invoice, as the invoicing tool declares it.
	invoice := &invoicesync.Invoice{
		ID: "42", Number: "F-2026-0042", Kind: invoicesync.KindInvoice, Direction: invoicesync.Sales,
		IssueDate: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), Currency: "EUR", Status: invoicesync.StatusSent,
		Party: &invoicesync.Party{Name: "Dupont SARL", Country: "FR"},
		Lines: []invoicesync.Line{
			{Description: "Consulting, March", Quantity: dec("2"), UnitPrice: dec("49.99"), NetAmount: dec("99.98"), VATCategory: "S", VATRate: rate("20")},
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
	}

	entry, err := invoicesync.BuildEntry(invoice, mapping, chart, invoicesync.PartnerRef{ID: "C-7", Name: "Dupont SARL"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("Entry %s in journal %s on %s (%s)\n", entry.Reference, entry.Journal, entry.Date.Format(time.DateOnly), entry.Currency)
	fmt.Printf("%-7s %-4s %-9s %9s %9s  %s\n", "account", "VAT", "kind", "debit", "credit", "label")
	for _, l := range entry.Lines {
		fmt.Printf("%-7s %-4s %-9s %9s %9s  %s\n", l.Account, l.VATCode, l.Kind,
			l.Debit.StringFixed(entry.Decimals), l.Credit.StringFixed(entry.Decimals), l.Label)
	}
	debit, credit := entry.Totals()
	fmt.Printf("%-22s %9s %9s\n", "total", debit.StringFixed(2), credit.StringFixed(2))

	// An invoice at a rate the mapping does not know fails with a typed error.
	invoice.Lines[1].VATRate = rate("10")
	_, err = invoicesync.BuildEntry(invoice, mapping, chart, invoicesync.PartnerRef{ID: "C-7"})
	var se *invoicesync.SyncError
	if errors.As(err, &se) {
		fmt.Printf("\n%s\n  %s\n  resolution: %s\n", se.Code, se.Message, se.Resolution)
	}
}
