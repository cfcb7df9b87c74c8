package tripletex

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/httpx"
)

// Base URLs of the Tripletex API v2.
const (
	// ProductionURL is Tripletex's production API.
	ProductionURL = "https://tripletex.no/v2"
	// TestURL is Tripletex's test environment, for integration testing.
	TestURL = "https://api-test.tripletex.tech/v2"
)

// outgoingInvoice is the voucher type Tripletex refuses on new vouchers.
const outgoingInvoice = "Utgående faktura"

// maxExternalNumber is the longest externalVoucherNumber Tripletex keeps.
const maxExternalNumber = 70

// pageSize is the count asked for per page of a list.
const pageSize = 1000

// Options configure a Ledger.
type Options struct {
	// BaseURL is the API's base URL; ProductionURL when empty.
	BaseURL string
	// ConsumerToken is the integration's token, issued by Tripletex. Required.
	ConsumerToken string
	// EmployeeToken is the user's token, created in Tripletex. Required.
	EmployeeToken string
	// CompanyID is the basic-auth user name: "0" (the employee's company)
	// when empty, or the id of a client company an accountant works on.
	CompanyID string
	// Tenant names the connected company for rate limits, the TokenStore and logs.
	Tenant string
	// TokenStore keeps the session token between runs; optional.
	TokenStore httpx.TokenStore
	// SessionDays is how many days a session token lasts; 1 when 0.
	SessionDays int
	// Currency is the company's currency; "NOK" when empty. Entries must be
	// in it.
	Currency string
	// VATAccounts maps each VAT type number to the account number where the
	// company's Tripletex posts its VAT (e.g. "3" → "2700"). A VAT type with
	// a rate and no entry here is listed inactive.
	VATAccounts map[string]string
	// HTTPClient sends the requests; nil is httpx's default.
	HTTPClient *http.Client
	// Logger receives httpx's redacted log lines; nil logs nothing.
	Logger *slog.Logger
	// Clock is httpx's clock (retries, limits, session expiry); nil is the system clock.
	Clock httpx.Clock
	// Limits rate-limits the requests; nil does not limit.
	Limits *httpx.Limits
	// RetryMax is httpx's; 0 means its default.
	RetryMax int
	// CommitWindow is how long after a PostEntry call begins Tripletex may
	// still record its voucher (see the package comment). Zero means the
	// HTTP client's timeout (HTTPClient.Timeout when set and not zero, else
	// httpx.DefaultTimeout) plus CommitMargin; a negative value means none:
	// FindEntry's answer is trusted at once.
	CommitWindow time.Duration
}

// CommitMargin is how long the default commit window assumes Tripletex may
// go on with a request after the client stopped waiting for it. Tripletex
// documents no such bound. A voucher POST normally completes within
// seconds; the margin covers one that waited in a queue or on a slow
// database while the client, or a proxy in between, had given up. Five
// minutes is many times that and costs little: only an invoice whose
// posting really failed waits that long before it is posted again.
const CommitMargin = 5 * time.Minute

var (
	_ invoicesync.LedgerTarget   = (*Ledger)(nil)
	_ invoicesync.DraftPoster    = (*Ledger)(nil)
	_ invoicesync.PartnerLister  = (*Ledger)(nil)
	_ invoicesync.Attacher       = (*Ledger)(nil)
	_ invoicesync.CommitWindower = (*Ledger)(nil)
)

// Ledger is a LedgerTarget, DraftPoster, PartnerLister, Attacher and
// CommitWindower over one Tripletex company. Safe for concurrent use.
type Ledger struct {
	o     Options
	c     *httpx.Client
	clock httpx.Clock

	mu        sync.Mutex
	chart     *chart
	partners  map[string]bool // "customer/ID" known to exist
	keyLocks  map[string]*keyLock
	countries map[int64]string
}

// chart is the cached chart of the company.
type chart struct {
	accounts     map[string]apiAccount // by number
	accountNums  map[int64]string      // id → number
	vatTypes     map[string]apiVATType // by number
	vatNums      map[int64]apiVATType  // id → type
	voucherTypes map[string]int64      // name → id
	voucherNames map[int64]string      // id → name
	currencyID   int64
	checks       *invoicesync.Chart // the above as PostEntry checks entries against it
}

type keyLock struct {
	mu   sync.Mutex
	refs int
}

// New returns a Ledger. It does not connect: the first call creates the session.
func New(o Options) (*Ledger, error) {
	if o.ConsumerToken == "" || o.EmployeeToken == "" {
		return nil, errors.New("tripletex: the consumer token and the employee token are both required")
	}
	if o.BaseURL == "" {
		o.BaseURL = ProductionURL
	}
	if o.CompanyID == "" {
		o.CompanyID = "0"
	}
	if o.SessionDays <= 0 {
		o.SessionDays = 1
	}
	if o.Currency == "" {
		o.Currency = "NOK"
	}
	l := &Ledger{o: o, clock: o.Clock, partners: map[string]bool{}, keyLocks: map[string]*keyLock{}}
	if l.clock == nil {
		l.clock = httpx.SystemClock{}
	}
	auth := &httpx.TokenAuth{
		Fetch:  httpx.Session(l.createSession),
		Store:  o.TokenStore,
		Tenant: o.Tenant,
		Clock:  l.clock,
		Apply: func(req *http.Request, tok *oauth2.Token) {
			req.SetBasicAuth(o.CompanyID, tok.AccessToken)
		},
	}
	c, err := httpx.New(httpx.Options{
		BaseURL:     o.BaseURL,
		Tenant:      o.Tenant,
		Auth:        auth,
		HTTPClient:  o.HTTPClient,
		Logger:      o.Logger,
		Clock:       o.Clock,
		Limits:      o.Limits,
		RetryMax:    o.RetryMax,
		DecodeError: decodeError,
		Redactor:    httpx.NewRedactor(o.ConsumerToken, o.EmployeeToken),
		UserAgent:   "invoicesync-tripletex",
	})
	if err != nil {
		return nil, fmt.Errorf("tripletex: %w", err)
	}
	l.c = c
	return l, nil
}

// createSession exchanges the consumer and employee tokens for a session
// token valid until the start of its expiration date (UTC).
func (l *Ledger) createSession(ctx context.Context) (string, time.Time, error) {
	day := l.clock.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, l.o.SessionDays)
	q := url.Values{
		"consumerToken":  {l.o.ConsumerToken},
		"employeeToken":  {l.o.EmployeeToken},
		"expirationDate": {day.Format(time.DateOnly)},
	}
	var out single[struct {
		Token          string `json:"token"`
		ExpirationDate string `json:"expirationDate"`
	}]
	err := l.c.JSONRequest(ctx, &httpx.Request{Method: http.MethodPut, Path: "/token/session/:create", Query: q, NoAuth: true}, nil, &out)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("tripletex: creating a session (check the consumer and employee tokens): %w", err)
	}
	exp := day
	if t, err := time.Parse(time.DateOnly, out.Value.ExpirationDate); err == nil {
		exp = t
	}
	return out.Value.Token, exp, nil
}

// getList reads every page of a list endpoint.
func getList[T any](ctx context.Context, l *Ledger, path string, q url.Values) ([]T, error) {
	var all []T
	for from := 0; ; {
		qq := url.Values{}
		for k, v := range q {
			qq[k] = v
		}
		qq.Set("from", strconv.Itoa(from))
		qq.Set("count", strconv.Itoa(pageSize))
		var page list[T]
		if err := l.c.JSON(ctx, http.MethodGet, path, qq, nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Values...)
		from += len(page.Values)
		if len(page.Values) == 0 || from >= page.FullResultSize {
			return all, nil
		}
	}
}

// chartPart reads one part of the chart into ch, replacing that part's
// maps (a part never changes maps it did not make).
type chartPart func(ctx context.Context, l *Ledger, ch *chart) error

// readAccounts reads the accounts.
func readAccounts(ctx context.Context, l *Ledger, ch *chart) error {
	accounts, err := getList[apiAccount](ctx, l, "/ledger/account", nil)
	if err != nil {
		return fmt.Errorf("tripletex: listing accounts: %w", err)
	}
	ch.accounts, ch.accountNums = map[string]apiAccount{}, map[int64]string{}
	for _, a := range accounts {
		n := itoa(a.Number)
		ch.accounts[n] = a
		ch.accountNums[a.ID] = n
	}
	return nil
}

// readVATTypes reads the VAT types.
func readVATTypes(ctx context.Context, l *Ledger, ch *chart) error {
	types, err := getList[apiVATType](ctx, l, "/ledger/vatType", nil)
	if err != nil {
		return fmt.Errorf("tripletex: listing VAT types: %w", err)
	}
	ch.vatTypes, ch.vatNums = map[string]apiVATType{}, map[int64]apiVATType{}
	for _, v := range types {
		ch.vatTypes[v.Number] = v
		ch.vatNums[v.ID] = v
	}
	return nil
}

// readVoucherTypes reads the voucher types.
func readVoucherTypes(ctx context.Context, l *Ledger, ch *chart) error {
	vts, err := getList[apiVoucherType](ctx, l, "/ledger/voucherType", nil)
	if err != nil {
		return fmt.Errorf("tripletex: listing voucher types: %w", err)
	}
	ch.voucherTypes, ch.voucherNames = map[string]int64{}, map[int64]string{}
	for _, v := range vts {
		ch.voucherNames[v.ID] = v.Name
		if v.Name != outgoingInvoice {
			ch.voucherTypes[v.Name] = v.ID
		}
	}
	return nil
}

// readCurrency looks up the id of the company currency.
func readCurrency(ctx context.Context, l *Ledger, ch *chart) error {
	cur, err := getList[apiCurrency](ctx, l, "/currency", url.Values{"code": {l.o.Currency}})
	if err != nil {
		return fmt.Errorf("tripletex: looking up currency %s: %w", l.o.Currency, err)
	}
	for _, c := range cur {
		if c.Code == l.o.Currency {
			ch.currencyID = c.ID
			return nil
		}
	}
	return fmt.Errorf("tripletex: the company currency %s is unknown to Tripletex: set Options.Currency", l.o.Currency)
}

// wholeChart are the parts a first load reads; the currency, which does
// not change, is read only then.
var wholeChart = []chartPart{readAccounts, readVATTypes, readVoucherTypes, readCurrency}

// reload reads parts of the chart again (all of it when nothing is cached
// yet) and caches the result, so that Accounts, VATCodes and Journals each
// read one list, not the whole chart.
func (l *Ledger) reload(ctx context.Context, parts ...chartPart) (*chart, error) {
	l.mu.Lock()
	old := l.chart
	l.mu.Unlock()
	next := &chart{}
	if old == nil {
		parts = wholeChart
	} else {
		*next = *old
	}
	for _, read := range parts {
		if err := read(ctx, l, next); err != nil {
			return nil, err
		}
	}
	next.checks = l.checks(next)
	l.mu.Lock()
	l.chart = next
	l.mu.Unlock()
	return next, nil
}

// checks indexes ch as Accounts, VATCodes and Journals list it, for the
// invoicesync.Chart checks of PostEntry.
func (l *Ledger) checks(ch *chart) *invoicesync.Chart {
	return invoicesync.NewChart(listAccounts(ch), l.listVATCodes(ch), listJournals(ch))
}

// listAccounts lists ch's accounts by number; isInactive accounts are inactive.
func listAccounts(ch *chart) []invoicesync.Account {
	out := make([]invoicesync.Account, 0, len(ch.accounts))
	for n, a := range ch.accounts {
		out = append(out, invoicesync.Account{Number: n, Name: a.Name, Active: !a.IsInactive})
	}
	sortBy(out, func(a invoicesync.Account) string { return a.Number })
	return out
}

// listVATCodes lists ch's VAT types by number (see vatCode).
func (l *Ledger) listVATCodes(ch *chart) []invoicesync.VATCode {
	out := make([]invoicesync.VATCode, 0, len(ch.vatTypes))
	for _, v := range ch.vatTypes {
		out = append(out, l.vatCode(v))
	}
	sortBy(out, func(v invoicesync.VATCode) string { return v.Code })
	return out
}

// listJournals lists ch's voucher types by name.
func listJournals(ch *chart) []invoicesync.Journal {
	out := make([]invoicesync.Journal, 0, len(ch.voucherTypes))
	for name := range ch.voucherTypes {
		out = append(out, invoicesync.Journal{Code: name, Name: name})
	}
	sortBy(out, func(j invoicesync.Journal) string { return j.Code })
	return out
}

// cachedChart returns the cached chart, loading it when there is none.
func (l *Ledger) cachedChart(ctx context.Context) (*chart, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.mu.Lock()
	ch := l.chart
	l.mu.Unlock()
	if ch != nil {
		return ch, nil
	}
	return l.reload(ctx)
}

// Accounts lists the chart of accounts; isInactive accounts are inactive.
func (l *Ledger) Accounts(ctx context.Context) ([]invoicesync.Account, error) {
	ch, err := l.reload(ctx, readAccounts)
	if err != nil {
		return nil, err
	}
	return listAccounts(ch), nil
}

// VATCodes lists the VAT types by number; see the package comment for
// Account and Active.
func (l *Ledger) VATCodes(ctx context.Context) ([]invoicesync.VATCode, error) {
	ch, err := l.reload(ctx, readVATTypes)
	if err != nil {
		return nil, err
	}
	return l.listVATCodes(ch), nil
}

func (l *Ledger) vatCode(v apiVATType) invoicesync.VATCode {
	acc := l.o.VATAccounts[v.Number]
	return invoicesync.VATCode{
		Code: v.Number, Name: v.Name, Rate: v.Percentage, Account: acc,
		Active: v.Percentage.IsZero() || acc != "",
	}
}

// Journals lists the voucher types by name, "Utgående faktura" excepted.
func (l *Ledger) Journals(ctx context.Context) ([]invoicesync.Journal, error) {
	ch, err := l.reload(ctx, readVoucherTypes)
	if err != nil {
		return nil, err
	}
	return listJournals(ch), nil
}

// CommitWindow implements invoicesync.CommitWindower: Options.CommitWindow
// when positive, none when negative, else the HTTP client's timeout
// (Options.HTTPClient.Timeout when set and not zero, else
// httpx.DefaultTimeout) plus CommitMargin.
func (l *Ledger) CommitWindow() time.Duration {
	switch w := l.o.CommitWindow; {
	case w > 0:
		return w
	case w < 0:
		return 0
	}
	timeout := httpx.DefaultTimeout
	if l.o.HTTPClient != nil && l.o.HTTPClient.Timeout > 0 {
		timeout = l.o.HTTPClient.Timeout
	}
	return timeout + CommitMargin
}

// SupportsDrafts reports true: a draft is a voucher not sent to the ledger.
func (l *Ledger) SupportsDrafts() bool { return true }

// lockKey serialises the posts of one idempotency key; unlock releases it.
func (l *Ledger) lockKey(key string) (unlock func()) {
	l.mu.Lock()
	k := l.keyLocks[key]
	if k == nil {
		k = &keyLock{}
		l.keyLocks[key] = k
	}
	k.refs++
	l.mu.Unlock()
	k.mu.Lock()
	return func() {
		k.mu.Unlock()
		l.mu.Lock()
		if k.refs--; k.refs == 0 {
			delete(l.keyLocks, key)
		}
		l.mu.Unlock()
	}
}

// notFound wraps err (a 404) with invoicesync.ErrNotFound.
func notFound(err error) error {
	var ae *httpx.APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return fmt.Errorf("%w: %w", invoicesync.ErrNotFound, err)
	}
	return err
}

// FindEntry returns the voucher whose externalVoucherNumber is key, posted
// or not.
func (l *Ledger) FindEntry(ctx context.Context, key string) (invoicesync.EntryRef, error) {
	if err := ctx.Err(); err != nil {
		return invoicesync.EntryRef{}, err
	}
	if key == "" {
		return invoicesync.EntryRef{}, fmt.Errorf("tripletex: an empty idempotency key: %w", invoicesync.ErrNotFound)
	}
	vs, err := getList[apiVoucher](ctx, l, "/ledger/voucher/>externalVoucherNumber", url.Values{"externalVoucherNumber": {key}})
	if err != nil {
		return invoicesync.EntryRef{}, fmt.Errorf("tripletex: finding the voucher of key %s: %w", key, err)
	}
	for _, v := range vs {
		if v.ExternalVoucherNumber == key {
			return voucherRef(v), nil
		}
	}
	return invoicesync.EntryRef{}, fmt.Errorf("tripletex: no voucher with external number %s: %w", key, invoicesync.ErrNotFound)
}

// voucherRef is a voucher's reference: its id, and its number as
// Tripletex shows it ("12-2026"), or the temporary number of a non-posted one.
func voucherRef(v apiVoucher) invoicesync.EntryRef {
	r := invoicesync.EntryRef{ID: itoa(v.ID)}
	switch {
	case v.Number > 0 && len(v.Date) >= 4:
		r.Number = itoa(v.Number) + "-" + v.Date[:4]
	case v.TempNumber > 0:
		r.Number = "temp " + itoa(v.TempNumber)
	}
	return r
}

// PostEntry posts e as a voucher, once per idempotency key (see the
// package comment).
func (l *Ledger) PostEntry(ctx context.Context, e *invoicesync.Entry) (invoicesync.EntryRef, error) {
	if err := ctx.Err(); err != nil {
		return invoicesync.EntryRef{}, err
	}
	if err := e.Check(); err != nil {
		return invoicesync.EntryRef{}, fmt.Errorf("tripletex: %w", err)
	}
	if len(e.IdempotencyKey) > maxExternalNumber {
		return invoicesync.EntryRef{}, fmt.Errorf("tripletex: idempotency key %q is longer than the %d characters of an external voucher number", e.IdempotencyKey, maxExternalNumber)
	}
	v, err := l.voucher(ctx, e)
	if err != nil {
		return invoicesync.EntryRef{}, err
	}
	if e.IdempotencyKey != "" {
		unlock := l.lockKey(e.IdempotencyKey)
		defer unlock()
		ref, err := l.FindEntry(ctx, e.IdempotencyKey)
		if err == nil {
			return ref, nil
		}
		if !errors.Is(err, invoicesync.ErrNotFound) {
			return invoicesync.EntryRef{}, err
		}
	}
	q := url.Values{"sendToLedger": {strconv.FormatBool(!e.Draft)}}
	var out single[apiVoucher]
	if err := l.c.JSON(ctx, http.MethodPost, "/ledger/voucher", q, v, &out); err != nil {
		return invoicesync.EntryRef{}, fmt.Errorf("tripletex: posting voucher %s: %w", e.Reference, err)
	}
	return voucherRef(out.Value), nil
}

// Voucher reads the voucher id back as an entry (see the package comment):
// what Tripletex holds, not what was sent.
func (l *Ledger) Voucher(ctx context.Context, id string) (invoicesync.Entry, error) {
	if err := ctx.Err(); err != nil {
		return invoicesync.Entry{}, err
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return invoicesync.Entry{}, fmt.Errorf("tripletex: voucher %q: %w", id, invoicesync.ErrNotFound)
	}
	var out single[apiVoucher]
	if err := l.c.JSON(ctx, http.MethodGet, "/ledger/voucher/"+id, nil, nil, &out); err != nil {
		return invoicesync.Entry{}, fmt.Errorf("tripletex: reading voucher %s: %w", id, notFound(err))
	}
	ch, err := l.cachedChart(ctx)
	if err != nil {
		return invoicesync.Entry{}, err
	}
	return l.readVoucher(ch, out.Value), nil
}
