package ledgertest

import (
	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
)

// The accounts of FixtureChart (French numbering).
const (
	AccountCustomers     = "411000" // customers (an asset)
	AccountSuppliers     = "401000" // suppliers (a liability)
	AccountSales         = "706000" // sales (income)
	AccountPurchases     = "607000" // purchases (an expense)
	AccountVATCollected  = "445710" // VAT collected (a liability)
	AccountVATDeductible = "445660" // VAT deductible (an asset)
	AccountRoundingLoss  = "658000" // rounding differences, debit (an expense)
	AccountRoundingGain  = "758000" // rounding differences, credit (income)
	AccountClosed        = "709000" // an inactive income account
)

// The VAT codes of FixtureChart.
const (
	VATSales20    = "S20" // sales, 20 %, on AccountVATCollected
	VATSales10    = "S10" // sales, 10 %, on AccountVATCollected
	VATPurchase20 = "P20" // purchases, 20 %, on AccountVATDeductible
	VATInactive   = "OLD" // sales, 19.6 %, inactive
)

// The journals of FixtureChart.
const (
	JournalSales     = "VT" // sales
	JournalPurchases = "HA" // purchases
)

// FixtureChart returns the chart every test of the suite posts against:
// the accounts, VAT codes and journals named by the constants above, all
// active but AccountClosed and VATInactive. Each call returns a new copy.
func FixtureChart() Chart {
	acc := func(number, name string, active bool) invoicesync.Account {
		return invoicesync.Account{Number: number, Name: name, Active: active}
	}
	return Chart{
		Accounts: []invoicesync.Account{
			acc(AccountCustomers, "Customers", true),
			acc(AccountSuppliers, "Suppliers", true),
			acc(AccountSales, "Sales of services", true),
			acc(AccountPurchases, "Purchases of goods", true),
			acc(AccountVATCollected, "VAT collected", true),
			acc(AccountVATDeductible, "VAT deductible", true),
			acc(AccountRoundingLoss, "Rounding differences (debit)", true),
			acc(AccountRoundingGain, "Rounding differences (credit)", true),
			acc(AccountClosed, "Discounts granted (closed)", false),
		},
		VATCodes: []invoicesync.VATCode{
			{Code: VATSales20, Name: "VAT 20 %", Rate: decimal.NewFromInt(20), Direction: invoicesync.Sales, Account: AccountVATCollected, Active: true},
			{Code: VATSales10, Name: "VAT 10 %", Rate: decimal.NewFromInt(10), Direction: invoicesync.Sales, Account: AccountVATCollected, Active: true},
			{Code: VATPurchase20, Name: "Deductible VAT 20 %", Rate: decimal.NewFromInt(20), Direction: invoicesync.Purchase, Account: AccountVATDeductible, Active: true},
			{Code: VATInactive, Name: "VAT 19.6 % (before 2014)", Rate: decimal.RequireFromString("19.6"), Direction: invoicesync.Sales, Account: AccountVATCollected, Active: false},
		},
		Journals: []invoicesync.Journal{
			{Code: JournalSales, Name: "Sales", Type: "sales"},
			{Code: JournalPurchases, Name: "Purchases", Type: "purchase"},
		},
	}
}
