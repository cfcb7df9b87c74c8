package plaintext

import "github.com/invoicesync/invoicesync"

// RootsFor returns the root function NameAccounts needs for a chart used
// with mapping m and the ledger's VAT codes: it names the top-level account
// (Assets, Liabilities, Income, Expenses or Equity) each account falls under,
// from its number's use in m and codes:
//
//   - Assets: the customer collective account, the supplier prepayment
//     account, the Account of a purchase VAT rule and of a purchase VAT code
//     (deductible VAT);
//   - Liabilities: the supplier collective account, the customer prepayment
//     account, the Account of a sales VAT rule and of a sales VAT code (VAT
//     collected), the DueAccount of every VAT rule and VAT code (VAT due);
//   - Income: the sales default and charge accounts, the credit rounding
//     account, the exchange gain account, the purchase discount account, the
//     Account of an account rule whose Direction is not Purchase;
//   - Expenses: the purchase default and charge accounts, the debit rounding
//     account, the exchange loss account, the sales discount account, the
//     Account of an account rule whose Direction is Purchase;
//   - Equity: an account none of these name.
//
// A number used in several places takes the root of the first use in this
// order: the fixed accounts of m.Accounts (Assets, Liabilities, Income, then
// Expenses, as listed above), m.AccountRules, m.SalesVAT, m.PurchaseVAT, then
// codes. Empty numbers are ignored. Only the account's Number is looked at.
// m must not be nil; it and codes are read once, when RootsFor is called.
func RootsFor(m *invoicesync.Mapping, codes []invoicesync.VATCode) func(invoicesync.Account) string {
	roots := make(map[string]string)
	set := func(root string, numbers ...string) {
		for _, n := range numbers {
			if _, done := roots[n]; n != "" && !done {
				roots[n] = root
			}
		}
	}
	a := m.Accounts
	set("Assets", a.CustomerCollective, a.SupplierPrepayment)
	set("Liabilities", a.SupplierCollective, a.CustomerPrepayment)
	set("Income", a.SalesDefault, a.SalesCharge, a.CreditRounding, a.ExchangeGain, a.PurchaseDiscount)
	set("Expenses", a.PurchaseDefault, a.PurchaseCharge, a.DebitRounding, a.ExchangeLoss, a.SalesDiscount)
	for _, r := range m.AccountRules {
		if r.Direction == invoicesync.Purchase {
			set("Expenses", r.Account)
		} else {
			set("Income", r.Account)
		}
	}
	for _, rules := range []struct {
		vat  string
		list []invoicesync.VATRule
	}{{"Liabilities", m.SalesVAT}, {"Assets", m.PurchaseVAT}} {
		for _, r := range rules.list {
			set(rules.vat, r.Account)
			set("Liabilities", r.DueAccount)
		}
	}
	for _, c := range codes {
		if c.Direction == invoicesync.Purchase {
			set("Assets", c.Account)
		} else {
			set("Liabilities", c.Account)
		}
		set("Liabilities", c.DueAccount)
	}
	return func(acc invoicesync.Account) string {
		if r, ok := roots[acc.Number]; ok {
			return r
		}
		return "Equity"
	}
}
