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
		if d > s.tolerance || d < -s.tolerance {
			// d is what the lines and VAT add up to beyond the declared gross.
			got := s.add(s.gross, d)
			return s.invoiceError(&SyncError{
				Code: CodeAmountValidation, Field: "Totals.Gross (BT-112)", Value: s.money(s.gross, s.invoiceDecimals), Expected: s.money(got, s.invoiceDecimals),
				Message: fmt.Sprintf("declared gross %s but the lines and VAT add up to %s: a difference of %s, more than the tolerance of %s",
					s.money(s.gross, s.invoiceDecimals), s.money(got, s.invoiceDecimals), s.money(abs(d), s.invoiceDecimals), s.money(s.tolerance, s.invoiceDecimals)),
				Resolution: "check the invoice lines, VAT and totals in the invoicing tool; if they are right, raise the rounding tolerance of the mapping",
			})
		}
		p := s.line(KindRounding, "", s.roundingVATCode(), false)
		p.amount, p.accountBySide, p.accountSource = -d, true, FromMapping
		p.explanation = fmt.Sprintf("the lines and VAT add up to %s, the declared gross is %s: the difference of %s is within the tolerance of %s",
			s.money(s.add(s.gross, d), s.invoiceDecimals), s.money(s.gross, s.invoiceDecimals), s.money(abs(d), s.invoiceDecimals), s.money(s.tolerance, s.invoiceDecimals))
	}
	sign := int64(1)
	if s.dir == Purchase {
		sign = -sign
	}
	if s.inv.Kind == KindCreditNote {
		sign = -sign
	}
	for i := range s.pending {
		s.pending[i].amount *= sign
		s.pending[i].ledgerAmount = s.pending[i].amount
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
	for i := range s.pending {
		p := &s.pending[i]
		q, err := rounding.Divide(rounding.FromUnits(p.amount, s.invoiceDecimals), rate, s.ledgerDecimals, s.m.Rounding)
		u, ok := rounding.ToUnits(q, s.ledgerDecimals)
		if err != nil || !ok {
			return s.invoiceError(&SyncError{
				Code: CodeCurrencyValidation, Field: "ExchangeRate", Value: rate.String(),
				Message:    "the amounts cannot be converted at this rate",
				Resolution: "check the exchange rate of the invoice",
			})
		}
		p.ledgerAmount = u
	}
	if d := s.sum(true); d != 0 {
		p := s.line(KindExchangeDifference, "", "", false)
		p.ledgerAmount, p.accountBySide, p.accountSource = -d, true, FromMapping
		p.explanation = fmt.Sprintf("converting each line at %s %s per %s leaves %s", rate, s.inv.Currency, s.ledgerCurrency, s.money(abs(d), s.ledgerDecimals))
	}
	return nil
}
