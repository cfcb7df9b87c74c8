package rounding

import (
	"math/big"

	"github.com/shopspring/decimal"
)

// pow10i64 holds 10^0 … 10^18, the powers of ten that fit in an int64.
var pow10i64 = [19]int64{
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000, 10000000000, 100000000000, 1000000000000, 10000000000000,
	100000000000000, 1000000000000000, 10000000000000000,
	100000000000000000, 1000000000000000000,
}

// bigTen is the constant 10; never mutated.
var bigTen = big.NewInt(10)

// pow10Big returns a new big.Int holding 10^n, n >= 0.
func pow10Big(n int64) *big.Int {
	if n < int64(len(pow10i64)) {
		return big.NewInt(pow10i64[n])
	}
	return new(big.Int).Exp(bigTen, big.NewInt(n), nil)
}

// coef64 returns d's coefficient when it has at most 18 digits, so certainly
// fits in an int64, without allocating.
func coef64(d decimal.Decimal) (int64, bool) {
	if d.NumDigits() > 18 {
		return 0, false
	}
	return d.CoefficientInt64(), true
}

// Round rounds d to places decimal places (to a multiple of 10^-places) under
// p, exactly (no float). The result's exponent is exactly -places, also when
// nothing had to be dropped (Round(10, 2, p) has coefficient 1000); a negative
// places rounds to tens, hundreds, … . places must not be math.MinInt32.
//
//	Round(2.345, 2, HalfAwayFromZero) = 2.35    Round(2.345, 2, HalfEven) = 2.34
//	Round(2.341, 2, Up)               = 2.35    Round(-2.349, 2, Down)    = -2.34
//
// Round panics if p is not a valid Policy.
func Round(d decimal.Decimal, places int32, p Policy) decimal.Decimal {
	mustValid(p)
	exp := int64(d.Exponent())
	target := -int64(places)
	if exp >= target {
		// Nothing to drop: only add trailing zeros.
		shift := exp - target
		if c, ok := coef64(d); ok {
			if v, ok := mulPow10(c, shift); ok {
				return decimal.New(v, int32(target))
			}
		}
		v := d.Coefficient()
		return decimal.NewFromBigInt(v.Mul(v, pow10Big(shift)), int32(target))
	}
	k := target - exp // digits dropped, > 0
	if c, ok := coef64(d); ok && k < int64(len(pow10i64)) {
		return decimal.New(divRound64(c, pow10i64[k], p), int32(target))
	}
	return decimal.NewFromBigInt(quoRoundBig(d.Coefficient(), pow10Big(k), p), int32(target))
}

// Divide returns a/b rounded under p to places decimal places, with exponent
// exactly -places. The quotient is computed exactly (integer division with
// remainder), so ties are detected exactly whatever the number of digits,
// unlike decimal.Div. It returns [ErrDivisionByZero] when b is zero.
// places must not be math.MinInt32. Divide panics if p is not a valid Policy.
func Divide(a, b decimal.Decimal, places int32, p Policy) (decimal.Decimal, error) {
	mustValid(p)
	if b.Sign() == 0 {
		return decimal.Decimal{}, ErrDivisionByZero
	}
	// a/b·10^places = ca·10^e / cb with e = ea - eb + places.
	e := int64(a.Exponent()) - int64(b.Exponent()) + int64(places)
	num, den := a.Coefficient(), b.Coefficient()
	if e >= 0 {
		num.Mul(num, pow10Big(e))
	} else {
		den.Mul(den, pow10Big(-e))
	}
	return decimal.NewFromBigInt(quoRoundBig(num, den, p), -places), nil
}

// Cash rounds d to a multiple of increment under p, e.g. to CHF 0.05:
// 24.97 → 24.95, 24.975 → 25.00 (HalfAwayFromZero), 24.98 → 25.00. The result's
// exponent is increment's exponent (so 0.05 gives two places), or 0 when
// increment's exponent is positive. It returns [ErrBadIncrement] when
// increment is zero or negative. Cash panics if p is not a valid Policy.
func Cash(d, increment decimal.Decimal, p Policy) (decimal.Decimal, error) {
	mustValid(p)
	if increment.Sign() <= 0 {
		return decimal.Decimal{}, ErrBadIncrement
	}
	n, _ := Divide(d, increment, 0, p) // how many increments, an integer; increment != 0
	v := n.Coefficient()
	v.Mul(v, increment.Coefficient())
	exp := increment.Exponent()
	if exp > 0 {
		v.Mul(v, pow10Big(int64(exp)))
		exp = 0
	}
	return decimal.NewFromBigInt(v, exp), nil
}

// divRound64 returns n/d rounded under p; d > 1 is a power of ten, so the
// result never overflows.
func divRound64(n, d int64, p Policy) int64 {
	q, r := n/d, n%d
	if r == 0 {
		return q
	}
	ar := uint64(r)
	if r < 0 {
		ar = -ar
	}
	if away(p, true, cmpU64(ar, uint64(d)-ar), q&1 != 0) {
		if n < 0 {
			q--
		} else {
			q++
		}
	}
	return q
}

// quoRoundBig returns num/den rounded under p; den != 0.
func quoRoundBig(num, den *big.Int, p Policy) *big.Int {
	negative := num.Sign()*den.Sign() < 0
	q, r := new(big.Int).QuoRem(num, den, new(big.Int)) // truncated; r has num's sign
	if r.Sign() == 0 {
		return q
	}
	r.Abs(r)
	r.Lsh(r, 1)
	if away(p, true, r.CmpAbs(den), q.Bit(0) != 0) {
		if negative {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// cmpU64 compares a and b: -1, 0 or +1.
func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
