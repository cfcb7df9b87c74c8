package tripletex_test

import (
	"context"
	"fmt"
	"time"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/tripletex"
	"github.com/invoicesync/invoicesync/connector/tripletex/tripletextest"
)

// A Tripletex ledger on the local fake: a customer is created, an invoice's
// entry posted (Tripletex writes the VAT postings) and read back; posting
// it again finds the voucher instead of making a second one.
func Example() {
	srv := tripletextest.NewServer(tripletextest.Options{})
	defer srv.Close()
	demo := srv.SeedDemo()

	ledger, err := tripletex.New(tripletex.Options{
		BaseURL:       srv.URL(), // tripletex.ProductionURL in production
		ConsumerToken: tripletextest.DefaultConsumerToken,
		EmployeeToken: tripletextest.DefaultEmployeeToken,
		VATAccounts:   demo.VATAccounts, // e.g. {"3": "2700", "31": "2701"}
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	customer, err := ledger.CreatePartner(ctx, invoicesync.Partner{Role: invoicesync.Customer, Name: "Nordlys AS", RegistrationID: "987654321"})
	if err != nil {
		panic(err)
	}
	e := twoRatesEntry(customer)
	ref, err := ledger.PostEntry(ctx, e)
	if err != nil {
		panic(err)
	}
	again, _ := ledger.PostEntry(ctx, e)
	fmt.Println("voucher", ref.Number, "posted again:", again.ID != ref.ID, "vouchers:", len(srv.Vouchers()))

	back, err := ledger.Voucher(ctx, ref.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Date.Format(time.DateOnly), back.Journal, back.Reference)
	for _, l := range back.Lines {
		fmt.Printf("%s %8s %8s %-2s %s\n", l.Account, l.Debit.StringFixed(2), l.Credit.StringFixed(2), l.VATCode, l.Label)
	}
	// Output:
	// voucher 1-2026 posted again: false vouchers: 1
	// 2026-11-20 Memorialbilag F-2026-17
	// 1500  1250.00     0.00    Nordlys AS F-2026-17
	// 3000     0.00   800.00 3  Konsulenttimer
	// 3000     0.00   217.30 31 Servering
	// 2700     0.00   200.00 3  Utgående avgift, høy sats
	// 2701     0.00    32.60 31 Utgående avgift, middels sats
	// 7740     0.00     0.10    Øreavrunding
}
