package memory

import (
	"maps"
	"slices"

	"github.com/invoicesync/invoicesync"
)

// Deep copies, so that nothing a caller holds shares memory with what a fake
// stores. Decimals and times are values treated as immutable.

func cloneEntry(e *invoicesync.Entry) invoicesync.Entry {
	c := *e
	c.Lines = slices.Clone(e.Lines)
	for i := range c.Lines {
		l := &c.Lines[i]
		if l.Partner != nil {
			p := *l.Partner
			l.Partner = &p
		}
		l.SourceLines = slices.Clone(l.SourceLines)
		l.Tried = slices.Clone(l.Tried)
		l.Analytics = maps.Clone(l.Analytics)
	}
	return c
}

func cloneStored(s StoredEntry) StoredEntry {
	s.Entry = cloneEntry(&s.Entry)
	s.Attachments = slices.Clone(s.Attachments)
	for i := range s.Attachments {
		s.Attachments[i] = cloneDocument(s.Attachments[i])
	}
	return s
}

func cloneDocument(d invoicesync.Document) invoicesync.Document {
	d.Data = slices.Clone(d.Data)
	return d
}

func cloneAddress(a invoicesync.Address) invoicesync.Address {
	a.Lines = slices.Clone(a.Lines)
	return a
}

func clonePartner(p invoicesync.Partner) invoicesync.Partner {
	p.Address = cloneAddress(p.Address)
	return p
}

func cloneParty(p invoicesync.Party) invoicesync.Party {
	p.Address = cloneAddress(p.Address)
	return p
}

func cloneAllowances(acs []invoicesync.AllowanceCharge) []invoicesync.AllowanceCharge {
	return slices.Clone(acs)
}

func cloneInvoice(inv invoicesync.Invoice) invoicesync.Invoice {
	if inv.Party != nil {
		p := cloneParty(*inv.Party)
		inv.Party = &p
	}
	inv.Lines = slices.Clone(inv.Lines)
	for i := range inv.Lines {
		l := &inv.Lines[i]
		l.Allowances = cloneAllowances(l.Allowances)
		l.Charges = cloneAllowances(l.Charges)
		l.Analytics = maps.Clone(l.Analytics)
	}
	inv.Allowances = cloneAllowances(inv.Allowances)
	inv.Charges = cloneAllowances(inv.Charges)
	inv.VATBreakdown = slices.Clone(inv.VATBreakdown)
	inv.Attachments = slices.Clone(inv.Attachments)
	for i := range inv.Attachments {
		inv.Attachments[i].Data = slices.Clone(inv.Attachments[i].Data)
	}
	inv.Metadata = maps.Clone(inv.Metadata)
	return inv
}
