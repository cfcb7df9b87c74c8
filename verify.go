package invoicesync

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// EntryBatchFinder is implemented by targets that can look up many
// idempotency keys in one call; Verify then checks the entries in batches
// instead of one FindEntry each.
type EntryBatchFinder interface {
	// FindEntries returns the references of the entries posted with keys,
	// by key; a key without entry is absent from the map, and is no error.
	// It sees drafts too. Read-only: safe to retry.
	FindEntries(ctx context.Context, keys []string) (map[string]EntryRef, error)
}

// verifyBatch is how many keys Verify looks up per FindEntries call.
const verifyBatch = 100

// VerifyOptions configure Verify. The zero value reports and changes nothing.
type VerifyOptions struct {
	// Repost posts again the entries found missing: each invoice is read
	// from the source and posted as a new posting (a key of its own, see
	// PostingKey), as its current version. False: Verify only reports.
	Repost bool
}

// MissingEntry is an invoice's entry that the state says is in the ledger
// and the ledger no longer has.
type MissingEntry struct {
	// InvoiceID and Number identify the invoice.
	InvoiceID string
	// Number is the invoice number.
	Number string
	// Key is the missing entry's idempotency key.
	Key string
	// Ref is the reference the ledger gave the entry when it was posted.
	Ref EntryRef
	// PostedAt is when the posting was confirmed.
	PostedAt time.Time
}

// VerifyReport is what Verify found, and did.
type VerifyReport struct {
	// Checked counts the entries looked up: one per invoice whose entry was
	// posted (synchronized, or in error after that).
	Checked int
	// Missing are the entries the ledger no longer has, by invoice id.
	Missing []MissingEntry
	// Reposted is the run that posted the missing entries again (with
	// VerifyOptions.Repost), nil otherwise.
	Reposted *Report
}

// Verify checks that the entry of every invoice whose posting was confirmed
// is still in the ledger — a journal restored from a backup, or an entry an
// accountant deleted, loses entries nobody would otherwise notice — and
// reports the missing ones. With opts.Repost it posts them again, each as a
// new posting of the invoice's current version, and Reposted says how each
// went. Keys are looked up in batches when the ledger is an
// EntryBatchFinder, one FindEntry each otherwise. The error is about the
// verification (the store or the ledger could not be read, ctx ended).
func (s *Syncer) Verify(ctx context.Context, opts VerifyOptions) (*VerifyReport, error) {
	var r *run
	if opts.Repost {
		var err error
		if r, err = s.begin(ctx, false); err != nil {
			return nil, err
		}
	}
	rep, err := s.findMissing(ctx)
	if err != nil {
		if r != nil {
			r.abort()
		}
		return nil, err
	}
	if r == nil {
		return rep, nil
	}
	var ids []string
	for _, m := range rep.Missing {
		ok, err := s.forget(ctx, m)
		if err != nil {
			r.abort()
			return rep, err
		}
		if ok {
			ids = append(ids, m.InvoiceID)
		}
	}
	ferr := r.pool(func(send func(job) bool) error {
		for _, id := range ids {
			if !send(job{id: id}) {
				return nil
			}
		}
		return nil
	})
	rep.Reposted, err = r.finish(ctx, ferr)
	return rep, err
}

// findMissing looks up the entry of every state that has one.
func (s *Syncer) findMissing(ctx context.Context) (*VerifyReport, error) {
	rep := &VerifyReport{}
	var batch []MissingEntry
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		found, err := s.findEntries(ctx, batch)
		if err != nil {
			return err
		}
		for _, m := range batch {
			if _, ok := found[m.Key]; !ok {
				rep.Missing = append(rep.Missing, m)
			}
		}
		rep.Checked += len(batch)
		batch = batch[:0]
		return nil
	}
	for st, err := range s.store.List(ctx) {
		if err != nil {
			return nil, fmt.Errorf("invoicesync: listing states: %w", err)
		}
		if st.Synced == nil {
			continue
		}
		batch = append(batch, MissingEntry{InvoiceID: st.InvoiceID, Number: st.Number, Key: st.Synced.Key, Ref: st.Synced.Ref, PostedAt: st.Synced.At})
		if len(batch) == verifyBatch {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return rep, nil
}

// findEntries looks up the keys of batch: with one FindEntries call when
// the target can, else one FindEntry each.
func (s *Syncer) findEntries(ctx context.Context, batch []MissingEntry) (map[string]EntryRef, error) {
	keys := make([]string, len(batch))
	for i, m := range batch {
		keys[i] = m.Key
	}
	if f, ok := s.target.(EntryBatchFinder); ok {
		var found map[string]EntryRef
		err := s.ledger(ctx, func() (err error) {
			found, err = f.FindEntries(ctx, keys)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("invoicesync: looking up %d entries in the ledger: %w", len(keys), err)
		}
		return found, nil
	}
	found := make(map[string]EntryRef, len(keys))
	for _, k := range keys {
		var ref EntryRef
		err := s.ledger(ctx, func() (err error) {
			ref, err = s.target.FindEntry(ctx, k)
			return err
		})
		switch {
		case err == nil:
			found[k] = ref
		case !errors.Is(err, ErrNotFound):
			return nil, fmt.Errorf("invoicesync: looking up entry %s in the ledger: %w", k, err)
		}
	}
	return found, nil
}

// forget records that the entry of m is gone, so that the invoice is
// posted again as a new posting: pending, with no entry and the next
// revision. It stores nothing, and reports false, when the state has moved
// on since it was read (another entry confirmed meanwhile).
func (s *Syncer) forget(ctx context.Context, m MissingEntry) (bool, error) {
	defer s.lock(m.InvoiceID)()
	st, err := s.store.Get(ctx, m.InvoiceID)
	if err != nil {
		return false, fmt.Errorf("invoicesync: reading the state of invoice %s: %w", m.InvoiceID, err)
	}
	if st.Synced == nil || st.Synced.Key != m.Key || st.Intent != nil {
		return false, nil
	}
	st.Synced = nil
	st.Revision = st.revision() + 1
	st.Status, st.Code, st.Retryable = StatePending, "", true
	st.Message = fmt.Sprintf("entry %s (key %s) is missing from the ledger: the invoice is posted again", refText(m.Ref), m.Key)
	st.Resolution = ""
	st.UpdatedAt = s.cfg.Now()
	wctx, cancel := writeContext(ctx)
	defer cancel()
	if err := s.store.Put(wctx, st); err != nil {
		return false, fmt.Errorf("invoicesync: recording that entry %s is missing: %w", m.Key, err)
	}
	return true, nil
}
