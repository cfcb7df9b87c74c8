package plaintext

import (
	"regexp"
	"slices"
	"strings"

	"github.com/invoicesync/invoicesync"
)

// beancountCodec writes and reads the Beancount format.
type beancountCodec struct{}

// declDate dates the directives that declare things (open, commodity, the
// custom records): Beancount wants a date on each, and the accounts must be
// open before the oldest invoice.
const declDate = "1970-01-01"

// closeDate dates the close directive of a closed account.
const closeDate = "1970-01-02"

// The custom directives of the records Beancount has no directive for.
const (
	beancountVAT     = "invoicesync-vat-code"
	beancountJournal = "invoicesync-journal"
	beancountPartner = "invoicesync-partner"
)

// metaKeyRE is a Beancount metadata key followed by its colon.
var metaKeyRE = regexp.MustCompile(`^([a-z][A-Za-z0-9_-]*):(\s|$)`)

// meta writes r as metadata lines at indent.
func (beancountCodec) meta(indent string, r record) string {
	var b strings.Builder
	for _, t := range r {
		b.WriteString(indent + t.k + ": " + quote(t.v) + "\n")
	}
	return b.String()
}

func (beancountCodec) comment(text string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		b.WriteString("; " + l + "\n")
	}
	return b.String()
}

func (c beancountCodec) account(a Account) string {
	r := accountRecord(a)
	s := declDate + " open " + a.Name + "\n" + c.meta("  ", slices.DeleteFunc(r, func(t kv) bool { return t.k == "closed" }))
	if a.Closed {
		s += closeDate + " close " + a.Name + "\n"
	}
	return s
}

func (c beancountCodec) custom(kind, id string, r record) string {
	return declDate + " custom " + quote(kind) + " " + quote(id) + "\n" + c.meta("  ", r)
}

func (c beancountCodec) vatCode(v invoicesync.VATCode) string {
	return c.custom(beancountVAT, v.Code, vatRecord(v))
}

func (c beancountCodec) journal(j invoicesync.Journal) string {
	return c.custom(beancountJournal, j.Code, journalRecord(j))
}

func (beancountCodec) commodity(cur string, _ int32) string {
	return declDate + " commodity " + cur + "\n"
}

func (c beancountCodec) partner(id string, p invoicesync.Partner) string {
	return c.custom(beancountPartner, id, partnerRecord(p))
}

// transaction writes t: the date, "*" or "!" for pending, payee and
// narration, the entry's metadata, then the postings with theirs.
func (c beancountCodec) transaction(t *pTxn) string {
	var b strings.Builder
	b.WriteString(t.date.Format(dateLayout))
	if t.pending {
		b.WriteString(" !")
	} else {
		b.WriteString(" *")
	}
	if t.payee != "" {
		b.WriteString(" " + quote(t.payee))
	}
	b.WriteString(" " + quote(t.note) + "\n")
	b.WriteString(c.meta("  ", t.rec))
	for _, p := range t.postings {
		b.WriteString(postingLine("  ", p) + "\n")
		b.WriteString(c.meta("    ", p.rec))
	}
	return b.String()
}

// parse reads the parts of a Beancount file the package knows: open, close
// and commodity directives, its custom records, and transactions with their
// postings and metadata. Other directives, options and comments are
// skipped; include directives are not followed.
func (c beancountCodec) parse(path string, data []byte) (*parsed, error) {
	p := &parsed{}
	var (
		tx      *pTxn
		item    *record // the metadata of an open or custom directive
		pIndent int     // indentation of the last posting
		closed  = make(map[string]bool)
	)
	for n, raw := range strings.Split(string(data), "\n") {
		num := n + 1
		line := strings.TrimRight(raw, "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || trimmed[0] == ';' {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			indent := len(line) - len(strings.TrimLeft(line, " \t"))
			if m := metaKeyRE.FindStringSubmatch(trimmed); m != nil {
				kv := kv{m[1], metaValue(strings.TrimSpace(trimmed[len(m[1])+1:]))}
				switch {
				case tx != nil && len(tx.postings) > 0 && indent > pIndent:
					last := &tx.postings[len(tx.postings)-1]
					last.rec = append(last.rec, kv)
				case tx != nil:
					tx.rec = append(tx.rec, kv)
				case item != nil:
					*item = append(*item, kv)
				}
				continue
			}
			if tx != nil {
				body, _, _ := strings.Cut(trimmed, ";")
				if len(body) > 1 && strings.ContainsRune("*!", rune(body[0])) && body[1] == ' ' {
					body = strings.TrimSpace(body[1:]) // a posting flag
				}
				account, amount, _ := strings.Cut(body, " ")
				tx.postings = append(tx.postings, pPosting{line: num, account: account, amount: strings.TrimSpace(amount)})
				pIndent = indent
			}
			continue
		}
		tx, item = nil, nil
		if !('0' <= line[0] && line[0] <= '9') {
			continue // option, plugin, include, pushtag, ...
		}
		body, _, _ := strings.Cut(line, ";")
		fields := strings.Fields(body)
		if len(fields) < 2 {
			continue
		}
		switch kw := fields[1]; {
		case kw == "open" && len(fields) >= 3:
			p.accounts = append(p.accounts, pAccount{name: fields[2], line: num})
			item = &p.accounts[len(p.accounts)-1].rec
		case kw == "close" && len(fields) >= 3:
			closed[fields[2]] = true
		case kw == "commodity" && len(fields) >= 3:
			p.currencies = append(p.currencies, fields[2])
		case kw == "custom":
			rest := strings.TrimSpace(body[strings.Index(body, "custom")+len("custom"):])
			kind, rest, ok1 := unquote(rest)
			id, _, ok2 := unquote(strings.TrimSpace(rest))
			if !ok1 || !ok2 {
				continue
			}
			var list *[]pItem
			switch kind {
			case beancountVAT:
				list = &p.vatCodes
			case beancountJournal:
				list = &p.journals
			case beancountPartner:
				list = &p.partners
			default:
				continue
			}
			*list = append(*list, pItem{id: id, line: num})
			item = &(*list)[len(*list)-1].rec
		case kw == "*" || kw == "!" || kw == "txn" || strings.HasPrefix(kw, `"`):
			t, err := parseBeancountHeader(path, num, line, fields[0])
			if err != nil {
				return nil, err
			}
			p.txns = append(p.txns, *t)
			tx = &p.txns[len(p.txns)-1]
		}
	}
	for i := range p.accounts {
		p.accounts[i].closed = closed[p.accounts[i].name]
	}
	return p, nil
}

// parseBeancountHeader reads `DATE FLAG ["PAYEE"] "NARRATION" #tags ^links`.
func parseBeancountHeader(path string, num int, line, date string) (*pTxn, error) {
	d, err := parseDate(date)
	if err != nil {
		return nil, parseErr(path, num, "transaction date %q: %w", date, err)
	}
	t := &pTxn{line: num, date: d}
	rest := strings.TrimSpace(line[len(date):])
	switch {
	case strings.HasPrefix(rest, "!"):
		t.pending = true
		rest = rest[1:]
	case strings.HasPrefix(rest, "*"):
		rest = rest[1:]
	case strings.HasPrefix(rest, "txn"):
		rest = rest[3:]
	}
	var strs []string
	for {
		rest = strings.TrimSpace(rest)
		s, r, ok := unquote(rest)
		if !ok {
			break
		}
		strs, rest = append(strs, s), r
	}
	switch len(strs) {
	case 1:
		t.note = strs[0]
	case 2:
		t.payee, t.note = strs[0], strs[1]
	}
	return t, nil
}

// metaValue is the value of a metadata line: a string unquoted, anything
// else (a number, a date, an account) as written.
func metaValue(s string) string {
	if v, _, ok := unquote(s); ok {
		return v
	}
	v, _, _ := strings.Cut(s, ";")
	return strings.TrimSpace(v)
}
