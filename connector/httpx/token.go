package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// TokenStore persists a tenant's token, so that a refreshed OAuth2 token
// (whose refresh token may have rotated) or a session token survives the
// process. The host implements it over its own database, encrypted at rest.
type TokenStore interface {
	// LoadToken returns the tenant's stored token, or nil and no error
	// when there is none.
	LoadToken(ctx context.Context, tenant string) (*oauth2.Token, error)
	// SaveToken stores tok as the tenant's token, replacing the previous one.
	SaveToken(ctx context.Context, tenant string, tok *oauth2.Token) error
}

// MemoryTokenStore is a TokenStore in memory, for tests and single-process
// tools. The zero value is ready to use.
type MemoryTokenStore struct {
	mu     sync.Mutex
	tokens map[string]oauth2.Token
	saves  int
}

// LoadToken returns a copy of the tenant's token, or nil.
func (s *MemoryTokenStore) LoadToken(_ context.Context, tenant string) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[tenant]
	if !ok {
		return nil, nil
	}
	return &t, nil
}

// SaveToken stores a copy of tok.
func (s *MemoryTokenStore) SaveToken(_ context.Context, tenant string, tok *oauth2.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tokens == nil {
		s.tokens = make(map[string]oauth2.Token)
	}
	s.tokens[tenant] = *tok
	s.saves++
	return nil
}

// Saves returns how many times SaveToken was called.
func (s *MemoryTokenStore) Saves() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saves
}

// TokenFetcher obtains a new token. current is the token being replaced
// (expired or refused), nil when there is none; an OAuth2 refresher takes
// its refresh token from it.
type TokenFetcher func(ctx context.Context, current *oauth2.Token) (*oauth2.Token, error)

// TokenAuth authorizes requests with a token that expires: an OAuth2 access
// token or a session token. It keeps the current token, loads it from Store
// on first use, and fetches a new one with Fetch when it is missing, about
// to expire (ExpiryDelta), or refused with a 401. A fetched token is saved
// in Store before any request uses it; if saving fails the token is not
// used and the error is returned. Concurrent callers needing a new token
// wait for one fetch. Safe for concurrent use.
type TokenAuth struct {
	// Fetch obtains a new token. Required.
	Fetch TokenFetcher
	// Store persists the token per tenant; optional.
	Store TokenStore
	// Tenant is the key in Store.
	Tenant string
	// Apply writes the token into the request; nil sets
	// "Authorization: Bearer ACCESS_TOKEN".
	Apply func(req *http.Request, tok *oauth2.Token)
	// Clock judges expiry; nil is the system clock.
	Clock Clock
	// ExpiryDelta renews a token this long before it expires; 0 means one minute.
	ExpiryDelta time.Duration
	// FetchTimeout bounds one fetch, which runs on behalf of every waiting
	// caller and so ignores their cancellation; 0 means one minute.
	FetchTimeout time.Duration

	mu       sync.Mutex
	tok      *oauth2.Token
	loaded   bool
	flight   *fetchCall
	redactor *Redactor
}

// fetchCall is one fetch that concurrent callers wait for.
type fetchCall struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

func (a *TokenAuth) useRedactor(r *Redactor) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.redactor = r
	if a.tok != nil {
		r.Add(a.tok.AccessToken, a.tok.RefreshToken)
	}
}

// hide adds tok's access and refresh tokens to the Redactor, if any.
func (a *TokenAuth) hide(tok *oauth2.Token) {
	a.mu.Lock()
	r := a.redactor
	a.mu.Unlock()
	if r != nil && tok != nil {
		r.Add(tok.AccessToken, tok.RefreshToken)
	}
}

func (a *TokenAuth) clock() Clock {
	if a.Clock == nil {
		return SystemClock{}
	}
	return a.Clock
}

// valid reports whether tok can be used now.
func (a *TokenAuth) valid(tok *oauth2.Token) bool {
	if tok == nil || tok.AccessToken == "" {
		return false
	}
	if tok.Expiry.IsZero() {
		return true
	}
	delta := a.ExpiryDelta
	if delta == 0 {
		delta = time.Minute
	}
	return a.clock().Now().Add(delta).Before(tok.Expiry)
}

// Token returns a valid token, fetching one when needed.
func (a *TokenAuth) Token(ctx context.Context) (*oauth2.Token, error) {
	return a.token(ctx, nil)
}

// token returns a valid token; refused, when set, is a token the API
// refused, to be replaced even if it has not expired.
func (a *TokenAuth) token(ctx context.Context, refused *oauth2.Token) (*oauth2.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	a.mu.Lock()
	if refused != nil && a.tok != nil && a.tok.AccessToken == refused.AccessToken {
		stale := *a.tok
		stale.AccessToken = ""
		a.tok = &stale
	}
	if a.loaded && a.valid(a.tok) {
		tok := a.tok
		a.mu.Unlock()
		return tok, nil
	}
	f := a.flight
	if f == nil {
		f = &fetchCall{done: make(chan struct{})}
		a.flight = f
		go a.fetch(context.WithoutCancel(ctx), f)
	}
	a.mu.Unlock()
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fetch loads the stored token or fetches a new one, stores it, and
// releases the callers waiting on f.
func (a *TokenAuth) fetch(ctx context.Context, f *fetchCall) {
	timeout := a.FetchTimeout
	if timeout == 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tok, err := a.load(ctx)
	a.mu.Lock()
	if err == nil {
		a.loaded = true
		a.tok = tok
	}
	a.flight = nil
	a.mu.Unlock()
	f.tok, f.err = tok, err
	close(f.done)
}

// load returns the stored token when it is valid, else a fetched and
// stored one. Every token it sees becomes a secret of the Redactor at once,
// before anything (an error saving it) could quote it.
func (a *TokenAuth) load(ctx context.Context) (*oauth2.Token, error) {
	a.mu.Lock()
	current, loaded := a.tok, a.loaded
	a.mu.Unlock()
	if !loaded && a.Store != nil {
		stored, err := a.Store.LoadToken(ctx, a.Tenant)
		if err != nil {
			return nil, fmt.Errorf("loading the token of tenant %q: %w", a.Tenant, err)
		}
		a.hide(stored)
		if a.valid(stored) {
			return stored, nil
		}
		current = stored
	}
	if a.Fetch == nil {
		return nil, errors.New("httpx: TokenAuth has no Fetch")
	}
	tok, err := a.Fetch(ctx, current)
	if err != nil {
		return nil, err
	}
	if tok == nil || tok.AccessToken == "" {
		return nil, errors.New("httpx: the token fetcher returned no token")
	}
	a.hide(tok)
	if a.Store != nil {
		if err := a.Store.SaveToken(ctx, a.Tenant, tok); err != nil {
			return nil, fmt.Errorf("saving the new token of tenant %q (not used, to keep the store current): %w", a.Tenant, err)
		}
	}
	return tok, nil
}

func (a *TokenAuth) apply(req *http.Request, tok *oauth2.Token) {
	if a.Apply != nil {
		a.Apply(req, tok)
		return
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
}

// Authorize writes a valid token into req.
func (a *TokenAuth) Authorize(ctx context.Context, req *http.Request) error {
	tok, err := a.token(ctx, nil)
	if err != nil {
		return err
	}
	a.apply(req, tok)
	return nil
}

// Renew replaces the token req was authorized with, unless another caller
// has replaced it already, and reports true.
func (a *TokenAuth) Renew(ctx context.Context, req *http.Request) (bool, error) {
	a.mu.Lock()
	cur := a.tok
	a.mu.Unlock()
	var refused *oauth2.Token
	if cur != nil && cur.AccessToken != "" {
		probe, _ := http.NewRequest(http.MethodGet, "/", nil)
		a.apply(probe, cur)
		if sameAuth(probe.Header, req.Header) {
			refused = cur
		}
	}
	if _, err := a.token(ctx, refused); err != nil {
		return false, err
	}
	return true, nil
}

// sameAuth reports whether the headers a token sets in probe have the same
// values in req.
func sameAuth(probe, req http.Header) bool {
	for k, v := range probe {
		got := req.Values(k)
		if len(got) != len(v) {
			return false
		}
		for i := range v {
			if got[i] != v[i] {
				return false
			}
		}
	}
	return len(probe) > 0
}

// Session returns a TokenFetcher that creates a session token from
// long-lived credentials: create returns the token and when it expires
// (zero: never, until the API refuses it).
func Session(create func(ctx context.Context) (token string, expiry time.Time, err error)) TokenFetcher {
	return func(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
		tok, exp, err := create(ctx)
		if err != nil {
			return nil, err
		}
		return &oauth2.Token{AccessToken: tok, TokenType: "session", Expiry: exp}, nil
	}
}
