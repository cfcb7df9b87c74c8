package httpx

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
)

// Redacted replaces every secret the Redactor hides.
const Redacted = "[REDACTED]"

// minSecret is the shortest value the Redactor replaces wherever it occurs:
// shorter ones would blank out ordinary words.
const minSecret = 6

// maxSecrets bounds how many secret values a Redactor remembers; the
// oldest are forgotten first (tokens rotate, credentials stay).
const maxSecrets = 256

// Redactor hides secrets in strings, URLs, headers and JSON bodies. It is
// safe for concurrent use; the zero value knows no secret and hides
// credential header values (see String) and, in URLs, headers and JSON,
// the values whose name says they are secret (see SecretName).
type Redactor struct {
	mu       sync.Mutex // serialises changes to secrets
	secrets  []string
	pinned   int                     // the first pinned secrets (credentials) are never forgotten
	patterns map[string][]pattern    // what each secret is looked for as
	m        atomic.Pointer[matcher] // built from secrets; nil when none is known
}

// NewRedactor returns a Redactor that hides secrets.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Pin(secrets...)
	return r
}

// Pin adds long-lived secrets (passwords, API keys, client secrets,
// long-lived tokens): they are never forgotten.
func (r *Redactor) Pin(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, s := range secrets {
		if !r.learn(s) {
			continue
		}
		r.secrets = append(r.secrets, "")
		copy(r.secrets[r.pinned+1:], r.secrets[r.pinned:])
		r.secrets[r.pinned] = s
		r.pinned++
		changed = true
	}
	if changed {
		r.m.Store(newMatcher(r.secrets, r.patterns))
	}
}

// Add adds short-lived secrets (access, refresh and session tokens). When
// more than maxSecrets are known, the oldest short-lived ones are forgotten.
func (r *Redactor) Add(secrets ...string) {
	if r.knows(secrets) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, s := range secrets {
		if !r.learn(s) {
			continue
		}
		r.secrets = append(r.secrets, s)
		changed = true
	}
	if over := len(r.secrets) - maxSecrets; over > 0 && len(r.secrets)-r.pinned > over {
		for _, s := range r.secrets[r.pinned : r.pinned+over] {
			delete(r.patterns, s)
		}
		r.secrets = append(r.secrets[:r.pinned], r.secrets[r.pinned+over:]...)
	}
	if changed {
		r.m.Store(newMatcher(r.secrets, r.patterns))
	}
}

// knows reports, without locking, whether every one of secrets is known or
// too short to be one.
func (r *Redactor) knows(secrets []string) bool {
	m := r.m.Load()
	for _, s := range secrets {
		if len(s) < minSecret {
			continue
		}
		if m == nil {
			return false
		}
		if _, ok := m.known[s]; !ok {
			return false
		}
	}
	return true
}

// learn derives the patterns of a new secret s and reports true, or
// reports false when s is known or too short. r.mu is held.
func (r *Redactor) learn(s string) bool {
	if len(s) < minSecret {
		return false
	}
	if _, ok := r.patterns[s]; ok {
		return false
	}
	if r.patterns == nil {
		r.patterns = map[string][]pattern{}
	}
	r.patterns[s] = secretPatterns(s)
	return true
}

// addHeaders adds the values of h's secret headers (SecretName) as
// short-lived secrets, with their credential parts: what follows the
// scheme of "Basic MDpz…" or "Bearer eyJ…", and each cookie's value.
func (r *Redactor) addHeaders(h http.Header) {
	var add []string
	for k, vs := range h {
		if !SecretName(k) {
			continue
		}
		cookie := strings.Contains(strings.ToLower(k), "cookie")
		for _, v := range vs {
			v = strings.TrimSpace(v)
			add = append(add, v)
			if cookie {
				for _, c := range strings.Split(v, ";") {
					if _, val, ok := strings.Cut(c, "="); ok {
						add = append(add, strings.TrimSpace(val))
					}
				}
			} else if _, cred, ok := strings.Cut(v, " "); ok {
				add = append(add, strings.TrimSpace(cred))
			}
		}
	}
	r.Add(add...)
}

// String returns s with these replaced by Redacted:
//
//   - every known secret as it is, URL-escaped (as a query or a path
//     segment), JSON-escaped (also with "\/" for "/") and HTML-escaped;
//   - every run of base64 (standard or URL alphabet, padded or not, even
//     with "+", "/" and "=" escaped for a URL, JSON or HTML) whose decoding
//     holds a known secret, whatever comes before and after the secret:
//     "Basic " followed by base64 of "user:secret" is hidden for any user,
//     the secret alone too;
//   - the value of every credential header, parameter or field written in
//     the text: a name that contains authorization, cookie, api key, auth
//     token, access token, refresh token, password, passwd or client
//     secret (in any case, with "-", "_" or nothing between the words),
//     then ":" or "=" or HTML tags, then the value. The value is a quoted
//     string (its content is hidden), a bracketed list (each element),
//     what follows HTML tags up to the next tag, the rest of the line up to
//     a quote or a tag (for a cookie), or one word (two for an
//     authorization whose first word is a scheme like Basic or Bearer). So
//     "Authorization: Basic …", "\"authorization\":\"Bearer …\"",
//     "authorization=…" and "Set-Cookie: …" hide a secret the Redactor never
//     saw.
//
// A nil Redactor knows no secret. The work is linear in the length of s
// for a bounded number of secrets.
func (r *Redactor) String(s string) string {
	var m *matcher
	if r != nil {
		m = r.m.Load()
	}
	var buf [8]span
	sp := m.find(s, buf[:0])
	sp = credentialValues(s, sp)
	if len(sp) == 0 {
		return s
	}
	return replaceSpans(s, sp)
}

// SecretName reports whether a header, query parameter or JSON field
// called name holds a secret: its lower-cased name contains authorization,
// cookie, token, password, passwd, secret, apikey, api_key, api-key,
// credential, signature or securitycode.
func SecretName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

var secretWords = []string{
	"authorization", "cookie", "token", "password", "passwd", "secret",
	"apikey", "api_key", "api-key", "credential", "signature", "securitycode",
}

// URL returns u as a string with the user information's password, the
// values of secret query parameters (SecretName) and every known secret
// hidden.
func (r *Redactor) URL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		if _, ok := c.User.Password(); ok {
			c.User = url.UserPassword(c.User.Username(), Redacted)
		}
	}
	if c.RawQuery != "" {
		q, err := url.ParseQuery(c.RawQuery)
		if err != nil {
			c.RawQuery = Redacted
		} else {
			for k := range q {
				if SecretName(k) {
					for i := range q[k] {
						q[k][i] = Redacted
					}
				}
			}
			c.RawQuery = q.Encode()
		}
	}
	return r.String(c.String())
}

// Header returns a copy of h with the values of secret headers
// (SecretName) and every known secret hidden.
func (r *Redactor) Header(h http.Header) http.Header {
	c := make(http.Header, len(h))
	for k, vs := range h {
		out := make([]string, len(vs))
		for i, v := range vs {
			if SecretName(k) {
				out[i] = Redacted
			} else {
				out[i] = r.String(v)
			}
		}
		c[k] = out
	}
	return c
}

// JSON returns body with the values of secret fields (SecretName) replaced
// by Redacted at any depth, then redacted as String does. A body that is
// not one JSON value (not JSON, or JSON followed by more text) is redacted
// as String does.
func (r *Redactor) JSON(body []byte) string {
	var v any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return r.String(string(body))
	}
	if _, err := d.Token(); err != io.EOF { // more than one JSON value: text
		return r.String(string(body))
	}
	out, err := json.Marshal(redactValue(v))
	if err != nil { // unreachable: v came from JSON
		return Redacted
	}
	return r.String(string(out))
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if SecretName(k) {
				t[k] = Redacted
			} else {
				t[k] = redactValue(x)
			}
		}
	case []any:
		for i, x := range t {
			t[i] = redactValue(x)
		}
	}
	return v
}
