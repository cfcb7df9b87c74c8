package einvoice

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
)

// The accounts of the demo chart (French numbering).
const (
	demoSales           = "706000" // sales of services
	demoPurchases       = "607000" // purchases of goods
	demoCustomers       = "411000" // customers
	demoSuppliers       = "401000" // suppliers
	demoVATCollected    = "445710" // VAT collected
	demoVATDeductible   = "445660" // VAT deductible
	demoVATSelfAssessed = "445200" // VAT due on intra-EU acquisitions
	demoRoundingGain    = "758000" // rounding differences, credit
	demoRoundingLoss    = "658000" // rounding differences, debit
	demoWithheld        = "447000" // taxes withheld (IRPF): a claim on, or a debt to, the tax authority
)

// DemoSetup is a mapping and the chart of accounts, VAT codes and journals
// it is written for.
type DemoSetup struct {
	// Mapping maps every VAT category and rate of the invoices to a code of VATCodes.
	Mapping *invoicesync.Mapping
	// Accounts, VATCodes and Journals are the ledger's chart.
	Accounts []invoicesync.Account
	// VATCodes has a sales and a purchase code per VAT category and rate.
	VATCodes []invoicesync.VATCode
	// Journals are VT (sales) and HA (purchases).
	Journals []invoicesync.Journal
}

// Chart returns the setup's chart, for invoicesync.BuildEntry.
func (d DemoSetup) Chart() *invoicesync.Chart {
	return invoicesync.NewChart(d.Accounts, d.VATCodes, d.Journals)
}

// Demo returns a mapping and a chart under which the invoices invs can be
// built: a sales and a purchase VAT code for every VAT category and rate
// they use (reverse-charge ones for AE and K purchases; a category that
// means 0 % without a rate, such as O or E, is the same with and without
// a 0 % rate, as the entry builder reads it), a withholding rule for every
// tax they withhold (account 447000), a small French chart of accounts,
// journals VT and HA, and the ledger currency of each invoice its own. It is for trying the library on real invoices (the
// invoicesync preview command uses it), not for posting: a real ledger has
// its own chart, and its mapping is written for it.
func Demo(invs ...*invoicesync.Invoice) DemoSetup {
	type key struct {
		cat  string
		rate string
	}
	var keys []key
	add := func(cat string, rate decimal.NullDecimal) {
		k := key{cat: strings.ToUpper(strings.TrimSpace(cat))}
		switch {
		case rate.Valid:
			k.rate = rate.Decimal.String()
		case invoicesync.ImpliesZeroRate(k.cat):
			// The builder reads such a category without rate as the
			// category at 0 % (invoicesync.BuildEntry): one key, one code.
			k.rate = "0"
		}
		if k.cat == "" && k.rate == "" || slices.Contains(keys, k) {
			return
		}
		keys = append(keys, k)
	}
	for _, inv := range invs {
		for _, l := range inv.Lines {
			add(l.VATCategory, l.VATRate)
		}
		for _, ac := range slices.Concat(inv.Allowances, inv.Charges) {
			add(ac.VATCategory, ac.VATRate)
		}
		for _, v := range inv.VATBreakdown {
			add(v.Category, v.Rate)
		}
	}
	m := &invoicesync.Mapping{
		Journals: invoicesync.JournalMapping{Sales: "VT", Purchase: "HA"},
		Accounts: invoicesync.Accounts{
			SalesDefault: demoSales, PurchaseDefault: demoPurchases,
			CustomerCollective: demoCustomers, SupplierCollective: demoSuppliers,
			CreditRounding: demoRoundingGain, DebitRounding: demoRoundingLoss,
		},
		SyncWithoutAttachment: true,
	}
	var codes []invoicesync.VATCode
	for _, k := range keys {
		rate := decimal.Zero
		nrate := decimal.NullDecimal{}
		if k.rate != "" {
			rate = decimal.RequireFromString(k.rate)
			nrate = decimal.NewNullDecimal(rate)
		}
		name := k.cat
		if name == "" {
			name = "VAT"
		}
		code := fmt.Sprintf("%s%s", name, strings.ReplaceAll(rate.String(), ".", "_"))
		reverse := k.cat == "AE" || k.cat == "K"
		codes = append(codes,
			invoicesync.VATCode{Code: "V-" + code, Name: fmt.Sprintf("Sales VAT %s %s %%", name, rate), Rate: rate,
				Direction: invoicesync.Sales, Account: demoVATCollected, Active: true},
			invoicesync.VATCode{Code: "A-" + code, Name: fmt.Sprintf("Purchase VAT %s %s %%", name, rate), Rate: rate,
				Direction: invoicesync.Purchase, Account: demoVATDeductible, ReverseCharge: reverse,
				DueAccount: map[bool]string{true: demoVATSelfAssessed}[reverse], Active: true},
		)
		m.SalesVAT = append(m.SalesVAT, invoicesync.VATRule{Category: k.cat, Rate: nrate, Code: "V-" + code})
		m.PurchaseVAT = append(m.PurchaseVAT, invoicesync.VATRule{Category: k.cat, Rate: nrate, Code: "A-" + code})
	}
	accounts := []invoicesync.Account{
		{Number: demoSales, Name: "Sales", Active: true},
		{Number: demoPurchases, Name: "Purchases", Active: true},
		{Number: demoCustomers, Name: "Customers", Active: true},
		{Number: demoSuppliers, Name: "Suppliers", Active: true},
		{Number: demoVATCollected, Name: "VAT collected", Active: true},
		{Number: demoVATDeductible, Name: "VAT deductible", Active: true},
		{Number: demoVATSelfAssessed, Name: "VAT due on acquisitions", Active: true},
		{Number: demoRoundingGain, Name: "Rounding gains", Active: true},
		{Number: demoRoundingLoss, Name: "Rounding losses", Active: true},
		{Number: demoWithheld, Name: "Taxes withheld", Active: true},
	}
	for _, inv := range invs {
		for _, w := range inv.Withholdings {
			tax := strings.TrimSpace(w.Tax)
			if tax != "" && !slices.ContainsFunc(m.Withholding, func(r invoicesync.WithholdingRule) bool { return strings.EqualFold(r.Tax, tax) }) {
				m.Withholding = append(m.Withholding, invoicesync.WithholdingRule{Tax: tax, Account: demoWithheld})
			}
		}
	}
	journals := []invoicesync.Journal{{Code: "VT", Name: "Sales", Type: "sales"}, {Code: "HA", Name: "Purchases", Type: "purchase"}}
	return DemoSetup{Mapping: m, Accounts: accounts, VATCodes: codes, Journals: journals}
}
