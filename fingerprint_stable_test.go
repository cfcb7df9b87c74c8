package invoicesync_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"

	"github.com/invoicesync/invoicesync"
)

// TestFingerprintStable pins the fingerprint of one invoice: a field added to
// Invoice must not change the fingerprints of invoices synchronized before
// (they would all look edited and be posted again).
func TestFingerprintStable(t *testing.T) {
	inv := invoicesync.Invoice{
		ID: "inv-1", Number: "F-1", Kind: invoicesync.KindInvoice, Direction: invoicesync.Sales,
		IssueDate: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Currency: "EUR",
		Lines: []invoicesync.Line{{Description: "Work", NetAmount: decimal.RequireFromString("100.00"),
			VATCategory: "S", VATRate: decimal.NewNullDecimal(decimal.RequireFromString("20"))}},
		Totals: invoicesync.Totals{LineTotal: decimal.RequireFromString("100"), Net: decimal.RequireFromString("100"),
			VAT: decimal.RequireFromString("20"), Gross: decimal.RequireFromString("120"), Payable: decimal.RequireFromString("120")},
	}
	const want = "a7ec2b155c1cf9de3f88cca28354bcd0" // the fingerprint before Company and Warnings were added
	assert.Equal(t, want, invoicesync.Fingerprint(&inv))
	inv.Company = &invoicesync.Party{Name: "Us"}
	inv.Warnings = []string{"rounded"}
	assert.Equal(t, want, invoicesync.Fingerprint(&inv), "Company and Warnings are not part of the fingerprint")
}
