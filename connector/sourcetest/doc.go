// Package sourcetest is the conformance suite of invoicesync.InvoiceSource.
//
// A connector (an adapter to an invoicing tool) runs it from one of its own
// tests. It writes a Harness, which makes a source holding nothing and puts
// invoices and contacts into the tool behind it, as the tool's user would,
// then calls RunConformance:
//
//	type harness struct{ fake *mytooltest.Server }
//
//	func newHarness(ctx context.Context, t *testing.T) (sourcetest.Harness, error) {
//		return &harness{fake: mytooltest.NewServer(t)}, nil
//	}
//
//	// MakeSource returns a source over the empty fake.
//	func (h *harness) MakeSource(ctx context.Context) (invoicesync.InvoiceSource, error)
//	// PutInvoices adds or changes invoices in the fake, as one change.
//	func (h *harness) PutInvoices(ctx context.Context, invs ...invoicesync.Invoice) ([]string, error)
//	// PutUnreadable adds a document the source finds but cannot read.
//	func (h *harness) PutUnreadable(ctx context.Context) (string, error)
//	// PutContact adds a customer or supplier.
//	func (h *harness) PutContact(ctx context.Context, role invoicesync.PartnerRole, p invoicesync.Party) (string, error)
//	// Close releases the fake.
//	func (h *harness) Close()
//
//	func TestConformance(t *testing.T) {
//		sourcetest.RunConformance(t, newHarness)
//	}
//
// This is an ordinary package, not a _test one, so that connectors in other
// modules can import it from their tests. The package's tests run the suite
// on connector/memory, and check that it fails on sources that break the
// contract, each in the subtest covering what it breaks.
//
// RunConformance checks what invoicesync.InvoiceSource and its optional
// interfaces promise, each in its own subtest on a new source:
//
//   - Changed yields every invoice put, once, as put (number, direction,
//     kind, currency, dates, totals, lines, party), each with a Cursor;
//   - resuming from the cursor of any invoice yields exactly the invoices
//     after it, invoices put at the same instant included, and resuming from
//     the last cursor yields nothing until something changes: the cursor
//     moves forward only;
//   - invoices changed or added while a stream is being read are not lost:
//     each is yielded, in its latest version, by that stream or by the next
//     one, resumed from the first's last cursor, and no invoice is yielded
//     twice by one stream, however the source pages;
//   - Invoice returns what Changed gave (the same fingerprint), with Cursor
//     empty, and ErrNotFound for an unknown id;
//   - an invoice the source cannot read is yielded with its ID (and Cursor)
//     and an error wrapping a permanent *invoicesync.SyncError, and the
//     stream goes on; Invoice returns it the same way;
//   - a cancelled context makes every method fail with context.Canceled,
//     and a stream whose context is cancelled while it is read yields
//     context.Canceled and nothing more; a stream left early can be read
//     again;
//   - contacts resolve by reference with their name, VAT number and number
//     (RegistrationID), unknown references fail with ErrNotFound, and a
//     ContactWriter lists them (and those it creates) by role;
//   - an AttachmentFetcher returns the content of an invoice's PDF, and
//     ErrNotFound for an unknown attachment or invoice.
//
// A source that keeps no record of changes (a folder of files) yields every
// invoice on every stream: its Harness says so by implementing FullLister,
// and the cursor checks become "every stream yields every invoice, in its
// latest version, once".
//
// Errors are tested with errors.Is and errors.As, amounts by value (100.0
// equals 100.00), dates by day. The suite never asserts on timings.
package sourcetest
