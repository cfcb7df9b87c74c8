package httpx_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/invoicesync/invoicesync/connector/httpx"
)

func TestRedactor(t *testing.T) {
	r := httpx.NewRedactor(secretConsumer)
	r.Add(secretSession1, "short") // too short to hide wherever it occurs

	assert.Equal(t, "a [REDACTED] b [REDACTED] short", r.String("a "+secretConsumer+" b "+secretSession1+" short"))

	u, _ := url.Parse("https://user:" + secretPassword + "@api.example/v2/token/session/:create?consumerToken=" +
		url.QueryEscape(secretConsumer) + "&employeeToken=x&expirationDate=2026-11-22")
	assert.Equal(t, "https://user:%5BREDACTED%5D@api.example/v2/token/session/:create?consumerToken=%5BREDACTED%5D&employeeToken=%5BREDACTED%5D&expirationDate=2026-11-22", r.URL(u))

	h := r.Header(http.Header{"Authorization": {"Basic MDpzZWNyZXQ="}, "Cookie": {"sid=1"}, "X-Trace": {"t " + secretSession1}})
	assert.Equal(t, http.Header{"Authorization": {"[REDACTED]"}, "Cookie": {"[REDACTED]"}, "X-Trace": {"t [REDACTED]"}}, h)

	body := `{"value":{"id":7,"token":"abc","consumerToken":{"id":1},"list":[{"password":"p","name":"n ` + secretSession1 + `"}]}}`
	assert.Equal(t, `{"value":{"consumerToken":"[REDACTED]","id":7,"list":[{"name":"n [REDACTED]","password":"[REDACTED]"}],"token":"[REDACTED]"}}`, r.JSON([]byte(body)))
	assert.Equal(t, "not json [REDACTED]", r.JSON([]byte("not json "+secretConsumer)))

	for _, name := range []string{"Authorization", "X-Api-Key", "client_secret", "refresh_token", "SecurityCode2", "employeeToken"} {
		assert.True(t, httpx.SecretName(name), name)
	}
	for _, name := range []string{"code", "message", "id", "expirationDate"} {
		assert.False(t, httpx.SecretName(name), name)
	}
}

func TestRedactorForgetsOldTokensNotCredentials(t *testing.T) {
	r := httpx.NewRedactor(secretPassword)
	for i := range 300 {
		r.Add("rotating-token-" + string(rune('a'+i%26)) + string(rune('a'+i/26)))
	}
	assert.Equal(t, "[REDACTED]", r.String(secretPassword), "a pinned credential is never forgotten")
	assert.Equal(t, "rotating-token-aa", r.String("rotating-token-aa"), "the oldest token is forgotten")
	assert.Equal(t, "[REDACTED]", r.String("rotating-token-nl"), "the newest is kept")
}
