package einvoice_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
)

// verdict is what Parse and Check say of one file of testdata: nil (rule
// empty) or a refusal with its code and the rule its message names; parse
// is true when Parse itself refuses the file.
type verdict struct {
	code  invoicesync.ErrorCode
	rule  string // a part of the message: the rule id, or the profile
	parse bool
}

// verdicts lists the verdict on every e-invoice of testdata, so that any
// change of verdict shows here. The files not listed are accepted.
var verdicts = map[string]verdict{
	"mustang--FAIL_zugferd_2p1_MINIMUM_Rechnung_380.xml": {invoicesync.CodeLineValidation, "MINIMUM profile (urn:factur-x.eu:1p0:minimum)", false},
	"mustang--validAvoir_FR_type380_BASICWL.pdf":         {invoicesync.CodeLineValidation, "BASIC WL profile (urn:factur-x.eu:1p0:basicwl)", false},
	"mustang--invalidXRV30.xml":                          {invoicesync.CodeAmountValidation, "rule BR-CO-16", false},
	"own--cii-extended-group-not-adding-up.xml":          {invoicesync.CodeAmountValidation, "declares a net amount (BT-131) of 100.00 but its 2 sub-lines add up to 90.00", true},
	"gobl--be-invoice-peppol.json":                       {invoicesync.CodeLineValidation, "prices_include", true},
	"mustang--zugferd_invoice.pdf":                       {invoicesync.CodeUnreadable, "ZUGFeRD 1.0", true},
}

// warned lists the files Check accepts with a warning, and the warning.
var warned = map[string]string{
	"own--xrechnung-01.01a-4-decimal-lines_uncefact.xml": "line amounts had more than 2 decimals; rounded half away from zero",
}

// testdataInvoices lists the e-invoice files of testdata.
func testdataInvoices(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"*.xml", "*.json", "*.pdf"} {
		m, err := filepath.Glob(filepath.Join("testdata", pat))
		require.NoError(t, err)
		for _, f := range m {
			files = append(files, filepath.Base(f))
		}
	}
	slices.Sort(files)
	require.Len(t, files, 47, "39 XML and JSON files, 8 PDFs")
	return files
}

// Check's verdict on every file of testdata, exactly; the accepted ones
// build an entry that balances.
func TestCheckVerdictOfEveryTestdataFile(t *testing.T) {
	files := testdataInvoices(t)
	for name := range verdicts {
		require.Contains(t, files, name)
	}
	for name := range warned {
		require.Contains(t, files, name)
	}
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			inv, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, name)
			want, refused := verdicts[name]
			if refused && want.parse {
				var pe *einvoice.ParseError
				require.ErrorAs(t, err, &pe)
				se := pe.SyncError(name)
				require.Equal(t, want.code, se.Code)
				require.Contains(t, se.Message, want.rule)
				return
			}
			require.NoError(t, err)
			err = einvoice.Check(&inv)
			if !refused {
				require.NoError(t, err)
				if w, ok := warned[name]; ok {
					require.Equal(t, []string{w}, inv.Warnings)
				} else {
					require.Empty(t, inv.Warnings)
				}
				build(t, &inv)
				return
			}
			var se *invoicesync.SyncError
			require.ErrorAs(t, err, &se)
			require.Equal(t, want.code, se.Code)
			require.Contains(t, se.Message, want.rule)
			require.Empty(t, inv.Warnings)
		})
	}
}

// refusal runs Check on inv and returns its refusal, which must have code.
func refusal(t *testing.T, inv *invoicesync.Invoice, code invoicesync.ErrorCode) *invoicesync.SyncError {
	t.Helper()
	var se *invoicesync.SyncError
	require.ErrorAs(t, einvoice.Check(inv), &se)
	require.Equal(t, code, se.Code, se.Message)
	return se
}

// requireRefusal checks a refusal's field, figures and message parts.
func requireRefusal(t *testing.T, se *invoicesync.SyncError, field, value, expected string, message ...string) {
	t.Helper()
	require.Equal(t, field, se.Field, se.Message)
	require.Equal(t, value, se.Value, se.Message)
	require.Equal(t, expected, se.Expected, se.Message)
	for _, m := range message {
		require.Contains(t, se.Message, m)
	}
	require.NotEmpty(t, se.Resolution)
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func rate(s string) decimal.NullDecimal {
	if s == "" {
		return decimal.NullDecimal{}
	}
	return decimal.NewNullDecimal(d(s))
}

func line(net, cat, r string) invoicesync.Line {
	return invoicesync.Line{Quantity: d("1"), UnitPrice: d(net), NetAmount: d(net), VATCategory: cat, VATRate: rate(r), Description: "item"}
}

func subtotal(cat, r, taxable, tax string) invoicesync.VATSubtotal {
	return invoicesync.VATSubtotal{Category: cat, Rate: rate(r), TaxableAmount: d(taxable), TaxAmount: d(tax)}
}

func allowance(amount, cat, r string) invoicesync.AllowanceCharge {
	return invoicesync.AllowanceCharge{Amount: d(amount), VATCategory: cat, VATRate: rate(r), Reason: "discount"}
}

// invoice is a sale in cur with the given lines, document allowances and
// charges and VAT breakdown, whose totals BT-106 … BT-115 follow from them.
func invoice(cur string, lines []invoicesync.Line, bd []invoicesync.VATSubtotal, allowances, charges []invoicesync.AllowanceCharge) *invoicesync.Invoice {
	inv := &invoicesync.Invoice{
		Number: "T-1", Kind: invoicesync.KindInvoice, TypeCode: "380", Direction: invoicesync.Sales,
		IssueDate: date("2025-03-14"), Currency: cur, Status: invoicesync.StatusSent,
		Party: &invoicesync.Party{Name: "Customer", Country: "FR"},
		Lines: lines, VATBreakdown: bd, Allowances: allowances, Charges: charges,
		Metadata: map[string]string{"profile": "urn:cen.eu:en16931:2017"},
	}
	t := &inv.Totals
	for _, l := range lines {
		t.LineTotal = t.LineTotal.Add(l.NetAmount)
	}
	for _, a := range allowances {
		t.AllowanceTotal = t.AllowanceTotal.Add(a.Amount)
	}
	for _, c := range charges {
		t.ChargeTotal = t.ChargeTotal.Add(c.Amount)
	}
	t.Net = t.LineTotal.Sub(t.AllowanceTotal).Add(t.ChargeTotal)
	for _, v := range bd {
		t.VAT = t.VAT.Add(v.TaxAmount)
	}
	t.Gross = t.Net.Add(t.VAT)
	t.Payable = t.Gross
	return inv
}

// A VAT amount off by more than the rounding drift is refused naming the
// rule, category, rate and both figures: base 100.00 at 20 % with 21.00.
func TestVATAmountOfACategoryIsChecked(t *testing.T) {
	inv := invoice("EUR", []invoicesync.Line{line("100.00", "S", "20")}, []invoicesync.VATSubtotal{subtotal("S", "20", "100.00", "21.00")}, nil, nil)
	se := refusal(t, inv, invoicesync.CodeAmountValidation)
	requireRefusal(t, se, "VATBreakdown[S at 20 %].TaxAmount (BT-117)", "21", "20",
		"rule BR-S-09", "tax amount (BT-117) of 21 for S at 20 %", "100 × 20 % is 20", "at most 0.005")

	// the declared 20.00 is accepted and posted.
	inv.VATBreakdown[0].TaxAmount = d("20.00")
	inv.Totals.VAT, inv.Totals.Gross, inv.Totals.Payable = d("20.00"), d("120.00"), d("120.00")
	require.NoError(t, einvoice.Check(inv))
	e := build(t, inv)
	require.Equal(t, "20.00", entrySums(e).vat.StringFixed(2))
}

// Three lines of 1.35 at 19 % carry 0.26 of VAT each: BT-117 0.78, while
// round(4.05 × 19 %) = round(0.7695) = 0.77. The per-line drift (3 × 0.005)
// explains the 0.0105 of difference: the declared 0.78 is accepted and
// posted. 0.79 (0.0205 off) is refused, naming 0.77 and the bound 0.015.
func TestPerLineRoundingDriftIsAccepted(t *testing.T) {
	lines := []invoicesync.Line{line("1.35", "S", "19"), line("1.35", "S", "19"), line("1.35", "S", "19")}
	inv := invoice("EUR", lines, []invoicesync.VATSubtotal{subtotal("S", "19", "4.05", "0.78")}, nil, nil)
	require.NoError(t, einvoice.Check(inv))
	s := entrySums(build(t, inv))
	require.Equal(t, "0.78", s.vat.StringFixed(2))
	require.Equal(t, "4.83", s.partner.StringFixed(2))

	inv = invoice("EUR", slices.Clone(lines), []invoicesync.VATSubtotal{subtotal("S", "19", "4.05", "0.79")}, nil, nil)
	se := refusal(t, inv, invoicesync.CodeAmountValidation)
	requireRefusal(t, se, "VATBreakdown[S at 19 %].TaxAmount (BT-117)", "0.79", "0.77",
		"rule BR-S-09", "S at 19 %", "4.05 × 19 % is 0.77", "its 3 line(s)", "at most 0.015")

	// One line: no drift beyond the rounding of BT-116 × rate itself.
	inv = invoice("EUR", []invoicesync.Line{line("4.05", "S", "19")}, []invoicesync.VATSubtotal{subtotal("S", "19", "4.05", "0.78")}, nil, nil)
	se = refusal(t, inv, invoicesync.CodeAmountValidation)
	requireRefusal(t, se, "VATBreakdown[S at 19 %].TaxAmount (BT-117)", "0.78", "0.77", "rule BR-S-09", "at most 0.005")
}

// Document allowances and charges count in the drift: each may carry its
// own rounded VAT. Two lines of 12.03 at 20 % (VAT 2.41 each) less an
// allowance of 6.09 (VAT −1.22): BT-117 3.60, BT-116 17.97 × 20 % = 3.594;
// 0.006 is within 3 × 0.005 but not within 2 × 0.005.
func TestDriftCountsDocumentAllowancesAndCharges(t *testing.T) {
	lines := []invoicesync.Line{line("12.03", "S", "20"), line("12.03", "S", "20")}
	inv := invoice("EUR", lines, []invoicesync.VATSubtotal{subtotal("S", "20", "17.97", "3.60")},
		[]invoicesync.AllowanceCharge{allowance("6.09", "S", "20")}, nil)
	require.NoError(t, einvoice.Check(inv))
	require.Equal(t, "17.97", entrySums(build(t, inv)).net.StringFixed(2))

	// A charge counts as well: one line of 17.97 and a charge of 0.00 are
	// two items, 0.01 of drift.
	inv = invoice("EUR", []invoicesync.Line{line("17.97", "S", "20")}, []invoicesync.VATSubtotal{subtotal("S", "20", "17.97", "3.60")},
		nil, []invoicesync.AllowanceCharge{allowance("0.00", "S", "20")})
	require.NoError(t, einvoice.Check(inv))

	// One line of 17.97 alone explains 0.005: 3.60 is refused.
	inv = invoice("EUR", []invoicesync.Line{line("17.97", "S", "20")}, []invoicesync.VATSubtotal{subtotal("S", "20", "17.97", "3.60")}, nil, nil)
	se := refusal(t, inv, invoicesync.CodeAmountValidation)
	requireRefusal(t, se, "VATBreakdown[S at 20 %].TaxAmount (BT-117)", "3.6", "3.59", "rule BR-S-09", "its 1 line(s)", "at most 0.005")
}

// The taxable amount of each category and rate is Σ BT-131 − Σ BT-92 +
// Σ BT-99 of that category and rate, exactly; each category's rule is named.
func TestTaxableAmountOfEachCategory(t *testing.T) {
	for _, c := range []struct{ cat, rate, rule string }{
		{"S", "20", "rule BR-S-08"}, {"Z", "0", "rule BR-Z-08"}, {"E", "0", "rule BR-E-08"},
		{"AE", "0", "rule BR-AE-08"}, {"K", "0", "rule BR-IC-08"}, {"G", "0", "rule BR-G-08"},
		{"O", "", "rule BR-O-08"}, {"L", "7", "rule BR-IG-08"}, {"M", "4", "rule BR-IP-08"},
		{"B", "22", "the EN 16931 VAT breakdown calculation (category B has no rules of its own)"},
	} {
		t.Run(c.cat, func(t *testing.T) {
			tax := d(c.rate + "0").Shift(-1) // 0 when the rate is empty
			if c.rate != "" {
				tax = d("100.00").Mul(d(c.rate)).Shift(-2)
			}
			inv := invoice("EUR", []invoicesync.Line{line("60.00", c.cat, c.rate), line("40.00", c.cat, c.rate)},
				[]invoicesync.VATSubtotal{subtotal(c.cat, c.rate, "100.00", tax.String())}, nil, nil)
			require.NoError(t, einvoice.Check(inv))

			inv.VATBreakdown[0].TaxableAmount = d("90.00")
			key := c.cat + " at " + c.rate + " %"
			if c.rate == "" {
				key = c.cat + " at 0 %"
			}
			se := refusal(t, inv, invoicesync.CodeAmountValidation)
			requireRefusal(t, se, "VATBreakdown["+key+"].TaxableAmount (BT-116)", "90", "100", c.rule,
				"taxable amount (BT-116) of 90 for "+key, "are 100")
		})
	}
}

// The categories without VAT must declare 0 of it, exactly (BR-Z-09, BR-E-09,
// BR-AE-09, BR-IC-09, BR-G-09, BR-O-09), whatever the number of lines.
func TestCategoriesWithoutVATDeclareZero(t *testing.T) {
	for _, c := range []struct{ cat, rule string }{
		{"Z", "BR-Z-09"}, {"E", "BR-E-09"}, {"AE", "BR-AE-09"}, {"K", "BR-IC-09"}, {"G", "BR-G-09"}, {"O", "BR-O-09"},
	} {
		t.Run(c.cat, func(t *testing.T) {
			lines := []invoicesync.Line{line("60.00", c.cat, ""), line("40.00", c.cat, "")}
			inv := invoice("EUR", lines, []invoicesync.VATSubtotal{subtotal(c.cat, "", "100.00", "0.01")}, nil, nil)
			se := refusal(t, inv, invoicesync.CodeAmountValidation)
			requireRefusal(t, se, "VATBreakdown["+c.cat+" at 0 %].TaxAmount (BT-117)", "0.01", "0",
				"rule "+c.rule, "tax amount (BT-117) of 0.01 for "+c.cat+" at 0 %, where it must be 0")
		})
	}
}

// The lines of the reverse-charge file sum to its AE entry; its VAT is 0.
func TestReverseChargeFile(t *testing.T) {
	inv, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, "own--ubl-reverse-charge.xml")
	require.NoError(t, err)
	require.NoError(t, einvoice.Check(&inv))
	require.Equal(t, "AE", inv.VATBreakdown[0].Category)
	require.Equal(t, "1000.00", inv.VATBreakdown[0].TaxableAmount.StringFixed(2))
	s := entrySums(build(t, &inv))
	require.Equal(t, "1000.00", s.partner.StringFixed(2))
	require.Equal(t, "0.00", s.vat.StringFixed(2))

	inv.VATBreakdown[0].TaxAmount = d("190.00")
	inv.Totals.VAT, inv.Totals.Gross, inv.Totals.Payable = d("190.00"), d("1190.00"), d("1190.00")
	se := refusal(t, &inv, invoicesync.CodeAmountValidation)
	requireRefusal(t, se, "VATBreakdown[AE at 0 %].TaxAmount (BT-117)", "190", "0", "rule BR-AE-09")
}

// A line, allowance or charge whose category has no breakdown entry is
// refused under the category's "-01" rule; one whose rate has none under its
// "-08" rule; an invoice without breakdown under BR-CO-18.
func TestItemsWithoutABreakdownEntry(t *testing.T) {
	inv := invoice("EUR", []invoicesync.Line{line("100.00", "S", "20"), line("50.00", "E", "")},
		[]invoicesync.VATSubtotal{subtotal("S", "20", "100.00", "20.00")}, nil, nil)
	se := refusal(t, inv, invoicesync.CodeAmountValidation)
	requireRefusal(t, se, "VATBreakdown (BG-23)", "0", "50", "rule BR-E-01", "line 2 is in VAT category E at 0 %, which has no entry")

	inv = invoice("EUR", []invoicesync.Line{line("100.00", "S", "20")},
		[]invoicesync.VATSubtotal{subtotal("S", "20", "100.00", "20.00")}, nil,
		[]invoicesync.AllowanceCharge{allowance("10.00", "S", "10")})
	se = refusal(t, inv, invoicesync.CodeAmountValidation)
	requireRefusal(t, se, "VATBreakdown (BG-23)", "0", "10", "rule BR-S-08", "document charge 1 is in VAT category S at 10 %", "no entry for that rate")

	inv = invoice("EUR", []invoicesync.Line{line("100.00", "K", "")},
		[]invoicesync.VATSubtotal{subtotal("S", "20", "0.00", "0.00")}, nil, nil)
	se = refusal(t, inv, invoicesync.CodeAmountValidation)
	requireRefusal(t, se, "VATBreakdown (BG-23)", "0", "100", "rule BR-IC-01", "line 1 is in VAT category K at 0 %")

	inv = invoice("EUR", []invoicesync.Line{line("100.00", "S", "20")}, nil, nil, nil)
	se = refusal(t, inv, invoicesync.CodeAmountValidation)
	requireRefusal(t, se, "VATBreakdown (BG-23)", "0", "0", "rule BR-CO-18")
}

// A breakdown entry without any item: refused when it declares an amount,
// accepted when it declares 0 (nothing depends on it). Two entries of the
// same category and rate are refused.
func TestBreakdownEntriesWithoutItemsAndDuplicates(t *testing.T) {
	lines := []invoicesync.Line{line("100.00", "S", "20")}
	inv := invoice("EUR", lines, []invoicesync.VATSubtotal{subtotal("S", "20", "100.00", "20.00"), subtotal("E", "", "0.00", "0.00")}, nil, nil)
	require.NoError(t, einvoice.Check(inv))

	inv = invoice("EUR", lines, []invoicesync.VATSubtotal{subtotal("S", "20", "100.00", "20.00"), subtotal("S", "10", "30.00", "3.00")}, nil, nil)
	se := refusal(t, inv, invoicesync.CodeAmountValidation)
	requireRefusal(t, se, "VATBreakdown[S at 10 %].TaxableAmount (BT-116)", "30", "0", "rule BR-S-08",
		"taxable amount (BT-116) of 30 for S at 10 %", "no line, document allowance or charge")

	inv = invoice("EUR", lines, []invoicesync.VATSubtotal{subtotal("S", "20.00", "100.00", "20.00"), subtotal("S", "20", "0.00", "0.00")}, nil, nil)
	se = refusal(t, inv, invoicesync.CodeAmountValidation)
	requireRefusal(t, se, "VATBreakdown (BG-23)", "0", "100", "rule BR-S-08", "two entries for S at 20 %")
}

// Rates are compared as numbers (19 = 19.00), and a category implying 0 %
// without a rate is that category at 0 %.
func TestCategoriesAndRatesMatchAsNumbers(t *testing.T) {
	inv := invoice("EUR", []invoicesync.Line{line("100.00", "S", "19"), line("50.00", "E", "0"), line("25.00", "O", "")},
		[]invoicesync.VATSubtotal{subtotal("S", "19.00", "100.00", "19.00"), subtotal("E", "", "50.00", "0.00"), subtotal("O", "0", "25.00", "0.00")}, nil, nil)
	require.NoError(t, einvoice.Check(inv))
	require.Equal(t, "175.00", entrySums(build(t, inv)).net.StringFixed(2))
}

// BR-CO-11, BR-CO-12 and BR-CO-14 are exact too.
func TestDocumentAllowanceChargeAndVATTotals(t *testing.T) {
	mk := func() *invoicesync.Invoice {
		return invoice("EUR", []invoicesync.Line{line("100.00", "S", "20")}, []invoicesync.VATSubtotal{subtotal("S", "20", "95.00", "19.00")},
			[]invoicesync.AllowanceCharge{allowance("10.00", "S", "20")}, []invoicesync.AllowanceCharge{allowance("5.00", "S", "20")})
	}
	require.NoError(t, einvoice.Check(mk()))

	inv := mk()
	inv.Totals.AllowanceTotal = d("11.00")
	inv.Totals.Net = d("94.00")
	requireRefusal(t, refusal(t, inv, invoicesync.CodeAmountValidation), "Totals.AllowanceTotal (BT-107)", "11", "10", "rule BR-CO-11")

	inv = mk()
	inv.Totals.ChargeTotal = d("4.00")
	inv.Totals.Net = d("94.00")
	requireRefusal(t, refusal(t, inv, invoicesync.CodeAmountValidation), "Totals.ChargeTotal (BT-108)", "4", "5", "rule BR-CO-12")

	inv = mk()
	inv.Totals.VAT = d("18.00")
	inv.Totals.Gross, inv.Totals.Payable = d("113.00"), d("113.00")
	requireRefusal(t, refusal(t, inv, invoicesync.CodeAmountValidation), "Totals.VAT (BT-110)", "18", "19", "rule BR-CO-14")

	inv = mk()
	inv.Withholdings = []invoicesync.Withholding{{Tax: "IRPF", Amount: d("15.00")}}
	requireRefusal(t, refusal(t, inv, invoicesync.CodeAmountValidation), "Totals.Payable (BT-115)", "114", "99",
		"rule BR-CO-16", "BT-112 − BT-113 + BT-114 − the taxes withheld is 99")
	inv.Totals.Payable = d("99.00")
	require.NoError(t, einvoice.Check(inv))
}

// Line amounts with more decimals than the currency has are rounded half
// away from zero when the rounded lines add up to BT-106 exactly: Check
// then rounds them in the invoice and says so. The file is XRechnung's
// 01.01a with its lines at 288.7851 and 26.0712 (BT-106 314.86, Σ 314.8563).
func TestFourDecimalLineAmountsAreRounded(t *testing.T) {
	inv, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, "own--xrechnung-01.01a-4-decimal-lines_uncefact.xml")
	require.NoError(t, err)
	require.Equal(t, "288.7851", inv.Lines[0].NetAmount.String())
	require.Equal(t, "26.0712", inv.Lines[1].NetAmount.String())
	require.NoError(t, einvoice.Check(&inv))
	require.Equal(t, "288.79", inv.Lines[0].NetAmount.String())
	require.Equal(t, "26.07", inv.Lines[1].NetAmount.String())
	require.Equal(t, []string{"line amounts had more than 2 decimals; rounded half away from zero"}, inv.Warnings)
	s := entrySums(build(t, &inv))
	require.Equal(t, "314.86", s.net.StringFixed(2))
	require.Equal(t, "22.04", s.vat.StringFixed(2))
	require.Equal(t, "336.90", s.partner.StringFixed(2))

	// rounded, the lines add up to 314.87: BT-106 314.86 is refused, and the
	// invoice is left as it was.
	doc := edit(t, readTestdata(t, "own--xrechnung-01.01a-4-decimal-lines_uncefact.xml"),
		"<ram:LineTotalAmount>26.0712<", "<ram:LineTotalAmount>26.0750<")
	inv, err = parseString(&einvoice.Parser{Direction: invoicesync.Sales}, doc)
	require.NoError(t, err)
	se := refusal(t, &inv, invoicesync.CodeAmountValidation)
	requireRefusal(t, se, "Totals.LineTotal (BT-106)", "314.86", "314.87", "rules BR-DEC-23 and BR-CO-10",
		"more than 2 decimals", "they add up to 314.87, but BT-106 declares 314.86")
	require.Equal(t, "26.075", inv.Lines[1].NetAmount.String())
	require.Empty(t, inv.Warnings)

	// Accepted by BR-CO-10 but refused later (BR-S-09): not rounded either.
	inv, err = parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, "own--xrechnung-01.01a-4-decimal-lines_uncefact.xml")
	require.NoError(t, err)
	inv.VATBreakdown[0].TaxAmount = d("22.10")
	inv.Totals.VAT, inv.Totals.Gross, inv.Totals.Payable = d("22.10"), d("336.96"), d("336.96")
	requireRefusal(t, refusal(t, &inv, invoicesync.CodeAmountValidation), "VATBreakdown[S at 7 %].TaxAmount (BT-117)", "22.1", "22.04", "rule BR-S-09")
	require.Equal(t, "288.7851", inv.Lines[0].NetAmount.String())
	require.Empty(t, inv.Warnings)
}

// The minor units are the currency's: JPY rounds lines to units, KWD to
// thousandths, half away from zero also below zero.
func TestLineRoundingUsesTheCurrencyMinorUnits(t *testing.T) {
	for _, tc := range []struct {
		name                           string
		currency                       string
		lines                          []invoicesync.Line
		breakdown                      invoicesync.VATSubtotal
		lineTotal, net, gross, payable string   // declared BT-106, BT-109, BT-112, BT-115
		want                           []string // the lines' net amounts after the check
		warning                        string
	}{
		{
			name: "JPY rounds lines to units", currency: "JPY",
			lines: []invoicesync.Line{line("1000.5", "S", "10"), line("499.4", "S", "10")}, breakdown: subtotal("S", "10", "1500", "150"),
			lineTotal: "1500", net: "1500", gross: "1650", payable: "1650",
			want: []string{"1001", "499"}, warning: "line amounts had more than 0 decimals; rounded half away from zero",
		},
		{
			name: "KWD rounds lines to thousandths, half away from zero below zero", currency: "KWD",
			lines: []invoicesync.Line{line("-1.2345", "S", "20"), line("-2.0004", "S", "20")}, breakdown: subtotal("S", "20", "-3.235", "-0.65"),
			lineTotal: "-3.235", net: "-3.235", gross: "-3.885", payable: "-3.885",
			want: []string{"-1.235", "-2"}, warning: "line amounts had more than 3 decimals; rounded half away from zero",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := invoice(tc.currency, tc.lines, []invoicesync.VATSubtotal{tc.breakdown}, nil, nil)
			inv.Totals.LineTotal, inv.Totals.Net, inv.Totals.Gross, inv.Totals.Payable = d(tc.lineTotal), d(tc.net), d(tc.gross), d(tc.payable)
			require.NoError(t, einvoice.Check(inv))
			require.Len(t, inv.Lines, len(tc.want))
			for k, want := range tc.want {
				require.Equal(t, want, inv.Lines[k].NetAmount.String(), "line %d", k+1)
			}
			require.Equal(t, []string{tc.warning}, inv.Warnings)
		})
	}
}

// The yen and dinar files: JPY has no minor unit, so its VAT is to the yen;
// KWD has three, but EN 16931 amounts have two, so its VAT is to 0.01:
// 19.85 × 19 % = 3.7715, declared 3.77.
func TestJPYAndKWDFiles(t *testing.T) {
	for _, c := range []struct{ file, net, vat, gross string }{
		{"own--ubl-jpy.xml", "7567", "1438", "9005"},
		{"own--ubl-kwd.xml", "19.85", "3.77", "23.62"},
	} {
		inv, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, c.file)
		require.NoError(t, err)
		require.NoError(t, einvoice.Check(&inv))
		require.Equal(t, c.net, inv.Totals.Net.String())
		require.Equal(t, c.vat, inv.VATBreakdown[0].TaxAmount.String())
		e := build(t, &inv)
		s := entrySums(e)
		require.Equal(t, d(c.gross).StringFixed(e.Decimals), s.partner.StringFixed(e.Decimals), c.file)
		require.Equal(t, d(c.vat).StringFixed(e.Decimals), s.vat.StringFixed(e.Decimals), c.file)
	}

	// A yen too much is refused: 7567 × 19 % = 1437.73, 2 lines explain 1.
	inv, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, "own--ubl-jpy.xml")
	require.NoError(t, err)
	inv.VATBreakdown[0].TaxAmount = d("1440")
	inv.Totals.VAT, inv.Totals.Gross, inv.Totals.Payable = d("1440"), d("9007"), d("9007")
	requireRefusal(t, refusal(t, &inv, invoicesync.CodeAmountValidation), "VATBreakdown[S at 19 %].TaxAmount (BT-117)", "1440", "1438",
		"rule BR-S-09", "7567 × 19 % is 1438", "at most 1")
}

// The three-rate file: 20 %, 10 % and 5.5 %, each with three lines whose
// per-line VAT rounding drifts from BT-116 × rate, and a document
// allowance (20 %) and charge (10 %).
func TestThreeRatesWithDrift(t *testing.T) {
	inv, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, "own--ubl-three-rates-rounding-drift.xml")
	require.NoError(t, err)
	require.NoError(t, einvoice.Check(&inv))
	var got []string
	for _, v := range inv.VATBreakdown {
		got = append(got, v.Rate.Decimal.String()+":"+v.TaxableAmount.String()+":"+v.TaxAmount.String())
	}
	// exact: 6.00, 1.00, 0.3795; declared 6.01, 1.01, 0.39.
	require.Equal(t, []string{"20:30:6.01", "10:10:1.01", "5.5:6.9:0.39"}, got)
	s := entrySums(build(t, &inv))
	require.Equal(t, "54.31", s.partner.StringFixed(2))
	require.Equal(t, "46.90", s.net.StringFixed(2))
	require.Equal(t, "7.41", s.vat.StringFixed(2))
}

// Prices per 100 pieces and an advance payment: three lines of 101.35 at
// 19 % (VAT 19.26 each, 57.78; 304.05 × 19 % = 57.7695), 100.00 prepaid.
func TestPrepaidAndBaseQuantityFile(t *testing.T) {
	inv, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, "own--cii-prepaid-base-quantity-19.xml")
	require.NoError(t, err)
	require.NoError(t, einvoice.Check(&inv))
	require.Equal(t, "100", inv.Lines[0].BaseQuantity.String())
	require.Equal(t, "20.27", inv.Lines[0].UnitPrice.String())
	require.Equal(t, "500", inv.Lines[0].Quantity.String())
	require.Equal(t, "100.00", inv.Totals.Prepaid.StringFixed(2))
	require.Equal(t, "261.83", inv.Totals.Payable.StringFixed(2))
	s := entrySums(build(t, &inv))
	require.Equal(t, "361.83", s.partner.StringFixed(2))
	require.Equal(t, "57.78", s.vat.StringFixed(2))
}

// A credit note (381) written with negative quantities: −100.84 net,
// −19.16 VAT, −120.00 in all.
func TestNegativeCreditNoteFile(t *testing.T) {
	inv, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, "own--cii-credit-note-negative.xml")
	require.NoError(t, err)
	require.Equal(t, invoicesync.KindCreditNote, inv.Kind)
	require.Equal(t, "-2", inv.Lines[0].Quantity.String())
	require.NoError(t, einvoice.Check(&inv))
	require.Equal(t, "-120.00", inv.Totals.Payable.StringFixed(2))
	// Its amounts are signed: the credit note raises the receivable, the
	// mirror of an ordinary credit note.
	e := build(t, &inv)
	var got []string
	for _, l := range e.Lines {
		got = append(got, string(l.Kind)+" "+l.Account+" D"+l.Debit.StringFixed(2)+" C"+l.Credit.StringFixed(2))
	}
	require.Equal(t, []string{
		"partner 411000 D120.00 C0.00",
		"revenue 706000 D0.00 C100.84",
		"vat 445710 D0.00 C19.16",
	}, got)

	inv.VATBreakdown[0].TaxAmount = d("-20.00")
	inv.Totals.VAT, inv.Totals.Gross, inv.Totals.Payable = d("-20.00"), d("-120.84"), d("-120.84")
	requireRefusal(t, refusal(t, &inv, invoicesync.CodeAmountValidation), "VATBreakdown[S at 19 %].TaxAmount (BT-117)", "-20", "-19.16",
		"rule BR-S-09", "-100.84 × 19 % is -19.16")
}

// MINIMUM and BASIC WL are refused for what they are, before anything else:
// a MINIMUM credit note without BT-106 breaks BR-CO-13 too, but that is not
// the cause. Without the profile, the same document has no lines.
func TestBookingAidProfilesAndDocumentsWithoutLines(t *testing.T) {
	doc := readTestdata(t, "mustang--FAIL_zugferd_2p1_MINIMUM_Rechnung_380.xml")
	doc = edit(t, doc, "<ram:TypeCode>380</ram:TypeCode>", "<ram:TypeCode>381</ram:TypeCode>")
	doc = edit(t, doc, "<ram:LineTotalAmount>198.00</ram:LineTotalAmount>", "")
	inv, err := parseString(&einvoice.Parser{Direction: invoicesync.Sales}, doc)
	require.NoError(t, err)
	require.Equal(t, invoicesync.KindCreditNote, inv.Kind)
	se := refusal(t, &inv, invoicesync.CodeLineValidation)
	requireRefusal(t, se, "Metadata[profile] (BT-24)", "urn:factur-x.eu:1p0:minimum", "",
		"Factur-X/ZUGFeRD MINIMUM profile (urn:factur-x.eu:1p0:minimum)", "not an invoice")
	require.Contains(t, se.Resolution, "Germany does not accept them")
	require.Contains(t, se.Resolution, "ask the supplier for the invoice as Factur-X/ZUGFeRD EN 16931 (COMFORT) or BASIC, or as XRechnung")

	for id, name := range map[string]string{
		"urn:factur-x.eu:1p0:minimum": "MINIMUM", "urn:zugferd.de:2p0:minimum": "MINIMUM",
		"urn:factur-x.eu:1p0:basicwl": "BASIC WL", " URN:ZUGFERD.DE:2P0:BASICWL ": "BASIC WL",
	} {
		inv.Metadata["profile"] = id
		se := refusal(t, &inv, invoicesync.CodeLineValidation)
		require.Contains(t, se.Message, "ZUGFeRD "+name+" profile ("+strings.TrimSpace(id)+")")
	}

	inv.Metadata["profile"] = "urn:cen.eu:en16931:2017"
	se = refusal(t, &inv, invoicesync.CodeLineValidation)
	requireRefusal(t, se, "Lines", "", "", "the document has no lines")

	// BASIC (with lines) is read and accepted.
	inv, err = parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, "mustang--Factur-X_basic.xml")
	require.NoError(t, err)
	require.Equal(t, "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic", inv.Metadata["profile"])
	require.NoError(t, einvoice.Check(&inv))
}

// The first refusal is the cause: a wrong line amount breaks BR-CO-10 and,
// through it, the breakdown; BR-CO-10 is reported.
func TestTheFirstRefusalIsTheCause(t *testing.T) {
	inv := invoice("EUR", []invoicesync.Line{line("100.00", "S", "20")}, []invoicesync.VATSubtotal{subtotal("S", "20", "100.00", "20.00")}, nil, nil)
	inv.Lines[0].NetAmount = d("90.00")
	requireRefusal(t, refusal(t, inv, invoicesync.CodeAmountValidation), "Totals.LineTotal (BT-106)", "100", "90", "rule BR-CO-10")

	inv = invoice("XXX", []invoicesync.Line{line("100.00", "S", "20")}, []invoicesync.VATSubtotal{subtotal("S", "20", "100.00", "20.00")}, nil, nil)
	requireRefusal(t, refusal(t, inv, invoicesync.CodeCurrencyValidation), "Currency (BT-5)", "XXX", "", "rule BR-CL-04")
}

// A standard-rated entry without a rate has no computable VAT (BR-CO-17);
// split payment (B) is checked like S, under BR-CO-17.
func TestEntriesWithoutRateAndSplitPayment(t *testing.T) {
	inv := invoice("EUR", []invoicesync.Line{line("100.00", "S", "")}, []invoicesync.VATSubtotal{subtotal("S", "", "100.00", "20.00")}, nil, nil)
	requireRefusal(t, refusal(t, inv, invoicesync.CodeAmountValidation), "VATBreakdown[S without a rate].TaxAmount (BT-117)", "20", "0",
		"rule BR-CO-17", "for S without a rate")

	inv = invoice("EUR", []invoicesync.Line{line("100.00", "B", "22")}, []invoicesync.VATSubtotal{subtotal("B", "22", "100.00", "22.01")}, nil, nil)
	requireRefusal(t, refusal(t, inv, invoicesync.CodeAmountValidation), "VATBreakdown[B at 22 %].TaxAmount (BT-117)", "22.01", "22",
		"rule BR-CO-17", "100 × 22 % is 22")
}
