package eboekhouden

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/httpx"
)

// ProductionURL is the base URL of the e-Boekhouden REST API.
const ProductionURL = "https://api.e-boekhouden.nl"

// DefaultSource is Options.Source's default: the name the integration
// gives e-Boekhouden when it opens a session.
const DefaultSource = "InvSync"

// pageSize is the limit asked for per page of a list: the API's largest.
const pageSize = 2000

// MutationType is the type of a mutation, as e-Boekhouden numbers them.
type MutationType int

// The mutation types of the API. Entries are posted as InvoiceReceived,
// InvoiceSent or Memorial; the payment types are listed for completeness.
const (
	InvoiceReceived        MutationType = 1 // a purchase invoice (creditor ledger)
	InvoiceSent            MutationType = 2 // a sales invoice (debtor ledger)
	InvoicePaymentReceived MutationType = 3
	InvoicePaymentSent     MutationType = 4
	MoneyReceived          MutationType = 5
	MoneySent              MutationType = 6
	Memorial               MutationType = 7 // a general journal entry
)

// typeNames are the journals' names.
var typeNames = map[MutationType]string{
	InvoiceReceived: "Invoice received", InvoiceSent: "Invoice sent", InvoicePaymentReceived: "Invoice payment received",
	InvoicePaymentSent: "Invoice payment sent", MoneyReceived: "Money received", MoneySent: "Money sent", Memorial: "Memorial",
}

// Mode says how PostEntry records a sales entry.
type Mode int

const (
	// ModeMutation posts every entry as a mutation (POST /v1/mutation).
	ModeMutation Mode = iota
	// ModeInvoice creates a sales entry as an invoice of e-Boekhouden's
	// invoice module (POST /v1/invoice), which e-Boekhouden books itself;
	// other entries are still mutations.
	ModeInvoice
)

// Options configure a Ledger.
type Options struct {
	// BaseURL is the API's base URL; ProductionURL when empty.
	BaseURL string
	// AccessToken is the API token created in e-Boekhouden (Settings, API).
	// Required; never logged.
	AccessToken string
	// Source names the integration to e-Boekhouden: 1 to 10 letters, digits,
	// "-" or "_"; DefaultSource when empty.
	Source string
	// Tenant names the administration for rate limits, the TokenStore and logs.
	Tenant string
	// TokenStore keeps the session token between runs; optional.
	TokenStore httpx.TokenStore
	// Country is the administration's country, "NL" (the default) or "BE":
	// it chooses the fixed VAT codes listed.
	Country string
	// Currency is the administration's currency; "EUR" when empty. The API
	// has no currency field: entries must be in it.
	Currency string
	// InactiveAccounts are ledger codes listed inactive: the API has no
	// active flag on ledgers.
	InactiveAccounts []string
	// VATAccounts maps a VAT code to the ledger code where e-Boekhouden
	// books its VAT, when it is not the first ledger of the default
	// category (see the package comment).
	VATAccounts map[string]string
	// DivergentCodes are VAT codes of other rates, posted with e-Boekhouden's
	// divergent codes (AFW_VERK for sales, AFW for purchases) and the VAT
	// amount of each row; Code, Name, Rate, Direction, Account and Active are used.
	DivergentCodes []invoicesync.VATCode
	// Journals are extra journal codes for mutation types, e.g. {"VK": InvoiceSent}.
	Journals map[string]MutationType
	// Mode chooses how sales entries are recorded; ModeMutation by default.
	Mode Mode
	// InvoiceTemplate is the name of the invoice template of ModeInvoice. Required then.
	InvoiceTemplate string
	// TermOfPayment is the term in days of an invoice without due date in
	// ModeInvoice; 30 when 0.
	TermOfPayment int
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
	// CommitWindow is how long after a PostEntry call begins e-Boekhouden
	// may still record its mutation (see the package comment). Zero means
	// the HTTP client's timeout plus CommitMargin; negative means none.
	CommitWindow time.Duration
}

// CommitMargin is how long the default commit window assumes e-Boekhouden
// may go on with a request after the client stopped waiting. The API
// documents no bound; five minutes is many times a normal POST.
const CommitMargin = 5 * time.Minute

var (
	_ invoicesync.LedgerTarget   = (*Ledger)(nil)
	_ invoicesync.DraftPoster    = (*Ledger)(nil)
	_ invoicesync.PartnerLister  = (*Ledger)(nil)
	_ invoicesync.CommitWindower = (*Ledger)(nil)
)

// Ledger is a LedgerTarget, DraftPoster (without drafts), PartnerLister and
// CommitWindower over one e-Boekhouden administration. Safe for concurrent use.
type Ledger struct {
	o     Options
	c     *httpx.Client
	clock httpx.Clock

	mu        sync.Mutex
	chart     *chart
	relations map[int]apiRelation // read or created, by id
	template  int                 // the invoice template's id, once found
	keyLocks  map[string]*keyLock
}

// chart is the cached chart of the administration.
type chart struct {
	ledgers  map[string]apiLedger // by code
	byID     map[int]apiLedger
	vat      map[string]*vatRule // by the chart's code
	journals map[string]MutationType
	checks   *invoicesync.Chart
}

// categoryAccount returns the code of the first ledger (by code) of category.
func (ch *chart) categoryAccount(category string) string {
	best := ""
	for code, l := range ch.ledgers {
		if l.Category == category && (best == "" || code < best) {
			best = code
		}
	}
	return best
}

type keyLock struct {
	mu   sync.Mutex
	refs int
}

var sourcePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,10}$`)

// New returns a Ledger. It does not connect: the first call opens the session.
func New(o Options) (*Ledger, error) {
	if o.AccessToken == "" {
		return nil, errors.New("eboekhouden: the access token is required: create one in e-Boekhouden under Settings, API")
	}
	if o.BaseURL == "" {
		o.BaseURL = ProductionURL
	}
	if o.Source == "" {
		o.Source = DefaultSource
	}
	if !sourcePattern.MatchString(o.Source) {
		return nil, fmt.Errorf("eboekhouden: source %q must be 1 to 10 letters, digits, '-' or '_'", o.Source)
	}
	if o.Country == "" {
		o.Country = "NL"
	}
	if o.Country != "NL" && o.Country != "BE" {
		return nil, fmt.Errorf("eboekhouden: country %q: e-Boekhouden has VAT codes for NL and BE only: %w", o.Country, invoicesync.ErrNotSupported)
	}
	if o.Currency == "" {
		o.Currency = "EUR"
	}
	if o.TermOfPayment <= 0 {
		o.TermOfPayment = 30
	}
	if o.Mode == ModeInvoice && o.InvoiceTemplate == "" {
		return nil, errors.New("eboekhouden: ModeInvoice needs Options.InvoiceTemplate, the name of an invoice template of the administration")
	}
	l := &Ledger{o: o, clock: o.Clock, relations: map[int]apiRelation{}, keyLocks: map[string]*keyLock{}}
	if l.clock == nil {
		l.clock = httpx.SystemClock{}
	}
	auth := &httpx.TokenAuth{
		Fetch:  httpx.Session(l.createSession),
		Store:  o.TokenStore,
		Tenant: o.Tenant,
		Clock:  l.clock,
		Apply: func(req *http.Request, tok *oauth2.Token) {
			req.Header.Set("Authorization", tok.AccessToken) // the session token as is, no scheme
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
		Redactor:    httpx.NewRedactor(o.AccessToken),
		UserAgent:   "invoicesync-eboekhouden",
	})
	if err != nil {
		return nil, fmt.Errorf("eboekhouden: %w", err)
	}
	l.c = c
	return l, nil
}

// createSession exchanges the access token for a session token.
func (l *Ledger) createSession(ctx context.Context) (string, time.Time, error) {
	start := l.clock.Now()
	in := map[string]string{"accessToken": l.o.AccessToken, "source": l.o.Source}
	var out apiSession
	err := l.c.JSONRequest(ctx, &httpx.Request{Method: http.MethodPost, Path: "/v1/session", NoAuth: true}, in, &out)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("eboekhouden: opening a session (check the access token in e-Boekhouden's API settings): %w", err)
	}
	if out.Token == "" {
		return "", time.Time{}, errors.New("eboekhouden: opening a session: e-Boekhouden answered no token")
	}
	var exp time.Time
	if out.ExpiresIn > 0 {
		exp = start.Add(time.Duration(out.ExpiresIn) * time.Second)
	}
	return out.Token, exp, nil
}

// getList reads every page of a list endpoint.
func getList[T any](ctx context.Context, l *Ledger, path string, q url.Values) ([]T, error) {
	var all []T
	for offset := 0; ; {
		qq := url.Values{}
		for k, v := range q {
			qq[k] = v
		}
		qq.Set("limit", strconv.Itoa(pageSize))
		qq.Set("offset", strconv.Itoa(offset))
		var page list[T]
		if err := l.c.JSON(ctx, http.MethodGet, path, qq, nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		offset += len(page.Items)
		if len(page.Items) == 0 || offset >= page.Count {
			return all, nil
		}
	}
}

// reload reads the ledgers again and caches the chart they make.
func (l *Ledger) reload(ctx context.Context) (*chart, error) {
	ledgers, err := getList[apiLedger](ctx, l, "/v1/ledger", nil)
	if err != nil {
		return nil, fmt.Errorf("eboekhouden: listing ledger accounts: %w", err)
	}
	ch := &chart{ledgers: map[string]apiLedger{}, byID: map[int]apiLedger{}, journals: map[string]MutationType{}}
	for _, a := range ledgers {
		ch.ledgers[a.Code] = a
		ch.byID[a.ID] = a
	}
	ch.vat = l.vatRules(ch)
	for _, t := range []MutationType{InvoiceReceived, InvoiceSent, Memorial} {
		ch.journals[itoa(int(t))] = t
	}
	for code, t := range l.o.Journals {
		ch.journals[code] = t
	}
	ch.checks = invoicesync.NewChart(l.listAccounts(ch), listVATCodes(ch), l.listJournals(ch))
	l.mu.Lock()
	l.chart = ch
	l.mu.Unlock()
	return ch, nil
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

func (l *Ledger) listAccounts(ch *chart) []invoicesync.Account {
	out := make([]invoicesync.Account, 0, len(ch.ledgers))
	for code, a := range ch.ledgers {
		out = append(out, invoicesync.Account{Number: code, Name: a.Description, Active: !slices.Contains(l.o.InactiveAccounts, code)})
	}
	sortBy(out, func(a invoicesync.Account) string { return a.Number })
	return out
}

func listVATCodes(ch *chart) []invoicesync.VATCode {
	out := make([]invoicesync.VATCode, 0, len(ch.vat))
	for _, r := range ch.vat {
		out = append(out, r.vatCode())
	}
	sortBy(out, func(v invoicesync.VATCode) string { return v.Code })
	return out
}

func (l *Ledger) listJournals(ch *chart) []invoicesync.Journal {
	out := make([]invoicesync.Journal, 0, len(ch.journals))
	for code, t := range ch.journals {
		j := invoicesync.Journal{Code: code, Name: typeNames[t], Type: "general"}
		switch t {
		case InvoiceSent:
			j.Type = "sales"
		case InvoiceReceived:
			j.Type = "purchase"
		}
		out = append(out, j)
	}
	sortBy(out, func(j invoicesync.Journal) string { return j.Code })
	return out
}

// Accounts lists the ledger accounts by code (GET /v1/ledger).
func (l *Ledger) Accounts(ctx context.Context) ([]invoicesync.Account, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ch, err := l.reload(ctx)
	if err != nil {
		return nil, err
	}
	return l.listAccounts(ch), nil
}

// VATCodes lists e-Boekhouden's fixed VAT codes of Options.Country and
// Options.DivergentCodes (see the package comment).
func (l *Ledger) VATCodes(ctx context.Context) ([]invoicesync.VATCode, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ch, err := l.reload(ctx)
	if err != nil {
		return nil, err
	}
	return listVATCodes(ch), nil
}

// Journals lists the mutation types entries can be posted as ("1" invoice
// received, "2" invoice sent, "7" memorial) and Options.Journals.
func (l *Ledger) Journals(ctx context.Context) ([]invoicesync.Journal, error) {
	ch, err := l.cachedChart(ctx)
	if err != nil {
		return nil, err
	}
	return l.listJournals(ch), nil
}

// CommitWindow implements invoicesync.CommitWindower: Options.CommitWindow
// when positive, none when negative, else the HTTP client's timeout
// (Options.HTTPClient.Timeout when set, else httpx.DefaultTimeout) plus
// CommitMargin.
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

// SupportsDrafts reports false: e-Boekhouden's API has no draft mutations.
func (l *Ledger) SupportsDrafts() bool { return false }

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

// keyMark is how the idempotency key ends a mutation's description: in
// braces, which no [like] filter gives a meaning (SQL dialects may read
// brackets as a set of characters).
func keyMark(key string) string { return " {" + key + "}" }

// describe is the description of a mutation: the label and the key.
func describe(label, key string) string {
	if key == "" {
		return label
	}
	return label + keyMark(key)
}

// splitDescription is describe's inverse.
func splitDescription(d string) (label, key string) {
	if !strings.HasSuffix(d, "}") {
		return d, ""
	}
	i := strings.LastIndex(d, " {")
	if i < 0 {
		return d, ""
	}
	return d[:i], d[i+2 : len(d)-1]
}

// FindEntry returns the mutation whose description ends with the key
// (GET /v1/mutation, description[like]).
func (l *Ledger) FindEntry(ctx context.Context, key string) (invoicesync.EntryRef, error) {
	if err := ctx.Err(); err != nil {
		return invoicesync.EntryRef{}, err
	}
	if key == "" {
		return invoicesync.EntryRef{}, fmt.Errorf("eboekhouden: an empty idempotency key: %w", invoicesync.ErrNotFound)
	}
	q := url.Values{"description[like]": {"%" + keyMark(key)}}
	items, err := getList[apiMutationItem](ctx, l, "/v1/mutation", q)
	if err != nil {
		return invoicesync.EntryRef{}, fmt.Errorf("eboekhouden: finding the mutation of key %s: %w", key, err)
	}
	wild := strings.ContainsAny(key, "%?_[]{}")
	for _, it := range items {
		if wild { // the pattern matched more than the key: read the description
			m, err := l.mutation(ctx, it.ID)
			if err != nil {
				return invoicesync.EntryRef{}, err
			}
			if _, k := splitDescription(m.Description); k != key {
				continue
			}
		}
		return mutationRef(it.ID), nil
	}
	return invoicesync.EntryRef{}, fmt.Errorf("eboekhouden: no mutation with key %s: %w", key, invoicesync.ErrNotFound)
}

// mutationRef is a mutation's reference: its id (e-Boekhouden's mutation number).
func mutationRef(id int) invoicesync.EntryRef {
	return invoicesync.EntryRef{ID: itoa(id), Number: itoa(id)}
}

// mutation reads one mutation.
func (l *Ledger) mutation(ctx context.Context, id int) (apiMutation, error) {
	var m apiMutation
	if err := l.c.JSON(ctx, http.MethodGet, "/v1/mutation/"+itoa(id), nil, nil, &m); err != nil {
		return m, fmt.Errorf("eboekhouden: reading mutation %d: %w", id, notFound(err))
	}
	return m, nil
}

// notFound wraps err (a 404) with invoicesync.ErrNotFound.
func notFound(err error) error {
	var ae *httpx.APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return fmt.Errorf("%w: %w", invoicesync.ErrNotFound, err)
	}
	return err
}

// Mutation reads the mutation id back as an entry (see the package
// comment): what e-Boekhouden holds, not what was sent.
func (l *Ledger) Mutation(ctx context.Context, id string) (invoicesync.Entry, error) {
	if err := ctx.Err(); err != nil {
		return invoicesync.Entry{}, err
	}
	n, err := strconv.Atoi(id)
	if err != nil || n <= 0 {
		return invoicesync.Entry{}, fmt.Errorf("eboekhouden: mutation %q: %w", id, invoicesync.ErrNotFound)
	}
	m, err := l.mutation(ctx, n)
	if err != nil {
		return invoicesync.Entry{}, err
	}
	ch, err := l.cachedChart(ctx)
	if err != nil {
		return invoicesync.Entry{}, err
	}
	return l.readMutation(ch, m), nil
}

// sortBy sorts s by key.
func sortBy[T any](s []T, key func(T) string) {
	slices.SortFunc(s, func(a, b T) int { return strings.Compare(key(a), key(b)) })
}
