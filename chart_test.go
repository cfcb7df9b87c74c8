package invoicesync_test

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// sentinels are the sentinels a Chart check may wrap; each test asserts
// that its error wraps exactly one of them.
var chartSentinels = []error{
	invoicesync.ErrAccountNumberNotFound, invoicesync.ErrAccountNumberNotActive,
	invoicesync.ErrVATCodeNotFound, invoicesync.ErrMappingJournalNotFound, invoicesync.ErrUnbalanced,
}

// assertOnly asserts that err wraps want and none of the other chart sentinels.
func assertOnly(t *testing.T, err, want error) {
	t.Helper()
	for _, s := range chartSentinels {
		assert.Equal(t, s == want, errors.Is(err, s), "errors.Is(%q, %q)", err, s)
	}
}

func TestChartCheckAccount(t *testing.T) {
	c := frenchChart()
	require.NoError(t, c.CheckAccount("706"))
	for _, tc := range []struct {
		number   string
		sentinel error
		code     invoicesync.ErrorCode
		want     string
	}{
		{"9999", invoicesync.ErrAccountNumberNotFound, invoicesync.CodeAccountNumberNotFound,
			`account "9999" does not exist in the ledger: ERROR_SYNC_INVOICE_ACCOUNT_NUMBER_NOT_FOUND`},
		{"", invoicesync.ErrAccountNumberNotFound, invoicesync.CodeAccountNumberNotFound,
			`account "" does not exist in the ledger: ERROR_SYNC_INVOICE_ACCOUNT_NUMBER_NOT_FOUND`},
		{"7061", invoicesync.ErrAccountNumberNotActive, invoicesync.CodeAccountNumberNotActive,
			`account "7061" is inactive in the ledger: ERROR_SYNC_INVOICE_ACCOUNT_NUMBER_NOT_ACTIVE`},
	} {
		t.Run(tc.number, func(t *testing.T) {
			err := c.CheckAccount(tc.number)
			require.EqualError(t, err, tc.want)
			assertOnly(t, err, tc.sentinel)
			assert.Equal(t, tc.code, invoicesync.Code(err))
		})
	}
}

func TestChartCheckVATCode(t *testing.T) {
	inactive := invoicesync.VATCode{Code: "V7", Rate: d("7"), Account: "44571", Active: false}
	noAccount := invoicesync.VATCode{Code: "E0", Rate: d("0"), Active: true}
	c := invoicesync.NewChart(frenchAccounts(), append(frenchVATCodes(), inactive, noAccount), frenchJournals())
	require.NoError(t, c.CheckVATCode("V20"))
	require.NoError(t, c.CheckVATCode("E0"), "a code without account is the mapping's concern, not the chart's")
	for _, tc := range []struct{ code, want string }{
		{"X99", `VAT code "X99" does not exist in the ledger: ERROR_SYNC_INVOICE_VAT_CODE_NOT_FOUND`},
		{"V7", `VAT code "V7" is inactive in the ledger: ERROR_SYNC_INVOICE_VAT_CODE_NOT_FOUND`},
	} {
		t.Run(tc.code, func(t *testing.T) {
			err := c.CheckVATCode(tc.code)
			require.EqualError(t, err, tc.want)
			assertOnly(t, err, invoicesync.ErrVATCodeNotFound)
			assert.Equal(t, invoicesync.CodeVATCodeNotFound, invoicesync.Code(err))
		})
	}
}

func TestChartCheckJournal(t *testing.T) {
	c := frenchChart()
	require.NoError(t, c.CheckJournal("VT"))
	for _, code := range []string{"ZZ", ""} {
		err := c.CheckJournal(code)
		require.EqualError(t, err, `journal "`+code+`" is not in the ledger: ERROR_SYNC_INVOICE_MAPPING_JOURNAL_NOT_FOUND`)
		assertOnly(t, err, invoicesync.ErrMappingJournalNotFound)
		assert.Equal(t, invoicesync.CodeMappingJournalNotFound, invoicesync.Code(err))
	}

	// A ledger without journals accepts any code, the empty one too.
	bare := invoicesync.NewChart(frenchAccounts(), frenchVATCodes(), nil)
	require.NoError(t, bare.CheckJournal("ZZ"))
	require.NoError(t, bare.CheckJournal(""))
}

func TestChartCheckEntry(t *testing.T) {
	z := decimal.Zero
	c := frenchChart()
	ok := func() *invoicesync.Entry {
		return &invoicesync.Entry{Journal: "VT", Reference: "F-1", Decimals: 2, Lines: []invoicesync.EntryLine{
			{Account: "411", Debit: d("120.00"), Credit: z},
			{Account: "706", Debit: z, Credit: d("100.00"), VATCode: "V20"},
			{Account: "44571", Debit: z, Credit: d("20.00"), VATCode: "V20"},
		}}
	}
	require.NoError(t, c.CheckEntry(ok()))
	for _, tc := range []struct {
		name     string
		change   func(e *invoicesync.Entry)
		sentinel error
		want     string
	}{
		{"Check first", func(e *invoicesync.Entry) { e.Lines[2].Credit = d("20.01"); e.Journal = "ZZ" }, invoicesync.ErrUnbalanced,
			"entry F-1: debit 120.00, credit 120.01: invoicesync: entry does not balance"},
		{"malformed line", func(e *invoicesync.Entry) { e.Lines[1].Account = "" }, invoicesync.ErrUnbalanced,
			"entry F-1 line 2 has no account: invoicesync: entry does not balance"},
		{"journal before accounts", func(e *invoicesync.Entry) { e.Journal = "ZZ"; e.Lines[0].Account = "9999" }, invoicesync.ErrMappingJournalNotFound,
			`entry "F-1": journal "ZZ" is not in the ledger: ERROR_SYNC_INVOICE_MAPPING_JOURNAL_NOT_FOUND`},
		{"no journal", func(e *invoicesync.Entry) { e.Journal = "" }, invoicesync.ErrMappingJournalNotFound,
			`entry "F-1": journal "" is not in the ledger: ERROR_SYNC_INVOICE_MAPPING_JOURNAL_NOT_FOUND`},
		{"accounts before VAT codes", func(e *invoicesync.Entry) { e.Lines[1].VATCode = "X99"; e.Lines[2].Account = "9999" }, invoicesync.ErrAccountNumberNotFound,
			`entry "F-1" line 3: account "9999" does not exist in the ledger: ERROR_SYNC_INVOICE_ACCOUNT_NUMBER_NOT_FOUND`},
		{"inactive account", func(e *invoicesync.Entry) { e.Lines[1].Account = "7061" }, invoicesync.ErrAccountNumberNotActive,
			`entry "F-1" line 2: account "7061" is inactive in the ledger: ERROR_SYNC_INVOICE_ACCOUNT_NUMBER_NOT_ACTIVE`},
		{"unknown VAT code", func(e *invoicesync.Entry) { e.Lines[2].VATCode = "X99" }, invoicesync.ErrVATCodeNotFound,
			`entry "F-1" line 3: VAT code "X99" does not exist in the ledger: ERROR_SYNC_INVOICE_VAT_CODE_NOT_FOUND`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := ok()
			tc.change(e)
			err := c.CheckEntry(e)
			require.EqualError(t, err, tc.want)
			assertOnly(t, err, tc.sentinel)
		})
	}

	t.Run("inactive VAT code", func(t *testing.T) {
		off := invoicesync.VATCode{Code: "V20", Rate: d("20"), Account: "44571", Active: false}
		c := invoicesync.NewChart(frenchAccounts(), []invoicesync.VATCode{off}, frenchJournals())
		err := c.CheckEntry(ok())
		require.EqualError(t, err, `entry "F-1" line 2: VAT code "V20" is inactive in the ledger: ERROR_SYNC_INVOICE_VAT_CODE_NOT_FOUND`)
		assertOnly(t, err, invoicesync.ErrVATCodeNotFound)
	})

	t.Run("any journal without journals", func(t *testing.T) {
		e := ok()
		e.Journal = "whatever"
		require.NoError(t, invoicesync.NewChart(frenchAccounts(), frenchVATCodes(), nil).CheckEntry(e))
	})

	t.Run("nil entry", func(t *testing.T) {
		err := c.CheckEntry(nil)
		require.EqualError(t, err, "no entry: invoicesync: entry does not balance")
		assertOnly(t, err, invoicesync.ErrUnbalanced)
	})

	t.Run("partners are not checked", func(t *testing.T) {
		e := ok()
		e.Partner = invoicesync.PartnerRef{ID: "no-such-partner"}
		e.Lines[0].Partner = &invoicesync.PartnerRef{ID: "no-such-partner"}
		require.NoError(t, c.CheckEntry(e))
	})
}

// TestMappingProblemsWordedByTheChart: Mapping.Validate reports an account,
// VAT code or journal problem in the Chart check's words, plus the mapping
// key to change.
func TestMappingProblemsWordedByTheChart(t *testing.T) {
	m := frenchMapping()
	m.Accounts.DebitRounding = "7061"
	m.Accounts.CreditRounding = "7590"
	m.SalesVAT[1].Code = "X21"
	m.Journals.Sales = "ZZ"
	var me *invoicesync.MappingError
	require.ErrorAs(t, m.ValidateChart(frenchChart()), &me)
	type problem struct {
		code                invoicesync.ErrorCode
		key, value, message string
		resolution          string
	}
	var got []problem
	for _, p := range me.Problems {
		got = append(got, problem{p.Code, p.Field, p.Value, p.Message, p.Resolution})
	}
	assert.Equal(t, []problem{
		{invoicesync.CodeAccountNumberNotFound, "accounts.credit_rounding", "7590", `account "7590" does not exist in the ledger`,
			`create account "7590" in the ledger or choose another one for accounts.credit_rounding`},
		{invoicesync.CodeAccountNumberNotActive, "accounts.debit_rounding", "7061", `account "7061" is inactive in the ledger`,
			`reactivate account "7061" in the ledger or choose another one for accounts.debit_rounding`},
		{invoicesync.CodeVATCodeNotFound, "sales_vat[1].code", "X21", `VAT code "X21" does not exist in the ledger`,
			`create VAT code "X21" in the ledger or choose another one for sales_vat[1].code`},
		{invoicesync.CodeMappingJournalNotFound, "journals.sales", "ZZ", `journal "ZZ" is not in the ledger`,
			`create journal "ZZ" in the ledger or choose another one for journals.sales`},
	}, got)
}
