package tripletex

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/shopspring/decimal"
)

// The JSON shapes of the Tripletex API v2 this package reads and writes.

// ref is a reference to another object: {"id": N}.
type ref struct {
	ID int64 `json:"id"`
}

// refTo returns a reference to id, nil for 0.
func refTo(id int64) *ref {
	if id == 0 {
		return nil
	}
	return &ref{ID: id}
}

// money is an amount written as a JSON number with two decimals.
type money struct{ decimal.Decimal }

// MarshalJSON writes the amount with two decimals, as a number.
func (m money) MarshalJSON() ([]byte, error) { return []byte(m.StringFixed(2)), nil }

// UnmarshalJSON reads a number or a quoted number.
func (m *money) UnmarshalJSON(b []byte) error { return m.Decimal.UnmarshalJSON(b) }

type single[T any] struct {
	Value T `json:"value"`
}

type list[T any] struct {
	FullResultSize int `json:"fullResultSize"`
	From           int `json:"from"`
	Count          int `json:"count"`
	Values         []T `json:"values"`
}

type apiAccount struct {
	ID            int64  `json:"id"`
	Number        int64  `json:"number"`
	Name          string `json:"name"`
	IsInactive    bool   `json:"isInactive"`
	LegalVATTypes []ref  `json:"legalVatTypes"`
}

type apiVATType struct {
	ID         int64           `json:"id"`
	Name       string          `json:"name"`
	Number     string          `json:"number"`
	Percentage decimal.Decimal `json:"percentage"`
}

type apiVoucherType struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
}

type apiCurrency struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
}

type apiCountry struct {
	ID            int64  `json:"id"`
	IsoAlpha2Code string `json:"isoAlpha2Code"`
}

type apiAddress struct {
	AddressLine1 string `json:"addressLine1,omitempty"`
	AddressLine2 string `json:"addressLine2,omitempty"`
	PostalCode   string `json:"postalCode,omitempty"`
	City         string `json:"city,omitempty"`
	Country      *ref   `json:"country,omitempty"`
}

// apiPartner is a customer or a supplier: the two share these fields.
type apiPartner struct {
	ID                 int64       `json:"id,omitempty"`
	Name               string      `json:"name"`
	OrganizationNumber string      `json:"organizationNumber,omitempty"`
	CustomerNumber     int64       `json:"customerNumber,omitempty"`
	SupplierNumber     int64       `json:"supplierNumber,omitempty"`
	Email              string      `json:"email,omitempty"`
	InvoiceEmail       string      `json:"invoiceEmail,omitempty"`
	IsCustomer         bool        `json:"isCustomer,omitempty"`
	IsSupplier         bool        `json:"isSupplier,omitempty"`
	IsInactive         bool        `json:"isInactive,omitempty"`
	PostalAddress      *apiAddress `json:"postalAddress,omitempty"`
}

type apiPosting struct {
	ID                  int64  `json:"id,omitempty"`
	Row                 int    `json:"row"`
	Date                string `json:"date,omitempty"`
	Description         string `json:"description,omitempty"`
	Account             *ref   `json:"account,omitempty"`
	Customer            *ref   `json:"customer,omitempty"`
	Supplier            *ref   `json:"supplier,omitempty"`
	VATType             *ref   `json:"vatType,omitempty"`
	Currency            *ref   `json:"currency,omitempty"`
	Amount              *money `json:"amount,omitempty"`
	AmountGross         money  `json:"amountGross"`
	AmountGrossCurrency money  `json:"amountGrossCurrency"`
	InvoiceNumber       string `json:"invoiceNumber,omitempty"`
	TermOfPayment       string `json:"termOfPayment,omitempty"`
	SystemGenerated     bool   `json:"systemGenerated,omitempty"`
}

type apiAttachment struct {
	ID       int64  `json:"id"`
	FileName string `json:"fileName"`
}

type apiVoucher struct {
	ID                    int64          `json:"id,omitempty"`
	Date                  string         `json:"date"`
	Number                int64          `json:"number,omitempty"`
	TempNumber            int64          `json:"tempNumber,omitempty"`
	Description           string         `json:"description"`
	VoucherType           *ref           `json:"voucherType,omitempty"`
	ExternalVoucherNumber string         `json:"externalVoucherNumber,omitempty"`
	Postings              []apiPosting   `json:"postings"`
	Attachment            *apiAttachment `json:"attachment,omitempty"`
}

// apiError is Tripletex's error body.
type apiError struct {
	Status             int             `json:"status"`
	Code               json.Number     `json:"code"`
	Message            string          `json:"message"`
	DeveloperMessage   string          `json:"developerMessage"`
	RequestID          string          `json:"requestId"`
	ValidationMessages []apiValidation `json:"validationMessages"`
}

type apiValidation struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Path    string `json:"path"`
}

// decodeError reads Tripletex's error body for httpx.
func decodeError(_ int, _ http.Header, body []byte) (code, message string, details []string, requestID string) {
	var e apiError
	if json.Unmarshal(body, &e) != nil {
		return "", "", nil, ""
	}
	for _, v := range e.ValidationMessages {
		where := v.Path
		if where == "" || where == "null" {
			where = v.Field
		}
		if where != "" && where != "null" {
			details = append(details, where+": "+v.Message)
		} else {
			details = append(details, v.Message)
		}
	}
	return e.Code.String(), e.Message, details, e.RequestID
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
