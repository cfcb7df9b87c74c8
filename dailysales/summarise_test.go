package dailysales

import (
	"math/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// The required test: three receipts at 25 %, 15 % and 0 % paid by card and
// cash give one balanced voucher with exact figures.
//
//	R1 09:12  haircut 499.00 @25 % (rule account 3000)
//	          shampoo 249.00 @25 % on the register's account 3010
//	          paid card 748.00                           (499.00 + 249.00 = 748.00)
//	R2 11:47  coffee 35.00 @15 %, cinnamon bun 42.00 @15 %, newspaper 45.00 @0 %
//	          paid cash 122.00                           (35.00 + 42.00 + 45.00 = 122.00)
//	R3 23:40  beard trim 299.00 @25 %, magazine 89.00 @0 % (22:40 UTC, still the 20th in Oslo)
//	          paid card 200.00 + cash 188.00             (299.00 + 89.00 = 388.00)
//
// Groups (revenue account, VAT code), VAT = G × rate / (100 + rate), rounded
// to 2 decimals half away from zero, net = G − VAT:
//
//	3000/3  (25 %): G = 499.00 + 299.00 = 798.00; VAT = 798.00 × 25 / 125 = 159.60 exactly; net = 798.00 − 159.60 = 638.40
//	3000/31 (15 %): G =  35.00 +  42.00 =  77.00; VAT =  77.00 × 15 / 115 = 1155 / 115 = 10.04347… → 10.04; net = 77.00 − 10.04 = 66.96
//	                (the rounding case: per line it would be 4.5652… → 4.57 plus 5.4782… → 5.48 = 10.05; the group is rounded once)
//	3010/3  (25 %): G = 249.00;                   VAT = 249.00 × 25 / 125 =  49.80 exactly; net = 249.00 − 49.80 = 199.20
//	3100/5  ( 0 %): G =  45.00 +  89.00 = 134.00; VAT = 0 (no VAT line);              net = 134.00
//
// VAT per code: 3 → 159.60 + 49.80 = 209.40 on 2700; 31 → 10.04 on 2701.
// Payments per account: 1580 (card) = 748.00 + 200.00 = 948.00; 1900 (cash) = 122.00 + 188.00 = 310.00.
//
// Debits: 948.00 + 310.00 = 1258.00.
// Credits: 638.40 + 66.96 + 199.20 + 134.00 + 209.40 + 10.04 = 1258.00.
// Takings: 748.00 + 122.00 + 388.00 = 1258.00.
func TestSummariseThreeRatesCardAndCash(t *testing.T) {
	cfg := testConfig(t)
	e, err := Summarise(cfg, testChart(), "POS-1", nov20(t), threeReceipts(t))
	require.NoError(t, err)

	assertLines(t, e, []wantLine{
		{"1580", true, "948.00", "", invoicesync.KindPayment, "card"},
		{"1900", true, "310.00", "", invoicesync.KindPayment, "cash"},
		{"3000", false, "638.40", "3", invoicesync.KindRevenue, "Daily sales 25 %"},
		{"3000", false, "66.96", "31", invoicesync.KindRevenue, "Daily sales 15 %"},
		{"3010", false, "199.20", "3", invoicesync.KindRevenue, "Daily sales 25 %"},
		{"3100", false, "134.00", "5", invoicesync.KindRevenue, "Daily sales 0 %"},
		{"2700", false, "209.40", "3", invoicesync.KindVAT, "Output VAT 25 %"},
		{"2701", false, "10.04", "31", invoicesync.KindVAT, "Output VAT 15 %"},
	})
	debit, credit := e.Totals()
	assert.Equal(t, "1258.00", debit.StringFixed(2))
	assert.Equal(t, "1258.00", credit.StringFixed(2))

	assert.Equal(t, "POS", e.Journal)
	assert.Equal(t, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), e.Date)
	assert.Equal(t, "POS-1 2026-11-20", e.Reference)
	assert.Equal(t, "Daily sales POS-1 2026-11-20", e.Label)
	assert.Equal(t, "NOK", e.Currency)
	assert.Equal(t, int32(2), e.Decimals)
	assert.False(t, e.Draft)
	assert.Equal(t, "dailysales:POS-1:2026-11-20", e.IdempotencyKey)
	assert.Equal(t, e.IdempotencyKey, e.InvoiceID)
	assert.Equal(t, invoicesync.Sales, e.Direction)
	assert.Equal(t, invoicesync.KindInvoice, e.Kind)

	// How each account was chosen.
	src := make([]invoicesync.AccountSource, len(e.Lines))
	for i, l := range e.Lines {
		src[i] = l.AccountSource
	}
	assert.Equal(t, []invoicesync.AccountSource{
		invoicesync.FromMapping, invoicesync.FromMapping,
		invoicesync.FromMapping, invoicesync.FromMapping, invoicesync.FromLine, invoicesync.FromMapping,
		invoicesync.FromVATCode, invoicesync.FromVATCode,
	}, src)
}

// The order of the receipts, and of their lines and payments, does not
// change the entry.
func TestSummariseIsDeterministic(t *testing.T) {
	cfg := testConfig(t)
	want, err := Summarise(cfg, testChart(), "POS-1", nov20(t), threeReceipts(t))
	require.NoError(t, err)
	rng := rand.New(rand.NewSource(1))
	for range 20 {
		rs := threeReceipts(t)
		rng.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
		for k := range rs {
			ls, ps := rs[k].Lines, rs[k].Payments
			rng.Shuffle(len(ls), func(i, j int) { ls[i], ls[j] = ls[j], ls[i] })
			rng.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
		}
		got, err := Summarise(cfg, testChart(), "POS-1", nov20(t), rs)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
}

// A return (a negative line refunded by a negative payment) nets against
// the day's sales.
//
//	R1 card  500.00: haircut 500.00 @25 %
//	R2 card −100.00: shampoo returned, −100.00 @25 %
//	R3 cash  200.00: hair colour 200.00 @25 %
//
// G = 500.00 − 100.00 + 200.00 = 600.00; VAT = 600.00 × 25 / 125 = 120.00;
// net 480.00. Card 500.00 − 100.00 = 400.00; cash 200.00.
func TestSummariseReturnsNet(t *testing.T) {
	rs := []Receipt{
		{ID: "R1", Register: "POS-1", Time: at(t, 10, 0),
			Lines: []Line{sale("Haircut", "500.00", "25")}, Payments: []Payment{pay("card", "500.00")}},
		{ID: "R2", Register: "POS-1", Time: at(t, 11, 0),
			Lines: []Line{sale("Shampoo (returned)", "-100.00", "25")}, Payments: []Payment{pay("card", "-100.00")}},
		{ID: "R3", Register: "POS-1", Time: at(t, 12, 0),
			Lines: []Line{sale("Hair colour", "200.00", "25")}, Payments: []Payment{pay("cash", "200.00")}},
	}
	e, err := Summarise(testConfig(t), testChart(), "POS-1", nov20(t), rs)
	require.NoError(t, err)
	assertLines(t, e, []wantLine{
		{"1580", true, "400.00", "", invoicesync.KindPayment, "card"},
		{"1900", true, "200.00", "", invoicesync.KindPayment, "cash"},
		{"3000", false, "480.00", "3", invoicesync.KindRevenue, "Daily sales 25 %"},
		{"2700", false, "120.00", "3", invoicesync.KindVAT, "Output VAT 25 %"},
	})
}

// A day whose refunds exceed its sales flips every side.
//
//	R1 card   100.00: sale 100.00 @15 %
//	R2 card  −330.00: return −330.00 @15 %
//	R3 cash    50.00, card −50.00: exchange, 0.00 on the lines (+50.00 −50.00 @15 %)
//
// G = 100.00 − 330.00 + 50.00 − 50.00 = −230.00;
// VAT = −230.00 × 15 / 115 = −30.00 exactly; net = −230.00 + 30.00 = −200.00.
// Card: 100.00 − 330.00 − 50.00 = −280.00 → credit 280.00; cash 50.00 → debit.
// Revenue −200.00 → debit 200.00; VAT −30.00 → debit 30.00.
// Debits 50.00 + 200.00 + 30.00 = 280.00 = credit 280.00.
func TestSummariseRefundsExceedSales(t *testing.T) {
	rs := []Receipt{
		{ID: "R1", Register: "POS-1", Time: at(t, 10, 0),
			Lines: []Line{sale("Lunch", "100.00", "15")}, Payments: []Payment{pay("card", "100.00")}},
		{ID: "R2", Register: "POS-1", Time: at(t, 11, 0),
			Lines: []Line{sale("Catering (cancelled)", "-330.00", "15")}, Payments: []Payment{pay("card", "-330.00")}},
		{ID: "R3", Register: "POS-1", Time: at(t, 12, 0),
			Lines:    []Line{sale("Cake", "50.00", "15"), sale("Cake (returned)", "-50.00", "15")},
			Payments: []Payment{pay("cash", "50.00"), pay("card", "-50.00")}},
	}
	e, err := Summarise(testConfig(t), testChart(), "POS-1", nov20(t), rs)
	require.NoError(t, err)
	assertLines(t, e, []wantLine{
		{"1580", false, "280.00", "", invoicesync.KindPayment, "card"},
		{"1900", true, "50.00", "", invoicesync.KindPayment, "cash"},
		{"3000", true, "200.00", "31", invoicesync.KindRevenue, "Daily sales 15 %"},
		{"2701", true, "30.00", "31", invoicesync.KindVAT, "Output VAT 15 %"},
	})
}

// A zero-rate receipt gives revenue and no VAT line; the revenue line still
// carries its VAT code.
func TestSummariseZeroRate(t *testing.T) {
	rs := []Receipt{{ID: "R1", Register: "POS-1", Time: at(t, 10, 0),
		Lines:    []Line{sale("Book", "349", "0"), sale("Newspaper", "45.00", "0")},
		Payments: []Payment{pay("vipps", "394")}}}
	e, err := Summarise(testConfig(t), testChart(), "POS-1", nov20(t), rs)
	require.NoError(t, err)
	assertLines(t, e, []wantLine{
		{"1580", true, "394.00", "", invoicesync.KindPayment, "vipps"},
		{"3100", false, "394.00", "5", invoicesync.KindRevenue, "Daily sales 0 %"},
	})
}

// Methods mapped to one account make one line, labelled with their names;
// a method whose payments cancel out adds nothing.
func TestSummariseMergesMethodsOfOneAccount(t *testing.T) {
	rs := []Receipt{
		{ID: "R1", Register: "POS-1", Time: at(t, 10, 0),
			Lines: []Line{sale("Haircut", "400.00", "25")}, Payments: []Payment{pay("vipps", "150.00"), pay("card", "250.00")}},
		{ID: "R2", Register: "POS-1", Time: at(t, 10, 30),
			Lines: []Line{sale("Wax", "100.00", "25")}, Payments: []Payment{pay("cash", "100.00"), pay("cash", "-100.00"), pay("card", "100.00")}},
	}
	e, err := Summarise(testConfig(t), testChart(), "POS-1", nov20(t), rs)
	require.NoError(t, err)
	assertLines(t, e, []wantLine{
		{"1580", true, "500.00", "", invoicesync.KindPayment, "card, vipps"},
		{"3000", false, "400.00", "3", invoicesync.KindRevenue, "Daily sales 25 %"},
		{"2700", false, "100.00", "3", invoicesync.KindVAT, "Output VAT 25 %"},
	})
}

// Label, a fractional rate and ByHand mode show in the entry.
func TestSummariseLabelAndDraft(t *testing.T) {
	cfg := testConfig(t)
	cfg.Label = "Timma daglige salg"
	cfg.Mode = ByHand
	rs := []Receipt{{ID: "R1", Register: "Kasse 2", Time: at(t, 10, 0),
		Lines: []Line{sale("Klipp", "125.00", "25")}, Payments: []Payment{pay("card", "125.00")}}}
	e, err := Summarise(cfg, testChart(), "Kasse 2", nov20(t), rs)
	require.NoError(t, err)
	assert.True(t, e.Draft)
	assert.Equal(t, "Timma daglige salg Kasse 2 2026-11-20", e.Label)
	assert.Equal(t, "Kasse 2 2026-11-20", e.Reference)
	assert.Equal(t, "dailysales:Kasse+2:2026-11-20", e.IdempotencyKey)
	assertLines(t, e, []wantLine{
		{"1580", true, "125.00", "", invoicesync.KindPayment, "card"},
		{"3000", false, "100.00", "3", invoicesync.KindRevenue, "Timma daglige salg 25 %"},
		{"2700", false, "25.00", "3", invoicesync.KindVAT, "Output VAT 25 %"},
	})
}

// vatOf rounds half away from zero, exactly: at 20 %, G/6.
func TestVATRounding(t *testing.T) {
	for _, c := range []struct{ gross, rate, want string }{
		{"100.03", "20", "16.67"},   // 100.03 / 6 = 16.671666…
		{"100.05", "20", "16.68"},   // 100.05 / 6 = 16.675 exactly: a tie, away from zero
		{"-100.05", "20", "-16.68"}, // the same tie, negative
		{"100.04", "20", "16.67"},   // 16.67333…
		{"77.00", "15", "10.04"},    // 10.04347…
		{"35.00", "15", "4.57"},     // 4.56521…
		{"0.01", "25", "0.00"},      // 0.002
		{"123.45", "0", "0.00"},
		{"0", "25", "0.00"},
		{"110.00", "12.5", "12.22"}, // 110 × 12.5 / 112.5 = 12.2222…
	} {
		got := vatOf(dec(c.gross), dec(c.rate), 2)
		assert.Equal(t, c.want, got.StringFixed(2), "%s at %s %%", c.gross, c.rate)
		assert.Equal(t, int32(-2), got.Exponent(), "%s at %s %%", c.gross, c.rate)
	}
	assert.Equal(t, "3", vatOf(dec("15"), dec("25"), 0).String())   // 15 / 5 = 3
	assert.Equal(t, "2", vatOf(dec("11.5"), dec("25"), 0).String()) // 2.3 → 2
}

// A tie in a real day: 100.05 at 20 % is 16.675 of VAT, rounded to 16.68.
func TestSummariseRoundsTiesAwayFromZero(t *testing.T) {
	cfg := testConfig(t)
	chart := invoicesync.NewChart(testAccounts,
		append(testVATCodes[:len(testVATCodes):len(testVATCodes)], invoicesync.VATCode{Code: "20", Name: "VAT 20 %", Rate: dec("20"), Account: "2700", Active: true}),
		testJournals)
	cfg.VAT = append(cfg.VAT, VATRule{Rate: dec("20"), Code: "20", RevenueAccount: "3000"})
	rs := []Receipt{{ID: "R1", Register: "POS-1", Time: at(t, 10, 0),
		Lines: []Line{sale("Item", "100.05", "20")}, Payments: []Payment{pay("cash", "100.05")}}}
	e, err := Summarise(cfg, chart, "POS-1", nov20(t), rs)
	require.NoError(t, err)
	assertLines(t, e, []wantLine{
		{"1900", true, "100.05", "", invoicesync.KindPayment, "cash"},
		{"3000", false, "83.37", "20", invoicesync.KindRevenue, "Daily sales 20 %"},
		{"2700", false, "16.68", "20", invoicesync.KindVAT, "VAT 20 %"},
	})
}

// Key escapes the register so that no two (register, day) pairs share a key.
func TestKey(t *testing.T) {
	day := nov20(t)
	k, err := Key("POS-1", day)
	require.NoError(t, err)
	assert.Equal(t, "dailysales:POS-1:2026-11-20", k)

	// Only the civil date of day, as day carries it, is used.
	k2, err := Key("POS-1", time.Date(2026, 11, 20, 23, 59, 59, 0, time.FixedZone("far", -11*3600)))
	require.NoError(t, err)
	assert.Equal(t, k, k2)

	// "a:b" on one day and "a" on another day "b:..." cannot collide.
	seen := map[string]string{}
	for _, reg := range []string{"a", "a:b", "a:b:2026-11-20", "a%3Ab", "a b", "a+b", "Kasse 1", "kasse 1"} {
		k, err := Key(reg, day)
		require.NoError(t, err)
		if prev, dup := seen[k]; dup {
			t.Fatalf("registers %q and %q share the key %q", prev, reg, k)
		}
		seen[k] = reg
		assert.NotContains(t, k[len(KeyPrefix):len(k)-len(":2026-11-20")], ":")
	}

	for _, reg := range []string{"", "  "} {
		_, err := Key(reg, day)
		require.ErrorIs(t, err, invoicesync.ErrInvoiceValidation)
		var se *invoicesync.SyncError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, "register", se.Field)
	}
}
