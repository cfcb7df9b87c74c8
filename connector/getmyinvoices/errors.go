package getmyinvoices

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/httpx"
)

// The API's own error codes this package reads (error_code or code in an
// error body).
const (
	codeUnknownDocument = "106" // Invalid Document Prim UID
	codeUnknownCompany  = "139" // Invalid company Prim UID
	codeLimit           = "429" // the daily or per-minute request limit is exceeded
)

// LimitError is a request refused because the API key's request limit is
// exceeded: the requests per minute, or the requests per day. It is
// temporary (errors.Is(err, invoicesync.ErrTemporary), Retryable): Wait
// says how long until the limit lets requests through again.
type LimitError struct {
	// Daily is true for the daily limit, false for the per-minute one.
	Daily bool
	// Wait is how long to wait before trying again: what the API's
	// Retry-After header said, else until the next minute (per-minute
	// limit) or the next midnight UTC (daily limit).
	Wait time.Duration
	// Err is the API's answer, an *httpx.APIError.
	Err error
}

// Error says which limit is exceeded, when to try again, and the answer.
func (e *LimitError) Error() string {
	which := "requests-per-minute"
	if e.Daily {
		which = "daily"
	}
	return "getmyinvoices: the API key's " + which + " request limit is exceeded; try again in " +
		e.Wait.Round(time.Second).String() + " (or ask GetMyInvoices for a higher limit): " + e.Err.Error()
}

// Unwrap returns invoicesync.ErrTemporary and the API's answer.
func (e *LimitError) Unwrap() []error { return []error{invoicesync.ErrTemporary, e.Err} }

// Retryable reports true: the same request succeeds once the limit allows.
func (e *LimitError) Retryable() bool { return true }

// decodeError reads the API's error bodies: {"code": 403, "detail": "..."}
// or {"success": false, "detail": "...", "error_code": 106}.
func decodeError(_ int, header http.Header, body []byte) (code, message string, details []string, requestID string) {
	var b struct {
		Code      json.Number `json:"code"`
		ErrorCode json.Number `json:"error_code"`
		Detail    string      `json:"detail"`
		Message   string      `json:"message"`
	}
	if json.Unmarshal(body, &b) != nil {
		return "", "", nil, header.Get("X-Request-Id")
	}
	code = b.ErrorCode.String()
	if code == "" {
		code = b.Code.String()
	}
	message = b.Detail
	if message == "" {
		message = b.Message
	}
	return code, message, nil, header.Get("X-Request-Id")
}

// classify turns the failure of a request into the error the source
// returns: ErrNotFound for an unknown document or company (notFound says
// which), a *LimitError for an exceeded limit, err itself otherwise.
func (s *Source) classify(err error, notFound string) error {
	var ae *httpx.APIError
	if !errors.As(err, &ae) {
		return err
	}
	switch {
	case ae.Status == http.StatusTooManyRequests || ae.Code == codeLimit:
		return s.limitError(ae)
	case notFound != "" && (ae.Status == http.StatusNotFound ||
		ae.Status == http.StatusUnprocessableEntity && (ae.Code == codeUnknownDocument || ae.Code == codeUnknownCompany)):
		return &notFoundError{what: notFound, err: ae}
	}
	return err
}

// limitError builds the LimitError of ae: daily when the API's message
// speaks of a day (assumed: the description gives no other sign).
func (s *Source) limitError(ae *httpx.APIError) *LimitError {
	msg := strings.ToLower(ae.Message)
	daily := strings.Contains(msg, "daily") || strings.Contains(msg, "per day")
	wait := ae.RetryAfter
	if wait <= 0 {
		now := s.clock.Now().UTC()
		next := now.Truncate(time.Minute).Add(time.Minute)
		if daily {
			next = time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC)
		}
		wait = next.Sub(now)
	}
	return &LimitError{Daily: daily, Wait: wait, Err: ae}
}

// notFoundError is an unknown document or company: it wraps
// invoicesync.ErrNotFound and the API's answer.
type notFoundError struct {
	what string // e.g. `document "1234"`
	err  error
}

func (e *notFoundError) Error() string {
	return "getmyinvoices: GetMyInvoices has no " + e.what + ": " + e.err.Error()
}

func (e *notFoundError) Unwrap() []error { return []error{invoicesync.ErrNotFound, e.err} }

// notFound is the error of an id that cannot be one of the API's.
func notFound(what, id string) error {
	return &notFoundError{what: what + " " + strconv.Quote(id), err: errors.New("not a GetMyInvoices id")}
}
