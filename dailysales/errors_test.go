package dailysales

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// Every error path: the code's sentinel, the Field, the Value (and the
// Expected one when there is one), a Resolution, and the day's key.
func TestSummariseErrors(t *testing.T) {
	key := "dailysales:POS-1:2026-11-20"
	one := func(mut func(r *Receipt)) func(t testing.TB) []Receipt {
		return func(t testing.TB) []Receipt {
			r := Receipt{ID: "R9", Register: "POS-1", Time: at(t, 10, 0),
				Lines: []Line{sale("Haircut", "500.00", "25")}, Payments: []Payment{pay("card", "500.00")}}
			mut(&r)
			return append(threeReceipts(t), r)
		}
	}
	noCfg := func(*Config) {}
	for _, c := range []struct {
		name     string
		cfg      func(c *Config)
		chart    func() *invoicesync.Chart
		register string
		receipts func(t testing.TB) []Receipt
		sentinel error
		field    string
		value    string
		expected string
		line     int
		key      string // "" means the day's key
	}{
		// Receipts.
		{name: "receipt of the next day in Oslo", cfg: noCfg, receipts: one(func(r *Receipt) {
			r.Time = time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC) // 00:30 on the 21st in Oslo
		}), sentinel: invoicesync.ErrInvoiceValidation, field: "receipt R9: Time", value: "2026-11-21T00:30:00+01:00", expected: "2026-11-20"},
		{name: "receipt of the day before", cfg: noCfg, receipts: one(func(r *Receipt) { r.Time = r.Time.AddDate(0, 0, -1) }),
			sentinel: invoicesync.ErrInvoiceValidation, field: "receipt R9: Time", value: "2026-11-19T10:00:00+01:00", expected: "2026-11-20"},
		{name: "receipt without time", cfg: noCfg, receipts: one(func(r *Receipt) { r.Time = time.Time{} }),
			sentinel: invoicesync.ErrInvoiceValidation, field: "receipt R9: Time", value: "", expected: "2026-11-20"},
		{name: "receipt of another register", cfg: noCfg, receipts: one(func(r *Receipt) { r.Register = "POS-2" }),
			sentinel: invoicesync.ErrInvoiceValidation, field: "receipt R9: Register", value: "POS-2", expected: "POS-1"},
		{name: "duplicate receipt", cfg: noCfg, receipts: one(func(r *Receipt) { r.ID = "R2" }),
			sentinel: invoicesync.ErrInvoiceValidation, field: "receipt R2: ID", value: "R2"},
		{name: "receipt without ID", cfg: noCfg, receipts: one(func(r *Receipt) { r.ID = "" }),
			sentinel: invoicesync.ErrInvoiceValidation, field: "receipts[3].ID", value: ""},
		{name: "payments differ from lines", cfg: noCfg, receipts: one(func(r *Receipt) { r.Payments[0].Amount = dec("499.99") }),
			sentinel: invoicesync.ErrAmountValidation, field: "receipt R9: Payments", value: "499.99", expected: "500.00"},
		{name: "payment too precise", cfg: noCfg, receipts: one(func(r *Receipt) { r.Payments[0].Amount = dec("500.001") }),
			sentinel: invoicesync.ErrAmountValidation, field: "receipt R9: Payments[0].Amount", value: "500.001"},
		{name: "line too precise", cfg: noCfg, receipts: one(func(r *Receipt) { r.Lines[0].Gross = dec("500.001") }),
			sentinel: invoicesync.ErrLineValidation, field: "receipt R9: Lines[0].Gross", value: "500.001", line: 1},
		{name: "unmapped rate", cfg: noCfg, receipts: one(func(r *Receipt) {
			r.Lines = append(r.Lines, sale("Old stock", "0.00", "12"))
		}), sentinel: invoicesync.ErrMappingTaxRateNotFound, field: "receipt R9: Lines[1].VATRate", value: "12", line: 2},
		{name: "unmapped payment method", cfg: noCfg, receipts: one(func(r *Receipt) { r.Payments[0].Method = "giftcard" }),
			sentinel: invoicesync.ErrMappingInvalid, field: "receipt R9: Payments[0].Method", value: "giftcard"},
		{name: "payment method compared exactly", cfg: noCfg, receipts: one(func(r *Receipt) { r.Payments[0].Method = "Card" }),
			sentinel: invoicesync.ErrMappingInvalid, field: "receipt R9: Payments[0].Method", value: "Card"},
		{name: "line account not in chart", cfg: noCfg, receipts: one(func(r *Receipt) { r.Lines[0].Account = "3050" }),
			sentinel: invoicesync.ErrAccountNumberNotFound, field: "receipt R9: Lines[0].Account", value: "3050", line: 1},
		{name: "line account inactive", cfg: noCfg, receipts: one(func(r *Receipt) { r.Lines[0].Account = "3999" }),
			sentinel: invoicesync.ErrAccountNumberNotActive, field: "receipt R9: Lines[0].Account", value: "3999", line: 1},
		{name: "no revenue account", cfg: func(c *Config) { c.VAT[0].RevenueAccount = "" }, receipts: threeReceipts,
			sentinel: invoicesync.ErrAccountNumberNotFound, field: "VAT[0].RevenueAccount", value: "", line: 1},
		{name: "nothing to post: no receipts", cfg: noCfg, receipts: func(testing.TB) []Receipt { return nil },
			sentinel: invoicesync.ErrNothingToPost, field: "receipts", value: "0"},
		{name: "nothing to post: a sale and its return", cfg: noCfg, receipts: func(t testing.TB) []Receipt {
			return []Receipt{{ID: "R1", Register: "POS-1", Time: at(t, 10, 0),
				Lines:    []Line{sale("Wax", "100.00", "25"), sale("Wax (returned)", "-100.00", "25")},
				Payments: []Payment{pay("card", "100.00"), pay("card", "-100.00")}}}
		}, sentinel: invoicesync.ErrNothingToPost, field: "receipts", value: "1"},

		// The register.
		{name: "empty register", cfg: noCfg, register: " ", receipts: threeReceipts,
			sentinel: invoicesync.ErrInvoiceValidation, field: "register", value: " ", key: "-"},

		// The Config.
		{name: "no location", cfg: func(c *Config) { c.Location = nil }, receipts: threeReceipts,
			sentinel: invoicesync.ErrMappingInvalid, field: "Location"},
		{name: "negative decimals", cfg: func(c *Config) { c.Decimals = -1 }, receipts: threeReceipts,
			sentinel: invoicesync.ErrMappingInvalid, field: "Decimals", value: "-1"},
		{name: "unknown mode", cfg: func(c *Config) { c.Mode = 2 }, receipts: threeReceipts,
			sentinel: invoicesync.ErrMappingInvalid, field: "Mode", value: "Mode(2)"},
		{name: "no currency", cfg: func(c *Config) { c.Currency = "" }, receipts: threeReceipts,
			sentinel: invoicesync.ErrMappingInvalid, field: "Currency"},
		{name: "journal not in chart", cfg: func(c *Config) { c.Journal = "SALG" }, receipts: threeReceipts,
			sentinel: invoicesync.ErrMappingJournalNotFound, field: "Journal", value: "SALG"},
		{name: "VAT code not in chart", cfg: func(c *Config) { c.VAT[1].Code = "32" }, receipts: threeReceipts,
			sentinel: invoicesync.ErrVATCodeNotFound, field: "VAT[1].Code", value: "32"},
		{name: "VAT code inactive", cfg: func(c *Config) { c.VAT = append(c.VAT, VATRule{Rate: dec("12"), Code: "33", RevenueAccount: "3000"}) },
			receipts: threeReceipts, sentinel: invoicesync.ErrVATCodeNotFound, field: "VAT[3].Code", value: "33"},
		{name: "VAT code without account", cfg: noCfg, chart: func() *invoicesync.Chart {
			codes := append([]invoicesync.VATCode(nil), testVATCodes...)
			codes[1].Account = ""
			return invoicesync.NewChart(testAccounts, codes, testJournals)
		}, receipts: threeReceipts, sentinel: invoicesync.ErrVATCodeNotFound, field: "VAT[1].Code", value: "31"},
		{name: "VAT account not in chart", cfg: noCfg, chart: func() *invoicesync.Chart {
			codes := append([]invoicesync.VATCode(nil), testVATCodes...)
			codes[0].Account = "2709"
			return invoicesync.NewChart(testAccounts, codes, testJournals)
		}, receipts: threeReceipts, sentinel: invoicesync.ErrAccountNumberNotFound, field: "VAT[0].Code", value: "2709"},
		{name: "rule rate differs from the code's", cfg: func(c *Config) { c.VAT[1].Code = "3" }, receipts: threeReceipts,
			sentinel: invoicesync.ErrMappingInvalid, field: "VAT[1].Rate", value: "15", expected: "25"},
		{name: "purchase VAT code", cfg: func(c *Config) { c.VAT[0].Code = "1" }, receipts: threeReceipts,
			sentinel: invoicesync.ErrMappingInvalid, field: "VAT[0].Code", value: "1"},
		{name: "two rules for one rate", cfg: func(c *Config) { c.VAT = append(c.VAT, VATRule{Rate: dec("25.0"), Code: "3"}) },
			receipts: threeReceipts, sentinel: invoicesync.ErrMappingInvalid, field: "VAT[3].Rate", value: "25"},
		{name: "negative rate", cfg: func(c *Config) { c.VAT[0].Rate = dec("-25") }, receipts: threeReceipts,
			sentinel: invoicesync.ErrMappingInvalid, field: "VAT[0].Rate", value: "-25"},
		{name: "rule without code", cfg: func(c *Config) { c.VAT[0].Code = "" }, receipts: threeReceipts,
			sentinel: invoicesync.ErrMappingInvalid, field: "VAT[0].Code"},
		{name: "rule revenue account inactive", cfg: func(c *Config) { c.VAT[2].RevenueAccount = "3999" }, receipts: threeReceipts,
			sentinel: invoicesync.ErrAccountNumberNotActive, field: "VAT[2].RevenueAccount", value: "3999"},
		{name: "payment account not in chart", cfg: func(c *Config) { c.Payments["vipps"] = "1581" }, receipts: threeReceipts,
			sentinel: invoicesync.ErrAccountNumberNotFound, field: "Payments[vipps]", value: "1581"},
		{name: "payment account inactive", cfg: func(c *Config) { c.Payments["cash"] = "3999" }, receipts: threeReceipts,
			sentinel: invoicesync.ErrAccountNumberNotActive, field: "Payments[cash]", value: "3999"},
		{name: "payment account empty", cfg: func(c *Config) { c.Payments["cash"] = "" }, receipts: threeReceipts,
			sentinel: invoicesync.ErrAccountNumberNotFound, field: "Payments[cash]"},
		{name: "unnamed payment method", cfg: func(c *Config) { c.Payments[""] = "1900" }, receipts: threeReceipts,
			sentinel: invoicesync.ErrMappingInvalid, field: "Payments[]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig(t)
			c.cfg(cfg)
			chart := testChart()
			if c.chart != nil {
				chart = c.chart()
			}
			register := c.register
			if register == "" {
				register = "POS-1"
			}
			e, err := Summarise(cfg, chart, register, nov20(t), c.receipts(t))
			require.Error(t, err)
			assert.Nil(t, e)
			require.ErrorIs(t, err, c.sentinel)
			var se *invoicesync.SyncError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, c.field, se.Field)
			assert.Equal(t, c.value, se.Value)
			assert.Equal(t, c.expected, se.Expected)
			assert.Equal(t, c.line, se.Line)
			assert.NotEmpty(t, se.Message)
			assert.NotEmpty(t, se.Resolution)
			switch c.key {
			case "":
				assert.Equal(t, key, se.InvoiceID)
			case "-":
				assert.Empty(t, se.InvoiceID)
			}
			assert.False(t, invoicesync.Retryable(err))
			for _, other := range []error{invoicesync.ErrLedgerFailure, invoicesync.ErrPDF} {
				assert.False(t, errors.Is(err, other))
			}
		})
	}
}

// The error names the receipt, in words a shop owner can act on.
func TestErrorMessageNamesTheReceipt(t *testing.T) {
	rs := threeReceipts(t)
	rs[1].Payments[0].Amount = dec("120.00")
	_, err := Summarise(testConfig(t), testChart(), "POS-1", nov20(t), rs)
	require.Error(t, err)
	assert.Equal(t, `ERROR_SYNC_INVOICE_AMOUNT_VALIDATION: invoice dailysales:POS-1:2026-11-20: receipt R2 is paid 120.00 and its lines total 122.00 `+
		`(receipt R2: Payments is "120.00" expected "122.00")`, err.Error())
}

// Validate checks the whole Config, even what no receipt of the day uses,
// and refuses a nil Config or chart.
func TestValidate(t *testing.T) {
	cfg := testConfig(t)
	require.NoError(t, cfg.Validate(testChart()))

	// Without journals in the chart, any journal is accepted.
	cfg.Journal = "ANY"
	require.NoError(t, cfg.Validate(invoicesync.NewChart(testAccounts, testVATCodes, nil)))

	require.ErrorIs(t, (*Config)(nil).Validate(testChart()), invoicesync.ErrMappingInvalid)
	require.ErrorIs(t, testConfig(t).Validate(nil), invoicesync.ErrMappingInvalid)
	_, err := Summarise(nil, testChart(), "POS-1", nov20(t), threeReceipts(t))
	require.ErrorIs(t, err, invoicesync.ErrMappingInvalid)
}

func TestModeString(t *testing.T) {
	assert.Equal(t, "nightly", Nightly.String())
	assert.Equal(t, "by hand", ByHand.String())
	assert.Equal(t, "Mode(7)", Mode(7).String())
}
