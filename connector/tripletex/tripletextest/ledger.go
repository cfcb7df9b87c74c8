package tripletextest

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// The ledger types an account can have (Account.ledgerType).
const (
	LedgerGeneral  = "GENERAL"  // an ordinary account (the default)
	LedgerCustomer = "CUSTOMER" // the customer ledger: every posting needs a customer
	LedgerVendor   = "VENDOR"   // the supplier ledger: every posting needs a supplier
	LedgerEmployee = "EMPLOYEE" // the employee ledger
	LedgerAsset    = "ASSET"    // the asset ledger
)

// AccountOptions are the optional properties of an account created by
// AddAccount. The zero value is an active GENERAL account accepting any VAT
// type and currency.
type AccountOptions struct {
	// Description is the account's description.
	Description string
	// Inactive makes the account inactive (isInactive): vouchers posting to
	// it are refused.
	Inactive bool
	// LegalVATTypes are the numbers of the VAT types postings on the account
	// may have (legalVatTypes); empty means any.
	LegalVATTypes []string
	// VATType is the number of the account's default VAT type (vatType), if any.
	VATType string
	// VATLocked requires every posting on the account to have VATType as its
	// VAT type (none when VATType is empty).
	VATLocked bool
	// LedgerType is GENERAL (the default), CUSTOMER, VENDOR, EMPLOYEE or ASSET.
	// Postings on a CUSTOMER account need a customer, on a VENDOR account a
	// supplier.
	LedgerType string
	// Currency, when set, is the code of the only currency postings on the
	// account may have.
	Currency string
	// Closeable marks an account whose open entries can be closed (isCloseable).
	Closeable bool
}

type account struct {
	id     int64
	number int
	name   string
	opts   AccountOptions
}

type vatType struct {
	id         int64
	number     string
	name       string
	percentage decimal.Decimal
	vatAccount int // the account number VAT is posted to; 0 for none
}

type voucherType struct {
	id   int64
	name string
}

type currency struct {
	id          int64
	code        string
	description string
}

type country struct {
	id      int64
	alpha2  string
	alpha3  string
	numeric string
	name    string
}

var seedCurrencies = []struct{ code, description string }{
	{"NOK", "Norske kroner"},
	{"EUR", "Euro"},
	{"SEK", "Svenske kroner"},
	{"USD", "Amerikanske dollar"},
	{"GBP", "Britiske pund"},
}

var currencyDescriptions = map[string]string{
	"DKK": "Danske kroner",
	"CHF": "Sveitsiske franc",
	"PLN": "Polske zloty",
	"ISK": "Islandske kroner",
	"JPY": "Japanske yen",
}

var seedCountries = []struct{ alpha2, alpha3, numeric, name string }{
	{"NO", "NOR", "578", "Norge"},
	{"SE", "SWE", "752", "Sverige"},
	{"DK", "DNK", "208", "Danmark"},
	{"FI", "FIN", "246", "Finland"},
	{"IS", "ISL", "352", "Island"},
	{"DE", "DEU", "276", "Tyskland"},
	{"FR", "FRA", "250", "Frankrike"},
	{"BE", "BEL", "056", "Belgia"},
	{"NL", "NLD", "528", "Nederland"},
	{"ES", "ESP", "724", "Spania"},
	{"IT", "ITA", "380", "Italia"},
	{"GB", "GBR", "826", "Storbritannia"},
	{"IE", "IRL", "372", "Irland"},
	{"US", "USA", "840", "USA"},
	{"CH", "CHE", "756", "Sveits"},
	{"PL", "POL", "616", "Polen"},
	{"AT", "AUT", "040", "Østerrike"},
}

// AddAccount adds an account to the chart of accounts and returns its id.
// At most one AccountOptions is read. It panics when number is not positive
// or already used, or when an option is invalid (an unknown ledger type or
// currency): those are mistakes in the test.
func (s *Server) AddAccount(number int, name string, opts ...AccountOptions) int64 {
	var o AccountOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	o.LegalVATTypes = slices.Clone(o.LegalVATTypes)
	o.LedgerType = strings.ToUpper(o.LedgerType)
	if o.LedgerType == "" {
		o.LedgerType = LedgerGeneral
	}
	o.Currency = strings.ToUpper(o.Currency)
	s.mu.Lock()
	defer s.mu.Unlock()
	if number <= 0 {
		panic(fmt.Sprintf("tripletextest: AddAccount: account number %d is not positive", number))
	}
	if s.accountByNumber(number) != nil {
		panic(fmt.Sprintf("tripletextest: AddAccount: account %d exists already", number))
	}
	switch o.LedgerType {
	case LedgerGeneral, LedgerCustomer, LedgerVendor, LedgerEmployee, LedgerAsset:
	default:
		panic(fmt.Sprintf("tripletextest: AddAccount: unknown ledger type %q", o.LedgerType))
	}
	if o.Currency != "" && s.currencyByCode(o.Currency) == nil {
		panic(fmt.Sprintf("tripletextest: AddAccount: unknown currency %q", o.Currency))
	}
	a := &account{id: s.newID(), number: number, name: name, opts: o}
	s.accounts = append(s.accounts, a)
	return a.id
}

// AddVATType adds a VAT type (a VAT code) and returns its id. number is its
// code, like "3"; percentage its rate; vatAccount the number of the account
// its VAT postings go to (Tripletex keeps it in the company's settings, so it
// is not in the VAT type's JSON), or 0 when it has none — a voucher using a
// VAT type with a non-zero rate and no VAT account is then refused. It panics
// when number is empty or already used.
func (s *Server) AddVATType(number, name string, percentage decimal.Decimal, vatAccount int) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if number == "" {
		panic("tripletextest: AddVATType: empty number")
	}
	if s.vatTypeByNumber(number) != nil {
		panic(fmt.Sprintf("tripletextest: AddVATType: VAT type %q exists already", number))
	}
	v := &vatType{id: s.newID(), number: number, name: name, percentage: percentage, vatAccount: vatAccount}
	s.vatTypes = append(s.vatTypes, v)
	return v.id
}

// OutgoingInvoiceVoucherType is the name of the voucher type Tripletex keeps
// for its own invoices: new vouchers may not have it.
const OutgoingInvoiceVoucherType = "Utgående faktura"

// AddVoucherType adds a voucher type and returns its id. A voucher type named
// OutgoingInvoiceVoucherType is listed but refused on new vouchers. It panics
// when the name is empty or already used.
func (s *Server) AddVoucherType(name string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "" {
		panic("tripletextest: AddVoucherType: empty name")
	}
	if find(s.voucherTypes, func(t *voucherType) bool { return t.name == name }) != nil {
		panic(fmt.Sprintf("tripletextest: AddVoucherType: voucher type %q exists already", name))
	}
	t := &voucherType{id: s.newID(), name: name}
	s.voucherTypes = append(s.voucherTypes, t)
	return t.id
}

// AddCurrency adds a currency by its ISO 4217 code and returns its id; for a
// code already there, it returns the existing currency's id. Currency ids
// count from 1 (NOK) in the order currencies were added.
func (s *Server) AddCurrency(code string) int64 {
	code = strings.ToUpper(code)
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.currencyByCode(code); c != nil {
		return c.id
	}
	desc := currencyDescriptions[code]
	if desc == "" {
		desc = code
	}
	return s.addCurrency(code, desc)
}

func (s *Server) addCurrency(code, description string) int64 {
	c := &currency{id: int64(len(s.currencies) + 1), code: code, description: description}
	s.currencies = append(s.currencies, c)
	return c.id
}

// AddCountry adds a country by its ISO 3166-1 alpha-2 code and name and
// returns its id; for a code already there, it returns the existing
// country's id. Country ids count from 1 in the order countries were added.
func (s *Server) AddCountry(code, name string) int64 {
	return s.addCountry(code, "", "", name)
}

func (s *Server) addCountry(alpha2, alpha3, numeric, name string) int64 {
	alpha2 = strings.ToUpper(alpha2)
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.countryByCode(alpha2); c != nil {
		return c.id
	}
	c := &country{id: int64(len(s.countries) + 1), alpha2: alpha2, alpha3: alpha3, numeric: numeric, name: name}
	s.countries = append(s.countries, c)
	return c.id
}

// Lookups; the caller holds s.mu.

// find returns the first element of list that match accepts, nil when none
// does.
func find[T any](list []*T, match func(*T) bool) *T {
	if i := slices.IndexFunc(list, match); i >= 0 {
		return list[i]
	}
	return nil
}

func (s *Server) accountByID(id int64) *account {
	return find(s.accounts, func(a *account) bool { return a.id == id })
}

func (s *Server) accountByNumber(n int) *account {
	return find(s.accounts, func(a *account) bool { return a.number == n })
}

func (s *Server) vatTypeByID(id int64) *vatType {
	return find(s.vatTypes, func(v *vatType) bool { return v.id == id })
}

func (s *Server) vatTypeByNumber(n string) *vatType {
	return find(s.vatTypes, func(v *vatType) bool { return v.number == n })
}

func (s *Server) voucherTypeByID(id int64) *voucherType {
	return find(s.voucherTypes, func(t *voucherType) bool { return t.id == id })
}

func (s *Server) currencyByID(id int64) *currency {
	return find(s.currencies, func(c *currency) bool { return c.id == id })
}

func (s *Server) currencyByCode(code string) *currency {
	return find(s.currencies, func(c *currency) bool { return c.code == code })
}

func (s *Server) countryByID(id int64) *country {
	return find(s.countries, func(c *country) bool { return c.id == id })
}

func (s *Server) countryByCode(code string) *country {
	return find(s.countries, func(c *country) bool { return c.alpha2 == code })
}

// JSON views.

type accountJSON struct {
	ID            int64  `json:"id"`
	Version       int    `json:"version"`
	URL           string `json:"url"`
	Number        int    `json:"number"`
	Name          string `json:"name"`
	Description   string `json:"description"`
	LedgerType    string `json:"ledgerType"`
	VATType       *ref   `json:"vatType"`
	VATLocked     bool   `json:"vatLocked"`
	LegalVATTypes []ref  `json:"legalVatTypes"`
	Currency      *ref   `json:"currency"`
	IsCloseable   bool   `json:"isCloseable"`
	IsInactive    bool   `json:"isInactive"`
}

func (s *Server) accountJSON(a *account) accountJSON {
	j := accountJSON{
		ID:            a.id,
		URL:           s.url("ledger/account", a.id),
		Number:        a.number,
		Name:          a.name,
		Description:   a.opts.Description,
		LedgerType:    a.opts.LedgerType,
		VATLocked:     a.opts.VATLocked,
		LegalVATTypes: []ref{},
		IsCloseable:   a.opts.Closeable,
		IsInactive:    a.opts.Inactive,
	}
	if v := s.vatTypeByNumber(a.opts.VATType); v != nil {
		j.VATType = s.ref("ledger/vatType", v.id)
	}
	for _, n := range a.opts.LegalVATTypes {
		if v := s.vatTypeByNumber(n); v != nil {
			j.LegalVATTypes = append(j.LegalVATTypes, *s.ref("ledger/vatType", v.id))
		}
	}
	if c := s.currencyByCode(a.opts.Currency); c != nil {
		j.Currency = s.ref("currency", c.id)
	}
	return j
}

type vatTypeJSON struct {
	ID                  int64       `json:"id"`
	Version             int         `json:"version"`
	URL                 string      `json:"url"`
	Name                string      `json:"name"`
	Number              string      `json:"number"`
	Percentage          jsonDecimal `json:"percentage"`
	DeductionPercentage jsonDecimal `json:"deductionPercentage"`
	ParentType          *ref        `json:"parentType"`
}

// jsonDecimal writes a decimal as a JSON number, as precise as it is.
type jsonDecimal decimal.Decimal

// MarshalJSON implements json.Marshaler.
func (d jsonDecimal) MarshalJSON() ([]byte, error) { return []byte(decimal.Decimal(d).String()), nil }

func (s *Server) vatTypeJSON(v *vatType) vatTypeJSON {
	return vatTypeJSON{
		ID:                  v.id,
		URL:                 s.url("ledger/vatType", v.id),
		Name:                v.name,
		Number:              v.number,
		Percentage:          jsonDecimal(v.percentage),
		DeductionPercentage: jsonDecimal(decimal.NewFromInt(100)),
	}
}

type voucherTypeJSON struct {
	ID          int64  `json:"id"`
	Version     int    `json:"version"`
	URL         string `json:"url"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
}

func (s *Server) voucherTypeJSON(t *voucherType) voucherTypeJSON {
	return voucherTypeJSON{ID: t.id, URL: s.url("ledger/voucherType", t.id), Name: t.name, DisplayName: t.name}
}

type currencyJSON struct {
	ID          int64  `json:"id"`
	Version     int    `json:"version"`
	URL         string `json:"url"`
	Code        string `json:"code"`
	Description string `json:"description"`
	Factor      int    `json:"factor"`
	DisplayName string `json:"displayName"`
}

func (s *Server) currencyJSON(c *currency) currencyJSON {
	return currencyJSON{ID: c.id, URL: s.url("currency", c.id), Code: c.code, Description: c.description, Factor: 1,
		DisplayName: c.code + " - " + c.description}
}

type countryJSON struct {
	ID             int64  `json:"id"`
	Version        int    `json:"version"`
	URL            string `json:"url"`
	Name           string `json:"name"`
	DisplayName    string `json:"displayName"`
	IsoAlpha2Code  string `json:"isoAlpha2Code"`
	IsoAlpha3Code  string `json:"isoAlpha3Code"`
	IsoNumericCode string `json:"isoNumericCode"`
}

func (s *Server) countryJSON(c *country) countryJSON {
	return countryJSON{ID: c.id, URL: s.url("country", c.id), Name: c.name, DisplayName: c.name,
		IsoAlpha2Code: c.alpha2, IsoAlpha3Code: c.alpha3, IsoNumericCode: c.numeric}
}

// Handlers.

func (s *Server) listAccounts(q url.Values) reply {
	ids, rep, ok := s.idList(q, "id")
	if !ok {
		return rep
	}
	numbers, rep, ok := s.idList(q, "number")
	if !ok {
		return rep
	}
	inactive, inactiveSet, rep, ok := s.boolParam(q, "isInactive")
	if !ok {
		return rep
	}
	ledgerType := strings.ToUpper(q.Get("ledgerType"))
	sorted := slices.Clone(s.accounts)
	slices.SortFunc(sorted, func(a, b *account) int { return cmp.Compare(a.number, b.number) })
	out := []accountJSON{}
	for _, a := range sorted {
		if (ids != nil && !ids[a.id]) || (numbers != nil && !numbers[int64(a.number)]) ||
			(inactiveSet && a.opts.Inactive != inactive) || (ledgerType != "" && a.opts.LedgerType != ledgerType) {
			continue
		}
		out = append(out, s.accountJSON(a))
	}
	return page(s, q, out, nil)
}

func (s *Server) getAccount(id int64) reply {
	a := s.accountByID(id)
	if a == nil {
		return s.notFound(fmt.Sprintf("no account with id %d", id))
	}
	return single(http.StatusOK, s.accountJSON(a))
}

func (s *Server) listVATTypes(q url.Values) reply {
	ids, rep, ok := s.idList(q, "id")
	if !ok {
		return rep
	}
	numbers := stringList(q, "number")
	sorted := slices.Clone(s.vatTypes)
	slices.SortStableFunc(sorted, func(a, b *vatType) int {
		na, ea := strconv.Atoi(a.number)
		nb, eb := strconv.Atoi(b.number)
		if ea == nil && eb == nil {
			return cmp.Compare(na, nb)
		}
		return cmp.Compare(a.number, b.number)
	})
	out := []vatTypeJSON{}
	for _, v := range sorted {
		if (ids != nil && !ids[v.id]) || (numbers != nil && !numbers[v.number]) {
			continue
		}
		out = append(out, s.vatTypeJSON(v))
	}
	return page(s, q, out, nil)
}

func (s *Server) getVATType(id int64) reply {
	v := s.vatTypeByID(id)
	if v == nil {
		return s.notFound(fmt.Sprintf("no VAT type with id %d", id))
	}
	return single(http.StatusOK, s.vatTypeJSON(v))
}

// listVoucherTypes answers GET /ledger/voucherType; its name parameter means
// "containing", as documented, compared ignoring case.
func (s *Server) listVoucherTypes(q url.Values) reply {
	name := strings.ToLower(q.Get("name"))
	out := []voucherTypeJSON{}
	for _, t := range s.voucherTypes {
		if name != "" && !strings.Contains(strings.ToLower(t.name), name) {
			continue
		}
		out = append(out, s.voucherTypeJSON(t))
	}
	return page(s, q, out, nil)
}

func (s *Server) getVoucherType(id int64) reply {
	t := s.voucherTypeByID(id)
	if t == nil {
		return s.notFound(fmt.Sprintf("no voucher type with id %d", id))
	}
	return single(http.StatusOK, s.voucherTypeJSON(t))
}

func (s *Server) listCurrencies(q url.Values) reply {
	ids, rep, ok := s.idList(q, "id")
	if !ok {
		return rep
	}
	codes := upperList(q, "code")
	out := []currencyJSON{}
	for _, c := range s.currencies {
		if (ids != nil && !ids[c.id]) || (codes != nil && !codes[c.code]) {
			continue
		}
		out = append(out, s.currencyJSON(c))
	}
	return page(s, q, out, nil)
}

func (s *Server) getCurrency(id int64) reply {
	c := s.currencyByID(id)
	if c == nil {
		return s.notFound(fmt.Sprintf("no currency with id %d", id))
	}
	return single(http.StatusOK, s.currencyJSON(c))
}

func (s *Server) listCountries(q url.Values) reply {
	ids, rep, ok := s.idList(q, "id")
	if !ok {
		return rep
	}
	codes := upperList(q, "code")
	out := []countryJSON{}
	for _, c := range s.countries {
		if (ids != nil && !ids[c.id]) || (codes != nil && !codes[c.alpha2]) {
			continue
		}
		out = append(out, s.countryJSON(c))
	}
	return page(s, q, out, nil)
}

func (s *Server) getCountry(id int64) reply {
	c := s.countryByID(id)
	if c == nil {
		return s.notFound(fmt.Sprintf("no country with id %d", id))
	}
	return single(http.StatusOK, s.countryJSON(c))
}
