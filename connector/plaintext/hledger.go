package plaintext

import (
	"strings"

	"github.com/invoicesync/invoicesync"
)

// hledgerCodec writes and reads the hledger journal format.
type hledgerCodec struct{}

// The top-level comment records of VAT codes and journals, which hledger has
// no directive for.
const (
	hledgerVATTag     = "invoicesync-vat-code"
	hledgerJournalTag = "invoicesync-journal"
)

var (
	// payeeText keeps a payee within its field: '|' would end the payee of
	// a description and ';' starts a comment.
	payeeText = strings.NewReplacer("|", "/", ";", ",")
	// noteText keeps a note within its field.
	noteText = strings.NewReplacer(";", ",")
)

// tags writes r as an hledger tag list.
func (hledgerCodec) tags(r record) string {
	var b strings.Builder
	for i, t := range r {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.k)
		b.WriteByte(':')
		b.WriteString(escapeTag(t.v))
	}
	return b.String()
}

// parseTags reads the tags of a comment: comma-separated name:value pairs
// whose name has no space. Text that is not a tag is ignored.
func parseTags(comment string) record {
	var r record
	for _, part := range strings.Split(comment, ",") {
		part = strings.TrimSpace(part)
		name, value, ok := strings.Cut(part, ":")
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			continue
		}
		r = append(r, kv{name, unescapeTag(strings.TrimSpace(value))})
	}
	return r
}

func (c hledgerCodec) comment(text string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		b.WriteString("; " + l + "\n")
	}
	return b.String()
}

func (c hledgerCodec) withTags(line string, r record) string {
	if len(r) == 0 {
		return line + "\n"
	}
	return line + "  ; " + c.tags(r) + "\n"
}

func (c hledgerCodec) account(a Account) string {
	return c.withTags("account "+a.Name, accountRecord(a))
}

func (c hledgerCodec) vatCode(v invoicesync.VATCode) string {
	return "; " + c.tags(append(record{{hledgerVATTag, v.Code}}, vatRecord(v)...)) + "\n"
}

func (c hledgerCodec) journal(j invoicesync.Journal) string {
	return "; " + c.tags(append(record{{hledgerJournalTag, j.Code}}, journalRecord(j)...)) + "\n"
}

func (hledgerCodec) commodity(cur string, decimals int32) string {
	sample := "1000."
	if decimals > 0 {
		sample += strings.Repeat("0", int(decimals))
	}
	return "commodity " + sample + " " + cur + "\n"
}

func (c hledgerCodec) partner(id string, p invoicesync.Partner) string {
	return c.withTags("payee "+c.payee(p.Name), append(record{{"partner", id}}, partnerRecord(p)...))
}

// payee is how a partner's name is written as a payee.
func (hledgerCodec) payee(name string) string {
	s := displayText(name, payeeText)
	if s == "" {
		s = "-"
	}
	return s
}

// transaction writes t: the date, "!" for pending, the description ("payee
// | note"; without a payee, the note alone, declared as a payee), the
// entry's tags on the first line and a comment line, then one posting per
// line with its tags.
func (c hledgerCodec) transaction(t *pTxn) string {
	var b strings.Builder
	desc := c.payee(t.payee) + " | " + displayText(t.note, noteText)
	if t.payee == "" {
		// Without a partner the whole description is the payee, which
		// hledger check payees wants declared: declare it.
		desc = c.payee(t.note)
		b.WriteString("payee " + desc + "\n")
	}
	b.WriteString(t.date.Format(dateLayout))
	if t.pending {
		b.WriteString(" !")
	}
	b.WriteString(" " + desc)
	head, rest := t.rec, record(nil)
	if len(head) > 4 {
		head, rest = t.rec[:4], t.rec[4:]
	}
	b.WriteString(c.withTags("", head))
	if len(rest) > 0 {
		b.WriteString("    ; " + c.tags(rest) + "\n")
	}
	for _, p := range t.postings {
		b.WriteString(c.withTags(postingLine("    ", p), p.rec))
	}
	return b.String()
}

// parse reads the parts of an hledger journal the package knows: account,
// commodity and payee directives, its VAT-code and journal comment records,
// and transactions with their postings and tags. Other directives and
// comments are skipped; include directives are not followed.
func (c hledgerCodec) parse(path string, data []byte) (*parsed, error) {
	p := &parsed{}
	var tx *pTxn
	lines := strings.Split(string(data), "\n")
	for n, raw := range lines {
		num := n + 1
		line := strings.TrimRight(raw, "\r")
		indented := line != "" && (line[0] == ' ' || line[0] == '\t')
		trimmed := strings.TrimSpace(line)
		if indented {
			if tx == nil || trimmed == "" {
				continue // a sub-directive, or a blank line
			}
			if trimmed[0] == ';' || trimmed[0] == '#' {
				r := parseTags(trimmed[1:])
				if len(tx.postings) == 0 {
					tx.rec = append(tx.rec, r...)
				} else {
					last := &tx.postings[len(tx.postings)-1]
					last.rec = append(last.rec, r...)
				}
				continue
			}
			body, comment, _ := strings.Cut(trimmed, ";")
			account, amount := splitPosting(body)
			for _, s := range []string{"*", "!"} { // a posting status mark
				account = strings.TrimSpace(strings.TrimPrefix(account, s))
			}
			tx.postings = append(tx.postings, pPosting{line: num, account: account, amount: amount, rec: parseTags(comment)})
			continue
		}
		tx = nil
		switch {
		case trimmed == "":
		case trimmed[0] == ';' || trimmed[0] == '#' || trimmed[0] == '*':
			r := parseTags(trimmed[1:])
			if len(r) > 0 && r[0].k == hledgerVATTag {
				p.vatCodes = append(p.vatCodes, pItem{id: r[0].v, rec: r[1:], line: num})
			} else if len(r) > 0 && r[0].k == hledgerJournalTag {
				p.journals = append(p.journals, pItem{id: r[0].v, rec: r[1:], line: num})
			}
		case strings.HasPrefix(line, "account "):
			body, comment, _ := strings.Cut(line[len("account "):], ";")
			name, _ := splitPosting(body)
			p.accounts = append(p.accounts, pAccount{name: name, rec: parseTags(comment), line: num})
		case strings.HasPrefix(line, "commodity "):
			body, _, _ := strings.Cut(line[len("commodity "):], ";")
			if sym := commoditySymbol(body); sym != "" {
				p.currencies = append(p.currencies, sym)
			}
		case strings.HasPrefix(line, "payee "):
			_, comment, _ := strings.Cut(line, ";")
			r := parseTags(comment)
			if id := r.get("partner"); id != "" {
				p.partners = append(p.partners, pItem{id: id, rec: r, line: num})
			}
		case '0' <= line[0] && line[0] <= '9':
			t, err := parseHledgerHeader(path, num, line)
			if err != nil {
				return nil, err
			}
			p.txns = append(p.txns, *t)
			tx = &p.txns[len(p.txns)-1]
		}
	}
	return p, nil
}

// parseHledgerHeader reads "DATE[=DATE2] [*|!] [(CODE)] DESCRIPTION  ; TAGS".
func parseHledgerHeader(path string, num int, line string) (*pTxn, error) {
	body, comment, _ := strings.Cut(line, ";")
	date, rest, _ := strings.Cut(strings.TrimSpace(body), " ")
	date, _, _ = strings.Cut(date, "=")
	d, err := parseDate(date)
	if err != nil {
		return nil, parseErr(path, num, "transaction date %q: %w", date, err)
	}
	t := &pTxn{line: num, date: d, rec: parseTags(comment)}
	rest = strings.TrimSpace(rest)
	switch {
	case strings.HasPrefix(rest, "!"):
		t.pending = true
		rest = strings.TrimSpace(rest[1:])
	case strings.HasPrefix(rest, "*"):
		rest = strings.TrimSpace(rest[1:])
	}
	if strings.HasPrefix(rest, "(") {
		if i := strings.IndexByte(rest, ')'); i > 0 {
			rest = strings.TrimSpace(rest[i+1:])
		}
	}
	if payee, note, ok := strings.Cut(rest, "|"); ok {
		t.payee, t.note = strings.TrimSpace(payee), strings.TrimSpace(note)
	} else {
		t.note = rest
	}
	return t, nil
}

// splitPosting splits "ACCOUNT  AMOUNT": the account name ends at two
// spaces or a tab.
func splitPosting(s string) (account, amount string) {
	s = strings.TrimSpace(s)
	i := strings.Index(s, "  ")
	if j := strings.IndexByte(s, '\t'); j >= 0 && (i < 0 || j < i) {
		i = j
	}
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// commoditySymbol picks the symbol out of a commodity directive's argument
// ("1000.00 EUR", "EUR 1 000,00", "\"EUR\"", "EUR").
func commoditySymbol(s string) string {
	for _, f := range strings.Fields(s) {
		f = strings.Trim(f, `"0123456789.,-+`)
		if f != "" {
			return f
		}
	}
	return ""
}
