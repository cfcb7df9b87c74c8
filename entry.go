package invoicesync

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync/labels"
	"github.com/invoicesync/invoicesync/rounding"
)

// LineKind says what an entry line stands for.
type LineKind string

// The kinds of entry line.
const (
	KindPartner            LineKind = "partner"            // the customer or supplier line
	KindRevenue            LineKind = "revenue"            // sales lines
	KindExpense            LineKind = "expense"            // purchase lines
	KindVAT                LineKind = "vat"                // VAT collected or deductible
	KindReverseChargeVAT   LineKind = "reverse_charge_vat" // self-assessed VAT (deductible and due)
	KindDiscount           LineKind = "discount"           // allowances on their own account
	KindCharge             LineKind = "charge"             // charges on their own account
	KindPrepayment         LineKind = "prepayment"         // the prepaid amount (BT-113)
	KindWithholding        LineKind = "withholding"        // a tax withheld from the amount payable (Invoice.Withholdings)
	KindRounding           LineKind = "rounding"           // payable rounding and rounding differences
	KindExchangeDifference LineKind = "exchange"           // currency conversion differences
	KindPayment            LineKind = "payment"            // money received on the spot (a daily sales entry's cash or card line)
)

// AccountSource says how an entry line's account was chosen.
type AccountSource string

// The ways an account is chosen.
const (
	// FromLine: the account the invoicing tool gave the line.
	FromLine AccountSource = "line"
	// FromRule: an account rule of the Mapping (see EntryLine.Rule).
	FromRule AccountSource = "rule"
	// FromDefault: the Mapping's default sales or purchase account.
	FromDefault AccountSource = "default"
	// FromMapping: a fixed account of the Mapping (collective, rounding, discount, ...).
	FromMapping AccountSource = "mapping"
	// FromVATCode: the account of the VAT code (ledger or Mapping VAT rule).
	FromVATCode AccountSource = "vat_code"
)

// Entry is one accounting entry, ready to post. It always balances: the sum of
// debits equals the sum of credits exactly, in the ledger currency.
type Entry struct {
	// Journal is the ledger journal code.
	Journal string
	// Date is the accounting date: the invoice issue date.
	Date time.Time
	// DueDate is the payment due date, when the invoice has one.
	DueDate time.Time
	// Reference is the invoice number.
	Reference string
	// Label is the entry's label (the partner line's label).
	Label string
	// Currency is the ledger currency: the currency of every Debit and Credit.
	Currency string
	// Decimals is the ledger currency's minor units; amounts have at most that many decimals.
	Decimals int32
	// InvoiceCurrency is the invoice's currency.
	InvoiceCurrency string
	// ExchangeRate is the invoice's rate (see Invoice.ExchangeRate); zero when
	// the invoice is in the ledger currency.
	ExchangeRate decimal.Decimal
	// Draft asks the ledger to keep the entry pending (see DraftPoster).
	Draft bool
	// IdempotencyKey identifies this invoice version; the ledger keeps one entry per key.
	IdempotencyKey string
	// InvoiceID is the invoice's id in the source.
	InvoiceID string
	// Direction and Kind are the invoice's.
	Direction Direction
	// Kind is invoice or credit note.
	Kind Kind
	// Partner is the ledger partner of the invoice, as passed to BuildEntry.
	Partner PartnerRef
	// Reverses is set on a reversal: the entry it cancels, every line mirrored.
	Reverses EntryRef
	// Lines are the entry lines, in a stable order: partner and prepayment,
	// revenue or expense, discounts, charges, VAT, rounding, exchange.
	Lines []EntryLine
}

// EntryLine is one line of an entry: an amount on one side of one account.
type EntryLine struct {
	// Account is the ledger account number.
	Account string
	// Partner is set on the partner line.
	Partner *PartnerRef
	// Debit is the debit amount in the ledger currency; zero on a credit line.
	Debit decimal.Decimal
	// Credit is the credit amount in the ledger currency; zero on a debit line.
	Credit decimal.Decimal
	// CurrencyAmount is the line's amount in the invoice currency, on the same
	// side, when the invoice currency differs from the ledger's; zero otherwise.
	CurrencyAmount decimal.Decimal
	// VATCode is the ledger VAT code of the line, if any.
	VATCode string
	// Label is the line's label.
	Label string
	// Kind says what the line stands for.
	Kind LineKind
	// SourceLines are the 1-based positions of the invoice lines the line
	// comes from (revenue, expense, line discounts, per-line VAT).
	SourceLines []int
	// AccountSource says how Account was chosen.
	AccountSource AccountSource
	// Rule is the 1-based position of the account rule used when AccountSource is FromRule.
	Rule int
	// Tried lists the accounts tried and rejected before Account, when any
	// (absent from the ledger or inactive), for explanations.
	Tried []string
	// VATRule is the 1-based position, in the mapping's sales or purchase VAT
	// rules, of the rule that chose VATCode; 0 when the line has no such code.
	VATRule int
	// Explanation says why a rounding or exchange line exists and where its
	// amount comes from; empty on other lines.
	Explanation string
	// Analytics are the analytic tags of the source line, when the line comes from one line.
	Analytics map[string]string
}

// IsDebit reports whether the line is on the debit side.
func (l *EntryLine) IsDebit() bool { return l.Debit.Sign() != 0 }

// Amount returns the line's amount, whichever side it is on.
func (l *EntryLine) Amount() decimal.Decimal {
	if l.Debit.Sign() != 0 {
		return l.Debit
	}
	return l.Credit
}

// Totals returns the sums of debits and of credits.
func (e *Entry) Totals() (debit, credit decimal.Decimal) {
	debit, credit = decimal.Zero, decimal.Zero
	for i := range e.Lines {
		debit = debit.Add(e.Lines[i].Debit)
		credit = credit.Add(e.Lines[i].Credit)
	}
	return debit, credit
}

// Check verifies the invariants every entry must hold before it is posted:
// at least one line; each line with an account, exactly one non-zero side,
// no negative amount, no more decimals than the ledger currency has; debits
// equal credits exactly. The error wraps ErrUnbalanced for an imbalance.
func (e *Entry) Check() error {
	if len(e.Lines) == 0 {
		return fmt.Errorf("entry %s has no lines: %w", e.Reference, ErrUnbalanced)
	}
	for i := range e.Lines {
		l := &e.Lines[i]
		switch {
		case l.Account == "":
			return fmt.Errorf("entry %s line %d has no account", e.Reference, i+1)
		case l.Debit.Sign() != 0 && l.Credit.Sign() != 0:
			return fmt.Errorf("entry %s line %d is both debit and credit", e.Reference, i+1)
		case l.Debit.Sign() == 0 && l.Credit.Sign() == 0:
			return fmt.Errorf("entry %s line %d is zero", e.Reference, i+1)
		case l.Debit.Sign() < 0 || l.Credit.Sign() < 0:
			return fmt.Errorf("entry %s line %d is negative", e.Reference, i+1)
		case !l.Amount().Round(e.Decimals).Equal(l.Amount()):
			return fmt.Errorf("entry %s line %d amount %s has more than %d decimals", e.Reference, i+1, l.Amount(), e.Decimals)
		}
	}
	if d, c := e.Totals(); !d.Equal(c) {
		return fmt.Errorf("entry %s: debit %s, credit %s: %w", e.Reference, d.StringFixed(e.Decimals), c.StringFixed(e.Decimals), ErrUnbalanced)
	}
	return nil
}

const (
	// rateDecimals is the precision VAT rates are compared and computed at.
	rateDecimals = 6
	// rateScale is 100 % at rateDecimals: VAT = base × rate units / rateScale.
	rateScale = 100_000_000
	// maxUnits bounds every amount read from an invoice, in minor units, so
	// that sums of many of them cannot overflow silently (overflow is also
	// checked). 10^15 minor units is ten trillion euros.
	maxUnits = 1_000_000_000_000_000
)

// Builder turns invoices into entries for one Mapping and one Chart. Build one
// per run and reuse it: it parses the mapping's options once. It is safe for
// concurrent use as long as the Mapping and Chart are not modified.
type Builder struct {
	m       *Mapping
	chart   *Chart
	labeler *labels.Labeler
}

// NewBuilder checks the mapping's options (not its accounts: see
// Mapping.Validate) and prepares a Builder. The error is a *MappingError.
func NewBuilder(m *Mapping, chart *Chart) (*Builder, error) {
	v := &mappingValidator{chart: chart}
	m.validateOptions(v)
	if len(v.problems) > 0 {
		return nil, &MappingError{Problems: v.problems}
	}
	lb, err := labels.New(m.Labels.config())
	if err != nil { // unreachable: validateOptions checked it
		return nil, err
	}
	return &Builder{m: m, chart: chart, labeler: lb}, nil
}

// BuildEntry turns one invoice into one balanced entry following the
// accounting rule the package documentation describes, with no I/O: chart
// is the ledger's accounts, VAT codes and journals fetched beforehand,
// partner the ledger partner found or created for the invoice's party (it
// may be zero, e.g. in a preview before the partner exists). Every failure is a *SyncError. When building many entries,
// make one Builder with NewBuilder instead.
func BuildEntry(inv *Invoice, m *Mapping, chart *Chart, partner PartnerRef) (*Entry, error) {
	b, err := NewBuilder(m, chart)
	if err != nil {
		return nil, err
	}
	return b.Build(inv, partner)
}

// Build turns one invoice into one balanced entry; see BuildEntry.
//
// The entry's amounts are in the ledger currency (Mapping.LedgerCurrency, or
// the invoice's), with exactly its minor units. A credit note produces the
// mirror of the invoice it credits. Amounts are signed as EN 16931 signs
// them: a negative invoice is posted as the mirror of a positive one, and a
// credit note with negative amounts is the mirror of a credit note, so it
// raises the receivable (or the payable) as an invoice does.
func (b *Builder) Build(inv *Invoice, partner PartnerRef) (*Entry, error) {
	if inv == nil {
		return nil, &SyncError{Code: CodeInvoiceValidation, Message: "no invoice", Resolution: "pass an invoice"}
	}
	s := &build{b: b, m: b.m, inv: inv, partner: partner}
	for _, step := range buildSteps {
		if err := step(s); err != nil {
			return nil, err
		}
		if s.overflow {
			return nil, s.fail(CodeAmountValidation, 0, "", "", "", "the invoice's amounts are too large to add up exactly",
				"check the invoice amounts in the invoicing tool")
		}
	}
	return s.entry()
}

// buildSteps are the steps of Build, in order (method expressions, so that
// running them allocates nothing).
var buildSteps = [...]func(*build) error{
	(*build).header, (*build).readLines, (*build).readDocument, (*build).validateTotals, (*build).resolveVAT,
	(*build).resolveAccounts, (*build).spread, (*build).computeVAT, (*build).assemble, (*build).balance, (*build).convert,
}

// vatKey identifies a VAT category and rate on an invoice.
type vatKey struct {
	cat     string
	rate    int64 // percent × 10^rateDecimals
	hasRate bool
}

func (k vatKey) String() string {
	cat := k.cat
	if cat == "" {
		cat = "(none)"
	}
	rate := "(none)"
	if k.hasRate {
		rate = rounding.FromUnits(k.rate, rateDecimals).String() + " %"
	}
	return "category " + cat + ", rate " + rate
}

// category gathers what the invoice says about one VAT category and rate.
type category struct {
	key       vatKey
	firstLine int // 1-based line that introduced it; 0 for document-level only
	rule      int // index in the mapping's VAT rules
	code      VATCode
	rate      int64 // effective rate: the line's, else the code's
	reverse   bool  // self-assessed (reverse charge) on this purchase
	chargeVAT bool  // the seller charges VAT in this category
	net       int64 // Σ line nets
	allowance int64 // Σ document allowances
	charge    int64 // Σ document charges
	reason    string
	orphan    bool // document allowances/charges found no line to spread over
	declared  bool // the breakdown declares this category
	declVAT   int64
	declBase  int64
	vat       int64 // ordinary VAT posted
	rcVAT     int64 // self-assessed VAT posted twice
}

func (c *category) taxable() int64 { return c.net - c.allowance + c.charge }

// srcLine is what the builder keeps of one invoice line.
type srcLine struct {
	net, lineAllow, lineCharge int64
	docAllow, docCharge        int64 // shares of document allowances and charges
	cat                        int
	account                    string
	accSrc                     AccountSource
	rule                       int
	tried                      []string
}

// pline is an entry line being built. amount is in minor units of the invoice
// currency, positive for a credit on a sales invoice (before orientation).
type pline struct {
	idx      int // position in build.plines
	kind     LineKind
	account  string
	accSrc   AccountSource
	rule     int
	vatRule  int // 1-based mapping VAT rule of code
	tried    []string
	code     string
	note     string // explanation of a rounding or exchange line
	amount   int64
	ledger   int64 // amount in the ledger currency, after orientation
	desc     string
	mixed    bool // grouped lines with different descriptions
	partner  bool
	sideAcct bool // the account depends on the side: rounding or exchange
	srcCount int
	lines    int // index of the single source line, -1 when several or none
}

type build struct {
	b         *Builder
	m         *Mapping
	inv       *Invoice
	partner   PartnerRef
	dir       Direction
	ip, lp    int32 // minor units of the invoice and ledger currencies
	ledgerCur string
	foreign   bool // the invoice currency is not the ledger's
	overflow  bool
	tol       int64
	cats      []category
	lines     []srcLine
	plines    []pline
	members   []member

	lineTotal, docAllow, docCharge        int64
	net, vat, gross, prepaid, payRounding int64
	payable                               int64
	withheld                              int64 // Σ Invoice.Withholdings
	withholds                             []withhold
}

// withhold is one withheld tax of the invoice and its account.
type withhold struct {
	tax, account, field string
	amount              int64
}

type member struct{ pl, line int }

func (s *build) fail(code ErrorCode, line int, field, value, expected, msg, resolution string) *SyncError {
	return &SyncError{
		Code: code, InvoiceID: s.inv.ID, InvoiceNumber: s.inv.Number, Line: line,
		Field: field, Value: value, Expected: expected, Message: msg, Resolution: resolution,
	}
}

// add returns a+b and records an overflow.
func (s *build) add(a, b int64) int64 {
	c := a + b
	if (c > a) != (b > 0) {
		s.overflow = true
	}
	return c
}

func (s *build) money(u int64, places int32) string {
	return rounding.FromUnits(u, places).StringFixed(places)
}

// units reads an amount of the invoice currency as minor units.
func (s *build) units(d decimal.Decimal, code ErrorCode, line int, field string) (int64, error) {
	return s.unitsAt(d, code, line, field, -1, "")
}

// unitsAt is units for the field name[idx]suffix (name alone when idx < 0),
// named only when there is an error, so that reading allocates nothing.
func (s *build) unitsAt(d decimal.Decimal, code ErrorCode, line int, name string, idx int, suffix string) (int64, error) {
	u, ok := rounding.ToUnits(d, s.ip)
	if ok && u <= maxUnits && u >= -maxUnits {
		return u, nil
	}
	field := name
	if idx >= 0 {
		field = fmt.Sprintf("%s[%d]%s", name, idx, suffix)
	}
	if ok || d.Round(s.ip).Equal(d) { // exact in minor units, only too many of them
		return 0, s.fail(code, line, field, d.String(), "", field+" is too large",
			"check "+field+" in the invoicing tool")
	}
	return 0, s.fail(code, line, field, d.String(), "",
		fmt.Sprintf("%s has more decimals than %s allows (%d)", field, s.inv.Currency, s.ip),
		fmt.Sprintf("correct %s in the invoicing tool: amounts in %s have at most %d decimals", field, s.inv.Currency, s.ip))
}

func (s *build) header() error {
	inv, m := s.inv, s.m
	s.dir = inv.Direction
	if !inv.Direction.Valid() {
		return s.fail(CodeInvoiceValidation, 0, "Direction", string(inv.Direction), "",
			"the invoice is neither sales nor purchase", `set Direction to "sales" or "purchase"`)
	}
	if !inv.Kind.Valid() {
		return s.fail(CodeInvoiceValidation, 0, "Kind", string(inv.Kind), "",
			"the document is neither an invoice nor a credit note", `set Kind to "invoice" or "credit_note"`)
	}
	if inv.IssueDate.IsZero() {
		return s.fail(CodeInvoiceValidation, 0, "IssueDate (BT-2)", "", "", "the invoice has no issue date",
			"set the invoice date in the invoicing tool")
	}
	if len(inv.Lines) == 0 {
		return s.fail(CodeLineValidation, 0, "Lines", "", "", "the invoice has no lines", "add at least one line to the invoice")
	}
	var ok bool
	if s.ip, ok = m.MinorUnits.MinorUnits(inv.Currency); !ok {
		return s.fail(CodeCurrencyValidation, 0, "Currency (BT-5)", inv.Currency, "", "unknown currency",
			"use an ISO 4217 currency code, or declare its minor units in the mapping")
	}
	s.ledgerCur = strings.ToUpper(strings.TrimSpace(firstNonEmpty(m.LedgerCurrency, inv.Currency)))
	if s.lp, ok = m.MinorUnits.MinorUnits(s.ledgerCur); !ok {
		return s.fail(CodeCurrencyValidation, 0, "ledger_currency", s.ledgerCur, "", "unknown ledger currency",
			"use an ISO 4217 currency code in the mapping")
	}
	s.foreign = !strings.EqualFold(strings.TrimSpace(inv.Currency), s.ledgerCur)
	if s.foreign && inv.ExchangeRate.Sign() <= 0 {
		return s.fail(CodeCurrencyValidation, 0, "ExchangeRate", inv.ExchangeRate.String(), "",
			fmt.Sprintf("the invoice is in %s, the ledger in %s, and there is no exchange rate", inv.Currency, s.ledgerCur),
			fmt.Sprintf("give the invoice an exchange rate: how many %s one %s buys", inv.Currency, s.ledgerCur))
	}
	s.tol = int64(m.RoundingTolerance)
	if s.tol <= 0 {
		s.tol = int64(max(1, len(inv.Lines)))
	}
	return nil
}

// noVATCategory reports whether the seller charges no VAT in category c.
func noVATCategory(c string) bool {
	switch c {
	case "E", "AE", "K", "G", "O":
		return true
	}
	return false
}

// ImpliesZeroRate reports whether the UNTDID 5305 VAT category c (upper
// case) means a 0 % rate when the invoice gives none: zero rated (Z), and
// the categories in which the seller charges no VAT (E, AE, K, G, O). The
// builder reads such a category without a rate as that category at 0 %, so
// that sources, checks and charts that key VAT by category and rate can
// treat both as one.
func ImpliesZeroRate(c string) bool { return c == "Z" || noVATCategory(c) }

// isReverseChargeCategory reports whether a purchase in category c is self-assessed.
func isReverseChargeCategory(c string) bool {
	c = strings.ToUpper(c)
	return c == "AE" || c == "K"
}

// key reads a VAT category and rate; ok is false when the rate is unusable.
func (s *build) key(cat string, rate decimal.NullDecimal) (vatKey, string, bool) {
	k := vatKey{cat: strings.ToUpper(strings.TrimSpace(cat))}
	if rate.Valid {
		r, ok := rounding.ToUnits(rate.Decimal, rateDecimals)
		if !ok || r < 0 || r > 1000*rateScale/100 {
			return k, fmt.Sprintf("the VAT rate %s is not a percentage with at most %d decimals", rate.Decimal, rateDecimals), false
		}
		k.rate, k.hasRate = r, true
	} else if ImpliesZeroRate(k.cat) {
		k.hasRate = true
	}
	if k.cat == "" && !k.hasRate {
		return k, "no VAT category or rate", false
	}
	return k, "", true
}

// catIndex returns the category of key k, adding it when missing. lenient
// lets a key without category match a category of the same rate, and the reverse.
func (s *build) catIndex(k vatKey, lenient bool, line int) int {
	for i := range s.cats {
		if s.cats[i].key == k {
			return i
		}
	}
	if lenient {
		for i := range s.cats {
			c := s.cats[i].key
			if (c.cat == "" || k.cat == "") && c.hasRate == k.hasRate && c.rate == k.rate {
				return i
			}
		}
	}
	s.cats = append(s.cats, category{key: k, firstLine: line})
	return len(s.cats) - 1
}

func (s *build) readLines() error {
	s.lines = make([]srcLine, len(s.inv.Lines))
	s.cats = make([]category, 0, 4)
	for i := range s.inv.Lines {
		l, sl := &s.inv.Lines[i], &s.lines[i]
		var err error
		if sl.net, err = s.units(l.NetAmount, CodeLineValidation, i+1, "NetAmount (BT-131)"); err != nil {
			return err
		}
		k, why, ok := s.key(l.VATCategory, l.VATRate)
		if !ok {
			return s.fail(CodeLineValidation, i+1, "VATRate (BT-152)", rateText(l.VATRate), "", "the line has "+why,
				fmt.Sprintf("set a VAT rate or VAT category on line %d in the invoicing tool", i+1))
		}
		for j := range l.Allowances {
			u, err := s.unitsAt(l.Allowances[j].Amount, CodeLineValidation, i+1, "Allowances", j, ".Amount (BT-136)")
			if err != nil {
				return err
			}
			sl.lineAllow = s.add(sl.lineAllow, u)
		}
		for j := range l.Charges {
			u, err := s.unitsAt(l.Charges[j].Amount, CodeLineValidation, i+1, "Charges", j, ".Amount (BT-141)")
			if err != nil {
				return err
			}
			sl.lineCharge = s.add(sl.lineCharge, u)
		}
		sl.cat = s.catIndex(k, false, i+1)
		c := &s.cats[sl.cat]
		c.net = s.add(c.net, sl.net)
		s.lineTotal = s.add(s.lineTotal, sl.net)
	}
	return nil
}

func rateText(r decimal.NullDecimal) string {
	if !r.Valid {
		return ""
	}
	return r.Decimal.String()
}

// readDocument reads document-level allowances, charges and the VAT breakdown.
func (s *build) readDocument() error {
	read := func(list []AllowanceCharge, name, bt string, total *int64, charge bool) error {
		for i := range list {
			ac := &list[i]
			u, err := s.unitsAt(ac.Amount, CodeAmountValidation, 0, name, i, ".Amount ("+bt+")")
			if err != nil {
				return err
			}
			k, why, ok := s.key(ac.VATCategory, ac.VATRate)
			if !ok {
				return s.fail(CodeLineValidation, 0, fmt.Sprintf("%s[%d].VATRate", name, i), rateText(ac.VATRate), "",
					"the document "+strings.ToLower(name[:len(name)-1])+" has "+why,
					"set the VAT category and rate of the document "+strings.ToLower(name[:len(name)-1])+" in the invoicing tool")
			}
			c := &s.cats[s.catIndex(k, true, 0)]
			if charge {
				c.charge = s.add(c.charge, u)
			} else {
				c.allowance = s.add(c.allowance, u)
			}
			if c.reason == "" {
				c.reason = ac.Reason
			}
			*total = s.add(*total, u)
		}
		return nil
	}
	if err := read(s.inv.Allowances, "Allowances", "BT-92", &s.docAllow, false); err != nil {
		return err
	}
	if err := read(s.inv.Charges, "Charges", "BT-99", &s.docCharge, true); err != nil {
		return err
	}
	if err := s.readWithholdings(); err != nil {
		return err
	}
	for i := range s.inv.VATBreakdown {
		v := &s.inv.VATBreakdown[i]
		k, why, ok := s.key(v.Category, v.Rate)
		if !ok {
			return s.fail(CodeAmountValidation, 0, fmt.Sprintf("VATBreakdown[%d].Rate (BT-119)", i), rateText(v.Rate), "", "the VAT breakdown has "+why,
				"correct the VAT breakdown in the invoicing tool")
		}
		tax, err := s.unitsAt(v.TaxAmount, CodeAmountValidation, 0, "VATBreakdown", i, ".TaxAmount (BT-117)")
		if err != nil {
			return err
		}
		base, err := s.unitsAt(v.TaxableAmount, CodeAmountValidation, 0, "VATBreakdown", i, ".TaxableAmount (BT-116)")
		if err != nil {
			return err
		}
		c := &s.cats[s.catIndex(k, true, 0)]
		c.declared = true
		c.declVAT = s.add(c.declVAT, tax)
		c.declBase = s.add(c.declBase, base)
	}
	return nil
}

// readWithholdings reads the withheld taxes and finds each one's account.
func (s *build) readWithholdings() error {
	for i := range s.inv.Withholdings {
		w := &s.inv.Withholdings[i]
		u, err := s.unitsAt(w.Amount, CodeAmountValidation, 0, "Withholdings", i, ".Amount")
		if err != nil {
			return err
		}
		tax := strings.TrimSpace(w.Tax)
		if tax == "" {
			return s.fail(CodeInvoiceValidation, 0, fmt.Sprintf("Withholdings[%d].Tax", i), "", "",
				"a withheld tax has no name, so its account cannot be chosen", "name the withheld tax in the invoicing tool")
		}
		rule := -1
		for j := range s.m.Withholding {
			r := &s.m.Withholding[j]
			if (r.Direction == "" || r.Direction == s.dir) && strings.EqualFold(strings.TrimSpace(r.Tax), tax) {
				rule = j
				break
			}
		}
		if rule < 0 {
			return s.fail(CodeMappingTaxRateNotFound, 0, fmt.Sprintf("Withholdings[%d].Tax", i), tax, "",
				fmt.Sprintf("the invoice withholds %s %s and the mapping has no withholding rule for %s %s", s.money(u, s.ip), tax, s.dir, tax),
				fmt.Sprintf("add a withholding rule for %s to the mapping, with the account of the withheld amount", tax))
		}
		s.withholds = append(s.withholds, withhold{tax: tax, account: s.m.Withholding[rule].Account,
			field: fmt.Sprintf("withholding[%d].account", rule), amount: u})
		s.withheld = s.add(s.withheld, u)
	}
	return nil
}

func (s *build) validateTotals() error {
	t := &s.inv.Totals
	read := func(d decimal.Decimal, field string) (int64, error) {
		return s.units(d, CodeAmountValidation, 0, field)
	}
	type check struct {
		field    string
		declared decimal.Decimal
		dst      *int64
	}
	var lineTotal, allowTotal, chargeTotal int64
	for _, c := range []check{
		{"Totals.LineTotal (BT-106)", t.LineTotal, &lineTotal},
		{"Totals.AllowanceTotal (BT-107)", t.AllowanceTotal, &allowTotal},
		{"Totals.ChargeTotal (BT-108)", t.ChargeTotal, &chargeTotal},
		{"Totals.Net (BT-109)", t.Net, &s.net},
		{"Totals.VAT (BT-110)", t.VAT, &s.vat},
		{"Totals.Gross (BT-112)", t.Gross, &s.gross},
		{"Totals.Prepaid (BT-113)", t.Prepaid, &s.prepaid},
		{"Totals.PayableRounding (BT-114)", t.PayableRounding, &s.payRounding},
		{"Totals.Payable (BT-115)", t.Payable, &s.payable},
	} {
		u, err := read(c.declared, c.field)
		if err != nil {
			return err
		}
		*c.dst = u
	}
	payableRule := "BT-112 − BT-113 + BT-114"
	if len(s.withholds) > 0 {
		payableRule += " − the withheld taxes"
	}
	declVAT, hasBreakdown := int64(0), len(s.inv.VATBreakdown) > 0
	for i := range s.cats {
		declVAT = s.add(declVAT, s.cats[i].declVAT)
	}
	for _, c := range []struct {
		field, rule        string
		declared, computed int64
		skip               bool
	}{
		{"Totals.LineTotal (BT-106)", "the sum of the line net amounts", lineTotal, s.lineTotal, false},
		{"Totals.AllowanceTotal (BT-107)", "the sum of the document allowances", allowTotal, s.docAllow, false},
		{"Totals.ChargeTotal (BT-108)", "the sum of the document charges", chargeTotal, s.docCharge, false},
		{"Totals.Net (BT-109)", "BT-106 − BT-107 + BT-108", s.net, s.add(s.add(lineTotal, -allowTotal), chargeTotal), false},
		{"Totals.VAT (BT-110)", "the sum of the VAT breakdown (BT-117)", s.vat, declVAT, !hasBreakdown},
		{"Totals.Gross (BT-112)", "BT-109 + BT-110", s.gross, s.add(s.net, s.vat), false},
		{"Totals.Payable (BT-115)", payableRule, s.payable, s.add(s.add(s.add(s.gross, -s.prepaid), s.payRounding), -s.withheld), false},
	} {
		if c.skip {
			continue
		}
		if d := s.add(c.declared, -c.computed); d > s.tol || d < -s.tol {
			return s.fail(CodeAmountValidation, 0, c.field, s.money(c.declared, s.ip), s.money(c.computed, s.ip),
				fmt.Sprintf("declared %s but %s is %s: a difference of %s, more than the tolerance of %s",
					s.money(c.declared, s.ip), c.rule, s.money(c.computed, s.ip), s.money(d, s.ip), s.money(s.tol, s.ip)),
				"check the invoice totals in the invoicing tool; if they are right, raise the rounding tolerance of the mapping")
		}
	}
	return nil
}

// findVATRule returns the index of the most specific rule matching k.
func findVATRule(rules []VATRule, k vatKey, country string) int {
	best, bestScore := -1, -1
	for i := range rules {
		r := &rules[i]
		score := 0
		if r.Category != "" {
			if !strings.EqualFold(strings.TrimSpace(r.Category), k.cat) {
				continue
			}
			score++
		}
		if r.Rate.Valid {
			ru, ok := rounding.ToUnits(r.Rate.Decimal, rateDecimals)
			if !ok || !k.hasRate || ru != k.rate {
				continue
			}
			score++
		}
		if r.Country != "" {
			if !strings.EqualFold(strings.TrimSpace(r.Country), country) {
				continue
			}
			score++
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

func (s *build) rules() ([]VATRule, string) {
	if s.dir == Purchase {
		return s.m.PurchaseVAT, "purchase_vat"
	}
	return s.m.SalesVAT, "sales_vat"
}

func (s *build) resolveVAT() error {
	rules, key := s.rules()
	country := ""
	if s.inv.Party != nil {
		country = strings.TrimSpace(firstNonEmpty(s.inv.Party.Country, s.inv.Party.Address.Country))
	}
	for i := range s.cats {
		c := &s.cats[i]
		c.rule = findVATRule(rules, c.key, country)
		if c.rule < 0 {
			return s.fail(CodeMappingTaxRateNotFound, c.firstLine, key, c.key.String(), "",
				fmt.Sprintf("no %s VAT code is mapped for %s", s.dir, c.key),
				fmt.Sprintf("add a VAT code for %s %s in the mapping (%s)", s.dir, c.key, key))
		}
		r := &rules[c.rule]
		code, ok := s.b.chart.VATCode(r.Code)
		field := func() string { return fmt.Sprintf("%s[%d].code", key, c.rule) }
		if !ok || !code.Active {
			state := "does not exist"
			if ok {
				state = "is not active"
			}
			return s.fail(CodeVATCodeNotFound, c.firstLine, field(), r.Code, "",
				fmt.Sprintf("VAT code %s, mapped for %s %s, %s in the ledger", r.Code, s.dir, c.key, state),
				fmt.Sprintf("create or reactivate VAT code %s in the ledger, or map %s to another code", r.Code, c.key))
		}
		c.code = code
		c.reverse = s.dir == Purchase && (code.ReverseCharge || isReverseChargeCategory(c.key.cat))
		c.chargeVAT = !noVATCategory(c.key.cat) && !code.ReverseCharge
		c.rate = c.key.rate
		if !c.key.hasRate || (c.reverse && c.rate == 0) {
			cr, ok := rounding.ToUnits(code.Rate, rateDecimals)
			if !ok || cr < 0 {
				return s.fail(CodeVATCodeNotFound, c.firstLine, field(), code.Rate.String(), "",
					fmt.Sprintf("the rate of VAT code %s is not usable", r.Code), "correct the rate of the VAT code in the ledger")
			}
			c.rate = cr
		}
	}
	return nil
}

// usable reports whether the chart has number as an active account.
func (s *build) usable(number string) bool {
	a, ok := s.b.chart.Account(number)
	return ok && a.Active
}

// fixedAccount checks an account named by the mapping.
func (s *build) fixedAccount(field, number string, line int) error {
	if number == "" {
		return s.fail(CodeAccountNumberNotFound, line, field, "", "", field+" is needed for this invoice and not set",
			"set "+field+" in the mapping")
	}
	a, ok := s.b.chart.Account(number)
	if !ok {
		return s.fail(CodeAccountNumberNotFound, line, field, number, "", "account "+number+" ("+field+") does not exist in the ledger",
			"create account "+number+" in the ledger or choose another one for "+field)
	}
	if !a.Active {
		return s.fail(CodeAccountNumberNotActive, line, field, number, "", "account "+number+" ("+field+") is not active in the ledger",
			"reactivate account "+number+" in the ledger or choose another one for "+field)
	}
	return nil
}

func (s *build) defaultAccount() (string, string) {
	if s.dir == Purchase {
		return "accounts.purchase_default", s.m.Accounts.PurchaseDefault
	}
	return "accounts.sales_default", s.m.Accounts.SalesDefault
}

func ruleMatches(r *AccountRule, d Direction, l *Line) bool {
	if (r.Direction != "" && r.Direction != d) || (r.ItemCode == "" && r.ItemCategory == "" && r.Task == "") {
		return false
	}
	return (r.ItemCode == "" || r.ItemCode == l.ItemCode) &&
		(r.ItemCategory == "" || r.ItemCategory == l.ItemCategory) &&
		(r.Task == "" || r.Task == l.Task)
}

// resolveAccounts chooses each line's account: the line's own
// when the ledger has it active, else the first matching rule's, else the
// default; every account tried and rejected is kept for the explanation.
func (s *build) resolveAccounts() error {
	defField, def := s.defaultAccount()
	for i := range s.inv.Lines {
		l, sl := &s.inv.Lines[i], &s.lines[i]
		if i > 0 && sameAccountInputs(l, &s.inv.Lines[i-1]) {
			prev := &s.lines[i-1]
			sl.account, sl.accSrc, sl.rule, sl.tried = prev.account, prev.accSrc, prev.rule, prev.tried
			continue
		}
		if l.AccountNumber != "" {
			if s.usable(l.AccountNumber) {
				sl.account, sl.accSrc = l.AccountNumber, FromLine
				continue
			}
			sl.tried = append(sl.tried, l.AccountNumber)
		}
		for j := range s.m.AccountRules {
			r := &s.m.AccountRules[j]
			if !ruleMatches(r, s.dir, l) {
				continue
			}
			if s.usable(r.Account) {
				sl.account, sl.accSrc, sl.rule = r.Account, FromRule, j+1
			} else {
				sl.tried = append(sl.tried, r.Account)
			}
			break
		}
		if sl.account != "" {
			continue
		}
		if s.usable(def) {
			sl.account, sl.accSrc = def, FromDefault
			continue
		}
		tried := append(sl.tried, def)
		code, state := CodeAccountNumberNotFound, "does not exist"
		if a, ok := s.b.chart.Account(def); ok && !a.Active {
			code, state = CodeAccountNumberNotActive, "is not active"
		}
		if def == "" {
			tried, state = sl.tried, "is not set"
		}
		return s.fail(code, i+1, defField, def, "",
			fmt.Sprintf("no usable account for the line: tried %s; the default account %s %s", s.describeTried(tried), def, state),
			"use an existing, active account on the line in the invoicing tool, or create or reactivate account "+
				firstNonEmpty(def, "(default)")+" in the ledger, or choose another "+defField+" in the mapping")
	}
	return nil
}

func sameAccountInputs(a, b *Line) bool {
	return a.AccountNumber == b.AccountNumber && a.ItemCode == b.ItemCode && a.ItemCategory == b.ItemCategory && a.Task == b.Task
}

func (s *build) describeTried(tried []string) string {
	if len(tried) == 0 {
		return "nothing"
	}
	parts := make([]string, len(tried))
	for i, n := range tried {
		state := "not in the ledger"
		if a, ok := s.b.chart.Account(n); ok && !a.Active {
			state = "not active"
		} else if ok {
			state = "usable"
		}
		parts[i] = n + " (" + state + ")"
	}
	return strings.Join(parts, ", ")
}

func (s *build) discountAccount() (string, string) {
	if s.dir == Purchase {
		return "accounts.purchase_discount", s.m.Accounts.PurchaseDiscount
	}
	return "accounts.sales_discount", s.m.Accounts.SalesDiscount
}

func (s *build) chargeAccount() (string, string) {
	if s.dir == Purchase {
		return "accounts.purchase_charge", s.m.Accounts.PurchaseCharge
	}
	return "accounts.sales_charge", s.m.Accounts.SalesCharge
}

// spread distributes each category's document allowances and charges over
// its lines by net amount, largest remainder first.
func (s *build) spread() error {
	if s.docAllow == 0 && s.docCharge == 0 {
		return nil
	}
	weights := make([]int64, 0, len(s.lines))
	idx := make([]int, 0, len(s.lines))
	shares := make([]int64, 0, len(s.lines))
	for ci := range s.cats {
		c := &s.cats[ci]
		if c.allowance == 0 && c.charge == 0 {
			continue
		}
		weights, idx = weights[:0], idx[:0]
		for i := range s.lines {
			if s.lines[i].cat == ci {
				weights = append(weights, s.lines[i].net)
				idx = append(idx, i)
			}
		}
		for _, part := range []struct {
			total int64
			dst   func(*srcLine) *int64
		}{
			{c.allowance, func(l *srcLine) *int64 { return &l.docAllow }},
			{c.charge, func(l *srcLine) *int64 { return &l.docCharge }},
		} {
			if part.total == 0 {
				continue
			}
			var err error
			shares, err = rounding.DistributeUnits(part.total, weights, shares)
			if err != nil {
				// No line, or lines summing to zero: the amount stays whole on
				// its own line (see assemble).
				c.orphan = true
				continue
			}
			for j, i := range idx {
				*part.dst(&s.lines[i]) = shares[j]
			}
		}
	}
	return nil
}

func (s *build) vatOf(base, rate int64) int64 {
	v, ok := rounding.MulDiv(base, rate, rateScale, s.m.Rounding)
	if !ok {
		s.overflow = true
	}
	return v
}

// computeVAT fixes each category's VAT: declared when the invoice
// has a breakdown, else computed per category or per line; and the
// self-assessed VAT of reverse-charge purchases.
func (s *build) computeVAT() error {
	hasBreakdown := len(s.inv.VATBreakdown) > 0
	for ci := range s.cats {
		c := &s.cats[ci]
		base := c.taxable()
		switch {
		case hasBreakdown:
			c.vat = c.declVAT
		case !c.chargeVAT:
		case s.m.VATCalculation == VATPerLine:
			for i := range s.lines {
				if l := &s.lines[i]; l.cat == ci {
					c.vat = s.add(c.vat, s.vatOf(s.add(s.add(l.net, -l.docAllow), l.docCharge), c.rate))
				}
			}
			if c.orphan {
				c.vat = s.add(c.vat, s.vatOf(s.add(c.charge, -c.allowance), c.rate))
			}
		default:
			c.vat = s.vatOf(base, c.rate)
		}
		if c.reverse {
			if c.declared {
				base = c.declBase
			}
			c.rcVAT = s.vatOf(base, c.rate)
		}
	}
	return nil
}

// line returns the pending line of (kind, account, code), adding it when
// missing or when group is false. The pointer is valid until the next call,
// which may grow s.plines.
func (s *build) line(kind LineKind, account, code string, group bool) *pline {
	if group {
		for i := range s.plines {
			p := &s.plines[i]
			if p.kind == kind && p.account == account && p.code == code && !p.partner && !p.sideAcct {
				return p
			}
		}
	}
	s.plines = append(s.plines, pline{idx: len(s.plines), kind: kind, account: account, code: code, lines: -1})
	return &s.plines[len(s.plines)-1]
}

// addSource records that line i (0-based) feeds pending line p.
func (s *build) addSource(p *pline, i int, desc string) {
	s.members = append(s.members, member{pl: p.idx, line: i})
	if p.srcCount == 0 {
		p.desc, p.lines = desc, i
	} else {
		p.lines = -1
		if desc != p.desc {
			p.mixed = true
		}
	}
	p.srcCount++
}

// addCategorySources records that the lines of category ci feed VAT line p.
func (s *build) addCategorySources(p *pline, ci int) {
	for i := range s.lines {
		if s.lines[i].cat == ci {
			s.members = append(s.members, member{pl: p.idx, line: i})
		}
	}
}

// assemble lays out the entry lines in sales orientation: credits positive.
func (s *build) assemble() error {
	m, inv := s.m, s.inv
	group := m.LineGrouping != OnePerSourceLine
	size := 6 + 4*len(s.cats)
	if !group {
		size += len(s.lines)
	}
	s.plines = make([]pline, 0, size)
	s.members = make([]member, 0, 2*len(s.lines))
	revenue := KindRevenue
	if s.dir == Purchase {
		revenue = KindExpense
	}

	// Partner and prepayment.
	collField, coll := "accounts.customer_collective", m.Accounts.CustomerCollective
	prepField, prep := "accounts.customer_prepayment", m.Accounts.CustomerPrepayment
	if s.dir == Purchase {
		collField, coll = "accounts.supplier_collective", m.Accounts.SupplierCollective
		prepField, prep = "accounts.supplier_prepayment", m.Accounts.SupplierPrepayment
	}
	partnerAmount := -s.add(s.add(s.gross, s.payRounding), -s.withheld)
	if prep != "" && s.prepaid != 0 {
		partnerAmount = -s.payable
		if err := s.fixedAccount(prepField, prep, 0); err != nil {
			return err
		}
	}
	if partnerAmount != 0 {
		if err := s.fixedAccount(collField, coll, 0); err != nil {
			return err
		}
		p := s.line(KindPartner, coll, "", false)
		p.amount, p.partner, p.accSrc = partnerAmount, true, FromMapping
	}
	if prep != "" && s.prepaid != 0 {
		p := s.line(KindPrepayment, prep, "", false)
		p.amount, p.accSrc = -s.prepaid, FromMapping
	}
	// Withheld taxes: in sales orientation a debit, the claim on the tax
	// authority; mirrored for a purchase, the debt to it.
	for _, w := range s.withholds {
		if err := s.fixedAccount(w.field, w.account, 0); err != nil {
			return err
		}
		p := s.line(KindWithholding, w.account, "", true)
		p.amount, p.accSrc = s.add(p.amount, -w.amount), FromMapping
		p.desc = firstNonEmpty(p.desc, w.tax)
	}

	// Revenue or expense.
	discField, disc := s.discountAccount()
	chargeField, chargeAcct := s.chargeAccount()
	for i := range s.lines {
		l, c := &s.lines[i], &s.cats[s.lines[i].cat]
		amount := l.net
		if disc != "" {
			amount = s.add(amount, l.lineAllow)
		} else {
			amount = s.add(amount, -l.docAllow)
		}
		if chargeAcct != "" {
			amount = s.add(amount, -l.lineCharge)
		} else {
			amount = s.add(amount, l.docCharge)
		}
		p := s.line(revenue, l.account, c.code.Code, group)
		p.amount = s.add(p.amount, amount)
		p.accSrc, p.rule, p.tried, p.vatRule = l.accSrc, l.rule, l.tried, c.rule+1
		s.addSource(p, i, inv.Lines[i].Description)
	}
	defField, def := s.defaultAccount()
	for ci := range s.cats {
		c := &s.cats[ci]
		if !c.orphan {
			continue
		}
		// Document allowances or charges with no line to spread over: their
		// own line, on the discount or charge account when set, else the default.
		if disc == "" && c.allowance != 0 || chargeAcct == "" && c.charge != 0 {
			if err := s.fixedAccount(defField, def, 0); err != nil {
				return err
			}
			p := s.line(revenue, def, c.code.Code, group)
			p.accSrc, p.vatRule = FromDefault, c.rule+1
			if disc == "" {
				p.amount = s.add(p.amount, -c.allowance)
			}
			if chargeAcct == "" {
				p.amount = s.add(p.amount, c.charge)
			}
			p.desc = firstNonEmpty(p.desc, c.reason)
		}
	}

	// Discounts and charges on their own accounts.
	if disc != "" {
		if err := s.sideLines(KindDiscount, discField, disc, -1, group, func(l *srcLine) int64 { return l.lineAllow }, func(c *category) int64 { return c.allowance }); err != nil {
			return err
		}
	}
	if chargeAcct != "" {
		if err := s.sideLines(KindCharge, chargeField, chargeAcct, 1, group, func(l *srcLine) int64 { return l.lineCharge }, func(c *category) int64 { return c.charge }); err != nil {
			return err
		}
	}

	// VAT, per VAT code.
	rules, key := s.rules()
	for ci := range s.cats {
		c := &s.cats[ci]
		if c.vat == 0 && c.rcVAT == 0 {
			continue
		}
		r := &rules[c.rule]
		acct := firstNonEmpty(r.Account, c.code.Account)
		if acct == "" || !s.usable(acct) { // the field is named only on failure
			field := fmt.Sprintf("%s[%d].account", key, c.rule)
			if acct == "" {
				return s.fail(CodeVATCodeNotFound, c.firstLine, field, c.code.Code, "",
					"VAT code "+c.code.Code+" has no account to post its VAT to", "set the account of the VAT rule in the mapping")
			}
			return s.fixedAccount(field, acct, c.firstLine)
		}
		if c.vat != 0 {
			p := s.line(KindVAT, acct, c.code.Code, true)
			p.amount, p.accSrc, p.desc, p.vatRule = s.add(p.amount, c.vat), FromVATCode, c.code.Name, c.rule+1
			s.addCategorySources(p, ci)
		}
		if c.rcVAT != 0 {
			due := firstNonEmpty(r.DueAccount, c.code.DueAccount)
			if !s.usable(due) {
				return s.fixedAccount(fmt.Sprintf("%s[%d].due_account", key, c.rule), due, c.firstLine)
			}
			// Sales orientation: the deductible side is a credit here and
			// becomes the debit once the purchase is mirrored.
			p := s.line(KindReverseChargeVAT, acct, c.code.Code, true)
			p.amount, p.accSrc, p.desc, p.vatRule = s.add(p.amount, c.rcVAT), FromVATCode, c.code.Name, c.rule+1
			s.addCategorySources(p, ci)
			p = s.line(KindReverseChargeVAT, due, c.code.Code, true)
			p.amount, p.accSrc, p.desc, p.vatRule = s.add(p.amount, -c.rcVAT), FromVATCode, c.code.Name, c.rule+1
			s.addCategorySources(p, ci)
		}
	}

	// Declared payable rounding (BT-114): booked as declared, no tolerance.
	if s.payRounding != 0 {
		p := s.line(KindRounding, "", s.roundingVATCode(), false)
		p.amount, p.sideAcct, p.accSrc = s.payRounding, true, FromMapping
		p.note = "payable rounding declared by the invoice (BT-114): " + s.money(s.payRounding, s.ip)
	}
	return nil
}

// sideLines adds discount or charge lines: line-level amounts per source line
// (or grouped per VAT code) and document-level amounts per VAT code. sign is
// the sales-orientation sign: -1 for discounts, +1 for charges.
func (s *build) sideLines(kind LineKind, field, account string, sign int64, group bool, lineAmt func(*srcLine) int64, docAmt func(*category) int64) error {
	needed := false // the account is checked only when the invoice uses it
	for i := range s.lines {
		needed = needed || lineAmt(&s.lines[i]) != 0
	}
	for ci := range s.cats {
		needed = needed || docAmt(&s.cats[ci]) != 0
	}
	if !needed {
		return nil
	}
	if err := s.fixedAccount(field, account, 0); err != nil {
		return err
	}
	for i := range s.lines {
		l := &s.lines[i]
		if a := lineAmt(l); a != 0 {
			p := s.line(kind, account, s.cats[l.cat].code.Code, group)
			p.amount, p.accSrc, p.vatRule = s.add(p.amount, sign*a), FromMapping, s.cats[l.cat].rule+1
			s.addSource(p, i, acReason(s.inv.Lines[i], kind))
		}
	}
	for ci := range s.cats {
		c := &s.cats[ci]
		if a := docAmt(c); a != 0 {
			p := s.line(kind, account, c.code.Code, true)
			p.amount, p.accSrc, p.vatRule = s.add(p.amount, sign*a), FromMapping, c.rule+1
			if p.srcCount == 0 {
				p.desc = firstNonEmpty(p.desc, c.reason)
			} else if c.reason != p.desc {
				p.mixed = true
			}
		}
	}
	return nil
}

func acReason(l Line, kind LineKind) string {
	list := l.Allowances
	if kind == KindCharge {
		list = l.Charges
	}
	for _, ac := range list {
		if ac.Reason != "" {
			return ac.Reason
		}
	}
	return l.Description
}

func (s *build) roundingVATCode() string {
	if s.dir == Purchase {
		return s.m.RoundingVATCodes.Purchase
	}
	return s.m.RoundingVATCodes.Sales
}

// sum returns Σ amounts (sales orientation, credits positive) or, with
// ledger, Σ ledger amounts.
func (s *build) sum(ledger bool) int64 {
	var t int64
	for i := range s.plines {
		if ledger {
			t = s.add(t, s.plines[i].ledger)
		} else {
			t = s.add(t, s.plines[i].amount)
		}
	}
	return t
}

// balance books the residual on the rounding accounts, refusing
// a residual beyond the tolerance, then orients the entry: purchases and
// credit notes are mirrors of a sales invoice.
func (s *build) balance() error {
	if d := s.sum(false); d != 0 {
		if d > s.tol || d < -s.tol {
			// d is what the lines and VAT add up to beyond the declared gross.
			got := s.add(s.gross, d)
			return s.fail(CodeAmountValidation, 0, "Totals.Gross (BT-112)", s.money(s.gross, s.ip), s.money(got, s.ip),
				fmt.Sprintf("declared gross %s but the lines and VAT add up to %s: a difference of %s, more than the tolerance of %s",
					s.money(s.gross, s.ip), s.money(got, s.ip), s.money(abs(d), s.ip), s.money(s.tol, s.ip)),
				"check the invoice lines, VAT and totals in the invoicing tool; if they are right, raise the rounding tolerance of the mapping")
		}
		p := s.line(KindRounding, "", s.roundingVATCode(), false)
		p.amount, p.sideAcct, p.accSrc = -d, true, FromMapping
		p.note = fmt.Sprintf("the lines and VAT add up to %s, the declared gross is %s: the difference of %s is within the tolerance of %s",
			s.money(s.add(s.gross, d), s.ip), s.money(s.gross, s.ip), s.money(abs(d), s.ip), s.money(s.tol, s.ip))
	}
	sign := int64(1)
	if s.dir == Purchase {
		sign = -sign
	}
	if s.inv.Kind == KindCreditNote {
		sign = -sign
	}
	for i := range s.plines {
		s.plines[i].amount *= sign
		s.plines[i].ledger = s.plines[i].amount
	}
	return nil
}

// convert turns every line into the ledger currency, each separately, and
// books what conversion rounding leaves on the exchange accounts.
func (s *build) convert() error {
	if !s.foreign {
		return nil
	}
	rate := s.inv.ExchangeRate
	for i := range s.plines {
		p := &s.plines[i]
		q, err := rounding.Divide(rounding.FromUnits(p.amount, s.ip), rate, s.lp, s.m.Rounding)
		u, ok := rounding.ToUnits(q, s.lp)
		if err != nil || !ok {
			return s.fail(CodeCurrencyValidation, 0, "ExchangeRate", rate.String(), "", "the amounts cannot be converted at this rate",
				"check the exchange rate of the invoice")
		}
		p.ledger = u
	}
	if d := s.sum(true); d != 0 {
		p := s.line(KindExchangeDifference, "", "", false)
		p.ledger, p.sideAcct, p.accSrc = -d, true, FromMapping
		p.note = fmt.Sprintf("converting each line at %s %s per %s leaves %s", rate, s.inv.Currency, s.ledgerCur, s.money(abs(d), s.lp))
	}
	return nil
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// sideAccount chooses a rounding or exchange line's account from its side.
func (s *build) sideAccount(p *pline) (string, string) {
	a := &s.m.Accounts
	credit := p.ledger > 0
	if p.kind == KindExchangeDifference {
		if credit && a.ExchangeGain != "" {
			return "accounts.exchange_gain", a.ExchangeGain
		}
		if !credit && a.ExchangeLoss != "" {
			return "accounts.exchange_loss", a.ExchangeLoss
		}
	}
	if credit {
		return "accounts.credit_rounding", a.CreditRounding
	}
	return "accounts.debit_rounding", a.DebitRounding
}

func (s *build) journal() (string, error) {
	j, inv := &s.m.Journals, s.inv
	var code string
	if len(j.BySource) > 0 {
		if inv.SourceJournal == "" {
			return "", s.fail(CodeJournalNotLinked, 0, "SourceJournal", "", "",
				"the invoice is not linked to a journal in the invoicing tool, and the mapping maps journals per source journal",
				"link the invoice to a journal in the invoicing tool")
		}
		var ok bool
		if code, ok = j.BySource[inv.SourceJournal]; !ok || code == "" {
			return "", s.fail(CodeMappingJournalNotFound, 0, "journals.by_source", inv.SourceJournal, "",
				"source journal "+inv.SourceJournal+" is not mapped to a ledger journal",
				"map source journal "+inv.SourceJournal+" to a ledger journal in the mapping")
		}
	} else {
		field := "journals.sales"
		switch {
		case s.dir == Sales && inv.Kind == KindCreditNote && j.SalesCreditNotes != "":
			field, code = "journals.sales_credit_notes", j.SalesCreditNotes
		case s.dir == Sales:
			code = j.Sales
		case inv.Kind == KindCreditNote && j.PurchaseCreditNotes != "":
			field, code = "journals.purchase_credit_notes", j.PurchaseCreditNotes
		default:
			field, code = "journals.purchase", j.Purchase
		}
		if code == "" {
			return "", s.fail(CodeMappingJournalNotFound, 0, field, "", "", "no "+string(s.dir)+" journal is mapped",
				"set "+field+" in the mapping")
		}
	}
	if s.b.chart.HasJournals() {
		if _, ok := s.b.chart.Journal(code); !ok {
			return "", s.fail(CodeMappingJournalNotFound, 0, "journals", code, "", "journal "+code+" does not exist in the ledger",
				"create journal "+code+" in the ledger or map another one")
		}
	}
	return code, nil
}

// entry turns the pending lines into the Entry.
func (s *build) entry() (*Entry, error) {
	inv := s.inv
	journal, err := s.journal()
	if err != nil {
		return nil, err
	}
	n := 0
	for i := range s.plines {
		if s.plines[i].ledger != 0 {
			n++
		}
	}
	if n == 0 {
		return nil, s.fail(CodeNothingToPost, 0, "Totals.Gross (BT-112)", s.money(s.gross, s.ip), "", "every amount of the invoice is zero: there is nothing to post",
			"nothing to do; the invoice can be skipped")
	}
	e := &Entry{
		Journal: journal, Date: inv.IssueDate, DueDate: inv.DueDate, Reference: inv.Number,
		Currency: s.ledgerCur, Decimals: s.lp, InvoiceCurrency: strings.ToUpper(strings.TrimSpace(inv.Currency)),
		Draft: s.m.Draft, InvoiceID: inv.ID, Direction: s.dir, Kind: inv.Kind, Partner: s.partner,
		Lines: make([]EntryLine, 0, n),
	}
	if s.foreign {
		e.ExchangeRate = inv.ExchangeRate
	}
	src := s.sources()
	partnerName := s.partner.Name
	if partnerName == "" && inv.Party != nil {
		partnerName = inv.Party.Name
	}
	f := labels.Fields{
		Partner: partnerName, Number: inv.Number, ID: inv.ID, Date: inv.IssueDate.Format("2006-01-02"),
		Currency: e.InvoiceCurrency, Kind: string(inv.Kind), Direction: string(s.dir),
	}
	if !inv.DueDate.IsZero() {
		f.DueDate = inv.DueDate.Format("2006-01-02")
	}
	for i := range s.plines {
		p := &s.plines[i]
		if p.ledger == 0 {
			continue
		}
		if p.sideAcct {
			field, acct := s.sideAccount(p)
			if err := s.fixedAccount(field, acct, 0); err != nil {
				return nil, err
			}
			p.account = acct
		}
		l := EntryLine{
			Account: p.account, VATCode: p.code, Kind: p.kind, SourceLines: src[i],
			AccountSource: p.accSrc, Rule: p.rule, Tried: p.tried, VATRule: p.vatRule, Explanation: p.note,
			Debit: decimal.Zero, Credit: decimal.Zero, CurrencyAmount: decimal.Zero,
		}
		if p.ledger > 0 {
			l.Credit = rounding.FromUnits(p.ledger, s.lp)
		} else {
			l.Debit = rounding.FromUnits(-p.ledger, s.lp)
		}
		if s.foreign && p.kind != KindExchangeDifference {
			l.CurrencyAmount = rounding.FromUnits(abs(p.amount), s.ip)
		}
		if p.partner {
			ref := s.partner
			l.Partner = &ref
		}
		if p.lines >= 0 && p.kind != KindVAT {
			l.Analytics = inv.Lines[p.lines].Analytics
		}
		f.PartnerLine, f.Account, f.VATCode, f.Description = p.partner, p.account, p.code, s.description(p)
		l.Label = s.b.labeler.Label(f)
		if p.partner {
			e.Label = l.Label
		}
		e.Lines = append(e.Lines, l)
	}
	if e.Label == "" {
		f.PartnerLine, f.Account, f.VATCode, f.Description = true, "", "", ""
		e.Label = s.b.labeler.Label(f)
	}
	if d := s.sum(true); d != 0 || s.overflow { // a bug if it ever fires: never post it
		return nil, s.fail(CodeAmountValidation, 0, "", "", "", fmt.Sprintf("internal error: the entry is off by %s, it was not built", s.money(d, s.lp)),
			"report this invoice to the invoicesync maintainers")
	}
	return e, nil
}

// description is what a line's label says besides the partner: nothing on
// the partner line; the source line's description, the allowance reason, the
// VAT code's name, or the account's name when grouped lines disagree or there
// is nothing else.
func (s *build) description(p *pline) string {
	if p.partner {
		return ""
	}
	if p.desc != "" && !p.mixed {
		return p.desc
	}
	if a, ok := s.b.chart.Account(p.account); ok && a.Name != "" {
		return a.Name
	}
	return p.desc
}

// sources carves each pending line's 1-based source lines out of one array
// (a counting sort of the members by pending line, then each group sorted).
func (s *build) sources() [][]int {
	out := make([][]int, len(s.plines))
	if len(s.members) == 0 {
		return out
	}
	end := make([]int, len(s.plines)) // first the counts, then each group's end
	for _, mb := range s.members {
		end[mb.pl]++
	}
	for i := 1; i < len(end); i++ {
		end[i] += end[i-1]
	}
	buf := make([]int, len(s.members))
	for k := len(s.members) - 1; k >= 0; k-- {
		mb := s.members[k]
		end[mb.pl]--
		buf[end[mb.pl]] = mb.line + 1
	}
	// end[i] is now each group's start.
	for i := range out {
		if i+1 < len(end) {
			out[i] = buf[end[i]:end[i+1]:end[i+1]]
		} else {
			out[i] = buf[end[i]:len(buf):len(buf)]
		}
	}
	for i := range out {
		if len(out[i]) == 0 {
			out[i] = nil
		} else {
			slices.Sort(out[i]) // VAT lines gather several categories
		}
	}
	return out
}
