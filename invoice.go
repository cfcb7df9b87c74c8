package invoicesync

import (
	"time"

	"github.com/shopspring/decimal"
)

// Direction says whether an invoice was issued by the company (sales) or
// received by it (purchase). Every accounting decision depends on it.
type Direction string

// The two directions.
const (
	Sales    Direction = "sales"    // issued by the company to a customer
	Purchase Direction = "purchase" // received by the company from a supplier
)

// Valid reports whether d is Sales or Purchase.
func (d Direction) Valid() bool { return d == Sales || d == Purchase }

// Kind says whether a document is an invoice or a credit note (EN 16931 BT-3,
// reduced to what accounting needs; the exact type code is kept in
// Invoice.TypeCode).
type Kind string

// The two kinds.
const (
	KindInvoice    Kind = "invoice"     // an invoice (380, 384, 389, 875, ...)
	KindCreditNote Kind = "credit_note" // a credit note (381): posted as the mirror of an invoice
)

// Valid reports whether k is KindInvoice or KindCreditNote.
func (k Kind) Valid() bool { return k == KindInvoice || k == KindCreditNote }

// Status is the invoice's status in the invoicing tool. A Mapping lists the
// statuses eligible for synchronization (e.g. only sent invoices).
type Status string

// The statuses the library knows. Sources map their own vocabulary onto these.
const (
	StatusDraft     Status = "draft"     // not issued yet
	StatusSent      Status = "sent"      // issued to the customer
	StatusPaid      Status = "paid"      // issued and paid
	StatusCancelled Status = "cancelled" // cancelled in the invoicing tool
)

// Invoice is one invoice or credit note as the invoicing tool declares it,
// with EN 16931 semantics. Amounts are decimals in the invoice currency, as
// declared, positive on an ordinary invoice and on an ordinary credit note
// (the Kind carries the sign). A negative amount is signed: a credit note
// with negative amounts is posted like an invoice, a negative invoice like a
// credit note. Nothing here is recomputed by the library:
// declared figures are checked against each other, then posted.
type Invoice struct {
	// ID identifies the invoice in the source; stable across versions.
	ID string
	// Number is the invoice number (BT-1).
	Number string
	// Kind is invoice or credit note (from BT-3).
	Kind Kind
	// TypeCode is the UNTDID 1001 type code as declared (BT-3), e.g. "380",
	// "381", "384", "389"; optional.
	TypeCode string
	// Direction is sales (issued by the company) or purchase (received).
	Direction Direction
	// IssueDate is the invoice date (BT-2); it becomes the entry date.
	IssueDate time.Time
	// DueDate is the payment due date (BT-9); optional.
	DueDate time.Time
	// Currency is the invoice currency, an ISO 4217 code (BT-5).
	Currency string
	// TaxCurrency is the VAT accounting currency when it differs (BT-6); optional.
	TaxCurrency string
	// ExchangeRate converts the invoice currency into the ledger currency when
	// they differ. It goes this way: the number of invoice-currency units that
	// one ledger-currency unit buys. For a USD invoice posted to a EUR ledger
	// at 1 EUR = 1.0857 USD it is 1.0857, and a ledger amount is the invoice
	// amount divided by it. Zero when the invoice is in the ledger currency.
	ExchangeRate decimal.Decimal
	// SourceJournal is the journal (or sequence) the invoicing tool filed the
	// invoice under; used when the Mapping maps journals per source journal.
	SourceJournal string
	// Status is the invoice's status in the source.
	Status Status
	// Party is the customer (sales) or supplier (purchase): BG-7 or BG-4.
	// Nil when the source only gives ContactRef.
	Party *Party
	// ContactRef is the source's reference to a contact to resolve when Party is nil.
	ContactRef string
	// Lines are the invoice lines (BG-25).
	Lines []Line
	// Allowances are the document-level allowances (BG-20).
	Allowances []AllowanceCharge
	// Charges are the document-level charges (BG-21).
	Charges []AllowanceCharge
	// Totals are the declared document totals (BG-22).
	Totals Totals
	// VATBreakdown is the declared VAT breakdown (BG-23), one per category and rate.
	// When empty, VAT is computed from the lines.
	VATBreakdown []VATSubtotal
	// Attachments reference the documents that go with the invoice (its PDF
	// first, when there is one).
	Attachments []AttachmentRef
	// Metadata is free host data; the library copies it nowhere.
	Metadata map[string]string
	// Company is the company's own party as the document names it: the
	// seller of a sale, the buyer of a purchase (BG-4 or BG-7). Optional.
	// With Party, Direction, Kind and Number it tells one document from
	// another: a second document with the same identity under another ID is
	// refused as a duplicate. It is not part of the fingerprint.
	Company *Party `json:",omitempty"`
	// Withholdings are the taxes withheld from the amount payable (e.g.
	// Spanish IRPF): they lower the amount due (BT-115 = BT-112 − BT-113 +
	// BT-114 − Σ withheld) but neither the revenue or expense nor the VAT.
	Withholdings []Withholding `json:",omitempty"`
	// Warnings are what the source noticed while reading the document that
	// did not stop it from being posted, one sentence each (e.g. amounts
	// rounded to the currency's minor units). A run copies them to the
	// invoice's Outcome and Preview. They are not part of the fingerprint.
	Warnings []string `json:",omitempty"`
	// Cursor is set by InvoiceSource.Changed: the source's opaque position to
	// resume from once this invoice and every one before it are handled. It
	// is not part of the invoice's content (see Fingerprint).
	Cursor string
}

// Line is one invoice line (BG-25).
type Line struct {
	// ID is the line identifier (BT-126); optional.
	ID string
	// Description is the item name (BT-153) or the line's free text.
	Description string
	// Quantity is the invoiced quantity (BT-129).
	Quantity decimal.Decimal
	// UnitPrice is the item net price (BT-146).
	UnitPrice decimal.Decimal
	// BaseQuantity is the price base quantity (BT-149); zero means 1.
	BaseQuantity decimal.Decimal
	// Allowances are line-level allowances (BG-27), already deducted from NetAmount.
	Allowances []AllowanceCharge
	// Charges are line-level charges (BG-28), already included in NetAmount.
	Charges []AllowanceCharge
	// NetAmount is the line net amount as declared (BT-131), in the invoice
	// currency with at most its minor units of decimals. The library never
	// recomputes it from quantity and price.
	NetAmount decimal.Decimal
	// VATCategory is the UNCL 5305 VAT category code (BT-151): S, Z, E, AE, K,
	// G, O, L, M. A line needs a category or a rate.
	VATCategory string
	// VATRate is the VAT rate in percent (BT-152), e.g. 20 or 5.5. Null when
	// the source gives none; then the rate of the mapped VAT code applies.
	VATRate decimal.NullDecimal
	// AccountNumber is the ledger account the invoicing tool assigned to the
	// line, if any. It wins when the ledger has it and it is active.
	AccountNumber string
	// ItemCode is the item or product code (BT-155 seller's item id), for account rules.
	ItemCode string
	// ItemCategory is the item or product category (BT-158 classification), for account rules.
	ItemCategory string
	// Task is the task or project activity the line bills (time-tracking tools), for account rules.
	Task string
	// Analytics are analytic tags (cost centre, project), passed through to the entry line.
	Analytics map[string]string
}

// AllowanceCharge is an allowance (discount) or a charge, at document level
// (BG-20/BG-21) or line level (BG-27/BG-28).
type AllowanceCharge struct {
	// Amount is the allowance or charge amount, positive (BT-92/BT-99, BT-136/BT-141).
	Amount decimal.Decimal
	// BaseAmount is the amount the percentage applies to (BT-93/BT-100); optional.
	BaseAmount decimal.Decimal
	// Percent is the percentage (BT-94/BT-101); optional, informative.
	Percent decimal.Decimal
	// Reason is the reason text (BT-97/BT-104); used as the label of a discount line.
	Reason string
	// ReasonCode is the UNCL 5189 / 7161 reason code (BT-98/BT-105); optional.
	ReasonCode string
	// VATCategory is the VAT category of a document-level allowance or charge
	// (BT-95/BT-102). Line-level ones take their line's.
	VATCategory string
	// VATRate is the VAT rate of a document-level allowance or charge (BT-96/BT-103).
	VATRate decimal.NullDecimal
}

// Totals are the declared document totals (BG-22). Every figure is required
// as declared; the library checks they agree with each other and with the lines.
type Totals struct {
	// LineTotal is the sum of line net amounts (BT-106).
	LineTotal decimal.Decimal
	// AllowanceTotal is the sum of document-level allowances (BT-107).
	AllowanceTotal decimal.Decimal
	// ChargeTotal is the sum of document-level charges (BT-108).
	ChargeTotal decimal.Decimal
	// Net is the invoice total without VAT (BT-109).
	Net decimal.Decimal
	// VAT is the invoice total VAT amount (BT-110).
	VAT decimal.Decimal
	// VATInTaxCurrency is the VAT total in the tax currency (BT-111); optional.
	VATInTaxCurrency decimal.Decimal
	// Gross is the invoice total with VAT (BT-112).
	Gross decimal.Decimal
	// Prepaid is the amount paid in advance (BT-113).
	Prepaid decimal.Decimal
	// PayableRounding is the rounding amount added to reach the payable
	// amount (BT-114), e.g. Swiss cash rounding to 0.05.
	PayableRounding decimal.Decimal
	// Payable is the amount due for payment (BT-115).
	Payable decimal.Decimal
}

// VATSubtotal is one declared VAT breakdown entry (BG-23).
type VATSubtotal struct {
	// Category is the VAT category code (BT-118).
	Category string
	// Rate is the VAT rate in percent (BT-119).
	Rate decimal.NullDecimal
	// TaxableAmount is the taxable amount of the category (BT-116).
	TaxableAmount decimal.Decimal
	// TaxAmount is the VAT amount of the category (BT-117).
	TaxAmount decimal.Decimal
	// ExemptionReason is the exemption reason text (BT-120); optional.
	ExemptionReason string
}

// Withholding is a tax the buyer keeps back from the amount it pays and pays
// to the tax authority on the seller's behalf (Spanish IRPF, Italian ritenuta
// d'acconto). The seller's revenue and the buyer's expense are unchanged: the
// seller books a claim on the tax authority, the buyer a debt to it.
type Withholding struct {
	// Tax names the tax as the document does, e.g. "IRPF"; the Mapping maps
	// it to an account per direction (Mapping.Withholding).
	Tax string
	// Rate is the percentage withheld; optional, informative.
	Rate decimal.NullDecimal
	// Base is the amount the rate applies to; optional, informative.
	Base decimal.Decimal
	// Amount is the amount withheld, in the invoice currency, positive on an
	// ordinary invoice.
	Amount decimal.Decimal
}

// Party is a customer or supplier as the invoicing tool knows it.
type Party struct {
	// SourceID identifies the party in the source.
	SourceID string
	// Name is the legal or trading name (BT-27/BT-44).
	Name string
	// VATNumber is the VAT identifier (BT-31/BT-48), as written.
	VATNumber string
	// RegistrationID is the legal registration id (BT-30/BT-47): SIRET, SIREN, KvK, ...
	RegistrationID string
	// RegistrationScheme is the scheme of RegistrationID (ISO 6523 ICD, e.g. "0009" for SIRET); optional.
	RegistrationScheme string
	// AuxiliaryAccount is the customer/supplier number or auxiliary account code.
	AuxiliaryAccount string
	// Country is the ISO 3166-1 alpha-2 country code (BT-40/BT-55).
	Country string
	// Address is the postal address.
	Address Address
	// Email is the electronic address or contact e-mail (BT-43/BT-58).
	Email string
}

// Address is a postal address (BG-5/BG-8).
type Address struct {
	// Lines are the street lines (BT-35..BT-37 / BT-50..BT-52, BT-162/BT-163).
	Lines []string
	// City is the city (BT-37/BT-52).
	City string
	// PostalCode is the post code (BT-38/BT-53).
	PostalCode string
	// Subdivision is the region or state (BT-39/BT-54).
	Subdivision string
	// Country is the ISO 3166-1 alpha-2 country code (BT-40/BT-55).
	Country string
}

// AttachmentRef references a document attached to an invoice (BG-24), or its
// rendered PDF. Data is set when the document is embedded; otherwise the
// source fetches it by ID.
type AttachmentRef struct {
	// ID identifies the attachment in the source (BT-122).
	ID string
	// FileName is the file name (BT-125 filename attribute).
	FileName string
	// MediaType is the MIME type, e.g. "application/pdf".
	MediaType string
	// Description is the attachment description (BT-123); optional.
	Description string
	// URL is an external location (BT-124); optional, never fetched by the core.
	URL string
	// Data is the embedded content (BT-125), when the invoice carries it.
	Data []byte
}
