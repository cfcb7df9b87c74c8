package invoicesync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/invoicesync/invoicesync/matching"
)

// ImportReport is what ImportPartners did.
type ImportReport struct {
	// Created counts the contacts created in the invoicing tool.
	Created int
	// Matched counts the ledger partners found among the tool's contacts
	// (linked earlier, or matched by a rule).
	Matched int
	// Ambiguous counts the ledger partners that match several contacts
	// under one rule: nothing is created or linked for them.
	Ambiguous int
	// Items are the decisions, one per ledger partner, customers first.
	Items []ImportItem
}

// ImportItem is the decision about one ledger partner.
type ImportItem struct {
	// Role is customer or supplier.
	Role PartnerRole
	// Partner is the ledger partner.
	Partner PartnerRef
	// Action is PartnerLinked (a contact was linked to it by an earlier
	// run), PartnerMatched, PartnerCreated or PartnerAmbiguous.
	Action PartnerAction
	// Contact is the contact's id in the invoicing tool (linked, matched,
	// created).
	Contact string
	// Candidates are the contacts' ids that matched (ambiguous).
	Candidates []string
	// Explanation is the decision in a sentence.
	Explanation string
}

// ImportPartners copies the ledger's customers and/or suppliers (roles; none
// given: both) into the invoicing tool, as hosts do when a company starts
// invoicing with a ledger that already knows its customers. Each ledger
// partner is looked for among the tool's contacts: first the contact an
// earlier run linked to it, then by customer/supplier number, then by the
// other rules of Config.MatchRules. A match is linked (the Syncer then posts
// that contact's invoices to that partner); no match creates the contact,
// with the partner's customer number and identifiers, and links it; two or
// more contacts under one rule are reported and left alone. A second import
// finds every partner and creates nothing.
//
// The source must implement ContactWriter and the ledger PartnerLister;
// otherwise the error wraps ErrNotSupported. The error is about the import
// (a listing, a creation or the state store failed, ctx ended); the report
// holds what was done before it.
func (s *Syncer) ImportPartners(ctx context.Context, roles ...PartnerRole) (ImportReport, error) {
	var rep ImportReport
	cw, ok := s.source.(ContactWriter)
	if !ok {
		return rep, fmt.Errorf("invoicesync: ImportPartners: the invoicing tool cannot list and create contacts: %w", ErrNotSupported)
	}
	if s.lister == nil {
		return rep, fmt.Errorf("invoicesync: ImportPartners: the ledger cannot list its partners: %w", ErrNotSupported)
	}
	if len(roles) == 0 {
		roles = []PartnerRole{Customer, Supplier}
	}
	for _, role := range roles {
		if role != Customer && role != Supplier {
			return rep, fmt.Errorf("invoicesync: ImportPartners: unknown role %q", role)
		}
	}
	release, err := s.acquire(ctx)
	if err != nil {
		return rep, err
	}
	defer release()
	for _, role := range roles {
		if err := s.importRole(ctx, cw, role, &rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// importRole imports the ledger's partners of one role.
func (s *Syncer) importRole(ctx context.Context, cw ContactWriter, role PartnerRole, rep *ImportReport) error {
	var partners []Partner
	if err := s.ledger(ctx, func() (err error) {
		partners, err = s.lister.ListPartners(ctx, role)
		return err
	}); err != nil {
		return fmt.Errorf("invoicesync: ImportPartners: listing the ledger's %ss: %w", role, err)
	}
	var contacts []Party
	if err := s.retry(ctx, func() (err error) {
		contacts, err = cw.Contacts(ctx, role)
		return err
	}); err != nil {
		return fmt.Errorf("invoicesync: ImportPartners: listing the invoicing tool's %ss: %w", role, err)
	}

	im := importer{s: s, cw: cw, role: role, ix: matching.NewIndex(nil, importRules(s.cfg.MatchRules)),
		linked: map[string]string{}, links: map[string]PartnerRef{}}
	for _, c := range contacts {
		im.add(c)
		ref, err := s.store.PartnerLink(ctx, role, c.SourceID)
		switch {
		case err == nil:
			im.links[c.SourceID] = ref
			if _, dup := im.linked[ref.ID]; !dup {
				im.linked[ref.ID] = c.SourceID
			}
		case !errors.Is(err, ErrNotFound):
			return fmt.Errorf("invoicesync: ImportPartners: reading the link of contact %s: %w", c.SourceID, err)
		}
	}
	for _, p := range partners {
		if err := ctx.Err(); err != nil {
			return err
		}
		item, err := im.one(ctx, p)
		if err != nil {
			return err
		}
		switch item.Action {
		case PartnerCreated:
			rep.Created++
		case PartnerAmbiguous:
			rep.Ambiguous++
		default:
			rep.Matched++
		}
		rep.Items = append(rep.Items, item)
	}
	return nil
}

// importRules puts the customer number first, then the other rules in
// their configured order.
func importRules(rules []matching.Rule) []matching.Rule {
	if rules == nil {
		rules = matching.DefaultRules()
	}
	out := []matching.Rule{matching.RuleAuxiliaryAccount}
	for _, r := range rules {
		if r != matching.RuleAuxiliaryAccount {
			out = append(out, r)
		}
	}
	return out
}

// importer imports the partners of one role.
type importer struct {
	s        *Syncer
	cw       ContactWriter
	role     PartnerRole
	ix       *matching.Index       // the tool's contacts
	contacts []string              // contact ids by index position
	linked   map[string]string     // ledger partner id → contact id
	links    map[string]PartnerRef // contact id → ledger partner
}

func (im *importer) add(c Party) {
	im.ix.Add(partyIdentity(&c))
	im.contacts = append(im.contacts, c.SourceID)
}

// one decides about the ledger partner p.
func (im *importer) one(ctx context.Context, p Partner) (ImportItem, error) {
	ref := refOf(p)
	item := ImportItem{Role: im.role, Partner: ref}
	if id, ok := im.linked[ref.ID]; ok {
		item.Action, item.Contact = PartnerLinked, id
		item.Explanation = fmt.Sprintf("ledger %s %s is linked to contact %s by an earlier import or synchronization", im.role, partnerText(ref), id)
		return item, nil
	}
	d := im.ix.Match(partnerIdentity(p))
	switch d.Outcome {
	case matching.Matched:
		c, _ := d.Match()
		item.Action, item.Contact = PartnerMatched, im.contacts[c.Index]
		item.Explanation = fmt.Sprintf("ledger %s %s matched contact %s by %s %s", im.role, partnerText(ref), c.String(), d.Rule.Label(), d.Value)
		if other, ok := im.links[item.Contact]; ok {
			// Linked to another partner by an earlier run: that link stays.
			item.Explanation += "; the contact stays linked to ledger " + string(im.role) + " " + partnerText(other)
			return item, nil
		}
		return item, im.link(ctx, item.Contact, ref)
	case matching.Ambiguous:
		names := make([]string, len(d.Candidates))
		for i, c := range d.Candidates {
			item.Candidates = append(item.Candidates, im.contacts[c.Index])
			names[i] = c.String()
		}
		item.Action = PartnerAmbiguous
		item.Explanation = fmt.Sprintf("ledger %s %s matches %d contacts by %s %s: %s; nothing was created or linked",
			im.role, partnerText(ref), len(names), d.Rule.Label(), d.Value, strings.Join(names, ", "))
		return item, nil
	}
	c := Party{Name: p.Name, VATNumber: p.VATNumber, RegistrationID: p.RegistrationID, RegistrationScheme: p.RegistrationScheme,
		AuxiliaryAccount: p.AuxiliaryAccount, Country: p.Country, Address: p.Address, Email: p.Email}
	var created Party
	err := im.s.retry(ctx, func() (err error) {
		created, err = im.cw.CreateContact(ctx, im.role, c)
		return err
	})
	if err != nil {
		return item, fmt.Errorf("invoicesync: ImportPartners: creating the contact for ledger %s %s: %w", im.role, partnerText(ref), err)
	}
	if created.SourceID == "" {
		return item, fmt.Errorf("invoicesync: ImportPartners: the invoicing tool created the contact for ledger %s %s without an id", im.role, partnerText(ref))
	}
	im.add(created)
	item.Action, item.Contact = PartnerCreated, created.SourceID
	item.Explanation = fmt.Sprintf("ledger %s %s matches no contact (%s): created contact %s", im.role, partnerText(ref),
		strings.TrimPrefix(d.Explain(), "no match: "), created.SourceID)
	return item, im.link(ctx, created.SourceID, ref)
}

// link remembers that the contact is the ledger partner ref.
func (im *importer) link(ctx context.Context, contact string, ref PartnerRef) error {
	wctx, cancel := writeContext(ctx)
	defer cancel()
	if err := im.s.store.SetPartnerLink(wctx, im.role, contact, ref); err != nil {
		return fmt.Errorf("invoicesync: ImportPartners: storing the link of contact %s: %w", contact, err)
	}
	im.linked[ref.ID] = contact
	im.links[contact] = ref
	return nil
}
