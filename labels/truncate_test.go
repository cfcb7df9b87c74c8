package labels_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync/labels"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		s    string
		max  int
		want string
	}{
		// ASCII.
		{"ASCII cut inside a word", "Dupont SARL", 4, "Dupo"},
		{"ASCII cut at a word end", "Dupont SARL", 6, "Dupont"},
		{"ASCII cut on a space trims it", "Dupont SARL", 7, "Dupont"},
		{"ASCII exact fit is unchanged", "Dupont SARL", 11, "Dupont SARL"},
		{"ASCII shorter than max is unchanged", "Dupont SARL", 100, "Dupont SARL"},
		{"max zero means no limit", "Dupont SARL", 0, "Dupont SARL"},
		{"negative max means no limit", "Dupont SARL", -3, "Dupont SARL"},
		{"empty string stays empty", "", 5, ""},
		{"max one keeps one character", "abc", 1, "a"},
		{"fitting string keeps its trailing spaces", "ab  ", 4, "ab  "},

		// Precomposed accents: one rune each.
		{"precomposed: cut before an accented letter", "Société Générale", 4, "Soci"},
		{"precomposed: accented letter counts as one rune", "Société Générale", 5, "Socié"},
		{"precomposed: first word", "Société Générale", 7, "Société"},
		{"precomposed: cut on the space trims it", "Société Générale", 8, "Société"},
		{"precomposed: cut after the space", "Société Générale", 9, "Société G"},
		{"precomposed: one rune short", "Société Générale", 15, "Société Général"},
		{"precomposed: exact fit of 16 runes", "Société Générale", 16, "Société Générale"},

		// Combining accents: a base letter followed by U+0301.
		{"combining: cut before the base letter", "Socie\u0301te\u0301", 4, "Soci"},
		{"combining: cut between base and mark drops the base", "Socie\u0301te\u0301", 5, "Soci"},
		{"combining: cut after the mark keeps the sequence", "Socie\u0301te\u0301", 6, "Socie\u0301"},
		{"combining: cut after the next letter", "Socie\u0301te\u0301", 7, "Socie\u0301t"},
		{"combining: cut before the final mark drops its base", "Socie\u0301te\u0301", 8, "Socie\u0301t"},
		{"combining: exact fit of 9 runes", "Socie\u0301te\u0301", 9, "Socie\u0301te\u0301"},
		{"combining: cut between two marks drops the whole sequence", "ae\u0301\u0302", 3, "a"},
		{"combining: cut between base and two marks drops the base", "ae\u0301\u0302", 2, "a"},
		{"combining: enclosing mark (Me) stays with its base", "a1\u20dd", 2, "a"},
		{"combining: mark after a space drops the space", "a \u0301b", 2, "a"},

		// max 1 with a combining sequence: the first rune is kept alone.
		{"max 1 on a combining sequence keeps the base alone", "e\u0301cole", 1, "e"},
		{"max 1 on a base with two marks keeps the base alone", "e\u0301\u0302x", 1, "e"},
		{"max 2 on a combining sequence keeps the sequence", "e\u0301cole", 2, "e\u0301"},
		{"max 2 on a base with two marks keeps the base alone", "e\u0301\u0302x", 2, "e"},
		{"leading mark is kept as the first rune", "\u0301abc", 1, "\u0301"},
		{"leading marks keep the first rune", "\u0301\u0302abc", 1, "\u0301"},

		// CJK and emoji.
		{"CJK cut", "東京都の請求書", 3, "東京都"},
		{"CJK one rune", "東京都の請求書", 1, "東"},
		{"CJK one rune short", "東京都の請求書", 6, "東京都の請求"},
		{"CJK exact fit", "東京都の請求書", 7, "東京都の請求書"},
		{"emoji one rune", "👍 Dupont", 1, "👍"},
		{"emoji then trimmed space", "👍 Dupont", 2, "👍"},
		{"emoji at the cut", "Dupont 😀😀", 8, "Dupont 😀"},

		// Trailing white space.
		{"several spaces before the cut are trimmed", "Dupont    SARL", 9, "Dupont"},
		{"no-break space before the cut is trimmed", "Dupont\u00a0SARL", 7, "Dupont"},
		{"tab and newline before the cut are trimmed", "Dupont \t\n SARL", 9, "Dupont"},

		// Never empty.
		{"only spaces before the cut keep the first rune", "   x", 2, " "},
		{"only a no-break space before the cut keeps it", "\u00a0\u00a0x", 1, "\u00a0"},

		// Invalid UTF-8: each invalid byte counts as one rune and is kept.
		{"invalid byte counts as one rune", "ab\xffcd", 3, "ab\xff"},
		{"broken sequence counts byte by byte", "東\xe6\x9d", 2, "東\xe6"},
		{"invalid bytes only", "\xff\xfe", 1, "\xff"},
		{"valid sequence after ASCII is not split", "ab\xe6\x9d\xb1c", 3, "ab東"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := labels.Truncate(tt.s, tt.max)
			assert.Equal(t, tt.want, got)
			checkTruncate(t, tt.s, tt.max, got)
		})
	}
}

func TestTruncateReturnsTheInputWhenItFits(t *testing.T) {
	for _, s := range []string{"Dupont SARL", "Société Générale", "東京都の請求書", "ab  "} {
		got := labels.Truncate(s, utf8.RuneCountInString(s))
		require.Equal(t, s, got)
		assert.Same(t, unsafe.StringData(s), unsafe.StringData(got), "no copy for %q", s)
	}
}

func isMark(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Me) }

// refTruncate is a straightforward rune-slice implementation of the Truncate
// specification, used as an oracle.
func refTruncate(s string, max int) string {
	if max <= 0 {
		return s
	}
	// Only the first max+1 runes matter: the kept ones and the next one.
	var (
		starts []int
		runes  []rune
	)
	for i, r := range s {
		if len(runes) == max+1 {
			break
		}
		starts = append(starts, i)
		runes = append(runes, r)
	}
	if len(runes) <= max {
		return s
	}
	k := max
	if isMark(runes[k]) {
		for k > 0 && isMark(runes[k-1]) {
			k--
		}
		if k > 0 {
			k--
		}
	}
	for k > 0 && unicode.IsSpace(runes[k-1]) {
		k--
	}
	if k == 0 {
		k = 1
	}
	return s[:starts[k]]
}

// checkTruncate asserts the properties of got = Truncate(s, max).
func checkTruncate(t *testing.T, s string, max int, got string) {
	t.Helper()
	n := utf8.RuneCountInString(s)
	if max <= 0 || n <= max {
		if got != s {
			t.Fatalf("Truncate(%q, %d) = %q, want the input unchanged", s, max, got)
		}
		return
	}
	if !strings.HasPrefix(s, got) {
		t.Fatalf("Truncate(%q, %d) = %q, not a prefix", s, max, got)
	}
	if got == "" {
		t.Fatalf("Truncate(%q, %d) is empty", s, max)
	}
	if c := utf8.RuneCountInString(got); c > max {
		t.Fatalf("Truncate(%q, %d) = %q has %d runes", s, max, got, c)
	}
	if utf8.ValidString(s) && !utf8.ValidString(got) {
		t.Fatalf("Truncate(%q, %d) = %q is invalid UTF-8", s, max, got)
	}
	boundary := false
	for i := range s {
		if i == len(got) {
			boundary = true
			break
		}
	}
	if !boundary {
		t.Fatalf("Truncate(%q, %d) = %q cuts inside a rune", s, max, got)
	}
	_, firstWidth := utf8.DecodeRuneInString(s)
	if len(got) > firstWidth { // not the keep-the-first-rune fallback
		if next, _ := utf8.DecodeRuneInString(s[len(got):]); isMark(next) {
			t.Fatalf("Truncate(%q, %d) = %q separates a base from its mark %U", s, max, got, next)
		}
		if last, _ := utf8.DecodeLastRuneInString(got); unicode.IsSpace(last) {
			t.Fatalf("Truncate(%q, %d) = %q ends with white space", s, max, got)
		}
	}
	if want := refTruncate(s, max); got != want {
		t.Fatalf("Truncate(%q, %d) = %q, reference gives %q", s, max, got, want)
	}
}

// randomString builds a string from pieces chosen to exercise the edge cases:
// multi-byte runes, combining marks (Mn and Me), white space, and optionally
// invalid UTF-8.
func randomString(r *rand.Rand, invalid bool) string {
	pieces := []string{
		"a", "Z", "0", "-", " ", "  ", "\t", "\n", "\u00a0", "\u3000",
		"é", "e", "\u0301", "\u0302", "\u20dd", "ß", "東", "京", "😀", "\u200d", "🏽",
	}
	if invalid {
		pieces = append(pieces, "\xff", "\xe6\x9d", "\xc3", "\x80")
	}
	var b strings.Builder
	for n := r.IntN(30); n > 0; n-- {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

func TestTruncateProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 42))
	for i := 0; i < 20000; i++ {
		invalid := i%4 == 3
		s := randomString(r, invalid)
		max := r.IntN(40) - 2 // includes 0 and negative limits
		checkTruncate(t, s, max, labels.Truncate(s, max))
	}
}

func FuzzTruncate(f *testing.F) {
	f.Add("Dupont SARL", 7)
	f.Add("Société Générale", 8)
	f.Add("Socie\u0301te\u0301", 5)
	f.Add("e\u0301\u0302x", 1)
	f.Add("東京都の請求書", 3)
	f.Add("👍 Dupont 😀😀", 2)
	f.Add("   x", 2)
	f.Add("ab\xffcd\xe6\x9d", 3)
	f.Add("\u0301\u0302abc", 1)
	f.Add("", 0)
	f.Add("abc", -1)
	f.Fuzz(func(t *testing.T, s string, max int) {
		checkTruncate(t, s, max, labels.Truncate(s, max))
	})
}

func TestAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts are not checked in -short mode")
	}
	tests := []struct {
		name   string
		config labels.Config
		fields labels.Fields
		max    float64
	}{
		{"partner_then_description on a clean partner line", labels.Config{}, partnerLine, 1},
		{"partner_then_description on a clean other line", labels.Config{}, revenueLine, 1},
		{"partner_then_description with a cut", labels.Config{MaxLength: 6}, revenueLine, 1},
		{"partner_name on a clean line", labels.Config{Strategy: labels.PartnerName}, revenueLine, 1},
		{"partner_and_description", labels.Config{Strategy: labels.PartnerAndDescription}, revenueLine, 1},
		{"partner_and_number with a cut", labels.Config{Strategy: labels.PartnerAndNumber, MaxLength: 14}, revenueLine, 1},
		{"template", labels.Config{Strategy: labels.Template, Template: "{date} {partner} {{{number}}}"}, revenueLine, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := mustNew(t, tt.config)
			var sink string
			allocs := testing.AllocsPerRun(200, func() { sink = l.Label(tt.fields) })
			assert.NotEmpty(t, sink)
			assert.LessOrEqual(t, allocs, tt.max)
		})
	}
	t.Run("truncate of a fitting string does not allocate", func(t *testing.T) {
		var sink string
		allocs := testing.AllocsPerRun(200, func() { sink = labels.Truncate("Société Générale", 16) })
		assert.Equal(t, "Société Générale", sink)
		assert.Zero(t, allocs)
	})
	t.Run("truncate with a cut does not allocate", func(t *testing.T) {
		var sink string
		allocs := testing.AllocsPerRun(200, func() { sink = labels.Truncate("Socie\u0301te\u0301 Ge\u0301ne\u0301rale", 8) })
		assert.Equal(t, "Socie\u0301t", sink)
		assert.Zero(t, allocs)
	})
}

func BenchmarkLabel(b *testing.B) {
	dirty := labels.Fields{Partner: "  Dupont\tSARL ", Description: "Consulting\r\nMarch  2026", Number: "F-2026-0042"}
	benches := []struct {
		name   string
		config labels.Config
		fields labels.Fields
	}{
		{"partner_then_description/clean", labels.Config{}, revenueLine},
		{"partner_then_description/dirty", labels.Config{}, dirty},
		{"partner_then_description/cut", labels.Config{MaxLength: 10}, revenueLine},
		{"partner_name/clean", labels.Config{Strategy: labels.PartnerName}, revenueLine},
		{"partner_and_description/clean", labels.Config{Strategy: labels.PartnerAndDescription}, revenueLine},
		{"partner_and_description/dirty", labels.Config{Strategy: labels.PartnerAndDescription}, dirty},
		{"partner_and_number/cut", labels.Config{Strategy: labels.PartnerAndNumber, MaxLength: 20}, revenueLine},
		{"template/clean", labels.Config{Strategy: labels.Template, Template: "{date} {partner} {number} {description}"}, revenueLine},
	}
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			l := mustNew(b, bb.config)
			b.ReportAllocs()
			var sink string
			for i := 0; i < b.N; i++ {
				sink = l.Label(bb.fields)
			}
			_ = sink
		})
	}
}

func BenchmarkTruncate(b *testing.B) {
	b.ReportAllocs()
	var sink string
	for i := 0; i < b.N; i++ {
		sink = labels.Truncate("Socie\u0301te\u0301 Ge\u0301ne\u0301rale - Consulting March", 20)
	}
	_ = sink
}
