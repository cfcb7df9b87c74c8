package invoicesync

import (
	"context"
	"fmt"
	"strings"
)

// Preview is what a run would do with one invoice, and why.
type Preview struct {
	// Outcome is the outcome the run would give: status synchronized with
	// action posted or reposted when an entry would be posted.
	Outcome
	// Entry is the entry that would be posted, with each line's decisions
	// (EntryLine.AccountSource, Rule, Tried, VATRule, Explanation).
	Entry *Entry
	// Reversal is the entry that would be posted first to cancel the
	// previous version's entry (policy RepostChanges).
	Reversal *Entry
	// Document is the file that would be attached, if any.
	Document string
	// Explanation is every decision, one sentence each, in order.
	Explanation []string
}

// Preview is a dry run: what a run would post for the invoices ids, or, with
// no ids, for every invoice the next Run would handle. It writes nothing —
// not to the ledger (no entry, no partner, no attachment), not to the state
// store — and downloads no attachment. It reads the ledger's chart and
// partners and the source's invoices and contacts. Unlike Run it holds every
// previewed entry in memory: preview in batches of ids when there are many.
func (s *Syncer) Preview(ctx context.Context, ids ...string) ([]Preview, error) {
	r, err := s.begin(ctx, true)
	if err != nil {
		return nil, err
	}
	var out []Preview
	one := func(inv *Invoice, bad *SyncError) {
		if pv, ok := r.previewOne(ctx, inv, bad); ok {
			out = append(out, pv)
		}
	}
	var ferr error
	byID := func(id string) bool {
		inv, err := s.source.Invoice(ctx, id)
		bad := unreadable(&inv, err)
		if err != nil && bad == nil {
			ferr = fmt.Errorf("invoicesync: reading invoice %s: %w", id, err)
			return false
		}
		one(&inv, bad)
		return true
	}
	if len(ids) > 0 {
		for _, id := range ids {
			if !byID(id) {
				return out, ferr
			}
		}
		return out, ctx.Err()
	}
	cursor, revisit, err := s.incremental(ctx)
	if err != nil {
		return nil, err
	}
	err = s.walk(ctx, cursor, revisit, func(inv *Invoice, bad *SyncError) bool { one(inv, bad); return true }, byID)
	if err == nil {
		err = ferr
	}
	if err == nil {
		err = ctx.Err()
	}
	return out, err
}

// previewOne is what process would do with inv: its steps record in r.shown
// what they would write, and write nothing. ok is false when the invoice
// could not be previewed (ctx ended, or the store could not be read).
func (r *run) previewOne(ctx context.Context, inv *Invoice, bad *SyncError) (pv Preview, ok bool) {
	r.shown = &pv
	defer func() { r.shown = nil }()
	_, ok = r.process(ctx, inv, bad)
	return pv, ok
}

// explainEntry says, line by line, how the entry was made.
func explainEntry(e *Entry) []string {
	out := []string{fmt.Sprintf("entry in journal %s dated %s, reference %s, key %s",
		e.Journal, e.Date.Format("2006-01-02"), e.Reference, e.IdempotencyKey)}
	for i := range e.Lines {
		l := &e.Lines[i]
		side := "credit"
		if l.IsDebit() {
			side = "debit"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "line %d: %s %s %s on %s (%s)", i+1, side, l.Amount().StringFixed(e.Decimals), e.Currency, l.Account, l.Kind)
		switch l.AccountSource {
		case FromLine:
			b.WriteString("; account given by the invoicing tool")
		case FromRule:
			fmt.Fprintf(&b, "; account from account rule %d", l.Rule)
		case FromDefault:
			b.WriteString("; the mapping's default account")
		case FromMapping:
			b.WriteString("; account fixed by the mapping")
		case FromVATCode:
			b.WriteString("; the VAT code's account")
		}
		if len(l.Tried) > 0 {
			fmt.Fprintf(&b, " after %s could not be used", strings.Join(l.Tried, ", "))
		}
		if l.VATCode != "" {
			fmt.Fprintf(&b, "; VAT code %s", l.VATCode)
			if l.VATRule > 0 {
				fmt.Fprintf(&b, " from VAT rule %d", l.VATRule)
			}
		}
		if len(l.SourceLines) > 0 {
			fmt.Fprintf(&b, "; invoice lines %v", l.SourceLines)
		}
		if l.Explanation != "" {
			b.WriteString("; " + l.Explanation)
		}
		out = append(out, b.String())
	}
	return out
}
