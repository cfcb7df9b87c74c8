package ledgertest

import (
	"context"
	"testing"

	"github.com/invoicesync/invoicesync"
)

// Harness gives the suite one ledger to test and a way to look inside it.
// RunConformance makes a new Harness for every test, calls MakeLedger once,
// and Close at the end.
type Harness interface {
	// MakeLedger returns the ledger under test. Its chart must contain at
	// least chart's accounts (inactive ones inactive), VAT codes and
	// journals, under the same numbers and codes; it must hold no partner
	// and no entry. A ledger that cannot be given a chart (a remote sandbox)
	// may map chart onto its own, as long as the numbers and codes the suite
	// uses mean what chart says.
	MakeLedger(ctx context.Context, chart Chart) (invoicesync.LedgerTarget, error)

	// Entries returns every entry the ledger holds, drafts included, in the
	// order they were posted, read from where the ledger keeps them (the
	// adapter's own storage, not a cache of what PostEntry was given). Each
	// carries the fields listed on Stored.
	Entries(ctx context.Context) ([]Stored, error)

	// Close releases what MakeLedger acquired.
	Close()
}

// Reopener is implemented by harnesses whose ledger survives a restart (a
// file, a database, a remote service). Reopen closes the ledger made by
// MakeLedger and opens it again from its storage; the suite then checks that
// what was posted before is still found by idempotency key and not posted a
// second time.
type Reopener interface {
	Reopen(ctx context.Context) (invoicesync.LedgerTarget, error)
}

// HarnessMaker makes a new Harness for one test. It may use t (t.TempDir,
// t.Cleanup, t.Skip).
type HarnessMaker func(ctx context.Context, t *testing.T) (Harness, error)

// Stored is an entry as a ledger keeps it.
//
// The suite compares, for each entry it posted: Ref (ID as PostEntry
// returned it), Entry.Journal, Entry.Date (the day), Entry.Reference,
// Entry.IdempotencyKey, Entry.Currency, Entry.Draft, Entry.Partner.ID, and
// for each line in order its Account, Debit, Credit (by value), VATCode,
// Label and Partner ID. Other fields are not compared.
type Stored struct {
	// Ref is the entry's reference, as PostEntry returned it.
	Ref invoicesync.EntryRef
	// Entry is the entry read back.
	Entry invoicesync.Entry
	// Attachments are the documents attached to the entry, one per file name.
	Attachments []invoicesync.Document
}

// Chart is the chart of accounts, VAT codes and journals the suite posts
// against; see FixtureChart.
type Chart struct {
	// Accounts are the accounts; the inactive ones have Active false.
	Accounts []invoicesync.Account
	// VATCodes are the VAT codes; the inactive ones have Active false.
	VATCodes []invoicesync.VATCode
	// Journals are the journals.
	Journals []invoicesync.Journal
}
