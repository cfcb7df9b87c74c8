package rounding

import (
	"math"
	"math/big"
	"math/bits"
	"sort"

	"github.com/shopspring/decimal"
)

// DistributeUnits splits total (an integer count of minor units) into
// len(weights) shares proportional to weights that sum exactly to total, by
// the largest-remainder method, and returns them appended to dst[:0]. It is
// the rule for spreading a document discount or a rounding difference over
// lines so that no cent is lost: 1000 over [1 1 1] gives [334 333 333].
//
// Each share is first floor(total·wᵢ/W), W = Σ weights, computed exactly with
// 128-bit intermediates; the units still missing (fewer than len(weights))
// then go one each to the shares with the largest remainders, ties to the
// lower index. Every share therefore differs from the exact proportional
// value total·wᵢ/W by less than one unit. A negative total gives exactly the
// negation of the positive one, and weights summing to a negative W are
// treated as their negations, so only the proportions matter. Weights may be
// zero (a zero weight always gets 0), negative or mixed; with mixed signs
// shares may exceed total in magnitude ([100 -40] splits 600 into
// [1000 -400]).
//
// A zero total gives len(weights) zeros and no error, whatever the weights.
// Otherwise the errors are [ErrNoWeights] (no weights), [ErrZeroWeights]
// (weights summing to zero) and [ErrOverflow] (Σ weights, or a share or the
// share before its final ±1 adjustment, does not fit in an int64); on error
// the returned slice is dst[:0].
//
// DistributeUnits does not allocate beyond growing dst; dst must not
// overlap weights. It runs in O(n·k) for up to 64 weights (k < n the number
// of adjusted shares) and in O(64·n) beyond.
func DistributeUnits(total int64, weights []int64, dst []int64) ([]int64, error) {
	dst = dst[:0]
	if total == 0 {
		for range weights {
			dst = append(dst, 0)
		}
		return dst, nil
	}
	n := len(weights)
	if n == 0 {
		return dst, ErrNoWeights
	}
	// Σ weights on 128 bits: partial sums may leave the int64 range as long as
	// the total comes back into it.
	var sumHi int64
	var sumLo uint64
	for _, w := range weights {
		var carry uint64
		sumLo, carry = bits.Add64(sumLo, uint64(w), 0)
		sumHi += int64(carry) + w>>63
	}
	sum := int64(sumLo)
	if sumHi != sum>>63 {
		return dst, ErrOverflow
	}
	if sum == 0 {
		return dst, ErrZeroWeights
	}

	// Work on the "positive" problem: t = |total| over weights whose sum
	// wm = |W| is positive (each weight times sign(W)). Its shares are
	// sᵢ = floor(t·wᵢ'/wm) with remainders rᵢ = t·wᵢ' − sᵢ·wm in [0, wm).
	// dst holds the final shares fᵢ = sign(total)·sᵢ.
	d := dist{t: abs64(total), wm: abs64(sum), neg: total < 0, wNeg: sum < 0}
	var acc uint64 // Σ sᵢ modulo 2^64
	for _, w := range weights {
		hi, lo := bits.Mul64(d.t, abs64(w))
		if hi >= d.wm {
			return dst[:0], ErrOverflow // |sᵢ| >= 2^64
		}
		q, r := bits.Div64(hi, lo, d.wm)
		below := (w < 0) != d.wNeg // sᵢ <= 0
		if below && r != 0 {
			if q == math.MaxUint64 {
				return dst[:0], ErrOverflow
			}
			q++ // floor of a negative quotient
		}
		f, ok := signed(q, below != d.neg)
		if !ok {
			return dst[:0], ErrOverflow
		}
		dst = append(dst, f)
		if below {
			acc -= q
		} else {
			acc += q
		}
	}
	// Σ rᵢ = (t − Σ sᵢ)·wm, so k = t − Σ sᵢ is exact modulo 2^64 and lies in
	// [0, n); it is also the number of positive remainders at least, so zero
	// remainders (zero weights among them) never get a unit.
	k := d.t - acc
	if k == 0 {
		return dst, nil
	}
	if n <= 64 {
		// k rounds of "largest remainder not taken yet, lowest index first".
		var taken uint64
		for ; k > 0; k-- {
			best, bestR := -1, uint64(0)
			for i := range n {
				if taken&(1<<i) != 0 {
					continue
				}
				if r := d.rem(weights[i], dst[i]); best < 0 || r > bestR {
					best, bestR = i, r
				}
			}
			taken |= 1 << best
			if !d.bump(&dst[best]) {
				return dst[:0], ErrOverflow
			}
		}
		return dst, nil
	}
	// Many weights: find by bisection the largest threshold th such that at
	// least k remainders are >= th (th >= 1 exists, see above); every share
	// with a remainder above th gets a unit, and the ones equal to th get the
	// units left over in index order.
	maxR := uint64(0)
	for i, w := range weights {
		maxR = max(maxR, d.rem(w, dst[i]))
	}
	lo, hi := uint64(1), maxR
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		if d.countGE(weights, dst, mid) >= k {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	th := lo
	extra := k - d.countGE(weights, dst, th+1) // th+1 <= wm, no wrap
	for i, w := range weights {
		r := d.rem(w, dst[i])
		if r < th || (r == th && extra == 0) {
			continue
		}
		if r == th {
			extra--
		}
		if !d.bump(&dst[i]) {
			return dst[:0], ErrOverflow
		}
	}
	return dst, nil
}

// dist holds the normalized problem of DistributeUnits.
type dist struct {
	t, wm     uint64 // |total|, |Σ weights| > 0
	neg, wNeg bool   // total < 0, Σ weights < 0
}

// rem returns the remainder t·w' − s·wm of the weight w whose final share is
// f (so s = sign(total)·f and w' = sign(W)·w). The true value lies in
// [0, wm), so computing it modulo 2^64 is exact.
func (d *dist) rem(w, f int64) uint64 {
	wp, s := uint64(w), uint64(f)
	if d.wNeg {
		wp = -wp
	}
	if d.neg {
		s = -s
	}
	return d.t*wp - s*d.wm
}

// countGE returns how many remainders are >= th.
func (d *dist) countGE(weights, shares []int64, th uint64) uint64 {
	var c uint64
	for i, w := range weights {
		if d.rem(w, shares[i]) >= th {
			c++
		}
	}
	return c
}

// bump adds one unit to the share at f, away from zero on the total's side,
// reporting false on overflow.
func (d *dist) bump(f *int64) bool {
	if d.neg {
		if *f == math.MinInt64 {
			return false
		}
		*f--
		return true
	}
	if *f == math.MaxInt64 {
		return false
	}
	*f++
	return true
}

// Distribute splits total into len(weights) decimal shares with exponent
// -places that sum exactly to total, proportional to weights, by the same
// largest-remainder rule as [DistributeUnits] over units of 10^-places: a
// discount of 10.00 over three equal lines gives 3.34, 3.33, 3.33.
//
// total must have at most places non-zero decimals, else [ErrPrecision];
// weights are any decimals (line amounts, quantities) and only their
// proportions matter. Amounts and weights too large for int64 arithmetic are
// handled exactly with big integers, so Distribute never returns
// [ErrOverflow]. A zero total gives zeros (exponent -places) and no error;
// otherwise no weights is [ErrNoWeights] and weights summing to zero
// [ErrZeroWeights]. places must not be math.MinInt32.
func Distribute(total decimal.Decimal, weights []decimal.Decimal, places int32) ([]decimal.Decimal, error) {
	tu, st := toUnits(total, places)
	if st == unitsInexact {
		return nil, ErrPrecision
	}
	if total.Sign() == 0 {
		out := make([]decimal.Decimal, len(weights))
		for i := range out {
			out[i] = decimal.New(0, -places)
		}
		return out, nil
	}
	if len(weights) == 0 {
		return nil, ErrNoWeights
	}
	if st == unitsOK {
		var wbuf, sbuf [32]int64
		if ws, ok := scaleWeights(weights, wbuf[:0]); ok {
			shares, err := DistributeUnits(tu, ws, sbuf[:0])
			if err == nil {
				out := make([]decimal.Decimal, len(shares))
				for i, s := range shares {
					out[i] = decimal.New(s, -places)
				}
				return out, nil
			}
			if err != ErrOverflow {
				return nil, err
			}
		}
	}
	shares, err := distributeBig(bigUnits(total, places), bigWeights(weights))
	if err != nil {
		return nil, err
	}
	out := make([]decimal.Decimal, len(shares))
	for i, s := range shares {
		out[i] = decimal.NewFromBigInt(s, -places)
	}
	return out, nil
}

// minWeightExp returns the smallest exponent of the non-zero weights.
func minWeightExp(weights []decimal.Decimal) int32 {
	minExp, found := int32(0), false
	for _, w := range weights {
		if w.Sign() != 0 && (!found || w.Exponent() < minExp) {
			minExp, found = w.Exponent(), true
		}
	}
	return minExp
}

// scaleWeights appends to dst the weights as integers of a common exponent,
// reporting false if one does not fit in an int64.
func scaleWeights(weights []decimal.Decimal, dst []int64) ([]int64, bool) {
	minExp := minWeightExp(weights)
	for _, w := range weights {
		if w.Sign() == 0 {
			dst = append(dst, 0)
			continue
		}
		c, ok := coef64(w)
		if !ok {
			return nil, false
		}
		v, ok := mulPow10(c, int64(w.Exponent())-int64(minExp))
		if !ok {
			return nil, false
		}
		dst = append(dst, v)
	}
	return dst, true
}

// bigWeights returns the weights as big integers of a common exponent.
func bigWeights(weights []decimal.Decimal) []*big.Int {
	minExp := minWeightExp(weights)
	out := make([]*big.Int, len(weights))
	for i, w := range weights {
		v := w.Coefficient()
		if v.Sign() != 0 {
			v.Mul(v, pow10Big(int64(w.Exponent())-int64(minExp)))
		}
		out[i] = v
	}
	return out
}

// bigUnits returns d as a count of 10^-places units; d must have at most
// places non-zero decimals.
func bigUnits(d decimal.Decimal, places int32) *big.Int {
	c := d.Coefficient()
	if shift := int64(d.Exponent()) + int64(places); shift >= 0 {
		c.Mul(c, pow10Big(shift))
	} else {
		c.Quo(c, pow10Big(-shift))
	}
	return c
}

// distributeBig is DistributeUnits on big integers, without overflow.
func distributeBig(total *big.Int, weights []*big.Int) ([]*big.Int, error) {
	n := len(weights)
	shares := make([]*big.Int, n)
	if total.Sign() == 0 {
		for i := range shares {
			shares[i] = new(big.Int)
		}
		return shares, nil
	}
	if n == 0 {
		return nil, ErrNoWeights
	}
	w := new(big.Int)
	for _, wi := range weights {
		w.Add(w, wi)
	}
	if w.Sign() == 0 {
		return nil, ErrZeroWeights
	}
	neg := total.Sign() < 0
	t := new(big.Int).Abs(total)
	wNeg := w.Sign() < 0
	w.Abs(w)
	rems := make([]*big.Int, n)
	k := new(big.Int).Set(t)
	for i, wi := range weights {
		num := new(big.Int).Mul(t, wi)
		if wNeg {
			num.Neg(num)
		}
		// Euclidean division by a positive divisor is floor division.
		shares[i], rems[i] = new(big.Int).DivMod(num, w, new(big.Int))
		k.Sub(k, shares[i])
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return rems[idx[a]].Cmp(rems[idx[b]]) > 0 })
	one := big.NewInt(1)
	for _, i := range idx[:k.Int64()] { // 0 <= k < n
		shares[i].Add(shares[i], one)
	}
	if neg {
		for _, s := range shares {
			s.Neg(s)
		}
	}
	return shares, nil
}
