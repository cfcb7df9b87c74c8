package matching

import "fmt"

// Index holds candidates by their normalised values, one map per rule, so
// that matching a query costs one lookup per rule whatever the number of
// candidates. Build it once per run with NewIndex; Add the candidates created
// meanwhile. An Index is not safe for concurrent use: callers that share one
// guard it.
type Index struct {
	rules   []Rule
	cands   []indexed
	by      map[Rule]map[string][]int
	invalid []CandidateInvalid
}

type indexed struct {
	id   Identity
	keys keys
}

// CandidateInvalid is a candidate identifier that failed its check and was
// not indexed: that candidate cannot be found by it.
type CandidateInvalid struct {
	// Candidate is the candidate concerned.
	Candidate Candidate
	// Err says which identifier and why.
	Err *InvalidError
}

// NewIndex indexes candidates under rules (nil: DefaultRules), in that
// order of precedence.
func NewIndex(candidates []Identity, rules []Rule) *Index {
	if rules == nil {
		rules = DefaultRules()
	}
	ix := &Index{rules: append([]Rule(nil), rules...), by: make(map[Rule]map[string][]int, len(rules)),
		cands: make([]indexed, 0, len(candidates))}
	for _, r := range ix.rules {
		ix.by[r] = make(map[string][]int, len(candidates))
	}
	for _, c := range candidates {
		ix.Add(c)
	}
	return ix
}

// Add indexes one more candidate and returns its Index.
func (ix *Index) Add(c Identity) int {
	i := len(ix.cands)
	k := keysOf(c)
	ix.cands = append(ix.cands, indexed{id: c, keys: k})
	for _, e := range k.invalid {
		ix.invalid = append(ix.invalid, CandidateInvalid{Candidate: ix.candidate(i, ""), Err: e})
	}
	for r, m := range ix.by {
		if v, _ := k.value(r); v != "" {
			m[v] = append(m[v], i)
		}
	}
	return i
}

// Len returns the number of candidates indexed.
func (ix *Index) Len() int { return len(ix.cands) }

// Candidate returns the candidate at position i, as given.
func (ix *Index) Candidate(i int) Identity { return ix.cands[i].id }

// Invalid lists the candidates' identifiers that failed their check.
func (ix *Index) Invalid() []CandidateInvalid { return ix.invalid }

// Match decides which candidate, if any, is q: the first rule under which
// some candidate shares q's value decides; one candidate is a match, more
// are an ambiguity. Under the name rule, candidates whose valid VAT number
// or registration id differs from q's are set aside. A French SIRET that
// finds several establishments of one SIREN keeps the one with the same
// SIRET when there is exactly one.
func (ix *Index) Match(q Identity) Decision {
	k := keysOf(q)
	d := Decision{Outcome: NoMatch, Invalid: k.invalid}
	for _, r := range ix.rules {
		st := Step{Rule: r}
		v, known := k.value(r)
		m := ix.by[r]
		switch {
		case !known:
			st.Note = "not a known rule"
		case v == "" && ix.invalidQuery(r, &k):
			st.Note = "invalid value"
		case v == "":
			st.Note = "no value"
		}
		if st.Note != "" {
			d.Steps = append(d.Steps, st)
			continue
		}
		st.Value = v
		found := ix.retain(r, &k, m[v], &st)
		st.Found = len(found)
		d.Steps = append(d.Steps, st)
		if len(found) == 0 {
			continue
		}
		d.Rule, d.Value = r, v
		d.Outcome = Matched
		if len(found) > 1 {
			d.Outcome = Ambiguous
		}
		for _, i := range found {
			d.Candidates = append(d.Candidates, ix.candidate(i, r))
		}
		if r == RuleRegistrationID && len(found) == 1 && k.reg.SIREN() != "" && ix.cands[found[0]].keys.reg.ID == k.reg.ID {
			d.Value = k.reg.String() // the same establishment, not only the same company
		}
		return d
	}
	return d
}

// invalidQuery reports whether the query's identifier for r was invalid.
func (ix *Index) invalidQuery(r Rule, k *keys) bool {
	for _, e := range k.invalid {
		if e.Field == string(r) {
			return true
		}
	}
	return false
}

// retain filters the candidates found under r: registration schemes must
// agree, a SIRET prefers its own establishment, a name match must not
// contradict an identifier.
func (ix *Index) retain(r Rule, q *keys, found []int, st *Step) []int {
	switch r {
	case RuleRegistrationID:
		var out []int
		for _, i := range found {
			c := &ix.cands[i].keys
			if q.reg.SIREN() == "" && q.reg.Scheme != "" && c.reg.Scheme != "" && q.reg.Scheme != c.reg.Scheme {
				continue
			}
			out = append(out, i)
		}
		if len(out) > 1 && len(q.reg.ID) == 14 && q.reg.SIREN() != "" {
			var same []int
			for _, i := range out {
				if ix.cands[i].keys.reg.ID == q.reg.ID {
					same = append(same, i)
				}
			}
			if len(same) == 1 {
				return same
			}
		}
		return out
	case RuleName:
		var out []int
		for _, i := range found {
			c := &ix.cands[i].keys
			switch {
			case q.vat != "" && c.vat != "" && q.vat != c.vat:
				st.Excluded = append(st.Excluded, Exclusion{ix.candidate(i, RuleVATNumber), fmt.Sprintf("its VAT number %s is not %s", c.vat, q.vat)})
			case q.regKey != "" && c.regKey != "" && q.regKey != c.regKey:
				st.Excluded = append(st.Excluded, Exclusion{ix.candidate(i, RuleRegistrationID), fmt.Sprintf("its registration id %s is not %s", c.reg, q.reg)})
			default:
				out = append(out, i)
			}
		}
		return out
	}
	return found
}

// candidate describes candidate i with its value under r as written.
func (ix *Index) candidate(i int, r Rule) Candidate {
	id := ix.cands[i].id
	c := Candidate{Index: i, ID: id.ID, Name: id.Name}
	switch r {
	case RuleAuxiliaryAccount:
		c.Value = id.AuxiliaryAccount
	case RuleVATNumber:
		c.Value = id.VATNumber
	case RuleRegistrationID:
		c.Value = id.RegistrationID
	case RuleName:
		c.Value = id.Name
	}
	return c
}
