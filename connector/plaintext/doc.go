// Package plaintext keeps the books in a plain-text accounting file: an
// hledger (or Ledger) journal, or a Beancount file. Ledger is an
// invoicesync.LedgerTarget that appends each entry as a transaction, so
// invoices synchronized by the library can be opened, reported on and
// checked by the real tools, with no account anywhere:
//
//	hledger -f books.journal check --strict
//	hledger -f books.journal balance
//	bean-check books.beancount
//
// Open creates the file with a Chart (accounts named as the format wants,
// e.g. "Income:706000", each with the number a Mapping uses; VAT codes;
// journals; currencies) or opens an existing one, hand-written or not, and
// reads it back: the accounts and commodities it declares are the chart,
// and the idempotency keys of the entries it holds make posting
// exactly-once across restarts. Partners are payees. Drafts are pending
// ("!") transactions.
//
// Writes are appended in blocks framed by marker comments, each in one write
// and fsynced; creation is atomic (a temporary file renamed). A crash can
// leave only part of the last block, which the next Open cuts off (keeping
// the bytes in FILE.torn), so the file never holds half a transaction once
// opened. The package's tests cut a file at every byte of its last write to
// show it, and have hledger check --strict and bean-check judge every file
// they write.
//
// ReadFile reads a file without changing it, e.g. to compare what was
// posted with what was built.
package plaintext
