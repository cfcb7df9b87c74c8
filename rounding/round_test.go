package rounding

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dec parses a decimal literal, failing loudly on a typo.
func dec(s string) decimal.Decimal {
	return decimal.RequireFromString(s)
}

var allPolicies = []Policy{HalfAwayFromZero, HalfEven, Up, Down}

func TestRound(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		places int32
		p      Policy
		want   string
	}{
		{"half away: tie goes up", "2.345", 2, HalfAwayFromZero, "2.35"},
		{"half away: negative tie goes down", "-2.345", 2, HalfAwayFromZero, "-2.35"},
		{"half away: below half goes toward zero", "2.3449", 2, HalfAwayFromZero, "2.34"},
		{"half away: VAT 6.018", "6.018", 2, HalfAwayFromZero, "6.02"},
		{"half even: tie to even below", "2.345", 2, HalfEven, "2.34"},
		{"half even: tie to even above", "2.355", 2, HalfEven, "2.36"},
		{"half even: negative tie to even", "-2.345", 2, HalfEven, "-2.34"},
		{"half even: above half is not a tie", "2.3451", 2, HalfEven, "2.35"},
		{"half even: just above a tie far out is not a tie", "2.34500000000000000000000001", 2, HalfEven, "2.35"},
		{"up: anything dropped goes away from zero", "2.341", 2, Up, "2.35"},
		{"up: negative goes away from zero", "-2.341", 2, Up, "-2.35"},
		{"up: exact value is unchanged", "2.340", 2, Up, "2.34"},
		{"down: truncates", "2.349", 2, Down, "2.34"},
		{"down: negative truncates toward zero", "-2.349", 2, Down, "-2.34"},
		{"integer gets trailing zeros", "10", 2, HalfAwayFromZero, "10.00"},
		{"fewer decimals get trailing zeros", "24.9", 2, Up, "24.90"},
		{"zero", "0", 2, Up, "0.00"},
		{"tiny positive rounds up to one cent", "0.0000001", 2, Up, "0.01"},
		{"tiny positive half away is zero", "0.0000001", 2, HalfAwayFromZero, "0.00"},
		{"zero places", "2.5", 0, HalfAwayFromZero, "3"},
		{"zero places half even", "2.5", 0, HalfEven, "2"},
		{"three places (KWD)", "1.23456", 3, HalfAwayFromZero, "1.235"},
		{"many dropped digits", "0.4999999999999999999999", 0, HalfAwayFromZero, "0"},
		{"big coefficient", "123456789012345678901234.565", 2, HalfEven, "123456789012345678901234.56"},
		{"big coefficient half away", "-123456789012345678901234.565", 2, HalfAwayFromZero, "-123456789012345678901234.57"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Round(dec(tt.in), tt.places, tt.p)
			assert.Equal(t, tt.want, got.StringFixed(tt.places))
			assert.Equal(t, -tt.places, got.Exponent(), "exponent is exactly -places")
			assert.True(t, dec(tt.want).Equal(got), "value %s", got)
		})
	}
}

func TestRoundNegativePlaces(t *testing.T) {
	tests := []struct {
		name string
		in   string
		p    Policy
		want string
	}{
		{"hundreds half away", "1250", HalfAwayFromZero, "1300"},
		{"hundreds half even", "1250", HalfEven, "1200"},
		{"hundreds down", "1299.99", Down, "1200"},
		{"hundreds up negative", "-1201", Up, "-1300"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Round(dec(tt.in), -2, tt.p)
			assert.Equal(t, int32(2), got.Exponent())
			assert.Equal(t, tt.want, got.StringFixed(0))
		})
	}
}

// refRound rounds the rational r to an integer under p, independently of
// the package's code paths.
func refRound(r *big.Rat, p Policy) *big.Int {
	a := new(big.Rat).Abs(r)
	floor := new(big.Int).Quo(a.Num(), a.Denom())
	frac := new(big.Rat).Sub(a, new(big.Rat).SetInt(floor))
	half := frac.Cmp(big.NewRat(1, 2))
	up := false
	if frac.Sign() != 0 {
		switch p {
		case HalfAwayFromZero:
			up = half >= 0
		case HalfEven:
			up = half > 0 || (half == 0 && floor.Bit(0) == 1)
		case Up:
			up = true
		}
	}
	if up {
		floor.Add(floor, big.NewInt(1))
	}
	if r.Sign() < 0 {
		floor.Neg(floor)
	}
	return floor
}

// randDecimal returns a random decimal with a coefficient of up to 25
// digits (so both int64 and big.Int paths) and an exponent in [-12, 3].
func randDecimal(rng *rand.Rand) decimal.Decimal {
	digits := 1 + rng.IntN(25)
	if rng.IntN(2) == 0 {
		digits = 1 + rng.IntN(6) // short amounts are the common case
	}
	b := make([]byte, 0, digits+1)
	if rng.IntN(2) == 0 {
		b = append(b, '-')
	}
	for range digits {
		b = append(b, byte('0'+rng.IntN(10)))
	}
	c, ok := new(big.Int).SetString(string(b), 10)
	if !ok {
		panic(string(b))
	}
	// Make ties frequent: end the coefficient with a 5 now and then.
	if rng.IntN(3) == 0 {
		c.Mul(c, big.NewInt(10))
		c.Add(c, big.NewInt(int64(5*c.Sign())))
	}
	return decimal.NewFromBigInt(c, int32(rng.IntN(16)-12))
}

func TestRoundMatchesRationalReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		d := randDecimal(rng)
		places := int32(rng.IntN(12) - 2)
		p := allPolicies[i%len(allPolicies)]
		scaled := new(big.Rat).Mul(d.Rat(), new(big.Rat).SetFrac(pow10Big(int64(places)+2), big.NewInt(100)))
		want := refRound(scaled, p)
		got := Round(d, places, p)
		require.Equal(t, -places, got.Exponent(), "Round(%s, %d, %s)", d, places, p)
		require.Equal(t, want.String(), got.Coefficient().String(), "Round(%s, %d, %s)", d, places, p)
	}
}

func TestDivide(t *testing.T) {
	tests := []struct {
		name   string
		a, b   string
		places int32
		p      Policy
		want   string
	}{
		{"thirds half away", "10", "3", 2, HalfAwayFromZero, "3.33"},
		{"two thirds half away", "20", "3", 2, HalfAwayFromZero, "6.67"},
		{"negative thirds up", "-10", "3", 2, Up, "-3.34"},
		{"negative divisor", "10", "-3", 2, HalfAwayFromZero, "-3.33"},
		{"both negative", "-20", "-3", 2, Down, "6.66"},
		{"exact tie half away", "1", "8", 2, HalfAwayFromZero, "0.13"},
		{"exact tie half even down", "1", "8", 2, HalfEven, "0.12"},
		{"exact tie half even up", "3", "8", 2, HalfEven, "0.38"},
		{"net from gross at 20 %", "120.01", "1.2", 2, HalfAwayFromZero, "100.01"},
		{"exact division keeps places", "10", "4", 2, Up, "2.50"},
		{"tie beyond 16 digits is exact (half even)", "1.00000000000000000005", "2", 20, HalfEven, "0.50000000000000000002"},
		{"tie beyond 16 digits is exact (half away)", "1.00000000000000000005", "2", 20, HalfAwayFromZero, "0.50000000000000000003"},
		{"just below a tie far out is not a tie", "0.0249999999999999999999999", "1", 2, HalfAwayFromZero, "0.02"},
		{"zero dividend", "0", "7", 2, Up, "0.00"},
		{"zero places", "7", "2", 0, HalfEven, "4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Divide(dec(tt.a), dec(tt.b), tt.places, tt.p)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.StringFixed(tt.places))
			assert.Equal(t, -tt.places, got.Exponent())
		})
	}
	t.Run("division by zero is an error", func(t *testing.T) {
		_, err := Divide(dec("1"), dec("0.00"), 2, HalfAwayFromZero)
		assert.ErrorIs(t, err, ErrDivisionByZero)
	})
	t.Run("division by the zero value is an error", func(t *testing.T) {
		_, err := Divide(dec("1"), decimal.Decimal{}, 2, HalfAwayFromZero)
		assert.ErrorIs(t, err, ErrDivisionByZero)
	})
}

func TestDivideMatchesRationalReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 20000 {
		a, b := randDecimal(rng), randDecimal(rng)
		if b.Sign() == 0 {
			continue
		}
		places := int32(rng.IntN(10))
		p := allPolicies[i%len(allPolicies)]
		q := new(big.Rat).Quo(a.Rat(), b.Rat())
		q.Mul(q, new(big.Rat).SetInt(pow10Big(int64(places))))
		got, err := Divide(a, b, places, p)
		require.NoError(t, err)
		require.Equal(t, refRound(q, p).String(), got.Coefficient().String(), "Divide(%s, %s, %d, %s)", a, b, places, p)
		require.Equal(t, -places, got.Exponent())
	}
}

func TestCash(t *testing.T) {
	tests := []struct {
		name string
		in   string
		inc  string
		p    Policy
		want string
	}{
		{"CHF 0.05: 24.97 down to 24.95", "24.97", "0.05", HalfAwayFromZero, "24.95"},
		{"CHF 0.05: tie 24.975 away to 25.00", "24.975", "0.05", HalfAwayFromZero, "25.00"},
		{"CHF 0.05: 24.98 up to 25.00", "24.98", "0.05", HalfAwayFromZero, "25.00"},
		{"CHF 0.05: exact multiple unchanged", "24.95", "0.05", HalfAwayFromZero, "24.95"},
		{"CHF 0.05: tie 24.925 half even to 24.90", "24.925", "0.05", HalfEven, "24.90"},
		{"CHF 0.05: tie 24.975 half even to 25.00", "24.975", "0.05", HalfEven, "25.00"},
		{"CHF 0.05: up", "24.91", "0.05", Up, "24.95"},
		{"CHF 0.05: down", "24.99", "0.05", Down, "24.95"},
		{"CHF 0.05: negative tie away from zero", "-24.975", "0.05", HalfAwayFromZero, "-25.00"},
		{"CHF 0.05: negative 24.97", "-24.97", "0.05", HalfAwayFromZero, "-24.95"},
		{"0.10 increment", "3.45", "0.10", HalfAwayFromZero, "3.50"},
		{"0.25 increment", "3.37", "0.25", HalfAwayFromZero, "3.25"},
		{"whole unit increment", "3.50", "1", HalfEven, "4.00"},
		{"zero", "0", "0.05", Up, "0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Cash(dec(tt.in), dec(tt.inc), tt.p)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.StringFixed(2))
			assert.True(t, dec(tt.want).Equal(got), "value %s", got)
		})
	}
	t.Run("result takes the increment's exponent", func(t *testing.T) {
		got, err := Cash(dec("24.97"), dec("0.05"), HalfAwayFromZero)
		require.NoError(t, err)
		assert.Equal(t, int32(-2), got.Exponent())
		assert.Equal(t, "24.95", got.String())
	})
	t.Run("increment with positive exponent gives exponent 0", func(t *testing.T) {
		got, err := Cash(dec("1234"), decimal.New(1, 2), HalfAwayFromZero)
		require.NoError(t, err)
		assert.Equal(t, int32(0), got.Exponent())
		assert.Equal(t, "1200", got.String())
	})
	for _, inc := range []string{"0", "-0.05"} {
		t.Run("increment "+inc+" is an error", func(t *testing.T) {
			_, err := Cash(dec("1"), dec(inc), HalfAwayFromZero)
			assert.ErrorIs(t, err, ErrBadIncrement)
		})
	}
}

func TestCashMatchesRationalReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	incs := []string{"0.05", "0.10", "0.25", "0.5", "1", "5", "0.01", "0.005", "0.20"}
	for i := range 5000 {
		d := randDecimal(rng)
		inc := dec(incs[rng.IntN(len(incs))])
		p := allPolicies[i%len(allPolicies)]
		want := new(big.Rat).Mul(new(big.Rat).SetInt(refRound(new(big.Rat).Quo(d.Rat(), inc.Rat()), p)), inc.Rat())
		got, err := Cash(d, inc, p)
		require.NoError(t, err)
		require.Zero(t, want.Cmp(got.Rat()), "Cash(%s, %s, %s) = %s, want %s", d, inc, p, got, want.FloatString(4))
	}
}

func TestRoundIsSymmetric(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range 2000 {
		d := randDecimal(rng)
		places := int32(rng.IntN(6))
		p := allPolicies[i%len(allPolicies)]
		assert.True(t, Round(d.Neg(), places, p).Equal(Round(d, places, p).Neg()),
			"Round(-%s) != -Round(%s), places %d, %s", d, d, places, p)
	}
}
