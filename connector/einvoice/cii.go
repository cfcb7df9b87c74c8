package einvoice

import (
	"strings"

	"github.com/invoicesync/invoicesync"
)

// cii reads a UN/CEFACT CrossIndustryInvoice (EN 16931 CII syntax binding:
// Factur-X and ZUGFeRD 2.x in every profile, XRechnung CII).
func (r *reader) cii(root *node) {
	inv := r.inv
	if profile := root.str("ExchangedDocumentContext", "GuidelineSpecifiedDocumentContextParameter", "ID"); profile != "" {
		inv.Metadata = map[string]string{"profile": profile}
	}
	doc := root.child("ExchangedDocument")
	if doc == nil {
		r.missing(root, "BT-1", "invoice number", "rsm:ExchangedDocument")
		return
	}
	inv.Number = r.required(doc, "BT-1", "invoice number", "ID")
	r.typeCode(doc, false, "TypeCode")
	inv.IssueDate = r.ciiDate(doc, "BT-2", "issue date", true, "IssueDateTime", "DateTimeString")

	tx := root.child("SupplyChainTradeTransaction")
	if tx == nil {
		r.missing(root, "BG-25", "transaction", "rsm:SupplyChainTradeTransaction")
		return
	}
	agreement := tx.child("ApplicableHeaderTradeAgreement")
	settlement := tx.child("ApplicableHeaderTradeSettlement")
	if settlement == nil {
		r.missing(tx, "BG-22", "settlement and totals", "ram:ApplicableHeaderTradeSettlement")
		return
	}
	r.seller, r.sellerIDs = r.ciiParty(agreement, tx, "SellerTradeParty", "BT-27", "seller")
	r.buyer, r.buyerIDs = r.ciiParty(agreement, tx, "BuyerTradeParty", "BT-44", "buyer")

	inv.Currency = r.currency(settlement, "BT-5", "invoice currency", true, "InvoiceCurrencyCode")
	inv.TaxCurrency = r.currency(settlement, "BT-6", "VAT accounting currency", false, "TaxCurrencyCode")
	if inv.TaxCurrency == inv.Currency {
		inv.TaxCurrency = ""
	}
	for _, terms := range settlement.all("SpecifiedTradePaymentTerms") {
		if d := r.ciiDate(terms, "BT-9", "payment due date", false, "DueDateDateTime", "DateTimeString"); !d.IsZero() {
			inv.DueDate = d
			break
		}
	}
	r.docAccount = settlement.str("ReceivableSpecifiedTradeAccountingAccount", "ID")

	for _, item := range tx.all("IncludedSupplyChainTradeLineItem") {
		if l, ok := r.ciiLine(item); ok {
			inv.Lines = append(inv.Lines, l)
		}
	}
	for _, ac := range settlement.all("SpecifiedTradeAllowanceCharge") {
		r.allowanceCharge(ac, &ciiAC, true, &inv.Allowances, &inv.Charges)
	}
	// Factur-X / ZUGFeRD logistics service charges are document charges.
	for _, lc := range settlement.all("SpecifiedLogisticsServiceCharge") {
		a := invoicesync.AllowanceCharge{
			Amount: r.amount(lc, "BT-99", true, "AppliedAmount"),
			Reason: lc.str("Description"),
		}
		if tax := lc.child("AppliedTradeTax"); tax != nil {
			a.VATCategory = tax.str("CategoryCode")
			a.VATRate = r.percent(tax, "BT-103", "RateApplicablePercent")
		}
		inv.Charges = append(inv.Charges, a)
	}
	for _, tax := range settlement.all("ApplicableTradeTax") {
		inv.VATBreakdown = append(inv.VATBreakdown, invoicesync.VATSubtotal{
			Category:        tax.str("CategoryCode"),
			Rate:            r.percent(tax, "BT-119", "RateApplicablePercent"),
			TaxableAmount:   r.amount(tax, "BT-116", true, "BasisAmount"),
			TaxAmount:       r.amount(tax, "BT-117", true, "CalculatedAmount"),
			ExemptionReason: tax.str("ExemptionReason"),
		})
	}
	r.ciiTotals(settlement)
	r.ciiAttachments(agreement)
}

// ciiParty reads SellerTradeParty or BuyerTradeParty.
func (r *reader) ciiParty(agreement, tx *node, name, bt, role string) (invoicesync.Party, []string) {
	var p invoicesync.Party
	pn := agreement.child(name)
	if pn == nil {
		if agreement == nil {
			r.missing(tx, bt, role, "ram:ApplicableHeaderTradeAgreement/ram:"+name)
		} else {
			r.missing(agreement, bt, role, "ram:"+name)
		}
		return p, nil
	}
	p.Name = pn.str("Name")
	if p.Name == "" {
		r.missing(pn, bt, role+" name", "ram:Name")
	}
	for _, reg := range pn.all("SpecifiedTaxRegistration") {
		id := reg.child("ID")
		if id == nil || id.text == "" {
			continue
		}
		if s := id.attr("schemeID"); s == "VA" || s == "" && p.VATNumber == "" {
			p.VATNumber = id.text
		}
	}
	if org := pn.child("SpecifiedLegalOrganization"); org != nil {
		if id := org.child("ID"); id != nil && id.text != "" {
			p.RegistrationID, p.RegistrationScheme = id.text, id.attr("schemeID")
		}
	}
	var ids []idWithScheme
	var plain []string
	for _, local := range []string{"ID", "GlobalID"} {
		for _, id := range pn.all(local) {
			if id.text != "" {
				ids = append(ids, idWithScheme{id.text, id.attr("schemeID")})
				plain = append(plain, id.text)
			}
		}
	}
	if a := pn.child("PostalTradeAddress"); a != nil {
		for _, l := range []string{a.str("LineOne"), a.str("LineTwo"), a.str("LineThree")} {
			if l != "" {
				p.Address.Lines = append(p.Address.Lines, l)
			}
		}
		p.Address.City, p.Address.PostalCode = a.str("CityName"), a.str("PostcodeCode")
		p.Address.Subdivision, p.Address.Country = a.str("CountrySubDivisionName"), a.str("CountryID")
	}
	p.Email = pn.str("DefinedTradeContact", "EmailURIUniversalCommunication", "URIID")
	if uri := pn.at("URIUniversalCommunication", "URIID"); p.Email == "" && uri != nil && uri.attr("schemeID") == "EM" {
		p.Email = uri.text
	}
	completeParty(&p, ids)
	return p, plain
}

// ciiLine reads an IncludedSupplyChainTradeLineItem (BG-25). Sub-lines
// (with a ParentLineID) and lines marked INFORMATION are details that the
// totals do not count: ok is false for them.
func (r *reader) ciiLine(item *node) (l invoicesync.Line, ok bool) {
	ld := item.child("AssociatedDocumentLineDocument")
	if ld.str("ParentLineID") != "" || strings.EqualFold(ld.str("LineStatusReasonCode"), "INFORMATION") {
		return l, false
	}
	l.ID = ld.str("LineID")
	prod := item.child("SpecifiedTradeProduct")
	l.Description = prod.str("Name")
	if l.Description == "" {
		l.Description = prod.str("Description")
	}
	l.ItemCode = prod.str("SellerAssignedID")
	l.ItemCategory = prod.str("DesignatedProductClassification", "ClassCode")
	if price := item.at("SpecifiedLineTradeAgreement", "NetPriceProductTradePrice"); price != nil {
		l.UnitPrice = r.amount(price, "BT-146", false, "ChargeAmount")
		l.BaseQuantity = r.amount(price, "BT-149", false, "BasisQuantity")
	}
	l.Quantity = r.amount(item, "BT-129", false, "SpecifiedLineTradeDelivery", "BilledQuantity")
	settle := item.child("SpecifiedLineTradeSettlement")
	if settle == nil {
		r.missing(item, "BT-131", "line net amount", "ram:SpecifiedLineTradeSettlement")
		return l, true
	}
	if tax := settle.child("ApplicableTradeTax"); tax != nil {
		l.VATCategory = tax.str("CategoryCode")
		l.VATRate = r.percent(tax, "BT-152", "RateApplicablePercent")
	}
	for _, ac := range settle.all("SpecifiedTradeAllowanceCharge") {
		r.allowanceCharge(ac, &ciiAC, false, &l.Allowances, &l.Charges)
	}
	l.NetAmount = r.amount(settle, "BT-131", true, "SpecifiedTradeSettlementLineMonetarySummation", "LineTotalAmount")
	l.AccountNumber = settle.str("ReceivableSpecifiedTradeAccountingAccount", "ID")
	return l, true
}

// ciiTotals reads SpecifiedTradeSettlementHeaderMonetarySummation (BG-22).
// TaxTotalAmount appears once per currency: the invoice currency's is
// BT-110, the tax currency's BT-111.
func (r *reader) ciiTotals(settlement *node) {
	inv := r.inv
	t := &inv.Totals
	ms := settlement.child("SpecifiedTradeSettlementHeaderMonetarySummation")
	if ms == nil {
		r.missing(settlement, "BG-22", "document totals", "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
		return
	}
	t.LineTotal = r.amount(ms, "BT-106", len(inv.Lines) > 0, "LineTotalAmount")
	t.AllowanceTotal = r.amount(ms, "BT-107", false, "AllowanceTotalAmount")
	t.ChargeTotal = r.amount(ms, "BT-108", false, "ChargeTotalAmount")
	t.Net = r.amount(ms, "BT-109", true, "TaxBasisTotalAmount")
	for _, tt := range ms.all("TaxTotalAmount") {
		if cur := tt.attr("currencyID"); inv.TaxCurrency != "" && cur == inv.TaxCurrency {
			t.VATInTaxCurrency = r.amount(tt, "BT-111", false)
		} else {
			t.VAT = r.amount(tt, "BT-110", false)
		}
	}
	t.PayableRounding = r.amount(ms, "BT-114", false, "RoundingAmount")
	t.Gross = r.amount(ms, "BT-112", true, "GrandTotalAmount")
	t.Prepaid = r.amount(ms, "BT-113", false, "TotalPrepaidAmount")
	t.Payable = r.amount(ms, "BT-115", true, "DuePayableAmount")
}

// ciiAttachments reads the AdditionalReferencedDocuments that carry a
// document (BG-24, type code 916): embedded, or by URL.
func (r *reader) ciiAttachments(agreement *node) {
	for _, ref := range agreement.all("AdditionalReferencedDocument") {
		obj := ref.child("AttachmentBinaryObject")
		if ref.str("TypeCode") != "916" && obj == nil {
			continue // an invoiced object or tender reference, not a document
		}
		a := invoicesync.AttachmentRef{ID: ref.str("IssuerAssignedID"), Description: ref.str("Name"), URL: ref.str("URIID")}
		if obj != nil {
			r.attachment(obj, &a)
		}
		r.addAttachment(a)
	}
}
