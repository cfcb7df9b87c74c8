// Package httpx is the HTTP plumbing every REST ledger or source adapter
// shares, written once: authentication (OAuth2 authorization code with PKCE
// and refresh, client credentials, API keys, basic credentials, session
// tokens made from long-lived credentials), retries, rate limits, logging
// with redaction, and typed API errors.
//
// # The client
//
// A [Client] sends [Request]s to one API for one tenant (the host's
// customer whose books are synchronized):
//
//	c, err := httpx.New(httpx.Options{
//		BaseURL: "https://api.example.com/v1",
//		Tenant:  "acme",
//		Auth:    &httpx.Basic{Username: user, Password: password},
//		Limits:  limits, // shared by every client of the process
//		Logger:  logger,
//	})
//	var out struct{ Values []Account }
//	err = c.JSON(ctx, http.MethodGet, "/accounts", nil, nil, &out)
//
// # Retries
//
// Retries go through github.com/hashicorp/go-retryablehttp. A request is
// retried only when repeating it cannot do the work twice: a GET, HEAD,
// OPTIONS, PUT or DELETE, a request carrying an idempotency key
// ([Request.IdempotencyKey], sent in the Idempotency-Key header), one the
// caller marks [Request.Idempotent], or any request the server certainly
// did not process (the connection could not be opened, or a 429). Retried
// statuses are 408, 429, 500, 502, 503 and 504. The wait is exponential
// with jitter (between half and all of RetryWaitMin × 2^attempt, at most
// RetryWaitMax), or exactly what a Retry-After header asks on a 429 or 503
// (up to MaxRetryAfter). Waiting happens on the [Clock], so tests inject one
// and never sleep. Nothing is retried once the request's context is done.
//
// Every failure is an [*APIError] (the server answered with an error status)
// or a [*TransportError] (no usable answer). Both have a Retryable method,
// so invoicesync.Retryable, and so the Syncer, know whether trying the same
// call later is safe and may succeed: the same rule as above.
//
// # Authentication
//
// An [Authenticator] decorates each request. [Basic] and [APIKey] hold
// fixed credentials. [TokenAuth] holds a token that expires: an OAuth2
// access token ([OAuth2.Refresher], [ClientCredentials]) or a session token
// made from long-lived credentials ([Session]). It fetches a new token when
// the current one is expired or when the API answers 401 (once per
// request), saves it in the host's [TokenStore] before any request uses it,
// and collapses concurrent renewals into one request.
//
// # Redaction
//
// The [Redactor] removes secrets from everything the package writes: log
// lines, error strings and the API messages they quote. It knows every
// credential and token the client's authenticator holds or fetches, and the
// value of every secret header (Authorization, Cookie, X-Api-Key…) a request
// carries, whoever set it. It hides each of them raw, URL-escaped, JSON- and
// HTML-escaped, and inside any base64 (either alphabet, padded or not): an
// API or a gateway that echoes "Authorization: Basic " and the base64 of
// "user:token" quotes nothing usable. It also hides the value of any
// credential header or field written in a text, known or not
// ("Authorization: …", "\"cookie\":\"…\"", "api_key=…"), and in URLs,
// headers and JSON the values of query parameters, headers and fields whose
// name says they are secret (authorization, cookie, token, password,
// secret, api key, credential, signature, security code).
//
// # Rate limits
//
// [Limits] keeps one token-bucket limiter (golang.org/x/time/rate) per API
// host and tenant, so that one tenant's burst does not use another's quota.
package httpx
