package matching

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Sources of the test numbers, as in vat_test.go: "stdnum" is
// python-stdnum's tests/test_fr_siret.doctest or tests/test_fr_siren.doctest,
// "computed" shows the working, "changed" is a valid number with a digit
// changed.

// normalizeCase is a number as written, and what a normalizer gives: the
// number, or the reason it is refused.
type normalizeCase struct {
	name, raw, want, wantErr string
}

// checkNormalize runs normalize on each case's number.
func checkNormalize(t *testing.T, normalize func(string) (string, error), tests []normalizeCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normalize(tt.raw)
			regAssert(t, tt.raw, tt.wantErr, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNormalizeSIRET(t *testing.T) {
	checkNormalize(t, NormalizeSIRET, []normalizeCase{
		// computed: Luhn over 73282932000074 sums to 50 (see TestSIRETLuhnWorking): valid.
		{"spaced", "732 829 320 00074", "73282932000074", ""},
		{"dots and dashes", "732.829.320-00074", "73282932000074", ""},
		// stdnum: "30206838200050", "775.563.232.00104".
		{"published", "30206838200050", "30206838200050", ""},
		{"published with dots", "775.563.232.00104", "77556323200104", ""},
		// stdnum: La Poste "35600000049837" (digit sum 3+5+6+4+9+8+3+7 = 45),
		// "356 000 000 09075" (digit sum 35), head office "35600000000048" (Luhn).
		{"La Poste", "35600000049837", "35600000049837", ""},
		{"La Poste spaced", "356 000 000 09075", "35600000009075", ""},
		{"La Poste head office", "35600000000048", "35600000000048", ""},
		// stdnum: "35600000049838" (digit sum 46) is invalid.
		{"La Poste bad digit sum", "35600000049838", "", "the digits of a La Poste SIRET do not add up to a multiple of 5"},
		// changed: last digit of 73282932000074.
		{"bad Luhn", "73282932000075", "", "the SIRET check digit does not match (Luhn)"},
		{"13 digits", "7328293200007", "", "a SIRET has 14 digits"},
		{"15 digits", "732829320000740", "", "a SIRET has 14 digits"},
		{"letter", "7328293200007A", "", "a SIRET has 14 digits"},
		{"slash is not a SIRET separator", "732829320/00074", "", "a SIRET has 14 digits"},
		{"empty", "", "", "a SIRET has 14 digits"},
	})
}

// TestSIRETLuhnWorking shows the Luhn sum of 73282932000074 by hand. Read
// right to left, the digits are 4 7 0 0 0 0 2 3 9 2 8 2 3 7: those in odd
// places are added as they are, those in even places doubled (less 9 when
// over 9).
func TestSIRETLuhnWorking(t *testing.T) {
	plain := 4 + 0 + 0 + 2 + 9 + 8 + 3   // places 1, 3, ..., 13
	doubled := 5 + 0 + 0 + 6 + 4 + 4 + 5 // 7→14→5, 0, 0, 3→6, 2→4, 2→4, 7→14→5
	assert.Equal(t, 50, plain+doubled)   // a multiple of 10: valid
	assert.True(t, luhn("73282932000074"))
}

func TestNormalizeSIREN(t *testing.T) {
	checkNormalize(t, NormalizeSIREN, []normalizeCase{
		// computed: the SIREN of SIRET 73282932000074 passes Luhn.
		{"spaced", "732 829 320", "732829320", ""},
		// stdnum: "217601 145", "3 1 0 1 8 8 4 2 0", "775 699 309".
		{"published", "217601 145", "217601145", ""},
		{"published spaced digits", "3 1 0 1 8 8 4 2 0", "310188420", ""},
		{"published dots", "775.699.309", "775699309", ""},
		// computed: La Poste's SIREN 356000000 passes Luhn.
		{"La Poste", "356000000", "356000000", ""},
		// changed: last digit of 732829320.
		{"bad Luhn", "732829321", "", "the SIREN check digit does not match (Luhn)"},
		{"8 digits", "73282932", "", "a SIREN has 9 digits"},
		{"letter", "73282932O", "", "a SIREN has 9 digits"},
	})
}

// regSIRETPublished are the valid SIRETs of python-stdnum's
// tests/test_fr_siret.doctest ("found online").
const regSIRETPublished = `
0 5 7 8 1 3 1 3 1 0 0 0 2 6
1 800 700 39 00 110
2 00 03 00 13 000 11
2 101 005 33 000 12
2 777 000 43 000 15
3 1 0 1 8 8 4 2 0 00 0 8 0
3 12 494 529 000 34
3 24 34 54 20 000 40
30206838200050
314 901 323 00043
31719324100013
32228438100017
32650798500058
32738082000032
329.338.88300153
32929695800039
33770320100034
34530016400018
380 321 430 00023
38446899700034
38536958200023
389 011 529 00036
38981890700203
39039475700020
39102766100050
4 0 0 9 0 8 5 0 5 0 0 0 11
4 0 3 3 1 4 6 6 9 0 0 0 4 1
4 0 9 0 8 5 2 1 4 0 0 0 2 4
4 2 0 3 0 9 6 2 7 0 0 0 3 2
4 4 3 4 8 9 2 7 3 0 0 0 1 3
4 4 3 5 4 9 8 7 8 0 0 0 4 1
4 8 2 7 8 1 9 11 0 0 0 11
40300300700032
44126652500019
44142526100019
44796433900017
479 461 675 00049
5 12 326 653 000 15
5 17 758 173 000 10
50397442000021
513 133 637 000 35
52524288900042
542 097 324 0006 6
652 059 213 00023
7 7821 0526 00019
775.563.232.00104
778 239 798 000 11
79068156300017
8 1 0 2 4 7 3 8 7 0 0 0 1 4
8 1002665800015
8 21 114 55000014
`

// TestNormalizeSIRETPublished checks the published SIRETs, and that the
// SIREN of each (its first 9 digits) passes Luhn too.
func TestNormalizeSIRETPublished(t *testing.T) {
	for _, raw := range strings.Split(strings.TrimSpace(regSIRETPublished), "\n") {
		s, err := NormalizeSIRET(raw)
		if assert.NoError(t, err, raw) {
			_, err = NormalizeSIREN(s[:9])
			assert.NoError(t, err, raw)
		}
	}
}

func TestNormalizeRegistration(t *testing.T) {
	tests := []struct {
		name, raw, scheme, country string
		want                       Registration
		str, siren, wantErr        string
	}{
		// computed: 73282932000074 passes Luhn (see TestNormalizeSIRET).
		{"SIRET by ICD", "732 829 320 00074", "0009", "FR", Registration{"0009", "73282932000074"}, "SIRET 73282932000074", "732829320", ""},
		{"SIRET by name", "73282932000074", " siret ", "", Registration{"0009", "73282932000074"}, "SIRET 73282932000074", "732829320", ""},
		{"SIREN by name", "732 829 320", "SIREN", "", Registration{"0002", "732829320"}, "SIREN 732829320", "732829320", ""},
		{"SIREN by ICD", "732829320", "0002", "DE", Registration{"0002", "732829320"}, "SIREN 732829320", "732829320", ""},
		{"0002 with 14 digits is a SIRET", "73282932000074", "0002", "FR", Registration{"0009", "73282932000074"}, "SIRET 73282932000074", "732829320", ""},
		{"SIREN with 14 digits is a SIRET", "73282932000074", "siren", "FR", Registration{"0009", "73282932000074"}, "SIRET 73282932000074", "732829320", ""},
		{"no scheme, FR, 14 digits", "732.829.320.00074", "", "FR", Registration{"0009", "73282932000074"}, "SIRET 73282932000074", "732829320", ""},
		{"no scheme, no country, 9 digits", "732829320", "", "", Registration{"0002", "732829320"}, "SIREN 732829320", "732829320", ""},
		{"no scheme, fr lower case", "732829320", "", "fr", Registration{"0002", "732829320"}, "SIREN 732829320", "732829320", ""},
		// stdnum: La Poste "35600000049837".
		{"La Poste SIRET", "356 000 000 49837", "", "FR", Registration{"0009", "35600000049837"}, "SIRET 35600000049837", "356000000", ""},
		{"slashes removed", "732/829/320/00074", "SIRET", "", Registration{"0009", "73282932000074"}, "SIRET 73282932000074", "732829320", ""},

		// Other countries and schemes: opaque, not checked.
		{"no scheme, DE, 9 digits", "732829321", "", "DE", Registration{"", "732829321"}, "732829321", "", ""},
		{"no scheme, FR, 10 digits", "7328293201", "", "FR", Registration{"", "7328293201"}, "7328293201", "", ""},
		{"no scheme, FR, letters", "rcs paris b 732 829 320", "", "FR", Registration{"", "RCSPARISB732829320"}, "RCSPARISB732829320", "", ""},
		{"KvK by ICD", "1234 5678", "0106", "NL", Registration{"0106", "12345678"}, "0106 12345678", "", ""},
		{"named scheme", "hrb-123/45 ", "  handelsregister ", "DE", Registration{"HANDELSREGISTER", "HRB12345"}, "HANDELSREGISTER HRB12345", "", ""},

		// Empty after normalisation.
		{"empty", "", "0009", "FR", Registration{}, "", "", ""},
		{"only separators", " ./- ", "0106", "", Registration{}, "", "", ""},

		// Invalid French ids. changed: last digit of 73282932000074 / 732829320.
		{"SIRET bad Luhn", "732 829 320 00075", "", "FR", Registration{}, "", "", "the SIRET check digit does not match (Luhn)"},
		{"SIREN bad Luhn", "732829321", "", "", Registration{}, "", "", "the SIREN check digit does not match (Luhn)"},
		{"SIRET wrong length", "7328293200007", "0009", "FR", Registration{}, "", "", "a SIRET has 14 digits"},
		{"SIRET letters", "7328293200007A", "SIRET", "FR", Registration{}, "", "", "a SIRET has 14 digits"},
		{"SIREN wrong length", "73282932", "SIREN", "FR", Registration{}, "", "", "a SIREN has 9 digits"},
		{"La Poste bad digit sum", "35600000049838", "0009", "FR", Registration{}, "", "", "the digits of a La Poste SIRET do not add up to a multiple of 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeRegistration(tt.raw, tt.scheme, tt.country)
			regAssert(t, tt.raw, tt.wantErr, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.str, got.String())
			assert.Equal(t, tt.siren, got.SIREN())
			assert.Equal(t, tt.want == Registration{}, got.IsZero())
		})
	}
}

func TestRegistrationSIRENNeedsFrenchScheme(t *testing.T) {
	assert.Equal(t, "", Registration{Scheme: "0106", ID: "732829320"}.SIREN())
	assert.Equal(t, "", Registration{ID: "73282932000074"}.SIREN())
	assert.Equal(t, "", Registration{Scheme: "0009", ID: "732829320"}.SIREN())
	assert.Equal(t, "", Registration{}.String())
}

// regAssert checks err against wantErr ("" for none): an *InvalidError for
// registration_id carrying raw.
func regAssert(t *testing.T, raw, wantErr string, err error) {
	t.Helper()
	if wantErr == "" {
		require.NoError(t, err)
		return
	}
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrInvalid))
	var ie *InvalidError
	require.True(t, errors.As(err, &ie))
	assert.Equal(t, InvalidError{Field: "registration_id", Value: raw, Reason: wantErr}, *ie)
}
