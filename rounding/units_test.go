package rounding

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestToUnits(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		places int32
		want   int64
		wantOK bool
	}{
		{"two decimals", "19.08", 2, 1908, true},
		{"trailing zero beyond places is fine", "19.080", 2, 1908, true},
		{"non-zero third decimal is refused", "19.085", 2, 0, false},
		{"integer", "19", 2, 1900, true},
		{"negative half", "-0.5", 2, -50, true},
		{"zero", "0", 2, 0, true},
		{"zero with many decimals", "0.000000000000000000000000", 2, 0, true},
		{"zero places", "42", 0, 42, true},
		{"three places", "1.234", 3, 1234, true},
		{"tiny non-zero is refused", "0.0000000000000000000001", 2, 0, false},
		{"many trailing zeros", "12.340000000000000000000000000", 2, 1234, true},
		{"max int64 cents", "92233720368547758.07", 2, math.MaxInt64, true},
		{"min int64 cents", "-92233720368547758.08", 2, math.MinInt64, true},
		{"one past max int64 does not fit", "92233720368547758.08", 2, 0, false},
		{"one past min int64 does not fit", "-92233720368547758.09", 2, 0, false},
		{"huge integer does not fit", "1e30", 2, 0, false},
		{"huge with excess decimals is refused", "123456789012345678901234.567", 2, 0, false},
		{"20-digit coefficient with a large exponent does not fit", "12345678901234567890e17", 2, 0, false},
		{"20-digit coefficient far below a unit is refused", "0.000000000012345678901234567891", 2, 0, false},
		{"20-digit coefficient with zeros that fit", "12345678901234567.000", 2, 1234567890123456700, true},
		{"negative places: hundreds", "1200", -2, 12, true},
		{"negative places: not a multiple", "1250", -2, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ToUnits(dec(tt.in), tt.places)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
	t.Run("zero value decimal", func(t *testing.T) {
		got, ok := ToUnits(decimal.Decimal{}, 2)
		assert.True(t, ok)
		assert.Zero(t, got)
	})
}

func TestToUnitsMatchesBigReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 20000 {
		d := randDecimal(rng)
		places := int32(rng.IntN(8))
		scaled := new(big.Rat).Mul(d.Rat(), new(big.Rat).SetInt(pow10Big(int64(places))))
		wantOK := scaled.IsInt() && scaled.Num().IsInt64()
		got, ok := ToUnits(d, places)
		require.Equal(t, wantOK, ok, "ToUnits(%s, %d)", d, places)
		if ok {
			require.Equal(t, scaled.Num().Int64(), got, "ToUnits(%s, %d)", d, places)
			require.True(t, FromUnits(got, places).Equal(d), "round trip of %s", d)
		}
	}
}

func TestFromUnits(t *testing.T) {
	tests := []struct {
		name   string
		u      int64
		places int32
		want   string
	}{
		{"cents", 1908, 2, "19.08"},
		{"whole cents keep their zeros", 1000, 2, "10.00"},
		{"negative", -50, 2, "-0.50"},
		{"zero places", 42, 0, "42"},
		{"three places", -1, 3, "-0.001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FromUnits(tt.u, tt.places)
			assert.Equal(t, tt.want, got.StringFixed(tt.places))
			assert.Equal(t, -tt.places, got.Exponent())
		})
	}
}

func TestToUnitsDoesNotAllocate(t *testing.T) {
	for _, s := range []string{"19.08", "19.080", "-0.5", "19.085", "123456789012.34", "0"} {
		d := dec(s)
		t.Run(s, func(t *testing.T) {
			assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = ToUnits(d, 2) }))
		})
	}
}

func TestMulDiv(t *testing.T) {
	tests := []struct {
		name    string
		a, b, c int64
		p       Policy
		want    int64
		wantOK  bool
	}{
		{"VAT 20 % of 30.09", 3009, 20, 100, HalfAwayFromZero, 602, true},
		{"VAT 20 % of 30.09 down", 3009, 20, 100, Down, 601, true},
		{"negative half away", -1, 1, 2, HalfAwayFromZero, -1, true},
		{"positive half away", 1, 1, 2, HalfAwayFromZero, 1, true},
		{"half even 2.5 to 2", 5, 1, 2, HalfEven, 2, true},
		{"half even 3.5 to 4", 7, 1, 2, HalfEven, 4, true},
		{"half even -2.5 to -2", -5, 1, 2, HalfEven, -2, true},
		{"up 1/3", 1, 1, 3, Up, 1, true},
		{"up -1/3", 1, -1, 3, Up, -1, true},
		{"down -2/3", 2, 1, -3, Down, 0, true},
		{"half away -2/3", 2, 1, -3, HalfAwayFromZero, -1, true},
		{"exact", 6, 7, 3, Up, 14, true},
		{"zero numerator", 0, 7, 3, Up, 0, true},
		{"max int64 times 2 over 2", math.MaxInt64, 2, 2, HalfAwayFromZero, math.MaxInt64, true},
		{"min int64 times 2 over 2", math.MinInt64, 2, 2, HalfAwayFromZero, math.MinInt64, true},
		{"min int64 times -1 over -1", math.MinInt64, -1, -1, Down, math.MinInt64, true},
		{"max int64 squared over max int64", math.MaxInt64, math.MaxInt64, math.MaxInt64, Up, math.MaxInt64, true},
		{"min int64 over -1 overflows", math.MinInt64, 1, -1, Down, 0, false},
		{"max int64 times 2 overflows", math.MaxInt64, 2, 1, Down, 0, false},
		{"quotient beyond 64 bits overflows", math.MaxInt64, math.MaxInt64, 2, Down, 0, false},
		{"division by zero", 1, 1, 0, HalfAwayFromZero, 0, false},
		// (2^64-1)/2 = MaxInt64 + 0.5: the truncation fits, rounding up does not.
		{"max int64 + 0.5 down fits", 4294967295, 4294967297, 2, Down, math.MaxInt64, true},
		{"max int64 + 0.5 up overflows", 4294967295, 4294967297, 2, Up, 0, false},
		{"max int64 + 0.5 half even overflows (odd)", 4294967295, 4294967297, 2, HalfEven, 0, false},
		{"max int64 + 0.5 half away overflows", 4294967295, 4294967297, 2, HalfAwayFromZero, 0, false},
		// -(2^64+1)/2 = MinInt64 - 0.5.
		{"min int64 - 0.5 down fits", -274177, 67280421310721, 2, Down, math.MinInt64, true},
		{"min int64 - 0.5 half even fits (even)", -274177, 67280421310721, 2, HalfEven, math.MinInt64, true},
		{"min int64 - 0.5 up overflows", -274177, 67280421310721, 2, Up, 0, false},
		{"min int64 - 0.5 half away overflows", -274177, 67280421310721, 2, HalfAwayFromZero, 0, false},
		// (2^65-1)/2: a 64-bit quotient of all ones with a remainder, so
		// rounding up would wrap a uint64.
		{"all-ones 64-bit quotient rounded up overflows", 253921, 145295143558111, 2, Up, 0, false},
		{"all-ones 64-bit quotient truncated overflows", 253921, 145295143558111, 2, Down, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := MulDiv(tt.a, tt.b, tt.c, tt.p)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

// refMulDiv is MulDiv on big.Rat.
func refMulDiv(a, b, c int64, p Policy) (int64, bool) {
	if c == 0 {
		return 0, false
	}
	r := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(a), big.NewInt(b)), big.NewInt(c))
	q := refRound(r, p)
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

// randInt64 returns a random int64 of random magnitude, with the extremes
// and small values over-represented.
func randInt64(rng *rand.Rand) int64 {
	switch rng.IntN(8) {
	case 0:
		return []int64{math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1, 0, 1, -1, 2, -2}[rng.IntN(9)]
	case 1, 2:
		return rng.Int64N(2001) - 1000
	}
	v := int64(rng.Uint64() >> rng.UintN(64))
	if rng.IntN(2) == 0 {
		v = -v
	}
	return v
}

func TestMulDivMatchesBigReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, p := range allPolicies {
		t.Run(p.String(), func(t *testing.T) {
			for range 50000 {
				a, b, c := randInt64(rng), randInt64(rng), randInt64(rng)
				want, wantOK := refMulDiv(a, b, c, p)
				got, ok := MulDiv(a, b, c, p)
				require.Equal(t, wantOK, ok, "MulDiv(%d, %d, %d, %s)", a, b, c, p)
				require.Equal(t, want, got, "MulDiv(%d, %d, %d, %s)", a, b, c, p)
			}
		})
	}
}

func TestMulDivDoesNotAllocate(t *testing.T) {
	assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = MulDiv(3009, 20, 100, HalfEven) }))
}
