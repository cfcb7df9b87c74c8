// Command getmyinvoices synchronizes the purchase invoices of a
// GetMyInvoices account into a ledger (here the in-memory one, with a
// small demo chart) and prints the entries it posted and the documents it
// could not post, with why.
//
// Without an API key it runs against getmyinvoicestest, a local fake of
// the GetMyInvoices accounts API v3 seeded with three incoming invoices,
// one of which GetMyInvoices has not finished reading (no line items, no
// VAT):
//
//	go run ./examples/getmyinvoices
//
// With an API key it reads a real account (read-only: nothing is written
// to GetMyInvoices), GMI_BASE_URL overriding the production URL:
//
//	GMI_API_KEY=... go run ./examples/getmyinvoices
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
	"github.com/invoicesync/invoicesync/connector/getmyinvoices"
	gmi "github.com/invoicesync/invoicesync/connector/getmyinvoices/getmyinvoicestest"
	"github.com/invoicesync/invoicesync/connector/httpx"
	"github.com/invoicesync/invoicesync/connector/memory"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	// 1. The source: GetMyInvoices, real or the local fake.
	opts := getmyinvoices.Options{
		APIKey:  os.Getenv("GMI_API_KEY"),
		BaseURL: os.Getenv("GMI_BASE_URL"),
		Tenant:  "demo",
		Types:   []string{getmyinvoices.IncomingInvoice, getmyinvoices.CreditNote},
		Limits:  httpx.NewLimits(1, 5), // requests per second and burst: well under the per-minute limit
		Logger:  slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if opts.APIKey == "" {
		fake := gmi.NewServer(gmi.Options{})
		defer fake.Close()
		seed(fake)
		opts.APIKey, opts.BaseURL, opts.HTTPClient, opts.Limits = fake.APIKey(), fake.URL(), fake.Client(), nil
		fmt.Fprintln(out, "No GMI_API_KEY: using the local fake GetMyInvoices.")
	}
	source, err := getmyinvoices.New(opts)
	if err != nil {
		return err
	}

	// 2. The ledger, with a chart and mapping made for the invoices read.
	var invs []*invoicesync.Invoice
	for inv, err := range source.Changed(ctx, "") {
		if err != nil && inv.ID == "" {
			return err
		}
		if err == nil {
			invs = append(invs, &inv)
		}
	}
	demo := einvoice.Demo(invs...)
	ledger := memory.NewLedger()
	ledger.AddAccounts(demo.Accounts...)
	ledger.AddVATCodes(demo.VATCodes...)
	ledger.AddJournals(demo.Journals...)

	// 3. Synchronize.
	syncer, err := invoicesync.NewSyncer(source, ledger, demo.Mapping, invoicesync.NewMemoryStore(),
		invoicesync.Config{SourceID: "getmyinvoices/demo", Concurrency: 1})
	if err != nil {
		return err
	}
	report, err := syncer.Run(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Documents: %d, synchronized %d, in error %d\n", report.Invoices,
		report.Statuses[invoicesync.StateSynchronized], report.Statuses[invoicesync.StateError])
	for _, o := range report.Outcomes {
		if o.Code != "" {
			fmt.Fprintf(out, "  %s\n", o.Message)
		}
	}
	for _, e := range ledger.Entries() {
		fmt.Fprintf(out, "%s %s %s %s\n", e.Entry.Journal, e.Entry.Date.Format("2006-01-02"), e.Entry.Reference, e.Entry.Partner.Name)
		for _, l := range e.Entry.Lines {
			fmt.Fprintf(out, "  %-7s %9s %9s %-6s %s\n", l.Account, amount(l.Debit), amount(l.Credit), l.VATCode, l.Label)
		}
	}
	return nil
}

func amount(d decimal.Decimal) string {
	if d.IsZero() {
		return ""
	}
	return d.StringFixed(2)
}

// seed puts three incoming invoices into the fake: two complete ones and
// one GetMyInvoices has not read yet.
func seed(s *gmi.Server) {
	dec := decimal.RequireFromString
	n := func(v string) decimal.NullDecimal { return decimal.NewNullDecimal(dec(v)) }
	office := s.AddCompany(gmi.Company{Name: "Büro Schmidt GmbH", VATID: "DE811907980", TaxNumber: "143/123/45678", Country: "DE"})
	host := s.AddCompany(gmi.Company{Name: "Netzwerk Hosting AG", VATID: "DE812526315", Country: "DE"})
	s.AddDocument(gmi.Document{Type: gmi.IncomingInvoice, Number: "BS-2026-0417", Date: "2026-11-04", DueDate: "2026-11-18",
		Currency: "EUR", Net: n("312.40"), VAT: n("53.02"), Gross: n("365.42"), CompanyUID: office, PaymentStatus: "Not paid",
		FileName: "BS-2026-0417.pdf", File: []byte("%PDF-1.4 BS-2026-0417"),
		LineItems: []gmi.LineItem{
			{Description: "Desk lamps", Quantity: n("4"), UnitNetPrice: n("64.90"), TaxPercentage: n("19"), TotalGross: n("308.92")},
			{Description: "Wall calendars", Quantity: n("8"), UnitNetPrice: n("6.60"), TaxPercentage: n("7"), TotalGross: n("56.50")},
		}})
	s.AddDocument(gmi.Document{Type: gmi.IncomingInvoice, Number: "NH-88213", Date: "2026-11-01", Currency: "EUR",
		Net: n("49.00"), VAT: n("9.31"), Gross: n("58.31"), CompanyUID: host, PaymentStatus: "Paid",
		FileName: "NH-88213.pdf", File: []byte("%PDF-1.4 NH-88213"),
		LineItems: []gmi.LineItem{{Description: "Web hosting, November", Quantity: n("1"), UnitNetPrice: n("49.00"), TaxPercentage: n("19"), TotalGross: n("58.31")}}})
	s.AddDocument(gmi.Document{Type: gmi.IncomingInvoice, Number: "BS-2026-0422", Date: "2026-11-20", Currency: "EUR",
		Gross: n("95.20"), CompanyUID: office, FileName: "BS-2026-0422.pdf", File: []byte("%PDF-1.4 BS-2026-0422")})
}
