package eboekhouden_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/eboekhouden"
	"github.com/invoicesync/invoicesync/connector/eboekhouden/eboekhoudentest"
	"github.com/invoicesync/invoicesync/connector/httpx/httpxtest"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// echoGateway stands in front of the fake e-Boekhouden like a misbehaving
// reverse proxy that quotes what it received in the error bodies it makes
// up: the first session request gets a 503 quoting its body (the access
// token), the first mutation lookups a 502 quoting the Authorization header
// (the session token), and the mutation POST of each invoice is refused in
// its own way (e-Boekhouden's JSON error, the raw request in plain text, an
// HTML page). Every other request reaches the fake.
type echoGateway struct {
	srv *eboekhoudentest.Server

	mu       sync.Mutex
	sessions int
	lookups  int
	auth     []string
	echoed   int
}

// failedLookups is how many lookups the gateway fails: every attempt httpx
// makes for the first one (one try and four retries).
const failedLookups = 5

func (g *echoGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	auth := r.Header.Get("Authorization")
	g.mu.Lock()
	if auth != "" {
		g.auth = append(g.auth, auth)
	}
	session := r.URL.Path == "/v1/session" && g.sessions == 0
	if r.URL.Path == "/v1/session" {
		g.sessions++
	}
	lookup := r.Method == http.MethodGet && r.URL.Path == "/v1/mutation" && g.lookups < failedLookups
	if lookup {
		g.lookups++
	}
	g.mu.Unlock()
	post := r.Method == http.MethodPost && r.URL.Path == "/v1/mutation"
	status, ctype, text := 0, "", ""
	switch {
	case session:
		status, ctype = http.StatusServiceUnavailable, "application/json"
		var in map[string]string
		_ = json.Unmarshal(body, &in)
		text = mustJSON(map[string]any{"type": "error", "title": "upstream refused " + in["accessToken"] + " from " + in["source"], "status": 503})
	case lookup:
		status, ctype = http.StatusBadGateway, "application/json"
		text = mustJSON(map[string]any{"status": 502, "error": "upstream refused the request with authorization=" + auth,
			"request": map[string]any{"headers": map[string][]string{"Authorization": {auth}}}})
	case post && bytes.Contains(body, []byte("2026-0001")):
		status, ctype = http.StatusBadRequest, "application/json"
		text = mustJSON(map[string]any{"type": "security", "code": "SECURITY_001", "title": "No permission for Authorization: " + auth,
			"message": "headers: " + mustJSON(r.Header), "status": 400, "traceId": "gw-1", "errors": []string{auth}})
	case post && bytes.Contains(body, []byte("2026-0002")):
		status, ctype = http.StatusBadRequest, "text/plain"
		text = "400 Bad Request\r\nPOST /v1/mutation HTTP/1.1\r\nauthorization: " + auth + "\r\nUser-Agent: " + r.UserAgent() + "\r\n"
	case post && bytes.Contains(body, []byte("2026-0003")):
		status, ctype = http.StatusBadGateway, "text/html"
		text = "<html><body><h1>502</h1><p>AUTHORIZATION: " + strings.ToUpper(auth) + "</p><p>token " + auth + "</p></body></html>"
	}
	if status == 0 {
		g.srv.ServeHTTP(w, r)
		return
	}
	g.mu.Lock()
	g.echoed++
	g.mu.Unlock()
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, text)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// leaks counts the occurrences of the secrets in text: raw, upper-cased,
// and base64-encoded.
func leaks(text string, secrets []string) int {
	n := 0
	for _, s := range secrets {
		for _, form := range []string{s, strings.ToUpper(s), base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s))} {
			n += strings.Count(text, form)
		}
	}
	return n
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type notifications struct {
	mu sync.Mutex
	ns []invoicesync.Notification
}

func (n *notifications) Notify(_ context.Context, x invoicesync.Notification) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.ns = append(n.ns, x)
}

// TestEchoedSecretsNeverLeak runs the Syncer over e-Boekhouden behind the
// echoing gateway and looks for the access token and the session tokens in
// the log lines (debug level), the errors, the outcomes and the notifications.
func TestEchoedSecretsNeverLeak(t *testing.T) {
	ctx := context.Background()
	clock := httpxtest.NewClock(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))
	srv := eboekhoudentest.NewServer(eboekhoudentest.Options{Now: clock.Now})
	t.Cleanup(srv.Close)
	srv.SeedDemo()
	gw := &echoGateway{srv: srv}
	front := httptest.NewServer(gw)
	t.Cleanup(front.Close)
	var logs lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ledger, err := eboekhouden.New(eboekhouden.Options{BaseURL: front.URL, AccessToken: eboekhoudentest.DefaultAccessToken,
		Tenant: "acme-bv", Clock: clock, Logger: logger})
	require.NoError(t, err)

	var texts []string
	_, err = ledger.Accounts(ctx) // the session request is refused, its body echoed
	require.Error(t, err)
	texts = append(texts, err.Error(), fmt.Sprintf("%+v", err))

	acme := &invoicesync.Party{SourceID: "c-1", Name: "Acme BV", Country: "NL"}
	source := memory.NewSource()
	var notes notifications
	for i := 1; i <= 3; i++ {
		source.Put(timeChimpInvoice(i, acme))
	}
	syncer, err := invoicesync.NewSyncer(source, ledger, nlMapping(), invoicesync.NewMemoryStore(), invoicesync.Config{
		SourceID: "timechimp/acme", Concurrency: 1, Logger: logger, Notifier: &notes, RetryDelay: time.Millisecond,
	})
	require.NoError(t, err)
	report, err := syncer.Run(ctx)
	require.NoError(t, err)
	require.Len(t, report.Outcomes, 3)
	require.Equal(t, 3, report.Statuses[invoicesync.StateError], "every mutation POST was refused")
	for _, o := range report.Outcomes {
		texts = append(texts, o.Message, o.Resolution, fmt.Sprintf("%+v", o.Err))
	}
	notes.mu.Lock()
	require.Len(t, notes.ns, 3)
	for _, n := range notes.ns {
		texts = append(texts, n.Message, n.Resolution, fmt.Sprintf("%+v", n.Err))
	}
	notes.mu.Unlock()

	gw.mu.Lock()
	echoed := gw.echoed
	secrets := []string{eboekhoudentest.DefaultAccessToken}
	seen := map[string]bool{}
	for _, a := range gw.auth {
		if !seen[a] {
			seen[a] = true
			secrets = append(secrets, a)
		}
	}
	gw.mu.Unlock()
	require.Equal(t, 1+failedLookups+3, echoed, "the gateway echoed a secret in the session refusal, every failed lookup attempt and every POST")
	require.Len(t, secrets, 2, "the access token and one session token")
	assert.Equal(t, 0, leaks(logs.String(), secrets), "secrets in the logs")
	assert.Equal(t, 0, leaks(strings.Join(texts, "\n"), secrets), "secrets in errors, outcomes or notifications")
	assert.Contains(t, logs.String(), "[REDACTED]", "the echoes were logged, redacted")
	assert.Contains(t, report.Outcomes[0].Message, "No permission for Authorization: [REDACTED]")
}
