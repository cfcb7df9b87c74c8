// Package memory provides strict in-memory fakes of the two systems the
// library talks to: Ledger, an accounting system (invoicesync.LedgerTarget,
// DraftPoster and Attacher), and Source, an invoicing tool
// (invoicesync.InvoiceSource and AttachmentFetcher). The library's own tests
// use them, and so can a host application's test suite: they need no network,
// no credentials and no clean-up.
//
// The fakes are strict: the Ledger enforces every rule of the LedgerTarget
// contract (balance, known and active accounts and VAT codes, existing
// partners and journals, idempotency keys, drafts only when enabled) and
// records nothing when it rejects an entry, so a test passing against it
// does not rely on a lenient ledger. They keep deep copies of what they are
// given and return copies, and they are safe for concurrent use.
//
// Both fakes fail on demand. Inject makes chosen calls of a method fail with
// an error, with a retryable 429/503-like error (FaultTemporary), or — for
// the ledger's writes — take effect and then lose their response
// (FaultLoseResponse), the case exactly-once posting must survive.
// SetLatency and SetLatencyAll slow calls down while honouring their
// context, and Calls, CallCounts and ResetCalls count every call.
//
// A host's test typically sets up the ledger's chart, runs the code under
// test, and inspects what was posted:
//
//	ledger := memory.NewLedger()
//	ledger.AddAccounts(invoicesync.Account{Number: "411", Active: true}, invoicesync.Account{Number: "706", Active: true})
//	ledger.AddVATCodes(invoicesync.VATCode{Code: "V20", Rate: decimal.NewFromInt(20), Account: "44571", Active: true})
//	ledger.AddJournals(invoicesync.Journal{Code: "VT"})
//	source := memory.NewSource()
//	source.Put(invoice)
//
//	ledger.Inject(memory.Fault{Method: memory.PostEntry, Call: 1, Kind: memory.FaultLoseResponse})
//	// ... run the synchronization against source and ledger ...
//
//	entries := ledger.Entries() // exactly one entry per invoice, despite the lost response
package memory
