package dailysales

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
)

// Receipt is one point-of-sale receipt: goods or services sold and paid on
// the spot. A return is a receipt (or a line of one) with a negative gross
// amount, refunded by a negative payment.
type Receipt struct {
	// ID identifies the receipt in the register; unique within a day.
	ID string
	// Register identifies the cash register that issued the receipt. It must
	// be the register the day is summarised for.
	Register string
	// Time is when the receipt was issued. Its calendar date in
	// Config.Location decides the day it belongs to.
	Time time.Time
	// Lines are the items sold (or returned).
	Lines []Line
	// Payments are the amounts received (or refunded), per payment method.
	// Their sum must equal the sum of the lines' gross amounts.
	Payments []Payment
}

// Line is one item of a receipt.
type Line struct {
	// Description is the item's text, as printed on the receipt. It does
	// not reach the entry, which has one line per account and VAT code.
	Description string
	// Gross is the amount VAT included, as point-of-sale prices are;
	// negative for a return. At most Config.Decimals decimals.
	Gross decimal.Decimal
	// VATRate is the VAT rate in percent (25, 15, 12.5, 0). It must be the
	// Rate of one of Config.VAT.
	VATRate decimal.Decimal
	// Account is the revenue account the register chose for the item (its
	// product group), optional. When empty, the revenue account of the VAT
	// rule for VATRate is used.
	Account string
}

// Payment is money received (or refunded) for a receipt.
type Payment struct {
	// Method is the payment method as the register names it: "card",
	// "cash", "vipps"... It must be a key of Config.Payments (compared
	// exactly, case included).
	Method string
	// Amount is the amount received; negative for a refund. At most
	// Config.Decimals decimals.
	Amount decimal.Decimal
}

// Mode says how the day's entry is posted.
type Mode int

// The two posting modes. The zero value is Nightly.
const (
	// Nightly posts the entry as a validated voucher: the nightly run.
	Nightly Mode = iota
	// ByHand posts the entry as a draft (Entry.Draft): a day sent by hand
	// lands in the ledger's list of non-posted vouchers (Tripletex's
	// "non-posted list") for an accountant to check and post. The ledger
	// must support drafts (invoicesync.DraftPoster).
	ByHand
)

// String returns "nightly", "by hand", or "Mode(n)" for another value.
func (m Mode) String() string {
	switch m {
	case Nightly:
		return "nightly"
	case ByHand:
		return "by hand"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// VATRule maps one VAT rate of the register to a ledger VAT code and a
// default revenue account.
type VATRule struct {
	// Rate is the VAT rate in percent, as the register's lines carry it. It
	// must equal the ledger VAT code's rate, and no two rules may have the
	// same rate.
	Rate decimal.Decimal
	// Code is the ledger VAT code (its Code in the chart). It must exist, be
	// active and not be a purchase code; when Rate is not zero it must have
	// an account to post the VAT to.
	Code string
	// RevenueAccount is the revenue account of the lines at this rate that
	// name no account of their own. It may be empty when every such line
	// names its account.
	RevenueAccount string
}

// DefaultLabel is the label used when Config.Label is empty.
const DefaultLabel = "Daily sales"

// Config says how one shop's days are summarised and posted. It is read
// only: one Config may serve any number of registers and days, concurrently.
type Config struct {
	// Journal is the ledger journal the entries go to. When the chart lists
	// journals it must be one of them.
	Journal string
	// Currency is the ledger currency of every amount (ISO 4217, e.g. "NOK").
	Currency string
	// Decimals is the currency's minor units (2 for NOK or EUR): VAT is
	// rounded to it, and no receipt amount may have more decimals.
	Decimals int32
	// Location is the shop's time zone, e.g. time.LoadLocation("Europe/Oslo").
	// A receipt belongs to the day of its Time in Location. Required.
	Location *time.Location
	// VAT maps each VAT rate the register uses to a VAT code and a revenue account.
	VAT []VATRule
	// Payments maps each payment method ("card", "cash", "vipps") to the
	// ledger account the money goes to. Several methods may share an
	// account: they are then one entry line.
	Payments map[string]string
	// Mode is Nightly (the entry is posted) or ByHand (the entry is a draft).
	Mode Mode
	// Label starts the entry's label and each revenue line's label;
	// DefaultLabel ("Daily sales") when empty.
	Label string
}

// label returns c.Label or DefaultLabel.
func (c *Config) label() string {
	if c.Label == "" {
		return DefaultLabel
	}
	return c.Label
}

// Validate checks c against chart, whatever the receipts: the location,
// decimals, mode, currency and journal, every VAT rule (rate, code, the code's
// rate and account, the revenue account) and every payment account. It
// returns the first problem found, as an *invoicesync.SyncError whose Field
// names the Config field ("VAT[1].Code", "Payments[card]"). Summarise calls
// it; a host may call it when the shop saves its settings.
//
// Codes: CodeMappingInvalid for a malformed Config, a VAT code whose rate
// differs from its rule's or that is a purchase code;
// CodeMappingJournalNotFound for a journal the chart does not list;
// CodeVATCodeNotFound for a VAT code absent from the chart, inactive, or
// without an account while its rate is not zero; CodeAccountNumberNotFound
// and CodeAccountNumberNotActive for the accounts.
func (c *Config) Validate(chart *invoicesync.Chart) error {
	if c == nil {
		return fail(invoicesync.CodeMappingInvalid, "", 0, "Config", "", "", "no configuration was given",
			"pass the shop's daily sales configuration")
	}
	if chart == nil {
		return fail(invoicesync.CodeMappingInvalid, "", 0, "chart", "", "", "no chart of accounts was given",
			"load the ledger's chart with invoicesync.LoadChart and pass it")
	}
	switch {
	case c.Location == nil:
		return fail(invoicesync.CodeMappingInvalid, "", 0, "Location", "", "",
			"the shop's time zone is not set: it decides which day a receipt belongs to",
			`set Location to the shop's time zone, e.g. time.LoadLocation("Europe/Oslo")`)
	case c.Decimals < 0:
		return fail(invoicesync.CodeMappingInvalid, "", 0, "Decimals", fmt.Sprint(c.Decimals), "",
			"the number of decimals of the currency is negative", "set Decimals to the currency's minor units, e.g. 2")
	case c.Mode != Nightly && c.Mode != ByHand:
		return fail(invoicesync.CodeMappingInvalid, "", 0, "Mode", c.Mode.String(), "",
			"the posting mode is unknown", "set Mode to Nightly or ByHand")
	case c.Currency == "":
		return fail(invoicesync.CodeMappingInvalid, "", 0, "Currency", "", "",
			"the ledger currency is not set", `set Currency to the ledger's currency, e.g. "NOK"`)
	}
	if chart.HasJournals() {
		if _, ok := chart.Journal(c.Journal); !ok {
			return fail(invoicesync.CodeMappingJournalNotFound, "", 0, "Journal", c.Journal, "",
				fmt.Sprintf("journal %q is not in the ledger", c.Journal),
				"create the journal in the ledger or set Journal to one of its journals")
		}
	}
	for i := range c.VAT {
		if err := c.validateRule(chart, i); err != nil {
			return err
		}
	}
	methods := make([]string, 0, len(c.Payments))
	for m := range c.Payments {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	for _, m := range methods {
		field := "Payments[" + m + "]"
		if m == "" {
			return fail(invoicesync.CodeMappingInvalid, "", 0, field, "", "", "a payment method has no name",
				"name every payment method as the register does, e.g. \"card\"")
		}
		if err := checkAccount(chart, "", 0, field, c.Payments[m], "the account of payment method "+m); err != nil {
			return err
		}
	}
	return nil
}

// validateRule checks c.VAT[i].
func (c *Config) validateRule(chart *invoicesync.Chart, i int) error {
	r := &c.VAT[i]
	field := fmt.Sprintf("VAT[%d]", i)
	switch {
	case r.Rate.Sign() < 0:
		return fail(invoicesync.CodeMappingInvalid, "", 0, field+".Rate", r.Rate.String(), "",
			"a VAT rate is negative", "correct the rate of the VAT rule")
	case r.Code == "":
		return fail(invoicesync.CodeMappingInvalid, "", 0, field+".Code", "", "",
			fmt.Sprintf("the VAT rule for %s %% has no VAT code", r.Rate), "set the ledger VAT code of the rule")
	}
	for j := range i {
		if c.VAT[j].Rate.Equal(r.Rate) {
			return fail(invoicesync.CodeMappingInvalid, "", 0, field+".Rate", r.Rate.String(), "",
				fmt.Sprintf("two VAT rules have the rate %s %% (VAT[%d] and VAT[%d])", r.Rate, j, i),
				"keep one rule per rate")
		}
	}
	code, ok := chart.VATCode(r.Code)
	switch {
	case !ok:
		return fail(invoicesync.CodeVATCodeNotFound, "", 0, field+".Code", r.Code, "",
			fmt.Sprintf("VAT code %s, mapped for %s %%, does not exist in the ledger", r.Code, r.Rate),
			"create VAT code "+r.Code+" in the ledger or map the rate to another code")
	case !code.Active:
		return fail(invoicesync.CodeVATCodeNotFound, "", 0, field+".Code", r.Code, "",
			fmt.Sprintf("VAT code %s, mapped for %s %%, is not active in the ledger", r.Code, r.Rate),
			"reactivate VAT code "+r.Code+" in the ledger or map the rate to another code")
	case code.Direction == invoicesync.Purchase:
		return fail(invoicesync.CodeMappingInvalid, "", 0, field+".Code", r.Code, "",
			fmt.Sprintf("VAT code %s is a purchase code, used for sales", r.Code),
			"map the rate to a sales VAT code")
	case !code.Rate.Equal(r.Rate):
		return fail(invoicesync.CodeMappingInvalid, "", 0, field+".Rate", r.Rate.String(), code.Rate.String(),
			fmt.Sprintf("VAT code %s has the rate %s %% in the ledger, the rule says %s %%", r.Code, code.Rate, r.Rate),
			"map the rate to the VAT code of that rate")
	}
	if r.Rate.Sign() != 0 {
		if code.Account == "" {
			return fail(invoicesync.CodeVATCodeNotFound, "", 0, field+".Code", r.Code, "",
				fmt.Sprintf("VAT code %s has no account to post its VAT to", r.Code),
				"set the account of VAT code "+r.Code+" in the ledger")
		}
		if err := checkAccount(chart, "", 0, field+".Code", code.Account, "the VAT account of code "+r.Code); err != nil {
			return err
		}
	}
	if r.RevenueAccount != "" {
		if err := checkAccount(chart, "", 0, field+".RevenueAccount", r.RevenueAccount,
			"the revenue account for "+r.Rate.String()+" %"); err != nil {
			return err
		}
	}
	return nil
}

// checkAccount checks that number exists in chart and is active. what
// describes the account for the message.
func checkAccount(chart *invoicesync.Chart, key string, line int, field, number, what string) error {
	if number == "" {
		return fail(invoicesync.CodeAccountNumberNotFound, key, line, field, "", "", what+" is not set",
			"set "+field+" to a ledger account")
	}
	a, ok := chart.Account(number)
	switch {
	case !ok:
		return fail(invoicesync.CodeAccountNumberNotFound, key, line, field, number, "",
			fmt.Sprintf("account %s (%s) does not exist in the ledger", number, what),
			"create account "+number+" in the ledger or choose another one")
	case !a.Active:
		return fail(invoicesync.CodeAccountNumberNotActive, key, line, field, number, "",
			fmt.Sprintf("account %s (%s) is not active in the ledger", number, what),
			"reactivate account "+number+" in the ledger or choose another one")
	}
	return nil
}

// fail builds the package's errors. key is the day's idempotency key, when
// known: it is the entry's InvoiceID.
func fail(code invoicesync.ErrorCode, key string, line int, field, value, expected, msg, resolution string) *invoicesync.SyncError {
	return &invoicesync.SyncError{
		Code: code, InvoiceID: key, Line: line,
		Field: field, Value: value, Expected: expected, Message: msg, Resolution: resolution,
	}
}
