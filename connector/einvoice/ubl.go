package einvoice

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
)

// ubl reads an OASIS UBL 2.1 Invoice or CreditNote (EN 16931 UBL syntax
// binding: Peppol BIS Billing 3, XRechnung UBL).
func (r *reader) ubl(root *node, creditNote bool) {
	inv := r.inv
	inv.Number = r.required(root, "BT-1", "invoice number", "ID")
	inv.IssueDate = r.isoDate(root, "BT-2", "issue date", true, "IssueDate")
	if creditNote {
		r.typeCode(root, true, "CreditNoteTypeCode")
	} else {
		r.typeCode(root, false, "InvoiceTypeCode")
	}
	inv.DueDate = r.isoDate(root, "BT-9", "payment due date", false, "DueDate")
	if inv.DueDate.IsZero() { // a CreditNote has it in its payment means
		for _, pm := range root.all("PaymentMeans") {
			if d := r.isoDate(pm, "BT-9", "payment due date", false, "PaymentDueDate"); !d.IsZero() {
				inv.DueDate = d
				break
			}
		}
	}
	inv.Currency = r.currency(root, "BT-5", "invoice currency", true, "DocumentCurrencyCode")
	inv.TaxCurrency = r.currency(root, "BT-6", "VAT accounting currency", false, "TaxCurrencyCode")
	if inv.TaxCurrency == inv.Currency {
		inv.TaxCurrency = ""
	}
	r.docAccount = root.str("AccountingCost")
	if profile := root.str("CustomizationID"); profile != "" {
		inv.Metadata = map[string]string{"profile": profile}
	}

	r.seller, r.sellerIDs = r.ublParty(root, "AccountingSupplierParty", "BT-27", "seller")
	r.buyer, r.buyerIDs = r.ublParty(root, "AccountingCustomerParty", "BT-44", "buyer")

	lineName := "InvoiceLine"
	if creditNote {
		lineName = "CreditNoteLine"
	}
	for _, ln := range root.all(lineName) {
		r.ublLine(ln, creditNote, nil)
	}
	for _, ac := range root.all("AllowanceCharge") {
		r.allowanceCharge(ac, &ublAC, true, &inv.Allowances, &inv.Charges)
	}
	r.ublTax(root)
	r.ublTotals(root)
	r.ublAttachments(root)
}

// ublParty reads AccountingSupplierParty or AccountingCustomerParty.
func (r *reader) ublParty(root *node, name, bt, role string) (invoicesync.Party, []string) {
	var p invoicesync.Party
	pn := root.at(name, "Party")
	if pn == nil {
		r.missing(root, bt, role, "cac:"+name+"/cac:Party")
		return p, nil
	}
	p.Name = pn.str("PartyLegalEntity", "RegistrationName")
	if p.Name == "" {
		p.Name = pn.str("PartyName", "Name") // the trading name
	}
	if p.Name == "" {
		r.missing(pn, bt, role+" name", "cac:PartyLegalEntity/cbc:RegistrationName")
	}
	for _, ts := range pn.all("PartyTaxScheme") {
		id := ts.str("CompanyID")
		if id == "" {
			continue
		}
		if strings.EqualFold(ts.str("TaxScheme", "ID"), "VAT") || p.VATNumber == "" && ts.str("TaxScheme", "ID") == "" {
			p.VATNumber = id
		}
	}
	if le := pn.child("PartyLegalEntity"); le != nil {
		if c := le.child("CompanyID"); c != nil && c.text != "" {
			p.RegistrationID, p.RegistrationScheme = c.text, c.attr("schemeID")
		}
	}
	var ids []idWithScheme
	var plain []string
	for _, pi := range pn.all("PartyIdentification") {
		if id := pi.child("ID"); id != nil && id.text != "" {
			ids = append(ids, idWithScheme{id.text, id.attr("schemeID")})
			plain = append(plain, id.text)
		}
	}
	if a := pn.child("PostalAddress"); a != nil {
		for _, l := range []string{a.str("StreetName"), a.str("AdditionalStreetName"), a.str("AddressLine", "Line")} {
			if l != "" {
				p.Address.Lines = append(p.Address.Lines, l)
			}
		}
		p.Address.City, p.Address.PostalCode = a.str("CityName"), a.str("PostalZone")
		p.Address.Subdivision, p.Address.Country = a.str("CountrySubentity"), a.str("Country", "IdentificationCode")
	}
	p.Email = pn.str("Contact", "ElectronicMail")
	if ep := pn.child("EndpointID"); p.Email == "" && ep != nil && ep.attr("schemeID") == "EM" {
		p.Email = ep.text
	}
	completeParty(&p, ids)
	return p, plain
}

// ublLine reads an InvoiceLine or CreditNoteLine (BG-25), or a sub-line
// of one, into the invoice's lines. XRechnung's extension lets a line hold
// sub-lines (cac:SubInvoiceLine, cac:SubCreditNoteLine, BG-DEX-01), at any
// depth; EN 16931 counts the lines in the totals and the VAT breakdown
// (BR-CO-10, BR-S-08), and BR-DEX-02 requires a line's net amount (BT-131)
// to be the sum of its sub-lines'. So the invoice's lines are the leaves —
// the lines and sub-lines that have no sub-line —, each line with
// sub-lines must declare their sum, or the document is refused with
// ERROR_SYNC_INVOICE_AMOUNT_VALIDATION naming the line and both figures;
// and a sub-line's VAT category and rate must be its line's (a sub-line
// without them takes its line's), since the breakdown counts the line's:
// one that differs is refused with ERROR_SYNC_INVOICE_LINE_VALIDATION. A
// sub-line without an account of its own (BT-133) takes its line's.
// parent is the line ln is a sub-line of, or nil.
func (r *reader) ublLine(ln *node, creditNote bool, parent *invoicesync.Line) invoicesync.Line {
	var l invoicesync.Line
	l.ID = ln.str("ID")
	qty, sub := "InvoicedQuantity", "SubInvoiceLine"
	if creditNote {
		qty, sub = "CreditedQuantity", "SubCreditNoteLine"
	}
	l.Quantity = r.amount(ln, "BT-129", false, qty)
	l.NetAmount = r.amount(ln, "BT-131", true, "LineExtensionAmount")
	item := ln.child("Item")
	l.Description = item.str("Name")
	if l.Description == "" {
		l.Description = item.str("Description")
	}
	l.ItemCode = item.str("SellersItemIdentification", "ID")
	l.ItemCategory = item.str("CommodityClassification", "ItemClassificationCode")
	tc := item.child("ClassifiedTaxCategory")
	if tc != nil {
		l.VATCategory = tc.str("ID")
		l.VATRate = r.percent(tc, "BT-152", "Percent")
	}
	if price := ln.child("Price"); price != nil {
		l.UnitPrice = r.amount(price, "BT-146", false, "PriceAmount")
		l.BaseQuantity = r.amount(price, "BT-149", false, "BaseQuantity")
	}
	l.AccountNumber = ln.str("AccountingCost")
	for _, ac := range ln.all("AllowanceCharge") {
		r.allowanceCharge(ac, &ublAC, false, &l.Allowances, &l.Charges)
	}
	if parent != nil {
		if tc == nil {
			l.VATCategory, l.VATRate = parent.VATCategory, parent.VATRate
		} else if !strings.EqualFold(l.VATCategory, parent.VATCategory) || !sameRate(l.VATRate, parent.VATRate) {
			r.refuse(tc, invoicesync.CodeLineValidation,
				fmt.Sprintf("the sub-line %q has VAT %s but its line %q has VAT %s: the VAT breakdown (BG-23) counts the line's, so the sub-line's cannot be posted", clip(l.ID), vatText(l), clip(parent.ID), vatText(*parent)),
				vatText(l), vatText(*parent))
		}
		if l.AccountNumber == "" {
			l.AccountNumber = parent.AccountNumber
		}
	}
	subs := ln.all(sub)
	if len(subs) == 0 {
		r.inv.Lines = append(r.inv.Lines, l)
		return l
	}
	sum := decimal.Zero
	for _, s := range subs {
		sum = sum.Add(r.ublLine(s, creditNote, &l).NetAmount)
	}
	if r.err == nil && !sum.Equal(l.NetAmount) {
		r.refuse(ln.child("LineExtensionAmount"), invoicesync.CodeAmountValidation,
			fmt.Sprintf("the line %q declares a net amount (BT-131) of %s but its %d sub-lines add up to %s (BR-DEX-02): which is meant cannot be known", clip(l.ID), written(l.NetAmount), len(subs), written(sum)),
			written(l.NetAmount), written(sum))
	}
	return l
}

// sameRate reports whether two rates are both absent or equal.
func sameRate(a, b decimal.NullDecimal) bool {
	return a.Valid == b.Valid && (!a.Valid || a.Decimal.Equal(b.Decimal))
}

// vatText writes a line's VAT category and rate for a message, e.g. "S 19 %".
func vatText(l invoicesync.Line) string {
	s := l.VATCategory
	if l.VATRate.Valid {
		s = strings.TrimSpace(s + " " + l.VATRate.Decimal.String() + " %")
	}
	if s == "" {
		return "none"
	}
	return s
}

// ublTax reads the TaxTotals: the one in the invoice currency holds BT-110
// and the breakdown (BG-23); one in the tax currency holds BT-111.
func (r *reader) ublTax(root *node) {
	inv := r.inv
	for _, tt := range root.all("TaxTotal") {
		amt := tt.child("TaxAmount")
		cur := amt.attr("currencyID")
		if inv.TaxCurrency != "" && cur == inv.TaxCurrency {
			inv.Totals.VATInTaxCurrency = r.amountIn(tt, "BT-111", inv.TaxCurrency, false, "TaxAmount")
			continue
		}
		inv.Totals.VAT = r.amount(tt, "BT-110", false, "TaxAmount")
		for _, st := range tt.all("TaxSubtotal") {
			tc := st.child("TaxCategory")
			inv.VATBreakdown = append(inv.VATBreakdown, invoicesync.VATSubtotal{
				Category:        tc.str("ID"),
				Rate:            r.percent(tc, "BT-119", "Percent"),
				TaxableAmount:   r.amount(st, "BT-116", true, "TaxableAmount"),
				TaxAmount:       r.amount(st, "BT-117", true, "TaxAmount"),
				ExemptionReason: tc.str("TaxExemptionReason"),
			})
		}
	}
}

// ublTotals reads LegalMonetaryTotal (BG-22).
func (r *reader) ublTotals(root *node) {
	t := &r.inv.Totals
	mt := root.child("LegalMonetaryTotal")
	if mt == nil {
		r.missing(root, "BG-22", "document totals", "cac:LegalMonetaryTotal")
		return
	}
	t.LineTotal = r.amount(mt, "BT-106", len(r.inv.Lines) > 0, "LineExtensionAmount")
	t.AllowanceTotal = r.amount(mt, "BT-107", false, "AllowanceTotalAmount")
	t.ChargeTotal = r.amount(mt, "BT-108", false, "ChargeTotalAmount")
	t.Net = r.amount(mt, "BT-109", true, "TaxExclusiveAmount")
	t.Gross = r.amount(mt, "BT-112", true, "TaxInclusiveAmount")
	t.Prepaid = r.amount(mt, "BT-113", false, "PrepaidAmount")
	t.PayableRounding = r.amount(mt, "BT-114", false, "PayableRoundingAmount")
	t.Payable = r.amount(mt, "BT-115", true, "PayableAmount")
}

// ublAttachments reads the AdditionalDocumentReferences that carry a
// document (BG-24): embedded, or by URL.
func (r *reader) ublAttachments(root *node) {
	for _, ref := range root.all("AdditionalDocumentReference") {
		att := ref.child("Attachment")
		if att == nil {
			continue // an invoiced object or tender reference, not a document
		}
		a := invoicesync.AttachmentRef{ID: ref.str("ID"), Description: ref.str("DocumentDescription"),
			URL: att.str("ExternalReference", "URI")}
		if obj := att.child("EmbeddedDocumentBinaryObject"); obj != nil {
			r.attachment(obj, &a)
		}
		r.addAttachment(a)
	}
}
