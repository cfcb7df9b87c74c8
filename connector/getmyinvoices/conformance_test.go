package getmyinvoices_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/getmyinvoices"
	gmi "github.com/invoicesync/invoicesync/connector/getmyinvoices/getmyinvoicestest"
	"github.com/invoicesync/invoicesync/connector/sourcetest"
)

// harness runs the conformance suite on a Source over the fake, in pages
// of 2 so that a few invoices span several pages. Every change happens at
// one instant of the manual clock, which then moves an hour on: past the
// source's overlap, so that a listing sees each change once.
type harness struct {
	f         *fixture
	companies map[string]int64 // VAT number → companyUid
}

func newHarness(_ context.Context, t *testing.T) (sourcetest.Harness, error) {
	return &harness{f: newFixture(t, gmi.Options{PageSize: 2}, getmyinvoices.Options{}), companies: map[string]int64{}}, nil
}

// MakeSource returns the source over the empty fake.
func (h *harness) MakeSource(context.Context) (invoicesync.InvoiceSource, error) { return h.f.src, nil }

// PutInvoices adds or updates one document per invoice, at one instant.
func (h *harness) PutInvoices(ctx context.Context, invs ...invoicesync.Invoice) ([]string, error) {
	defer h.f.clock.Advance(time.Hour)
	ids := make([]string, len(invs))
	for i, inv := range invs {
		d := h.document(inv)
		if inv.ID == "" {
			ids[i] = strconv.FormatInt(h.f.srv.AddDocument(d), 10)
			continue
		}
		uid, _ := strconv.ParseInt(inv.ID, 10, 64)
		if !h.f.srv.UpdateDocument(uid, d) {
			return nil, fmt.Errorf("no document %s", inv.ID)
		}
		ids[i] = inv.ID
	}
	return ids, nil
}

// document is inv as GetMyInvoices holds it: its party a company, its
// lines line items with their gross amounts, its PDF the document's file.
func (h *harness) document(inv invoicesync.Invoice) gmi.Document {
	typ := gmi.IncomingInvoice
	switch {
	case inv.Kind == invoicesync.KindCreditNote:
		typ = gmi.CreditNote
	case inv.Direction == invoicesync.Sales:
		typ = gmi.SalesInvoice
	}
	uid, ok := h.companies[inv.Party.VATNumber]
	if !ok {
		uid = h.f.srv.AddCompany(gmi.Company{Name: inv.Party.Name, VATID: inv.Party.VATNumber, TaxNumber: inv.Party.RegistrationID})
		h.companies[inv.Party.VATNumber] = uid
	}
	d := gmi.Document{Type: typ, Number: inv.Number, Date: inv.IssueDate.Format("2006-01-02"), DueDate: inv.DueDate.Format("2006-01-02"),
		Currency: inv.Currency, Net: decimal.NewNullDecimal(inv.Totals.Net), VAT: decimal.NewNullDecimal(inv.Totals.VAT),
		Gross: decimal.NewNullDecimal(inv.Totals.Gross), CompanyUID: uid, PaymentStatus: "Not paid",
		FileName: inv.Attachments[0].FileName, File: inv.Attachments[0].Data}
	for _, l := range inv.Lines {
		gross := l.NetAmount.Add(l.NetAmount.Mul(l.VATRate.Decimal).Div(decimal.NewFromInt(100)).Round(2))
		d.LineItems = append(d.LineItems, gmi.LineItem{Description: l.Description, Quantity: decimal.NewNullDecimal(l.Quantity),
			UnitNetPrice: decimal.NewNullDecimal(l.UnitPrice), TaxPercentage: l.VATRate,
			TaxAmount: decimal.NewNullDecimal(gross.Sub(l.NetAmount)), TotalGross: decimal.NewNullDecimal(gross)})
	}
	return d
}

// PutUnreadable adds an incoming invoice without line items and VAT.
func (h *harness) PutUnreadable(context.Context) (string, error) {
	defer h.f.clock.Advance(time.Hour)
	uid := h.f.srv.AddDocument(gmi.Document{Type: gmi.IncomingInvoice, Number: "OCR-1", Date: "2026-03-02", Currency: "EUR",
		Gross: decimal.NewNullDecimal(decimal.NewFromInt(119)), CompanyName: "Unknown GmbH"})
	return strconv.FormatInt(uid, 10), nil
}

// PutContact adds a company: VAT id, and RegistrationID as tax number.
func (h *harness) PutContact(_ context.Context, _ invoicesync.PartnerRole, p invoicesync.Party) (string, error) {
	return strconv.FormatInt(h.f.srv.AddCompany(gmi.Company{Name: p.Name, VATID: p.VATNumber, TaxNumber: p.RegistrationID}), 10), nil
}

// Close has nothing to release: the fixture's server closes with the test.
func (h *harness) Close() {}

// TestConformance runs the InvoiceSource conformance suite on the fake.
func TestConformance(t *testing.T) {
	sourcetest.RunConformance(t, newHarness)
}
