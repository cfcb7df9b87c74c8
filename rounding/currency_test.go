package rounding

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMinorUnits(t *testing.T) {
	tests := []struct {
		name   string
		code   string
		want   int32
		wantOK bool
	}{
		{"EUR has 2", "EUR", 2, true},
		{"JPY has 0", "JPY", 0, true},
		{"KWD has 3", "KWD", 3, true},
		{"BHD has 3", "BHD", 3, true},
		{"CHF has 2", "CHF", 2, true},
		{"CLF has 4", "CLF", 4, true},
		{"UYW has 4", "UYW", 4, true},
		{"lower case is accepted", "eur", 2, true},
		{"mixed case is accepted", "jPy", 0, true},
		{"surrounding space is ignored", " kwd\t", 3, true},
		{"unknown XYZ", "XYZ", 0, false},
		{"gold has no minor unit", "XAU", 0, false},
		{"SDR has no minor unit", "XDR", 0, false},
		{"withdrawn HRK is unknown", "HRK", 0, false},
		{"empty code", "", 0, false},
		{"too long", "EURO", 0, false},
		{"long lower-case text", "not a currency code at all", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := MinorUnits(tt.code)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestMinorUnitsTable(t *testing.T) {
	zero := strings.Fields("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF")
	three := strings.Fields("BHD IQD JOD KWD LYD OMR TND")
	four := strings.Fields("CLF UYW")
	// Every EU/EEA currency, the other majors, and the fund codes with 2 decimals.
	two := strings.Fields(`EUR BGN CZK DKK HUF PLN RON SEK NOK CHF GBP USD CAD AUD NZD
		CNY HKD SGD INR BRL MXN ZAR TRY RUB UAH ILS AED SAR MAD XCD XCG SLE VES VED ZWG
		BOV CHE CHW COU MXV USN STN MRU IDR TWD`)
	cases := map[string]int32{}
	for _, c := range zero {
		cases[c] = 0
	}
	for _, c := range three {
		cases[c] = 3
	}
	for _, c := range four {
		cases[c] = 4
	}
	for _, c := range two {
		cases[c] = 2
	}
	for code, want := range cases {
		t.Run(code, func(t *testing.T) {
			got, ok := MinorUnits(code)
			require.True(t, ok, "%s must be known", code)
			assert.Equal(t, want, got)
		})
	}
	t.Run("exactly the listed codes have 0, 3 or 4 decimals, all others 2", func(t *testing.T) {
		special := map[string]int32{}
		for code, units := range iso4217 {
			assert.Len(t, code, 3)
			assert.Equal(t, strings.ToUpper(code), code)
			if units != 2 {
				special[code] = units
			}
		}
		want := map[string]int32{}
		for code, units := range cases {
			if units != 2 {
				want[code] = units
			}
		}
		assert.Equal(t, want, special)
		assert.Len(t, iso4217, 169, "number of codes in the table")
	})
}

func TestUnitsMinorUnits(t *testing.T) {
	tests := []struct {
		name   string
		units  Units
		code   string
		want   int32
		wantOK bool
	}{
		{"override wins", Units{"EUR": 4}, "EUR", 4, true},
		{"override matched case-insensitively", Units{"EUR": 4}, "eur ", 4, true},
		{"other codes fall back to ISO", Units{"EUR": 4}, "JPY", 0, true},
		{"override can add a code", Units{"XBT": 8}, "xbt", 8, true},
		{"override can add a long code", Units{"USDC": 6}, "USDC", 6, true},
		{"nil Units uses ISO", nil, "KWD", 3, true},
		{"nil Units unknown code", nil, "XYZ", 0, false},
		{"empty Units unknown code", Units{}, "XYZ", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.units.MinorUnits(tt.code)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestMinorUnitsDoesNotAllocate(t *testing.T) {
	u := Units{"EUR": 4}
	for _, code := range []string{"EUR", "eur", " Kwd ", "XYZ", "abcdefghijklmnop"} {
		t.Run(code, func(t *testing.T) {
			assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = MinorUnits(code) }))
			assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = u.MinorUnits(code) }))
		})
	}
}
