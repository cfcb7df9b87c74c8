package invoicesync_test

import (
	"context"
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

func TestEntryCheck(t *testing.T) {
	z := decimal.Zero
	ok := func() *invoicesync.Entry {
		return &invoicesync.Entry{Reference: "F-1", Decimals: 2, Lines: []invoicesync.EntryLine{
			{Account: "411", Debit: d("120.00"), Credit: z},
			{Account: "706", Debit: z, Credit: d("100.00")},
			{Account: "44571", Debit: z, Credit: d("20.00")},
		}}
	}
	require.NoError(t, ok().Check())
	for _, tc := range []struct {
		name   string
		change func(e *invoicesync.Entry)
		want   string
	}{
		{"no lines", func(e *invoicesync.Entry) { e.Lines = nil }, "entry F-1 has no lines: invoicesync: entry does not balance"},
		{"unbalanced", func(e *invoicesync.Entry) { e.Lines[2].Credit = d("20.01") }, "entry F-1: debit 120.00, credit 120.01: invoicesync: entry does not balance"},
		{"both sides", func(e *invoicesync.Entry) { e.Lines[1].Debit = d("1") }, "entry F-1 line 2 is both debit and credit: invoicesync: entry does not balance"},
		{"zero line", func(e *invoicesync.Entry) { e.Lines = append(e.Lines, invoicesync.EntryLine{Account: "758"}) }, "entry F-1 line 4 is zero: invoicesync: entry does not balance"},
		{"negative", func(e *invoicesync.Entry) { e.Lines[0].Debit = d("-120.00") }, "entry F-1 line 1 is negative: invoicesync: entry does not balance"},
		{"no account", func(e *invoicesync.Entry) { e.Lines[0].Account = "" }, "entry F-1 line 1 has no account: invoicesync: entry does not balance"},
		{"too many decimals", func(e *invoicesync.Entry) {
			e.Lines[0].Debit, e.Lines[1].Credit = d("120.005"), d("100.005")
		}, "entry F-1 line 1 amount 120.005 has more than 2 decimals: invoicesync: entry does not balance"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := ok()
			tc.change(e)
			err := e.Check()
			require.EqualError(t, err, tc.want)
			assert.ErrorIs(t, err, invoicesync.ErrUnbalanced, "every invalid entry wraps ErrUnbalanced")
		})
	}
}

func TestChartLookups(t *testing.T) {
	c := frenchChart()
	a, ok := c.Account("7061")
	require.True(t, ok)
	assert.False(t, a.Active)
	_, ok = c.Account("9999")
	assert.False(t, ok)
	v, ok := c.VATCode("AI20")
	require.True(t, ok)
	assert.True(t, v.ReverseCharge)
	assert.Equal(t, "4452", v.DueAccount)
	_, ok = c.Journal("VT")
	assert.True(t, ok)
	assert.True(t, c.HasJournals())
	assert.False(t, invoicesync.NewChart(nil, nil, nil).HasJournals())
}

type failingTarget struct{ chartTarget }

func (failingTarget) VATCodes(context.Context) ([]invoicesync.VATCode, error) {
	return nil, invoicesync.ErrTemporary
}

func TestLoadChartWrapsTheTargetsError(t *testing.T) {
	_, err := invoicesync.LoadChart(context.Background(), failingTarget{})
	require.ErrorIs(t, err, invoicesync.ErrTemporary)
	assert.EqualError(t, err, "listing VAT codes: invoicesync: temporary failure")
	assert.True(t, invoicesync.Retryable(err))
	assert.ErrorIs(t, frenchMapping().Validate(context.Background(), failingTarget{}), invoicesync.ErrTemporary)
}

func TestScopeRolesAndEligibility(t *testing.T) {
	assert.True(t, invoicesync.Scope("").Includes(invoicesync.Purchase))
	assert.True(t, invoicesync.ScopeSales.Includes(invoicesync.Sales))
	assert.False(t, invoicesync.ScopeSales.Includes(invoicesync.Purchase))
	assert.False(t, invoicesync.ScopePurchase.Includes(invoicesync.Sales))
	assert.Equal(t, invoicesync.Customer, invoicesync.RoleFor(invoicesync.Sales))
	assert.Equal(t, invoicesync.Supplier, invoicesync.RoleFor(invoicesync.Purchase))

	m := &invoicesync.Mapping{}
	assert.True(t, m.Eligible(invoicesync.StatusSent))
	assert.True(t, m.Eligible(invoicesync.StatusPaid))
	assert.False(t, m.Eligible(invoicesync.StatusDraft))
	assert.False(t, m.Eligible(invoicesync.StatusCancelled))
	m.EligibleStatuses = []invoicesync.Status{invoicesync.StatusSent}
	assert.True(t, m.Eligible(invoicesync.StatusSent))
	assert.False(t, m.Eligible(invoicesync.StatusPaid))
}

// PartnerQuery.Matcher compares exactly, names ignoring case, within the role.
func TestPartnerQueryMatcher(t *testing.T) {
	p := &invoicesync.Partner{Role: invoicesync.Customer, Name: "ACME SARL", VATNumber: "FR40303265045", RegistrationID: "30326504500012", AuxiliaryAccount: "C042"}
	for _, c := range []struct {
		q    invoicesync.PartnerQuery
		want bool
	}{
		{invoicesync.PartnerQuery{Role: invoicesync.Customer, Key: invoicesync.KeyName, Value: "acme sarl"}, true},
		{invoicesync.PartnerQuery{Role: invoicesync.Supplier, Key: invoicesync.KeyName, Value: "ACME SARL"}, false},
		{invoicesync.PartnerQuery{Role: invoicesync.Customer, Key: invoicesync.KeyVATNumber, Value: "FR40303265045"}, true},
		{invoicesync.PartnerQuery{Role: invoicesync.Customer, Key: invoicesync.KeyVATNumber, Value: "fr40303265045"}, false},
		{invoicesync.PartnerQuery{Role: invoicesync.Customer, Key: invoicesync.KeyRegistrationID, Value: "30326504500012"}, true},
		{invoicesync.PartnerQuery{Role: invoicesync.Customer, Key: invoicesync.KeyAuxiliaryAccount, Value: "C042"}, true},
		{invoicesync.PartnerQuery{Role: invoicesync.Customer, Key: invoicesync.KeyAuxiliaryAccount, Value: ""}, false},
	} {
		match, err := c.q.Matcher()
		if err != nil {
			t.Fatalf("%+v: %v", c.q, err)
		}
		if got := match(p); got != c.want {
			t.Errorf("%+v: matched %v, want %v", c.q, got, c.want)
		}
	}
	if _, err := (invoicesync.PartnerQuery{Role: invoicesync.Customer, Key: "iban", Value: "x"}).Matcher(); !errors.Is(err, invoicesync.ErrNotSupported) {
		t.Errorf("unknown key: %v, want invoicesync.ErrNotSupported", err)
	}
}
