package matching

import (
	"errors"
	"fmt"
	"strings"
)

// Rule is a matching criterion: which normalised value two identities must
// share.
type Rule string

// The rules, in their default order.
const (
	RuleAuxiliaryAccount Rule = "auxiliary_account" // the customer/supplier number
	RuleVATNumber        Rule = "vat_number"        // the VAT identifier
	RuleRegistrationID   Rule = "registration_id"   // the company registration id (SIREN for French ids)
	RuleName             Rule = "name"              // the name, normalised by NormalizeName
)

// DefaultRules returns the default order: auxiliary account, VAT number,
// registration id, name. The slice is the caller's to change.
func DefaultRules() []Rule {
	return []Rule{RuleAuxiliaryAccount, RuleVATNumber, RuleRegistrationID, RuleName}
}

// Label is the rule's name in a sentence ("VAT number").
func (r Rule) Label() string {
	switch r {
	case RuleAuxiliaryAccount:
		return "auxiliary account"
	case RuleVATNumber:
		return "VAT number"
	case RuleRegistrationID:
		return "registration id"
	case RuleName:
		return "name"
	}
	return string(r)
}

// Identity is what matching compares: the party looked for (the query) or
// one of the candidates. Values are as written; matching normalises them.
type Identity struct {
	// ID identifies a candidate to the caller (a ledger partner id, a contact
	// id); it is not compared.
	ID string
	// Name is the company or person name.
	Name string
	// VATNumber is the VAT identifier, with or without its country prefix.
	VATNumber string
	// RegistrationID is the company registration id (SIRET, SIREN, KvK, ...).
	RegistrationID string
	// RegistrationScheme is the scheme of RegistrationID (ISO 6523 ICD code
	// or name); optional.
	RegistrationScheme string
	// AuxiliaryAccount is the customer/supplier number or auxiliary account.
	AuxiliaryAccount string
	// Country is the ISO 3166-1 alpha-2 country, used for a VAT number or
	// registration id written without its country.
	Country string
}

// Outcome is the kind of a Decision.
type Outcome string

// The three outcomes.
const (
	Matched   Outcome = "matched"   // exactly one candidate under the deciding rule
	Ambiguous Outcome = "ambiguous" // two or more candidates under the deciding rule
	NoMatch   Outcome = "none"      // no candidate under any rule
)

// Candidate is a candidate retained by a rule.
type Candidate struct {
	// Index is the candidate's position in the list given to Match or
	// NewIndex (then in the order of Index.Add).
	Index int
	// ID and Name are the candidate's, as given.
	ID, Name string
	// Value is the candidate's value under the rule, as written.
	Value string
}

// String names the candidate: "Name (ID)".
func (c Candidate) String() string {
	switch {
	case c.Name == "":
		return c.ID
	case c.ID == "":
		return c.Name
	}
	return c.Name + " (" + c.ID + ")"
}

// Exclusion is a candidate a name rule found and set aside because an
// identifier contradicts the query.
type Exclusion struct {
	// Candidate is the candidate set aside.
	Candidate Candidate
	// Reason says which identifier differs.
	Reason string
}

// Step is one rule tried.
type Step struct {
	// Rule is the rule.
	Rule Rule
	// Value is the query's normalised value; empty when it has none or it
	// is invalid.
	Value string
	// Found counts the candidates retained.
	Found int
	// Excluded are the candidates of the same name set aside (name rule).
	Excluded []Exclusion
	// Note says why the rule was not tried: "no value", "invalid value",
	// "not indexed".
	Note string
}

// Decision is the result of matching one query, with its explanation.
type Decision struct {
	// Outcome is matched, ambiguous or none.
	Outcome Outcome
	// Rule is the rule that decided (matched or ambiguous).
	Rule Rule
	// Value is the query's normalised value under Rule.
	Value string
	// Candidates is the match (one) or the ambiguous candidates (two or more).
	Candidates []Candidate
	// Steps are the rules tried, in order, up to the deciding one.
	Steps []Step
	// Invalid are the query's identifiers that failed their check and were
	// not compared.
	Invalid []*InvalidError
}

// Match returns the only candidate when Outcome is Matched.
func (d Decision) Match() (Candidate, bool) {
	if d.Outcome != Matched || len(d.Candidates) != 1 {
		return Candidate{}, false
	}
	return d.Candidates[0], true
}

// Explain says what was decided and why, in one sentence a person can check:
// which rule, which normalised value, which candidates.
func (d Decision) Explain() string {
	var b strings.Builder
	switch d.Outcome {
	case Matched:
		c := d.Candidates[0]
		fmt.Fprintf(&b, "matched by %s %s: %s", d.Rule.Label(), d.Value, c)
		if c.Value != "" && c.Value != d.Value && c.Value != c.Name {
			fmt.Fprintf(&b, ", written %q", c.Value)
		}
	case Ambiguous:
		names := make([]string, len(d.Candidates))
		for i, c := range d.Candidates {
			names[i] = c.String()
		}
		fmt.Fprintf(&b, "ambiguous: %d candidates have the %s %s: %s", len(d.Candidates), d.Rule.Label(), d.Value, strings.Join(names, ", "))
	default:
		b.WriteString("no match")
		sep := ": "
		for _, s := range d.Steps {
			b.WriteString(sep)
			sep = "; "
			switch {
			case s.Note == "invalid value":
				e := d.invalid(s.Rule)
				fmt.Fprintf(&b, "%s %q invalid (%s)", s.Rule.Label(), e.Value, e.Reason)
			case s.Note == "no value":
				fmt.Fprintf(&b, "%s not given", s.Rule.Label())
			case s.Note != "":
				fmt.Fprintf(&b, "%s %s", s.Rule.Label(), s.Note)
			default:
				fmt.Fprintf(&b, "%s %s not found", s.Rule.Label(), s.Value)
			}
			for _, x := range s.Excluded {
				fmt.Fprintf(&b, " (%s set aside: %s)", x.Candidate, x.Reason)
			}
		}
		return b.String()
	}
	for _, e := range d.Invalid {
		fmt.Fprintf(&b, "; %s %q not compared: %s", Rule(e.Field).Label(), e.Value, e.Reason)
	}
	return b.String()
}

// invalid returns the query's invalid identifier for rule.
func (d Decision) invalid(rule Rule) *InvalidError {
	for _, e := range d.Invalid {
		if e.Field == string(rule) {
			return e
		}
	}
	return &InvalidError{Field: string(rule)}
}

// Match decides which of candidates, if any, is the query, trying rules in
// order (nil: DefaultRules). For many queries over the same candidates,
// build an Index once instead.
func Match(query Identity, candidates []Identity, rules []Rule) Decision {
	return NewIndex(candidates, rules).Match(query)
}

// keys are an identity's normalised values.
type keys struct {
	aux     string
	vat     string
	reg     Registration
	regKey  string // the SIREN of a French id, else the id
	name    string
	invalid []*InvalidError
}

// keysOf normalises id.
func keysOf(id Identity) keys {
	k := keys{aux: NormalizeAuxiliaryAccount(id.AuxiliaryAccount), name: NormalizeName(id.Name)}
	if v, err := NormalizeVAT(id.VATNumber, id.Country); err != nil {
		k.invalid = append(k.invalid, asInvalid(err, string(RuleVATNumber), id.VATNumber))
	} else {
		k.vat = v.String()
	}
	r, err := NormalizeRegistration(id.RegistrationID, id.RegistrationScheme, id.Country)
	if err != nil {
		k.invalid = append(k.invalid, asInvalid(err, string(RuleRegistrationID), id.RegistrationID))
	} else {
		k.reg = r
		k.regKey = r.ID
		if s := r.SIREN(); s != "" {
			k.regKey = "SIREN " + s
		}
	}
	return k
}

func asInvalid(err error, field, value string) *InvalidError {
	var ie *InvalidError
	if errors.As(err, &ie) {
		return ie
	}
	return &InvalidError{Field: field, Value: value, Reason: err.Error()}
}

// value returns k's normalised value under rule, and whether rule is known.
func (k *keys) value(rule Rule) (string, bool) {
	switch rule {
	case RuleAuxiliaryAccount:
		return k.aux, true
	case RuleVATNumber:
		return k.vat, true
	case RuleRegistrationID:
		return k.regKey, true
	case RuleName:
		return k.name, true
	}
	return "", false
}

// NormalizeAuxiliaryAccount returns an auxiliary account (customer or
// supplier number) as compared: whitespace removed, upper case.
func NormalizeAuxiliaryAccount(raw string) string {
	return strings.Map(func(c rune) rune {
		if c == ' ' || c == '\t' || c == '\u00a0' || c == '\n' || c == '\r' {
			return -1
		}
		return c
	}, strings.ToUpper(raw))
}

// Keys returns id's normalised values under rules (DefaultRules when nil),
// one "rule:value" string for each rule under which id has a valid value.
// Two identities can match only if they share one of their keys: a caller
// that creates what no candidate matched can serialise on them instead of
// on every creation.
func Keys(id Identity, rules []Rule) []string {
	if rules == nil {
		rules = DefaultRules()
	}
	k := keysOf(id)
	var out []string
	for _, rule := range rules {
		if v, ok := k.value(rule); ok && v != "" {
			out = append(out, string(rule)+":"+v)
		}
	}
	return out
}
