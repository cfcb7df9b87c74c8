package httpx

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// OAuth2 drives the authorization-code flow of one OAuth2 client (the
// host's application registered with the accounting system) with PKCE:
//
//  1. AuthCodeURL gives the URL to send the user to, a state and a PKCE
//     verifier; keep both in the user's session.
//  2. On the redirect, CheckState compares the returned state, then
//     Exchange trades the code for a token and saves it for the tenant.
//  3. Requests then use a TokenAuth whose Fetch is Refresher, with the
//     same TokenStore: the access token is refreshed when it expires.
type OAuth2 struct {
	// Config is the client's registration: ID, secret, endpoint, redirect
	// URL and scopes.
	Config *oauth2.Config
	// HTTPClient sends the token requests; nil is http.DefaultClient.
	HTTPClient *http.Client
	// Store receives the tokens Exchange obtains.
	Store TokenStore
}

// NewState returns a random state for an authorization request (32 bytes,
// URL-safe base64).
func NewState() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// CheckState compares the state the redirect carries with the one the
// authorization request sent, in constant time.
func CheckState(sent, received string) error {
	if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(received)) != 1 {
		return errors.New("httpx: the OAuth2 state does not match the authorization request: start the authorization again")
	}
	return nil
}

// AuthCodeURL returns the authorization URL for state with a PKCE S256
// challenge, and the verifier to pass to Exchange.
func (o *OAuth2) AuthCodeURL(state string, opts ...oauth2.AuthCodeOption) (authURL, verifier string) {
	verifier = oauth2.GenerateVerifier()
	opts = append(opts, oauth2.S256ChallengeOption(verifier))
	return o.Config.AuthCodeURL(state, opts...), verifier
}

func (o *OAuth2) ctx(ctx context.Context) context.Context {
	if o.HTTPClient != nil {
		return context.WithValue(ctx, oauth2.HTTPClient, o.HTTPClient)
	}
	return ctx
}

// Exchange trades an authorization code for a token, with the PKCE
// verifier AuthCodeURL returned, and saves it in Store for tenant.
func (o *OAuth2) Exchange(ctx context.Context, tenant, code, verifier string) (*oauth2.Token, error) {
	tok, err := o.Config.Exchange(o.ctx(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		red := NewRedactor(o.Config.ClientSecret)
		red.Add(code, verifier)
		return nil, tokenError(red, "exchanging the authorization code", err)
	}
	if o.Store != nil {
		if err := o.Store.SaveToken(ctx, tenant, tok); err != nil {
			return nil, fmt.Errorf("saving the token of tenant %q: %w", tenant, err)
		}
	}
	return tok, nil
}

// Refresher returns a TokenFetcher that refreshes the current token with
// its refresh token. When the server returns no new refresh token, the old
// one is kept.
func (o *OAuth2) Refresher() TokenFetcher {
	return func(ctx context.Context, current *oauth2.Token) (*oauth2.Token, error) {
		if current == nil || current.RefreshToken == "" {
			return nil, errors.New("httpx: no refresh token for this tenant: the user must authorize the application again")
		}
		old := *current
		old.AccessToken = ""
		old.Expiry = time.Unix(1, 0) // expired, so the token source refreshes
		tok, err := o.Config.TokenSource(o.ctx(ctx), &old).Token()
		if err != nil {
			red := NewRedactor(o.Config.ClientSecret)
			red.Add(current.RefreshToken, current.AccessToken)
			return nil, tokenError(red, "refreshing the access token", err)
		}
		return tok, nil
	}
}

// ClientCredentials returns a TokenFetcher for the client-credentials grant
// (machine-to-machine access without a user).
func ClientCredentials(cfg *clientcredentials.Config, hc *http.Client) TokenFetcher {
	return func(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
		if hc != nil {
			ctx = context.WithValue(ctx, oauth2.HTTPClient, hc)
		}
		tok, err := cfg.Token(ctx)
		if err != nil {
			return nil, tokenError(NewRedactor(cfg.ClientSecret), "obtaining a client-credentials token", err)
		}
		return tok, nil
	}
}

// tokenError turns an OAuth2 token endpoint failure into an *APIError
// (status, the OAuth2 error code and description, redacted by red) without
// quoting the response body; other failures are wrapped, their message
// redacted by red. red holds the client secret and the grant (code,
// verifier, refresh token) the request sent.
func tokenError(red *Redactor, what string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		e := &APIError{
			Method:  http.MethodPost,
			Status:  re.Response.StatusCode,
			Code:    red.String(re.ErrorCode),
			Message: red.String(re.ErrorDescription),
		}
		if re.Response.Request != nil && re.Response.Request.URL != nil {
			e.URL = red.URL(re.Response.Request.URL)
		}
		if e.Message == "" {
			e.Message = what + " failed"
		}
		if re.ErrorCode == "invalid_grant" {
			e.Message += " (the grant is no longer valid: the user must authorize the application again)"
		}
		e.Temporary = e.Status == http.StatusTooManyRequests || e.Status >= 500
		return e
	}
	return redactErr(red, fmt.Errorf("%s: %w", what, err))
}
