package httpx

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"slices"
	"strings"
)

// span is a part [start, end) of a text to hide.
type span struct{ start, end int }

// replaceSpans returns s with each span, or each group of overlapping
// spans, replaced by Redacted.
func replaceSpans(s string, sp []span) string {
	slices.SortFunc(sp, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for i := 0; i < len(sp); {
		start, end := sp[i].start, sp[i].end
		j := i + 1
		for ; j < len(sp) && sp[j].start < end; j++ {
			end = max(end, sp[j].end)
		}
		b.WriteString(s[last:start])
		b.WriteString(Redacted)
		last, i = end, j
	}
	b.WriteString(s[last:])
	return b.String()
}

// pattern is a text the matcher looks for.
type pattern struct {
	text string
	key  uint32 // its first four bytes
	// run marks a base64 core: the whole base64 run around it is hidden.
	run bool
}

// secretPatterns returns what the secret s, at least minSecret long, is
// looked for as: its text forms, and its base64 cores (see base64Cores)
// also URL-escaped, JSON-escaped and HTML-escaped.
func secretPatterns(s string) []pattern {
	var out []pattern
	add := func(text string, run bool) {
		for i := range out {
			if out[i].text == text {
				out[i].run = out[i].run || run
				return
			}
		}
		out = append(out, pattern{text: text, key: key4(text, 0), run: run})
	}
	for _, f := range textForms(s) {
		add(f, false)
	}
	for _, c := range base64Cores(s) {
		add(c, true)
		add(url.QueryEscape(c), true)
		add(strings.ReplaceAll(c, "/", `\/`), true)
		add(strings.ReplaceAll(c, "+", "&#43;"), true)
	}
	return out
}

// textForms returns s as it is, URL-escaped (query and path), JSON-escaped
// (with and without HTML escaping, and with "\/" for "/") and HTML-escaped
// (also with "&#43;" for "+", as html/template writes it).
func textForms(s string) []string {
	forms := []string{s, url.QueryEscape(s), url.PathEscape(s)}
	for _, escapeHTML := range []bool{true, false} {
		var b strings.Builder
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(escapeHTML)
		_ = e.Encode(s) // a string always encodes
		j := strings.TrimSuffix(b.String(), "\n")
		j = j[1 : len(j)-1]
		forms = append(forms, j, strings.ReplaceAll(j, "/", `\/`))
	}
	h := html.EscapeString(s)
	return append(forms, h, strings.ReplaceAll(h, "+", "&#43;"))
}

// base64Cores returns, for each of the three byte alignments a secret can
// have in encoded data, the base64 characters that only the secret's bits
// decide, in the standard and the URL alphabets. Any base64 encoding of
// any data holding the secret holds one of them, whatever precedes and
// follows the secret and whether the encoding is padded or not.
func base64Cores(s string) []string {
	var out []string
	for a := 0; a < 3; a++ {
		b := make([]byte, a+len(s))
		copy(b[a:], s)
		enc := base64.RawStdEncoding.EncodeToString(b)
		// Character k holds bits [6k, 6k+6); the secret's are [8a, 8(a+len)).
		core := enc[(8*a+5)/6 : 8*(a+len(s))/6]
		out = append(out, core, strings.NewReplacer("+", "-", "/", "_").Replace(core))
	}
	return out
}

// filterBits is the size of a matcher's filter: one bit per hash of the
// first four bytes of a pattern.
const filterBits = 1 << 16

// matcher finds the patterns of a Redactor's secrets in one pass over a
// text: at each position, the text's next four bytes select the patterns
// that may start there (a bit filter first, then a hash table chaining the
// patterns of one slot), and only those are compared. It is immutable once
// built, and built in time linear in the number of patterns.
type matcher struct {
	known  map[string]struct{} // the secrets it was built from
	pats   []pattern
	slots  []int32 // by hash of the key: 1 + the first pattern of the slot, or 0
	next   []int32 // by pattern: 1 + the next pattern of its slot, or 0
	shift  uint32  // 32 - log2(len(slots))
	filter [filterBits / 64]uint64
}

func key4(s string, i int) uint32 {
	return uint32(s[i]) | uint32(s[i+1])<<8 | uint32(s[i+2])<<16 | uint32(s[i+3])<<24
}

func hash4(k uint32) uint32 { return k * 0x9E3779B1 }

// newMatcher returns the matcher of secrets, whose patterns are given.
func newMatcher(secrets []string, patterns map[string][]pattern) *matcher {
	m := &matcher{known: make(map[string]struct{}, len(secrets))}
	n := 0
	for _, s := range secrets {
		m.known[s] = struct{}{}
		n += len(patterns[s])
	}
	m.pats = make([]pattern, 0, n)
	for _, s := range secrets {
		m.pats = append(m.pats, patterns[s]...)
	}
	bits := uint32(4)
	for 1<<bits < 2*n {
		bits++
	}
	m.shift = 32 - bits
	m.slots = make([]int32, 1<<bits)
	m.next = make([]int32, n)
	for i := len(m.pats) - 1; i >= 0; i-- {
		h := hash4(m.pats[i].key)
		m.next[i] = m.slots[h>>m.shift]
		m.slots[h>>m.shift] = int32(i + 1)
		m.filter[h>>16/64] |= 1 << (h >> 16 % 64)
	}
	return m
}

// find appends to sp the spans of s that match a pattern: the match itself,
// or for a base64 core the whole base64 run around it.
func (m *matcher) find(s string, sp []span) []span {
	if m == nil || len(m.pats) == 0 {
		return sp
	}
	runEnd := 0 // the end of the last base64 run found
	for i := 0; i+4 <= len(s); i++ {
		k := key4(s, i)
		h := hash4(k)
		if m.filter[h>>16/64]&(1<<(h>>16%64)) == 0 {
			continue
		}
		for j := m.slots[h>>m.shift]; j != 0; j = m.next[j-1] {
			p := &m.pats[j-1]
			if p.key != k || !strings.HasPrefix(s[i:], p.text) {
				continue
			}
			if !p.run {
				sp = append(sp, span{i, i + len(p.text)})
			} else if i >= runEnd {
				start, end := base64Run(s, i, i+len(p.text))
				sp = append(sp, span{start, end})
				runEnd = end
			}
		}
	}
	return sp
}

// base64Run widens [start, end) to the base64 run around it: characters
// of either alphabet, also escaped in a URL ("%2B", "%2F"), in JSON ("\/")
// or in HTML ("&#43;"), then the padding ("=", "%3D").
func base64Run(s string, start, end int) (int, int) {
	for start > 0 {
		n := base64UnitBefore(s, start)
		if n == 0 {
			break
		}
		start -= n
	}
	for end < len(s) {
		n := base64UnitAt(s, end)
		if n == 0 {
			break
		}
		end += n
	}
	for end < len(s) {
		if s[end] == '=' {
			end++
		} else if end+3 <= len(s) && strings.EqualFold(s[end:end+3], "%3D") {
			end += 3
		} else {
			break
		}
	}
	return start, end
}

// escapedBase64 are the escaped forms of base64 characters a run may hold.
var escapedBase64 = []string{"%2B", "%2F", "%2b", "%2f", `\/`, "&#43;"}

// base64UnitAt returns the length of the base64 character, plain or
// escaped, at s[i:], or 0.
func base64UnitAt(s string, i int) int {
	if isBase64(s[i]) {
		return 1
	}
	for _, e := range escapedBase64 {
		if strings.HasPrefix(s[i:], e) {
			return len(e)
		}
	}
	return 0
}

// base64UnitBefore returns the length of the base64 character, plain or
// escaped, that ends just before s[i], or 0.
func base64UnitBefore(s string, i int) int {
	for _, e := range escapedBase64 {
		if strings.HasSuffix(s[:i], e) {
			return len(e)
		}
	}
	if isBase64(s[i-1]) {
		return 1
	}
	return 0
}

func isBase64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_'
}

// credentialNames are the words, in lower case, that make a header,
// parameter or field name a credential's.
var credentialNames = []string{
	"authorization", "cookie",
	"apikey", "api-key", "api_key",
	"authtoken", "auth-token", "auth_token",
	"accesstoken", "access-token", "access_token",
	"refreshtoken", "refresh-token", "refresh_token",
	"password", "passwd",
	"clientsecret", "client-secret", "client_secret",
}

// credentialPairs holds the credential names by their first two bytes,
// credentialPairSet marks those pairs: most positions of a text are passed
// over after one bit test.
var (
	credentialPairs   = map[uint16][]string{}
	credentialPairSet [1 << 16 / 64]uint64
)

func init() {
	for _, n := range credentialNames {
		k := pair(n[0], n[1])
		credentialPairs[k] = append(credentialPairs[k], n)
		credentialPairSet[k/64] |= 1 << (k % 64)
	}
}

// pair returns the key of two bytes, lower-cased.
func pair(a, b byte) uint16 { return uint16(lower(a))<<8 | uint16(lower(b)) }

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// quotes are the quotes a name or a value may be written in, longest first:
// escaped in a JSON string, HTML entities, plain.
var quotes = []string{"&quot;", "&#34;", "&#39;", `\"`, `"`, "'"}

// redactedEscaped is Redacted as a URL query writes it.
const redactedEscaped = "%5BREDACTED%5D"

// Limits of the HTML tags skipped between a name and its value.
const (
	maxTags   = 4
	maxTagLen = 64
)

// credentialValues appends to sp the values of the credential headers,
// parameters and fields written in s (see String).
func credentialValues(s string, sp []span) []span {
	for i := 0; i+1 < len(s); i++ {
		if k := pair(s[i], s[i+1]); credentialPairSet[k/64]&(1<<(k%64)) == 0 {
			continue
		}
		n := credentialNameAt(s, i)
		if n == 0 {
			continue
		}
		p := i + n
		for p < len(s) && isNameByte(s[p]) {
			p++
		}
		name := strings.ToLower(s[i:p])
		var next int
		sp, next = credentialValue(s, p, strings.Contains(name, "cookie"), strings.Contains(name, "authorization"), sp)
		i = max(next, p) - 1
	}
	return sp
}

// credentialNameAt returns the length of the credential name at s[i:], or 0.
func credentialNameAt(s string, i int) int {
next:
	for _, n := range credentialPairs[pair(s[i], s[i+1])] {
		if len(s)-i < len(n) {
			continue
		}
		for k := 2; k < len(n); k++ {
			if lower(s[i+k]) != n[k] {
				continue next
			}
		}
		return len(n)
	}
	return 0
}

func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// credentialValue reads what follows a credential name ending at p: a
// closing quote, ":" or "=" or HTML tags, and the value, whose span it
// appends to sp. A cookie's unquoted value runs to the end of the line; an
// authorization's is a word, or a scheme and a word; any other is a word.
// It returns where the scan goes on.
func credentialValue(s string, p int, cookie, authorization bool, sp []span) ([]span, int) {
	q := p + len(quoteAt(s, p))
	q = skipBlanks(s, q)
	sep := q < len(s) && (s[q] == ':' || s[q] == '=')
	if sep {
		q = skipBlanks(s, q+1)
	}
	tags := 0
	for tags < maxTags && q < len(s) && s[q] == '<' {
		e := strings.IndexByte(s[q:min(len(s), q+maxTagLen)], '>')
		if e < 0 {
			break
		}
		q = skipBlanks(s, q+e+1)
		tags++
	}
	if !sep && tags == 0 || q >= len(s) {
		return sp, p
	}
	if done := redactedAt(s, q); done > 0 {
		return sp, q + done
	}
	if qt := quoteAt(s, q); qt != "" {
		return quotedValue(s, q, qt, sp)
	}
	var end int
	switch {
	case s[q] == '[':
		return listValue(s, q+1, sp)
	case tags > 0:
		end = indexAnyFrom(s, q, "<\r\n")
	case cookie:
		end = indexAnyFrom(s, q, "\r\n\"'\\<>&)]}")
	default:
		end = wordEnd(s, q)
		if authorization && isScheme(s[q:end]) {
			if k := skipBlanks(s, end); k > end && k < len(s) && !wordStop(s[k]) {
				end = wordEnd(s, k)
			}
		}
	}
	if end > q {
		sp = append(sp, span{q, end})
	}
	return sp, end
}

// quotedValue appends the span of the content of the string opened by qt
// at s[q:], and returns where it ends.
func quotedValue(s string, q int, qt string, sp []span) ([]span, int) {
	start := q + len(qt)
	end := closingQuote(s, start, qt)
	if s[start:end] != Redacted && end > start {
		sp = append(sp, span{start, end})
	}
	if strings.HasPrefix(s[end:], qt) {
		end += len(qt)
	}
	return sp, end
}

// listValue appends the spans of the elements of the list whose "[" ends
// just before s[p:]: each quoted element's content, or everything up to
// "]", and returns where the list ends.
func listValue(s string, p int, sp []span) ([]span, int) {
	for {
		p = skipBlanks(s, p)
		if p >= len(s) {
			return sp, p
		}
		if done := redactedAt(s, p); done > 0 {
			return sp, p + done
		}
		qt := quoteAt(s, p)
		if qt == "" {
			end := indexAnyFrom(s, p, "]\r\n")
			if end > p {
				sp = append(sp, span{p, end})
			}
			return sp, end
		}
		sp, p = quotedValue(s, p, qt, sp)
		p = skipBlanks(s, p)
		if p >= len(s) || s[p] != ',' {
			return sp, p
		}
		p++
	}
}

// closingQuote returns the index of the quote qt closing a string that
// starts at s[start:], skipping backslash escapes; at most the end of the
// line.
func closingQuote(s string, start int, qt string) int {
	for j := start; j < len(s); j++ {
		switch c := s[j]; {
		case c == '\n' || c == '\r':
			return j
		case strings.HasPrefix(s[j:], qt):
			return j
		case c == '\\' && len(qt) == 1 && j+1 < len(s) && s[j+1] != '\n' && s[j+1] != '\r':
			j++
		}
	}
	return len(s)
}

// quoteAt returns the quote at s[p:], or "".
func quoteAt(s string, p int) string {
	for _, q := range quotes {
		if strings.HasPrefix(s[p:], q) {
			return q
		}
	}
	return ""
}

// redactedAt returns the length of a value already redacted at s[p:], or 0.
func redactedAt(s string, p int) int {
	switch {
	case strings.HasPrefix(s[p:], Redacted):
		return len(Redacted)
	case len(s)-p >= len(redactedEscaped) && strings.EqualFold(s[p:p+len(redactedEscaped)], redactedEscaped):
		return len(redactedEscaped)
	}
	return 0
}

func skipBlanks(s string, p int) int {
	for p < len(s) && (s[p] == ' ' || s[p] == '\t') {
		p++
	}
	return p
}

// indexAnyFrom returns the index of the first byte of s[p:] in chars, or len(s).
func indexAnyFrom(s string, p int, chars string) int {
	if i := strings.IndexAny(s[p:], chars); i >= 0 {
		return p + i
	}
	return len(s)
}

// wordStop reports whether c ends an unquoted credential word.
func wordStop(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '"', '\'', '\\', '<', '>', ',', ';', '&', ')', ']', '}':
		return true
	}
	return false
}

// wordEnd returns the end of the word at s[p:]; Redacted counts as part of
// a word.
func wordEnd(s string, p int) int {
	for p < len(s) {
		if strings.HasPrefix(s[p:], Redacted) {
			p += len(Redacted)
			continue
		}
		if wordStop(s[p]) {
			break
		}
		p++
	}
	return p
}

// isScheme reports whether w looks like an authentication scheme (Basic,
// Bearer, Digest, AWS4-HMAC-SHA256): a letter, then letters, digits or "-".
func isScheme(w string) bool {
	if w == "" || len(w) > 32 || !('A' <= w[0] && w[0] <= 'Z' || 'a' <= w[0] && w[0] <= 'z') {
		return false
	}
	for i := 1; i < len(w); i++ {
		if c := w[i]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
