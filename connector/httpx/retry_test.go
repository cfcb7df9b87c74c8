package httpx_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/httpx"
)

// script answers the requests of a test server one after the other with
// the given statuses (the last one repeats), counting them; a 2xx answer
// records the request's body as "created".
type script struct {
	mu       sync.Mutex
	statuses []int
	headers  []http.Header
	hits     int
	created  []string
	keys     []string
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	i := min(s.hits, len(s.statuses)-1)
	s.hits++
	status := s.statuses[i]
	if i < len(s.headers) {
		for k, v := range s.headers[i] {
			w.Header()[k] = v
		}
	}
	s.keys = append(s.keys, r.Header.Get("Idempotency-Key"))
	if status < 300 {
		s.created = append(s.created, string(body))
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if status >= 400 {
		io.WriteString(w, `{"code":"E`+http.StatusText(status)+`","message":"try later"}`)
		return
	}
	io.WriteString(w, `{"id":1}`)
}

func (s *script) count() (hits, created int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits, len(s.created)
}

func TestRetryAfterOn429WaitsOnTheClock(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	s := &script{statuses: []int{429, 200}, headers: []http.Header{{"Retry-After": {"2"}}}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, err := httpx.New(options(w, clock, srv.URL))
	require.NoError(t, err)

	// A POST without an idempotency key: a 429 means the server refused
	// it, so it is retried all the same.
	resp, err := c.Do(context.Background(), &httpx.Request{Method: http.MethodPost, Path: "/vouchers", Body: []byte(`{"n":1}`)})
	require.NoError(t, w.err(err))
	assert.Equal(t, 200, resp.Status)
	assert.Equal(t, []time.Duration{2 * time.Second}, clock.Slept(), "waits exactly what Retry-After asks, on the injected clock")
	hits, created := s.count()
	assert.Equal(t, 2, hits)
	assert.Equal(t, 1, created)
	assert.Contains(t, w.logText(), `"msg":"http retrying"`)
}

func TestRetryAfterAsHTTPDate(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	when := clock.Now().Add(90 * time.Second).Format(http.TimeFormat)
	s := &script{statuses: []int{503, 200}, headers: []http.Header{{"Retry-After": {when}}}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, err := httpx.New(options(w, clock, srv.URL))
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, Path: "/accounts"})
	require.NoError(t, w.err(err))
	assert.Equal(t, []time.Duration{90 * time.Second}, clock.Slept())
}

func Test503Then200PostsOnce(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	s := &script{statuses: []int{503, 201}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, err := httpx.New(options(w, clock, srv.URL))
	require.NoError(t, err)

	var out struct{ ID int }
	err = c.JSONRequest(context.Background(), &httpx.Request{Method: http.MethodPost, Path: "/vouchers", IdempotencyKey: "inv-42@v1"},
		map[string]string{"number": "F-42"}, &out)
	require.NoError(t, w.err(err))
	assert.Equal(t, 1, out.ID)
	hits, created := s.count()
	assert.Equal(t, 2, hits, "the 503 is retried once")
	assert.Equal(t, 1, created, "one voucher created")
	assert.Equal(t, []string{"inv-42@v1", "inv-42@v1"}, s.keys, "both attempts carry the key")
	// No Retry-After: the backoff's first step, RetryWaitMin, with zero jitter is half of it.
	assert.Equal(t, []time.Duration{httpx.DefaultRetryWaitMin / 2}, clock.Slept())
}

func Test500OnPostWithoutKeyIsNotRetried(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	s := &script{statuses: []int{500, 201}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, err := httpx.New(options(w, clock, srv.URL))
	require.NoError(t, err)

	_, err = c.Do(context.Background(), &httpx.Request{Method: http.MethodPost, Path: "/vouchers", Body: []byte(`{}`)})
	require.Error(t, w.err(err))
	var ae *httpx.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 500, ae.Status)
	assert.Equal(t, "EInternal Server Error", ae.Code)
	assert.Equal(t, "try later", ae.Message)
	assert.False(t, invoicesync.Retryable(err), "the POST may have been processed: not retryable")
	assert.False(t, errors.Is(err, invoicesync.ErrTemporary))
	hits, _ := s.count()
	assert.Equal(t, 1, hits, "not retried")
	assert.Empty(t, clock.Slept())
	assert.Equal(t, "POST "+srv.URL+"/vouchers: 500 Internal Server Error: code EInternal Server Error: try later", err.Error())
}

func Test500OnGetIsRetriedThenRetryable(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	s := &script{statuses: []int{500}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	o := options(w, clock, srv.URL)
	o.RetryMax = 3
	c, err := httpx.New(o)
	require.NoError(t, err)

	_, err = c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, Path: "/accounts"})
	require.Error(t, w.err(err))
	hits, _ := s.count()
	assert.Equal(t, 4, hits, "one attempt and three retries")
	assert.Equal(t, []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second}, clock.Slept(), "exponential backoff, zero jitter")
	assert.True(t, invoicesync.Retryable(err), "a GET may be tried again later")
	assert.ErrorIs(t, err, invoicesync.ErrTemporary)
}

func TestJitterStaysWithinTheStep(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	s := &script{statuses: []int{502, 502, 200}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	o := options(w, clock, srv.URL)
	o.Jitter = func() float64 { return 0.5 }
	c, err := httpx.New(o)
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &httpx.Request{Method: http.MethodDelete, Path: "/x"})
	require.NoError(t, w.err(err))
	// Steps 500 ms and 1 s: half of each plus half of the other half.
	assert.Equal(t, []time.Duration{375 * time.Millisecond, 750 * time.Millisecond}, clock.Slept())
}

func TestNoRetryAfterCancel(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	s := &script{statuses: []int{503, 200}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock.OnSleep(cancel) // the caller gives up while the client waits
	c, err := httpx.New(options(w, clock, srv.URL))
	require.NoError(t, err)

	_, err = c.Do(ctx, &httpx.Request{Method: http.MethodGet, Path: "/accounts"})
	require.ErrorIs(t, w.err(err), context.Canceled)
	assert.False(t, invoicesync.Retryable(err))
	hits, _ := s.count()
	assert.Equal(t, 1, hits, "nothing is sent once ctx is cancelled")

	_, err = c.Do(ctx, &httpx.Request{Method: http.MethodGet, Path: "/accounts"})
	require.ErrorIs(t, w.err(err), context.Canceled)
	hits, _ = s.count()
	assert.Equal(t, 1, hits, "a cancelled ctx sends nothing")
}

func TestLongRetryAfterEndsTheRetries(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	s := &script{statuses: []int{429}, headers: []http.Header{{"Retry-After": {"3600"}}}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, err := httpx.New(options(w, clock, srv.URL))
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, Path: "/accounts"})
	var ae *httpx.APIError
	require.ErrorAs(t, w.err(err), &ae)
	assert.Equal(t, time.Hour, ae.RetryAfter)
	assert.True(t, ae.Retryable())
	assert.Empty(t, clock.Slept(), "an hour is beyond MaxRetryAfter: the caller is told instead")
	assert.Contains(t, err.Error(), "(retry after 1h0m0s)")
}

func TestConnectionRefusedIsRetriedEvenForPost(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close() // nothing listens there any more

	o := options(w, clock, "http://"+addr)
	o.RetryMax = 2
	c, err := httpx.New(o)
	require.NoError(t, err)
	_, err = c.Do(context.Background(), &httpx.Request{Method: http.MethodPost, Path: "/vouchers", Body: []byte(`{}`)})
	var te *httpx.TransportError
	require.ErrorAs(t, w.err(err), &te)
	assert.True(t, te.NotSent)
	assert.True(t, invoicesync.Retryable(err), "the request never left: safe to try again")
	assert.Len(t, clock.Slept(), 2, "two retries")
}

func TestRateLimitPerHostAndTenant(t *testing.T) {
	w, clock := newWatch(t), newFakeClock()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	defer srv.Close()
	limits := httpx.NewLimits(0.5, 1) // one request every 2 s
	mk := func(tenant string) *httpx.Client {
		o := options(w, clock, srv.URL)
		o.Tenant, o.Limits = tenant, limits
		c, err := httpx.New(o)
		require.NoError(t, err)
		return c
	}
	a, a2, b := mk("acme"), mk("acme"), mk("globex")
	ctx := context.Background()
	get := &httpx.Request{Method: http.MethodGet, Path: "/"}
	for _, c := range []*httpx.Client{a, b} {
		_, err := c.Do(ctx, get)
		require.NoError(t, w.err(err))
	}
	assert.Empty(t, clock.Slept(), "each tenant's first request passes at once")
	_, err := a2.Do(ctx, get)
	require.NoError(t, w.err(err))
	assert.Equal(t, []time.Duration{2 * time.Second}, clock.Slept(), "acme's second request (another client, same bucket) waits its turn")
	assert.Equal(t, int32(3), hits.Load())
}
