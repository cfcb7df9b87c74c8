package einvoice

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
)

// Check verifies, exactly, the EN 16931 calculation rules that tie the
// declared totals together:
//
//	BR-CO-10  BT-106 = Σ BT-131 (sum of line net amounts)
//	BR-CO-13  BT-109 = BT-106 − BT-107 + BT-108
//	BR-CO-15  BT-112 = BT-109 + BT-110
//	BR-CO-16  BT-115 = BT-112 − BT-113 + BT-114
//
// The entry builder accepts small differences between declared figures
// (Mapping.RoundingTolerance) because invoicing tools that print rounded
// figures produce them. An e-invoice has no such excuse: the standard
// requires these equalities to the cent, every validator rejects a file
// that breaks one, and which of the two figures is right cannot be known.
// So an e-invoice that breaks one is refused, never posted.
//
// BR-CO-10 is not checked on an invoice without lines (Factur-X MINIMUM and
// BASIC WL carry none; the builder refuses them for that reason). The
// error is a *invoicesync.SyncError with code
// ERROR_SYNC_INVOICE_AMOUNT_VALIDATION naming the rule and both figures.
func Check(inv *invoicesync.Invoice) error {
	t := &inv.Totals
	sum := decimal.Zero
	for i := range inv.Lines {
		sum = sum.Add(inv.Lines[i].NetAmount)
	}
	type rule struct {
		id, field, formula string
		declared, computed decimal.Decimal
		skip               bool
	}
	for _, c := range []rule{
		{"BR-CO-10", "Totals.LineTotal (BT-106)", "the sum of the line net amounts (BT-131)", t.LineTotal, sum, len(inv.Lines) == 0},
		{"BR-CO-13", "Totals.Net (BT-109)", "BT-106 − BT-107 + BT-108", t.Net, t.LineTotal.Sub(t.AllowanceTotal).Add(t.ChargeTotal), false},
		{"BR-CO-15", "Totals.Gross (BT-112)", "BT-109 + BT-110", t.Gross, t.Net.Add(t.VAT), false},
		{"BR-CO-16", "Totals.Payable (BT-115)", "BT-112 − BT-113 + BT-114", t.Payable, t.Gross.Sub(t.Prepaid).Add(t.PayableRounding), false},
	} {
		if c.skip || c.declared.Equal(c.computed) {
			continue
		}
		return &invoicesync.SyncError{
			Code: invoicesync.CodeAmountValidation, InvoiceID: inv.ID, InvoiceNumber: inv.Number,
			Field: c.field, Value: c.declared.String(), Expected: c.computed.String(),
			Message: fmt.Sprintf("the e-invoice breaks EN 16931 rule %s: it declares %s but %s is %s",
				c.id, c.declared, c.formula, c.computed),
			Resolution: "ask the issuer for a corrected e-invoice: which of the two figures is right cannot be known, so nothing is posted",
		}
	}
	return nil
}
