package tripletextest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strings"
)

// FirstPartnerNumber is the first customer or supplier number the server
// gives a customer or supplier created without one.
const FirstPartnerNumber = 10000

// Address is a customer's or supplier's postal or physical address.
type Address struct {
	AddressLine1 string // first address line
	AddressLine2 string // second address line
	PostalCode   string // postal code
	City         string // city
	// Country is the ISO 3166-1 alpha-2 code of the address's country; empty
	// for none. (The API refers to the country by its id.)
	Country string
}

// Partner is a customer or a supplier as the server stores it; AddCustomer
// and Customers use it for customers, AddSupplier and Suppliers for
// suppliers.
type Partner struct {
	// ID is the partner's id; ignored by AddCustomer and AddSupplier.
	ID int64
	// Version is the object's version, 0 for a new one; ignored by
	// AddCustomer and AddSupplier.
	Version int
	// Name is the partner's name; required.
	Name string
	// OrganizationNumber is the company registration number (organizationNumber).
	OrganizationNumber string
	// CustomerNumber is the customer number of a customer, which AddCustomer
	// and POST /customer assign the next one from FirstPartnerNumber when it
	// is 0; of a supplier, its customer number when it is a customer too.
	CustomerNumber int
	// SupplierNumber is the supplier number of a supplier, which AddSupplier
	// and POST /supplier assign the next one from FirstPartnerNumber when it
	// is 0; of a customer, its supplier number when it is a supplier too.
	SupplierNumber int
	// IsCustomer says a supplier is also a customer; always true for a
	// customer (AddCustomer ignores it).
	IsCustomer bool
	// IsSupplier says a customer is also a supplier; always true for a
	// supplier (AddSupplier ignores it).
	IsSupplier bool
	// IsInactive marks an inactive partner.
	IsInactive bool
	// IsPrivateIndividual marks a person rather than a company.
	IsPrivateIndividual bool
	// Email is the partner's e-mail address.
	Email string
	// InvoiceEmail is the address invoices are sent to (of a customer) or
	// the supplier's address for invoices.
	InvoiceEmail string
	// OverdueNoticeEmail is the address overdue notices are sent to.
	OverdueNoticeEmail string
	// PhoneNumber is the partner's phone number.
	PhoneNumber string
	// PhoneNumberMobile is the partner's mobile phone number.
	PhoneNumberMobile string
	// Description is a free text.
	Description string
	// Language is a customer's language, NO, EN or SV; NO when empty. A
	// supplier has none: AddSupplier ignores it.
	Language string
	// PostalAddress is the postal address.
	PostalAddress Address
	// PhysicalAddress is the visiting address.
	PhysicalAddress Address
	// Currency is the code of the partner's preferred currency; the company
	// currency when empty.
	Currency string
}

// Customer is a customer as the server stores it.
type Customer = Partner

// Supplier is a supplier as the server stores it.
type Supplier = Partner

type partyKind int

const (
	customerKind partyKind = iota
	supplierKind
)

func (k partyKind) path() string {
	if k == customerKind {
		return "customer"
	}
	return "supplier"
}

type address struct {
	id         int64
	line1      string
	line2      string
	postalCode string
	city       string
	countryID  int64
}

// party is a customer or a supplier.
type party struct {
	id             int64
	version        int
	name           string
	orgNumber      string
	customerNumber int
	supplierNumber int
	isCustomer     bool
	isSupplier     bool
	isInactive     bool
	isPrivate      bool
	email          string
	invoiceEmail   string
	overdueEmail   string
	phone          string
	mobile         string
	description    string
	language       string
	postal         address
	physical       address
	currencyID     int64
}

func (s *Server) parties(k partyKind) *[]*party {
	if k == customerKind {
		return &s.customers
	}
	return &s.suppliers
}

// number returns the party's number in its role: the customer number of a
// customer, the supplier number of a supplier.
func (p *party) number(k partyKind) int {
	if k == customerKind {
		return p.customerNumber
	}
	return p.supplierNumber
}

func (s *Server) partyByID(k partyKind, id int64) *party {
	return find(*s.parties(k), func(p *party) bool { return p.id == id })
}

// AddCustomer stores a customer, as POST /customer would, and returns its
// id. It panics when the customer is invalid (no name, a customer number in
// use, an unknown country or currency code, ...): a mistake in the test.
func (s *Server) AddCustomer(c Customer) int64 { return s.seedParty(customerKind, c) }

// AddSupplier stores a supplier, as POST /supplier would, and returns its
// id. It panics when the supplier is invalid, as AddCustomer does.
func (s *Server) AddSupplier(sup Supplier) int64 { return s.seedParty(supplierKind, sup) }

func (s *Server) seedParty(k partyKind, in Partner) int64 {
	p := &party{
		name: in.Name, orgNumber: in.OrganizationNumber, customerNumber: in.CustomerNumber, supplierNumber: in.SupplierNumber,
		isCustomer: in.IsCustomer, isSupplier: in.IsSupplier, isInactive: in.IsInactive, isPrivate: in.IsPrivateIndividual,
		email: in.Email, invoiceEmail: in.InvoiceEmail, overdueEmail: in.OverdueNoticeEmail,
		phone: in.PhoneNumber, mobile: in.PhoneNumberMobile, description: in.Description, language: in.Language,
	}
	postal, physical, currencyCode := in.PostalAddress, in.PhysicalAddress, in.Currency
	s.mu.Lock()
	defer s.mu.Unlock()
	fail := func(format string, args ...any) {
		panic(fmt.Sprintf("tripletextest: Add%s: %s", strings.ToUpper(k.path()[:1])+k.path()[1:], fmt.Sprintf(format, args...)))
	}
	for _, a := range []struct {
		src Address
		dst *address
	}{{postal, &p.postal}, {physical, &p.physical}} {
		*a.dst = address{line1: a.src.AddressLine1, line2: a.src.AddressLine2, postalCode: a.src.PostalCode, city: a.src.City}
		if a.src.Country != "" {
			c := s.countryByCode(strings.ToUpper(a.src.Country))
			if c == nil {
				fail("unknown country %q", a.src.Country)
			}
			a.dst.countryID = c.id
		}
	}
	if currencyCode != "" {
		c := s.currencyByCode(strings.ToUpper(currencyCode))
		if c == nil {
			fail("unknown currency %q", currencyCode)
		}
		p.currencyID = c.id
	}
	if msgs := s.storeParty(k, p); len(msgs) > 0 {
		texts := make([]string, len(msgs))
		for i, m := range msgs {
			texts[i] = m.Field + ": " + m.Message
		}
		fail("%s", strings.Join(texts, "; "))
	}
	return p.id
}

// checkParty returns the problems of p (its country and currency ids
// already checked), normalising its name and language; it stores nothing.
func (s *Server) checkParty(k partyKind, p *party) []validationMessage {
	var msgs []validationMessage
	add := func(field, msg string) { msgs = append(msgs, fieldMessage(field, field, msg)) }
	p.name = strings.TrimSpace(p.name)
	if p.name == "" {
		add("name", "Kan ikke være null.")
	}
	numberField, numberWord := "customerNumber", "Kundenummeret"
	if k == supplierKind {
		numberField, numberWord = "supplierNumber", "Leverandørnummeret"
	}
	switch n := p.number(k); {
	case n < 0:
		add(numberField, numberWord+" kan ikke være negativt.")
	case n > 0:
		if find(*s.parties(k), func(other *party) bool { return other.number(k) == n }) != nil {
			add(numberField, fmt.Sprintf("%s %d er allerede i bruk.", numberWord, n))
		}
	}
	for _, e := range []struct{ field, value string }{
		{"email", p.email}, {"invoiceEmail", p.invoiceEmail}, {"overdueNoticeEmail", p.overdueEmail},
	} {
		if e.value != "" && !validEmail(e.value) {
			add(e.field, fmt.Sprintf("Ugyldig e-postadresse: %s.", e.value))
		}
	}
	if k == customerKind {
		if p.language == "" {
			p.language = "NO"
		}
		if !slices.Contains([]string{"NO", "EN", "SV"}, p.language) {
			add("language", fmt.Sprintf("Ugyldig språk %q: gyldige verdier er NO, EN og SV.", p.language))
		}
	} else {
		p.language = ""
	}
	return msgs
}

// storeParty validates p (its country and currency ids already checked),
// gives it an id, a number when it has none and address ids, and stores it.
// It stores nothing and returns the problems when p is invalid.
func (s *Server) storeParty(k partyKind, p *party) []validationMessage {
	if msgs := s.checkParty(k, p); len(msgs) > 0 {
		return msgs
	}
	if p.number(k) == 0 {
		highest := FirstPartnerNumber - 1
		for _, other := range *s.parties(k) {
			highest = max(highest, other.number(k))
		}
		if k == customerKind {
			p.customerNumber = highest + 1
		} else {
			p.supplierNumber = highest + 1
		}
	}
	if p.currencyID == 0 {
		p.currencyID = s.companyCurrencyID
	}
	p.isCustomer = p.isCustomer || k == customerKind
	p.isSupplier = p.isSupplier || k == supplierKind
	p.id = s.newID()
	p.postal.id = s.newID()
	p.physical.id = s.newID()
	list := s.parties(k)
	*list = append(*list, p)
	return nil
}

// validEmail reports whether e is a bare e-mail address with a domain.
func validEmail(e string) bool {
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(e, '@')
	return at > 0 && strings.Contains(e[at+1:], ".")
}

// partyIn is the body of POST /customer and POST /supplier.
type partyIn struct {
	Name                string     `json:"name"`
	OrganizationNumber  string     `json:"organizationNumber"`
	CustomerNumber      flexInt    `json:"customerNumber"`
	SupplierNumber      flexInt    `json:"supplierNumber"`
	IsCustomer          bool       `json:"isCustomer"`
	IsSupplier          bool       `json:"isSupplier"`
	IsInactive          bool       `json:"isInactive"`
	IsPrivateIndividual bool       `json:"isPrivateIndividual"`
	Email               string     `json:"email"`
	InvoiceEmail        string     `json:"invoiceEmail"`
	OverdueNoticeEmail  string     `json:"overdueNoticeEmail"`
	PhoneNumber         string     `json:"phoneNumber"`
	PhoneNumberMobile   string     `json:"phoneNumberMobile"`
	Description         string     `json:"description"`
	Language            string     `json:"language"`
	PostalAddress       *addressIn `json:"postalAddress"`
	PhysicalAddress     *addressIn `json:"physicalAddress"`
	Currency            *idRef     `json:"currency"`
}

type addressIn struct {
	AddressLine1 string `json:"addressLine1"`
	AddressLine2 string `json:"addressLine2"`
	PostalCode   string `json:"postalCode"`
	City         string `json:"city"`
	Country      *idRef `json:"country"`
}

// postParty answers POST /customer and POST /supplier.
func (s *Server) postParty(k partyKind, body []byte) reply {
	var in partyIn
	if err := json.Unmarshal(body, &in); err != nil {
		return s.badRequest("could not read the request body as a " + k.path() + ": " + err.Error())
	}
	p := &party{
		name: in.Name, orgNumber: strings.TrimSpace(in.OrganizationNumber),
		customerNumber: int(in.CustomerNumber.v), supplierNumber: int(in.SupplierNumber.v),
		isCustomer: in.IsCustomer, isSupplier: in.IsSupplier, isInactive: in.IsInactive, isPrivate: in.IsPrivateIndividual,
		email: strings.TrimSpace(in.Email), invoiceEmail: strings.TrimSpace(in.InvoiceEmail), overdueEmail: strings.TrimSpace(in.OverdueNoticeEmail),
		phone: in.PhoneNumber, mobile: in.PhoneNumberMobile, description: in.Description, language: in.Language,
	}
	var msgs []validationMessage
	for _, a := range []struct {
		field string
		src   *addressIn
		dst   *address
	}{{"postalAddress", in.PostalAddress, &p.postal}, {"physicalAddress", in.PhysicalAddress, &p.physical}} {
		if a.src == nil {
			continue
		}
		*a.dst = address{line1: a.src.AddressLine1, line2: a.src.AddressLine2, postalCode: a.src.PostalCode, city: a.src.City}
		if id, ok := a.src.Country.id(); ok {
			if s.countryByID(id) == nil {
				msgs = append(msgs, fieldMessage(a.field+".country", a.field+".country", fmt.Sprintf("Landet med id %d finnes ikke.", id)))
			}
			a.dst.countryID = id
		}
	}
	if id, ok := in.Currency.id(); ok {
		if s.currencyByID(id) == nil {
			msgs = append(msgs, fieldMessage("currency", "currency", fmt.Sprintf("Valutaen med id %d finnes ikke.", id)))
		}
		p.currencyID = id
	}
	if msgs = append(msgs, s.checkParty(k, p)...); len(msgs) > 0 {
		return s.validationError(msgs)
	}
	if msgs := s.storeParty(k, p); len(msgs) > 0 {
		return s.validationError(msgs)
	}
	return single(http.StatusCreated, s.partyJSON(k, p))
}

type addressJSON struct {
	ID           int64  `json:"id"`
	Version      int    `json:"version"`
	URL          string `json:"url"`
	AddressLine1 string `json:"addressLine1"`
	AddressLine2 string `json:"addressLine2"`
	PostalCode   string `json:"postalCode"`
	City         string `json:"city"`
	Country      *ref   `json:"country"`
}

type partyJSON struct {
	ID                  int64       `json:"id"`
	Version             int         `json:"version"`
	URL                 string      `json:"url"`
	Name                string      `json:"name"`
	OrganizationNumber  string      `json:"organizationNumber"`
	SupplierNumber      int         `json:"supplierNumber"`
	CustomerNumber      int         `json:"customerNumber"`
	IsSupplier          bool        `json:"isSupplier"`
	IsCustomer          bool        `json:"isCustomer"`
	IsInactive          bool        `json:"isInactive"`
	AccountManager      *ref        `json:"accountManager"`
	Email               string      `json:"email"`
	InvoiceEmail        string      `json:"invoiceEmail"`
	OverdueNoticeEmail  string      `json:"overdueNoticeEmail"`
	PhoneNumber         string      `json:"phoneNumber"`
	PhoneNumberMobile   string      `json:"phoneNumberMobile"`
	Description         string      `json:"description"`
	Language            string      `json:"language,omitempty"`
	IsPrivateIndividual bool        `json:"isPrivateIndividual"`
	PostalAddress       addressJSON `json:"postalAddress"`
	PhysicalAddress     addressJSON `json:"physicalAddress"`
	DeliveryAddress     *ref        `json:"deliveryAddress"`
	Currency            *ref        `json:"currency"`
}

func (s *Server) addressJSON(a address) addressJSON {
	return addressJSON{
		ID: a.id, URL: s.url("address", a.id),
		AddressLine1: a.line1, AddressLine2: a.line2, PostalCode: a.postalCode, City: a.city,
		Country: s.ref("country", a.countryID),
	}
}

func (s *Server) partyJSON(k partyKind, p *party) partyJSON {
	return partyJSON{
		ID: p.id, Version: p.version, URL: s.url(k.path(), p.id),
		Name: p.name, OrganizationNumber: p.orgNumber,
		SupplierNumber: p.supplierNumber, CustomerNumber: p.customerNumber,
		IsSupplier: p.isSupplier, IsCustomer: p.isCustomer, IsInactive: p.isInactive,
		Email: p.email, InvoiceEmail: p.invoiceEmail, OverdueNoticeEmail: p.overdueEmail,
		PhoneNumber: p.phone, PhoneNumberMobile: p.mobile, Description: p.description,
		Language: p.language, IsPrivateIndividual: p.isPrivate,
		PostalAddress: s.addressJSON(p.postal), PhysicalAddress: s.addressJSON(p.physical),
		Currency: s.ref("currency", p.currencyID),
	}
}

// listParties answers GET /customer and GET /supplier with the search
// parameters of the API: id and customerAccountNumber (customers) or
// supplierNumber (suppliers) are comma-separated lists; organizationNumber,
// email and invoiceEmail must equal exactly; isInactive must equal and is
// false when absent, so inactive partners are listed only with
// isInactive=true; accountManagerId matches nothing (the fake has no
// employees). changedSince, sorting and fields are accepted and ignored, as
// are isWholesaler and showProducts on suppliers.
func (s *Server) listParties(k partyKind, q url.Values) reply {
	ids, rep, ok := s.idList(q, "id")
	if !ok {
		return rep
	}
	numberParam := "customerAccountNumber"
	if k == supplierKind {
		numberParam = "supplierNumber"
	}
	numbers, rep, ok := s.idList(q, numberParam)
	if !ok {
		return rep
	}
	managers, rep, ok := s.idList(q, "accountManagerId")
	if !ok {
		return rep
	}
	inactive, _, rep, ok := s.boolParam(q, "isInactive")
	if !ok {
		return rep
	}
	equals := func(name, value string) bool {
		want, given := q[name]
		return !given || len(want) == 0 || want[0] == "" || want[0] == value
	}
	out := []partyJSON{}
	for _, p := range *s.parties(k) {
		if (ids != nil && !ids[p.id]) || (numbers != nil && !numbers[int64(p.number(k))]) || managers != nil ||
			p.isInactive != inactive ||
			!equals("organizationNumber", p.orgNumber) || !equals("email", p.email) || !equals("invoiceEmail", p.invoiceEmail) {
			continue
		}
		out = append(out, s.partyJSON(k, p))
	}
	return page(s, q, out, nil)
}

func (s *Server) getParty(k partyKind, id int64) reply {
	p := s.partyByID(k, id)
	if p == nil {
		return s.notFound(fmt.Sprintf("no %s with id %d", k.path(), id))
	}
	return single(http.StatusOK, s.partyJSON(k, p))
}

// Customers returns copies of every customer, in the order they were created.
func (s *Server) Customers() []Customer { return s.partners(customerKind) }

// Suppliers returns copies of every supplier, in the order they were created.
func (s *Server) Suppliers() []Supplier { return s.partners(supplierKind) }

func (s *Server) partners(k partyKind) []Partner {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := *s.parties(k)
	out := make([]Partner, 0, len(list))
	for _, p := range list {
		out = append(out, Partner{
			ID: p.id, Version: p.version, Name: p.name, OrganizationNumber: p.orgNumber,
			CustomerNumber: p.customerNumber, SupplierNumber: p.supplierNumber,
			IsCustomer: p.isCustomer, IsSupplier: p.isSupplier, IsInactive: p.isInactive, IsPrivateIndividual: p.isPrivate,
			Email: p.email, InvoiceEmail: p.invoiceEmail, OverdueNoticeEmail: p.overdueEmail,
			PhoneNumber: p.phone, PhoneNumberMobile: p.mobile, Description: p.description, Language: p.language,
			PostalAddress: s.goAddress(p.postal), PhysicalAddress: s.goAddress(p.physical),
			Currency: s.currencyCode(p.currencyID),
		})
	}
	return out
}

func (s *Server) goAddress(a address) Address {
	out := Address{AddressLine1: a.line1, AddressLine2: a.line2, PostalCode: a.postalCode, City: a.city}
	if c := s.countryByID(a.countryID); c != nil {
		out.Country = c.alpha2
	}
	return out
}

func (s *Server) currencyCode(id int64) string {
	if c := s.currencyByID(id); c != nil {
		return c.code
	}
	return ""
}
