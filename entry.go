package invoicesync

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// LineKind says what an entry line stands for.
type LineKind string

// The kinds of entry line.
const (
	KindPartner            LineKind = "partner"            // the customer or supplier line
	KindRevenue            LineKind = "revenue"            // sales lines
	KindExpense            LineKind = "expense"            // purchase lines
	KindVAT                LineKind = "vat"                // VAT collected or deductible
	KindReverseChargeVAT   LineKind = "reverse_charge_vat" // self-assessed VAT (deductible and due)
	KindDiscount           LineKind = "discount"           // allowances on their own account
	KindCharge             LineKind = "charge"             // charges on their own account
	KindPrepayment         LineKind = "prepayment"         // the prepaid amount (BT-113)
	KindWithholding        LineKind = "withholding"        // a tax withheld from the amount payable (Invoice.Withholdings)
	KindRounding           LineKind = "rounding"           // payable rounding and rounding differences
	KindExchangeDifference LineKind = "exchange"           // currency conversion differences
	KindPayment            LineKind = "payment"            // money received on the spot (a daily sales entry's cash or card line)
)

// AccountSource says how an entry line's account was chosen.
type AccountSource string

// The ways an account is chosen.
const (
	// FromLine: the account the invoicing tool gave the line.
	FromLine AccountSource = "line"
	// FromRule: an account rule of the Mapping (see EntryLine.Rule).
	FromRule AccountSource = "rule"
	// FromDefault: the Mapping's default sales or purchase account.
	FromDefault AccountSource = "default"
	// FromMapping: a fixed account of the Mapping (collective, rounding, discount, ...).
	FromMapping AccountSource = "mapping"
	// FromVATCode: the account of the VAT code (ledger or Mapping VAT rule).
	FromVATCode AccountSource = "vat_code"
)

// Entry is one accounting entry, ready to post. It always balances: the sum of
// debits equals the sum of credits exactly, in the ledger currency.
type Entry struct {
	// Journal is the ledger journal code.
	Journal string
	// Date is the accounting date: the invoice issue date.
	Date time.Time
	// DueDate is the payment due date, when the invoice has one.
	DueDate time.Time
	// Reference is the invoice number.
	Reference string
	// Label is the entry's label (the partner line's label).
	Label string
	// Currency is the ledger currency: the currency of every Debit and Credit.
	Currency string
	// Decimals is the ledger currency's minor units; amounts have at most that many decimals.
	Decimals int32
	// InvoiceCurrency is the invoice's currency.
	InvoiceCurrency string
	// ExchangeRate is the invoice's rate (see Invoice.ExchangeRate); zero when
	// the invoice is in the ledger currency.
	ExchangeRate decimal.Decimal
	// Draft asks the ledger to keep the entry pending (see DraftPoster).
	Draft bool
	// IdempotencyKey identifies this invoice version; the ledger keeps one entry per key.
	IdempotencyKey string
	// InvoiceID is the invoice's id in the source.
	InvoiceID string
	// Direction and Kind are the invoice's.
	Direction Direction
	// Kind is invoice or credit note.
	Kind Kind
	// Partner is the ledger partner of the invoice, as passed to BuildEntry.
	Partner PartnerRef
	// Reverses is set on a reversal: the entry it cancels, every line mirrored.
	Reverses EntryRef
	// Lines are the entry lines, in a stable order: partner and prepayment,
	// revenue or expense, discounts, charges, VAT, rounding, exchange.
	Lines []EntryLine
}

// EntryLine is one line of an entry: an amount on one side of one account.
type EntryLine struct {
	// Account is the ledger account number.
	Account string
	// Partner is set on the partner line.
	Partner *PartnerRef
	// Debit is the debit amount in the ledger currency; zero on a credit line.
	Debit decimal.Decimal
	// Credit is the credit amount in the ledger currency; zero on a debit line.
	Credit decimal.Decimal
	// CurrencyAmount is the line's amount in the invoice currency, on the same
	// side, when the invoice currency differs from the ledger's; zero otherwise.
	CurrencyAmount decimal.Decimal
	// VATCode is the ledger VAT code of the line, if any.
	VATCode string
	// Label is the line's label.
	Label string
	// Kind says what the line stands for.
	Kind LineKind
	// SourceLines are the 1-based positions of the invoice lines the line
	// comes from (revenue, expense, line discounts, per-line VAT).
	SourceLines []int
	// AccountSource says how Account was chosen.
	AccountSource AccountSource
	// Rule is the 1-based position of the account rule used when AccountSource is FromRule.
	Rule int
	// Tried lists the accounts tried and rejected before Account, when any
	// (absent from the ledger or inactive), for explanations.
	Tried []string
	// VATRule is the 1-based position, in the mapping's sales or purchase VAT
	// rules, of the rule that chose VATCode; 0 when the line has no such code.
	VATRule int
	// Explanation says why a rounding or exchange line exists and where its
	// amount comes from; empty on other lines.
	Explanation string
	// Analytics are the analytic tags of the source line, when the line comes from one line.
	Analytics map[string]string
}

// IsDebit reports whether the line is on the debit side.
func (l *EntryLine) IsDebit() bool { return l.Debit.Sign() != 0 }

// Amount returns the line's amount, whichever side it is on.
func (l *EntryLine) Amount() decimal.Decimal {
	if l.Debit.Sign() != 0 {
		return l.Debit
	}
	return l.Credit
}

// Totals returns the sums of debits and of credits.
func (e *Entry) Totals() (debit, credit decimal.Decimal) {
	debit, credit = decimal.Zero, decimal.Zero
	for i := range e.Lines {
		debit = debit.Add(e.Lines[i].Debit)
		credit = credit.Add(e.Lines[i].Credit)
	}
	return debit, credit
}

// Check verifies the invariants every entry must hold before it is posted:
// at least one line; each line with an account, exactly one non-zero side,
// no negative amount, no more decimals than the ledger currency has; debits
// equal credits exactly. Whichever invariant fails, the error names it and
// wraps ErrUnbalanced.
func (e *Entry) Check() error {
	if len(e.Lines) == 0 {
		return fmt.Errorf("entry %s has no lines: %w", e.Reference, ErrUnbalanced)
	}
	for i := range e.Lines {
		l := &e.Lines[i]
		switch {
		case l.Account == "":
			return fmt.Errorf("entry %s line %d has no account: %w", e.Reference, i+1, ErrUnbalanced)
		case l.Debit.Sign() != 0 && l.Credit.Sign() != 0:
			return fmt.Errorf("entry %s line %d is both debit and credit: %w", e.Reference, i+1, ErrUnbalanced)
		case l.Debit.Sign() == 0 && l.Credit.Sign() == 0:
			return fmt.Errorf("entry %s line %d is zero: %w", e.Reference, i+1, ErrUnbalanced)
		case l.Debit.Sign() < 0 || l.Credit.Sign() < 0:
			return fmt.Errorf("entry %s line %d is negative: %w", e.Reference, i+1, ErrUnbalanced)
		case !l.Amount().Round(e.Decimals).Equal(l.Amount()):
			return fmt.Errorf("entry %s line %d amount %s has more than %d decimals: %w", e.Reference, i+1, l.Amount(), e.Decimals, ErrUnbalanced)
		}
	}
	if d, c := e.Totals(); !d.Equal(c) {
		return fmt.Errorf("entry %s: debit %s, credit %s: %w", e.Reference, d.StringFixed(e.Decimals), c.StringFixed(e.Decimals), ErrUnbalanced)
	}
	return nil
}
