package eboekhouden

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
)

// templateID returns the id of Options.InvoiceTemplate, read once.
func (l *Ledger) templateID(ctx context.Context) (int, error) {
	l.mu.Lock()
	id := l.template
	l.mu.Unlock()
	if id != 0 {
		return id, nil
	}
	all, err := getList[apiTemplate](ctx, l, "/v1/invoicetemplate", url.Values{"name": {l.o.InvoiceTemplate}})
	if err != nil {
		return 0, fmt.Errorf("eboekhouden: finding invoice template %q: %w", l.o.InvoiceTemplate, err)
	}
	for _, t := range all {
		if t.Name == l.o.InvoiceTemplate {
			l.mu.Lock()
			l.template = t.ID
			l.mu.Unlock()
			return t.ID, nil
		}
	}
	return 0, fmt.Errorf("eboekhouden: the administration has no invoice template %q: create it or fix Options.InvoiceTemplate: %w",
		l.o.InvoiceTemplate, invoicesync.ErrNotFound)
}

// postInvoice creates e as an invoice of the invoice module, which
// e-Boekhouden books as an invoice-sent mutation, and returns that mutation.
func (l *Ledger) postInvoice(ctx context.Context, e *invoicesync.Entry, enc *encoded) (invoicesync.EntryRef, error) {
	m := &enc.m
	if !enc.simple {
		return invoicesync.EntryRef{}, fmt.Errorf("eboekhouden: entry %s carries VAT that differs from e-Boekhouden's, which an invoice of the invoice module cannot hold: use ModeMutation: %w",
			e.Reference, invoicesync.ErrNotSupported)
	}
	if n := m.InvoiceNumber; n[len(n)-1] < '0' || n[len(n)-1] > '9' {
		return invoicesync.EntryRef{}, fmt.Errorf("eboekhouden: invoice number %q does not end with a digit, as the invoice module requires: use ModeMutation: %w",
			n, invoicesync.ErrNotSupported)
	}
	for _, i := range enc.revenue {
		switch k := e.Lines[i].Kind; k {
		case invoicesync.KindRevenue, invoicesync.KindDiscount, invoicesync.KindCharge, "":
		default:
			return invoicesync.EntryRef{}, fmt.Errorf("eboekhouden: entry %s line %d is a %s line, which would print as an invoice item: use ModeMutation: %w",
				e.Reference, i+1, k, invoicesync.ErrNotSupported)
		}
	}
	tpl, err := l.templateID(ctx)
	if err != nil {
		return invoicesync.EntryRef{}, err
	}
	inv := apiInvoice{InvoiceNumber: m.InvoiceNumber, RelationID: m.RelationID, Date: m.Date, TermOfPayment: l.o.TermOfPayment,
		InExVAT: "EX", TemplateID: tpl, Reference: e.Reference,
		Mutation: &apiInvoiceMutation{Description: m.Description, LedgerID: m.LedgerID}}
	if m.TermOfPayment != nil {
		inv.TermOfPayment = *m.TermOfPayment
	}
	for _, r := range m.Rows {
		inv.Items = append(inv.Items, apiInvoiceItem{Quantity: money{decimal.NewFromInt(1)}, Description: r.Description,
			PricePerUnit: r.Amount, VATCode: r.VATCode, VATAmount: r.VATAmount, LedgerID: r.LedgerID})
	}
	var out apiCreated
	postErr := l.c.JSON(ctx, http.MethodPost, "/v1/invoice", nil, inv, &out)
	if postErr != nil && apiCode(postErr) != "FACT_101" {
		return invoicesync.EntryRef{}, classify("creating invoice "+e.Reference, postErr)
	}
	// The invoice's mutation: ours when its description carries the key.
	ref, found, err := l.ownMutation(ctx, InvoiceSent, m.InvoiceNumber, m.Description)
	if err != nil {
		return invoicesync.EntryRef{}, err
	}
	if found {
		return ref, nil
	}
	if postErr != nil {
		return invoicesync.EntryRef{}, classify("creating invoice "+e.Reference, postErr)
	}
	return invoicesync.EntryRef{}, fmt.Errorf("eboekhouden: invoice %s (id %d) was created but e-Boekhouden shows no mutation for it yet: the next run finds it by its key: %w",
		m.InvoiceNumber, out.ID, invoicesync.ErrTemporary)
}
