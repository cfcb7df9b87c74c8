package eboekhouden_test

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/eboekhouden"
	"github.com/invoicesync/invoicesync/connector/eboekhouden/eboekhoudentest"
)

// An e-Boekhouden ledger on the local fake: a customer is created as a
// relation (its code is the customer number), an invoice's entry posted as
// an invoice-sent mutation (e-Boekhouden books the VAT) and read back;
// posting it again finds the mutation instead of making a second one.
func Example() {
	srv := eboekhoudentest.NewServer(eboekhoudentest.Options{})
	defer srv.Close()
	srv.SeedDemo()

	ledger, err := eboekhouden.New(eboekhouden.Options{
		BaseURL:     srv.URL(), // eboekhouden.ProductionURL in production
		AccessToken: eboekhoudentest.DefaultAccessToken,
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	customer, err := ledger.CreatePartner(ctx, invoicesync.Partner{Role: invoicesync.Customer, Name: "Acme BV", AuxiliaryAccount: "C1042"})
	if err != nil {
		panic(err)
	}
	d := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
	date := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	e := &invoicesync.Entry{
		Date: date, DueDate: date.AddDate(0, 0, 14), Reference: "2026-0042", Label: "Acme BV 2026-0042",
		Currency: "EUR", Decimals: 2, IdempotencyKey: "isync-example", Direction: invoicesync.Sales, Partner: customer,
		Lines: []invoicesync.EntryLine{
			{Account: "1300", Debit: d("1309.31"), Credit: d("0"), Label: "Acme BV 2026-0042", Partner: &customer, Kind: invoicesync.KindPartner},
			{Account: "8000", Debit: d("0"), Credit: d("1000.00"), VATCode: "HOOG_VERK_21", Label: "Consultancy hours", Kind: invoicesync.KindRevenue},
			{Account: "8010", Debit: d("0"), Credit: d("91.11"), VATCode: "LAAG_VERK_9", Label: "Training materials", Kind: invoicesync.KindRevenue},
			{Account: "1500", Debit: d("0"), Credit: d("210.00"), VATCode: "HOOG_VERK_21", Label: "VAT 21%", Kind: invoicesync.KindVAT},
			{Account: "1510", Debit: d("0"), Credit: d("8.20"), VATCode: "LAAG_VERK_9", Label: "VAT 9%", Kind: invoicesync.KindVAT},
		},
	}
	if err := e.Check(); err != nil {
		panic(err)
	}
	ref, err := ledger.PostEntry(ctx, e)
	if err != nil {
		panic(err)
	}
	again, _ := ledger.PostEntry(ctx, e)
	fmt.Println("mutation", ref.Number, "posted again:", again.ID != ref.ID, "mutations:", len(srv.Mutations()))

	back, err := ledger.Mutation(ctx, ref.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Date.Format(time.DateOnly), "journal", back.Journal, back.Reference, back.DueDate.Format(time.DateOnly))
	for _, l := range back.Lines {
		fmt.Printf("%s %8s %8s %-12s %s\n", l.Account, l.Debit.StringFixed(2), l.Credit.StringFixed(2), l.VATCode, l.Label)
	}
	// Output:
	// mutation 1014 posted again: false mutations: 1
	// 2026-11-20 journal 2 2026-0042 2026-12-04
	// 1300  1309.31     0.00              Acme BV 2026-0042
	// 8000     0.00  1000.00 HOOG_VERK_21 Consultancy hours
	// 8010     0.00    91.11 LAAG_VERK_9  Training materials
	// 1500     0.00   210.00 HOOG_VERK_21 VAT 21% (sales)
	// 1510     0.00     8.20 LAAG_VERK_9  VAT 9% (sales)
}
