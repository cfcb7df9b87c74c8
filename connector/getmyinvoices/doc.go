// Package getmyinvoices reads invoices from GetMyInvoices (the accounts API
// v3, https://api.getmyinvoices.com/accounts/v3) as an
// invoicesync.InvoiceSource and AttachmentFetcher. It is built on
// connector/httpx: the API key goes in the X-API-KEY header and is hidden
// from every log line and error; GET requests are retried on 429, 5xx and
// network failures.
//
// # Listing
//
// Changed lists the documents of the types in Options.Types (incoming
// invoices, sales invoices, credit notes), one type after the other, with
// GET /documents filtered by documentTypeFilter, updatedOrNewSinceFilter
// (the documents changed after the previous listing began) and
// archivedFilter=1 (archived documents too), in pages of up to 500 taken
// by documentUidStartFilter: each page starts after the last document of
// the one before. A document changed while the listing runs is therefore
// neither skipped nor listed twice by it; it is listed again by the next
// listing, which looks for changes from the moment this one began less
// Options.Overlap. Each document is then read with GET
// /documents/{documentUid}?loadLineItems=true&includeDocument=true.
//
// The cursor (Invoice.Cursor) records the listing and the last document
// yielded: a stream resumed from it finishes that listing, then starts the
// next. The API gives no change time per document, so the listing's start
// is this host's clock; Overlap (5 minutes by default) covers a difference
// between the clocks, at the cost of reading the documents changed within
// it twice (the Syncer finds them unchanged).
//
// # Invoices
//
// INCOMING_INVOICE is a purchase, SALES_INVOICE a sale, CREDIT_NOTE a credit
// note of Options.CreditNoteDirection (a purchase by default); amounts are
// passed on as GetMyInvoices declares them. When the document's file is an
// e-invoice (a Factur-X or ZUGFeRD PDF, an XRechnung, UBL or CII XML), the
// invoice is read from it with connector/einvoice and GetMyInvoices'
// extracted fields are not used: a warning on the invoice says so, and
// another when GetMyInvoices' gross amount differs from the e-invoice's.
// Otherwise the invoice is built from the fields: the number, dates,
// currency and the net, VAT and gross amounts as declared; one line per
// line item, whose net amount is its quantity times its unit net price
// (rounded to the currency's minor units, with a warning, when it has more
// decimals) at its tax percentage, VAT category S above 0 % and
// Options.ZeroRateCategory at 0 %; the VAT breakdown per rate from the
// line items' gross amounts when every one has one (else the Syncer
// computes VAT from the lines); the company (companyUid) as ContactRef,
// which Contact reads with GET /companies/{companyUid} (VAT id as
// VATNumber, tax number as RegistrationID). A document missing its line
// items, a line's quantity, unit price or VAT rate, its VAT, net or gross
// amount, number, date, currency or company is yielded in error with a
// *invoicesync.SyncError naming what is missing
// (ERROR_SYNC_INVOICE_LINE_VALIDATION for line items,
// ERROR_SYNC_INVOICE_AMOUNT_VALIDATION for amounts,
// ERROR_SYNC_INVOICE_VALIDATION otherwise): nothing is guessed. The
// document's file is the invoice's attachment (ID FileAttachment), which
// FetchAttachment downloads.
//
// # Limits
//
// GetMyInvoices limits the requests of an API key per minute and per day.
// An exceeded limit (HTTP 429, or an error body with code 429) is a
// *LimitError, temporary, whose Wait is the Retry-After the API sent or,
// without one, the time to the next minute or the next midnight UTC.
//
// Where the API description is silent, the package assumes: the list is
// ordered by documentUid (a list that is not ends the stream with an
// error rather than skip documents); updatedOrNewSinceFilter is compared
// strictly after, at whole seconds, and written in UTC (were it read as
// German time, the listing would only look further back); an unknown
// document answers 422 with error code 106, an unknown company 422 with
// 139; fileContent is the file in standard base64; a daily limit's message
// mentions the day.
package getmyinvoices
