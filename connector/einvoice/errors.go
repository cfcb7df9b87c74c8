package einvoice

import (
	"errors"
	"fmt"
	"strings"

	"github.com/invoicesync/invoicesync"
)

// ParseError is why a document could not be taken to an invoice. Most are
// unreadable documents: malformed XML or JSON, not an e-invoice, beyond a
// safety limit, a mandatory element missing or a value that is not what the
// standard allows. A few are documents read whole whose content the parser
// refuses to turn into an invoice, because posting what they say would
// post something else than they mean: a group of sub-lines whose net
// amounts do not add up to the group's (ERROR_SYNC_INVOICE_AMOUNT_VALIDATION),
// an amount in another currency than the invoice's
// (ERROR_SYNC_INVOICE_CURRENCY_VALIDATION). Code tells them apart. It names
// the file (when known), the line and the path of the element at fault.
//
// errors.Is(err, invoicesync.ErrUnreadable) is true for the unreadable ones
// only (Code empty): it is what the Syncer and the preview report as
// ERROR_SYNC_INVOICE_UNREADABLE, and a refused document is readable; the
// others match their code's sentinel (invoicesync.ErrAmountValidation,
// invoicesync.ErrCurrencyValidation), and invoicesync.Code returns the code
// in both cases. errors.Is(err, ErrLimit) is true for a safety limit,
// errors.Is(err, ErrMissing) for a missing mandatory element.
type ParseError struct {
	// File is the file's path, when the document came from a file.
	File string
	// Line is the line of the element at fault, when known.
	Line int
	// Path is the XML path of the element at fault (or of the missing
	// element), e.g. "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount",
	// or the JSON pointer of a GOBL document.
	Path string
	// Reason says what is wrong.
	Reason string
	// Err is the cause: ErrLimit, ErrMissing, an XML syntax error, or nil.
	Err error
	// Code is the ERROR_SYNC_INVOICE_* code of a document that was read but
	// is refused; empty for an unreadable document, which is
	// ERROR_SYNC_INVOICE_UNREADABLE.
	Code invoicesync.ErrorCode
	// Value and Expected are the two figures that disagree, or the two
	// currencies, when the document is refused (Code set); else empty.
	Value, Expected string
}

// code returns the error's code: Code, or ERROR_SYNC_INVOICE_UNREADABLE.
func (e *ParseError) code() invoicesync.ErrorCode {
	if e.Code == "" {
		return invoicesync.CodeUnreadable
	}
	return e.Code
}

// codeSentinels are the sentinels of the codes a ParseError may carry.
var codeSentinels = map[invoicesync.ErrorCode]error{
	invoicesync.CodeUnreadable:         invoicesync.ErrUnreadable,
	invoicesync.CodeAmountValidation:   invoicesync.ErrAmountValidation,
	invoicesync.CodeCurrencyValidation: invoicesync.ErrCurrencyValidation,
	invoicesync.CodeLineValidation:     invoicesync.ErrLineValidation,
}

// Error returns "einvoice: FILE: line N: PATH: REASON", leaving out what is unknown.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("einvoice: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap returns the cause and the sentinel of the error's code:
// invoicesync.ErrUnreadable when Code is empty.
func (e *ParseError) Unwrap() []error {
	var errs []error
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	if s, ok := codeSentinels[e.code()]; ok {
		errs = append(errs, s)
	}
	return errs
}

// SyncError returns the error as the Syncer reports it for the invoice id:
// its code (ERROR_SYNC_INVOICE_UNREADABLE when Code is empty), with the path
// as the field, the two figures of a refusal, and a resolution.
func (e *ParseError) SyncError(id string) *invoicesync.SyncError {
	msg := e.Reason // the invoice id names the file
	if e.Line > 0 {
		msg += fmt.Sprintf(" (line %d)", e.Line)
	}
	res := "correct the e-invoice in the tool that issued it, or ask its sender for a valid one; the next run reads the file again once it changes"
	switch {
	case errors.Is(e.Err, ErrLimit):
		res = "check the file is the e-invoice it should be; if it is, raise the parser's limit"
	case e.Code != "":
		res = "ask the issuer for a corrected e-invoice: which of the figures is meant cannot be known, so nothing is posted; the next run reads the file again once it changes"
	}
	return &invoicesync.SyncError{
		Code: e.code(), InvoiceID: id, Field: e.Path,
		Value: e.Value, Expected: e.Expected,
		Message: msg, Resolution: res, Err: e,
	}
}
