// Package httpxtest holds test helpers for code built on package httpx.
package httpxtest

import (
	"context"
	"sync"
	"time"

	"github.com/invoicesync/invoicesync/connector/httpx"
)

var _ httpx.Clock = (*Clock)(nil)

// Clock is an httpx.Clock for tests that never sleeps: Sleep records the
// duration it was asked to wait and moves the time on by it at once, so a
// test runs without waiting and can assert the exact waits. The time moves
// only through Sleep and Advance. A Clock is safe for concurrent use; the
// zero Clock stands at the zero time.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	sleeps  []time.Duration
	onSleep func()
}

// NewClock returns a Clock standing at now.
func NewClock(now time.Time) *Clock {
	return &Clock{now: now}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep returns ctx.Err() at once. A positive d is recorded (see Slept) and
// moves the time on by d, then the function given to OnSleep, if any, runs;
// a d <= 0 does neither.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	if d > 0 {
		c.sleeps = append(c.sleeps, d)
		c.now = c.now.Add(d)
	}
	f := c.onSleep
	c.mu.Unlock()
	if f != nil && d > 0 {
		f()
	}
	return ctx.Err()
}

// Advance moves the time on by d, as time passing outside any Sleep.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Slept returns a copy of the positive durations Sleep was given, in order;
// nil when none.
func (c *Clock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// OnSleep has f run at each later Sleep of a positive duration, after the
// time has moved on and before Sleep returns (e.g. a context's cancel
// function, for a caller that gives up while it waits); nil stops it. f runs
// without the clock's lock held, so it may use the clock.
func (c *Clock) OnSleep(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onSleep = f
}
