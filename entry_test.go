package invoicesync_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

const (
	partner  = invoicesync.KindPartner
	revenue  = invoicesync.KindRevenue
	expense  = invoicesync.KindExpense
	vatLine  = invoicesync.KindVAT
	rcVAT    = invoicesync.KindReverseChargeVAT
	discount = invoicesync.KindDiscount
	charge   = invoicesync.KindCharge
	roundL   = invoicesync.KindRounding
	exchange = invoicesync.KindExchangeDifference
)

// specAllowanceInvoice is the document-allowance example of the accounting
// rule (allowances spread over their category's lines, or booked on a
// discount account): 2 × 49.99 @20 % and 3 × 12.35 @5.5 %, 10 % off per
// category (10.00 and 3.71).
func specAllowanceInvoice(withBreakdown bool) *invoicesync.Invoice {
	inv := newInvoice(line("2", "49.99", "99.98", "S", "20"), line("3", "12.35", "37.05", "S", "5.5"))
	inv.Allowances = []invoicesync.AllowanceCharge{
		{Amount: d("10.00"), Percent: d("10"), Reason: "Remise 10 %", VATCategory: "S", VATRate: rate("20")},
		{Amount: d("3.71"), Percent: d("10"), Reason: "Remise 10 %", VATCategory: "S", VATRate: rate("5.5")},
	}
	inv.Totals = totals("137.03", "13.71", "123.32", "19.83", "143.15")
	if withBreakdown {
		inv.VATBreakdown = []invoicesync.VATSubtotal{breakdown("S", "20", "89.98", "18.00"), breakdown("S", "5.5", "33.34", "1.83")}
	}
	return inv
}

func TestBuildEntrySpecDocumentAllowance(t *testing.T) {
	for _, withBreakdown := range []bool{true, false} {
		name := "VAT computed per category"
		if withBreakdown {
			name = "VAT from the declared breakdown"
		}
		t.Run("netted: "+name, func(t *testing.T) {
			e := build(t, specAllowanceInvoice(withBreakdown), frenchMapping())
			assertLines(t, e, []want{
				{"411", "D", "143.15", "", partner},
				{"706", "C", "89.98", "V20", revenue},
				{"706", "C", "33.34", "V55", revenue},
				{"44571", "C", "18.00", "V20", vatLine},
				{"44571", "C", "1.83", "V55", vatLine},
			})
		})
		t.Run("discount account 709: "+name, func(t *testing.T) {
			m := frenchMapping()
			m.Accounts.SalesDiscount = "709"
			e := build(t, specAllowanceInvoice(withBreakdown), m)
			assertLines(t, e, []want{
				{"411", "D", "143.15", "", partner},
				{"706", "C", "99.98", "V20", revenue},
				{"706", "C", "37.05", "V55", revenue},
				{"709", "D", "10.00", "V20", discount},
				{"709", "D", "3.71", "V55", discount},
				{"44571", "C", "18.00", "V20", vatLine},
				{"44571", "C", "1.83", "V55", vatLine},
			})
			assert.Equal(t, "Remise 10 %", e.Lines[3].Label)
		})
	}
}

func TestBuildEntrySpecCreditNote(t *testing.T) {
	for _, tc := range []struct {
		name, gross string
		want        []want
	}{
		{"declared 2.73", "2.73", []want{
			{"411", "C", "2.73", "", partner},
			{"706", "D", "2.48", "V10", revenue},
			{"44571", "D", "0.25", "V10", vatLine},
		}},
		{"printed 2.72: 0.01 to 758", "2.72", []want{
			{"411", "C", "2.72", "", partner},
			{"706", "D", "2.48", "V10", revenue},
			{"44571", "D", "0.25", "V10", vatLine},
			{"758", "C", "0.01", "", roundL},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := newInvoice(line("2", "1.24", "2.48", "S", "10"))
			inv.Kind = invoicesync.KindCreditNote
			inv.Totals = totals("2.48", "0", "2.48", "0.25", tc.gross)
			e := build(t, inv, frenchMapping())
			assertLines(t, e, tc.want)
			if len(e.Lines) == 4 {
				assert.Equal(t, "the lines and VAT add up to 2.73, the declared gross is 2.72: the difference of 0.01 is within the tolerance of 0.01",
					e.Lines[3].Explanation)
			}
			assert.Equal(t, 3, e.Lines[1].VATRule) // sales_vat[2]: S 10 % -> V10
		})
	}
}

func TestBuildEntrySpecPurchaseRounding(t *testing.T) {
	inv := newInvoice(line("3", "10.03", "30.09", "S", "20"))
	inv.Direction = invoicesync.Purchase
	inv.Totals = totals("30.09", "0", "30.09", "6.02", "36.12")
	m := frenchMapping()
	m.RoundingVATCodes.Purchase = "ROUND"
	assertLines(t, build(t, inv, m), []want{
		{"401", "C", "36.12", "", partner},
		{"607", "D", "30.09", "A20", expense},
		{"44566", "D", "6.02", "A20", vatLine},
		{"658", "D", "0.01", "ROUND", roundL},
	})
}

// fiveLines is case a): 5 lines of 3 × 6.36 @21 %.
func fiveLines(vat, gross string) *invoicesync.Invoice {
	var lines []invoicesync.Line
	for i := 0; i < 5; i++ {
		lines = append(lines, line("3", "6.36", "19.08", "S", "21"))
	}
	inv := newInvoice(lines...)
	inv.Totals = totals("95.40", "0", "95.40", vat, gross)
	inv.VATBreakdown = []invoicesync.VATSubtotal{breakdown("S", "21", "95.40", vat)}
	return inv
}

func TestBuildEntryDeclaredBreakdownWins(t *testing.T) {
	for _, tc := range []struct{ vat, gross string }{{"20.05", "115.45"}, {"20.03", "115.43"}} {
		t.Run("VAT "+tc.vat, func(t *testing.T) {
			e := build(t, fiveLines(tc.vat, tc.gross), frenchMapping())
			assertLines(t, e, []want{
				{"411", "D", tc.gross, "", partner},
				{"706", "C", "95.40", "V21", revenue},
				{"44571", "C", tc.vat, "V21", vatLine},
			})
			assert.Equal(t, []int{1, 2, 3, 4, 5}, e.Lines[1].SourceLines)
		})
	}
}

func TestBuildEntryCreditNoteMirrorsInvoice(t *testing.T) {
	inv := fiveLines("20.05", "115.45")
	inv.Kind = invoicesync.KindCreditNote
	assertLines(t, build(t, inv, frenchMapping()), []want{
		{"411", "C", "115.45", "", partner},
		{"706", "D", "95.40", "V21", revenue},
		{"44571", "D", "20.05", "V21", vatLine},
	})

}

// TestBuildEntryFollowsSigns: amounts are signed as EN 16931 signs them. A
// negative invoice is the mirror of a positive one, and a credit note with
// negative quantities and totals (−120.00) is the mirror of a credit note:
// it raises the receivable, as an invoice does.
func TestBuildEntryFollowsSigns(t *testing.T) {
	doc := func(kind invoicesync.Kind, dir invoicesync.Direction, sign string) *invoicesync.Invoice {
		inv := newInvoice(line(sign+"1", "100.00", sign+"100.00", "S", "20"))
		inv.Kind, inv.Direction = kind, dir
		inv.Totals = totals(sign+"100.00", "0", sign+"100.00", sign+"20.00", sign+"120.00")
		inv.VATBreakdown = []invoicesync.VATSubtotal{breakdown("S", "20", sign+"100.00", sign+"20.00")}
		return inv
	}
	raises := []want{{"411", "D", "120.00", "", partner}, {"706", "C", "100.00", "V20", revenue}, {"44571", "C", "20.00", "V20", vatLine}}
	lowers := []want{{"411", "C", "120.00", "", partner}, {"706", "D", "100.00", "V20", revenue}, {"44571", "D", "20.00", "V20", vatLine}}
	owes := []want{{"401", "C", "120.00", "", partner}, {"607", "D", "100.00", "A20", expense}, {"44566", "D", "20.00", "A20", vatLine}}
	owesLess := []want{{"401", "D", "120.00", "", partner}, {"607", "C", "100.00", "A20", expense}, {"44566", "C", "20.00", "A20", vatLine}}
	for _, tc := range []struct {
		name string
		kind invoicesync.Kind
		dir  invoicesync.Direction
		sign string
		want []want
	}{
		{"sales invoice 120.00", invoicesync.KindInvoice, invoicesync.Sales, "", raises},
		{"sales invoice −120.00", invoicesync.KindInvoice, invoicesync.Sales, "-", lowers},
		{"sales credit note 120.00", invoicesync.KindCreditNote, invoicesync.Sales, "", lowers},
		{"sales credit note −120.00", invoicesync.KindCreditNote, invoicesync.Sales, "-", raises},
		{"purchase invoice 120.00", invoicesync.KindInvoice, invoicesync.Purchase, "", owes},
		{"purchase invoice −120.00", invoicesync.KindInvoice, invoicesync.Purchase, "-", owesLess},
		{"purchase credit note 120.00", invoicesync.KindCreditNote, invoicesync.Purchase, "", owesLess},
		{"purchase credit note −120.00", invoicesync.KindCreditNote, invoicesync.Purchase, "-", owes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertLines(t, build(t, doc(tc.kind, tc.dir, tc.sign), frenchMapping()), tc.want)
		})
	}
}

func TestBuildEntryReverseChargePurchase(t *testing.T) {
	owed := []want{
		{"401", "C", "30.09", "", partner},
		{"607", "D", "30.09", "AI20", expense},
		{"445662", "D", "6.02", "AI20", rcVAT},
		{"4452", "C", "6.02", "AI20", rcVAT},
	}
	for _, tc := range []struct {
		name string
		edit func(inv *invoicesync.Invoice) // on 3 × 10.03 AE @20 % bought
		want []want
	}{
		{"from a German supplier", func(inv *invoicesync.Invoice) { inv.Party.Country = "DE" }, owed},
		{"rate 0 as EN 16931 declares it: the VAT code's rate applies", func(inv *invoicesync.Invoice) {
			inv.Lines[0].VATRate = rate("0")
			inv.VATBreakdown = []invoicesync.VATSubtotal{breakdown("AE", "0", "30.09", "0.00")}
		}, owed},
		{"credit note reverses both VAT lines", func(inv *invoicesync.Invoice) { inv.Kind = invoicesync.KindCreditNote }, []want{
			{"401", "D", "30.09", "", partner},
			{"607", "C", "30.09", "AI20", expense},
			{"445662", "C", "6.02", "AI20", rcVAT},
			{"4452", "D", "6.02", "AI20", rcVAT},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := newInvoice(line("3", "10.03", "30.09", "AE", "20"))
			inv.Direction = invoicesync.Purchase
			inv.Totals = totals("30.09", "0", "30.09", "0.00", "30.09")
			tc.edit(inv)
			assertLines(t, build(t, inv, frenchMapping()), tc.want)
		})
	}
}

// fullLineAllowance is case e): 1 × 50.00 with a 100 % line allowance and 1 × 80.00, @20 %.
func fullLineAllowance() *invoicesync.Invoice {
	free := line("1", "50.00", "0.00", "S", "20")
	free.Description = "Offered setup"
	free.Allowances = []invoicesync.AllowanceCharge{{Amount: d("50.00"), Percent: d("100"), Reason: "Geste commercial"}}
	inv := newInvoice(free, line("1", "80.00", "80.00", "S", "20"))
	inv.Totals = totals("80.00", "0", "80.00", "16.00", "96.00")
	return inv
}

func TestBuildEntryFullLineAllowance(t *testing.T) {
	netted := []want{
		{"411", "D", "96.00", "", partner},
		{"706", "C", "80.00", "V20", revenue},
		{"44571", "C", "16.00", "V20", vatLine},
	}
	for _, tc := range []struct {
		name     string
		grouping invoicesync.LineGrouping
	}{
		{"netted: no 0.00 line", ""},
		{"netted, one line per source line: no 0.00 line", invoicesync.OnePerSourceLine},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := frenchMapping()
			if tc.grouping != "" {
				m.LineGrouping = tc.grouping
			}
			assertLines(t, build(t, fullLineAllowance(), m), netted)
		})
	}
	t.Run("discount account 709", func(t *testing.T) {
		m := frenchMapping()
		m.Accounts.SalesDiscount = "709"
		e := build(t, fullLineAllowance(), m)
		assertLines(t, e, []want{
			{"411", "D", "96.00", "", partner},
			{"706", "C", "130.00", "V20", revenue},
			{"709", "D", "50.00", "V20", discount},
			{"44571", "C", "16.00", "V20", vatLine},
		})
		assert.Equal(t, []int{1}, e.Lines[2].SourceLines)
		assert.Equal(t, "Geste commercial", e.Lines[2].Label)
	})
}

func TestBuildEntryZeroRateKeepsItsVATCode(t *testing.T) {
	inv := newInvoice(line("1", "100", "100.00", "S", "20"), line("2", "45", "90.00", "Z", "0"))
	inv.Totals = totals("190.00", "0", "190.00", "20.00", "210.00")
	assertLines(t, build(t, inv, frenchMapping()), []want{
		{"411", "D", "210.00", "", partner},
		{"706", "C", "100.00", "V20", revenue},
		{"706", "C", "90.00", "V0", revenue},
		{"44571", "C", "20.00", "V20", vatLine},
	})
}

func TestBuildEntrySwissCashRounding(t *testing.T) {
	inv := newInvoice(line("1", "23.10", "23.10", "S", "8.1"))
	inv.Currency = "CHF"
	inv.Totals = totals("23.10", "0", "23.10", "1.87", "24.97")
	inv.Totals.PayableRounding, inv.Totals.Payable = d("-0.02"), d("24.95")
	m := frenchMapping()
	m.RoundingVATCodes.Sales = "ROUND"
	e := build(t, inv, m)
	assert.Equal(t, "payable rounding declared by the invoice (BT-114): -0.02", e.Lines[3].Explanation)
	assertLines(t, e, []want{
		{"411", "D", "24.95", "", partner},
		{"706", "C", "23.10", "V81", revenue},
		{"44571", "C", "1.87", "V81", vatLine},
		{"658", "D", "0.02", "ROUND", roundL},
	})
}

// usdInvoice is case h): a USD invoice posted to a EUR ledger at 1 EUR = 1.0857 USD.
func usdInvoice() *invoicesync.Invoice {
	inv := newInvoice(line("7", "19.99", "139.93", "S", "20"), line("1", "199.90", "199.90", "S", "20"), line("3", "8.50", "25.50", "S", "5.5"))
	inv.Currency, inv.ExchangeRate = "USD", d("1.0857")
	inv.Totals = totals("365.33", "0", "365.33", "69.37", "434.70")
	inv.VATBreakdown = []invoicesync.VATSubtotal{breakdown("S", "20", "339.83", "67.97"), breakdown("S", "5.5", "25.50", "1.40")}
	return inv
}

func TestBuildEntryForeignCurrency(t *testing.T) {
	m := frenchMapping()
	m.LedgerCurrency, m.LineGrouping = "EUR", invoicesync.OnePerSourceLine
	e := build(t, usdInvoice(), m)
	assertLines(t, e, []want{
		{"411", "D", "400.39", "", partner},
		{"706", "C", "128.88", "V20", revenue},
		{"706", "C", "184.12", "V20", revenue},
		{"706", "C", "23.49", "V55", revenue},
		{"44571", "C", "62.60", "V20", vatLine},
		{"44571", "C", "1.29", "V55", vatLine},
		{"758", "C", "0.01", "", exchange},
	})
	assert.Equal(t, "converting each line at 1.0857 USD per EUR leaves 0.01", e.Lines[6].Explanation)
	assert.Equal(t, "EUR", e.Currency)
	assert.Equal(t, "USD", e.InvoiceCurrency)
	var usd []string
	for _, l := range e.Lines {
		usd = append(usd, l.CurrencyAmount.StringFixed(2))
	}
	assert.Equal(t, []string{"434.70", "139.93", "199.90", "25.50", "67.97", "1.40", "0.00"}, usd)

	t.Run("exchange gain account", func(t *testing.T) {
		m.Accounts.ExchangeGain, m.Accounts.ExchangeLoss = "766", "666"
		e := build(t, usdInvoice(), m)
		last := e.Lines[len(e.Lines)-1]
		assert.Equal(t, want{"766", "C", "0.01", "", exchange}, want{last.Account, "C", last.Credit.StringFixed(2), last.VATCode, last.Kind})
	})
	t.Run("no exchange rate", func(t *testing.T) {
		inv := usdInvoice()
		inv.ExchangeRate = d("0")
		_, err := invoicesync.BuildEntry(inv, m, frenchChart(), invoicesync.PartnerRef{})
		require.ErrorIs(t, err, invoicesync.ErrCurrencyValidation)
	})
}

func TestBuildEntryMinorUnits(t *testing.T) {
	for _, tc := range []struct {
		currency          string
		decimals          int32
		price, rate, code string
		net, vat, gross   string // declared; VAT computed by the builder must agree
	}{
		{"JPY", 0, "1234", "10", "V10", "1234", "123", "1357"},       // 123.4 rounds to 123
		{"KWD", 3, "10.125", "5", "V5", "10.125", "0.506", "10.631"}, // 0.50625 rounds to 0.506
	} {
		t.Run(fmt.Sprintf("%s rounds to %d decimals", tc.currency, tc.decimals), func(t *testing.T) {
			inv := newInvoice(line("1", tc.price, tc.net, "S", tc.rate))
			inv.Currency = tc.currency
			inv.Totals = totals(tc.net, "0", tc.net, tc.vat, tc.gross)
			e := build(t, inv, frenchMapping())
			assert.Equal(t, tc.decimals, e.Decimals)
			assertLines(t, e, []want{
				{"411", "D", tc.gross, "", partner},
				{"706", "C", tc.net, tc.code, revenue},
				{"44571", "C", tc.vat, tc.code, vatLine},
			})
		})
	}
	t.Run("JPY amount with decimals is refused", func(t *testing.T) {
		inv := newInvoice(line("1", "1234.5", "1234.5", "S", "10"))
		inv.Currency = "JPY"
		inv.Totals = totals("1234.5", "0", "1234.5", "123", "1357.5")
		_, err := invoicesync.BuildEntry(inv, frenchMapping(), frenchChart(), invoicesync.PartnerRef{})
		var se *invoicesync.SyncError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, invoicesync.CodeLineValidation, se.Code)
		assert.Equal(t, 1, se.Line)
		assert.Equal(t, "1234.5", se.Value)
	})
}

func TestBuildEntryErrors(t *testing.T) {
	// one returns an invoice of the given lines, with the given totals when there are any.
	one := func(tot *invoicesync.Totals, currency string, lines ...invoicesync.Line) func() *invoicesync.Invoice {
		return func() *invoicesync.Invoice {
			inv := newInvoice(lines...)
			if tot != nil {
				inv.Totals = *tot
			}
			if currency != "" {
				inv.Currency = currency
			}
			return inv
		}
	}
	tot := func(lineTotal, allowances, net, vat, gross string) *invoicesync.Totals {
		x := totals(lineTotal, allowances, net, vat, gross)
		return &x
	}
	for _, tc := range []struct {
		name    string
		inv     func() *invoicesync.Invoice
		mapping func(*invoicesync.Mapping) // nil: frenchMapping as it is
		// What the SyncError must carry; zero values are not checked.
		is                                          error
		code                                        invoicesync.ErrorCode
		line                                        int
		field, value, expected, message, resolution string
		contains                                    []string // in Error()
	}{
		{
			name: "difference beyond tolerance carries both figures",
			inv:  one(tot("100.00", "0", "100.00", "20.00", "120.50"), "", line("1", "100", "100.00", "S", "20")),
			is:   invoicesync.ErrAmountValidation, field: "Totals.Gross (BT-112)", value: "120.50", expected: "120.00",
			contains: []string{"120.50", "120.00"},
		},
		{
			name: "computed VAT beyond tolerance of the declared total",
			inv:  one(tot("100.00", "0", "100.00", "20.10", "120.10"), "", line("1", "100", "100.00", "S", "20")),
			code: invoicesync.CodeAmountValidation, value: "120.10", expected: "120.00",
		},
		{
			name: "line without VAT names the line",
			inv:  one(tot("105.00", "0", "105.00", "20.00", "125.00"), "", line("1", "100", "100.00", "S", "20"), line("1", "5", "5.00", "", "")),
			is:   invoicesync.ErrLineValidation, line: 2, contains: []string{"line 2"},
		},
		{
			name: "unmapped rate names direction, category and rate",
			inv: func() *invoicesync.Invoice {
				inv := newInvoice(line("1", "100", "100.00", "S", "5.5"))
				inv.Direction = invoicesync.Purchase
				inv.Totals = totals("100.00", "0", "100.00", "5.50", "105.50")
				return inv
			},
			is: invoicesync.ErrMappingTaxRateNotFound, field: "purchase_vat", value: "category S, rate 5.5 %",
			message:    "no purchase VAT code is mapped for category S, rate 5.5 %",
			resolution: "add a VAT code for purchase category S, rate 5.5 % in the mapping (purchase_vat)",
		},
		{
			name: "default account inactive names both accounts tried",
			inv: func() *invoicesync.Invoice {
				inv := hundredAt20()
				inv.Lines[0].AccountNumber = "7069"
				return inv
			},
			mapping: func(m *invoicesync.Mapping) { m.Accounts.SalesDefault = "7061" },
			is:      invoicesync.ErrAccountNumberNotActive, line: 1, field: "accounts.sales_default", value: "7061",
			message: "no usable account for the line: tried 7069 (not in the ledger), 7061 (not active); the default account 7061 is not active",
		},
		{name: "default account missing", inv: hundredAt20, mapping: func(m *invoicesync.Mapping) { m.Accounts.SalesDefault = "7000" },
			is: invoicesync.ErrAccountNumberNotFound, value: "7000"},
		{name: "journal per source journal: invoice not linked", inv: hundredAt20, mapping: func(m *invoicesync.Mapping) { m.Journals.BySource = map[string]string{"main": "VT"} },
			is: invoicesync.ErrJournalNotLinked},
		{
			name: "journal per source journal: source journal not mapped",
			inv: func() *invoicesync.Invoice {
				inv := hundredAt20()
				inv.SourceJournal = "export"
				return inv
			},
			mapping: func(m *invoicesync.Mapping) { m.Journals.BySource = map[string]string{"main": "VT"} },
			is:      invoicesync.ErrMappingJournalNotFound, value: "export",
		},
		{name: "mapped journal absent from the ledger", inv: hundredAt20, mapping: func(m *invoicesync.Mapping) { m.Journals.Sales = "VE" },
			is: invoicesync.ErrMappingJournalNotFound, value: "VE"},
		{name: "mapped VAT code absent from the ledger", inv: hundredAt20, mapping: func(m *invoicesync.Mapping) { m.SalesVAT[0].Code = "X20" },
			is: invoicesync.ErrVATCodeNotFound, field: "sales_vat[0].code"},
		{
			name: "every amount zero",
			inv:  one(tot("0", "0", "0", "0", "0"), "", line("1", "0", "0.00", "S", "20")),
			is:   invoicesync.ErrNothingToPost,
		},
		{
			name: "an amount too large to add up exactly",
			inv:  one(nil, "", line("1", "1", "12345678901234567.00", "S", "20")),
			code: invoicesync.CodeLineValidation, message: "NetAmount (BT-131) is too large",
		},
		{
			name: "an amount beyond any count of minor units",
			inv:  one(nil, "SEK", line("1", "1", "123456789012345678901234.00", "S", "20")),
			code: invoicesync.CodeLineValidation, message: "NetAmount (BT-131) is too large",
			resolution: "check NetAmount (BT-131) in the invoicing tool",
		},
		{
			name: "an amount with more decimals than the currency has",
			inv:  one(nil, "SEK", line("1", "1", "10.005", "S", "20")),
			code: invoicesync.CodeLineValidation, message: "NetAmount (BT-131) has more decimals than SEK allows (2)",
		},
		{
			name: "unknown currency",
			inv:  one(nil, "XYZ", line("1", "100", "100.00", "S", "20")),
			is:   invoicesync.ErrCurrencyValidation,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := frenchMapping()
			if tc.mapping != nil {
				tc.mapping(m)
			}
			e, err := invoicesync.BuildEntry(tc.inv(), m, frenchChart(), invoicesync.PartnerRef{})
			require.Nil(t, e)
			var se *invoicesync.SyncError
			require.ErrorAs(t, err, &se)
			if tc.is != nil {
				assert.ErrorIs(t, se, tc.is)
			}
			if tc.code != "" {
				assert.Equal(t, tc.code, se.Code)
			}
			if tc.line != 0 {
				assert.Equal(t, tc.line, se.Line)
			}
			for _, f := range []struct{ got, want string }{
				{se.Field, tc.field}, {se.Value, tc.value}, {se.Expected, tc.expected},
				{se.Message, tc.message}, {se.Resolution, tc.resolution},
			} {
				if f.want != "" {
					assert.Equal(t, f.want, f.got)
				}
			}
			for _, s := range tc.contains {
				assert.Contains(t, se.Error(), s)
			}
		})
	}
}

func TestBuildEntryAccountResolution(t *testing.T) {
	inv := newInvoice(
		line("1", "100", "100.00", "S", "20"), // line account absent: default
		line("1", "50", "50.00", "S", "20"),   // item code rule
		line("1", "10", "10.00", "S", "20"),   // own account, active
	)
	inv.Lines[0].AccountNumber = "7069"
	inv.Lines[1].ItemCode = "TRAINING"
	inv.Lines[2].AccountNumber = "708"
	inv.Totals = totals("160.00", "0", "160.00", "32.00", "192.00")
	m := frenchMapping()
	m.LineGrouping = invoicesync.OnePerSourceLine
	m.AccountRules = []invoicesync.AccountRule{
		{Direction: invoicesync.Purchase, ItemCode: "TRAINING", Account: "607"},
		{ItemCode: "TRAINING", Account: "7062"},
	}
	e := build(t, inv, m)
	assertLines(t, e, []want{
		{"411", "D", "192.00", "", partner},
		{"706", "C", "100.00", "V20", revenue},
		{"7062", "C", "50.00", "V20", revenue},
		{"708", "C", "10.00", "V20", revenue},
		{"44571", "C", "32.00", "V20", vatLine},
	})
	assert.Equal(t, invoicesync.FromDefault, e.Lines[1].AccountSource)
	assert.Equal(t, []string{"7069"}, e.Lines[1].Tried)
	assert.Equal(t, invoicesync.FromRule, e.Lines[2].AccountSource)
	assert.Equal(t, 2, e.Lines[2].Rule)
	assert.Equal(t, invoicesync.FromLine, e.Lines[3].AccountSource)
	assert.Equal(t, []int{3}, e.Lines[3].SourceLines)
	assert.Equal(t, []int{1, 2, 3}, e.Lines[4].SourceLines)
}

func TestBuildEntryPrepaymentAndCharges(t *testing.T) {
	inv := newInvoice(line("1", "100", "100.00", "S", "20"))
	inv.Charges = []invoicesync.AllowanceCharge{{Amount: d("10.00"), Reason: "Port", VATCategory: "S", VATRate: rate("20")}}
	inv.Totals = invoicesync.Totals{
		LineTotal: d("100.00"), ChargeTotal: d("10.00"), Net: d("110.00"), VAT: d("22.00"), Gross: d("132.00"),
		Prepaid: d("50.00"), Payable: d("82.00"),
	}
	t.Run("charge netted, no prepayment account", func(t *testing.T) {
		assertLines(t, build(t, inv, frenchMapping()), []want{
			{"411", "D", "132.00", "", partner},
			{"706", "C", "110.00", "V20", revenue},
			{"44571", "C", "22.00", "V20", vatLine},
		})
	})
	t.Run("charge account and prepayment account", func(t *testing.T) {
		m := frenchMapping()
		m.Accounts.SalesCharge, m.Accounts.CustomerPrepayment = "708", "4191"
		e := build(t, inv, m)
		assertLines(t, e, []want{
			{"411", "D", "82.00", "", partner},
			{"4191", "D", "50.00", "", invoicesync.KindPrepayment},
			{"706", "C", "100.00", "V20", revenue},
			{"708", "C", "10.00", "V20", charge},
			{"44571", "C", "22.00", "V20", vatLine},
		})
		assert.Equal(t, "Port", e.Lines[3].Label)
	})
}

func TestBuildEntryVATPerLine(t *testing.T) {
	// Three lines of 0.33 @20 %: per category 0.99 × 20 % = 0.20; per line 3 × 0.07 = 0.21.
	lines := []invoicesync.Line{line("1", "0.33", "0.33", "S", "20"), line("1", "0.33", "0.33", "S", "20"), line("1", "0.33", "0.33", "S", "20")}
	for _, tc := range []struct {
		calc       invoicesync.VATCalculation
		vat, gross string
	}{{invoicesync.VATPerCategory, "0.20", "1.19"}, {invoicesync.VATPerLine, "0.21", "1.20"}} {
		t.Run(string(tc.calc), func(t *testing.T) {
			inv := newInvoice(lines...)
			inv.Totals = totals("0.99", "0", "0.99", tc.vat, tc.gross)
			m := frenchMapping()
			m.VATCalculation = tc.calc
			assertLines(t, build(t, inv, m), []want{
				{"411", "D", tc.gross, "", partner},
				{"706", "C", "0.99", "V20", revenue},
				{"44571", "C", tc.vat, "V20", vatLine},
			})
		})
	}
}

func TestBuildEntryAllowanceWithoutLinesOfItsCategory(t *testing.T) {
	inv := newInvoice(line("1", "100", "100.00", "S", "20"))
	inv.Allowances = []invoicesync.AllowanceCharge{{Amount: d("10.00"), Reason: "Remise", VATCategory: "S", VATRate: rate("5.5")}}
	inv.Totals = totals("100.00", "10.00", "90.00", "19.45", "109.45")
	assertLines(t, build(t, inv, frenchMapping()), []want{
		{"411", "D", "109.45", "", partner},
		{"706", "C", "100.00", "V20", revenue},
		{"706", "D", "10.00", "V55", revenue},
		{"44571", "C", "20.00", "V20", vatLine},
		{"44571", "D", "0.55", "V55", vatLine},
	})
}

func TestBuildEntryLabels(t *testing.T) {
	m := frenchMapping()
	m.Labels.Strategy = "partner_and_number"
	e := build(t, fiveLines("20.05", "115.45"), m)
	for _, l := range e.Lines {
		assert.Equal(t, "ACME SARL - F-2026-0001", l.Label)
	}
	assert.Equal(t, "ACME SARL - F-2026-0001", e.Label)

	m.Labels = invoicesync.LabelSettings{}
	e = build(t, fiveLines("20.05", "115.45"), m)
	assert.Equal(t, []string{"ACME SARL", "Item 6.36", "TVA 21 %"}, []string{e.Lines[0].Label, e.Lines[1].Label, e.Lines[2].Label})
}

func TestBuilderIsSafeForConcurrentUse(t *testing.T) {
	b, err := invoicesync.NewBuilder(frenchMapping(), frenchChart())
	require.NoError(t, err)
	inv := specAllowanceInvoice(false)
	want, err := b.Build(inv, invoicesync.PartnerRef{ID: "P1", Name: "ACME SARL"})
	require.NoError(t, err)
	var wg sync.WaitGroup
	results := make([]*invoicesync.Entry, 8)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := b.Build(inv, invoicesync.PartnerRef{ID: "P1", Name: "ACME SARL"})
			if err == nil {
				results[g] = e
			}
		}()
	}
	wg.Wait()
	for _, e := range results {
		require.NotNil(t, e)
		requireBalanced(t, e)
		assert.Equal(t, want, e)
	}
}

func TestNewBuilderRefusesBadOptions(t *testing.T) {
	m := frenchMapping()
	m.VATCalculation, m.Labels.MaxLength = "per_invoice", -1
	_, err := invoicesync.NewBuilder(m, frenchChart())
	var me *invoicesync.MappingError
	require.ErrorAs(t, err, &me)
	require.Len(t, me.Problems, 2)
	assert.Equal(t, "vat_calculation", me.Problems[0].Field)
	assert.Equal(t, "labels", me.Problems[1].Field)
	assert.ErrorIs(t, err, invoicesync.ErrMappingInvalid)
}

func TestUnusedDiscountAndChargeAccountsAreNotChecked(t *testing.T) {
	// The mapping's discount and charge accounts are inactive, and this
	// invoice has neither discount nor charge: it must not fail on them.
	m := frenchMapping()
	m.Accounts.SalesDiscount, m.Accounts.SalesCharge = "7061", "7061"
	e := build(t, hundredAt20(), m)
	assertLines(t, e, []want{
		{"411", "D", "120.00", "", invoicesync.KindPartner},
		{"706", "C", "100.00", "V20", invoicesync.KindRevenue},
		{"44571", "C", "20.00", "V20", invoicesync.KindVAT},
	})

	withCharge := hundredAt20()
	withCharge.Charges = []invoicesync.AllowanceCharge{{Amount: d("10.00"), Reason: "Shipping", VATCategory: "S", VATRate: rate("20")}}
	withCharge.Totals = totals("100.00", "0", "110.00", "22.00", "132.00")
	withCharge.Totals.ChargeTotal = d("10.00")
	_, err := invoicesync.BuildEntry(withCharge, m, frenchChart(), invoicesync.PartnerRef{ID: "P1"})
	require.ErrorIs(t, err, invoicesync.ErrAccountNumberNotActive)
	assert.Equal(t, "accounts.sales_charge", err.(*invoicesync.SyncError).Field)
}
