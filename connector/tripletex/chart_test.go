package tripletex_test

import (
	"context"
	"maps"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/tripletex"
	"github.com/invoicesync/invoicesync/connector/tripletex/tripletextest"
)

// TestChartRejections: PostEntry refuses an entry naming what the chart
// does not have, or has inactive, with invoicesync.Chart's words and
// sentinel, and sends no voucher.
func TestChartRejections(t *testing.T) {
	for _, tc := range []struct {
		name     string
		change   func(e *invoicesync.Entry)
		sentinel error
		want     string
	}{
		{"unknown account", func(e *invoicesync.Entry) { e.Lines[1].Account = "3999" }, invoicesync.ErrAccountNumberNotFound,
			`tripletex: entry "F-2026-17" line 2: account "3999" does not exist in the ledger: ERROR_SYNC_INVOICE_ACCOUNT_NUMBER_NOT_FOUND`},
		{"inactive account", func(e *invoicesync.Entry) { e.Lines[1].Account = "3900" }, invoicesync.ErrAccountNumberNotActive,
			`tripletex: entry "F-2026-17" line 2: account "3900" is inactive in the ledger: ERROR_SYNC_INVOICE_ACCOUNT_NUMBER_NOT_ACTIVE`},
		{"unknown VAT type", func(e *invoicesync.Entry) { e.Lines[2].VATCode = "99" }, invoicesync.ErrVATCodeNotFound,
			`tripletex: entry "F-2026-17" line 3: VAT code "99" does not exist in the ledger: ERROR_SYNC_INVOICE_VAT_CODE_NOT_FOUND`},
		{"unknown voucher type", func(e *invoicesync.Entry) { e.Journal = "Ukjent" }, invoicesync.ErrMappingJournalNotFound,
			`tripletex: entry "F-2026-17": journal "Ukjent" is not in the ledger: ERROR_SYNC_INVOICE_MAPPING_JOURNAL_NOT_FOUND (journals are voucher types)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			e := twoRatesEntry(f.customer("Nordlys AS"))
			tc.change(e)
			_, err := f.ledger.PostEntry(context.Background(), e)
			require.EqualError(t, f.err(err), tc.want)
			assert.ErrorIs(t, err, tc.sentinel)
			assert.Empty(t, f.voucherPosts())
		})
	}
}

// TestVATTypeWithoutAccountIsRefused: a VAT type with a rate that
// Options.VATAccounts does not name is listed inactive; PostEntry says so,
// and what to set.
func TestVATTypeWithoutAccountIsRefused(t *testing.T) {
	f := newFixture(t)
	accounts := maps.Clone(f.demo.VATAccounts)
	delete(accounts, "31")
	l, err := tripletex.New(tripletex.Options{
		BaseURL:       f.srv.URL(),
		ConsumerToken: tripletextest.DefaultConsumerToken,
		EmployeeToken: tripletextest.DefaultEmployeeToken,
		Tenant:        "salong-nordlys",
		VATAccounts:   accounts,
		Clock:         f.clock,
	})
	require.NoError(t, err)
	_, err = l.PostEntry(context.Background(), twoRatesEntry(f.customer("Nordlys AS")))
	require.EqualError(t, f.err(err), `tripletex: entry "F-2026-17" line 3: VAT code "31" is inactive in the ledger: ERROR_SYNC_INVOICE_VAT_CODE_NOT_FOUND`+
		` (VAT type 31 has a rate but no VAT account in Options.VATAccounts)`)
	assert.ErrorIs(t, err, invoicesync.ErrVATCodeNotFound)
	assert.Empty(t, f.voucherPosts())
}
