package httpx_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/httpx"
)

// A client with basic credentials against an API that first asks to slow
// down, then answers; a validation error comes back typed and redacted.
func Example() {
	calls := 0
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		switch {
		case calls == 1:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		case r.Method == http.MethodPost:
			w.WriteHeader(http.StatusUnprocessableEntity)
			io.WriteString(w, `{"code":"E42","message":"account 7060 is closed","requestId":"r-1"}`)
		default:
			io.WriteString(w, `{"values":[{"number":"7060"}]}`)
		}
	}))
	defer api.Close()

	c, err := httpx.New(httpx.Options{
		BaseURL: api.URL + "/v1",
		Tenant:  "acme",
		Auth:    &httpx.Basic{Username: "demo", Password: "s3cret-password"},
	})
	if err != nil {
		panic(err)
	}
	var accounts struct{ Values []struct{ Number string } }
	err = c.JSON(context.Background(), http.MethodGet, "/accounts", nil, nil, &accounts)
	fmt.Println(accounts.Values, err, calls)

	err = c.JSON(context.Background(), http.MethodPost, "/entries", nil, map[string]string{"account": "7060"}, nil)
	var ae *httpx.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.Status, ae.Code, ae.Message, ae.RequestID, invoicesync.Retryable(err))
	}
	// Output:
	// [{7060}] <nil> 2
	// 422 E42 account 7060 is closed r-1 false
}
