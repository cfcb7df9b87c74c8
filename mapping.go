package invoicesync

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"golang.org/x/text/language"

	"github.com/invoicesync/invoicesync/labels"
	"github.com/invoicesync/invoicesync/rounding"
)

// Mapping is one host customer's configuration: how their invoices land in
// their ledger. It is plain data that round-trips through JSON
// without loss; store it per customer and check it with Validate before use.
// The zero value of every option is documented beside it.
type Mapping struct {
	// SalesVAT maps (VAT category, rate[, country]) of sales invoices to ledger VAT codes.
	SalesVAT []VATRule `json:"sales_vat,omitempty"`
	// PurchaseVAT maps (VAT category, rate[, country]) of purchase invoices to ledger VAT codes.
	PurchaseVAT []VATRule `json:"purchase_vat,omitempty"`
	// RoundingVATCodes are the VAT codes put on rounding lines; empty: none.
	RoundingVATCodes RoundingVATCodes `json:"rounding_vat_codes"`
	// Journals chooses the ledger journal of each entry.
	Journals JournalMapping `json:"journals"`
	// Accounts are the fixed and default accounts.
	Accounts Accounts `json:"accounts"`
	// AccountRules choose a line's account by item code, item category or
	// task, before the default account (first match wins).
	AccountRules []AccountRule `json:"account_rules,omitempty"`
	// Withholding maps each withheld tax (Invoice.Withholdings, e.g. Spanish
	// IRPF) to its account. An invoice with a withheld tax no rule maps is
	// refused.
	Withholding []WithholdingRule `json:"withholding,omitempty"`

	// StartDate: invoices issued before it are not synchronized. Zero: no limit.
	StartDate time.Time `json:"start_date,omitzero"`
	// Draft posts entries as drafts/pending where the ledger supports it. Default false.
	Draft bool `json:"draft,omitempty"`
	// SyncWithoutAttachment synchronizes invoices that have no PDF yet.
	// Default false: such invoices wait until their PDF exists.
	SyncWithoutAttachment bool `json:"sync_without_attachment,omitempty"`
	// Scope says which invoices are synchronized. Empty: both.
	Scope Scope `json:"scope,omitempty"`
	// EligibleStatuses are the source statuses synchronized. Empty: all but
	// draft and cancelled.
	EligibleStatuses []Status `json:"eligible_statuses,omitempty"`
	// Labels chooses how entry lines are labelled.
	Labels LabelSettings `json:"labels"`
	// LineGrouping: one entry line per (account, VAT code), the default, or per source line.
	LineGrouping LineGrouping `json:"line_grouping,omitempty"`
	// VATCalculation: when the invoice declares no VAT breakdown, compute VAT
	// per category (the default) or per line.
	VATCalculation VATCalculation `json:"vat_calculation,omitempty"`
	// RoundingTolerance is the largest difference, in minor units of the
	// invoice currency, accepted between declared and computed figures and
	// booked on the rounding accounts. Zero: one minor unit per invoice line,
	// at least one.
	RoundingTolerance int `json:"rounding_tolerance,omitempty"`
	// Rounding is the rounding policy for computed VAT and currency
	// conversion. Zero: half away from zero.
	Rounding rounding.Policy `json:"rounding,omitempty"`
	// LedgerCurrency is the ledger's currency (ISO 4217). Empty: every invoice
	// is taken to be in the ledger currency and nothing is converted.
	LedgerCurrency string `json:"ledger_currency,omitempty"`
	// MinorUnits overrides the ISO 4217 minor units of some currencies.
	MinorUnits rounding.Units `json:"minor_units,omitempty"`
}

// VATRule maps a VAT category and rate, optionally for one country, to a
// ledger VAT code. The most specific matching rule wins (category, rate and
// country each count); between equally specific rules, the first.
type VATRule struct {
	// Category is the UNCL 5305 category (S, Z, E, AE, K, G, O, L, M). Empty: any.
	Category string `json:"category,omitempty"`
	// Rate is the rate in percent. Null: any rate, and lines without a rate
	// (their rate is then the VAT code's).
	Rate decimal.NullDecimal `json:"rate"`
	// Country is the partner's ISO 3166-1 country. Empty: any.
	Country string `json:"country,omitempty"`
	// Code is the ledger VAT code.
	Code string `json:"code"`
	// Account overrides the VAT code's account. Empty: the ledger's.
	Account string `json:"account,omitempty"`
	// DueAccount overrides the VAT-due account of a reverse-charge code. Empty: the ledger's.
	DueAccount string `json:"due_account,omitempty"`
}

// RoundingVATCodes are the VAT codes of rounding lines, per direction.
type RoundingVATCodes struct {
	// Sales is the VAT code of rounding lines on sales entries; empty: none.
	Sales string `json:"sales,omitempty"`
	// Purchase is the VAT code of rounding lines on purchase entries; empty: none.
	Purchase string `json:"purchase,omitempty"`
}

// JournalMapping chooses the ledger journal of an entry: from BySource when it
// is not empty, else by direction and kind.
type JournalMapping struct {
	// Sales is the journal of sales invoices (and sales credit notes unless SalesCreditNotes is set).
	Sales string `json:"sales,omitempty"`
	// Purchase is the journal of purchase invoices (and purchase credit notes unless PurchaseCreditNotes is set).
	Purchase string `json:"purchase,omitempty"`
	// SalesCreditNotes is the journal of sales credit notes; empty: Sales.
	SalesCreditNotes string `json:"sales_credit_notes,omitempty"`
	// PurchaseCreditNotes is the journal of purchase credit notes; empty: Purchase.
	PurchaseCreditNotes string `json:"purchase_credit_notes,omitempty"`
	// BySource maps the invoicing tool's journals to ledger journals. When
	// set, every invoice must name a source journal in it
	// (ERROR_SYNC_INVOICE_JOURNAL_NOT_LINKED, ..._MAPPING_JOURNAL_NOT_FOUND).
	BySource map[string]string `json:"by_source,omitempty"`
}

// Accounts are the mapping's fixed and default accounts.
type Accounts struct {
	// SalesDefault is the products account used when a sales line has no usable account (FR: 706).
	SalesDefault string `json:"sales_default,omitempty"`
	// PurchaseDefault is the expenses account used when a purchase line has no usable account (FR: 607).
	PurchaseDefault string `json:"purchase_default,omitempty"`
	// CustomerCollective is the customers' collective account (FR: 411).
	CustomerCollective string `json:"customer_collective,omitempty"`
	// SupplierCollective is the suppliers' collective account (FR: 401).
	SupplierCollective string `json:"supplier_collective,omitempty"`
	// CreditRounding receives rounding differences posted as credits (FR: 758).
	CreditRounding string `json:"credit_rounding,omitempty"`
	// DebitRounding receives rounding differences posted as debits (FR: 658).
	DebitRounding string `json:"debit_rounding,omitempty"`
	// SalesDiscount, when set, receives sales allowances instead of netting them (FR: 709).
	SalesDiscount string `json:"sales_discount,omitempty"`
	// PurchaseDiscount, when set, receives purchase allowances instead of netting them (FR: 609).
	PurchaseDiscount string `json:"purchase_discount,omitempty"`
	// SalesCharge, when set, receives sales charges instead of adding them to revenue.
	SalesCharge string `json:"sales_charge,omitempty"`
	// PurchaseCharge, when set, receives purchase charges instead of adding them to expenses.
	PurchaseCharge string `json:"purchase_charge,omitempty"`
	// CustomerPrepayment, when set, receives the prepaid amount (BT-113) of
	// sales invoices and the customer line carries the payable amount (BT-115).
	CustomerPrepayment string `json:"customer_prepayment,omitempty"`
	// SupplierPrepayment is CustomerPrepayment for purchase invoices.
	SupplierPrepayment string `json:"supplier_prepayment,omitempty"`
	// ExchangeGain, when set, receives currency conversion differences posted
	// as credits; else they go to CreditRounding.
	ExchangeGain string `json:"exchange_gain,omitempty"`
	// ExchangeLoss, when set, receives currency conversion differences posted
	// as debits; else they go to DebitRounding.
	ExchangeLoss string `json:"exchange_loss,omitempty"`
}

// AccountRule chooses the account of invoice lines by item code, item
// category or task. Every non-empty criterion must equal the line's; a rule
// with no criterion matches nothing.
type AccountRule struct {
	// Direction limits the rule to sales or purchases. Empty: both.
	Direction Direction `json:"direction,omitempty"`
	// ItemCode matches Line.ItemCode.
	ItemCode string `json:"item_code,omitempty"`
	// ItemCategory matches Line.ItemCategory.
	ItemCategory string `json:"item_category,omitempty"`
	// Task matches Line.Task.
	Task string `json:"task,omitempty"`
	// Account is the ledger account of matching lines.
	Account string `json:"account"`
}

// WithholdingRule gives the account of a withheld tax: on a sale, the claim
// on the tax authority for the tax the customer withheld (ES: 473); on a
// purchase, the debt to it for the tax the company withheld (ES: 4751).
type WithholdingRule struct {
	// Direction limits the rule to sales or purchases. Empty: both.
	Direction Direction `json:"direction,omitempty"`
	// Tax is the withheld tax's name, compared with Withholding.Tax without
	// regard to case or surrounding spaces.
	Tax string `json:"tax"`
	// Account is the ledger account of the withheld amount.
	Account string `json:"account"`
}

// Scope says which invoices a mapping synchronizes.
type Scope string

// The scopes. The empty Scope means ScopeBoth.
const (
	ScopeBoth     Scope = "both"     // sales and purchase invoices
	ScopeSales    Scope = "sales"    // sales invoices only
	ScopePurchase Scope = "purchase" // purchase invoices only
)

// Includes reports whether d is in scope.
func (s Scope) Includes(d Direction) bool {
	switch s {
	case "", ScopeBoth:
		return true
	case ScopeSales:
		return d == Sales
	case ScopePurchase:
		return d == Purchase
	}
	return false
}

// LineGrouping says how revenue and expense lines are grouped.
type LineGrouping string

// The groupings. The empty LineGrouping means GroupByAccountAndVAT.
const (
	GroupByAccountAndVAT LineGrouping = "by_account_and_vat" // one line per (account, VAT code)
	OnePerSourceLine     LineGrouping = "per_line"           // one line per invoice line
)

// VATCalculation says how VAT is computed when the invoice declares no breakdown.
type VATCalculation string

// The calculations. The empty VATCalculation means VATPerCategory.
const (
	VATPerCategory VATCalculation = "per_category" // taxable amount of the category × rate, rounded once
	VATPerLine     VATCalculation = "per_line"     // each line × rate, rounded, then added up
)

// LabelSettings chooses how entry lines are labelled.
type LabelSettings struct {
	// Strategy is one of the labels package's strategies. Empty: partner name
	// on the partner line, the line description on the others.
	Strategy labels.Strategy `json:"strategy,omitempty"`
	// Template is the label template when Strategy is "template", e.g.
	// "{partner} {number} {description}".
	Template string `json:"template,omitempty"`
	// MaxLength is the ledger's maximum label length in characters. Zero: no limit.
	MaxLength int `json:"max_length,omitempty"`
	// Separator joins the parts of strategies 3 and 4. Empty: " - ".
	Separator string `json:"separator,omitempty"`
}

func (s LabelSettings) config() labels.Config {
	return labels.Config{Strategy: s.Strategy, Template: s.Template, MaxLength: s.MaxLength, Separator: s.Separator}
}

// clone returns a deep copy of m: its slices and maps are its own, so
// that changing the caller's mapping later changes nothing in the copy.
// (Rates are decimals, which are never changed in place.)
func (m *Mapping) clone() Mapping {
	c := *m
	c.SalesVAT = slices.Clone(m.SalesVAT)
	c.PurchaseVAT = slices.Clone(m.PurchaseVAT)
	c.AccountRules = slices.Clone(m.AccountRules)
	c.Withholding = slices.Clone(m.Withholding)
	c.EligibleStatuses = slices.Clone(m.EligibleStatuses)
	c.Journals.BySource = maps.Clone(m.Journals.BySource)
	return c
}

// Eligible reports whether an invoice with source status st is synchronized.
func (m *Mapping) Eligible(st Status) bool {
	if len(m.EligibleStatuses) == 0 {
		return st != StatusDraft && st != StatusCancelled
	}
	for _, s := range m.EligibleStatuses {
		if s == st {
			return true
		}
	}
	return false
}

// MappingError lists every problem Validate found in a mapping. errors.Is
// matches the code of any problem (errors.Is(err, ErrVATCodeNotFound)).
type MappingError struct {
	// Problems are the problems, in mapping order; each names its mapping key in Field.
	Problems []*SyncError
}

// Error lists the problems, one per line.
func (e *MappingError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mapping has %d problem(s)", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap yields each problem.
func (e *MappingError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

// Validate checks the mapping against the ledger t: every account, VAT code
// and journal it names must exist there and be active, and every option must
// be well formed. It returns nil, a *MappingError listing every problem at
// once (each naming its mapping key), or the error of fetching the chart.
func (m *Mapping) Validate(ctx context.Context, t LedgerTarget) error {
	chart, err := LoadChart(ctx, t)
	if err != nil {
		return err
	}
	return m.ValidateChart(chart)
}

// ValidateChart is Validate against a chart already fetched; it does no I/O.
func (m *Mapping) ValidateChart(chart *Chart) error {
	v := &mappingValidator{chart: chart}
	m.validateOptions(v)
	sales, purchase := m.Scope.Includes(Sales), m.Scope.Includes(Purchase)
	a := &m.Accounts
	v.required("accounts.credit_rounding", a.CreditRounding)
	v.required("accounts.debit_rounding", a.DebitRounding)
	if sales {
		v.required("accounts.sales_default", a.SalesDefault)
		v.required("accounts.customer_collective", a.CustomerCollective)
	}
	if purchase {
		v.required("accounts.purchase_default", a.PurchaseDefault)
		v.required("accounts.supplier_collective", a.SupplierCollective)
	}
	for _, f := range []struct{ key, number string }{
		{"accounts.sales_default", a.SalesDefault},
		{"accounts.purchase_default", a.PurchaseDefault},
		{"accounts.customer_collective", a.CustomerCollective},
		{"accounts.supplier_collective", a.SupplierCollective},
		{"accounts.credit_rounding", a.CreditRounding},
		{"accounts.debit_rounding", a.DebitRounding},
		{"accounts.sales_discount", a.SalesDiscount},
		{"accounts.purchase_discount", a.PurchaseDiscount},
		{"accounts.sales_charge", a.SalesCharge},
		{"accounts.purchase_charge", a.PurchaseCharge},
		{"accounts.customer_prepayment", a.CustomerPrepayment},
		{"accounts.supplier_prepayment", a.SupplierPrepayment},
		{"accounts.exchange_gain", a.ExchangeGain},
		{"accounts.exchange_loss", a.ExchangeLoss},
	} {
		v.account(f.key, f.number)
	}
	for i, r := range m.Withholding {
		key := fmt.Sprintf("withholding[%d]", i)
		if strings.TrimSpace(r.Tax) == "" {
			v.problem(CodeMappingInvalid, key+".tax", "", "the rule names no tax", `set the withheld tax's name, e.g. "IRPF"`)
		}
		v.ruleDirection(key+".direction", r.Direction)
		v.required(key+".account", r.Account)
		v.account(key+".account", r.Account)
	}
	for i, r := range m.AccountRules {
		key := fmt.Sprintf("account_rules[%d]", i)
		if r.ItemCode == "" && r.ItemCategory == "" && r.Task == "" {
			v.problem(CodeMappingInvalid, key, "", "the rule has no criterion and matches nothing",
				"set item_code, item_category or task, or remove the rule")
		}
		v.ruleDirection(key+".direction", r.Direction)
		v.required(key+".account", r.Account)
		v.account(key+".account", r.Account)
	}
	if sales {
		m.validateVATRules(v, "sales_vat", Sales, m.SalesVAT)
		v.vatCode("rounding_vat_codes.sales", m.RoundingVATCodes.Sales, Sales)
		m.validateJournal(v, "journals.sales", m.Journals.Sales)
		v.journal("journals.sales_credit_notes", m.Journals.SalesCreditNotes)
	}
	if purchase {
		m.validateVATRules(v, "purchase_vat", Purchase, m.PurchaseVAT)
		v.vatCode("rounding_vat_codes.purchase", m.RoundingVATCodes.Purchase, Purchase)
		m.validateJournal(v, "journals.purchase", m.Journals.Purchase)
		v.journal("journals.purchase_credit_notes", m.Journals.PurchaseCreditNotes)
	}
	for _, src := range slices.Sorted(maps.Keys(m.Journals.BySource)) {
		v.journal("journals.by_source."+src, m.Journals.BySource[src])
	}
	if len(v.problems) == 0 {
		return nil
	}
	return &MappingError{Problems: v.problems}
}

// The accepted values of the options with a code list, as errors name them.
const (
	acceptedScopes       = "both, sales, purchase"
	acceptedGroupings    = "by_account_and_vat, per_line"
	acceptedCalculations = "per_category, per_line"
	acceptedRoundings    = "half_away_from_zero, half_even, up, down"
	acceptedStatuses     = "draft, sent, paid, cancelled"
	acceptedDirections   = "sales, purchase"
	// acceptedVATCategories are the UNTDID 5305 VAT category codes EN 16931
	// uses (BT-118, BT-151).
	acceptedVATCategories = "S, Z, E, AE, K, G, O, L, M, B"
)

// hundred is 100 %, the upper bound (excluded) of a VAT rule's rate.
var hundred = decimal.NewFromInt(100)

// vatCategories is acceptedVATCategories as a set.
var vatCategories = map[string]bool{"S": true, "Z": true, "E": true, "AE": true, "K": true, "G": true, "O": true, "L": true, "M": true, "B": true}

// validateOptions checks what needs no ledger: every option against its code
// list or range. Each problem names its key, the value and, in Expected,
// what is accepted.
func (m *Mapping) validateOptions(v *mappingValidator) {
	bad := func(key, value, accepted string) {
		v.problems = append(v.problems, &SyncError{Code: CodeMappingInvalid, Field: key, Value: value,
			Expected: "one of: " + accepted, Message: "unknown value", Resolution: "use one of: " + accepted})
	}
	switch m.Scope {
	case "", ScopeBoth, ScopeSales, ScopePurchase:
	default:
		bad("scope", string(m.Scope), acceptedScopes)
	}
	switch m.LineGrouping {
	case "", GroupByAccountAndVAT, OnePerSourceLine:
	default:
		bad("line_grouping", string(m.LineGrouping), acceptedGroupings)
	}
	switch m.VATCalculation {
	case "", VATPerCategory, VATPerLine:
	default:
		bad("vat_calculation", string(m.VATCalculation), acceptedCalculations)
	}
	if !m.Rounding.Valid() {
		bad("rounding", m.Rounding.String(), acceptedRoundings)
	}
	for i, s := range m.EligibleStatuses {
		switch s {
		case StatusDraft, StatusSent, StatusPaid, StatusCancelled:
		default:
			bad(fmt.Sprintf("eligible_statuses[%d]", i), string(s), acceptedStatuses)
		}
	}
	if m.RoundingTolerance < 0 {
		v.problems = append(v.problems, &SyncError{Code: CodeMappingInvalid, Field: "rounding_tolerance",
			Value: fmt.Sprint(m.RoundingTolerance), Expected: "0 or more", Message: "the tolerance is negative",
			Resolution: "set a number of minor units, or 0 for one per invoice line"})
	}
	if _, err := labels.New(m.Labels.config()); err != nil {
		v.problem(CodeMappingInvalid, "labels", "", err.Error(), "fix the label settings")
	}
	if m.LedgerCurrency != "" {
		if _, ok := m.MinorUnits.MinorUnits(m.LedgerCurrency); !ok {
			v.problems = append(v.problems, &SyncError{Code: CodeMappingInvalid, Field: "ledger_currency",
				Value: m.LedgerCurrency, Expected: "an ISO 4217 currency code with minor units (EUR, USD, JPY…) or one declared in minor_units",
				Message: "unknown currency", Resolution: "use an ISO 4217 code, or declare its minor units in minor_units"})
		}
	}
	m.validateVATRuleValues(v, "sales_vat", m.SalesVAT)
	m.validateVATRuleValues(v, "purchase_vat", m.PurchaseVAT)
}

// validateVATRuleValues checks the category, rate and country of VAT rules
// against their code lists and range, whatever the scope.
func (m *Mapping) validateVATRuleValues(v *mappingValidator, key string, rules []VATRule) {
	for i, r := range rules {
		k := fmt.Sprintf("%s[%d]", key, i)
		// Case does not matter: the builder compares categories and
		// countries without regard to it, and stored mappings rely on that.
		if r.Category != "" && !vatCategories[strings.ToUpper(strings.TrimSpace(r.Category))] {
			v.problems = append(v.problems, &SyncError{Code: CodeMappingInvalid, Field: k + ".category", Value: r.Category,
				Expected: "one of: " + acceptedVATCategories + " (UNTDID 5305), or empty for any",
				Message:  "unknown VAT category", Resolution: "use one of: " + acceptedVATCategories + ", or leave it empty for any category"})
		}
		if r.Rate.Valid {
			switch {
			case r.Rate.Decimal.IsNegative() || r.Rate.Decimal.GreaterThanOrEqual(hundred):
				v.problems = append(v.problems, &SyncError{Code: CodeMappingInvalid, Field: k + ".rate", Value: r.Rate.Decimal.String(),
					Expected: "a rate in percent, 0 or more and less than 100", Message: "the rate is out of range",
					Resolution: "write the rate in percent (20 for 20 %), or null for any rate"})
			default:
				if _, ok := rounding.ToUnits(r.Rate.Decimal, rateDecimals); !ok {
					v.problems = append(v.problems, &SyncError{Code: CodeMappingInvalid, Field: k + ".rate", Value: r.Rate.Decimal.String(),
						Expected: fmt.Sprintf("at most %d decimals", rateDecimals),
						Message:  fmt.Sprintf("the rate has more than %d decimals", rateDecimals), Resolution: "round the rate"})
				}
			}
		}
		if r.Country != "" && !isCountryCode(strings.ToUpper(strings.TrimSpace(r.Country))) {
			v.problems = append(v.problems, &SyncError{Code: CodeMappingInvalid, Field: k + ".country", Value: r.Country,
				Expected: "an ISO 3166-1 alpha-2 country code (FR, DE, GR…), or empty for any",
				Message:  "not an ISO 3166-1 alpha-2 country code", Resolution: countryResolution(r.Country)})
		}
	}
}

// isCountryCode reports whether s is the canonical ISO 3166-1 alpha-2 code
// of a country: two upper-case letters that golang.org/x/text/language knows
// as a country, not a deprecated code it replaces (UK → GB) and not a
// grouping (EU) or the unknown region (ZZ).
func isCountryCode(s string) bool {
	if len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return false
	}
	r, err := language.ParseRegion(s)
	return err == nil && r.IsCountry() && r.Canonicalize().String() == s
}

// countryResolution says how to fix a country that is not an ISO code.
func countryResolution(s string) string {
	if r, err := language.ParseRegion(s); err == nil && r.IsCountry() {
		if c := r.Canonicalize().String(); c != s && isCountryCode(c) {
			return fmt.Sprintf("write %s, the ISO 3166-1 alpha-2 code of that country", c)
		}
	}
	if strings.EqualFold(s, "EL") {
		return "write GR: EL is the VAT number prefix of Greece, GR its ISO 3166-1 code"
	}
	return "write the partner country's ISO 3166-1 alpha-2 code in upper case, or leave it empty for any country"
}

func (m *Mapping) validateVATRules(v *mappingValidator, key string, d Direction, rules []VATRule) {
	for i, r := range rules {
		k := fmt.Sprintf("%s[%d]", key, i)
		for j := 0; j < i; j++ {
			if sameVATCriteria(rules[j], r) && rules[j].Code != r.Code {
				v.problem(CodeMappingInvalid, k, r.Code,
					fmt.Sprintf("same category, rate and country as %s[%d] (code %s): the second never applies", key, j, rules[j].Code),
					"remove one of the two rules")
				break
			}
		}
		if !v.required(k+".code", r.Code) {
			continue
		}
		code, ok := v.vatCode(k+".code", r.Code, d)
		if !ok {
			continue
		}
		acct := firstNonEmpty(r.Account, code.Account)
		if acct == "" {
			v.problem(CodeVATCodeNotFound, k+".account", "", fmt.Sprintf("VAT code %s has no account to post its VAT to", r.Code),
				"set the account in the VAT rule")
		}
		v.account(k+".account", acct)
		if d == Purchase && (code.ReverseCharge || isReverseChargeCategory(r.Category)) {
			due := firstNonEmpty(r.DueAccount, code.DueAccount)
			if due == "" {
				v.problem(CodeVATCodeNotFound, k+".due_account", "", fmt.Sprintf("reverse-charge VAT code %s has no VAT-due account", r.Code),
					"set due_account in the VAT rule")
			}
			v.account(k+".due_account", due)
		}
	}
}

func sameVATCriteria(a, b VATRule) bool {
	if !strings.EqualFold(a.Category, b.Category) || !strings.EqualFold(a.Country, b.Country) || a.Rate.Valid != b.Rate.Valid {
		return false
	}
	return !a.Rate.Valid || a.Rate.Decimal.Equal(b.Rate.Decimal)
}

func (m *Mapping) validateJournal(v *mappingValidator, key, code string) {
	if len(m.Journals.BySource) == 0 {
		v.required(key, code)
	}
	v.journal(key, code)
}

type mappingValidator struct {
	chart    *Chart
	problems []*SyncError
}

func (v *mappingValidator) problem(code ErrorCode, key, value, msg, resolution string) {
	v.problems = append(v.problems, &SyncError{Code: code, Field: key, Value: value, Message: msg, Resolution: resolution})
}

// ruleDirection checks the direction a rule is limited to: sales,
// purchase, or empty for both.
func (v *mappingValidator) ruleDirection(key string, d Direction) {
	if d != "" && !d.Valid() {
		v.problems = append(v.problems, &SyncError{Code: CodeMappingInvalid, Field: key, Value: string(d),
			Expected: "one of: " + acceptedDirections + ", or empty for both", Message: "unknown direction",
			Resolution: `use "sales", "purchase" or leave it empty for both`})
	}
}

// required records a problem when value is empty and reports whether it is set.
func (v *mappingValidator) required(key, value string) bool {
	if value == "" {
		v.problem(CodeMappingInvalid, key, "", "required and not set", "set "+key+" in the mapping")
		return false
	}
	return true
}

func (v *mappingValidator) account(key, number string) {
	if number == "" {
		return
	}
	v.chartProblem(key, number, v.chart.CheckAccount(number))
}

func (v *mappingValidator) vatCode(key, code string, d Direction) (VATCode, bool) {
	if code == "" {
		return VATCode{}, false
	}
	if err := v.chart.CheckVATCode(code); err != nil {
		v.chartProblem(key, code, err)
		return VATCode{}, false
	}
	c, _ := v.chart.VATCode(code)
	if c.Direction != "" && c.Direction != d {
		v.problem(CodeMappingInvalid, key, code, fmt.Sprintf("VAT code %s is a %s code, used for %s", code, c.Direction, d),
			"choose a "+string(d)+" VAT code for "+key)
	}
	return c, true
}

func (v *mappingValidator) journal(key, code string) {
	if code == "" {
		return
	}
	v.chartProblem(key, code, v.chart.CheckJournal(code))
}

// chartProblem records the problem err of a Chart check of value, the
// mapping key key naming it; nothing when err is nil.
func (v *mappingValidator) chartProblem(key, value string, err error) {
	if err == nil {
		return
	}
	code, msg, remedy, _ := chartProblem(err)
	v.problem(code, key, value, msg, remedy+" or choose another one for "+key)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
