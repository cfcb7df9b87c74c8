package memory

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/invoicesync/invoicesync"
)

var (
	_ invoicesync.InvoiceSource     = (*Source)(nil)
	_ invoicesync.AttachmentFetcher = (*Source)(nil)
	_ invoicesync.ContactWriter     = (*Source)(nil)
)

// Source is an in-memory invoicing tool: an invoicesync.InvoiceSource,
// ContactWriter and AttachmentFetcher whose invoices, contacts and attachments a test puts in,
// and which fails on demand (see Inject and SetLatency).
//
// Every Put is a change with the next sequence number. Changed streams, in
// change order, the latest version of each invoice whose last change is
// after the cursor; Invoice.Cursor is the change's sequence number as a
// 12-digit decimal string ("000000000003"), so comparing cursors as strings
// compares changes. It is safe for concurrent use.
type Source struct {
	inj *injector

	mu          sync.Mutex
	seq         int64
	log         []change           // every Put, in sequence order
	latest      map[string]version // invoice ID → latest version
	contacts    map[string]invoicesync.Party
	roles       map[string]invoicesync.PartnerRole // contact ref → role, for contacts created with CreateContact
	contactSeq  int
	attachments map[string]map[string]invoicesync.Document // invoice ID → attachment ID → document
}

type change struct {
	seq int64
	id  string
}

type version struct {
	seq int64
	inv invoicesync.Invoice
	err *invoicesync.SyncError // set by PutUnreadable: the invoice cannot be read
}

// NewSource returns an empty source: no invoices, contacts or attachments,
// no faults and no latency.
func NewSource() *Source {
	return &Source{
		inj:         newInjector(sourceMethods),
		latest:      make(map[string]version),
		contacts:    make(map[string]invoicesync.Party),
		roles:       make(map[string]invoicesync.PartnerRole),
		attachments: make(map[string]map[string]invoicesync.Document),
	}
}

// FormatCursor returns the cursor of the change numbered seq, as
// Invoice.Cursor carries it: seq in 12 decimal digits.
func FormatCursor(seq int64) string { return fmt.Sprintf("%012d", seq) }

func parseCursor(cursor string) (int64, error) {
	if cursor == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(cursor, 10, 64)
	if err != nil || n < 0 || cursor[0] == '+' {
		return 0, fmt.Errorf("memory: Changed: invalid cursor %q", cursor)
	}
	return n, nil
}

// ---- Setup and inspection ----

// Put stores a copy of inv as the latest version of the invoice inv.ID,
// records the change, and returns its cursor. inv.Cursor is ignored. It
// panics when inv.ID is empty.
func (s *Source) Put(inv invoicesync.Invoice) string {
	if inv.ID == "" {
		panic("memory: Source.Put: an invoice needs an ID")
	}
	inv = cloneInvoice(inv)
	inv.Cursor = ""
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	s.log = append(s.log, change{seq: s.seq, id: inv.ID})
	s.latest[inv.ID] = version{seq: s.seq, inv: inv}
	return FormatCursor(s.seq)
}

// PutUnreadable records a change of the invoice id after which the source
// finds it but cannot read it, as a tool reports a malformed document:
// Changed yields it, and Invoice returns it, as a stub holding only its ID
// (and, in a stream, its Cursor) with an error wrapping a copy of problem,
// which must be permanent (not Retryable). A later Put makes it readable
// again. It returns the change's cursor, and panics when id is empty or
// problem is nil or retryable.
func (s *Source) PutUnreadable(id string, problem *invoicesync.SyncError) string {
	if id == "" || problem == nil || problem.Retryable() {
		panic("memory: Source.PutUnreadable: needs an ID and a permanent *invoicesync.SyncError")
	}
	p := *problem
	if p.InvoiceID == "" {
		p.InvoiceID = id
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	s.log = append(s.log, change{seq: s.seq, id: id})
	s.latest[id] = version{seq: s.seq, inv: invoicesync.Invoice{ID: id}, err: &p}
	return FormatCursor(s.seq)
}

// unreadable returns the error of version v: nil when it is readable, else
// a copy of its *SyncError.
func (v version) unreadable() error {
	if v.err == nil {
		return nil
	}
	e := *v.err
	return &e
}

// Remove deletes the invoice id, as if the tool no longer had it: Invoice
// fails with invoicesync.ErrNotFound and Changed no longer yields it. It
// reports whether the invoice existed.
func (s *Source) Remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.latest[id]
	delete(s.latest, id)
	return ok
}

// Len returns the number of invoices held.
func (s *Source) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.latest)
}

// PutContact stores a copy of p as the contact ref resolves to (see
// Invoice.ContactRef), replacing any previous one.
func (s *Source) PutContact(ref string, p invoicesync.Party) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.contacts[ref] = cloneParty(p)
}

// PutAttachment stores a copy of doc as the content of the attachment
// attachmentID (AttachmentRef.ID) of the invoice invoiceID, replacing any
// previous one.
func (s *Source) PutAttachment(invoiceID, attachmentID string, doc invoicesync.Document) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.attachments[invoiceID]
	if m == nil {
		m = make(map[string]invoicesync.Document)
		s.attachments[invoiceID] = m
	}
	m[attachmentID] = cloneDocument(doc)
}

// ---- Faults, latency, counters ----

// Inject adds faults (see Fault). Every Source method is a read, so
// FaultLoseResponse fails a call like FaultError does, with ErrResponseLost.
// A fault on Changed makes the stream yield the error, after Fault.After
// invoices. Inject panics on a method that is not one of the Source's, an
// invalid kind, or a negative number.
func (s *Source) Inject(faults ...Fault) { s.inj.inject(faults) }

// ClearFaults removes every injected fault, spent or not.
func (s *Source) ClearFaults() { s.inj.clearFaults() }

// SetLatency delays every later call of m by d (for Changed: the start of
// each iteration of the stream); a call whose ctx ends during the delay
// returns (or yields) ctx.Err(). Zero removes the latency. It adds to
// SetLatencyAll's.
func (s *Source) SetLatency(m Method, d time.Duration) { s.inj.setLatency(m, d) }

// SetLatencyAll delays every later call of every method by d, in addition to
// the method's own latency. Zero removes it.
func (s *Source) SetLatencyAll(d time.Duration) { s.inj.setLatencyAll(d) }

// Calls returns how many times m was called since NewSource or ResetCalls,
// failed calls included. Changed counts when its stream starts being read.
func (s *Source) Calls(m Method) int { return s.inj.count(m) }

// CallCounts returns the number of calls of every Source method, zeros included.
func (s *Source) CallCounts() map[Method]int { return s.inj.counts() }

// ResetCalls sets every call counter to zero. Injected faults keep their call
// numbers, which then count from the reset.
func (s *Source) ResetCalls() { s.inj.reset() }

// ---- invoicesync.InvoiceSource ----

// Changed implements invoicesync.InvoiceSource. Each time the stream is
// read, it yields, in change order, a copy of the latest version of every
// invoice whose last change is after cursor and no later than the last
// change made when reading started; each invoice once, with Cursor set (an
// invoice put with PutUnreadable as its stub, with its *SyncError). It
// reads the change log one invoice at a time, holding the lock only to find
// the next one. An unparsable cursor yields an error. Before each invoice,
// and before ending, it checks ctx, and yields ctx.Err() once ctx is done.
func (s *Source) Changed(ctx context.Context, cursor string) iter.Seq2[invoicesync.Invoice, error] {
	return func(yield func(invoicesync.Invoice, error) bool) {
		c, err := s.inj.begin(ctx, Changed, false)
		if err != nil {
			yield(invoicesync.Invoice{}, err)
			return
		}
		from, err := parseCursor(cursor)
		if err != nil {
			yield(invoicesync.Invoice{}, err)
			return
		}
		s.mu.Lock()
		until := s.seq
		// The log is in sequence order: find the first change after from.
		next := sort.Search(len(s.log), func(i int) bool { return s.log[i].seq > from })
		s.mu.Unlock()
		yielded := 0
		for {
			if err := ctx.Err(); err != nil {
				yield(invoicesync.Invoice{}, err)
				return
			}
			if c.fault != nil && yielded >= c.fault.After {
				yield(invoicesync.Invoice{}, c.err())
				return
			}
			inv, ok, unreadable := s.nextChange(&next, until)
			if !ok {
				if c.fault != nil { // fewer invoices than Fault.After: fail at the end
					yield(invoicesync.Invoice{}, c.err())
				}
				return
			}
			if !yield(inv, unreadable) {
				return
			}
			yielded++
		}
	}
}

// nextChange returns a copy of the invoice of the first change at or after
// log index *next, up to sequence until, that is its invoice's latest, and
// moves *next past it, with its error when it was put with PutUnreadable.
func (s *Source) nextChange(next *int, until int64) (invoicesync.Invoice, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ; *next < len(s.log) && s.log[*next].seq <= until; *next++ {
		ch := s.log[*next]
		v, ok := s.latest[ch.id]
		if !ok || v.seq != ch.seq {
			continue // removed, or changed again later
		}
		*next++
		inv := cloneInvoice(v.inv)
		inv.Cursor = FormatCursor(ch.seq)
		return inv, true, v.unreadable()
	}
	return invoicesync.Invoice{}, false, nil
}

// Invoice implements invoicesync.InvoiceSource: a copy of the latest version
// of the invoice id, with Cursor empty, or an error wrapping
// invoicesync.ErrNotFound. An invoice put with PutUnreadable is returned as
// its stub with its *SyncError.
func (s *Source) Invoice(ctx context.Context, id string) (invoicesync.Invoice, error) {
	if _, err := s.inj.begin(ctx, Invoice, false); err != nil {
		return invoicesync.Invoice{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.latest[id]
	if !ok {
		return invoicesync.Invoice{}, fmt.Errorf("memory: Invoice %q: %w", id, invoicesync.ErrNotFound)
	}
	return cloneInvoice(v.inv), v.unreadable()
}

// Contact implements invoicesync.InvoiceSource: a copy of the contact put
// with PutContact, or an error wrapping invoicesync.ErrNotFound.
func (s *Source) Contact(ctx context.Context, ref string) (invoicesync.Party, error) {
	if _, err := s.inj.begin(ctx, Contact, false); err != nil {
		return invoicesync.Party{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.contacts[ref]
	if !ok {
		return invoicesync.Party{}, fmt.Errorf("memory: Contact %q: %w", ref, invoicesync.ErrNotFound)
	}
	return cloneParty(p), nil
}

// ---- invoicesync.ContactWriter ----

// Contacts implements invoicesync.ContactWriter: copies of the contacts of
// role, by ref, each with SourceID set to its ref. A contact put with
// PutContact has no role and is listed for both roles, as a contact that is
// both customer and supplier; one created with CreateContact has its role.
func (s *Source) Contacts(ctx context.Context, role invoicesync.PartnerRole) ([]invoicesync.Party, error) {
	if _, err := s.inj.begin(ctx, Contacts, false); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	refs := make([]string, 0, len(s.contacts))
	for ref := range s.contacts {
		if r, ok := s.roles[ref]; !ok || r == role {
			refs = append(refs, ref)
		}
	}
	slices.Sort(refs)
	out := make([]invoicesync.Party, len(refs))
	for i, ref := range refs {
		out[i] = cloneParty(s.contacts[ref])
		out[i].SourceID = ref
	}
	return out, nil
}

// CreateContact implements invoicesync.ContactWriter: it stores a copy of p
// under the next ref of the contact sequence ("K1", "K2", ...) and returns
// it with SourceID set. A contact needs a name and a role.
func (s *Source) CreateContact(ctx context.Context, role invoicesync.PartnerRole, p invoicesync.Party) (invoicesync.Party, error) {
	c, err := s.inj.begin(ctx, CreateContact, true)
	if err != nil {
		return invoicesync.Party{}, err
	}
	switch {
	case role != invoicesync.Customer && role != invoicesync.Supplier:
		err = fmt.Errorf("memory: CreateContact %q: invalid role %q", p.Name, role)
	case strings.TrimSpace(p.Name) == "":
		err = errors.New("memory: CreateContact: a contact needs a name")
	default:
		s.mu.Lock()
		for {
			s.contactSeq++
			p.SourceID = fmt.Sprintf("K%d", s.contactSeq)
			if _, taken := s.contacts[p.SourceID]; !taken {
				break
			}
		}
		s.contacts[p.SourceID] = cloneParty(p)
		s.roles[p.SourceID] = role
		s.mu.Unlock()
	}
	if lost := c.lost(); lost != nil {
		return invoicesync.Party{}, lost
	}
	if err != nil {
		return invoicesync.Party{}, err
	}
	return cloneParty(p), nil
}

// ---- invoicesync.AttachmentFetcher ----

// FetchAttachment implements invoicesync.AttachmentFetcher: a copy of the
// document put with PutAttachment for invoiceID and ref.ID, or an error
// wrapping invoicesync.ErrNotFound.
func (s *Source) FetchAttachment(ctx context.Context, invoiceID string, ref invoicesync.AttachmentRef) (invoicesync.Document, error) {
	if _, err := s.inj.begin(ctx, FetchAttachment, false); err != nil {
		return invoicesync.Document{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.attachments[invoiceID][ref.ID]
	if !ok {
		return invoicesync.Document{}, fmt.Errorf("memory: FetchAttachment %q of invoice %q: %w", ref.ID, invoiceID, invoicesync.ErrNotFound)
	}
	return cloneDocument(d), nil
}
