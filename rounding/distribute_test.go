package rounding

import (
	"encoding/binary"
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decs parses space-separated decimal literals.
func decs(s string) []decimal.Decimal {
	var out []decimal.Decimal
	for _, f := range strings.Fields(s) {
		out = append(out, dec(f))
	}
	return out
}

// fixed renders shares with places decimals.
func fixed(shares []decimal.Decimal, places int32) string {
	parts := make([]string, len(shares))
	for i, s := range shares {
		parts[i] = s.StringFixed(places)
	}
	return strings.Join(parts, " ")
}

func TestDistribute(t *testing.T) {
	tests := []struct {
		name    string
		total   string
		weights string
		places  int32
		want    string
	}{
		{"one line takes the whole discount", "10.00", "99.98", 2, "10.00"},
		{"one line, other amounts", "3.71", "37.05", 2, "3.71"},
		{"three equal lines: the first gets the extra cent", "10.00", "1 1 1", 2, "3.34 3.33 3.33"},
		{"negative total mirrors the positive one", "-10.00", "1 1 1", 2, "-3.34 -3.33 -3.33"},
		{"five cents over seven lines: lowest indexes first", "0.05", "1 1 1 1 1 1 1", 2, "0.01 0.01 0.01 0.01 0.01 0.00 0.00"},
		{"zero weights get nothing; tie goes to the lower index", "1.01", "0 5 0 5", 2, "0.00 0.51 0.00 0.50"},
		{"mixed-sign weights", "6.00", "100 -40", 2, "10.00 -4.00"},
		{"single negative weight", "5.00", "-3", 2, "5.00"},
		{"all negative weights act like positive ones", "10.00", "-1 -1 -1", 2, "3.34 3.33 3.33"},
		{"discount 13.71 over line amounts", "13.71", "99.98 37.05 12.50", 2, "9.17 3.40 1.14"},
		{"discount 13.71 with a credit line", "13.71", "99.98 37.05 12.50 -25.00", 2, "11.01 4.08 1.37 -2.75"},
		{"negative discount over line amounts", "-13.71", "99.98 37.05 12.50", 2, "-9.17 -3.40 -1.14"},
		{"largest remainder, not first index", "10.00", "1 2 3 4 5 6", 2, "0.48 0.95 1.43 1.90 2.38 2.86"},
		{"weights with different exponents", "10.00", "1 1.0 1.000", 2, "3.34 3.33 3.33"},
		{"total with fewer decimals than places", "10", "1 1 1", 2, "3.34 3.33 3.33"},
		{"total with trailing zeros beyond places", "10.0000", "1 1 1", 2, "3.34 3.33 3.33"},
		{"zero places (JPY)", "1000", "1 1 1", 0, "334 333 333"},
		{"three places (KWD)", "1.000", "1 2", 3, "0.333 0.667"},
		{"zero total gives zeros", "0", "1 2", 2, "0.00 0.00"},
		{"zero total over weights summing to zero", "0.00", "1 -1", 2, "0.00 0.00"},
		{"huge weights use big integers", "10.00", "1e30 1e30 1e30", 2, "3.34 3.33 3.33"},
		{"tiny and huge weights", "1.00", "1e-30 1e30", 2, "0.00 1.00"},
		{"big path with trailing zeros in the total", "10.0000", "1e30 1e-30 1e30", 2, "5.00 0.00 5.00"},
		{"total beyond int64 units", "1e20", "1 1 1", 2, "33333333333333333333.34 33333333333333333333.33 33333333333333333333.33"},
		{"int64 shares overflow falls back to big integers", "92233720368547758.07", "2 -1", 2,
			"184467440737095516.14 -92233720368547758.07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			total := dec(tt.total)
			got, err := Distribute(total, decs(tt.weights), tt.places)
			require.NoError(t, err)
			assert.Equal(t, tt.want, fixed(got, tt.places))
			sum := decimal.Zero
			for _, s := range got {
				assert.Equal(t, -tt.places, s.Exponent(), "share exponent is -places")
				sum = sum.Add(s)
			}
			assert.True(t, sum.Equal(total), "shares sum to %s, want %s", sum, total)
		})
	}
}

func TestDistributeErrors(t *testing.T) {
	tests := []struct {
		name    string
		total   string
		weights string
		places  int32
		want    error
	}{
		{"no weights", "1.00", "", 2, ErrNoWeights},
		{"weights summing to zero", "1.00", "1 -1", 2, ErrZeroWeights},
		{"all-zero weights", "1.00", "0 0", 2, ErrZeroWeights},
		{"big weights summing to zero", "1.00", "1e30 1e-30 -1e30 -1e-30", 2, ErrZeroWeights},
		{"total with a third decimal at 2 places", "19.085", "1", 2, ErrPrecision},
		{"total with decimals at 0 places", "0.5", "1", 0, ErrPrecision},
		{"precision is checked before weights", "0.005", "", 2, ErrPrecision},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Distribute(dec(tt.total), decs(tt.weights), tt.places)
			assert.ErrorIs(t, err, tt.want)
			assert.Nil(t, got)
		})
	}
	t.Run("zero total over no weights is empty, not an error", func(t *testing.T) {
		got, err := Distribute(decimal.Zero, nil, 2)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
}

func TestDistributeUnits(t *testing.T) {
	tests := []struct {
		name    string
		total   int64
		weights []int64
		want    []int64
	}{
		{"one weight", 1000, []int64{9998}, []int64{1000}},
		{"three equal weights", 1000, []int64{1, 1, 1}, []int64{334, 333, 333}},
		{"negative total", -1000, []int64{1, 1, 1}, []int64{-334, -333, -333}},
		{"five over seven", 5, []int64{1, 1, 1, 1, 1, 1, 1}, []int64{1, 1, 1, 1, 1, 0, 0}},
		{"zero weights", 101, []int64{0, 5, 0, 5}, []int64{0, 51, 0, 50}},
		{"mixed signs", 600, []int64{100, -40}, []int64{1000, -400}},
		{"mixed signs, negative sum", 600, []int64{-100, 40}, []int64{1000, -400}},
		{"mixed signs with remainders", 1371, []int64{9998, 3705, 1250, -2500}, []int64{1101, 408, 137, -275}},
		{"zero total", 0, []int64{1, 2}, []int64{0, 0}},
		{"min int64 over one weight", math.MinInt64, []int64{7}, []int64{math.MinInt64}},
		{"min int64 over two weights", math.MinInt64, []int64{1, 1}, []int64{-1 << 62, -1 << 62}},
		{"max int64 over three", math.MaxInt64, []int64{1, 1, 1}, []int64{3074457345618258603, 3074457345618258602, 3074457345618258602}},
		{"max int64 over huge weights", math.MaxInt64, []int64{math.MaxInt64 / 2, math.MaxInt64/2 + 1}, []int64{math.MaxInt64 / 2, math.MaxInt64/2 + 1}},
		{"shares beyond the total", math.MaxInt64, []int64{1, -1, 1}, []int64{math.MaxInt64, -math.MaxInt64, math.MaxInt64}},
		{"min int64 weight", 10, []int64{math.MinInt64}, []int64{10}},
		{"partial weight sums beyond int64", 8, []int64{math.MaxInt64, 5, -5}, []int64{8, 0, 0}},
		{"partial weight sums below int64", -8, []int64{math.MinInt64, -5, 5, 1}, []int64{-8, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DistributeUnits(tt.total, tt.weights, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDistributeUnitsErrors(t *testing.T) {
	tests := []struct {
		name    string
		total   int64
		weights []int64
		want    error
	}{
		{"no weights", 1, nil, ErrNoWeights},
		{"weights summing to zero", 1, []int64{3, -1, -2}, ErrZeroWeights},
		{"all-zero weights", -5, []int64{0, 0}, ErrZeroWeights},
		{"weight sum overflows", 1, []int64{math.MaxInt64, 1}, ErrOverflow},
		{"negative weight sum overflows", 1, []int64{math.MinInt64, -1}, ErrOverflow},
		{"weight sum overflows after coming back", 1, []int64{math.MaxInt64, 1, -1, 1}, ErrOverflow},
		{"share overflows", 2, []int64{math.MaxInt64, -(math.MaxInt64 - 1)}, ErrOverflow},
		{"share beyond 64 bits", math.MaxInt64, []int64{math.MaxInt64, 1 - math.MaxInt64}, ErrOverflow},
		// -(2^65-1)/2: the floor of a negative share needs 65 bits.
		{"negative share floor beyond 64 bits", 253921, []int64{-145295143558111, 145295143558113}, ErrOverflow},
		// The floors fit, the final unit of the largest remainder does not.
		{"share overflows by its final unit", 3, []int64{6148914691236517205, -6148914691236517203}, ErrOverflow},
		{"share overflows by its final unit, many weights", 3, padded(6148914691236517205, -6148914691236517203), ErrOverflow},
		{"negative share overflows by its final unit", -13, []int64{2128470470043409802, -2128470470043409799}, ErrOverflow},
		{"negative share overflows by its final unit, many weights", -13, padded(2128470470043409802, -2128470470043409799), ErrOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []int64{42, 43}
			got, err := DistributeUnits(tt.total, tt.weights, dst)
			assert.ErrorIs(t, err, tt.want)
			assert.Empty(t, got, "dst[:0] on error")
		})
	}
}

// padded returns the weights followed by 70 zero weights, to go beyond 64
// weights.
func padded(weights ...int64) []int64 {
	return append(weights, make([]int64, 70)...)
}

func TestDistributeUnitsZeroTotalNoWeights(t *testing.T) {
	got, err := DistributeUnits(0, nil, nil)
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestDistributeUnitsReusesDst(t *testing.T) {
	dst := make([]int64, 5, 8)
	got, err := DistributeUnits(1000, []int64{1, 1, 1}, dst)
	require.NoError(t, err)
	assert.Equal(t, []int64{334, 333, 333}, got)
	assert.Same(t, &dst[0], &got[0], "dst's array is reused")
}

func TestDistributeUnitsDoesNotAllocate(t *testing.T) {
	for _, n := range []int{1, 3, 32, 64, 65, 200} {
		weights := make([]int64, n)
		for i := range weights {
			weights[i] = int64(1000 + 37*i)
		}
		dst := make([]int64, 0, n)
		t.Run("n="+itoa(n), func(t *testing.T) {
			allocs := testing.AllocsPerRun(100, func() {
				var err error
				dst, err = DistributeUnits(-1371, weights, dst)
				if err != nil {
					panic(err)
				}
			})
			assert.Zero(t, allocs)
		})
	}
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

// checkDistribution runs DistributeUnits and checks it against the big.Int
// implementation and the properties promised by its documentation.
func checkDistribution(t *testing.T, total int64, weights []int64) {
	t.Helper()
	got, err := DistributeUnits(total, weights, nil)

	bigW := make([]*big.Int, len(weights))
	sumW := new(big.Int)
	for i, w := range weights {
		bigW[i] = big.NewInt(w)
		sumW.Add(sumW, bigW[i])
	}
	want, wantErr := distributeBig(big.NewInt(total), bigW)
	if wantErr != nil {
		require.ErrorIs(t, err, wantErr, "total %d weights %v", total, weights)
		return
	}
	if err != nil {
		require.ErrorIs(t, err, ErrOverflow, "total %d weights %v", total, weights)
		// Overflow only when the weight sum or a share (within the one
		// unit of adjustment) is out of the int64 range.
		outside := !sumW.IsInt64()
		limit := big.NewInt(math.MaxInt64 - 1)
		for _, s := range want {
			if new(big.Int).Abs(s).Cmp(limit) >= 0 {
				outside = true
			}
		}
		require.True(t, outside, "unexpected overflow: total %d weights %v want %v", total, weights, want)
		return
	}
	require.Len(t, got, len(weights))
	// Compare whole vectors at once: this runs millions of times.
	gotS, wantS := make([]string, len(got)), make([]string, len(got))
	sum, diff := new(big.Int), new(big.Int)
	for i, s := range got {
		gotS[i], wantS[i] = big.NewInt(s).String(), want[i].String()
		sum.Add(sum, big.NewInt(s))
		if total != 0 {
			// |s·W − total·w| < |W|: less than one unit from the exact value.
			diff.Mul(big.NewInt(s), sumW)
			diff.Sub(diff, new(big.Int).Mul(big.NewInt(total), bigW[i]))
			if diff.CmpAbs(sumW) >= 0 {
				require.Failf(t, "share too far from the exact value", "share %d: total %d weights %v shares %v", i, total, weights, got)
			}
		}
	}
	require.Equal(t, wantS, gotS, "total %d weights %v", total, weights)
	require.Equal(t, big.NewInt(total).String(), sum.String(), "sum of %v", got)
}

// randWeights returns a random weight vector of one of several shapes.
func randWeights(rng *rand.Rand) []int64 {
	n := 1 + rng.IntN(8)
	switch rng.IntN(6) {
	case 0:
		n = 1
	case 1:
		n = 1 + rng.IntN(150) // beyond 64 to reach the bisection path
	}
	w := make([]int64, n)
	kind := rng.IntN(5)
	for i := range w {
		switch kind {
		case 0: // line amounts in cents
			w[i] = rng.Int64N(1_000_000)
		case 1: // small integers with zeros, ties likely
			w[i] = rng.Int64N(4)
		case 2: // mixed signs (credit lines)
			w[i] = rng.Int64N(200_000) - 50_000
		case 3: // all negative
			w[i] = -rng.Int64N(1000)
		default: // anything
			w[i] = randInt64(rng) >> rng.UintN(64)
		}
	}
	return w
}

func TestDistributeUnitsProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for i := range 20000 {
		var total int64
		switch i % 4 {
		case 0:
			total = rng.Int64N(100_000)
		case 1:
			total = -rng.Int64N(100_000)
		case 2:
			total = rng.Int64N(20) - 10
		default:
			total = randInt64(rng)
		}
		checkDistribution(t, total, randWeights(rng))
	}
}

func TestDistributeAgreesWithDistributeUnits(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for range 5000 {
		total := rng.Int64N(2_000_000) - 1_000_000
		weights := randWeights(rng)
		places := int32(rng.IntN(4))
		units, errUnits := DistributeUnits(total, weights, nil)
		dw := make([]decimal.Decimal, len(weights))
		bw := make([]*big.Int, len(weights))
		for i, w := range weights {
			// Same proportions written with another exponent (and a
			// coefficient that may exceed int64).
			dw[i] = decimal.NewFromBigInt(new(big.Int).Mul(big.NewInt(w), big.NewInt(10)), -3)
			bw[i] = big.NewInt(w)
		}
		got, err := Distribute(FromUnits(total, places), dw, places)
		ref, errBig := distributeBig(big.NewInt(total), bw)
		if errUnits != nil && !errors.Is(errUnits, ErrOverflow) {
			require.ErrorIs(t, err, errUnits)
			require.ErrorIs(t, errBig, errUnits)
			continue
		}
		// Distribute falls back to big integers where DistributeUnits overflows.
		require.NoError(t, err)
		require.NoError(t, errBig)
		require.Len(t, got, len(weights))
		for i := range ref {
			require.Equal(t, decimal.NewFromBigInt(ref[i], -places).StringFixed(places), got[i].StringFixed(places))
			if errUnits == nil {
				require.Equal(t, ref[i].Int64(), units[i])
			}
		}
	}
}

func FuzzDistributeUnits(f *testing.F) {
	le := func(ws ...int64) []byte {
		var b []byte
		for _, w := range ws {
			b = binary.LittleEndian.AppendUint64(b, uint64(w))
		}
		return b
	}
	f.Add(int64(1000), []byte{1, 1, 1}, false)
	f.Add(int64(-1000), []byte{1, 1, 1}, false)
	f.Add(int64(5), []byte{1, 1, 1, 1, 1, 1, 1}, false)
	f.Add(int64(101), []byte{0, 5, 0, 5}, false)
	f.Add(int64(600), le(100, -40), true)
	f.Add(int64(1371), le(9998, 3705, 1250, -2500), true)
	f.Add(int64(0), []byte{}, false)
	f.Add(int64(7), []byte{}, false)
	f.Add(int64(7), []byte{1, 0xff}, false)
	f.Add(int64(math.MinInt64), le(1, 1), true)
	f.Add(int64(math.MaxInt64), le(1, -1, 1), true)
	f.Add(int64(2), le(math.MaxInt64, -(math.MaxInt64-1)), true)
	f.Add(int64(99), make([]byte, 100), false)
	f.Fuzz(func(t *testing.T, total int64, raw []byte, wide bool) {
		var weights []int64
		if wide {
			for len(raw) >= 8 && len(weights) < 300 {
				weights = append(weights, int64(binary.LittleEndian.Uint64(raw)))
				raw = raw[8:]
			}
		} else {
			for _, b := range raw[:min(len(raw), 300)] {
				weights = append(weights, int64(int8(b)))
			}
		}
		checkDistribution(t, total, weights)
	})
}
