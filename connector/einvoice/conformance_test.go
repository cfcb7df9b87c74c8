package einvoice_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
	"github.com/invoicesync/invoicesync/connector/sourcetest"
)

// folderHarness keeps the suite's invoices as UBL files in a temporary
// folder, read by a Source whose parser knows the company's VAT number. A
// folder keeps no record of changes: the harness is a FullLister.
type folderHarness struct {
	dir string
	n   int
}

// MakeSource returns a Source over the empty folder.
func (h *folderHarness) MakeSource(context.Context) (invoicesync.InvoiceSource, error) {
	return einvoice.NewSource(os.DirFS(h.dir), &einvoice.Parser{Company: []string{sourcetest.Company.VATNumber}}), nil
}

// PutInvoices writes each invoice as a UBL file, a new one under the next
// name, a changed one over its file.
func (h *folderHarness) PutInvoices(_ context.Context, invs ...invoicesync.Invoice) ([]string, error) {
	ids := make([]string, len(invs))
	for i, inv := range invs {
		if inv.ID == "" {
			h.n++
			inv.ID = fmt.Sprintf("inv-%03d.xml", h.n)
		}
		if err := os.WriteFile(filepath.Join(h.dir, inv.ID), ublInvoice(&inv), 0o600); err != nil {
			return nil, err
		}
		ids[i] = inv.ID
	}
	return ids, nil
}

// PutUnreadable writes a file that is not well-formed XML.
func (h *folderHarness) PutUnreadable(context.Context) (string, error) {
	h.n++
	id := fmt.Sprintf("inv-%03d.xml", h.n)
	return id, os.WriteFile(filepath.Join(h.dir, id), []byte("<Invoice><cbc:ID>broken"), 0o600)
}

// PutContact is not supported: e-invoices carry their parties.
func (h *folderHarness) PutContact(context.Context, invoicesync.PartnerRole, invoicesync.Party) (string, error) {
	return "", fmt.Errorf("a folder of e-invoices has no contacts: %w", invoicesync.ErrNotSupported)
}

// Close has nothing to release: the folder is the test's.
func (h *folderHarness) Close() {}

// ListsEverything marks the harness a FullLister.
func (h *folderHarness) ListsEverything() {}

// TestSourceConformance runs the InvoiceSource conformance suite on a folder.
func TestSourceConformance(t *testing.T) {
	sourcetest.RunConformance(t, func(_ context.Context, t *testing.T) (sourcetest.Harness, error) {
		return &folderHarness{dir: t.TempDir()}, nil
	})
}

// Contact honours its context like every method: a cancelled one fails
// with context.Canceled, not ErrNotFound.
func TestSourceContactCancelled(t *testing.T) {
	src := einvoice.NewSource(os.DirFS(t.TempDir()), nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := src.Contact(ctx, "anyone")
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, invoicesync.ErrNotFound)
	_, err = src.Contact(context.Background(), "anyone")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
}

// ublInvoice renders inv as a UBL 2.1 Invoice: its parties (the company
// as buyer of a purchase, seller of a sale), lines, VAT breakdown and
// totals.
func ublInvoice(inv *invoicesync.Invoice) []byte {
	var b strings.Builder
	amt := func(tag string, d string) {
		fmt.Fprintf(&b, "<cbc:%s currencyID=%q>%s</cbc:%s>\n", tag, inv.Currency, d, tag)
	}
	party := func(role string, p *invoicesync.Party) {
		fmt.Fprintf(&b, "<cac:%s><cac:Party><cac:PostalAddress><cbc:StreetName>%s</cbc:StreetName><cbc:CityName>%s</cbc:CityName>"+
			"<cbc:PostalZone>%s</cbc:PostalZone><cac:Country><cbc:IdentificationCode>%s</cbc:IdentificationCode></cac:Country></cac:PostalAddress>"+
			"<cac:PartyTaxScheme><cbc:CompanyID>%s</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"+
			"<cac:PartyLegalEntity><cbc:RegistrationName>%s</cbc:RegistrationName><cbc:CompanyID>%s</cbc:CompanyID></cac:PartyLegalEntity></cac:Party></cac:%s>\n",
			role, p.Address.Lines[0], p.Address.City, p.Address.PostalCode, p.Country, p.VATNumber, p.Name, p.RegistrationID, role)
	}
	seller, buyer := inv.Party, inv.Company
	if inv.Direction == invoicesync.Sales {
		seller, buyer = inv.Company, inv.Party
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
`)
	fmt.Fprintf(&b, "<cbc:ID>%s</cbc:ID>\n<cbc:IssueDate>%s</cbc:IssueDate>\n<cbc:DueDate>%s</cbc:DueDate>\n<cbc:InvoiceTypeCode>%s</cbc:InvoiceTypeCode>\n<cbc:DocumentCurrencyCode>%s</cbc:DocumentCurrencyCode>\n",
		inv.Number, inv.IssueDate.Format("2006-01-02"), inv.DueDate.Format("2006-01-02"), inv.TypeCode, inv.Currency)
	party("AccountingSupplierParty", seller)
	party("AccountingCustomerParty", buyer)
	b.WriteString("<cac:TaxTotal>\n")
	amt("TaxAmount", inv.Totals.VAT.StringFixed(2))
	for _, v := range inv.VATBreakdown {
		b.WriteString("<cac:TaxSubtotal>\n")
		amt("TaxableAmount", v.TaxableAmount.StringFixed(2))
		amt("TaxAmount", v.TaxAmount.StringFixed(2))
		fmt.Fprintf(&b, "<cac:TaxCategory><cbc:ID>%s</cbc:ID><cbc:Percent>%s</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>\n</cac:TaxSubtotal>\n",
			v.Category, v.Rate.Decimal)
	}
	b.WriteString("</cac:TaxTotal>\n<cac:LegalMonetaryTotal>\n")
	amt("LineExtensionAmount", inv.Totals.LineTotal.StringFixed(2))
	amt("TaxExclusiveAmount", inv.Totals.Net.StringFixed(2))
	amt("TaxInclusiveAmount", inv.Totals.Gross.StringFixed(2))
	amt("PayableAmount", inv.Totals.Payable.StringFixed(2))
	b.WriteString("</cac:LegalMonetaryTotal>\n")
	for _, l := range inv.Lines {
		fmt.Fprintf(&b, "<cac:InvoiceLine><cbc:ID>%s</cbc:ID><cbc:InvoicedQuantity unitCode=\"C62\">%s</cbc:InvoicedQuantity>\n", l.ID, l.Quantity)
		amt("LineExtensionAmount", l.NetAmount.StringFixed(2))
		fmt.Fprintf(&b, "<cac:Item><cbc:Name>%s</cbc:Name><cac:ClassifiedTaxCategory><cbc:ID>%s</cbc:ID><cbc:Percent>%s</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item>\n",
			l.Description, l.VATCategory, l.VATRate.Decimal)
		b.WriteString("<cac:Price>")
		amt("PriceAmount", l.UnitPrice.StringFixed(2))
		b.WriteString("</cac:Price></cac:InvoiceLine>\n")
	}
	b.WriteString("</Invoice>\n")
	return []byte(b.String())
}
