package dailysales

import (
	"context"
	"errors"
	"time"

	"github.com/invoicesync/invoicesync"
)

// Result is what Post did with a day.
//
// A day is summarised and posted ONCE. When AlreadyPosted is true nothing
// was posted by this call, and receipts passed now that were not there when
// the day was posted (late receipts, corrections) are NOT in the ledger:
// Post never adds to, replaces or reverses a posted day. Close the day in
// the register (the Z report) before posting it, and book a late receipt by
// hand in the ledger.
type Result struct {
	// Ref is the ledger's reference of the day's entry: the one just posted,
	// or the one found when AlreadyPosted.
	Ref invoicesync.EntryRef
	// Entry is the entry summarised from the receipts given to this call.
	// When AlreadyPosted, it is NOT necessarily what the ledger holds: the
	// ledger keeps the entry posted the first time. On a ledger failure it
	// is the entry that was to be posted (Ref is then zero).
	Entry *invoicesync.Entry
	// AlreadyPosted is true when the ledger had the day's entry already
	// (found by its idempotency key) and this call posted nothing.
	AlreadyPosted bool
}

// Post summarises the day of register (see Summarise) and posts it to
// target exactly once.
//
// It first asks the ledger for the day's idempotency key (FindEntry, Key).
// Found: it returns that entry's reference with AlreadyPosted true and
// posts nothing — whatever the receipts passed now say (see Result). Not
// found (an error wrapping invoicesync.ErrNotFound): it posts the entry
// with PostEntry, the key on it, so that a ledger that deduplicates by key
// keeps one entry even when two calls race. After any failure — a lost
// response included — calling Post again with the same day is safe: it
// finds the entry if the ledger recorded it, and posts it otherwise.
//
// In ByHand mode the entry is a draft. A target that cannot keep drafts
// (not an invoicesync.DraftPoster, or SupportsDrafts false) is refused
// before anything is posted, with an *invoicesync.SyncError of code
// CodeMappingInvalid wrapping invoicesync.ErrNotSupported; so is a
// PostEntry that answers ErrNotSupported.
//
// Errors: those of Summarise, unchanged — the receipts are checked before
// the ledger is asked, so an invalid day is an error even when it was
// posted already; a ledger failure is an
// *invoicesync.SyncError wrapping the ledger's error, with the ledger's
// code when it has one (an unknown account, say) and CodeLedgerFailure
// otherwise; invoicesync.Retryable tells whether trying again unchanged may
// succeed.
func Post(ctx context.Context, target invoicesync.LedgerTarget, chart *invoicesync.Chart, cfg *Config,
	register string, day time.Time, receipts []Receipt) (Result, error) {
	e, err := Summarise(cfg, chart, register, day, receipts)
	if err != nil {
		return Result{}, err
	}
	res := Result{Entry: e}
	if target == nil {
		return res, fail(invoicesync.CodeMappingInvalid, e.IdempotencyKey, 0, "target", "", "",
			"no ledger was given", "pass the ledger to post to")
	}
	ref, err := target.FindEntry(ctx, e.IdempotencyKey)
	switch {
	case err == nil:
		res.Ref, res.AlreadyPosted = ref, true
		return res, nil
	case !errors.Is(err, invoicesync.ErrNotFound):
		return res, ledgerError(e, "looking for the day's entry in the ledger", err)
	}
	if e.Draft {
		if d, ok := target.(invoicesync.DraftPoster); !ok || !d.SupportsDrafts() {
			return res, draftError(e, invoicesync.ErrNotSupported)
		}
	}
	ref, err = target.PostEntry(ctx, e)
	if err != nil {
		return res, ledgerError(e, "posting the day's entry", err)
	}
	res.Ref = ref
	return res, nil
}

// draftError is the error of a by-hand day on a ledger without drafts.
func draftError(e *invoicesync.Entry, cause error) *invoicesync.SyncError {
	return &invoicesync.SyncError{
		Code: invoicesync.CodeMappingInvalid, InvoiceID: e.IdempotencyKey, Field: "Mode", Value: ByHand.String(),
		Message:    "a day sent by hand is posted as a draft (non-posted voucher), and this ledger cannot keep drafts",
		Resolution: "enable drafts (non-posted vouchers) in the ledger, or post the day in Nightly mode",
		Err:        cause,
	}
}

// ledgerError turns a ledger failure into the day's error.
func ledgerError(e *invoicesync.Entry, doing string, err error) error {
	if errors.Is(err, invoicesync.ErrNotSupported) && e.Draft {
		return draftError(e, err)
	}
	se := &invoicesync.SyncError{Code: invoicesync.Code(err), InvoiceID: e.IdempotencyKey, Err: err}
	switch {
	case se.Code == invoicesync.CodeAccountNumberNotFound || se.Code == invoicesync.CodeAccountNumberNotActive ||
		se.Code == invoicesync.CodeVATCodeNotFound || se.Code == invoicesync.CodeMappingJournalNotFound:
		se.Message = "the ledger refused the entry while " + doing
		se.Resolution = "the chart changed since it was read: load it again, then correct the account, VAT code or journal named in the error"
	case se.Code != "":
		se.Message = "the ledger refused the entry while " + doing
		se.Resolution = "see the error's code"
	case errors.Is(err, invoicesync.ErrUnbalanced):
		se.Code = invoicesync.CodeAmountValidation
		se.Message = "the ledger says the entry does not balance"
		se.Resolution = "report this day to the invoicesync maintainers"
	case errors.Is(err, invoicesync.ErrNotSupported):
		se.Code = invoicesync.CodeMappingInvalid
		se.Message = "the ledger does not support what the entry asks, while " + doing
		se.Resolution = "check the ledger's settings"
	default:
		se.Code = invoicesync.CodeLedgerFailure
		se.Message = "the accounting system failed while " + doing
		if invoicesync.Retryable(err) {
			se.Resolution = "nothing to do if it passes: post the day again"
		} else {
			se.Resolution = "check the connection to the accounting system, then post the day again: the ledger is asked first, so the day is never posted twice"
		}
	}
	return se
}
