package getmyinvoices

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
	"github.com/invoicesync/invoicesync/connector/httpx"
)

// ProductionURL is the base URL of the GetMyInvoices accounts API v3.
const ProductionURL = "https://api.getmyinvoices.com/accounts/v3"

// The document types the source lists (documentType, documentTypeFilter).
const (
	IncomingInvoice = "INCOMING_INVOICE" // a supplier's invoice: a purchase
	SalesInvoice    = "SALES_INVOICE"    // the company's own invoice: a sale
	CreditNote      = "CREDIT_NOTE"      // a credit note, of Options.CreditNoteDirection
)

// DefaultOverlap is Options.Overlap's default.
const DefaultOverlap = 5 * time.Minute

// FileAttachment is the AttachmentRef.ID of a document's file (its PDF).
const FileAttachment = "file"

// sinceLayout is the layout of updatedOrNewSinceFilter.
const sinceLayout = "2006-01-02 15:04:05"

// Options configure a Source.
type Options struct {
	// APIKey is the account's API key, sent in the X-API-KEY header.
	// Required; hidden in logs and errors.
	APIKey string
	// BaseURL is the API's base URL; ProductionURL when empty.
	BaseURL string
	// Tenant names the account, for httpx's rate-limit bucket and logs.
	Tenant string
	// Types are the document types listed, in this order; IncomingInvoice,
	// SalesInvoice and CreditNote when empty.
	Types []string
	// CreditNoteDirection is the direction of CREDIT_NOTE documents;
	// invoicesync.Purchase (a supplier's credit note) when empty.
	CreditNoteDirection invoicesync.Direction
	// ZeroRateCategory is the VAT category (UNCL 5305) of a line at 0 %;
	// "E" (exempt) when empty. Lines above 0 % are "S".
	ZeroRateCategory string
	// Overlap is how far before a listing's start the next listing looks
	// for changes, covering clock differences between this host and
	// GetMyInvoices; DefaultOverlap when zero. The documents changed in the
	// overlap are listed again; the Syncer recognises them as unchanged.
	Overlap time.Duration
	// Application is sent in the x-application header when set.
	Application string
	// HTTPClient sends the requests; nil is httpx's default.
	HTTPClient *http.Client
	// Logger receives httpx's redacted log lines; nil logs nothing.
	Logger *slog.Logger
	// Clock is httpx's clock (retries, limits) and the listing's start
	// time; nil is the system clock.
	Clock httpx.Clock
	// Limits rate-limits the requests; nil does not limit.
	Limits *httpx.Limits
	// RetryMax is httpx's; 0 means its default, a negative value never retries.
	RetryMax int
}

var (
	_ invoicesync.InvoiceSource     = (*Source)(nil)
	_ invoicesync.AttachmentFetcher = (*Source)(nil)
)

// Source is an invoicesync.InvoiceSource and AttachmentFetcher over one
// GetMyInvoices account (see the package comment). Safe for concurrent use.
type Source struct {
	o      Options
	c      *httpx.Client
	clock  httpx.Clock
	parser map[invoicesync.Direction]*einvoice.Parser
}

// New returns a Source. It does not connect.
func New(o Options) (*Source, error) {
	if o.APIKey == "" {
		return nil, errors.New("getmyinvoices: an API key is required (Options.APIKey)")
	}
	if o.BaseURL == "" {
		o.BaseURL = ProductionURL
	}
	if len(o.Types) == 0 {
		o.Types = []string{IncomingInvoice, SalesInvoice, CreditNote}
	}
	for _, t := range o.Types {
		if t != IncomingInvoice && t != SalesInvoice && t != CreditNote {
			return nil, fmt.Errorf("getmyinvoices: document type %q is not one the source can synchronize (%s, %s, %s)",
				t, IncomingInvoice, SalesInvoice, CreditNote)
		}
	}
	if o.CreditNoteDirection == "" {
		o.CreditNoteDirection = invoicesync.Purchase
	}
	if !o.CreditNoteDirection.Valid() {
		return nil, fmt.Errorf("getmyinvoices: credit note direction %q is neither sales nor purchase", o.CreditNoteDirection)
	}
	if o.ZeroRateCategory == "" {
		o.ZeroRateCategory = "E"
	}
	if o.Overlap <= 0 {
		o.Overlap = DefaultOverlap
	}
	if o.Clock == nil {
		o.Clock = httpx.SystemClock{}
	}
	c, err := httpx.New(httpx.Options{
		BaseURL:     o.BaseURL,
		Tenant:      o.Tenant,
		Auth:        &httpx.APIKey{Header: "X-API-KEY", Key: o.APIKey},
		HTTPClient:  o.HTTPClient,
		Logger:      o.Logger,
		Clock:       o.Clock,
		Limits:      o.Limits,
		RetryMax:    o.RetryMax,
		DecodeError: decodeError,
		UserAgent:   "invoicesync-getmyinvoices",
	})
	if err != nil {
		return nil, fmt.Errorf("getmyinvoices: %w", err)
	}
	return &Source{o: o, c: c, clock: o.Clock, parser: map[invoicesync.Direction]*einvoice.Parser{
		invoicesync.Purchase: {Direction: invoicesync.Purchase},
		invoicesync.Sales:    {Direction: invoicesync.Sales},
	}}, nil
}

// get sends a GET and decodes its answer into out.
func (s *Source) get(ctx context.Context, path string, q url.Values, out any) error {
	r := &httpx.Request{Method: http.MethodGet, Path: path, Query: q}
	if s.o.Application != "" {
		r.Header = http.Header{"X-Application": {s.o.Application}}
	}
	return s.c.JSONRequest(ctx, r, nil, out)
}

// ---- The cursor ----

// position is where a stream stands: in the listing of the documents
// changed after since (empty: all), started at start, at phase (an index
// of Options.Types), after the document numbered after.
type position struct {
	since, start string // updatedOrNewSinceFilter values, UTC
	phase        int
	after        int64
}

// String encodes p as a cursor: "gmi1|since|start|phase|after".
func (p position) String() string {
	return fmt.Sprintf("gmi1|%s|%s|%d|%d", p.since, p.start, p.phase, p.after)
}

// parseCursor decodes a cursor; the empty cursor is the zero position.
func parseCursor(cursor string, phases int) (position, error) {
	if cursor == "" {
		return position{}, nil
	}
	f := strings.Split(cursor, "|")
	bad := func() (position, error) {
		return position{}, fmt.Errorf("getmyinvoices: %q is not a cursor this source gave; start from the empty cursor", cursor)
	}
	if len(f) != 5 || f[0] != "gmi1" || f[2] == "" {
		return bad()
	}
	p := position{since: f[1], start: f[2]}
	var err1, err2, err3, err4 error
	if p.since != "" {
		_, err1 = time.Parse(sinceLayout, p.since)
	}
	_, err2 = time.Parse(sinceLayout, p.start)
	p.phase, err3 = strconv.Atoi(f[3])
	p.after, err4 = strconv.ParseInt(f[4], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || p.phase < 0 || p.phase >= phases || p.after < 0 {
		return bad()
	}
	return p, nil
}

// ---- invoicesync.InvoiceSource ----

// Changed implements invoicesync.InvoiceSource (see the package comment):
// it finishes the listing the cursor stands in, if any, then lists the
// documents changed since that listing started (all of them from the empty
// cursor), one type after the other, each in pages ordered by documentUid,
// reading each document as it is yielded.
func (s *Source) Changed(ctx context.Context, cursor string) iter.Seq2[invoicesync.Invoice, error] {
	return func(yield func(invoicesync.Invoice, error) bool) {
		p, err := parseCursor(cursor, len(s.o.Types))
		if err != nil {
			yield(invoicesync.Invoice{}, err)
			return
		}
		if p.start != "" {
			if !s.list(ctx, p, yield) {
				return
			}
			p = position{since: p.start}
		}
		p.start = s.clock.Now().UTC().Add(-s.o.Overlap).Format(sinceLayout)
		s.list(ctx, p, yield)
	}
}

// list yields the documents of the listing p from its position to its
// end, and reports whether the caller should go on.
func (s *Source) list(ctx context.Context, p position, yield func(invoicesync.Invoice, error) bool) bool {
	for ; p.phase < len(s.o.Types); p.phase, p.after = p.phase+1, 0 {
		for {
			if err := ctx.Err(); err != nil {
				yield(invoicesync.Invoice{}, err)
				return false
			}
			q := url.Values{"documentTypeFilter": {s.o.Types[p.phase]}, "archivedFilter": {"1"}}
			if p.since != "" {
				q.Set("updatedOrNewSinceFilter", p.since)
			}
			if p.after > 0 {
				q.Set("documentUidStartFilter", strconv.FormatInt(p.after, 10))
			}
			var page apiList
			if err := s.get(ctx, "/documents", q, &page); err != nil {
				yield(invoicesync.Invoice{}, fmt.Errorf("getmyinvoices: listing the %s documents: %w", s.o.Types[p.phase], s.classify(err, "")))
				return false
			}
			for _, rec := range page.Records {
				uid := int64(rec.DocumentUID)
				if uid <= p.after {
					yield(invoicesync.Invoice{}, fmt.Errorf("getmyinvoices: the document list is not ordered by documentUid "+
						"(%d after %d), which paging relies on; report it to the invoicesync maintainers", uid, p.after))
					return false
				}
				p.after = uid
				if err := ctx.Err(); err != nil {
					yield(invoicesync.Invoice{}, err)
					return false
				}
				inv, err := s.Invoice(ctx, strconv.FormatInt(uid, 10))
				if errors.Is(err, invoicesync.ErrNotFound) {
					continue // deleted since it was listed
				}
				if err != nil && (inv.ID == "" || invoicesync.Retryable(err)) {
					yield(invoicesync.Invoice{}, err)
					return false
				}
				inv.Cursor = p.String()
				if !yield(inv, err) {
					return false
				}
			}
			if len(page.Records) == 0 || len(page.Records) >= page.TotalCount {
				break
			}
		}
	}
	return true
}

// Invoice implements invoicesync.InvoiceSource: the document id read with
// its line items and file, or an error wrapping invoicesync.ErrNotFound. A
// document that cannot be posted as it is (see the package comment) is
// returned with its ID and number and an error wrapping a *SyncError.
func (s *Source) Invoice(ctx context.Context, id string) (invoicesync.Invoice, error) {
	if err := ctx.Err(); err != nil {
		return invoicesync.Invoice{}, err
	}
	if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
		return invoicesync.Invoice{}, notFound("document", id)
	}
	var doc apiDocument
	q := url.Values{"loadLineItems": {"true"}, "includeDocument": {"true"}}
	if err := s.get(ctx, "/documents/"+id, q, &doc); err != nil {
		return invoicesync.Invoice{}, fmt.Errorf("getmyinvoices: reading document %s: %w", id, s.classify(err, "document "+strconv.Quote(id)))
	}
	return s.invoice(id, &doc)
}

// Contact implements invoicesync.InvoiceSource: the company ref (a
// companyUid) as a party: name, VAT id, tax number (as RegistrationID),
// address and e-mail.
func (s *Source) Contact(ctx context.Context, ref string) (invoicesync.Party, error) {
	if err := ctx.Err(); err != nil {
		return invoicesync.Party{}, err
	}
	if n, err := strconv.ParseInt(ref, 10, 64); err != nil || n <= 0 {
		return invoicesync.Party{}, notFound("company", ref)
	}
	var c apiCompany
	if err := s.get(ctx, "/companies/"+ref, nil, &c); err != nil {
		return invoicesync.Party{}, fmt.Errorf("getmyinvoices: reading company %s: %w", ref, s.classify(err, "company "+strconv.Quote(ref)))
	}
	p := invoicesync.Party{SourceID: ref, Name: c.Name, VATNumber: c.VATID, RegistrationID: c.TaxNumber, Email: c.Email,
		Address: invoicesync.Address{City: c.City, PostalCode: c.ZIP}}
	if c.Street != "" {
		p.Address.Lines = []string{c.Street}
	}
	if len(c.Country) == 2 { // assumed: a two-letter country is an ISO 3166 code
		p.Country = strings.ToUpper(c.Country)
		p.Address.Country = p.Country
	}
	return p, nil
}

// ---- invoicesync.AttachmentFetcher ----

// FetchAttachment implements invoicesync.AttachmentFetcher: the file of
// the document invoiceID (ref.ID FileAttachment), or ErrNotFound.
func (s *Source) FetchAttachment(ctx context.Context, invoiceID string, ref invoicesync.AttachmentRef) (invoicesync.Document, error) {
	if err := ctx.Err(); err != nil {
		return invoicesync.Document{}, err
	}
	if ref.ID != FileAttachment {
		return invoicesync.Document{}, notFound("attachment", ref.ID)
	}
	if n, err := strconv.ParseInt(invoiceID, 10, 64); err != nil || n <= 0 {
		return invoicesync.Document{}, notFound("document", invoiceID)
	}
	var doc apiDocument
	if err := s.get(ctx, "/documents/"+invoiceID, url.Values{"includeDocument": {"true"}}, &doc); err != nil {
		return invoicesync.Document{}, fmt.Errorf("getmyinvoices: reading the file of document %s: %w", invoiceID,
			s.classify(err, "document "+strconv.Quote(invoiceID)))
	}
	data, err := base64.StdEncoding.DecodeString(doc.FileContent)
	if err != nil {
		return invoicesync.Document{}, fmt.Errorf("getmyinvoices: the file of document %s is not base64: %w", invoiceID, err)
	}
	if len(data) == 0 {
		return invoicesync.Document{}, fmt.Errorf("getmyinvoices: document %s has no file: %w", invoiceID, invoicesync.ErrNotFound)
	}
	return invoicesync.Document{FileName: doc.Meta.Filename, MediaType: mediaType(doc.Meta.Filename), Data: data}, nil
}
