package eboekhouden

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// The JSON shapes of the e-Boekhouden REST API (v1) this package reads and writes.

// money is an amount written as a JSON number with two decimals.
type money struct{ decimal.Decimal }

// MarshalJSON writes the amount with two decimals, as a number.
func (m money) MarshalJSON() ([]byte, error) { return []byte(m.StringFixed(2)), nil }

// UnmarshalJSON reads a number or a quoted number.
func (m *money) UnmarshalJSON(b []byte) error { return m.Decimal.UnmarshalJSON(b) }

// list is a page of a list endpoint.
type list[T any] struct {
	Items []T `json:"items"`
	Count int `json:"count"`
}

type apiSession struct {
	Token     string `json:"token"`
	ExpiresIn int    `json:"expiresIn"`
}

type apiLedger struct {
	ID          int    `json:"id"`
	Code        string `json:"code"`
	Description string `json:"description"`
	Category    string `json:"category"`
}

type apiRelationItem struct {
	ID   int    `json:"id"`
	Type string `json:"type"`
	Code string `json:"code"`
}

type apiRelation struct {
	ID           int    `json:"id,omitempty"`
	Type         string `json:"type,omitempty"`
	Code         string `json:"code,omitempty"`
	Name         string `json:"name"`
	Address      string `json:"address,omitempty"`
	PostalCode   string `json:"postalCode,omitempty"`
	City         string `json:"city,omitempty"`
	Country      string `json:"country,omitempty"`
	EmailAddress string `json:"emailAddress,omitempty"`
	VATNumber    string `json:"vatNumber,omitempty"`
}

type apiCreated struct {
	ID            int    `json:"id"`
	Code          string `json:"code,omitempty"`
	InvoiceNumber string `json:"invoiceNumber,omitempty"`
}

type apiRow struct {
	LedgerID    int    `json:"ledgerId"`
	VATCode     string `json:"vatCode"`
	VATAmount   *money `json:"vatAmount,omitempty"`
	Amount      money  `json:"amount"`
	Description string `json:"description,omitempty"`
}

type apiVATAmount struct {
	VATCode string `json:"vatCode"`
	Amount  money  `json:"amount"`
}

type apiMutation struct {
	ID            int            `json:"id,omitempty"`
	Type          int            `json:"type"`
	Date          string         `json:"date"`
	Description   string         `json:"description,omitempty"`
	TermOfPayment *int           `json:"termOfPayment,omitempty"`
	LedgerID      int            `json:"ledgerId"`
	RelationID    int            `json:"relationId,omitempty"`
	InExVAT       string         `json:"inExVat"`
	InvoiceNumber string         `json:"invoiceNumber,omitempty"`
	Rows          []apiRow       `json:"rows"`
	VAT           []apiVATAmount `json:"vat,omitempty"`
}

type apiMutationItem struct {
	ID            int    `json:"id"`
	Type          int    `json:"type"`
	Date          string `json:"date"`
	InvoiceNumber string `json:"invoiceNumber"`
	LedgerID      int    `json:"ledgerId"`
	Amount        money  `json:"amount"`
	EntryNumber   string `json:"entryNumber"`
}

type apiInvoiceItem struct {
	Quantity     money  `json:"quantity"`
	Description  string `json:"description"`
	PricePerUnit money  `json:"pricePerUnit"`
	VATCode      string `json:"vatCode"`
	VATAmount    *money `json:"vatAmount,omitempty"`
	LedgerID     int    `json:"ledgerId"`
}

type apiInvoiceMutation struct {
	Description string `json:"description,omitempty"`
	LedgerID    int    `json:"ledgerId,omitempty"`
}

type apiInvoice struct {
	InvoiceNumber string              `json:"invoiceNumber"`
	RelationID    int                 `json:"relationId"`
	Date          string              `json:"date"`
	TermOfPayment int                 `json:"termOfPayment"`
	InExVAT       string              `json:"inExVat"`
	TemplateID    int                 `json:"templateId"`
	Reference     string              `json:"reference,omitempty"`
	Print         bool                `json:"print"`
	Mutation      *apiInvoiceMutation `json:"mutation,omitempty"`
	Items         []apiInvoiceItem    `json:"items"`
}

type apiTemplate struct {
	ID     int    `json:"id"`
	Name   string `json:"name"`
	Active bool   `json:"active"`
}

// apiError is e-Boekhouden's error body.
type apiError struct {
	Type         string   `json:"type"`
	Code         string   `json:"code"`
	Title        string   `json:"title"`
	Message      string   `json:"message"`
	Status       int      `json:"status"`
	TraceID      string   `json:"traceId"`
	PropertyName string   `json:"propertyName"`
	Errors       []string `json:"errors"`
}

// decodeError reads e-Boekhouden's error body for httpx.
func decodeError(_ int, _ http.Header, body []byte) (code, message string, details []string, requestID string) {
	var e apiError
	if json.Unmarshal(body, &e) != nil {
		return "", "", nil, ""
	}
	message = strings.TrimSpace(e.Title + " " + e.Message)
	if e.PropertyName != "" {
		details = append(details, "property "+e.PropertyName)
	}
	details = append(details, e.Errors...)
	return e.Code, message, details, e.TraceID
}

func itoa(n int) string { return strconv.Itoa(n) }
