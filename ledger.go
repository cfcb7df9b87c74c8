package invoicesync

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// LedgerTarget is an accounting system entries are posted to. Adapters in
// connector/... implement it; the conformance suite in connector/ledgertest
// checks every contract written here.
//
// A checklist for adapter authors:
//   - Implement the seven methods below. Honour ctx: return ctx.Err() (or an
//     error wrapping it) promptly once ctx is done, and never retry after it.
//   - Report "not there" with an error wrapping ErrNotFound, an unknown
//     account with ErrAccountNumberNotFound, an inactive one with
//     ErrAccountNumberNotActive, an unknown VAT code with ErrVATCodeNotFound,
//     a partner reference the ledger does not have (deleted since it was
//     linked) with ErrPartnerNotFound, an entry that fails Entry.Check
//     (unbalanced or malformed) with ErrUnbalanced, an unsupported
//     operation with ErrNotSupported. Chart.CheckEntry makes every check of
//     PostEntry but the partners', with these sentinels: an adapter that
//     can list its chart calls it rather than writing them again.
//   - Wrap ErrTemporary only when retrying the same call cannot do the work
//     twice: the request certainly did not reach the ledger, or the call is a
//     read, or it carries an idempotency key the ledger enforces. A PostEntry
//     whose response was lost must NOT say temporary unless the ledger
//     deduplicates by key: the Syncer then asks FindEntry instead of posting.
//   - Optional capabilities are separate interfaces: DraftPoster (entries kept
//     as drafts/pending) and Attacher (documents attached to entries).
//
// Implementations must be safe for concurrent use.
type LedgerTarget interface {
	// Accounts lists the chart of accounts, inactive accounts included
	// (Account.Active false). Read-only: safe to retry.
	Accounts(ctx context.Context) ([]Account, error)

	// VATCodes lists the ledger's VAT codes. Read-only: safe to retry.
	VATCodes(ctx context.Context) ([]VATCode, error)

	// Journals lists the ledger's journals. Read-only: safe to retry.
	Journals(ctx context.Context) ([]Journal, error)

	// FindPartners returns the partners of q.Role whose q.Key equals q.Value
	// in the ledger's own comparison (exact, or case-insensitive for names).
	// It may return more candidates than strictly match — the caller re-checks
	// with normalised values — but never fewer. No match: an empty slice and
	// no error. A key the ledger cannot search: ErrNotSupported. Read-only:
	// safe to retry.
	FindPartners(ctx context.Context, q PartnerQuery) ([]Partner, error)

	// CreatePartner creates a customer or supplier and returns its reference.
	// Not idempotent: on an uncertain outcome the caller searches with
	// FindPartners before creating again, so adapters must not mark a failed
	// creation ErrTemporary unless it certainly did not happen.
	CreatePartner(ctx context.Context, p Partner) (PartnerRef, error)

	// PostEntry records e in the ledger and returns its reference. The entry
	// must pass Entry.Check: balance, and have well-formed lines
	// (ErrUnbalanced otherwise, nothing recorded); every account
	// must exist (ErrAccountNumberNotFound) and be active
	// (ErrAccountNumberNotActive); every VAT code must exist and be active
	// (ErrVATCodeNotFound); the entry's and every line's partner must exist
	// (ErrPartnerNotFound); the journal must exist when the ledger lists
	// journals (ErrMappingJournalNotFound). When e.IdempotencyKey is set and an entry with that
	// key exists already, PostEntry records nothing and returns the existing
	// entry's reference with a nil error. When e.Draft is set and the target
	// does not implement DraftPoster (or reports no draft support), it returns
	// ErrNotSupported and records nothing. A failure after which the entry may
	// or may not exist must not wrap ErrTemporary (see the checklist above).
	PostEntry(ctx context.Context, e *Entry) (EntryRef, error)

	// FindEntry returns the reference of the entry posted with idempotency
	// key key, or an error wrapping ErrNotFound when there is none. It sees
	// drafts too. This is how exactly-once survives a crash or a lost
	// response. Read-only: safe to retry.
	FindEntry(ctx context.Context, key string) (EntryRef, error)
}

// DraftPoster is implemented by targets that can keep an entry as a draft
// (pending, not yet validated by the accountant). SupportsDrafts may depend on
// the connected company's settings.
type DraftPoster interface {
	// SupportsDrafts reports whether PostEntry honours Entry.Draft.
	SupportsDrafts() bool
}

// CommitWindower is implemented by targets whose ledger may record a
// PostEntry after the caller stopped waiting for it: an API that keeps
// processing a request after the client's timeout, a crash or a cancelled
// context. Until the window has passed since a posting began, a FindEntry
// that does not see the entry does not prove it will never exist, so the
// Syncer leaves such an invoice pending and asks again on a later run
// instead of posting again.
//
// A ledger that commits before it answers, or enforces idempotency keys
// itself for every posting, needs no window (zero, or not implementing the
// interface): its FindEntry answer is final.
type CommitWindower interface {
	// CommitWindow is how long after a PostEntry call begins the ledger may
	// still record it: whatever the adapter may spend before its write
	// (lookups, retries, waiting out a rate limit), plus its request
	// timeout, plus the longest the server may go on processing a request
	// after that.
	CommitWindow() time.Duration
}

// PartnerLister is implemented by targets that can list every partner of a
// role. A run then reads each role's partners once and matches every party
// in memory — by normalised name too, whatever the ledger's own search can
// compare — instead of searching the ledger per party and rule; it also
// detects, before posting, a linked partner the ledger no longer has.
// ImportPartners needs it.
type PartnerLister interface {
	// ListPartners returns the partners of role (deleted ones excluded).
	// Read-only: safe to retry.
	ListPartners(ctx context.Context, role PartnerRole) ([]Partner, error)
}

// Attacher is implemented by targets that can attach a document (the invoice
// PDF) to a posted entry.
type Attacher interface {
	// Attach adds doc to the entry ref. Attaching the same FileName to the same
	// entry twice must not create a second copy (it may replace or keep the
	// first). ErrNotFound when the entry does not exist. Safe to retry.
	Attach(ctx context.Context, ref EntryRef, doc Document) error
}

// Errors of the ledger-side contract. Adapters wrap them; callers test them
// with errors.Is. Unknown or inactive accounts and unknown VAT codes use the
// invoice error sentinels (ErrAccountNumberNotFound, ErrAccountNumberNotActive,
// ErrVATCodeNotFound).
var (
	// ErrNotFound: the entry, partner or document asked for does not exist.
	ErrNotFound = errors.New("invoicesync: not found")
	// ErrUnbalanced: the entry is invalid, nothing was recorded: its debits
	// and credits differ, or it has no lines, or a line has no account, is
	// on both sides, is zero, is negative or has more decimals than the
	// ledger currency (every invariant of Entry.Check).
	ErrUnbalanced = errors.New("invoicesync: entry does not balance")
	// ErrNotSupported: the target cannot do this (drafts, attachments, a search key).
	ErrNotSupported = errors.New("invoicesync: not supported by this ledger")
)

// ledgerRefusals are the refusals the contract above lists: for each, the
// sentinel an adapter wraps, the code the invoice gets and what a person
// reads. After any of them the ledger recorded nothing.
var ledgerRefusals = []struct {
	err                 error
	code                ErrorCode
	message, resolution string
}{
	{ErrAccountNumberNotFound, CodeAccountNumberNotFound, "the ledger refused the entry: an account does not exist",
		"create the account in the ledger, or change the account in the mapping or the invoicing tool"},
	{ErrAccountNumberNotActive, CodeAccountNumberNotActive, "the ledger refused the entry: an account is not active",
		"activate the account in the ledger, or change the account in the mapping or the invoicing tool"},
	{ErrVATCodeNotFound, CodeVATCodeNotFound, "the ledger refused the entry: a VAT code does not exist or is not active",
		"create or activate the VAT code in the ledger, or change the VAT mapping"},
	{ErrPartnerNotFound, CodePartnerNotFound, "the customer or supplier linked to this invoice's party no longer exists in the ledger",
		"restore the partner in the ledger, or unlink it (Syncer.UnlinkPartner) so that the next synchronization finds or creates it"},
	{ErrMappingJournalNotFound, CodeMappingJournalNotFound, "the ledger refused the entry: the journal does not exist",
		"create the journal in the ledger or map another one"},
	{ErrUnbalanced, CodeAmountValidation, "the ledger refused the entry as invalid: it does not balance, or a line is malformed",
		"report this invoice to the invoicesync maintainers"},
	{ErrNotSupported, CodeMappingInvalid, "the ledger does not support what the entry asks (drafts?)",
		"check the mapping's draft option against the ledger's settings"},
}

// ledgerFailure is the one place a ledger's error becomes an invoice's
// error: err came back from the ledger while doing something ("posting the
// entry"), and next says what the next run does about a failure of the
// accounting system. refused reports that the contract guarantees nothing
// was recorded. Any other error is a failure of the accounting system
// (CodeLedgerFailure), after which a PostEntry may or may not have been
// recorded; its message says why it was not tried again (see retry).
func ledgerFailure(doing, next string, err error) (se *SyncError, refused bool) {
	for _, r := range ledgerRefusals {
		if errors.Is(err, r.err) {
			return &SyncError{Code: r.code, Message: r.message, Resolution: r.resolution, Err: err}, true
		}
	}
	if code := Code(err); code != "" { // an adapter's own coded refusal
		return &SyncError{Code: code, Message: "the ledger refused the entry while " + doing, Resolution: "see the error's code", Err: err}, false
	}
	msg := "the accounting system failed while " + doing
	if why := retryReason(err); why != "" {
		msg += " (" + why + ")"
	}
	resolution := next
	if Retryable(err) {
		resolution = "nothing to do if it passes: the next run tries again"
	}
	return &SyncError{Code: CodeLedgerFailure, Message: msg, Resolution: resolution, Err: err}, false
}

// Account is one account of the chart of accounts.
type Account struct {
	// Number is the account number as the ledger identifies it, e.g. "706000".
	Number string
	// Name is the account's name.
	Name string
	// Active is false for an account closed or archived in the ledger.
	Active bool
}

// VATCode is one VAT code of the ledger.
type VATCode struct {
	// Code identifies the VAT code in the ledger.
	Code string
	// Name is the VAT code's name; used as the label of its VAT lines.
	Name string
	// Rate is the rate in percent.
	Rate decimal.Decimal
	// Direction says whether the code is for sales or purchases; empty means both.
	Direction Direction
	// ReverseCharge marks a self-assessed code (intra-EU acquisitions): on a
	// purchase the entry carries deductible VAT on Account and VAT due on
	// DueAccount, rate × base each.
	ReverseCharge bool
	// Account is where the VAT of this code is posted (the deductible VAT
	// account for a reverse-charge purchase code). A Mapping VAT rule may override it.
	Account string
	// DueAccount is where the VAT due of a reverse-charge code is posted.
	DueAccount string
	// Active is false for a code the ledger no longer accepts.
	Active bool
}

// Journal is one journal (book) of the ledger.
type Journal struct {
	// Code identifies the journal in the ledger, e.g. "VT".
	Code string
	// Name is the journal's name.
	Name string
	// Type is the journal's use as the ledger says it ("sales", "purchase", ...); informative.
	Type string
}

// PartnerRole says whether a partner is a customer or a supplier.
type PartnerRole string

// The two roles.
const (
	Customer PartnerRole = "customer" // the party of a sales invoice
	Supplier PartnerRole = "supplier" // the party of a purchase invoice
)

// RoleFor returns the partner role of an invoice's party: customer for sales,
// supplier for purchases.
func RoleFor(d Direction) PartnerRole {
	if d == Purchase {
		return Supplier
	}
	return Customer
}

// PartnerRef identifies a partner (customer or supplier) in the ledger.
type PartnerRef struct {
	// ID is the ledger's identifier for the partner.
	ID string
	// Name is the partner's name in the ledger; used for labels.
	Name string
	// AuxiliaryAccount is the partner's own (subsidiary) account, when the
	// ledger keeps one per partner.
	AuxiliaryAccount string
}

// IsZero reports whether r identifies no partner.
func (r PartnerRef) IsZero() bool { return r.ID == "" }

// Partner is a customer or supplier record in the ledger.
type Partner struct {
	// Ref identifies the partner; empty in CreatePartner's argument.
	Ref PartnerRef
	// Role is customer or supplier.
	Role PartnerRole
	// Name is the partner's name.
	Name string
	// VATNumber is the VAT number, normalised when the library created the partner.
	VATNumber string
	// RegistrationID is the company registration id (SIRET, SIREN, KvK, ...).
	RegistrationID string
	// RegistrationScheme is the scheme of RegistrationID; optional.
	RegistrationScheme string
	// AuxiliaryAccount is the customer/supplier number.
	AuxiliaryAccount string
	// Country is the ISO 3166-1 alpha-2 country code.
	Country string
	// Email is the contact e-mail.
	Email string
	// Address is the postal address.
	Address Address
}

// PartnerKey names the field a partner search compares.
type PartnerKey string

// The matching keys, in their default order.
const (
	KeyAuxiliaryAccount PartnerKey = "auxiliary_account" // the customer/supplier number
	KeyVATNumber        PartnerKey = "vat_number"        // the VAT identifier
	KeyRegistrationID   PartnerKey = "registration_id"   // the company registration id
	KeyName             PartnerKey = "name"              // the name
)

// PartnerQuery asks a ledger for the partners of a role whose Key equals Value.
type PartnerQuery struct {
	// Role is customer or supplier.
	Role PartnerRole
	// Key is the field to compare.
	Key PartnerKey
	// Value is the value searched for, normalised by the caller.
	Value string
}

// Matcher returns the comparison FindPartners makes in a ledger that keeps
// its partners in memory or reads them all: a partner matches when its Role
// is q.Role and its field q.Key equals q.Value exactly (KeyName: ignoring
// case). An empty Value matches nothing. A key other than the four Key*
// constants is an error wrapping ErrNotSupported.
func (q PartnerQuery) Matcher() (func(p *Partner) bool, error) {
	var field func(p *Partner) string
	equal := func(a, b string) bool { return a == b }
	switch q.Key {
	case KeyAuxiliaryAccount:
		field = func(p *Partner) string { return p.AuxiliaryAccount }
	case KeyVATNumber:
		field = func(p *Partner) string { return p.VATNumber }
	case KeyRegistrationID:
		field = func(p *Partner) string { return p.RegistrationID }
	case KeyName:
		field = func(p *Partner) string { return p.Name }
		equal = strings.EqualFold
	default:
		return nil, fmt.Errorf("partner key %q: %w", q.Key, ErrNotSupported)
	}
	return func(p *Partner) bool {
		return q.Value != "" && p.Role == q.Role && equal(field(p), q.Value)
	}, nil
}

// EntryRef identifies a posted entry in the ledger.
type EntryRef struct {
	// ID is the ledger's identifier for the entry.
	ID string
	// Number is the entry or voucher number shown to users, when the ledger has one.
	Number string
}

// Document is a file attached to an entry.
type Document struct {
	// FileName is the file name, e.g. "F-2026-0042.pdf".
	FileName string
	// MediaType is the MIME type, e.g. "application/pdf".
	MediaType string
	// Data is the content.
	Data []byte
}
