package dailysales

import (
	"testing"
	"time"
	_ "time/tzdata" // Europe/Oslo on machines without a tz database

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

var dec = decimal.RequireFromString

// oslo is the shop's time zone. Loaded from the tz database; tests that need
// it fail clearly when the system has none.
func oslo(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Oslo")
	require.NoError(t, err, "the tz database is needed (Europe/Oslo)")
	return loc
}

// The chart of a Norwegian salon with a café corner.
var (
	testAccounts = []invoicesync.Account{
		{Number: "1580", Name: "Card settlements", Active: true},
		{Number: "1900", Name: "Cash", Active: true},
		{Number: "1920", Name: "Bank", Active: true},
		{Number: "2700", Name: "Output VAT, standard rate", Active: true},
		{Number: "2701", Name: "Output VAT, medium rate", Active: true},
		{Number: "3000", Name: "Sales, taxable", Active: true},
		{Number: "3010", Name: "Sales of goods, taxable", Active: true},
		{Number: "3100", Name: "Sales, exempt", Active: true},
		{Number: "3999", Name: "Old sales account", Active: false},
	}
	testVATCodes = []invoicesync.VATCode{
		{Code: "3", Name: "Output VAT 25 %", Rate: dec("25"), Direction: invoicesync.Sales, Account: "2700", Active: true},
		{Code: "31", Name: "Output VAT 15 %", Rate: dec("15"), Direction: invoicesync.Sales, Account: "2701", Active: true},
		{Code: "5", Name: "Exempt 0 %", Rate: dec("0"), Direction: invoicesync.Sales, Active: true},
		{Code: "1", Name: "Input VAT 25 %", Rate: dec("25"), Direction: invoicesync.Purchase, Account: "2710", Active: true},
		{Code: "33", Name: "Output VAT 12 % (old)", Rate: dec("12"), Account: "2702", Active: false},
	}
	testJournals = []invoicesync.Journal{{Code: "POS", Name: "Daily sales"}}
)

// testChart returns the chart above.
func testChart() *invoicesync.Chart {
	return invoicesync.NewChart(testAccounts, testVATCodes, testJournals)
}

// testLedger returns a memory ledger holding the chart above.
func testLedger(drafts bool) *memory.Ledger {
	l := memory.NewLedger()
	l.AddAccounts(testAccounts...)
	l.AddVATCodes(testVATCodes...)
	l.AddJournals(testJournals...)
	l.SetDrafts(drafts)
	return l
}

// testConfig returns the salon's configuration.
func testConfig(t testing.TB) *Config {
	return &Config{
		Journal:  "POS",
		Currency: "NOK",
		Decimals: 2,
		Location: oslo(t),
		VAT: []VATRule{
			{Rate: dec("25"), Code: "3", RevenueAccount: "3000"},
			{Rate: dec("15"), Code: "31", RevenueAccount: "3000"},
			{Rate: dec("0"), Code: "5", RevenueAccount: "3100"},
		},
		Payments: map[string]string{"card": "1580", "cash": "1900", "vipps": "1580"},
	}
}

// nov20 is the day of most tests, as a civil date in the shop's zone.
func nov20(t testing.TB) time.Time { return time.Date(2026, 11, 20, 0, 0, 0, 0, oslo(t)) }

// at returns the instant hh:mm on 20 November 2026 in Oslo.
func at(t testing.TB, hh, mm int) time.Time { return time.Date(2026, 11, 20, hh, mm, 0, 0, oslo(t)) }

// sale is a line.
func sale(desc, gross, rate string) Line {
	return Line{Description: desc, Gross: dec(gross), VATRate: dec(rate)}
}

// pay is a payment.
func pay(method, amount string) Payment { return Payment{Method: method, Amount: dec(amount)} }

// threeReceipts are the worked example of the package documentation.
func threeReceipts(t testing.TB) []Receipt {
	shampoo := sale("Shampoo 250 ml", "249.00", "25")
	shampoo.Account = "3010"
	return []Receipt{
		{ID: "R1", Register: "POS-1", Time: at(t, 9, 12),
			Lines:    []Line{sale("Haircut", "499.00", "25"), shampoo},
			Payments: []Payment{pay("card", "748.00")}},
		{ID: "R2", Register: "POS-1", Time: at(t, 11, 47),
			Lines:    []Line{sale("Coffee", "35.00", "15"), sale("Cinnamon bun", "42.00", "15"), sale("Newspaper", "45.00", "0")},
			Payments: []Payment{pay("cash", "122.00")}},
		// 22:40 UTC, 23:40 in Oslo: still the 20th.
		{ID: "R3", Register: "POS-1", Time: time.Date(2026, 11, 20, 22, 40, 0, 0, time.UTC),
			Lines:    []Line{sale("Beard trim", "299.00", "25"), sale("Magazine", "89.00", "0")},
			Payments: []Payment{pay("card", "200.00"), pay("cash", "188.00")}},
	}
}

// wantLine is an expected entry line.
type wantLine struct {
	account string
	debit   bool
	amount  string
	vatCode string
	kind    invoicesync.LineKind
	label   string
}

// assertLines compares e's lines with want, field by field, amounts at
// e.Decimals, and checks the entry balances.
func assertLines(t *testing.T, e *invoicesync.Entry, want []wantLine) {
	t.Helper()
	require.NotNil(t, e)
	got := make([]wantLine, len(e.Lines))
	for i, l := range e.Lines {
		got[i] = wantLine{l.Account, l.IsDebit(), l.Amount().StringFixed(e.Decimals), l.VATCode, l.Kind, l.Label}
		require.Equal(t, -e.Decimals, l.Amount().Exponent(), "line %d: amounts carry exactly Decimals decimals", i+1)
	}
	require.Equal(t, want, got)
	require.NoError(t, e.Check())
}
