package invoicesync_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	timerate "golang.org/x/time/rate"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

func TestConcurrentRunPostsEachInvoiceOnce(t *testing.T) {
	h := newHarness(t)
	h.cfg.Concurrency = 8
	h.ledger.SetLatencyAll(time.Millisecond)
	h.source.SetLatency(memory.Changed, 0)
	var list []string
	for i := range 200 {
		id := fmt.Sprintf("inv-%03d", i)
		list = append(list, id)
		h.source.Put(sale(id, i%5+1, fmt.Sprintf("C%02d", i%20)))
	}
	var inFlight, peak atomic.Int32
	h.cfg.Notifier = invoicesync.NotifierFunc(func(context.Context, invoicesync.Notification) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		inFlight.Add(-1)
	})
	// The same Syncer runs, and deposits invoices on demand at the same time.
	s := h.syncer()
	var wg sync.WaitGroup
	var rep *invoicesync.Report
	wg.Add(1)
	go func() {
		defer wg.Done()
		var err error
		rep, err = s.Run(context.Background())
		assert.NoError(t, err)
	}()
	for _, id := range list[:20] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.SyncInvoice(context.Background(), id)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()

	assert.Equal(t, 200, rep.Invoices)
	assert.Equal(t, 200, rep.Statuses[invoicesync.StateSynchronized])
	assert.Equal(t, 200, h.ledger.Calls(memory.PostEntry), "one post per invoice, none twice")
	assert.Len(t, h.ledger.Partners(invoicesync.Customer), 20, "each customer created once")
	assert.LessOrEqual(t, int(peak.Load()), 8+20, "at most Concurrency workers, plus the deposits")
	assert.Greater(t, int(peak.Load()), 1, "invoices were handled concurrently")
	h.requireExactlyOnce(list...)
}

func TestCallsPerInvoice(t *testing.T) {
	h := newHarness(t)
	h.mapping.SyncWithoutAttachment = true
	for i := range 1000 {
		inv := sale(fmt.Sprintf("inv-%04d", i), i%4+1, fmt.Sprintf("P%02d", i%50))
		inv.Attachments = nil
		h.source.Put(inv)
	}
	rep := h.run()
	require.Equal(t, 1000, rep.Statuses[invoicesync.StateSynchronized])

	calls := h.ledger.CallCounts()
	assert.Equal(t, map[memory.Method]int{
		memory.Accounts: 1, memory.VATCodes: 1, memory.Journals: 1,
		memory.ListPartners: 1, memory.CreatePartner: 50, memory.FindEntry: 1000, memory.PostEntry: 1000,
	}, nonZero(calls))
	total := 0
	for _, n := range calls {
		total += n
	}
	t.Logf("ledger calls: %d for 1000 invoices over 50 partners: %.3f per invoice", total, float64(total)/1000)
	assert.Equal(t, 2054, total)
	assert.Equal(t, 1000, h.ledger.Len())
	assert.Equal(t, 1, h.source.Calls(memory.Changed), "one stream")
}

func nonZero(m map[memory.Method]int) map[memory.Method]int {
	out := map[memory.Method]int{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

func TestRunWithCountsOnly(t *testing.T) {
	h := newHarness(t)
	h.cfg.CountsOnly = true
	h.putAll(sale("inv-01", 1, "ACME"), sale("inv-02", 1, "ACME"))
	rep := h.run()
	assert.Equal(t, 2, rep.Statuses[invoicesync.StateSynchronized])
	assert.Empty(t, rep.Outcomes)
}

func TestRunRateLimited(t *testing.T) {
	h := newHarness(t)
	// A bucket of 100 tokens that practically never refills: every ledger
	// call takes one. One new invoice makes 8 calls: 3 listings (chart, VAT
	// codes, journals), the lookup of its key (it has no state), the
	// customers listed, one created, the post and the attachment.
	lim := timerate.NewLimiter(timerate.Every(time.Hour), 100)
	h.cfg.Limiter = lim
	h.source.Put(sale("inv-01", 1, "ACME"))
	h.run()
	h.requireExactlyOnce("inv-01")
	assert.Equal(t, 8, total(h.ledger.CallCounts()))
	assert.InDelta(t, 92, lim.Tokens(), 0.01)

	// Verify's batch lookup waits for the limiter too: one token.
	_, err := h.syncer().Verify(context.Background(), invoicesync.VerifyOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, h.ledger.Calls(memory.FindEntries))
	assert.InDelta(t, 91, lim.Tokens(), 0.01)
}

func total(m map[memory.Method]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
