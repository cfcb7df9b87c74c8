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
// issue and due dates; embedded attachments, base64-decoded; the taxes a
// GOBL invoice withholds (Spanish IRPF) as Withholdings, apart from VAT.
//
// Lines that form a tree — Factur-X / ZUGFeRD EXTENDED sub-lines
// (ParentLineID, GROUP / DETAIL / INFORMATION), XRechnung's UBL
// SubInvoiceLine — become their leaves, which the totals count; a line
// whose sub-lines do not add up to it is refused with
// ERROR_SYNC_INVOICE_AMOUNT_VALIDATION. An amount in another currency than
// the invoice's, but the VAT total in the VAT accounting currency (BT-111),
// is refused with ERROR_SYNC_INVOICE_CURRENCY_VALIDATION. GOBL prices that
// include tax are refused: GOBL gives no net line amount for them.
//
// Whether an invoice is a sale or a purchase depends on who reads it:
// Parser.Company lists the company's own VAT numbers and registration ids,
// and the party that carries one is the company; Parser.Direction decides
// when Company does not. The invoice's Party is the other side, its Company
// the company's own.
//
// Reading is defensive: the input is limited in size (20 MiB by default),
// nesting depth, number of elements and attributes, and attributes of one
// element; no entity is resolved beyond XML's five and a document with a
// DTD is refused; a PDF's embedded file is decoded no further than the
// size limit, and its compressed streams are measured before the PDF
// reader inflates any of them; every failure is a *ParseError naming the
// file, the line and the XML path, and the code of a document refused
// though readable. Check verifies the EN 16931 calculation rules (totals,
// and the VAT breakdown per category and rate) and refuses the Factur-X
// MINIMUM and BASIC WL booking aids; a Source applies it to every file.
package einvoice
