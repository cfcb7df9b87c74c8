package eboekhouden

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/httpx"
)

// maxSuffix is the highest suffix tried on an invoice number e-Boekhouden
// already holds for the relation (see the package comment).
const maxSuffix = 9

// signed is a line's amount in the sign of mutation type t: credit positive
// for an invoice sent, debit positive otherwise.
func signed(t MutationType, l *invoicesync.EntryLine) decimal.Decimal {
	if t == InvoiceSent {
		return l.Credit.Sub(l.Debit)
	}
	return l.Debit.Sub(l.Credit)
}

// line is the entry line of amount a in the sign of type t.
func line(t MutationType, a decimal.Decimal) invoicesync.EntryLine {
	if t == InvoiceSent {
		a = a.Neg()
	}
	if a.IsNegative() {
		return invoicesync.EntryLine{Debit: decimal.Zero, Credit: a.Neg()}
	}
	return invoicesync.EntryLine{Debit: a, Credit: decimal.Zero}
}

// ebVAT is the VAT e-Boekhouden computes on an EX row of amount at rate:
// amount × rate / 100, rounded to cents half away from zero (an
// assumption: the API does not document its rounding).
func ebVAT(amount, rate decimal.Decimal) decimal.Decimal {
	return amount.Mul(rate).DivRound(decimal.NewFromInt(100), 12).Round(2)
}

// chartError is an error about the chart: the chart is read again before
// it is reported.
type chartError struct{ error }

func (c chartError) Unwrap() error { return c.error }

// vatShare is the VAT of one code on one account: what the entry carries
// and what e-Boekhouden books, in the mutation's sign.
type vatShare struct {
	code, account string
	label         string
	entry, eb     decimal.Decimal
}

// vatShares are the VAT shares of a mutation, in order of first appearance.
type vatShares []*vatShare

// of returns the share of r's code on account, adding it when new.
func (ss *vatShares) of(r *vatRule, account string) *vatShare {
	for _, s := range *ss {
		if s.code == r.code && s.account == account {
			return s
		}
	}
	s := &vatShare{code: r.code, account: account, label: r.name}
	*ss = append(*ss, s)
	return s
}

// encoded is an entry ready to post.
type encoded struct {
	typ      MutationType
	m        apiMutation
	relation int
	partner  *invoicesync.EntryLine
	revenue  []int // the entry's lines sent as rows, by position
	simple   bool  // no row beyond the entry's own lines (ModeInvoice can take it)
}

// mutationType chooses the mutation type of e: its journal's, else by the
// partner line and the direction.
func mutationType(ch *chart, e *invoicesync.Entry) MutationType {
	if t, ok := ch.journals[e.Journal]; ok {
		return t
	}
	if !slices.ContainsFunc(e.Lines, isPartnerLine) {
		return Memorial
	}
	if e.Direction == invoicesync.Purchase {
		return InvoiceReceived
	}
	return InvoiceSent
}

func isPartnerLine(l invoicesync.EntryLine) bool {
	return l.Kind == invoicesync.KindPartner || (l.Partner != nil && !l.Partner.IsZero())
}

// encode turns e into the mutation to post, checking it against the chart
// (read again once when something is missing) and the relations.
func (l *Ledger) encode(ctx context.Context, e *invoicesync.Entry) (*encoded, error) {
	ch, err := l.cachedChart(ctx)
	if err != nil {
		return nil, err
	}
	enc, err := l.encodeWith(ctx, ch, e)
	var ce chartError
	if errors.As(err, &ce) {
		if ch, err2 := l.reload(ctx); err2 == nil {
			enc, err = l.encodeWith(ctx, ch, e)
		}
	}
	if errors.As(err, &ce) {
		err = ce.error
	}
	return enc, err
}

func (l *Ledger) encodeWith(ctx context.Context, ch *chart, e *invoicesync.Entry) (*encoded, error) {
	checked := e
	if e.Journal == "" { // the journal of its type (see mutationType)
		c := *e
		c.Journal = itoa(int(mutationType(ch, e)))
		checked = &c
	}
	if err := ch.checks.CheckEntry(checked); err != nil {
		err = fmt.Errorf("eboekhouden: %w", err)
		if errors.Is(err, invoicesync.ErrAccountNumberNotFound) || errors.Is(err, invoicesync.ErrVATCodeNotFound) {
			return nil, chartError{err}
		}
		return nil, err
	}
	if e.Currency != l.o.Currency {
		return nil, fmt.Errorf("eboekhouden: entry %s is in %s but the administration keeps %s: convert it (Mapping.LedgerCurrency %s): %w",
			e.Reference, e.Currency, l.o.Currency, l.o.Currency, invoicesync.ErrCurrencyValidation)
	}
	if e.Decimals > 2 {
		return nil, fmt.Errorf("eboekhouden: entry %s has amounts with %d decimals; e-Boekhouden keeps two: %w", e.Reference, e.Decimals, invoicesync.ErrAmountValidation)
	}
	t := mutationType(ch, e)
	if t != InvoiceSent && t != InvoiceReceived && t != Memorial {
		return nil, fmt.Errorf("eboekhouden: entry %s: journal %q is the payment type %d, which posts payments, not entries: map a journal of type 1, 2 or 7: %w",
			e.Reference, e.Journal, t, invoicesync.ErrNotSupported)
	}
	enc := &encoded{typ: t, simple: true}
	m := &enc.m
	m.Type, m.Date, m.InExVAT = int(t), e.Date.Format(time.DateOnly), "EX"
	m.Description = describe(e.Label, e.IdempotencyKey)
	if t == Memorial {
		return enc, l.encodeMemorial(ch, e, enc)
	}
	m.InvoiceNumber = e.Reference
	if m.InvoiceNumber == "" {
		return nil, fmt.Errorf("eboekhouden: entry %s has no invoice number, which an invoice mutation needs: %w", e.IdempotencyKey, invoicesync.ErrInvoiceValidation)
	}

	// The partner line: the mutation's own ledger and relation.
	for i := range e.Lines {
		if !isPartnerLine(e.Lines[i]) {
			continue
		}
		if enc.partner != nil {
			return nil, fmt.Errorf("eboekhouden: entry %s has more than one partner line; an e-Boekhouden invoice has one debtor or creditor: %w", e.Reference, invoicesync.ErrNotSupported)
		}
		enc.partner = &e.Lines[i]
	}
	p := enc.partner
	want, what := "DEB", "debtor"
	if t == InvoiceReceived {
		want, what = "CRED", "creditor"
	}
	if acc := ch.ledgers[p.Account]; acc.Category != want {
		return nil, fmt.Errorf("eboekhouden: entry %s: the partner account %s is of category %q, an %s needs a %s ledger (category %s): map the partner to one: %w",
			e.Reference, p.Account, acc.Category, typeNames[t], what, want, invoicesync.ErrNotSupported)
	}
	m.LedgerID = ch.ledgers[p.Account].ID
	ids := []string{}
	if !e.Partner.IsZero() {
		ids = append(ids, e.Partner.ID)
	}
	if p.Partner != nil && !p.Partner.IsZero() && !slices.Contains(ids, p.Partner.ID) {
		ids = append(ids, p.Partner.ID)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("eboekhouden: entry %s names no relation, which an %s needs: %w", e.Reference, typeNames[t], invoicesync.ErrPartnerNotFound)
	}
	if len(ids) > 1 {
		return nil, fmt.Errorf("eboekhouden: entry %s names relation %s but its partner line %s: %w", e.Reference, ids[0], ids[1], invoicesync.ErrPartnerNotFound)
	}
	for _, id := range ids {
		rel, err := l.ensureRelation(ctx, id)
		if err != nil {
			return nil, err
		}
		m.RelationID, enc.relation = rel, rel
	}
	if !e.DueDate.IsZero() {
		days := int(e.DueDate.Sub(e.Date).Hours() / 24)
		m.TermOfPayment = &days
	}

	// The rows, and the VAT e-Boekhouden will book against the entry's.
	var shares vatShares
	share := shares.of
	type divRow struct {
		row  int
		rule *vatRule
	}
	var divergent []divRow
	divVAT := map[string]decimal.Decimal{}
	for i := range e.Lines {
		ln := &e.Lines[i]
		if ln == p {
			continue
		}
		amount := signed(t, ln)
		r := ch.vat[ln.VATCode]
		if r != nil && r.dir != "" && ((t == InvoiceSent && r.dir != invoicesync.Sales) || (t == InvoiceReceived && r.dir != invoicesync.Purchase)) {
			return nil, fmt.Errorf("eboekhouden: entry %s line %d: VAT code %s is for %s, an %s cannot use it: %w", e.Reference, i+1, ln.VATCode, r.dir, typeNames[t], invoicesync.ErrVATCodeNotFound)
		}
		if ln.Kind == invoicesync.KindVAT || ln.Kind == invoicesync.KindReverseChargeVAT {
			switch {
			case r != nil && r.divergent:
				divVAT[r.code] = divVAT[r.code].Add(amount)
				if ln.Account != r.account {
					return nil, fmt.Errorf("eboekhouden: entry %s line %d: e-Boekhouden books the VAT of %s on %s, the entry puts it on %s: fix Options.DivergentCodes: %w",
						e.Reference, i+1, r.code, r.account, ln.Account, invoicesync.ErrNotSupported)
				}
				continue
			case r != nil && r.ebRate.IsPositive():
				s := share(r, ln.Account)
				s.entry = s.entry.Add(amount)
				if s.label == r.name {
					s.label = ln.Label
				}
				continue
			}
		}
		acc := ch.ledgers[ln.Account]
		if acc.Category == "FIN" || acc.Category == "DEB" || acc.Category == "CRED" {
			return nil, fmt.Errorf("eboekhouden: entry %s line %d: account %s is a %s ledger, which an invoice row cannot use: %w", e.Reference, i+1, ln.Account, acc.Category, invoicesync.ErrNotSupported)
		}
		row := apiRow{LedgerID: acc.ID, VATCode: geen, Amount: money{amount}, Description: ln.Label}
		if r != nil {
			row.VATCode = r.ebCode
			switch {
			case r.divergent:
				divergent = append(divergent, divRow{len(m.Rows), r})
			case r.ebRate.IsPositive():
				vat := ebVAT(amount, r.ebRate)
				if r.reverse {
					share(r, r.account).eb = share(r, r.account).eb.Add(vat)
					share(r, r.dueAccount).eb = share(r, r.dueAccount).eb.Sub(vat)
				} else {
					share(r, r.account).eb = share(r, r.account).eb.Add(vat)
				}
			}
		}
		m.Rows = append(m.Rows, row)
		enc.revenue = append(enc.revenue, i)
	}
	// Divergent codes: the entry's VAT, spread over the code's rows.
	for code, vat := range divVAT {
		var rows []divRow
		for _, d := range divergent {
			if d.rule.code == code {
				rows = append(rows, d)
			}
		}
		if len(rows) == 0 {
			return nil, fmt.Errorf("eboekhouden: entry %s carries VAT of code %s on no row: %w", e.Reference, code, invoicesync.ErrNotSupported)
		}
		left := vat
		for k, d := range rows {
			v := left
			if k < len(rows)-1 {
				v = ebVAT(m.Rows[d.row].Amount.Decimal, d.rule.rate)
			}
			left = left.Sub(v)
			m.Rows[d.row].VATAmount = &money{v}
		}
	}
	for _, d := range divergent {
		if m.Rows[d.row].VATAmount == nil {
			m.Rows[d.row].VATAmount = &money{decimal.Zero}
		}
	}
	// Differences between the entry's VAT and e-Boekhouden's: one row each.
	for _, s := range shares {
		diff := s.entry.Sub(s.eb)
		if diff.IsZero() {
			continue
		}
		acc, ok := ch.ledgers[s.account]
		if !ok || s.account == "" {
			return nil, chartError{fmt.Errorf("eboekhouden: the VAT account %q of VAT code %s is not a ledger of the administration: set Options.VATAccounts: %w",
				s.account, s.code, invoicesync.ErrAccountNumberNotFound)}
		}
		enc.simple = false
		m.Rows = append(m.Rows, apiRow{LedgerID: acc.ID, VATCode: geen, Amount: money{diff},
			Description: s.label + diffLabel})
	}
	return enc, nil
}

// diffLabel ends the label of a row that brings e-Boekhouden's VAT to the entry's.
const diffLabel = " (difference with e-Boekhouden's VAT)"

// encodeMemorial makes a memorial: every line a row, debit positive, the
// rows balancing; the mutation's ledger is the first line's.
func (l *Ledger) encodeMemorial(ch *chart, e *invoicesync.Entry, enc *encoded) error {
	m := &enc.m
	m.InvoiceNumber = e.Reference
	for i := range e.Lines {
		ln := &e.Lines[i]
		row := apiRow{LedgerID: ch.ledgers[ln.Account].ID, VATCode: geen, Amount: money{signed(Memorial, ln)}, Description: ln.Label}
		if r := ch.vat[ln.VATCode]; r != nil {
			if r.rate.IsPositive() || r.divergent {
				return fmt.Errorf("eboekhouden: entry %s line %d: a memorial cannot carry VAT code %s, whose VAT e-Boekhouden would book again: post the entry in an invoice journal (1 or 2): %w",
					e.Reference, i+1, ln.VATCode, invoicesync.ErrNotSupported)
			}
			row.VATCode = r.ebCode
		}
		if ln.Partner != nil && !ln.Partner.IsZero() {
			return fmt.Errorf("eboekhouden: entry %s line %d: a memorial row names no relation: post it in an invoice journal (1 or 2): %w", e.Reference, i+1, invoicesync.ErrNotSupported)
		}
		m.Rows = append(m.Rows, row)
		enc.revenue = append(enc.revenue, i)
	}
	m.LedgerID = m.Rows[0].LedgerID
	return nil
}

// PostEntry posts e once per idempotency key: as a mutation, or as an
// invoice in ModeInvoice (see the package comment).
func (l *Ledger) PostEntry(ctx context.Context, e *invoicesync.Entry) (invoicesync.EntryRef, error) {
	if err := ctx.Err(); err != nil {
		return invoicesync.EntryRef{}, err
	}
	if e == nil {
		return invoicesync.EntryRef{}, fmt.Errorf("eboekhouden: no entry: %w", invoicesync.ErrUnbalanced)
	}
	if e.Draft {
		if err := e.Check(); err != nil {
			return invoicesync.EntryRef{}, fmt.Errorf("eboekhouden: %w", err)
		}
		return invoicesync.EntryRef{}, fmt.Errorf("eboekhouden: entry %s is a draft, and e-Boekhouden's API has no draft mutations: turn Mapping.Draft off: %w",
			e.Reference, invoicesync.ErrNotSupported)
	}
	enc, err := l.encode(ctx, e)
	if err != nil {
		return invoicesync.EntryRef{}, err
	}
	if e.IdempotencyKey != "" {
		unlock := l.lockKey(e.IdempotencyKey)
		defer unlock()
		ref, err := l.FindEntry(ctx, e.IdempotencyKey)
		if err == nil {
			return ref, nil
		}
		if !errors.Is(err, invoicesync.ErrNotFound) {
			return invoicesync.EntryRef{}, err
		}
	}
	if l.o.Mode == ModeInvoice && enc.typ == InvoiceSent {
		return l.postInvoice(ctx, e, enc)
	}
	base := enc.m.InvoiceNumber
	for n := 1; ; n++ {
		var out apiCreated
		err := l.c.JSON(ctx, http.MethodPost, "/v1/mutation", nil, enc.m, &out)
		if err == nil {
			return mutationRef(out.ID), nil
		}
		if apiCode(err) == "MUT_020" && n < maxSuffix && enc.typ != Memorial {
			// The relation has this invoice number already: this key's
			// mutation, committed since the lookup, or another (a reversal
			// or a repost), and then the next suffix.
			ref, found, ferr := l.ownMutation(ctx, enc.typ, enc.m.InvoiceNumber, enc.m.Description)
			if ferr != nil {
				return invoicesync.EntryRef{}, ferr
			}
			if found {
				return ref, nil
			}
			enc.m.InvoiceNumber = base + "-" + strconv.Itoa(n+1)
			continue
		}
		if apiCode(err) == "MUT_013" { // deleted in e-Boekhouden: read it again next time
			l.mu.Lock()
			delete(l.relations, enc.relation)
			l.mu.Unlock()
		}
		return invoicesync.EntryRef{}, classify(fmt.Sprintf("posting mutation %s", e.Reference), err)
	}
}

// apiCode is the error code of e-Boekhouden's answer, if err is one.
func apiCode(err error) string {
	var ae *httpx.APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

// classify wraps an API refusal with the sentinel its code means.
func classify(doing string, err error) error {
	var sentinel error
	switch apiCode(err) {
	case "MUT_007", "MUT_104", "FACT_ITEM_012":
		sentinel = invoicesync.ErrAccountNumberNotFound
	case "MUT_109", "MUT_110", "MUT_111", "FACT_ITEM_014":
		sentinel = invoicesync.ErrVATCodeNotFound
	case "MUT_012", "MUT_013", "MUT_112", "MUT_113", "FACT_001", "FACT_002", "FACT_003":
		sentinel = invoicesync.ErrPartnerNotFound
	case "MUT_118":
		sentinel = invoicesync.ErrUnbalanced
	case "MUT_019", "MUT_020", "FACT_101":
		sentinel = invoicesync.ErrDuplicate
	case "MUT_005", "SECURITY_007":
		sentinel = invoicesync.ErrLedgerFailure
	}
	if sentinel != nil {
		return fmt.Errorf("eboekhouden: %s: %w: %w", doing, sentinel, err)
	}
	return fmt.Errorf("eboekhouden: %s: %w", doing, err)
}

// readMutation turns a mutation back into an entry (see the package comment).
func (l *Ledger) readMutation(ch *chart, m apiMutation) invoicesync.Entry {
	t := MutationType(m.Type)
	label, key := splitDescription(m.Description)
	e := invoicesync.Entry{Label: label, IdempotencyKey: key, Reference: m.InvoiceNumber, Currency: l.o.Currency, Decimals: 2,
		Direction: invoicesync.Sales, Kind: invoicesync.KindInvoice, Journal: l.journalOf(ch, t)}
	e.Date, _ = time.Parse(time.DateOnly, m.Date)
	if t == InvoiceReceived {
		e.Direction = invoicesync.Purchase
	}
	if m.TermOfPayment != nil && !e.Date.IsZero() {
		e.DueDate = e.Date.AddDate(0, 0, *m.TermOfPayment)
	}
	code := func(id int) string { return ch.byID[id].Code }
	if t == Memorial {
		for _, r := range m.Rows {
			ln := line(t, r.Amount.Decimal)
			ln.Account, ln.Label = code(r.LedgerID), r.Description
			if r.VATCode != geen {
				ln.VATCode = r.VATCode
			}
			e.Lines = append(e.Lines, ln)
		}
		return e
	}
	// VAT booked per chart code and account, in order of first appearance.
	var shares vatShares
	share := shares.of
	total := decimal.Zero
	var rows []invoicesync.EntryLine
	var diffs []apiRow
	for _, r := range m.Rows {
		rule := l.ruleOf(ch, t, r)
		vat := decimal.Zero
		if r.VATAmount != nil {
			vat = r.VATAmount.Decimal
		} else if rule != nil && rule.ebRate.IsPositive() {
			vat = ebVAT(r.Amount.Decimal, rule.ebRate)
		}
		total = total.Add(r.Amount.Decimal)
		if rule != nil && (rule.ebRate.IsPositive() || rule.divergent) {
			if rule.reverse {
				share(rule, rule.account).entry = share(rule, rule.account).entry.Add(vat)
				share(rule, rule.dueAccount).entry = share(rule, rule.dueAccount).entry.Sub(vat)
			} else {
				share(rule, rule.account).entry = share(rule, rule.account).entry.Add(vat)
				total = total.Add(vat)
			}
		}
		if r.VATCode == geen && slices.ContainsFunc(shares, func(s *vatShare) bool { return s.account == code(r.LedgerID) }) {
			diffs = append(diffs, r)
			continue
		}
		ln := line(t, r.Amount.Decimal)
		ln.Account, ln.Label, ln.Kind = code(r.LedgerID), r.Description, invoicesync.KindRevenue
		if t == InvoiceReceived {
			ln.Kind = invoicesync.KindExpense
		}
		if rule != nil && r.VATCode != geen {
			ln.VATCode = rule.code
		}
		rows = append(rows, ln)
	}
	for _, d := range diffs {
		for _, s := range shares {
			if s.account == code(d.LedgerID) {
				s.entry = s.entry.Add(d.Amount.Decimal)
				break
			}
		}
	}
	p := line(t, total.Neg())
	p.Account, p.Label, p.Kind = code(m.LedgerID), label, invoicesync.KindPartner
	if m.RelationID != 0 {
		ref := invoicesync.PartnerRef{ID: itoa(m.RelationID)}
		p.Partner, e.Partner = &ref, ref
	}
	e.Lines = append(append(e.Lines, p), rows...)
	for _, s := range shares {
		if s.entry.IsZero() {
			continue
		}
		ln := line(t, s.entry)
		ln.Account, ln.VATCode, ln.Label, ln.Kind = s.account, s.code, s.label, invoicesync.KindVAT
		if ch.vat[s.code] != nil && ch.vat[s.code].reverse {
			ln.Kind = invoicesync.KindReverseChargeVAT
		}
		e.Lines = append(e.Lines, ln)
	}
	return e
}

// ruleOf is the chart's VAT rule of row r: the fixed code, or for a
// divergent code the one of Options.DivergentCodes whose rate gives the
// row's VAT amount best (two divergent codes are told apart by their rate).
func (l *Ledger) ruleOf(ch *chart, t MutationType, r apiRow) *vatRule {
	rule := ch.vat[r.VATCode]
	if rule == nil || !rule.divergent {
		return rule
	}
	var best *vatRule
	var bestDiff decimal.Decimal
	for _, d := range l.o.DivergentCodes {
		c := ch.vat[d.Code]
		if c == nil || c.ebCode != r.VATCode {
			continue
		}
		got := decimal.Zero
		if r.VATAmount != nil {
			got = r.VATAmount.Decimal
		}
		diff := ebVAT(r.Amount.Decimal, c.rate).Sub(got).Abs()
		if best == nil || diff.LessThan(bestDiff) {
			best, bestDiff = c, diff
		}
	}
	if best == nil {
		return rule
	}
	return best
}

// journalOf is the journal code of type t: the one Options.Journals gives
// it (the first by code), else its number.
func (l *Ledger) journalOf(ch *chart, t MutationType) string {
	var codes []string
	for code, jt := range l.o.Journals {
		if jt == t {
			codes = append(codes, code)
		}
	}
	if len(codes) > 0 {
		slices.Sort(codes)
		return codes[0]
	}
	return itoa(int(t))
}

// ownMutation finds the mutation of type t with invoice number n whose
// description is description (the entry's label and key).
func (l *Ledger) ownMutation(ctx context.Context, t MutationType, n, description string) (invoicesync.EntryRef, bool, error) {
	q := url.Values{"invoiceNumber": {n}, "type": {itoa(int(t))}}
	items, err := getList[apiMutationItem](ctx, l, "/v1/mutation", q)
	if err != nil {
		return invoicesync.EntryRef{}, false, fmt.Errorf("eboekhouden: finding the mutations of invoice %s: %w", n, err)
	}
	for _, it := range items {
		m, err := l.mutation(ctx, it.ID)
		if err != nil {
			return invoicesync.EntryRef{}, false, err
		}
		if m.Description == description {
			return mutationRef(it.ID), true, nil
		}
	}
	return invoicesync.EntryRef{}, false, nil
}
