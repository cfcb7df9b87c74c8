package rounding

import (
	"fmt"
	"strconv"
	"strings"
)

// Policy says how a value that falls between two representable amounts is
// rounded. The zero value is [HalfAwayFromZero], the default. Every policy is
// symmetric: rounding -x gives exactly the negation of rounding x.
type Policy int

const (
	// HalfAwayFromZero rounds to the nearest amount, ties away from zero
	// (commercial rounding): 2.345 → 2.35, -2.345 → -2.35. The zero value.
	HalfAwayFromZero Policy = iota
	// HalfEven rounds to the nearest amount, ties to the even last digit
	// (banker's rounding): 2.345 → 2.34, 2.355 → 2.36.
	HalfEven
	// Up rounds away from zero whenever anything is dropped:
	// 2.341 → 2.35, -2.341 → -2.35.
	Up
	// Down rounds toward zero (truncation): 2.349 → 2.34, -2.349 → -2.34.
	Down
)

// policyNames are the text forms of the policies, indexed by Policy.
var policyNames = [...]string{
	HalfAwayFromZero: "half_away_from_zero",
	HalfEven:         "half_even",
	Up:               "up",
	Down:             "down",
}

// acceptedPolicies lists the accepted text forms, for error messages.
const acceptedPolicies = "half_away_from_zero, half_even, up, down"

// String returns the policy's text form: "half_away_from_zero", "half_even",
// "up" or "down"; an invalid policy gives "Policy(n)".
func (p Policy) String() string {
	if p.Valid() {
		return policyNames[p]
	}
	return "Policy(" + strconv.Itoa(int(p)) + ")"
}

// Valid reports whether p is one of the four declared policies.
func (p Policy) Valid() bool {
	return p >= HalfAwayFromZero && p <= Down
}

// MarshalText implements [encoding.TextMarshaler] with the names returned by
// [Policy.String]. An invalid policy is an error wrapping [ErrUnknownPolicy].
func (p Policy) MarshalText() ([]byte, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("%w: %s (accepted: %s)", ErrUnknownPolicy, p, acceptedPolicies)
	}
	return []byte(policyNames[p]), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]. It accepts the names
// returned by [Policy.String], ignoring case and surrounding white space;
// empty text gives [HalfAwayFromZero], the default. Any other text is an
// error wrapping [ErrUnknownPolicy] that names the accepted values, and p is
// left unchanged.
func (p *Policy) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	if s == "" {
		*p = HalfAwayFromZero
		return nil
	}
	for i, name := range policyNames {
		if strings.EqualFold(s, name) {
			*p = Policy(i)
			return nil
		}
	}
	return fmt.Errorf("%w %q (accepted: %s)", ErrUnknownPolicy, s, acceptedPolicies)
}

// mustValid panics when p is not a declared policy.
func mustValid(p Policy) {
	if !p.Valid() {
		panic("rounding: invalid " + p.String())
	}
}

// away reports whether a quotient truncated toward zero must move one unit
// away from zero under p. dropped says whether the remainder is non-zero, half
// compares the remainder's magnitude with half the divisor's (-1 below, 0 a
// tie, +1 above) and odd whether the truncated quotient is odd.
func away(p Policy, dropped bool, half int, odd bool) bool {
	if !dropped {
		return false
	}
	switch p {
	case HalfAwayFromZero:
		return half >= 0
	case HalfEven:
		return half > 0 || (half == 0 && odd)
	case Up:
		return true
	case Down:
		return false
	}
	panic("rounding: invalid " + p.String())
}
