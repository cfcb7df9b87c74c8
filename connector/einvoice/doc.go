// Package einvoice reads EN 16931 e-invoices into invoicesync invoices, and
// serves a folder of them as an invoicesync.InvoiceSource.
//
// Parse detects the syntax from the document's root:
//
//   - OASIS UBL 2.1 Invoice and CreditNote: Peppol BIS Billing 3, XRechnung (UBL);
//   - UN/CEFACT Cross Industry Invoice (CrossIndustryInvoice): Factur-X and
//     ZUGFeRD 2.x in every profile, XRechnung (CII) — the XML itself, or
//     the PDF/A-3 it travels in;
//   - GOBL JSON documents (bill/invoice, bare or in an envelope).
//
// A PDF is read for the XML it embeds: the embedded file named
// factur-x.xml, zugferd-invoice.xml or xrechnung.xml (in any case), else
// the first embedded file whose root element is a UBL Invoice or
// CreditNote or a CII CrossIndustryInvoice; that XML is parsed as above
// (a PDF inside it is not opened), and the PDF becomes the invoice's first
// attachment. The PDF reader is pdfcpu, configured here: it never reads
// nor creates a configuration directory in the user's home. An encrypted
// PDF, one without an invoice inside, and one the reader cannot read are
// refused with a ParseError naming what was found.
//
// Every business term the model holds is copied as declared: parties with
// VAT id, legal registration and scheme, country and e-mail; the type code
// (380 invoice, 381 credit note, 384 corrected, 389 self-billed, 875
// partial, ...) as Kind and TypeCode; lines with their net amount (BT-131)
// as declared — never recomputed from quantity and price —, their
// allowances and charges; document allowances and charges (Factur-X
// logistics service charges are charges) with their VAT category and rate;
// the VAT breakdown; all totals BT-106 … BT-115; invoice and tax currency;
// issue and due dates; embedded attachments, base64-decoded.
//
// Whether an invoice is a sale or a purchase depends on who reads it:
// Parser.Company lists the company's own VAT numbers and registration ids,
// and the party that carries one is the company; Parser.Direction decides
// when Company does not.
//
// Reading is defensive: the input is limited in size (20 MiB by default),
// nesting depth, number of elements and attributes, and attributes of one
// element; no entity is resolved beyond XML's five and a document with a
// DTD is refused; a PDF's embedded file is decoded no further than the
// size limit, and its compressed streams are measured before the PDF
// reader inflates any of them; every failure is a *ParseError naming the file, the line
// and the XML path. Check verifies the EN 16931 calculation rules exactly,
// which a Source applies to every file.
package einvoice
