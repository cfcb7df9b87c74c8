// Command tripletex wires invoicesync to Tripletex: it synchronizes three
// invoices from a fake invoicing tool into Tripletex, then posts a salon
// register's daily sales as one voucher, and prints what Tripletex holds.
//
// Without credentials it runs against tripletextest, a local fake of the
// Tripletex API seeded with a small Norwegian company:
//
//	go run ./examples/tripletex
//
// With credentials it talks to a real Tripletex company (the test
// environment unless TRIPLETEX_BASE_URL says otherwise); the company must
// have the demo's accounts (NS 4102), VAT types and a "Kassaoppgjør"
// voucher type:
//
//	TRIPLETEX_CONSUMER_TOKEN=... TRIPLETEX_EMPLOYEE_TOKEN=... go run ./examples/tripletex
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/httpx"
	"github.com/invoicesync/invoicesync/connector/memory"
	"github.com/invoicesync/invoicesync/connector/tripletex"
	"github.com/invoicesync/invoicesync/connector/tripletex/tripletextest"
	"github.com/invoicesync/invoicesync/dailysales"
)

var (
	dec  = decimal.RequireFromString
	rate = func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(dec(s)) }
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	// 1. The ledger: Tripletex, real or the local fake.
	opts := tripletex.Options{
		ConsumerToken: os.Getenv("TRIPLETEX_CONSUMER_TOKEN"),
		EmployeeToken: os.Getenv("TRIPLETEX_EMPLOYEE_TOKEN"),
		BaseURL:       os.Getenv("TRIPLETEX_BASE_URL"),
		Tenant:        "salong-nordlys",
		// Where the company's Tripletex posts the VAT of each VAT type.
		VATAccounts: map[string]string{"1": "2710", "3": "2700", "31": "2701", "33": "2702"},
		Limits:      httpx.NewLimits(50, 20), // requests per second and burst, per host and company
		Logger:      slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	var fake *tripletextest.Server
	if opts.ConsumerToken == "" || opts.EmployeeToken == "" {
		fake = tripletextest.NewServer(tripletextest.Options{})
		defer fake.Close()
		opts.VATAccounts = fake.SeedDemo().VATAccounts
		opts.BaseURL = fake.URL()
		opts.ConsumerToken, opts.EmployeeToken = tripletextest.DefaultConsumerToken, tripletextest.DefaultEmployeeToken
		fmt.Fprintln(out, "No TRIPLETEX_CONSUMER_TOKEN and TRIPLETEX_EMPLOYEE_TOKEN: using the local fake Tripletex.")
	} else if opts.BaseURL == "" {
		opts.BaseURL = tripletex.TestURL
	}
	ledger, err := tripletex.New(opts)
	if err != nil {
		return err
	}

	// 2. The source and the customer's Mapping.
	source := memory.NewSource()
	for _, inv := range invoices() {
		source.Put(inv)
	}
	mapping := &invoicesync.Mapping{
		LedgerCurrency: "NOK",
		SalesVAT: []invoicesync.VATRule{
			{Category: "S", Rate: rate("25"), Code: "3"},
			{Category: "S", Rate: rate("15"), Code: "31"},
		},
		Journals: invoicesync.JournalMapping{Sales: "Memorialbilag", Purchase: "Leverandørfaktura"},
		Accounts: invoicesync.Accounts{
			SalesDefault: "3000", PurchaseDefault: "4000", CustomerCollective: "1500", SupplierCollective: "2400",
			CreditRounding: "7740", DebitRounding: "7740",
		},
		Labels:                invoicesync.LabelSettings{Strategy: "partner_and_description", MaxLength: 60},
		SyncWithoutAttachment: true, // the demo invoices have no PDF
	}
	if err := mapping.Validate(ctx, ledger); err != nil {
		return err
	}

	// 3. Synchronize.
	syncer, err := invoicesync.NewSyncer(source, ledger, mapping, invoicesync.NewMemoryStore(), invoicesync.Config{
		SourceID: "example-invoicing/salong-nordlys", Concurrency: 1,
	})
	if err != nil {
		return err
	}
	report, err := syncer.Run(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Invoices: %d, synchronized %d\n", report.Invoices, report.Statuses[invoicesync.StateSynchronized])
	for _, o := range report.Outcomes {
		fmt.Fprintf(out, "  %-10s %-12s voucher %s %s\n", o.Number, o.Status, o.Entry.Number, o.Code)
	}

	// 4. The salon's register: one voucher for the day, sent each night.
	chart, err := invoicesync.LoadChart(ctx, ledger)
	if err != nil {
		return err
	}
	cfg, receipts, day := salonDay()
	res, err := dailysales.Post(ctx, ledger, chart, cfg, "POS-1", day, receipts)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Daily sales POS-1 %s: voucher %s (already posted: %t)\n", day.Format(time.DateOnly), res.Ref.Number, res.AlreadyPosted)
	for _, l := range res.Entry.Lines {
		fmt.Fprintf(out, "  %-5s %9s %9s  %-3s %s\n", l.Account, amount(l.Debit), amount(l.Credit), l.VATCode, l.Label)
	}
	res, err = dailysales.Post(ctx, ledger, chart, cfg, "POS-1", day, receipts)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Second nightly run: already posted: %t\n", res.AlreadyPosted)

	// 5. What Tripletex holds, account by account (the fake only: a real
	//    company holds more).
	if fake != nil {
		fmt.Fprintln(out, "Tripletex balances")
		sums := map[int]decimal.Decimal{}
		for _, v := range fake.Vouchers() {
			for _, p := range v.Postings {
				sums[p.AccountNumber] = sums[p.AccountNumber].Add(p.Amount)
			}
		}
		accounts := make([]int, 0, len(sums))
		total := decimal.Zero
		for a, s := range sums {
			accounts = append(accounts, a)
			total = total.Add(s)
		}
		sort.Ints(accounts)
		for _, a := range accounts {
			fmt.Fprintf(out, "  %d %10s\n", a, sums[a].StringFixed(2))
		}
		fmt.Fprintf(out, "  sum  %10s\n", total.StringFixed(2))
	}
	return nil
}

func amount(d decimal.Decimal) string {
	if d.IsZero() {
		return ""
	}
	return d.StringFixed(2)
}

// invoices are three sales invoices of the salon's consulting arm, in NOK.
func invoices() []invoicesync.Invoice {
	date := func(day int) time.Time { return time.Date(2026, 11, day, 0, 0, 0, 0, time.UTC) }
	fjord := &invoicesync.Party{SourceID: "c-1", Name: "Fjord Frisør AS", RegistrationID: "912345678", Country: "NO"}
	nord := &invoicesync.Party{SourceID: "c-2", Name: "Nordlys Kafé AS", RegistrationID: "923456789", Country: "NO"}
	line := func(desc, net, r string) invoicesync.Line {
		return invoicesync.Line{Description: desc, Quantity: dec("1"), UnitPrice: dec(net), NetAmount: dec(net), VATCategory: "S", VATRate: rate(r)}
	}
	doc := func(id, number string, day int, party *invoicesync.Party, lines []invoicesync.Line, net, vat, payable string) invoicesync.Invoice {
		gross := dec(net).Add(dec(vat))
		t := invoicesync.Totals{LineTotal: dec(net), Net: dec(net), VAT: dec(vat), Gross: gross, Payable: dec(payable)}
		if r := dec(payable).Sub(gross); !r.IsZero() {
			t.PayableRounding = r
		}
		return invoicesync.Invoice{
			ID: id, Number: number, Kind: invoicesync.KindInvoice, Direction: invoicesync.Sales,
			IssueDate: date(day), DueDate: date(day).AddDate(0, 0, 14), Currency: "NOK", Status: invoicesync.StatusSent,
			Party: party, Lines: lines, Totals: t,
		}
	}
	return []invoicesync.Invoice{
		doc("1", "F-2026-17", 3, fjord, []invoicesync.Line{line("Kurs i fargeteknikk", "800.00", "25"), line("Servering", "217.30", "15")}, "1017.30", "232.60", "1250.00"),
		doc("2", "F-2026-18", 9, nord, []invoicesync.Line{line("Rådgivning, november", "4500.00", "25")}, "4500.00", "1125.00", "5625.00"),
		doc("3", "F-2026-19", 16, fjord, []invoicesync.Line{line("Salongoppsett", "1990.00", "25")}, "1990.00", "497.50", "2487.50"),
	}
}

// salonDay is register POS-1's 20 November 2026: card and cash, at 25 %,
// 15 % and 0 %.
func salonDay() (*dailysales.Config, []dailysales.Receipt, time.Time) {
	oslo := time.FixedZone("CET", 3600)
	cfg := &dailysales.Config{
		Journal: "Kassaoppgjør", Currency: "NOK", Decimals: 2, Location: oslo, Mode: dailysales.Nightly,
		Label: "Daglige salg",
		VAT: []dailysales.VATRule{
			{Rate: dec("25"), Code: "3", RevenueAccount: "3000"},
			{Rate: dec("15"), Code: "31", RevenueAccount: "3000"},
			{Rate: dec("0"), Code: "5", RevenueAccount: "3200"},
		},
		Payments: map[string]string{"card": "1580", "cash": "1900"},
	}
	at := func(h, m int) time.Time { return time.Date(2026, 11, 20, h, m, 0, 0, oslo) }
	gross := func(desc, amount, r string) dailysales.Line {
		return dailysales.Line{Description: desc, Gross: dec(amount), VATRate: dec(r)}
	}
	pay := func(method, amount string) dailysales.Payment {
		return dailysales.Payment{Method: method, Amount: dec(amount)}
	}
	receipts := []dailysales.Receipt{
		{ID: "R1", Register: "POS-1", Time: at(10, 5), Lines: []dailysales.Line{gross("Klipp", "499.00", "25"), gross("Sjampo", "249.00", "25")}, Payments: []dailysales.Payment{pay("card", "748.00")}},
		{ID: "R2", Register: "POS-1", Time: at(12, 30), Lines: []dailysales.Line{gross("Kaffe", "35.00", "15"), gross("Kanelbolle", "42.00", "15"), gross("Avis", "45.00", "0")}, Payments: []dailysales.Payment{pay("cash", "122.00")}},
		{ID: "R3", Register: "POS-1", Time: at(17, 45), Lines: []dailysales.Line{gross("Skjeggtrim", "299.00", "25")}, Payments: []dailysales.Payment{pay("card", "200.00"), pay("cash", "99.00")}},
	}
	return cfg, receipts, time.Date(2026, 11, 20, 0, 0, 0, 0, oslo)
}
