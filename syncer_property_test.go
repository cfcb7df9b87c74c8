package invoicesync_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
	"github.com/invoicesync/invoicesync/connector/plaintext"
	"github.com/invoicesync/invoicesync/internal/proptest"
)

// netOf sums account, debit positive, over the entries of reference ref,
// failing on an entry that does not balance.
func netOf(entries []invoicesync.Entry, ref, account string) (decimal.Decimal, error) {
	net := decimal.Zero
	for i := range entries {
		e := &entries[i]
		if err := e.Check(); err != nil {
			return net, err
		}
		if e.Reference != ref {
			continue
		}
		for _, l := range e.Lines {
			if l.Account == account {
				net = net.Add(l.Debit).Sub(l.Credit)
			}
		}
	}
	return net, nil
}

// propertyLedger is the French chart's ledger of the property test, with
// the accounts Net is asked about.
func propertyLedger(target invoicesync.LedgerTarget) *proptest.Ledger {
	return &proptest.Ledger{Target: target, Mapping: frenchMapping(), Currency: "EUR", Rate: "20",
		Receivable: "411", Revenue: "706", VAT: "44571"}
}

// Edits A → B → back to A, cancellations, re-issues, runs, deposits and
// lost answers, in random order: the memory ledger always ends holding the
// last version of each invoice.
func TestPropertyLastVersionMemory(t *testing.T) {
	proptest.Run(t, 1, proptest.Sequences(1000), func(t *testing.T) *proptest.Ledger {
		l := memory.NewLedger()
		l.AddAccounts(frenchAccounts()...)
		l.AddVATCodes(frenchVATCodes()...)
		l.AddJournals(frenchJournals()...)
		pl := propertyLedger(l)
		pl.Net = func(_ context.Context, ref, account string) (decimal.Decimal, error) {
			var entries []invoicesync.Entry
			for _, se := range l.Entries() {
				entries = append(entries, se.Entry)
			}
			return netOf(entries, ref, account)
		}
		pl.LoseNextAnswer = func() {
			l.Inject(memory.Fault{Method: memory.PostEntry, Kind: memory.FaultLoseResponse})
		}
		return pl
	})
}

// The same on hledger and Beancount journals, read back from the file.
func TestPropertyLastVersionPlainText(t *testing.T) {
	for _, format := range []plaintext.Format{plaintext.Hledger, plaintext.Beancount} {
		t.Run(string(format), func(t *testing.T) {
			proptest.Run(t, 1, proptest.Sequences(100), func(t *testing.T) *proptest.Ledger {
				path := filepath.Join(t.TempDir(), "books."+map[plaintext.Format]string{plaintext.Hledger: "journal", plaintext.Beancount: "beancount"}[format])
				roots := func(a invoicesync.Account) string {
					return map[byte]string{'4': "Liabilities", '6': "Expenses", '7': "Income"}[a.Number[0]]
				}
				l, err := plaintext.Open(path, &plaintext.Options{Format: format, Chart: &plaintext.Chart{
					Accounts: plaintext.NameAccounts(frenchAccounts(), roots), VATCodes: frenchVATCodes(), Journals: frenchJournals(),
				}})
				require.NoError(t, err)
				pl := propertyLedger(l)
				pl.Net = func(_ context.Context, ref, account string) (decimal.Decimal, error) {
					f, err := plaintext.ReadFile(path, format)
					if err != nil {
						return decimal.Zero, err
					}
					var entries []invoicesync.Entry
					for _, e := range f.Entries {
						entries = append(entries, e.Entry)
					}
					return netOf(entries, ref, account)
				}
				pl.Close = func() { require.NoError(t, l.Close()) }
				return pl
			})
		})
	}
}
