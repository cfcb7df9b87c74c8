package einvoice

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
)

// This file reads GOBL documents (github.com/invopop/gobl): a bill/invoice,
// bare or wrapped in an envelope, as GOBL calculates it. Every figure is
// taken from the document as declared; nothing is recomputed.

// goblValue holds a JSON value as written: GOBL writes amounts and
// percentages as strings ("1620.00", "19%"), and a number is tolerated.
// It is read later, when the JSON pointer naming it is known.
type goblValue struct{ raw json.RawMessage }

// UnmarshalJSON keeps a copy of the value.
func (v *goblValue) UnmarshalJSON(b []byte) error {
	v.raw = append(v.raw[:0], b...)
	return nil
}

// present reports whether the value is there and not null.
func (v goblValue) present() bool {
	return len(v.raw) > 0 && !bytes.Equal(v.raw, []byte("null"))
}

// text returns the value's text: a string's content or a number's literal;
// ok is false for any other JSON value.
func (v goblValue) text() (string, bool) {
	if len(v.raw) == 0 {
		return "", false
	}
	switch c := v.raw[0]; {
	case c == '"':
		var s string
		if err := json.Unmarshal(v.raw, &s); err != nil {
			return "", false
		}
		return strings.TrimSpace(s), true
	case c == '-' || c >= '0' && c <= '9':
		return string(v.raw), true
	}
	return "", false
}

// goblExt is an extension map ("ext"): keys to codes.
type goblExt map[string]json.RawMessage

// get returns the code under key, empty when absent or not a string.
func (e goblExt) get(key string) string {
	var s string
	if raw, ok := e[key]; ok && json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	return ""
}

// goblFile is either a GOBL envelope, whose document is in Doc, or a bare
// document, read into the embedded goblInvoice. One decoding reads both,
// so that a syntax error's byte offset is the file's.
type goblFile struct {
	goblInvoice
	Doc *goblInvoice `json:"doc"`
}

// goblInvoice is the part of a GOBL bill/invoice that the model holds.
type goblInvoice struct {
	Schema    string   `json:"$schema"`
	Regime    string   `json:"$regime"`
	Addons    []string `json:"$addons"`
	Type      string   `json:"type"`
	Series    string   `json:"series"`
	Code      string   `json:"code"`
	IssueDate string   `json:"issue_date"`
	Currency  string   `json:"currency"`
	Tax       *struct {
		PricesInclude string `json:"prices_include"`
	} `json:"tax"`
	Supplier  *goblParty      `json:"supplier"`
	Customer  *goblParty      `json:"customer"`
	Lines     []goblLine      `json:"lines"`
	Discounts []goblAllowance `json:"discounts"`
	Charges   []goblAllowance `json:"charges"`
	Ordering  *struct {
		Cost string `json:"cost"`
	} `json:"ordering"`
	Payment *struct {
		Terms *struct {
			DueDates []struct {
				Date string `json:"date"`
			} `json:"due_dates"`
		} `json:"terms"`
	} `json:"payment"`
	Totals      *goblTotals      `json:"totals"`
	Attachments []goblAttachment `json:"attachments"`
}

type goblParty struct {
	Name  string `json:"name"`
	TaxID *struct {
		Country string `json:"country"`
		Code    string `json:"code"`
	} `json:"tax_id"`
	Identities []struct {
		Key  string  `json:"key"`
		Type string  `json:"type"`
		Code string  `json:"code"`
		Ext  goblExt `json:"ext"`
	} `json:"identities"`
	Emails []struct {
		Addr string `json:"addr"`
	} `json:"emails"`
	Inboxes []struct {
		Email string `json:"email"`
	} `json:"inboxes"`
	Addresses []struct {
		POBox       string `json:"po_box"`
		Num         string `json:"num"`
		Street      string `json:"street"`
		StreetExtra string `json:"street_extra"`
		Locality    string `json:"locality"`
		Region      string `json:"region"`
		Code        string `json:"code"`
		Country     string `json:"country"`
	} `json:"addresses"`
}

type goblLine struct {
	I        goblValue `json:"i"`
	Quantity goblValue `json:"quantity"`
	Item     *struct {
		Name  string    `json:"name"`
		Ref   string    `json:"ref"`
		Price goblValue `json:"price"`
	} `json:"item"`
	Discounts []goblAllowance `json:"discounts"`
	Charges   []goblAllowance `json:"charges"`
	Taxes     []goblCombo     `json:"taxes"`
	Total     goblValue       `json:"total"`
	Cost      string          `json:"cost"`
}

// goblAllowance is a discount or a charge, of a line or of the document.
type goblAllowance struct {
	Key     string      `json:"key"`
	Code    string      `json:"code"`
	Reason  string      `json:"reason"`
	Base    goblValue   `json:"base"`
	Percent goblValue   `json:"percent"`
	Amount  goblValue   `json:"amount"`
	Taxes   []goblCombo `json:"taxes"` // document level only
	Ext     goblExt     `json:"ext"`
}

// goblCombo is one tax applied to a line, discount or charge.
type goblCombo struct {
	Cat     string    `json:"cat"`
	Key     string    `json:"key"`
	Rate    string    `json:"rate"`
	Percent goblValue `json:"percent"`
	Ext     goblExt   `json:"ext"`
}

type goblTotals struct {
	Sum          goblValue `json:"sum"`
	Discount     goblValue `json:"discount"`
	Charge       goblValue `json:"charge"`
	Total        goblValue `json:"total"`
	Tax          goblValue `json:"tax"`
	TotalWithTax goblValue `json:"total_with_tax"`
	Rounding     goblValue `json:"rounding"`
	Payable      goblValue `json:"payable"`
	Advance      goblValue `json:"advance"`
	Due          goblValue `json:"due"`
	RetainedTax  goblValue `json:"retained_tax"`
	Taxes        *struct {
		Categories []struct {
			Code     string `json:"code"`
			Retained bool   `json:"retained"`
			Rates    []struct {
				Key     string    `json:"key"`
				Ext     goblExt   `json:"ext"`
				Base    goblValue `json:"base"`
				Percent goblValue `json:"percent"`
				Amount  goblValue `json:"amount"`
			} `json:"rates"`
		} `json:"categories"`
	} `json:"taxes"`
}

type goblAttachment struct {
	UUID        string `json:"uuid"`
	Key         string `json:"key"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description"`
	URL         string `json:"url"`
	MIME        string `json:"mime"`
}

// goblReader holds the state of one GOBL parse: the JSON pointer of the
// document and the first problem met.
type goblReader struct {
	base string // "/doc" in an envelope, "" for a bare document
	err  *ParseError
}

func (g *goblReader) fail(path, reason string) {
	if g.err == nil {
		g.err = &ParseError{Path: g.base + path, Reason: reason}
	}
}

// refuse records a problem of a document read whole that cannot be posted
// as it stands, with its code.
func (g *goblReader) refuse(path string, code invoicesync.ErrorCode, reason, value, expected string) {
	if g.err == nil {
		g.err = &ParseError{Path: g.base + path, Reason: reason, Code: code, Value: value, Expected: expected}
	}
}

func (g *goblReader) missing(path, reason string) {
	if g.err == nil {
		g.err = &ParseError{Path: g.base + path, Reason: reason, Err: ErrMissing}
	}
}

// amount reads a decimal amount; absent: zero, or a problem when required.
func (g *goblReader) amount(v goblValue, path, bt, what string, required bool) decimal.Decimal {
	if !v.present() {
		if required {
			g.missing(path, fmt.Sprintf("%s %s is missing", bt, what))
		}
		return decimal.Zero
	}
	s, ok := v.text()
	if !ok {
		g.fail(path, fmt.Sprintf("%s %s must be a decimal number written as a JSON string, not %s", bt, what, clip(string(v.raw))))
		return decimal.Zero
	}
	d, ok := parseDecimal(s)
	if !ok {
		g.fail(path, fmt.Sprintf("%s %s %q is not a decimal number", bt, what, clip(s)))
		return decimal.Zero
	}
	return d
}

// percent reads a GOBL percentage: "19%" is 19; without the sign the value
// is a factor, as GOBL reads it: "0.19" is 19. Null when absent.
func (g *goblReader) percent(v goblValue, path, bt, what string) decimal.NullDecimal {
	if !v.present() {
		return decimal.NullDecimal{}
	}
	s, ok := v.text()
	if !ok {
		g.fail(path, fmt.Sprintf("%s %s must be a percentage written as a JSON string such as \"19%%\", not %s", bt, what, clip(string(v.raw))))
		return decimal.NullDecimal{}
	}
	num, sign := strings.CutSuffix(s, "%")
	d, ok := parseDecimal(strings.TrimSpace(num))
	if !ok {
		g.fail(path, fmt.Sprintf("%s %s %q is not a percentage", bt, what, clip(s)))
		return decimal.NullDecimal{}
	}
	if !sign {
		d = d.Shift(2)
	}
	return decimal.NewNullDecimal(d)
}

// date reads a GOBL date (YYYY-MM-DD).
func (g *goblReader) date(s, path, bt, what string, required bool) time.Time {
	if s == "" {
		if required {
			g.missing(path, fmt.Sprintf("%s %s is missing", bt, what))
		}
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		g.fail(path, fmt.Sprintf("%s %s %q is not a date (YYYY-MM-DD)", bt, what, clip(s)))
		return time.Time{}
	}
	return t
}

// goblTypes maps the GOBL invoice types that are invoices to post to their
// UNTDID 1001 code (BT-3). A proforma is not one.
var goblTypes = map[string]string{
	"standard":    "380",
	"credit-note": "381",
	"corrective":  "384",
	"debit-note":  "383",
}

// parseGOBL reads a GOBL bill/invoice, bare or in an envelope. JSON is
// UTF-8 (RFC 8259): a document with bytes that are not is refused, as an
// XML document is, rather than read with the bytes replaced.
func (p *Parser) parseGOBL(data []byte) (invoicesync.Invoice, error) {
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return invoicesync.Invoice{}, &ParseError{Reason: fmt.Sprintf("malformed JSON: invalid UTF-8 at byte offset %d", off)}
	}
	var f goblFile
	if err := json.Unmarshal(data, &f); err != nil {
		return invoicesync.Invoice{}, goblJSONError(err)
	}
	g := &goblReader{}
	doc := &f.goblInvoice
	switch {
	case strings.HasSuffix(f.Schema, "envelope"):
		g.base = "/doc"
		if f.Doc == nil {
			return invoicesync.Invoice{}, &ParseError{Path: "/doc", Err: ErrMissing,
				Reason: "the GOBL envelope has no document"}
		}
		doc = f.Doc
		if !strings.HasSuffix(doc.Schema, "bill/invoice") {
			return invoicesync.Invoice{}, &ParseError{Path: "/doc/$schema",
				Reason: fmt.Sprintf("not an invoice: the GOBL envelope holds a %q document, not a bill/invoice", clip(doc.Schema))}
		}
	case strings.HasSuffix(f.Schema, "bill/invoice"):
	case f.Schema == "":
		return invoicesync.Invoice{}, &ParseError{Path: "/$schema",
			Reason: "not an e-invoice: a JSON document without a GOBL $schema"}
	default:
		return invoicesync.Invoice{}, &ParseError{Path: "/$schema",
			Reason: fmt.Sprintf("not an invoice: the GOBL schema is %q, not an envelope or a bill/invoice", clip(f.Schema))}
	}

	var inv invoicesync.Invoice
	r := &reader{p: p, inv: &inv}
	g.invoice(r, doc)
	if g.err != nil {
		return invoicesync.Invoice{}, g.err
	}
	r.direct()
	sortAttachments(inv.Attachments)
	inv.Status = invoicesync.StatusSent
	inv.Metadata = map[string]string{"syntax": "gobl"}
	var profile []string
	for _, s := range append([]string{doc.Regime}, doc.Addons...) {
		if s != "" {
			profile = append(profile, s)
		}
	}
	if len(profile) > 0 {
		inv.Metadata["profile"] = strings.Join(profile, ",")
	}
	return inv, nil
}

// goblJSONError turns a decoding error into a ParseError.
func goblJSONError(err error) *ParseError {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return &ParseError{Reason: fmt.Sprintf("malformed JSON after byte offset %d: %s", syntax.Offset, strings.TrimPrefix(syntax.Error(), "json: ")), Err: err}
	case errors.As(err, &typ):
		want := "another type"
		if typ.Type != nil {
			want = goblKind(typ.Type.Kind().String())
		}
		e := &ParseError{Reason: fmt.Sprintf("malformed GOBL document at byte offset %d: a JSON %s where %s is expected", typ.Offset, typ.Value, want), Err: err}
		if typ.Field != "" {
			e.Path = "/" + strings.ReplaceAll(typ.Field, ".", "/")
		}
		return e
	}
	return &ParseError{Reason: "malformed JSON: " + strings.TrimPrefix(err.Error(), "json: "), Err: err}
}

func goblKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	case "bool":
		return "true or false"
	}
	return "a " + k
}

// invoice reads the document into r.inv, r.seller and r.buyer.
func (g *goblReader) invoice(r *reader, doc *goblInvoice) {
	inv := r.inv
	switch code, ok := goblTypes[doc.Type]; {
	case doc.Type == "":
		g.missing("/type", "BT-3 invoice type is missing")
	case doc.Type == "proforma":
		g.fail("/type", "a proforma invoice is not an invoice to post (BT-3: GOBL type \"proforma\")")
	case !ok:
		g.fail("/type", fmt.Sprintf("BT-3 invoice type %q is not one of the GOBL invoice types standard, credit-note, corrective or debit-note", clip(doc.Type)))
	default:
		inv.TypeCode = code
		inv.Kind = invoicesync.KindInvoice
		if code == "381" {
			inv.Kind = invoicesync.KindCreditNote
		}
	}
	switch {
	case doc.Code == "":
		g.missing("/code", "BT-1 invoice number is missing")
	case doc.Series != "":
		inv.Number = doc.Series + "-" + doc.Code // GOBL's presentation of a series
	default:
		inv.Number = doc.Code
	}
	inv.IssueDate = g.date(doc.IssueDate, "/issue_date", "BT-2", "issue date", true)
	if pay := doc.Payment; pay != nil && pay.Terms != nil && len(pay.Terms.DueDates) > 0 {
		inv.DueDate = g.date(pay.Terms.DueDates[0].Date, "/payment/terms/due_dates/0/date", "BT-9", "payment due date", false)
	}
	switch {
	case doc.Currency == "":
		g.missing("/currency", "BT-5 invoice currency code is missing")
	case !isCurrency(doc.Currency):
		g.fail("/currency", fmt.Sprintf("BT-5 invoice currency code %q is not an ISO 4217 code", clip(doc.Currency)))
	default:
		inv.Currency = doc.Currency
	}
	if doc.Tax != nil && doc.Tax.PricesInclude != "" {
		// The line totals are then gross: GOBL states no line's net amount,
		// only the breakdown's net bases, which need not add up to the
		// invoice's net total (its own peppol example declares bases of
		// 1,338.84 and 9.43 for a net total of 1,348.28). Working out net
		// lines would be recomputing, and could not be exact.
		g.refuse("/tax/prices_include", invoicesync.CodeLineValidation,
			fmt.Sprintf("the prices include %s (tax.prices_include): the line totals include the tax, and GOBL states no net amount for them (BT-131), which an entry needs; export the invoice with prices without tax", clip(doc.Tax.PricesInclude)),
			clip(doc.Tax.PricesInclude), "")
	}
	if doc.Ordering != nil {
		r.docAccount = doc.Ordering.Cost // BT-19
	}

	if doc.Supplier == nil {
		g.missing("/supplier", "BG-4 seller (supplier) is missing")
	} else {
		r.seller, r.sellerIDs = g.party(doc.Supplier, "/supplier", "BT-27", "seller")
	}
	if doc.Customer != nil { // absent from a simplified invoice
		r.buyer, r.buyerIDs = g.party(doc.Customer, "/customer", "BT-44", "buyer")
	}

	// An invoice without lines is read as one: the entry builder refuses
	// it for that reason, as it does a Factur-X MINIMUM.
	for i := range doc.Lines {
		inv.Lines = append(inv.Lines, g.line(&doc.Lines[i], i))
	}
	for i := range doc.Discounts {
		inv.Allowances = append(inv.Allowances, g.allowance(&doc.Discounts[i], fmt.Sprintf("/discounts/%d", i), false, true))
	}
	for i := range doc.Charges {
		inv.Charges = append(inv.Charges, g.allowance(&doc.Charges[i], fmt.Sprintf("/charges/%d", i), true, true))
	}
	g.totals(inv, doc.Totals)
	for _, a := range doc.Attachments {
		id := a.Code
		if id == "" {
			id = a.Key
		}
		if id == "" {
			id = a.UUID
		}
		inv.Attachments = append(inv.Attachments, invoicesync.AttachmentRef{
			ID: id, FileName: a.Name, MediaType: a.MIME, Description: a.Description, URL: a.URL,
		})
	}
}

// goblIdentitySchemes maps GOBL identity types to their ISO 6523 ICD, for
// those that name a national company register.
var goblIdentitySchemes = map[string]string{"SIREN": "0002", "SIRET": "0009"}

// party reads a supplier or customer.
func (g *goblReader) party(gp *goblParty, path, bt, role string) (invoicesync.Party, []string) {
	var p invoicesync.Party
	p.Name = strings.TrimSpace(gp.Name)
	if p.Name == "" {
		g.missing(path+"/name", fmt.Sprintf("%s %s name is missing", bt, role))
	}
	if tid := gp.TaxID; tid != nil {
		country, code := strings.TrimSpace(tid.Country), strings.TrimSpace(tid.Code)
		if code != "" {
			// GOBL keeps the code without its country prefix: DE + 111111125,
			// NO + 923456783MVA.
			if country != "" && !strings.HasPrefix(strings.ToUpper(code), strings.ToUpper(country)) {
				code = country + code
			}
			p.VATNumber = code
		}
		p.Country = country
		if p.Country == "EL" { // Greece's VAT prefix, not its ISO 3166 code
			p.Country = "GR"
		}
	}
	var ids []idWithScheme
	var plain []string
	for _, id := range gp.Identities {
		if id.Code == "" {
			continue
		}
		scheme := id.Ext.get("iso-scheme-id")
		if scheme == "" {
			scheme = goblIdentitySchemes[strings.ToUpper(id.Type)]
		}
		if scheme == "" {
			scheme = id.Type
		}
		if scheme == "" {
			scheme = id.Key
		}
		ids = append(ids, idWithScheme{id.Code, scheme})
		plain = append(plain, id.Code)
	}
	for _, e := range gp.Emails {
		if e.Addr != "" {
			p.Email = e.Addr
			break
		}
	}
	if p.Email == "" {
		for _, in := range gp.Inboxes {
			if in.Email != "" {
				p.Email = in.Email
				break
			}
		}
	}
	if len(gp.Addresses) > 0 {
		a := gp.Addresses[0]
		street := strings.TrimSpace(a.Street)
		if street != "" && a.Num != "" {
			street += " " + strings.TrimSpace(a.Num)
		}
		for _, l := range []string{street, a.StreetExtra, a.POBox} {
			if l = strings.TrimSpace(l); l != "" {
				p.Address.Lines = append(p.Address.Lines, l)
			}
		}
		p.Address.City, p.Address.PostalCode = a.Locality, a.Code
		p.Address.Subdivision, p.Address.Country = a.Region, a.Country
	}
	completeParty(&p, ids)
	return p, plain
}

// line reads a line (BG-25).
func (g *goblReader) line(gl *goblLine, i int) invoicesync.Line {
	path := fmt.Sprintf("/lines/%d", i)
	var l invoicesync.Line
	if s, ok := gl.I.text(); ok && s != "" {
		l.ID = s
	} else {
		l.ID = strconv.Itoa(i + 1)
	}
	l.Quantity = g.amount(gl.Quantity, path+"/quantity", "BT-129", "invoiced quantity", false)
	if it := gl.Item; it != nil {
		l.Description = strings.TrimSpace(it.Name)
		l.ItemCode = it.Ref
		l.UnitPrice = g.amount(it.Price, path+"/item/price", "BT-146", "item net price", false)
	}
	l.NetAmount = g.amount(gl.Total, path+"/total", "BT-131", "line net amount", true)
	l.AccountNumber = gl.Cost // BT-133
	for j := range gl.Discounts {
		l.Allowances = append(l.Allowances, g.allowance(&gl.Discounts[j], fmt.Sprintf("%s/discounts/%d", path, j), false, false))
	}
	for j := range gl.Charges {
		l.Charges = append(l.Charges, g.allowance(&gl.Charges[j], fmt.Sprintf("%s/charges/%d", path, j), true, false))
	}
	l.VATCategory, l.VATRate = g.vat(gl.Taxes, path+"/taxes", "BT-152")
	return l
}

// allowance reads a discount or a charge; doc says whether it is at
// document level, where it carries its own VAT category and rate.
func (g *goblReader) allowance(ga *goblAllowance, path string, charge, doc bool) invoicesync.AllowanceCharge {
	var a invoicesync.AllowanceCharge
	bt := map[[2]bool][4]string{
		{false, true}:  {"BT-92", "BT-93", "BT-94", "document allowance"},
		{true, true}:   {"BT-99", "BT-100", "BT-101", "document charge"},
		{false, false}: {"BT-136", "BT-137", "BT-138", "line allowance"},
		{true, false}:  {"BT-141", "BT-142", "BT-143", "line charge"},
	}[[2]bool{charge, doc}]
	a.Amount = g.amount(ga.Amount, path+"/amount", bt[0], bt[3]+" amount", true)
	a.BaseAmount = g.amount(ga.Base, path+"/base", bt[1], bt[3]+" base amount", false)
	if pct := g.percent(ga.Percent, path+"/percent", bt[2], bt[3]+" percentage"); pct.Valid {
		a.Percent = pct.Decimal
	}
	a.Reason = strings.TrimSpace(ga.Reason)
	if a.Reason == "" {
		a.Reason = ga.Key
	}
	a.ReasonCode = ga.Ext.get("untdid-allowance")
	if charge {
		a.ReasonCode = ga.Ext.get("untdid-charge")
	}
	if a.ReasonCode == "" {
		a.ReasonCode = ga.Code
	}
	if doc {
		rateBT := "BT-96"
		if charge {
			rateBT = "BT-103"
		}
		a.VATCategory, a.VATRate = g.vat(ga.Taxes, path+"/taxes", rateBT)
	}
	return a
}

// vat reads the VAT category and rate of the first VAT tax of a line,
// discount or charge; both empty when there is none.
func (g *goblReader) vat(taxes []goblCombo, path, rateBT string) (string, decimal.NullDecimal) {
	for i, c := range taxes {
		if !strings.EqualFold(c.Cat, "VAT") {
			continue
		}
		rate := g.percent(c.Percent, fmt.Sprintf("%s/%d/percent", path, i), rateBT, "VAT rate")
		key := c.Key
		if key == "" {
			key = c.Rate // GOBL before the tax keys: the rate key
		}
		return goblCategory(c.Ext.get("untdid-tax-category"), key, rate), rate
	}
	return "", decimal.NullDecimal{}
}

// goblCategory returns the UNCL 5305 VAT category: the EN 16931 addon's
// extension when present, else from GOBL's tax key and the rate.
func goblCategory(ext, key string, rate decimal.NullDecimal) string {
	if ext != "" {
		return ext
	}
	switch key {
	case "zero":
		return "Z"
	case "exempt":
		return "E"
	case "reverse-charge":
		return "AE"
	case "intra-community":
		return "K"
	case "export":
		return "G"
	case "outside-scope":
		return "O"
	}
	switch {
	case !rate.Valid:
		return "E" // no rate: exempt
	case rate.Decimal.IsZero():
		return "Z" // S requires a rate above zero (BR-S-05)
	}
	return "S" // standard, or a rate key: general, reduced, super-reduced, ...
}

// totals reads the document totals (BG-22) and the VAT breakdown (BG-23).
func (g *goblReader) totals(inv *invoicesync.Invoice, gt *goblTotals) {
	if gt == nil {
		g.missing("/totals", "BG-22 document totals are missing")
		return
	}
	t := &inv.Totals
	t.LineTotal = g.amount(gt.Sum, "/totals/sum", "BT-106", "sum of line net amounts", len(inv.Lines) > 0)
	t.AllowanceTotal = g.amount(gt.Discount, "/totals/discount", "BT-107", "sum of allowances", false)
	t.ChargeTotal = g.amount(gt.Charge, "/totals/charge", "BT-108", "sum of charges", false)
	t.Net = g.amount(gt.Total, "/totals/total", "BT-109", "invoice total amount without VAT", true)
	t.VAT = g.amount(gt.Tax, "/totals/tax", "BT-110", "invoice total VAT amount", false)
	t.Gross = g.amount(gt.TotalWithTax, "/totals/total_with_tax", "BT-112", "invoice total amount with VAT", true)
	t.PayableRounding = g.amount(gt.Rounding, "/totals/rounding", "BT-114", "rounding amount", false)
	t.Prepaid = g.amount(gt.Advance, "/totals/advance", "BT-113", "paid amount", false)
	t.Payable = g.amount(gt.Payable, "/totals/payable", "BT-115", "amount due for payment", true)
	if gt.Due.present() {
		// GOBL's payable is before advances; its due is after them, which
		// is what EN 16931 calls the amount due for payment.
		t.Payable = g.amount(gt.Due, "/totals/due", "BT-115", "amount due for payment", false)
	}
	if gt.Taxes == nil {
		return
	}
	withheld := decimal.Zero
	for i, cat := range gt.Taxes.Categories {
		if cat.Retained {
			for j, rt := range cat.Rates {
				path := fmt.Sprintf("/totals/taxes/categories/%d/rates/%d", i, j)
				w := invoicesync.Withholding{
					Tax:    strings.TrimSpace(cat.Code),
					Rate:   g.percent(rt.Percent, path+"/percent", "withholding", "rate"),
					Base:   g.amount(rt.Base, path+"/base", "withholding", "base", false),
					Amount: g.amount(rt.Amount, path+"/amount", "withholding", "amount", true),
				}
				withheld = withheld.Add(w.Amount)
				inv.Withholdings = append(inv.Withholdings, w)
			}
			continue
		}
		if !strings.EqualFold(cat.Code, "VAT") {
			continue
		}
		for j, rt := range cat.Rates {
			path := fmt.Sprintf("/totals/taxes/categories/%d/rates/%d", i, j)
			rate := g.percent(rt.Percent, path+"/percent", "BT-119", "VAT category rate")
			inv.VATBreakdown = append(inv.VATBreakdown, invoicesync.VATSubtotal{
				Category:      goblCategory(rt.Ext.get("untdid-tax-category"), rt.Key, rate),
				Rate:          rate,
				TaxableAmount: g.amount(rt.Base, path+"/base", "BT-116", "VAT category taxable amount", true),
				TaxAmount:     g.amount(rt.Amount, path+"/amount", "BT-117", "VAT category tax amount", true),
			})
		}
	}
	if gt.RetainedTax.present() {
		declared := g.amount(gt.RetainedTax, "/totals/retained_tax", "withholding", "total", false)
		if g.err == nil && !declared.Equal(withheld) {
			g.refuse("/totals/retained_tax", invoicesync.CodeAmountValidation,
				fmt.Sprintf("the taxes withheld add up to %s but the document declares %s withheld (totals.retained_tax)", written(withheld), written(declared)),
				written(declared), written(withheld))
		}
	}
}
