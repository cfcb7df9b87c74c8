package sourcetest

import (
	"context"
	"testing"

	"github.com/invoicesync/invoicesync"
)

// Harness gives the suite one source to test and a way to change what the
// tool behind it holds. RunConformance makes a new Harness for every test,
// calls MakeSource once, and Close at the end.
//
// The invoices the suite puts are purchase invoices, sales invoices and
// purchase credit notes in EUR, dated in March 2026, each with its Party
// (the supplier or customer, with name, VAT number and RegistrationID),
// Company, two lines at 19 % and 7 % (VAT category S, quantity and unit
// price), the VAT breakdown and totals, and one PDF attachment whose
// content is in Data. A harness gives the tool what it can keep of them, in
// the tool's own way (a document, a file, a contact the invoice refers to);
// the suite compares only number, direction, kind, currency, issue date,
// totals (net, VAT, gross, payable), each line's net amount and VAT rate,
// and the party's name and VAT number.
type Harness interface {
	// MakeSource returns the source under test, over a tool holding no
	// invoice and no contact.
	MakeSource(ctx context.Context) (invoicesync.InvoiceSource, error)

	// PutInvoices adds invoices to the tool, or changes them, as one change
	// and in order, and returns their IDs as the source reports them. An
	// invoice with an empty ID is added; one with the ID PutInvoices returned
	// before replaces that invoice's content. A tool that stamps changes with
	// a time must give every invoice of one call the same time (the suite
	// uses it to put invoices sharing one timestamp), and the invoices of a
	// later call a later time.
	PutInvoices(ctx context.Context, invs ...invoicesync.Invoice) ([]string, error)

	// PutUnreadable adds to the tool a document the source finds but cannot
	// read (a malformed file, a document without its VAT), as one change,
	// and returns its ID. An error wrapping invoicesync.ErrNotSupported
	// skips the test of unreadable invoices.
	PutUnreadable(ctx context.Context) (string, error)

	// PutContact adds a contact of role to the tool and returns the
	// reference Invoice.ContactRef would carry to it. An error wrapping
	// invoicesync.ErrNotSupported means the tool keeps no contacts of its
	// own (its invoices carry their parties): the contact tests then only
	// check that Contact fails with ErrNotFound.
	PutContact(ctx context.Context, role invoicesync.PartnerRole, p invoicesync.Party) (string, error)

	// Close releases what MakeSource acquired.
	Close()
}

// FullLister is implemented by harnesses whose source keeps no record of
// changes (a folder of files): its Changed yields every invoice the tool
// holds on every stream, whatever the cursor, and its invoices may carry an
// empty Cursor. ListsEverything is never called.
type FullLister interface {
	ListsEverything()
}

// HarnessMaker makes a new Harness for one test. It may use t (t.TempDir,
// t.Cleanup, t.Skip).
type HarnessMaker func(ctx context.Context, t *testing.T) (Harness, error)
