package rounding

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/currency"
)

// TestMinorUnitsAgainstXText compares the ISO 4217 table with the standard
// rounding of golang.org/x/text/currency (currency.Standard.Rounding), for
// every code the table has. x/text takes its figures from CLDR's currency
// "digits" (CLDR 32), which are display conventions rather than ISO 4217's
// minor units, and its data predates several codes; the differences below are
// why the table is kept. The test fails when either side changes, so that the
// choice is made again with the new figures.
func TestMinorUnitsAgainstXText(t *testing.T) {
	// ISO 4217 minor unit → CLDR digits, where they differ.
	wantDiffer := map[string][2]int{
		"AFN": {2, 0}, "ALL": {2, 0}, "AMD": {2, 0}, "COP": {2, 0}, "GYD": {2, 0},
		"IDR": {2, 0}, "IQD": {3, 0}, "IRR": {2, 0}, "KPW": {2, 0}, "LAK": {2, 0},
		"LBP": {2, 0}, "MGA": {2, 0}, "MMK": {2, 0}, "MNT": {2, 0}, "MUR": {2, 0},
		"PKR": {2, 0}, "RSD": {2, 0}, "SLL": {2, 0}, "SOS": {2, 0}, "SYP": {2, 0},
		"TZS": {2, 0}, "UZS": {2, 0}, "YER": {2, 0},
	}
	// Codes x/text does not know: introduced (MRU 2018, VES 2018, UYW 2018,
	// VED 2021, SLE 2022, ZWG 2024, XCG 2025) after its CLDR 32 data.
	wantUnknown := []string{"MRU", "SLE", "UYW", "VED", "VES", "XCG", "ZWG"}

	differ := map[string][2]int{}
	var unknown []string
	same := 0
	for code, ours := range iso4217 {
		u, err := currency.ParseISO(code)
		if err != nil {
			unknown = append(unknown, code)
			continue
		}
		scale, increment := currency.Standard.Rounding(u)
		assert.Equal(t, 1, increment, "%s: standard rounding increment", code)
		if int32(scale) != ours {
			differ[code] = [2]int{int(ours), scale}
			continue
		}
		same++
	}
	sort.Strings(unknown)
	assert.Equal(t, wantDiffer, differ)
	assert.Equal(t, wantUnknown, unknown)
	assert.Equal(t, len(iso4217)-len(wantDiffer)-len(wantUnknown), same)
	assert.Equal(t, 139, same)
	assert.Len(t, iso4217, 169)
}
