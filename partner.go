package invoicesync

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// partnerChoice is the ledger partner chosen for a party, and why.
type partnerChoice struct {
	ref PartnerRef
	why string
}

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
		err := r.retry(ctx, func() (err error) {
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
		return p, &SyncError{Code: CodeSourceFailure, Field: "ContactRef", Value: inv.ContactRef,
			Message:    "the invoice's " + who + " could not be read from the invoicing tool",
			Resolution: "check the connection to the invoicing tool; the next run tries again", Err: err}
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

// partnerChoice finds the ledger partner of party, or creates it; once per
// party and run, however many invoices share it.
//
// Until the matching package lands, a party is matched by its link (an
// earlier synchronization), then by auxiliary account, then by exact VAT
// number (spaces, dots and dashes removed, upper case); a party with neither
// by its exact name, case aside. Two candidates on the same key are an
// error, never a guess. In a preview nothing is created or linked.
func (r *run) partnerChoice(ctx context.Context, inv *Invoice, party *Party) (partnerChoice, error) {
	role := RoleFor(inv.Direction)
	key := string(role) + "\x00" + partyKey(party)
	c, err := r.partners.do(ctx, key, func() (partnerChoice, error) {
		if !r.preview {
			defer r.s.lockParty(key)()
		}
		return r.resolvePartner(ctx, role, party)
	})
	if err != nil {
		return c, forInvoice(err, inv)
	}
	return c, nil
}

// partyKey identifies a party within a run.
func partyKey(p *Party) string {
	switch {
	case p.SourceID != "":
		return "id:" + p.SourceID
	case strings.TrimSpace(p.AuxiliaryAccount) != "":
		return "aux:" + strings.TrimSpace(p.AuxiliaryAccount)
	case normalizeVAT(p.VATNumber) != "":
		return "vat:" + normalizeVAT(p.VATNumber)
	}
	return "name:" + strings.TrimSpace(p.Name)
}

// normalizeVAT removes spaces, dots and dashes and upper-cases a VAT number.
func normalizeVAT(s string) string {
	return strings.Map(func(c rune) rune {
		switch c {
		case ' ', '.', '-', '\t':
			return -1
		}
		if c >= 'a' && c <= 'z' {
			return c - 'a' + 'A'
		}
		return c
	}, s)
}

func (r *run) resolvePartner(ctx context.Context, role PartnerRole, party *Party) (partnerChoice, error) {
	if party.SourceID != "" {
		ref, err := r.s.store.PartnerLink(ctx, role, party.SourceID)
		if err == nil && r.preview {
			err = r.confirmLink(ctx, role, ref)
		}
		if err == nil {
			return partnerChoice{ref: ref, why: fmt.Sprintf("%s %s is linked to ledger partner %s since an earlier synchronization",
				role, partyName(party), partnerText(ref))}, nil
		}
		var se *SyncError
		if errors.As(err, &se) {
			return partnerChoice{}, err
		}
		if !errors.Is(err, ErrNotFound) {
			return partnerChoice{}, storeError{err}
		}
	}
	name := strings.TrimSpace(party.Name)
	aux := strings.TrimSpace(party.AuxiliaryAccount)
	vat := normalizeVAT(party.VATNumber)
	if name == "" && aux == "" && vat == "" {
		return partnerChoice{}, &SyncError{Code: CodePartnerValidation, Field: "Party",
			Message:    "the invoice's " + string(role) + " has no name, no " + string(role) + " number and no VAT number",
			Resolution: "complete the " + string(role) + " in the invoicing tool"}
	}
	type searchKey struct {
		key   PartnerKey
		label string
		value string
		same  func(Partner) bool
	}
	keys := []searchKey{
		{KeyAuxiliaryAccount, string(role) + " number", aux, func(p Partner) bool { return strings.TrimSpace(p.AuxiliaryAccount) == aux }},
		{KeyVATNumber, "VAT number", vat, func(p Partner) bool { return normalizeVAT(p.VATNumber) == vat }},
	}
	if aux == "" && vat == "" {
		// Nothing else identifies the party: its exact name (case aside)
		// keeps the ledger from getting a duplicate at every run.
		keys = append(keys, searchKey{KeyName, "name", name, func(p Partner) bool { return strings.EqualFold(strings.TrimSpace(p.Name), name) }})
	}
	var tried []string
	for _, k := range keys {
		if k.value == "" {
			continue
		}
		tried = append(tried, k.label+" "+k.value)
		found, err := r.findPartners(ctx, PartnerQuery{Role: role, Key: k.key, Value: k.value})
		if err != nil {
			return partnerChoice{}, err
		}
		var matches []Partner
		for _, p := range found {
			if k.same(p) {
				matches = append(matches, p)
			}
		}
		switch len(matches) {
		case 0:
			continue
		case 1:
			ref := refOf(matches[0])
			if err := r.link(ctx, role, party, ref); err != nil {
				return partnerChoice{}, err
			}
			return partnerChoice{ref: ref, why: fmt.Sprintf("ledger %s %s has the %s %s", role, partnerText(ref), k.label, k.value)}, nil
		default:
			ids := make([]string, len(matches))
			for i, m := range matches {
				ids[i] = partnerText(refOf(m))
			}
			return partnerChoice{}, &SyncError{Code: CodePartnerValidation, Field: "Party." + string(k.key), Value: k.value,
				Message:    fmt.Sprintf("%d ledger %ss have the %s %s (%s): which one is meant cannot be decided", len(matches), role, k.label, k.value, strings.Join(ids, ", ")),
				Resolution: "merge the duplicates in the ledger, or give them distinct " + k.label + "s"}
		}
	}
	if name == "" {
		return partnerChoice{}, &SyncError{Code: CodePartnerValidation, Field: "Party.Name",
			Message:    fmt.Sprintf("no ledger %s matches (%s) and the %s has no name to create one with", role, strings.Join(tried, ", "), role),
			Resolution: "give the " + string(role) + " a name in the invoicing tool, or create it in the ledger"}
	}
	p := Partner{Role: role, Name: name, VATNumber: vat, RegistrationID: strings.TrimSpace(party.RegistrationID),
		RegistrationScheme: party.RegistrationScheme, AuxiliaryAccount: aux, Country: party.Country,
		Email: party.Email, Address: party.Address}
	none := "no ledger " + string(role) + " matches"
	if len(tried) > 0 {
		none = fmt.Sprintf("no ledger %s has the %s", role, strings.Join(tried, " or the "))
	}
	if r.preview {
		return partnerChoice{why: none + ": " + string(role) + " " + name + " would be created"}, nil
	}
	var ref PartnerRef
	err := r.retry(ctx, func() (err error) {
		ref, err = r.s.target.CreatePartner(ctx, p)
		return err
	})
	if err != nil {
		return partnerChoice{}, r.partnerLedgerError(ctx, err)
	}
	if ref.Name == "" {
		ref.Name = name
	}
	if err := r.link(ctx, role, party, ref); err != nil {
		return partnerChoice{}, err
	}
	return partnerChoice{ref: ref, why: none + ": created " + string(role) + " " + partnerText(ref)}, nil
}

// confirmLink checks, for a preview, that a linked partner is still in the
// ledger, searching it by its auxiliary account. (A run needs no such call:
// the ledger refuses the entry of a deleted partner.) Without an auxiliary
// account the link cannot be checked and is trusted.
func (r *run) confirmLink(ctx context.Context, role PartnerRole, ref PartnerRef) error {
	if ref.AuxiliaryAccount == "" {
		return nil
	}
	found, err := r.findPartners(ctx, PartnerQuery{Role: role, Key: KeyAuxiliaryAccount, Value: ref.AuxiliaryAccount})
	if err != nil || found == nil {
		return err // found is nil when the ledger cannot search by auxiliary account
	}
	for _, p := range found {
		if p.Ref.ID == ref.ID {
			return nil
		}
	}
	return &SyncError{Code: CodePartnerNotFound, Field: "Party", Value: ref.ID,
		Message:    "the " + string(role) + " linked to this invoice's party (" + partnerText(ref) + ") no longer exists in the ledger",
		Resolution: "restore the partner in the ledger, or unlink it (Syncer.UnlinkPartner) so that the next synchronization finds or creates it"}
}

// findPartners searches the ledger, retrying temporary failures. A key the
// ledger cannot search gives nil and no error; a search that finds nothing
// gives an empty, non-nil slice.
func (r *run) findPartners(ctx context.Context, q PartnerQuery) ([]Partner, error) {
	var found []Partner
	err := r.retry(ctx, func() (err error) {
		found, err = r.s.target.FindPartners(ctx, q)
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

func (r *run) partnerLedgerError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return err
	}
	return &SyncError{Code: CodeLedgerFailure, Message: "the accounting system failed while finding or creating the partner",
		Resolution: "the next run tries again; partners are searched before one is created, so none is created twice", Err: err}
}

// link remembers that party is ref in the ledger (not in a preview).
func (r *run) link(ctx context.Context, role PartnerRole, party *Party, ref PartnerRef) error {
	if r.preview || party.SourceID == "" {
		return nil
	}
	wctx, cancel := writeContext(ctx)
	defer cancel()
	if err := r.s.store.SetPartnerLink(wctx, role, party.SourceID, ref); err != nil {
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
	if p.Name != "" {
		return p.Name
	}
	return p.SourceID
}
