package invoicesync

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/invoicesync/invoicesync/matching"
)

// DocumentIdentity identifies a document by what makes it one invoice in
// the books: its direction and kind, the company and the party it is
// between (each by VAT number, else legal registration, else normalised
// name), and its number. The same invoice sent as PDF and as XML, or as UBL
// and as CII, has one identity under two ids: the Syncer posts the first it
// meets and refuses the others (CodeDuplicate). It is "" when the invoice
// has no number or its party cannot be identified: such invoices are never
// taken for duplicates.
//
// The Syncer keeps each posted document's identity in its state
// (State.Document). A run (or preview) reads every state of its store once,
// when it meets the first invoice with an identity, to learn the documents
// already synchronized; a state stored before identities were kept learns
// its own the next time the source lists its invoice.
func DocumentIdentity(inv *Invoice) string {
	number := strings.TrimSpace(inv.Number)
	if number == "" || !inv.Direction.Valid() {
		return ""
	}
	party := documentParty(inv.Party)
	if party == "" && inv.ContactRef != "" {
		party = "contact:" + inv.ContactRef
	}
	if party == "" {
		return ""
	}
	return hashKey("document", string(inv.Direction), string(inv.Kind), documentParty(inv.Company), party, number)
}

// documentParty is the strongest identifier of p, normalised as partner
// matching normalises it: its VAT number, else its legal registration, else
// its name; "" when it has none.
func documentParty(p *Party) string {
	if p == nil {
		return ""
	}
	country := partyCountry(p.Country, p.Address)
	if v, err := matching.NormalizeVAT(p.VATNumber, country); err == nil && v.Number != "" {
		return "vat:" + v.String()
	}
	if reg, err := matching.NormalizeRegistration(p.RegistrationID, p.RegistrationScheme, country); err == nil && reg.ID != "" {
		return "registration:" + reg.Scheme + ":" + reg.ID
	}
	if reg := strings.ToUpper(strings.Join(strings.Fields(p.RegistrationID), "")); reg != "" {
		return "registration:" + p.RegistrationScheme + ":" + reg // not valid in its scheme: as written
	}
	if name := matching.NormalizeName(p.Name); name != "" {
		return "name:" + name
	}
	return ""
}

// docHolder is the invoice that holds a document identity in the ledger.
type docHolder struct {
	id  string
	ref EntryRef  // zero in a preview: the entry the preview would post
	at  time.Time // when the entry was confirmed; zero in a preview
}

// docIndex is a run's view of the document identities in the ledger: read
// once from the state store, then kept up to date by the run. An invoice
// being handled claims its identity, so that two workers never post one
// document under two ids at once.
type docIndex struct {
	mu      sync.Mutex
	cond    sync.Cond
	loaded  bool
	held    map[string]docHolder
	claimed map[string]string // identity → invoice id being handled
}

// claim returns the invoice that already holds doc under another id, or
// claims doc for id until release. load reads the state store the first
// time. A claim by another invoice is waited for: that invoice finishes
// (posted or not) before this one is decided.
func (x *docIndex) claim(doc, id string, load func() (map[string]docHolder, error)) (*docHolder, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.loaded {
		held, err := load()
		if err != nil {
			return nil, err
		}
		x.held, x.claimed, x.loaded = held, map[string]string{}, true
		x.cond.L = &x.mu
	}
	for {
		if h, ok := x.held[doc]; ok && h.id != id {
			return &h, nil
		}
		if c, ok := x.claimed[doc]; ok && c != id {
			x.cond.Wait()
			continue
		}
		x.claimed[doc] = id
		return nil, nil
	}
}

// release ends id's claim on doc; h, when not nil, now holds doc.
func (x *docIndex) release(doc, id string, h *docHolder) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.claimed[doc] == id {
		delete(x.claimed, doc)
	}
	x.hold(doc, h)
	x.cond.Broadcast()
}

// note records that h holds doc, when the index is loaded (an index loaded
// later reads it from the store).
func (x *docIndex) note(doc string, h docHolder) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.hold(doc, &h)
}

func (x *docIndex) hold(doc string, h *docHolder) {
	if h == nil || !x.loaded {
		return
	}
	if cur, ok := x.held[doc]; !ok || cur.id == h.id { // the same invoice: what it is known by now
		x.held[doc] = *h
	}
}

// drop forgets that id holds doc: its posting did not happen.
func (x *docIndex) drop(doc, id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if cur, ok := x.held[doc]; ok && cur.id == id {
		delete(x.held, doc)
	}
}

// loadDocuments reads the identities of every document whose entry the
// store says is in the ledger.
func (r *run) loadDocuments(ctx context.Context) (map[string]docHolder, error) {
	held := map[string]docHolder{}
	for st, err := range r.store.List(ctx) {
		if err != nil {
			return nil, fmt.Errorf("invoicesync: reading the states to find duplicate documents: %w", err)
		}
		if st.Document == "" || st.Synced == nil {
			continue
		}
		if _, ok := held[st.Document]; !ok {
			held[st.Document] = docHolder{id: st.InvoiceID, ref: st.Synced.Ref, at: st.Synced.At}
		}
	}
	return held, nil
}

// duplicateError is the refusal of inv, which is the document h holds.
func duplicateError(inv *Invoice, h *docHolder) *SyncError {
	what := "a sales"
	if inv.Direction == Purchase {
		what = "a purchase"
	}
	doc := "invoice"
	if inv.Kind == KindCreditNote {
		doc = "credit note"
	}
	party := "its party"
	if inv.Party != nil && inv.Party.Name != "" {
		party = inv.Party.Name
	}
	posted := "which this preview would post first"
	if h.ref != (EntryRef{}) {
		posted = "posted as entry " + refText(h.ref)
		if !h.at.IsZero() {
			posted += " on " + h.at.UTC().Format(time.DateOnly)
		}
	}
	return &SyncError{
		Code: CodeDuplicate, InvoiceID: inv.ID, InvoiceNumber: inv.Number, Field: "Number", Value: inv.Number, Expected: h.id,
		Message: fmt.Sprintf("%s %s number %s with %s is already synchronized as %s, %s: posting it again would count it twice",
			what, doc, inv.Number, party, h.id, posted),
		Resolution: "if both are the same invoice (its PDF and its XML, its UBL and CII versions, or one file sent twice), " +
			"remove this one or leave it: it is never posted; if they are two invoices, the issuer must number them differently " +
			"(a correction is a credit note, or an invoice of its own number)",
	}
}
