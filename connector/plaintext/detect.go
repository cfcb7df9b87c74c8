package plaintext

import (
	"fmt"
	"os"
	"regexp"
	"strings"
)

// FormatMismatchError is the error of Open and ReadFile when the file is in
// another format than the one asked for (Options.Format, or the extension
// when it is empty): read in the wrong format, the file's entries, partners
// and idempotency keys are invisible, so every invoice would be posted a
// second time, in a syntax the file's own tool then refuses. Nothing has
// been written when Open returns it.
type FormatMismatchError struct {
	// Path is the file.
	Path string
	// Found is the file's format, as its content tells.
	Found Format
	// Asked is the format it was to be opened in.
	Asked Format
	// Evidence says what tells Found: the header this package writes at the
	// top of the files it creates, or the first line only Found's syntax
	// has, with its number.
	Evidence string
}

// Error names both formats, what tells the file's format, and what to do.
func (e *FormatMismatchError) Error() string {
	return fmt.Sprintf("plaintext: %s is %s file (%s), but the %s format was asked: read as %s, its entries would not be seen and every invoice would be posted again. %s",
		e.Path, article(e.Found), e.Evidence, e.Asked, e.Asked, e.Resolution())
}

// Resolution says what to do: open the file in its own format, or name
// another file for books in the format asked.
func (e *FormatMismatchError) Resolution() string {
	return fmt.Sprintf("Open it in the %s format, or name another file (new or empty) for books in the %s format.", e.Found, e.Asked)
}

func article(f Format) string {
	if f == Hledger {
		return "an hledger"
	}
	return "a " + string(f)
}

// headerRE is the first line of the files this package creates (see create).
var headerRE = regexp.MustCompile(`^; Books kept by invoicesync \((hledger|beancount) format\)\.$`)

// Dates: hledger reads YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD and, without the
// year, M/D (each with an optional =DATE2); Beancount only YYYY-MM-DD and
// YYYY/MM/DD.
var (
	hledgerDateRE   = regexp.MustCompile(`^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2})(=\S+)?$`)
	beancountDateRE = regexp.MustCompile(`^\d{4}[-/]\d{2}[-/]\d{2}$`)
	// beancountAccountStartRE: a Beancount account name's first component.
	beancountAccountStartRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9-]*:`)
	// beancountCurrencyRE: a Beancount commodity.
	beancountCurrencyRE = regexp.MustCompile(`^[A-Z][A-Z0-9'._-]*$`)
)

// hledgerDirectives are the first words of hledger's undated directives;
// Beancount has none of them (its own undated ones, option, plugin and
// include, take a quoted argument).
var hledgerDirectives = map[string]bool{
	"account": true, "commodity": true, "payee": true, "tag": true, "alias": true, "end": true,
	"apply": true, "include": true, "P": true, "D": true, "Y": true, "year": true, "decimal-mark": true,
	"comment": true, "~": true, "=": true, "A": true, "N": true, "C": true,
}

// detectFormat tells a file's format from its content: the header this
// package writes when it creates a file, else the first line that only one
// of the two syntaxes has. Comments, blank and indented lines (postings and
// metadata look alike in both) decide nothing. An empty file, or one with
// nothing decisive, has no format: "".
//
// Beancount: option, plugin and include with a quoted argument, pushtag,
// poptag, pushmeta and popmeta, dated directives (open and close of an
// account, commodity and price of a currency, balance, pad, note, document,
// custom, event, query) and transactions whose flag (*, !) or txn keyword
// is followed by quoted strings, tags or links, or nothing. hledger:
// undated directives (account, commodity, payee, P, ...), dates Beancount
// does not read, and transactions with an unquoted description.
func detectFormat(data []byte) (f Format, evidence string) {
	lines := strings.Split(string(data), "\n")
	for _, l := range lines {
		if m := headerRE.FindStringSubmatch(strings.TrimRight(l, "\r")); m != nil {
			return Format(m[1]), "its header says so"
		}
	}
	for n, raw := range lines {
		line := strings.TrimRight(raw, "\r")
		if line == "" || line[0] == ' ' || line[0] == '\t' || strings.ContainsRune(";#*%|", rune(line[0])) {
			continue
		}
		if f := lineFormat(line); f != "" {
			shown := line
			if len(shown) > 60 {
				shown = shown[:57] + "..."
			}
			return f, fmt.Sprintf("line %d reads %q", n+1, shown)
		}
	}
	return "", ""
}

// lineFormat is the format a top-level line belongs to, "" when it could
// be either or neither.
func lineFormat(line string) Format {
	body, _, _ := strings.Cut(line, ";")
	fields := strings.Fields(body)
	if len(fields) == 0 {
		return ""
	}
	word, next := fields[0], ""
	if len(fields) > 1 {
		next = fields[1]
	}
	switch word {
	case "option", "plugin", "include":
		if strings.HasPrefix(next, `"`) {
			return Beancount
		}
	case "pushtag", "poptag", "pushmeta", "popmeta":
		return Beancount
	}
	if hledgerDirectives[word] {
		return Hledger
	}
	if !hledgerDateRE.MatchString(word) {
		return "" // not a line either format reads
	}
	if !beancountDateRE.MatchString(word) {
		return Hledger // a date only hledger reads
	}
	third := ""
	if len(fields) > 2 {
		third = fields[2]
	}
	switch next {
	case "":
		return Hledger // a transaction without description
	case "open", "close", "balance", "pad", "note", "document":
		if beancountAccountStartRE.MatchString(third) {
			return Beancount
		}
	case "commodity", "price":
		if beancountCurrencyRE.MatchString(third) {
			return Beancount
		}
	case "custom", "event", "query":
		if strings.HasPrefix(third, `"`) {
			return Beancount
		}
	case "txn":
		return Beancount
	case "*", "!":
		if third == "" || strings.HasPrefix(third, `"`) || strings.HasPrefix(third, "#") || strings.HasPrefix(third, "^") {
			return Beancount
		}
		return Hledger // a status, then an unquoted description
	}
	if strings.HasPrefix(next, `"`) {
		return "" // a quoted description: hledger's, or Beancount's without flag
	}
	return Hledger // a description
}

// checkFormat refuses data, the content of the file at path, when its
// content tells another format than format.
func checkFormat(path string, format Format, data []byte) error {
	found, evidence := detectFormat(data)
	if found == "" || found == format {
		return nil
	}
	return &FormatMismatchError{Path: path, Found: found, Asked: format, Evidence: evidence}
}

// formatOfFile is the format of the file at path as its content tells,
// else as its extension suggests; "" when neither tells (or the file cannot
// be read and the extension tells nothing). Open checks the content again
// once it holds the file's lock.
func formatOfFile(path string) Format {
	if data, err := os.ReadFile(path); err == nil {
		if at := torn(data); at >= 0 {
			data = data[:at]
		}
		if f, _ := detectFormat(data); f != "" {
			return f
		}
	}
	f, _ := FormatOf(path)
	return f
}
