package plaintext

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/invoicesync/invoicesync"
)

// Format is a plain-text accounting file format.
type Format string

// The formats.
const (
	// Hledger is the journal format of hledger and Ledger: account,
	// commodity and payee directives, transactions with tags in comments.
	Hledger Format = "hledger"
	// Beancount is Beancount's format: open, close, commodity and custom
	// directives, transactions with metadata.
	Beancount Format = "beancount"
)

// FormatOf returns the format a file name's extension suggests: Beancount
// for .beancount and .bean, Hledger for .journal, .hledger, .ledger and .j.
// ok is false for any other extension.
func FormatOf(path string) (f Format, ok bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".beancount", ".bean":
		return Beancount, true
	case ".journal", ".hledger", ".ledger", ".j":
		return Hledger, true
	}
	return "", false
}

func (f Format) valid() bool { return f == Hledger || f == Beancount }

// Account is an account declared in the file.
type Account struct {
	// Name is the account's name in the file, e.g. "Income:706000". In
	// Beancount it starts with one of the five roots (Assets, Liabilities,
	// Equity, Income, Expenses).
	Name string
	// Number is the number a Mapping uses for it, e.g. "706000"; kept as a
	// tag (hledger) or metadata (Beancount). Empty: the account's number is
	// its Name.
	Number string
	// Title is a description, e.g. "Sales of services"; optional.
	Title string
	// Closed marks an account no longer used: posting to it fails with
	// invoicesync.ErrAccountNumberNotActive. In Beancount it is a close
	// directive; in hledger the tag closed:true.
	Closed bool
}

// number is the number a Mapping knows the account by.
func (a Account) number() string {
	if a.Number != "" {
		return a.Number
	}
	return a.Name
}

// Chart is what a new file declares: accounts, VAT codes, journals and
// currencies (commodities). Entries may only use what is declared, except
// currencies, which are declared on first use.
type Chart struct {
	// Accounts are the accounts. Each Number (or Name) must be unique.
	Accounts []Account
	// VATCodes are the ledger's VAT codes; their Account and DueAccount are
	// account numbers.
	VATCodes []invoicesync.VATCode
	// Journals are the journals. None: any journal code is accepted.
	Journals []invoicesync.Journal
	// Currencies are ISO 4217 codes declared up front, with their minor
	// units in the hledger format; others are declared when an entry first
	// uses them.
	Currencies []string
}

// NameAccounts turns a chart's accounts into Accounts named root:NUMBER,
// where root(a) is one of Assets, Liabilities, Equity, Income or Expenses
// (optionally with sub-accounts, e.g. "Assets:Receivable"). Characters of
// the number that an account name cannot hold become dashes. The account's
// Name becomes the Title, and an inactive account is Closed.
func NameAccounts(accounts []invoicesync.Account, root func(invoicesync.Account) string) []Account {
	out := make([]Account, 0, len(accounts))
	for _, a := range accounts {
		leaf := strings.Map(func(r rune) rune {
			if 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' {
				return r
			}
			return '-'
		}, a.Number)
		if leaf == "" || !('A' <= leaf[0] && leaf[0] <= 'Z' || '0' <= leaf[0] && leaf[0] <= '9') {
			leaf = "N" + leaf
		}
		out = append(out, Account{Name: root(a) + ":" + leaf, Number: a.Number, Title: a.Name, Closed: !a.Active})
	}
	return out
}

// File is what a journal file holds, as ReadFile reads it.
type File struct {
	// Format is the file's format.
	Format Format
	// Accounts are the accounts declared, in file order.
	Accounts []Account
	// VATCodes are the VAT codes declared.
	VATCodes []invoicesync.VATCode
	// Journals are the journals declared.
	Journals []invoicesync.Journal
	// Currencies are the commodities declared.
	Currencies []string
	// Partners are the customers and suppliers the package created.
	Partners []invoicesync.Partner
	// Entries are the transactions the package wrote (those carrying an
	// entry id), in file order. Transactions written by hand are not listed.
	Entries []Entry
	// Foreign counts the transactions without an entry id (written by hand
	// or by another program); they are left alone.
	Foreign int

	// torn is the offset where an interrupted write begins, -1 when none.
	torn int64
}

// Entry is a transaction the package wrote, read back.
type Entry struct {
	// Ref is the entry's reference: ID and Number are the entry id ("E17").
	Ref invoicesync.EntryRef
	// Entry is the entry as the file holds it: journal, date, reference,
	// label, idempotency key, currency, draft (pending) flag, partner, and
	// each line's account number, debit or credit, VAT code, label and
	// partner; the due date, direction, kind, source invoice id, exchange
	// rate, invoice currency and currency amounts when they were written.
	Entry invoicesync.Entry
	// Line is the 1-based line of the transaction in the file.
	Line int
}

// parseErr is a syntax problem in a file, with its line. format is
// fmt.Errorf's: %w wraps the error that caused it.
func parseErr(path string, line int, format string, args ...any) error {
	return fmt.Errorf("plaintext: %s:%d: "+format, append([]any{path, line}, args...)...)
}

// dateLayout is how dates are written.
const dateLayout = "2006-01-02"

// parseDate reads YYYY-MM-DD, or YYYY/MM/DD and YYYY.MM.DD as hledger allows.
func parseDate(s string) (time.Time, error) {
	s = strings.NewReplacer("/", "-", ".", "-").Replace(s)
	return time.Parse(dateLayout, s)
}
