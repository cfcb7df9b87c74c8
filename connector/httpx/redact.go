package httpx

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
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
// safe for concurrent use; the zero value hides names only (see
// SecretName) until secrets are added.
type Redactor struct {
	mu      sync.RWMutex
	secrets []string
	pinned  int // the first pinned secrets (credentials) are never forgotten
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
	for _, s := range secrets {
		if len(s) < minSecret || r.has(s) {
			continue
		}
		r.secrets = append(r.secrets, "")
		copy(r.secrets[r.pinned+1:], r.secrets[r.pinned:])
		r.secrets[r.pinned] = s
		r.pinned++
	}
}

// Add adds short-lived secrets (access, refresh and session tokens). When
// more than maxSecrets are known, the oldest short-lived ones are forgotten.
func (r *Redactor) Add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		if len(s) < minSecret || r.has(s) {
			continue
		}
		r.secrets = append(r.secrets, s)
	}
	if over := len(r.secrets) - maxSecrets; over > 0 && len(r.secrets)-r.pinned > over {
		r.secrets = append(r.secrets[:r.pinned], r.secrets[r.pinned+over:]...)
	}
}

func (r *Redactor) has(s string) bool {
	for _, k := range r.secrets {
		if k == s {
			return true
		}
	}
	return false
}

// String returns s with every known secret replaced by Redacted, including
// its URL-escaped form.
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, k := range r.secrets {
		if strings.Contains(s, k) {
			s = strings.ReplaceAll(s, k, Redacted)
		}
		if q := url.QueryEscape(k); q != k && strings.Contains(s, q) {
			s = strings.ReplaceAll(s, q, Redacted)
		}
	}
	return s
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
// by Redacted at any depth, then every known secret hidden. A body that is
// not JSON is only stripped of known secrets.
func (r *Redactor) JSON(body []byte) string {
	var v any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
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
