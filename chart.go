package invoicesync

import (
	"context"
	"errors"
	"fmt"
)

// Chart is a snapshot of a ledger's accounts, VAT codes and journals, indexed
// for lookups, so that building entries does no I/O. Build one per run with
// NewChart or LoadChart and share it: it is read-only and safe for concurrent use.
type Chart struct {
	accounts map[string]Account
	vatCodes map[string]VATCode
	journals map[string]Journal
}

// NewChart indexes a chart. When a number or code appears twice, the later one wins.
func NewChart(accounts []Account, vatCodes []VATCode, journals []Journal) *Chart {
	c := &Chart{
		accounts: make(map[string]Account, len(accounts)),
		vatCodes: make(map[string]VATCode, len(vatCodes)),
		journals: make(map[string]Journal, len(journals)),
	}
	for _, a := range accounts {
		c.accounts[a.Number] = a
	}
	for _, v := range vatCodes {
		c.vatCodes[v.Code] = v
	}
	for _, j := range journals {
		c.journals[j.Code] = j
	}
	return c
}

// LoadChart fetches the accounts, VAT codes and journals of t and indexes them.
func LoadChart(ctx context.Context, t LedgerTarget) (*Chart, error) {
	return loadChart(ctx, t, func(call func() error) error { return call() })
}

// loadChart is LoadChart with each listing made through via (the Syncer's
// retry path, or a plain call).
func loadChart(ctx context.Context, t LedgerTarget, via func(call func() error) error) (*Chart, error) {
	var accounts []Account
	var codes []VATCode
	var journals []Journal
	if err := via(func() (err error) { accounts, err = t.Accounts(ctx); return err }); err != nil {
		return nil, fmt.Errorf("listing accounts: %w", err)
	}
	if err := via(func() (err error) { codes, err = t.VATCodes(ctx); return err }); err != nil {
		return nil, fmt.Errorf("listing VAT codes: %w", err)
	}
	if err := via(func() (err error) { journals, err = t.Journals(ctx); return err }); err != nil {
		return nil, fmt.Errorf("listing journals: %w", err)
	}
	return NewChart(accounts, codes, journals), nil
}

// Account returns the account numbered number.
func (c *Chart) Account(number string) (Account, bool) {
	a, ok := c.accounts[number]
	return a, ok
}

// VATCode returns the VAT code code.
func (c *Chart) VATCode(code string) (VATCode, bool) {
	v, ok := c.vatCodes[code]
	return v, ok
}

// Journal returns the journal code.
func (c *Chart) Journal(code string) (Journal, bool) {
	j, ok := c.journals[code]
	return j, ok
}

// HasJournals reports whether the chart lists any journal. A ledger without
// journals accepts any journal code, so journal codes are not checked against it.
func (c *Chart) HasJournals() bool { return len(c.journals) > 0 }

// The checks below are the chart part of LedgerTarget.PostEntry's contract,
// written once: adapters, Mapping.Validate and the entry builder use them
// instead of deciding, each in its own words, whether an account, VAT code
// or journal may be used. Each error names the value and wraps the
// sentinel the contract documents, so errors.Is and Code work on it.

// chartError is the error of a Chart check: a sentence naming the account,
// VAT code or journal, what can be done about it, and the sentinel.
type chartError struct {
	msg    string // what is wrong, e.g. `account "706" does not exist in the ledger`
	remedy string // what to do in the ledger, e.g. `create account "706" in the ledger`
	err    error  // the sentinel
}

func (e *chartError) Error() string { return e.msg + ": " + e.err.Error() }

func (e *chartError) Unwrap() error { return e.err }

// CheckAccount reports whether number is an account of the chart that
// entries may use: nil when it is there and active, else an error naming
// it that wraps ErrAccountNumberNotFound (not in the chart) or
// ErrAccountNumberNotActive (inactive).
func (c *Chart) CheckAccount(number string) error {
	a, ok := c.accounts[number]
	switch {
	case !ok:
		return &chartError{fmt.Sprintf("account %q does not exist in the ledger", number),
			fmt.Sprintf("create account %q in the ledger", number), ErrAccountNumberNotFound}
	case !a.Active:
		return &chartError{fmt.Sprintf("account %q is inactive in the ledger", number),
			fmt.Sprintf("reactivate account %q in the ledger", number), ErrAccountNumberNotActive}
	}
	return nil
}

// CheckVATCode reports whether code is a VAT code of the chart that entries
// may use: nil when it is there and active, else an error naming it that
// wraps ErrVATCodeNotFound, whether the code is unknown or inactive.
//
// Whether the code has an account to post its VAT to is not checked: a
// Mapping VAT rule may give one (see Mapping.Validate), and a ledger that
// posts the VAT itself needs none.
func (c *Chart) CheckVATCode(code string) error {
	v, ok := c.vatCodes[code]
	switch {
	case !ok:
		return &chartError{fmt.Sprintf("VAT code %q does not exist in the ledger", code),
			fmt.Sprintf("create VAT code %q in the ledger", code), ErrVATCodeNotFound}
	case !v.Active:
		return &chartError{fmt.Sprintf("VAT code %q is inactive in the ledger", code),
			fmt.Sprintf("reactivate VAT code %q in the ledger", code), ErrVATCodeNotFound}
	}
	return nil
}

// CheckJournal reports whether entries may use the journal code: nil when
// the chart lists no journal (a ledger without journals accepts any code)
// or lists code, else an error naming it that wraps
// ErrMappingJournalNotFound. When the chart lists journals, an empty code
// is not one of them.
func (c *Chart) CheckJournal(code string) error {
	if !c.HasJournals() {
		return nil
	}
	if _, ok := c.journals[code]; !ok {
		return &chartError{fmt.Sprintf("journal %q is not in the ledger", code),
			fmt.Sprintf("create journal %q in the ledger", code), ErrMappingJournalNotFound}
	}
	return nil
}

// CheckEntry checks e as LedgerTarget.PostEntry's contract asks before
// anything is recorded, except its partners, which only the ledger knows:
// Entry.Check (an error wrapping ErrUnbalanced), then the journal
// (CheckJournal), then every line's account (CheckAccount), then every
// line's VAT code (CheckVATCode; lines without one are skipped). It returns
// the first problem found, in that order, naming the entry's reference and
// the line, or nil.
func (c *Chart) CheckEntry(e *Entry) error {
	if e == nil {
		return fmt.Errorf("no entry: %w", ErrUnbalanced)
	}
	if err := e.Check(); err != nil {
		return err
	}
	if err := c.CheckJournal(e.Journal); err != nil {
		return fmt.Errorf("entry %q: %w", e.Reference, err)
	}
	for i := range e.Lines {
		if err := c.CheckAccount(e.Lines[i].Account); err != nil {
			return fmt.Errorf("entry %q line %d: %w", e.Reference, i+1, err)
		}
	}
	for i := range e.Lines {
		if code := e.Lines[i].VATCode; code != "" {
			if err := c.CheckVATCode(code); err != nil {
				return fmt.Errorf("entry %q line %d: %w", e.Reference, i+1, err)
			}
		}
	}
	return nil
}

// chartProblem splits the error of a Chart check for a SyncError: its code,
// the sentence saying what is wrong and what to do in the ledger. ok is
// false when err does not come from a Chart check.
func chartProblem(err error) (code ErrorCode, msg, remedy string, ok bool) {
	var ce *chartError
	if !errors.As(err, &ce) {
		return "", "", "", false
	}
	return Code(ce), ce.msg, ce.remedy, true
}
