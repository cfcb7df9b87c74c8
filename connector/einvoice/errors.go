package einvoice

import (
	"errors"
	"fmt"
	"strings"

	"github.com/invoicesync/invoicesync"
)

// ParseError is why a document could not be read as an invoice: malformed
// XML or JSON, not an e-invoice, beyond a safety limit, a mandatory element
// missing or a value that is not what the standard allows. It names the
// file (when known), the line and the path of the element at fault.
//
// errors.Is(err, invoicesync.ErrUnreadable) is true for every ParseError;
// errors.Is(err, ErrLimit) for a safety limit, errors.Is(err, ErrMissing)
// for a missing mandatory element.
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

// Unwrap returns the cause and invoicesync.ErrUnreadable.
func (e *ParseError) Unwrap() []error {
	if e.Err == nil {
		return []error{invoicesync.ErrUnreadable}
	}
	return []error{e.Err, invoicesync.ErrUnreadable}
}

// SyncError returns the error as the Syncer reports it for the invoice id:
// ERROR_SYNC_INVOICE_UNREADABLE, with the path as the field and a resolution.
func (e *ParseError) SyncError(id string) *invoicesync.SyncError {
	msg := e.Reason // the invoice id names the file
	if e.Line > 0 {
		msg += fmt.Sprintf(" (line %d)", e.Line)
	}
	res := "correct the e-invoice in the tool that issued it, or ask its sender for a valid one; the next run reads the file again once it changes"
	if errors.Is(e.Err, ErrLimit) {
		res = "check the file is the e-invoice it should be; if it is, raise the parser's limit"
	}
	return &invoicesync.SyncError{
		Code: invoicesync.CodeUnreadable, InvoiceID: id, Field: e.Path,
		Message: msg, Resolution: res, Err: e,
	}
}
