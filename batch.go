package invoicesync

import (
	"context"
	"slices"
	"strings"
)

// StateBatcher is implemented by state stores that can write several states
// in one transaction: all of them, or none. With such a store a run gathers
// the states it writes and stores them in one batch just before each
// posting, with the posting's intent, and once more at the end of the run
// (before the cursor moves): one durable write per posting instead of two,
// plus one per run. Exactly-once holds as before: a posting's intent is
// always stored before the ledger is called, so after a crash the next run
// asks the ledger about every entry that may have been posted; what a crash
// can lose are outcomes that wrote nothing to the ledger since the last
// posting (an error, a wait), which the next run comes to again, since the
// cursor does not move past them.
//
// While a run is under way, the states it gathered are not yet in the store
// (Syncer.State shows the last one stored).
type StateBatcher interface {
	// PutStates stores every state of states, replacing each invoice's
	// previous state, in one transaction: once it returns nil every state
	// is durable; on an error none was stored.
	PutStates(ctx context.Context, states []State) error
}

// unsaved is a state a run wrote and has not stored yet; seq orders the
// writes, so that a batch forgets only the states it stored.
type unsaved struct {
	st  State
	seq uint64
}

// gather keeps st for the next batch instead of storing it now, when the
// store stores batches. It reports whether it did.
func (r *run) gather(st *State) bool {
	if r.batcher == nil {
		return false
	}
	r.umu.Lock()
	defer r.umu.Unlock()
	if r.unsaved == nil {
		r.unsaved = make(map[string]unsaved)
	}
	r.useq++
	r.unsaved[st.InvoiceID] = unsaved{st: cloneState(*st), seq: r.useq}
	return true
}

// get returns the invoice's state as the run last wrote it: gathered and
// not stored yet, else from the store.
func (r *run) get(ctx context.Context, id string) (State, error) {
	r.umu.Lock()
	u, ok := r.unsaved[id]
	r.umu.Unlock()
	if ok {
		return cloneState(u.st), nil
	}
	return r.store.Get(ctx, id)
}

// flush stores the gathered states in one batch. Batches are stored one at
// a time, in the order their states were written. false: the store failed,
// and the run with it.
func (r *run) flush(ctx context.Context) bool {
	if r.batcher == nil {
		return true
	}
	r.fmu.Lock()
	defer r.fmu.Unlock()
	r.umu.Lock()
	batch := make([]unsaved, 0, len(r.unsaved))
	for _, u := range r.unsaved {
		batch = append(batch, u)
	}
	r.umu.Unlock()
	if len(batch) == 0 {
		return true
	}
	slices.SortFunc(batch, func(a, b unsaved) int { return strings.Compare(a.st.InvoiceID, b.st.InvoiceID) })
	states := make([]State, len(batch))
	for i, u := range batch {
		states[i] = u.st
	}
	wctx, cancel := writeContext(ctx)
	defer cancel()
	if err := r.batcher.PutStates(wctx, states); err != nil {
		r.fail(err)
		return false
	}
	r.umu.Lock()
	for _, u := range batch {
		if r.unsaved[u.st.InvoiceID].seq == u.seq { // not written again meanwhile
			delete(r.unsaved, u.st.InvoiceID)
		}
	}
	r.umu.Unlock()
	return true
}

// batchSize is how many postings a batching run gathers before it posts
// them.
const batchSize = 64

// A batching run (one worker, a StateBatcher store, a ledger without commit
// window) posts in batches: each first posting's intent is gathered, and
// once batchSize are (or the run ends, or an invoice comes again or with the
// document identity of one of them, or another posting is to be
// made), every gathered state is stored at once and the entries are posted
// in the order their invoices came, their outcomes gathered for the next
// batch. Each entry's intent is stored before the ledger is called, as in
// any run.

// queueLater adds the posting process left in r.later to the batch, and
// posts the batch once it is full.
func (r *run) queueLater(ctx context.Context, j job) bool {
	p := r.later
	if p == nil {
		return false
	}
	r.later = nil
	p.job = j
	r.queue = append(r.queue, p)
	if len(r.queue) >= batchSize {
		r.drain(ctx)
	}
	return true
}

// collides reports whether inv is an invoice of the batch (its lock is
// held for the batch) or shares its document identity with one: the batch
// is posted first, so that inv is decided on what it did.
func (r *run) collides(inv *Invoice) bool {
	if len(r.queue) == 0 {
		return false
	}
	ident := DocumentIdentity(inv)
	for _, p := range r.queue {
		if p.done != nil {
			continue // its lock and identity are released
		}
		if p.inv.ID == inv.ID || (ident != "" && p.ident == ident) {
			return true
		}
	}
	return false
}

// drain posts the batch: the gathered states (each posting's intent among
// them) stored at once, then each entry posted and its outcome recorded.
// Once ctx is done, the rest is left to the next run, which finds the
// intents.
func (r *run) drain(ctx context.Context) {
	if len(r.queue) == 0 {
		return
	}
	q := r.queue
	r.queue = nil
	ok := r.flush(ctx)
	for _, p := range q {
		if p.done != nil {
			r.mark(p.job, p.inv)
			r.record(ctx, p.inv, *p.done)
			continue
		}
		var o Outcome
		var stored bool
		if ok {
			o, stored = r.complete(ctx, p)
		}
		p.unlock()
		if p.ident != "" && p.st.Synced == nil { // not posted: the identity is free again
			r.docs.drop(p.ident, p.inv.ID)
		}
		if !stored {
			continue
		}
		o.Previous, o.PreviousCode = p.prev, p.prevCode
		r.mark(p.job, p.inv)
		r.record(ctx, p.inv, o)
	}
}

// mark moves the watermark past j's invoice, whose outcome is stored.
func (r *run) mark(j job, inv *Invoice) {
	if j.wm != nil {
		j.wm.mark(j.seq, inv.Cursor)
	}
}

// complete posts the entry of p, whose intent is stored, and finishes the
// invoice.
func (r *run) complete(ctx context.Context, p *laterPost) (Outcome, bool) {
	o, stored, ok := r.send(ctx, p.inv, p.st, p.in)
	if !ok {
		return o, stored
	}
	return r.posted(ctx, p)
}
