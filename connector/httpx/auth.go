package httpx

import (
	"context"
	"net/http"
)

// Authenticator decorates requests with credentials. Implementations must
// be safe for concurrent use.
type Authenticator interface {
	// Authorize sets req's credentials (a header, usually).
	Authorize(ctx context.Context, req *http.Request) error
	// Renew is called once when the API answers 401 to req, which carries
	// what Authorize set. It reports whether new credentials are now in
	// place (then the client sends the request again, once); fixed
	// credentials report false and the 401 is returned.
	Renew(ctx context.Context, req *http.Request) (bool, error)
}

// secretHolder is implemented by authenticators whose credentials the
// client's Redactor must hide.
type secretHolder interface {
	// useRedactor gives the authenticator the client's Redactor: it pins its
	// fixed credentials there and adds every token it obtains later.
	useRedactor(r *Redactor)
}

// Basic sends HTTP basic credentials: a user name and a password (or an
// API's security codes).
type Basic struct {
	// Username is the user name.
	Username string
	// Password is the password; it is hidden in logs and errors.
	Password string
}

// Authorize sets the Authorization header.
func (b *Basic) Authorize(_ context.Context, req *http.Request) error {
	req.SetBasicAuth(b.Username, b.Password)
	return nil
}

// Renew reports false: fixed credentials cannot be renewed.
func (b *Basic) Renew(context.Context, *http.Request) (bool, error) { return false, nil }

func (b *Basic) useRedactor(r *Redactor) { r.Pin(b.Password) }

// APIKey sends a fixed key in a header, e.g. Header "X-Api-Key", or Header
// "Authorization" with Prefix "Bearer ".
type APIKey struct {
	// Header is the header's name; "Authorization" when empty.
	Header string
	// Prefix is written before the key, e.g. "Bearer " or "Token ".
	Prefix string
	// Key is the key; it is hidden in logs and errors.
	Key string
}

// Authorize sets the header.
func (k *APIKey) Authorize(_ context.Context, req *http.Request) error {
	h := k.Header
	if h == "" {
		h = "Authorization"
	}
	req.Header.Set(h, k.Prefix+k.Key)
	return nil
}

// Renew reports false: a fixed key cannot be renewed.
func (k *APIKey) Renew(context.Context, *http.Request) (bool, error) { return false, nil }

func (k *APIKey) useRedactor(r *Redactor) { r.Pin(k.Key) }
