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
// The format is read from the file itself, before anything is written: the
// header this package writes at the top of the files it creates, else the
// first line only one syntax has (Beancount's option "...", "DATE open
// ACCOUNT", "DATE * \"PAYEE\""; hledger's account directive, "DATE
// DESCRIPTION"). Open and ReadFile refuse a file in another format than the
// one asked for with a *FormatMismatchError naming both: read as the other
// format, a journal shows no entries, and every invoice would be posted a
// second time, in a syntax neither tool accepts. An empty file has no
// format. Without Options.Format, the file's own format is used.
//
// Writes are appended in blocks framed by marker comments, each in one write
// and fsynced. A new file is written whole under a temporary name, fsynced
// and locked, and only then given its name, so it exists complete or not at
// all; it never replaces a file another program created in the meantime
// (see Open). A crash can leave only part of the last block, which the next
// Open cuts off (keeping the bytes in FILE.torn), so the file never holds
// half a transaction once opened. The package's tests cut a file at every
// byte of its last write to show it, and have hledger check --strict and
// bean-check judge every file they write.
//
// The file is created with mode 0666 less the process's umask (0644 under
// the usual umask 022: readable by every user of the machine), and so is
// FILE.torn; a file that replaces an empty one keeps that one's mode. The
// books are accounting data: to keep them private, run the program with a
// restrictive umask (077 gives 0600), or chmod the file, or create it empty
// with the mode wanted and let Open fill it.
//
// ReadFile reads a file without changing it, e.g. to compare what was
// posted with what was built.
package plaintext
