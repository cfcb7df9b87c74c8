package rounding

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPolicyConstants(t *testing.T) {
	assert.Equal(t, Policy(0), HalfAwayFromZero, "the zero value is the default")
	assert.Equal(t, Policy(1), HalfEven)
	assert.Equal(t, Policy(2), Up)
	assert.Equal(t, Policy(3), Down)
	var zero Policy
	assert.Equal(t, HalfAwayFromZero, zero)
}

func TestPolicyStringAndValid(t *testing.T) {
	tests := []struct {
		name  string
		p     Policy
		want  string
		valid bool
	}{
		{"half away from zero", HalfAwayFromZero, "half_away_from_zero", true},
		{"half even", HalfEven, "half_even", true},
		{"up", Up, "up", true},
		{"down", Down, "down", true},
		{"one past the last is invalid", Policy(4), "Policy(4)", false},
		{"negative is invalid", Policy(-1), "Policy(-1)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.p.String())
			assert.Equal(t, tt.valid, tt.p.Valid())
		})
	}
}

func TestPolicyMarshalText(t *testing.T) {
	for _, p := range []Policy{HalfAwayFromZero, HalfEven, Up, Down} {
		t.Run(p.String()+" round-trips", func(t *testing.T) {
			text, err := p.MarshalText()
			require.NoError(t, err)
			assert.Equal(t, p.String(), string(text))
			got := Policy(99)
			require.NoError(t, got.UnmarshalText(text))
			assert.Equal(t, p, got)
		})
	}
	t.Run("invalid policy is an error", func(t *testing.T) {
		_, err := Policy(7).MarshalText()
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrUnknownPolicy)
		assert.Contains(t, err.Error(), "Policy(7)")
	})
}

func TestPolicyUnmarshalText(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Policy
	}{
		{"empty text is the default", "", HalfAwayFromZero},
		{"blank text is the default", "  ", HalfAwayFromZero},
		{"half_away_from_zero", "half_away_from_zero", HalfAwayFromZero},
		{"half_even", "half_even", HalfEven},
		{"up", "up", Up},
		{"down", "down", Down},
		{"upper case is accepted", "HALF_EVEN", HalfEven},
		{"surrounding spaces are ignored", " down\n", Down},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Policy(99)
			require.NoError(t, got.UnmarshalText([]byte(tt.text)))
			assert.Equal(t, tt.want, got)
		})
	}
	for _, text := range []string{"bankers", "half-even", "ceil", "0"} {
		t.Run("unknown name "+text+" is an error naming the accepted values", func(t *testing.T) {
			got := Down
			err := got.UnmarshalText([]byte(text))
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrUnknownPolicy)
			assert.Contains(t, err.Error(), "half_away_from_zero, half_even, up, down")
			assert.Contains(t, err.Error(), text)
			assert.Equal(t, Down, got, "unchanged on error")
		})
	}
}

func TestPolicyJSON(t *testing.T) {
	type config struct {
		Rounding Policy `json:"rounding"`
	}
	t.Run("encodes as its name", func(t *testing.T) {
		b, err := json.Marshal(config{Rounding: HalfEven})
		require.NoError(t, err)
		assert.Equal(t, `{"rounding":"half_even"}`, string(b))
	})
	t.Run("decodes from its name", func(t *testing.T) {
		var c config
		require.NoError(t, json.Unmarshal([]byte(`{"rounding":"up"}`), &c))
		assert.Equal(t, Up, c.Rounding)
	})
	t.Run("empty string decodes to the default", func(t *testing.T) {
		c := config{Rounding: Down}
		require.NoError(t, json.Unmarshal([]byte(`{"rounding":""}`), &c))
		assert.Equal(t, HalfAwayFromZero, c.Rounding)
	})
}

func TestInvalidPolicyPanics(t *testing.T) {
	bad := Policy(9)
	assert.PanicsWithValue(t, "rounding: invalid Policy(9)", func() { Round(dec("1.5"), 0, bad) })
	assert.PanicsWithValue(t, "rounding: invalid Policy(9)", func() { _, _ = Divide(dec("1"), dec("3"), 2, bad) })
	assert.PanicsWithValue(t, "rounding: invalid Policy(9)", func() { _, _ = Cash(dec("1"), dec("0.05"), bad) })
	assert.PanicsWithValue(t, "rounding: invalid Policy(9)", func() { _, _ = MulDiv(1, 1, 2, bad) })
}
