package invoicesync

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// The one path of every call to the ledger and the source: the rate
// limiter, the retries and why they stopped, and the calls shared by the
// invoices of a run.

// ledger makes a call to the ledger, fn, through the one retry path (see
// retry), each attempt waiting for the rate limiter (Config.Limiter) first:
// every call the Syncer makes to the ledger goes through it.
func (s *Syncer) ledger(ctx context.Context, fn func() error) error {
	return s.retry(ctx, func() error {
		if s.cfg.Limiter != nil {
			if err := s.cfg.Limiter.Wait(ctx); err != nil {
				return err
			}
		}
		return fn()
	})
}

// loadChart reads the ledger's chart as LoadChart does, each listing
// through the retry path.
func (s *Syncer) loadChart(ctx context.Context) (*Chart, error) {
	return loadChart(ctx, s.target, func(call func() error) error { return s.ledger(ctx, call) })
}

// retry calls fn until it succeeds, fails for good, or fails temporarily
// MaxAttempts times, waiting RetryDelay, then twice as long, in between.
// A failure comes back as a *retryStop around fn's last error, saying why
// the retries stopped.
func (s *Syncer) retry(ctx context.Context, fn func() error) error {
	delay := s.cfg.RetryDelay
	for attempt := 1; ; attempt++ {
		err := fn()
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return stopRetrying(err, attempt, "the run ended", false)
		case !Retryable(err):
			return stopRetrying(err, attempt, "the failure is not marked temporary", false)
		case attempt >= s.cfg.MaxAttempts:
			return stopRetrying(err, attempt, fmt.Sprintf("failed temporarily %d times", attempt), true)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return stopRetrying(err, attempt, "the run ended", false)
		case <-t.C:
		}
		delay *= 2
	}
}

// retryStop is a call's last error and why the retry path stopped trying it
// (like a client's "should retry" answering with its reason). It is
// transparent to errors.Is and errors.As.
type retryStop struct {
	err    error
	reason string // for a message: "not tried again: …", "tried 2 times, then stopped: …"
}

func (e *retryStop) Error() string { return e.err.Error() }

func (e *retryStop) Unwrap() error { return e.err }

// stopRetrying is err after attempt attempts, stopped because of why;
// exhausted: why already says the attempts were all used.
func stopRetrying(err error, attempt int, why string, exhausted bool) *retryStop {
	switch {
	case attempt == 1:
		why = "not tried again: " + why
	case !exhausted:
		why = fmt.Sprintf("tried %d times, then stopped: %s", attempt, why)
	}
	return &retryStop{err: err, reason: why}
}

// retryReason says why the retry path stopped trying the call that failed
// with err, for a message: "" when err did not come through it.
func retryReason(err error) string {
	var rs *retryStop
	if !errors.As(err, &rs) {
		return ""
	}
	return rs.reason
}

// flight shares the result of one call per key among the invoices of a run
// that need it at the same time, and caches it for the rest of the run. A
// failure that may pass (temporary, or ctx ended) is not cached.
type flight[T any] struct {
	mu    sync.Mutex
	calls map[string]*flightCall[T]
}

type flightCall[T any] struct {
	done chan struct{}
	val  T
	err  error
}

func (f *flight[T]) do(ctx context.Context, key string, fn func() (T, error)) (T, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]*flightCall[T]{}
	}
	if c, ok := f.calls[key]; ok {
		f.mu.Unlock()
		select {
		case <-c.done:
			return c.val, c.err
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
	c := &flightCall[T]{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()
	c.val, c.err = fn()
	if c.err != nil && (Retryable(c.err) || ctx.Err() != nil || Code(c.err) == "") {
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
	}
	close(c.done)
	return c.val, c.err
}
