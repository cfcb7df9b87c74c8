package tripletex_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/dailysales"
)

// salonDay is register POS-1's 20 November 2026 in Oslo (UTC+1): card and
// cash, at 25 %, 15 % and 0 %.
func salonDay() (*dailysales.Config, []dailysales.Receipt, time.Time) {
	oslo := time.FixedZone("CET", 3600)
	cfg := &dailysales.Config{
		Journal: "Kassaoppgjør", Currency: "NOK", Decimals: 2, Location: oslo, Mode: dailysales.Nightly,
		Label: "Timma daglige salg",
		VAT: []dailysales.VATRule{
			{Rate: dec("25"), Code: "3", RevenueAccount: "3000"},
			{Rate: dec("15"), Code: "31", RevenueAccount: "3000"},
			{Rate: dec("0"), Code: "5", RevenueAccount: "3200"},
		},
		Payments: map[string]string{"card": "1580", "cash": "1900"},
	}
	at := func(h, m int) time.Time { return time.Date(2026, 11, 20, h, m, 0, 0, oslo) }
	receipts := []dailysales.Receipt{
		{ID: "R1", Register: "POS-1", Time: at(10, 5),
			Lines:    []dailysales.Line{{Description: "Klipp", Gross: dec("499.00"), VATRate: dec("25")}, {Description: "Sjampo", Gross: dec("249.00"), VATRate: dec("25")}},
			Payments: []dailysales.Payment{{Method: "card", Amount: dec("748.00")}}},
		{ID: "R2", Register: "POS-1", Time: at(12, 30),
			Lines:    []dailysales.Line{{Description: "Kaffe", Gross: dec("35.00"), VATRate: dec("15")}, {Description: "Kanelbolle", Gross: dec("42.00"), VATRate: dec("15")}, {Description: "Avis", Gross: dec("45.00"), VATRate: dec("0")}},
			Payments: []dailysales.Payment{{Method: "cash", Amount: dec("122.00")}}},
		{ID: "R3", Register: "POS-1", Time: at(17, 45),
			Lines:    []dailysales.Line{{Description: "Skjeggtrim", Gross: dec("299.00"), VATRate: dec("25")}},
			Payments: []dailysales.Payment{{Method: "card", Amount: dec("200.00")}, {Method: "cash", Amount: dec("99.00")}}},
	}
	return cfg, receipts, time.Date(2026, 11, 20, 0, 0, 0, 0, oslo)
}

func TestDailySalesVoucher(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	chart, err := invoicesync.LoadChart(ctx, f.ledger)
	require.NoError(t, f.err(err))
	cfg, receipts, day := salonDay()

	res, err := dailysales.Post(ctx, f.ledger, chart, cfg, "POS-1", day, receipts)
	require.NoError(t, f.err(err))
	require.False(t, res.AlreadyPosted)
	require.NoError(t, res.Entry.Check())

	// 25 %: 1 047.00 gross → VAT 209.40, net 837.60; 15 %: 77.00 → VAT
	// 10.04 (10.043…), net 66.96; 0 %: 45.00. Card 948.00, cash 221.00.
	assert.Equal(t, map[string]string{
		"1580": "948.00", "1900": "221.00",
		"3000": "-904.56", "3200": "-45.00",
		"2700": "-209.40", "2701": "-10.04",
	}, entryTotals(res.Entry))

	stored := f.srv.Vouchers()
	require.Len(t, stored, 1)
	assert.True(t, stored[0].SentToLedger, "the nightly run posts")
	assert.Equal(t, "dailysales:POS-1:2026-11-20", stored[0].ExternalVoucherNumber)
	assert.Equal(t, entryTotals(res.Entry), storedTotals(stored[0]), "Tripletex holds the day's figures, account by account")

	// The next night's run finds the day and posts nothing.
	again, err := dailysales.Post(ctx, f.ledger, chart, cfg, "POS-1", day, receipts)
	require.NoError(t, f.err(err))
	assert.True(t, again.AlreadyPosted)
	assert.Equal(t, res.Ref, again.Ref)
	assert.Len(t, f.srv.Vouchers(), 1)
	assert.Len(t, f.voucherPosts(), 1)
}

func TestDailySalesByHandIsNonPosted(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	chart, err := invoicesync.LoadChart(ctx, f.ledger)
	require.NoError(t, f.err(err))
	cfg, receipts, day := salonDay()
	cfg.Mode = dailysales.ByHand
	res, err := dailysales.Post(ctx, f.ledger, chart, cfg, "POS-1", day, receipts)
	require.NoError(t, f.err(err))
	posts := f.voucherPosts()
	require.Len(t, posts, 1)
	assert.Equal(t, "false", posts[0].Query().Get("sendToLedger"))
	assert.False(t, f.srv.Vouchers()[0].SentToLedger, "sent by hand: Tripletex's non-posted list")
	assert.Equal(t, "temp 1", res.Ref.Number)
}
