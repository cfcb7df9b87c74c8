package getmyinvoicestest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// DefaultAPIKey is the key a Server accepts when Options leaves it empty.
const DefaultAPIKey = "test-gmi-api-key"

// DefaultPageSize is the size of a page of GET /documents: 500, as the API
// description says.
const DefaultPageSize = 500

// sinceLayout is the layout of updatedOrNewSinceFilter.
const sinceLayout = "2006-01-02 15:04:05"

// dateLayout is the layout of document dates.
const dateLayout = "2006-01-02"

// The document types the fake knows (documentType, documentTypeFilter).
const (
	IncomingInvoice = "INCOMING_INVOICE"
	SalesInvoice    = "SALES_INVOICE"
	CreditNote      = "CREDIT_NOTE"
	Receipt         = "RECEIPT"
)

// Options configure a Server.
type Options struct {
	// APIKey is the X-API-KEY the server accepts; DefaultAPIKey when empty.
	APIKey string
	// PageSize is the number of documents per page of GET /documents;
	// DefaultPageSize when zero. Tests of paging lower it.
	PageSize int
	// Now is the server's clock: the change time of documents and the
	// minute and day of the limits. time.Now when nil.
	Now func() time.Time
	// PerMinute and PerDay limit the requests per clock minute and per UTC
	// day; zero does not limit.
	PerMinute, PerDay int
	// LimitStatus is the HTTP status of an exceeded limit: 429 when zero.
	// The API description lists the limits under its 403 answer with code
	// 429; a test sets 403 to check the adapter reads either.
	LimitStatus int
	// RetryAfter, when set, is sent in a Retry-After header with an
	// exceeded limit (whole seconds).
	RetryAfter time.Duration
}

// LineItem is a line of a document, as GetMyInvoices extracted it. A null
// figure is one GetMyInvoices does not know.
type LineItem struct {
	Description   string
	Quantity      decimal.NullDecimal
	UnitNetPrice  decimal.NullDecimal
	TaxPercentage decimal.NullDecimal
	TaxAmount     decimal.NullDecimal
	TotalGross    decimal.NullDecimal
}

// Document is a document of the account. Null amounts are unknown ones.
type Document struct {
	Type          string // documentType, e.g. IncomingInvoice
	Number        string
	Date, DueDate string // "2006-01-02"
	Currency      string
	Net, VAT      decimal.NullDecimal
	Gross         decimal.NullDecimal
	TaxRates      []decimal.Decimal
	CompanyUID    int64
	CompanyName   string
	PaymentStatus string // "Paid", "Not paid", ...
	Archived      bool
	FileName      string
	File          []byte
	LineItems     []LineItem
}

// Company is a company (supplier or customer) of the account.
type Company struct {
	Name, VATID, TaxNumber string
	Street, ZIP, City      string
	Country, Email         string
	CommercialRegister     string
	CompanyType            string // "CUSTOM_COMPANY" when empty
}

// Request is one HTTP request the server received.
type Request struct {
	Method, Path string
	Query        url.Values
	Header       http.Header
}

type stored struct {
	uid      int64
	doc      Document
	created  time.Time
	modified time.Time
}

// Server is a fake GetMyInvoices accounts API v3. Create it with NewServer
// and Close it when done. Safe for concurrent use.
type Server struct {
	ts   *httptest.Server
	opts Options

	mu        sync.Mutex
	nextUID   int64
	docs      map[int64]*stored
	companies map[int64]Company
	requests  []Request
	fail      []failure
	minute    time.Time // the minute and day counted
	perMinute int
	day       time.Time
	perDay    int
}

type failure struct {
	status int
	body   string
}

// NewServer starts a Server.
func NewServer(o Options) *Server {
	if o.APIKey == "" {
		o.APIKey = DefaultAPIKey
	}
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.LimitStatus == 0 {
		o.LimitStatus = http.StatusTooManyRequests
	}
	s := &Server{opts: o, nextUID: 1000, docs: make(map[int64]*stored), companies: make(map[int64]Company)}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the base URL of the API, to give the adapter as its BaseURL.
func (s *Server) URL() string { return s.ts.URL + "/accounts/v3" }

// APIKey is the key the server accepts.
func (s *Server) APIKey() string { return s.opts.APIKey }

// Client is an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close stops the server.
func (s *Server) Close() { s.ts.Close() }

// AddCompany adds a company and returns its companyUid.
func (s *Server) AddCompany(c Company) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUID++
	s.companies[s.nextUID] = c
	return s.nextUID
}

// AddDocument adds a document, changed now, and returns its documentUid.
func (s *Server) AddDocument(d Document) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUID++
	now := s.opts.Now()
	s.docs[s.nextUID] = &stored{uid: s.nextUID, doc: cloneDoc(d), created: now, modified: now}
	return s.nextUID
}

// UpdateDocument replaces the content of document uid, changed now. It
// reports whether the document exists.
func (s *Server) UpdateDocument(uid int64, d Document) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.docs[uid]
	if ok {
		st.doc, st.modified = cloneDoc(d), s.opts.Now()
	}
	return ok
}

// RemoveDocument deletes document uid and reports whether it existed.
func (s *Server) RemoveDocument(uid int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.docs[uid]
	delete(s.docs, uid)
	return ok
}

// FailNext makes the next n requests answer status with body (a JSON
// object), before anything else is checked.
func (s *Server) FailNext(n, status int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fail = append(s.fail, failure{status, body})
	}
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func cloneDoc(d Document) Document {
	d.TaxRates = slices.Clone(d.TaxRates)
	d.File = slices.Clone(d.File)
	d.LineItems = slices.Clone(d.LineItems)
	return d
}

// ---- HTTP ----

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone()})
	if len(s.fail) > 0 {
		f := s.fail[0]
		s.fail = s.fail[1:]
		writeRaw(w, f.status, []byte(f.body))
		return
	}
	if r.Header.Get("X-API-KEY") != s.opts.APIKey {
		writeJSON(w, http.StatusForbidden, map[string]any{"code": 403, "detail": "Invalid API key."})
		return
	}
	if s.limited(w) {
		return
	}
	p, ok := strings.CutPrefix(r.URL.Path, "/accounts/v3/")
	if !ok || r.Method != http.MethodGet {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"code": 405, "detail": "Method Not Allowed."})
		return
	}
	switch dir, base := path.Split(p); {
	case p == "documents":
		s.listDocuments(w, r.URL.Query())
	case dir == "documents/":
		s.getDocument(w, base, r.URL.Query())
	case dir == "companies/":
		s.getCompany(w, base)
	default:
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 400, "detail": "Invalid action."})
	}
}

// limited answers an exceeded limit and reports whether it did.
func (s *Server) limited(w http.ResponseWriter) bool {
	now := s.opts.Now().UTC()
	minute, day := now.Truncate(time.Minute), now.Truncate(24*time.Hour)
	if !minute.Equal(s.minute) {
		s.minute, s.perMinute = minute, 0
	}
	if !day.Equal(s.day) {
		s.day, s.perDay = day, 0
	}
	var detail string
	switch {
	case s.opts.PerDay > 0 && s.perDay >= s.opts.PerDay:
		detail = "Daily limit is exceeded."
	case s.opts.PerMinute > 0 && s.perMinute >= s.opts.PerMinute:
		detail = "Requests per minute limit is exceeded."
	default:
		s.perMinute++
		s.perDay++
		return false
	}
	if s.opts.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(s.opts.RetryAfter/time.Second)))
	}
	writeJSON(w, s.opts.LimitStatus, map[string]any{"code": 429, "detail": detail})
	return true
}

func (s *Server) listDocuments(w http.ResponseWriter, q url.Values) {
	var since time.Time
	if v := q.Get("updatedOrNewSinceFilter"); v != "" {
		t, err := time.Parse(sinceLayout, v) // assumed: read as UTC
		if err != nil {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"success": false,
				"detail": "Invalid Date Format. Must be in format Y-m-d H:i:s.", "error_code": 140})
			return
		}
		since = t
	}
	var after int64
	if v := q.Get("documentUidStartFilter"); v != "" {
		after, _ = strconv.ParseInt(v, 10, 64)
	}
	typ := q.Get("documentTypeFilter")
	archived := q.Get("archivedFilter") // 0 (default): only not archived; 1: any; 2: only archived
	page := 1
	if v, err := strconv.Atoi(q.Get("pageNumber")); err == nil && v > 0 {
		page = v
	}
	var match []*stored
	for _, st := range s.docs {
		switch {
		case typ != "" && st.doc.Type != typ,
			!since.IsZero() && !st.modified.UTC().Truncate(time.Second).After(since),
			st.uid <= after,
			(archived == "" || archived == "0") && st.doc.Archived,
			archived == "2" && !st.doc.Archived:
			continue
		}
		match = append(match, st)
	}
	slices.SortFunc(match, func(a, b *stored) int { return int(a.uid - b.uid) }) // assumed: by documentUid
	from := min((page-1)*s.opts.PageSize, len(match))
	to := min(from+s.opts.PageSize, len(match))
	records := make([]map[string]any, 0, to-from)
	for _, st := range match[from:to] {
		records = append(records, s.meta(st))
	}
	writeJSON(w, http.StatusOK, map[string]any{"totalCount": len(match), "maxAmount": s.opts.PageSize, "offset": from, "records": records})
}

// meta is a document's metadata, as the list and GET /documents/{uid} give it.
func (s *Server) meta(st *stored) map[string]any {
	d := &st.doc
	rates := make([]json.Number, len(d.TaxRates))
	for i, r := range d.TaxRates {
		rates[i] = json.Number(r.String())
	}
	return map[string]any{
		"documentUid": st.uid, "createdAt": st.created.Format(dateLayout), "companyUid": d.CompanyUID,
		"companyName": d.CompanyName, "orderNumber": "", "documentType": d.Type, "documentNumber": d.Number,
		"documentDate": d.Date, "documentDueDate": d.DueDate, "netAmount": num(d.Net), "vat": num(d.VAT),
		"taxRates": rates, "grossAmount": num(d.Gross), "currency": d.Currency, "isArchived": d.Archived,
		"isLocked": false, "isOcrCompleted": 1, "tags": []string{}, "note": "", "source": "Manual",
		"filename": d.FileName, "fileSize": decimal.NewFromInt(int64(len(d.File))).Div(decimal.NewFromInt(1024)).StringFixed(2), "paymentStatus": d.PaymentStatus,
	}
}

// num is a JSON number, or null.
func num(d decimal.NullDecimal) any {
	if !d.Valid {
		return nil
	}
	return json.Number(d.Decimal.String())
}

func (s *Server) getDocument(w http.ResponseWriter, id string, q url.Values) {
	uid, _ := strconv.ParseInt(id, 10, 64)
	st, ok := s.docs[uid]
	if !ok {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"success": false, "detail": "Invalid Document Prim UID.", "error_code": 106})
		return
	}
	meta := s.meta(st)
	meta["attachments"] = 0
	meta["sourceUser"] = ""
	if q.Get("loadLineItems") == "true" {
		items := make([]map[string]any, len(st.doc.LineItems))
		for i, l := range st.doc.LineItems {
			items[i] = map[string]any{"quantity": num(l.Quantity), "description": l.Description,
				"tax_percentage": num(l.TaxPercentage), "tax_amount": num(l.TaxAmount),
				"unit_net_price": num(l.UnitNetPrice), "total_gross": num(l.TotalGross)}
		}
		meta["lineItems"] = items
	}
	out := map[string]any{"meta_data": meta}
	if q.Get("includeDocument") != "false" { // the description: false leaves the content out
		out["fileContent"] = base64.StdEncoding.EncodeToString(st.doc.File)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getCompany(w http.ResponseWriter, id string) {
	uid, _ := strconv.ParseInt(id, 10, 64)
	c, ok := s.companies[uid]
	if !ok {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"success": false, "detail": "Invalid company Prim UID.", "error_code": 139})
		return
	}
	typ := c.CompanyType
	if typ == "" {
		typ = "CUSTOM_COMPANY"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"companyUid": uid, "name": c.Name, "companyType": typ, "note": "", "tags": []string{},
		"street": c.Street, "zip": c.ZIP, "country": c.Country, "city": c.City, "email": c.Email,
		"phone": "", "fax": "", "taxNumber": c.TaxNumber, "vatId": c.VATID, "commercialRegister": c.CommercialRegister,
		"iban": "", "bic": "", "url": "", "supplierUid": uid,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // unreachable: the fake marshals only plain values
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
