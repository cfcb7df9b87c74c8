package httpx_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/httpx"
)

// tokenServer is an OAuth2 token endpoint. It answers refresh_token grants
// for secretRefresh with secretAccessNew (rotating the refresh token), and
// authorization_code grants for secretAuthCode.
type tokenServer struct {
	refreshes atomic.Int32
	codes     atomic.Int32
	// gate, when set, holds each refresh until it is closed.
	gate     chan struct{}
	arrived  chan struct{}
	once     sync.Once
	verifier string
}

func (ts *tokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	id, secret, _ := r.BasicAuth()
	if id == "" {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	w.Header().Set("Content-Type", "application/json")
	if id != "invoicesync-app" || secret != secretClientSecret {
		w.WriteHeader(401)
		io.WriteString(w, `{"error":"invalid_client","error_description":"bad client credentials"}`)
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "refresh_token":
		ts.refreshes.Add(1)
		if ts.arrived != nil {
			ts.once.Do(func() { close(ts.arrived) })
		}
		if ts.gate != nil {
			<-ts.gate
		}
		if r.PostForm.Get("refresh_token") != secretRefresh {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"invalid_grant","error_description":"refresh token revoked"}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"access_token": secretAccessNew, "token_type": "Bearer", "expires_in": 3600, "refresh_token": secretRefresh2})
	case "authorization_code":
		ts.codes.Add(1)
		ts.verifier = r.PostForm.Get("code_verifier")
		if r.PostForm.Get("code") != secretAuthCode || ts.verifier == "" {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"invalid_grant"}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"access_token": secretAccessNew, "token_type": "Bearer", "expires_in": 3600, "refresh_token": secretRefresh})
	case "client_credentials":
		json.NewEncoder(w).Encode(map[string]any{"access_token": secretAccessNew, "token_type": "Bearer", "expires_in": 3600})
	default:
		w.WriteHeader(400)
		io.WriteString(w, `{"error":"unsupported_grant_type"}`)
	}
}

func oauthConfig(tokenURL string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: "invoicesync-app", ClientSecret: secretClientSecret,
		Endpoint:    oauth2.Endpoint{AuthURL: "https://accounts.example/authorize", TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInHeader},
		RedirectURL: "https://host.example/callback", Scopes: []string{"accounting"},
	}
}

// checkingStore is a MemoryTokenStore; the API server asks it which token
// is current when a request arrives.
type checkingStore struct{ httpx.MemoryTokenStore }

func TestTwentyCallersOneRefresh(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	ts := &tokenServer{gate: make(chan struct{}), arrived: make(chan struct{})}
	tokenSrv := httptest.NewServer(ts)
	defer tokenSrv.Close()

	store := &checkingStore{}
	ctx := context.Background()
	require.NoError(t, store.SaveToken(ctx, "acme", &oauth2.Token{
		AccessToken: secretAccessOld, RefreshToken: secretRefresh, TokenType: "Bearer", Expiry: clock.Now().Add(-time.Minute),
	}))

	var mu sync.Mutex
	var seen []string
	var unstored atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if cur, _ := store.LoadToken(r.Context(), "acme"); cur == nil || cur.AccessToken != got {
			unstored.Add(1) // a token used before the store had it
		}
		mu.Lock()
		seen = append(seen, got)
		mu.Unlock()
		if got != secretAccessNew {
			w.WriteHeader(401)
			return
		}
		io.WriteString(w, `{"ok":true}`)
	}))
	defer api.Close()

	o := &httpx.OAuth2{Config: oauthConfig(tokenSrv.URL), HTTPClient: tokenSrv.Client()}
	auth := &httpx.TokenAuth{Fetch: o.Refresher(), Store: store, Tenant: "acme", Clock: clock}
	opts := options(w, clock, api.URL)
	opts.Auth = auth
	c, err := httpx.New(opts)
	require.NoError(t, err)

	const callers = 20
	var wg sync.WaitGroup
	errs := make([]error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.Do(ctx, &httpx.Request{Method: http.MethodGet, Path: "/invoices"})
		}()
	}
	<-ts.arrived   // the one refresh is in flight...
	close(ts.gate) // ...and may finish
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, w.err(err))
	}
	assert.Equal(t, int32(1), ts.refreshes.Load(), "exactly one refresh request")
	assert.Equal(t, 1, store.Saves()-1, "the refreshed token saved once") // one Save was the test's
	mu.Lock()
	assert.Len(t, seen, callers)
	for _, s := range seen {
		assert.Equal(t, secretAccessNew, s, "every caller used the new token")
	}
	mu.Unlock()
	assert.Zero(t, unstored.Load(), "the store held the new token before any request used it")
	stored, err := store.LoadToken(ctx, "acme")
	require.NoError(t, err)
	assert.Equal(t, secretRefresh2, stored.RefreshToken, "the rotated refresh token is kept")
}

// failingStore refuses to save.
type failingStore struct{ httpx.MemoryTokenStore }

func (*failingStore) SaveToken(context.Context, string, *oauth2.Token) error {
	return errors.New("database is read-only")
}

func TestTokenNotUsedWhenItCannotBeStored(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	ts := &tokenServer{}
	tokenSrv := httptest.NewServer(ts)
	defer tokenSrv.Close()
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) }))
	defer api.Close()

	store := &failingStore{}
	store.MemoryTokenStore.SaveToken(context.Background(), "acme", &oauth2.Token{AccessToken: secretAccessOld, RefreshToken: secretRefresh, Expiry: clock.Now().Add(-time.Hour)})
	o := &httpx.OAuth2{Config: oauthConfig(tokenSrv.URL), HTTPClient: tokenSrv.Client()}
	opts := options(w, clock, api.URL)
	opts.Auth = &httpx.TokenAuth{Fetch: o.Refresher(), Store: store, Tenant: "acme", Clock: clock}
	c, err := httpx.New(opts)
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, Path: "/x"})
	require.Error(t, w.err(err))
	assert.Contains(t, err.Error(), "database is read-only")
	assert.Zero(t, calls.Load(), "no request went out with a token the store does not have")
}

func TestRevokedRefreshTokenSaysAuthorizeAgain(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	tokenSrv := httptest.NewServer(&tokenServer{})
	defer tokenSrv.Close()
	store := &httpx.MemoryTokenStore{}
	store.SaveToken(context.Background(), "acme", &oauth2.Token{AccessToken: secretAccessOld, RefreshToken: "not-the-right-refresh", Expiry: clock.Now().Add(-time.Hour)})
	o := &httpx.OAuth2{Config: oauthConfig(tokenSrv.URL), HTTPClient: tokenSrv.Client()}
	opts := options(w, clock, "https://api.example")
	opts.Auth = &httpx.TokenAuth{Fetch: o.Refresher(), Store: store, Tenant: "acme", Clock: clock}
	c, err := httpx.New(opts)
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, Path: "/x"})
	var ae *httpx.APIError
	require.ErrorAs(t, w.err(err), &ae)
	assert.Equal(t, 400, ae.Status)
	assert.Equal(t, "invalid_grant", ae.Code)
	assert.Contains(t, ae.Message, "must authorize the application again")
	assert.False(t, invoicesync.Retryable(err))
}

func TestAuthorizationCodeWithPKCE(t *testing.T) {
	w := newWatch(t)
	ts := &tokenServer{}
	tokenSrv := httptest.NewServer(ts)
	defer tokenSrv.Close()
	store := &httpx.MemoryTokenStore{}
	o := &httpx.OAuth2{Config: oauthConfig(tokenSrv.URL), HTTPClient: tokenSrv.Client(), Store: store}

	state, err := httpx.NewState()
	require.NoError(t, err)
	authURL, verifier := o.AuthCodeURL(state)
	u, err := url.Parse(authURL)
	require.NoError(t, err)
	q := u.Query()
	assert.Equal(t, "accounts.example", u.Host)
	assert.Equal(t, state, q.Get("state"))
	assert.Equal(t, "S256", q.Get("code_challenge_method"))
	assert.Equal(t, oauth2.S256ChallengeFromVerifier(verifier), q.Get("code_challenge"))
	assert.Equal(t, "code", q.Get("response_type"))
	assert.Equal(t, "invoicesync-app", q.Get("client_id"))
	assert.Empty(t, q.Get("client_secret"), "the secret never travels in the browser")

	require.Error(t, w.err(httpx.CheckState(state, state+"x")))
	require.NoError(t, httpx.CheckState(state, state))

	tok, err := o.Exchange(context.Background(), "acme", secretAuthCode, verifier)
	require.NoError(t, w.err(err))
	assert.Equal(t, secretAccessNew, tok.AccessToken)
	assert.Equal(t, verifier, ts.verifier, "the verifier is sent with the code")
	stored, _ := store.LoadToken(context.Background(), "acme")
	require.NotNil(t, stored)
	assert.Equal(t, secretRefresh, stored.RefreshToken)
}

func TestClientCredentials(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	tokenSrv := httptest.NewServer(&tokenServer{})
	defer tokenSrv.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+secretAccessNew {
			w.WriteHeader(401)
		}
	}))
	defer api.Close()
	cc := &clientcredentials.Config{ClientID: "invoicesync-app", ClientSecret: secretClientSecret, TokenURL: tokenSrv.URL, AuthStyle: oauth2.AuthStyleInHeader}
	opts := options(w, clock, api.URL)
	opts.Auth = &httpx.TokenAuth{Fetch: httpx.ClientCredentials(cc, tokenSrv.Client()), Clock: clock}
	c, err := httpx.New(opts)
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, Path: "/x"})
	require.NoError(t, w.err(err))

	cc.ClientSecret = "wrong-secret-value"
	opts.Auth = &httpx.TokenAuth{Fetch: httpx.ClientCredentials(cc, tokenSrv.Client()), Clock: clock}
	c, err = httpx.New(opts)
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, Path: "/x"})
	var ae *httpx.APIError
	require.ErrorAs(t, w.err(err), &ae)
	assert.Equal(t, "invalid_client", ae.Code)
}

func TestSessionRenewedOnExpiryAndOnOne401(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	var mu sync.Mutex
	live := map[string]bool{}
	var created atomic.Int32
	next := []string{secretSession1, secretSession2, "session-token-third-ccc"}
	allSecretsWithThird := "session-token-third-ccc"
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/session" {
			if r.URL.Query().Get("employeeToken") != secretEmployee {
				w.WriteHeader(403)
				return
			}
			tok := next[created.Add(1)-1]
			live[tok] = true
			json.NewEncoder(w).Encode(map[string]string{"token": tok})
			return
		}
		_, pass, _ := r.BasicAuth()
		if !live[pass] {
			w.WriteHeader(401)
			io.WriteString(w, `{"message":"session `+pass+` is not valid"}`)
			return
		}
		io.WriteString(w, `{}`)
	}))
	defer api.Close()

	var c *httpx.Client
	auth := &httpx.TokenAuth{
		Clock: clock,
		Fetch: httpx.Session(func(ctx context.Context) (string, time.Time, error) {
			var out struct{ Token string }
			err := c.JSONRequest(ctx, &httpx.Request{Method: http.MethodPut, Path: "/session", NoAuth: true,
				Query: url.Values{"employeeToken": {secretEmployee}}}, nil, &out)
			return out.Token, clock.Now().Add(24 * time.Hour), err
		}),
		Apply: func(req *http.Request, tok *oauth2.Token) { req.SetBasicAuth("0", tok.AccessToken) },
	}
	opts := options(w, clock, api.URL)
	opts.Auth = auth
	opts.Redactor = httpx.NewRedactor(secretEmployee)
	c, err := httpx.New(opts)
	require.NoError(t, err)
	ctx := context.Background()
	get := &httpx.Request{Method: http.MethodGet, Path: "/ledger"}

	_, err = c.Do(ctx, get)
	require.NoError(t, w.err(err))
	assert.Equal(t, int32(1), created.Load())

	// The server drops the session: one 401, one new session, the request succeeds.
	mu.Lock()
	live = map[string]bool{}
	mu.Unlock()
	_, err = c.Do(ctx, get)
	require.NoError(t, w.err(err))
	assert.Equal(t, int32(2), created.Load())

	// Expiry: a day later the token is renewed before use, without a 401.
	clock.Advance(25 * time.Hour)
	_, err = c.Do(ctx, get)
	require.NoError(t, w.err(err))
	assert.Equal(t, int32(3), created.Load())
	assert.NotContains(t, w.logText(), allSecretsWithThird)

	// A 401 that survives the renewal is returned, after one renewal only.
	mu.Lock()
	next = append(next, "session-token-fourth-ddd")
	live = map[string]bool{}
	mu.Unlock()
	api.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/session" {
			created.Add(1)
			json.NewEncoder(w).Encode(map[string]string{"token": "session-token-fourth-ddd"})
			return
		}
		w.WriteHeader(401)
	})
	_, err = c.Do(ctx, get)
	var ae *httpx.APIError
	require.ErrorAs(t, w.err(err), &ae)
	assert.Equal(t, 401, ae.Status)
	assert.Equal(t, int32(4), created.Load(), "one renewal, not a loop")
	noSecret(t, w.logText())
}

func TestFixedCredentialsAreHidden(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A careless API echoes what it was sent.
		_, pass, _ := r.BasicAuth()
		w.WriteHeader(422)
		json.NewEncoder(w).Encode(map[string]any{
			"code": "BAD", "message": "user rejected with password " + pass + " and key " + r.Header.Get("X-Api-Key"),
			"errors": []any{map[string]string{"field": "password", "message": "is " + pass}},
		})
	}))
	defer api.Close()
	for _, auth := range []httpx.Authenticator{
		&httpx.Basic{Username: "demo", Password: secretPassword},
		&httpx.APIKey{Header: "X-Api-Key", Key: secretAPIKey},
	} {
		opts := options(w, clock, api.URL)
		opts.Auth = auth
		c, err := httpx.New(opts)
		require.NoError(t, err)
		_, err = c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, Path: "/x",
			Query: url.Values{"apiKey": {secretAPIKey}, "page": {"2"}}})
		var ae *httpx.APIError
		require.ErrorAs(t, w.err(err), &ae)
		assert.Equal(t, "BAD", ae.Code)
		assert.Contains(t, ae.Message, httpx.Redacted)
		assert.Contains(t, ae.URL, "page=2")
		assert.Contains(t, ae.URL, "apiKey=%5BREDACTED%5D")
		noSecret(t, err.Error())
	}
}
