package rounding

import "errors"

// Errors returned by the package; test them with [errors.Is].
var (
	// ErrDivisionByZero is returned by [Divide] when the divisor is zero.
	ErrDivisionByZero = errors.New("rounding: division by zero")
	// ErrBadIncrement is returned by [Cash] when the increment is zero or negative.
	ErrBadIncrement = errors.New("rounding: cash increment must be positive")
	// ErrNoWeights is returned when a non-zero total is distributed over no weights.
	ErrNoWeights = errors.New("rounding: no weights to distribute over")
	// ErrZeroWeights is returned when a non-zero total is distributed over
	// weights that sum to zero.
	ErrZeroWeights = errors.New("rounding: weights sum to zero")
	// ErrOverflow is returned when an amount or an intermediate value does not
	// fit in an int64.
	ErrOverflow = errors.New("rounding: integer overflow")
	// ErrPrecision is returned by [Distribute] when the total has more
	// non-zero decimals than the requested places.
	ErrPrecision = errors.New("rounding: total has more decimals than places")
	// ErrUnknownPolicy is wrapped by the errors of [Policy.UnmarshalText] and
	// [Policy.MarshalText] for a name or value that is not a policy.
	ErrUnknownPolicy = errors.New("rounding: unknown policy")
)
