package rounding

import (
	"math"
	"math/big"
	"math/bits"

	"github.com/shopspring/decimal"
)

// unitsStatus is the outcome of toUnits.
type unitsStatus int

const (
	unitsOK       unitsStatus = iota
	unitsInexact              // more non-zero decimals than places
	unitsOverflow             // exact but outside int64
)

// ToUnits returns d as an integer count of 10^-places units (cents for
// places 2): ToUnits(19.08, 2) = 1908, ToUnits(19, 2) = 1900,
// ToUnits(-0.5, 2) = -50. Trailing zeros do not matter (19.080 gives 1908).
// It returns false when d has more non-zero decimals than places (19.085 at
// 2 places) or when the count does not fit in an int64. It does not allocate
// when d's coefficient has at most 18 digits.
func ToUnits(d decimal.Decimal, places int32) (int64, bool) {
	u, st := toUnits(d, places)
	return u, st == unitsOK
}

func toUnits(d decimal.Decimal, places int32) (int64, unitsStatus) {
	if d.Sign() == 0 {
		return 0, unitsOK
	}
	// d = c·10^exp = c·10^shift units of 10^-places.
	shift := int64(d.Exponent()) + int64(places)
	if c, ok := coef64(d); ok {
		if shift >= 0 {
			v, ok := mulPow10(c, shift)
			if !ok {
				return 0, unitsOverflow
			}
			return v, unitsOK
		}
		if -shift >= int64(len(pow10i64)) {
			return 0, unitsInexact // 0 < |c| < 10^18 cannot be a multiple of 10^19
		}
		p := pow10i64[-shift]
		if c%p != 0 {
			return 0, unitsInexact
		}
		return c / p, unitsOK
	}
	// Coefficient of 19 digits or more.
	c := d.Coefficient()
	if shift >= 0 {
		if shift >= int64(len(pow10i64)) {
			return 0, unitsOverflow // |c|·10^19 > MaxInt64
		}
		c.Mul(c, pow10Big(shift))
	} else {
		if -shift >= int64(d.NumDigits()) {
			return 0, unitsInexact // 0 < |c| < 10^-shift
		}
		var r big.Int
		c.QuoRem(c, pow10Big(-shift), &r)
		if r.Sign() != 0 {
			return 0, unitsInexact
		}
	}
	if !c.IsInt64() {
		return 0, unitsOverflow
	}
	return c.Int64(), unitsOK
}

// FromUnits returns u units of 10^-places as a decimal with exponent
// -places: FromUnits(1908, 2) is 19.08. places must not be math.MinInt32.
func FromUnits(u int64, places int32) decimal.Decimal {
	return decimal.New(u, -places)
}

// MulDiv returns a·b/c rounded under p, computed exactly with a 128-bit
// intermediate product, e.g. the VAT on 30.09 at 20 %:
// MulDiv(3009, 20, 100, HalfAwayFromZero) = 602 (6.018 → 6.02). It returns
// false when c is zero or the rounded result does not fit in an int64. It
// never allocates. MulDiv panics if p is not a valid Policy.
func MulDiv(a, b, c int64, p Policy) (int64, bool) {
	mustValid(p)
	if c == 0 {
		return 0, false
	}
	negative := (a < 0) != (b < 0) != (c < 0)
	hi, lo := bits.Mul64(abs64(a), abs64(b))
	d := abs64(c)
	if hi >= d {
		return 0, false // the quotient needs more than 64 bits (Div64 would panic)
	}
	q, r := bits.Div64(hi, lo, d)
	if away(p, r != 0, cmpU64(r, d-r), q&1 != 0) {
		if q == math.MaxUint64 {
			return 0, false // 2^64 does not fit either
		}
		q++
	}
	return signed(q, negative)
}

// abs64 returns |v| as a uint64 (correct for math.MinInt64 too).
func abs64(v int64) uint64 {
	if v < 0 {
		return -uint64(v)
	}
	return uint64(v)
}

// signed returns the int64 of magnitude m and the given sign, if it fits.
func signed(m uint64, negative bool) (int64, bool) {
	if negative {
		if m > 1<<63 {
			return 0, false
		}
		return int64(-m), true // -2^63 wraps to math.MinInt64 as wanted
	}
	if m > math.MaxInt64 {
		return 0, false
	}
	return int64(m), true
}

// mulPow10 returns c·10^n (n >= 0) if it fits in an int64.
func mulPow10(c, n int64) (int64, bool) {
	if c == 0 {
		return 0, true
	}
	if n >= int64(len(pow10i64)) {
		return 0, false
	}
	hi, lo := bits.Mul64(abs64(c), uint64(pow10i64[n]))
	if hi != 0 {
		return 0, false
	}
	return signed(lo, c < 0)
}
