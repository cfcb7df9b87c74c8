package labels_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync/labels"
)

// Fixtures: the partner line and a revenue line of the same invoice.
var (
	partnerLine = labels.Fields{
		PartnerLine: true,
		Partner:     "Dupont SARL",
		Number:      "F-2026-0042",
		ID:          "inv_123",
		Date:        "2026-03-31",
		DueDate:     "2026-04-30",
		Account:     "411000",
		Currency:    "EUR",
		Kind:        "invoice",
		Direction:   "sales",
	}
	revenueLine = labels.Fields{
		Partner:     "Dupont SARL",
		Description: "Consulting March",
		Number:      "F-2026-0042",
		ID:          "inv_123",
		Date:        "2026-03-31",
		DueDate:     "2026-04-30",
		Account:     "706000",
		VATCode:     "FR20",
		Currency:    "EUR",
		Kind:        "invoice",
		Direction:   "sales",
	}
)

// with returns a copy of f modified by fn.
func with(f labels.Fields, fn func(*labels.Fields)) labels.Fields {
	fn(&f)
	return f
}

func mustNew(t testing.TB, c labels.Config) *labels.Labeler {
	t.Helper()
	l, err := labels.New(c)
	require.NoError(t, err)
	require.NotNil(t, l)
	return l
}

func TestStrategyValid(t *testing.T) {
	tests := []struct {
		s    labels.Strategy
		want bool
	}{
		{"", true},
		{labels.PartnerThenDescription, true},
		{labels.PartnerName, true},
		{labels.PartnerAndDescription, true},
		{labels.PartnerAndNumber, true},
		{labels.Template, true},
		{"partner", false},
		{"PARTNER_NAME", false},
		{" partner_name", false},
	}
	for _, tt := range tests {
		t.Run("strategy "+string(tt.s), func(t *testing.T) {
			assert.Equal(t, tt.want, tt.s.Valid())
		})
	}
}

func TestStrategyConstantValues(t *testing.T) {
	assert.Equal(t, labels.Strategy("partner_then_description"), labels.PartnerThenDescription)
	assert.Equal(t, labels.Strategy("partner_name"), labels.PartnerName)
	assert.Equal(t, labels.Strategy("partner_and_description"), labels.PartnerAndDescription)
	assert.Equal(t, labels.Strategy("partner_and_number"), labels.PartnerAndNumber)
	assert.Equal(t, labels.Strategy("template"), labels.Template)
}

func TestStrategiesReturnsAFreshCopy(t *testing.T) {
	want := []labels.Strategy{
		labels.PartnerThenDescription, labels.PartnerName, labels.PartnerAndDescription,
		labels.PartnerAndNumber, labels.Template,
	}
	s := labels.Strategies()
	require.Equal(t, want, s)
	s[0] = "mutated"
	assert.Equal(t, want, labels.Strategies())
}

func TestTemplateFieldsReturnsAFreshCopy(t *testing.T) {
	want := []string{
		"partner", "description", "number", "id", "date", "due_date",
		"account", "vat_code", "currency", "kind", "direction",
	}
	f := labels.TemplateFields()
	require.Equal(t, want, f)
	f[0] = "mutated"
	assert.Equal(t, want, labels.TemplateFields())
	for _, name := range want {
		_, err := labels.New(labels.Config{Strategy: labels.Template, Template: "{" + name + "}"})
		assert.NoError(t, err, "every listed field is accepted by a template: %s", name)
	}
}

// labelCase is a case of a labeler made of config: the label it gives fields.
type labelCase struct {
	name   string
	config labels.Config
	fields labels.Fields
	want   string
}

func TestLabelStrategies(t *testing.T) {
	tests := []labelCase{
		{"default (empty strategy) on the partner line gives the partner", labels.Config{}, partnerLine, "Dupont SARL"},
		{"default (empty strategy) on another line gives the description", labels.Config{}, revenueLine, "Consulting March"},
		{"partner_then_description on the partner line gives the partner", labels.Config{Strategy: labels.PartnerThenDescription}, partnerLine, "Dupont SARL"},
		{"partner_then_description on the partner line ignores a description", labels.Config{Strategy: labels.PartnerThenDescription},
			with(partnerLine, func(f *labels.Fields) { f.Description = "Invoice March" }), "Dupont SARL"},
		{"partner_then_description on another line gives the description", labels.Config{Strategy: labels.PartnerThenDescription}, revenueLine, "Consulting March"},
		{"partner_name on the partner line", labels.Config{Strategy: labels.PartnerName}, partnerLine, "Dupont SARL"},
		{"partner_name on another line", labels.Config{Strategy: labels.PartnerName}, revenueLine, "Dupont SARL"},
		{"partner_and_description on the partner line without description gives the partner alone", labels.Config{Strategy: labels.PartnerAndDescription}, partnerLine, "Dupont SARL"},
		{"partner_and_description on the partner line with a description", labels.Config{Strategy: labels.PartnerAndDescription},
			with(partnerLine, func(f *labels.Fields) { f.Description = "Invoice March" }), "Dupont SARL - Invoice March"},
		{"partner_and_description on another line", labels.Config{Strategy: labels.PartnerAndDescription}, revenueLine, "Dupont SARL - Consulting March"},
		{"partner_and_number on the partner line", labels.Config{Strategy: labels.PartnerAndNumber}, partnerLine, "Dupont SARL - F-2026-0042"},
		{"partner_and_number on another line", labels.Config{Strategy: labels.PartnerAndNumber}, revenueLine, "Dupont SARL - F-2026-0042"},
		{"template on the partner line", labels.Config{Strategy: labels.Template, Template: "{partner} {number}"}, partnerLine, "Dupont SARL F-2026-0042"},
		{"template on another line", labels.Config{Strategy: labels.Template, Template: "{description} ({number})"}, revenueLine, "Consulting March (F-2026-0042)"},
		{"custom separator for partner_and_number", labels.Config{Strategy: labels.PartnerAndNumber, Separator: " / "}, revenueLine, "Dupont SARL / F-2026-0042"},
		{"custom separator without spaces for partner_and_description", labels.Config{Strategy: labels.PartnerAndDescription, Separator: ":"}, revenueLine, "Dupont SARL:Consulting March"},
		{"separator with tabs is cleaned", labels.Config{Strategy: labels.PartnerAndNumber, Separator: "\t|\t"}, revenueLine, "Dupont SARL | F-2026-0042"},
		{"blank separator collapses to one space", labels.Config{Strategy: labels.PartnerAndNumber, Separator: "   "}, revenueLine, "Dupont SARL F-2026-0042"},
		{"template is ignored for another strategy", labels.Config{Strategy: labels.PartnerName, Template: "{number}"}, revenueLine, "Dupont SARL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, mustNew(t, tt.config).Label(tt.fields))
		})
	}
}

func TestLabelFallbacks(t *testing.T) {
	noPartner := func(f *labels.Fields) { f.Partner = "" }
	noDescription := func(f *labels.Fields) { f.Description = "" }
	noNumber := func(f *labels.Fields) { f.Number = "" }
	onlyID := func(f *labels.Fields) { *f = labels.Fields{ID: "inv_123"} }
	nothing := func(f *labels.Fields) { *f = labels.Fields{Date: "2026-03-31", Currency: "EUR"} }
	tests := []struct {
		name     string
		strategy labels.Strategy
		fields   labels.Fields
		want     string
	}{
		{"partner line with empty partner falls back to the number", labels.PartnerThenDescription, with(partnerLine, noPartner), "F-2026-0042"},
		{"partner line with blank partner falls back to the number", labels.PartnerThenDescription,
			with(partnerLine, func(f *labels.Fields) { f.Partner = " \t\r\n " }), "F-2026-0042"},
		{"other line with empty description falls back to the partner", labels.PartnerThenDescription, with(revenueLine, noDescription), "Dupont SARL"},
		{"other line with empty description and partner falls back to the number", labels.PartnerThenDescription,
			with(revenueLine, func(f *labels.Fields) { noDescription(f); noPartner(f) }), "F-2026-0042"},
		{"partner line with only a description falls back to the description", labels.PartnerThenDescription,
			labels.Fields{PartnerLine: true, Description: "Consulting March"}, "Consulting March"},
		{"only the id is left", labels.PartnerThenDescription, with(revenueLine, onlyID), "inv_123"},
		{"nothing usable gives a dash", labels.PartnerThenDescription, with(revenueLine, nothing), "-"},
		{"fallback value is cleaned", labels.PartnerThenDescription,
			labels.Fields{PartnerLine: true, Number: "  F-2026-\n0042\t"}, "F-2026- 0042"},
		{"partner_name with empty partner falls back to the number", labels.PartnerName, with(revenueLine, noPartner), "F-2026-0042"},
		{"partner_name with nothing gives a dash", labels.PartnerName, labels.Fields{}, "-"},
		{"partner_and_description with empty partner gives the description alone", labels.PartnerAndDescription, with(revenueLine, noPartner), "Consulting March"},
		{"partner_and_description with blank description gives the partner alone", labels.PartnerAndDescription,
			with(revenueLine, func(f *labels.Fields) { f.Description = "\n\t" }), "Dupont SARL"},
		{"partner_and_description with both empty falls back to the number", labels.PartnerAndDescription,
			with(revenueLine, func(f *labels.Fields) { noPartner(f); noDescription(f) }), "F-2026-0042"},
		{"partner_and_number with empty number gives the partner alone", labels.PartnerAndNumber, with(revenueLine, noNumber), "Dupont SARL"},
		{"partner_and_number with empty partner gives the number alone", labels.PartnerAndNumber, with(revenueLine, noPartner), "F-2026-0042"},
		{"partner_and_number with both empty falls back to the description", labels.PartnerAndNumber,
			with(revenueLine, func(f *labels.Fields) { noPartner(f); noNumber(f) }), "Consulting March"},
		{"partner_and_number with nothing gives a dash", labels.PartnerAndNumber, with(revenueLine, nothing), "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, mustNew(t, labels.Config{Strategy: tt.strategy}).Label(tt.fields))
		})
	}
}

func TestLabelCleaning(t *testing.T) {
	tests := []struct {
		name    string
		partner string
		want    string
	}{
		{"already clean is unchanged", "Dupont SARL", "Dupont SARL"},
		{"tab CR and newline become spaces", "Dupont\tSARL\r\n", "Dupont SARL"},
		{"runs of spaces collapse and ends are trimmed", "   Dupont    SARL  ", "Dupont SARL"},
		{"no-break space becomes a plain space", "Dupont\u00a0SARL", "Dupont SARL"},
		{"line separator becomes a space", "Dupont\u2028SARL", "Dupont SARL"},
		{"NUL becomes a space", "Dupont\x00SARL", "Dupont SARL"},
		{"DEL becomes a space", "Dupont\x7fSARL", "Dupont SARL"},
		{"C1 control NEL becomes a space", "Dupont\u0085SARL", "Dupont SARL"},
		{"mixed controls and spaces collapse to one space", "Dupont \x01\t\u00a0 \n SARL", "Dupont SARL"},
		{"invalid byte becomes U+FFFD", "Dupont \xff SARL", "Dupont \uFFFD SARL"},
		{"truncated UTF-8 sequence becomes U+FFFD", "Soci\xc3t\xc3", "Soci\uFFFDt\uFFFD"},
		{"each byte of a broken sequence becomes U+FFFD", "\xe6\x9d", "\uFFFD\uFFFD"},
		{"a valid U+FFFD is kept", "Dupont \uFFFD", "Dupont \uFFFD"},
		{"accented and CJK text is kept", "Société Générale 東京", "Société Générale 東京"},
		{"combining marks are kept", "Socie\u0301te\u0301", "Socie\u0301te\u0301"},
	}
	l := mustNew(t, labels.Config{Strategy: labels.PartnerName})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := l.Label(labels.Fields{Partner: tt.partner})
			assert.Equal(t, tt.want, got)
			assert.True(t, utf8.ValidString(got))
		})
	}

	t.Run("cleaning spans the joined parts", func(t *testing.T) {
		l := mustNew(t, labels.Config{Strategy: labels.PartnerAndDescription})
		got := l.Label(labels.Fields{Partner: "\tDupont SARL ", Description: " Consulting\nMarch\n"})
		assert.Equal(t, "Dupont SARL - Consulting March", got)
	})
	t.Run("invalid UTF-8 in a template field", func(t *testing.T) {
		l := mustNew(t, labels.Config{Strategy: labels.Template, Template: "{partner}/{number}"})
		got := l.Label(labels.Fields{Partner: "Dup\xffont", Number: "F\x80"})
		assert.Equal(t, "Dup\uFFFDont/F\uFFFD", got)
	})
}

func TestLabelMaxLength(t *testing.T) {
	tests := []labelCase{
		{"label within the limit is unchanged", labels.Config{MaxLength: 11}, partnerLine, "Dupont SARL"},
		{"cut inside a word", labels.Config{MaxLength: 5}, partnerLine, "Dupon"},
		{"cut after a word", labels.Config{MaxLength: 6}, partnerLine, "Dupont"},
		{"cut on a space trims it", labels.Config{MaxLength: 7}, partnerLine, "Dupont"},
		{"limit counts runes not bytes", labels.Config{MaxLength: 7}, labels.Fields{PartnerLine: true, Partner: "Société Générale"}, "Société"},
		{"cleaning happens before the cut", labels.Config{MaxLength: 8}, labels.Fields{PartnerLine: true, Partner: "  Dupont \t\t SARL"}, "Dupont S"},
		{"dash fallback survives a limit of one", labels.Config{MaxLength: 1}, labels.Fields{}, "-"},
		{"limit of one keeps the first character", labels.Config{MaxLength: 1}, revenueLine, "C"},
		{"joined label cut inside the description", labels.Config{Strategy: labels.PartnerAndDescription, MaxLength: 15}, revenueLine, "Dupont SARL - C"},
		{"joined label cut right after the separator drops the separator", labels.Config{Strategy: labels.PartnerAndDescription, MaxLength: 14}, revenueLine, "Dupont SARL"},
		{"joined label cut inside the separator drops the separator", labels.Config{Strategy: labels.PartnerAndDescription, MaxLength: 13}, revenueLine, "Dupont SARL"},
		{"joined label cut before the separator", labels.Config{Strategy: labels.PartnerAndNumber, MaxLength: 12}, revenueLine, "Dupont SARL"},
		{"joined label cut inside the partner", labels.Config{Strategy: labels.PartnerAndNumber, MaxLength: 9}, revenueLine, "Dupont SA"},
		{"joined label cut after a separator without spaces drops it", labels.Config{Strategy: labels.PartnerAndNumber, Separator: "/", MaxLength: 12}, revenueLine, "Dupont SARL"},
		{"joined label that fits keeps the separator", labels.Config{Strategy: labels.PartnerAndNumber, Separator: "/", MaxLength: 23}, revenueLine, "Dupont SARL/F-2026-0042"},
		{"template label is cut", labels.Config{Strategy: labels.Template, Template: "{number} {partner}", MaxLength: 13}, revenueLine, "F-2026-0042 D"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustNew(t, tt.config).Label(tt.fields)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, utf8.RuneCountInString(got), tt.config.MaxLength)
		})
	}
}

func TestLabelTemplate(t *testing.T) {
	all := "{partner}|{description}|{number}|{id}|{date}|{due_date}|{account}|{vat_code}|{currency}|{kind}|{direction}"
	tests := []struct {
		name     string
		template string
		fields   labels.Fields
		want     string
	}{
		{"all fields", all, revenueLine,
			"Dupont SARL|Consulting March|F-2026-0042|inv_123|2026-03-31|2026-04-30|706000|FR20|EUR|invoice|sales"},
		{"all fields on a purchase credit note", all, labels.Fields{
			Partner: "Fournitures Martin", Description: "Refund", Number: "AV-7", ID: "42", Date: "2026-01-02",
			DueDate: "2026-02-01", Account: "401000", VATCode: "FR5.5", Currency: "CHF", Kind: "credit_note", Direction: "purchase",
		}, "Fournitures Martin|Refund|AV-7|42|2026-01-02|2026-02-01|401000|FR5.5|CHF|credit_note|purchase"},
		{"escaped braces around a field", "{{{number}}}", revenueLine, "{F-2026-0042}"},
		{"escaped braces around a field name are literal", "{{partner}}", revenueLine, "{partner}"},
		{"escaped closing then opening brace", "}}{{", revenueLine, "}{"},
		{"literal only template", "Sales journal", revenueLine, "Sales journal"},
		{"repeated field", "{number} {number}", revenueLine, "F-2026-0042 F-2026-0042"},
		{"adjacent fields", "{currency}{account}", revenueLine, "EUR706000"},
		{"non-ASCII literal", "Facture n° {number} – {partner}", revenueLine, "Facture n° F-2026-0042 – Dupont SARL"},
		{"empty field collapses the surrounding spaces", "{partner} {description} {number}", partnerLine, "Dupont SARL F-2026-0042"},
		{"tab and newline in the literal become spaces", "{partner}\t\n{number}", revenueLine, "Dupont SARL F-2026-0042"},
		{"empty field at the start is trimmed", "{description} {number}", partnerLine, "F-2026-0042"},
		{"dangling literal is kept", "{partner} - {description}", partnerLine, "Dupont SARL -"},
		{"all fields empty falls back to the partner", "{description}", partnerLine, "Dupont SARL"},
		{"nothing at all falls back to a dash", "{description} {vat_code}", labels.Fields{}, "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := mustNew(t, labels.Config{Strategy: labels.Template, Template: tt.template})
			assert.Equal(t, tt.want, l.Label(tt.fields))
		})
	}
}

func TestNewErrors(t *testing.T) {
	const accepted = "accepted: {partner}, {description}, {number}, {id}, {date}, {due_date}, {account}, {vat_code}, {currency}, {kind}, {direction}"
	const empty = `labels: invalid label template: the template is empty (strategy "template" needs one, e.g. "{partner} {number}")`
	tmpl := func(template string) labels.Config {
		return labels.Config{Strategy: labels.Template, Template: template}
	}
	// The messages of the kinds of error that several cases share.
	unknownStrategy := func(s string) string {
		return `labels: unknown label strategy "` + s + `" (accepted: "partner_then_description", "partner_name", "partner_and_description", "partner_and_number", "template"; empty means "partner_then_description")`
	}
	unknownField := func(field string, offset int) string {
		return fmt.Sprintf(`labels: invalid label template: unknown field "%s" at byte offset %d (%s)`, field, offset, accepted)
	}
	unclosed := func(offset int) string {
		return fmt.Sprintf(`labels: invalid label template: unclosed "{" at byte offset %d (write "{{" for a literal brace)`, offset)
	}
	unmatched := func(offset int) string {
		return fmt.Sprintf(`labels: invalid label template: unmatched "}" at byte offset %d (write "}}" for a literal brace)`, offset)
	}
	tests := []struct {
		name   string
		config labels.Config
		is     error
		want   string
	}{
		{"unknown strategy names the accepted values", labels.Config{Strategy: "partner"}, labels.ErrUnknownStrategy, unknownStrategy("partner")},
		{"strategy is case sensitive", labels.Config{Strategy: "Template"}, labels.ErrUnknownStrategy, unknownStrategy("Template")},
		{"negative max length", labels.Config{MaxLength: -1}, labels.ErrInvalidMaxLength,
			`labels: invalid label max length -1 (must be 0 for no limit, or positive)`},
		{"empty template", tmpl(""), labels.ErrInvalidTemplate, empty},
		{"blank template", tmpl(" \t "), labels.ErrInvalidTemplate, empty},
		{"unknown field", tmpl("{partner} {numbr}"), labels.ErrInvalidTemplate, unknownField(`{numbr}`, 10)},
		{"field names are case sensitive", tmpl("{Partner}"), labels.ErrInvalidTemplate, unknownField(`{Partner}`, 0)},
		{"spaces inside braces are not allowed", tmpl("{ partner }"), labels.ErrInvalidTemplate, unknownField(`{ partner }`, 0)},
		{"empty braces", tmpl("x {}"), labels.ErrInvalidTemplate, unknownField(`{}`, 2)},
		{"unclosed brace at the end", tmpl("{partner} {number"), labels.ErrInvalidTemplate, unclosed(10)},
		{"lone opening brace", tmpl("{"), labels.ErrInvalidTemplate, unclosed(0)},
		{"opening brace inside a field", tmpl("{part{ner}"), labels.ErrInvalidTemplate, unclosed(0)},
		{"unmatched closing brace", tmpl("total }"), labels.ErrInvalidTemplate, unmatched(6)},
		{"extra closing brace after a field", tmpl("{partner}}"), labels.ErrInvalidTemplate, unmatched(9)},
		{"escaped opening brace then a lone closing brace", tmpl("{{partner}"), labels.ErrInvalidTemplate, unmatched(9)},
		{"offset is in bytes", tmpl("é{x}"), labels.ErrInvalidTemplate, unknownField(`{x}`, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := labels.New(tt.config)
			require.Error(t, err)
			assert.Nil(t, l)
			assert.ErrorIs(t, err, tt.is)
			assert.EqualError(t, err, tt.want)
		})
	}

	t.Run("invalid template is ignored for another strategy", func(t *testing.T) {
		_, err := labels.New(labels.Config{Strategy: labels.PartnerAndNumber, Template: "{bad"})
		assert.NoError(t, err)
	})
}

func TestZeroLabelerBehavesLikeTheDefault(t *testing.T) {
	var zero labels.Labeler
	def := mustNew(t, labels.Config{})
	for _, f := range []labels.Fields{partnerLine, revenueLine, {}, {Description: " x "}} {
		assert.Equal(t, def.Label(f), zero.Label(f))
	}
	assert.Equal(t, "Dupont SARL", zero.Label(partnerLine))
	assert.Equal(t, "Consulting March", zero.Label(revenueLine))
}

func TestLabelConcurrentUse(t *testing.T) {
	ls := []*labels.Labeler{
		mustNew(t, labels.Config{}),
		mustNew(t, labels.Config{Strategy: labels.PartnerAndDescription, MaxLength: 20}),
		mustNew(t, labels.Config{Strategy: labels.Template, Template: "{date} {partner} {{{number}}}"}),
	}
	want := []string{"Consulting March", "Dupont SARL - Consul", "2026-03-31 Dupont SARL {F-2026-0042}"}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				for j, l := range ls {
					if got := l.Label(revenueLine); got != want[j] {
						t.Errorf("labeler %d: got %q, want %q", j, got, want[j])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// checkLabel asserts the invariants of any label.
func checkLabel(t *testing.T, got string, max int) {
	t.Helper()
	if got == "" {
		t.Fatalf("empty label")
	}
	if !utf8.ValidString(got) {
		t.Fatalf("invalid UTF-8 in label %q", got)
	}
	if max > 0 && utf8.RuneCountInString(got) > max {
		t.Fatalf("label %q longer than %d runes", got, max)
	}
	if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
		t.Fatalf("label %q has untrimmed or repeated spaces", got)
	}
	for _, r := range got {
		if r != ' ' && (unicode.IsSpace(r) || unicode.IsControl(r)) {
			t.Fatalf("label %q contains %U", got, r)
		}
	}
}

func FuzzLabel(f *testing.F) {
	f.Add("{partner} {number}", "Dupont SARL", "Consulting March", 0)
	f.Add("{{{description}}}", "Socie\u0301te\u0301", "東京都の請求書", 5)
	f.Add("}}{date", "\xff\t", "\n", 1)
	f.Add("{partner}\t-\t{description}", " ", "e\u0301\u0302", 2)
	f.Fuzz(func(t *testing.T, tmpl, partner, desc string, max int) {
		max = int(uint(max) % 50)
		fields := labels.Fields{Partner: partner, Description: desc, Number: desc + partner, PartnerLine: len(partner)%2 == 0}
		for _, s := range labels.Strategies() {
			l, err := labels.New(labels.Config{Strategy: s, Template: tmpl, MaxLength: max, Separator: tmpl})
			if err != nil {
				if s != labels.Template {
					t.Fatalf("unexpected error for %s: %v", s, err)
				}
				continue
			}
			checkLabel(t, l.Label(fields), max)
		}
	})
}
