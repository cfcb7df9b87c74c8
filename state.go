package invoicesync

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sort"
	"sync"
	"time"
)

// SyncStatus is where an invoice stands in its synchronization.
type SyncStatus string

// The synchronization statuses.
const (
	// StatePending: the invoice is being posted, or its posting was interrupted
	// (State.Intent says which entry); the next run finishes it.
	StatePending SyncStatus = "pending"
	// StateSynchronized: the invoice's entry is in the ledger (State.Synced).
	StateSynchronized SyncStatus = "synchronized"
	// StateError: the last attempt failed (State.Code, State.Message,
	// State.Resolution, State.Attempts).
	StateError SyncStatus = "error"
	// StateWaiting: the invoice waits for its PDF; a later run picks it up.
	StateWaiting SyncStatus = "waiting"
	// StateSkipped: the invoice is not to be synchronized (out of scope, before
	// the start date, status not eligible, nothing to post); State.Message says why.
	StateSkipped SyncStatus = "skipped"
)

// State is what the Syncer remembers of one invoice. A StateStore keeps it;
// hosts read it to show each invoice's status ("Synchronized", "Error: ...").
// It is plain data that round-trips through JSON.
type State struct {
	// InvoiceID is the invoice's id in the source; the state's key.
	InvoiceID string `json:"invoice_id"`
	// Number is the invoice number, for people.
	Number string `json:"number,omitempty"`
	// Direction is sales or purchase.
	Direction Direction `json:"direction,omitempty"`
	// Status is the invoice's synchronization status.
	Status SyncStatus `json:"status"`
	// Fingerprint identifies the invoice version last handled (see Fingerprint).
	Fingerprint string `json:"fingerprint,omitempty"`
	// Synced is the version whose entry is in the ledger, if any. It stays set
	// while a changed version is in error, so the ledger's content is known.
	Synced *SyncedVersion `json:"synced,omitempty"`
	// Intent is an entry whose posting began and was not confirmed: the
	// process stopped, or the answer was lost. Before anything else, the next
	// attempt asks the ledger whether the entry exists (FindEntry by key).
	Intent *Intent `json:"intent,omitempty"`
	// Reversals are the entries posted to cancel earlier versions (policy
	// RepostChanges) or a cancelled invoice (policy ReverseCancellations).
	Reversals []Reversal `json:"reversals,omitempty"`
	// Revision counts the invoice's entries posted before the current one
	// that the ledger no longer counts: reversed, or found missing by Verify
	// and posted again. It is part of every idempotency key after the first
	// (see PostingKey), so that each posting has its own key.
	Revision int `json:"revision,omitempty"`
	// Document identifies the document whose entry is in the ledger (or is
	// being posted) by direction, kind, company, party and number, so that
	// the same document under another id is refused as a duplicate (see
	// CodeDuplicate). Empty when the invoice has no number or no identifiable
	// party.
	Document string `json:"document,omitempty"`
	// Code is the error code of the last failure (status error).
	Code ErrorCode `json:"code,omitempty"`
	// Message says what failed (status error), or why the invoice is waiting
	// or skipped.
	Message string `json:"message,omitempty"`
	// Resolution says what a person can do (status error and waiting).
	Resolution string `json:"resolution,omitempty"`
	// Retryable is true when the next run takes the invoice up again on its
	// own: the failure was temporary, or came from the accounting system or
	// the invoicing tool rather than from the invoice (a lost answer, a
	// refused connection), or the invoice is pending. Otherwise a person
	// acts first: the invoice changes in the source, or RetryFailed is called.
	Retryable bool `json:"retryable,omitempty"`
	// Attempts counts the failed attempts since the last success or change.
	Attempts int `json:"attempts,omitempty"`
	// UpdatedAt is when the state was last written (the Syncer's clock).
	UpdatedAt time.Time `json:"updated_at"`
}

// revision is st.Revision, or the number of its reversals for a state
// stored before revisions were counted (each reversal then ended a posting).
func (st *State) revision() int { return max(st.Revision, len(st.Reversals)) }

// SyncedVersion is an invoice version whose entry is in the ledger.
type SyncedVersion struct {
	// Fingerprint identifies the invoice version.
	Fingerprint string `json:"fingerprint"`
	// Key is the entry's idempotency key.
	Key string `json:"key"`
	// Ref is the entry's reference in the ledger.
	Ref EntryRef `json:"ref"`
	// Entry is the entry as posted; a reversal mirrors it.
	Entry *Entry `json:"entry,omitempty"`
	// Attached is true once the invoice's document is attached to the entry,
	// or when there is nothing to attach.
	Attached bool `json:"attached"`
	// At is when the entry was confirmed.
	At time.Time `json:"at"`
}

// Intent is an entry about to be posted, recorded before PostEntry is called.
type Intent struct {
	// Key is the entry's idempotency key.
	Key string `json:"key"`
	// Fingerprint is the invoice version the entry is for.
	Fingerprint string `json:"fingerprint"`
	// Reversal is true when the entry reverses State.Synced.
	Reversal bool `json:"reversal,omitempty"`
	// Entry is the entry being posted.
	Entry *Entry `json:"entry"`
	// At is when the intent was recorded.
	At time.Time `json:"at"`
}

// Reversal records an entry posted to cancel an earlier version's entry.
type Reversal struct {
	// Of is the reversed entry's reference.
	Of EntryRef `json:"of"`
	// OfKey is the reversed entry's idempotency key.
	OfKey string `json:"of_key"`
	// Key is the reversal's idempotency key.
	Key string `json:"key"`
	// Ref is the reversal's reference in the ledger.
	Ref EntryRef `json:"ref"`
	// At is when the reversal was confirmed.
	At time.Time `json:"at"`
}

// StateStore keeps the synchronization state of one source's invoices, the
// source's cursor, and the links between the source's parties and ledger
// partners. The Syncer writes an invoice's state before and after every
// posting, so a durable store is what makes exactly-once survive a crash.
//
// One store (or one namespace of a shared database) serves one source and one
// ledger: use one per host customer and connection. MemoryStore is the
// in-memory one; store/sqlitestore keeps it in a SQLite file.
//
// Implementations must be safe for concurrent use, return errors wrapping
// ErrNotFound for what they do not have, and keep every write durable once
// the method returns (a crash right after must not lose it).
type StateStore interface {
	// Get returns the state of the invoice id, or ErrNotFound.
	Get(ctx context.Context, invoiceID string) (State, error)
	// Put stores st, replacing the invoice's previous state.
	Put(ctx context.Context, st State) error
	// List streams the states whose status is one of statuses (every state
	// when none is given), ordered by invoice id. The states may be read
	// while the caller writes others; a state written during the iteration
	// may or may not appear.
	List(ctx context.Context, statuses ...SyncStatus) iter.Seq2[State, error]
	// Cursor returns the source cursor saved by SetCursor, "" when none.
	Cursor(ctx context.Context) (string, error)
	// SetCursor saves the source cursor the next incremental run starts from.
	SetCursor(ctx context.Context, cursor string) error
	// PartnerLink returns the ledger partner linked to the source party
	// sourceID in role, or ErrNotFound.
	PartnerLink(ctx context.Context, role PartnerRole, sourceID string) (PartnerRef, error)
	// SetPartnerLink links the source party sourceID in role to ref; a zero
	// ref removes the link.
	SetPartnerLink(ctx context.Context, role PartnerRole, sourceID string, ref PartnerRef) error
}

// MemoryStore is a StateStore in memory: the default of a Syncer, and what
// tests use. Its content is lost with the process. The zero value is ready to
// use; it is safe for concurrent use.
type MemoryStore struct {
	mu     sync.RWMutex
	states map[string]State
	links  map[string]PartnerRef
	cursor string
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

// Get implements StateStore.
func (s *MemoryStore) Get(ctx context.Context, invoiceID string) (State, error) {
	if err := ctx.Err(); err != nil {
		return State{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, ok := s.states[invoiceID]
	if !ok {
		return State{}, fmt.Errorf("state of invoice %q: %w", invoiceID, ErrNotFound)
	}
	return cloneState(st), nil
}

// Put implements StateStore.
func (s *MemoryStore) Put(ctx context.Context, st State) error {
	return s.PutStates(ctx, []State{st})
}

// List implements StateStore. It reads a snapshot of the matching ids first.
func (s *MemoryStore) List(ctx context.Context, statuses ...SyncStatus) iter.Seq2[State, error] {
	return func(yield func(State, error) bool) {
		s.mu.RLock()
		ids := make([]string, 0, len(s.states))
		for id, st := range s.states {
			if len(statuses) == 0 || slices.Contains(statuses, st.Status) {
				ids = append(ids, id)
			}
		}
		s.mu.RUnlock()
		sort.Strings(ids)
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				yield(State{}, err)
				return
			}
			s.mu.RLock()
			st, ok := s.states[id]
			s.mu.RUnlock()
			if !ok || (len(statuses) > 0 && !slices.Contains(statuses, st.Status)) {
				continue
			}
			if !yield(cloneState(st), nil) {
				return
			}
		}
	}
}

// PutStates implements StateBatcher: every state of states is stored at
// once.
func (s *MemoryStore) PutStates(ctx context.Context, states []State) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, st := range states {
		if st.InvoiceID == "" {
			return fmt.Errorf("invoicesync: a state needs an invoice id")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.states == nil {
		s.states = make(map[string]State)
	}
	for _, st := range states {
		s.states[st.InvoiceID] = cloneState(st)
	}
	return nil
}

// Cursor implements StateStore.
func (s *MemoryStore) Cursor(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cursor, nil
}

// SetCursor implements StateStore.
func (s *MemoryStore) SetCursor(ctx context.Context, cursor string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cursor = cursor
	return nil
}

// PartnerLink implements StateStore.
func (s *MemoryStore) PartnerLink(ctx context.Context, role PartnerRole, sourceID string) (PartnerRef, error) {
	if err := ctx.Err(); err != nil {
		return PartnerRef{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	ref, ok := s.links[string(role)+"\x00"+sourceID]
	if !ok {
		return PartnerRef{}, fmt.Errorf("%s %q has no linked partner: %w", role, sourceID, ErrNotFound)
	}
	return ref, nil
}

// SetPartnerLink implements StateStore.
func (s *MemoryStore) SetPartnerLink(ctx context.Context, role PartnerRole, sourceID string, ref PartnerRef) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := string(role) + "\x00" + sourceID
	if ref.IsZero() {
		delete(s.links, k)
		return nil
	}
	if s.links == nil {
		s.links = make(map[string]PartnerRef)
	}
	s.links[k] = ref
	return nil
}

// Len returns the number of invoice states held.
func (s *MemoryStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.states)
}

// cloneState copies the slices a caller could modify, so that a stored state
// is never changed behind the store's back. Entries are treated as immutable.
func cloneState(st State) State {
	st.Reversals = slices.Clone(st.Reversals)
	if st.Synced != nil {
		v := *st.Synced
		st.Synced = &v
	}
	if st.Intent != nil {
		v := *st.Intent
		st.Intent = &v
	}
	return st
}
