// Package ledgertest is the conformance suite of invoicesync.LedgerTarget.
//
// A connector (an adapter to an accounting system) runs it from one of its
// own tests. It writes a Harness, which makes a ledger holding the chart the
// suite posts against and lets the suite look at what the ledger stored,
// then calls RunConformance:
//
//	type harness struct{ ledger *myledger.Ledger }
//
//	func newHarness(ctx context.Context, t *testing.T) (ledgertest.Harness, error) {
//		return &harness{}, nil
//	}
//
//	// MakeLedger returns a new, empty ledger holding chart.
//	func (h *harness) MakeLedger(ctx context.Context, chart ledgertest.Chart) (invoicesync.LedgerTarget, error)
//	// Entries reads back, from the ledger's storage, every entry it holds.
//	func (h *harness) Entries(ctx context.Context) ([]ledgertest.Stored, error)
//	// Close releases the ledger.
//	func (h *harness) Close()
//	// Reopen, optional (Reopener): close the ledger and open it again.
//
//	func TestConformance(t *testing.T) {
//		ledgertest.RunConformance(t, newHarness)
//	}
//
// This is an ordinary package, not a _test one, so that connectors in other
// modules can import it from their tests. The package's example runs the
// suite against connector/memory.
//
// RunConformance checks every contract written on invoicesync.LedgerTarget
// and its optional interfaces, each in its own subtest on a new ledger:
//
//   - Accounts, VATCodes and Journals list the chart, inactive accounts and
//     codes included, with their Active flags and (for VAT codes) rates;
//   - PostEntry records balanced entries exactly as given (journal, date,
//     reference, key, currency, draft flag, partner, and every line's
//     account, debit, credit, VAT code, label and partner, in order), and
//     FindEntry finds them by idempotency key, or fails with ErrNotFound;
//   - an idempotency key posted again returns the first entry's reference
//     and records nothing, even from concurrent calls;
//   - PostEntry rejects, recording nothing and leaving the key free for a
//     corrected entry, an entry Entry.Check refuses, unbalanced or with a
//     zero line (ErrUnbalanced), an unknown or inactive account
//     (ErrAccountNumberNotFound, ErrAccountNumberNotActive), an unknown or
//     inactive VAT code (ErrVATCodeNotFound), an unknown journal
//     (ErrMappingJournalNotFound) and a partner the ledger does not have
//     (ErrPartnerNotFound);
//   - CreatePartner makes customers and suppliers that FindPartners (each
//     key it supports; ErrNotSupported for the others) and ListPartners
//     (when the target is a PartnerLister) return, and entries can name;
//   - drafts are kept as drafts when the target supports them (DraftPoster),
//     and rejected with ErrNotSupported otherwise;
//   - documents attach to entries once per file name (Attacher);
//   - concurrent posts neither lose nor duplicate entries;
//   - every method fails with context.Canceled on a cancelled context, doing
//     nothing;
//   - what was posted survives a restart (when the Harness is a Reopener).
//
// Errors are tested with errors.Is, amounts by value (100.0 equals 100.00),
// dates by day. Run the suite with the race detector, go test -race: the
// concurrency tests are meant to expose data races in the connector. The
// suite never asserts on timings; its only time limit is a generous guard
// against deadlocks.
package ledgertest
