package invoicesync

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync/labels"
	"github.com/invoicesync/invoicesync/rounding"
)

// entry turns the pending lines into the Entry.
func (s *build) entry() (*Entry, error) {
	inv := s.inv
	journal, err := s.journal()
	if err != nil {
		return nil, err
	}
	n := 0
	for i := range s.pending {
		if s.pending[i].ledgerAmount != 0 {
			n++
		}
	}
	if n == 0 {
		return nil, s.invoiceError(&SyncError{
			Code: CodeNothingToPost, Field: "Totals.Gross (BT-112)", Value: s.money(s.gross, s.invoiceDecimals),
			Message:    "every amount of the invoice is zero: there is nothing to post",
			Resolution: "nothing to do; the invoice can be skipped",
		})
	}
	e := &Entry{
		Journal: journal, Date: inv.IssueDate, DueDate: inv.DueDate, Reference: inv.Number,
		Currency: s.ledgerCurrency, Decimals: s.ledgerDecimals, InvoiceCurrency: strings.ToUpper(strings.TrimSpace(inv.Currency)),
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
	for i := range s.pending {
		p := &s.pending[i]
		if p.ledgerAmount == 0 {
			continue
		}
		if p.accountBySide {
			field, acct := s.sideAccount(p)
			if err := s.fixedAccount(field, acct, 0); err != nil {
				return nil, err
			}
			p.account = acct
		}
		l := EntryLine{
			Account: p.account, VATCode: p.vatCode, Kind: p.kind, SourceLines: src[i],
			AccountSource: p.accountSource, Rule: p.rule, Tried: p.tried, VATRule: p.vatRule, Explanation: p.explanation,
			Debit: decimal.Zero, Credit: decimal.Zero, CurrencyAmount: decimal.Zero,
		}
		if p.ledgerAmount > 0 {
			l.Credit = rounding.FromUnits(p.ledgerAmount, s.ledgerDecimals)
		} else {
			l.Debit = rounding.FromUnits(-p.ledgerAmount, s.ledgerDecimals)
		}
		if s.foreign && p.kind != KindExchangeDifference {
			l.CurrencyAmount = rounding.FromUnits(abs(p.amount), s.invoiceDecimals)
		}
		if p.isPartner {
			ref := s.partner
			l.Partner = &ref
		}
		if p.onlySource >= 0 && p.kind != KindVAT {
			l.Analytics = inv.Lines[p.onlySource].Analytics
		}
		f.PartnerLine, f.Account, f.VATCode, f.Description = p.isPartner, p.account, p.vatCode, s.description(p)
		l.Label = s.b.labeler.Label(f)
		if p.isPartner {
			e.Label = l.Label
		}
		e.Lines = append(e.Lines, l)
	}
	if e.Label == "" {
		f.PartnerLine, f.Account, f.VATCode, f.Description = true, "", "", ""
		e.Label = s.b.labeler.Label(f)
	}
	if d := s.sum(true); d != 0 || s.overflow { // a bug if it ever fires: never post it
		return nil, s.invoiceError(&SyncError{
			Code:       CodeAmountValidation,
			Message:    fmt.Sprintf("internal error: the entry is off by %s, it was not built", s.money(d, s.ledgerDecimals)),
			Resolution: "report this invoice to the invoicesync maintainers",
		})
	}
	return e, nil
}

func (s *build) journal() (string, error) {
	j, inv := &s.m.Journals, s.inv
	var code string
	if len(j.BySource) > 0 {
		if inv.SourceJournal == "" {
			return "", s.invoiceError(&SyncError{
				Code: CodeJournalNotLinked, Field: "SourceJournal",
				Message:    "the invoice is not linked to a journal in the invoicing tool, and the mapping maps journals per source journal",
				Resolution: "link the invoice to a journal in the invoicing tool",
			})
		}
		var ok bool
		if code, ok = j.BySource[inv.SourceJournal]; !ok || code == "" {
			return "", s.invoiceError(&SyncError{
				Code: CodeMappingJournalNotFound, Field: "journals.by_source", Value: inv.SourceJournal,
				Message:    "source journal " + inv.SourceJournal + " is not mapped to a ledger journal",
				Resolution: "map source journal " + inv.SourceJournal + " to a ledger journal in the mapping",
			})
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
			return "", s.invoiceError(&SyncError{
				Code: CodeMappingJournalNotFound, Field: field,
				Message:    "no " + string(s.dir) + " journal is mapped",
				Resolution: "set " + field + " in the mapping",
			})
		}
	}
	if s.b.chart.HasJournals() {
		if _, ok := s.b.chart.Journal(code); !ok {
			return "", s.invoiceError(&SyncError{
				Code: CodeMappingJournalNotFound, Field: "journals", Value: code,
				Message:    "journal " + code + " does not exist in the ledger",
				Resolution: "create journal " + code + " in the ledger or map another one",
			})
		}
	}
	return code, nil
}

// sideAccount chooses a rounding or exchange line's account from its side.
func (s *build) sideAccount(p *pendingLine) (string, string) {
	a := &s.m.Accounts
	credit := p.ledgerAmount > 0
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

// description is what a line's label says besides the partner: nothing on
// the partner line; the source line's description, the allowance reason, the
// VAT code's name, or the account's name when grouped lines disagree or there
// is nothing else.
func (s *build) description(p *pendingLine) string {
	if p.isPartner {
		return ""
	}
	if p.description != "" && !p.mixedDescriptions {
		return p.description
	}
	if a, ok := s.b.chart.Account(p.account); ok && a.Name != "" {
		return a.Name
	}
	return p.description
}

// sources carves each pending line's 1-based source lines out of one array
// (a counting sort of the line sources by pending line, then each group sorted).
func (s *build) sources() [][]int {
	out := make([][]int, len(s.pending))
	if len(s.lineSources) == 0 {
		return out
	}
	end := make([]int, len(s.pending)) // first the counts, then each group's end
	for _, src := range s.lineSources {
		end[src.pendingLine]++
	}
	for i := 1; i < len(end); i++ {
		end[i] += end[i-1]
	}
	buf := make([]int, len(s.lineSources))
	for k := len(s.lineSources) - 1; k >= 0; k-- {
		src := s.lineSources[k]
		end[src.pendingLine]--
		buf[end[src.pendingLine]] = src.sourceLine + 1
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
