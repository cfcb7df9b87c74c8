package plaintext

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"
)

// escapeTag makes s safe as the value of an hledger tag: a tag value ends at
// a comma or at the end of the line, and surrounding spaces are trimmed, so
// '%', ',', control characters and leading or trailing spaces are written
// as %XX. unescapeTag reverses it exactly.
func escapeTag(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' || c == ',' || c < 0x20 || c == 0x7f || (c == ' ' && (i == 0 || i == len(s)-1)) {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// unescapeTag decodes what escapeTag wrote; a '%' not followed by two hex
// digits is kept as it is (a tag typed by hand).
func unescapeTag(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// quote writes s as a Beancount string: backslash, double quote and newline
// are escaped; other control characters become spaces (Beancount has no
// escape for them).
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\' || r == '"':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// unquote reads a Beancount string at the start of s and returns its value
// and the rest of s. ok is false when s does not start with a complete string.
func unquote(s string) (val, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", s, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], true
		case '\\':
			if i+1 == len(s) {
				return "", s, false
			}
			i++
			if s[i] == 'n' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", s, false
}

// displayText is s on one line for a place that has no escapes (an hledger
// description or payee): control characters become spaces, runs of spaces
// one space, and the characters that would end the field are replaced.
func displayText(s string, replace *strings.Replacer) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = replace.Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// currencyRE is an ISO 4217 code: the commodities entries are posted in.
var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// beancountAccountRE is a Beancount account name under the five default roots.
var beancountAccountRE = regexp.MustCompile(`^(Assets|Liabilities|Equity|Income|Expenses)(:[A-Z0-9][A-Za-z0-9-]*)+$`)

// validAccountName reports why name cannot be an account name of format f.
func validAccountName(f Format, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty account name")
	case f == Beancount && !beancountAccountRE.MatchString(name):
		return fmt.Errorf("account name %q is not a Beancount account: it must start with Assets, Liabilities, Equity, Income or Expenses, and each component with a capital letter or a digit, followed by letters, digits or dashes", name)
	case strings.ContainsAny(name, "\t\r\n;") || strings.Contains(name, "  ") || strings.TrimSpace(name) != name:
		return fmt.Errorf("account name %q has a tab, a semicolon, a line break, two spaces in a row or a space at an end", name)
	}
	return nil
}

// postingLine writes a posting's account at indent and its amount aligned
// to the right of column 48 (at least two spaces after the account).
func postingLine(indent string, p pPosting) string {
	line := indent + p.account
	return line + strings.Repeat(" ", max(48-len(line)-len(p.amount), 2)) + p.amount
}

// amountText writes d with exactly decimals places and the commodity after it.
func amountText(d decimal.Decimal, decimals int32, cur string) string {
	return d.StringFixed(decimals) + " " + cur
}

// parseAmount reads "NUMBER COMMODITY" or "COMMODITY NUMBER" (the commodity
// may be glued to the number, as in "EUR100.00" or "100.00EUR"). Thousands
// separators are not accepted: this reads the amounts the package wrote.
func parseAmount(s string) (decimal.Decimal, string, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return r == '-' || r == '+' || r == '.' || '0' <= r && r <= '9' })
	if i < 0 {
		return decimal.Decimal{}, "", fmt.Errorf("no amount in %q", s)
	}
	j := i
	for j < len(s) && (s[j] == '-' || s[j] == '+' || s[j] == '.' || '0' <= s[j] && s[j] <= '9') {
		j++
	}
	num, cur := s[i:j], strings.TrimSpace(s[:i]+" "+s[j:])
	d, err := decimal.NewFromString(num)
	if err != nil {
		return decimal.Decimal{}, "", fmt.Errorf("amount %q: %w", s, err)
	}
	if cur == "" || strings.ContainsAny(cur, " \t@{}") {
		return decimal.Decimal{}, "", fmt.Errorf("amount %q: expected a number and one commodity", s)
	}
	return d, cur, nil
}
