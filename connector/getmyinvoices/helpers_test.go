package getmyinvoices_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync/connector/getmyinvoices"
	gmi "github.com/invoicesync/invoicesync/connector/getmyinvoices/getmyinvoicestest"
)

// clock is a manual clock shared by the fake server and the source: it
// moves only when told, and Sleep returns at once, moving it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

// Now returns the clock's time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep moves the clock by d.
func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.Advance(d)
	return ctx.Err()
}

// Advance moves the clock by d.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func nd(s string) decimal.NullDecimal { return decimal.NewNullDecimal(dec(s)) }

// fixture is a fake server and a source over it, on one manual clock.
type fixture struct {
	srv   *gmi.Server
	src   *getmyinvoices.Source
	clock *clock
}

// newFixture starts a fake with o (its Now set to the fixture's clock) and
// a source over it with so (its key, URL, client and clock set).
func newFixture(t *testing.T, o gmi.Options, so getmyinvoices.Options) *fixture {
	t.Helper()
	f := &fixture{clock: newClock()}
	o.Now = f.clock.Now
	f.srv = gmi.NewServer(o)
	t.Cleanup(f.srv.Close)
	so.APIKey, so.BaseURL, so.HTTPClient, so.Clock = f.srv.APIKey(), f.srv.URL(), f.srv.Client(), f.clock
	src, err := getmyinvoices.New(so)
	require.NoError(t, err)
	f.src = src
	return f
}

// purchase is an incoming invoice of one company: net at 19 % and 20.00
// at 7 %, with line items, totals and a PDF.
func purchase(number, date string, company int64, net string) gmi.Document {
	n := dec(net)
	vat1 := n.Mul(dec("0.19")).Round(2)
	gross1 := n.Add(vat1)
	return gmi.Document{
		Type: gmi.IncomingInvoice, Number: number, Date: date, DueDate: date, Currency: "EUR",
		Net: decimal.NewNullDecimal(n.Add(dec("20.00"))), VAT: decimal.NewNullDecimal(vat1.Add(dec("1.40"))),
		Gross:      decimal.NewNullDecimal(gross1.Add(dec("21.40"))),
		TaxRates:   []decimal.Decimal{dec("19"), dec("7")},
		CompanyUID: company, PaymentStatus: "Not paid", FileName: number + ".pdf", File: []byte("%PDF-1.4 " + number),
		LineItems: []gmi.LineItem{
			{Description: "Office chairs", Quantity: nd("1"), UnitNetPrice: decimal.NewNullDecimal(n), TaxPercentage: nd("19"),
				TaxAmount: decimal.NewNullDecimal(vat1), TotalGross: decimal.NewNullDecimal(gross1)},
			{Description: "Printer paper", Quantity: nd("4"), UnitNetPrice: nd("5.00"), TaxPercentage: nd("7"),
				TaxAmount: nd("1.40"), TotalGross: nd("21.40")},
		},
	}
}
