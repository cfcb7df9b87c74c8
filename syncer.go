package invoicesync

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/invoicesync/invoicesync/matching"
)

// ChangePolicy says what the Syncer does with an invoice changed in the
// source after its entry was posted.
type ChangePolicy string

// The policies. The empty ChangePolicy means ReportChanges.
const (
	// ReportChanges leaves the posted entry alone and reports the invoice in
	// error with ERROR_SYNC_INVOICE_CHANGED_AFTER_SYNC, for a person to decide.
	ReportChanges ChangePolicy = "report"
	// RepostChanges posts a reversal of the old entry, then the new version's
	// entry; both are idempotent.
	RepostChanges ChangePolicy = "repost"
)

// CancelPolicy says what the Syncer does with an invoice cancelled (or put
// back to draft) in the source after its entry was posted.
type CancelPolicy string

// The policies. The empty CancelPolicy means ReportCancellations.
//
// Reporting is the default because, in most countries, an issued invoice is
// not cancelled but corrected by a credit note, which the invoicing tool
// issues and the Syncer posts as an entry of its own: reversing the
// invoice's entry as well would cancel it twice. Reverse only when the
// invoicing tool cancels invoices without issuing credit notes.
const (
	// ReportCancellations leaves the posted entry alone and reports the
	// invoice in error with ERROR_SYNC_INVOICE_CANCELLED_AFTER_SYNC (the
	// notifier is told), for a person to issue a credit note.
	ReportCancellations CancelPolicy = "report"
	// ReverseCancellations posts a reversal of the entry and marks the
	// invoice skipped; if the invoice is issued again later, its entry is
	// posted again as a new posting.
	ReverseCancellations CancelPolicy = "reverse"
)

// Config tunes a Syncer. The zero value is usable except for SourceID.
type Config struct {
	// SourceID names the source: the invoicing tool and the account in it
	// (e.g. "acme-invoicing/tenant-42"). It is part of every idempotency key,
	// so it must never change for a given source, and two sources posting to
	// the same ledger must have different ones. Required.
	SourceID string
	// Concurrency is how many invoices are handled at once. Zero: 4. With
	// more than one, entries reach the ledger in the order their invoices
	// finish, not in the source's order, so a ledger that numbers entries
	// as they arrive numbers them out of invoice order; set 1 where that
	// order matters more than the time a run takes. With 1, a store that
	// implements StateBatcher and a ledger without commit window, first
	// postings are made in batches of 64, their intents stored in one
	// transaction (see StateBatcher).
	Concurrency int
	// Limiter limits the rate of calls to the ledger (a token bucket). Share
	// one Limiter among the Syncers that use the same ledger account. Nil: no limit.
	Limiter *rate.Limiter
	// Notifier is told the outcomes that are news (see Notifier). Nil: nobody.
	Notifier Notifier
	// OnOutcome is called once for every invoice outcome a run records
	// (Run, SyncInvoice, RetryFailed, Verify's reposts): every status and
	// action, unchanged invoices included, after the outcome is stored and
	// counted in the Report. It is called from the Syncer's workers, so
	// concurrently when Concurrency is more than 1, and it must return
	// quickly: a progress display, not a notification. Nil: nothing is called.
	OnOutcome func(Outcome)
	// Now is the clock, for state times and reversal dates. Nil: time.Now.
	Now func() time.Time
	// Logger receives one line per outcome and per run, each with the
	// attribute "source" set to SourceID. It never receives a secret, and
	// nothing is formatted for it beyond its attributes: a disabled level
	// costs nothing. Nil: nothing is logged.
	Logger *slog.Logger
	// OnChange is the policy for invoices changed after they were
	// synchronized. Empty: ReportChanges.
	OnChange ChangePolicy
	// OnCancel is the policy for invoices cancelled (or put back to draft)
	// after they were synchronized. Empty: ReportCancellations.
	OnCancel CancelPolicy
	// MaxAttempts is how many times a call that failed temporarily (a 429, a
	// 503, a timeout) is made within one run before the invoice is left in
	// error for the next run. Zero: 3.
	MaxAttempts int
	// RetryDelay is the wait before the second attempt; it doubles after each
	// further failure. Zero: 500 ms.
	RetryDelay time.Duration
	// CountsOnly makes Run's Report keep counts but no per-invoice outcomes,
	// so that a run over millions of invoices uses constant memory.
	CountsOnly bool
	// MatchRules are the rules a party is matched to a ledger partner by,
	// in order (see package matching). Nil: auxiliary account, VAT number,
	// registration id, name.
	MatchRules []matching.Rule
}

// Notifier is told the outcomes that are news; the host sends the e-mail or
// webhook. An outcome is news when the run wrote to the ledger for the
// invoice (posted, reposted, recovered, reversed, or attached its PDF), or
// when the invoice is in error or waiting and was not before, or was in
// error with another code: an invoice that waits for its PDF, or fails the
// same way, run after run (RetryFailed included) is told once, and told
// again only when its status or code changes (Outcome.Previous and
// Outcome.PreviousCode). Notify is called from the Syncer's workers,
// possibly concurrently, after the outcome is stored (with a StateBatcher
// store, once it is gathered for the next batch). It should return quickly.
type Notifier interface {
	Notify(ctx context.Context, n Notification)
}

// NotifierFunc adapts a function to a Notifier.
type NotifierFunc func(ctx context.Context, n Notification)

// Notify calls f.
func (f NotifierFunc) Notify(ctx context.Context, n Notification) { f(ctx, n) }

// Notification is what a Notifier receives.
type Notification struct {
	// Outcome is the invoice's outcome: status, code, message, resolution.
	Outcome
	// Invoice is the invoice as read from the source.
	Invoice *Invoice
}

// Action says what a run did to the ledger for one invoice.
type Action string

// The actions.
const (
	// ActionNone: nothing was written to the ledger.
	ActionNone Action = ""
	// ActionPosted: the entry was posted.
	ActionPosted Action = "posted"
	// ActionRecovered: an earlier attempt had posted the entry but its answer
	// was lost; the entry was found by its idempotency key and recorded.
	ActionRecovered Action = "recovered"
	// ActionReposted: the invoice had changed; the old entry was reversed and
	// the new one posted (policy RepostChanges).
	ActionReposted Action = "reposted"
	// ActionAttached: the entry was already posted; its document was attached now.
	ActionAttached Action = "attached"
	// ActionUnchanged: the invoice was already synchronized as it is.
	ActionUnchanged Action = "unchanged"
	// ActionReversed: the invoice's entry was reversed and none posted in
	// its place: the invoice was cancelled (policy ReverseCancellations), or
	// changed into one the mapping skips (policy RepostChanges).
	ActionReversed Action = "reversed"
)

// Outcome is what happened to one invoice in a run.
type Outcome struct {
	// InvoiceID is the invoice's id in the source.
	InvoiceID string
	// Number is the invoice number.
	Number string
	// Direction is sales or purchase.
	Direction Direction
	// Status is the invoice's status after the run.
	Status SyncStatus
	// Action is what the run did to the ledger.
	Action Action
	// Entry is the entry in the ledger, when synchronized.
	Entry EntryRef
	// Key is the idempotency key of the invoice version.
	Key string
	// Partner says which ledger partner was used and why, in a sentence.
	Partner string
	// PartnerDecision is the partner decision in full: linked, matched (by
	// which rule and value), created, ambiguous (between which partners).
	// Nil when the invoice stopped before its party was looked at.
	PartnerDecision *PartnerDecision
	// Code is the error code (status error).
	Code ErrorCode
	// Message says what failed, or why the invoice waits or is skipped.
	Message string
	// Resolution says what a person can do.
	Resolution string
	// Retryable is true when the next run takes the invoice up again on its
	// own (see State.Retryable).
	Retryable bool
	// Attempts counts the failed attempts of this invoice version.
	Attempts int
	// Err is the error, when the status is error.
	Err error
	// Warnings are what the source noticed while reading the invoice that
	// did not stop it (Invoice.Warnings), e.g. amounts it rounded.
	Warnings []string
	// Previous is the invoice's status before the run (empty for an invoice
	// the state store did not know), and PreviousCode its error code then.
	Previous     SyncStatus
	PreviousCode ErrorCode
}

// Report sums up a run.
type Report struct {
	// Started is when the run began.
	Started time.Time
	// Duration is how long it took.
	Duration time.Duration
	// Invoices is how many invoices were handled.
	Invoices int
	// Statuses counts the invoices by status after the run.
	Statuses map[SyncStatus]int
	// Actions counts the invoices by action.
	Actions map[Action]int
	// Codes counts the failures by error code.
	Codes map[ErrorCode]int
	// Outcomes are the invoices' outcomes in completion order; empty with Config.CountsOnly.
	Outcomes []Outcome
	// Cursor is the source cursor saved for the next run.
	Cursor string
}

// Outcome returns the outcome of the invoice id, if the report kept it.
func (r *Report) Outcome(id string) (Outcome, bool) {
	for _, o := range r.Outcomes {
		if o.InvoiceID == id {
			return o, true
		}
	}
	return Outcome{}, false
}

// Syncer synchronizes one source's invoices into one ledger, exactly once.
// Make one per host customer and connection with NewSyncer; its
// methods are safe for concurrent use, and an invoice is never handled by two
// of them at the same time. A second Syncer on the same StateStore is
// refused with ErrBusy while the first runs (see RunLocker): within one
// process always, across processes when the store implements RunLocker
// for them.
type Syncer struct {
	source  InvoiceSource
	target  LedgerTarget // called through Syncer.ledger, which waits for Config.Limiter
	mapping Mapping
	store   StateStore
	lister  PartnerLister // the target's; nil when it cannot list
	cfg     Config
	seed    maphash.Seed
	locks   idLocks       // per invoice id
	parties idLocks       // per role and party matching key (see resolvePartner)
	roles   [2]roleState  // customers, suppliers
	runs    atomic.Uint64 // runs begun
	window  time.Duration // the target's commit window
	lease   lease         // the store's run lock, shared by this Syncer's calls
}

// NewSyncer checks its arguments and returns a Syncer. The mapping is copied
// deeply (its rules and maps too): later changes to m do not affect the
// Syncer. A nil store means a new
// MemoryStore. The error is a *MappingError when the mapping's options are
// malformed (its accounts are checked against the ledger at each run).
func NewSyncer(source InvoiceSource, target LedgerTarget, m *Mapping, store StateStore, cfg Config) (*Syncer, error) {
	switch {
	case source == nil:
		return nil, errors.New("invoicesync: NewSyncer needs a source")
	case target == nil:
		return nil, errors.New("invoicesync: NewSyncer needs a target")
	case m == nil:
		return nil, errors.New("invoicesync: NewSyncer needs a mapping")
	case cfg.SourceID == "":
		return nil, errors.New("invoicesync: Config.SourceID is required: it keeps the idempotency keys of different sources apart")
	}
	switch cfg.OnChange {
	case "", ReportChanges, RepostChanges:
	default:
		return nil, fmt.Errorf("invoicesync: unknown Config.OnChange %q (use %q or %q)", cfg.OnChange, ReportChanges, RepostChanges)
	}
	switch cfg.OnCancel {
	case "", ReportCancellations, ReverseCancellations:
	default:
		return nil, fmt.Errorf("invoicesync: unknown Config.OnCancel %q (use %q or %q)", cfg.OnCancel, ReportCancellations, ReverseCancellations)
	}
	if err := checkRules(cfg.MatchRules); err != nil {
		return nil, err
	}
	if _, err := NewBuilder(m, NewChart(nil, nil, nil)); err != nil {
		return nil, err
	}
	if store == nil {
		store = NewMemoryStore()
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	// Every record names the source, so that a host serving many tenants
	// can tell their runs apart.
	cfg.Logger = cfg.Logger.With("source", cfg.SourceID)
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 3
	}
	if cfg.RetryDelay <= 0 {
		cfg.RetryDelay = 500 * time.Millisecond
	}
	s := &Syncer{source: source, mapping: m.clone(), store: store, cfg: cfg, seed: maphash.MakeSeed()}
	s.target = target
	s.lister, _ = target.(PartnerLister)
	if w, ok := target.(CommitWindower); ok {
		s.window = w.CommitWindow()
	}
	return s, nil
}

// Run is one incremental run: every invoice changed in the source since the
// last run's cursor, then the invoices left waiting, pending, in a temporary
// error, or in an error after which the ledger may hold their entry. It
// returns when every invoice is handled or ctx is done.
//
// The error is about the run, not an invoice: another Syncer runs on the
// store (ErrBusy), the ledger's chart could not be read, the mapping is
// unusable, the source's stream or the store failed, or ctx ended. Invoice failures are in the Report. When ctx ends, invoices in
// flight are left in a state the next run resumes from, and the cursor only
// moves past invoices whose outcome was stored.
func (s *Syncer) Run(ctx context.Context) (*Report, error) {
	r, err := s.begin(ctx, false)
	if err != nil {
		return nil, err
	}
	cursor, revisit, err := s.incremental(ctx)
	if err != nil {
		r.abort()
		return nil, err
	}
	wm := &watermark{done: map[int]string{}, cursor: cursor}
	ferr := r.pool(func(send func(job) bool) error {
		seq := 0
		return s.walk(ctx, cursor, revisit, func(inv *Invoice, bad *SyncError) bool {
			seq++
			return send(job{inv: inv, bad: bad, seq: seq - 1, wm: wm})
		}, func(id string) bool {
			return send(job{id: id})
		})
	})
	// The outcomes are stored before the cursor moves past their invoices.
	if r.flush(ctx) && wm.cursor != cursor {
		wctx, cancel := writeContext(ctx)
		defer cancel()
		if err := s.store.SetCursor(wctx, wm.cursor); err != nil && ferr == nil {
			ferr = fmt.Errorf("invoicesync: saving the cursor: %w", err)
		}
	}
	r.report.Cursor = wm.cursor
	return r.finish(ctx, ferr)
}

// incremental reads what an incremental run starts from: the saved cursor
// and the invoices to take up again.
func (s *Syncer) incremental(ctx context.Context) (string, map[string]struct{}, error) {
	revisit, err := s.revisitIDs(ctx, false)
	if err != nil {
		return "", nil, err
	}
	cursor, err := s.store.Cursor(ctx)
	if err != nil {
		return "", nil, fmt.Errorf("invoicesync: reading the cursor: %w", err)
	}
	return cursor, revisit, nil
}

// walk hands over the source's changes since cursor (with the error of an
// invoice the source could not read), then the ids of revisit that the
// changes did not include. It stops, with no error, when
// invoice or id returns false.
func (s *Syncer) walk(ctx context.Context, cursor string, revisit map[string]struct{}, invoice func(*Invoice, *SyncError) bool, id func(string) bool) error {
	for inv, err := range s.source.Changed(ctx, cursor) {
		bad := unreadable(&inv, err)
		if err != nil && bad == nil {
			return fmt.Errorf("invoicesync: reading changed invoices from the source: %w", err)
		}
		delete(revisit, inv.ID)
		if !invoice(&inv, bad) {
			return nil
		}
	}
	for _, x := range sortedSet(revisit) {
		if !id(x) {
			return nil
		}
	}
	return nil
}

// SyncInvoice synchronizes the invoice id now ("deposit now"), whatever its
// state: an invoice in error is tried again. The error is non-nil when the
// invoice ends in error (it is then Outcome.Err), or when the run could not
// start or the invoice could not be read (an unknown id wraps ErrNotFound;
// another Syncer running on the store, ErrBusy). An invoice whose earlier
// posting the ledger may still be recording (see CommitWindower) stays
// pending: its Outcome says until when, with no error.
func (s *Syncer) SyncInvoice(ctx context.Context, id string) (Outcome, error) {
	r, err := s.begin(ctx, false)
	if err != nil {
		return Outcome{}, err
	}
	var inv Invoice
	err = r.s.retry(ctx, func() (err error) {
		inv, err = s.source.Invoice(ctx, id)
		return err
	})
	bad := unreadable(&inv, err)
	if err != nil && bad == nil {
		r.finish(ctx, nil)
		return Outcome{}, fmt.Errorf("invoicesync: reading invoice %s from the source: %w", id, err)
	}
	r.handle(ctx, job{inv: &inv, bad: bad})
	rep, err := r.finish(ctx, nil)
	if err != nil {
		return Outcome{}, err
	}
	o, ok := rep.Outcome(id)
	if !ok {
		return Outcome{}, fmt.Errorf("invoicesync: invoice %s was not handled", id)
	}
	if o.Status == StateError {
		return o, o.Err
	}
	return o, nil
}

// RetryFailed tries again every invoice in error, temporary or not, and every
// invoice left pending. It does not read the source's changes.
func (s *Syncer) RetryFailed(ctx context.Context) (*Report, error) {
	r, err := s.begin(ctx, false)
	if err != nil {
		return nil, err
	}
	ids, err := s.revisitIDs(ctx, true)
	if err != nil {
		r.abort()
		return nil, err
	}
	ferr := r.pool(func(send func(job) bool) error {
		for _, id := range sortedSet(ids) {
			if !send(job{id: id}) {
				return nil
			}
		}
		return nil
	})
	return r.finish(ctx, ferr)
}

// UnlinkPartner forgets the ledger partner linked to the source party
// sourceID, so that the next synchronization of its invoices matches or
// creates one again: the way out of ERROR_SYNC_INVOICE_PARTNER_NOT_FOUND when
// the partner was deleted in the ledger on purpose.
func (s *Syncer) UnlinkPartner(ctx context.Context, role PartnerRole, sourceID string) error {
	return s.store.SetPartnerLink(ctx, role, sourceID, PartnerRef{})
}

// State returns the synchronization state of the invoice id, or ErrNotFound.
func (s *Syncer) State(ctx context.Context, id string) (State, error) {
	return s.store.Get(ctx, id)
}

// revisitIDs lists the invoices a run takes up again besides the source's
// changes: waiting, pending, errors the next run settles on its own
// (State.Retryable) and errors whose posting may have happened (an
// unresolved intent); with all, every error.
func (s *Syncer) revisitIDs(ctx context.Context, all bool) (map[string]struct{}, error) {
	ids := map[string]struct{}{}
	statuses := []SyncStatus{StateWaiting, StatePending, StateError}
	if all {
		statuses = []SyncStatus{StatePending, StateError}
	}
	for st, err := range s.store.List(ctx, statuses...) {
		if err != nil {
			return nil, fmt.Errorf("invoicesync: listing states: %w", err)
		}
		if all || st.Status != StateError || st.Retryable || st.Intent != nil {
			ids[st.InvoiceID] = struct{}{}
		}
	}
	return ids, nil
}

func sortedSet(m map[string]struct{}) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// lock serialises the handling of one invoice within the Syncer.
func (s *Syncer) lock(id string) func() { return s.locks.lock(id) }

// idLocks is a lock per key (an invoice id, a party's matching key), kept
// while someone holds or waits for it.
type idLocks struct {
	mu sync.Mutex
	m  map[string]*idLock
}

type idLock struct {
	mu sync.Mutex
	n  int // holders and waiters
}

// lock locks id and returns its unlock.
func (l *idLocks) lock(id string) func() {
	l.mu.Lock()
	if l.m == nil {
		l.m = make(map[string]*idLock)
	}
	k := l.m[id]
	if k == nil {
		k = &idLock{}
		l.m[id] = k
	}
	k.n++
	l.mu.Unlock()
	k.mu.Lock()
	return func() {
		k.mu.Unlock()
		l.mu.Lock()
		if k.n--; k.n == 0 {
			delete(l.m, id)
		}
		l.mu.Unlock()
	}
}

// lockAll locks every key of keys under prefix, in one order whoever
// asks (sorted, each once), and returns the function that unlocks them.
func (l *idLocks) lockAll(prefix string, keys []string) func() {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	unlocks := make([]func(), len(keys))
	for i, k := range keys {
		unlocks[i] = l.lock(prefix + "\x00" + k)
	}
	return func() {
		for i := len(unlocks) - 1; i >= 0; i-- {
			unlocks[i]()
		}
	}
}

// checkRules refuses an empty, unknown or repeated matching rule.
func checkRules(rules []matching.Rule) error {
	if rules != nil && len(rules) == 0 {
		return errors.New("invoicesync: Config.MatchRules is empty: leave it nil for the default rules")
	}
	known := map[matching.Rule]bool{}
	for _, r := range matching.DefaultRules() {
		known[r] = true
	}
	seen := map[matching.Rule]bool{}
	for _, r := range rules {
		switch {
		case !known[r]:
			return fmt.Errorf("invoicesync: unknown rule %q in Config.MatchRules (use %v)", r, matching.DefaultRules())
		case seen[r]:
			return fmt.Errorf("invoicesync: rule %q appears twice in Config.MatchRules", r)
		}
		seen[r] = true
	}
	return nil
}

// roleState is what the Syncer's runs share about the partners of a role:
// the index of the ledger's partners, read and changed under mu. That no
// two parties that are one partner create it twice is the parties locks'
// work (see resolvePartner), across the runs of the Syncer too (a Run and
// a SyncInvoice at the same time).
type roleState struct {
	mu  sync.Mutex
	idx *partnerIndex // the ledger's partners, when the target lists them
}

// role returns the shared state of role's partners.
func (s *Syncer) role(role PartnerRole) *roleState {
	if role == Supplier {
		return &s.roles[1]
	}
	return &s.roles[0]
}

// writeContext is the context of a state write that must happen even when
// the run's context has just ended: recording what the ledger already holds.
func writeContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}

// watermark tracks the source cursor: it moves past an invoice only once the
// invoice and every one streamed before it have their outcome stored.
type watermark struct {
	mu     sync.Mutex
	next   int
	done   map[int]string
	cursor string
}

func (w *watermark) mark(seq int, cursor string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done[seq] = cursor
	for {
		c, ok := w.done[w.next]
		if !ok {
			return
		}
		delete(w.done, w.next)
		w.next++
		if c != "" {
			w.cursor = c
		}
	}
}

// attacher returns the target's Attacher, or nil.
func (s *Syncer) attacher() Attacher {
	a, _ := s.target.(Attacher)
	return a
}
