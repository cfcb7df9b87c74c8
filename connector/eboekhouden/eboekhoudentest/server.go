package eboekhoudentest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// DefaultAccessToken is Options.AccessToken's default.
const DefaultAccessToken = "test-eboekhouden-access-token"

// DefaultSessionSeconds is Options.SessionSeconds's default: how long a
// session lasts. The API documents no value; an hour is assumed.
const DefaultSessionSeconds = 3600

// Limits the API documents by error code but not by value; the fake assumes these.
const (
	MaxInvoiceNumber = 50  // MUT_018, FACT_007: the longest invoice number
	MaxRows          = 100 // MUT_101: the most rows of a mutation
	MaxRelationCode  = 15  // REL_006: the longest relation code
)

// Options configure a Server.
type Options struct {
	// AccessToken is the API token sessions are created from;
	// DefaultAccessToken when empty.
	AccessToken string
	// SessionSeconds is a session's life; DefaultSessionSeconds when 0.
	SessionSeconds int
	// Now is the clock of session expiry; time.Now when nil.
	Now func() time.Time
}

// Request is one request the fake received.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path.
	Path string
	// RawQuery is the query string.
	RawQuery string
	// Header is the request's headers.
	Header http.Header
	// Body is the request body.
	Body []byte
}

// Ledger is a ledger account.
type Ledger struct {
	ID          int    `json:"id"`
	Code        string `json:"code"`
	Description string `json:"description"`
	Category    string `json:"category"`
	Group       string `json:"group,omitempty"`
}

// Relation is a relation (customer or supplier).
type Relation struct {
	ID           int    `json:"id"`
	Type         string `json:"type"`
	Code         string `json:"code"`
	Date         string `json:"date,omitempty"`
	Name         string `json:"name"`
	Address      string `json:"address,omitempty"`
	PostalCode   string `json:"postalCode,omitempty"`
	City         string `json:"city,omitempty"`
	Country      string `json:"country,omitempty"`
	EmailAddress string `json:"emailAddress,omitempty"`
	VATNumber    string `json:"vatNumber,omitempty"`
	IBAN         string `json:"iban,omitempty"`
}

// Row is one row of a mutation.
type Row struct {
	LedgerID      int              `json:"ledgerId"`
	VATCode       string           `json:"vatCode"`
	VATAmount     *decimal.Decimal `json:"vatAmount,omitempty"`
	Amount        decimal.Decimal  `json:"amount"`
	Description   string           `json:"description,omitempty"`
	InvoiceNumber string           `json:"invoiceNumber,omitempty"`
	RelationID    int              `json:"relationId,omitempty"`
}

// VATAmount is a mutation's VAT total for one code.
type VATAmount struct {
	VATCode string          `json:"vatCode"`
	Amount  decimal.Decimal `json:"amount"`
}

// Mutation is a recorded mutation.
type Mutation struct {
	ID               int         `json:"id"`
	Type             int         `json:"type"`
	Date             string      `json:"date"`
	Description      string      `json:"description,omitempty"`
	TermOfPayment    int         `json:"termOfPayment,omitempty"`
	LedgerID         int         `json:"ledgerId"`
	RelationID       int         `json:"relationId,omitempty"`
	InExVAT          string      `json:"inExVat,omitempty"`
	InvoiceNumber    string      `json:"invoiceNumber,omitempty"`
	EntryNumber      string      `json:"entryNumber,omitempty"`
	PaymentReference string      `json:"-"`
	Rows             []Row       `json:"rows"`
	VAT              []VATAmount `json:"vat"`
}

// InvoiceItem is one item of an invoice.
type InvoiceItem struct {
	Quantity     decimal.Decimal  `json:"quantity"`
	Description  string           `json:"description"`
	PricePerUnit *decimal.Decimal `json:"pricePerUnit"`
	VATCode      string           `json:"vatCode"`
	VATAmount    *decimal.Decimal `json:"vatAmount,omitempty"`
	LedgerID     int              `json:"ledgerId"`
}

// Invoice is an invoice of the invoice module.
type Invoice struct {
	ID            int           `json:"id"`
	InvoiceNumber string        `json:"invoiceNumber"`
	RelationID    int           `json:"relationId"`
	Date          string        `json:"date"`
	TermOfPayment int           `json:"termOfPayment"`
	InExVAT       string        `json:"inExVat"`
	TemplateID    int           `json:"templateId"`
	Reference     string        `json:"reference,omitempty"`
	Text          string        `json:"text,omitempty"`
	Items         []InvoiceItem `json:"items"`
	MutationID    int           `json:"-"`
}

// Server is the fake e-Boekhouden API.
type Server struct {
	opts Options
	ts   *httptest.Server

	mu        sync.Mutex
	nextID    int
	sessions  map[string]time.Time // token → expiry
	ledgers   []Ledger
	relations []Relation
	mutations []Mutation
	invoices  []Invoice
	templates map[int]string
	faults    []*fault
	requests  []Request
	late      []func() // held requests' work, done by ReleaseLate
}

type fault struct {
	method, prefix string
	status         int
	header         http.Header
	times          int
	after          bool
	late           bool
}

// NewServer starts a fake with no ledger, relation or mutation.
func NewServer(opts Options) *Server {
	if opts.AccessToken == "" {
		opts.AccessToken = DefaultAccessToken
	}
	if opts.SessionSeconds <= 0 {
		opts.SessionSeconds = DefaultSessionSeconds
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, nextID: 1000, sessions: map[string]time.Time{}, templates: map[int]string{}}
	s.ts = httptest.NewServer(s)
	return s
}

// URL is the base address of the fake (no /v1).
func (s *Server) URL() string { return s.ts.URL }

// Close stops the fake.
func (s *Server) Close() { s.ts.Close() }

func (s *Server) id() int {
	s.nextID++
	return s.nextID
}

// AddLedger adds a ledger account of category (BAL, VW, DEB, CRED, FIN,
// AF6, AF19, AFOVERIG, VOOR, BTWRC, AF) and returns its id.
func (s *Server) AddLedger(code, description, category string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.id()
	s.ledgers = append(s.ledgers, Ledger{ID: id, Code: code, Description: description, Category: category})
	return id
}

// AddRelation adds a relation and returns its id.
func (s *Server) AddRelation(r Relation) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.ID = s.id()
	if r.Type == "" {
		r.Type = "B"
	}
	s.relations = append(s.relations, r)
	return r.ID
}

// DeleteRelation removes relation id, as a user can in e-Boekhouden.
func (s *Server) DeleteRelation(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.relations {
		if r.ID == id {
			s.relations = append(s.relations[:i], s.relations[i+1:]...)
			return
		}
	}
}

// AddInvoiceTemplate adds an invoice template and returns its id.
func (s *Server) AddInvoiceTemplate(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.id()
	s.templates[id] = name
	return id
}

// Mutations returns a copy of the recorded mutations, in order.
func (s *Server) Mutations() []Mutation {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Mutation, len(s.mutations))
	for i, m := range s.mutations {
		m.Rows = append([]Row(nil), m.Rows...)
		m.VAT = append([]VATAmount(nil), m.VAT...)
		out[i] = m
	}
	return out
}

// Relations returns a copy of the relations, in order.
func (s *Server) Relations() []Relation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Relation(nil), s.relations...)
}

// Invoices returns a copy of the invoices, in order.
func (s *Server) Invoices() []Invoice {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Invoice(nil), s.invoices...)
}

// ExpireSessions ends every session: the next request gets a 401.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sessions)
}

// Fail makes the next times requests of method whose path starts with
// prefix (e.g. "/v1/mutation") fail with status and header before they do
// anything.
func (s *Server) Fail(method, prefix string, status int, header http.Header, times int) {
	s.addFault(&fault{method: method, prefix: prefix, status: status, header: header, times: times})
}

// FailAfter makes the next times requests of method whose path starts
// with prefix take effect and then answer status: a lost response.
func (s *Server) FailAfter(method, prefix string, status, times int) {
	s.addFault(&fault{method: method, prefix: prefix, status: status, times: times, after: true})
}

// CommitLate makes the next times requests of method whose path starts
// with prefix answer 504 at once and keeps their work, which ReleaseLate
// does: a request e-Boekhouden commits after the client gave up on it.
// Until then a lookup does not find what it records.
func (s *Server) CommitLate(method, prefix string, times int) {
	s.addFault(&fault{method: method, prefix: prefix, status: http.StatusGatewayTimeout, times: times, late: true})
}

// ReleaseLate does the work of the requests CommitLate held, in order, and
// returns how many there were.
func (s *Server) ReleaseLate() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.late)
	for _, work := range s.late {
		work()
	}
	s.late = nil
	return n
}

func (s *Server) addFault(f *fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

func (s *Server) takeFault(method, path string) *fault {
	for i, f := range s.faults {
		if f.method == method && strings.HasPrefix(path, f.prefix) {
			if f.times--; f.times <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// Requests returns every request received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

type reply struct {
	status int
	header http.Header
	body   any
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
	f := s.takeFault(r.Method, r.URL.Path)
	var rep reply
	switch {
	case f != nil && f.late:
		req := r.Clone(r.Context())
		s.late = append(s.late, func() { s.route(req, body) })
		rep = faultReply(f)
	case f != nil && !f.after:
		rep = faultReply(f)
	default:
		rep = s.route(r, body)
		if f != nil {
			rep = faultReply(f)
		}
	}
	s.mu.Unlock()
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	if rep.status == http.StatusNoContent {
		w.WriteHeader(rep.status)
		return
	}
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(rep.body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	_, _ = w.Write(buf.Bytes())
}

func faultReply(f *fault) reply {
	r := apiError(f.status, "", http.StatusText(f.status), "")
	r.header = f.header
	return r
}

// errorBody is the API's error shape.
type errorBody struct {
	Type         string   `json:"type"`
	Code         string   `json:"code,omitempty"`
	Title        string   `json:"title"`
	Message      string   `json:"message,omitempty"`
	Status       int      `json:"status"`
	TraceID      string   `json:"traceId,omitempty"`
	PropertyName string   `json:"propertyName,omitempty"`
	Errors       []string `json:"errors,omitempty"`
}

func apiError(status int, code, title, property string) reply {
	typ := "validation"
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		typ = "security"
	case status >= 500 || status == http.StatusTooManyRequests:
		typ = "error"
	}
	return reply{status: status, body: errorBody{Type: typ, Code: code, Title: title, Status: status, PropertyName: property, TraceID: "trace-" + newToken()[:8]}}
}

func invalid(code, title, property string) reply {
	return apiError(http.StatusBadRequest, code, title, property)
}

func notFound(code, title string) reply { return apiError(http.StatusNotFound, code, title, "") }

func ok(v any) reply { return reply{status: http.StatusOK, body: v} }

func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var sourcePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,10}$`)

func (s *Server) route(r *http.Request, body []byte) reply {
	p := strings.TrimSuffix(r.URL.Path, "/")
	if r.Method == http.MethodPost && p == "/v1/session" {
		return s.createSession(body)
	}
	if exp, ok := s.sessions[r.Header.Get("Authorization")]; !ok || !s.opts.Now().Before(exp) {
		return apiError(http.StatusUnauthorized, "SECURITY_010", "Not authenticated. Check your Authorization header.", "")
	}
	q := r.URL.Query()
	segs := strings.Split(strings.TrimPrefix(p, "/v1/"), "/")
	switch {
	case r.Method == http.MethodGet && p == "/v1/ledger":
		return s.listLedgers(q)
	case r.Method == http.MethodGet && p == "/v1/relation":
		return s.listRelations(q)
	case r.Method == http.MethodPost && p == "/v1/relation":
		return s.createRelation(body)
	case r.Method == http.MethodGet && len(segs) == 2 && segs[0] == "relation":
		return s.getRelation(segs[1])
	case r.Method == http.MethodGet && p == "/v1/mutation":
		return s.listMutations(q)
	case r.Method == http.MethodPost && p == "/v1/mutation":
		return s.createMutation(body)
	case r.Method == http.MethodGet && len(segs) == 2 && segs[0] == "mutation":
		return s.getMutation(segs[1])
	case r.Method == http.MethodGet && p == "/v1/invoice":
		return s.listInvoices(q)
	case r.Method == http.MethodPost && p == "/v1/invoice":
		return s.createInvoice(body)
	case r.Method == http.MethodGet && p == "/v1/invoicetemplate":
		return s.listTemplates(q)
	}
	return notFound("ERR_001", "Something went wrong.")
}

func (s *Server) createSession(body []byte) reply {
	var in struct {
		AccessToken string `json:"accessToken"`
		Source      string `json:"source"`
	}
	if len(body) == 0 {
		return invalid("DATA_01", "No content body provided.", "")
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return invalid("ERR_002", "Your request contains an invalid value.", "")
	}
	switch {
	case in.Source == "":
		return invalid("API_SESSION_001", "Source is missing.", "source")
	case !sourcePattern.MatchString(in.Source):
		return invalid("API_SESSION_002", "Source does not match pattern.", "source")
	case in.AccessToken == "":
		return invalid("API_SESSION_003", "Access token is missing or empty.", "accessToken")
	case in.AccessToken != s.opts.AccessToken:
		return apiError(http.StatusUnauthorized, "SECURITY_999", "Something went wrong during authentication.", "")
	}
	tok := newToken()
	s.sessions[tok] = s.opts.Now().Add(time.Duration(s.opts.SessionSeconds) * time.Second)
	return ok(map[string]any{"token": tok, "expiresIn": s.opts.SessionSeconds})
}

// paging reads limit and offset: limit 1 to 2000 (default 100), offset 0 or more.
func paging(q url.Values) (limit, offset int, rep reply, good bool) {
	limit, offset = 100, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 2000 {
			return 0, 0, invalid("PAGE_001", "Limit must be between 1 and 2000.", "limit"), false
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, invalid("PAGE_002", "Offset must be greater than or equal to 0.", "offset"), false
		}
		offset = n
	}
	return limit, offset, reply{}, true
}

// page answers one page of items as {"items", "count"}.
func page[T any](q url.Values, items []T) reply {
	limit, offset, rep, good := paging(q)
	if !good {
		return rep
	}
	all := len(items)
	items = items[min(offset, all):min(offset+limit, all)]
	if items == nil {
		items = []T{}
	}
	return ok(map[string]any{"items": items, "count": all})
}

// match applies the string filter of parameter name: equal by default,
// name[like] with % and ? wildcards, name[not_eq].
func match(q url.Values, name, value string) bool {
	if v, ok := q[name]; ok {
		return value == v[0]
	}
	if v, ok := q[name+"[eq]"]; ok {
		return value == v[0]
	}
	if v, ok := q[name+"[not_eq]"]; ok {
		return value != v[0]
	}
	if v, ok := q[name+"[like]"]; ok {
		return like(v[0], value)
	}
	return true
}

// like matches a [like] pattern: % any run, ? one character.
func like(pattern, value string) bool {
	var re strings.Builder
	re.WriteString("^")
	for _, r := range pattern {
		switch r {
		case '%':
			re.WriteString(".*")
		case '?':
			re.WriteString(".")
		default:
			re.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	re.WriteString("$")
	ok, _ := regexp.MatchString("(?s)"+re.String(), value)
	return ok
}

func (s *Server) listLedgers(q url.Values) reply {
	var out []Ledger
	for _, l := range s.ledgers {
		if match(q, "code", l.Code) && match(q, "category", l.Category) {
			out = append(out, l)
		}
	}
	return page(q, out)
}

func (s *Server) ledger(id int) (Ledger, bool) {
	for _, l := range s.ledgers {
		if l.ID == id {
			return l, true
		}
	}
	return Ledger{}, false
}

func (s *Server) relation(id int) (Relation, bool) {
	for _, r := range s.relations {
		if r.ID == id {
			return r, true
		}
	}
	return Relation{}, false
}

func (s *Server) listRelations(q url.Values) reply {
	type item struct {
		ID   int    `json:"id"`
		Type string `json:"type"`
		Code string `json:"code"`
	}
	var out []item
	for _, r := range s.relations {
		if match(q, "code", r.Code) && match(q, "name", r.Name) && match(q, "type", r.Type) && match(q, "email", r.EmailAddress) && match(q, "city", r.City) {
			out = append(out, item{r.ID, r.Type, r.Code})
		}
	}
	return page(q, out)
}

func (s *Server) getRelation(id string) reply {
	n, _ := strconv.Atoi(id)
	r, found := s.relation(n)
	if !found {
		return notFound("REL_055", "Relation not found.")
	}
	return ok(r)
}

func (s *Server) createRelation(body []byte) reply {
	var in Relation
	if err := json.Unmarshal(body, &in); err != nil {
		return invalid("ERR_002", "Your request contains an invalid value.", "")
	}
	switch {
	case in.Type != "" && in.Type != "B" && in.Type != "P":
		return invalid("REL_001", "Relation type is invalid (B,P).", "type")
	case in.Name == "":
		return invalid("REL_002", "Name is mandatory.", "name")
	case len(in.Code) > MaxRelationCode:
		return invalid("REL_006", "Code is too long.", "code")
	}
	if in.Code == "" {
		in.Code = strconv.Itoa(len(s.relations) + 1)
	}
	for _, r := range s.relations {
		if strings.EqualFold(r.Code, in.Code) {
			return invalid("REL_049", "Code already exists.", "code")
		}
	}
	if in.Type == "" {
		in.Type = "B"
	}
	in.ID = s.id()
	in.Date = s.opts.Now().Format(time.DateOnly)
	s.relations = append(s.relations, in)
	return reply{status: http.StatusCreated, body: map[string]any{"id": in.ID, "code": in.Code}}
}

func (s *Server) templateList(q url.Values) []map[string]any {
	var out []map[string]any
	for id, name := range s.templates {
		if match(q, "name", name) {
			out = append(out, map[string]any{"id": id, "name": name, "active": true, "type": "E"})
		}
	}
	return out
}

func (s *Server) listTemplates(q url.Values) reply { return page(q, s.templateList(q)) }

// money writes an amount as a JSON number with two decimals.
func money(d decimal.Decimal) json.Number { return json.Number(d.StringFixed(2)) }
