package plaintext

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
)

// kv is one tag (hledger) or metadata entry (Beancount).
type kv struct{ k, v string }

// record is an ordered list of tags; both formats write the same records, in
// their own syntax.
type record []kv

// add appends k: v unless v is empty.
func (r *record) add(k, v string) {
	if v != "" {
		*r = append(*r, kv{k, v})
	}
}

// get returns the value of the first tag k, or "".
func (r record) get(k string) string {
	for _, t := range r {
		if t.k == k {
			return t.v
		}
	}
	return ""
}

// The parsed, format-neutral contents of a file, before they are turned into
// a File.
type (
	parsed struct {
		accounts   []pAccount
		vatCodes   []pItem
		journals   []pItem
		currencies []string
		partners   []pItem
		txns       []pTxn
	}
	pAccount struct {
		name   string
		rec    record
		closed bool // a Beancount close directive
		line   int
	}
	pItem struct {
		id   string
		rec  record
		line int
	}
	pTxn struct {
		line     int
		date     time.Time
		pending  bool
		payee    string
		note     string
		rec      record
		postings []pPosting
	}
	pPosting struct {
		line    int
		account string
		amount  string
		rec     record
	}
)

func accountRecord(a Account) record {
	var r record
	if a.Number != a.Name {
		r.add("number", a.Number)
	}
	r.add("title", a.Title)
	if a.Closed {
		r.add("closed", "true")
	}
	return r
}

func vatRecord(v invoicesync.VATCode) record {
	var r record
	r.add("name", v.Name)
	r.add("rate", v.Rate.String())
	r.add("direction", string(v.Direction))
	if v.ReverseCharge {
		r.add("reverse-charge", "true")
	}
	r.add("account", v.Account)
	r.add("due-account", v.DueAccount)
	if !v.Active {
		r.add("active", "false")
	}
	return r
}

func journalRecord(j invoicesync.Journal) record {
	var r record
	r.add("name", j.Name)
	r.add("type", j.Type)
	return r
}

func partnerRecord(p invoicesync.Partner) record {
	var r record
	r.add("role", string(p.Role))
	r.add("name", p.Name)
	r.add("vat", p.VATNumber)
	r.add("registration", p.RegistrationID)
	r.add("scheme", p.RegistrationScheme)
	r.add("aux", p.AuxiliaryAccount)
	r.add("country", p.Country)
	r.add("email", p.Email)
	r.add("street", strings.Join(p.Address.Lines, "\n"))
	r.add("city", p.Address.City)
	r.add("postcode", p.Address.PostalCode)
	r.add("subdivision", p.Address.Subdivision)
	r.add("address-country", p.Address.Country)
	return r
}

// headRecord is the transaction-level record of e, whose id is id.
func headRecord(id string, e *invoicesync.Entry) record {
	var r record
	r.add("entry", id)
	r.add("key", e.IdempotencyKey)
	r.add("invoice", e.Reference)
	r.add("journal", e.Journal)
	r.add("partner", e.Partner.ID)
	if !e.DueDate.IsZero() {
		r.add("due", e.DueDate.Format(dateLayout))
	}
	r.add("direction", string(e.Direction))
	r.add("kind", string(e.Kind))
	r.add("source", e.InvoiceID)
	if e.InvoiceCurrency != e.Currency {
		r.add("invoice-currency", e.InvoiceCurrency)
	}
	if !e.ExchangeRate.IsZero() {
		r.add("rate", e.ExchangeRate.String())
	}
	r.add("reverses", e.Reverses.ID)
	return r
}

// lineRecord is the posting-level record of l.
// CurrencyAmount is written with the invoice currency's minor units.
func lineRecord(l *invoicesync.EntryLine, invoiceCurrency string) record {
	var r record
	r.add("label", l.Label)
	r.add("vat", l.VATCode)
	if l.Partner != nil {
		r.add("partner", l.Partner.ID)
	}
	if !l.CurrencyAmount.IsZero() {
		r.add("currency-amount", l.CurrencyAmount.StringFixed(minorUnits(invoiceCurrency)))
	}
	return r
}

// build turns what a codec parsed into a File.
func (p *parsed) build(path string, f Format) (*File, error) {
	out := &File{Format: f, torn: -1}
	byName := make(map[string]string) // account name → number
	for _, a := range p.accounts {
		acc := Account{Name: a.name, Number: a.rec.get("number"), Title: a.rec.get("title"), Closed: a.closed || a.rec.get("closed") == "true"}
		if acc.Number == "" {
			acc.Number = acc.Name
		}
		byName[acc.Name] = acc.Number
		out.Accounts = append(out.Accounts, acc)
	}
	for _, v := range p.vatCodes {
		code := invoicesync.VATCode{
			Code: v.id, Name: v.rec.get("name"), Direction: invoicesync.Direction(v.rec.get("direction")),
			ReverseCharge: v.rec.get("reverse-charge") == "true", Account: v.rec.get("account"),
			DueAccount: v.rec.get("due-account"), Active: v.rec.get("active") != "false",
		}
		if s := v.rec.get("rate"); s != "" {
			r, err := decimal.NewFromString(s)
			if err != nil {
				return nil, parseErr(path, v.line, "VAT code %s: rate %q is not a number", v.id, s)
			}
			code.Rate = r
		}
		out.VATCodes = append(out.VATCodes, code)
	}
	for _, j := range p.journals {
		out.Journals = append(out.Journals, invoicesync.Journal{Code: j.id, Name: j.rec.get("name"), Type: j.rec.get("type")})
	}
	out.Currencies = p.currencies
	names := make(map[string]string)
	for _, it := range p.partners {
		r := it.rec
		pt := invoicesync.Partner{
			Role: invoicesync.PartnerRole(r.get("role")), Name: r.get("name"), VATNumber: r.get("vat"),
			RegistrationID: r.get("registration"), RegistrationScheme: r.get("scheme"), AuxiliaryAccount: r.get("aux"),
			Country: r.get("country"), Email: r.get("email"),
			Address: invoicesync.Address{City: r.get("city"), PostalCode: r.get("postcode"), Subdivision: r.get("subdivision"), Country: r.get("address-country")},
		}
		if s := r.get("street"); s != "" {
			pt.Address.Lines = strings.Split(s, "\n")
		}
		pt.Ref = invoicesync.PartnerRef{ID: it.id, Name: pt.Name, AuxiliaryAccount: pt.AuxiliaryAccount}
		names[it.id] = pt.Name
		out.Partners = append(out.Partners, pt)
	}
	for i := range p.txns {
		t := &p.txns[i]
		id := t.rec.get("entry")
		if id == "" {
			out.Foreign++
			continue
		}
		e, err := t.entry(path, byName, names)
		if err != nil {
			return nil, err
		}
		out.Entries = append(out.Entries, Entry{Ref: invoicesync.EntryRef{ID: id, Number: id}, Entry: *e, Line: t.line})
	}
	return out, nil
}

// entry turns a transaction the package wrote back into an Entry.
func (t *pTxn) entry(path string, byName, partnerNames map[string]string) (*invoicesync.Entry, error) {
	r := t.rec
	e := &invoicesync.Entry{
		Journal: r.get("journal"), Date: t.date, Reference: r.get("invoice"), Label: t.note,
		IdempotencyKey: r.get("key"), InvoiceID: r.get("source"), Draft: t.pending,
		Direction: invoicesync.Direction(r.get("direction")), Kind: invoicesync.Kind(r.get("kind")),
		InvoiceCurrency: r.get("invoice-currency"), Reverses: invoicesync.EntryRef{ID: r.get("reverses"), Number: r.get("reverses")},
	}
	if id := r.get("partner"); id != "" {
		e.Partner = invoicesync.PartnerRef{ID: id, Name: partnerNames[id]}
	}
	var err error
	if s := r.get("due"); s != "" {
		if e.DueDate, err = parseDate(s); err != nil {
			return nil, parseErr(path, t.line, "due date %q: %w", s, err)
		}
	}
	if s := r.get("rate"); s != "" {
		if e.ExchangeRate, err = decimal.NewFromString(s); err != nil {
			return nil, parseErr(path, t.line, "exchange rate %q is not a number", s)
		}
	}
	for _, p := range t.postings {
		amt, cur, err := parseAmount(p.amount)
		if err != nil {
			return nil, parseErr(path, p.line, "%w", err)
		}
		if e.Currency == "" {
			e.Currency = cur
			e.Decimals = decimalsOf(p.amount)
		} else if cur != e.Currency {
			return nil, parseErr(path, p.line, "entry %s mixes %s and %s", r.get("entry"), e.Currency, cur)
		}
		number, ok := byName[p.account]
		if !ok {
			number = p.account
		}
		l := invoicesync.EntryLine{Account: number, Label: p.rec.get("label"), VATCode: p.rec.get("vat"), Debit: decimal.Zero, Credit: decimal.Zero}
		if amt.Sign() >= 0 {
			l.Debit = amt
		} else {
			l.Credit = amt.Neg()
		}
		if id := p.rec.get("partner"); id != "" {
			l.Partner = &invoicesync.PartnerRef{ID: id, Name: partnerNames[id]}
		}
		if s := p.rec.get("currency-amount"); s != "" {
			if l.CurrencyAmount, err = decimal.NewFromString(s); err != nil {
				return nil, parseErr(path, p.line, "currency amount %q is not a number", s)
			}
		}
		e.Lines = append(e.Lines, l)
	}
	if e.InvoiceCurrency == "" {
		e.InvoiceCurrency = e.Currency
	}
	return e, nil
}

// decimalsOf counts the decimals of the number in an amount as written.
func decimalsOf(amount string) int32 {
	i := strings.IndexByte(amount, '.')
	if i < 0 {
		return 0
	}
	n := int32(0)
	for j := i + 1; j < len(amount) && '0' <= amount[j] && amount[j] <= '9'; j++ {
		n++
	}
	return n
}

// blockKinds name what a framed block holds.
const (
	blockEntry   = "entry"
	blockPartner = "partner"
	blockChart   = "chart"
)

// The markers around every block the package appends (see recover.go).
const (
	beginMark = "\n; invoicesync: begin "
	endMark   = "; invoicesync: end "
)

// frame wraps body, which ends with a newline, in the block markers.
func frame(kind, id, body string) string {
	return beginMark + kind + " " + id + "\n" + body + endMark + kind + " " + id + "\n"
}

// seq reads the number of an id written as prefix + number ("E17" → 17).
func seq(id, prefix string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(id, prefix))
	if err != nil || !strings.HasPrefix(id, prefix) {
		return 0
	}
	return n
}

// errorf is fmt.Errorf with the package prefix.
func errorf(format string, args ...any) error { return fmt.Errorf("plaintext: "+format, args...) }
