package labels

import (
	"fmt"
	"strings"
)

// field identifies a template field.
type field uint8

const (
	fieldNone field = iota // a literal part
	fieldPartner
	fieldDescription
	fieldNumber
	fieldID
	fieldDate
	fieldDueDate
	fieldAccount
	fieldVATCode
	fieldCurrency
	fieldKind
	fieldDirection
)

// fieldNames maps each field to its template name; index 0 (fieldNone) is
// unused.
var fieldNames = [...]string{
	fieldPartner:     "partner",
	fieldDescription: "description",
	fieldNumber:      "number",
	fieldID:          "id",
	fieldDate:        "date",
	fieldDueDate:     "due_date",
	fieldAccount:     "account",
	fieldVATCode:     "vat_code",
	fieldCurrency:    "currency",
	fieldKind:        "kind",
	fieldDirection:   "direction",
}

// TemplateFields returns the names of the fields accepted in
// [Config.Template], without braces: a template writes them as "{partner}",
// "{number}", and so on. Each name maps to the [Fields] member of the same
// meaning: partner → Partner, description → Description, number → Number,
// id → ID, date → Date, due_date → DueDate, account → Account, vat_code →
// VATCode, currency → Currency, kind → Kind, direction → Direction. The
// returned slice is a fresh copy.
func TemplateFields() []string {
	return append([]string(nil), fieldNames[1:]...)
}

func lookupField(name string) field {
	for i := 1; i < len(fieldNames); i++ {
		if fieldNames[i] == name {
			return field(i)
		}
	}
	return fieldNone
}

// value returns the member of f that the field stands for.
func (fd field) value(f *Fields) string {
	switch fd {
	case fieldPartner:
		return f.Partner
	case fieldDescription:
		return f.Description
	case fieldNumber:
		return f.Number
	case fieldID:
		return f.ID
	case fieldDate:
		return f.Date
	case fieldDueDate:
		return f.DueDate
	case fieldAccount:
		return f.Account
	case fieldVATCode:
		return f.VATCode
	case fieldCurrency:
		return f.Currency
	case fieldKind:
		return f.Kind
	case fieldDirection:
		return f.Direction
	}
	return ""
}

// part is one piece of a parsed template: a literal (field == fieldNone) or
// a field.
type part struct {
	lit   string
	field field
}

// parseTemplate parses a label template into literal and field parts.
// Adjacent literals (including escaped braces) are merged into one part.
func parseTemplate(t string) ([]part, error) {
	if strings.TrimSpace(t) == "" {
		return nil, fmt.Errorf("labels: %w: the template is empty (strategy %q needs one, e.g. %q)",
			ErrInvalidTemplate, string(Template), "{partner} {number}")
	}
	var (
		parts []part
		lit   strings.Builder
	)
	flushLit := func() {
		if lit.Len() > 0 {
			parts = append(parts, part{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(t); {
		switch c := t[i]; c {
		case '{':
			if i+1 < len(t) && t[i+1] == '{' {
				lit.WriteByte('{')
				i += 2
				continue
			}
			end := strings.IndexAny(t[i+1:], "{}")
			if end < 0 || t[i+1+end] == '{' {
				return nil, fmt.Errorf("labels: %w: unclosed %q at byte offset %d (write %q for a literal brace)",
					ErrInvalidTemplate, "{", i, "{{")
			}
			name := t[i+1 : i+1+end]
			fd := lookupField(name)
			if fd == fieldNone {
				return nil, fmt.Errorf("labels: %w: unknown field %q at byte offset %d (accepted: %s)",
					ErrInvalidTemplate, "{"+name+"}", i, acceptedFields())
			}
			flushLit()
			parts = append(parts, part{field: fd})
			i += end + 2
		case '}':
			if i+1 < len(t) && t[i+1] == '}' {
				lit.WriteByte('}')
				i += 2
				continue
			}
			return nil, fmt.Errorf("labels: %w: unmatched %q at byte offset %d (write %q for a literal brace)",
				ErrInvalidTemplate, "}", i, "}}")
		default:
			j := strings.IndexAny(t[i:], "{}")
			if j < 0 {
				j = len(t) - i
			}
			lit.WriteString(t[i : i+j])
			i += j
		}
	}
	flushLit()
	return parts, nil
}

func acceptedFields() string {
	var b strings.Builder
	for i, name := range fieldNames[1:] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("{" + name + "}")
	}
	return b.String()
}
