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
	t.Run("sales: the withheld IRPF is a claim on the tax authority", func(t *testing.T) {
		assertLines(t, buildWith(t, irpfInvoice(), m, chart), []want{
			{"411", "D", "1717.20", "", partner},
			{"473", "D", "243.00", "", invoicesync.KindWithholding},
			{"706", "C", "1620.00", "V21", revenue},
			{"44571", "C", "340.20", "V21", vatLine},
		})
	})
	t.Run("purchase: the IRPF the company withholds is a debt to the tax authority", func(t *testing.T) {
		inv := irpfInvoice()
		inv.Direction = invoicesync.Purchase
		inv.Lines[0].VATRate, inv.VATBreakdown[0].Rate = rate("20"), rate("20")
		inv.Totals = totals("1620.00", "0", "1620.00", "324.00", "1944.00")
		inv.Totals.Payable = d("1701.00")
		inv.VATBreakdown[0].TaxAmount = d("324.00")
		assertLines(t, buildWith(t, inv, m, chart), []want{
			{"401", "C", "1701.00", "", partner},
			{"4751", "C", "243.00", "", invoicesync.KindWithholding},
			{"607", "D", "1620.00", "A20", expense},
			{"44566", "D", "324.00", "A20", vatLine},
		})
	})
	t.Run("credit note: mirrored", func(t *testing.T) {
		inv := irpfInvoice()
		inv.Kind = invoicesync.KindCreditNote
		assertLines(t, buildWith(t, inv, m, chart), []want{
			{"411", "C", "1717.20", "", partner},
			{"473", "C", "243.00", "", invoicesync.KindWithholding},
			{"706", "D", "1620.00", "V21", revenue},
			{"44571", "D", "340.20", "V21", vatLine},
		})
	})
	t.Run("the payable amount must account for the withheld tax", func(t *testing.T) {
		inv := irpfInvoice()
		inv.Totals.Payable = d("1960.20") // as if nothing were withheld
		_, err := invoicesync.BuildEntry(inv, m, chart, invoicesync.PartnerRef{ID: "P1"})
		var se *invoicesync.SyncError
		require.True(t, errors.As(err, &se), "%v", err)
		assert.Equal(t, invoicesync.CodeAmountValidation, se.Code)
		assert.Equal(t, "Totals.Payable (BT-115)", se.Field)
		assert.Equal(t, "1960.20", se.Value)
		assert.Equal(t, "1717.20", se.Expected)
		assert.Contains(t, se.Message, "BT-112 − BT-113 + BT-114 − the withheld taxes")
	})
	t.Run("a withheld tax the mapping does not map is refused", func(t *testing.T) {
		inv := irpfInvoice()
		inv.Withholdings[0].Tax = "RA" // Italian ritenuta d'acconto
		_, err := invoicesync.BuildEntry(inv, m, chart, invoicesync.PartnerRef{ID: "P1"})
		var se *invoicesync.SyncError
		require.True(t, errors.As(err, &se), "%v", err)
		assert.Equal(t, invoicesync.CodeMappingTaxRateNotFound, se.Code)
		assert.Equal(t, "Withholdings[0].Tax", se.Field)
		assert.Equal(t, "RA", se.Value)
		assert.Equal(t, "the invoice withholds 243.00 RA and the mapping has no withholding rule for sales RA", se.Message)
	})
	t.Run("a rule whose account the ledger lacks fails the mapping's validation", func(t *testing.T) {
		m := frenchMapping()
		m.Withholding = []invoicesync.WithholdingRule{{Tax: "IRPF", Account: "473"}}
		err := m.ValidateChart(frenchChart())
		require.Error(t, err)
		assert.Contains(t, err.Error(), "withholding[0].account")
	})
}
