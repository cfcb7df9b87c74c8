package einvoice_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
)

// wantLine is a line as a test expects it: id, description, net amount
// (BT-131), VAT category and rate.
type wantLine struct{ id, desc, net, cat, rate string }

func requireLines(t *testing.T, want []wantLine, got []invoicesync.Line) {
	t.Helper()
	require.Len(t, got, len(want))
	for i, w := range want {
		l := got[i]
		require.Equal(t, w.id, l.ID, "line %d", i+1)
		require.Equal(t, w.desc, l.Description, "line %d", i+1)
		require.Equal(t, w.net, l.NetAmount.StringFixed(2), "line %d", i+1)
		require.Equal(t, w.cat, l.VATCategory, "line %d", i+1)
		require.True(t, l.VATRate.Valid, "line %d", i+1)
		require.True(t, decimal.RequireFromString(w.rate).Equal(l.VATRate.Decimal), "line %d: rate %s", i+1, l.VATRate.Decimal)
	}
}

// wantEntryLine is an entry line: account, debit, credit, VAT code.
type wantEntryLine struct{ account, debit, credit, vat string }

// requireEntry builds inv under the demo setup with no partner reference,
// checks it balances, and compares its lines.
func requireEntry(t *testing.T, inv *invoicesync.Invoice, want []wantEntryLine) {
	t.Helper()
	d := einvoice.Demo(inv)
	e, err := invoicesync.BuildEntry(inv, d.Mapping, d.Chart(), invoicesync.PartnerRef{})
	require.NoError(t, err)
	require.NoError(t, e.Check(), "the entry balances")
	debit, credit := e.Totals()
	require.Equal(t, debit.StringFixed(2), credit.StringFixed(2))
	require.Len(t, e.Lines, len(want))
	for i, w := range want {
		l := e.Lines[i]
		require.Equal(t, w, wantEntryLine{l.Account, l.Debit.StringFixed(2), l.Credit.StringFixed(2), l.VATCode}, "entry line %d", i+1)
	}
}

func requireTotals(t *testing.T, inv *invoicesync.Invoice, lineTotal, net, vat, gross, payable string) {
	t.Helper()
	tot := inv.Totals
	for _, c := range []struct {
		bt, want string
		got      decimal.Decimal
	}{{"BT-106", lineTotal, tot.LineTotal}, {"BT-109", net, tot.Net}, {"BT-110", vat, tot.VAT}, {"BT-112", gross, tot.Gross}, {"BT-115", payable, tot.Payable}} {
		require.Equal(t, c.want, c.got.StringFixed(2), c.bt)
	}
	// BR-FXEXT-CO-10 / BR-CO-10: BT-106 is the sum of the lines posted.
	sum := decimal.Zero
	for _, l := range inv.Lines {
		sum = sum.Add(l.NetAmount)
	}
	require.Equal(t, lineTotal, sum.StringFixed(2), "Σ BT-131 of the leaves")
	require.NoError(t, einvoice.Check(inv))
}

// requireLeavesPosted parses file in the direction given, and requires its
// lines to be the leaves want, its totals BT-106, BT-109, BT-110, BT-112 and
// BT-115 to be totals, and the entry built from it to be entry.
func requireLeavesPosted(t *testing.T, dir invoicesync.Direction, file string, want []wantLine, totals [5]string, entry []wantEntryLine) {
	t.Helper()
	inv, err := parseFile(t, &einvoice.Parser{Direction: dir}, file)
	require.NoError(t, err)
	requireLines(t, want, inv.Lines)
	requireTotals(t, &inv, totals[0], totals[1], totals[2], totals[3], totals[4])
	requireEntry(t, &inv, entry)
}

// Mustang's Kaffee bundle (ZUGFeRD 2.4 EXTENDED): GROUP line 1 (216.00 at a
// placeholder "S 0 %") holds 1.1 and 1.2 and the GROUP line 1.3, which holds
// 1.3.1 and 1.3.2. The leaves are posted: 180.00 at 7 % and 36.00 at 19 %,
// not 216.00 at 0 %.
func TestFacturXGroupLinesKaffee(t *testing.T) {
	requireLeavesPosted(t, invoicesync.Sales, "mustang--Extended___SubInvoiceLines_Kaffee_Bundle_Set_Bsp4__.xml", []wantLine{
		{"1.1", "Kenia Röstung", "30.00", "S", "7"},
		{"1.2", "Dunkle Röstung", "60.00", "S", "7"},
		{"1.3.1", "Colombia Roast", "90.00", "S", "7"},
		{"1.3.2", "Becher", "36.00", "S", "19"},
	}, [5]string{"216.00", "216.00", "19.44", "235.44", "235.44"}, []wantEntryLine{
		{"411000", "235.44", "0.00", ""},
		{"706000", "0.00", "180.00", "V-S7"},
		{"706000", "0.00", "36.00", "V-S19"},
		{"445710", "0.00", "12.60", "V-S7"},
		{"445710", "0.00", "6.84", "V-S19"},
	})
}

// Mustang's use case 10 (Factur-X EXTENDED): two GROUP lines without VAT,
// each with two DETAIL lines.
func TestFacturXGroupLinesUC10(t *testing.T) {
	requireLeavesPosted(t, invoicesync.Sales, "mustang--UC10_F202600004_EXTENDED_FX_CII_Commentee.xml", []wantLine{
		{"2", "ABONNEMENT", "600.00", "S", "20"},
		{"3", "CONSOMMATION", "400.00", "S", "20"},
		{"5", "DEPLACEMENT", "3000.00", "S", "10"},
		{"6", "SUPPORT", "1500.00", "S", "10"},
	}, [5]string{"5500.00", "5500.00", "650.00", "6150.00", "6150.00"}, []wantEntryLine{
		{"411000", "6150.00", "0.00", ""},
		{"706000", "0.00", "1000.00", "V-S20"},
		{"706000", "0.00", "4500.00", "V-S10"},
		{"445710", "0.00", "200.00", "V-S20"},
		{"445710", "0.00", "450.00", "V-S10"},
	})
}

// Mustang's use case 11 (Factur-X EXTENDED): GROUP lines 1 (90.95) and 5
// (121.95) without VAT, with three and two DETAIL lines.
func TestFacturXGroupLinesUC11(t *testing.T) {
	requireLeavesPosted(t, invoicesync.Sales, "mustang--UC11_F202600022_EXTENDED_FX_CII_BT-X-589Only_on_GROUP_Line.xml", []wantLine{
		{"2", "ABONNEMENT", "20.00", "S", "5.5"},
		{"3", "CONSOMMATION", "17.31", "S", "5.5"},
		{"4", "CONSOMMATION", "53.64", "S", "5.5"},
		{"6", "CONSOMMATION", "28.09", "S", "10"},
		{"7", "CONSOMMATION", "93.86", "S", "10"},
	}, [5]string{"212.90", "212.90", "17.20", "230.10", "230.10"}, []wantEntryLine{
		{"411000", "230.10", "0.00", ""},
		{"706000", "0.00", "90.95", "V-S5_5"},
		{"706000", "0.00", "121.95", "V-S10"},
		{"445710", "0.00", "5.00", "V-S5_5"},
		{"445710", "0.00", "12.20", "V-S10"},
	})
}

// requireRefused asserts err is a ParseError refusing a readable document
// with code, and returns it; it is not ErrUnreadable.
func requireRefused(t *testing.T, err error, code invoicesync.ErrorCode) *einvoice.ParseError {
	t.Helper()
	var pe *einvoice.ParseError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, code, pe.Code)
	require.Equal(t, code, invoicesync.Code(err))
	require.False(t, errors.Is(err, invoicesync.ErrUnreadable), "a readable document refused is not unreadable")
	se := pe.SyncError("f.xml")
	require.Equal(t, code, se.Code)
	require.Equal(t, pe.Value, se.Value)
	require.Equal(t, pe.Expected, se.Expected)
	require.Equal(t, pe.Path, se.Field)
	require.ErrorIs(t, se, pe)
	return pe
}

// A GROUP line that does not declare the sum of its sub-lines is refused,
// naming it and both figures; the sub-line before its parent counts.
func TestFacturXGroupNotAddingUpIsRefused(t *testing.T) {
	_, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, "own--cii-extended-group-not-adding-up.xml")
	pe := requireRefused(t, err, invoicesync.CodeAmountValidation)
	require.Equal(t, "100.00", pe.Value)
	require.Equal(t, "90.00", pe.Expected)
	require.Contains(t, pe.Reason, `the group line "1" declares a net amount (BT-131) of 100.00 but its 2 sub-lines add up to 90.00`)
	require.Equal(t, "/CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem[2]/ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount", pe.Path)
	require.Equal(t, 65, pe.Line)
}

// The hierarchy's other faults, on the Kaffee sample edited.
func TestFacturXGroupHierarchyErrors(t *testing.T) {
	const kaffee = "mustang--Extended___SubInvoiceLines_Kaffee_Bundle_Set_Bsp4__.xml"
	doc := readTestdata(t, kaffee)
	p := &einvoice.Parser{Direction: invoicesync.Sales}

	t.Run("a nested group not adding up", func(t *testing.T) {
		_, err := parseString(p, edit(t, doc, "<ram:LineTotalAmount>126.00</ram:LineTotalAmount>", "<ram:LineTotalAmount>127.00</ram:LineTotalAmount>"))
		pe := requireRefused(t, err, invoicesync.CodeAmountValidation)
		// Group 1 is checked first: its sub-lines 1.1, 1.2, 1.3 add up to 217.00.
		require.Equal(t, "216.00", pe.Value)
		require.Equal(t, "217.00", pe.Expected)
		require.Contains(t, pe.Reason, `group line "1"`)
	})
	t.Run("a leaf changed", func(t *testing.T) {
		_, err := parseString(p, edit(t, doc, "<ram:LineTotalAmount>36.00</ram:LineTotalAmount>", "<ram:LineTotalAmount>37.00</ram:LineTotalAmount>"))
		pe := requireRefused(t, err, invoicesync.CodeAmountValidation)
		require.Equal(t, "126.00", pe.Value)
		require.Equal(t, "127.00", pe.Expected)
		require.Contains(t, pe.Reason, `group line "1.3" declares a net amount (BT-131) of 126.00 but its 2 sub-lines add up to 127.00`)
	})
	t.Run("a parent that is no line", func(t *testing.T) {
		// Line 1.3 renamed 1.4: its sub-lines name a line that is not there.
		_, err := parseString(p, edit(t, doc, "<ram:LineID>1.3</ram:LineID>", "<ram:LineID>1.4</ram:LineID>"))
		var pe *einvoice.ParseError
		require.ErrorAs(t, err, &pe)
		require.ErrorIs(t, err, invoicesync.ErrUnreadable)
		require.Empty(t, pe.Code)
		require.Equal(t, `BT-X-304 parent line "1.3" of line "1.3.1" names no line of the invoice`, pe.Reason)
		require.Equal(t, "/CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem[5]/ram:AssociatedDocumentLineDocument/ram:ParentLineID", pe.Path)
	})
	t.Run("parents in a loop", func(t *testing.T) {
		// Line 1 names 1.3 as its parent, and 1.3 names 1.
		looped := edit(t, doc, "<ram:LineID>1</ram:LineID>", "<ram:LineID>1</ram:LineID>\n        <ram:ParentLineID>1.3</ram:ParentLineID>")
		_, err := parseString(p, looped)
		var pe *einvoice.ParseError
		require.ErrorAs(t, err, &pe)
		require.ErrorIs(t, err, invoicesync.ErrUnreadable)
		require.Contains(t, pe.Reason, "loop back to it")
	})
	t.Run("an INFORMATION sub-line is left out", func(t *testing.T) {
		at := strings.Index(doc, "<ram:LineID>1.2</ram:LineID>")
		require.Positive(t, at)
		info := doc[:at] + strings.Replace(doc[at:], "DETAIL", "INFORMATION", 1)
		_, err := parseString(p, info)
		// Without 1.2's 60.00, group 1's sub-lines add up to 156.00.
		pe := requireRefused(t, err, invoicesync.CodeAmountValidation)
		require.Equal(t, "216.00", pe.Value)
		require.Equal(t, "156.00", pe.Expected)
	})
}

// XRechnung's UBL extension (KoSIT business case 04.01a): lines 1 and 2
// each hold two sub-lines, which hold two or three: the nine leaves are
// posted, and add up to BT-106.
func TestXRechnungSubInvoiceLines(t *testing.T) {
	requireLeavesPosted(t, invoicesync.Purchase, "xrechnung--04.01a-INVOICE_ubl.xml", []wantLine{
		{"1 1 1", "Demontage TW-Rohrleitung DN 12-25", "193.70", "S", "19"},
		{"1 1 2", "Demontage SML DN 100", "48.75", "S", "19"},
		{"1 1 3", "Demontage AW-Rohrleitungen Kunststoff PP bis DN100", "93.34", "S", "19"},
		{"1 2 1", "Abwasserleitung HT-PP DN 100", "99.75", "S", "19"},
		{"1 2 2", "Abwasserleitung HT-PP DN 50", "382.50", "S", "19"},
		{"2 1 1", "Entleeren der Heizungsanlage, teilnetz", "700.00", "S", "19"},
		{"2 1 2", "Demontage Flachheizkörpers", "624.00", "S", "19"},
		{"2 2 1", "Flachheizkörper Stahl profiliert Seitent. H 300mm L -500mm Typ22", "10202.40", "S", "19"},
		{"2 2 2", "Einzelrosette aus Kunststoff, weiß", "192.40", "S", "19"},
	}, [5]string{"12536.84", "12536.84", "2382.00", "14918.84", "4918.84"}, []wantEntryLine{
		{"401000", "0.00", "14918.84", ""},
		{"607000", "12536.84", "0.00", "A-S19"},
		{"445660", "2382.00", "0.00", "A-S19"},
	})

	doc := readTestdata(t, "xrechnung--04.01a-INVOICE_ubl.xml")
	p := &einvoice.Parser{Direction: invoicesync.Purchase}
	t.Run("a line not adding up", func(t *testing.T) {
		_, err := parseString(p, edit(t, doc, ">48.75</cbc:LineExtensionAmount>", ">48.76</cbc:LineExtensionAmount>"))
		pe := requireRefused(t, err, invoicesync.CodeAmountValidation)
		require.Equal(t, "335.79", pe.Value)
		require.Equal(t, "335.80", pe.Expected)
		require.Contains(t, pe.Reason, `the line "1 1" declares a net amount (BT-131) of 335.79 but its 3 sub-lines add up to 335.80 (BR-DEX-02)`)
	})
	t.Run("a sub-line of another VAT rate", func(t *testing.T) {
		withRate := edit(t, doc, "<cbc:Name>Demontage SML DN 100</cbc:Name>\n          <cac:ClassifiedTaxCategory>\n            <cbc:ID>S</cbc:ID>\n            <cbc:Percent>19</cbc:Percent>",
			"<cbc:Name>Demontage SML DN 100</cbc:Name>\n          <cac:ClassifiedTaxCategory>\n            <cbc:ID>S</cbc:ID>\n            <cbc:Percent>7</cbc:Percent>")
		_, err := parseString(p, withRate)
		pe := requireRefused(t, err, invoicesync.CodeLineValidation)
		require.Equal(t, "S 7 %", pe.Value)
		require.Equal(t, "S 19 %", pe.Expected)
	})
}

// The company's own party: the seller of a sale, the buyer of a purchase,
// none without direction; in UBL, CII and GOBL.
func TestCompanyIsTheOwnParty(t *testing.T) {
	for _, c := range []struct{ file, seller, buyer string }{
		{"en16931--Invoice-Min_content_with_VAT.xml", "Säljbolaget AB", "Centrala Inköps Handelsbolag"},
		{"xrechnung--01.01a-INVOICE_uncefact.xml", "[Seller name]", "[Buyer name]"},
		{"gobl--de-invoice-de-de-xr.json", "Provide One GmbH", "Sample Consumer"},
	} {
		t.Run(c.file, func(t *testing.T) {
			sale, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, c.file)
			require.NoError(t, err)
			require.Equal(t, c.seller, sale.Company.Name)
			require.Equal(t, c.buyer, sale.Party.Name)
			purchase, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Purchase}, c.file)
			require.NoError(t, err)
			require.Equal(t, c.buyer, purchase.Company.Name)
			require.Equal(t, c.seller, purchase.Party.Name)
			none, err := parseFile(t, &einvoice.Parser{}, c.file)
			require.NoError(t, err)
			require.Nil(t, none.Company)
			require.Nil(t, none.Party)
		})
	}
	// Decided by the company's VAT number, with its details.
	inv, err := parseFile(t, &einvoice.Parser{Company: []string{"SE 1234512345 01"}}, "en16931--Invoice-Min_content_with_VAT.xml")
	require.NoError(t, err)
	require.Equal(t, invoicesync.Sales, inv.Direction)
	require.Equal(t, "SE123451234501", inv.Company.VATNumber)
	require.Equal(t, "Säljbolaget AB", inv.Company.Name)
}

// An amount in another currency than the invoice's is refused, naming the
// element and both currencies; the VAT total in the tax currency (BT-111)
// is not.
func TestAmountInAnotherCurrencyIsRefused(t *testing.T) {
	p := &einvoice.Parser{Direction: invoicesync.Sales}
	ubl := readTestdata(t, "xrechnung--01.01a-INVOICE_ubl.xml")
	cii := readTestdata(t, "xrechnung--01.01a-INVOICE_uncefact.xml")
	for _, c := range []struct {
		name, doc, old, new, path, bt string
	}{
		{"UBL line", ubl, `<cbc:LineExtensionAmount currencyID="EUR">288.79</cbc:LineExtensionAmount>`, `<cbc:LineExtensionAmount currencyID="USD">288.79</cbc:LineExtensionAmount>`,
			"/Invoice/cac:InvoiceLine/cbc:LineExtensionAmount", "BT-131"},
		{"UBL total", ubl, `<cbc:PayableAmount currencyID="EUR">336.9</cbc:PayableAmount>`, `<cbc:PayableAmount currencyID="USD">336.9</cbc:PayableAmount>`,
			"/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount", "BT-115"},
		{"UBL VAT breakdown", ubl, `<cbc:TaxableAmount currencyID="EUR">314.86</cbc:TaxableAmount>`, `<cbc:TaxableAmount currencyID="USD">314.86</cbc:TaxableAmount>`,
			"/Invoice/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount", "BT-116"},
		{"UBL VAT total", ubl, `<cac:TaxTotal>
        <cbc:TaxAmount currencyID="EUR">22.04</cbc:TaxAmount>`, `<cac:TaxTotal>
        <cbc:TaxAmount currencyID="USD">22.04</cbc:TaxAmount>`, "/Invoice/cac:TaxTotal/cbc:TaxAmount", "BT-110"},
		{"CII VAT total", cii, `<ram:TaxTotalAmount currencyID="EUR">22.04</ram:TaxTotalAmount>`, `<ram:TaxTotalAmount currencyID="USD">22.04</ram:TaxTotalAmount>`,
			"/CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount", "BT-110"},
		{"CII line", cii, `<ram:LineTotalAmount>288.79</ram:LineTotalAmount>`, `<ram:LineTotalAmount currencyID="USD">288.79</ram:LineTotalAmount>`,
			"/CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount", "BT-131"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseString(p, edit(t, c.doc, c.old, c.new))
			pe := requireRefused(t, err, invoicesync.CodeCurrencyValidation)
			require.Equal(t, c.path, pe.Path)
			require.Equal(t, "USD", pe.Value)
			require.Equal(t, "EUR", pe.Expected)
			require.Contains(t, pe.Reason, c.bt+" is an amount in USD, not in the invoice currency EUR (BT-5)")
		})
	}
	// The VAT total in the tax currency is BT-111: read, not refused.
	inv, err := parseFile(t, p, "en16931--BIS_Billing_30-Valutor_i_faktura.xml")
	require.NoError(t, err)
	require.Equal(t, "USD", inv.Currency)
	require.Equal(t, "SEK", inv.TaxCurrency)
	require.Equal(t, "23000.00", inv.Totals.VAT.StringFixed(2))
	require.Equal(t, "205845.40", inv.Totals.VATInTaxCurrency.StringFixed(2))
}
