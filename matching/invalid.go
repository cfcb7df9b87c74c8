package matching

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every *InvalidError, so that
// errors.Is(err, ErrInvalid) tells an identifier that failed its checks.
var ErrInvalid = errors.New("matching: invalid identifier")

// InvalidError reports an identifier that failed normalisation or its check.
type InvalidError struct {
	Field  string // the identifier's field: "vat_number", "registration_id"
	Value  string // the value as given
	Reason string // a short sentence saying what is wrong
}

// Error returns the field, the value as given and the reason, e.g.
// `matching: invalid vat_number "FR 41 303 265 045": check key does not match the SIREN (expected 40)`.
func (e *InvalidError) Error() string {
	return fmt.Sprintf("matching: invalid %s %q: %s", e.Field, e.Value, e.Reason)
}

// Unwrap returns ErrInvalid.
func (e *InvalidError) Unwrap() error { return ErrInvalid }
