package matching

import (
	"fmt"
	"testing"
)

// candidates returns n distinct candidates with a customer number, a French
// VAT number (its key computed from the SIREN) and a name.
func candidates(n int) []Identity {
	out := make([]Identity, n)
	for i := range out {
		siren := 100000000 + i*7
		key := (12 + 3*(siren%97)) % 97
		out[i] = Identity{
			ID:               fmt.Sprintf("P%d", i),
			Name:             fmt.Sprintf("Société %d Générale SARL", i),
			VATNumber:        fmt.Sprintf("FR%02d%09d", key, siren),
			AuxiliaryAccount: fmt.Sprintf("411%06d", i),
			Country:          "FR",
		}
	}
	return out
}

// BenchmarkNewIndex builds an index over 100,000 candidates.
func BenchmarkNewIndex(b *testing.B) {
	cands := candidates(100_000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		NewIndex(cands, nil)
	}
}

// BenchmarkIndexMatch matches one query, found by name (the customer number
// and registration id tried and missed before), against an index of
// 100,000 candidates.
func BenchmarkIndexMatch(b *testing.B) {
	ix := NewIndex(candidates(100_000), nil)
	q := Identity{Name: "SOCIETE 77777 GENERALE", AuxiliaryAccount: "411X", RegistrationID: "732829320", Country: "FR"}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, ok := ix.Match(q).Match(); !ok {
			b.Fatal("no match")
		}
	}
}
