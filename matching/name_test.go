package matching

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNormalizeName(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"Société Générale S.A.", "societe generale"},
		{"SOCIETE GENERALE", "societe generale"},
		{"  Alpha   SARL ", "alpha"},
		{"Alpha Beta SARL", "alpha beta"},
		{"SARL Dupont & Fils", "dupont fils"},
		{"Müller GmbH & Co. KG", "muller"},
		{"Mueller GmbH", "mueller"},
		{"Straße Bau UG (haftungsbeschränkt)", "strasse bau"},
		{"Philips B.V.", "philips"},
		{"Philips N.V.", "philips"},
		{"ACME Ltd.", "acme"},
		{"Acme Limited", "acme"},
		{"Acme, Inc.", "acme"},
		{"Acme LLC", "acme"},
		{"Acme Pty Ltd", "acme"},
		{"Fiat S.p.A.", "fiat"},
		{"Pasta S.r.l.", "pasta"},
		{"Telefónica, S.A.", "telefonica"},
		{"Tapas S.L.", "tapas"},
		{"AB Volvo", "volvo"},
		{"Nokia Oyj", "nokia"},
		{"Mærsk A/S", "maersk"},
		{"Novo ApS", "novo"},
		{"Equinor ASA", "equinor"},
		{"Łódź Sp. z o.o.", "lodz"},
		{"Škoda a.s.", "skoda"},
		{"L'Oréal", "loreal"},
		{"Café ﬁne", "cafe fine"}, // NFKD splits the ligature
		{"ＡＣＭＥ", "acme"},          // full-width letters
		{"SAS", "sas"},            // nothing would be left
		{"SARL SAS", "sarl"},      // one word kept
		{"Ωmega AE", "ωmega"},     // Greek kept, folded
		{"ΟΔΥΣΣΕΑΣ", "οδυσσεασ"},  // capital sigma
		{"Οδυσσέας", "οδυσσεασ"},  // final sigma folds to σ
		{"", ""},
		{" .-/ ", ""},
	} {
		assert.Equal(t, tc.want, NormalizeName(tc.raw), "NormalizeName(%q)", tc.raw)
	}
}

func TestNamesThatMatchAndNot(t *testing.T) {
	same := [][2]string{
		{"Société Générale S.A.", "SOCIETE GENERALE"},
		{"Coca-Cola", "coca cola"},
		{"Dupont SARL", "SARL DUPONT"},
		{"Müller GmbH", "Muller"},
	}
	for _, p := range same {
		assert.Equal(t, NormalizeName(p[0]), NormalizeName(p[1]), "%q and %q must match", p[0], p[1])
	}
	differ := [][2]string{
		{"Alpha SARL", "Alpha Beta SARL"},
		{"Müller GmbH", "Mueller GmbH"}, // no ü → ue transliteration
		{"Acme France", "Acme"},
		{"Martin", "Martine"},
	}
	for _, p := range differ {
		assert.NotEqual(t, NormalizeName(p[0]), NormalizeName(p[1]), "%q and %q must not match", p[0], p[1])
	}
}

func TestNormalizeAuxiliaryAccount(t *testing.T) {
	assert.Equal(t, "411DUPONT", NormalizeAuxiliaryAccount(" 411 dupont\t"))
	assert.Equal(t, "C0001", NormalizeAuxiliaryAccount("C0001"))
	assert.Equal(t, "", NormalizeAuxiliaryAccount("  "))
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"Société Générale S.A.", "SARL Dupont & Fils", "Müller GmbH & Co. KG", "Οδυσσέας", "ＡＣＭＥ", "SAS", " .-/ ", "a\u0301"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		n := NormalizeName(raw)
		if n != strings.TrimSpace(n) || strings.Contains(n, "  ") {
			t.Fatalf("NormalizeName(%q) = %q: stray spaces", raw, n)
		}
		if again := NormalizeName(n); again != n {
			t.Fatalf("NormalizeName(%q) = %q, but NormalizeName(%q) = %q", raw, n, n, again)
		}
	})
}
