package invoicesync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/invoicesync/invoicesync/matching"
)

// party returns the invoice's party, resolving ContactRef through the
// source when the invoice carries no party.
func (r *run) party(ctx context.Context, inv *Invoice) (*Party, error) {
	if inv.Party != nil {
		return inv.Party, nil
	}
	who := string(RoleFor(inv.Direction))
	if inv.ContactRef == "" {
		return nil, &SyncError{Code: CodePartnerValidation, InvoiceID: inv.ID, InvoiceNumber: inv.Number, Field: "Party",
			Message:    "the invoice has no " + who,
			Resolution: "set the " + who + " of the invoice in the invoicing tool"}
	}
	p, err := r.contacts.do(ctx, inv.ContactRef, func() (Party, error) {
		var p Party
		err := r.s.retry(ctx, func() (err error) {
			p, err = r.s.source.Contact(ctx, inv.ContactRef)
			return err
		})
		switch {
		case err == nil:
			if p.SourceID == "" {
				p.SourceID = inv.ContactRef
			}
			return p, nil
		case ctx.Err() != nil:
			return p, err
		case errors.Is(err, ErrNotFound):
			return p, &SyncError{Code: CodeContactNotFound, Field: "ContactRef", Value: inv.ContactRef,
				Message:    "the " + who + " the invoice refers to does not exist in the invoicing tool",
				Resolution: "check the invoice's " + who + " in the invoicing tool", Err: err}
		}
		se := sourceFailure("the invoice's "+who, err)
		se.Field, se.Value = "ContactRef", inv.ContactRef
		return p, se
	})
	if err != nil {
		return nil, forInvoice(err, inv)
	}
	return &p, nil
}

// forInvoice names inv in a cached *SyncError shared by several invoices.
func forInvoice(err error, inv *Invoice) error {
	var se *SyncError
	if !errors.As(err, &se) {
		return err
	}
	c := *se
	c.InvoiceID, c.InvoiceNumber = inv.ID, inv.Number
	return &c
}

// PartnerAction is what a run decided about an invoice's party.
type PartnerAction string

// The partner decisions.
const (
	// PartnerLinked: the party was linked to the partner by an earlier run.
	PartnerLinked PartnerAction = "linked"
	// PartnerMatched: a ledger partner matched the party under one rule.
	PartnerMatched PartnerAction = "matched"
	// PartnerCreated: no ledger partner matched; the run created one.
	PartnerCreated PartnerAction = "created"
	// PartnerToCreate: no ledger partner matched; the run would create one
	// (preview).
	PartnerToCreate PartnerAction = "to_create"
	// PartnerAmbiguous: several ledger partners matched under one rule; the
	// invoice is in error with ERROR_SYNC_INVOICE_PARTNER_AMBIGUOUS.
	PartnerAmbiguous PartnerAction = "ambiguous"
	// PartnerGone: the partner linked earlier is no longer in the ledger;
	// the invoice is in error with ERROR_SYNC_INVOICE_PARTNER_NOT_FOUND.
	PartnerGone PartnerAction = "not_found"
)

// PartnerDecision is how a run chose the ledger partner of an invoice's
// party, and why: it is in every Outcome and Preview once the party is known.
type PartnerDecision struct {
	// Action is linked, matched, created, to_create, ambiguous or not_found.
	Action PartnerAction
	// Partner is the partner used (linked, matched, created) or linked
	// earlier (not_found).
	Partner PartnerRef
	// Rule is the rule that matched or was ambiguous.
	Rule matching.Rule
	// Value is the party's normalised value under Rule.
	Value string
	// Candidates are the ledger partners that matched (ambiguous).
	Candidates []PartnerRef
	// Invalid lists the party's identifiers that failed their check and were
	// neither compared nor given to a created partner.
	Invalid []string
	// Explanation is the decision in a sentence: the rule, the values
	// compared, the partners concerned.
	Explanation string
}

// partnerChoice is the ledger partner chosen for a party, and why.
type partnerChoice struct {
	ref      PartnerRef
	decision *PartnerDecision
}

// set copies the choice into o (a copy of the decision: the invoices of
// one party share the choice).
func (c partnerChoice) set(o *Outcome) {
	if c.decision != nil {
		d := *c.decision
		o.Partner, o.PartnerDecision = d.Explanation, &d
	}
}

// partnerChoice finds the ledger partner of party, or creates it; once per
// party and run, however many invoices share it. A failed choice still
// carries its decision (ambiguous, not found) when there is one.
func (r *run) partnerChoice(ctx context.Context, inv *Invoice, party *Party) (partnerChoice, error) {
	return r.choosePartner(ctx, inv, party, true)
}

// existingPartner finds the ledger partner of party as partnerChoice does,
// but never creates one: a party no ledger partner matches has a choice
// without a reference.
func (r *run) existingPartner(ctx context.Context, inv *Invoice, party *Party) (partnerChoice, error) {
	return r.choosePartner(ctx, inv, party, false)
}

// choosePartner is partnerChoice, creating a missing partner when create
// is set (and the run is not a preview).
func (r *run) choosePartner(ctx context.Context, inv *Invoice, party *Party, create bool) (partnerChoice, error) {
	role := RoleFor(inv.Direction)
	key := string(role) + "\x00" + partyKey(party)
	if !create {
		key = "find\x00" + key // a choice without creation is not the one to post with
	}
	c, err := r.partners.do(ctx, key, func() (partnerChoice, error) {
		return r.resolvePartner(ctx, role, party, create)
	})
	if err != nil {
		return c, forInvoice(err, inv)
	}
	return c, nil
}

// partyKey identifies a party within a run.
func partyKey(p *Party) string {
	if p.SourceID != "" {
		return "id:" + p.SourceID
	}
	return strings.Join([]string{"aux", p.AuxiliaryAccount, p.VATNumber, p.RegistrationScheme, p.RegistrationID, p.Country, p.Name}, "\x00")
}

// resolvePartner decides: the link stored by an earlier run first; else the
// ledger's partners matched by the rules; none: a partner created with the
// party's normalised identifiers (unless create is false: the choice then
// has no reference).
func (r *run) resolvePartner(ctx context.Context, role PartnerRole, party *Party, create bool) (partnerChoice, error) {
	if party.SourceID != "" {
		ref, err := r.store.PartnerLink(ctx, role, party.SourceID)
		switch {
		case err == nil:
			return r.linked(ctx, role, party, ref)
		case !errors.Is(err, ErrNotFound):
			return partnerChoice{}, storeError{err}
		}
	}
	id := partyIdentity(party)
	if strings.TrimSpace(id.Name) != "" && matching.NormalizeName(id.Name) == "" {
		// "---" or "." would match every other such name and name a partner
		// nobody can find again.
		return partnerChoice{}, &SyncError{Code: CodePartnerValidation, Field: "Party.Name", Value: id.Name,
			Message: fmt.Sprintf("the invoice's %s is named %q, which has no letter or digit: it can neither match a ledger %s nor name a new one",
				role, id.Name, role),
			Resolution: "give the " + string(role) + " its real name in the invoicing tool"}
	}
	if strings.TrimSpace(id.Name) == "" && strings.TrimSpace(id.AuxiliaryAccount) == "" &&
		strings.TrimSpace(id.VATNumber) == "" && strings.TrimSpace(id.RegistrationID) == "" {
		return partnerChoice{}, &SyncError{Code: CodePartnerValidation, Field: "Party",
			Message:    "the invoice's " + string(role) + " has no name, no " + string(role) + " number, no VAT number and no registration id",
			Resolution: "complete the " + string(role) + " in the invoicing tool"}
	}

	// Two parties that are one partner share one of their matching keys:
	// holding them all, never two creations of one partner, while parties
	// that share none are matched and created side by side.
	defer r.s.parties.lockAll(string(role), matching.Keys(id, r.s.cfg.MatchRules))()
	rs := r.s.role(role)
	d, refs, err := r.match(ctx, role, id)
	if err != nil {
		return partnerChoice{}, err
	}
	dec := &PartnerDecision{Rule: d.Rule, Value: d.Value, Invalid: invalidTexts(d.Invalid)}
	switch d.Outcome {
	case matching.Matched:
		c, _ := d.Match()
		ref := refs[c.Index]
		dec.Action, dec.Partner = PartnerMatched, ref
		dec.Explanation = fmt.Sprintf("%s %s matched ledger %s %s by %s %s", role, partyName(party), role, partnerText(ref), d.Rule.Label(), d.Value)
		if c.Value != "" && c.Value != d.Value && c.Value != c.Name {
			dec.Explanation += fmt.Sprintf(" (written %q in the ledger)", c.Value)
		}
		dec.Explanation += invalidNote(dec.Invalid)
		if err := r.link(ctx, role, party, ref); err != nil {
			return partnerChoice{}, err
		}
		return partnerChoice{ref: ref, decision: dec}, nil
	case matching.Ambiguous:
		names := make([]string, len(d.Candidates))
		for i, c := range d.Candidates {
			dec.Candidates = append(dec.Candidates, refs[c.Index])
			names[i] = partnerText(refs[c.Index])
		}
		dec.Action = PartnerAmbiguous
		dec.Explanation = fmt.Sprintf("%s %s matches %d ledger %ss by %s %s: %s", role, partyName(party), len(names), role,
			d.Rule.Label(), d.Value, strings.Join(names, ", ")) + invalidNote(dec.Invalid)
		return partnerChoice{decision: dec}, &SyncError{Code: CodePartnerAmbiguous, Field: "Party." + string(d.Rule), Value: d.Value,
			Message: fmt.Sprintf("%d ledger %ss have the %s %s (%s): which one is meant cannot be decided",
				len(d.Candidates), role, d.Rule.Label(), d.Value, strings.Join(names, ", ")),
			Resolution: "merge the duplicates in the ledger, or give them distinct " + d.Rule.Label() + "s, " +
				"or give the " + string(role) + " in the invoicing tool the " + string(role) + " number of the right one"}
	}

	tried := strings.TrimPrefix(d.Explain(), "no match: ")
	p := newPartner(role, party)
	if p.Name == "" {
		return partnerChoice{}, &SyncError{Code: CodePartnerValidation, Field: "Party.Name",
			Message:    fmt.Sprintf("no ledger %s matches (%s) and the %s has no name to create one with", role, tried, role),
			Resolution: "give the " + string(role) + " a name in the invoicing tool, or create it in the ledger"}
	}
	if r.preview || !create {
		dec.Action = PartnerToCreate
		dec.Explanation = fmt.Sprintf("%s %s matches no ledger %s (%s): it would be created", role, p.Name, role, tried)
		return partnerChoice{decision: dec}, nil
	}
	var ref PartnerRef
	err = r.s.ledger(ctx, func() (err error) {
		ref, err = r.target.CreatePartner(ctx, p)
		return err
	})
	if err != nil {
		return partnerChoice{}, r.partnerLedgerError(ctx, err)
	}
	if ref.Name == "" {
		ref.Name = p.Name
	}
	if ref.AuxiliaryAccount == "" {
		ref.AuxiliaryAccount = p.AuxiliaryAccount
	}
	p.Ref = ref
	rs.mu.Lock()
	if rs.idx != nil {
		rs.idx.add(p)
	}
	rs.mu.Unlock()
	if err := r.link(ctx, role, party, ref); err != nil {
		return partnerChoice{}, err
	}
	dec.Action, dec.Partner = PartnerCreated, ref
	dec.Explanation = fmt.Sprintf("%s %s matches no ledger %s (%s): created %s", role, p.Name, role, tried, partnerText(ref))
	return partnerChoice{ref: ref, decision: dec}, nil
}

// linked checks a partner linked by an earlier run, when that costs no
// extra call: against the ledger's partners when this run has read them
// already (or, in a preview, reads them: nothing will be posted for the
// ledger to refuse), or, in a preview of a ledger that cannot list, by a
// search on the partner's auxiliary account. Otherwise the link is trusted:
// the ledger refuses an entry for a deleted partner with ErrPartnerNotFound.
func (r *run) linked(ctx context.Context, role PartnerRole, party *Party, ref PartnerRef) (partnerChoice, error) {
	dec := &PartnerDecision{Action: PartnerLinked, Partner: ref,
		Explanation: fmt.Sprintf("%s %s is linked to ledger partner %s since an earlier synchronization", role, partyName(party), partnerText(ref))}
	var gone bool
	var err error
	switch {
	case r.s.lister != nil:
		rs := r.s.role(role)
		rs.mu.Lock()
		fresh := rs.idx.freshFor(r)
		rs.mu.Unlock()
		if r.preview || fresh {
			var idx *partnerIndex
			if idx, err = r.partnerIndex(ctx, role); err == nil {
				rs.mu.Lock()
				_, found := idx.byID[ref.ID]
				rs.mu.Unlock()
				gone = !found
			}
		}
	case r.preview:
		gone, err = r.searchLink(ctx, role, ref)
	}
	if err != nil {
		return partnerChoice{}, err
	}
	if !gone {
		return partnerChoice{ref: ref, decision: dec}, nil
	}
	dec.Action = PartnerGone
	dec.Explanation = fmt.Sprintf("%s %s was linked to ledger partner %s, which the ledger no longer has", role, partyName(party), partnerText(ref))
	return partnerChoice{decision: dec}, &SyncError{Code: CodePartnerNotFound, Field: "Party", Value: ref.ID,
		Message:    "the " + string(role) + " linked to this invoice's party (" + partnerText(ref) + ") no longer exists in the ledger",
		Resolution: "restore the partner in the ledger, or unlink it (Syncer.UnlinkPartner) so that the next synchronization finds or creates it"}
}

// searchLink reports whether a linked partner is missing from the ledger,
// searching it by its auxiliary account. Without an auxiliary account, or
// when the ledger cannot search by it, the link is trusted.
func (r *run) searchLink(ctx context.Context, role PartnerRole, ref PartnerRef) (bool, error) {
	if ref.AuxiliaryAccount == "" {
		return false, nil
	}
	found, err := r.findPartners(ctx, PartnerQuery{Role: role, Key: KeyAuxiliaryAccount, Value: ref.AuxiliaryAccount})
	if err != nil || found == nil {
		return false, err // found is nil when the ledger cannot search by auxiliary account
	}
	for _, p := range found {
		if p.Ref.ID == ref.ID {
			return false, nil
		}
	}
	return true, nil
}

// match decides which ledger partner of role, if any, is the party id. It
// returns the decision and the references of the candidates by their
// Candidate.Index. The caller holds the party's keys (see resolvePartner).
func (r *run) match(ctx context.Context, role PartnerRole, id matching.Identity) (matching.Decision, []PartnerRef, error) {
	if r.s.lister != nil {
		idx, err := r.partnerIndex(ctx, role)
		if err != nil {
			return matching.Decision{}, nil, err
		}
		rs := r.s.role(role)
		rs.mu.Lock()
		defer rs.mu.Unlock()
		return idx.ix.Match(id), idx.refs, nil
	}
	// The ledger cannot list: search it rule by rule, and let the matching
	// package re-check what it returns with normalised values.
	rules := r.s.cfg.MatchRules
	if rules == nil {
		rules = matching.DefaultRules()
	}
	var steps []matching.Step
	var last matching.Decision
	for _, rule := range rules {
		key, value := searchValue(rule, id)
		if value == "" {
			d := matching.Match(id, nil, []matching.Rule{rule})
			steps = append(steps, d.Steps...)
			last = d
			continue
		}
		found, err := r.findPartners(ctx, PartnerQuery{Role: role, Key: key, Value: value})
		if err != nil {
			return matching.Decision{}, nil, err
		}
		cands := make([]matching.Identity, len(found))
		refs := make([]PartnerRef, len(found))
		for i, p := range found {
			cands[i], refs[i] = partnerIdentity(p), refOf(p)
		}
		d := matching.Match(id, cands, []matching.Rule{rule})
		steps = append(steps, d.Steps...)
		d.Steps = steps
		if d.Outcome != matching.NoMatch {
			return d, refs, nil
		}
		last = d
	}
	last.Steps = steps
	return last, nil, nil
}

// searchValue is the key and value a ledger search uses for rule: the VAT
// number and registration id normalised, the customer number and name as
// written (the ledger compares them its own way).
func searchValue(rule matching.Rule, id matching.Identity) (PartnerKey, string) {
	switch rule {
	case matching.RuleAuxiliaryAccount:
		return KeyAuxiliaryAccount, strings.TrimSpace(id.AuxiliaryAccount)
	case matching.RuleVATNumber:
		v, _ := matching.NormalizeVAT(id.VATNumber, id.Country)
		return KeyVATNumber, v.String()
	case matching.RuleRegistrationID:
		reg, _ := matching.NormalizeRegistration(id.RegistrationID, id.RegistrationScheme, id.Country)
		return KeyRegistrationID, reg.ID
	case matching.RuleName:
		return KeyName, strings.TrimSpace(id.Name)
	}
	return "", ""
}

// partnerIndex is the ledger's partners of one role, indexed for matching.
type partnerIndex struct {
	seq  uint64 // the run that read the ledger
	ix   *matching.Index
	refs []PartnerRef   // by candidate index
	byID map[string]int // partner id → candidate index
}

// freshFor reports whether the index was read during run r or after it
// began; false for a nil index.
func (p *partnerIndex) freshFor(r *run) bool { return p != nil && p.seq >= r.seq }

func (p *partnerIndex) add(partner Partner) {
	i := p.ix.Add(partnerIdentity(partner))
	p.refs = append(p.refs, refOf(partner))
	p.byID[partner.Ref.ID] = i
}

// partnerIndex returns the index of role's partners, reading them from the
// ledger when the index is older than the run: once per role and run (the
// role's lock is held while it is read, so that it is read once).
func (r *run) partnerIndex(ctx context.Context, role PartnerRole) (*partnerIndex, error) {
	rs := r.s.role(role)
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.idx.freshFor(r) {
		return rs.idx, nil
	}
	var all []Partner
	err := r.s.ledger(ctx, func() (err error) {
		all, err = r.s.lister.ListPartners(ctx, role)
		return err
	})
	if err != nil {
		return nil, r.partnerLedgerError(ctx, err)
	}
	idx := &partnerIndex{seq: r.seq, ix: matching.NewIndex(nil, r.s.cfg.MatchRules),
		refs: make([]PartnerRef, 0, len(all)), byID: make(map[string]int, len(all))}
	for _, p := range all {
		idx.add(p)
	}
	rs.idx = idx
	return idx, nil
}

// partyIdentity is what matching compares of an invoice's party.
func partyIdentity(p *Party) matching.Identity {
	return matching.Identity{ID: p.SourceID, Name: p.Name, VATNumber: p.VATNumber, RegistrationID: p.RegistrationID,
		RegistrationScheme: p.RegistrationScheme, AuxiliaryAccount: p.AuxiliaryAccount, Country: partyCountry(p.Country, p.Address)}
}

// partnerIdentity is what matching compares of a ledger partner.
func partnerIdentity(p Partner) matching.Identity {
	return matching.Identity{ID: p.Ref.ID, Name: p.Name, VATNumber: p.VATNumber, RegistrationID: p.RegistrationID,
		RegistrationScheme: p.RegistrationScheme, AuxiliaryAccount: p.AuxiliaryAccount, Country: partyCountry(p.Country, p.Address)}
}

func partyCountry(country string, a Address) string {
	if country != "" {
		return country
	}
	return a.Country
}

// newPartner is the partner created for party: its name and customer
// number as written, its VAT number and registration id normalised (an
// invalid one is left out: the explanation reports it).
func newPartner(role PartnerRole, party *Party) Partner {
	p := Partner{Role: role, Name: strings.TrimSpace(party.Name), AuxiliaryAccount: strings.TrimSpace(party.AuxiliaryAccount),
		Country: party.Country, Email: party.Email, Address: party.Address}
	country := partyCountry(party.Country, party.Address)
	if v, err := matching.NormalizeVAT(party.VATNumber, country); err == nil {
		p.VATNumber = v.String()
	}
	if reg, err := matching.NormalizeRegistration(party.RegistrationID, party.RegistrationScheme, country); err == nil {
		p.RegistrationID, p.RegistrationScheme = reg.ID, reg.Scheme
	}
	return p
}

func invalidTexts(errs []*matching.InvalidError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, fmt.Sprintf("%s %q: %s", matching.Rule(e.Field).Label(), e.Value, e.Reason))
	}
	return out
}

// invalidNote reports identifiers not compared, after a decision.
func invalidNote(invalid []string) string {
	if len(invalid) == 0 {
		return ""
	}
	return "; not compared: " + strings.Join(invalid, "; ")
}

// findPartners searches the ledger, retrying temporary failures. A key the
// ledger cannot search gives nil and no error; a search that finds nothing
// gives an empty, non-nil slice.
func (r *run) findPartners(ctx context.Context, q PartnerQuery) ([]Partner, error) {
	var found []Partner
	err := r.s.ledger(ctx, func() (err error) {
		found, err = r.target.FindPartners(ctx, q)
		return err
	})
	switch {
	case errors.Is(err, ErrNotSupported):
		return nil, nil
	case err != nil:
		return nil, r.partnerLedgerError(ctx, err)
	case found == nil:
		return []Partner{}, nil
	}
	return found, nil
}

// partnerLedgerError turns a failure of the ledger while finding or
// creating a partner into the invoice's error (see ledgerFailure).
func (r *run) partnerLedgerError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return err
	}
	se, _ := ledgerFailure("finding or creating the partner",
		"the next run tries again; partners are searched before one is created, so none is created twice", err)
	return se
}

// link remembers that party is ref in the ledger (not in a preview).
func (r *run) link(ctx context.Context, role PartnerRole, party *Party, ref PartnerRef) error {
	if r.preview || party.SourceID == "" {
		return nil
	}
	wctx, cancel := writeContext(ctx)
	defer cancel()
	if err := r.store.SetPartnerLink(wctx, role, party.SourceID, ref); err != nil {
		return storeError{err}
	}
	return nil
}

func refOf(p Partner) PartnerRef {
	ref := p.Ref
	if ref.Name == "" {
		ref.Name = p.Name
	}
	if ref.AuxiliaryAccount == "" {
		ref.AuxiliaryAccount = p.AuxiliaryAccount
	}
	return ref
}

func partnerText(ref PartnerRef) string {
	if ref.Name != "" {
		return ref.Name + " (" + ref.ID + ")"
	}
	return ref.ID
}

func partyName(p *Party) string {
	if n := strings.TrimSpace(p.Name); n != "" {
		return n
	}
	return p.SourceID
}
