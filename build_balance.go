package invoicesync

import (
	"fmt"

	"github.com/invoicesync/invoicesync/rounding"
)

// balance books the residual on the rounding accounts, refusing
// a residual beyond the tolerance, then orients the entry: purchases and
// credit notes are mirrors of a sales invoice.
func (s *build) balance() error {
	if d := s.sum(false); d != 0 {
		if d > s.tol || d < -s.tol {
			// d is what the lines and VAT add up to beyond the declared gross.
			got := s.add(s.gross, d)
			return s.invoiceError(&SyncError{
				Code: CodeAmountValidation, Field: "Totals.Gross (BT-112)", Value: s.money(s.gross, s.ip), Expected: s.money(got, s.ip),
				Message: fmt.Sprintf("declared gross %s but the lines and VAT add up to %s: a difference of %s, more than the tolerance of %s",
					s.money(s.gross, s.ip), s.money(got, s.ip), s.money(abs(d), s.ip), s.money(s.tol, s.ip)),
				Resolution: "check the invoice lines, VAT and totals in the invoicing tool; if they are right, raise the rounding tolerance of the mapping",
			})
		}
		p := s.line(KindRounding, "", s.roundingVATCode(), false)
		p.amount, p.sideAcct, p.accSrc = -d, true, FromMapping
		p.note = fmt.Sprintf("the lines and VAT add up to %s, the declared gross is %s: the difference of %s is within the tolerance of %s",
			s.money(s.add(s.gross, d), s.ip), s.money(s.gross, s.ip), s.money(abs(d), s.ip), s.money(s.tol, s.ip))
	}
	sign := int64(1)
	if s.dir == Purchase {
		sign = -sign
	}
	if s.inv.Kind == KindCreditNote {
		sign = -sign
	}
	for i := range s.plines {
		s.plines[i].amount *= sign
		s.plines[i].ledger = s.plines[i].amount
	}
	return nil
}

// convert turns every line into the ledger currency, each separately, and
// books what conversion rounding leaves on the exchange accounts.
func (s *build) convert() error {
	if !s.foreign {
		return nil
	}
	rate := s.inv.ExchangeRate
	for i := range s.plines {
		p := &s.plines[i]
		q, err := rounding.Divide(rounding.FromUnits(p.amount, s.ip), rate, s.lp, s.m.Rounding)
		u, ok := rounding.ToUnits(q, s.lp)
		if err != nil || !ok {
			return s.invoiceError(&SyncError{
				Code: CodeCurrencyValidation, Field: "ExchangeRate", Value: rate.String(),
				Message:    "the amounts cannot be converted at this rate",
				Resolution: "check the exchange rate of the invoice",
			})
		}
		p.ledger = u
	}
	if d := s.sum(true); d != 0 {
		p := s.line(KindExchangeDifference, "", "", false)
		p.ledger, p.sideAcct, p.accSrc = -d, true, FromMapping
		p.note = fmt.Sprintf("converting each line at %s %s per %s leaves %s", rate, s.inv.Currency, s.ledgerCur, s.money(abs(d), s.lp))
	}
	return nil
}
