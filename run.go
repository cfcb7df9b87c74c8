package invoicesync

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// run is one Run, SyncInvoice, RetryFailed or Preview: the chart fetched
// once, the builder, the partner and contact caches, and the report.
type run struct {
	s        *Syncer
	target   LedgerTarget    // the Syncer's, or in a preview a read-only view of it
	store    StateStore      // the Syncer's, or in a preview a read-only view of it
	ctx      context.Context // the run's context: cancelled on a store failure
	cancel   context.CancelCauseFunc
	preview  bool
	shown    *Preview // in a preview, what is found of the invoice being handled (one at a time)
	seq      uint64   // the run's number in the Syncer: a partner index older than the run is read again
	chart    *Chart
	builder  *Builder
	attach   Attacher
	partners flight[partnerChoice]
	contacts flight[Party]
	release  func() // gives back the store's run lock
	docs     docIndex

	// The states written and not stored yet, when the store stores batches
	// (see StateBatcher).
	batcher StateBatcher
	umu     sync.Mutex
	unsaved map[string]unsaved
	useq    uint64
	fmu     sync.Mutex // one batch stored at a time

	// Batched posting (see batchSize): the run's one worker gathers the
	// postings in queue; process leaves the one it prepared in later.
	batching bool
	later    *laterPost
	queue    []*laterPost

	mu     sync.Mutex
	report Report
}

// begin fetches the chart once for the run and prepares the builder.
// A run that may write holds the store's run lock until finish.
func (s *Syncer) begin(ctx context.Context, preview bool) (_ *run, err error) {
	release := func() {}
	if !preview {
		if release, err = s.acquire(ctx); err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				release()
			}
		}()
	}
	chart, err := s.loadChart(ctx)
	if err != nil {
		return nil, fmt.Errorf("invoicesync: reading the ledger's chart: %w", err)
	}
	b, err := NewBuilder(&s.mapping, chart)
	if err != nil {
		return nil, err
	}
	if s.mapping.Draft {
		if d, ok := s.target.(DraftPoster); !ok || !d.SupportsDrafts() {
			return nil, &MappingError{Problems: []*SyncError{{
				Code: CodeMappingInvalid, Field: "draft", Value: "true",
				Message:    "the mapping posts entries as drafts, and this ledger cannot keep drafts",
				Resolution: "turn off draft posting in the mapping, or enable drafts in the ledger",
			}}}
		}
	}
	rctx, cancel := context.WithCancelCause(ctx)
	r := &run{s: s, ctx: rctx, cancel: cancel, preview: preview, seq: s.runs.Add(1), chart: chart, builder: b, release: release}
	r.views()
	if !preview {
		r.batcher, _ = s.store.(StateBatcher)
		r.batching = r.batcher != nil && s.cfg.Concurrency == 1 && s.window == 0
	}
	r.report = Report{
		Started: s.cfg.Now(), Statuses: map[SyncStatus]int{}, Actions: map[Action]int{}, Codes: map[ErrorCode]int{},
	}
	return r, nil
}

// job is one invoice to handle: streamed (inv set, tracked by the
// watermark) or to read by id.
type job struct {
	inv *Invoice
	bad *SyncError // why the source could not read inv, if it could not
	id  string
	seq int
	wm  *watermark
}

// pool runs feed, which sends jobs, with Concurrency workers handling them.
// It returns feed's error once every job sent is handled.
func (r *run) pool(feed func(send func(job) bool) error) error {
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range r.s.cfg.Concurrency {
		wg.Go(func() {
			for j := range jobs {
				r.handle(r.ctx, j)
			}
			r.drain(r.ctx)
		})
	}
	err := feed(func(j job) bool {
		select {
		case jobs <- j:
			return true
		case <-r.ctx.Done():
			return false
		}
	})
	close(jobs)
	wg.Wait()
	return err
}

// finish closes the report and returns the run's error: a store failure
// first, then ctx's end, then err.
func (r *run) finish(ctx context.Context, err error) (*Report, error) {
	r.drain(r.ctx)
	r.flush(ctx)
	r.cancel(nil)
	r.release()
	rep := &r.report
	rep.Duration = r.s.cfg.Now().Sub(rep.Started)
	if cause := context.Cause(r.ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		err = cause
	}
	if err == nil {
		err = ctx.Err()
	}
	r.s.cfg.Logger.Info("invoicesync: run finished", "invoices", rep.Invoices,
		"synchronized", rep.Statuses[StateSynchronized], "error", rep.Statuses[StateError],
		"waiting", rep.Statuses[StateWaiting], "skipped", rep.Statuses[StateSkipped],
		"duration", rep.Duration, "failed", err != nil)
	return rep, err
}

// abort ends a run that could not start handling invoices.
func (r *run) abort() {
	r.cancel(nil)
	r.release()
}

// fail stops the run because the state store failed: without it, exactly
// once cannot be kept.
func (r *run) fail(err error) {
	r.cancel(fmt.Errorf("invoicesync: state store: %w", err))
}

// handle reads the invoice when needed, handles it, and records the outcome.
func (r *run) handle(ctx context.Context, j job) {
	if ctx.Err() != nil {
		return
	}
	inv, bad := j.inv, j.bad
	if inv == nil {
		var err error
		inv, bad, err = r.read(ctx, j.id)
		if err != nil {
			return
		}
	}
	if r.batching && r.collides(inv) {
		r.drain(ctx)
	}
	o, stored := r.process(ctx, inv, bad)
	if r.queueLater(ctx, j) || !stored {
		return
	}
	if len(r.queue) > 0 { // recorded after the batch's postings, in the order the invoices came
		r.queue = append(r.queue, &laterPost{inv: inv, job: j, done: &o})
		return
	}
	r.mark(j, inv)
	r.record(ctx, inv, o)
}

// read fetches one invoice the store knows by id, with the error of an
// invoice the source found but could not read. An invoice the source no
// longer has is skipped, unless an entry of it may be in the ledger; other
// failures leave the invoice in error.
func (r *run) read(ctx context.Context, id string) (*Invoice, *SyncError, error) {
	var inv Invoice
	err := r.s.retry(ctx, func() (err error) {
		inv, err = r.s.source.Invoice(ctx, id)
		return err
	})
	if bad := unreadable(&inv, err); err == nil || bad != nil {
		return &inv, bad, nil
	}
	if ctx.Err() != nil {
		return nil, nil, err
	}
	stub := &Invoice{ID: id}
	st, serr := r.get(ctx, id)
	if serr != nil && !errors.Is(serr, ErrNotFound) {
		r.fail(serr)
		return nil, nil, serr
	}
	if serr != nil {
		return nil, nil, err // never synchronized: nothing to record
	}
	stub.Number, stub.Direction = st.Number, st.Direction
	prev, prevCode := st.Status, st.Code
	var o Outcome
	if errors.Is(err, ErrNotFound) && st.Intent == nil && st.Synced == nil {
		o = r.settled(stub, &st, StateSkipped, "the invoice is no longer in the invoicing tool", "")
	} else {
		o = r.failure(stub, &st, sourceFailure("the invoice", err))
	}
	if !r.save(ctx, &st, &o) {
		return nil, nil, err
	}
	o.Previous, o.PreviousCode = prev, prevCode
	r.record(ctx, stub, o)
	return nil, nil, err
}

// record adds the outcome to the report and tells the notifier.
func (r *run) record(ctx context.Context, inv *Invoice, o Outcome) {
	r.mu.Lock()
	rep := &r.report
	rep.Invoices++
	rep.Statuses[o.Status]++
	if o.Action != ActionNone {
		rep.Actions[o.Action]++
	}
	if o.Code != "" {
		rep.Codes[o.Code]++
	}
	if !r.s.cfg.CountsOnly {
		rep.Outcomes = append(rep.Outcomes, o)
	}
	r.mu.Unlock()
	if r.s.cfg.OnOutcome != nil { // every outcome, outside the lock
		r.s.cfg.OnOutcome(o)
	}

	log := r.s.cfg.Logger
	switch o.Status {
	case StateError:
		log.Warn("invoicesync: invoice not synchronized", "invoice", o.InvoiceID, "number", o.Number,
			"code", o.Code, "retryable", o.Retryable, "attempts", o.Attempts, "error", o.Message)
	default:
		log.Info("invoicesync: invoice handled", "invoice", o.InvoiceID, "number", o.Number,
			"status", o.Status, "action", o.Action, "entry", o.Entry.ID)
	}
	if r.s.cfg.Notifier != nil && news(o) {
		r.s.cfg.Notifier.Notify(ctx, Notification{Outcome: o, Invoice: inv})
	}
}

// news reports whether o is to be notified (see Notifier): the run wrote to
// the ledger, or the invoice came into error or waiting, or into another
// error.
func news(o Outcome) bool {
	if o.Action != ActionNone && o.Action != ActionUnchanged {
		return true
	}
	return (o.Status == StateError || o.Status == StateWaiting) && (o.Status != o.Previous || o.Code != o.PreviousCode)
}
