package httpxtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/invoicesync/invoicesync/connector/httpx/httpxtest"
)

func TestClock(t *testing.T) {
	start := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	c := httpxtest.NewClock(start)
	assert.Equal(t, start, c.Now())
	assert.Nil(t, c.Slept())

	assert.NoError(t, c.Sleep(context.Background(), 2*time.Second))
	assert.NoError(t, c.Sleep(context.Background(), 0))
	assert.NoError(t, c.Sleep(context.Background(), -time.Second))
	assert.Equal(t, start.Add(2*time.Second), c.Now(), "only the positive sleep moves the time")
	assert.Equal(t, []time.Duration{2 * time.Second}, c.Slept(), "only the positive sleep is recorded")

	c.Advance(time.Hour)
	assert.Equal(t, start.Add(time.Hour+2*time.Second), c.Now())
	assert.Equal(t, []time.Duration{2 * time.Second}, c.Slept(), "Advance is not a sleep")

	ctx, cancel := context.WithCancel(context.Background())
	var at []time.Time
	c.OnSleep(func() { at = append(at, c.Now()); cancel() })
	assert.ErrorIs(t, c.Sleep(ctx, time.Minute), context.Canceled, "the hook cancelled the context")
	assert.NoError(t, c.Sleep(context.Background(), 0))
	assert.Equal(t, []time.Time{start.Add(time.Hour + time.Minute + 2*time.Second)}, at, "the hook runs once, after the time moved")

	got := c.Slept()
	got[0] = 0
	assert.Equal(t, []time.Duration{2 * time.Second, time.Minute}, c.Slept(), "Slept returns a copy")
}

func TestZeroClock(t *testing.T) {
	var c httpxtest.Clock
	assert.Equal(t, time.Time{}, c.Now())
	c.Advance(time.Second)
	assert.Equal(t, time.Time{}.Add(time.Second), c.Now())
}
