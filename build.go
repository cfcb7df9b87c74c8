package invoicesync

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync/labels"
	"github.com/invoicesync/invoicesync/rounding"
)

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
			return nil, s.invoiceError(&SyncError{
				Code:       CodeAmountValidation,
				Message:    "the invoice's amounts are too large to add up exactly",
				Resolution: "check the invoice amounts in the invoicing tool",
			})
		}
	}
	return s.entry()
}

// buildSteps are the steps of Build, in order (method expressions, so that
// running them allocates nothing): the table of contents of the builder.
// After every step Build refuses an invoice whose amounts overflowed; after
// the last one, entry (build_entry.go) chooses the journal, the labels and
// the side-dependent accounts and makes the Entry.
var buildSteps = [...]func(*build) error{
	// build_read.go: read the invoice into minor units and VAT categories.
	(*build).header,       // direction, kind, date, currencies, tolerance
	(*build).readLines,    // each line's net, allowances, charges and VAT category
	(*build).readDocument, // document allowances and charges, withheld taxes, VAT breakdown
	// build_totals.go: the declared totals agree with the lines, within the tolerance.
	(*build).validateTotals,
	// build_vat.go: each VAT category's mapped VAT code and effective rate.
	(*build).resolveVAT,
	// build_accounts.go: each line's account (the line's, a rule's, or the default).
	(*build).resolveAccounts,
	// build_spread.go: document allowances and charges spread over the lines.
	(*build).spread,
	// build_vat.go: each category's VAT, declared or computed, and the self-assessed VAT.
	(*build).computeVAT,
	// build_assemble.go: the entry lines in sales orientation, one step per kind of line (assembleSteps).
	(*build).assemble,
	// build_balance.go: the rounding line, the orientation, then the ledger currency.
	(*build).balance, // book the residual within the tolerance; mirror purchases and credit notes
	(*build).convert, // convert each line; book the exchange difference
}

// build is the state of one Build: what the steps read from the invoice and
// the mapping, and the entry lines they lay out.
type build struct {
	b       *Builder
	m       *Mapping
	inv     *Invoice
	partner PartnerRef
	dir     Direction

	invoiceDecimals int32  // minor units of the invoice currency
	ledgerDecimals  int32  // minor units of the ledger currency
	ledgerCurrency  string // the ledger currency's code, upper case
	foreign         bool   // the invoice currency is not the ledger's
	overflow        bool   // a sum overflowed: the invoice is refused
	tolerance       int64  // the rounding tolerance, in minor units of the invoice currency

	categories  []category    // the invoice's VAT categories and rates
	lines       []sourceLine  // the invoice's lines, in order
	pending     []pendingLine // the entry lines being built
	lineSources []lineSource  // which source lines feed which pending line

	lineTotal, docAllow, docCharge        int64
	net, vat, gross, prepaid, payRounding int64
	payable                               int64
	withheld                              int64 // Σ Invoice.Withholdings
	withholds                             []withhold
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

// sourceLine is what the builder keeps of one invoice line.
type sourceLine struct {
	net, lineAllow, lineCharge int64
	docAllow, docCharge        int64 // shares of document allowances and charges
	category                   int   // index in build.categories
	account                    string
	accountSource              AccountSource
	rule                       int
	tried                      []string
}

// pendingLine is an entry line being built. amount is in minor units of the
// invoice currency, positive for a credit on a sales invoice (before
// orientation).
type pendingLine struct {
	index             int // position in build.pending
	kind              LineKind
	account           string
	accountSource     AccountSource
	rule              int
	vatRule           int // 1-based mapping VAT rule of vatCode
	tried             []string
	vatCode           string
	explanation       string // why a rounding or exchange line exists
	amount            int64
	ledgerAmount      int64 // amount in the ledger currency, after orientation
	description       string
	mixedDescriptions bool // grouped source lines with different descriptions
	isPartner         bool // the partner line
	accountBySide     bool // the account depends on the side: rounding or exchange
	sourceCount       int  // how many source lines feed the line
	onlySource        int  // 0-based index of the only source line feeding it; -1 when several or none
}

// withhold is one withheld tax of the invoice and its account.
type withhold struct {
	tax, account, field string
	amount              int64
}

// lineSource records that an invoice line feeds a pending entry line.
type lineSource struct {
	pendingLine int // index in build.pending
	sourceLine  int // 0-based index in build.lines
}

// Helpers used by several steps.

// invoiceError completes e, a failure to build this invoice's entry, with the
// invoice's id and number, and returns it. Every failure of the builder is a
// keyed SyncError literal passed through it.
func (s *build) invoiceError(e *SyncError) *SyncError {
	e.InvoiceID, e.InvoiceNumber = s.inv.ID, s.inv.Number
	return e
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
	u, ok := rounding.ToUnits(d, s.invoiceDecimals)
	if ok && u <= maxUnits && u >= -maxUnits {
		return u, nil
	}
	field := name
	if idx >= 0 {
		field = fmt.Sprintf("%s[%d]%s", name, idx, suffix)
	}
	if ok || d.Round(s.invoiceDecimals).Equal(d) { // exact in minor units, only too many of them
		return 0, s.invoiceError(&SyncError{
			Code: code, Line: line, Field: field, Value: d.String(),
			Message:    field + " is too large",
			Resolution: "check " + field + " in the invoicing tool",
		})
	}
	return 0, s.invoiceError(&SyncError{
		Code: code, Line: line, Field: field, Value: d.String(),
		Message:    fmt.Sprintf("%s has more decimals than %s allows (%d)", field, s.inv.Currency, s.invoiceDecimals),
		Resolution: fmt.Sprintf("correct %s in the invoicing tool: amounts in %s have at most %d decimals", field, s.inv.Currency, s.invoiceDecimals),
	})
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// line returns the pending line of (kind, account, code), adding it when
// missing or when group is false. The pointer is valid until the next call,
// which may grow s.pending.
func (s *build) line(kind LineKind, account, code string, group bool) *pendingLine {
	if group {
		for i := range s.pending {
			p := &s.pending[i]
			if p.kind == kind && p.account == account && p.vatCode == code && !p.isPartner && !p.accountBySide {
				return p
			}
		}
	}
	s.pending = append(s.pending, pendingLine{index: len(s.pending), kind: kind, account: account, vatCode: code, onlySource: -1})
	return &s.pending[len(s.pending)-1]
}

// sum returns Σ amounts (sales orientation, credits positive) or, with
// ledger, Σ ledger amounts.
func (s *build) sum(ledger bool) int64 {
	var t int64
	for i := range s.pending {
		if ledger {
			t = s.add(t, s.pending[i].ledgerAmount)
		} else {
			t = s.add(t, s.pending[i].amount)
		}
	}
	return t
}

func (s *build) rules() ([]VATRule, string) {
	if s.dir == Purchase {
		return s.m.PurchaseVAT, "purchase_vat"
	}
	return s.m.SalesVAT, "sales_vat"
}

func (s *build) defaultAccount() (string, string) {
	if s.dir == Purchase {
		return "accounts.purchase_default", s.m.Accounts.PurchaseDefault
	}
	return "accounts.sales_default", s.m.Accounts.SalesDefault
}

func (s *build) roundingVATCode() string {
	if s.dir == Purchase {
		return s.m.RoundingVATCodes.Purchase
	}
	return s.m.RoundingVATCodes.Sales
}

// The builder asks the chart whether it may use an account or a VAT code in
// these two functions only, through the checks every ledger adapter and the
// mapping use (Chart.CheckAccount, Chart.CheckVATCode); the builder words
// the problem for the invoice itself.

// accountProblem returns nil when the chart has number as an active
// account, else an error wrapping ErrAccountNumberNotFound or
// ErrAccountNumberNotActive.
func (s *build) accountProblem(number string) error { return s.b.chart.CheckAccount(number) }

// vatCodeProblem returns nil when the chart has code as an active VAT code,
// else an error wrapping ErrVATCodeNotFound.
func (s *build) vatCodeProblem(code string) error { return s.b.chart.CheckVATCode(code) }

// usable reports whether the chart has number as an active account.
func (s *build) usable(number string) bool { return s.accountProblem(number) == nil }

// fixedAccount checks an account named by the mapping.
func (s *build) fixedAccount(field, number string, line int) error {
	if number == "" {
		return s.invoiceError(&SyncError{
			Code: CodeAccountNumberNotFound, Line: line, Field: field,
			Message:    field + " is needed for this invoice and not set",
			Resolution: "set " + field + " in the mapping",
		})
	}
	switch err := s.accountProblem(number); {
	case err == nil:
		return nil
	case errors.Is(err, ErrAccountNumberNotActive):
		return s.invoiceError(&SyncError{
			Code: CodeAccountNumberNotActive, Line: line, Field: field, Value: number,
			Message:    "account " + number + " (" + field + ") is not active in the ledger",
			Resolution: "reactivate account " + number + " in the ledger or choose another one for " + field,
		})
	default:
		return s.invoiceError(&SyncError{
			Code: CodeAccountNumberNotFound, Line: line, Field: field, Value: number,
			Message:    "account " + number + " (" + field + ") does not exist in the ledger",
			Resolution: "create account " + number + " in the ledger or choose another one for " + field,
		})
	}
}
