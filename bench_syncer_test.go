package invoicesync_test

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/invoicesync/invoicesync"
)

// BenchmarkRun synchronizes 10,000 invoices (over 100 customers, with
// embedded PDFs) into the memory ledger with a MemoryStore, and reports
// invoices per second and the peak heap during the run. The ledger and the
// store keep every entry and state, so their memory grows with the invoices;
// BenchmarkRunFlat measures the Syncer's own.
func BenchmarkRun(b *testing.B) {
	const n = 10_000
	invs := make([]invoicesync.Invoice, n)
	for i := range invs {
		invs[i] = sale(fmt.Sprintf("inv-%05d", i), i%4+1, fmt.Sprintf("C%03d", i%100))
	}
	var rate, peak float64
	for range b.N {
		b.StopTimer()
		h := newHarness(b)
		h.cfg.Notifier = nil
		for _, inv := range invs {
			h.source.Put(inv)
		}
		runtime.GC()
		stop := samplePeakHeap()
		b.StartTimer()
		start := time.Now()
		rep, err := h.syncer().Run(context.Background())
		elapsed := time.Since(start)
		b.StopTimer()
		p := stop()
		if err != nil || rep.Statuses[invoicesync.StateSynchronized] != n {
			b.Fatalf("run: %v, %v", err, rep.Statuses)
		}
		rate += n / elapsed.Seconds()
		peak = max(peak, float64(p))
		b.StartTimer()
	}
	b.ReportMetric(rate/float64(b.N), "invoices/s")
	b.ReportMetric(peak/(1<<20), "peak-heap-MiB")
}

// BenchmarkRunFlat streams N invoices generated on the fly through the
// Syncer with CountsOnly, into a ledger and a store that keep nothing, and
// reports the peak heap: it must not grow with N.
func BenchmarkRunFlat(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			var peak float64
			for range b.N {
				ledger := &discardLedger{}
				s, err := invoicesync.NewSyncer(generatedSource{n: n}, ledger, frenchMapping(), discardStore{}, invoicesync.Config{
					SourceID: "bench", CountsOnly: true,
				})
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				stop := samplePeakHeap()
				rep, err := s.Run(context.Background())
				p := stop()
				if err != nil || rep.Statuses[invoicesync.StateSynchronized] != n {
					b.Fatalf("run: %v, %v", err, rep.Statuses)
				}
				peak = max(peak, float64(p))
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "invoices/s")
			b.ReportMetric(peak/(1<<20), "peak-heap-MiB")
		})
	}
}

// samplePeakHeap samples the live heap every 5 ms until stopped, and
// returns the largest value seen.
func samplePeakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc > peak.Load() {
			peak.Store(ms.HeapAlloc)
		}
	}
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				sample()
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		sample()
		return peak.Load()
	}
}

// generatedSource makes n sales invoices as they are read, holding none.
type generatedSource struct{ n int }

func (g generatedSource) Changed(ctx context.Context, _ string) iter.Seq2[invoicesync.Invoice, error] {
	return func(yield func(invoicesync.Invoice, error) bool) {
		for i := range g.n {
			inv := sale("inv-"+strconv.Itoa(i), i%4+1, "C"+strconv.Itoa(i%100))
			inv.Cursor = strconv.Itoa(i)
			if !yield(inv, ctx.Err()) {
				return
			}
		}
	}
}

func (g generatedSource) Invoice(context.Context, string) (invoicesync.Invoice, error) {
	return invoicesync.Invoice{}, invoicesync.ErrNotFound
}

func (g generatedSource) Contact(context.Context, string) (invoicesync.Party, error) {
	return invoicesync.Party{}, invoicesync.ErrNotFound
}

// discardLedger has the French chart, accepts everything and keeps nothing.
type discardLedger struct {
	seq atomic.Int64
}

func (l *discardLedger) Accounts(context.Context) ([]invoicesync.Account, error) {
	return frenchAccounts(), nil
}

func (l *discardLedger) VATCodes(context.Context) ([]invoicesync.VATCode, error) {
	return frenchVATCodes(), nil
}

func (l *discardLedger) Journals(context.Context) ([]invoicesync.Journal, error) {
	return frenchJournals(), nil
}

func (l *discardLedger) FindPartners(context.Context, invoicesync.PartnerQuery) ([]invoicesync.Partner, error) {
	return nil, nil
}

func (l *discardLedger) CreatePartner(_ context.Context, p invoicesync.Partner) (invoicesync.PartnerRef, error) {
	return invoicesync.PartnerRef{ID: "P" + strconv.FormatInt(l.seq.Add(1), 10), Name: p.Name}, nil
}

func (l *discardLedger) PostEntry(_ context.Context, e *invoicesync.Entry) (invoicesync.EntryRef, error) {
	if err := e.Check(); err != nil {
		return invoicesync.EntryRef{}, err
	}
	return invoicesync.EntryRef{ID: "E" + strconv.FormatInt(l.seq.Add(1), 10)}, nil
}

func (l *discardLedger) FindEntry(context.Context, string) (invoicesync.EntryRef, error) {
	return invoicesync.EntryRef{}, invoicesync.ErrNotFound
}

// discardStore remembers nothing.
type discardStore struct{}

func (discardStore) Get(context.Context, string) (invoicesync.State, error) {
	return invoicesync.State{}, invoicesync.ErrNotFound
}
func (discardStore) Put(context.Context, invoicesync.State) error { return nil }
func (discardStore) List(context.Context, ...invoicesync.SyncStatus) iter.Seq2[invoicesync.State, error] {
	return func(func(invoicesync.State, error) bool) {}
}
func (discardStore) Cursor(context.Context) (string, error)  { return "", nil }
func (discardStore) SetCursor(context.Context, string) error { return nil }
func (discardStore) PartnerLink(context.Context, invoicesync.PartnerRole, string) (invoicesync.PartnerRef, error) {
	return invoicesync.PartnerRef{}, invoicesync.ErrNotFound
}
func (discardStore) SetPartnerLink(context.Context, invoicesync.PartnerRole, string, invoicesync.PartnerRef) error {
	return nil
}
