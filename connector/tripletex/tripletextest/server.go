package tripletextest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// The tokens a Server accepts when Options leaves them empty.
const (
	DefaultConsumerToken = "test-consumer-token" // Options.ConsumerToken's default
	DefaultEmployeeToken = "test-employee-token" // Options.EmployeeToken's default
)

// MaxCount is the largest page a list returns; a larger count parameter is
// lowered to it.
const MaxCount = 1000

// dateLayout is the layout of every date the API reads and writes.
const dateLayout = "2006-01-02"

// docLink is the link every error body carries.
const docLink = "https://tripletex.no/v2-docs/"

// Options configure a Server.
type Options struct {
	// ConsumerToken is the API consumer token PUT /token/session/:create
	// accepts; DefaultConsumerToken when empty.
	ConsumerToken string
	// EmployeeToken is the employee token PUT /token/session/:create accepts;
	// DefaultEmployeeToken when empty.
	EmployeeToken string
	// CompanyCurrency is the code of the company's currency, the currency of
	// every posting's amountGross; "NOK" when empty. It is added to the
	// currencies when it is not one of the seeded ones.
	CompanyCurrency string
	// Now is the server's clock, used for session expiry; time.Now when nil.
	Now func() time.Time
}

// Request is one HTTP request the server received.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path, starting with /v2, unescaped.
	Path string
	// RawQuery is the URL's encoded query, without '?'.
	RawQuery string
	// Header is a copy of the request's header.
	Header http.Header
	// Body is the request body.
	Body []byte
}

// Query returns the parsed RawQuery.
func (r Request) Query() url.Values {
	v, _ := url.ParseQuery(r.RawQuery)
	return v
}

// Server is a fake Tripletex API v2 listening on a loopback port. Create it
// with NewServer and Close it when done.
type Server struct {
	ts   *httptest.Server
	opts Options

	mu         sync.Mutex
	host       string // host:port, the prefix of every "url" field
	nextID     int64
	sessions   map[string]*session
	sessionSeq int64

	accounts     []*account
	vatTypes     []*vatType
	voucherTypes []*voucherType
	currencies   []*currency
	countries    []*country
	customers    []*party
	suppliers    []*party
	vouchers     []*voucher

	companyCurrencyID int64
	numberSeq         map[int]int // next voucher number per year, minus one
	tempSeq           int         // last temporary number given

	faults   []*fault
	requests []Request
	held     []func() reply // the work of the requests CommitLate holds, in arrival order

	closing   chan struct{} // closed by Close: held requests stop waiting
	closeOnce sync.Once
}

type session struct {
	id      int64
	token   string
	expires time.Time // the first instant it is no longer valid
}

type fault struct {
	method string
	prefix string // without the /v2 prefix
	status int
	header http.Header
	times  int
	after  bool
	late   bool
}

// NewServer starts a fake Tripletex server, seeded with the currencies NOK
// (id 1), EUR, SEK, USD and GBP, the company currency if it is another one,
// and a few countries (NO, SE, DK, FI, IS, DE, FR, BE, NL, ES, IT, GB, IE,
// US, CH, PL, AT). The chart of accounts, VAT types and voucher types are
// empty: seed them with AddAccount, AddVATType and AddVoucherType.
func NewServer(opts Options) *Server {
	if opts.ConsumerToken == "" {
		opts.ConsumerToken = DefaultConsumerToken
	}
	if opts.EmployeeToken == "" {
		opts.EmployeeToken = DefaultEmployeeToken
	}
	if opts.CompanyCurrency == "" {
		opts.CompanyCurrency = "NOK"
	}
	opts.CompanyCurrency = strings.ToUpper(opts.CompanyCurrency)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:      opts,
		nextID:    100000000,
		sessions:  make(map[string]*session),
		numberSeq: make(map[int]int),
		closing:   make(chan struct{}),
	}
	for _, c := range seedCurrencies {
		s.addCurrency(c.code, c.description)
	}
	s.companyCurrencyID = s.AddCurrency(opts.CompanyCurrency)
	for _, c := range seedCountries {
		s.addCountry(c.alpha2, c.alpha3, c.numeric, c.name)
	}
	s.ts = httptest.NewServer(s)
	s.mu.Lock()
	s.host = strings.TrimPrefix(s.ts.URL, "http://")
	s.mu.Unlock()
	return s
}

// URL returns the API's base URL, like http://127.0.0.1:41234/v2.
func (s *Server) URL() string { return s.ts.URL + "/v2" }

// Close shuts the server down, blocking until every request has finished.
// A request CommitLate still holds stops waiting for its client; the ones
// not released are dropped.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.ts.Close()
}

// ExpireSessions makes every session token created so far invalid: the next
// request using one is answered 401, as when a session has expired.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sessions)
}

// Fail makes the next times requests whose method is method (any method when
// empty) and whose path starts with pathPrefix fail with status before they
// are processed: nothing is read or written, and the answer is an error body
// with a code fitting status. header is added to the response (for a 429,
// give it a Retry-After). pathPrefix may be given with or without the /v2
// prefix ("/ledger/voucher" and "/v2/ledger/voucher" are the same). Faults
// are matched in the order they were added, each request consuming one use
// of the first that matches; times <= 0 adds nothing.
func (s *Server) Fail(method, pathPrefix string, status int, header http.Header, times int) {
	s.addFault(method, pathPrefix, status, header, times, false)
}

// FailAfter makes the next times requests matching method and pathPrefix (as
// in Fail) be processed as usual — a voucher is created, a customer stored,
// or the request rejected if it would have been — and then answered with
// status and an error body instead of their real response: a response lost
// after the work was done, which exactly-once posting must survive.
func (s *Server) FailAfter(method, pathPrefix string, status, times int) {
	s.addFault(method, pathPrefix, status, nil, times, true)
}

// CommitLate makes the next times requests matching method and pathPrefix
// (as in Fail) take effect only after their client has given up, as when
// Tripletex goes on processing a request after the client's timeout, crash
// or lost connection. Such a request is authenticated and routed when it
// arrives (one the server would refuse at once — no valid session, an
// unknown endpoint or method — is answered at once, and still uses up one
// of the times); then the handler holds it, answering nothing until the
// client's connection closes or its context ends, and writes a 504 nobody
// reads. Its work — a voucher validated, numbered and stored, or anything
// else the endpoint does — is done only when ReleaseLate is called: until
// then nothing of it shows (GET /ledger/voucher/>externalVoucherNumber does
// not find the voucher). times <= 0 adds nothing.
func (s *Server) CommitLate(method, pathPrefix string, times int) {
	if times <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{method: strings.ToUpper(method), prefix: stripV2(pathPrefix), times: times, late: true})
}

// ReleaseLate does the work of every request CommitLate holds, in the order
// they arrived, as if the server had finished them after their clients
// left, and returns how many took effect (an endpoint's success); one that
// is invalid by then (a voucher refused by validation) records nothing and
// is not counted. A released request whose client has not given up yet
// still gets no answer until it does.
func (s *Server) ReleaseLate() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, work := range s.held {
		if rep := work(); rep.status < 300 {
			n++
		}
	}
	s.held = nil
	return n
}

// HeldLate returns how many requests CommitLate holds and ReleaseLate has
// not released yet.
func (s *Server) HeldLate() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.held)
}

// ResetFaults removes every fault added by Fail, FailAfter and CommitLate
// and not used up; the requests CommitLate holds stay held.
func (s *Server) ResetFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *Server) addFault(method, pathPrefix string, status int, header http.Header, times int, after bool) {
	if times <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{
		method: strings.ToUpper(method),
		prefix: stripV2(pathPrefix),
		status: status,
		header: header.Clone(),
		times:  times,
		after:  after,
	})
}

// stripV2 removes a leading /v2 from a path, keeping the leading slash.
func stripV2(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if rest, ok := strings.CutPrefix(p, "/v2"); ok && (rest == "" || rest[0] == '/') {
		return rest
	}
	return p
}

// takeFault returns the first fault matching the request and consumes one of
// its uses, or nil.
func (s *Server) takeFault(method, rel string) *fault {
	for i, f := range s.faults {
		if (f.method == "" || f.method == method) && strings.HasPrefix(rel, f.prefix) {
			f.times--
			if f.times == 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
			return f
		}
	}
	return nil
}

// Requests returns every request received since the server started or since
// the last ResetRequests, in the order they arrived.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = Request{Method: r.Method, Path: r.Path, RawQuery: r.RawQuery, Header: r.Header.Clone(), Body: bytes.Clone(r.Body)}
	}
	return out
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// reply is a response ready to be written.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	rep, hold := s.serve(r, body, err)
	if hold {
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		rep = s.apiError(http.StatusGatewayTimeout, "Gateway Timeout", "the client gave up before the request was processed (tripletextest CommitLate)", nil)
	}
	for k, vs := range rep.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if rep.body != nil {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// serve answers a request; hold is set when CommitLate holds it (rep is
// then empty).
func (s *Server) serve(r *http.Request, body []byte, readErr error) (rep reply, hold bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{
		Method:   r.Method,
		Path:     r.URL.Path,
		RawQuery: r.URL.RawQuery,
		Header:   r.Header.Clone(),
		Body:     bytes.Clone(body),
	})
	if readErr != nil {
		return s.badRequest("could not read the request body: " + readErr.Error()), false
	}
	rel, ok := strings.CutPrefix(r.URL.Path, "/v2")
	if !ok || (rel != "" && rel[0] != '/') {
		return s.notFound("no such endpoint: " + r.URL.Path), false
	}
	f := s.takeFault(r.Method, rel)
	switch {
	case f != nil && f.late:
		// The work runs later, when the request has ended: it keeps its own copies.
		work, rep, ok := s.handler(r.Clone(context.Background()), rel, body)
		if !ok {
			return rep, false
		}
		s.held = append(s.held, work)
		return reply{}, true
	case f != nil && !f.after:
		return s.faultReply(f), false
	}
	rep = s.route(r, rel, body)
	if f != nil {
		return s.faultReply(f), false
	}
	return rep, false
}

// endpoint is what a path resolves to: a handler per method, and whether the
// endpoint needs no session.
type endpoint struct {
	methods map[string]func() reply
	public  bool
}

func (s *Server) route(r *http.Request, rel string, body []byte) reply {
	work, rep, ok := s.handler(r, rel, body)
	if !ok {
		return rep
	}
	return work()
}

// handler resolves and authenticates a request and returns its work; ok is
// false, with the answer in rep, when the server refuses it before doing
// anything.
func (s *Server) handler(r *http.Request, rel string, body []byte) (work func() reply, rep reply, ok bool) {
	q := r.URL.Query()
	segs := strings.Split(strings.Trim(rel, "/"), "/")
	ep := s.resolve(segs, q, body, r.Header)
	if ep.methods == nil {
		return nil, s.notFound("no such endpoint: " + r.URL.Path), false
	}
	h, ok := ep.methods[r.Method]
	if !ok {
		allowed := make([]string, 0, len(ep.methods))
		for m := range ep.methods {
			allowed = append(allowed, m)
		}
		slices.Sort(allowed)
		rep := s.apiError(http.StatusMethodNotAllowed, "Method not allowed",
			fmt.Sprintf("%s is not supported on %s; use %s", r.Method, r.URL.Path, strings.Join(allowed, ", ")), nil)
		rep.header = http.Header{"Allow": {strings.Join(allowed, ", ")}}
		return nil, rep, false
	}
	if !ep.public {
		if rep, ok := s.authenticate(r); !ok {
			return nil, rep, false
		}
	}
	return h, reply{}, true
}

// resolve maps a path to its endpoint; methods is nil for an unknown path.
func (s *Server) resolve(segs []string, q url.Values, body []byte, h http.Header) endpoint {
	get := func(f func() reply) endpoint { return endpoint{methods: map[string]func() reply{http.MethodGet: f}} }
	is := func(want ...string) bool { return slices.Equal(segs, want) }
	idAt := func(n int, prefix ...string) (int64, bool) {
		if len(segs) != n || !slices.Equal(segs[:len(prefix)], prefix) {
			return 0, false
		}
		id, err := strconv.ParseInt(segs[len(prefix)], 10, 64)
		return id, err == nil && id > 0
	}
	switch {
	case is("token", "session", ":create"):
		return endpoint{methods: map[string]func() reply{http.MethodPut: func() reply { return s.createSession(q) }}, public: true}
	case is("ledger", "account"):
		return get(func() reply { return s.listAccounts(q) })
	case is("ledger", "vatType"):
		return get(func() reply { return s.listVATTypes(q) })
	case is("ledger", "voucherType"):
		return get(func() reply { return s.listVoucherTypes(q) })
	case is("currency"):
		return get(func() reply { return s.listCurrencies(q) })
	case is("country"):
		return get(func() reply { return s.listCountries(q) })
	case is("customer"):
		return endpoint{methods: map[string]func() reply{
			http.MethodGet:  func() reply { return s.listParties(customerKind, q) },
			http.MethodPost: func() reply { return s.postParty(customerKind, body) },
		}}
	case is("supplier"):
		return endpoint{methods: map[string]func() reply{
			http.MethodGet:  func() reply { return s.listParties(supplierKind, q) },
			http.MethodPost: func() reply { return s.postParty(supplierKind, body) },
		}}
	case is("ledger", "voucher"):
		return endpoint{methods: map[string]func() reply{
			http.MethodGet:  func() reply { return s.searchVouchers(q) },
			http.MethodPost: func() reply { return s.postVoucher(q, body) },
		}}
	case is("ledger", "voucher", ">externalVoucherNumber"):
		return get(func() reply { return s.vouchersByExternalNumber(q) })
	case is("ledger", "voucher", ">nonPosted"):
		return get(func() reply { return s.nonPostedVouchers(q) })
	}
	if id, ok := idAt(3, "ledger", "account"); ok {
		return get(func() reply { return s.getAccount(id) })
	}
	if id, ok := idAt(3, "ledger", "vatType"); ok {
		return get(func() reply { return s.getVATType(id) })
	}
	if id, ok := idAt(3, "ledger", "voucherType"); ok {
		return get(func() reply { return s.getVoucherType(id) })
	}
	if id, ok := idAt(2, "currency"); ok {
		return get(func() reply { return s.getCurrency(id) })
	}
	if id, ok := idAt(2, "country"); ok {
		return get(func() reply { return s.getCountry(id) })
	}
	if id, ok := idAt(2, "customer"); ok {
		return get(func() reply { return s.getParty(customerKind, id) })
	}
	if id, ok := idAt(2, "supplier"); ok {
		return get(func() reply { return s.getParty(supplierKind, id) })
	}
	if id, ok := idAt(3, "ledger", "voucher"); ok {
		return get(func() reply { return s.getVoucher(id) })
	}
	if len(segs) == 4 && segs[3] == "attachment" {
		if id, ok := idAt(4, "ledger", "voucher"); ok {
			return endpoint{methods: map[string]func() reply{
				http.MethodPost: func() reply { return s.postAttachment(id, h, body) },
			}}
		}
	}
	return endpoint{}
}

// createSession answers PUT /token/session/:create.
func (s *Server) createSession(q url.Values) reply {
	if q.Get("consumerToken") != s.opts.ConsumerToken || q.Get("employeeToken") != s.opts.EmployeeToken {
		return s.apiError(http.StatusForbidden, "Invalid consumer or employee token",
			"The consumer token or the employee token is missing, invalid or does not exist.", nil)
	}
	raw := q.Get("expirationDate")
	var msg string
	var exp time.Time
	if raw == "" {
		msg = "Kan ikke være null."
	} else if d, err := time.Parse(dateLayout, raw); err != nil {
		msg = fmt.Sprintf("Ugyldig dato %q: forventet formatet yyyy-MM-dd.", raw)
	} else if !s.opts.Now().Before(d) {
		msg = "Utløpsdatoen må være etter dagens dato."
	} else {
		exp = d
	}
	if msg != "" {
		return s.validationError([]validationMessage{argMessage("expirationDate", msg)})
	}
	s.sessionSeq++
	tok := newSessionToken(s.sessionSeq)
	s.sessions[tok] = &session{id: s.sessionSeq, token: tok, expires: exp}
	return jsonReply(http.StatusOK, map[string]any{"value": map[string]any{
		"id":             s.sessionSeq,
		"version":        0,
		"url":            s.url("token/session", s.sessionSeq),
		"consumerToken":  map[string]any{"id": 1, "url": s.url("token/consumer", 1)},
		"employeeToken":  map[string]any{"id": 1, "url": s.url("token/employee", 1)},
		"expirationDate": exp.Format(dateLayout),
		"token":          tok,
	}})
}

// newSessionToken returns a fresh token shaped like Tripletex's: base64 of a
// small JSON object naming the token's id and a random UUID.
func newSessionToken(id int64) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf(`{"tokenId":%d,"token":"%s"}`, id, newUUID())))
}

// authenticate checks the request's Basic authentication.
func (s *Server) authenticate(r *http.Request) (reply, bool) {
	user, pass, ok := r.BasicAuth()
	why := ""
	switch {
	case !ok:
		why = "The request has no Basic authentication: use the company id (0 for the employee's own company) as user name and a session token as password."
	case user == "" || strings.Trim(user, "0123456789") != "":
		why = fmt.Sprintf("The user name %q is not a company id.", user)
	default:
		sess := s.sessions[pass]
		if sess == nil {
			why = "The session token is unknown or has been invalidated."
		} else if !s.opts.Now().Before(sess.expires) {
			why = "The session token expired on " + sess.expires.Format(dateLayout) + "."
		}
	}
	if why == "" {
		return reply{}, true
	}
	rep := s.apiError(http.StatusUnauthorized, "Unauthorized", why, nil)
	rep.header = http.Header{"Www-Authenticate": {`Basic realm="Tripletex"`}}
	return rep, false
}

// validationMessage is one entry of an error body's validationMessages.
type validationMessage struct {
	Field   string  `json:"field"`
	Message string  `json:"message"`
	Path    *string `json:"path"`
	RootID  *int64  `json:"rootId"`
}

func fieldMessage(field, path, msg string) validationMessage {
	return validationMessage{Field: field, Message: msg, Path: &path}
}

// argMessage is a validation message about a query parameter.
func argMessage(param, msg string) validationMessage {
	return fieldMessage("arg:"+param, "arg:"+param, msg)
}

// errorBody is Tripletex's error response.
type errorBody struct {
	Status             int                 `json:"status"`
	Code               int                 `json:"code"`
	Message            string              `json:"message"`
	Link               string              `json:"link"`
	DeveloperMessage   *string             `json:"developerMessage"`
	ValidationMessages []validationMessage `json:"validationMessages"`
	RequestID          string              `json:"requestId"`
}

// errorCode returns the Tripletex error code of an HTTP status.
func errorCode(status int) int {
	switch status {
	case http.StatusBadRequest:
		return 16000
	case http.StatusUnauthorized:
		return 3000
	case http.StatusForbidden:
		return 9000
	case http.StatusNotFound:
		return 6000
	case http.StatusConflict:
		return 8000
	case http.StatusUnprocessableEntity:
		return 18000
	}
	return 1000
}

func (s *Server) apiError(status int, message, developerMessage string, msgs []validationMessage) reply {
	body := errorBody{
		Status:             status,
		Code:               errorCode(status),
		Message:            message,
		Link:               docLink,
		ValidationMessages: msgs,
		RequestID:          newUUID(),
	}
	if developerMessage != "" {
		body.DeveloperMessage = &developerMessage
	}
	return jsonReply(status, body)
}

func (s *Server) validationError(msgs []validationMessage) reply {
	return s.apiError(http.StatusUnprocessableEntity, "Validering feilet.", "VALIDATION_ERROR", msgs)
}

func (s *Server) badRequest(detail string) reply {
	return s.apiError(http.StatusBadRequest, "Bad request", detail, nil)
}

func (s *Server) notFound(detail string) reply {
	return s.apiError(http.StatusNotFound, "Object not found", detail, nil)
}

func (s *Server) faultReply(f *fault) reply {
	msg := http.StatusText(f.status)
	if msg == "" {
		msg = "Error"
	}
	rep := s.apiError(f.status, msg, "injected failure (tripletextest)", nil)
	rep.header = f.header.Clone()
	return rep
}

func jsonReply(status int, v any) reply {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("tripletextest: encoding a response: %v", err))
	}
	return reply{status: status, body: buf.Bytes()}
}

// newUUID returns a random version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// newID returns a fresh object id; ids are unique across every kind of object.
func (s *Server) newID() int64 {
	s.nextID++
	return s.nextID
}

// url returns the "url" field of an object, like Tripletex's: host and path,
// without scheme.
func (s *Server) url(path string, id int64) string {
	return fmt.Sprintf("%s/v2/%s/%d", s.host, path, id)
}

// ref is a reference to another object in a response: {"id", "url"}.
type ref struct {
	ID  int64  `json:"id"`
	URL string `json:"url"`
}

func (s *Server) ref(path string, id int64) *ref {
	if id == 0 {
		return nil
	}
	return &ref{ID: id, URL: s.url(path, id)}
}

// money writes an amount as a JSON number with two decimals.
func money(d decimal.Decimal) json.Number { return json.Number(d.StringFixed(2)) }

// listResponse is Tripletex's ListResponse.
type listResponse struct {
	FullResultSize int    `json:"fullResultSize"`
	From           int    `json:"from"`
	Count          int    `json:"count"`
	VersionDigest  string `json:"versionDigest"`
	Values         any    `json:"values"`
}

// paging reads the from and count parameters.
func (s *Server) paging(q url.Values) (from, count int, rep reply, ok bool) {
	from, count = 0, MaxCount
	var msgs []validationMessage
	for _, p := range []struct {
		name string
		dst  *int
	}{{"from", &from}, {"count", &count}} {
		raw := q.Get(p.name)
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			return 0, 0, s.badRequest(fmt.Sprintf("query parameter %s=%q is not an integer", p.name, raw)), false
		}
		if n < 0 {
			msgs = append(msgs, argMessage(p.name, "Verdien kan ikke være negativ."))
		}
		*p.dst = n
	}
	if len(msgs) > 0 {
		return 0, 0, s.validationError(msgs), false
	}
	return from, min(count, MaxCount), reply{}, true
}

// page answers a list request with the page of values the paging parameters
// select. extra, when not nil, adds fields to the response (the voucher
// search's totalNumberOfPostings).
func page[T any](s *Server, q url.Values, values []T, extra func(page []T) map[string]any) reply {
	from, count, rep, ok := s.paging(q)
	if !ok {
		return rep
	}
	all, _ := json.Marshal(values)
	digest := fmt.Sprintf("%x", sha256.Sum256(all))[:32]
	start := min(from, len(values))
	end := min(start+count, len(values))
	pg := values[start:end]
	if pg == nil {
		pg = []T{}
	}
	resp := listResponse{FullResultSize: len(values), From: from, Count: len(pg), VersionDigest: digest, Values: pg}
	if extra == nil {
		return jsonReply(http.StatusOK, resp)
	}
	m := map[string]any{
		"fullResultSize": resp.FullResultSize,
		"from":           resp.From,
		"count":          resp.Count,
		"versionDigest":  resp.VersionDigest,
		"values":         resp.Values,
	}
	for k, v := range extra(pg) {
		m[k] = v
	}
	return jsonReply(http.StatusOK, m)
}

// single answers {"value": v}.
func single(status int, v any) reply { return jsonReply(status, map[string]any{"value": v}) }

// idList parses a comma-separated list of integers (a "List of IDs"
// parameter); ok is false, with a 400 reply, when one is not an integer.
func (s *Server) idList(q url.Values, name string) (ids map[int64]bool, rep reply, ok bool) {
	raw := q.Get(name)
	if strings.TrimSpace(raw) == "" {
		return nil, reply{}, true
	}
	ids = make(map[int64]bool)
	for _, part := range strings.Split(raw, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil {
			return nil, s.badRequest(fmt.Sprintf("query parameter %s: %q is not an integer", name, part)), false
		}
		ids[n] = true
	}
	return ids, reply{}, true
}

// stringList parses a comma-separated list of strings.
func stringList(q url.Values, name string) map[string]bool {
	raw := q.Get(name)
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	set := make(map[string]bool)
	for _, part := range strings.Split(raw, ",") {
		if part = strings.TrimSpace(part); part != "" {
			set[part] = true
		}
	}
	return set
}

// boolParam parses an optional boolean parameter: set is false when absent.
func (s *Server) boolParam(q url.Values, name string) (value, set bool, rep reply, ok bool) {
	raw := q.Get(name)
	if raw == "" {
		return false, false, reply{}, true
	}
	b, err := strconv.ParseBool(raw)
	if err != nil {
		return false, false, s.badRequest(fmt.Sprintf("query parameter %s=%q is not a boolean", name, raw)), false
	}
	return b, true, reply{}, true
}

// idRef is a reference to another object in a request body: {"id": 42}. The
// id may be a JSON number or a string of digits.
type idRef struct {
	ID flexInt `json:"id"`
}

// flexInt is an integer read from a JSON number or a numeric string; set is
// false when it was absent, null or "".
type flexInt struct {
	v   int64
	set bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexInt) UnmarshalJSON(b []byte) error {
	raw := strings.TrimSpace(string(b))
	if raw == "null" {
		*f = flexInt{}
		return nil
	}
	if strings.HasPrefix(raw, `"`) {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		raw = strings.TrimSpace(str)
		if raw == "" {
			*f = flexInt{}
			return nil
		}
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return fmt.Errorf("%s is not an integer", b)
	}
	*f = flexInt{v: n, set: true}
	return nil
}

// id returns the referenced id, or 0 when r is nil or has no id.
func (r *idRef) id() (int64, bool) {
	if r == nil || !r.ID.set {
		return 0, false
	}
	return r.ID.v, true
}

// upperList parses a comma-separated list of codes, upper-cased.
func upperList(q url.Values, name string) map[string]bool {
	set := stringList(q, name)
	if set == nil {
		return nil
	}
	out := make(map[string]bool, len(set))
	for k := range set {
		out[strings.ToUpper(k)] = true
	}
	return out
}
