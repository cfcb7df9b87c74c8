package httpx

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/invoicesync/invoicesync"
)

// APIError is an error status answered by an API, decoded from its body.
// Its strings are redacted: no credential or token appears in them.
type APIError struct {
	// Method and URL are the request's; URL is redacted.
	Method string
	// URL is the request's URL, redacted.
	URL string
	// Status is the HTTP status code.
	Status int
	// Code is the API's own error code, when its body has one.
	Code string
	// Message is the API's own message, redacted; the status text when the
	// body has none.
	Message string
	// Details are the API's further messages (one per invalid field, as
	// "field: message"), redacted.
	Details []string
	// RequestID is the API's identifier of the request, for its support.
	RequestID string
	// RetryAfter is what the Retry-After header asked, when it was present.
	RetryAfter time.Duration
	// Temporary reports that the same request may succeed later and that
	// repeating it cannot do its work twice (see the package comment).
	Temporary bool
}

// Error returns "METHOD URL: STATUS: [code CODE: ]MESSAGE[: DETAILS][ (request ID)]".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.URL)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.Status))
	if t := http.StatusText(e.Status); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	if e.Code != "" {
		b.WriteString(": code ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Details) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(e.Details, "; "))
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteByte(')')
	}
	if e.RequestID != "" {
		b.WriteString(" (request ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	return b.String()
}

// Retryable reports whether the same call may succeed later without doing
// its work twice; invoicesync.Retryable asks it.
func (e *APIError) Retryable() bool { return e.Temporary }

// Unwrap yields invoicesync.ErrTemporary when the error is temporary.
func (e *APIError) Unwrap() error {
	if e.Temporary {
		return invoicesync.ErrTemporary
	}
	return nil
}

// TransportError is a request that got no usable answer: the connection
// failed, timed out or broke, or the body could not be read.
type TransportError struct {
	// Method and URL are the request's; URL is redacted.
	Method string
	// URL is the request's URL, redacted.
	URL string
	// Err is the cause, with secrets hidden from its message.
	Err error
	// NotSent reports that the request certainly never reached the server
	// (the connection could not be opened).
	NotSent bool
	// Idempotent reports that repeating the request cannot do its work twice.
	Idempotent bool
}

// Error returns "METHOD URL: cause".
func (e *TransportError) Error() string { return e.Method + " " + e.URL + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// Retryable reports whether trying again is safe: the request never reached
// the server, or repeating it cannot do its work twice. A cancelled or
// expired context is never retryable.
func (e *TransportError) Retryable() bool {
	if errors.Is(e.Err, errCanceled) {
		return false
	}
	return e.NotSent || e.Idempotent
}

// errCanceled marks a transport error caused by the caller's context.
var errCanceled = errors.New("request cancelled")

// redactedError keeps the chain of an error (errors.Is and As still reach
// it) while its message is redacted.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactErr wraps err so that its message is r.String(err.Error()).
func redactErr(r *Redactor, err error) error {
	if err == nil {
		return nil
	}
	return &redactedError{msg: r.String(err.Error()), err: err}
}

// notSent reports whether err certainly happened before the request was
// written: the connection could not be opened.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// DecodeError turns an error response's body into the API's code, message,
// details and request id. Options.DecodeError replaces DefaultDecodeError
// for APIs with their own error shape; the Client redacts what it returns.
type DecodeError func(status int, header http.Header, body []byte) (code, message string, details []string, requestID string)

// DefaultDecodeError reads the common JSON error shapes: "message",
// "error_description", "detail", "title" or "error" for the message; "code",
// "error" or "type" for the code; "requestId" or "request_id"; an
// "errors" list of strings or of objects with "message" (and "field") for
// details. A body that is not JSON gives no message: the Client then uses
// the status text and the body's start.
func DefaultDecodeError(_ int, header http.Header, body []byte) (code, message string, details []string, requestID string) {
	requestID = header.Get("X-Request-Id")
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return "", "", nil, requestID
	}
	str := func(keys ...string) string {
		for _, k := range keys {
			switch v := m[k].(type) {
			case string:
				if v != "" {
					return v
				}
			case float64:
				return strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
		return ""
	}
	message = str("message", "error_description", "detail", "title")
	code = str("code", "error", "type")
	if message == "" && code != "" && m["error"] != nil {
		message, code = code, ""
	}
	if id := str("requestId", "request_id"); id != "" {
		requestID = id
	}
	if list, ok := m["errors"].([]any); ok {
		for _, x := range list {
			switch v := x.(type) {
			case string:
				details = append(details, v)
			case map[string]any:
				msg, _ := v["message"].(string)
				if f, _ := v["field"].(string); f != "" {
					msg = f + ": " + msg
				}
				if msg != "" {
					details = append(details, msg)
				}
			}
		}
	}
	return code, message, details, requestID
}
