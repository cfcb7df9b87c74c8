package dailysales_test

import (
	"context"
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Oslo on machines without a tz database

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
	"github.com/invoicesync/invoicesync/dailysales"
)

// A salon's register POS-1 on 20 November 2026: three receipts at 25 %,
// 15 % and 0 %, paid by card and cash, posted as one voucher to a memory
// ledger; the second nightly run posts nothing.
func Example() {
	ctx := context.Background()
	dec := decimal.RequireFromString
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		fmt.Println(err)
		return
	}

	ledger := memory.NewLedger()
	ledger.AddAccounts(
		invoicesync.Account{Number: "1580", Name: "Card settlements", Active: true},
		invoicesync.Account{Number: "1900", Name: "Cash", Active: true},
		invoicesync.Account{Number: "2700", Name: "Output VAT, standard rate", Active: true},
		invoicesync.Account{Number: "2701", Name: "Output VAT, medium rate", Active: true},
		invoicesync.Account{Number: "3000", Name: "Sales, taxable", Active: true},
		invoicesync.Account{Number: "3010", Name: "Sales of goods, taxable", Active: true},
		invoicesync.Account{Number: "3100", Name: "Sales, exempt", Active: true},
	)
	ledger.AddVATCodes(
		invoicesync.VATCode{Code: "3", Name: "Output VAT 25 %", Rate: dec("25"), Account: "2700", Active: true},
		invoicesync.VATCode{Code: "31", Name: "Output VAT 15 %", Rate: dec("15"), Account: "2701", Active: true},
		invoicesync.VATCode{Code: "5", Name: "Exempt 0 %", Rate: dec("0"), Active: true},
	)
	ledger.AddJournals(invoicesync.Journal{Code: "POS", Name: "Daily sales"})

	cfg := &dailysales.Config{
		Journal: "POS", Currency: "NOK", Decimals: 2, Location: oslo,
		VAT: []dailysales.VATRule{
			{Rate: dec("25"), Code: "3", RevenueAccount: "3000"},
			{Rate: dec("15"), Code: "31", RevenueAccount: "3000"},
			{Rate: dec("0"), Code: "5", RevenueAccount: "3100"},
		},
		Payments: map[string]string{"card": "1580", "vipps": "1580", "cash": "1900"},
	}
	at := func(hh, mm int) time.Time { return time.Date(2026, 11, 20, hh, mm, 0, 0, oslo) }
	line := func(desc, gross, rate, account string) dailysales.Line {
		return dailysales.Line{Description: desc, Gross: dec(gross), VATRate: dec(rate), Account: account}
	}
	pay := func(method, amount string) dailysales.Payment {
		return dailysales.Payment{Method: method, Amount: dec(amount)}
	}
	receipts := []dailysales.Receipt{
		{ID: "R1", Register: "POS-1", Time: at(9, 12),
			Lines:    []dailysales.Line{line("Haircut", "499.00", "25", ""), line("Shampoo", "249.00", "25", "3010")},
			Payments: []dailysales.Payment{pay("card", "748.00")}},
		{ID: "R2", Register: "POS-1", Time: at(11, 47),
			Lines:    []dailysales.Line{line("Coffee", "35.00", "15", ""), line("Cinnamon bun", "42.00", "15", ""), line("Newspaper", "45.00", "0", "")},
			Payments: []dailysales.Payment{pay("cash", "122.00")}},
		{ID: "R3", Register: "POS-1", Time: at(23, 40),
			Lines:    []dailysales.Line{line("Beard trim", "299.00", "25", ""), line("Magazine", "89.00", "0", "")},
			Payments: []dailysales.Payment{pay("card", "200.00"), pay("cash", "188.00")}},
	}

	chart, err := invoicesync.LoadChart(ctx, ledger)
	if err != nil {
		fmt.Println(err)
		return
	}
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, oslo)
	res, err := dailysales.Post(ctx, ledger, chart, cfg, "POS-1", day, receipts)
	if err != nil {
		fmt.Println(err)
		return
	}
	e := res.Entry
	fmt.Println(res.Ref.Number, e.Label, e.IdempotencyKey)
	for _, l := range e.Lines {
		side := "credit"
		if l.IsDebit() {
			side = "debit "
		}
		fmt.Printf("%s %s %7s %-3s %-8s %s\n", l.Account, side, l.Amount().StringFixed(2), l.VATCode, l.Kind, l.Label)
	}
	debit, credit := e.Totals()
	fmt.Println("debit", debit.StringFixed(2), "credit", credit.StringFixed(2))

	again, err := dailysales.Post(ctx, ledger, chart, cfg, "POS-1", day, receipts)
	fmt.Println("again:", again.Ref.Number, "already posted:", again.AlreadyPosted, err, "entries:", ledger.Len())
	// Output:
	// 2026-000001 Daily sales POS-1 2026-11-20 dailysales:POS-1:2026-11-20
	// 1580 debit   948.00     payment  card
	// 1900 debit   310.00     payment  cash
	// 3000 credit  638.40 3   revenue  Daily sales 25 %
	// 3000 credit   66.96 31  revenue  Daily sales 15 %
	// 3010 credit  199.20 3   revenue  Daily sales 25 %
	// 3100 credit  134.00 5   revenue  Daily sales 0 %
	// 2700 credit  209.40 3   vat      Output VAT 25 %
	// 2701 credit   10.04 31  vat      Output VAT 15 %
	// debit 1258.00 credit 1258.00
	// again: 2026-000001 already posted: true <nil> entries: 1
}

// Key is the idempotency key of a register's day; a register name with a
// ':' is escaped so that no two registers share a key.
func ExampleKey() {
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for _, register := range []string{"POS-1", "Kasse 2", "shop:3", ""} {
		key, err := dailysales.Key(register, day)
		fmt.Printf("%q %v\n", key, err)
	}
	// Output:
	// "dailysales:POS-1:2026-11-20" <nil>
	// "dailysales:Kasse+2:2026-11-20" <nil>
	// "dailysales:shop%3A3:2026-11-20" <nil>
	// "" ERROR_SYNC_INVOICE_VALIDATION: the register is not named (register)
}
