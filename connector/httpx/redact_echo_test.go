package httpx_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/invoicesync/invoicesync/connector/httpx"
)

// echoSecret has the characters that URL escaping, JSON and the base64
// alphabets treat differently.
const echoSecret = "sess/ion+tok=42?x"

var b64s = map[string]*base64.Encoding{
	"std": base64.StdEncoding, "url": base64.URLEncoding, "raw std": base64.RawStdEncoding, "raw url": base64.RawURLEncoding,
}

func TestRedactorHidesEveryEncodingOfAKnownSecret(t *testing.T) {
	r := httpx.NewRedactor()
	r.Add(echoSecret)
	for name, text := range map[string]string{
		"raw":           "a " + echoSecret + " b",
		"query escape":  "a sess%2Fion%2Btok%3D42%3Fx b",
		"path escape":   "a sess%2Fion+tok=42%3Fx b",
		"json slash":    `a sess\/ion+tok=42?x b`,
		"html template": "a sess/ion&#43;tok=42?x b",
	} {
		assert.Equal(t, "a [REDACTED] b", r.String(text), name)
	}
	for enc, e := range b64s {
		for _, prefix := range []string{"", "0:", "user:", "x", `{"token":"`, "tenant-42:"} {
			for _, suffix := range []string{"", "!", `"}`} {
				b := e.EncodeToString([]byte(prefix + echoSecret + suffix))
				assert.Equal(t, "[REDACTED]", r.String(b), "%s of %q", enc, prefix+"…"+suffix)
				assert.Equal(t, "a [REDACTED] b", r.String("a "+b+" b"), "%s of %q", enc, prefix+"…"+suffix)
				assert.Equal(t, `{"c":"[REDACTED]"}`, r.String(`{"c":"`+b+`"}`), "%s of %q", enc, prefix+"…"+suffix)
			}
		}
	}
	basic := base64.StdEncoding.EncodeToString([]byte("0:" + echoSecret))
	for name, c := range map[string]struct{ in, want string }{
		"header line": {
			"HTTP/1.1 401\r\nWWW-Authenticate: Basic\r\n\r\nGET /v2/ledger HTTP/1.1\r\nAuthorization: Basic " + basic + "\r\nHost: api\r\n",
			"HTTP/1.1 401\r\nWWW-Authenticate: Basic\r\n\r\nGET /v2/ledger HTTP/1.1\r\nAuthorization: [REDACTED]\r\nHost: api\r\n",
		},
		"json": {
			`{"message":"denied","headers":{"Authorization":["Basic ` + basic + `"],"Accept":["application/json"]}}`,
			`{"message":"denied","headers":{"Authorization":["[REDACTED]"],"Accept":["application/json"]}}`,
		},
		"json string in json": {
			`{"developerMessage":"{\"authorization\":\"Basic ` + basic + `\"}"}`,
			`{"developerMessage":"{\"authorization\":\"[REDACTED]\"}"}`,
		},
		"html": {
			"<html><body><h1>502 Bad Gateway</h1><pre>authorization: basic " + basic + "</pre></body></html>",
			"<html><body><h1>502 Bad Gateway</h1><pre>authorization: [REDACTED]</pre></body></html>",
		},
		"upper case, unpadded": {
			"AUTHORIZATION: BASIC " + strings.TrimRight(basic, "=") + "\n",
			"AUTHORIZATION: [REDACTED]\n",
		},
		"alone": {
			"credentials " + basic + " refused",
			"credentials [REDACTED] refused",
		},
	} {
		assert.Equal(t, c.want, r.String(c.in), name)
		assert.Equal(t, c.want, r.String(c.want), "%s: redacting twice changes nothing", name)
	}
	assert.Equal(t, `{"headers":{"Authorization":"[REDACTED]"},"message":"denied [REDACTED]"}`,
		r.JSON([]byte(`{"message":"denied `+basic+`","headers":{"Authorization":["Basic `+basic+`"]}}`)))
}

func TestRedactorHidesCredentialHeadersItNeverSaw(t *testing.T) {
	r := httpx.NewRedactor() // knows no secret
	for _, c := range []struct{ in, want string }{
		{"Authorization: Bearer abc.def.ghi\r\nHost: x", "Authorization: [REDACTED]\r\nHost: x"},
		{"proxy-authorization: Basic Zm9vOmJhcg== (from the proxy)", "proxy-authorization: [REDACTED] (from the proxy)"},
		{`{"Authorization":"Bearer xyz","id":7}`, `{"Authorization":"[REDACTED]","id":7}`},
		{`{"authorization" : 'Token t-1'}`, `{"authorization" : '[REDACTED]'}`},
		{"GET /x?authorization=Basic%20eHl6&page=2", "GET /x?authorization=[REDACTED]&page=2"},
		{"Set-Cookie: sid=abc123; Path=/; HttpOnly\r\nVary: Origin", "Set-Cookie: [REDACTED]\r\nVary: Origin"},
		{"cookie=sid%3Dabc&page=2", "cookie=[REDACTED]&page=2"},
		{"X-Api-Key: k-123456789\nX-Trace: 1", "X-Api-Key: [REDACTED]\nX-Trace: 1"},
		{"x-auth-token=tok42 sent", "x-auth-token=[REDACTED] sent"},
		{"map[Accept:[json] Authorization:[Basic Zm9v Bearer x]]", "map[Accept:[json] Authorization:[[REDACTED]]]"},
		{"<tr><th>Authorization</th><td>Bearer abc</td></tr>", "<tr><th>Authorization</th><td>[REDACTED]</td></tr>"},
		{"password: hunter2 was refused", "password: [REDACTED] was refused"},
		{"<pre>{&quot;authorization&quot;:&quot;Basic Zm9v&quot;}</pre>", "<pre>{&quot;authorization&quot;:&quot;[REDACTED]&quot;}</pre>"},
		{`{"headers":{"cookie":["a=1; b=2","c=3"]}}`, `{"headers":{"cookie":["[REDACTED]","[REDACTED]"]}}`},
	} {
		assert.Equal(t, c.want, r.String(c.in), c.in)
		assert.Equal(t, c.want, r.String(c.want), "%s: redacting twice changes nothing", c.in)
	}
	for _, s := range []string{
		"Authorization failed: the session token expired on 2026-11-22.",
		"Cookies are disabled; the api key is missing",
		"Invalid consumer or employee token",
		"GET https://api.example/v2/ledger/voucher?from=0&count=1000: 502 Bad Gateway",
		"Authorization: [REDACTED]",
		"https://user:%5BREDACTED%5D@api.example/x?apiKey=%5BREDACTED%5D&access_token=%5BREDACTED%5D&page=2",
		"SGVsbG8sIHdvcmxkIQ== is base64 of a greeting",
		"",
	} {
		assert.Equal(t, s, r.String(s))
	}
	var nilRedactor *httpx.Redactor
	assert.Equal(t, "Authorization: [REDACTED]", nilRedactor.String("Authorization: Basic Zm9vOmJhcg=="))
}

// JSON treats a body that is a JSON value followed by more text as text:
// the text is kept, redacted.
func TestRedactorJSONWithTrailingText(t *testing.T) {
	r := httpx.NewRedactor(secretConsumer)
	assert.Equal(t, "400 Bad Request\nauthorization: [REDACTED]\n", r.JSON([]byte("400 Bad Request\nauthorization: Basic "+secretConsumer+"\n")))
	assert.Equal(t, `{"a":1} trailing [REDACTED]`, r.JSON([]byte(`{"a":1} trailing `+secretConsumer)))
	assert.Equal(t, `{"a":1}`, r.JSON([]byte(" {\"a\":1}\n")))
}

// The client adds the value of every credential header a request carries,
// and its credential part, to its Redactor: an authenticator the package
// does not know is covered too.
func TestCredentialHeadersBecomeSecrets(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	const opaque = "opaque-session-0123456789"
	api := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get("X-Session-Token")
		auth := strings.TrimPrefix(r.Header.Get("Authorization"), "Signed ")
		rw.WriteHeader(http.StatusForbidden)
		json.NewEncoder(rw).Encode(map[string]any{
			"message": "session " + tok + " unknown, signature " + auth + " (" + base64.RawURLEncoding.EncodeToString([]byte(auth)) + ")",
		})
	}))
	defer api.Close()
	opts := options(w, clock, api.URL)
	opts.Auth = signer{token: opaque}
	c, err := httpx.New(opts)
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, Path: "/x"})
	var ae *httpx.APIError
	require.ErrorAs(t, w.err(err), &ae)
	assert.Equal(t, "session [REDACTED] unknown, signature [REDACTED] ([REDACTED])", ae.Message)
	assert.NotContains(t, w.logText(), opaque)
	assert.NotContains(t, w.logText(), "sig-")
}

// signer is an Authenticator the Client knows nothing of: it sets a session
// header and an Authorization header of its own scheme.
type signer struct{ token string }

func (s signer) Authorize(_ context.Context, req *http.Request) error {
	req.Header.Set("X-Session-Token", s.token)
	req.Header.Set("Authorization", "Signed sig-"+strings.Repeat("5a", 8))
	return nil
}

func (signer) Renew(context.Context, *http.Request) (bool, error) { return false, nil }

// An OAuth2 token endpoint that quotes the client secret and the
// Authorization header in its error description gets them hidden.
func TestTokenEndpointEchoIsHidden(t *testing.T) {
	w := newWatch(t)
	tokenSrv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_, secret, _ := r.BasicAuth()
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(http.StatusUnauthorized)
		io.WriteString(rw, `{"error":"invalid_client","error_description":"client secret `+secret+
			` in Authorization: `+r.Header.Get("Authorization")+` is wrong"}`)
	}))
	defer tokenSrv.Close()
	cfg := &clientcredentials.Config{ClientID: "invoicesync-app", ClientSecret: secretClientSecret, TokenURL: tokenSrv.URL,
		AuthStyle: oauth2.AuthStyleInHeader}
	_, err := httpx.ClientCredentials(cfg, tokenSrv.Client())(context.Background(), nil)
	var ae *httpx.APIError
	require.ErrorAs(t, w.err(err), &ae)
	assert.Equal(t, "invalid_client", ae.Code)
	assert.Equal(t, "client secret [REDACTED] in Authorization: [REDACTED] is wrong", ae.Message)
}

// benchText is a kilobyte of an ordinary error body.
var benchText = strings.Repeat(`{"status":422,"code":18000,"message":"Validering feilet.","validationMessages":[{"field":"postings","message":"Summen av posteringene må være 0."}]} `, 7)

func benchRedactor(n int) *httpx.Redactor {
	r := httpx.NewRedactor(secretConsumer, secretEmployee)
	for i := range n {
		r.Add(base64.StdEncoding.EncodeToString([]byte(`{"tokenId":` + strings.Repeat("7", i%9+1) + `,"token":"` + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `-5b2c-4d1e-9f8a"}`)))
	}
	return r
}

// BenchmarkRedactorString measures String over a kilobyte of text holding no
// secret, with a few secrets known and with the most a Redactor keeps, and
// over the same text ending with an echoed Authorization header.
func BenchmarkRedactorString(b *testing.B) {
	for _, n := range []int{1, 254} {
		r := benchRedactor(n)
		b.Run(fmt.Sprintf("%d secrets", n+2), func(b *testing.B) {
			b.SetBytes(int64(len(benchText)))
			for i := 0; i < b.N; i++ {
				r.String(benchText)
			}
		})
	}
	r := benchRedactor(1)
	echo := benchText + "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("0:"+secretConsumer))
	b.Run("echoed header", func(b *testing.B) {
		b.SetBytes(int64(len(echo)))
		for i := 0; i < b.N; i++ {
			r.String(echo)
		}
	})
}

// quotingStore fails to save, quoting the token in its error.
type quotingStore struct{ httpx.MemoryTokenStore }

func (*quotingStore) SaveToken(_ context.Context, _ string, tok *oauth2.Token) error {
	return errors.New("duplicate key " + tok.AccessToken + " (" + base64.StdEncoding.EncodeToString([]byte("0:"+tok.AccessToken)) + ")")
}

// A fetched token is a secret before it is stored: an error saving it
// cannot quote it.
func TestTokenHiddenFromTheErrorSavingIt(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	opts := options(w, clock, "https://api.example")
	opts.Auth = &httpx.TokenAuth{Store: &quotingStore{}, Tenant: "acme", Clock: clock,
		Fetch: httpx.Session(func(context.Context) (string, time.Time, error) { return secretSession1, time.Time{}, nil })}
	c, err := httpx.New(opts)
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, Path: "/x"})
	require.Error(t, w.err(err))
	assert.Equal(t, `httpx: GET https://api.example/x: obtaining credentials: saving the new token of tenant "acme" (not used, to keep the store current): duplicate key [REDACTED] ([REDACTED])`, err.Error())
}

// BenchmarkRedactorAdd measures adding a new secret to a Redactor that
// keeps the most it can (the oldest short-lived one is forgotten).
func BenchmarkRedactorAdd(b *testing.B) {
	r := benchRedactor(254)
	for i := 0; i < b.N; i++ {
		r.Add(fmt.Sprintf("rotating-token-%012d", i))
	}
}
