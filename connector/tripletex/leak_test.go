package tripletex_test

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
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/httpx/httpxtest"
	"github.com/invoicesync/invoicesync/connector/memory"
	"github.com/invoicesync/invoicesync/connector/tripletex"
	"github.com/invoicesync/invoicesync/connector/tripletex/tripletextest"
	"github.com/invoicesync/invoicesync/store/sqlitestore"
)

// echoGateway stands in front of the fake Tripletex like a misbehaving
// reverse proxy: it quotes the request's Authorization header in the error
// bodies it makes up. The voucher POST of each invoice is refused in its own
// way (a Tripletex-shaped JSON body, the raw request in plain text, an HTML
// page), and the first lookups of a voucher by external number get a 502
// whose JSON body quotes the header too. Every other request reaches the fake.
type echoGateway struct {
	srv *tripletextest.Server

	mu      sync.Mutex
	lookups int      // the voucher lookups answered 502 so far
	auth    []string // every Authorization header received
	echoed  int      // the error bodies that quoted one
}

// failedLookups is how many voucher lookups the gateway fails: every attempt
// httpx makes for the first lookup (one try and four retries).
const failedLookups = 5

func (g *echoGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	auth := r.Header.Get("Authorization")
	g.mu.Lock()
	if auth != "" {
		g.auth = append(g.auth, auth)
	}
	lookup := r.Method == http.MethodGet && r.URL.Path == "/v2/ledger/voucher/>externalVoucherNumber" && g.lookups < failedLookups
	if lookup {
		g.lookups++
	}
	g.mu.Unlock()
	cred := strings.TrimPrefix(auth, "Basic ")
	status, ctype, text := 0, "", ""
	switch {
	case auth == "":
	case lookup:
		status, ctype = http.StatusBadGateway, "application/json"
		text = mustJSON(map[string]any{ // no "message": the client quotes the body
			"status":  502,
			"error":   "upstream refused the request with authorization=" + auth,
			"request": map[string]any{"method": r.Method, "headers": map[string][]string{"Authorization": {auth}}},
		})
	case r.Method == http.MethodPost && r.URL.Path == "/v2/ledger/voucher" && bytes.Contains(body, []byte("F-2026-17")):
		status, ctype = http.StatusForbidden, "application/json"
		text = mustJSON(map[string]any{
			"status":             403,
			"code":               9000,
			"message":            "Access denied for Authorization: " + auth + " (credentials " + cred + ")",
			"developerMessage":   "request headers: " + mustJSON(r.Header),
			"validationMessages": []map[string]any{{"field": "authorization", "message": auth}},
			"requestId":          "gw-1",
		})
	case r.Method == http.MethodPost && r.URL.Path == "/v2/ledger/voucher" && bytes.Contains(body, []byte("F-2026-18")):
		status, ctype = http.StatusBadRequest, "text/plain"
		text = "400 Bad Request\r\nPOST /v2/ledger/voucher HTTP/1.1\r\nauthorization: " + auth + "\r\nUser-Agent: " + r.UserAgent() + "\r\n"
	case r.Method == http.MethodPost && r.URL.Path == "/v2/ledger/voucher" && bytes.Contains(body, []byte("F-2026-19")):
		status, ctype = http.StatusBadGateway, "text/html"
		text = "<html><body><h1>502</h1><p>AUTHORIZATION: BASIC " + strings.TrimRight(cred, "=") + "</p><p>token " + cred + "</p></body></html>"
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

// sessionTokens returns the session tokens the requests carried, decoded
// from their Basic authentication.
func (g *echoGateway) sessionTokens(t *testing.T) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, a := range g.auth {
		user, pass, ok := basicAuth(a)
		require.True(t, ok, "Basic authentication: %q", a)
		require.Equal(t, "0", user)
		if !seen[pass] {
			seen[pass] = true
			out = append(out, pass)
		}
	}
	return out
}

// b64Run is a base64-looking run: either alphabet, with its padding.
var b64Run = regexp.MustCompile(`[A-Za-z0-9+/_-]{16,}=*`)

// leaks counts how often text holds one of the secrets: each raw occurrence,
// and each base64-looking run that, decoded with the standard or the URL
// alphabet, padded or not, starting at any of its first four characters,
// holds one.
func leaks(text []byte, secrets []string) int {
	n := 0
	for _, s := range secrets {
		n += bytes.Count(text, []byte(s))
	}
	for _, run := range b64Run.FindAll(text, -1) {
		if decodedHolds(run, secrets) {
			n++
		}
	}
	return n
}

func decodedHolds(run []byte, secrets []string) bool {
	std := strings.NewReplacer("-", "+", "_", "/").Replace(strings.TrimRight(string(run), "="))
	for off := 0; off < 4 && off < len(std); off++ {
		s := std[off:]
		if len(s)%4 == 1 {
			s = s[:len(s)-1]
		}
		dec, err := base64.RawStdEncoding.DecodeString(s)
		if err != nil {
			continue
		}
		for _, sec := range secrets {
			if bytes.Contains(dec, []byte(sec)) {
				return true
			}
		}
	}
	return false
}

func TestLeaksCounter(t *testing.T) {
	tok := "eyJ0b2tlbklkIjoxLCJ0b2tlbiI6ImFiYyJ9"
	b := base64.StdEncoding.EncodeToString([]byte("0:" + tok))
	text := "raw " + tok + " basic " + b + " url " + base64.RawURLEncoding.EncodeToString([]byte("user:"+tok)) +
		" glued u003e" + b + " plain SGVsbG8sIHdvcmxkIQ== " + "[REDACTED]"
	assert.Equal(t, 4, leaks([]byte(text), []string{tok}))
	assert.Equal(t, 0, leaks([]byte("GET /v2/ledger/voucher/>externalVoucherNumber: 502 Bad Gateway: [REDACTED]"), []string{tok}))
}

// TestEchoedAuthorizationNeverLeaks runs the Syncer over Tripletex behind a
// gateway that echoes the Authorization header (Basic "0:" + the session
// token, base64) in error bodies, and looks for the session token, raw or
// base64-decoded, in the log lines, the outcomes, the notifications and the
// SQLite state file.
func TestEchoedAuthorizationNeverLeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("writes SQLite files; skipped with -short")
	}
	ctx := context.Background()
	clock := httpxtest.NewClock(time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC))
	srv := tripletextest.NewServer(tripletextest.Options{Now: clock.Now})
	t.Cleanup(srv.Close)
	demo := srv.SeedDemo()
	gw := &echoGateway{srv: srv}
	front := httptest.NewServer(gw)
	t.Cleanup(front.Close)

	var logs lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ledger, err := tripletex.New(tripletex.Options{
		BaseURL:       front.URL + "/v2",
		ConsumerToken: tripletextest.DefaultConsumerToken,
		EmployeeToken: tripletextest.DefaultEmployeeToken,
		Tenant:        "salong-nordlys",
		VATAccounts:   demo.VATAccounts,
		Clock:         clock,
		Logger:        logger,
	})
	require.NoError(t, err)

	path := filepath.Join(t.TempDir(), "state.db")
	db, err := sqlitestore.Open(ctx, path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	store := db.Store("salong-nordlys/example-invoicing")

	source := memory.NewSource()
	for _, inv := range leakInvoices() {
		source.Put(inv)
	}
	var notes notifications
	syncer, err := invoicesync.NewSyncer(source, ledger, leakMapping(), store, invoicesync.Config{
		SourceID: "example-invoicing/salong-nordlys", Concurrency: 1, Logger: logger,
		Notifier: &notes, RetryDelay: time.Millisecond,
	})
	require.NoError(t, err)
	report, err := syncer.Run(ctx)
	require.NoError(t, err)

	require.Len(t, report.Outcomes, 3)
	require.Equal(t, 3, report.Statuses[invoicesync.StateError], "every voucher POST was refused")
	gw.mu.Lock()
	echoed := gw.echoed
	gw.mu.Unlock()
	require.Equal(t, failedLookups+3, echoed, "the gateway echoed the header in every lookup attempt it failed and every voucher POST")

	secrets := append(gw.sessionTokens(t), tripletextest.DefaultConsumerToken, tripletextest.DefaultEmployeeToken)
	require.Len(t, secrets, 3, "one session token")

	count := map[string]int{}
	count["logs"] = leaks(logs.bytes(), secrets)
	for _, o := range report.Outcomes {
		count["outcomes"] += leaks([]byte(outcomeText(o.Message, o.Resolution, o.Err)), secrets)
	}
	require.Len(t, notes.all(), 3, "every error is notified")
	for _, n := range notes.all() {
		count["notifications"] += leaks([]byte(outcomeText(n.Message, n.Resolution, n.Err)), secrets)
	}
	states := 0
	for st, err := range store.List(ctx) {
		require.NoError(t, err)
		b, err := json.Marshal(st)
		require.NoError(t, err)
		count["stored states"] += leaks(b, secrets)
		states++
	}
	require.Equal(t, 3, states, "every invoice has a state")
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if !os.IsNotExist(err) {
			require.NoError(t, err)
			count["state file"] += leaks(b, secrets)
		}
	}
	require.NoError(t, db.Close())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	count["state file"] += leaks(b, secrets)
	t.Logf("leaks: %v", count)
	assert.Equal(t, map[string]int{"logs": 0, "outcomes": 0, "notifications": 0, "stored states": 0, "state file": 0}, count)

	// The echoes were there, and redacted: the client logged each error
	// body, and each outcome quotes its voucher POST's.
	var logged []string
	for _, line := range bytes.Split(bytes.TrimSpace(logs.bytes()), []byte("\n")) {
		var rec struct{ Msg, Message string }
		require.NoError(t, json.Unmarshal(line, &rec))
		if rec.Msg == "http error" {
			logged = append(logged, rec.Message)
		}
	}
	assert.ElementsMatch(t, []string{
		`{"error":"upstream refused the request with authorization=[REDACTED]","request":{"headers":{"Authorization":"[REDACTED]"},"method":"GET"},"status":502}`,
		"Access denied for Authorization: [REDACTED] (credentials [REDACTED])",
		"400 Bad Request\r\nPOST /v2/ledger/voucher HTTP/1.1\r\nauthorization: [REDACTED]\r\nUser-Agent: invoicesync-tripletex\r\n",
		"<html><body><h1>502</h1><p>AUTHORIZATION: [REDACTED]</p><p>token [REDACTED]</p></body></html>",
	}, logged)
	const prefix = "ERROR_SYNC_INVOICE_LEDGER_FAILURE: invoice %[1]s: the accounting system failed while posting the entry (not tried again: the failure is not marked temporary): " +
		"tripletex: posting voucher %[1]s: POST http://127.0.0.1:PORT/v2/ledger/voucher?sendToLedger=true: "
	msgs := make([]string, 0, len(report.Outcomes))
	for _, o := range report.Outcomes {
		msgs = append(msgs, localAddr.ReplaceAllString(o.Message, "127.0.0.1:PORT"))
	}
	assert.ElementsMatch(t, []string{
		fmt.Sprintf(prefix, "F-2026-17") + "403 Forbidden: code 9000: Access denied for Authorization: [REDACTED] (credentials [REDACTED]): authorization: [REDACTED] (request gw-1)",
		fmt.Sprintf(prefix, "F-2026-18") + "400 Bad Request: 400 Bad Request\r\nPOST /v2/ledger/voucher HTTP/1.1\r\nauthorization: [REDACTED]\r\nUser-Agent: invoicesync-tripletex\r\n",
		fmt.Sprintf(prefix, "F-2026-19") + "502 Bad Gateway: <html><body><h1>502</h1><p>AUTHORIZATION: [REDACTED]</p><p>token [REDACTED]</p></body></html>",
	}, msgs)
}

// localAddr matches the test servers' address.
var localAddr = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// outcomeText is what an outcome or a notification says.
func outcomeText(message, resolution string, err error) string {
	s := message + "\n" + resolution
	if err != nil {
		s += "\n" + err.Error() + "\n" + fmt.Sprintf("%+v", err)
	}
	return s
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

func (l *lockedBuffer) bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}

// notifications records what the Syncer notifies.
type notifications struct {
	mu sync.Mutex
	ns []invoicesync.Notification
}

func (n *notifications) Notify(_ context.Context, x invoicesync.Notification) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.ns = append(n.ns, x)
}

func (n *notifications) all() []invoicesync.Notification {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]invoicesync.Notification(nil), n.ns...)
}

func leakMapping() *invoicesync.Mapping {
	rate := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(dec(s)) }
	return &invoicesync.Mapping{
		LedgerCurrency: "NOK",
		SalesVAT: []invoicesync.VATRule{
			{Category: "S", Rate: rate("25"), Code: "3"},
			{Category: "S", Rate: rate("15"), Code: "31"},
		},
		Journals: invoicesync.JournalMapping{Sales: "Memorialbilag", Purchase: "Leverandørfaktura"},
		Accounts: invoicesync.Accounts{
			SalesDefault: "3000", PurchaseDefault: "4000", CustomerCollective: "1500", SupplierCollective: "2400",
			CreditRounding: "7740", DebitRounding: "7740",
		},
		SyncWithoutAttachment: true,
	}
}

// leakInvoices are three sales invoices in NOK, F-2026-17 to F-2026-19.
func leakInvoices() []invoicesync.Invoice {
	rate := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(dec(s)) }
	date := func(day int) time.Time { return time.Date(2026, 11, day, 0, 0, 0, 0, time.UTC) }
	fjord := &invoicesync.Party{SourceID: "c-1", Name: "Fjord Frisør AS", RegistrationID: "912345678", Country: "NO"}
	line := func(desc, net, r string) invoicesync.Line {
		return invoicesync.Line{Description: desc, Quantity: dec("1"), UnitPrice: dec(net), NetAmount: dec(net), VATCategory: "S", VATRate: rate(r)}
	}
	doc := func(id, number string, day int, net, vat string) invoicesync.Invoice {
		gross := dec(net).Add(dec(vat))
		return invoicesync.Invoice{
			ID: id, Number: number, Kind: invoicesync.KindInvoice, Direction: invoicesync.Sales,
			IssueDate: date(day), DueDate: date(day).AddDate(0, 0, 14), Currency: "NOK", Status: invoicesync.StatusSent,
			Party: fjord, Lines: []invoicesync.Line{line("Rådgivning", net, "25")},
			Totals: invoicesync.Totals{LineTotal: dec(net), Net: dec(net), VAT: dec(vat), Gross: gross, Payable: gross},
		}
	}
	return []invoicesync.Invoice{
		doc("1", "F-2026-17", 3, "800.00", "200.00"),
		doc("2", "F-2026-18", 9, "4500.00", "1125.00"),
		doc("3", "F-2026-19", 16, "1990.00", "497.50"),
	}
}
