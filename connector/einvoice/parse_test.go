package einvoice_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
)

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}

// edit replaces old by new in doc, once, failing when old is not there.
func edit(t *testing.T, doc, old, new string) string {
	t.Helper()
	require.Equal(t, 1, strings.Count(doc, old), "%q", old)
	return strings.Replace(doc, old, new, 1)
}

func parseString(p *einvoice.Parser, doc string) (invoicesync.Invoice, error) {
	return p.Parse(strings.NewReader(doc))
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestUBLInvoiceTerms(t *testing.T) {
	inv, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Purchase}, "mustang--testout-XR-Edge.ubl.xml")
	require.NoError(t, err)
	require.Equal(t, "123", inv.Number)
	require.Equal(t, invoicesync.KindInvoice, inv.Kind)
	require.Equal(t, "380", inv.TypeCode)
	require.Equal(t, date("2023-09-09"), inv.IssueDate)
	require.Equal(t, date("2023-09-09"), inv.DueDate)
	require.Equal(t, invoicesync.StatusSent, inv.Status)
	require.Equal(t, "ubl-invoice", inv.Metadata["syntax"])
	require.Equal(t, &invoicesync.Party{
		Name: "Test company", VATNumber: "DE0815", Country: "DE", Email: "test@example.org",
		Address: invoicesync.Address{Lines: []string{"teststr"}, City: "teststadt", PostalCode: "55232", Country: "DE"},
	}, inv.Party, "the seller is the party of a purchase")
	require.Len(t, inv.Lines, 1)
	require.Equal(t, "Z", inv.Lines[0].VATCategory)
	require.Equal(t, "0", inv.Lines[0].VATRate.Decimal.String())
	// The embedded attachment, base64-decoded ("DA0=" is the bytes 0x0c 0x0d).
	require.Equal(t, []invoicesync.AttachmentRef{{
		ID: "one.pdf", FileName: "one.pdf", MediaType: "application/pdf",
		Description: "Additional file attachment", Data: []byte{0x0c, 0x0d},
	}}, inv.Attachments)
}

func TestCIIInvoiceTerms(t *testing.T) {
	inv, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Purchase}, "xrechnung--02.05a-INVOICE_uncefact.xml")
	require.NoError(t, err)
	require.Equal(t, "1234567", inv.Number)
	require.Equal(t, date("2019-08-20"), inv.IssueDate)
	require.Equal(t, date("2019-08-29"), inv.DueDate)
	require.Equal(t, "cii", inv.Metadata["syntax"])
	require.Equal(t, "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0", inv.Metadata["profile"])
	p := inv.Party
	require.Equal(t, "[Seller name]", p.Name)
	require.Equal(t, "ATU123456789", p.VATNumber)
	require.Equal(t, "9823636820856", p.RegistrationID)
	require.Equal(t, "0088", p.RegistrationScheme)
	require.Equal(t, "DE", p.Country)
	require.Equal(t, "tim.tester@test.com", p.Email)
	require.Equal(t, []string{"[Seller address line 1]", "[Seller address line 2]"}, p.Address.Lines)

	require.Len(t, inv.Lines, 23)
	l := inv.Lines[1]
	require.Equal(t, []string{"2", "Produkt 2", "7", "19.95", "139.65", "S", "19"},
		[]string{l.ID, l.Description, l.Quantity.String(), l.UnitPrice.String(), l.NetAmount.StringFixed(2), l.VATCategory, l.VATRate.Decimal.String()},
		"line 2: id, description, quantity, unit price, net amount, VAT category and rate")

	require.Len(t, inv.Allowances, 1)
	a := inv.Allowances[0]
	require.Equal(t, []string{"100.29", "Rabatte", "103", "S", "19"},
		[]string{a.Amount.StringFixed(2), a.Reason, a.ReasonCode, a.VATCategory, a.VATRate.Decimal.String()},
		"allowance: amount, reason, reason code, VAT category and rate")
	require.Len(t, inv.Charges, 1)
	c := inv.Charges[0]
	require.Equal(t, "920.00", c.Amount.StringFixed(2))
	require.Equal(t, "E", c.VATCategory)

	require.Len(t, inv.VATBreakdown, 2)
	require.Equal(t, "S", inv.VATBreakdown[0].Category)
	require.Equal(t, "1391.94", inv.VATBreakdown[0].TaxableAmount.StringFixed(2))
	require.Equal(t, "264.47", inv.VATBreakdown[0].TaxAmount.StringFixed(2))
	require.Equal(t, "E", inv.VATBreakdown[1].Category)
	require.Equal(t, "920.00", inv.VATBreakdown[1].TaxableAmount.StringFixed(2))

	require.Len(t, inv.Attachments, 1)
	att := inv.Attachments[0]
	require.Equal(t, "01_15_Anhang_01.pdf", att.ID)
	require.Equal(t, "01_15_Anhang_01.pdf", att.FileName)
	require.Equal(t, "application/pdf", att.MediaType)
	require.Equal(t, "Aufschlüsselung der einzelnen Leistungspositionen", att.Description)
	require.True(t, strings.HasPrefix(string(att.Data), "%PDF-1.5"), "decoded: %q", att.Data[:8])
}

func TestCreditNoteAndTaxCurrency(t *testing.T) {
	cn, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, "en16931--CreditNote-Min_content_with_VAT.xml")
	require.NoError(t, err)
	require.Equal(t, invoicesync.KindCreditNote, cn.Kind)
	require.Equal(t, "381", cn.TypeCode)
	require.Equal(t, "ubl-creditnote", cn.Metadata["syntax"])
	require.Equal(t, "Centrala Inköps Handelsbolag", cn.Party.Name, "the buyer is the party of a sale")
	e := build(t, &cn)
	// A credit note is the mirror of an invoice: the customer is credited.
	require.Equal(t, invoicesync.KindPartner, e.Lines[0].Kind)
	require.Equal(t, "500.00", e.Lines[0].Credit.StringFixed(2))

	usd, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, "en16931--BIS_Billing_30-Valutor_i_faktura.xml")
	require.NoError(t, err)
	require.Equal(t, "USD", usd.Currency)
	require.Equal(t, "SEK", usd.TaxCurrency)
	require.Equal(t, "23000.00", usd.Totals.VAT.StringFixed(2))
	require.Equal(t, "205845.40", usd.Totals.VATInTaxCurrency.StringFixed(2))
}

// Each document type code gives its kind; unknown codes are refused.
func TestTypeCodes(t *testing.T) {
	doc := readTestdata(t, "en16931--Invoice-Min_content_with_VAT.xml")
	for code, kind := range map[string]invoicesync.Kind{
		"380": invoicesync.KindInvoice, "384": invoicesync.KindInvoice, "389": invoicesync.KindInvoice,
		"875": invoicesync.KindInvoice, "381": invoicesync.KindCreditNote, "396": invoicesync.KindCreditNote,
	} {
		inv, err := parseString(&einvoice.Parser{}, edit(t, doc, "<cbc:InvoiceTypeCode>380<", "<cbc:InvoiceTypeCode>"+code+"<"))
		require.NoError(t, err, code)
		require.Equal(t, kind, inv.Kind, code)
		require.Equal(t, code, inv.TypeCode)
	}
	_, err := parseString(&einvoice.Parser{}, edit(t, doc, "<cbc:InvoiceTypeCode>380<", "<cbc:InvoiceTypeCode>999<"))
	var pe *einvoice.ParseError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "/Invoice/cbc:InvoiceTypeCode", pe.Path)
	require.Contains(t, pe.Reason, `"999"`)
}

// A negative invoice (380 with negative amounts) stays an invoice: the
// sale's entry debits revenue and credits the customer.
func TestNegativeInvoice(t *testing.T) {
	doc := readTestdata(t, "en16931--Invoice-Min_content_with_VAT.xml")
	for _, amt := range []string{">100<", ">400<", ">500<"} {
		doc = strings.ReplaceAll(doc, amt, ">-"+amt[1:])
	}
	inv, err := parseString(&einvoice.Parser{Direction: invoicesync.Sales}, doc)
	require.NoError(t, err)
	require.NoError(t, einvoice.Check(&inv))
	require.Equal(t, invoicesync.KindInvoice, inv.Kind)
	require.Equal(t, "-500", inv.Totals.Payable.String())
	e := build(t, &inv)
	got := map[invoicesync.LineKind]string{}
	for _, l := range e.Lines {
		got[l.Kind] = "Dr " + l.Debit.StringFixed(2) + " Cr " + l.Credit.StringFixed(2)
	}
	require.Equal(t, map[invoicesync.LineKind]string{
		invoicesync.KindPartner: "Dr 0.00 Cr 500.00",
		invoicesync.KindRevenue: "Dr 400.00 Cr 0.00",
		invoicesync.KindVAT:     "Dr 100.00 Cr 0.00",
	}, got)
}

// Factur-X logistics service charges are document charges with their VAT.
func TestLogisticsServiceChargeIsACharge(t *testing.T) {
	doc := readTestdata(t, "mustang--Factur-X_basic.xml")
	doc = edit(t, doc, "            <ram:ApplicableTradeTax>\n                <ram:CalculatedAmount>37.62</ram:CalculatedAmount>",
		`            <ram:SpecifiedLogisticsServiceCharge>
                <ram:Description>Versand</ram:Description>
                <ram:AppliedAmount>10.00</ram:AppliedAmount>
                <ram:AppliedTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>19</ram:RateApplicablePercent></ram:AppliedTradeTax>
            </ram:SpecifiedLogisticsServiceCharge>
            <ram:ApplicableTradeTax>
                <ram:CalculatedAmount>39.52</ram:CalculatedAmount>`)
	doc = edit(t, doc, "<ram:BasisAmount>198.00</ram:BasisAmount>", "<ram:BasisAmount>208.00</ram:BasisAmount>")
	doc = edit(t, doc, "<ram:ChargeTotalAmount>0.00</ram:ChargeTotalAmount>", "<ram:ChargeTotalAmount>10.00</ram:ChargeTotalAmount>")
	doc = edit(t, doc, "<ram:TaxBasisTotalAmount>198.00<", "<ram:TaxBasisTotalAmount>208.00<")
	doc = edit(t, doc, `<ram:TaxTotalAmount currencyID="EUR">37.62<`, `<ram:TaxTotalAmount currencyID="EUR">39.52<`)
	doc = edit(t, doc, "<ram:GrandTotalAmount>235.62<", "<ram:GrandTotalAmount>247.52<")
	doc = edit(t, doc, "<ram:DuePayableAmount>235.62<", "<ram:DuePayableAmount>247.52<")
	inv, err := parseString(&einvoice.Parser{Direction: invoicesync.Sales}, doc)
	require.NoError(t, err)
	require.NoError(t, einvoice.Check(&inv))
	require.Len(t, inv.Charges, 1)
	require.Equal(t, "Versand", inv.Charges[0].Reason)
	require.Equal(t, "10.00", inv.Charges[0].Amount.StringFixed(2))
	s := entrySums(build(t, &inv))
	require.Equal(t, "247.52", s.partner.StringFixed(2))
	require.Equal(t, "208.00", s.net.StringFixed(2))
	require.Equal(t, "39.52", s.vat.StringFixed(2))
}

// The company's own identifiers decide the direction, whatever their spelling.
func TestDirectionFromTheCompanyIdentifiers(t *testing.T) {
	doc := edit(t, readTestdata(t, "mustang--Factur-X_basic.xml"), "            </ram:BuyerTradeParty>",
		`<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR11123456782</ram:ID></ram:SpecifiedTaxRegistration></ram:BuyerTradeParty>`)
	for _, c := range []struct {
		company []string
		want    invoicesync.Direction
		party   string
	}{
		{[]string{"DE 123.456.789"}, invoicesync.Sales, "Kunden AG Mitte"},      // the seller's VAT number
		{[]string{"fr 11 123 456 782"}, invoicesync.Purchase, "Lieferant GmbH"}, // the buyer's
		{[]string{"XX999"}, invoicesync.Purchase, "Lieferant GmbH"},             // neither: the default
	} {
		p := &einvoice.Parser{Company: c.company, Direction: invoicesync.Purchase}
		inv, err := parseString(p, doc)
		require.NoError(t, err)
		require.Equal(t, c.want, inv.Direction, c.company)
		require.Equal(t, c.party, inv.Party.Name)
	}
	inv, err := parseString(&einvoice.Parser{}, doc)
	require.NoError(t, err)
	require.Equal(t, invoicesync.Direction(""), inv.Direction, "no company, no default: undecided")
	require.Nil(t, inv.Party)
}

// Malformed or hostile input gives a typed error naming the place, and
// never an invoice.
func TestParseErrors(t *testing.T) {
	ubl := readTestdata(t, "en16931--Invoice-Min_content_with_VAT.xml")
	cii := readTestdata(t, "mustang--Factur-X_basic.xml")
	for _, c := range []struct {
		name, doc string
		parser    einvoice.Parser
		path      string
		reason    string
		cause     error
	}{
		{"empty", "", einvoice.Parser{}, "", "no XML element", nil},
		{"not XML", "hello", einvoice.Parser{}, "", "no XML element", nil},
		{"truncated", ubl[:len(ubl)/2], einvoice.Parser{}, "/Invoice/cac:AccountingSupplierParty/cac:Party", "malformed XML: unexpected EOF", nil},
		{"not an invoice", `<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>`, einvoice.Parser{}, "/Order", "not an e-invoice", nil},
		{"ZUGFeRD 1", `<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"/>`, einvoice.Parser{}, "/CrossIndustryDocument", "ZUGFeRD 1.0", nil},
		{"DTD", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Invoice/>`, einvoice.Parser{}, "", "DTD", nil},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><Invoice>&x;</Invoice>`, einvoice.Parser{}, "", "DTD", nil},
		{"unknown entity", strings.Replace(ubl, "<cbc:ID>", "<cbc:ID>&foo;", 1), einvoice.Parser{}, "/Invoice/cbc:ID", "malformed XML: invalid character entity &foo;", nil},
		{"missing payable", edit(t, ubl, `<cbc:PayableAmount currencyID="SEK">500</cbc:PayableAmount>`, ""), einvoice.Parser{},
			"/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount", "BT-115 amount is missing", einvoice.ErrMissing},
		{"missing number", edit(t, cii, "<ram:ID>471102</ram:ID>", ""), einvoice.Parser{},
			"/CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID", "BT-1 invoice number is missing", einvoice.ErrMissing},
		{"missing issue date", edit(t, cii, `<udt:DateTimeString format="102">20241115</udt:DateTimeString>`, ""), einvoice.Parser{},
			"/CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString", "BT-2 issue date is missing", einvoice.ErrMissing},
		{"bad amount", edit(t, ubl, `<cbc:TaxInclusiveAmount currencyID="SEK">500<`, `<cbc:TaxInclusiveAmount currencyID="SEK">5e2<`), einvoice.Parser{},
			"/Invoice/cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", `BT-112 "5e2" is not a decimal number`, nil},
		{"bad date", edit(t, ubl, "<cbc:IssueDate>2018-07-31<", "<cbc:IssueDate>31.07.2018<"), einvoice.Parser{},
			"/Invoice/cbc:IssueDate", "BT-2 issue date", nil},
		{"bad currency", edit(t, ubl, "<cbc:DocumentCurrencyCode>SEK<", "<cbc:DocumentCurrencyCode>kronor<"), einvoice.Parser{},
			"/Invoice/cbc:DocumentCurrencyCode", "not an ISO 4217 code", nil},
		{"bad base64", strings.Replace(readTestdata(t, "mustang--testout-XR-Edge.ubl.xml"), ">DA0=<", ">DA0!<", 1), einvoice.Parser{},
			"/Invoice/cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject", "not valid base64", nil},
		{"bad charge indicator", strings.Replace(readTestdata(t, "en16931--CII_example3.xml"), "<udt:Indicator>true<", "<udt:Indicator>yes<", 1), einvoice.Parser{},
			"/CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeAllowanceCharge/ram:ChargeIndicator/udt:Indicator",
			"the charge indicator must be true or false", nil},
		{"too large", ubl, einvoice.Parser{MaxSize: 1000}, "", "larger than the limit of 1000 bytes", einvoice.ErrLimit},
		{"too deep", ubl, einvoice.Parser{MaxDepth: 3}, "/Invoice/cac:AccountingSupplierParty/cac:Party", "nested more than 3 deep", einvoice.ErrLimit},
		// The root and its three namespace declarations, 7 children, the
		// supplier party and its Party make 13 items: cbc:EndpointID and its
		// schemeID go past 13.
		{"too many elements", ubl, einvoice.Parser{MaxElements: 13}, "/Invoice/cac:AccountingSupplierParty/cac:Party", "more than 13 elements and attributes", einvoice.ErrLimit},
	} {
		t.Run(c.name, func(t *testing.T) {
			inv, err := parseString(&c.parser, c.doc)
			require.Error(t, err)
			require.Zero(t, inv.Number)
			var pe *einvoice.ParseError
			require.ErrorAs(t, err, &pe)
			require.ErrorIs(t, err, invoicesync.ErrUnreadable)
			require.Equal(t, c.path, pe.Path)
			require.Contains(t, pe.Reason, c.reason)
			if c.cause != nil {
				require.ErrorIs(t, err, c.cause)
			}
			se := pe.SyncError("in/file.xml")
			require.Equal(t, invoicesync.CodeUnreadable, se.Code)
			require.Equal(t, invoicesync.CodeUnreadable, invoicesync.Code(se))
			require.True(t, errors.Is(se, invoicesync.ErrUnreadable))
			require.NotEmpty(t, se.Resolution)
		})
	}
}

// Entity expansion cannot grow the input: there is no DTD to define
// entities in, and a document made of many small elements stops at the
// element limit.
func TestManyElementsStopAtTheLimit(t *testing.T) {
	doc := `<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">` + strings.Repeat("<a/>", 100_001) + `</Invoice>`
	_, err := parseString(&einvoice.Parser{MaxElements: 100_000}, doc)
	require.ErrorIs(t, err, einvoice.ErrLimit)
}

// Another encoding than UTF-8 is decoded.
func TestLatin1Document(t *testing.T) {
	doc := readTestdata(t, "mustang--Factur-X_basic.xml")
	doc = strings.Replace(doc, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1)
	doc = strings.ReplaceAll(doc, "München", "M\xfcnchen")
	inv, err := parseString(&einvoice.Parser{Direction: invoicesync.Purchase}, doc)
	require.NoError(t, err)
	require.Equal(t, "München", inv.Party.Address.City)
}
