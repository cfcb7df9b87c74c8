package invoicesync

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// ErrorCode identifies why an invoice could not be synchronized. Every code
// has the form ERROR_SYNC_INVOICE_*; the value is stable and meant to be stored,
// shown to users and matched by host applications.
type ErrorCode string

// The codes: the first eleven are named after the product documents invoice
// sync comes from, the others are the library's own (marked "ours"). Codes
// lists them all, in this order.
const (
	// CodeAccountNumberNotFound: an account the entry needs does not exist in the ledger.
	CodeAccountNumberNotFound ErrorCode = "ERROR_SYNC_INVOICE_ACCOUNT_NUMBER_NOT_FOUND"
	// CodeAccountNumberNotActive: an account the entry needs exists but is inactive.
	CodeAccountNumberNotActive ErrorCode = "ERROR_SYNC_INVOICE_ACCOUNT_NUMBER_NOT_ACTIVE"
	// CodePartnerNotFound: the ledger partner linked to the invoice's party no longer exists.
	CodePartnerNotFound ErrorCode = "ERROR_SYNC_INVOICE_PARTNER_NOT_FOUND"
	// CodeAmountValidation: the invoice's totals disagree with each other or with its lines.
	CodeAmountValidation ErrorCode = "ERROR_SYNC_INVOICE_AMOUNT_VALIDATION"
	// CodeContactNotFound: the contact the invoice refers to is unknown to the invoicing tool.
	CodeContactNotFound ErrorCode = "ERROR_SYNC_INVOICE_CONTACT_NOT_FOUND"
	// CodeJournalNotLinked: journals are mapped per source journal and the invoice has none.
	CodeJournalNotLinked ErrorCode = "ERROR_SYNC_INVOICE_JOURNAL_NOT_LINKED"
	// CodeLineValidation: an invoice line is unusable (no VAT category or rate, bad amount).
	CodeLineValidation ErrorCode = "ERROR_SYNC_INVOICE_LINE_VALIDATION"
	// CodeMappingTaxRateNotFound: no VAT code is mapped for a VAT category and rate.
	CodeMappingTaxRateNotFound ErrorCode = "ERROR_SYNC_INVOICE_MAPPING_TAX_RATE_NOT_FOUND"
	// CodePartnerValidation: the invoice has no customer or supplier.
	CodePartnerValidation ErrorCode = "ERROR_SYNC_INVOICE_PARTNER_VALIDATION"
	// CodePDF: the invoice's PDF is missing, unreadable or not a PDF.
	CodePDF ErrorCode = "ERROR_SYNC_INVOICE_PDF"
	// CodeMappingJournalNotFound: the journal the invoice needs is not mapped or not in the ledger.
	CodeMappingJournalNotFound ErrorCode = "ERROR_SYNC_INVOICE_MAPPING_JOURNAL_NOT_FOUND"

	// CodeVATCodeNotFound (ours): a VAT code named by the mapping is absent from
	// the ledger, or has no account to post to.
	CodeVATCodeNotFound ErrorCode = "ERROR_SYNC_INVOICE_VAT_CODE_NOT_FOUND"
	// CodeCurrencyValidation (ours): unknown currency, or a foreign-currency invoice
	// without a usable exchange rate.
	CodeCurrencyValidation ErrorCode = "ERROR_SYNC_INVOICE_CURRENCY_VALIDATION"
	// CodeNothingToPost (ours): every amount of the invoice is zero, so there is
	// no entry to post. Hosts usually treat it as "skipped", not as a failure.
	CodeNothingToPost ErrorCode = "ERROR_SYNC_INVOICE_NOTHING_TO_POST"
	// CodeMappingInvalid (ours): the mapping itself is malformed (unknown option,
	// unparsable label template, missing required account).
	CodeMappingInvalid ErrorCode = "ERROR_SYNC_INVOICE_MAPPING_INVALID"
	// CodeInvoiceValidation (ours): an invoice-level field other than amounts
	// is unusable (unknown direction or kind, no issue date, no lines).
	CodeInvoiceValidation ErrorCode = "ERROR_SYNC_INVOICE_VALIDATION"
	// CodeChangedAfterSync (ours): the invoice was changed in the invoicing tool
	// after its entry was posted, and the Syncer's policy is to report it.
	CodeChangedAfterSync ErrorCode = "ERROR_SYNC_INVOICE_CHANGED_AFTER_SYNC"
	// CodeCancelledAfterSync (ours): the invoice was cancelled (or put back
	// to draft) in the invoicing tool after its entry was posted, and the
	// Syncer's policy is to report it: the entry still stands.
	CodeCancelledAfterSync ErrorCode = "ERROR_SYNC_INVOICE_CANCELLED_AFTER_SYNC"
	// CodeLedgerFailure (ours): the accounting system failed or could not be
	// reached while the invoice was being posted. Retryable when temporary.
	CodeLedgerFailure ErrorCode = "ERROR_SYNC_INVOICE_LEDGER_FAILURE"
	// CodeSourceFailure (ours): the invoicing tool failed or could not be
	// reached while the invoice was being read. Retryable when temporary.
	CodeSourceFailure ErrorCode = "ERROR_SYNC_INVOICE_SOURCE_FAILURE"
	// CodePartnerAmbiguous (ours): several ledger partners match the
	// invoice's party under the same rule (two with its VAT number, two of
	// its name, ...). The library never guesses; the message names them.
	CodePartnerAmbiguous ErrorCode = "ERROR_SYNC_INVOICE_PARTNER_AMBIGUOUS"
	// CodeUnreadable (ours): the source holds the invoice but cannot read
	// it: the document is malformed, is not an invoice, exceeds a safety
	// limit or lacks a mandatory element. The error names the file and,
	// when known, the place in it.
	CodeUnreadable ErrorCode = "ERROR_SYNC_INVOICE_UNREADABLE"
	// CodeDuplicate (ours): the document is one the Syncer already
	// synchronized under another id — same direction, kind, company, party
	// and number: the PDF and the XML of one invoice, its UBL and CII
	// versions, or the same file sent twice. It is not posted; the error
	// names the first one, its entry and when it was posted.
	CodeDuplicate ErrorCode = "ERROR_SYNC_INVOICE_DUPLICATE"
)

// sentinel is the error behind each code's Err variable. Its text is the code.
type sentinel struct{ code ErrorCode }

func (s *sentinel) Error() string { return string(s.code) }

// Sentinels, one per code, for errors.Is. A *SyncError with a code matches the
// sentinel of that code; adapters may also wrap a sentinel directly
// (fmt.Errorf("account 706: %w", ErrAccountNumberNotFound)) and Code still works.
var (
	ErrAccountNumberNotFound  error = &sentinel{CodeAccountNumberNotFound}  // see CodeAccountNumberNotFound
	ErrAccountNumberNotActive error = &sentinel{CodeAccountNumberNotActive} // see CodeAccountNumberNotActive
	ErrPartnerNotFound        error = &sentinel{CodePartnerNotFound}        // see CodePartnerNotFound
	ErrAmountValidation       error = &sentinel{CodeAmountValidation}       // see CodeAmountValidation
	ErrContactNotFound        error = &sentinel{CodeContactNotFound}        // see CodeContactNotFound
	ErrJournalNotLinked       error = &sentinel{CodeJournalNotLinked}       // see CodeJournalNotLinked
	ErrLineValidation         error = &sentinel{CodeLineValidation}         // see CodeLineValidation
	ErrMappingTaxRateNotFound error = &sentinel{CodeMappingTaxRateNotFound} // see CodeMappingTaxRateNotFound
	ErrPartnerValidation      error = &sentinel{CodePartnerValidation}      // see CodePartnerValidation
	ErrPDF                    error = &sentinel{CodePDF}                    // see CodePDF
	ErrMappingJournalNotFound error = &sentinel{CodeMappingJournalNotFound} // see CodeMappingJournalNotFound
	ErrVATCodeNotFound        error = &sentinel{CodeVATCodeNotFound}        // see CodeVATCodeNotFound
	ErrCurrencyValidation     error = &sentinel{CodeCurrencyValidation}     // see CodeCurrencyValidation
	ErrNothingToPost          error = &sentinel{CodeNothingToPost}          // see CodeNothingToPost
	ErrMappingInvalid         error = &sentinel{CodeMappingInvalid}         // see CodeMappingInvalid
	ErrInvoiceValidation      error = &sentinel{CodeInvoiceValidation}      // see CodeInvoiceValidation
	ErrChangedAfterSync       error = &sentinel{CodeChangedAfterSync}       // see CodeChangedAfterSync
	ErrCancelledAfterSync     error = &sentinel{CodeCancelledAfterSync}     // see CodeCancelledAfterSync
	ErrLedgerFailure          error = &sentinel{CodeLedgerFailure}          // see CodeLedgerFailure
	ErrSourceFailure          error = &sentinel{CodeSourceFailure}          // see CodeSourceFailure
	ErrPartnerAmbiguous       error = &sentinel{CodePartnerAmbiguous}       // see CodePartnerAmbiguous
	ErrUnreadable             error = &sentinel{CodeUnreadable}             // see CodeUnreadable
	ErrDuplicate              error = &sentinel{CodeDuplicate}              // see CodeDuplicate
)

// ordered lists the sentinels in the order Codes returns them.
var ordered = []error{
	ErrAccountNumberNotFound, ErrAccountNumberNotActive, ErrPartnerNotFound,
	ErrAmountValidation, ErrContactNotFound, ErrJournalNotLinked, ErrLineValidation,
	ErrMappingTaxRateNotFound, ErrPartnerValidation, ErrPDF, ErrMappingJournalNotFound,
	ErrVATCodeNotFound, ErrCurrencyValidation, ErrNothingToPost, ErrMappingInvalid,
	ErrInvoiceValidation, ErrChangedAfterSync, ErrCancelledAfterSync, ErrLedgerFailure, ErrSourceFailure,
	ErrPartnerAmbiguous, ErrUnreadable, ErrDuplicate,
}

// sentinels indexes ordered by code.
var sentinels = func() map[ErrorCode]error {
	m := make(map[ErrorCode]error, len(ordered))
	for _, e := range ordered {
		m[e.(*sentinel).code] = e
	}
	return m
}()

// Codes returns every error code the library defines, the eleven of the
// product documents first, then the library's own.
func Codes() []ErrorCode {
	codes := make([]ErrorCode, len(ordered))
	for i, e := range ordered {
		codes[i] = e.(*sentinel).code
	}
	return codes
}

// SyncError is the error for one invoice that cannot be synchronized. It
// carries what a person needs to act: the code, which invoice, which line or
// field, the offending value, the expected one when known, and a resolution.
//
// errors.Is(err, ErrX) is true when Code is X's code; errors.Is and errors.As
// also reach Err, the underlying cause. The message never contains a secret:
// values copied into it are invoice data, never credentials.
type SyncError struct {
	// Code says what went wrong; one of the Code* constants.
	Code ErrorCode
	// InvoiceID is the invoice's id in the source; may be empty.
	InvoiceID string
	// InvoiceNumber is the invoice's number (BT-1); may be empty.
	InvoiceNumber string
	// Line is the 1-based position of the invoice line concerned, 0 when the
	// error is not about one line.
	Line int
	// Field names the invoice field or mapping key concerned, such as
	// "Totals.Gross (BT-112)" or "accounts.sales_default".
	Field string
	// Value is the offending value as found (a declared total, an account number, a rate).
	Value string
	// Expected is the value the library computed or expected, when there is one.
	Expected string
	// Message says what is wrong, in a sentence.
	Message string
	// Resolution says what a person can do about it.
	Resolution string
	// Err is the underlying cause, if any.
	Err error
}

// Error returns a one-line description: code, invoice, line, message, values.
func (e *SyncError) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.InvoiceNumber != "" || e.InvoiceID != "" {
		b.WriteString(": invoice ")
		if e.InvoiceNumber != "" {
			b.WriteString(e.InvoiceNumber)
		} else {
			b.WriteString(e.InvoiceID)
		}
	}
	if e.Line > 0 {
		b.WriteString(", line ")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Field != "" || e.Value != "" || e.Expected != "" {
		b.WriteString(" (")
		sep := ""
		if e.Field != "" {
			b.WriteString(e.Field)
			sep = " "
		}
		if e.Value != "" {
			b.WriteString(sep + "is " + strconv.Quote(e.Value))
			sep = " "
		}
		if e.Expected != "" {
			b.WriteString(sep + "expected " + strconv.Quote(e.Expected))
		}
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap yields the sentinel of the error's code and the cause, so errors.Is
// works with both.
func (e *SyncError) Unwrap() []error {
	errs := make([]error, 0, 2)
	if s, ok := sentinels[e.Code]; ok {
		errs = append(errs, s)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// Retryable reports whether trying the same invoice again may succeed without
// anyone changing anything: only when the cause is a temporary failure (see
// Retryable). A validation or mapping problem is never retryable.
func (e *SyncError) Retryable() bool {
	return e.Err != nil && Retryable(e.Err)
}

// Code returns the ERROR_SYNC_INVOICE_* code carried by err or anything it
// wraps, or "" when there is none.
func Code(err error) ErrorCode {
	var se *SyncError
	if errors.As(err, &se) {
		return se.Code
	}
	var s *sentinel
	if errors.As(err, &s) {
		return s.code
	}
	return ""
}

// ErrTemporary marks a failure that may succeed if tried again unchanged: a
// timeout, a 429 or 503 from an API, a dropped connection before the request
// was sent. Adapters wrap it (fmt.Errorf("...: %w", ErrTemporary)) only when the
// operation certainly had no effect, or is idempotent (see LedgerTarget).
var ErrTemporary = errors.New("invoicesync: temporary failure")

// Retryable reports whether the operation that returned err may succeed if
// retried unchanged. The decision is the library's, for these reasons:
//   - nil, context cancellation and deadline: false — the caller gave up, and
//     retrying after that would act against its will;
//   - an error in the chain with a Retryable() bool method: its answer (the
//     first one found, outermost first);
//   - an error wrapping ErrTemporary: true;
//   - anything else, including every ERROR_SYNC_INVOICE_* validation: false —
//     the same input would fail the same way until someone changes it.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if r, ok := err.(interface{ Retryable() bool }); ok {
		return r.Retryable()
	}
	var r interface{ Retryable() bool }
	if errors.As(err, &r) {
		return r.Retryable()
	}
	return errors.Is(err, ErrTemporary)
}
