package getmyinvoices_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/getmyinvoices"
	gmi "github.com/invoicesync/invoicesync/connector/getmyinvoices/getmyinvoicestest"
)

// read reads a stream to its end, failing on an error that ends it.
func read(t *testing.T, src *getmyinvoices.Source, cursor string) ([]invoicesync.Invoice, []error) {
	t.Helper()
	var invs []invoicesync.Invoice
	var errs []error
	for inv, err := range src.Changed(context.Background(), cursor) {
		if err != nil && inv.ID == "" {
			t.Fatalf("the stream ended with %v", err)
		}
		invs = append(invs, inv)
		errs = append(errs, err)
	}
	return invs, errs
}

// requests returns the requests to path (without the base path) received.
func requests(srv *gmi.Server, path string) []gmi.Request {
	var out []gmi.Request
	for _, r := range srv.Requests() {
		if r.Path == "/accounts/v3"+path {
			out = append(out, r)
		}
	}
	return out
}

// The listing takes pages of 500 by documentUidStartFilter, one document
// type after the other, and reads each document with its line items and
// file; a stream resumed from the last cursor asks for the documents
// changed since the first listing began, less the overlap.
func TestListingPagesOf500(t *testing.T) {
	f := newFixture(t, gmi.Options{}, getmyinvoices.Options{})
	company := f.srv.AddCompany(gmi.Company{Name: "Nordlicht GmbH", VATID: "DE222222226"})
	var first, last int64
	for i := range 1001 {
		uid := f.srv.AddDocument(purchase("R-"+strconv.Itoa(i+1), "2026-03-02", company, "100.00"))
		if i == 0 {
			first = uid
		}
		last = uid
	}
	f.clock.Advance(time.Hour) // the listing starts an hour after the changes, past the overlap
	invs, errs := read(t, f.src, "")
	require.Len(t, invs, 1001)
	for _, err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, strconv.FormatInt(first, 10), invs[0].ID)
	assert.Equal(t, strconv.FormatInt(last, 10), invs[1000].ID)

	lists := requests(f.srv, "/documents")
	var got []string
	for _, r := range lists {
		q := r.Query
		assert.Equal(t, "1", q.Get("archivedFilter"), "archived documents are listed too")
		assert.Empty(t, q.Get("updatedOrNewSinceFilter"), "the first listing lists everything")
		assert.Equal(t, f.srv.APIKey(), r.Header.Get("X-API-KEY"))
		got = append(got, q.Get("documentTypeFilter")+">"+q.Get("documentUidStartFilter"))
	}
	after500 := strconv.FormatInt(first+499, 10)
	after1000 := strconv.FormatInt(first+999, 10)
	assert.Equal(t, []string{"INCOMING_INVOICE>", "INCOMING_INVOICE>" + after500, "INCOMING_INVOICE>" + after1000,
		"SALES_INVOICE>", "CREDIT_NOTE>"}, got, "pages of 500, then the other types")
	reads := requests(f.srv, "/documents/"+invs[0].ID)
	require.Len(t, reads, 1)
	assert.Equal(t, "true", reads[0].Query.Get("loadLineItems"))
	assert.Equal(t, "true", reads[0].Query.Get("includeDocument"))

	f.clock.Advance(time.Hour)
	n := len(f.srv.Requests())
	more, _ := read(t, f.src, invs[1000].Cursor)
	assert.Len(t, more, 0, "nothing changed since")
	resumed := f.srv.Requests()[n:]
	require.NotEmpty(t, resumed)
	since := resumed[len(resumed)-1].Query.Get("updatedOrNewSinceFilter")
	assert.Equal(t, "2026-03-02 09:55:00", since, "the first listing began at 10:00:00; the overlap is 5 minutes")
}

// A document whose line items or VAT are missing is yielded in error,
// naming what is missing; the stream goes on. Nothing is guessed.
func TestMissingLineItemsOrVAT(t *testing.T) {
	f := newFixture(t, gmi.Options{}, getmyinvoices.Options{})
	company := f.srv.AddCompany(gmi.Company{Name: "Nordlicht GmbH"})
	bare := purchase("R-1", "2026-03-02", company, "100.00")
	bare.VAT, bare.LineItems = decimal.NullDecimal{}, nil
	noRate := purchase("R-2", "2026-03-02", company, "100.00")
	noRate.LineItems[1].TaxPercentage = decimal.NullDecimal{}
	ids := []int64{f.srv.AddDocument(bare), f.srv.AddDocument(noRate), f.srv.AddDocument(purchase("R-3", "2026-03-02", company, "100.00"))}

	invs, errs := read(t, f.src, "")
	require.Len(t, invs, 3)
	var se *invoicesync.SyncError
	require.ErrorAs(t, errs[0], &se)
	assert.Equal(t, invoicesync.CodeLineValidation, se.Code)
	assert.Equal(t, strconv.FormatInt(ids[0], 10), invs[0].ID)
	assert.Equal(t, "R-1", invs[0].Number)
	assert.NotEmpty(t, invs[0].Cursor)
	assert.Equal(t, "GetMyInvoices holds no VAT amount, line items for this document, so its entry cannot be built", se.Message)
	assert.Empty(t, invs[0].Lines, "no line is made up")
	require.ErrorAs(t, errs[1], &se)
	assert.Equal(t, invoicesync.CodeLineValidation, se.Code)
	assert.Equal(t, "VAT rate of line 2", se.Field)
	assert.False(t, se.Retryable())
	require.NoError(t, errs[2])
	assert.Equal(t, "R-3", invs[2].Number)
}

// A document read from GetMyInvoices' fields: lines, VAT categories,
// breakdown and totals exactly as declared.
func TestInvoiceFromFields(t *testing.T) {
	f := newFixture(t, gmi.Options{}, getmyinvoices.Options{})
	company := f.srv.AddCompany(gmi.Company{Name: "Nordlicht GmbH"})
	d := purchase("R-7", "2026-03-05", company, "250.00")
	d.LineItems = append(d.LineItems, gmi.LineItem{Description: "Export service", Quantity: nd("3"), UnitNetPrice: nd("3.333"),
		TaxPercentage: nd("0"), TotalGross: nd("10.00")})
	d.Net, d.Gross = nd("280.00"), nd("328.90")
	uid := f.srv.AddDocument(d)
	inv, err := f.src.Invoice(context.Background(), strconv.FormatInt(uid, 10))
	require.NoError(t, err)
	assert.Equal(t, invoicesync.Purchase, inv.Direction)
	assert.Equal(t, invoicesync.KindInvoice, inv.Kind)
	assert.Equal(t, "2026-03-05", inv.IssueDate.Format("2006-01-02"))
	assert.Equal(t, strconv.FormatInt(company, 10), inv.ContactRef)
	require.Len(t, inv.Lines, 3)
	var got []string
	for _, l := range inv.Lines {
		got = append(got, l.NetAmount.StringFixed(2)+" "+l.VATCategory+" "+l.VATRate.Decimal.String())
	}
	assert.Equal(t, []string{"250.00 S 19", "20.00 S 7", "10.00 E 0"}, got, "3 × 3.333 = 9.999, rounded to 10.00")
	assert.Equal(t, []string{"line amounts (quantity × unit net price) had more than 2 decimals; rounded half away from zero"}, inv.Warnings)
	require.Len(t, inv.VATBreakdown, 3)
	assert.Equal(t, "47.50", inv.VATBreakdown[0].TaxAmount.StringFixed(2))
	assert.Equal(t, "1.40", inv.VATBreakdown[1].TaxAmount.StringFixed(2))
	assert.Equal(t, "0.00", inv.VATBreakdown[2].TaxAmount.StringFixed(2))
	assert.Equal(t, "280.00 48.90 328.90 328.90", strings.Join([]string{inv.Totals.Net.StringFixed(2), inv.Totals.VAT.StringFixed(2),
		inv.Totals.Gross.StringFixed(2), inv.Totals.Payable.StringFixed(2)}, " "))
	require.Len(t, inv.Attachments, 1)
	assert.Equal(t, invoicesync.AttachmentRef{ID: getmyinvoices.FileAttachment, FileName: "R-7.pdf", MediaType: "application/pdf",
		Description: "the document as GetMyInvoices holds it"}, inv.Attachments[0])
	doc, err := f.src.FetchAttachment(context.Background(), inv.ID, inv.Attachments[0])
	require.NoError(t, err)
	assert.Equal(t, "%PDF-1.4 R-7", string(doc.Data))
}

// A Factur-X file is read with connector/einvoice and preferred to
// GetMyInvoices' extracted fields, with warnings saying so.
func TestFacturXPreferred(t *testing.T) {
	pdf, err := os.ReadFile("testdata/mustang--EN16931_Einfach.pdf")
	require.NoError(t, err)
	f := newFixture(t, gmi.Options{}, getmyinvoices.Options{})
	uid := f.srv.AddDocument(gmi.Document{Type: gmi.IncomingInvoice, Number: "471102-OCR", Date: "2024-11-15", Currency: "EUR",
		Net: nd("473.00"), VAT: nd("56.87"), Gross: nd("592.87"), CompanyName: "Lieferant", FileName: "471102.pdf", File: pdf})
	inv, err := f.src.Invoice(context.Background(), strconv.FormatInt(uid, 10))
	require.NoError(t, err)
	assert.Equal(t, "471102", inv.Number, "the e-invoice's number, not GetMyInvoices'")
	assert.Equal(t, invoicesync.Purchase, inv.Direction)
	require.NotNil(t, inv.Party)
	assert.Equal(t, "Lieferant GmbH", inv.Party.Name)
	assert.Equal(t, "529.87", inv.Totals.Gross.StringFixed(2))
	assert.Len(t, inv.Lines, 2)
	assert.Equal(t, []string{
		`read from the e-invoice in the GetMyInvoices file "471102.pdf"; GetMyInvoices' extracted fields were not used`,
		"GetMyInvoices extracted a gross amount of 592.87, the e-invoice declares 529.87: the e-invoice's is posted",
	}, inv.Warnings)
	require.NotEmpty(t, inv.Attachments)
	assert.Equal(t, "471102.pdf", inv.Attachments[0].FileName)
	assert.Equal(t, "e-invoice", inv.Metadata["getmyinvoices.read"])
}

// The limits per minute and per day become LimitErrors, temporary, with the
// time to wait: Retry-After when the API sends one, else to the next minute
// or the next midnight UTC. Either status (429, or 403 with code 429) is read.
func TestLimits(t *testing.T) {
	for _, tc := range []struct {
		name  string
		o     gmi.Options
		daily bool
		wait  time.Duration
	}{
		{"per minute", gmi.Options{PerMinute: 1}, false, time.Minute},
		{"per minute, 403", gmi.Options{PerMinute: 1, LimitStatus: http.StatusForbidden}, false, time.Minute},
		{"per day", gmi.Options{PerDay: 1}, true, 15 * time.Hour},
		{"per day, Retry-After", gmi.Options{PerDay: 1, RetryAfter: 4 * time.Hour}, true, 4 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.o, getmyinvoices.Options{RetryMax: -1})
			uid := f.srv.AddDocument(purchase("R-1", "2026-03-02", f.srv.AddCompany(gmi.Company{Name: "N"}), "10.00"))
			id := strconv.FormatInt(uid, 10)
			_, err := f.src.Invoice(context.Background(), id)
			require.NoError(t, err)
			_, err = f.src.Invoice(context.Background(), id)
			var le *getmyinvoices.LimitError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tc.daily, le.Daily)
			assert.Equal(t, tc.wait, le.Wait)
			assert.ErrorIs(t, err, invoicesync.ErrTemporary)
			assert.True(t, invoicesync.Retryable(err))
			assert.Contains(t, err.Error(), "try again in "+tc.wait.String())
		})
	}
}

// With retries, a per-minute limit that sends Retry-After is waited out
// (on the clock) and the call succeeds.
func TestPerMinuteLimitWaitedOut(t *testing.T) {
	f := newFixture(t, gmi.Options{PerMinute: 1, RetryAfter: time.Minute}, getmyinvoices.Options{})
	uid := f.srv.AddDocument(purchase("R-1", "2026-03-02", f.srv.AddCompany(gmi.Company{Name: "N"}), "10.00"))
	id := strconv.FormatInt(uid, 10)
	_, err := f.src.Invoice(context.Background(), id)
	require.NoError(t, err)
	inv, err := f.src.Invoice(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, "R-1", inv.Number)
	assert.Len(t, requests(f.srv, "/documents/"+id), 3, "one refused, one retried after a minute")
	assert.Equal(t, time.Date(2026, 3, 2, 9, 1, 0, 0, time.UTC), f.clock.Now())
}

// Unknown documents, companies and attachments wrap ErrNotFound.
func TestNotFound(t *testing.T) {
	f := newFixture(t, gmi.Options{}, getmyinvoices.Options{})
	ctx := context.Background()
	for _, id := range []string{"999999", "abc", "-1"} {
		_, err := f.src.Invoice(ctx, id)
		assert.ErrorIs(t, err, invoicesync.ErrNotFound, "Invoice(%q)", id)
	}
	_, err := f.src.Contact(ctx, "999999")
	assert.ErrorIs(t, err, invoicesync.ErrNotFound)
	_, err = f.src.FetchAttachment(ctx, "999999", invoicesync.AttachmentRef{ID: getmyinvoices.FileAttachment})
	assert.ErrorIs(t, err, invoicesync.ErrNotFound)
	for inv, err := range f.src.Changed(ctx, "not-a-cursor") {
		assert.Empty(t, inv.ID)
		assert.EqualError(t, err, `getmyinvoices: "not-a-cursor" is not a cursor this source gave; start from the empty cursor`)
	}
}

// A refused key is a permanent error, and neither the error nor the log
// shows the key.
func TestKeyIsNeverShown(t *testing.T) {
	var logs bytes.Buffer
	f := newFixture(t, gmi.Options{APIKey: "the-right-key"}, getmyinvoices.Options{})
	const key = "wrong-secret-key-42"
	src, err := getmyinvoices.New(getmyinvoices.Options{APIKey: key, BaseURL: f.srv.URL(), HTTPClient: f.srv.Client(), Clock: f.clock,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)
	_, err = src.Invoice(context.Background(), "1001")
	require.Error(t, err)
	assert.False(t, invoicesync.Retryable(err))
	assert.Contains(t, err.Error(), "403")
	assert.NotContains(t, err.Error(), key)
	assert.NotContains(t, logs.String(), key)
	assert.NotEmpty(t, logs.String())
	assert.Equal(t, key, requests(f.srv, "/documents/1001")[0].Header.Get("X-API-KEY"))
	_, err = getmyinvoices.New(getmyinvoices.Options{})
	assert.True(t, err != nil && !errors.Is(err, invoicesync.ErrTemporary))
}
