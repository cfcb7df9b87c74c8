package tripletex

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
)

// cent is one øre (or cent): Tripletex amounts have two decimals.
var cent = decimal.New(1, -2)

// tripletexVAT is the VAT Tripletex computes on a posting of gross amount
// gross with a VAT type of rate percent: gross × rate / (100 + rate),
// rounded to two decimals, half away from zero.
func tripletexVAT(gross, rate decimal.Decimal) decimal.Decimal {
	hundred := decimal.NewFromInt(100)
	return gross.Mul(rate).DivRound(hundred.Add(rate), 12).Round(2)
}

// grossFor returns the gross amount whose net, after Tripletex takes its
// VAT at rate, is exactly net; it is the one closest to net × (1 + rate).
func grossFor(net, rate decimal.Decimal) (decimal.Decimal, error) {
	if net.IsNegative() {
		g, err := grossFor(net.Neg(), rate)
		return g.Neg(), err
	}
	g := net.Add(net.Mul(rate).Div(decimal.NewFromInt(100)).Round(2))
	for range 1000 {
		switch f := g.Sub(tripletexVAT(g, rate)); f.Cmp(net) {
		case 0:
			return g, nil
		case -1:
			g = g.Add(cent)
		default:
			g = g.Sub(cent)
		}
	}
	return decimal.Zero, fmt.Errorf("tripletex: no gross amount gives a net of %s at %s %%", net, rate)
}

// signed is a line's amount, positive for a debit, negative for a credit.
func signed(l *invoicesync.EntryLine) decimal.Decimal { return l.Debit.Sub(l.Credit) }

// vatGroup gathers an entry's lines of one VAT type with a rate.
type vatGroup struct {
	code      string
	vt        apiVATType
	account   string          // where Tripletex posts its VAT
	entryVAT  decimal.Decimal // Σ the entry's VAT lines
	generated decimal.Decimal // Σ the VAT Tripletex will compute
	label     string          // the first VAT line's label
}

// voucher turns e into the voucher to post, checking it against the chart
// (reloaded once when something is missing) and the partners.
func (l *Ledger) voucher(ctx context.Context, e *invoicesync.Entry) (*apiVoucher, error) {
	ch, err := l.cachedChart(ctx)
	if err != nil {
		return nil, err
	}
	v, err := l.encode(ctx, ch, e)
	if err != nil && errorIsChart(err) {
		if ch, err2 := l.reload(ctx, readAccounts, readVATTypes, readVoucherTypes); err2 == nil {
			v, err = l.encode(ctx, ch, e)
		}
	}
	return v, err
}

// chartError is an error about the chart: the chart is read again before
// it is reported.
type chartError struct{ error }

func (c chartError) Unwrap() error { return c.error }

func errorIsChart(err error) bool {
	_, ok := err.(chartError)
	return ok
}

func (l *Ledger) encode(ctx context.Context, ch *chart, e *invoicesync.Entry) (*apiVoucher, error) {
	if e.Currency != l.o.Currency {
		return nil, fmt.Errorf("tripletex: entry %s is in %s but the company's currency is %s: convert it (Mapping.LedgerCurrency %s): %w",
			e.Reference, e.Currency, l.o.Currency, l.o.Currency, invoicesync.ErrCurrencyValidation)
	}
	if e.Decimals > 2 {
		return nil, fmt.Errorf("tripletex: entry %s has amounts with %d decimals; Tripletex keeps two", e.Reference, e.Decimals)
	}
	date := e.Date.Format(time.DateOnly)
	v := &apiVoucher{Date: date, Description: e.Label, ExternalVoucherNumber: e.IdempotencyKey}
	if v.Description == "" {
		v.Description = e.Reference
	}
	if e.Journal != "" { // none: a voucher without voucher type
		if err := ch.checks.CheckJournal(e.Journal); err != nil {
			return nil, chartError{fmt.Errorf("tripletex: entry %q: %w (journals are voucher types)", e.Reference, err)}
		}
		if id, ok := ch.voucherTypes[e.Journal]; ok {
			v.VoucherType = refTo(id)
		}
	}
	role := invoicesync.RoleFor(e.Direction)
	if !e.Partner.IsZero() {
		if err := l.ensurePartner(ctx, role, e.Partner.ID); err != nil {
			return nil, err
		}
	}

	var groups []*vatGroup
	group := func(code string, vt apiVATType) *vatGroup {
		for _, g := range groups {
			if g.code == code {
				return g
			}
		}
		g := &vatGroup{code: code, vt: vt, account: l.o.VATAccounts[code]}
		groups = append(groups, g)
		return g
	}
	for i := range e.Lines {
		line := &e.Lines[i]
		if err := ch.checks.CheckAccount(line.Account); err != nil {
			err = fmt.Errorf("tripletex: entry %q line %d: %w", e.Reference, i+1, err)
			if errors.Is(err, invoicesync.ErrAccountNumberNotFound) {
				return nil, chartError{err}
			}
			return nil, err
		}
		acc := ch.accounts[line.Account]
		if line.Kind == invoicesync.KindReverseChargeVAT {
			return nil, fmt.Errorf("tripletex: line %d: reverse-charge VAT lines are not supported yet (Tripletex's reverse-charge VAT types post both sides themselves): %w", i+1, invoicesync.ErrNotSupported)
		}
		p := apiPosting{Row: i + 1, Date: date, Description: line.Label, Account: refTo(acc.ID),
			Currency: refTo(ch.currencyID), InvoiceNumber: e.Reference}
		if line.Partner != nil && !line.Partner.IsZero() {
			if err := l.ensurePartner(ctx, role, line.Partner.ID); err != nil {
				return nil, err
			}
			id, _ := strconv.ParseInt(line.Partner.ID, 10, 64)
			if role == invoicesync.Supplier {
				p.Supplier = refTo(id)
			} else {
				p.Customer = refTo(id)
			}
			if !e.DueDate.IsZero() {
				p.TermOfPayment = e.DueDate.Format(time.DateOnly)
			}
		}
		amount := signed(line)
		if line.VATCode != "" {
			vt, ok := ch.vatTypes[line.VATCode]
			if err := ch.checks.CheckVATCode(line.VATCode); err != nil {
				err = fmt.Errorf("tripletex: entry %q line %d: %w", e.Reference, i+1, err)
				if !ok {
					return nil, chartError{err}
				}
				// Listed inactive: it has a rate and no known VAT account.
				return nil, fmt.Errorf("%w (VAT type %s has a rate but no VAT account in Options.VATAccounts)", err, line.VATCode)
			}
			if vt.Percentage.IsPositive() {
				g := group(line.VATCode, vt)
				if line.Kind == invoicesync.KindVAT {
					if line.Account != g.account {
						return nil, fmt.Errorf("tripletex: line %d: the VAT of type %s goes to account %s in Tripletex, the entry puts it on %s: remove the mapping's VAT account override or fix Options.VATAccounts: %w",
							i+1, line.VATCode, g.account, line.Account, invoicesync.ErrNotSupported)
					}
					g.entryVAT = g.entryVAT.Add(amount)
					if g.label == "" {
						g.label = line.Label
					}
					continue // Tripletex writes the VAT postings
				}
				if !slices.ContainsFunc(acc.LegalVATTypes, func(r ref) bool { return r.ID == vt.ID }) && len(acc.LegalVATTypes) > 0 {
					return nil, fmt.Errorf("tripletex: line %d: VAT type %s is not allowed on account %s in Tripletex", i+1, line.VATCode, line.Account)
				}
				gross, err := grossFor(amount, vt.Percentage)
				if err != nil {
					return nil, err
				}
				g.generated = g.generated.Add(tripletexVAT(gross, vt.Percentage))
				amount = gross
			}
			p.VATType = refTo(vt.ID)
		}
		p.AmountGross, p.AmountGrossCurrency = money{amount}, money{amount}
		v.Postings = append(v.Postings, p)
	}
	row := len(e.Lines)
	for _, g := range groups {
		diff := g.entryVAT.Sub(g.generated)
		if diff.IsZero() {
			continue
		}
		acc, ok := ch.accounts[g.account]
		if !ok {
			return nil, chartError{fmt.Errorf("tripletex: the VAT account %s of VAT type %s is not in Tripletex's chart: %w", g.account, g.code, invoicesync.ErrAccountNumberNotFound)}
		}
		row++
		label := strings.TrimSpace(g.label + " (difference with Tripletex's VAT)")
		v.Postings = append(v.Postings, apiPosting{Row: row, Date: date, Description: label, Account: refTo(acc.ID),
			Currency: refTo(ch.currencyID), InvoiceNumber: e.Reference, AmountGross: money{diff}, AmountGrossCurrency: money{diff}})
	}
	return v, nil
}

// readVoucher turns a voucher back into an entry (see the package comment).
func (l *Ledger) readVoucher(ch *chart, v apiVoucher) invoicesync.Entry {
	e := invoicesync.Entry{
		Label: v.Description, IdempotencyKey: v.ExternalVoucherNumber, Currency: l.o.Currency, Decimals: 2,
		Draft: v.Number == 0, Direction: invoicesync.Sales, Kind: invoicesync.KindInvoice,
	}
	e.Date, _ = time.Parse(time.DateOnly, v.Date)
	if v.VoucherType != nil {
		e.Journal = ch.voucherNames[v.VoucherType.ID]
	}
	accountOf := func(r *ref) string {
		if r == nil {
			return ""
		}
		return ch.accountNums[r.ID]
	}
	line := func(amount decimal.Decimal) invoicesync.EntryLine {
		if amount.IsNegative() {
			return invoicesync.EntryLine{Debit: decimal.Zero, Credit: amount.Neg()}
		}
		return invoicesync.EntryLine{Debit: amount, Credit: decimal.Zero}
	}
	// generated gathers Tripletex's VAT postings of one VAT type.
	type generated struct {
		typeID  int64
		account string
		total   decimal.Decimal
	}
	var gen []*generated
	vatLine := func(g *generated) invoicesync.EntryLine {
		vt := ch.vatNums[g.typeID]
		l := line(g.total)
		l.Account, l.VATCode, l.Label, l.Kind = g.account, vt.Number, vt.Name, invoicesync.KindVAT
		return l
	}
	byRow := map[int][]invoicesync.EntryLine{}
	maxRow := 0
	for _, p := range v.Postings {
		if e.Reference == "" {
			e.Reference = p.InvoiceNumber
		}
		if p.Row == 0 || p.SystemGenerated {
			var id int64
			if p.VATType != nil {
				id = p.VATType.ID
			}
			i := slices.IndexFunc(gen, func(g *generated) bool { return g.typeID == id })
			if i < 0 {
				gen = append(gen, &generated{typeID: id, account: accountOf(p.Account)})
				i = len(gen) - 1
			}
			gen[i].total = gen[i].total.Add(p.AmountGross.Decimal)
			continue
		}
		amount := p.AmountGross.Decimal
		if p.Amount != nil {
			amount = p.Amount.Decimal
		}
		l := line(amount)
		l.Account, l.Label = accountOf(p.Account), p.Description
		if p.VATType != nil {
			l.VATCode = ch.vatNums[p.VATType.ID].Number
		}
		var partner *ref
		if p.Customer != nil {
			partner = p.Customer
		} else if p.Supplier != nil {
			partner = p.Supplier
			e.Direction = invoicesync.Purchase
		}
		if partner != nil {
			pr := invoicesync.PartnerRef{ID: itoa(partner.ID)}
			l.Partner, l.Kind = &pr, invoicesync.KindPartner
			if e.Partner.IsZero() {
				e.Partner = pr
			}
			if t, err := time.Parse(time.DateOnly, p.TermOfPayment); err == nil {
				e.DueDate = t
			}
		}
		byRow[p.Row] = append(byRow[p.Row], l)
		maxRow = max(maxRow, p.Row)
	}
	next := 0
	for row := 1; row <= maxRow; row++ {
		lines, ok := byRow[row]
		if !ok && next < len(gen) {
			e.Lines = append(e.Lines, vatLine(gen[next]))
			next++
			continue
		}
		e.Lines = append(e.Lines, lines...)
	}
	for ; next < len(gen); next++ {
		e.Lines = append(e.Lines, vatLine(gen[next]))
	}
	return e
}

// sortBy sorts s by key.
func sortBy[T any](s []T, key func(T) string) {
	slices.SortFunc(s, func(a, b T) int { return strings.Compare(key(a), key(b)) })
}
