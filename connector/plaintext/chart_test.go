package plaintext_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/plaintext"
)

// TestPostEntryChartRejection: an entry naming an account the file does not
// declare is refused in invoicesync.Chart's words, naming the file, and
// nothing is written.
func TestPostEntryChartRejection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "main.journal")
	require.NoError(t, os.WriteFile(path, []byte(strings.Join([]string{
		"commodity 1,000.00 EUR", "account Assets:Receivable", "account Income:Consulting", "account Liabilities:VAT", "",
	}, "\n")), 0o644))
	l, err := plaintext.Open(path, nil)
	require.NoError(t, err)
	defer l.Close()
	e := &invoicesync.Entry{Date: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), Reference: "F-9", Currency: "EUR", Decimals: 2, IdempotencyKey: "k9",
		Lines: []invoicesync.EntryLine{{Account: "Assets:Receivable", Debit: dec("60.00")}, {Account: "Income:Other", Credit: dec("50.00")}, {Account: "Liabilities:VAT", Credit: dec("10.00")}}}
	before := readText(t, path)
	_, err = l.PostEntry(context.Background(), e)
	require.EqualError(t, err, "plaintext: PostEntry to "+path+`: entry "F-9" line 2: account "Income:Other" does not exist in the ledger: ERROR_SYNC_INVOICE_ACCOUNT_NUMBER_NOT_FOUND`)
	assert.ErrorIs(t, err, invoicesync.ErrAccountNumberNotFound)
	assert.Equal(t, before, readText(t, path))
}
