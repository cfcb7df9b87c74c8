package memory_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

var issued = time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)

// newLedger returns a ledger with a small French chart: 411, 706, 44571
// active, 7061 inactive; V20 active, V10 inactive; journals VT and HA; one
// customer, returned.
func newLedger(t *testing.T) (*memory.Ledger, invoicesync.PartnerRef) {
	t.Helper()
	l := memory.NewLedger()
	l.AddAccounts(
		invoicesync.Account{Number: "411", Name: "Clients", Active: true},
		invoicesync.Account{Number: "706", Name: "Prestations de services", Active: true},
		invoicesync.Account{Number: "44571", Name: "TVA collectée", Active: true},
		invoicesync.Account{Number: "7061", Name: "Ventes anciennes", Active: false},
	)
	l.AddVATCodes(
		invoicesync.VATCode{Code: "V20", Name: "TVA 20 %", Rate: dec("20"), Direction: invoicesync.Sales, Account: "44571", Active: true},
		invoicesync.VATCode{Code: "V10", Name: "TVA 10 %", Rate: dec("10"), Direction: invoicesync.Sales, Account: "44571", Active: false},
	)
	l.AddJournals(
		invoicesync.Journal{Code: "VT", Name: "Ventes", Type: "sales"},
		invoicesync.Journal{Code: "HA", Name: "Achats", Type: "purchase"},
	)
	p := l.AddPartner(invoicesync.Partner{
		Role: invoicesync.Customer, Name: "Dupont SARL", VATNumber: "FR40123456789",
		RegistrationID: "12345678900011", AuxiliaryAccount: "C001", Country: "FR",
	})
	require.Equal(t, "P1", p.ID)
	return l, p
}

// newEntry returns a balanced entry of 100.00 + 20 % VAT for customer p,
// keyed key (the reference is "F-"+key).
func newEntry(t testing.TB, key string, p invoicesync.PartnerRef) *invoicesync.Entry {
	t.Helper()
	partner := p
	e := &invoicesync.Entry{
		Journal: "VT", Date: issued, Reference: "F-" + key, Label: "Dupont SARL",
		Currency: "EUR", Decimals: 2, IdempotencyKey: key, InvoiceID: key,
		Direction: invoicesync.Sales, Kind: invoicesync.KindInvoice, Partner: p,
		Lines: []invoicesync.EntryLine{
			{Account: "411", Partner: &partner, Debit: dec("120.00"), Kind: invoicesync.KindPartner, Label: "Dupont SARL"},
			{
				Account: "706", Credit: dec("100.00"), VATCode: "V20", Kind: invoicesync.KindRevenue, Label: "Consulting",
				SourceLines: []int{1}, Tried: []string{"7061"}, Analytics: map[string]string{"project": "apollo"},
				AccountSource: invoicesync.FromDefault,
			},
			{Account: "44571", Credit: dec("20.00"), VATCode: "V20", Kind: invoicesync.KindVAT, Label: "TVA 20 %"},
		},
	}
	require.NoError(t, e.Check())
	return e
}
