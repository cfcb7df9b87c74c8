package einvoice

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

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

	r.ciiLines(tx.all("IncludedSupplyChainTradeLineItem"))
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

// ciiLine is one IncludedSupplyChainTradeLineItem with its place in the
// line hierarchy of Factur-X / ZUGFeRD EXTENDED.
type ciiLine struct {
	item           *node
	id, parent     string // BT-126 and the parent line's id (BT-X-304)
	status         string // BT-X-8: GROUP, DETAIL, INFORMATION or empty
	line           invoicesync.Line
	kids           []int // the lines naming this one as parent, INFORMATION lines left out
	hasParent      bool
	parentOf, seen int
}

// ciiLines reads the lines (BG-25) into the invoice. Factur-X and ZUGFeRD
// EXTENDED let lines form a tree: a sub-line names its parent
// (ram:ParentLineID, BT-X-304), and a line's status (LineStatusReasonCode,
// BT-X-8) says what it is: GROUP, a subtotal of its sub-lines; DETAIL, a
// line of the invoice; INFORMATION, a line for information only. Their rule
// BR-FXEXT-CO-10 counts in BT-106 the lines whose status is DETAIL or none:
// so the invoice's lines are the leaves of the tree — the lines that are
// neither GROUP nor INFORMATION and have no sub-line —, in document order.
// A GROUP line may carry a placeholder VAT (or none): only its sub-lines'
// VAT is meant. Each line that has sub-lines (INFORMATION ones left out),
// and each GROUP line, must declare the sum of its sub-lines' net amounts
// (BT-131), at any depth, sub-lines coming before or after their parent;
// one that does not is refused with ERROR_SYNC_INVOICE_AMOUNT_VALIDATION,
// naming the line and both figures, since which figure is meant cannot be
// known. A ParentLineID naming no line, or a loop of parents, makes the
// document unreadable.
func (r *reader) ciiLines(items []*node) {
	lines := make([]ciiLine, len(items))
	tree := false
	for i, item := range items {
		c := &lines[i]
		ld := item.child("AssociatedDocumentLineDocument")
		c.item, c.id = item, ld.str("LineID")
		c.parent, c.status = ld.str("ParentLineID"), strings.ToUpper(ld.str("LineStatusReasonCode"))
		c.hasParent = c.parent != ""
		if c.hasParent || c.status == "GROUP" {
			tree = true
		}
		if c.status != "INFORMATION" {
			c.line = r.ciiLine(item)
		}
	}
	if r.err != nil {
		return
	}
	if !tree {
		for i := range lines {
			if lines[i].status != "INFORMATION" {
				r.inv.Lines = append(r.inv.Lines, lines[i].line)
			}
		}
		return
	}
	byID := make(map[string][]int, len(lines))
	for i := range lines {
		if lines[i].id != "" {
			byID[lines[i].id] = append(byID[lines[i].id], i)
		}
	}
	for i := range lines {
		c := &lines[i]
		c.parentOf = -1
		if !c.hasParent {
			continue
		}
		at := c.item.at("AssociatedDocumentLineDocument", "ParentLineID")
		switch p := byID[c.parent]; {
		case len(p) == 0:
			r.fail(at, "", fmt.Sprintf("BT-X-304 parent line %q of line %q names no line of the invoice", clip(c.parent), clip(c.id)))
			return
		case len(p) > 1:
			r.fail(at, "", fmt.Sprintf("BT-X-304 parent line %q of line %q names %d lines: line ids must be unique", clip(c.parent), clip(c.id), len(p)))
			return
		default:
			c.parentOf = p[0]
			if c.status != "INFORMATION" {
				lines[p[0]].kids = append(lines[p[0]].kids, i)
			}
		}
	}
	// Each chain of parents ends at a line without one, or loops: walking
	// up from each line in turn, meeting a line of this walk again is a
	// loop, meeting one of an earlier walk is the end of a chain known good.
	for i := range lines {
		for j := i; j >= 0; j = lines[j].parentOf {
			if lines[j].seen == i+1 {
				r.fail(lines[j].item.at("AssociatedDocumentLineDocument", "ParentLineID"), "",
					fmt.Sprintf("BT-X-304 the parent lines of line %q loop back to it", clip(lines[j].id)))
				return
			}
			if lines[j].seen != 0 {
				break
			}
			lines[j].seen = i + 1
		}
	}
	for i := range lines {
		c := &lines[i]
		if c.status == "INFORMATION" || len(c.kids) == 0 && c.status != "GROUP" {
			continue
		}
		sum := decimal.Zero
		for _, k := range c.kids {
			sum = sum.Add(lines[k].line.NetAmount)
		}
		if !sum.Equal(c.line.NetAmount) {
			at := c.item.at("SpecifiedLineTradeSettlement", "SpecifiedTradeSettlementLineMonetarySummation", "LineTotalAmount")
			r.refuse(at, invoicesync.CodeAmountValidation,
				fmt.Sprintf("the %s line %q declares a net amount (BT-131) of %s but its %d sub-lines add up to %s: which is meant cannot be known",
					strings.ToLower(cmp.Or(c.status, "parent")), clip(c.id), written(c.line.NetAmount), len(c.kids), written(sum)),
				written(c.line.NetAmount), written(sum))
			return
		}
	}
	for i := range lines {
		if c := &lines[i]; c.status != "INFORMATION" && c.status != "GROUP" && len(c.kids) == 0 {
			r.inv.Lines = append(r.inv.Lines, c.line)
		}
	}
}

// ciiLine reads an IncludedSupplyChainTradeLineItem (BG-25).
func (r *reader) ciiLine(item *node) (l invoicesync.Line) {
	l.ID = item.str("AssociatedDocumentLineDocument", "LineID")
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
		return l
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
	return l
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
			t.VATInTaxCurrency = r.amountIn(tt, "BT-111", inv.TaxCurrency, false)
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
