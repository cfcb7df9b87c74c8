package matching

import (
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ledger is a chart of candidates: valid French VAT numbers are computed
// from their SIREN (key = (12 + 3 × (SIREN mod 97)) mod 97), DE136695976
// passes ISO 7064 MOD 11,10.
var ledger = []Identity{
	{ID: "P1", Name: "Société Générale S.A.", VATNumber: "FR27552120222", Country: "FR"},
	{ID: "P2", Name: "Dupont SARL", AuxiliaryAccount: "411DUPONT"},
	{ID: "P3", Name: "Hansa GmbH", VATNumber: "de 136 695 976"},
	{ID: "P4", Name: "Brioche SAS", RegistrationID: "732 829 320 00074", RegistrationScheme: "0009", Country: "FR"},
	{ID: "P5", Name: "Martin SARL"},
	{ID: "P6", Name: "MARTIN"},
	{ID: "P7", Name: "Twin A", AuxiliaryAccount: "411TWIN"},
	{ID: "P8", Name: "Twin B", AuxiliaryAccount: "411 twin"},
	{ID: "P9", Name: "Acme", VATNumber: "FR40303265045"},
	{ID: "P10", Name: "Acme Holding", VATNumber: "40 303 265 045", Country: "FR"},
	{ID: "P11", Name: "Brioche Nord", RegistrationID: "73282932000066", Country: "FR"},
	{ID: "P12", Name: "Typo SA", VATNumber: "FR41303265045"},
	{ID: "P13", Name: "Lambda", VATNumber: "FR44732829320"},
}

func TestMatchEachRule(t *testing.T) {
	ix := NewIndex(ledger, nil)
	for _, tc := range []struct {
		name  string
		q     Identity
		rule  Rule
		id    string
		value string
		why   string
	}{
		{"auxiliary account", Identity{Name: "Dupont et fils", AuxiliaryAccount: " 411dupont"}, RuleAuxiliaryAccount, "P2", "411DUPONT",
			`matched by auxiliary account 411DUPONT: Dupont SARL (P2)`},
		{"VAT number with spaces and lower case", Identity{Name: "SG", VATNumber: "fr 27 552 120 222"}, RuleVATNumber, "P1", "FR27552120222",
			`matched by VAT number FR27552120222: Société Générale S.A. (P1)`},
		{"VAT number prefix from the country", Identity{Name: "H", VATNumber: "136.695.976", Country: "DE"}, RuleVATNumber, "P3", "DE136695976",
			`matched by VAT number DE136695976: Hansa GmbH (P3), written "de 136 695 976"`},
		{"SIRET of the same establishment", Identity{Name: "B", RegistrationID: "73282932000074", Country: "FR"}, RuleRegistrationID, "P4", "SIRET 73282932000074",
			`matched by registration id SIRET 73282932000074: Brioche SAS (P4), written "732 829 320 00074"`},
		{"SIREN of a company", Identity{Name: "B", RegistrationID: "732829320", RegistrationScheme: "SIREN"}, RuleRegistrationID, "", "SIREN 732829320", ""},
		{"name under another spelling", Identity{Name: "SOCIETE GENERALE"}, RuleName, "P1", "societe generale",
			`matched by name societe generale: Société Générale S.A. (P1)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := ix.Match(tc.q)
			if tc.id == "" { // two establishments of one SIREN
				require.Equal(t, Ambiguous, d.Outcome, d.Explain())
				assert.Equal(t, tc.rule, d.Rule)
				assert.Equal(t, tc.value, d.Value)
				assert.Equal(t, []string{"P4", "P11"}, ids(d.Candidates))
				assert.Equal(t, `ambiguous: 2 candidates have the registration id SIREN 732829320: Brioche SAS (P4), Brioche Nord (P11)`, d.Explain())
				return
			}
			c, ok := d.Match()
			require.True(t, ok, d.Explain())
			assert.Equal(t, tc.id, c.ID)
			assert.Equal(t, tc.rule, d.Rule)
			assert.Equal(t, tc.value, d.Value)
			assert.Equal(t, tc.why, d.Explain())
		})
	}
}

func TestMatchAmbiguousOnEachRule(t *testing.T) {
	ix := NewIndex(ledger, nil)
	for _, tc := range []struct {
		q    Identity
		rule Rule
		ids  []string
	}{
		{Identity{AuxiliaryAccount: "411TWIN", Name: "Twin A"}, RuleAuxiliaryAccount, []string{"P7", "P8"}},
		{Identity{VATNumber: "FR 40 303 265 045", Name: "Acme"}, RuleVATNumber, []string{"P9", "P10"}},
		{Identity{RegistrationID: "732829320", Country: "FR"}, RuleRegistrationID, []string{"P4", "P11"}},
		{Identity{Name: "martin"}, RuleName, []string{"P5", "P6"}},
	} {
		d := ix.Match(tc.q)
		assert.Equal(t, Ambiguous, d.Outcome, d.Explain())
		assert.Equal(t, tc.rule, d.Rule)
		assert.Equal(t, tc.ids, ids(d.Candidates))
		_, ok := d.Match()
		assert.False(t, ok)
	}
	d := ix.Match(Identity{Name: "Martin S.A.R.L."})
	assert.Equal(t, "ambiguous: 2 candidates have the name martin: Martin SARL (P5), MARTIN (P6)", d.Explain())
}

func TestMatchNone(t *testing.T) {
	d := Match(Identity{Name: "Alpha Beta SARL", AuxiliaryAccount: "411AB"}, []Identity{{ID: "X", Name: "Alpha SARL"}}, nil)
	assert.Equal(t, NoMatch, d.Outcome)
	assert.Empty(t, d.Candidates)
	assert.Equal(t, "no match: auxiliary account 411AB not found; VAT number not given; registration id not given; name alpha beta not found", d.Explain())
	require.Len(t, d.Steps, 4)
	assert.Equal(t, Step{Rule: RuleName, Value: "alpha beta"}, d.Steps[3])
}

func TestInvalidIdentifierNeverMatches(t *testing.T) {
	ix := NewIndex(ledger, nil)
	// The query's VAT number has a wrong key: it is not compared, even with
	// the candidate that holds the same wrong number, and it is reported.
	d := ix.Match(Identity{Name: "Somebody", VATNumber: "FR41303265045"})
	assert.Equal(t, NoMatch, d.Outcome, d.Explain())
	require.Len(t, d.Invalid, 1)
	assert.Equal(t, "vat_number", d.Invalid[0].Field)
	assert.True(t, errors.Is(d.Invalid[0], ErrInvalid))
	assert.Equal(t, Step{Rule: RuleVATNumber, Note: "invalid value"}, d.Steps[1])
	assert.Equal(t, `no match: auxiliary account not given; VAT number "FR41303265045" invalid (`+d.Invalid[0].Reason+`); registration id not given; name somebody not found`, d.Explain())
	// The candidate's invalid number was not indexed, and is listed.
	var bad []string
	for _, ci := range ix.Invalid() {
		bad = append(bad, ci.Candidate.ID+" "+ci.Err.Field)
	}
	assert.Equal(t, []string{"P12 vat_number"}, bad)
	// Its name still finds it.
	d = ix.Match(Identity{Name: "TYPO", VATNumber: "FR41303265045"})
	c, ok := d.Match()
	require.True(t, ok, d.Explain())
	assert.Equal(t, "P12", c.ID)
}

func TestNameMatchSetsAsideOtherCompanies(t *testing.T) {
	// Same name, another VAT number: another company.
	cands := []Identity{
		{ID: "A", Name: "Lambda SAS", VATNumber: "FR40303265045"},
		{ID: "B", Name: "LAMBDA"},
	}
	d := Match(Identity{Name: "Lambda", VATNumber: "FR44732829320"}, cands, nil)
	c, ok := d.Match()
	require.True(t, ok, d.Explain())
	assert.Equal(t, "B", c.ID)
	require.Len(t, d.Steps[3].Excluded, 1)
	assert.Equal(t, "its VAT number FR40303265045 is not FR44732829320", d.Steps[3].Excluded[0].Reason)

	d = Match(Identity{Name: "Lambda", VATNumber: "FR44732829320"}, cands[:1], nil)
	assert.Equal(t, NoMatch, d.Outcome)
	assert.Equal(t, "no match: auxiliary account not given; VAT number FR44732829320 not found; registration id not given; name lambda not found (Lambda SAS (A) set aside: its VAT number FR40303265045 is not FR44732829320)", d.Explain())
}

func TestRulesOrderAndSet(t *testing.T) {
	cands := []Identity{
		{ID: "byName", Name: "Dupont"},
		{ID: "byAux", Name: "Other", AuxiliaryAccount: "411DUP"},
	}
	q := Identity{Name: "Dupont", AuxiliaryAccount: "411DUP"}
	c, _ := Match(q, cands, nil).Match()
	assert.Equal(t, "byAux", c.ID)
	c, _ = Match(q, cands, []Rule{RuleName, RuleAuxiliaryAccount}).Match()
	assert.Equal(t, "byName", c.ID)
	d := Match(Identity{Name: "Dupont"}, cands, []Rule{RuleAuxiliaryAccount})
	assert.Equal(t, NoMatch, d.Outcome, "the name rule is not in the set")
	assert.Len(t, d.Steps, 1)
}

func TestIndexAdd(t *testing.T) {
	ix := NewIndex(nil, nil)
	q := Identity{Name: "New Co SAS", VATNumber: "FR40303265045"}
	assert.Equal(t, NoMatch, ix.Match(q).Outcome)
	i := ix.Add(Identity{ID: "N1", Name: "New Co SAS", VATNumber: "FR40303265045"})
	assert.Equal(t, 0, i)
	assert.Equal(t, 1, ix.Len())
	c, ok := ix.Match(Identity{Name: "NEW CO", VATNumber: "FR 40303265045"}).Match()
	require.True(t, ok)
	assert.Equal(t, "N1", c.ID)
	assert.Equal(t, "N1", ix.Candidate(c.Index).ID)
}

func ids(cs []Candidate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func TestKeys(t *testing.T) {
	id := Identity{Name: "Société Générale S.A.", VATNumber: "fr 27 552 120 222", RegistrationID: "552 120 222 00013",
		RegistrationScheme: "0002", AuxiliaryAccount: " 411 sg ", Country: "FR"}
	assert.Equal(t, []string{"auxiliary_account:411SG", "vat_number:FR27552120222", "registration_id:SIREN 552120222", "name:societe generale"},
		Keys(id, nil))
	assert.Equal(t, []string{"name:societe generale", "auxiliary_account:411SG"}, Keys(id, []Rule{RuleName, RuleAuxiliaryAccount}),
		"in the rules' order, those rules only")
	assert.Equal(t, []string{"name:acme"}, Keys(Identity{Name: "ACME SARL", VATNumber: "FR00000000000"}, nil),
		"an invalid VAT number is no key")
	// Two identities that match share a key.
	matched := 0
	for _, a := range ledger {
		for _, b := range ledger {
			if _, ok := Match(a, []Identity{b}, nil).Match(); ok && a.ID != b.ID {
				matched++
				ka, kb := Keys(a, nil), Keys(b, nil)
				assert.True(t, slices.ContainsFunc(ka, func(k string) bool { return slices.Contains(kb, k) }), "%s %v ~ %s %v", a.ID, ka, b.ID, kb)
			}
		}
	}
	assert.Equal(t, 8, matched, "ordered pairs of the ledger that match")
}
