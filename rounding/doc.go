// Package rounding rounds money exactly: decimal amounts to a number of
// places or to a cash increment under a [Policy], currencies to their ISO 4217
// minor units, and totals (a document discount, a VAT amount) over lines by
// the largest-remainder method so that no cent is lost.
//
// Money is never float64 here: amounts are [decimal.Decimal] values or
// integer counts of minor units, and every result is exact.
//
// The shortest use rounds an amount to its currency's minor unit:
//
//	places, _ := rounding.MinorUnits("EUR") // 2
//	vat := rounding.Round(decimal.RequireFromString("6.018"), places, rounding.HalfAwayFromZero)
//	// vat.StringFixed(2) == "6.02"
//
// and spreads a discount over lines in proportion to their amounts:
//
//	shares, err := rounding.Distribute(decimal.RequireFromString("10.00"),
//		[]decimal.Decimal{decimal.NewFromInt(1), decimal.NewFromInt(1), decimal.NewFromInt(1)}, 2)
//	// shares: 3.34 3.33 3.33, summing to exactly 10.00
//
// The integer helpers [ToUnits], [FromUnits], [MulDiv] and [DistributeUnits]
// do the same on int64 minor units without allocating, for hot paths.
//
// Every function panics when given a Policy that is not one of the four
// declared constants (a programming error: [Policy.UnmarshalText] never
// produces one).
package rounding
