package plaintext_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/plaintext"
)

func TestRootsFor(t *testing.T) {
	m := &invoicesync.Mapping{
		Accounts: invoicesync.Accounts{
			CustomerCollective: "411", SupplierPrepayment: "409",
			SupplierCollective: "401", CustomerPrepayment: "419",
			SalesDefault: "706", CreditRounding: "758", ExchangeGain: "766",
			PurchaseDefault: "607", DebitRounding: "658", SalesDiscount: "709",
			// Also the sales default: the first use (Income) wins.
			PurchaseCharge: "706",
		},
		AccountRules: []invoicesync.AccountRule{
			{Direction: invoicesync.Purchase, ItemCode: "FUEL", Account: "6061"},
			{ItemCode: "SVC", Account: "7061"},                            // no direction: Income
			{Direction: invoicesync.Sales, ItemCode: "X", Account: "607"}, // already Expenses
		},
		SalesVAT:    []invoicesync.VATRule{{Code: "S20", Account: "44571"}},
		PurchaseVAT: []invoicesync.VATRule{{Code: "RC", Account: "44566", DueAccount: "4452"}},
	}
	codes := []invoicesync.VATCode{
		{Code: "S10", Direction: invoicesync.Sales, Account: "44572"},
		{Code: "D20", Direction: invoicesync.Purchase, Account: "44567", DueAccount: "4453"},
		// Already Liabilities through the sales VAT rule.
		{Code: "X", Direction: invoicesync.Purchase, Account: "44571"},
	}
	root := plaintext.RootsFor(m, codes)
	want := map[string]string{
		"411": "Assets", "409": "Assets", "44566": "Assets", "44567": "Assets",
		"401": "Liabilities", "419": "Liabilities", "44571": "Liabilities",
		"44572": "Liabilities", "4452": "Liabilities", "4453": "Liabilities",
		"706": "Income", "758": "Income", "766": "Income", "7061": "Income",
		"607": "Expenses", "658": "Expenses", "709": "Expenses", "6061": "Expenses",
		"101": "Equity", "": "Equity",
	}
	for number, w := range want {
		assert.Equal(t, w, root(invoicesync.Account{Number: number}), "account %q", number)
	}

	got := plaintext.NameAccounts([]invoicesync.Account{
		{Number: "411", Name: "Customers", Active: true},
		{Number: "44571", Name: "VAT collected", Active: true},
		{Number: "101", Name: "Capital"},
	}, root)
	assert.Equal(t, []plaintext.Account{
		{Name: "Assets:411", Number: "411", Title: "Customers"},
		{Name: "Liabilities:44571", Number: "44571", Title: "VAT collected"},
		{Name: "Equity:101", Number: "101", Title: "Capital", Closed: true},
	}, got)
}
