package invoicesync_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// BenchmarkConcurrency runs 160 invoices, each for a customer the ledger
// does not have yet, against a memory ledger that answers every call after
// 50 ms, with no rate limiter, at Concurrency 1, 4, 8 and 16. It reports
// the efficiency: the invoices per second reached, divided by what
// Concurrency workers would reach if each only waited for its own calls
// (Concurrency ÷ (ledger calls per invoice × 50 ms)). 1 is linear scaling;
// what is lost is time an invoice waits on another's lock.
func BenchmarkConcurrency(b *testing.B) {
	const n = 160
	const latency = 50 * time.Millisecond
	for _, c := range []int{1, 4, 8, 16} {
		b.Run(strconv.Itoa(c), func(b *testing.B) {
			var eff float64
			for range b.N {
				b.StopTimer()
				h := newHarness(b)
				h.cfg.Notifier = nil
				h.cfg.Concurrency = c
				for i := range n {
					h.source.Put(sale(fmt.Sprintf("inv-%03d", i), 1, fmt.Sprintf("C%03d", i)))
				}
				h.source.SetLatency(memory.Changed, 0)
				s := h.syncer()
				h.ledger.SetLatencyAll(latency)
				b.StartTimer()
				start := time.Now()
				rep, err := s.Run(context.Background())
				elapsed := time.Since(start)
				b.StopTimer()
				if err != nil || rep.Statuses[invoicesync.StateSynchronized] != n {
					b.Fatalf("run: %v, %v", err, rep.Statuses)
				}
				calls := 0
				for _, m := range []memory.Method{memory.Accounts, memory.VATCodes, memory.Journals, memory.FindPartners, memory.ListPartners,
					memory.CreatePartner, memory.PostEntry, memory.FindEntry, memory.FindEntries, memory.Attach} {
					calls += h.ledger.Calls(m)
				}
				ideal := float64(c) / (float64(calls) / n * latency.Seconds())
				eff += n / elapsed.Seconds() / ideal
				b.StartTimer()
			}
			b.ReportMetric(eff/float64(b.N), "efficiency")
		})
	}
}
