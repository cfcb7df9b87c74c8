package memory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/invoicesync/invoicesync"
)

var (
	_ invoicesync.LedgerTarget     = (*Ledger)(nil)
	_ invoicesync.DraftPoster      = (*Ledger)(nil)
	_ invoicesync.Attacher         = (*Ledger)(nil)
	_ invoicesync.PartnerLister    = (*Ledger)(nil)
	_ invoicesync.CommitWindower   = (*Ledger)(nil)
	_ invoicesync.EntryBatchFinder = (*Ledger)(nil)
)

// Ledger is a strict in-memory ledger: an invoicesync.LedgerTarget, DraftPoster
// and Attacher that enforces every rule of the contract, records what was
// posted for inspection, and fails on demand (see Inject and SetLatency).
//
// Make one with NewLedger, fill its chart with AddAccounts, AddVATCodes,
// AddJournals and AddPartner, hand it to the code under test, then inspect
// Entries, Partners and the call counters. It is safe for concurrent use.
//
// PostEntry rejects, recording nothing, an entry that:
//   - fails Entry.Check (the error wraps invoicesync.ErrUnbalanced, whatever
//     invariant failed, and is what Check returned);
//   - names a journal the ledger does not have, once any journal was added
//     (invoicesync.ErrMappingJournalNotFound); without journals any code is
//     accepted;
//   - names an unknown account (invoicesync.ErrAccountNumberNotFound) or an
//     inactive one (invoicesync.ErrAccountNumberNotActive);
//   - names an unknown or inactive VAT code (invoicesync.ErrVATCodeNotFound);
//   - asks for a draft while SetDrafts(true) was not called
//     (invoicesync.ErrNotSupported);
//   - names, on a line or as Entry.Partner, a partner the ledger does not
//     have or that was deleted (invoicesync.ErrPartnerNotFound).
//
// The first four are invoicesync.Chart.CheckEntry's checks, against the
// chart as it is at the time of the call.
//
// The first problem found, in that order, is reported; its message names the
// offending journal, account, code or partner. An entry whose idempotency key
// was posted already is not checked at all: PostEntry returns the existing
// entry's reference and records nothing.
type Ledger struct {
	inj *injector

	mu         sync.Mutex
	accounts   []invoicesync.Account
	vatCodes   []invoicesync.VATCode
	journals   []invoicesync.Journal
	partners   []storedPartner
	partnerSeq int
	entries    []StoredEntry
	byKey      map[string]int // idempotency key → index in entries
	byID       map[string]int // entry ID → index in entries
	entrySeq   int
	drafts     bool
	late       []invoicesync.Entry // postings to record when CommitLate is called
	window     time.Duration
	chart      *invoicesync.Chart // the index of the chart PostEntry checks against; nil once the chart changed
}

// checks returns the chart PostEntry checks entries against, indexing it
// again after a change; l.mu is held.
func (l *Ledger) checks() *invoicesync.Chart {
	if l.chart == nil {
		l.chart = invoicesync.NewChart(l.accounts, l.vatCodes, l.journals)
	}
	return l.chart
}

type storedPartner struct {
	p       invoicesync.Partner
	deleted bool
}

// StoredEntry is an entry as the Ledger recorded it.
type StoredEntry struct {
	// Ref is the reference PostEntry returned: ID "E1", "E2", ... and Number
	// "2026-000001": the year of the entry's date and the ledger's sequence.
	Ref invoicesync.EntryRef
	// Entry is a copy of the entry as posted.
	Entry invoicesync.Entry
	// Draft is true when the entry was posted as a draft.
	Draft bool
	// Attachments are the documents attached to the entry, in the order of
	// their first attachment; one per file name.
	Attachments []invoicesync.Document
}

// NewLedger returns an empty ledger: no accounts, VAT codes, journals,
// partners or entries, no draft support, no faults and no latency.
func NewLedger() *Ledger {
	return &Ledger{
		inj:   newInjector(ledgerMethods),
		byKey: make(map[string]int),
		byID:  make(map[string]int),
	}
}

// ---- Setup and inspection ----

// SetCommitWindow sets what CommitWindow declares: how long after a
// PostEntry begins the ledger may still record it (see FaultCommitLate). Zero,
// the default, says the ledger answers only once it has recorded.
func (l *Ledger) SetCommitWindow(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.window = d
}

// CommitWindow implements invoicesync.CommitWindower with the duration set
// by SetCommitWindow.
func (l *Ledger) CommitWindow() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.window
}

// CommitLate records the postings that failed under FaultCommitLate, in the
// order they were made, as the server finishing them after the client gave
// up; each is checked and deduplicated by key like any posting. It returns
// their references (a zero one for a posting the ledger refused).
func (l *Ledger) CommitLate() []invoicesync.EntryRef {
	l.mu.Lock()
	late := l.late
	l.late = nil
	l.mu.Unlock()
	refs := make([]invoicesync.EntryRef, len(late))
	for i := range late {
		refs[i], _ = l.post(&late[i])
	}
	return refs
}

// AddAccounts adds accounts to the chart. An account whose number is there
// already replaces it, keeping its position.
func (l *Ledger) AddAccounts(accounts ...invoicesync.Account) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.chart = nil
	for _, a := range accounts {
		if i := slices.IndexFunc(l.accounts, func(x invoicesync.Account) bool { return x.Number == a.Number }); i >= 0 {
			l.accounts[i] = a
		} else {
			l.accounts = append(l.accounts, a)
		}
	}
}

// AddVATCodes adds VAT codes. A code there already is replaced, keeping its position.
func (l *Ledger) AddVATCodes(codes ...invoicesync.VATCode) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.chart = nil
	for _, v := range codes {
		if i := slices.IndexFunc(l.vatCodes, func(x invoicesync.VATCode) bool { return x.Code == v.Code }); i >= 0 {
			l.vatCodes[i] = v
		} else {
			l.vatCodes = append(l.vatCodes, v)
		}
	}
}

// AddJournals adds journals. A code there already is replaced, keeping its
// position. Once a journal is added, PostEntry accepts only the journals added.
func (l *Ledger) AddJournals(journals ...invoicesync.Journal) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.chart = nil
	for _, j := range journals {
		if i := slices.IndexFunc(l.journals, func(x invoicesync.Journal) bool { return x.Code == j.Code }); i >= 0 {
			l.journals[i] = j
		} else {
			l.journals = append(l.journals, j)
		}
	}
}

// SetAccountActive activates or deactivates the account numbered number, as
// an accountant closing or reopening it would. It reports whether the
// account exists.
func (l *Ledger) SetAccountActive(number string, active bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.chart = nil
	for i := range l.accounts {
		if l.accounts[i].Number == number {
			l.accounts[i].Active = active
			return true
		}
	}
	return false
}

// SetVATCodeActive activates or deactivates the VAT code code. It reports
// whether the code exists.
func (l *Ledger) SetVATCodeActive(code string, active bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.chart = nil
	for i := range l.vatCodes {
		if l.vatCodes[i].Code == code {
			l.vatCodes[i].Active = active
			return true
		}
	}
	return false
}

// AddPartner adds a partner as if someone had created it in the ledger, and
// returns its reference. The ID is assigned from the sequence CreatePartner
// uses ("P1", "P2", ...), whatever p.Ref says; the reference's Name and
// AuxiliaryAccount are p's.
func (l *Ledger) AddPartner(p invoicesync.Partner) invoicesync.PartnerRef {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.addPartner(p)
}

func (l *Ledger) addPartner(p invoicesync.Partner) invoicesync.PartnerRef {
	l.partnerSeq++
	p = clonePartner(p)
	p.Ref = invoicesync.PartnerRef{
		ID:               fmt.Sprintf("P%d", l.partnerSeq),
		Name:             p.Name,
		AuxiliaryAccount: p.AuxiliaryAccount,
	}
	l.partners = append(l.partners, storedPartner{p: p})
	return p.Ref
}

// DeletePartner deletes the partner id, as an accountant would: FindPartners
// no longer returns it and posting an entry that references it fails with
// invoicesync.ErrPartnerNotFound. It reports whether the partner existed
// (and was not deleted already).
func (l *Ledger) DeletePartner(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.partners {
		if l.partners[i].p.Ref.ID == id && !l.partners[i].deleted {
			l.partners[i].deleted = true
			return true
		}
	}
	return false
}

// Partners returns copies of the partners of role (every role when role is
// empty), deleted ones excluded, in the order they were added or created.
func (l *Ledger) Partners(role invoicesync.PartnerRole) []invoicesync.Partner {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []invoicesync.Partner
	for _, sp := range l.partners {
		if !sp.deleted && (role == "" || sp.p.Role == role) {
			out = append(out, clonePartner(sp.p))
		}
	}
	return out
}

// SetDrafts sets what SupportsDrafts reports, as a company setting would.
// While it is false (the default), PostEntry rejects draft entries.
func (l *Ledger) SetDrafts(supported bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.drafts = supported
}

// Entries returns copies of the entries recorded, in the order they were posted.
func (l *Ledger) Entries() []StoredEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]StoredEntry, len(l.entries))
	for i := range l.entries {
		out[i] = cloneStored(l.entries[i])
	}
	return out
}

// DeleteEntry removes the entry id, as an accountant deleting a voucher (or
// a restore from an older backup) would: FindEntry no longer finds its key.
// It reports whether the entry existed.
func (l *Ledger) DeleteEntry(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := l.byID[id]
	if !ok {
		return false
	}
	l.entries = slices.Delete(l.entries, i, i+1)
	clear(l.byKey)
	clear(l.byID)
	for j, se := range l.entries {
		if se.Entry.IdempotencyKey != "" {
			l.byKey[se.Entry.IdempotencyKey] = j
		}
		l.byID[se.Ref.ID] = j
	}
	return true
}

// Entry returns a copy of the entry posted with idempotency key key.
func (l *Ledger) Entry(key string) (StoredEntry, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := l.byKey[key]
	if !ok || key == "" {
		return StoredEntry{}, false
	}
	return cloneStored(l.entries[i]), true
}

// Len returns the number of entries recorded.
func (l *Ledger) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

// ---- Faults, latency, counters ----

// Inject adds faults. Each fails the calls it names (see Fault); when several
// name the same call, the one injected first applies. Inject panics on a
// method that is not one of the Ledger's, an invalid kind, or a negative
// number. It may be called at any time, concurrently with calls.
func (l *Ledger) Inject(faults ...Fault) { l.inj.inject(faults) }

// ClearFaults removes every injected fault, spent or not.
func (l *Ledger) ClearFaults() { l.inj.clearFaults() }

// SetLatency delays every later call of m by d before it does anything; a
// call whose ctx ends during the delay returns ctx.Err() having done
// nothing. Zero removes the latency. It adds to SetLatencyAll's.
func (l *Ledger) SetLatency(m Method, d time.Duration) { l.inj.setLatency(m, d) }

// SetLatencyAll delays every later call of every method by d, in addition to
// the method's own latency (see SetLatency). Zero removes it.
func (l *Ledger) SetLatencyAll(d time.Duration) { l.inj.setLatencyAll(d) }

// Calls returns how many times m was called since NewLedger or ResetCalls,
// failed calls included.
func (l *Ledger) Calls(m Method) int { return l.inj.count(m) }

// CallCounts returns the number of calls of every Ledger method, zeros included.
func (l *Ledger) CallCounts() map[Method]int { return l.inj.counts() }

// ResetCalls sets every call counter to zero. Injected faults keep their call
// numbers, which then count from the reset.
func (l *Ledger) ResetCalls() { l.inj.reset() }

// ---- invoicesync.LedgerTarget ----

// Accounts implements invoicesync.LedgerTarget: a copy of the chart of
// accounts, inactive accounts included, in the order they were added.
func (l *Ledger) Accounts(ctx context.Context) ([]invoicesync.Account, error) {
	if _, err := l.inj.begin(ctx, Accounts, false); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.accounts), nil
}

// VATCodes implements invoicesync.LedgerTarget: a copy of the VAT codes,
// inactive ones included.
func (l *Ledger) VATCodes(ctx context.Context) ([]invoicesync.VATCode, error) {
	if _, err := l.inj.begin(ctx, VATCodes, false); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.vatCodes), nil
}

// Journals implements invoicesync.LedgerTarget: a copy of the journals.
func (l *Ledger) Journals(ctx context.Context) ([]invoicesync.Journal, error) {
	if _, err := l.inj.begin(ctx, Journals, false); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.journals), nil
}

// FindPartners implements invoicesync.LedgerTarget. It returns the partners
// of q.Role whose field q.Key equals q.Value exactly (KeyName: ignoring
// case), deleted ones excluded, as a non-nil slice. An empty Value matches
// nothing. A key other than the four invoicesync.Key* constants fails with
// invoicesync.ErrNotSupported; a role other than Customer or Supplier fails too.
func (l *Ledger) FindPartners(ctx context.Context, q invoicesync.PartnerQuery) ([]invoicesync.Partner, error) {
	if _, err := l.inj.begin(ctx, FindPartners, false); err != nil {
		return nil, err
	}
	if q.Role != invoicesync.Customer && q.Role != invoicesync.Supplier {
		return nil, fmt.Errorf("memory: FindPartners: invalid role %q", q.Role)
	}
	match, err := q.Matcher()
	if err != nil {
		return nil, fmt.Errorf("memory: FindPartners: %w", err)
	}
	out := []invoicesync.Partner{}
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.partners {
		sp := &l.partners[i]
		if !sp.deleted && match(&sp.p) {
			out = append(out, clonePartner(sp.p))
		}
	}
	return out, nil
}

// ListPartners implements invoicesync.PartnerLister: copies of the partners
// of role, deleted ones excluded, in the order they were added. A role other
// than Customer or Supplier fails.
func (l *Ledger) ListPartners(ctx context.Context, role invoicesync.PartnerRole) ([]invoicesync.Partner, error) {
	if _, err := l.inj.begin(ctx, ListPartners, false); err != nil {
		return nil, err
	}
	if role != invoicesync.Customer && role != invoicesync.Supplier {
		return nil, fmt.Errorf("memory: ListPartners: invalid role %q", role)
	}
	return l.Partners(role), nil
}

// CreatePartner implements invoicesync.LedgerTarget. It assigns the next ID
// of the partner sequence ("P1", "P2", ...). It rejects a partner whose Role
// is not Customer or Supplier, whose Name is empty, or whose Ref.ID is set.
func (l *Ledger) CreatePartner(ctx context.Context, p invoicesync.Partner) (invoicesync.PartnerRef, error) {
	c, err := l.inj.begin(ctx, CreatePartner, true)
	if err != nil {
		return invoicesync.PartnerRef{}, err
	}
	var ref invoicesync.PartnerRef
	switch {
	case p.Role != invoicesync.Customer && p.Role != invoicesync.Supplier:
		err = fmt.Errorf("memory: CreatePartner %q: invalid role %q", p.Name, p.Role)
	case strings.TrimSpace(p.Name) == "":
		err = errors.New("memory: CreatePartner: a partner needs a name")
	case p.Ref.ID != "":
		err = fmt.Errorf("memory: CreatePartner %q: Ref.ID %q is set; the ledger assigns it", p.Name, p.Ref.ID)
	default:
		l.mu.Lock()
		ref = l.addPartner(p)
		l.mu.Unlock()
	}
	if lost := c.lost(); lost != nil {
		return invoicesync.PartnerRef{}, lost
	}
	return ref, err
}

// PostEntry implements invoicesync.LedgerTarget with the checks listed on
// Ledger. It stores a deep copy of e: changing e afterwards changes nothing.
func (l *Ledger) PostEntry(ctx context.Context, e *invoicesync.Entry) (invoicesync.EntryRef, error) {
	c, err := l.inj.begin(ctx, PostEntry, true)
	if err != nil {
		return invoicesync.EntryRef{}, err
	}
	if c.late() {
		if e != nil {
			l.mu.Lock()
			l.late = append(l.late, cloneEntry(e))
			l.mu.Unlock()
		}
		return invoicesync.EntryRef{}, c.err()
	}
	ref, err := l.post(e)
	if lost := c.lost(); lost != nil {
		return invoicesync.EntryRef{}, lost
	}
	return ref, err
}

func (l *Ledger) post(e *invoicesync.Entry) (invoicesync.EntryRef, error) {
	if e == nil {
		return invoicesync.EntryRef{}, fmt.Errorf("memory: PostEntry: nil entry: %w", invoicesync.ErrUnbalanced)
	}
	c := cloneEntry(e)
	l.mu.Lock()
	defer l.mu.Unlock()
	if c.IdempotencyKey != "" {
		if i, ok := l.byKey[c.IdempotencyKey]; ok {
			return l.entries[i].Ref, nil
		}
	}
	if err := l.validate(&c); err != nil {
		return invoicesync.EntryRef{}, err
	}
	l.entrySeq++
	ref := invoicesync.EntryRef{
		ID:     fmt.Sprintf("E%d", l.entrySeq),
		Number: fmt.Sprintf("%04d-%06d", c.Date.Year(), l.entrySeq),
	}
	l.entries = append(l.entries, StoredEntry{Ref: ref, Entry: c, Draft: c.Draft})
	if c.IdempotencyKey != "" {
		l.byKey[c.IdempotencyKey] = len(l.entries) - 1
	}
	l.byID[ref.ID] = len(l.entries) - 1
	return ref, nil
}

// validate checks e against the ledger; l.mu is held.
func (l *Ledger) validate(e *invoicesync.Entry) error {
	if err := l.checks().CheckEntry(e); err != nil {
		return fmt.Errorf("memory: PostEntry: %w", err)
	}
	name := fmt.Sprintf("memory: PostEntry %q", e.Reference)
	if e.Draft && !l.drafts {
		return fmt.Errorf("%s: drafts: %w", name, invoicesync.ErrNotSupported)
	}
	if !e.Partner.IsZero() && !l.hasPartner(e.Partner.ID) {
		return fmt.Errorf("%s: partner %q (%s) does not exist: %w", name, e.Partner.ID, e.Partner.Name, invoicesync.ErrPartnerNotFound)
	}
	for i := range e.Lines {
		p := e.Lines[i].Partner
		if p != nil && !p.IsZero() && !l.hasPartner(p.ID) {
			return fmt.Errorf("%s line %d: partner %q (%s) does not exist: %w", name, i+1, p.ID, p.Name, invoicesync.ErrPartnerNotFound)
		}
	}
	return nil
}

// hasPartner reports whether partner id exists and is not deleted; l.mu is held.
func (l *Ledger) hasPartner(id string) bool {
	return slices.ContainsFunc(l.partners, func(sp storedPartner) bool { return sp.p.Ref.ID == id && !sp.deleted })
}

// FindEntry implements invoicesync.LedgerTarget: the reference of the entry
// posted with key, drafts included, or an error wrapping
// invoicesync.ErrNotFound.
func (l *Ledger) FindEntry(ctx context.Context, key string) (invoicesync.EntryRef, error) {
	if _, err := l.inj.begin(ctx, FindEntry, false); err != nil {
		return invoicesync.EntryRef{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := l.byKey[key]
	if !ok || key == "" {
		return invoicesync.EntryRef{}, fmt.Errorf("memory: FindEntry: no entry with key %q: %w", key, invoicesync.ErrNotFound)
	}
	return l.entries[i].Ref, nil
}

// FindEntries implements invoicesync.EntryBatchFinder: the references of
// the entries posted with keys, by key; keys without entry are left out.
// It is counted (and takes faults) as one call of method FindEntries.
func (l *Ledger) FindEntries(ctx context.Context, keys []string) (map[string]invoicesync.EntryRef, error) {
	if _, err := l.inj.begin(ctx, FindEntries, false); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	found := make(map[string]invoicesync.EntryRef, len(keys))
	for _, k := range keys {
		if i, ok := l.byKey[k]; ok && k != "" {
			found[k] = l.entries[i].Ref
		}
	}
	return found, nil
}

// ---- invoicesync.DraftPoster ----

// SupportsDrafts implements invoicesync.DraftPoster: what SetDrafts set,
// false by default. It is not counted and takes no faults.
func (l *Ledger) SupportsDrafts() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.drafts
}

// ---- invoicesync.Attacher ----

// Attach implements invoicesync.Attacher. It stores a copy of doc on the
// entry whose ID is ref.ID; a document with the same FileName replaces the
// one attached before, in its place. An unknown entry fails with
// invoicesync.ErrNotFound, an empty FileName is rejected.
func (l *Ledger) Attach(ctx context.Context, ref invoicesync.EntryRef, doc invoicesync.Document) error {
	c, err := l.inj.begin(ctx, Attach, true)
	if err != nil {
		return err
	}
	err = l.attach(ref, doc)
	if lost := c.lost(); lost != nil {
		return lost
	}
	return err
}

func (l *Ledger) attach(ref invoicesync.EntryRef, doc invoicesync.Document) error {
	if doc.FileName == "" {
		return fmt.Errorf("memory: Attach to entry %q: the document has no file name", ref.ID)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := l.byID[ref.ID]
	if !ok {
		return fmt.Errorf("memory: Attach %q: entry %q: %w", doc.FileName, ref.ID, invoicesync.ErrNotFound)
	}
	s := &l.entries[i]
	doc = cloneDocument(doc)
	if j := slices.IndexFunc(s.Attachments, func(d invoicesync.Document) bool { return d.FileName == doc.FileName }); j >= 0 {
		s.Attachments[j] = doc
	} else {
		s.Attachments = append(s.Attachments, doc)
	}
	return nil
}
