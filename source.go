package invoicesync

import (
	"context"
	"errors"
	"iter"
)

// InvoiceSource is an invoicing tool invoices are read from. Adapters in
// connector/... implement it; connector/memory has a fake one for tests.
//
// The contract, for adapter authors:
//   - Report "not there" (an unknown invoice or contact) with an error
//     wrapping ErrNotFound; wrap ErrTemporary when trying again later may
//     succeed (a timeout, a 429 or 503). Every method is a read: the Syncer
//     may retry any of them.
//   - Honour ctx: once it is done, stop and return (or yield) ctx.Err().
//   - Return invoices as the tool declares them; the Syncer checks them.
//     Map the tool's statuses onto Status and its document types onto Kind.
//   - An invoice the source found but cannot read (a malformed file, a
//     document type it cannot map) must not stop the others: yield it, or
//     return it from Invoice, with what is known of it — at least its ID,
//     and its Cursor in a stream — together with an error wrapping a
//     *SyncError that says what is wrong and what to do. The Syncer records
//     that invoice in error with the SyncError's code and goes on. Any other
//     error ends the stream.
//
// Implementations must be safe for concurrent use.
type InvoiceSource interface {
	// Changed streams the invoices created or changed since cursor, oldest
	// change first, each with Invoice.Cursor set to the position to resume
	// from after it. The empty cursor means from the beginning. An invoice
	// changed several times may appear once, with its latest version. The
	// stream is pulled one invoice at a time: an adapter pages through its
	// API as the caller asks, and never holds every invoice in memory. A
	// non-nil error ends the stream; the caller stops reading. Breaking out
	// of the loop early must release what the stream holds.
	Changed(ctx context.Context, cursor string) iter.Seq2[Invoice, error]

	// Invoice returns the current version of the invoice id, with Cursor
	// unset, or an error wrapping ErrNotFound when the tool no longer has it.
	Invoice(ctx context.Context, id string) (Invoice, error)

	// Contact resolves Invoice.ContactRef into the customer or supplier it
	// names, or returns an error wrapping ErrNotFound when the tool has no
	// such contact (the Syncer reports ERROR_SYNC_INVOICE_CONTACT_NOT_FOUND).
	Contact(ctx context.Context, ref string) (Party, error)
}

// ContactWriter is implemented by sources whose customers and suppliers can
// be listed and created: ImportPartners copies the ledger's partners into
// the invoicing tool through it.
type ContactWriter interface {
	// Contacts lists the contacts of role, each with its SourceID. A contact
	// that is both customer and supplier is listed for both roles.
	// Read-only: safe to retry.
	Contacts(ctx context.Context, role PartnerRole) ([]Party, error)
	// CreateContact creates a contact of role and returns it with the
	// SourceID the tool gave it. Not idempotent: wrap ErrTemporary only when
	// the contact was certainly not created.
	CreateContact(ctx context.Context, role PartnerRole, p Party) (Party, error)
}

// AttachmentFetcher is implemented by sources that can download an invoice's
// attachments (its PDF). Without it, only attachments embedded in the invoice
// (AttachmentRef.Data) can be sent to the ledger.
type AttachmentFetcher interface {
	// FetchAttachment returns the content of ref, an attachment of the
	// invoice id, with its media type and file name. ErrNotFound when the
	// tool has no such file; ErrTemporary when trying again may succeed.
	FetchAttachment(ctx context.Context, invoiceID string, ref AttachmentRef) (Document, error)
}

// sourceFailure is the one place a failure of the invoicing tool becomes an
// invoice's error: what ("the invoice", "the invoice's customer") could not
// be read, and why it was not tried again (see retry). An invoice the
// source found but could not read is not a failure of the tool: see
// unreadable.
func sourceFailure(what string, err error) *SyncError {
	msg := what + " could not be read from the invoicing tool"
	if why := retryReason(err); why != "" {
		msg += " (" + why + ")"
	}
	return &SyncError{Code: CodeSourceFailure, Message: msg,
		Resolution: "check the connection to the invoicing tool; the next run tries again", Err: err}
}

// unreadable returns the error of an invoice the source found but could not
// read (see InvoiceSource): err wraps a permanent *SyncError and inv has an
// ID. It returns nil for any other error, which is about the source itself.
func unreadable(inv *Invoice, err error) *SyncError {
	var se *SyncError
	if err == nil || inv.ID == "" || !errors.As(err, &se) || se.Retryable() {
		return nil
	}
	return se
}
