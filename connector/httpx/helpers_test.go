package httpx_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/invoicesync/invoicesync/connector/httpx"
	"github.com/invoicesync/invoicesync/connector/httpx/httpxtest"
)

// The secrets every test uses. No log line and no error string of any test
// may contain one (see newWatch).
const (
	secretPassword     = "hunter2-basic-password"
	secretAPIKey       = "key-9f8e7d6c5b4a39281706"
	secretClientSecret = "client-secret-5a4b3c2d1e"
	secretRefresh      = "refresh-token-0a1b2c3d4e"
	secretRefresh2     = "refresh-token-rotated-77"
	secretAccessOld    = "access-token-expired-111"
	secretAccessNew    = "access-token-fresh-222"
	secretConsumer     = "consumer-token-abcdef123"
	secretEmployee     = "employee-token-987654321"
	secretSession1     = "session-token-first-aaa"
	secretSession2     = "session-token-second-bbb"
	secretAuthCode     = "auth-code-zyxwvu98765"
)

var allSecrets = []string{
	secretPassword, secretAPIKey, secretClientSecret, secretRefresh, secretRefresh2,
	secretAccessOld, secretAccessNew, secretConsumer, secretEmployee, secretSession1,
	secretSession2, secretAuthCode,
}

// watch captures a test's log lines and error strings and, when the test
// ends, fails it if any contains a secret.
type watch struct {
	mu     sync.Mutex
	logs   bytes.Buffer
	errs   []string
	logger *slog.Logger
}

func newWatch(t *testing.T) *watch {
	t.Helper()
	w := &watch{}
	w.logger = slog.New(slog.NewJSONHandler(lockedWriter{w}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	t.Cleanup(func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		logs := w.logs.String()
		for _, s := range allSecrets {
			assert.NotContains(t, logs, s, "a log line holds a secret")
			for _, e := range w.errs {
				assert.NotContains(t, e, s, "an error string holds a secret")
			}
		}
	})
	return w
}

// err records err's string for the secret check and returns err.
func (w *watch) err(err error) error {
	if err != nil {
		w.mu.Lock()
		w.errs = append(w.errs, err.Error())
		w.mu.Unlock()
	}
	return err
}

func (w *watch) logText() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.logs.String()
}

type lockedWriter struct{ w *watch }

func (l lockedWriter) Write(p []byte) (int, error) {
	l.w.mu.Lock()
	defer l.w.mu.Unlock()
	return l.w.logs.Write(p)
}

// newFakeClock returns the tests' clock, at 21 November 2026, 09:00 UTC.
func newFakeClock() *httpxtest.Clock {
	return httpxtest.NewClock(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))
}

// options returns client options logging to w, on clock, with no jitter
// (the backoff waits exactly half its exponential step).
func options(w *watch, clock *httpxtest.Clock, base string) httpx.Options {
	return httpx.Options{BaseURL: base, Tenant: "acme", Logger: w.logger, Clock: clock, Jitter: func() float64 { return 0 }}
}

func noSecret(t *testing.T, s string) {
	t.Helper()
	for _, sec := range allSecrets {
		if strings.Contains(s, sec) {
			t.Errorf("%q holds the secret %q", s, sec)
		}
	}
}
