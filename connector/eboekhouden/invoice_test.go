package eboekhouden_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/eboekhouden"
)

// salesEntry is a sales invoice at 21 % and 9 % whose VAT is e-Boekhouden's
// (91.11 × 9 % = 8.1999: 8.20).
func salesEntry(t *testing.T, customer invoicesync.PartnerRef) *invoicesync.Entry {
	return entry(t, invoicesync.Sales, "2026-0042", customer,
		debit("1300", "1309.31", "", "Acme BV 2026-0042", invoicesync.KindPartner),
		credit("8000", "1000.00", "HOOG_VERK_21", "Consultancy hours", invoicesync.KindRevenue),
		credit("8010", "91.11", "LAAG_VERK_9", "Training materials", invoicesync.KindRevenue),
		credit("1500", "210.00", "HOOG_VERK_21", "VAT 21%", invoicesync.KindVAT),
		credit("1510", "8.20", "LAAG_VERK_9", "VAT 9%", invoicesync.KindVAT),
	)
}

func item(ledger json.Number, vat, price, description string) map[string]any {
	return map[string]any{"quantity": json.Number("1.00"), "description": description, "pricePerUnit": json.Number(price),
		"vatCode": vat, "ledgerId": ledger}
}

func TestInvoiceModeBody(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeInvoice)
	ctx := context.Background()
	c := f.customer("C1042", "Acme BV")
	e := salesEntry(t, c)
	ref, err := f.ledger.PostEntry(ctx, e)
	require.NoError(t, f.err(err))

	posts := f.posts("/v1/invoice")
	require.Len(t, posts, 1)
	body := posts[0]
	assert.Equal(t, "2026-0042", body["invoiceNumber"])
	assert.Equal(t, json.Number(c.ID), body["relationId"])
	assert.Equal(t, "2026-11-20", body["date"])
	assert.Equal(t, json.Number("30"), body["termOfPayment"])
	assert.Equal(t, "EX", body["inExVat"])
	assert.NotEmpty(t, body["templateId"])
	assert.Equal(t, false, body["print"])
	assert.Equal(t, "2026-0042", body["reference"])
	assert.Equal(t, map[string]any{"description": "Acme BV 2026-0042 {isync-2026-0042}", "ledgerId": f.id("1300")}, body["mutation"])
	assert.Equal(t, []any{
		item(f.id("8000"), "HOOG_VERK_21", "1000.00", "Consultancy hours"),
		item(f.id("8010"), "LAAG_VERK_9", "91.11", "Training materials"),
	}, body["items"])
	assert.Empty(t, f.posts("/v1/mutation"), "e-Boekhouden books the invoice itself")

	muts := f.srv.Mutations()
	require.Len(t, muts, 1)
	assert.Equal(t, strconv.Itoa(muts[0].ID), ref.ID, "the reference is the invoice's mutation")
	assert.Equal(t, []string{"HOOG_VERK_21 210.00", "LAAG_VERK_9 8.20"}, vatTotals(muts[0]))
	again, err := f.ledger.PostEntry(ctx, e)
	require.NoError(t, f.err(err))
	assert.Equal(t, ref.ID, again.ID)
	assert.Len(t, f.posts("/v1/invoice"), 1, "found by its key, not created twice")
}

func TestInvoiceModeLostResponse(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeInvoice)
	ctx := context.Background()
	e := salesEntry(t, f.customer("C1042", "Acme BV"))
	f.srv.FailAfter(http.MethodPost, "/v1/invoice", http.StatusBadGateway, 1)
	_, err := f.ledger.PostEntry(ctx, e)
	require.Error(t, f.err(err))
	require.Len(t, f.srv.Invoices(), 1)
	ref, err := f.ledger.PostEntry(ctx, e)
	require.NoError(t, f.err(err))
	assert.Equal(t, strconv.Itoa(f.srv.Mutations()[0].ID), ref.ID)
	assert.Len(t, f.posts("/v1/invoice"), 1, "found, not created twice")
}

func TestInvoiceModeRefusesWhatItCannotHold(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeInvoice)
	c := f.customer("C1042", "Acme BV")
	// The 9 % VAT is a cent off e-Boekhouden's and there is a rounding line.
	e := twoRatesEntry(t, c)
	e.Reference = "2026-0043"
	_, err := f.ledger.PostEntry(context.Background(), e)
	require.ErrorIs(t, f.err(err), invoicesync.ErrNotSupported)
	// An invoice number that does not end with a digit.
	e = salesEntry(t, c)
	e.Reference = "F-2026-A"
	_, err = f.ledger.PostEntry(context.Background(), e)
	require.ErrorIs(t, f.err(err), invoicesync.ErrNotSupported)
	assert.Empty(t, f.srv.Invoices())
	assert.Empty(t, f.srv.Mutations())
}
