// Command eboekhouden wires invoicesync to e-Boekhouden: it synchronizes
// three TimeChimp-style sales invoices into e-Boekhouden as invoice-sent
// mutations, the customers linked to relations by customer number (the
// relation code), runs the synchronization a second time to show that
// nothing is posted twice, and prints what e-Boekhouden holds.
//
// Without credentials it runs against eboekhoudentest, a local fake of the
// e-Boekhouden API seeded with a small Dutch chart and the relation C1042:
//
//	go run ./examples/eboekhouden
//
// With an access token (created in e-Boekhouden under Settings, API) it
// talks to the real administration, which must have the ledgers the
// mapping names (1300 debtors, 8000 revenue, 8900 rounding, 1500 and 1510
// VAT payable) and posts real mutations there; EBOEKHOUDEN_SOURCE, optional,
// names the integration to e-Boekhouden (1 to 10 characters):
//
//	EBOEKHOUDEN_TOKEN=... EBOEKHOUDEN_SOURCE=MyApp go run ./examples/eboekhouden
//
// e-Boekhouden's API cannot attach documents, so the mapping sets
// SyncWithoutAttachment; nor does it keep drafts, so Draft stays off.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/eboekhouden"
	"github.com/invoicesync/invoicesync/connector/eboekhouden/eboekhoudentest"
	"github.com/invoicesync/invoicesync/connector/httpx"
	"github.com/invoicesync/invoicesync/connector/memory"
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
	// 1. The ledger: e-Boekhouden, real or the local fake.
	opts := eboekhouden.Options{
		AccessToken: os.Getenv("EBOEKHOUDEN_TOKEN"),
		Source:      os.Getenv("EBOEKHOUDEN_SOURCE"),
		Tenant:      "acme-consultancy",
		Limits:      httpx.NewLimits(5, 5), // requests per second and burst
		Logger:      slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	var fake *eboekhoudentest.Server
	if opts.AccessToken == "" {
		fake = eboekhoudentest.NewServer(eboekhoudentest.Options{})
		defer fake.Close()
		fake.SeedDemo()
		fake.AddRelation(eboekhoudentest.Relation{Code: "C1042", Name: "Acme BV", City: "Utrecht", Country: "NL"})
		opts.BaseURL, opts.AccessToken = fake.URL(), eboekhoudentest.DefaultAccessToken
		fmt.Fprintln(out, "No EBOEKHOUDEN_TOKEN: using the local fake e-Boekhouden.")
	}
	ledger, err := eboekhouden.New(opts)
	if err != nil {
		return err
	}

	// 2. The source (TimeChimp invoices) and the mapping.
	source := memory.NewSource()
	for _, inv := range invoices() {
		source.Put(inv)
	}
	mapping := &invoicesync.Mapping{
		LedgerCurrency: "EUR",
		SalesVAT: []invoicesync.VATRule{
			{Category: "S", Rate: rate("21"), Code: "HOOG_VERK_21"},
			{Category: "S", Rate: rate("9"), Code: "LAAG_VERK_9"},
		},
		Journals: invoicesync.JournalMapping{Sales: "2", Purchase: "1"}, // invoice sent, invoice received
		Accounts: invoicesync.Accounts{
			SalesDefault: "8000", PurchaseDefault: "4000", CustomerCollective: "1300", SupplierCollective: "1600",
			CreditRounding: "8900", DebitRounding: "8900",
		},
		SyncWithoutAttachment: true, // e-Boekhouden's API has no attachments
	}
	if err := mapping.Validate(ctx, ledger); err != nil {
		return err
	}

	// 3. Synchronize, twice: the second run finds everything posted.
	store := invoicesync.NewMemoryStore()
	for i := 1; i <= 2; i++ {
		syncer, err := invoicesync.NewSyncer(source, ledger, mapping, store, invoicesync.Config{
			SourceID: "timechimp/acme-consultancy", Concurrency: 1,
		})
		if err != nil {
			return err
		}
		report, err := syncer.Run(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Run %d: invoices %d, synchronized %d\n", i, report.Invoices, report.Statuses[invoicesync.StateSynchronized])
		for _, o := range report.Outcomes {
			fmt.Fprintf(out, "  %-10s %-12s mutation %s %s\n", o.Number, o.Status, o.Entry.Number, o.Code)
		}
		if i == 1 && fake != nil {
			// The next run sees only changes; touch one invoice to show it is found, not posted again.
			source.Put(invoices()[0])
		}
	}

	// 4. What e-Boekhouden holds (the fake only: a real administration holds more).
	if fake != nil {
		fmt.Fprintln(out, "e-Boekhouden mutations")
		for _, m := range fake.Mutations() {
			e, err := ledger.Mutation(ctx, strconv.Itoa(m.ID))
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "  %d %s %s relation %s\n", m.ID, e.Date.Format(time.DateOnly), e.Reference, relationCode(fake, m.RelationID))
			for _, l := range e.Lines {
				fmt.Fprintf(out, "    %-4s %9s %9s  %-12s %s\n", l.Account, amount(l.Debit), amount(l.Credit), l.VATCode, l.Label)
			}
		}
	}
	return nil
}

func relationCode(fake *eboekhoudentest.Server, id int) string {
	for _, r := range fake.Relations() {
		if r.ID == id {
			return r.Code
		}
	}
	return "?"
}

func amount(d decimal.Decimal) string {
	if d.IsZero() {
		return ""
	}
	return d.StringFixed(2)
}

// invoices are three TimeChimp sales invoices: hours at 21 %, a training
// book at 9 %; the customers carry their customer number.
func invoices() []invoicesync.Invoice {
	date := func(day int) time.Time { return time.Date(2026, 11, day, 0, 0, 0, 0, time.UTC) }
	acme := &invoicesync.Party{SourceID: "tc-client-7", Name: "Acme BV", AuxiliaryAccount: "C1042", Country: "NL"}
	bolt := &invoicesync.Party{SourceID: "tc-client-9", Name: "Bolt Logistics BV", AuxiliaryAccount: "C1077", Country: "NL", VATNumber: "NL009876543B01"}
	line := func(desc, qty, price, r string) invoicesync.Line {
		net := dec(qty).Mul(dec(price))
		return invoicesync.Line{Description: desc, Quantity: dec(qty), UnitPrice: dec(price), NetAmount: net, VATCategory: "S", VATRate: rate(r)}
	}
	doc := func(id, number string, day int, party *invoicesync.Party, lines []invoicesync.Line, net, vat string) invoicesync.Invoice {
		gross := dec(net).Add(dec(vat))
		return invoicesync.Invoice{
			ID: id, Number: number, Kind: invoicesync.KindInvoice, Direction: invoicesync.Sales,
			IssueDate: date(day), DueDate: date(day).AddDate(0, 0, 30), Currency: "EUR", Status: invoicesync.StatusSent,
			Party: party, Lines: lines,
			Totals: invoicesync.Totals{LineTotal: dec(net), Net: dec(net), VAT: dec(vat), Gross: gross, Payable: gross},
		}
	}
	return []invoicesync.Invoice{
		doc("inv-101", "2026-0101", 3, acme, []invoicesync.Line{line("Consultancy, October", "12.5", "95.00", "21"), line("Training book", "1", "45.50", "9")}, "1233.00", "253.48"),
		doc("inv-102", "2026-0102", 9, bolt, []invoicesync.Line{line("Project management", "20", "110.00", "21")}, "2200.00", "462.00"),
		doc("inv-103", "2026-0103", 16, acme, []invoicesync.Line{line("Consultancy, November", "8", "95.00", "21")}, "760.00", "159.60"),
	}
}
