package invoicesync

import (
	"context"
	"errors"
	"slices"
)

// What a step of an invoice records: its outcome, its state, and how a
// failure stops it. Every step of process, partner and the batch ends here.

// stopOn stops the invoice on err: a store failure stops the run, ctx's end
// leaves the invoice as stored, anything else is the invoice's error.
func (r *run) stopOn(ctx context.Context, inv *Invoice, st *State, err error) (Outcome, bool) {
	var se storeError
	if errors.As(err, &se) {
		r.fail(se.err)
		return Outcome{}, false
	}
	if ctx.Err() != nil {
		return Outcome{}, false
	}
	var sy *SyncError
	if !errors.As(err, &sy) {
		sy = &SyncError{Code: CodeLedgerFailure, InvoiceID: inv.ID, InvoiceNumber: inv.Number,
			Message: "unexpected failure", Resolution: "the next run tries again", Err: err}
	}
	return r.stop(ctx, inv, st, sy)
}

// stop records the invoice in error.
func (r *run) stop(ctx context.Context, inv *Invoice, st *State, err *SyncError) (Outcome, bool) {
	o := r.failure(inv, st, err)
	return r.conclude(ctx, st, o)
}

// conclude stores the state with outcome o, or fills the preview.
func (r *run) conclude(ctx context.Context, st *State, o Outcome) (Outcome, bool) {
	if r.preview {
		r.shown.Outcome = o
		if o.Message != "" {
			r.shown.Explanation = append(r.shown.Explanation, o.Message)
		}
		return o, true
	}
	return o, r.save(ctx, st, &o)
}

// settled sets st to status (skipped or waiting) with its reason and
// resolution, clearing any earlier error, and returns the outcome.
func (r *run) settled(inv *Invoice, st *State, status SyncStatus, message, resolution string) Outcome {
	st.Code, st.Message, st.Resolution, st.Retryable = "", message, resolution, false
	o := r.outcome(inv, st, status)
	o.Message, o.Resolution = message, resolution
	return o
}

// failure sets st in error for err and returns the outcome.
func (r *run) failure(inv *Invoice, st *State, err *SyncError) Outcome {
	if err.InvoiceID == "" {
		err.InvoiceID = inv.ID
	}
	if err.InvoiceNumber == "" {
		err.InvoiceNumber = inv.Number
	}
	st.Attempts++
	st.Code, st.Message, st.Resolution, st.Retryable = err.Code, err.Error(), err.Resolution, takenUpAgain(err)
	o := r.outcome(inv, st, StateError)
	o.Code, o.Message, o.Resolution, o.Retryable, o.Err = err.Code, st.Message, err.Resolution, st.Retryable, err
	return o
}

// takenUpAgain reports whether the next run takes up, on its own, an
// invoice that failed with err: when the failure was temporary, and when it
// came from the accounting system or the invoicing tool rather than from the
// invoice (a lost answer, a refused connection, a PDF that could not be
// downloaded or attached). Nothing in the invoicing tool would bring such an
// invoice back, and the next run settles what is uncertain: it asks the
// ledger for an interrupted posting, searches for a partner before creating
// one, and attaches a document at most once per entry.
func takenUpAgain(err *SyncError) bool {
	switch err.Code {
	case CodeLedgerFailure, CodeSourceFailure:
		return true
	case CodePDF:
		return err.Err != nil // not a file that is no PDF
	}
	return err.Retryable()
}

// outcome starts the outcome of inv with status status, and sets st's status.
func (r *run) outcome(inv *Invoice, st *State, status SyncStatus) Outcome {
	st.Status = status
	o := Outcome{InvoiceID: inv.ID, Number: inv.Number, Direction: inv.Direction, Status: status, Attempts: st.Attempts,
		Warnings: slices.Clone(inv.Warnings)}
	if st.Synced != nil {
		o.Entry = st.Synced.Ref
	}
	return o
}

// save stores st; false when it could not be stored.
func (r *run) save(ctx context.Context, st *State, o *Outcome) bool {
	o.Attempts = st.Attempts
	return r.put(ctx, st)
}

// put writes st even when ctx has just ended (what the ledger holds must be
// recorded); a store failure stops the run. A preview writes nothing: put is
// where it stops every state write (its store is a read-only view besides).
func (r *run) put(ctx context.Context, st *State) bool {
	if r.preview {
		return true
	}
	st.UpdatedAt = r.s.cfg.Now()
	if r.gather(st) {
		return true // stored with the next batch
	}
	wctx, cancel := writeContext(ctx)
	defer cancel()
	if err := r.store.Put(wctx, *st); err != nil {
		r.fail(err)
		return false
	}
	return true
}

// storeError marks a state store failure inside a step, so that it stops the run.
type storeError struct{ err error }

func (e storeError) Error() string { return e.err.Error() }

func (e storeError) Unwrap() error { return e.err }
