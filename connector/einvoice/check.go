package einvoice

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/rounding"
)

// Check verifies that an e-invoice says one thing only: that its lines,
// allowances, charges, VAT breakdown and totals agree the way EN 16931
// requires. It applies these rules, in this order, and returns at the
// first that fails, so that the failure reported is the cause and not one
// of its consequences:
//
//  1. Profile. A Factur-X / ZUGFeRD MINIMUM or BASIC WL document (BT-24 in
//     Metadata["profile"] is urn:factur-x.eu:1p0:minimum,
//     urn:zugferd.de:2p0:minimum, urn:factur-x.eu:1p0:basicwl or
//     urn:zugferd.de:2p0:basicwl) is a booking aid, not an invoice: it has
//     no lines and Germany does not accept it as an invoice. Refused with
//     ERROR_SYNC_INVOICE_LINE_VALIDATION naming the profile (Field
//     "Metadata[profile] (BT-24)").
//  2. Lines. A document without lines (BG-25, at least one required) is
//     refused with ERROR_SYNC_INVOICE_LINE_VALIDATION, "the document has no
//     lines" (Field "Lines").
//  3. Currency (BR-CL-04). The invoice currency (BT-5) must be an ISO 4217
//     code with minor units (EUR 2, JPY 0, KWD 3, see rounding.MinorUnits):
//     every rule below counts in them. Otherwise
//     ERROR_SYNC_INVOICE_CURRENCY_VALIDATION.
//  4. BR-DEC-23 and BR-CO-10, BT-106 = Σ BT-131. When every line net amount
//     has at most the currency's minor units of decimals, the sum must equal
//     BT-106 exactly. When some have more (BR-DEC-23 allows 2 for EUR), each
//     line amount is rounded to the minor unit, half away from zero, and the
//     rounded amounts must add up to BT-106 exactly; the refusal names
//     BR-DEC-23 and BR-CO-10.
//  5. BR-CO-11, BT-107 = Σ BT-92 (document allowances), and BR-CO-12, BT-108
//     = Σ BT-99 (document charges).
//  6. BR-CO-13, BT-109 = BT-106 − BT-107 + BT-108.
//  7. The VAT breakdown (BG-23), per VAT category and rate. A line,
//     allowance or charge belongs to the breakdown entry of its category
//     (BT-151, BT-95, BT-102) and rate (BT-152, BT-96, BT-103); a category
//     that implies 0 % (Z, E, AE, K, G, O) without a rate is that category
//     at 0 %, and an item without a category matches the only entry of its
//     rate. Split payment (B) has no "-01" and "-08" rules of its own: its
//     refusals say so instead of naming one. In order:
//     - BR-CO-18: there is at least one breakdown entry;
//     - two entries of the same category and rate are refused, naming the
//     category's "-08" rule below (which of the two is right is unknown);
//     - BR-S-01, BR-Z-01, BR-E-01, BR-AE-01, BR-IC-01 (category K), BR-G-01,
//     BR-O-01, BR-IG-01 (L), BR-IP-01 (M): every category of a line,
//     allowance or charge has an entry; then the category's "-08" rule
//     when it has an entry, but none at the item's rate;
//     - BR-S-08, BR-Z-08, BR-E-08, BR-AE-08, BR-IC-08, BR-G-08, BR-O-08,
//     BR-IG-08, BR-IP-08: each entry's taxable amount BT-116 equals, exactly,
//     Σ BT-131 − Σ BT-92 + Σ BT-99 of its category and rate; so an entry
//     with no line, allowance or charge is refused unless its BT-116 and
//     BT-117 are 0 (the CEN artefacts refuse even that one for S; Check
//     accepts it, as no amount depends on it);
//     - BR-Z-09, BR-E-09, BR-AE-09, BR-IC-09, BR-G-09, BR-O-09, and any entry
//     at 0 %: the tax amount BT-117 is exactly 0;
//     - BR-S-09, BR-IG-09, BR-IP-09, and BR-CO-17 for the other categories
//     (B): BT-117 equals BT-116 × BT-119 ÷ 100 within the rounding drift of
//     the entry, described below. Within it the declared BT-117 is the one
//     posted. An entry of such a category without a rate (BT-119) has no
//     computable VAT and is refused under BR-CO-17.
//  8. BR-CO-14, BT-110 = Σ BT-117.
//  9. BR-CO-15, BT-112 = BT-109 + BT-110.
//  10. BR-CO-16, BT-115 = BT-112 − BT-113 + BT-114 (− Σ Withholdings when
//     the invoice has any).
//
// The rounding drift. Tools compute VAT per line, round each line's VAT to
// the unit and add the rounded figures up: each rounding moves the total by
// at most half a unit. So BT-117 may differ from the exact product BT-116 ×
// BT-119 ÷ 100 (not rounded) by at most n × ½ unit, where n is the number of
// items of the entry: its lines plus the document allowances and charges of
// its category and rate (each may carry its own rounded VAT). The unit is
// the currency's minor unit (1 JPY, 0.01 EUR), but no finer than 0.01,
// because EN 16931 allows no amount more than 2 decimals (BR-DEC-xx): a KWD
// invoice, whose minor unit is 0.001, states its VAT to 0.01. With a single
// item this is BT-117 = BT-116 × rate rounded to the unit. Example: three lines of 1.35 at 19 % each carry 0.26 of
// VAT, BT-117 = 0.78; BT-116 = 4.05 × 19 % = 0.7695 (rounded 0.77); the
// difference 0.0105 is within 3 × 0.005 = 0.015, so 0.78 is accepted.
// Base 100.00 at 20 % with BT-117 21.00 differs by 1.00 from 20.00 and is
// refused.
//
// Every other rule is exact to the minor unit. The entry builder accepts
// small differences between declared totals (Mapping.RoundingTolerance)
// because invoicing tools that print rounded figures produce them. An
// e-invoice has no such excuse: the standard requires these equalities,
// validators reject a file that breaks one, and which of the two figures is
// right cannot be known. So an e-invoice that breaks one is refused, never
// posted. The CEN validation artefacts tolerate ±1 in BR-S-08 and BR-S-09;
// Check does not, except for the drift above.
//
// Rule failures other than 1–3 are a *invoicesync.SyncError with code
// ERROR_SYNC_INVOICE_AMOUNT_VALIDATION whose Message names the rule (and,
// for the breakdown rules, the category and rate) and both figures, Value
// the declared one and Expected the computed one.
//
// Check may change the invoice, and only when it accepts it: when line net
// amounts had more decimals than the currency's minor units and the rounded
// amounts satisfy BR-CO-10 (rule 4), it sets those lines' NetAmount to the
// rounded amount and appends to inv.Warnings "line amounts had more than 2
// decimals; rounded half away from zero" (with the currency's number of
// decimals instead of 2). The rule ids of IGIC (L) and IPSI (M) are those of
// EN 16931-1, BR-IG-xx and BR-IP-xx; the CEN validation artefacts name them
// BR-AF-xx and BR-AG-xx.
func Check(inv *invoicesync.Invoice) error {
	if err := checkProfile(inv); err != nil {
		return err
	}
	if len(inv.Lines) == 0 {
		return &invoicesync.SyncError{
			Code: invoicesync.CodeLineValidation, InvoiceID: inv.ID, InvoiceNumber: inv.Number, Field: "Lines",
			Message:    "the document has no lines (BG-25): EN 16931 requires at least one",
			Resolution: "ask the issuer for the invoice with its lines",
		}
	}
	places, ok := rounding.MinorUnits(inv.Currency)
	if !ok {
		return &invoicesync.SyncError{
			Code: invoicesync.CodeCurrencyValidation, InvoiceID: inv.ID, InvoiceNumber: inv.Number,
			Field: "Currency (BT-5)", Value: inv.Currency,
			Message:    fmt.Sprintf("the e-invoice breaks EN 16931 rule BR-CL-04: its currency %q is not an ISO 4217 code with minor units", inv.Currency),
			Resolution: "ask the issuer for a corrected e-invoice in an ISO 4217 currency",
		}
	}
	c := &checker{inv: inv, places: places, nets: make([]decimal.Decimal, len(inv.Lines))}
	rounded, err := c.lineTotal()
	if err != nil {
		return err
	}
	if err := c.totals(); err != nil {
		return err
	}
	if err := c.breakdown(); err != nil {
		return err
	}
	if err := c.finalTotals(); err != nil {
		return err
	}
	if rounded {
		for i := range inv.Lines {
			inv.Lines[i].NetAmount = c.nets[i]
		}
		inv.Warnings = append(inv.Warnings, fmt.Sprintf("line amounts had more than %d decimals; rounded half away from zero", places))
	}
	return nil
}

// bookingAidProfiles are the Factur-X and ZUGFeRD 2.x guideline ids (BT-24)
// of the MINIMUM and BASIC WL profiles, lower case.
var bookingAidProfiles = map[string]string{
	"urn:factur-x.eu:1p0:minimum": "MINIMUM",
	"urn:zugferd.de:2p0:minimum":  "MINIMUM",
	"urn:factur-x.eu:1p0:basicwl": "BASIC WL",
	"urn:zugferd.de:2p0:basicwl":  "BASIC WL",
}

// checkProfile refuses the MINIMUM and BASIC WL profiles (rule 1 of Check).
func checkProfile(inv *invoicesync.Invoice) error {
	profile := strings.TrimSpace(inv.Metadata["profile"])
	name, ok := bookingAidProfiles[strings.ToLower(profile)]
	if !ok {
		return nil
	}
	return &invoicesync.SyncError{
		Code: invoicesync.CodeLineValidation, InvoiceID: inv.ID, InvoiceNumber: inv.Number,
		Field: "Metadata[profile] (BT-24)", Value: profile,
		Message: fmt.Sprintf("the document is a Factur-X/ZUGFeRD %s profile (%s): a booking aid without invoice lines, not an invoice",
			name, profile),
		Resolution: "MINIMUM and BASIC WL documents are not invoices (Germany does not accept them as such) and carry no lines " +
			"to post: ask the supplier for the invoice as Factur-X/ZUGFeRD EN 16931 (COMFORT) or BASIC, or as XRechnung, that is with its lines",
	}
}

// amountDecimals is the most decimals EN 16931 allows an amount (BR-DEC-01
// … BR-DEC-27): a VAT amount can be no finer, whatever the currency.
const amountDecimals = 2

// checker holds what the rules share.
type checker struct {
	inv    *invoicesync.Invoice
	places int32             // the currency's minor units
	nets   []decimal.Decimal // the line net amounts, rounded when rule 4 rounds them
}

// amountError is a refusal of an amount rule.
func (c *checker) amountError(field string, declared, computed decimal.Decimal, msg string) error {
	return &invoicesync.SyncError{
		Code: invoicesync.CodeAmountValidation, InvoiceID: c.inv.ID, InvoiceNumber: c.inv.Number,
		Field: field, Value: declared.String(), Expected: computed.String(), Message: msg,
		Resolution: "ask the issuer for a corrected e-invoice: which of the two figures is right cannot be known, so nothing is posted",
	}
}

// equality checks declared = computed exactly, for a rule stated as a formula.
func (c *checker) equality(rule, field, formula string, declared, computed decimal.Decimal) error {
	if declared.Equal(computed) {
		return nil
	}
	return c.amountError(field, declared, computed,
		fmt.Sprintf("the e-invoice breaks EN 16931 rule %s: it declares %s but %s is %s", rule, declared, formula, computed))
}

// lineTotal applies rule 4 (BR-DEC-23, BR-CO-10); rounded reports that
// line amounts were rounded.
func (c *checker) lineTotal() (rounded bool, err error) {
	sum := decimal.Zero
	for i, l := range c.inv.Lines {
		c.nets[i] = l.NetAmount
		if r := rounding.Round(l.NetAmount, c.places, rounding.HalfAwayFromZero); !r.Equal(l.NetAmount) {
			c.nets[i], rounded = r, true
		}
		sum = sum.Add(c.nets[i])
	}
	declared := c.inv.Totals.LineTotal
	if !rounded {
		return false, c.equality("BR-CO-10", "Totals.LineTotal (BT-106)", "the sum of the line net amounts (BT-131)", declared, sum)
	}
	if declared.Equal(sum) {
		return true, nil
	}
	return false, c.amountError("Totals.LineTotal (BT-106)", declared, sum, fmt.Sprintf(
		"the e-invoice breaks EN 16931 rules BR-DEC-23 and BR-CO-10: line net amounts (BT-131) have more than %d decimals, "+
			"and rounded half away from zero to %d they add up to %s, but BT-106 declares %s", c.places, c.places, sum, declared))
}

// totals applies rules 5 and 6 (BR-CO-11, BR-CO-12, BR-CO-13).
func (c *checker) totals() error {
	t := &c.inv.Totals
	allowances, charges := decimal.Zero, decimal.Zero
	for _, a := range c.inv.Allowances {
		allowances = allowances.Add(a.Amount)
	}
	for _, ch := range c.inv.Charges {
		charges = charges.Add(ch.Amount)
	}
	if err := c.equality("BR-CO-11", "Totals.AllowanceTotal (BT-107)", "the sum of the document allowances (BT-92)", t.AllowanceTotal, allowances); err != nil {
		return err
	}
	if err := c.equality("BR-CO-12", "Totals.ChargeTotal (BT-108)", "the sum of the document charges (BT-99)", t.ChargeTotal, charges); err != nil {
		return err
	}
	return c.equality("BR-CO-13", "Totals.Net (BT-109)", "BT-106 − BT-107 + BT-108", t.Net, t.LineTotal.Sub(t.AllowanceTotal).Add(t.ChargeTotal))
}

// finalTotals applies rules 8 to 10 (BR-CO-14, BR-CO-15, BR-CO-16).
func (c *checker) finalTotals() error {
	t := &c.inv.Totals
	vat := decimal.Zero
	for _, v := range c.inv.VATBreakdown {
		vat = vat.Add(v.TaxAmount)
	}
	if err := c.equality("BR-CO-14", "Totals.VAT (BT-110)", "the sum of the VAT breakdown's tax amounts (BT-117)", t.VAT, vat); err != nil {
		return err
	}
	if err := c.equality("BR-CO-15", "Totals.Gross (BT-112)", "BT-109 + BT-110", t.Gross, t.Net.Add(t.VAT)); err != nil {
		return err
	}
	payable, formula := t.Gross.Sub(t.Prepaid).Add(t.PayableRounding), "BT-112 − BT-113 + BT-114"
	if len(c.inv.Withholdings) > 0 {
		for _, w := range c.inv.Withholdings {
			payable = payable.Sub(w.Amount)
		}
		formula += " − the taxes withheld"
	}
	return c.equality("BR-CO-16", "Totals.Payable (BT-115)", formula, t.Payable, payable)
}

// vatKey is a VAT category and rate, as the breakdown rules match them.
type vatKey struct {
	cat     string          // upper case, trimmed; may be empty on an item
	rate    decimal.Decimal // in percent
	hasRate bool
}

// newVATKey reads a category and rate; a category implying 0 % without a
// rate is that category at 0 %.
func newVATKey(cat string, rate decimal.NullDecimal) vatKey {
	k := vatKey{cat: strings.ToUpper(strings.TrimSpace(cat))}
	if rate.Valid {
		k.rate, k.hasRate = rate.Decimal, true
	} else if invoicesync.ImpliesZeroRate(k.cat) {
		k.hasRate = true
	}
	return k
}

// same reports whether two keys are the same category and rate.
func (k vatKey) same(o vatKey) bool {
	return k.cat == o.cat && k.hasRate == o.hasRate && k.rate.Equal(o.rate)
}

// String writes the key as messages do: "S at 19 %", "E at 0 %".
func (k vatKey) String() string {
	cat := k.cat
	if cat == "" {
		cat = "(no category)"
	}
	if !k.hasRate {
		return cat + " without a rate"
	}
	return fmt.Sprintf("%s at %s %%", cat, k.rate)
}

// ruleCategory is the letters of the EN 16931 rules of a VAT category
// (BR-S-08, BR-IC-08, ...); empty for a category without rules of its own.
func ruleCategory(c string) string {
	switch c {
	case "S", "Z", "E", "AE", "G", "O":
		return c
	case "K":
		return "IC"
	case "L":
		return "IG"
	case "M":
		return "IP"
	}
	return ""
}

// breaks says which rule an e-invoice breaks: rule n ("01", "08", "09") of
// category cat, or fallback when the category has no rules of its own
// (split payment B, or a code outside EN 16931): "" when no rule states it.
func breaks(cat, n, fallback string) string {
	if r := ruleCategory(cat); r != "" {
		fallback = "BR-" + r + "-" + n
	}
	if fallback == "" {
		return fmt.Sprintf("breaks the EN 16931 VAT breakdown calculation (category %s has no rules of its own)", cat)
	}
	return "breaks EN 16931 rule " + fallback
}

// entry is a breakdown entry with what the invoice's items add up to in it.
type entry struct {
	key   vatKey
	v     *invoicesync.VATSubtotal
	base  decimal.Decimal // Σ BT-131 − Σ BT-92 + Σ BT-99
	items int             // lines, allowances and charges
}

// item is a line, allowance or charge as the breakdown rules see it.
type item struct {
	what   string // "line 2", "document allowance 1", ...
	key    vatKey
	amount decimal.Decimal // signed: an allowance is negative
}

// breakdown applies rule 7.
func (c *checker) breakdown() error {
	inv := c.inv
	if len(inv.VATBreakdown) == 0 {
		return c.amountError("VATBreakdown (BG-23)", decimal.Zero, decimal.Zero,
			"the e-invoice breaks EN 16931 rule BR-CO-18: it has no VAT breakdown (BG-23), so the VAT of its lines is not declared")
	}
	entries := make([]*entry, 0, len(inv.VATBreakdown))
	for i := range inv.VATBreakdown {
		v := &inv.VATBreakdown[i]
		e := &entry{key: newVATKey(v.Category, v.Rate), v: v}
		for _, o := range entries {
			if o.key.same(e.key) {
				return c.amountError("VATBreakdown (BG-23)", v.TaxableAmount, o.v.TaxableAmount, fmt.Sprintf(
					"the e-invoice %s: its VAT breakdown has two entries for %s, with taxable amounts (BT-116) %s and %s",
					breaks(e.key.cat, "08", ""), e.key, o.v.TaxableAmount, v.TaxableAmount))
			}
		}
		entries = append(entries, e)
	}
	var items []item
	for i, l := range inv.Lines {
		items = append(items, item{fmt.Sprintf("line %d", i+1), newVATKey(l.VATCategory, l.VATRate), c.nets[i]})
	}
	for i, a := range inv.Allowances {
		items = append(items, item{fmt.Sprintf("document allowance %d", i+1), newVATKey(a.VATCategory, a.VATRate), a.Amount.Neg()})
	}
	for i, ch := range inv.Charges {
		items = append(items, item{fmt.Sprintf("document charge %d", i+1), newVATKey(ch.VATCategory, ch.VATRate), ch.Amount})
	}
	for _, it := range items {
		e := match(entries, it.key)
		if e == nil {
			return c.unmatched(it, entries)
		}
		e.base = e.base.Add(it.amount)
		e.items++
	}
	for _, e := range entries {
		if err := c.entry(e); err != nil {
			return err
		}
	}
	return nil
}

// match finds the entry of key k: the same category and rate, or, when
// the item or the entry has no category, the only entry of the same rate.
func match(entries []*entry, k vatKey) *entry {
	for _, e := range entries {
		if e.key.same(k) {
			return e
		}
	}
	var found *entry
	for _, e := range entries {
		if (e.key.cat == "" || k.cat == "") && e.key.hasRate == k.hasRate && e.key.rate.Equal(k.rate) {
			if found != nil {
				return nil
			}
			found = e
		}
	}
	return found
}

// unmatched refuses an item whose category and rate have no breakdown entry.
func (c *checker) unmatched(it item, entries []*entry) error {
	cat := it.key.cat
	if !slices.ContainsFunc(entries, func(e *entry) bool { return e.key.cat == cat }) {
		return c.amountError("VATBreakdown (BG-23)", decimal.Zero, it.amount, fmt.Sprintf(
			"the e-invoice %s: %s is in VAT category %s, which has no entry in the VAT breakdown (BG-23)",
			breaks(cat, "01", ""), it.what, it.key))
	}
	return c.amountError("VATBreakdown (BG-23)", decimal.Zero, it.amount, fmt.Sprintf(
		"the e-invoice %s: %s is in VAT category %s, and the VAT breakdown (BG-23) has no entry for that rate",
		breaks(cat, "08", ""), it.what, it.key))
}

// entry checks one breakdown entry's taxable and tax amounts.
func (c *checker) entry(e *entry) error {
	k, v := e.key, e.v
	field := fmt.Sprintf("VATBreakdown[%s].", k)
	base := breaks(k.cat, "08", "")
	if e.items == 0 && !v.TaxableAmount.IsZero() {
		return c.amountError(field+"TaxableAmount (BT-116)", v.TaxableAmount, decimal.Zero, fmt.Sprintf(
			"the e-invoice %s: the VAT breakdown declares a taxable amount (BT-116) of %s for %s, "+
				"but no line, document allowance or charge is in that category and rate", base, v.TaxableAmount, k))
	}
	if !v.TaxableAmount.Equal(e.base) {
		return c.amountError(field+"TaxableAmount (BT-116)", v.TaxableAmount, e.base, fmt.Sprintf(
			"the e-invoice %s: the VAT breakdown declares a taxable amount (BT-116) of %s for %s, "+
				"but its lines' net amounts (BT-131) minus its document allowances (BT-92) plus its document charges (BT-99) are %s",
			base, v.TaxableAmount, k, e.base))
	}
	if !k.hasRate { // a category implying 0 % always has one
		return c.amountError(field+"TaxAmount (BT-117)", v.TaxAmount, decimal.Zero, fmt.Sprintf(
			"the e-invoice breaks EN 16931 rule BR-CO-17: the VAT breakdown declares a tax amount (BT-117) of %s for %s, "+
				"whose VAT can therefore not be computed", v.TaxAmount, k))
	}
	if invoicesync.ImpliesZeroRate(k.cat) || k.rate.IsZero() {
		if v.TaxAmount.IsZero() {
			return nil
		}
		return c.amountError(field+"TaxAmount (BT-117)", v.TaxAmount, decimal.Zero, fmt.Sprintf(
			"the e-invoice %s: the VAT breakdown declares a tax amount (BT-117) of %s for %s, where it must be 0",
			breaks(k.cat, "09", "BR-CO-17"), v.TaxAmount, k))
	}
	exact := v.TaxableAmount.Mul(k.rate).Shift(-2)
	unit := min(c.places, amountDecimals)
	drift := decimal.New(5, -unit-1).Mul(decimal.NewFromInt(int64(e.items)))
	if v.TaxAmount.Sub(exact).Abs().LessThanOrEqual(drift) {
		return nil
	}
	expected := rounding.Round(exact, unit, rounding.HalfAwayFromZero)
	return c.amountError(field+"TaxAmount (BT-117)", v.TaxAmount, expected, fmt.Sprintf(
		"the e-invoice %s: the VAT breakdown declares a tax amount (BT-117) of %s for %s, "+
			"but the taxable amount (BT-116) %s × %s %% is %s, and the rounding of its %d line(s), allowance(s) and charge(s) "+
			"explains at most %s of difference", breaks(k.cat, "09", "BR-CO-17"), v.TaxAmount, k, v.TaxableAmount, k.rate, expected, e.items, drift))
}
