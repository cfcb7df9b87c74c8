package plaintext_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/ledgertest"
	"github.com/invoicesync/invoicesync/connector/plaintext"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestFileText pins the exact text written for a chart, a partner whose
// name holds the characters each format must escape, a draft sale and a
// posted purchase in a foreign currency: testdata/books.journal and
// testdata/books.beancount (go test -run TestFileText -update rewrites them).
func TestFileText(t *testing.T) {
	ctx := context.Background()
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			ext := map[plaintext.Format]string{plaintext.Hledger: ".journal", plaintext.Beancount: ".beancount"}[f]
			path := filepath.Join(t.TempDir(), "books"+ext)
			chart := fixtureChart()
			chart.Currencies = []string{"EUR"}
			l, err := plaintext.Open(path, &plaintext.Options{Chart: chart})
			require.NoError(t, err)
			acme, err := l.CreatePartner(ctx, invoicesync.Partner{
				Role: invoicesync.Customer, Name: `ACME | "Conseil"; 100%, SARL`, VATNumber: "FR40303265045", Country: "FR",
				Address: invoicesync.Address{Lines: []string{"1 rue de la Paix", "Bât. B"}, City: "Paris", PostalCode: "75002"},
			})
			require.NoError(t, err)
			globex, err := l.CreatePartner(ctx, invoicesync.Partner{Role: invoicesync.Supplier, Name: "Globex Ltd", RegistrationID: "01234567", RegistrationScheme: "0088", AuxiliaryAccount: "F0042"})
			require.NoError(t, err)
			e := sale("k-sale", "F-2026-001", "EUR", acme)
			e.Draft = true
			e.Lines[1].Label = "Consulting\nMarch, 2 days"
			_, err = l.PostEntry(ctx, e)
			require.NoError(t, err)
			p := &invoicesync.Entry{
				Journal: ledgertest.JournalPurchases, Date: e.Date.AddDate(0, 0, 2), DueDate: e.Date.AddDate(0, 1, 0), Reference: "INV-88",
				Label: "Globex Ltd - INV-88", Currency: "EUR", Decimals: 2, IdempotencyKey: "k-purchase", Partner: globex,
				InvoiceCurrency: "GBP", ExchangeRate: dec("1.17"), Direction: invoicesync.Purchase, Kind: invoicesync.KindInvoice, InvoiceID: "src-88",
				Lines: []invoicesync.EntryLine{
					{Account: ledgertest.AccountPurchases, Debit: dec("117.00"), CurrencyAmount: dec("100.00"), Label: "Widgets"},
					{Account: ledgertest.AccountVATDeductible, Debit: dec("23.40"), CurrencyAmount: dec("20.00"), VATCode: ledgertest.VATPurchase20, Label: "VAT 20 %"},
					{Account: ledgertest.AccountSuppliers, Partner: &globex, Credit: dec("140.40"), CurrencyAmount: dec("120.00"), Label: "Globex Ltd - INV-88"},
				},
			}
			require.NoError(t, p.Check())
			_, err = l.PostEntry(ctx, p)
			require.NoError(t, err)
			require.NoError(t, l.Close())
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			golden := filepath.Join("testdata", "books"+ext)
			if *update {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
			plaintext.CheckWithTool(t, f, path)

			file, err := plaintext.ReadFile(path, "")
			require.NoError(t, err)
			require.Len(t, file.Entries, 2)
			require.Len(t, file.Partners, 2)
			assert.Equal(t, `ACME | "Conseil"; 100%, SARL`, file.Partners[0].Name)
			assert.Equal(t, []string{"1 rue de la Paix", "Bât. B"}, file.Partners[0].Address.Lines)
			assert.Equal(t, "F0042", file.Partners[1].AuxiliaryAccount)
			got0 := file.Entries[0].Entry
			assert.True(t, got0.Draft)
			assert.Equal(t, "Consulting\nMarch, 2 days", got0.Lines[1].Label)
			got1 := file.Entries[1].Entry
			assert.False(t, got1.Draft)
			assert.Equal(t, "GBP", got1.InvoiceCurrency)
			assert.Equal(t, "1.17", got1.ExchangeRate.String())
			assert.Equal(t, "2026-04-15", got1.DueDate.Format("2006-01-02"))
			assert.Equal(t, "src-88", got1.InvoiceID)
			assert.Equal(t, invoicesync.Purchase, got1.Direction)
			assert.Equal(t, "140.40", got1.Lines[2].Credit.StringFixed(2))
			assert.Equal(t, "120.00", got1.Lines[2].CurrencyAmount.StringFixed(2))
			assert.Equal(t, globex.ID, got1.Lines[2].Partner.ID)
		})
	}
}

// TestLocked: a second Open of a file that is open fails, naming the lock;
// after Close it succeeds.
func TestLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "books.journal")
	l, err := plaintext.Open(path, &plaintext.Options{Chart: fixtureChart()})
	require.NoError(t, err)
	_, err = plaintext.Open(path, nil)
	require.ErrorContains(t, err, "open in another program")
	require.NoError(t, l.Close())
	l, err = plaintext.Open(path, nil)
	require.NoError(t, err)
	require.NoError(t, l.Close())
	_, err = l.Accounts(context.Background())
	require.ErrorIs(t, err, plaintext.ErrClosed)
}

// openFixture opens a new f journal in a temporary folder, on the fixture
// chart; it returns the journal's path and the ledger, closed when the test
// ends.
func openFixture(t *testing.T, f plaintext.Format) (string, *plaintext.Ledger) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "books")
	l, err := plaintext.Open(path, &plaintext.Options{Format: f, Chart: fixtureChart()})
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	return path, l
}

// TestEditedByHand: while a Ledger is open, someone appends a transaction
// and declares an account by hand. The Ledger reads the file again before
// its next call: the new account is listed, the hand-written transaction is
// kept as it is and counted as foreign, and posting still works.
func TestEditedByHand(t *testing.T) {
	ctx := context.Background()
	hand := map[plaintext.Format]string{
		plaintext.Hledger:   "\naccount Assets:Bank  ; number:512000\npayee Bank fees\n\n2026-03-20 Bank fees\n    Expenses:658000        4.20 EUR\n    Assets:Bank\n",
		plaintext.Beancount: "\n1970-01-01 open Assets:Bank\n  number: \"512000\"\n\n2026-03-20 * \"Bank fees\"\n  Expenses:658000   4.20 EUR\n  Assets:Bank\n",
	}
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			path, l := openFixture(t, f)
			acme, err := l.CreatePartner(ctx, invoicesync.Partner{Role: invoicesync.Customer, Name: "ACME"})
			require.NoError(t, err)
			_, err = l.PostEntry(ctx, sale("k1", "F-1", "EUR", acme))
			require.NoError(t, err)

			w, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			require.NoError(t, err)
			_, err = w.WriteString(hand[f])
			require.NoError(t, err)
			require.NoError(t, w.Close())

			accounts, err := l.Accounts(ctx)
			require.NoError(t, err)
			assert.Contains(t, accounts, invoicesync.Account{Number: "512000", Name: "Assets:Bank", Active: true})
			ref, err := l.PostEntry(ctx, sale("k2", "F-2", "EUR", acme))
			require.NoError(t, err)
			assert.Equal(t, "E2", ref.ID)
			ref, err = l.PostEntry(ctx, sale("k1", "F-1", "EUR", acme))
			require.NoError(t, err)
			assert.Equal(t, "E1", ref.ID)

			data, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Contains(t, string(data), hand[f])
			file, err := plaintext.ReadFile(path, f)
			require.NoError(t, err)
			assert.Len(t, file.Entries, 2)
			assert.Equal(t, 1, file.Foreign)
			plaintext.CheckWithTool(t, f, path)
		})
	}
}

// TestDeclare adds what a chart lacks, once, and leaves what the file
// declares alone.
func TestDeclare(t *testing.T) {
	ctx := context.Background()
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			path, l := openFixture(t, f)
			more := fixtureChart()
			more.Accounts[2].Closed = true // 706000: declared open already, stays open
			more.Accounts = append(more.Accounts, plaintext.Account{Name: "Liabilities:445200", Number: "445200", Title: "VAT due, intra-EU"})
			more.VATCodes = append(more.VATCodes, invoicesync.VATCode{Code: "AE20", Rate: dec("20"), Direction: invoicesync.Purchase, ReverseCharge: true, Account: "445660", DueAccount: "445200", Active: true})
			more.Journals = append(more.Journals, invoicesync.Journal{Code: "OD", Name: "Miscellaneous"})
			more.Currencies = []string{"CHF"}
			require.NoError(t, l.Declare(ctx, more))
			size := fileSize(t, path)
			require.NoError(t, l.Declare(ctx, more))
			assert.Equal(t, size, fileSize(t, path), "a second Declare writes nothing")

			accounts, _ := l.Accounts(ctx)
			assert.Contains(t, accounts, invoicesync.Account{Number: "445200", Name: "VAT due, intra-EU", Active: true})
			assert.Contains(t, accounts, invoicesync.Account{Number: "706000", Name: "Sales of services", Active: true})
			codes, _ := l.VATCodes(ctx)
			require.Len(t, codes, 5)
			assert.Equal(t, "445200", codes[4].DueAccount)
			assert.True(t, codes[4].ReverseCharge)
			journals, _ := l.Journals(ctx)
			assert.Len(t, journals, 3)
			file, err := plaintext.ReadFile(path, f)
			require.NoError(t, err)
			assert.Contains(t, file.Currencies, "CHF")
			plaintext.CheckWithTool(t, f, path)

			bad := &plaintext.Chart{VATCodes: []invoicesync.VATCode{{Code: "X", Account: "999999"}}}
			require.ErrorContains(t, l.Declare(ctx, bad), "VAT code X names account 999999, which is not declared")
		})
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	require.NoError(t, err)
	return st.Size()
}

// TestOpenErrors: what Open refuses, with a message saying what to do.
func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := plaintext.Open(filepath.Join(dir, "none.journal"), nil)
	assert.ErrorContains(t, err, "does not exist (or is empty) and no chart was given")
	_, err = plaintext.Open(filepath.Join(dir, "books.txt"), &plaintext.Options{Chart: fixtureChart()})
	assert.ErrorContains(t, err, `cannot tell the format from the content or the extension: set Options.Format to "hledger" or "beancount"`)
	_, err = plaintext.Open(filepath.Join(dir, "books.beancount"), &plaintext.Options{Chart: &plaintext.Chart{Accounts: []plaintext.Account{{Name: "Ventes", Number: "706"}}}})
	assert.ErrorContains(t, err, `account name "Ventes" is not a Beancount account`)
	_, err = plaintext.Open(filepath.Join(dir, "books.journal"), &plaintext.Options{Chart: &plaintext.Chart{Accounts: []plaintext.Account{{Name: "Income:Sales  x"}}, Currencies: []string{"euro"}}})
	assert.ErrorContains(t, err, `two spaces in a row`)
	assert.ErrorContains(t, err, `currency "euro" is not an ISO 4217 code`)
	_, err = os.Stat(filepath.Join(dir, "books.journal"))
	assert.True(t, errors.Is(err, os.ErrNotExist), "a refused chart creates no file")
	entries, _ := os.ReadDir(dir)
	assert.Empty(t, entries, "no temporary file is left behind")
}

// TestOpenDanglingSymlink: Open neither replaces a symbolic link to a file
// that does not exist nor creates its target; it says what to do.
func TestOpenDanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "books.journal")
	if err := os.Symlink(filepath.Join(dir, "missing.journal"), path); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	_, err := plaintext.Open(path, &plaintext.Options{Chart: fixtureChart()})
	require.EqualError(t, err, "plaintext: "+path+" is a symbolic link to "+filepath.Join(dir, "missing.journal")+", which does not exist: create that file, or remove the link")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")
}

// TestHandWrittenJournal opens a journal the package did not create:
// accounts declared without numbers are known by their names, and entries
// can be posted to them.
func TestHandWrittenJournal(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "main.journal")
	require.NoError(t, os.WriteFile(path, []byte(strings.Join([]string{
		"; my books", "commodity 1,000.00 EUR", "account Assets:Receivable", "account Income:Consulting", "account Liabilities:VAT",
		"", "2026-01-02 opening", "    Assets:Receivable    10.00 EUR", "    Income:Consulting", "",
	}, "\n")), 0o644))
	l, err := plaintext.Open(path, nil)
	require.NoError(t, err)
	defer l.Close()
	accounts, err := l.Accounts(ctx)
	require.NoError(t, err)
	require.Equal(t, []invoicesync.Account{
		{Number: "Assets:Receivable", Name: "Assets:Receivable", Active: true},
		{Number: "Income:Consulting", Name: "Income:Consulting", Active: true},
		{Number: "Liabilities:VAT", Name: "Liabilities:VAT", Active: true},
	}, accounts)
	e := &invoicesync.Entry{Journal: "any", Date: sale("", "", "", invoicesync.PartnerRef{}).Date, Reference: "F-9", Currency: "EUR", Decimals: 2, IdempotencyKey: "k9",
		Lines: []invoicesync.EntryLine{{Account: "Assets:Receivable", Debit: dec("60.00")}, {Account: "Income:Consulting", Credit: dec("50.00")}, {Account: "Liabilities:VAT", Credit: dec("10.00")}}}
	_, err = l.PostEntry(ctx, e)
	require.NoError(t, err, "without declared journals any journal code is accepted")
	_, err = l.PostEntry(ctx, &invoicesync.Entry{Journal: "any", Date: e.Date, Currency: "EUR", Decimals: 2, Lines: e.Lines[:2]})
	require.ErrorIs(t, err, invoicesync.ErrUnbalanced)
	require.NoError(t, l.Close())
	runToolCheck(t, path)
}

// runToolCheck has hledger check the journal with the strict checks only
// (the hand-written transaction above has no declared payee).
func runToolCheck(t *testing.T, path string) {
	t.Helper()
	plaintext.RunTool(t, "hledger", "-f", path, "check", "--strict")
}

// TestNoPartner: an entry without a partner (a host posting BuildEntry's
// result itself) is a transaction whose description, its label, is declared
// as a payee, so that hledger check payees accepts it.
func TestNoPartner(t *testing.T) {
	ctx := context.Background()
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			path, l := openFixture(t, f)
			e := sale("k1", "F-1", "EUR", invoicesync.PartnerRef{})
			e.Lines[0].Partner = nil
			e.Label = "Sale | misc"
			_, err := l.PostEntry(ctx, e)
			require.NoError(t, err)
			require.NoError(t, l.Close())
			plaintext.CheckWithTool(t, f, path)
			file, err := plaintext.ReadFile(path, f)
			require.NoError(t, err)
			require.Len(t, file.Entries, 1)
			want := map[plaintext.Format]string{plaintext.Hledger: "Sale / misc", plaintext.Beancount: "Sale | misc"}[f]
			assert.Equal(t, want, file.Entries[0].Entry.Label)
			assert.True(t, file.Entries[0].Entry.Partner.IsZero())
		})
	}
}
