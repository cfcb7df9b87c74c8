package dailysales

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/rounding"
)

// KeyPrefix starts every idempotency key of this package.
const KeyPrefix = "dailysales:"

// Key returns the idempotency key of the day day of register:
// "dailysales:" + register + ":" + "2006-01-02", e.g.
// "dailysales:POS-1:2026-11-20". Only day's year, month and day are used,
// as day itself carries them (see Summarise).
//
// The register is query-escaped (url.QueryEscape), so that a ':' in it
// cannot make two (register, day) pairs share a key: "a:b" becomes "a%3Ab".
// Registers made of letters, digits, '-', '_' and '.' appear unchanged. An
// empty or blank register is an *invoicesync.SyncError with
// CodeInvoiceValidation.
//
// The key is the ledger's guarantee that a day is posted once: never change
// the register's identifier once its days are posted.
func Key(register string, day time.Time) (string, error) {
	if strings.TrimSpace(register) == "" {
		return "", fail(invoicesync.CodeInvoiceValidation, "", 0, "register", register, "",
			"the register is not named", "pass the identifier of the cash register whose day is summarised")
	}
	return KeyPrefix + url.QueryEscape(register) + ":" + civil(day), nil
}

// civil returns day's calendar date, as written in its own location.
func civil(day time.Time) string { return day.Format(time.DateOnly) }

// hundred is 100, the denominator of percentages.
var hundred = decimal.NewFromInt(100)

// vatOf returns the VAT included in gross at rate percent:
// gross × rate / (100 + rate), computed exactly and rounded to places
// decimals half away from zero (2.675 → 2.68, −2.675 → −2.68), with
// exponent −places. rate must not be negative (Validate refuses it).
func vatOf(gross, rate decimal.Decimal, places int32) decimal.Decimal {
	if rate.Sign() == 0 || gross.Sign() == 0 {
		return decimal.New(0, -places)
	}
	v, err := rounding.Divide(gross.Mul(rate), hundred.Add(rate), places, rounding.HalfAwayFromZero)
	if err != nil { // 100 + rate is zero: a negative rate, refused by Validate
		panic("dailysales: vatOf: " + err.Error())
	}
	return v
}

// group is the revenue of one (account, VAT code) pair.
type group struct {
	account string
	rule    int  // index in Config.VAT
	ruleAcc bool // some line took the account from the rule
	gross   decimal.Decimal
	vat     decimal.Decimal
}

// groupKey identifies a group.
type groupKey struct{ account, code string }

// tender is the money of one payment account.
type tender struct {
	amount  decimal.Decimal
	methods map[string]bool
}

// summary accumulates one day.
type summary struct {
	cfg      *Config
	chart    *invoicesync.Chart
	key      string
	register string
	date     string
	seen     map[string]bool
	groups   map[groupKey]*group
	tenders  map[string]*tender
	accounts map[string]bool // line accounts checked already
}

// Summarise turns the receipts of one day of one register into one balanced
// entry, with no I/O. day is a civil date in cfg.Location: only its year,
// month and day are read (as day.Date() returns them), so
// time.Date(2026, 11, 20, 0, 0, 0, 0, loc) is the usual argument.
//
// Every receipt must belong to register and to day (its Time, in
// cfg.Location, falls on that date), have a unique non-empty ID, amounts
// with at most cfg.Decimals decimals, VAT rates and payment methods the
// Config maps, and payments that sum to its lines' gross amounts. The
// figures and the lines are those of the package documentation.
//
// Every failure is an *invoicesync.SyncError whose InvoiceID is the day's
// key and whose Field names the receipt and the field concerned, e.g.
// `receipt R-17: Lines[1].VATRate` (indexes from 0; Line is the line's
// 1-based position). A day with nothing to post (no receipts, or amounts
// that all cancel out) is CodeNothingToPost.
func Summarise(cfg *Config, chart *invoicesync.Chart, register string, day time.Time, receipts []Receipt) (*invoicesync.Entry, error) {
	key, err := Key(register, day)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(chart); err != nil {
		var se *invoicesync.SyncError
		if errors.As(err, &se) {
			se.InvoiceID = key
		}
		return nil, err
	}
	s := &summary{
		cfg: cfg, chart: chart, key: key, register: register, date: civil(day),
		seen:     make(map[string]bool, len(receipts)),
		groups:   make(map[groupKey]*group),
		tenders:  make(map[string]*tender),
		accounts: make(map[string]bool),
	}
	for i := range receipts {
		if err := s.add(i, &receipts[i]); err != nil {
			return nil, err
		}
	}
	y, m, d := day.Date()
	e := &invoicesync.Entry{
		Journal:         cfg.Journal,
		Date:            time.Date(y, m, d, 0, 0, 0, 0, time.UTC),
		Reference:       register + " " + s.date,
		Label:           cfg.label() + " " + register + " " + s.date,
		Currency:        cfg.Currency,
		Decimals:        cfg.Decimals,
		InvoiceCurrency: cfg.Currency,
		Draft:           cfg.Mode == ByHand,
		IdempotencyKey:  key,
		InvoiceID:       key,
		Direction:       invoicesync.Sales,
		Kind:            invoicesync.KindInvoice,
		Lines:           s.lines(),
	}
	if len(e.Lines) == 0 {
		return nil, fail(invoicesync.CodeNothingToPost, key, 0, "receipts", fmt.Sprint(len(receipts)), "",
			fmt.Sprintf("register %s has nothing to post on %s: no receipts, or amounts that cancel out", register, s.date),
			"nothing: there is no entry to post for this day")
	}
	if err := e.Check(); err != nil {
		return nil, &invoicesync.SyncError{
			Code: invoicesync.CodeAmountValidation, InvoiceID: key,
			Message:    "the daily sales entry does not pass the entry checks",
			Resolution: "report this day to the invoicesync maintainers", Err: err,
		}
	}
	return e, nil
}

// add checks receipt r, the i-th, and adds it to the day.
func (s *summary) add(i int, r *Receipt) error {
	if r.ID == "" {
		return s.fail(invoicesync.CodeInvoiceValidation, 0, fmt.Sprintf("receipts[%d].ID", i), "", "",
			fmt.Sprintf("receipt number %d of the day has no ID", i+1),
			"give every receipt its register's receipt number")
	}
	name := "receipt " + r.ID + ": "
	switch {
	case s.seen[r.ID]:
		return s.fail(invoicesync.CodeInvoiceValidation, 0, name+"ID", r.ID, "",
			fmt.Sprintf("receipt %s is passed twice: it would be counted twice", r.ID),
			"pass each receipt of the day once")
	case r.Register != s.register:
		return s.fail(invoicesync.CodeInvoiceValidation, 0, name+"Register", r.Register, s.register,
			fmt.Sprintf("receipt %s is from register %q, not %q", r.ID, r.Register, s.register),
			"pass only the receipts of the register whose day is summarised")
	}
	s.seen[r.ID] = true
	if r.Time.IsZero() || civil(r.Time.In(s.cfg.Location)) != s.date {
		value := ""
		if !r.Time.IsZero() {
			value = r.Time.In(s.cfg.Location).Format(time.RFC3339)
		}
		return s.fail(invoicesync.CodeInvoiceValidation, 0, name+"Time", value, s.date,
			fmt.Sprintf("receipt %s is not of %s in %s", r.ID, s.date, s.cfg.Location),
			"pass only the receipts of the day, by the shop's time zone; a receipt of a day already posted must be corrected by hand")
	}
	gross := decimal.Zero
	for j := range r.Lines {
		l := &r.Lines[j]
		if err := s.line(name, j, l); err != nil {
			return err
		}
		gross = gross.Add(l.Gross)
	}
	paid := decimal.Zero
	for j := range r.Payments {
		p := &r.Payments[j]
		field := fmt.Sprintf("%sPayments[%d]", name, j)
		account, ok := s.cfg.Payments[p.Method]
		if !ok {
			return s.fail(invoicesync.CodeMappingInvalid, 0, field+".Method", p.Method, "",
				fmt.Sprintf("receipt %s is paid by %q, a payment method with no account", r.ID, p.Method),
				fmt.Sprintf("map payment method %q to a ledger account (Config.Payments)", p.Method))
		}
		if !p.Amount.Round(s.cfg.Decimals).Equal(p.Amount) {
			return s.fail(invoicesync.CodeAmountValidation, 0, field+".Amount", p.Amount.String(), "",
				fmt.Sprintf("a payment of receipt %s has more than %d decimals", r.ID, s.cfg.Decimals),
				"correct the receipt in the register")
		}
		paid = paid.Add(p.Amount)
		t := s.tenders[account]
		if t == nil {
			t = &tender{amount: decimal.Zero, methods: make(map[string]bool)}
			s.tenders[account] = t
		}
		t.amount = t.amount.Add(p.Amount)
		t.methods[p.Method] = true
	}
	if !paid.Equal(gross) {
		places := s.cfg.Decimals
		return s.fail(invoicesync.CodeAmountValidation, 0, name+"Payments", paid.StringFixed(places), gross.StringFixed(places),
			fmt.Sprintf("receipt %s is paid %s and its lines total %s", r.ID, paid.StringFixed(places), gross.StringFixed(places)),
			"correct the receipt in the register: its payments must equal its lines")
	}
	return nil
}

// line checks line j of a receipt and adds it to its group.
func (s *summary) line(name string, j int, l *Line) error {
	field := fmt.Sprintf("%sLines[%d]", name, j)
	if !l.Gross.Round(s.cfg.Decimals).Equal(l.Gross) {
		return s.fail(invoicesync.CodeLineValidation, j+1, field+".Gross", l.Gross.String(), "",
			fmt.Sprintf("%sthe amount of line %d has more than %d decimals", name, j+1, s.cfg.Decimals), "correct the receipt in the register")
	}
	rule := -1
	for k := range s.cfg.VAT {
		if s.cfg.VAT[k].Rate.Equal(l.VATRate) {
			rule = k
			break
		}
	}
	if rule < 0 {
		return s.fail(invoicesync.CodeMappingTaxRateNotFound, j+1, field+".VATRate", l.VATRate.String(), "",
			fmt.Sprintf("%sno VAT code is mapped for the rate %s %% of line %d", name, l.VATRate, j+1),
			fmt.Sprintf("add a VAT rule for %s %% (Config.VAT)", l.VATRate))
	}
	r := &s.cfg.VAT[rule]
	account, fromRule := l.Account, false
	if account == "" {
		account, fromRule = r.RevenueAccount, true
		if account == "" {
			return s.fail(invoicesync.CodeAccountNumberNotFound, j+1, fmt.Sprintf("VAT[%d].RevenueAccount", rule), "", "",
				fmt.Sprintf("%sline %d names no revenue account and the VAT rule for %s %% has none", name, j+1, r.Rate),
				fmt.Sprintf("set the revenue account of the VAT rule for %s %%, or the line's product group account in the register", r.Rate))
		}
	} else if !s.accounts[account] {
		if err := checkAccount(s.chart, s.key, j+1, field+".Account", account,
			fmt.Sprintf("the revenue account of line %d of %s", j+1, strings.TrimSuffix(name, ": "))); err != nil {
			return err
		}
		s.accounts[account] = true
	}
	k := groupKey{account, r.Code}
	g := s.groups[k]
	if g == nil {
		g = &group{account: account, rule: rule, gross: decimal.Zero}
		s.groups[k] = g
	}
	g.gross = g.gross.Add(l.Gross)
	g.ruleAcc = g.ruleAcc || fromRule
	return nil
}

// lines returns the entry lines: payment lines by account, revenue lines by
// (account, VAT code), VAT lines by code. Zero amounts give no line.
func (s *summary) lines() []invoicesync.EntryLine {
	var out []invoicesync.EntryLine
	// A positive amount is on side debit when debit is true; a negative
	// one goes to the other side, as its absolute value.
	add := func(l invoicesync.EntryLine, amount decimal.Decimal, debit bool) {
		if amount.Sign() == 0 {
			return
		}
		if amount.Sign() < 0 {
			amount, debit = amount.Neg(), !debit
		}
		amount = amount.Round(s.cfg.Decimals) // exact already: only sets the exponent to −Decimals
		if debit {
			l.Debit = amount
		} else {
			l.Credit = amount
		}
		out = append(out, l)
	}

	accounts := make([]string, 0, len(s.tenders))
	for a := range s.tenders {
		accounts = append(accounts, a)
	}
	sort.Strings(accounts)
	for _, a := range accounts {
		t := s.tenders[a]
		methods := make([]string, 0, len(t.methods))
		for m := range t.methods {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		add(invoicesync.EntryLine{
			Account: a, Label: strings.Join(methods, ", "), Kind: invoicesync.KindPayment,
			AccountSource: invoicesync.FromMapping,
		}, t.amount, true)
	}

	keys := make([]groupKey, 0, len(s.groups))
	for k := range s.groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].account != keys[j].account {
			return keys[i].account < keys[j].account
		}
		return keys[i].code < keys[j].code
	})
	vat := make(map[string]decimal.Decimal)
	rules := make(map[string]int)
	for _, k := range keys {
		g := s.groups[k]
		r := &s.cfg.VAT[g.rule]
		g.vat = vatOf(g.gross, r.Rate, s.cfg.Decimals)
		src := invoicesync.FromLine
		if g.ruleAcc {
			src = invoicesync.FromMapping
		}
		add(invoicesync.EntryLine{
			Account: g.account, VATCode: r.Code, Label: s.cfg.label() + " " + r.Rate.String() + " %",
			Kind: invoicesync.KindRevenue, AccountSource: src, VATRule: g.rule + 1,
		}, g.gross.Sub(g.vat), false)
		if r.Rate.Sign() != 0 {
			if _, ok := vat[r.Code]; !ok {
				vat[r.Code] = decimal.Zero
			}
			vat[r.Code] = vat[r.Code].Add(g.vat)
			rules[r.Code] = g.rule
		}
	}

	codes := make([]string, 0, len(vat))
	for c := range vat {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		code, _ := s.chart.VATCode(c) // checked by Validate
		label := code.Name
		if label == "" {
			label = "VAT " + c
		}
		add(invoicesync.EntryLine{
			Account: code.Account, VATCode: c, Label: label, Kind: invoicesync.KindVAT,
			AccountSource: invoicesync.FromVATCode, VATRule: rules[c] + 1,
		}, vat[c], false)
	}
	return out
}

// fail builds an error about the day.
func (s *summary) fail(code invoicesync.ErrorCode, line int, field, value, expected, msg, resolution string) *invoicesync.SyncError {
	return fail(code, s.key, line, field, value, expected, msg, resolution)
}
