package matching

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// NormalizeName returns the form of a company or person name that matching
// compares, so that "Société Générale S.A." and "SOCIETE GENERALE" are equal
// and "Alpha SARL" and "Alpha Beta SARL" are not:
//
//  1. Unicode compatibility decomposition (NFKD): ligatures and full-width
//     forms become plain letters, accented letters become letter + accent.
//  2. Accents (combining marks) are removed, and letters with no
//     decomposition are spelled in Latin: æ → ae, œ → oe, ø → o, ł → l,
//     đ → d, þ → th, ß → ss.
//  3. Unicode case folding ("Σ" and "ς" are both "σ").
//  4. Dots and apostrophes are removed ("S.A." → "sa", "L'Oréal" →
//     "loreal"); every other character that is not a letter or digit
//     separates words; runs of separators collapse to one space.
//  5. Legal forms (SARL, SAS, SA, GmbH, AG, B.V., Ltd, LLC, S.r.l., Sp. z
//     o.o., ...) are stripped from the end, repeatedly, and the forms that
//     are also written first (SARL, SAS, SA, EURL, SCI, AB, AS, Oy, UAB, SIA,
//     ...) from the start too, unless nothing would be left.
//
// Transliteration is deliberately limited to step 2: a German umlaut loses
// its dots (ü → u, "Müller" → "muller"), it is not spelled out (ü → ue), so
// "Mueller" and "Müller" do not match by name. Spelling umlauts out would in
// turn separate "Müller" from "Muller", the form that ASCII-only ledgers
// keep; a party known under both spellings is matched by its VAT number or
// registration id instead. Scripts other than Latin (Greek, Cyrillic) are
// compared as they are, after case folding.
func NormalizeName(raw string) string {
	if raw == "" {
		return ""
	}
	s := raw
	if !isASCII(raw) {
		s = cases.Fold().String(norm.NFKD.String(strings.ToValidUTF8(raw, " ")))
	}
	words := make([]string, 0, 8)
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			words = append(words, w.String())
			w.Reset()
		}
	}
	for _, c := range s {
		switch {
		case unicode.Is(unicode.Mn, c), c == '.', c == '\'', c == '’', c == 'ʼ':
			// accents, dots and apostrophes vanish
		case unicode.IsLetter(c) || unicode.IsDigit(c):
			c = unicode.ToLower(c) // ASCII input is not folded above
			if t, ok := spelled[c]; ok {
				w.WriteString(t)
			} else {
				w.WriteRune(c)
			}
		default:
			flush()
		}
	}
	flush()
	return strings.Join(stripLegalForms(words), " ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// spelled gives the Latin spelling of letters NFKD does not decompose.
var spelled = map[rune]string{
	'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th",
	'ß': "ss", 'ı': "i", 'ħ': "h", 'ŧ': "t", 'ŋ': "n",
}

// legalForms are the legal forms stripped from names, as word sequences
// after steps 1–4 of NormalizeName.
var legalForms = [][]string{
	// France, Belgium, Luxembourg, Switzerland
	{"sarl"}, {"sas"}, {"sasu"}, {"sa"}, {"eurl"}, {"sci"}, {"snc"}, {"scs"}, {"sca"},
	{"scop"}, {"scp"}, {"selarl"}, {"selas"}, {"gie"}, {"eirl"}, {"ei"}, {"sprl"},
	{"srl"}, {"scrl"}, {"bvba"}, {"asbl"}, {"sa", "rl"}, {"sarl", "au"},
	// Germany, Austria
	{"gmbh"}, {"ag"}, {"ug"}, {"kg"}, {"ohg"}, {"gbr"}, {"kgaa"}, {"ek"}, {"ev"}, {"eg"},
	{"mbh"}, {"gmbh", "co", "kg"}, {"co", "kg"}, {"ug", "haftungsbeschrankt"},
	// Netherlands
	{"bv"}, {"nv"}, {"vof"}, {"cv"},
	// English-speaking
	{"ltd"}, {"limited"}, {"llc"}, {"llp"}, {"lp"}, {"inc"}, {"incorporated"}, {"corp"},
	{"corporation"}, {"plc"}, {"pty"}, {"pty", "ltd"}, {"co", "ltd"}, {"co"}, {"cie"},
	// Nordics and Baltics
	{"ab"}, {"as"}, {"asa"}, {"aps"}, {"a", "s"}, {"i", "s"}, {"oy"}, {"oyj"}, {"hf"},
	{"ehf"}, {"ou"}, {"sia"}, {"uab"},
	// Southern Europe
	{"sl"}, {"slu"}, {"sau"}, {"spa"}, {"sapa"}, {"lda"}, {"ltda"},
	{"ae"}, {"epe"}, {"ike"},
	// Central and Eastern Europe
	{"sp", "z", "oo"}, {"spzoo"}, {"sro"}, {"kft"}, {"zrt"}, {"nyrt"}, {"doo"}, {"dd"},
	{"ad"}, {"ood"}, {"eood"},
}

// leadingForms are the legal forms also written before the name ("SARL
// Dupont", "AB Volvo", "UAB Example").
var leadingForms = map[string]bool{
	"sarl": true, "sas": true, "sasu": true, "sa": true, "eurl": true, "sci": true, "snc": true,
	"selarl": true, "selas": true, "eirl": true, "sprl": true, "bvba": true, "ab": true, "as": true,
	"oy": true, "uab": true, "sia": true, "ou": true,
}

// stripLegalForms removes legal forms from the end of words, the longest
// form first, and leading forms from the start, as long as a word remains.
func stripLegalForms(words []string) []string {
	for changed := true; changed && len(words) > 1; {
		changed = false
		for _, f := range legalFormsLongestFirst {
			if len(f) < len(words) && hasWords(words[len(words)-len(f):], f) {
				words, changed = words[:len(words)-len(f)], true
				break
			}
		}
	}
	for len(words) > 1 && leadingForms[words[0]] {
		words = words[1:]
	}
	return words
}

func hasWords(words, form []string) bool {
	for i := range form {
		if words[i] != form[i] {
			return false
		}
	}
	return true
}

var legalFormsLongestFirst = func() [][]string {
	out := make([][]string, 0, len(legalForms))
	for n := 3; n >= 1; n-- {
		for _, f := range legalForms {
			if len(f) == n {
				out = append(out, f)
			}
		}
	}
	return out
}()
