package eboekhouden

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
)

// vatCodeInfo is one of e-Boekhouden's fixed VAT codes.
type vatCodeInfo struct {
	code      string
	name      string
	rate      int64 // percent; what the entry carries (0 for a sale whose VAT the customer owes)
	ebRate    int64 // percent e-Boekhouden computes on a row
	dir       invoicesync.Direction
	reverse   bool   // a purchase whose VAT is self-assessed: due and deductible
	divergent bool   // AFW, AFW_VERK: the row gives its VAT amount
	cutOff    string // no longer accepted from this date (YYYY-MM-DD)
}

// The fixed VAT codes the API documents, by country. Sales codes with
// reverse charge (VERL_VERK, BE_VERL_VERK, ...) carry no VAT on the
// invoice: their rate is listed as 0 so that the Builder adds no VAT line.
var (
	vatNL = []vatCodeInfo{
		{code: "HOOG_VERK_21", name: "VAT 21% (sales)", rate: 21, ebRate: 21, dir: invoicesync.Sales},
		{code: "LAAG_VERK_9", name: "VAT 9% (sales)", rate: 9, ebRate: 9, dir: invoicesync.Sales},
		{code: "LAAG_VERK", name: "VAT 6% (sales)", rate: 6, ebRate: 6, dir: invoicesync.Sales, cutOff: "2019-01-01"},
		{code: "AFW_VERK", name: "Divergent VAT (sales)", dir: invoicesync.Sales, divergent: true},
		{code: "VERL_VERK", name: "Reverse charge 21% (sales)", dir: invoicesync.Sales},
		{code: "VERL_VERK_L9", name: "Reverse charge 9% (sales)", dir: invoicesync.Sales},
		{code: "BU_EU_VERK", name: "Delivery outside the EU 0%", dir: invoicesync.Sales},
		{code: "BI_EU_VERK", name: "Delivery within the EU 0%", dir: invoicesync.Sales},
		{code: "BI_EU_VERK_D", name: "Services within the EU 0%", dir: invoicesync.Sales},
		{code: "AFST_VERK", name: "Distance selling within the EU 0%", dir: invoicesync.Sales},
		{code: "HOOG_INK_21", name: "VAT 21% (purchases)", rate: 21, ebRate: 21, dir: invoicesync.Purchase},
		{code: "LAAG_INK_9", name: "VAT 9% (purchases)", rate: 9, ebRate: 9, dir: invoicesync.Purchase},
		{code: "LAAG_INK", name: "VAT 6% (purchases)", rate: 6, ebRate: 6, dir: invoicesync.Purchase, cutOff: "2019-01-01"},
		{code: "AFW", name: "Divergent VAT (purchases)", dir: invoicesync.Purchase, divergent: true},
		{code: "VERL_INK", name: "Reverse charge 21% (purchases)", rate: 21, ebRate: 21, dir: invoicesync.Purchase, reverse: true},
		{code: "VERL_INK_L9", name: "Reverse charge 9% (purchases)", rate: 9, ebRate: 9, dir: invoicesync.Purchase, reverse: true},
		{code: "VERL_INK_L", name: "Reverse charge 6% (purchases)", rate: 6, ebRate: 6, dir: invoicesync.Purchase, reverse: true, cutOff: "2019-01-01"},
		{code: "BU_EU_INK", name: "Delivery/services outside the EU 0%", dir: invoicesync.Purchase},
		{code: "BI_EU_INK", name: "Delivery/services within the EU 0%", dir: invoicesync.Purchase},
		{code: "GEEN", name: "No VAT"},
	}
	vatBE = []vatCodeInfo{
		{code: "BE_0_INK", name: "Domestic purchase (0%)", dir: invoicesync.Purchase},
		{code: "BE_6_INK", name: "Domestic purchase (6%)", rate: 6, ebRate: 6, dir: invoicesync.Purchase},
		{code: "BE_12_INK", name: "Domestic purchase (12%)", rate: 12, ebRate: 12, dir: invoicesync.Purchase},
		{code: "BE_21_INK", name: "Domestic purchase (21%)", rate: 21, ebRate: 21, dir: invoicesync.Purchase},
		{code: "BE_VERL_0_INK", name: "Reverse charge, co-contractor (0%)", dir: invoicesync.Purchase},
		{code: "BE_VERL_6_INK", name: "Reverse charge, co-contractor (6%)", rate: 6, ebRate: 6, dir: invoicesync.Purchase, reverse: true},
		{code: "BE_VERL_12_INK", name: "Reverse charge, co-contractor (12%)", rate: 12, ebRate: 12, dir: invoicesync.Purchase, reverse: true},
		{code: "BE_VERL_21_INK", name: "Reverse charge, co-contractor (21%)", rate: 21, ebRate: 21, dir: invoicesync.Purchase, reverse: true},
		{code: "BE_IC_D_0_INK", name: "Intra-community service (0%)", dir: invoicesync.Purchase},
		{code: "BE_IC_D_6_INK", name: "Intra-community service (6%)", rate: 6, ebRate: 6, dir: invoicesync.Purchase, reverse: true},
		{code: "BE_IC_D_12_INK", name: "Intra-community service (12%)", rate: 12, ebRate: 12, dir: invoicesync.Purchase, reverse: true},
		{code: "BE_IC_D_21_INK", name: "Intra-community service (21%)", rate: 21, ebRate: 21, dir: invoicesync.Purchase, reverse: true},
		{code: "BE_IC_0_INK", name: "Intra-community goods (0%)", dir: invoicesync.Purchase},
		{code: "BE_IC_6_INK", name: "Intra-community goods (6%)", rate: 6, ebRate: 6, dir: invoicesync.Purchase, reverse: true},
		{code: "BE_IC_12_INK", name: "Intra-community goods (12%)", rate: 12, ebRate: 12, dir: invoicesync.Purchase, reverse: true},
		{code: "BE_IC_21_INK", name: "Intra-community goods (21%)", rate: 21, ebRate: 21, dir: invoicesync.Purchase, reverse: true},
		{code: "BE_IMP_0_INK", name: "Import, reverse charge (0%)", dir: invoicesync.Purchase},
		{code: "BE_IMP_6_INK", name: "Import, reverse charge (6%)", rate: 6, ebRate: 6, dir: invoicesync.Purchase, reverse: true},
		{code: "BE_IMP_12_INK", name: "Import, reverse charge (12%)", rate: 12, ebRate: 12, dir: invoicesync.Purchase, reverse: true},
		{code: "BE_IMP_21_INK", name: "Import, reverse charge (21%)", rate: 21, ebRate: 21, dir: invoicesync.Purchase, reverse: true},
		{code: "BE_0_VERK", name: "Domestic sale (0%)", dir: invoicesync.Sales},
		{code: "BE_6_VERK", name: "Domestic sale (6%)", rate: 6, ebRate: 6, dir: invoicesync.Sales},
		{code: "BE_12_VERK", name: "Domestic sale (12%)", rate: 12, ebRate: 12, dir: invoicesync.Sales},
		{code: "BE_21_VERK", name: "Domestic sale (21%)", rate: 21, ebRate: 21, dir: invoicesync.Sales},
		{code: "BE_IC_D_VERK", name: "Intra-community service (0%)", dir: invoicesync.Sales},
		{code: "BE_VERL_VERK", name: "Reverse charge, co-contractor (0%)", dir: invoicesync.Sales},
		{code: "BE_IC_VERK", name: "Intra-community goods (0%)", dir: invoicesync.Sales},
		{code: "BE_EXP_VERK", name: "Export sale (0%)", dir: invoicesync.Sales},
		{code: "GEEN", name: "No VAT"},
	}
)

// geen is the code of a row without VAT.
const geen = "GEEN"

// vatRule is how a VAT code of the chart (fixed or divergent) is posted.
type vatRule struct {
	code       string // the chart's code
	ebCode     string // the code sent to e-Boekhouden
	name       string
	rate       decimal.Decimal // the rate the entry carries
	ebRate     decimal.Decimal // the rate e-Boekhouden computes (fixed codes)
	dir        invoicesync.Direction
	reverse    bool
	divergent  bool // e-Boekhouden takes the VAT amount from the row
	account    string
	dueAccount string
	active     bool
}

// VAT ledger categories: where e-Boekhouden books VAT (see the package comment).
const (
	categoryHigh  = "AF19"     // VAT payable at the high rate
	categoryLow   = "AF6"      // VAT payable at the low rate
	categoryOther = "AFOVERIG" // VAT payable at other rates
	categoryInput = "VOOR"     // deductible VAT
)

// defaultVATCategory is the category of the ledger where e-Boekhouden books
// the VAT of a code of rate rate and direction dir.
func defaultVATCategory(dir invoicesync.Direction, rate int64) string {
	switch {
	case dir == invoicesync.Purchase:
		return categoryInput
	case rate == 21:
		return categoryHigh
	case rate == 9 || rate == 6:
		return categoryLow
	}
	return categoryOther
}

// vatRules builds the rules of the fixed codes of o.Country and of
// o.DivergentCodes, the VAT accounts taken from o.VATAccounts or else the
// first ledger (by code) of the code's category in ch.
func (l *Ledger) vatRules(ch *chart) map[string]*vatRule {
	table := vatNL
	if l.o.Country == "BE" {
		table = vatBE
	}
	today := l.clock.Now().Format(time.DateOnly)
	rules := map[string]*vatRule{}
	for _, v := range table {
		r := &vatRule{code: v.code, ebCode: v.code, name: v.name, rate: decimal.NewFromInt(v.rate), ebRate: decimal.NewFromInt(v.ebRate),
			dir: v.dir, reverse: v.reverse, divergent: v.divergent,
			active: !v.divergent && (v.cutOff == "" || today < v.cutOff)}
		if v.ebRate > 0 {
			r.account = ch.categoryAccount(defaultVATCategory(v.dir, v.ebRate))
			if v.reverse {
				r.dueAccount = ch.categoryAccount(categoryOther)
			}
		}
		rules[v.code] = r
	}
	for _, d := range l.o.DivergentCodes {
		eb := "AFW_VERK"
		if d.Direction == invoicesync.Purchase {
			eb = "AFW"
		}
		rules[d.Code] = &vatRule{code: d.Code, ebCode: eb, name: d.Name, rate: d.Rate, dir: d.Direction, divergent: true,
			account: d.Account, active: d.Active}
		if rules[d.Code].account == "" {
			rules[d.Code].account = ch.categoryAccount(defaultVATCategory(d.Direction, 0))
		}
	}
	for code, acc := range l.o.VATAccounts {
		if r, ok := rules[code]; ok {
			r.account = acc
		}
	}
	return rules
}

// vatCode lists r as the chart's VAT code.
func (r *vatRule) vatCode() invoicesync.VATCode {
	v := invoicesync.VATCode{Code: r.code, Name: r.name, Rate: r.rate, Direction: r.dir, ReverseCharge: r.reverse,
		Account: r.account, Active: r.active}
	if r.reverse {
		v.DueAccount = r.dueAccount
	}
	return v
}
