package invoicesync_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// problemOf is the part of a mapping problem the tests compare.
type problemOf struct {
	Code     invoicesync.ErrorCode
	Field    string
	Value    string
	Expected string
}

// problems returns the problems of err, which must be a *MappingError.
func problems(t *testing.T, err error) []problemOf {
	t.Helper()
	var me *invoicesync.MappingError
	require.ErrorAs(t, err, &me)
	var got []problemOf
	for _, p := range me.Problems {
		got = append(got, problemOf{p.Code, p.Field, p.Value, p.Expected})
	}
	return got
}

const accountKeys = "one of: sales_default, purchase_default, customer_collective, supplier_collective, " +
	"credit_rounding, debit_rounding, sales_discount, purchase_discount, sales_charge, purchase_charge, " +
	"customer_prepayment, supplier_prepayment, exchange_gain, exchange_loss"

// A misspelt key, which json.Unmarshal drops silently, is refused with its
// key path and the keys accepted there.
func TestParseMappingUnknownKey(t *testing.T) {
	const doc = `{"accounts": {"sales_defualt": "706", "customer_collective": "411"},
		"sales_vat": [{"category": "S", "rate": "20", "code": "V20"}, {"categroy": "S", "code": "V0"}],
		"Scope": "sales"}`
	var lax invoicesync.Mapping
	require.NoError(t, json.Unmarshal([]byte(doc), &lax)) // what a host got so far: no error, no account
	assert.Equal(t, "", lax.Accounts.SalesDefault)

	m, err := invoicesync.ParseMapping(strings.NewReader(doc))
	assert.Nil(t, m)
	assert.Equal(t, []problemOf{
		{invoicesync.CodeMappingInvalid, "Scope", "Scope", "one of: sales_vat, purchase_vat, rounding_vat_codes, journals, " +
			"accounts, account_rules, withholding, start_date, draft, sync_without_attachment, scope, eligible_statuses, " +
			"labels, line_grouping, vat_calculation, rounding_tolerance, rounding, ledger_currency, minor_units"},
		{invoicesync.CodeMappingInvalid, "sales_vat[1].categroy", "categroy", "one of: category, rate, country, code, account, due_account"},
		{invoicesync.CodeMappingInvalid, "accounts.sales_defualt", "sales_defualt", accountKeys},
	}, problems(t, err))
	assert.ErrorIs(t, err, invoicesync.ErrMappingInvalid)
	assert.Contains(t, err.Error(), `unknown key "sales_defualt" (accounts.sales_defualt is "sales_defualt" expected "`+accountKeys+`")`)
}

// start_date takes a plain date (midnight UTC) or an RFC 3339 time; anything
// else is refused saying both forms.
func TestParseMappingStartDate(t *testing.T) {
	m, err := invoicesync.ParseMapping(strings.NewReader(`{"start_date": "2026-03-01"}`))
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), m.StartDate)

	m, err = invoicesync.ParseMapping(strings.NewReader(`{"start_date": "2026-03-01T00:00:00+01:00"}`))
	require.NoError(t, err)
	assert.True(t, m.StartDate.Equal(time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC)), "start date: %s", m.StartDate)
	assert.Equal(t, "2026-03-01", m.StartDate.Format(time.DateOnly)) // in its own +01:00

	m, err = invoicesync.ParseMapping(strings.NewReader(`{"start_date": null}`))
	require.NoError(t, err)
	assert.True(t, m.StartDate.IsZero())

	forms := "a date 2006-01-02 or an RFC 3339 time 2006-01-02T15:04:05Z07:00"
	for doc, value := range map[string]string{
		`{"start_date": "01/03/2026"}`: "01/03/2026",
		`{"start_date": "2026-02-30"}`: "2026-02-30",
		`{"start_date": 20260301}`:     "20260301",
	} {
		_, err := invoicesync.ParseMapping(strings.NewReader(doc))
		assert.Equal(t, []problemOf{{invoicesync.CodeMappingInvalid, "start_date", value, forms}}, problems(t, err), doc)
	}
}

// Only white space may follow the mapping object.
func TestParseMappingTrailingData(t *testing.T) {
	_, err := invoicesync.ParseMapping(strings.NewReader("{\"scope\": \"sales\"}\n\t "))
	require.NoError(t, err)
	for _, doc := range []string{`{"scope": "sales"} {"scope": "purchase"}`, `{"scope": "sales"}}`, `{"scope": "sales"} x`} {
		_, err := invoicesync.ParseMapping(strings.NewReader(doc))
		assert.Equal(t, []problemOf{{invoicesync.CodeMappingInvalid, "", "", "one JSON object"}}, problems(t, err), doc)
		assert.Contains(t, err.Error(), "data follows the mapping object", doc)
	}
	for doc, p := range map[string]problemOf{
		``:          {invoicesync.CodeMappingInvalid, "", "", "a JSON object"},
		`[]`:        {invoicesync.CodeMappingInvalid, "", "an array", "a JSON object"},
		`{"scope":`: {invoicesync.CodeMappingInvalid, "", "", ""},
	} {
		_, err := invoicesync.ParseMapping(strings.NewReader(doc))
		assert.Equal(t, []problemOf{p}, problems(t, err), doc)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// A value of the wrong type names its key path, index included; the options
// are checked; a read error is kept.
func TestParseMappingValues(t *testing.T) {
	_, err := invoicesync.ParseMapping(strings.NewReader(`{"draft": "yes", "rounding": "nearest",
		"purchase_vat": [{"code": "A20"}, {"rate": "twenty", "code": "A0"}], "journals": {"by_source": {"main": 7}},
		"rounding_tolerance": 1.5}`))
	assert.Equal(t, []problemOf{
		{invoicesync.CodeMappingInvalid, "purchase_vat[1].rate", "twenty", "a decimal number"},
		{invoicesync.CodeMappingInvalid, "journals.by_source.main", "7", "a string"},
		{invoicesync.CodeMappingInvalid, "draft", "yes", "true or false"},
		{invoicesync.CodeMappingInvalid, "rounding_tolerance", "1.5", "a whole number"},
		{invoicesync.CodeMappingInvalid, "rounding", "nearest", "one of: half_away_from_zero, half_even, up, down"},
	}, problems(t, err))

	_, err = invoicesync.ParseMapping(strings.NewReader(`{"scope": "everything", "sales_vat": [{"category": "X", "code": "V"}]}`))
	assert.Equal(t, []problemOf{
		{invoicesync.CodeMappingInvalid, "scope", "everything", "one of: both, sales, purchase"},
		{invoicesync.CodeMappingInvalid, "sales_vat[0].category", "X", "one of: S, Z, E, AE, K, G, O, L, M, B (UNTDID 5305), or empty for any"},
	}, problems(t, err))

	_, err = invoicesync.ParseMapping(failingReader{})
	assert.Equal(t, []problemOf{{invoicesync.CodeMappingInvalid, "", "", ""}}, problems(t, err))
	assert.ErrorContains(t, err, "disk on fire")

	// A saved mapping reads back the same through ParseMapping.
	data, err := json.Marshal(fullMapping())
	require.NoError(t, err)
	back, err := invoicesync.ParseMapping(strings.NewReader(string(data)))
	require.NoError(t, err)
	again, err := json.Marshal(back)
	require.NoError(t, err)
	assert.JSONEq(t, string(data), string(again))
}

// Every option with a code list or a range is checked by NewBuilder (and so
// by Validate, ValidateChart and ParseMapping), naming the key, the value and
// what is accepted.
func TestMappingOptionValues(t *testing.T) {
	m := frenchMapping()
	m.SalesVAT[0].Category = "x"
	m.SalesVAT[1].Country = "qq"
	m.SalesVAT[2].Country = "UK"
	m.SalesVAT[3].Country = "EL"
	m.SalesVAT[4].Country = "EU"
	m.SalesVAT[5].Rate = rate("100")
	m.SalesVAT[6].Rate = rate("-5")
	m.PurchaseVAT[0].Category, m.PurchaseVAT[0].Country = "VAT", "GR"
	m.PurchaseVAT[1].Rate = rate("99.999999")
	m.Scope = "all"
	m.EligibleStatuses = []invoicesync.Status{invoicesync.StatusSent, "open"}
	m.LineGrouping, m.VATCalculation = "weekly", "per_invoice"
	m.LedgerCurrency = "EURO"
	const country = "an ISO 3166-1 alpha-2 country code (FR, DE, GR…), or empty for any"
	const category = "one of: S, Z, E, AE, K, G, O, L, M, B (UNTDID 5305), or empty for any"
	const rng = "a rate in percent, 0 or more and less than 100"
	want := []problemOf{
		{invoicesync.CodeMappingInvalid, "scope", "all", "one of: both, sales, purchase"},
		{invoicesync.CodeMappingInvalid, "line_grouping", "weekly", "one of: by_account_and_vat, per_line"},
		{invoicesync.CodeMappingInvalid, "vat_calculation", "per_invoice", "one of: per_category, per_line"},
		{invoicesync.CodeMappingInvalid, "eligible_statuses[1]", "open", "one of: draft, sent, paid, cancelled"},
		{invoicesync.CodeMappingInvalid, "ledger_currency", "EURO", "an ISO 4217 currency code with minor units (EUR, USD, JPY…) or one declared in minor_units"},
		{invoicesync.CodeMappingInvalid, "sales_vat[0].category", "x", category},
		{invoicesync.CodeMappingInvalid, "sales_vat[1].country", "qq", country},
		{invoicesync.CodeMappingInvalid, "sales_vat[2].country", "UK", country},
		{invoicesync.CodeMappingInvalid, "sales_vat[3].country", "EL", country},
		{invoicesync.CodeMappingInvalid, "sales_vat[4].country", "EU", country},
		{invoicesync.CodeMappingInvalid, "sales_vat[5].rate", "100", rng},
		{invoicesync.CodeMappingInvalid, "sales_vat[6].rate", "-5", rng},
		{invoicesync.CodeMappingInvalid, "purchase_vat[0].category", "VAT", category},
	}
	_, err := invoicesync.NewBuilder(m, frenchChart())
	assert.Equal(t, want, problems(t, err))
	// ValidateChart reports the same first, then what the chart lacks.
	got := problems(t, m.ValidateChart(frenchChart()))
	require.GreaterOrEqual(t, len(got), len(want))
	assert.Equal(t, want, got[:len(want)])

	var me *invoicesync.MappingError
	require.ErrorAs(t, err, &me)
	resolutions := map[string]string{}
	for _, p := range me.Problems {
		resolutions[p.Field] = p.Resolution
	}
	assert.Equal(t, "write GB, the ISO 3166-1 alpha-2 code of that country", resolutions["sales_vat[2].country"])
	assert.Equal(t, "write GR: EL is the VAT number prefix of Greece, GR its ISO 3166-1 code", resolutions["sales_vat[3].country"])
	assert.Equal(t, "use one of: both, sales, purchase", resolutions["scope"])

	// The edges that are accepted: 0 and 99.999999 %, every UNTDID 5305 code
	// in either case, a country in lower case, a currency declared in
	// minor_units.
	ok := frenchMapping()
	ok.SalesVAT = nil
	for i, c := range []string{"S", "Z", "E", "AE", "K", "G", "O", "L", "M", "B", ""} {
		ok.SalesVAT = append(ok.SalesVAT, invoicesync.VATRule{Category: c, Rate: rate("0"), Country: []string{"FR", "DE", "XK"}[i%3], Code: "V0"})
	}
	ok.SalesVAT[0].Rate = rate("99.999999")
	// Case does not matter, as the builder matches categories and countries.
	ok.SalesVAT[1].Category, ok.SalesVAT[1].Country = "z", "de"
	ok.LedgerCurrency, ok.MinorUnits = "XBT", map[string]int32{"XBT": 8}
	_, err = invoicesync.NewBuilder(ok, frenchChart())
	require.NoError(t, err)
}
