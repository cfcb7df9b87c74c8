package invoicesync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/invoicesync/invoicesync/labels"
)

// process handles one invoice under its lock: it resolves an interrupted
// posting, decides, builds, posts, attaches and stores the state. bad is set
// when the source could not read the invoice: it is then recorded in error. In a
// preview it stops before writing anything and fills r.shown. stored is false
// when the outcome could not be stored (ctx ended, or the store failed): the
// invoice is then left as the previous stored state says, for the next run.
//
// In a batching run (see batchSize), a first posting is not made here: the
// invoice's intent is gathered, r.later is set to what the batch completes,
// and stored is false (the invoice's lock is handed over to r.later).
func (r *run) process(ctx context.Context, inv *Invoice, bad *SyncError) (o Outcome, stored bool) {
	unlock := r.s.lock(inv.ID)
	defer func() {
		if r.later == nil || r.later.inv != inv {
			unlock()
		} else {
			r.later.unlock = unlock
		}
	}()
	st, err := r.get(ctx, inv.ID)
	fresh := errors.Is(err, ErrNotFound) // the store knows nothing of the invoice
	if err != nil && !fresh {
		if ctx.Err() == nil {
			r.fail(err)
		}
		return Outcome{}, false
	}
	prev, prevCode := st.Status, st.Code
	defer func() { o.Previous, o.PreviousCode = prev, prevCode }()
	if r.preview {
		for _, w := range inv.Warnings {
			r.shown.Explanation = append(r.shown.Explanation, "warning: "+w)
		}
	}
	fp := Fingerprint(inv)
	st.InvoiceID = inv.ID
	if bad == nil || inv.Number != "" { // an unreadable file keeps what an earlier version said
		st.Number, st.Direction = inv.Number, inv.Direction
	}
	if st.Fingerprint != fp {
		st.Attempts = 0
	}
	st.Fingerprint = fp
	st.Revision = st.revision()

	// An earlier posting was interrupted: ask the ledger before anything else.
	action := ActionNone
	if st.Intent != nil {
		found, open, err := r.resolveIntent(ctx, &st)
		if err != nil {
			if ctx.Err() != nil {
				return Outcome{}, false
			}
			se, _ := r.ledgerError(inv, "checking whether an interrupted posting was recorded", err)
			return r.stop(ctx, inv, &st, se)
		}
		if open {
			return r.awaitCommit(ctx, inv, &st)
		}
		if found {
			action = ActionRecovered
		}
	}

	if bad != nil {
		se := *bad // one outcome's error, not the source's value
		return r.stop(ctx, inv, &st, &se)
	}

	if st.Synced != nil {
		if r.withdrawn(inv) {
			return r.withdraw(ctx, inv, &st)
		}
		if st.Synced.Fingerprint == fp {
			if action == ActionNone {
				action = ActionUnchanged
			}
			if r.preview {
				o := r.outcome(inv, &st, StateSynchronized)
				o.Action = action
				r.shown.Outcome = o
				r.shown.Explanation = append(r.shown.Explanation, fmt.Sprintf("already synchronized as entry %s: nothing would be posted", refText(st.Synced.Ref)))
				return o, true
			}
			return r.synchronized(ctx, inv, &st, action, nil)
		}
		if r.s.cfg.OnChange != RepostChanges {
			return r.stop(ctx, inv, &st, &SyncError{
				Code: CodeChangedAfterSync, InvoiceID: inv.ID, InvoiceNumber: inv.Number, Value: fp, Expected: st.Synced.Fingerprint,
				Message: fmt.Sprintf("the invoice was changed in the invoicing tool after its entry %s was posted", refText(st.Synced.Ref)),
				Resolution: "correct entry " + refText(st.Synced.Ref) + " in the ledger by hand, or restore the invoice in the invoicing tool; " +
					"to have changed invoices reversed and posted again, use the repost policy",
			})
		}
	}

	if reason := r.skipReason(inv, st.Synced != nil); reason != "" {
		if st.Synced != nil { // changed into an invoice not to synchronize: its entry goes
			return r.reverseOnly(ctx, inv, &st, reason)
		}
		return r.conclude(ctx, &st, r.settled(inv, &st, StateSkipped, reason, ""))
	}

	// The same document under another id (its PDF and its XML, its UBL
	// and CII versions) is refused, whatever this invoice's state.
	if ident := DocumentIdentity(inv); ident != "" {
		first, err := r.docs.claim(ident, inv.ID, func() (map[string]docHolder, error) { return r.loadDocuments(ctx) })
		if err != nil {
			r.fail(err)
			return Outcome{}, false
		}
		defer func() {
			var h *docHolder
			switch {
			case r.preview && o.Status == StateSynchronized:
				h = &docHolder{id: inv.ID}
			case r.later != nil && r.later.inv == inv: // to be posted by the batch
				h = &docHolder{id: inv.ID}
				r.later.ident = ident
			case !r.preview && st.Synced != nil && st.Document == ident:
				h = &docHolder{id: inv.ID, ref: st.Synced.Ref, at: st.Synced.At}
			}
			r.docs.release(ident, inv.ID, h)
		}()
		if first != nil {
			return r.stop(ctx, inv, &st, duplicateError(inv, first))
		}
		st.Document = ident
	}

	reverse := st.Synced != nil
	if reverse && st.Synced.Entry == nil {
		return r.stop(ctx, inv, &st, unknownEntry(inv, &st, CodeChangedAfterSync, "the invoice was changed in the invoicing tool"))
	}
	revision := st.Revision
	if reverse {
		revision++ // the reversal confirmed below counts the reversed posting
	}
	key := PostingKey(r.s.cfg.SourceID, inv.ID, fp, revision)
	if fresh {
		// Its state lost (or kept by another store), the invoice may be in
		// the ledger all the same: ask by key before anything is decided,
		// the partner included, so that it is recorded as recovered and
		// nothing is posted or created.
		if o, stored, done := r.adopt(ctx, inv, &st, key); done {
			return o, stored
		}
	}

	party, err := r.party(ctx, inv)
	if err != nil {
		return r.stopOn(ctx, inv, &st, err)
	}
	choice, err := r.partnerChoice(ctx, inv, party)
	if r.preview && choice.decision != nil {
		r.shown.Explanation = append(r.shown.Explanation, choice.decision.Explanation)
	}
	if err != nil {
		o, stored := r.stopOn(ctx, inv, &st, err)
		choice.set(&o)
		if r.preview {
			r.shown.Outcome = o
		}
		return o, stored
	}

	doc, wait, err := r.document(ctx, inv, r.preview)
	if err != nil {
		return r.stopOn(ctx, inv, &st, err)
	}
	if wait {
		o := r.settled(inv, &st, StateWaiting, "the invoice has no PDF yet",
			"add the PDF to the invoice in the invoicing tool: the next run synchronizes it "+
				"(or allow synchronizing invoices without attachment in the mapping)")
		choice.set(&o)
		o, stored := r.conclude(ctx, &st, o)
		if r.preview { // show what the PDF's arrival would post
			if entry, err := r.builder.Build(inv, choice.ref); err == nil {
				entry.IdempotencyKey = key
				r.shown.Entry = entry
				r.shown.Explanation = append(r.shown.Explanation, "once the PDF is there, this entry would be posted:")
				r.shown.Explanation = append(r.shown.Explanation, explainEntry(entry)...)
			} else {
				r.shown.Explanation = append(r.shown.Explanation, "once the PDF is there, the entry could not be built: "+err.Error())
			}
		}
		return o, stored
	}

	entry, err := r.builder.Build(inv, choice.ref)
	if err != nil {
		if Code(err) == CodeNothingToPost {
			o := r.settled(inv, &st, StateSkipped, "every amount of the invoice is zero: there is nothing to post", "")
			return r.conclude(ctx, &st, o)
		}
		return r.stopOn(ctx, inv, &st, err)
	}
	entry.IdempotencyKey = key
	var rev *Entry
	if reverse {
		rev = r.reversal(st.Synced)
	}

	if r.preview {
		o := r.outcome(inv, &st, StateSynchronized)
		o.Action, o.Key = ActionPosted, key
		choice.set(&o)
		if reverse {
			o.Action = ActionReposted
			r.shown.Reversal = rev
			r.shown.Explanation = append(r.shown.Explanation, fmt.Sprintf(
				"the invoice changed after entry %s was posted: that entry would be reversed first, every line mirrored", refText(st.Synced.Ref)))
		}
		r.shown.Outcome, r.shown.Entry = o, entry
		r.shown.Explanation = append(r.shown.Explanation, explainEntry(entry)...)
		if doc != nil {
			r.shown.Document = doc.FileName
			r.shown.Explanation = append(r.shown.Explanation, "document "+doc.FileName+" would be attached to the entry")
		}
		return o, true
	}

	if rev != nil {
		in := &Intent{Key: rev.IdempotencyKey, Fingerprint: st.Synced.Fingerprint, Reversal: true, Entry: rev}
		if o, stored, ok := r.post(ctx, inv, &st, in); !ok {
			return o, stored
		}
	}
	in := &Intent{Key: key, Fingerprint: fp, Entry: entry}
	later := &laterPost{inv: inv, st: &st, in: in, doc: doc, choice: choice, prev: prev, prevCode: prevCode}
	if rev == nil && r.batching {
		if !r.intend(ctx, &st, in) { // stored with the batch, before the ledger is called
			return Outcome{}, false
		}
		r.later = later
		return Outcome{}, false
	}
	if o, stored, ok := r.post(ctx, inv, &st, in); !ok {
		return o, stored
	}
	return r.posted(ctx, later)
}

// resolveIntent asks the ledger whether the interrupted posting in st.Intent
// was recorded. Found, it is confirmed; not found, the intent is dropped —
// unless the posting began less than the target's commit window ago (open):
// the ledger may still record it, and the intent stays.
func (r *run) resolveIntent(ctx context.Context, st *State) (found, open bool, err error) {
	var ref EntryRef
	err = r.s.ledger(ctx, func() (err error) {
		ref, err = r.target.FindEntry(ctx, st.Intent.Key)
		return err
	})
	switch {
	case err == nil:
		if st.Intent.Reversal && st.Synced == nil { // already recorded: cannot happen with a sound store
			st.Intent = nil
			return false, false, nil
		}
		r.confirm(st, st.Intent, ref)
		if !r.put(ctx, st) {
			return false, false, ctx.Err()
		}
		return true, false, nil
	case errors.Is(err, ErrNotFound):
		if r.s.window > 0 && r.s.cfg.Now().Before(st.Intent.At.Add(r.s.window)) {
			return false, true, nil
		}
		st.Intent = nil
		return false, false, nil
	}
	return false, false, err
}

// confirm records in st that the entry of in is in the ledger as ref.
func (r *run) confirm(st *State, in *Intent, ref EntryRef) {
	now := r.s.cfg.Now()
	if in.Reversal {
		st.Reversals = append(st.Reversals, Reversal{Of: st.Synced.Ref, OfKey: st.Synced.Key, Key: in.Key, Ref: ref, At: now})
		st.Synced = nil
		st.Revision++ // the next posting is a new one, with a key of its own
	} else {
		st.Synced = &SyncedVersion{Fingerprint: in.Fingerprint, Key: in.Key, Ref: ref, Entry: in.Entry, At: now}
	}
	st.Intent = nil
}

// awaitCommit leaves pending an invoice whose interrupted posting the
// ledger may still record: FindEntry did not see it, but the posting began
// less than the target's commit window ago. Posting again now could post
// twice; the next run asks again.
func (r *run) awaitCommit(ctx context.Context, inv *Invoice, st *State) (Outcome, bool) {
	in := st.Intent
	until := in.At.Add(r.s.window)
	msg := fmt.Sprintf("the posting of entry %s began at %s and its outcome is not known yet: the ledger may still record it until %s, "+
		"so it is not posted again before then", in.Key, in.At.UTC().Format(time.RFC3339), until.UTC().Format(time.RFC3339))
	st.Code, st.Message, st.Resolution, st.Retryable = "", msg, "nothing to do: the next run asks the ledger again", true
	o := r.outcome(inv, st, StatePending)
	o.Message, o.Resolution, o.Retryable, o.Key = st.Message, st.Resolution, true, in.Key
	return r.conclude(ctx, st, o)
}

// withdrawn reports whether inv, whose entry is in the ledger, was since
// cancelled or put back to draft in the invoicing tool (statuses the mapping
// does not synchronize). Other statuses the mapping leaves out (paid, when
// only sent invoices are synchronized) follow a posting normally and change
// nothing.
func (r *run) withdrawn(inv *Invoice) bool {
	return (inv.Status == StatusCancelled || inv.Status == StatusDraft) && !r.s.mapping.Eligible(inv.Status)
}

// withdraw handles an invoice withdrawn after its entry was posted, by the
// Syncer's cancel policy: reported in error, the entry standing, or the
// entry reversed.
func (r *run) withdraw(ctx context.Context, inv *Invoice, st *State) (Outcome, bool) {
	what := "cancelled"
	if inv.Status == StatusDraft {
		what = "put back to draft"
	}
	if r.s.cfg.OnCancel == ReverseCancellations {
		return r.reverseOnly(ctx, inv, st, "the invoice was "+what+" in the invoicing tool")
	}
	ref := refText(st.Synced.Ref)
	return r.stop(ctx, inv, st, &SyncError{
		Code: CodeCancelledAfterSync, InvoiceID: inv.ID, InvoiceNumber: inv.Number, Field: "Status", Value: string(inv.Status),
		Message: fmt.Sprintf("the invoice was %s in the invoicing tool after its entry %s was posted: the entry still stands in the ledger", what, ref),
		Resolution: "issue a credit note for the invoice in the invoicing tool (it is posted as an entry of its own), " +
			"or reverse entry " + ref + " in the ledger by hand; to have the entries of cancelled invoices reversed, use the reverse-cancellations policy",
	})
}

// reverseOnly reverses the entry of an invoice that is no longer to be in
// the books (cancelled, or changed into an invoice the mapping skips), and
// records it skipped for reason.
func (r *run) reverseOnly(ctx context.Context, inv *Invoice, st *State, reason string) (Outcome, bool) {
	old := st.Synced
	if old.Entry == nil {
		code := CodeChangedAfterSync
		if r.withdrawn(inv) {
			code = CodeCancelledAfterSync
		}
		return r.stop(ctx, inv, st, unknownEntry(inv, st, code, reason))
	}
	rev := r.reversal(old)
	if r.preview {
		o := r.settled(inv, st, StateSkipped, fmt.Sprintf("%s: its entry %s would be reversed", reason, refText(old.Ref)), "")
		o.Action = ActionReversed
		r.shown.Reversal = rev
		return r.conclude(ctx, st, o)
	}
	in := &Intent{Key: rev.IdempotencyKey, Fingerprint: old.Fingerprint, Reversal: true, Entry: rev}
	if o, stored, ok := r.post(ctx, inv, st, in); !ok {
		return o, stored
	}
	done := st.Reversals[len(st.Reversals)-1]
	o := r.settled(inv, st, StateSkipped, fmt.Sprintf("%s: its entry %s was reversed by entry %s", reason, refText(old.Ref), refText(done.Ref)), "")
	o.Action, o.Entry, o.Key = ActionReversed, done.Ref, done.Key
	st.Attempts = 0
	return r.conclude(ctx, st, o)
}

// skipReason says why inv is not to be synchronized, or "". For an invoice
// whose entry is posted, the status is not a reason (see withdrawn): an
// invoice paid after it was posted stays in the books.
func (r *run) skipReason(inv *Invoice, posted bool) string {
	m := &r.s.mapping
	switch {
	case inv.Direction.Valid() && !m.Scope.Includes(inv.Direction):
		return fmt.Sprintf("out of scope: the mapping synchronizes %s invoices only", m.Scope)
	case !m.StartDate.IsZero() && !inv.IssueDate.IsZero() && dateOf(inv.IssueDate) < dateOf(m.StartDate):
		return fmt.Sprintf("issued on %s, before the synchronization start date %s",
			inv.IssueDate.Format(time.DateOnly), m.StartDate.Format(time.DateOnly))
	case !posted && !m.Eligible(inv.Status):
		st := string(inv.Status)
		if st == "" {
			st = "(none)"
		}
		return fmt.Sprintf("status %s is not synchronized by the mapping", st)
	}
	return ""
}

// dateOf is t's calendar date in its own location, as a comparable string.
func dateOf(t time.Time) string { return t.Format(time.DateOnly) }

// adopt asks the ledger for the entry of an invoice the store knows nothing
// of, by the key its posting would have. done is false when the ledger has
// none: the invoice is then posted as usual. Found, the entry is recorded as
// the invoice's (action recovered) and nothing is posted: a state file
// deleted or restored from a backup loses no entry and duplicates none. The
// entry is recorded as the invoice would be posted now, for a later reversal
// to mirror, when its partner is one the ledger has (found without creating
// one); otherwise its content is not recorded, and such an entry is never
// reversed automatically (see unknownEntry). In a preview, nothing is
// written.
func (r *run) adopt(ctx context.Context, inv *Invoice, st *State, key string) (o Outcome, stored, done bool) {
	var ref EntryRef
	err := r.s.ledger(ctx, func() (err error) {
		ref, err = r.target.FindEntry(ctx, key)
		return err
	})
	switch {
	case errors.Is(err, ErrNotFound):
		return Outcome{}, false, false
	case err != nil && ctx.Err() != nil:
		return Outcome{}, false, true
	case err != nil:
		se, _ := r.ledgerError(inv, "checking whether the invoice's entry is in the ledger already", err)
		o, stored = r.stop(ctx, inv, st, se)
		return o, stored, true
	}
	var entry *Entry
	var choice partnerChoice
	party, err := r.party(ctx, inv)
	if err == nil {
		choice, err = r.existingPartner(ctx, inv, party)
	}
	var se storeError
	switch {
	case ctx.Err() != nil:
		return Outcome{}, false, true
	case errors.As(err, &se):
		o, stored = r.stopOn(ctx, inv, st, err)
		return o, stored, true
	case err == nil && !choice.ref.IsZero():
		if e, err := r.builder.Build(inv, choice.ref); err == nil {
			e.IdempotencyKey = key
			entry = e
		}
	}
	if r.preview {
		o = r.outcome(inv, st, StateSynchronized)
		o.Action, o.Entry, o.Key = ActionRecovered, ref, key
		choice.set(&o)
		r.shown.Outcome, r.shown.Entry = o, entry
		r.shown.Explanation = append(r.shown.Explanation, fmt.Sprintf(
			"the ledger holds entry %s under this invoice's key already, though no state records it: it would be recorded, nothing posted", refText(ref)))
		return o, true, true
	}
	st.Synced = &SyncedVersion{Fingerprint: st.Fingerprint, Key: key, Ref: ref, Entry: entry, At: r.s.cfg.Now()}
	o, stored = r.synchronized(ctx, inv, st, ActionRecovered, nil)
	choice.set(&o)
	return o, stored, true
}

// unknownEntry is the error of an invoice whose entry is to be reversed
// (why says what happened to the invoice) when that entry's content is not
// known: it was found in the ledger by its key for an invoice without
// state, and its partner was none the ledger could be matched to without
// creating one. A reversal built without its partner would not cancel it.
func unknownEntry(inv *Invoice, st *State, code ErrorCode, why string) *SyncError {
	ref := refText(st.Synced.Ref)
	return &SyncError{Code: code, InvoiceID: inv.ID, InvoiceNumber: inv.Number, Value: st.Fingerprint, Expected: st.Synced.Fingerprint,
		Message: fmt.Sprintf("%s, so its entry %s is to be reversed; that entry was found in the ledger by its key after the invoice's state was lost, "+
			"for a customer or supplier that could not be told, so its lines are not known and it cannot be reversed automatically", why, ref),
		Resolution: "reverse entry " + ref + " in the ledger by hand and post what replaces it by hand, or restore the invoice in the invoicing tool"}
}

// document returns the invoice's document to attach, or wait when the
// invoice must wait for one. With peek it is not downloaded (previews).
func (r *run) document(ctx context.Context, inv *Invoice, peek bool) (doc *Document, wait bool, err error) {
	if len(inv.Attachments) == 0 {
		return nil, !r.s.mapping.SyncWithoutAttachment, nil
	}
	a := inv.Attachments[0]
	for _, c := range inv.Attachments {
		if isPDFName(c) {
			a = c
			break
		}
	}
	name := a.FileName
	if name == "" {
		name = inv.Number + ".pdf"
	}
	if r.attach == nil || peek {
		return &Document{FileName: name, MediaType: "application/pdf"}, false, nil
	}
	pdfErr := func(msg string, err error) *SyncError {
		resolution := "check the invoice's PDF in the invoicing tool; the next run tries again"
		if err == nil { // nothing failed but the document itself
			resolution = "correct the invoice's PDF in the invoicing tool, then synchronize the invoice again (SyncInvoice or RetryFailed)"
		}
		return &SyncError{Code: CodePDF, InvoiceID: inv.ID, InvoiceNumber: inv.Number, Field: "Attachments", Value: name,
			Message: msg, Err: err, Resolution: resolution}
	}
	d := Document{FileName: name, MediaType: a.MediaType, Data: a.Data}
	if len(d.Data) == 0 {
		f, ok := r.s.source.(AttachmentFetcher)
		if !ok {
			return nil, false, pdfErr("the invoice's PDF is not embedded and the invoicing tool's connector cannot download attachments", nil)
		}
		err := r.s.retry(ctx, func() (err error) {
			d, err = f.FetchAttachment(ctx, inv.ID, a)
			return err
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil, false, err
			}
			return nil, false, pdfErr("the invoice's PDF could not be downloaded", err)
		}
		if d.FileName == "" {
			d.FileName = name
		}
	}
	if !bytes.HasPrefix(d.Data, []byte("%PDF-")) {
		return nil, false, pdfErr(fmt.Sprintf("the invoice's attachment %s is not a PDF", d.FileName), nil)
	}
	d.MediaType = "application/pdf"
	return &d, false, nil
}

func isPDFName(a AttachmentRef) bool {
	return strings.EqualFold(a.MediaType, "application/pdf") || strings.EqualFold(path.Ext(a.FileName), ".pdf")
}

// post records the intent, posts the entry and records the result. ok is
// false when the invoice stops here (o and stored are then its outcome).
func (r *run) post(ctx context.Context, inv *Invoice, st *State, in *Intent) (o Outcome, stored, ok bool) {
	if ctx.Err() != nil {
		return Outcome{}, false, false
	}
	// The batch's entries go first: the ledger records entries in the order invoices come.
	r.drain(ctx)
	if !r.intend(ctx, st, in) || !r.flush(ctx) { // the intent is stored before the ledger is called
		return Outcome{}, false, false
	}
	return r.send(ctx, inv, st, in)
}

// intend records in st, pending, the intent to post in, and writes st (in a
// batching run, gathered for the next batch). false: the store failed.
func (r *run) intend(ctx context.Context, st *State, in *Intent) bool {
	in.At = r.s.cfg.Now()
	st.Intent, st.Status = in, StatePending
	return r.put(ctx, st)
}

// send posts the entry of in, whose intent is stored, and records the
// result in st (see post).
func (r *run) send(ctx context.Context, inv *Invoice, st *State, in *Intent) (o Outcome, stored, ok bool) {
	if ctx.Err() != nil {
		return Outcome{}, false, false
	}
	var ref EntryRef
	attempt := 0
	err := r.s.ledger(ctx, func() (err error) {
		if attempt++; attempt > 1 {
			// The ledger may record an attempt until the commit window
			// after it began: the intent says when the last one began.
			in.At = r.s.cfg.Now()
			if !r.put(ctx, st) || !r.flush(ctx) {
				return errStoreFailed
			}
		}
		ref, err = r.target.PostEntry(ctx, in.Entry)
		return err
	})
	if errors.Is(err, errStoreFailed) {
		return Outcome{}, false, false
	}
	if err != nil {
		if ctx.Err() != nil {
			return Outcome{}, false, false // pending with its intent: the next run asks the ledger
		}
		se, refused := r.ledgerError(inv, "posting the entry", err)
		if refused {
			st.Intent = nil // the ledger's contract: nothing was recorded
		}
		o, stored = r.stop(ctx, inv, st, se)
		return o, stored, false
	}
	r.confirm(st, in, ref)
	if in.Reversal {
		// Record the reversal at once: if what follows fails, the next
		// attempt must not reverse again (it would find it by key anyway).
		if !r.put(ctx, st) {
			return Outcome{}, false, false
		}
	}
	return Outcome{}, true, true
}

// errStoreFailed stops a retried call whose state could not be stored (the
// run has failed already).
var errStoreFailed = errors.New("invoicesync: state store failed")

// ledgerError turns a failure of an entry's posting or lookup into the
// invoice's error; refused: nothing was recorded (see ledgerFailure).
func (r *run) ledgerError(inv *Invoice, doing string, err error) (se *SyncError, refused bool) {
	se, refused = ledgerFailure(doing, "check the connection to the accounting system; the next run tries again, "+
		"and asks the ledger whether the entry was recorded before posting, so nothing is posted twice", err)
	se.InvoiceID, se.InvoiceNumber = inv.ID, inv.Number
	return se, refused
}

// reversal mirrors the entry of old: same lines, debit and credit swapped,
// dated today, pointing at the entry it cancels.
func (r *run) reversal(old *SyncedVersion) *Entry {
	e := *old.Entry
	e.Lines = make([]EntryLine, len(old.Entry.Lines))
	for i, l := range old.Entry.Lines {
		l.Debit, l.Credit = l.Credit, l.Debit
		e.Lines[i] = l
	}
	now := r.s.cfg.Now()
	e.Date = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	e.DueDate = time.Time{}
	e.IdempotencyKey = reversalKey(old.Key)
	e.Reverses = old.Ref
	e.Draft = r.s.mapping.Draft
	label := "Reversal of " + refText(old.Ref)
	if old.Entry.Label != "" {
		label += ": " + old.Entry.Label
	}
	e.Label = labels.Truncate(label, r.s.mapping.Labels.MaxLength)
	return &e
}

// posted finishes an invoice whose entry p.in the ledger has just recorded:
// the document attached and the state stored.
func (r *run) posted(ctx context.Context, p *laterPost) (Outcome, bool) {
	action := ActionPosted
	if len(p.st.Reversals) > 0 {
		action = ActionReposted // an earlier version's entry was reversed, in this run or before
	}
	if p.doc == nil {
		p.st.Synced.Attached = true
	}
	o, stored := r.synchronized(ctx, p.inv, p.st, action, p.doc)
	p.choice.set(&o)
	return o, stored
}

// laterPost is an invoice whose entry is ready to be posted, with what its
// outcome needs: in a batching run, the batch posts it (see batchPost).
type laterPost struct {
	inv      *Invoice
	st       *State
	in       *Intent
	doc      *Document
	choice   partnerChoice
	prev     SyncStatus // the invoice's status and code before the run
	prevCode ErrorCode
	ident    string   // its document identity, held for it until it is posted
	unlock   func()   // releases the invoice's lock
	job      job      // the job it came in, for the watermark
	done     *Outcome // set for an invoice handled without posting, recorded in its turn
}

// synchronized finishes an invoice whose entry is in the ledger: it attaches
// the document if that is still to do, and stores the synchronized state.
func (r *run) synchronized(ctx context.Context, inv *Invoice, st *State, action Action, doc *Document) (Outcome, bool) {
	was := st.Status
	if !st.Synced.Attached {
		attached, err := r.attachPending(ctx, inv, st.Synced.Ref, doc)
		if err != nil {
			return r.stopOn(ctx, inv, st, err)
		}
		st.Synced.Attached = true
		if attached && action == ActionUnchanged {
			action = ActionAttached
		}
	}
	o := r.outcome(inv, st, StateSynchronized)
	o.Action, o.Entry, o.Key = action, st.Synced.Ref, st.Synced.Key
	st.Code, st.Message, st.Resolution, st.Retryable, st.Attempts = "", "", "", false, 0
	ident := DocumentIdentity(inv)
	if ident != "" {
		r.docs.note(ident, docHolder{id: inv.ID, ref: st.Synced.Ref, at: st.Synced.At})
	}
	if action == ActionUnchanged && was == StateSynchronized && st.Document == ident {
		return o, true // nothing changed: no write
	}
	st.Document = ident // a state stored before documents were identified learns it here
	return o, r.save(ctx, st, &o)
}

// attachPending attaches the invoice's document (doc, or read now when nil)
// to the entry ref. attached is false when there is nothing to attach or the
// ledger takes no attachments.
func (r *run) attachPending(ctx context.Context, inv *Invoice, ref EntryRef, doc *Document) (attached bool, err error) {
	if r.attach == nil {
		return false, nil
	}
	if doc == nil {
		if doc, _, err = r.document(ctx, inv, false); err != nil || doc == nil {
			return false, err
		}
	}
	return true, r.attachDocument(ctx, inv, ref, doc)
}

// attachDocument attaches doc to the entry ref.
func (r *run) attachDocument(ctx context.Context, inv *Invoice, ref EntryRef, doc *Document) error {
	err := r.s.ledger(ctx, func() error { return r.attach.Attach(ctx, ref, *doc) })
	if err == nil || ctx.Err() != nil {
		return err
	}
	return &SyncError{Code: CodePDF, InvoiceID: inv.ID, InvoiceNumber: inv.Number, Field: "Attachments", Value: doc.FileName,
		Message:    fmt.Sprintf("the entry %s was posted but its PDF could not be attached", refText(ref)),
		Resolution: "nothing to do if it passes: the next run attaches the PDF without posting again", Err: err}
}

// refText names an entry for people: its number, else its id.
func refText(ref EntryRef) string {
	if ref.Number != "" {
		return ref.Number
	}
	return ref.ID
}
