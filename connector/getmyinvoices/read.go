package getmyinvoices

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
	"github.com/invoicesync/invoicesync/rounding"
)

// mediaType is the media type of a file, by its name's extension.
func mediaType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".pdf":
		return "application/pdf"
	case ".xml":
		return "application/xml"
	case ".json":
		return "application/json"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	}
	return "application/octet-stream"
}

// kind maps a document type onto direction, kind and type code.
func (s *Source) kind(documentType string) (invoicesync.Direction, invoicesync.Kind, string, bool) {
	switch documentType {
	case IncomingInvoice:
		return invoicesync.Purchase, invoicesync.KindInvoice, "380", true
	case SalesInvoice:
		return invoicesync.Sales, invoicesync.KindInvoice, "380", true
	case CreditNote:
		return s.o.CreditNoteDirection, invoicesync.KindCreditNote, "381", true
	}
	return "", "", "", false
}

// invoice turns the document id into an invoice: from its e-invoice file
// when it has one, else from GetMyInvoices' fields. A document that cannot
// be posted as it is comes back with its ID and number and a *SyncError.
func (s *Source) invoice(id string, doc *apiDocument) (invoicesync.Invoice, error) {
	m := &doc.Meta
	stub := invoicesync.Invoice{ID: id, Number: m.DocumentNumber}
	dir, kind, typeCode, ok := s.kind(m.DocumentType)
	if !ok {
		return stub, &invoicesync.SyncError{Code: invoicesync.CodeInvoiceValidation, InvoiceID: id, InvoiceNumber: m.DocumentNumber,
			Field: "documentType", Value: m.DocumentType,
			Message:    fmt.Sprintf("the GetMyInvoices document type %q is not an invoice or credit note this source synchronizes", m.DocumentType),
			Resolution: "give the document the type INCOMING_INVOICE, SALES_INVOICE or CREDIT_NOTE in GetMyInvoices if it is one; the next run reads it again"}
	}
	file, err := base64.StdEncoding.DecodeString(doc.FileContent)
	if err != nil {
		return stub, &invoicesync.SyncError{Code: invoicesync.CodeUnreadable, InvoiceID: id, InvoiceNumber: m.DocumentNumber,
			Field: "fileContent", Message: "GetMyInvoices sent the document's file in a form that is not base64",
			Resolution: "download the document in GetMyInvoices to check it; the next run reads it again", Err: err}
	}
	var warnings []string
	if len(file) > 0 && einvoice.IsInvoiceFile(m.Filename) {
		inv, used, err := s.fromEInvoice(id, m, dir, file)
		if used {
			return inv, err
		}
		if err != nil && !strings.EqualFold(path.Ext(m.Filename), ".pdf") {
			warnings = append(warnings, fmt.Sprintf("the file %q could not be read as an e-invoice (%v); GetMyInvoices' extracted fields were posted", m.Filename, err))
		}
	}
	inv, err := s.fromFields(id, m, dir, kind, typeCode)
	inv.Warnings = append(warnings, inv.Warnings...)
	return inv, err
}

// fromEInvoice reads file as an e-invoice (Factur-X, ZUGFeRD, XRechnung,
// UBL, CII). used is false when file is not one; then err says why.
func (s *Source) fromEInvoice(id string, m *apiMeta, dir invoicesync.Direction, file []byte) (inv invoicesync.Invoice, used bool, err error) {
	inv, err = s.parser[dir].Parse(bytes.NewReader(file))
	if err != nil {
		return invoicesync.Invoice{}, false, err
	}
	inv.ID = id
	if inv.Metadata == nil {
		inv.Metadata = map[string]string{}
	}
	inv.Metadata["getmyinvoices.documentType"] = m.DocumentType
	inv.Metadata["getmyinvoices.read"] = "e-invoice"
	inv.Status = status(m.PaymentStatus)
	if inv.Metadata["container"] == "pdf" && len(inv.Attachments) > 0 && inv.Attachments[0].FileName == "" {
		inv.Attachments[0].FileName = m.Filename // the PDF itself, whose name Parse does not know
	}
	inv.Warnings = append(inv.Warnings, fmt.Sprintf("read from the e-invoice in the GetMyInvoices file %q; GetMyInvoices' extracted fields were not used", m.Filename))
	if m.GrossAmount.Valid && !m.GrossAmount.Decimal.Equal(inv.Totals.Gross) {
		inv.Warnings = append(inv.Warnings, fmt.Sprintf("GetMyInvoices extracted a gross amount of %s, the e-invoice declares %s: the e-invoice's is posted",
			m.GrossAmount.Decimal, inv.Totals.Gross))
	}
	if err := einvoice.Check(&inv); err != nil {
		var pe *einvoice.ParseError
		if errors.As(err, &pe) {
			return inv, true, pe.SyncError(id)
		}
		return inv, true, err
	}
	return inv, true, nil
}

// status maps the payment status onto Status: paid, or sent.
func status(paymentStatus string) invoicesync.Status {
	if strings.EqualFold(strings.TrimSpace(paymentStatus), "paid") {
		return invoicesync.StatusPaid
	}
	return invoicesync.StatusSent
}

// date reads a "2006-01-02" date, ignoring a time after it.
func date(s string) (time.Time, bool) {
	if len(s) > 10 {
		s = s[:10]
	}
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

// fromFields builds the invoice from GetMyInvoices' fields: each line item
// a line whose net amount is its quantity times its unit net price, at its
// tax percentage; the totals as declared; the VAT breakdown from the lines'
// gross amounts when every line has one. What is missing is named in a
// *SyncError; nothing is guessed.
func (s *Source) fromFields(id string, m *apiMeta, dir invoicesync.Direction, kind invoicesync.Kind, typeCode string) (invoicesync.Invoice, error) {
	inv := invoicesync.Invoice{ID: id, Number: m.DocumentNumber, Kind: kind, TypeCode: typeCode, Direction: dir,
		Currency: strings.ToUpper(strings.TrimSpace(m.Currency)), Status: status(m.PaymentStatus),
		Metadata: map[string]string{"getmyinvoices.documentType": m.DocumentType, "getmyinvoices.read": "fields"}}
	var missing []string
	code := invoicesync.CodeInvoiceValidation
	need := func(ok bool, what string, c invoicesync.ErrorCode) {
		if !ok {
			missing = append(missing, what)
			if code == invoicesync.CodeInvoiceValidation || c == invoicesync.CodeLineValidation {
				code = c
			}
		}
	}
	need(inv.Number != "", "document number", invoicesync.CodeInvoiceValidation)
	var ok bool
	inv.IssueDate, ok = date(m.DocumentDate)
	need(ok, "document date", invoicesync.CodeInvoiceValidation)
	inv.DueDate, _ = date(m.DocumentDueDate)
	need(inv.Currency != "", "currency", invoicesync.CodeInvoiceValidation)
	need(m.NetAmount.Valid, "net amount", invoicesync.CodeAmountValidation)
	need(m.VAT.Valid, "VAT amount", invoicesync.CodeAmountValidation)
	need(m.GrossAmount.Valid, "gross amount", invoicesync.CodeAmountValidation)
	need(len(m.LineItems) > 0, "line items", invoicesync.CodeLineValidation)
	switch {
	case m.CompanyUID > 0:
		inv.ContactRef = strconv.FormatInt(int64(m.CompanyUID), 10)
	case strings.TrimSpace(m.CompanyName) != "":
		inv.Party = &invoicesync.Party{Name: strings.TrimSpace(m.CompanyName)}
	default:
		need(false, map[invoicesync.Direction]string{invoicesync.Purchase: "supplier", invoicesync.Sales: "customer"}[dir]+" (company)", invoicesync.CodeInvoiceValidation)
	}
	places, known := rounding.MinorUnits(inv.Currency)
	if !known {
		places = 2
	}
	rounded := false
	breakdown := true
	for i, li := range m.LineItems {
		n := i + 1
		need(li.Quantity.Valid, fmt.Sprintf("quantity of line %d", n), invoicesync.CodeLineValidation)
		need(li.UnitNetPrice.Valid, fmt.Sprintf("unit net price of line %d", n), invoicesync.CodeLineValidation)
		need(li.TaxPercentage.Valid, fmt.Sprintf("VAT rate of line %d", n), invoicesync.CodeLineValidation)
		net := li.Quantity.Decimal.Mul(li.UnitNetPrice.Decimal)
		if r := net.Round(places); !r.Equal(net) {
			net, rounded = r, true
		}
		category := "S"
		if li.TaxPercentage.Decimal.IsZero() {
			category = s.o.ZeroRateCategory
		}
		inv.Lines = append(inv.Lines, invoicesync.Line{ID: strconv.Itoa(n), Description: li.Description,
			Quantity: li.Quantity.Decimal, UnitPrice: li.UnitNetPrice.Decimal, NetAmount: net,
			VATCategory: category, VATRate: li.TaxPercentage})
		inv.Totals.LineTotal = inv.Totals.LineTotal.Add(net)
		breakdown = breakdown && li.TotalGross.Valid
	}
	if len(missing) > 0 {
		msg := "GetMyInvoices holds no " + strings.Join(missing, ", ") + " for this document, so its entry cannot be built"
		if m.ocrPending() {
			msg += " (GetMyInvoices has not finished reading it)"
		}
		return invoicesync.Invoice{ID: id, Number: m.DocumentNumber}, &invoicesync.SyncError{Code: code, InvoiceID: id,
			InvoiceNumber: m.DocumentNumber, Field: missing[0], Message: msg,
			Resolution: "complete the document in GetMyInvoices (its line items, VAT rates and amounts), or wait until GetMyInvoices has read it; " +
				"nothing is guessed, and the next run reads the document again once it changes"}
	}
	if rounded {
		inv.Warnings = append(inv.Warnings, fmt.Sprintf("line amounts (quantity × unit net price) had more than %d decimals; rounded half away from zero", places))
	}
	if breakdown {
		inv.VATBreakdown = vatBreakdown(inv.Lines, m.LineItems)
	}
	inv.Totals.Net, inv.Totals.VAT, inv.Totals.Gross = m.NetAmount.Decimal, m.VAT.Decimal, m.GrossAmount.Decimal
	inv.Totals.Payable = m.GrossAmount.Decimal
	if m.Filename != "" {
		inv.Attachments = []invoicesync.AttachmentRef{{ID: FileAttachment, FileName: m.Filename, MediaType: mediaType(m.Filename),
			Description: "the document as GetMyInvoices holds it"}}
	}
	return inv, nil
}

// vatBreakdown groups the lines by category and rate, in order of first
// appearance: the taxable amount is the sum of their net amounts, the VAT
// the sum of their gross amounts less their net amounts.
func vatBreakdown(lines []invoicesync.Line, items []apiLineItem) []invoicesync.VATSubtotal {
	var out []invoicesync.VATSubtotal
	for i, l := range lines {
		vat := items[i].TotalGross.Decimal.Sub(l.NetAmount)
		j := 0
		for ; j < len(out); j++ {
			if out[j].Category == l.VATCategory && out[j].Rate.Decimal.Equal(l.VATRate.Decimal) {
				break
			}
		}
		if j == len(out) {
			out = append(out, invoicesync.VATSubtotal{Category: l.VATCategory, Rate: l.VATRate, TaxableAmount: decimal.Zero, TaxAmount: decimal.Zero})
		}
		out[j].TaxableAmount = out[j].TaxableAmount.Add(l.NetAmount)
		out[j].TaxAmount = out[j].TaxAmount.Add(vat)
	}
	return out
}
