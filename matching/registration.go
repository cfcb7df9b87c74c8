package matching

import (
	"strings"
	"unicode"
)

// Registration is a normalised company registration id with its scheme.
type Registration struct {
	Scheme string // canonical scheme: "0009" for a French SIRET, "0002" for a French SIREN (ISO 6523 ICD codes), otherwise the given scheme trimmed and upper-cased ("" when none)
	ID     string // upper case, no spaces, dots, dashes or slashes
}

// ISO 6523 ICD codes of the French schemes.
const (
	regSchemeSIRET = "0009"
	regSchemeSIREN = "0002"
	regField       = "registration_id"
	// siretLaPoste is the SIREN of La Poste, whose establishments' SIRETs
	// have a digit sum that is a multiple of 5 instead of a Luhn check.
	siretLaPoste = "356000000"
	// siretLaPosteHQ is La Poste's head office, which passes Luhn.
	siretLaPosteHQ = "35600000000048"
)

// IsZero reports whether r is the zero Registration (no id given).
func (r Registration) IsZero() bool { return r == Registration{} }

// String returns the id with its scheme: "SIRET 73282932000074",
// "SIREN 732829320", "0106 12345678", or just the id when there is no scheme.
func (r Registration) String() string {
	switch r.Scheme {
	case "":
		return r.ID
	case regSchemeSIRET:
		return "SIRET " + r.ID
	case regSchemeSIREN:
		return "SIREN " + r.ID
	}
	return r.Scheme + " " + r.ID
}

// SIREN returns the 9-digit SIREN of a French SIRET or SIREN, else "".
func (r Registration) SIREN() string {
	switch {
	case r.Scheme == regSchemeSIRET && len(r.ID) == 14:
		return r.ID[:9]
	case r.Scheme == regSchemeSIREN && len(r.ID) == 9:
		return r.ID
	}
	return ""
}

// NormalizeSIRET returns the 14 digits of a French SIRET (establishment
// number) after removing spaces, dots and dashes, and checks them with Luhn;
// La Poste's establishments (SIREN 356000000, head office excepted) are
// checked by their digit sum being a multiple of 5 instead. A bad length, a
// non-digit or a failed check is an *InvalidError (Field "registration_id").
func NormalizeSIRET(raw string) (string, error) {
	s := regCompact(raw, false)
	if len(s) != 14 || !vatAllDigits(s) {
		return "", regInvalid(raw, "a SIRET has 14 digits")
	}
	if strings.HasPrefix(s, siretLaPoste) && s != siretLaPosteHQ {
		if siretDigitSum(s)%5 != 0 {
			return "", regInvalid(raw, "the digits of a La Poste SIRET do not add up to a multiple of 5")
		}
		return s, nil
	}
	if !luhn(s) {
		return "", regInvalid(raw, "the SIRET check digit does not match (Luhn)")
	}
	return s, nil
}

// NormalizeSIREN returns the 9 digits of a French SIREN (company number)
// after removing spaces, dots and dashes, and checks them with Luhn. A bad
// length, a non-digit or a failed check is an *InvalidError (Field
// "registration_id").
func NormalizeSIREN(raw string) (string, error) {
	s := regCompact(raw, false)
	if len(s) != 9 || !vatAllDigits(s) {
		return "", regInvalid(raw, "a SIREN has 9 digits")
	}
	if !luhn(s) {
		return "", regInvalid(raw, "the SIREN check digit does not match (Luhn)")
	}
	return s, nil
}

// NormalizeRegistration normalises the registration id raw under scheme.
// scheme may be "", an ISO 6523 ICD code or a name (case-insensitive
// "SIRET", "SIREN", "0009", "0002"; "0002" or "SIREN" with 14 digits is
// treated as a SIRET). With no scheme and country "FR" (or empty country), a
// value of exactly 9 or 14 digits is taken as SIREN/SIRET and checked. Other
// schemes: opaque id normalised (upper case, spaces, dots, dashes and
// slashes removed). Blank raw, or raw empty after normalisation, gives the
// zero Registration and a nil error. A French id that fails its check is an
// *InvalidError (Field "registration_id").
func NormalizeRegistration(raw, scheme, country string) (Registration, error) {
	id := regCompact(raw, true)
	if id == "" {
		return Registration{}, nil
	}
	sch := strings.ToUpper(strings.TrimSpace(scheme))
	switch sch {
	case "SIRET", regSchemeSIRET:
		return regFrench(raw, id, regSchemeSIRET)
	case "SIREN", regSchemeSIREN:
		if len(id) == 14 {
			return regFrench(raw, id, regSchemeSIRET)
		}
		return regFrench(raw, id, regSchemeSIREN)
	case "":
		c := strings.ToUpper(strings.TrimSpace(country))
		if (c == "FR" || c == "") && vatAllDigits(id) {
			switch len(id) {
			case 14:
				return regFrench(raw, id, regSchemeSIRET)
			case 9:
				return regFrench(raw, id, regSchemeSIREN)
			}
		}
	}
	return Registration{Scheme: sch, ID: id}, nil
}

// regFrench checks id as a SIRET or SIREN; errors carry raw.
func regFrench(raw, id, scheme string) (Registration, error) {
	check := NormalizeSIREN
	if scheme == regSchemeSIRET {
		check = NormalizeSIRET
	}
	s, err := check(id)
	if err != nil {
		err.(*InvalidError).Value = raw
		return Registration{}, err
	}
	return Registration{Scheme: scheme, ID: s}, nil
}

func regInvalid(raw, reason string) error {
	return &InvalidError{Field: regField, Value: raw, Reason: reason}
}

// regCompact removes whitespace, dots and dashes (and slashes when slashes
// is set) and upper-cases letters.
func regCompact(raw string, slashes bool) string {
	return strings.Map(func(c rune) rune {
		switch {
		case unicode.IsSpace(c), c == '.', c == '-', slashes && c == '/':
			return -1
		}
		return unicode.ToUpper(c)
	}, raw)
}

// siretDigitSum returns the sum of the digits of s.
func siretDigitSum(s string) int {
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += vatDigit(s, i)
	}
	return sum
}
