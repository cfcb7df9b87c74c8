package einvoice

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/matching"
)

// The default safety limits of a Parser.
const (
	// DefaultMaxSize is the largest input read: 20 MiB. The largest real
	// e-invoices are a few hundred kilobytes without attachments; embedded
	// PDFs make up the rest.
	DefaultMaxSize = 20 << 20
	// DefaultMaxDepth is the deepest element nesting accepted. UBL and CII
	// documents nest about ten deep.
	DefaultMaxDepth = 64
	// DefaultMaxElements is the largest number of XML elements and
	// attributes accepted, counted together (namespace declarations are
	// attributes): a 10,000-line invoice has about 300,000 elements and
	// 50,000 attributes. Each element read costs up to about 200 bytes of
	// memory and each attribute less, so the limit bounds the document's
	// tree to about 100 MB. The input itself and the texts and attribute
	// values read add up to about three times the input's size: a parse
	// takes about 170 MB at most with the default limits. (GOBL JSON
	// documents are bounded by MaxSize alone.)
	DefaultMaxElements = 500_000
)

// Syntax names the format a document was read from.
type Syntax string

// The syntaxes Parse reads.
const (
	// UBLInvoice is an OASIS UBL 2.1 Invoice (Peppol BIS Billing 3, XRechnung UBL).
	UBLInvoice Syntax = "ubl-invoice"
	// UBLCreditNote is an OASIS UBL 2.1 CreditNote.
	UBLCreditNote Syntax = "ubl-creditnote"
	// CII is a UN/CEFACT Cross Industry Invoice D16B (Factur-X, ZUGFeRD 2.x, XRechnung CII).
	CII Syntax = "cii"
)

// Parser reads e-invoices into invoices. The zero value is ready to use,
// with the default limits and no direction: set Company or Direction so
// that invoices come out as sales or purchases. A Parser is safe for
// concurrent use as long as its fields are not changed.
type Parser struct {
	// Company lists the company's own identifiers: VAT numbers (BT-31/BT-48),
	// legal registration ids (BT-30/BT-47) or party identifiers (BT-29/BT-46).
	// An invoice whose seller has one of them is a sale, one whose buyer has
	// one is a purchase. VAT numbers are compared normalised ("DE 136.695.976"
	// equals "DE136695976"), other ids by their letters and digits.
	Company []string
	// Direction is the direction of invoices Company does not decide (or of
	// every invoice when Company is empty). Empty: such invoices have no
	// direction, and building their entry fails until one is set.
	Direction invoicesync.Direction
	// MaxSize is the largest input accepted, in bytes; 0: DefaultMaxSize.
	// It bounds a file embedded in a PDF too, and the compressed streams
	// of a PDF may inflate to 16 times as much, together.
	MaxSize int64
	// MaxDepth is the deepest element nesting accepted; 0: DefaultMaxDepth.
	MaxDepth int
	// MaxElements is the largest number of elements and attributes
	// accepted, counted together; 0: DefaultMaxElements. Whatever it is,
	// one element may carry at most 1,000 attributes.
	MaxElements int
}

func (p *Parser) maxSize() int64 {
	if p.MaxSize > 0 {
		return p.MaxSize
	}
	return DefaultMaxSize
}

func (p *Parser) maxDepth() int {
	if p.MaxDepth > 0 {
		return p.MaxDepth
	}
	return DefaultMaxDepth
}

func (p *Parser) maxElements() int {
	if p.MaxElements > 0 {
		return p.MaxElements
	}
	return DefaultMaxElements
}

// Parse reads one e-invoice with a zero Parser: default limits, and no
// direction (see Parser).
func Parse(r io.Reader) (invoicesync.Invoice, error) {
	var p Parser
	return p.Parse(r)
}

// Parse reads one e-invoice: a UBL 2.1 Invoice or CreditNote, or a CII
// CrossIndustryInvoice (Factur-X and ZUGFeRD 2.x profiles, XRechnung). The
// syntax is detected from the root element. A PDF ("%PDF-" at its start)
// is read for the invoice it embeds: the file named factur-x.xml, zugferd-invoice.xml or xrechnung.xml, else the first
// whose root is an e-invoice's; the PDF itself is then the invoice's first
// attachment (without a file name: a Source gives it the file's), and
// Metadata["container"] is "pdf", Metadata["embedded"] the embedded file's
// name.
//
// Every business term the model holds is copied as declared, nothing is
// recomputed: a line's net amount (BT-131) stays what the file says even
// when it differs from quantity × price. Parse does not check the totals
// against each other; Check does, and the entry builder does too. The
// invoice's ID is empty (a Source sets it to the file's path), its Status
// is sent, and Metadata holds "syntax" and "profile" (BT-24).
//
// Every failure is a *ParseError. One of a document that cannot be read
// matches invoicesync.ErrUnreadable (errors.Is(err, ErrLimit) tells a
// safety limit); one of a document read whole but refused carries its code
// (ParseError.Code): sub-lines that do not add up to their group, an amount
// in another currency than the invoice's.
func (p *Parser) Parse(r io.Reader) (invoicesync.Invoice, error) {
	data, err := io.ReadAll(io.LimitReader(r, p.maxSize()+1))
	if err != nil {
		return invoicesync.Invoice{}, &ParseError{Reason: "reading the file: " + err.Error(), Err: err}
	}
	return p.parseBytes(data)
}

// parseBytes parses a whole document read with a limit of MaxSize+1 bytes.
func (p *Parser) parseBytes(data []byte) (invoicesync.Invoice, error) {
	if int64(len(data)) > p.maxSize() {
		return invoicesync.Invoice{}, &ParseError{Reason: fmt.Sprintf("larger than the limit of %d bytes", p.maxSize()), Err: ErrLimit}
	}
	if isPDF(data) {
		return p.parsePDF(data)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	if first := firstByte(data); first == '{' {
		return p.parseGOBL(data)
	}
	return p.parseXML(data)
}

// parseXML parses a UBL or CII document.
func (p *Parser) parseXML(data []byte) (invoicesync.Invoice, error) {
	root, err := p.readXML(data)
	if err != nil {
		return invoicesync.Invoice{}, err
	}
	var inv invoicesync.Invoice
	var syntax Syntax
	switch {
	case root.local == "Invoice" && root.space == "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2":
		syntax = UBLInvoice
	case root.local == "CreditNote" && root.space == "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2":
		syntax = UBLCreditNote
	case root.local == "CrossIndustryInvoice" && root.space == "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100":
		syntax = CII
	case root.local == "CrossIndustryDocument":
		return inv, &ParseError{Path: root.path(), Line: root.line,
			Reason: "a ZUGFeRD 1.0 document (CrossIndustryDocument): only ZUGFeRD 2.x / Factur-X (CrossIndustryInvoice) is read"}
	default:
		return inv, &ParseError{Path: root.path(), Line: root.line,
			Reason: fmt.Sprintf("not an e-invoice: the root element is {%s}%s, not a UBL Invoice or CreditNote or a CII CrossIndustryInvoice", root.space, root.local)}
	}
	r := &reader{p: p, inv: &inv}
	if syntax == CII {
		r.cii(root)
	} else {
		r.ubl(root, syntax == UBLCreditNote)
	}
	if r.err != nil {
		return invoicesync.Invoice{}, r.err
	}
	r.direct()
	sortAttachments(inv.Attachments)
	inv.Status = invoicesync.StatusSent
	if inv.Metadata == nil {
		inv.Metadata = map[string]string{}
	}
	inv.Metadata["syntax"] = string(syntax)
	return inv, nil
}

func firstByte(data []byte) byte {
	for _, b := range data {
		if b != ' ' && b != '\t' && b != '\r' && b != '\n' {
			return b
		}
	}
	return 0
}

// reader holds the state of one parse: the invoice being filled and the
// first problem met.
type reader struct {
	p             *Parser
	inv           *invoicesync.Invoice
	err           *ParseError
	seller, buyer invoicesync.Party
	sellerIDs     []string // BT-29 party identifiers
	buyerIDs      []string // BT-46
	docAccount    string   // BT-19 buyer accounting reference
}

// fail records the first problem.
func (r *reader) fail(n *node, path, reason string) {
	if r.err != nil {
		return
	}
	e := &ParseError{Reason: reason}
	if n != nil {
		e.Line = n.line
		e.Path = n.path()
		if path != "" {
			e.Path += "/" + path
		}
	} else {
		e.Path = path
	}
	r.err = e
}

// refuse records the first problem of a document read whole whose content
// cannot be posted as it stands: a ParseError with the code, the element
// at fault and the two figures (or currencies) that disagree.
func (r *reader) refuse(n *node, code invoicesync.ErrorCode, reason, value, expected string) {
	if r.err != nil {
		return
	}
	r.err = &ParseError{Path: pathOf(n), Reason: reason, Code: code, Value: value, Expected: expected}
	if n != nil {
		r.err.Line = n.line
	}
}

// missing records a missing mandatory element path below n.
func (r *reader) missing(n *node, bt, what, path string) {
	if r.err != nil {
		return
	}
	e := &ParseError{Reason: fmt.Sprintf("%s %s is missing", bt, what), Err: ErrMissing}
	if n != nil {
		e.Line, e.Path = n.line, n.path()+"/"+path
	}
	r.err = e
}

// present returns the element at path below n when it has text; else nil,
// recording a missing-element problem when the element is required.
func (r *reader) present(n *node, bt, what string, required bool, path ...string) *node {
	m := n.at(path...)
	if m == nil || m.text == "" {
		if required {
			r.missing(n, bt, what, strings.Join(prefixed(n, path), "/"))
		}
		return nil
	}
	return m
}

// required returns the text at path below n, recording a problem when it is
// missing or empty.
func (r *reader) required(n *node, bt, what string, path ...string) string {
	if m := r.present(n, bt, what, true, path...); m != nil {
		return m.text
	}
	return ""
}

// prefixed writes path with the prefix of its syntax, for messages.
func prefixed(n *node, path []string) []string {
	pre := "cbc:"
	var root *node
	for m := n; m != nil; m = m.parent {
		root = m
	}
	if root != nil && root.local == "CrossIndustryInvoice" {
		pre = "ram:"
	}
	out := make([]string, len(path))
	for i, s := range path {
		out[i] = s
		if !strings.Contains(s, ":") {
			p := pre
			switch {
			case pre == "cbc:" && i < len(path)-1:
				p = "cac:"
			case pre == "ram:" && (s == "DateTimeString" || s == "Indicator"):
				p = "udt:"
			}
			out[i] = p + s
		}
	}
	return out
}

// amount reads a decimal amount (xsd:decimal: digits, one optional point,
// an optional sign; no exponent). Absent: zero, or a problem when required.
// An amount whose currencyID is not the invoice currency (BT-5) is refused
// (see amountIn).
func (r *reader) amount(n *node, bt string, required bool, path ...string) decimal.Decimal {
	return r.amountIn(n, bt, "", required, path...)
}

// amountIn reads a decimal amount like amount, in the invoice currency
// (BT-5) or in other, when not empty: the VAT accounting currency (BT-6)
// of the VAT total BT-111. Every amount of an invoice is in its currency
// but BT-111, and UBL writes the currency on each (currencyID, which CII
// allows): an amount in another currency is refused with
// ERROR_SYNC_INVOICE_CURRENCY_VALIDATION, since posting its figure in the
// invoice currency would post another sum.
func (r *reader) amountIn(n *node, bt, other string, required bool, path ...string) decimal.Decimal {
	m := r.present(n, bt, "amount", required, path...)
	if m == nil {
		return decimal.Zero
	}
	if cur := strings.TrimSpace(m.attr("currencyID")); cur != "" && r.inv.Currency != "" &&
		!strings.EqualFold(cur, r.inv.Currency) && (other == "" || !strings.EqualFold(cur, other)) {
		want := r.inv.Currency
		if other != "" {
			want += " or " + other
		}
		r.refuse(m, invoicesync.CodeCurrencyValidation,
			fmt.Sprintf("%s is an amount in %s, not in the invoice currency %s (BT-5): every amount of an invoice is in its currency, but the VAT total in the VAT accounting currency (BT-111)", bt, clip(cur), r.inv.Currency),
			clip(cur), want)
		return decimal.Zero
	}
	d, ok := parseDecimal(m.text)
	if !ok {
		r.fail(m, "", fmt.Sprintf("%s %q is not a decimal number", bt, clip(m.text)))
		return decimal.Zero
	}
	return d
}

// percent reads a rate in percent; null when absent.
func (r *reader) percent(n *node, bt string, path ...string) decimal.NullDecimal {
	m := r.present(n, bt, "rate", false, path...)
	if m == nil {
		return decimal.NullDecimal{}
	}
	d, ok := parseDecimal(m.text)
	if !ok {
		r.fail(m, "", fmt.Sprintf("%s %q is not a decimal number", bt, clip(m.text)))
		return decimal.NullDecimal{}
	}
	return decimal.NewNullDecimal(d)
}

// maxDigits bounds a number's length: an amount has at most 19 digits
// before the point in any real invoice, and shopspring decimals are exact
// at any size, so this only keeps hostile inputs small.
const maxDigits = 40

func parseDecimal(s string) (decimal.Decimal, bool) {
	if len(s) == 0 || len(s) > maxDigits {
		return decimal.Decimal{}, false
	}
	digits, point := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point:
			point = true
		case (c == '-' || c == '+') && i == 0:
		default:
			return decimal.Decimal{}, false
		}
	}
	if digits == 0 {
		return decimal.Decimal{}, false
	}
	d, err := decimal.NewFromString(strings.TrimPrefix(s, "+"))
	return d, err == nil
}

// written writes an amount with the decimals it was read with ("100.00",
// not "100"), as the document writes it.
func written(d decimal.Decimal) string {
	return d.StringFixed(max(0, -d.Exponent()))
}

// clip shortens a value quoted in a message: a value longer than 40 bytes
// is cut to its longest prefix of at most 40 bytes that ends on a rune
// boundary (an invalid byte counts as one rune, as in a range loop), so the
// cut never splits a UTF-8 sequence, and "…" is appended.
func clip(s string) string {
	const most = 40
	if len(s) <= most {
		return s
	}
	cut := 0
	for i := range s {
		if i > most {
			break
		}
		cut = i
	}
	return s[:cut] + "…"
}

// isoDate reads an xsd:date (UBL): YYYY-MM-DD, optionally with a time zone,
// which is dropped: an invoice date is a calendar date.
func (r *reader) isoDate(n *node, bt, what string, required bool, path ...string) time.Time {
	m := r.present(n, bt, what, required, path...)
	if m == nil {
		return time.Time{}
	}
	s := m.text
	if len(s) >= 10 {
		if t, err := time.Parse(time.DateOnly, s[:10]); err == nil && validZone(s[10:]) {
			return t
		}
	}
	r.fail(m, "", fmt.Sprintf("%s %s %q is not a date (YYYY-MM-DD)", bt, what, clip(s)))
	return time.Time{}
}

func validZone(z string) bool {
	if z == "" || z == "Z" {
		return true
	}
	if len(z) != 6 || (z[0] != '+' && z[0] != '-') || z[3] != ':' {
		return false
	}
	_, err := time.Parse("15:04", z[1:])
	return err == nil
}

// ciiDate reads a udt:DateTimeString (CII) in format 102 (YYYYMMDD), the
// only one EN 16931 allows for dates.
func (r *reader) ciiDate(n *node, bt, what string, required bool, path ...string) time.Time {
	m := r.present(n, bt, what, required, path...)
	if m == nil {
		return time.Time{}
	}
	if f := m.attr("format"); f != "" && f != "102" {
		r.fail(m, "", fmt.Sprintf("%s %s has date format %q; EN 16931 dates use format 102 (YYYYMMDD)", bt, what, clip(f)))
		return time.Time{}
	}
	t, err := time.Parse("20060102", m.text)
	if err != nil {
		r.fail(m, "", fmt.Sprintf("%s %s %q is not a date (YYYYMMDD)", bt, what, clip(m.text)))
		return time.Time{}
	}
	return t
}

// kindOf maps a UNTDID 1001 document type code (BT-3) to a Kind. The codes
// are those EN 16931 and its national profiles use; a credit note is one of
// the credit codes, everything else an invoice (commercial, corrected 384,
// self-billed 389, partial 875, prepayment 386, ...).
func kindOf(code string) (invoicesync.Kind, bool) {
	switch code {
	case "81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532":
		return invoicesync.KindCreditNote, true
	case "71", "80", "82", "84", "102", "130", "202", "203", "204", "211", "218", "219", "295", "325", "326",
		"331", "380", "382", "383", "384", "385", "386", "387", "388", "389", "390", "393", "394", "395",
		"456", "457", "527", "575", "623", "633", "751", "780", "875", "876", "877", "935":
		return invoicesync.KindInvoice, true
	}
	return "", false
}

// typeCode reads BT-3 into the invoice's TypeCode and Kind; a UBL
// CreditNote is a credit note whatever its code says.
func (r *reader) typeCode(n *node, creditNote bool, path ...string) {
	code := r.required(n, "BT-3", "invoice type code", path...)
	if code == "" {
		return
	}
	kind, ok := kindOf(code)
	if !ok {
		r.fail(n.at(path...), "", fmt.Sprintf("BT-3 invoice type code %q is not a UNTDID 1001 invoice or credit note code", clip(code)))
		return
	}
	if creditNote {
		kind = invoicesync.KindCreditNote
	}
	r.inv.TypeCode, r.inv.Kind = code, kind
}

// currency reads an ISO 4217 code.
func (r *reader) currency(n *node, bt, what string, required bool, path ...string) string {
	var c string
	if required {
		c = r.required(n, bt, what, path...)
	} else {
		c = n.str(path...)
	}
	if c != "" && !isCurrency(c) {
		r.fail(n.at(path...), "", fmt.Sprintf("%s %s %q is not an ISO 4217 code", bt, what, clip(c)))
		return ""
	}
	return c
}

func isCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}

// attachment decodes an embedded binary object (BT-125).
func (r *reader) attachment(obj *node, a *invoicesync.AttachmentRef) {
	a.MediaType, a.FileName = obj.attr("mimeCode"), obj.attr("filename")
	clean := strings.Map(func(c rune) rune {
		if unicode.IsSpace(c) {
			return -1
		}
		return c
	}, obj.text)
	data, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		r.fail(obj, "", "BT-125 attached document is not valid base64: "+err.Error())
		return
	}
	a.Data = data
}

// addAttachment adds a referenced document that is embedded or has a URL;
// a reference to neither (an invoiced object, a tender) is no document.
func (r *reader) addAttachment(a invoicesync.AttachmentRef) {
	if a.Data != nil || a.URL != "" {
		r.inv.Attachments = append(r.inv.Attachments, a)
	}
}

// sortAttachments puts PDFs first, keeping the document order otherwise:
// the invoice's PDF rendition is the one a ledger attaches.
func sortAttachments(list []invoicesync.AttachmentRef) {
	slices.SortStableFunc(list, func(a, b invoicesync.AttachmentRef) int {
		return pdfRank(a) - pdfRank(b)
	})
}

func pdfRank(a invoicesync.AttachmentRef) int {
	if strings.EqualFold(a.MediaType, "application/pdf") || strings.HasSuffix(strings.ToLower(a.FileName), ".pdf") {
		return 0
	}
	return 1
}

// acNames are the element names of an allowance or charge in one syntax.
type acNames struct {
	indicator                         []string // the path of the true/false indicator
	amount, base, percent             string
	reason, reasonCode                string
	tax, taxCategory, taxRate, prefix string // the VAT element and its children; prefix for messages
}

var (
	ublAC = acNames{indicator: []string{"ChargeIndicator"}, amount: "Amount", base: "BaseAmount", percent: "MultiplierFactorNumeric",
		reason: "AllowanceChargeReason", reasonCode: "AllowanceChargeReasonCode", tax: "TaxCategory", taxCategory: "ID", taxRate: "Percent",
		prefix: "cbc:ChargeIndicator"}
	ciiAC = acNames{indicator: []string{"ChargeIndicator", "Indicator"}, amount: "ActualAmount", base: "BasisAmount", percent: "CalculationPercent",
		reason: "Reason", reasonCode: "ReasonCode", tax: "CategoryTradeTax", taxCategory: "CategoryCode", taxRate: "RateApplicablePercent",
		prefix: "ram:ChargeIndicator/udt:Indicator"}
)

// allowanceCharge reads an allowance or charge (BG-20/21 with doc, else
// BG-27/28) and adds it to allowances or charges. Document-level ones
// carry their VAT category and rate; line-level ones take their line's.
func (r *reader) allowanceCharge(ac *node, n *acNames, doc bool, allowances, charges *[]invoicesync.AllowanceCharge) {
	var a invoicesync.AllowanceCharge
	ind := strings.TrimSpace(ac.str(n.indicator...))
	charge := ind == "true" || ind == "1"
	if !charge && ind != "false" && ind != "0" {
		r.fail(ac, n.prefix, "the charge indicator must be true or false")
	}
	bt := map[[2]bool]string{{false, true}: "BT-92", {true, true}: "BT-99", {false, false}: "BT-136", {true, false}: "BT-141"}[[2]bool{charge, doc}]
	a.Amount = r.amount(ac, bt, true, n.amount)
	a.BaseAmount = r.amount(ac, "BT-93", false, n.base)
	if pct := r.percent(ac, "BT-94", n.percent); pct.Valid {
		a.Percent = pct.Decimal
	}
	a.Reason, a.ReasonCode = ac.str(n.reason), ac.str(n.reasonCode)
	if tax := ac.child(n.tax); doc && tax != nil {
		a.VATCategory = tax.str(n.taxCategory)
		a.VATRate = r.percent(tax, "BT-96", n.taxRate)
	}
	if charge {
		*charges = append(*charges, a)
	} else {
		*allowances = append(*allowances, a)
	}
}

// registrationSchemes are the ISO 6523 ICD schemes of national company
// registers: a party identifier (BT-29/BT-46) in one of them stands for the
// legal registration (BT-30/BT-47) when the invoice gives none.
var registrationSchemes = map[string]bool{
	"0002": true, "0007": true, "0009": true, "0037": true, "0106": true,
	"0183": true, "0184": true, "0192": true, "0208": true,
}

// party completes a party read from either syntax: the registration from
// a party identifier when missing, and the country from the address.
func completeParty(p *invoicesync.Party, ids []idWithScheme) {
	if p.RegistrationID == "" {
		for _, id := range ids {
			if registrationSchemes[id.scheme] {
				p.RegistrationID, p.RegistrationScheme = id.id, id.scheme
				break
			}
		}
	}
	if p.Country == "" {
		p.Country = p.Address.Country
	}
}

type idWithScheme struct{ id, scheme string }

// direct decides the invoice's direction, its party (the other side) and
// its company (the own side: the seller of a sale, the buyer of a
// purchase), see Parser.Company. Without a direction both are nil.
func (r *reader) direct() {
	p, inv := r.p, r.inv
	sellerOwn := p.isCompany(&r.seller, r.sellerIDs)
	buyerOwn := p.isCompany(&r.buyer, r.buyerIDs)
	switch {
	case sellerOwn && !buyerOwn:
		inv.Direction = invoicesync.Sales
	case buyerOwn && !sellerOwn:
		inv.Direction = invoicesync.Purchase
	default:
		inv.Direction = p.Direction
	}
	switch inv.Direction {
	case invoicesync.Sales:
		b, s := r.buyer, r.seller
		inv.Party, inv.Company = &b, &s
	case invoicesync.Purchase:
		s, b := r.seller, r.buyer
		inv.Party, inv.Company = &s, &b
	}
	if inv.Direction == invoicesync.Purchase && r.docAccount != "" {
		for i := range inv.Lines {
			if inv.Lines[i].AccountNumber == "" {
				inv.Lines[i].AccountNumber = r.docAccount
			}
		}
	}
	if inv.Direction != invoicesync.Purchase {
		// BT-133 and BT-19 are the buyer's accounts: meaningless to the seller.
		for i := range inv.Lines {
			inv.Lines[i].AccountNumber = ""
		}
	}
}

// isCompany reports whether the party carries one of the company's ids.
func (p *Parser) isCompany(party *invoicesync.Party, ids []string) bool {
	if len(p.Company) == 0 {
		return false
	}
	var mine []string
	if party.VATNumber != "" {
		if v, err := matching.NormalizeVAT(party.VATNumber, party.Country); err == nil {
			mine = append(mine, v.Prefix+v.Number)
		}
		mine = append(mine, alnum(party.VATNumber))
	}
	if party.RegistrationID != "" {
		mine = append(mine, alnum(party.RegistrationID))
	}
	for _, id := range ids {
		mine = append(mine, alnum(id))
	}
	for _, own := range p.Company {
		cands := []string{alnum(own)}
		if v, err := matching.NormalizeVAT(own, ""); err == nil {
			cands = append(cands, v.Prefix+v.Number)
		}
		for _, c := range cands {
			if c != "" && slices.Contains(mine, c) {
				return true
			}
		}
	}
	return false
}

// alnum keeps the letters and digits of s, upper-cased.
func alnum(s string) string {
	return strings.Map(func(c rune) rune {
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z':
			return c
		case c >= 'a' && c <= 'z':
			return c - 'a' + 'A'
		}
		return -1
	}, s)
}

// ErrLimit is wrapped by the ParseError of an input beyond a safety limit
// of the Parser (size, nesting depth, element count, and for a PDF the
// size of its embedded file and of its inflated streams).
var ErrLimit = errors.New("einvoice: safety limit exceeded")

// ErrMissing is wrapped by the ParseError of a mandatory element that is
// absent or empty.
var ErrMissing = errors.New("einvoice: mandatory element missing")
