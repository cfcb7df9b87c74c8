package matching

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// VAT is a normalised VAT identifier.
type VAT struct {
	Prefix  string // the two-letter VAT prefix: ISO 3166-1 alpha-2 except "EL" for Greece (and "XI" Northern Ireland)
	Number  string // national part: upper case, no spaces/dots/dashes/commas/slashes, without language suffixes (CH "MWST"/"TVA"/"IVA"/"TPV", NO "MVA")
	Checked bool   // true when check digits were verified (false: format only, no public algorithm implemented)
}

// String returns Prefix + Number, "" for the zero value.
func (v VAT) String() string { return v.Prefix + v.Number }

// IsZero reports whether v is the zero VAT (no VAT number given).
func (v VAT) IsZero() bool { return v == VAT{} }

const vatField = "vat_number"

// vatRule is the national format and check of one VAT prefix.
type vatRule struct {
	pattern *regexp.Regexp
	format  string              // the reason given when pattern does not match
	check   func(n string) bool // nil: format only
	// checkable, when set, reports whether n carries check digits that
	// check verifies; when it does not, n is accepted on its format alone.
	checkable func(n string) bool
	// explain, when set, gives the reason for a failed check.
	explain func(n string) string
}

func vatRe(p string) *regexp.Regexp { return regexp.MustCompile(`^(?:` + p + `)$`) }

// vatRules holds the national formats (VIES) and check-digit algorithms,
// by VAT prefix.
var vatRules = map[string]vatRule{
	"AT": {vatRe(`U\d{8}`), "AT VAT numbers are U followed by 8 digits", vatCheckAT, nil, nil},
	"BE": {vatRe(`[01]\d{9}`), "BE VAT numbers have 10 digits starting with 0 or 1", vatCheckBE, nil, nil},
	"BG": {vatRe(`\d{9,10}`), "BG VAT numbers have 9 or 10 digits", nil, nil, nil},
	"CY": {vatRe(`\d{8}[A-Z]`), "CY VAT numbers have 8 digits and a letter", vatCheckCY, nil, nil},
	"CZ": {vatRe(`\d{8,10}`), "CZ VAT numbers have 8 to 10 digits", nil, nil, nil},
	"DE": {vatRe(`\d{9}`), "DE VAT numbers have 9 digits", vatMod11x10, nil, nil},
	"DK": {vatRe(`\d{8}`), "DK VAT numbers have 8 digits", vatCheckDK, nil, nil},
	"EE": {vatRe(`\d{9}`), "EE VAT numbers have 9 digits", vatCheckEE, nil, nil},
	"EL": {vatRe(`\d{9}`), "EL VAT numbers have 9 digits", vatCheckEL, nil, nil},
	"ES": {vatRe(`[A-Z]\d{7}[A-Z0-9]|\d{8}[A-Z]`), "ES VAT numbers have 9 characters: a letter or digit, 7 digits, a letter or digit, not all digits", vatCheckES, nil, nil},
	"FI": {vatRe(`\d{8}`), "FI VAT numbers have 8 digits", vatCheckFI, nil, nil},
	"FR": {vatRe(`[0-9A-HJ-NP-Z]{2}\d{9}`), "FR VAT numbers have 2 key characters and a 9-digit SIREN", vatCheckFR, vatFRNumericKey, vatExplainFR},
	"HR": {vatRe(`\d{11}`), "HR VAT numbers have 11 digits", vatMod11x10, nil, nil},
	"HU": {vatRe(`\d{8}`), "HU VAT numbers have 8 digits", vatCheckHU, nil, nil},
	"IE": {vatRe(`\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W]`), "IE VAT numbers have 7 digits and 1 or 2 letters, or the old form digit, letter, 5 digits, letter", vatCheckIE, nil, nil},
	"IT": {vatRe(`\d{11}`), "IT VAT numbers have 11 digits", vatCheckIT, nil, nil},
	"LT": {vatRe(`\d{9}|\d{12}`), "LT VAT numbers have 9 or 12 digits", vatCheckLT, nil, nil},
	"LU": {vatRe(`\d{8}`), "LU VAT numbers have 8 digits", vatCheckLU, nil, nil},
	"LV": {vatRe(`\d{11}`), "LV VAT numbers have 11 digits", nil, nil, nil},
	"MT": {vatRe(`\d{8}`), "MT VAT numbers have 8 digits", vatCheckMT, nil, nil},
	"NL": {vatRe(`\d{9}B(?:0[1-9]|[1-9]\d)`), "NL VAT numbers have 9 digits, B and 2 digits (01 to 99)", vatCheckNL, nil, nil},
	"PL": {vatRe(`\d{10}`), "PL VAT numbers have 10 digits", vatCheckPL, nil, nil},
	"PT": {vatRe(`\d{9}`), "PT VAT numbers have 9 digits", vatCheckPT, nil, nil},
	"RO": {vatRe(`\d{2,10}`), "RO VAT numbers have 2 to 10 digits", vatCheckRO, nil, nil},
	"SE": {vatRe(`\d{10}01`), "SE VAT numbers have 12 digits ending in 01", vatCheckSE, nil, nil},
	"SI": {vatRe(`\d{8}`), "SI VAT numbers have 8 digits", vatCheckSI, nil, nil},
	"SK": {vatRe(`\d{10}`), "SK VAT numbers have 10 digits", vatCheckSK, nil, nil},
	"GB": vatRuleGB("GB"),
	"XI": vatRuleGB("XI"),
	"CH": {vatRe(`E\d{9}`), "CH VAT numbers are E followed by 9 digits", vatCheckCH, nil, nil},
	"NO": {vatRe(`\d{9}`), "NO VAT numbers have 9 digits", vatCheckNO, nil, nil},
}

func vatRuleGB(prefix string) vatRule {
	return vatRule{
		vatRe(`\d{9}|\d{12}|GD[0-4]\d{2}|HA[5-9]\d{2}`),
		prefix + " VAT numbers have 9 or 12 digits, or are GD (000-499) or HA (500-999) and 3 digits",
		vatCheckGB, vatAllDigits, nil,
	}
}

// vatSuffixes are the language suffixes dropped after the national number.
var vatSuffixes = map[string][]string{
	"CH": {"MWST", "TVA", "IVA", "TPV"},
	"NO": {"MVA"},
}

// NormalizeVAT normalises raw. country is the party's ISO 3166-1 alpha-2
// country ("GR" and "EL" both mean Greece), used only when raw carries no
// prefix. Empty/blank raw gives the zero VAT and a nil error. Unknown
// prefix/country, bad national format, failed check: *InvalidError (Field
// "vat_number").
func NormalizeVAT(raw, country string) (VAT, error) {
	s := vatCompact(raw)
	if s == "" {
		return VAT{}, nil
	}
	prefix, n, reason := vatSplit(s, country)
	if reason != "" {
		return VAT{}, vatInvalid(raw, reason)
	}
	n = vatNational(prefix, n)
	rule := vatRules[prefix]
	if n == "" {
		return VAT{}, vatInvalid(raw, "the national number after "+prefix+" is missing")
	}
	if !rule.pattern.MatchString(n) {
		return VAT{}, vatInvalid(raw, rule.format)
	}
	v := VAT{Prefix: prefix, Number: n}
	if rule.check == nil || (rule.checkable != nil && !rule.checkable(n)) {
		return v, nil
	}
	if !rule.check(n) {
		reason := "check digits do not match"
		if rule.explain != nil {
			reason = rule.explain(n)
		}
		return VAT{}, vatInvalid(raw, reason)
	}
	v.Checked = true
	return v, nil
}

func vatInvalid(raw, reason string) error {
	return &InvalidError{Field: vatField, Value: raw, Reason: reason}
}

// vatCompact removes whitespace, dots, dashes, commas, slashes and
// underscores and upper-cases ASCII letters.
func vatCompact(raw string) string {
	return strings.Map(func(c rune) rune {
		switch {
		case unicode.IsSpace(c), strings.ContainsRune(".-,/_", c):
			return -1
		case 'a' <= c && c <= 'z':
			return c - 'a' + 'A'
		}
		return c
	}, raw)
}

// vatPrefixOf returns the VAT prefix for a two-letter code (GR is EL), or
// "" when code has no VAT rules.
func vatPrefixOf(code string) string {
	if code == "GR" {
		code = "EL"
	}
	if _, ok := vatRules[code]; ok {
		return code
	}
	return ""
}

// vatSplit splits compact s into its prefix and national part, taking the
// prefix from country when s has none; reason is set when there is none.
func vatSplit(s, country string) (prefix, n, reason string) {
	if len(s) >= 2 {
		if p := vatPrefixOf(s[:2]); p != "" {
			return p, s[2:], ""
		}
	}
	c := strings.ToUpper(strings.TrimSpace(country))
	if p := vatPrefixOf(c); p != "" {
		return p, s, ""
	}
	if c == "" {
		return "", "", "no known VAT prefix and no country to take it from"
	}
	return "", "", fmt.Sprintf("no known VAT prefix, and country %q has no VAT number rules", country)
}

// vatNational drops language suffixes and restores the leading 0 of an old
// 9-digit Belgian number.
func vatNational(prefix, n string) string {
	for _, suf := range vatSuffixes[prefix] {
		if strings.HasSuffix(n, suf) {
			return strings.TrimSuffix(n, suf)
		}
	}
	if prefix == "BE" && len(n) == 9 && vatAllDigits(n) {
		return "0" + n
	}
	return n
}

func vatAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// vatDigit returns the value of the ASCII digit s[i].
func vatDigit(s string, i int) int { return int(s[i] - '0') }

// vatWeighted returns the sum of the digits of s weighted by weights
// (s is at least as long as weights).
func vatWeighted(s string, weights ...int) int {
	sum := 0
	for i, w := range weights {
		sum += w * vatDigit(s, i)
	}
	return sum
}

// vatInt parses the digits s (at most 18 of them).
func vatInt(s string) int {
	v, _ := strconv.Atoi(s)
	return v
}

// luhn reports whether the digits s pass the Luhn (mod 10) check.
func luhn(s string) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := vatDigit(s, len(s)-1-i)
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// vatMod11x10 is ISO 7064 MOD 11,10 over all digits of s (DE, HR).
func vatMod11x10(s string) bool {
	p := 10
	for i := 0; i < len(s)-1; i++ {
		r := (vatDigit(s, i) + p) % 10
		if r == 0 {
			r = 10
		}
		p = 2 * r % 11
	}
	return (11-p)%10 == vatDigit(s, len(s)-1)
}

// vatMod97 returns s mod 97, letters counting as 10 (A) to 35 (Z).
func vatMod97(s string) int {
	r := 0
	for _, c := range s {
		if c >= 'A' && c <= 'Z' {
			r = (r*100 + int(c-'A') + 10) % 97
		} else {
			r = (r*10 + int(c-'0')) % 97
		}
	}
	return r
}

// vatKeyFR is the numeric key of a French VAT number for siren.
func vatKeyFR(siren string) int { return (12 + 3*(vatInt(siren)%97)) % 97 }

func vatFRNumericKey(n string) bool { return vatAllDigits(n[:2]) }

func vatCheckFR(n string) bool { return vatInt(n[:2]) == vatKeyFR(n[2:]) }

func vatExplainFR(n string) string {
	return fmt.Sprintf("check key does not match the SIREN (expected %02d)", vatKeyFR(n[2:]))
}

func vatCheckAT(n string) bool {
	sum := 0
	for i := 0; i < 7; i++ {
		d := vatDigit(n, i+1) * (1 + i%2)
		sum += d/10 + d%10
	}
	return (10-(sum+4)%10)%10 == vatDigit(n, 8)
}

func vatCheckBE(n string) bool { return 97-vatInt(n[:8])%97 == vatInt(n[8:]) }

func vatCheckCY(n string) bool {
	odd := [10]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21}
	sum := 0
	for i := 0; i < 8; i++ {
		if i%2 == 0 {
			sum += odd[vatDigit(n, i)]
		} else {
			sum += vatDigit(n, i)
		}
	}
	return int(n[8]-'A') == sum%26
}

func vatCheckDK(n string) bool { return vatWeighted(n, 2, 7, 6, 5, 4, 3, 2, 1)%11 == 0 }

func vatCheckEE(n string) bool {
	return (10-vatWeighted(n, 3, 7, 1, 3, 7, 1, 3, 7)%10)%10 == vatDigit(n, 8)
}

func vatCheckEL(n string) bool {
	return vatWeighted(n, 256, 128, 64, 32, 16, 8, 4, 2)%11%10 == vatDigit(n, 8)
}

// vatLettersES is the DNI/NIE check letter table, by number mod 23.
const vatLettersES = "TRWAGMYFPDXBNJZSQVHLCKE"

func vatCheckES(n string) bool {
	switch c := n[0]; {
	case c >= '0' && c <= '9': // DNI
		return n[8] == vatLettersES[vatInt(n[:8])%23]
	case c == 'X' || c == 'Y' || c == 'Z': // NIE: X, Y, Z stand for 0, 1, 2
		return n[8] == vatLettersES[vatInt(string(rune('0'+c-'X'))+n[1:8])%23]
	case c == 'K' || c == 'L' || c == 'M': // NIF of Spaniards without DNI
		return n[8] == vatLettersES[vatInt(n[1:8])%23]
	case strings.IndexByte("ABCDEFGHJNPQRSUVW", c) >= 0: // CIF
		return vatCheckCIF(n)
	}
	return false
}

// vatCheckCIF accepts the CIF control as a digit or as a letter (J=0, A=1, ...).
func vatCheckCIF(n string) bool {
	sum := 0
	for i := 1; i <= 7; i++ {
		d := vatDigit(n, i)
		if i%2 == 1 {
			d *= 2
			d = d/10 + d%10
		}
		sum += d
	}
	c := (10 - sum%10) % 10
	return n[8] == byte('0'+c) || n[8] == "JABCDEFGHI"[c]
}

func vatCheckFI(n string) bool {
	r := vatWeighted(n, 7, 9, 10, 5, 8, 4, 2) % 11
	if r == 1 {
		return false
	}
	return (11-r)%11 == vatDigit(n, 7)
}

func vatCheckHU(n string) bool {
	return (10-vatWeighted(n, 9, 7, 3, 1, 9, 7, 3)%10)%10 == vatDigit(n, 7)
}

// vatLettersIE maps 0..22 to the Irish check letter (and W, A..I to 0..9).
const vatLettersIE = "WABCDEFGHIJKLMNOPQRSTUV"

func vatCheckIE(n string) bool {
	digits := n[:7]
	if !vatAllDigits(digits) { // old form: digit, letter, 5 digits, letter
		digits = "0" + n[2:7] + n[:1]
	}
	sum := vatWeighted(digits, 8, 7, 6, 5, 4, 3, 2)
	if len(n) == 9 {
		sum += 9 * strings.IndexByte(vatLettersIE, n[8])
	}
	return n[7] == vatLettersIE[sum%23]
}

func vatCheckIT(n string) bool {
	return n[:7] != "0000000" && n[7:10] != "000" && luhn(n)
}

func vatCheckLT(n string) bool {
	if n[len(n)-2] != '1' { // the digit before the check digit is 1 for legal persons
		return false
	}
	sum := func(shift int) int {
		s := 0
		for i := 0; i < len(n)-1; i++ {
			s += (1 + (i+shift)%9) * vatDigit(n, i)
		}
		return s % 11
	}
	r := sum(0)
	if r == 10 {
		r = sum(2) % 10
	}
	return r == vatDigit(n, len(n)-1)
}

func vatCheckLU(n string) bool { return vatInt(n[:6])%89 == vatInt(n[6:]) }

func vatCheckMT(n string) bool { return vatWeighted(n, 3, 4, 6, 7, 8, 9, 10, 1)%37 == 0 }

// vatCheckNL accepts the weighted mod-11 check of an RSIN/BSN, or the
// MOD 97-10 check over "NL" and the number used since 2020 for sole traders.
func vatCheckNL(n string) bool {
	old := vatWeighted(n, 9, 8, 7, 6, 5, 4, 3, 2)%11 == vatDigit(n, 8)
	return old || vatMod97("NL"+n) == 1
}

func vatCheckPL(n string) bool {
	return vatWeighted(n, 6, 5, 7, 2, 3, 4, 5, 6, 7)%11 == vatDigit(n, 9)
}

func vatCheckPT(n string) bool {
	c := 11 - vatWeighted(n, 9, 8, 7, 6, 5, 4, 3, 2)%11
	if c >= 10 {
		c = 0
	}
	return c == vatDigit(n, 8)
}

func vatCheckRO(n string) bool {
	body := strings.Repeat("0", 10-len(n)) + n[:len(n)-1]
	return vatWeighted(body, 7, 5, 3, 2, 1, 7, 5, 3, 2)*10%11%10 == vatDigit(n, len(n)-1)
}

func vatCheckSE(n string) bool { return luhn(n[:10]) }

func vatCheckSI(n string) bool {
	c := 11 - vatWeighted(n, 8, 7, 6, 5, 4, 3, 2)%11
	if c == 11 {
		return false
	}
	return c%10 == vatDigit(n, 7)
}

func vatCheckSK(n string) bool {
	return n[0] != '0' && strings.IndexByte("234789", n[2]) >= 0 && vatInt(n)%11 == 0
}

// vatCheckGB checks the first 9 digits (a 12-digit number adds a branch):
// the weighted sum mod 97 is 0, or 42 or 55 for numbers from 100 on.
func vatCheckGB(n string) bool {
	r := vatWeighted(n, 8, 7, 6, 5, 4, 3, 2, 10, 1) % 97
	return r == 0 || (vatInt(n[:3]) >= 100 && (r == 42 || r == 55))
}

func vatCheckCH(n string) bool {
	c := 11 - vatWeighted(n[1:], 5, 4, 3, 2, 7, 6, 5, 4)%11
	if c == 10 {
		return false
	}
	return c%11 == vatDigit(n, 9)
}

func vatCheckNO(n string) bool { return vatWeighted(n, 3, 2, 7, 6, 5, 4, 3, 2, 1)%11 == 0 }
