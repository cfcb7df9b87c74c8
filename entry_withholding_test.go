package invoicesync_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// irpfInvoice is a Spanish professional's invoice: 1,620.00 at 21 % VAT
// (340.20), of which the customer withholds 15 % IRPF (243.00), so that
// 1,717.20 is payable.
func irpfInvoice() *invoicesync.Invoice {
	inv := newInvoice(line("1", "1620.00", "1620.00", "S", "21"))
	inv.Totals = totals("1620.00", "0", "1620.00", "340.20", "1960.20")
	inv.Totals.Payable = d("1717.20")
	inv.VATBreakdown = []invoicesync.VATSubtotal{breakdown("S", "21", "1620.00", "340.20")}
	inv.Withholdings = []invoicesync.Withholding{{Tax: "IRPF", Rate: rate("15"), Base: d("1620.00"), Amount: d("243.00")}}
	return inv
}

// withholdingSetup adds the IRPF accounts and rules to the French fixtures:
// 473 (claim on the tax authority, sales) and 4751 (debt to it, purchases).
func withholdingSetup() (*invoicesync.Mapping, *invoicesync.Chart) {
	m := frenchMapping()
	m.Withholding = []invoicesync.WithholdingRule{
		{Direction: invoicesync.Sales, Tax: "irpf", Account: "473"},
		{Direction: invoicesync.Purchase, Tax: "IRPF", Account: "4751"},
	}
	accounts := append(frenchAccounts(),
		invoicesync.Account{Number: "473", Name: "Hacienda Pública, retenciones y pagos a cuenta", Active: true},
		invoicesync.Account{Number: "4751", Name: "Hacienda Pública, acreedora por retenciones practicadas", Active: true})
	return m, invoicesync.NewChart(accounts, frenchVATCodes(), frenchJournals())
}

func buildWith(t *testing.T, inv *invoicesync.Invoice, m *invoicesync.Mapping, chart *invoicesync.Chart) *invoicesync.Entry {
	t.Helper()
	require.NoError(t, m.ValidateChart(chart))
	e, err := invoicesync.BuildEntry(inv, m, chart, invoicesync.PartnerRef{ID: "P1", Name: "ACME SL"})
	require.NoError(t, err)
	requireBalanced(t, e)
	return e
}

func TestBuildEntryWithholding(t *testing.T) {
	m, chart := withholdingSetup()
	for _, tc := range []struct {
		name string
		edit func(inv *invoicesync.Invoice) // nil: irpfInvoice as it is
		want []want
	}{
		{
			name: "sales: the withheld IRPF is a claim on the tax authority",
			want: []want{
				{"411", "D", "1717.20", "", partner},
				{"473", "D", "243.00", "", invoicesync.KindWithholding},
				{"706", "C", "1620.00", "V21", revenue},
				{"44571", "C", "340.20", "V21", vatLine},
			},
		},
		{
			name: "purchase: the IRPF the company withholds is a debt to the tax authority",
			edit: func(inv *invoicesync.Invoice) {
				inv.Direction = invoicesync.Purchase
				inv.Lines[0].VATRate, inv.VATBreakdown[0].Rate = rate("20"), rate("20")
				inv.Totals = totals("1620.00", "0", "1620.00", "324.00", "1944.00")
				inv.Totals.Payable = d("1701.00")
				inv.VATBreakdown[0].TaxAmount = d("324.00")
			},
			want: []want{
				{"401", "C", "1701.00", "", partner},
				{"4751", "C", "243.00", "", invoicesync.KindWithholding},
				{"607", "D", "1620.00", "A20", expense},
				{"44566", "D", "324.00", "A20", vatLine},
			},
		},
		{
			name: "credit note: mirrored",
			edit: func(inv *invoicesync.Invoice) { inv.Kind = invoicesync.KindCreditNote },
			want: []want{
				{"411", "C", "1717.20", "", partner},
				{"473", "C", "243.00", "", invoicesync.KindWithholding},
				{"706", "D", "1620.00", "V21", revenue},
				{"44571", "D", "340.20", "V21", vatLine},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := irpfInvoice()
			if tc.edit != nil {
				tc.edit(inv)
			}
			assertLines(t, buildWith(t, inv, m, chart), tc.want)
		})
	}
	for _, tc := range []struct {
		name                     string
		edit                     func(inv *invoicesync.Invoice)
		code                     invoicesync.ErrorCode
		field, value, expected   string // expected: not checked when empty
		message, messageContains string // each: not checked when empty
	}{
		{
			name: "the payable amount must account for the withheld tax",
			edit: func(inv *invoicesync.Invoice) { inv.Totals.Payable = d("1960.20") }, // as if nothing were withheld
			code: invoicesync.CodeAmountValidation, field: "Totals.Payable (BT-115)", value: "1960.20", expected: "1717.20",
			messageContains: "BT-112 − BT-113 + BT-114 − the withheld taxes",
		},
		{
			name: "a withheld tax the mapping does not map is refused",
			edit: func(inv *invoicesync.Invoice) { inv.Withholdings[0].Tax = "RA" }, // Italian ritenuta d'acconto
			code: invoicesync.CodeMappingTaxRateNotFound, field: "Withholdings[0].Tax", value: "RA",
			message: "the invoice withholds 243.00 RA and the mapping has no withholding rule for sales RA",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv := irpfInvoice()
			tc.edit(inv)
			_, err := invoicesync.BuildEntry(inv, m, chart, invoicesync.PartnerRef{ID: "P1"})
			var se *invoicesync.SyncError
			require.True(t, errors.As(err, &se), "%v", err)
			assert.Equal(t, tc.code, se.Code)
			assert.Equal(t, tc.field, se.Field)
			assert.Equal(t, tc.value, se.Value)
			if tc.expected != "" {
				assert.Equal(t, tc.expected, se.Expected)
			}
			if tc.message != "" {
				assert.Equal(t, tc.message, se.Message)
			}
			if tc.messageContains != "" {
				assert.Contains(t, se.Message, tc.messageContains)
			}
		})
	}
	t.Run("a rule whose account the ledger lacks fails the mapping's validation", func(t *testing.T) {
		m := frenchMapping()
		m.Withholding = []invoicesync.WithholdingRule{{Tax: "IRPF", Account: "473"}}
		err := m.ValidateChart(frenchChart())
		require.Error(t, err)
		assert.Contains(t, err.Error(), "withholding[0].account")
	})
}
