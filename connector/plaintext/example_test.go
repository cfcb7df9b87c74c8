package plaintext_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/plaintext"
)

// A journal is created with its chart, then entries are posted to it like to
// any other ledger. Posting the same idempotency key again writes nothing.
func Example() {
	dir, _ := os.MkdirTemp("", "books")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "books.journal")

	ledger, err := plaintext.Open(path, &plaintext.Options{Chart: &plaintext.Chart{
		Accounts: plaintext.NameAccounts([]invoicesync.Account{
			{Number: "411000", Name: "Customers", Active: true},
			{Number: "706000", Name: "Services", Active: true},
			{Number: "445710", Name: "VAT collected", Active: true},
		}, func(a invoicesync.Account) string {
			return map[string]string{"411000": "Assets", "706000": "Income", "445710": "Liabilities"}[a.Number]
		}),
		VATCodes:   []invoicesync.VATCode{{Code: "S20", Rate: decimal.NewFromInt(20), Account: "445710", Active: true}},
		Currencies: []string{"EUR"},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ledger.Close()

	ctx := context.Background()
	acme, _ := ledger.CreatePartner(ctx, invoicesync.Partner{Role: invoicesync.Customer, Name: "ACME SARL"})
	entry := &invoicesync.Entry{
		Journal: "VT", Date: time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), Reference: "F-2026-001",
		Label: "ACME SARL - F-2026-001", Currency: "EUR", Decimals: 2, IdempotencyKey: "inv-1-v1", Partner: acme,
		Lines: []invoicesync.EntryLine{
			{Account: "411000", Partner: &acme, Debit: decimal.RequireFromString("120.00")},
			{Account: "706000", Credit: decimal.RequireFromString("100.00"), VATCode: "S20", Label: "Consulting"},
			{Account: "445710", Credit: decimal.RequireFromString("20.00"), VATCode: "S20", Label: "VAT 20 %"},
		},
	}
	first, _ := ledger.PostEntry(ctx, entry)
	again, _ := ledger.PostEntry(ctx, entry)
	fmt.Println(first.ID, again.ID)

	data, _ := os.ReadFile(path)
	text := string(data)
	fmt.Print(text[strings.Index(text, "; invoicesync: begin entry"):])
	// Output:
	// E1 E1
	// ; invoicesync: begin entry E1
	// 2026-03-15 ACME SARL | ACME SARL - F-2026-001  ; entry:E1, key:inv-1-v1, invoice:F-2026-001, journal:VT
	//     ; partner:P1
	//     Assets:411000                     120.00 EUR  ; partner:P1
	//     Income:706000                    -100.00 EUR  ; label:Consulting, vat:S20
	//     Liabilities:445710                -20.00 EUR  ; label:VAT 20 %25, vat:S20
	// ; invoicesync: end entry E1
}
