package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Defaults of Options.
const (
	DefaultRetryMax      = 4
	DefaultRetryWaitMin  = 500 * time.Millisecond
	DefaultRetryWaitMax  = 30 * time.Second
	DefaultMaxRetryAfter = 2 * time.Minute
	DefaultTimeout       = 60 * time.Second
	// DefaultMaxBody bounds a response body the client reads (32 MiB).
	DefaultMaxBody = 32 << 20
)

// Options configure a Client.
type Options struct {
	// BaseURL is prefixed to every Request.Path that is not an absolute URL.
	BaseURL string
	// Tenant names whose books the client works on: the rate-limit bucket,
	// the TokenStore key, and an attribute of every log line.
	Tenant string
	// Auth authorizes requests; nil sends none.
	Auth Authenticator
	// HTTPClient sends requests; nil is a pooled client with DefaultTimeout.
	HTTPClient *http.Client
	// Logger receives one line per attempt (debug), per retry (warn) and
	// per failure (info), redacted; nil logs nothing.
	Logger *slog.Logger
	// Clock waits between retries and for the rate limiter; nil is the
	// system clock.
	Clock Clock
	// Limits rate-limits requests per host and tenant; nil does not limit.
	Limits *Limits
	// RetryMax is how many times a request is retried at most; 0 means
	// DefaultRetryMax, a negative value never retries.
	RetryMax int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff; zero
	// values mean DefaultRetryWaitMin and DefaultRetryWaitMax.
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for; a
	// longer one ends the retries with an error saying when to come back.
	// Zero means DefaultMaxRetryAfter.
	MaxRetryAfter time.Duration
	// IdempotencyHeader carries Request.IdempotencyKey; "Idempotency-Key"
	// when empty.
	IdempotencyHeader string
	// DecodeError reads the API's error bodies; nil is DefaultDecodeError.
	DecodeError DecodeError
	// Redactor hides secrets; nil makes a new one. The Auth's credentials
	// and tokens are added to it, and so are the values of the secret
	// headers (SecretName) every request carries.
	Redactor *Redactor
	// UserAgent is sent in the User-Agent header when set.
	UserAgent string
	// Jitter returns a number in [0, 1) for the backoff's jitter; nil is
	// math/rand. Tests pin it.
	Jitter func() float64
}

// Client sends requests to one API for one tenant with authentication,
// retries, rate limiting, logging and typed errors (see the package
// comment). Safe for concurrent use.
type Client struct {
	o    Options
	base *url.URL
	rc   *retryablehttp.Client
	red  *Redactor
	log  *slog.Logger
}

// New returns a Client.
func New(o Options) (*Client, error) {
	c := &Client{o: o}
	if o.BaseURL != "" {
		u, err := url.Parse(o.BaseURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return nil, fmt.Errorf("httpx: base URL %q is not an absolute URL", o.BaseURL)
		}
		c.base = u
	}
	if c.o.Clock == nil {
		c.o.Clock = SystemClock{}
	}
	switch {
	case c.o.RetryMax == 0:
		c.o.RetryMax = DefaultRetryMax
	case c.o.RetryMax < 0:
		c.o.RetryMax = 0
	}
	if c.o.RetryWaitMin == 0 {
		c.o.RetryWaitMin = DefaultRetryWaitMin
	}
	if c.o.RetryWaitMax == 0 {
		c.o.RetryWaitMax = DefaultRetryWaitMax
	}
	if c.o.MaxRetryAfter == 0 {
		c.o.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if c.o.IdempotencyHeader == "" {
		c.o.IdempotencyHeader = "Idempotency-Key"
	}
	if c.o.DecodeError == nil {
		c.o.DecodeError = DefaultDecodeError
	}
	if c.o.Jitter == nil {
		c.o.Jitter = rand.Float64
	}
	c.red = o.Redactor
	if c.red == nil {
		c.red = NewRedactor()
	}
	if s, ok := o.Auth.(secretHolder); ok {
		s.useRedactor(c.red)
	}
	c.log = o.Logger
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.log = c.log.With(slog.String("tenant", o.Tenant))
	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	c.rc = &retryablehttp.Client{
		HTTPClient:   hc,
		RetryMax:     c.o.RetryMax,
		CheckRetry:   c.checkRetry,
		Backoff:      func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 },
		PrepareRetry: c.prepareRetry,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return c, nil
}

// Redactor returns the client's Redactor, for adapters that log or quote
// what they receive.
func (c *Client) Redactor() *Redactor { return c.red }

// Request is one API call.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is appended to Options.BaseURL, or is an absolute URL.
	Path string
	// Query is the query string.
	Query url.Values
	// Header holds extra headers.
	Header http.Header
	// Body is the request body, already encoded.
	Body []byte
	// ContentType is the body's media type.
	ContentType string
	// IdempotencyKey, when set, is sent in Options.IdempotencyHeader and
	// makes the request retryable: the API promises to do its work once.
	IdempotencyKey string
	// Idempotent marks a request that can be repeated without effect even
	// though its method does not say so (a search sent as POST).
	Idempotent bool
	// NoAuth sends the request without Options.Auth (a login or session
	// creation call).
	NoAuth bool
}

// idempotent reports whether repeating r cannot do its work twice.
func (r *Request) idempotent() bool {
	if r.Idempotent || r.IdempotencyKey != "" {
		return true
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// Response is an API's successful answer (status below 400).
type Response struct {
	// Status is the HTTP status code.
	Status int
	// Header is the response header.
	Header http.Header
	// Body is the whole body.
	Body []byte
}

// callState is one Do's bookkeeping, reached by the retry hooks through
// the request's context.
type callState struct {
	req        *Request
	idempotent bool
	attempt    int
	wait       time.Duration
	start      time.Time
	url        string // redacted
	host       string
}

type stateKey struct{}

func stateOf(ctx context.Context) *callState {
	s, _ := ctx.Value(stateKey{}).(*callState)
	return s
}

// resolve returns r's absolute URL.
func (c *Client) resolve(r *Request) (*url.URL, error) {
	u, err := url.Parse(r.Path)
	if err != nil {
		return nil, redactErr(c.red, fmt.Errorf("httpx: bad path %q: %w", c.red.String(r.Path), err))
	}
	if !u.IsAbs() {
		if c.base == nil {
			return nil, fmt.Errorf("httpx: path %q is relative and the client has no base URL", c.red.String(r.Path))
		}
		b := *c.base
		b.Path = strings.TrimSuffix(b.Path, "/") + "/" + strings.TrimPrefix(u.Path, "/")
		b.RawPath = ""
		if u.RawPath != "" {
			b.RawPath = strings.TrimSuffix(c.base.EscapedPath(), "/") + "/" + strings.TrimPrefix(u.RawPath, "/")
		}
		b.RawQuery = u.RawQuery
		u = &b
	}
	if len(r.Query) > 0 {
		q := u.Query()
		for k, vs := range r.Query {
			q[k] = append(q[k], vs...)
		}
		u.RawQuery = q.Encode()
	}
	return u, nil
}

// Do sends r, retrying as the package comment says, renewing the
// credentials once on a 401, and returns the response of a status below
// 400. Any other status is an *APIError; no usable answer is a
// *TransportError; a done ctx is ctx.Err() (wrapped).
func (c *Client) Do(ctx context.Context, r *Request) (*Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	u, err := c.resolve(r)
	if err != nil {
		return nil, err
	}
	renewed := false
	for {
		resp, used, err := c.send(ctx, r, u)
		if err != nil {
			return nil, err
		}
		if resp.Status == http.StatusUnauthorized && !r.NoAuth && c.o.Auth != nil && !renewed {
			renewed = true
			ok, err := c.o.Auth.Renew(ctx, used)
			if err != nil {
				return nil, c.authError(r, u, err)
			}
			if ok {
				c.log.LogAttrs(ctx, slog.LevelInfo, "http credentials renewed after 401",
					slog.String("method", r.Method), slog.String("url", c.red.URL(u)))
				continue
			}
		}
		if resp.Status >= 400 {
			return nil, c.apiError(ctx, r, u, resp)
		}
		return resp, nil
	}
}

// send makes one round of attempts through retryablehttp. It returns the
// final response (any status), the last request sent, or an error.
func (c *Client) send(ctx context.Context, r *Request, u *url.URL) (*Response, *http.Request, error) {
	st := &callState{req: r, idempotent: r.idempotent(), start: c.o.Clock.Now(), url: c.red.URL(u), host: u.Host}
	rctx := context.WithValue(ctx, stateKey{}, st)
	req, err := retryablehttp.NewRequestWithContext(rctx, r.Method, u.String(), r.Body)
	if err != nil {
		return nil, nil, redactErr(c.red, fmt.Errorf("httpx: %s %s: %w", r.Method, st.url, err))
	}
	for k, vs := range r.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	if c.o.UserAgent != "" {
		req.Header.Set("User-Agent", c.o.UserAgent)
	}
	if r.IdempotencyKey != "" {
		req.Header.Set(c.o.IdempotencyHeader, r.IdempotencyKey)
	}
	if err := c.prepare(rctx, req.Request); err != nil {
		return nil, nil, err
	}
	hr, err := c.rc.Do(req)
	last := req.Request
	if err != nil {
		if hr != nil {
			hr.Body.Close()
		}
		return nil, last, c.transportError(ctx, r, st, err)
	}
	defer hr.Body.Close()
	body, err := io.ReadAll(io.LimitReader(hr.Body, DefaultMaxBody+1))
	if err == nil && len(body) > DefaultMaxBody {
		err = fmt.Errorf("response body larger than %d bytes", DefaultMaxBody)
	}
	if err != nil {
		return nil, last, c.transportError(ctx, r, st, fmt.Errorf("reading the response: %w", err))
	}
	return &Response{Status: hr.StatusCode, Header: hr.Header, Body: body}, hr.Request, nil
}

// prepare waits for the rate limiter and authorizes req: before the first
// attempt and before each retry. The values of req's secret headers
// (SecretName: Authorization, Cookie, X-Api-Key…), whoever set them, and
// their credential parts become secrets of the Redactor, so that an API
// or a gateway quoting them, in any encoding the Redactor knows, is
// redacted too.
func (c *Client) prepare(ctx context.Context, req *http.Request) error {
	st := stateOf(ctx)
	if err := c.o.Limits.wait(ctx, c.o.Clock, st.host, c.o.Tenant); err != nil {
		return fmt.Errorf("httpx: %s %s: waiting for the rate limit: %w", req.Method, st.url, err)
	}
	if c.o.Auth != nil && !st.req.NoAuth {
		if err := c.o.Auth.Authorize(ctx, req); err != nil {
			return c.authError(st.req, req.URL, err)
		}
	}
	c.red.addHeaders(req.Header)
	return nil
}

// authError reports a failure to obtain credentials.
func (c *Client) authError(r *Request, u *url.URL, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return redactErr(c.red, fmt.Errorf("httpx: %s %s: %w", r.Method, c.red.URL(u), err))
	}
	return redactErr(c.red, fmt.Errorf("httpx: %s %s: obtaining credentials: %w", r.Method, c.red.URL(u), err))
}

// checkRetry is retryablehttp's CheckRetry: it logs the attempt, decides
// whether to retry and how long to wait first (st.wait).
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := stateOf(ctx)
	st.attempt++
	attrs := []slog.Attr{slog.String("method", st.req.Method), slog.String("url", st.url), slog.Int("attempt", st.attempt)}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	retry, wait := false, time.Duration(0)
	backoff := func() time.Duration {
		d := c.o.RetryWaitMin << min(st.attempt-1, 30)
		if d > c.o.RetryWaitMax || d <= 0 {
			d = c.o.RetryWaitMax
		}
		return d/2 + time.Duration(c.o.Jitter()*float64(d/2))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", c.red.String(err.Error())))
		c.log.LogAttrs(ctx, slog.LevelDebug, "http attempt failed", attrs...)
		retry = st.idempotent || notSent(err)
		wait = backoff()
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		c.log.LogAttrs(ctx, slog.LevelDebug, "http attempt", attrs...)
		after, hasAfter := retryAfter(resp.Header, c.o.Clock.Now())
		switch resp.StatusCode {
		case http.StatusTooManyRequests:
			retry, wait = true, backoff()
		case http.StatusServiceUnavailable:
			retry, wait = st.idempotent, backoff()
		case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
			retry, wait = st.idempotent, backoff()
			hasAfter = false
		}
		if retry && hasAfter {
			if after > c.o.MaxRetryAfter {
				retry = false
			}
			wait = after
		}
	}
	if retry && st.attempt > c.o.RetryMax {
		retry = false
	}
	if retry {
		st.wait = wait
		c.log.LogAttrs(ctx, slog.LevelWarn, "http retrying", append(attrs, slog.Duration("wait", wait))...)
	}
	return retry, nil
}

// prepareRetry is retryablehttp's PrepareRetry: it waits st.wait on the
// clock, then waits for the limiter and authorizes the request again (the
// token may have been renewed meanwhile).
func (c *Client) prepareRetry(req *http.Request) error {
	ctx := req.Context()
	if err := c.o.Clock.Sleep(ctx, stateOf(ctx).wait); err != nil {
		return err
	}
	return c.prepare(ctx, req)
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// transportError builds the error of a request without a usable answer.
func (c *Client) transportError(ctx context.Context, r *Request, st *callState, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("httpx: %s %s: %w", r.Method, st.url, ctx.Err())
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its message repeats the unredacted URL
	}
	e := &TransportError{Method: r.Method, URL: st.url, Err: redactErr(c.red, err), NotSent: notSent(err), Idempotent: st.idempotent}
	c.log.LogAttrs(ctx, slog.LevelInfo, "http request failed", slog.String("method", r.Method), slog.String("url", st.url),
		slog.Int("attempts", st.attempt), slog.String("error", e.Err.Error()), slog.Bool("retryable", e.Retryable()))
	return e
}

// apiError builds the error of an error status.
func (c *Client) apiError(ctx context.Context, r *Request, u *url.URL, resp *Response) error {
	code, msg, details, reqID := c.o.DecodeError(resp.Status, resp.Header, resp.Body)
	e := &APIError{
		Method:    r.Method,
		URL:       c.red.URL(u),
		Status:    resp.Status,
		Code:      c.red.String(code),
		Message:   c.red.String(msg),
		RequestID: c.red.String(reqID),
	}
	for _, d := range details {
		e.Details = append(e.Details, c.red.String(d))
	}
	if e.Message == "" && e.Code == "" && len(resp.Body) > 0 {
		e.Message = snippet(c.red.JSON(resp.Body), 200)
	}
	if after, ok := retryAfter(resp.Header, c.o.Clock.Now()); ok {
		e.RetryAfter = after
	}
	idem := r.idempotent()
	switch resp.Status {
	case http.StatusTooManyRequests:
		e.Temporary = true
	case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		e.Temporary = idem
	}
	c.log.LogAttrs(ctx, slog.LevelInfo, "http error", slog.String("method", r.Method), slog.String("url", e.URL),
		slog.Int("status", e.Status), slog.String("code", e.Code), slog.String("message", e.Message),
		slog.String("request_id", e.RequestID), slog.Bool("retryable", e.Temporary))
	return e
}

// snippet cuts s to at most n bytes on a rune boundary.
func snippet(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// JSON sends in (when not nil) as a JSON body and decodes the answer into
// out (when not nil).
func (c *Client) JSON(ctx context.Context, method, path string, query url.Values, in, out any) error {
	return c.JSONRequest(ctx, &Request{Method: method, Path: path, Query: query}, in, out)
}

// JSONRequest is JSON with a Request for the other fields (idempotency key,
// headers, NoAuth).
func (c *Client) JSONRequest(ctx context.Context, r *Request, in, out any) error {
	req := *r
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return redactErr(c.red, fmt.Errorf("httpx: encoding the %s %s body: %w", r.Method, c.red.String(r.Path), err))
		}
		req.Body = b
		req.ContentType = "application/json; charset=utf-8"
	}
	if req.Header == nil {
		req.Header = http.Header{}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(ctx, &req)
	if err != nil {
		return err
	}
	if out == nil || len(bytes.TrimSpace(resp.Body)) == 0 {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(resp.Body))
	d.UseNumber()
	if err := d.Decode(out); err != nil {
		return redactErr(c.red, fmt.Errorf("httpx: decoding the answer of %s %s: %w", r.Method, c.red.String(r.Path), err))
	}
	return nil
}
