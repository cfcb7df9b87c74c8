package matching_test

import (
	"fmt"

	"github.com/invoicesync/invoicesync/matching"
)

// A party of the invoicing tool is looked for among the ledger's partners:
// the first rule that finds anything decides, and the decision says why.
func ExampleMatch() {
	ledger := []matching.Identity{
		{ID: "P1", Name: "Société Générale S.A.", VATNumber: "FR27552120222"},
		{ID: "P2", Name: "Martin"},
		{ID: "P3", Name: "MARTIN SARL"},
	}
	for _, party := range []matching.Identity{
		{Name: "SG Paris", VATNumber: "fr 27 552 120 222"},
		{Name: "SOCIETE GENERALE"},
		{Name: "Martin S.A.R.L."},
		{Name: "Alpha SARL", VATNumber: "FR41303265045"},
	} {
		d := matching.Match(party, ledger, nil)
		fmt.Println(d.Outcome+":", d.Explain())
	}
	// Output:
	// matched: matched by VAT number FR27552120222: Société Générale S.A. (P1)
	// matched: matched by name societe generale: Société Générale S.A. (P1)
	// ambiguous: ambiguous: 2 candidates have the name martin: Martin (P2), MARTIN SARL (P3)
	// none: no match: auxiliary account not given; VAT number "FR41303265045" invalid (check key does not match the SIREN (expected 40)); registration id not given; name alpha not found
}

func ExampleNormalizeVAT() {
	for _, raw := range []string{"FR 40 303 265 045", "DE 136,695,976", "094259216", "NL 8194.23.456.B01"} {
		v, err := matching.NormalizeVAT(raw, "GR")
		fmt.Printf("%q → %s %v\n", raw, v, err)
	}
	// Output:
	// "FR 40 303 265 045" → FR40303265045 <nil>
	// "DE 136,695,976" → DE136695976 <nil>
	// "094259216" → EL094259216 <nil>
	// "NL 8194.23.456.B01" →  matching: invalid vat_number "NL 8194.23.456.B01": check digits do not match
}

func ExampleNormalizeName() {
	for _, name := range []string{"Société Générale S.A.", "SARL Dupont & Fils", "Müller GmbH & Co. KG"} {
		fmt.Println(matching.NormalizeName(name))
	}
	// Output:
	// societe generale
	// dupont fils
	// muller
}
