package httpx_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/invoicesync/invoicesync/connector/httpx"
)

// FuzzRedactor: whatever surrounds a known secret, and whether it is
// written raw or as the base64 of user:secret, the Redactor never panics
// and hides it.
func FuzzRedactor(f *testing.F) {
	f.Add("error: ", " at line 3", "0", uint8(0))
	f.Add(`{"authorization":"Basic `, `"}`, "user", uint8(1))
	f.Add("<p>", "</p>", "", uint8(2))
	f.Add("a=b&c=", "", "x", uint8(3))
	const secret = "s3cr3t-t0ken-AbCdEf"
	r := httpx.NewRedactor()
	r.Add(secret)
	f.Fuzz(func(t *testing.T, before, after, user string, form uint8) {
		var written string
		switch form % 4 {
		case 0:
			written = secret
		case 1:
			written = base64.StdEncoding.EncodeToString([]byte(user + ":" + secret))
		case 2:
			written = base64.RawURLEncoding.EncodeToString([]byte(user + ":" + secret))
		case 3:
			written = base64.StdEncoding.EncodeToString([]byte(secret))
		}
		out := r.String(before + written + after)
		if strings.Contains(out, secret) || strings.Contains(out, written) {
			t.Fatalf("the secret survives in %q", out)
		}
	})
}
