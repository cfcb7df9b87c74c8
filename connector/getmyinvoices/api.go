package getmyinvoices

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"
)

// The JSON shapes of the GetMyInvoices accounts API v3 this package reads.

// uid is an id the API writes as a number or, at times, as a quoted number
// (the description's examples show both).
type uid int64

// UnmarshalJSON reads a number, a quoted number, or null (0).
func (u *uid) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if len(b) == 0 || string(b) == "null" {
		*u = 0
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("getmyinvoices: %q is not an id", b)
	}
	*u = uid(n)
	return nil
}

// apiList is the answer of GET /documents.
type apiList struct {
	TotalCount int       `json:"totalCount"`
	Records    []apiMeta `json:"records"`
}

// apiMeta is a document's metadata: a record of the list, or the meta_data
// of GET /documents/{documentUid} (with its line items when asked).
type apiMeta struct {
	DocumentUID     uid                 `json:"documentUid"`
	CompanyUID      uid                 `json:"companyUid"`
	CompanyName     string              `json:"companyName"`
	DocumentType    string              `json:"documentType"`
	DocumentNumber  string              `json:"documentNumber"`
	DocumentDate    string              `json:"documentDate"`
	DocumentDueDate string              `json:"documentDueDate"`
	NetAmount       decimal.NullDecimal `json:"netAmount"`
	VAT             decimal.NullDecimal `json:"vat"`
	GrossAmount     decimal.NullDecimal `json:"grossAmount"`
	Currency        string              `json:"currency"`
	PaymentStatus   string              `json:"paymentStatus"`
	Filename        string              `json:"filename"`
	IsOCRCompleted  json.RawMessage     `json:"isOcrCompleted"`
	LineItems       []apiLineItem       `json:"lineItems"`
}

// apiLineItem is a line item of a document.
type apiLineItem struct {
	Quantity      decimal.NullDecimal `json:"quantity"`
	Description   string              `json:"description"`
	TaxPercentage decimal.NullDecimal `json:"tax_percentage"`
	TaxAmount     decimal.NullDecimal `json:"tax_amount"`
	UnitNetPrice  decimal.NullDecimal `json:"unit_net_price"`
	TotalGross    decimal.NullDecimal `json:"total_gross"`
}

// apiDocument is the answer of GET /documents/{documentUid}.
type apiDocument struct {
	Meta        apiMeta `json:"meta_data"`
	FileContent string  `json:"fileContent"`
}

// apiCompany is the answer of GET /companies/{companyUid}.
type apiCompany struct {
	CompanyUID         uid    `json:"companyUid"`
	Name               string `json:"name"`
	Street             string `json:"street"`
	ZIP                string `json:"zip"`
	City               string `json:"city"`
	Country            string `json:"country"`
	Email              string `json:"email"`
	TaxNumber          string `json:"taxNumber"`
	VATID              string `json:"vatId"`
	CommercialRegister string `json:"commercialRegister"`
}

// ocrPending reports whether GetMyInvoices says it has not finished reading
// the document's text (isOcrCompleted 0 or false).
func (m *apiMeta) ocrPending() bool {
	s := string(bytes.Trim(m.IsOCRCompleted, `"`))
	return s == "0" || s == "false"
}
