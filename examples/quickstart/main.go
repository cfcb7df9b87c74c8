// Command quickstart synchronizes a dozen invoices from a fake invoicing tool
// into invoicesync's fake in-memory ledger, then prints each invoice's
// status, the entries posted and the ledger's trial balance. It needs
// nothing but Go:
//
//	go run ./examples/quickstart
//
// Two invoices have deliberate problems — a VAT rate the mapping does not
// know, and no customer — to show the typed errors a user sees. The parts are
// the ones a host application wires: a source, a target, a Mapping, a state
// store and a notifier.
package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

var (
	dec  = decimal.RequireFromString
	rate = func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(dec(s)) }
	pdf  = []byte("%PDF-1.7\n% quickstart\n%%EOF\n")
)

func main() {
	ctx := context.Background()

	// 1. The target: the customer's accounting software. Here the fake
	//    ledger, with a small French chart of accounts.
	ledger := memory.NewLedger()
	ledger.AddAccounts(
		invoicesync.Account{Number: "411", Name: "Clients", Active: true},
		invoicesync.Account{Number: "401", Name: "Fournisseurs", Active: true},
		invoicesync.Account{Number: "706", Name: "Prestations de services", Active: true},
		invoicesync.Account{Number: "707", Name: "Ventes de marchandises", Active: true},
		invoicesync.Account{Number: "709", Name: "Remises accordées", Active: true},
		invoicesync.Account{Number: "606", Name: "Achats non stockés", Active: true},
		invoicesync.Account{Number: "44571", Name: "TVA collectée", Active: true},
		invoicesync.Account{Number: "44566", Name: "TVA déductible", Active: true},
		invoicesync.Account{Number: "758", Name: "Produits divers", Active: true},
		invoicesync.Account{Number: "658", Name: "Charges diverses", Active: true},
	)
	ledger.AddVATCodes(
		invoicesync.VATCode{Code: "C20", Name: "TVA 20 %", Rate: dec("20"), Direction: invoicesync.Sales, Account: "44571", Active: true},
		invoicesync.VATCode{Code: "C10", Name: "TVA 10 %", Rate: dec("10"), Direction: invoicesync.Sales, Account: "44571", Active: true},
		invoicesync.VATCode{Code: "D20", Name: "TVA déd. 20 %", Rate: dec("20"), Direction: invoicesync.Purchase, Account: "44566", Active: true},
	)
	ledger.AddJournals(invoicesync.Journal{Code: "VT", Name: "Ventes"}, invoicesync.Journal{Code: "HA", Name: "Achats"})

	// 2. The source: the invoicing tool. Here the fake source, with a dozen invoices.
	source := memory.NewSource()
	invs, contacts := invoices()
	for _, inv := range invs {
		source.Put(inv)
	}
	for ref, p := range contacts {
		source.PutContact(ref, p)
	}

	// 3. The customer's Mapping, stored as JSON per customer by the host.
	mapping := &invoicesync.Mapping{
		SalesVAT: []invoicesync.VATRule{
			{Category: "S", Rate: rate("20"), Code: "C20"},
			{Category: "S", Rate: rate("10"), Code: "C10"},
		},
		PurchaseVAT: []invoicesync.VATRule{{Category: "S", Rate: rate("20"), Code: "D20"}},
		Journals:    invoicesync.JournalMapping{Sales: "VT", Purchase: "HA"},
		Accounts: invoicesync.Accounts{
			SalesDefault: "706", PurchaseDefault: "606", CustomerCollective: "411", SupplierCollective: "401",
			CreditRounding: "758", DebitRounding: "658", SalesDiscount: "709",
		},
		AccountRules: []invoicesync.AccountRule{{ItemCategory: "goods", Account: "707"}},
		Labels:       invoicesync.LabelSettings{Strategy: "partner_and_description", MaxLength: 40},
	}
	if err := mapping.Validate(ctx, ledger); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	// 4. The Syncer, with a state store (in memory here; store/sqlitestore
	//    keeps it in a file) and a notifier (the host's e-mail or webhook).
	var notified []string
	syncer, err := invoicesync.NewSyncer(source, ledger, mapping, invoicesync.NewMemoryStore(), invoicesync.Config{
		SourceID:    "quickstart-invoicing/tenant-1",
		Concurrency: 1, // one at a time, so that entry numbers come out in a stable order
		Notifier: invoicesync.NotifierFunc(func(_ context.Context, n invoicesync.Notification) {
			notified = append(notified, string(n.Status))
		}),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	report, err := syncer.Run(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	fmt.Printf("Run: %d invoices, %d synchronized, %d in error, %d notifications\n\n",
		report.Invoices, report.Statuses[invoicesync.StateSynchronized], report.Statuses[invoicesync.StateError], len(notified))
	fmt.Println("Invoices")
	for _, o := range report.Outcomes {
		switch o.Status {
		case invoicesync.StateSynchronized:
			fmt.Printf("  %-12s Synchronized as entry %s\n", o.Number, o.Entry.Number)
		default:
			fmt.Printf("  %-12s %s: %s\n", o.Number, strings.ToUpper(string(o.Status[:1]))+string(o.Status[1:]), o.Code)
			fmt.Printf("  %-12s   what to do: %s\n", "", o.Resolution)
		}
	}

	fmt.Println("\nEntries")
	for _, se := range ledger.Entries() {
		e := se.Entry
		fmt.Printf("  %s  %s  journal %s  %s  (%s)\n", se.Ref.Number, e.Date.Format("2006-01-02"), e.Journal, e.Reference, e.Label)
		for _, l := range e.Lines {
			fmt.Printf("      %-6s %10s %10s  %-4s %s\n", l.Account, amount(l.Debit), amount(l.Credit), l.VATCode, l.Label)
		}
	}

	fmt.Println("\nTrial balance")
	printTrialBalance(ledger)
}

// amount prints a non-zero amount with two decimals, and nothing for zero.
func amount(d decimal.Decimal) string {
	if d.IsZero() {
		return ""
	}
	return d.StringFixed(2)
}

// printTrialBalance sums the ledger's entries per account.
func printTrialBalance(ledger *memory.Ledger) {
	type sums struct{ debit, credit decimal.Decimal }
	byAccount := map[string]*sums{}
	for _, se := range ledger.Entries() {
		for _, l := range se.Entry.Lines {
			s := byAccount[l.Account]
			if s == nil {
				s = &sums{}
				byAccount[l.Account] = s
			}
			s.debit, s.credit = s.debit.Add(l.Debit), s.credit.Add(l.Credit)
		}
	}
	accounts := make([]string, 0, len(byAccount))
	for a := range byAccount {
		accounts = append(accounts, a)
	}
	sort.Strings(accounts)
	var debit, credit decimal.Decimal
	for _, a := range accounts {
		s := byAccount[a]
		fmt.Printf("  %-6s %10s %10s\n", a, s.debit.StringFixed(2), s.credit.StringFixed(2))
		debit, credit = debit.Add(s.debit), credit.Add(s.credit)
	}
	fmt.Printf("  %-6s %10s %10s\n", "total", debit.StringFixed(2), credit.StringFixed(2))
}

// invoices are the invoicing tool's invoices, ten good ones and two with
// problems, and its contacts by reference.
func invoices() ([]invoicesync.Invoice, map[string]invoicesync.Party) {
	date := func(day int) time.Time { return time.Date(2026, 11, day, 0, 0, 0, 0, time.UTC) }
	dupont := &invoicesync.Party{SourceID: "c-1", Name: "Dupont SARL", AuxiliaryAccount: "C0001", VATNumber: "FR40303265045", Country: "FR"}
	martin := &invoicesync.Party{SourceID: "c-2", Name: "Martin & Fils", AuxiliaryAccount: "C0002", Country: "FR"}
	bernard := &invoicesync.Party{SourceID: "c-3", Name: "Bernard Conseil SAS", AuxiliaryAccount: "C0003", Country: "FR"}
	papeterie := &invoicesync.Party{SourceID: "s-1", Name: "Papeterie Centrale", VATNumber: "FR83404833048", Country: "FR"}

	line := func(desc, qty, price, net, r string) invoicesync.Line {
		return invoicesync.Line{Description: desc, Quantity: dec(qty), UnitPrice: dec(price), NetAmount: dec(net), VATCategory: "S", VATRate: rate(r)}
	}
	doc := func(id, number string, day int, party *invoicesync.Party, lines []invoicesync.Line, net, vat string) invoicesync.Invoice {
		gross := dec(net).Add(dec(vat)).StringFixed(2)
		return invoicesync.Invoice{
			ID: id, Number: number, Kind: invoicesync.KindInvoice, Direction: invoicesync.Sales,
			IssueDate: date(day), DueDate: date(day).AddDate(0, 0, 30), Currency: "EUR", Status: invoicesync.StatusSent,
			Party: party, Lines: lines,
			Totals:      invoicesync.Totals{LineTotal: dec(net), Net: dec(net), VAT: dec(vat), Gross: dec(gross), Payable: dec(gross)},
			Attachments: []invoicesync.AttachmentRef{{ID: "pdf-" + id, FileName: number + ".pdf", MediaType: "application/pdf", Data: pdf}},
		}
	}
	goods := func(l invoicesync.Line) invoicesync.Line { l.ItemCategory = "goods"; return l }

	var out []invoicesync.Invoice
	out = append(out,
		doc("1", "F-2026-101", 2, dupont, []invoicesync.Line{line("Audit, November", "3", "450", "1350.00", "20")}, "1350.00", "270.00"),
		doc("2", "F-2026-102", 3, martin, []invoicesync.Line{
			line("Training day", "1", "800", "800.00", "20"),
			goods(line("Handbooks", "12", "24.90", "298.80", "20")),
		}, "1098.80", "219.76"),
		doc("3", "F-2026-103", 5, bernard, []invoicesync.Line{line("Catering", "40", "18.50", "740.00", "10")}, "740.00", "74.00"),
		doc("4", "F-2026-104", 9, dupont, []invoicesync.Line{
			line("Support, November", "10", "95", "950.00", "20"),
			line("Event tickets", "4", "35", "140.00", "10"),
		}, "1090.00", "204.00"),
		doc("5", "F-2026-105", 12, martin, []invoicesync.Line{line("Consulting", "2.5", "600", "1500.00", "20")}, "1500.00", "300.00"),
	)
	// A 10 % discount on the whole invoice, booked on its own account (709).
	discounted := doc("6", "F-2026-106", 16, bernard, []invoicesync.Line{line("Workshop", "2", "1200", "2400.00", "20")}, "2160.00", "432.00")
	discounted.Allowances = []invoicesync.AllowanceCharge{{Amount: dec("240.00"), Reason: "Loyalty discount 10 %", VATCategory: "S", VATRate: rate("20")}}
	discounted.Totals.LineTotal, discounted.Totals.AllowanceTotal = dec("2400.00"), dec("240.00")
	// A credit note for part of F-2026-105.
	credit := doc("7", "AV-2026-007", 18, martin, []invoicesync.Line{line("Consulting, half a day not done", "0.5", "600", "300.00", "20")}, "300.00", "60.00")
	credit.Kind = invoicesync.KindCreditNote
	// The customer is only referenced: the source resolves the contact.
	licences := doc("8", "F-2026-108", 20, nil, []invoicesync.Line{goods(line("Licences", "5", "199", "995.00", "20"))}, "995.00", "199.00")
	licences.ContactRef = "c-1"
	out = append(out, discounted, credit, licences)
	// Two purchase invoices.
	buy1 := doc("9", "PA-7781", 4, papeterie, []invoicesync.Line{line("Paper and toner", "1", "312.40", "312.40", "20")}, "312.40", "62.48")
	buy2 := doc("10", "PA-7802", 19, papeterie, []invoicesync.Line{line("Office chairs", "2", "289", "578.00", "20")}, "578.00", "115.60")
	buy1.Direction, buy2.Direction = invoicesync.Purchase, invoicesync.Purchase
	out = append(out, buy1, buy2)
	// Problem 1: a 5.5 % rate the mapping does not map.
	books := doc("11", "F-2026-111", 21, bernard, []invoicesync.Line{line("Books", "10", "21.10", "211.00", "5.5")}, "211.00", "11.61")
	// Problem 2: no customer on the invoice.
	anonymous := doc("12", "F-2026-112", 21, nil, []invoicesync.Line{line("Consulting", "1", "600", "600.00", "20")}, "600.00", "120.00")
	return append(out, books, anonymous), map[string]invoicesync.Party{"c-1": *dupont}
}
