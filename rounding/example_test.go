package rounding_test

import (
	"fmt"

	"github.com/invoicesync/invoicesync/rounding"
	"github.com/shopspring/decimal"
)

func ExampleRound() {
	d := decimal.RequireFromString("2.345")
	fmt.Println(rounding.Round(d, 2, rounding.HalfAwayFromZero).StringFixed(2))
	fmt.Println(rounding.Round(d, 2, rounding.HalfEven).StringFixed(2))
	fmt.Println(rounding.Round(d.Neg(), 2, rounding.Up).StringFixed(2))
	fmt.Println(rounding.Round(decimal.RequireFromString("2.349"), 2, rounding.Down).StringFixed(2))
	// Output:
	// 2.35
	// 2.34
	// -2.35
	// 2.34
}

func ExampleCash() {
	chf := decimal.RequireFromString("0.05") // Swiss cash rounding
	for _, s := range []string{"24.97", "24.975", "24.98"} {
		r, err := rounding.Cash(decimal.RequireFromString(s), chf, rounding.HalfAwayFromZero)
		if err != nil {
			panic(err)
		}
		fmt.Println(s, "→", r.StringFixed(2))
	}
	// Output:
	// 24.97 → 24.95
	// 24.975 → 25.00
	// 24.98 → 25.00
}

func ExampleDistribute() {
	// A document discount of 10.00 spread over three lines of equal amount:
	// no cent is lost, the extra cent goes to the first line.
	discount := decimal.RequireFromString("10.00")
	lines := []decimal.Decimal{
		decimal.RequireFromString("19.99"),
		decimal.RequireFromString("19.99"),
		decimal.RequireFromString("19.99"),
	}
	shares, err := rounding.Distribute(discount, lines, 2)
	if err != nil {
		panic(err)
	}
	for _, s := range shares {
		fmt.Println(s.StringFixed(2))
	}
	// Output:
	// 3.34
	// 3.33
	// 3.33
}

func ExampleMinorUnits() {
	for _, code := range []string{"EUR", "JPY", "KWD", "chf", "XYZ"} {
		places, ok := rounding.MinorUnits(code)
		fmt.Println(code, places, ok)
	}
	// Output:
	// EUR 2 true
	// JPY 0 true
	// KWD 3 true
	// chf 2 true
	// XYZ 0 false
}

func ExampleUnits_MinorUnits() {
	ledger := rounding.Units{"EUR": 4} // this ledger books euros to 4 decimals
	eur, _ := ledger.MinorUnits("EUR")
	usd, _ := ledger.MinorUnits("USD")
	fmt.Println(eur, usd)
	// Output:
	// 4 2
}

func ExampleDivide() {
	// Net amount from a gross of 120.01 at 20 % VAT.
	net, err := rounding.Divide(decimal.RequireFromString("120.01"), decimal.RequireFromString("1.20"), 2, rounding.HalfAwayFromZero)
	if err != nil {
		panic(err)
	}
	fmt.Println(net.StringFixed(2))
	// Output:
	// 100.01
}

func ExampleMulDiv() {
	// 20 % VAT on 30.09, in cents: 6.018 rounds to 6.02.
	vat, ok := rounding.MulDiv(3009, 20, 100, rounding.HalfAwayFromZero)
	fmt.Println(vat, ok)
	// Output:
	// 602 true
}

func ExampleDistributeUnits() {
	// 13.71 of discount over lines of 99.98, 37.05 and 12.50, in cents.
	shares, err := rounding.DistributeUnits(1371, []int64{9998, 3705, 1250}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(shares)
	// Output:
	// [917 340 114]
}

func ExampleToUnits() {
	cents, ok := rounding.ToUnits(decimal.RequireFromString("19.080"), 2)
	fmt.Println(cents, ok)
	_, ok = rounding.ToUnits(decimal.RequireFromString("19.085"), 2)
	fmt.Println(ok)
	fmt.Println(rounding.FromUnits(cents, 2))
	// Output:
	// 1908 true
	// false
	// 19.08
}
