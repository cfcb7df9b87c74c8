package invoicesync

import (
	"fmt"

	"github.com/shopspring/decimal"
)

func (s *build) validateTotals() error {
	t := &s.inv.Totals
	read := func(d decimal.Decimal, field string) (int64, error) {
		return s.units(d, CodeAmountValidation, 0, field)
	}
	type check struct {
		field    string
		declared decimal.Decimal
		dst      *int64
	}
	var lineTotal, allowTotal, chargeTotal int64
	for _, c := range []check{
		{"Totals.LineTotal (BT-106)", t.LineTotal, &lineTotal},
		{"Totals.AllowanceTotal (BT-107)", t.AllowanceTotal, &allowTotal},
		{"Totals.ChargeTotal (BT-108)", t.ChargeTotal, &chargeTotal},
		{"Totals.Net (BT-109)", t.Net, &s.net},
		{"Totals.VAT (BT-110)", t.VAT, &s.vat},
		{"Totals.Gross (BT-112)", t.Gross, &s.gross},
		{"Totals.Prepaid (BT-113)", t.Prepaid, &s.prepaid},
		{"Totals.PayableRounding (BT-114)", t.PayableRounding, &s.payRounding},
		{"Totals.Payable (BT-115)", t.Payable, &s.payable},
	} {
		u, err := read(c.declared, c.field)
		if err != nil {
			return err
		}
		*c.dst = u
	}
	payableRule := "BT-112 − BT-113 + BT-114"
	if len(s.withholds) > 0 {
		payableRule += " − the withheld taxes"
	}
	declVAT, hasBreakdown := int64(0), len(s.inv.VATBreakdown) > 0
	for i := range s.categories {
		declVAT = s.add(declVAT, s.categories[i].declVAT)
	}
	for _, c := range []struct {
		field, rule        string
		declared, computed int64
		skip               bool
	}{
		{"Totals.LineTotal (BT-106)", "the sum of the line net amounts", lineTotal, s.lineTotal, false},
		{"Totals.AllowanceTotal (BT-107)", "the sum of the document allowances", allowTotal, s.docAllow, false},
		{"Totals.ChargeTotal (BT-108)", "the sum of the document charges", chargeTotal, s.docCharge, false},
		{"Totals.Net (BT-109)", "BT-106 − BT-107 + BT-108", s.net, s.add(s.add(lineTotal, -allowTotal), chargeTotal), false},
		{"Totals.VAT (BT-110)", "the sum of the VAT breakdown (BT-117)", s.vat, declVAT, !hasBreakdown},
		{"Totals.Gross (BT-112)", "BT-109 + BT-110", s.gross, s.add(s.net, s.vat), false},
		{"Totals.Payable (BT-115)", payableRule, s.payable, s.add(s.add(s.add(s.gross, -s.prepaid), s.payRounding), -s.withheld), false},
	} {
		if c.skip {
			continue
		}
		if d := s.add(c.declared, -c.computed); d > s.tolerance || d < -s.tolerance {
			return s.invoiceError(&SyncError{
				Code: CodeAmountValidation, Field: c.field, Value: s.money(c.declared, s.invoiceDecimals), Expected: s.money(c.computed, s.invoiceDecimals),
				Message: fmt.Sprintf("declared %s but %s is %s: a difference of %s, more than the tolerance of %s",
					s.money(c.declared, s.invoiceDecimals), c.rule, s.money(c.computed, s.invoiceDecimals), s.money(d, s.invoiceDecimals), s.money(s.tolerance, s.invoiceDecimals)),
				Resolution: "check the invoice totals in the invoicing tool; if they are right, raise the rounding tolerance of the mapping",
			})
		}
	}
	return nil
}
