package invoicesync_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/labels"
	"github.com/invoicesync/invoicesync/rounding"
)

// fullMapping sets every field of a Mapping.
func fullMapping() *invoicesync.Mapping {
	m := frenchMapping()
	m.SalesVAT = append(m.SalesVAT, invoicesync.VATRule{Category: "S", Rate: rate("21.00"), Country: "BE", Code: "V21", Account: "44571", DueAccount: ""})
	m.PurchaseVAT[1].DueAccount = "4452"
	m.RoundingVATCodes = invoicesync.RoundingVATCodes{Sales: "ROUND", Purchase: "ROUND"}
	m.Journals.SalesCreditNotes, m.Journals.PurchaseCreditNotes = "AV", "HA"
	m.Journals.BySource = map[string]string{"main": "VT", "export": "VT"}
	m.Accounts.SalesDiscount, m.Accounts.PurchaseDiscount = "709", "609"
	m.Accounts.SalesCharge, m.Accounts.PurchaseCharge = "708", "607"
	m.Accounts.CustomerPrepayment, m.Accounts.SupplierPrepayment = "4191", "401"
	m.Accounts.ExchangeGain, m.Accounts.ExchangeLoss = "766", "666"
	m.AccountRules = []invoicesync.AccountRule{{Direction: invoicesync.Sales, ItemCode: "TRAINING", ItemCategory: "services", Task: "teach", Account: "7062"}}
	m.StartDate = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m.Draft, m.SyncWithoutAttachment = true, true
	m.Scope = invoicesync.ScopeSales
	m.EligibleStatuses = []invoicesync.Status{invoicesync.StatusSent, invoicesync.StatusPaid}
	m.Labels = invoicesync.LabelSettings{Strategy: labels.Template, Template: "{partner} {number}", MaxLength: 30, Separator: " / "}
	m.LineGrouping, m.VATCalculation = invoicesync.OnePerSourceLine, invoicesync.VATPerLine
	m.RoundingTolerance, m.Rounding = 3, rounding.HalfEven
	m.LedgerCurrency, m.MinorUnits = "EUR", rounding.Units{"EUR": 2}
	return m
}

func TestMappingJSONRoundTrip(t *testing.T) {
	for name, m := range map[string]*invoicesync.Mapping{"full": fullMapping(), "minimal": frenchMapping(), "zero": {}} {
		t.Run(name, func(t *testing.T) {
			data, err := json.Marshal(m)
			require.NoError(t, err)
			var back invoicesync.Mapping
			require.NoError(t, json.Unmarshal(data, &back))
			again, err := json.Marshal(&back)
			require.NoError(t, err)
			assert.JSONEq(t, string(data), string(again))
			// Decimals compare by value; everything else must be identical.
			for i := range m.SalesVAT {
				assert.True(t, m.SalesVAT[i].Rate.Decimal.Equal(back.SalesVAT[i].Rate.Decimal))
				assert.Equal(t, m.SalesVAT[i].Rate.Valid, back.SalesVAT[i].Rate.Valid)
				back.SalesVAT[i].Rate = m.SalesVAT[i].Rate
			}
			for i := range m.PurchaseVAT {
				assert.Equal(t, m.PurchaseVAT[i].Rate.Valid, back.PurchaseVAT[i].Rate.Valid)
				back.PurchaseVAT[i].Rate = m.PurchaseVAT[i].Rate
			}
			assert.True(t, m.StartDate.Equal(back.StartDate))
			back.StartDate = m.StartDate
			assert.Equal(t, *m, back)
		})
	}
}

// TestMappingJSONStartDate: a saved Mapping leaves out a zero StartDate (no
// limit) altogether, rather than writing the year-1 date encoding/json gives
// a zero time.Time (the field's omitzero tag, Go 1.24 and later); a set date
// is written and read back as the same instant.
func TestMappingJSONStartDate(t *testing.T) {
	zero := frenchMapping()
	zero.StartDate = time.Time{}
	data, err := json.Marshal(zero)
	require.NoError(t, err)
	var keys map[string]any
	require.NoError(t, json.Unmarshal(data, &keys))
	assert.NotContains(t, keys, "start_date")
	assert.NotContains(t, string(data), "0001-01-01")
	var back invoicesync.Mapping
	require.NoError(t, json.Unmarshal(data, &back))
	assert.True(t, back.StartDate.IsZero())

	set := frenchMapping()
	set.StartDate = time.Date(2026, 3, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600))
	data, err = json.Marshal(set)
	require.NoError(t, err)
	keys = nil
	require.NoError(t, json.Unmarshal(data, &keys))
	assert.Equal(t, "2026-03-01T00:00:00+01:00", keys["start_date"])
	back = invoicesync.Mapping{}
	require.NoError(t, json.Unmarshal(data, &back))
	assert.True(t, back.StartDate.Equal(time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC)), "start date read back: %s", back.StartDate)
}

func TestMappingJSONShape(t *testing.T) {
	var m invoicesync.Mapping
	require.NoError(t, json.Unmarshal([]byte(`{
		"sales_vat": [{"category": "S", "rate": "5.5", "code": "V55"}, {"category": "E", "rate": null, "code": "V0"}],
		"accounts": {"sales_default": "706", "customer_collective": "411"},
		"labels": {"strategy": "partner_name", "max_length": 40},
		"rounding": "half_even",
		"start_date": "2026-01-01T00:00:00Z"
	}`), &m))
	assert.Equal(t, "5.5", m.SalesVAT[0].Rate.Decimal.String())
	assert.False(t, m.SalesVAT[1].Rate.Valid)
	assert.Equal(t, rounding.HalfEven, m.Rounding)
	assert.Equal(t, labels.PartnerName, m.Labels.Strategy)
	assert.Equal(t, "2026-01-01", m.StartDate.Format(time.DateOnly))

	assert.Error(t, json.Unmarshal([]byte(`{"rounding": "nearest"}`), &m))
}

// chartTarget is a LedgerTarget that only knows a chart: enough for Validate.
type chartTarget struct {
	invoicesync.LedgerTarget // nil: any other method panics, which the test would show
	accounts                 []invoicesync.Account
	codes                    []invoicesync.VATCode
	journals                 []invoicesync.Journal
}

func (c chartTarget) Accounts(context.Context) ([]invoicesync.Account, error) { return c.accounts, nil }
func (c chartTarget) VATCodes(context.Context) ([]invoicesync.VATCode, error) { return c.codes, nil }
func (c chartTarget) Journals(context.Context) ([]invoicesync.Journal, error) { return c.journals, nil }

func TestMappingValidateAgainstTheLedger(t *testing.T) {
	target := chartTarget{
		accounts: []invoicesync.Account{
			{Number: "411", Active: true}, {Number: "706", Active: true}, {Number: "758", Active: true},
			{Number: "658", Active: false}, {Number: "44571", Active: true},
		},
		codes: []invoicesync.VATCode{
			{Code: "V20", Rate: d("20"), Direction: invoicesync.Sales, Account: "44571", Active: true},
			{Code: "V10", Rate: d("10"), Direction: invoicesync.Sales, Active: true},
			{Code: "A20", Rate: d("20"), Direction: invoicesync.Purchase, Account: "44566", Active: true},
		},
		journals: []invoicesync.Journal{{Code: "VT"}},
	}
	m := &invoicesync.Mapping{
		Scope: invoicesync.ScopeSales,
		SalesVAT: []invoicesync.VATRule{
			{Category: "S", Rate: rate("20"), Code: "V20"},
			{Category: "S", Rate: rate("5.5"), Code: "V55"},
			{Category: "S", Rate: rate("10"), Code: "V10"},
			{Category: "S", Rate: rate("20.0"), Code: "A20"},
		},
		RoundingVATCodes: invoicesync.RoundingVATCodes{Sales: "R0"},
		Journals:         invoicesync.JournalMapping{Sales: "VE"},
		Accounts: invoicesync.Accounts{
			SalesDefault: "706", CustomerCollective: "411", CreditRounding: "758", DebitRounding: "658", SalesDiscount: "709",
		},
		AccountRules: []invoicesync.AccountRule{{Account: "706"}},
		Labels:       invoicesync.LabelSettings{Strategy: labels.Template, Template: "{partner} {colour}"},
		LineGrouping: "weekly",
	}
	err := m.Validate(context.Background(), target)
	var me *invoicesync.MappingError
	require.ErrorAs(t, err, &me)
	type problem struct {
		code       invoicesync.ErrorCode
		key, value string
	}
	var got []problem
	for _, p := range me.Problems {
		got = append(got, problem{p.Code, p.Field, p.Value})
	}
	assert.Equal(t, []problem{
		{invoicesync.CodeMappingInvalid, "line_grouping", "weekly"},
		{invoicesync.CodeMappingInvalid, "labels", ""},
		{invoicesync.CodeAccountNumberNotActive, "accounts.debit_rounding", "658"},
		{invoicesync.CodeAccountNumberNotFound, "accounts.sales_discount", "709"},
		{invoicesync.CodeMappingInvalid, "account_rules[0]", ""},
		{invoicesync.CodeVATCodeNotFound, "sales_vat[1].code", "V55"},
		{invoicesync.CodeVATCodeNotFound, "sales_vat[2].account", ""},
		{invoicesync.CodeMappingInvalid, "sales_vat[3]", "A20"},
		{invoicesync.CodeMappingInvalid, "sales_vat[3].code", "A20"},
		{invoicesync.CodeAccountNumberNotFound, "sales_vat[3].account", "44566"},
		{invoicesync.CodeVATCodeNotFound, "rounding_vat_codes.sales", "R0"},
		{invoicesync.CodeMappingJournalNotFound, "journals.sales", "VE"},
	}, got)
	assert.ErrorIs(t, err, invoicesync.ErrAccountNumberNotActive)
	assert.ErrorIs(t, err, invoicesync.ErrMappingJournalNotFound)
	assert.Contains(t, err.Error(), "mapping has 12 problem(s)")

	t.Run("a valid mapping", func(t *testing.T) {
		require.NoError(t, frenchMapping().ValidateChart(frenchChart()))
		require.NoError(t, fullMapping().ValidateChart(frenchChart()))
	})
}
