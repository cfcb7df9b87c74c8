package labels

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Strategy selects how a label is built from the [Fields] of an entry line.
// The empty Strategy means [PartnerThenDescription], the default.
type Strategy string

const (
	// PartnerThenDescription labels the partner (customer/supplier) line with
	// the partner name and every other line with its line description. It is
	// the default: the empty Strategy means PartnerThenDescription.
	PartnerThenDescription Strategy = "partner_then_description"

	// PartnerName labels every line with the partner name.
	PartnerName Strategy = "partner_name"

	// PartnerAndDescription labels every line with the partner name, the
	// separator and the line description. The separator is only written when
	// both parts are non-empty.
	PartnerAndDescription Strategy = "partner_and_description"

	// PartnerAndNumber labels every line with the partner name, the separator
	// and the invoice number. The separator is only written when both parts
	// are non-empty.
	PartnerAndNumber Strategy = "partner_and_number"

	// Template labels every line with [Config.Template] filled in with the
	// line's fields. See [TemplateFields] for the accepted field names.
	Template Strategy = "template"
)

// strategies lists the accepted strategies in specification order.
var strategies = [...]Strategy{
	PartnerThenDescription,
	PartnerName,
	PartnerAndDescription,
	PartnerAndNumber,
	Template,
}

// Strategies returns the accepted (non-empty) strategies, in the order of the
// product specification. The returned slice is a fresh copy.
func Strategies() []Strategy {
	s := strategies
	return s[:]
}

// Valid reports whether s is one of the five strategies or the empty
// Strategy (which means [PartnerThenDescription]).
func (s Strategy) Valid() bool {
	if s == "" {
		return true
	}
	for _, v := range strategies {
		if s == v {
			return true
		}
	}
	return false
}

// Fields holds the values a label can be built from. Any of them may be
// empty; [Labeler.Label] never returns an empty label.
type Fields struct {
	// PartnerLine reports whether the line being labelled is the partner
	// line: the customer (sales) or supplier (purchase) receivable/payable
	// line, as opposed to revenue, expense or VAT lines.
	PartnerLine bool

	// Partner is the partner (customer or supplier) name.
	Partner string

	// Description is the description of the line being labelled.
	Description string

	// Number is the invoice number, as printed on the invoice.
	Number string

	// ID is the invoice identifier in the source system.
	ID string

	// Date is the issue date of the invoice, already formatted as YYYY-MM-DD.
	Date string

	// DueDate is the due date of the invoice, already formatted as
	// YYYY-MM-DD.
	DueDate string

	// Account is the account number of the line being labelled.
	Account string

	// VATCode is the VAT code of the line being labelled.
	VATCode string

	// Currency is the currency code of the invoice, e.g. "EUR".
	Currency string

	// Kind is the kind of document, e.g. "invoice" or "credit_note".
	Kind string

	// Direction is the direction of the invoice: "sales" or "purchase".
	Direction string
}

// DefaultSeparator is the separator used between the partner name and the
// description or number when [Config.Separator] is empty.
const DefaultSeparator = " - "

// Config configures a [Labeler]. The zero Config is valid: strategy
// [PartnerThenDescription], no length limit, separator [DefaultSeparator].
type Config struct {
	// Strategy selects how labels are built. Empty means
	// [PartnerThenDescription].
	Strategy Strategy

	// Template is the label template, used only when Strategy is
	// [Template] (it is ignored, and not checked, otherwise). Fields are
	// written in braces, e.g. "{partner} {number}"; "{{" and "}}" stand for
	// literal braces. See [TemplateFields] for the accepted names.
	Template string

	// MaxLength is the maximum label length of the target, counted in runes
	// (Unicode code points, not bytes). Zero means no limit; a negative value
	// is an error. Longer labels are cut with [Truncate].
	MaxLength int

	// Separator is written between the partner name and the description
	// ([PartnerAndDescription]) or the invoice number ([PartnerAndNumber]),
	// only when both parts are non-empty. Empty means [DefaultSeparator]
	// (" - "). Like the rest of the label it is cleaned: control characters
	// become spaces and runs of white space collapse to one space.
	Separator string
}

// Errors returned (wrapped) by [New]; test them with [errors.Is].
var (
	// ErrUnknownStrategy reports a Config.Strategy that is not Valid.
	ErrUnknownStrategy = errors.New("unknown label strategy")

	// ErrInvalidTemplate reports an empty template, an unknown field name or
	// an unbalanced brace in Config.Template.
	ErrInvalidTemplate = errors.New("invalid label template")

	// ErrInvalidMaxLength reports a negative Config.MaxLength.
	ErrInvalidMaxLength = errors.New("invalid label max length")
)

// Labeler builds entry line labels according to a [Config]. It is immutable
// once built and safe for concurrent use. The zero Labeler is ready to use
// and behaves like the result of New(Config{}).
type Labeler struct {
	strategy Strategy
	parts    []part // parsed template, when strategy is Template
	litLen   int    // total length of the template literals
	max      int
	sep      string
}

// New validates c and returns a Labeler for it. When c.Strategy is
// [Template], the template is parsed once here; the error then names the
// offending field or the byte offset of the unbalanced brace.
func New(c Config) (*Labeler, error) {
	if !c.Strategy.Valid() {
		return nil, fmt.Errorf("labels: %w %q (accepted: %s; empty means %q)",
			ErrUnknownStrategy, string(c.Strategy), quotedStrategies(), string(PartnerThenDescription))
	}
	if c.MaxLength < 0 {
		return nil, fmt.Errorf("labels: %w %d (must be 0 for no limit, or positive)",
			ErrInvalidMaxLength, c.MaxLength)
	}
	l := &Labeler{strategy: c.Strategy, max: c.MaxLength, sep: c.Separator}
	if l.strategy == "" {
		l.strategy = PartnerThenDescription
	}
	if l.sep == "" {
		l.sep = DefaultSeparator
	}
	if l.strategy == Template {
		parts, err := parseTemplate(c.Template)
		if err != nil {
			return nil, err
		}
		l.parts = parts
		for _, p := range parts {
			l.litLen += len(p.lit)
		}
	}
	return l, nil
}

func quotedStrategies() string {
	var b strings.Builder
	for i, s := range strategies {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", string(s))
	}
	return b.String()
}

// Label returns the label of the line described by f.
//
// The raw label follows the strategy; it is then cleaned: invalid UTF-8 is
// replaced with U+FFFD, control characters (newline, tab, CR, ...) become
// spaces, runs of white space collapse to one space, and leading and trailing
// space is trimmed. A label that is empty after cleaning falls back to the
// first non-empty of Partner, Number, Description and ID (cleaned), and to
// "-" when all of them are empty. Finally the label is cut to
// Config.MaxLength runes with [Truncate]; for [PartnerAndDescription] and
// [PartnerAndNumber], a cut that would leave the partner name followed by a
// dangling separator keeps the partner name alone.
//
// Label never returns an empty string. An already clean label taken from a
// single field (strategies [PartnerThenDescription] and [PartnerName]) is
// returned without allocating; other labels cost one allocation.
func (l *Labeler) Label(f Fields) string {
	var (
		out     string
		partEnd = -1 // for the joined strategies: end of the partner part in out
		sepEnd  = -1 // and end of the separator
	)
	switch l.strategy {
	case PartnerName:
		out = clean(f.Partner)
	case PartnerAndDescription:
		out, partEnd, sepEnd = l.join(f.Partner, f.Description)
	case PartnerAndNumber:
		out, partEnd, sepEnd = l.join(f.Partner, f.Number)
	case Template:
		out = l.render(&f)
	default: // PartnerThenDescription, or the zero Labeler
		if f.PartnerLine {
			out = clean(f.Partner)
		} else {
			out = clean(f.Description)
		}
	}
	if out == "" {
		out = fallback(&f)
	}
	if l.max > 0 {
		t := Truncate(out, l.max)
		if partEnd > 0 && len(t) < len(out) && len(t) >= partEnd && len(t) <= sepEnd {
			// The cut kept the partner and (part of) the separator but
			// nothing after it: drop the dangling separator.
			t = out[:partEnd]
		}
		out = t
	}
	return out
}

// join cleans a + separator + b into one string, writing the separator only
// when both a and b are non-blank. It also returns the end offsets, in the
// result, of the a part and of the separator (-1 when no separator).
func (l *Labeler) join(a, b string) (out string, aEnd, sepEnd int) {
	_, aBlank := classify(a)
	_, bBlank := classify(b)
	switch {
	case aBlank && bBlank:
		return "", -1, -1
	case bBlank:
		return clean(a), -1, -1
	case aBlank:
		return clean(b), -1, -1
	}
	// l.sep is never empty here: New resolves the default, and the zero
	// Labeler never joins.
	var c cleaner
	c.b.Grow(len(a) + len(l.sep) + len(b))
	c.write(a)
	aEnd = c.b.Len()
	c.write(l.sep)
	sepEnd = c.b.Len()
	c.write(b)
	return c.b.String(), aEnd, sepEnd
}

// render fills the parsed template with f, cleaning as it goes.
func (l *Labeler) render(f *Fields) string {
	n := l.litLen
	for _, p := range l.parts {
		if p.field != fieldNone {
			n += len(p.field.value(f))
		}
	}
	if n == 0 {
		return ""
	}
	var c cleaner
	c.b.Grow(n)
	for _, p := range l.parts {
		if p.field == fieldNone {
			c.write(p.lit)
		} else {
			c.write(p.field.value(f))
		}
	}
	return c.b.String()
}

// fallback returns the first non-blank of Partner, Number, Description and
// ID, cleaned, or "-".
func fallback(f *Fields) string {
	for _, s := range [...]string{f.Partner, f.Number, f.Description, f.ID} {
		if _, blank := classify(s); !blank {
			return clean(s)
		}
	}
	return "-"
}

// isSpace reports whether r is removed or collapsed by cleaning: white space
// or a control character.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r)
}

// classify reports whether s is already clean (non-empty, valid UTF-8, no
// control character, no white space other than single ASCII spaces between
// other characters) and whether it is blank (nothing but white space and
// control characters; an empty s is blank).
func classify(s string) (isClean, blank bool) {
	isClean, blank = true, true
	prevSpace := true // treat the start as a space: a leading space is unclean
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if c > ' ' && c != 0x7f {
				blank, prevSpace = false, false
				continue
			}
			if c != ' ' || prevSpace {
				isClean = false
			}
			prevSpace = true
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		if r == utf8.RuneError && w == 1 {
			isClean = false // invalid UTF-8: replaced with U+FFFD
			blank, prevSpace = false, false
			continue
		}
		if isSpace(r) {
			isClean = false // only ASCII spaces are clean
			prevSpace = true
			continue
		}
		blank, prevSpace = false, false
	}
	if prevSpace {
		isClean = false // trailing space, or empty
	}
	return isClean, blank
}

// clean returns s cleaned; s itself (no allocation) when already clean.
func clean(s string) string {
	isClean, blank := classify(s)
	switch {
	case isClean:
		return s
	case blank:
		return ""
	}
	var c cleaner
	c.b.Grow(len(s))
	c.write(s)
	return c.b.String()
}

// cleaner accumulates cleaned text. Spaces are written lazily, just before
// the next non-space character, so that runs collapse and leading/trailing
// space is dropped, also across several write calls.
type cleaner struct {
	b       strings.Builder
	pending bool // a space is due before the next non-space character
}

func (c *cleaner) space() {
	if c.b.Len() > 0 {
		c.pending = true
	}
}

func (c *cleaner) flush() {
	if c.pending {
		c.b.WriteByte(' ')
		c.pending = false
	}
}

func (c *cleaner) write(s string) {
	for i := 0; i < len(s); {
		ch := s[i]
		if ch < utf8.RuneSelf {
			i++
			if ch > ' ' && ch != 0x7f {
				c.flush()
				c.b.WriteByte(ch)
			} else {
				c.space()
			}
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			c.flush()
			c.b.WriteString("\uFFFD")
		case isSpace(r):
			c.space()
		default:
			c.flush()
			c.b.WriteString(s[i : i+w])
		}
		i += w
	}
}

// Truncate returns s cut to at most max runes. A max <= 0 means no limit.
//
// Truncate returns s itself when it already fits. Otherwise the result is a
// prefix of s that never ends inside a UTF-8 sequence (each invalid byte
// counts as one rune) and never separates a base character from the
// combining marks (Unicode categories Mn and Me) that follow it: when the
// cut would fall between them, the base character is dropped too. White
// space left at the end by the cut is trimmed. Truncate never returns "" for
// a non-empty s: if the cut leaves nothing, the first rune of s is kept, even
// when combining marks follow it.
//
// Truncate never allocates.
func Truncate(s string, max int) string {
	if max <= 0 || len(s) <= max {
		return s // a string of at most max bytes has at most max runes
	}
	cut, n := -1, 0
	for i := range s {
		if n == max {
			cut = i
			break
		}
		n++
	}
	if cut < 0 {
		return s // at most max runes
	}
	if r, _ := utf8.DecodeRuneInString(s[cut:]); isMark(r) {
		// The cut falls inside a combining sequence: drop the marks
		// already kept, then their base character.
		for cut > 0 {
			r, w := utf8.DecodeLastRuneInString(s[:cut])
			cut -= w
			if !isMark(r) {
				break
			}
		}
	}
	t := strings.TrimRightFunc(s[:cut], unicode.IsSpace)
	if t == "" {
		_, w := utf8.DecodeRuneInString(s)
		t = s[:w]
	}
	return t
}

// isMark reports whether r is a combining mark that belongs to the preceding
// base character.
func isMark(r rune) bool {
	return r >= 0x300 && (unicode.In(r, unicode.Mn, unicode.Me))
}
