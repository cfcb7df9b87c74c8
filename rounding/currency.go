package rounding

import "strings"

// iso4217 maps every active ISO 4217 currency code (List One) that has a
// minor unit to its number of decimal places. Codes whose minor unit is
// "N.A." (precious metals XAU XAG XPT XPD, XDR, the bond-market units
// XBA–XBD, XSU, XUA, XTS, XXX) are deliberately absent.
//
// ANG (replaced by XCG), CUC, SLL (replaced by SLE) and ZWL (replaced by ZWG)
// are kept because they are still found on recent documents.
//
// The table is kept rather than taken from golang.org/x/text/currency, whose
// currency.Standard.Rounding gives CLDR's display digits, not ISO 4217's
// minor units: 0 instead of 2 for AFN ALL AMD COP GYD IDR IRR KPW LAK LBP MGA
// MMK MNT MUR PKR RSD SLL SOS SYP TZS UZS YER, and 0 instead of 3 for IQD.
// Its data (CLDR 32) also predates MRU, SLE, UYW, VED, VES, XCG and ZWG, and
// gives 2 to codes without a minor unit (XAU, XDR, …). The other 139 codes
// agree; TestMinorUnitsAgainstXText keeps the comparison.
var iso4217 = map[string]int32{
	// No minor unit.
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0,
	"KRW": 0, "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0,
	"XAF": 0, "XOF": 0, "XPF": 0,

	// Thousandths.
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,

	// Unidades de fomento (Chile) and unidad previsional (Uruguay).
	"CLF": 4, "UYW": 4,

	// Hundredths: every other currency.
	"AED": 2, "AFN": 2, "ALL": 2, "AMD": 2, "ANG": 2, "AOA": 2, "ARS": 2,
	"AUD": 2, "AWG": 2, "AZN": 2, "BAM": 2, "BBD": 2, "BDT": 2, "BGN": 2,
	"BMD": 2, "BND": 2, "BOB": 2, "BOV": 2, "BRL": 2, "BSD": 2, "BTN": 2,
	"BWP": 2, "BYN": 2, "BZD": 2, "CAD": 2, "CDF": 2, "CHE": 2, "CHF": 2,
	"CHW": 2, "CNY": 2, "COP": 2, "COU": 2, "CRC": 2, "CUC": 2, "CUP": 2,
	"CVE": 2, "CZK": 2, "DKK": 2, "DOP": 2, "DZD": 2, "EGP": 2, "ERN": 2,
	"ETB": 2, "EUR": 2, "FJD": 2, "FKP": 2, "GBP": 2, "GEL": 2, "GHS": 2,
	"GIP": 2, "GMD": 2, "GTQ": 2, "GYD": 2, "HKD": 2, "HNL": 2, "HTG": 2,
	"HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "IRR": 2, "JMD": 2, "KES": 2,
	"KGS": 2, "KHR": 2, "KPW": 2, "KYD": 2, "KZT": 2, "LAK": 2, "LBP": 2,
	"LKR": 2, "LRD": 2, "LSL": 2, "MAD": 2, "MDL": 2, "MGA": 2, "MKD": 2,
	"MMK": 2, "MNT": 2, "MOP": 2, "MRU": 2, "MUR": 2, "MVR": 2, "MWK": 2,
	"MXN": 2, "MXV": 2, "MYR": 2, "MZN": 2, "NAD": 2, "NGN": 2, "NIO": 2,
	"NOK": 2, "NPR": 2, "NZD": 2, "PAB": 2, "PEN": 2, "PGK": 2, "PHP": 2,
	"PKR": 2, "PLN": 2, "QAR": 2, "RON": 2, "RSD": 2, "RUB": 2, "SAR": 2,
	"SBD": 2, "SCR": 2, "SDG": 2, "SEK": 2, "SGD": 2, "SHP": 2, "SLE": 2,
	"SLL": 2, "SOS": 2, "SRD": 2, "SSP": 2, "STN": 2, "SVC": 2, "SYP": 2,
	"SZL": 2, "THB": 2, "TJS": 2, "TMT": 2, "TOP": 2, "TRY": 2, "TTD": 2,
	"TWD": 2, "TZS": 2, "UAH": 2, "USD": 2, "USN": 2, "UYU": 2, "UZS": 2,
	"VED": 2, "VES": 2, "WST": 2, "XCD": 2, "XCG": 2, "YER": 2, "ZAR": 2,
	"ZMW": 2, "ZWG": 2, "ZWL": 2,
}

// MinorUnits returns the number of decimal places of the ISO 4217 currency
// code (EUR 2, JPY 0, KWD 3, CLF 4) and whether the code is known. The code
// is matched ignoring ASCII case and surrounding white space ("eur" → 2);
// lookups never allocate. Codes without a minor unit (XAU, XDR, …) are
// unknown.
func MinorUnits(code string) (int32, bool) {
	return lookup(iso4217, code)
}

// Units overrides or extends the ISO 4217 minor units, e.g. for a ledger that
// books EUR with 4 decimals: Units{"EUR": 4}. Keys must be upper-case and
// trimmed; values are returned as they are. A nil Units is valid and uses the
// ISO table alone.
type Units map[string]int32

// MinorUnits returns the override for code if u has one, else the ISO 4217
// minor units as [MinorUnits] does. The code is matched ignoring ASCII case
// and surrounding white space.
func (u Units) MinorUnits(code string) (int32, bool) {
	if len(u) > 0 {
		if v, ok := lookup(u, code); ok {
			return v, true
		}
	}
	return lookup(iso4217, code)
}

// lookup finds code in m after trimming it and upper-casing its ASCII
// letters, without allocating for codes up to 16 bytes.
func lookup(m map[string]int32, code string) (int32, bool) {
	code = strings.TrimSpace(code)
	if !hasLower(code) {
		v, ok := m[code]
		return v, ok
	}
	var buf [16]byte
	b := buf[:0]
	if len(code) > len(buf) {
		b = make([]byte, 0, len(code))
	}
	b = append(b, code...)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	v, ok := m[string(b)] // the conversion in a map index does not allocate
	return v, ok
}

// hasLower reports whether s holds an ASCII lower-case letter.
func hasLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'a' <= c && c <= 'z' {
			return true
		}
	}
	return false
}
