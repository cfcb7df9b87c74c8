package httpx

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/time/rate"
)

// Limits keeps one token-bucket limiter per API host and tenant. Share one
// Limits among every Client of a process. Safe for concurrent use.
type Limits struct {
	mu      sync.Mutex
	rate    rate.Limit
	burst   int
	hosts   map[string]hostLimit
	buckets map[string]*rate.Limiter
}

type hostLimit struct {
	rate  rate.Limit
	burst int
}

// NewLimits returns Limits allowing every (host, tenant) r requests per
// second with bursts of burst.
func NewLimits(r rate.Limit, burst int) *Limits {
	return &Limits{rate: r, burst: burst, hosts: map[string]hostLimit{}, buckets: map[string]*rate.Limiter{}}
}

// SetHost sets the limit of one host (as in URL.Host), for every tenant,
// before its first request.
func (l *Limits) SetHost(host string, r rate.Limit, burst int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hosts[host] = hostLimit{r, burst}
}

// Limiter returns the limiter of host and tenant, creating it on first use.
func (l *Limits) Limiter(host, tenant string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := host + "\x00" + tenant
	if b, ok := l.buckets[key]; ok {
		return b
	}
	r, burst := l.rate, l.burst
	if h, ok := l.hosts[host]; ok {
		r, burst = h.rate, h.burst
	}
	b := rate.NewLimiter(r, burst)
	l.buckets[key] = b
	return b
}

// wait waits on clock for the limiter of host and tenant to allow one
// request, or until ctx is done.
func (l *Limits) wait(ctx context.Context, clock Clock, host, tenant string) error {
	if l == nil {
		return nil
	}
	lim := l.Limiter(host, tenant)
	now := clock.Now()
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return fmt.Errorf("the limit of %s (burst %d) never allows a request", host, lim.Burst())
	}
	if err := clock.Sleep(ctx, r.DelayFrom(now)); err != nil {
		r.CancelAt(clock.Now())
		return err
	}
	return nil
}
