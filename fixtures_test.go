package invoicesync_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// d parses a decimal literal of a test.
func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// rate is a VAT rate literal.
func rate(s string) decimal.NullDecimal { return decimal.NewNullDecimal(d(s)) }

// frenchChart is the chart of a small French company: customers 411,
// suppliers 401, sales 706, purchases 607, VAT 44571 and 44566, discounts
// 709 and 609, rounding 758 and 658, and the others the tests name.
func frenchChart() *invoicesync.Chart {
	return invoicesync.NewChart(frenchAccounts(), frenchVATCodes(), frenchJournals())
}

// frenchAccounts are frenchChart's accounts; 7061 is inactive.
func frenchAccounts() []invoicesync.Account {
	acc := func(n, name string) invoicesync.Account {
		return invoicesync.Account{Number: n, Name: name, Active: true}
	}
	return []invoicesync.Account{
		acc("411", "Clients"), acc("401", "Fournisseurs"), acc("706", "Prestations de services"),
		acc("607", "Achats de marchandises"), acc("44571", "TVA collectée"), acc("44566", "TVA déductible"),
		acc("445662", "TVA déductible intracommunautaire"), acc("4452", "TVA due intracommunautaire"),
		acc("709", "Rabais, remises et ristournes accordés"), acc("609", "Rabais, remises et ristournes obtenus"),
		acc("708", "Produits des activités annexes"), acc("758", "Produits divers de gestion courante"),
		acc("658", "Charges diverses de gestion courante"), acc("766", "Gains de change"), acc("666", "Pertes de change"),
		acc("4191", "Clients - avances reçues"), acc("7062", "Formation"),
		{Number: "7061", Name: "Ancien compte de ventes", Active: false},
	}
}

// frenchVATCodes are frenchChart's VAT codes.
func frenchVATCodes() []invoicesync.VATCode {
	vat := func(code, name, r string, dir invoicesync.Direction, account string) invoicesync.VATCode {
		return invoicesync.VATCode{Code: code, Name: name, Rate: d(r), Direction: dir, Account: account, Active: true}
	}
	reverse := vat("AI20", "TVA autoliquidée 20 %", "20", invoicesync.Purchase, "445662")
	reverse.ReverseCharge, reverse.DueAccount = true, "4452"
	return []invoicesync.VATCode{
		vat("V20", "TVA 20 %", "20", invoicesync.Sales, "44571"), vat("V21", "TVA 21 %", "21", invoicesync.Sales, "44571"),
		vat("V10", "TVA 10 %", "10", invoicesync.Sales, "44571"), vat("V55", "TVA 5,5 %", "5.5", invoicesync.Sales, "44571"),
		vat("V0", "Exonéré 0 %", "0", invoicesync.Sales, "44571"), vat("V81", "MWST 8,1 %", "8.1", invoicesync.Sales, "44571"),
		vat("V5", "VAT 5 %", "5", invoicesync.Sales, "44571"),
		vat("A20", "TVA déductible 20 %", "20", invoicesync.Purchase, "44566"), reverse,
		vat("ROUND", "Hors champ", "0", "", ""),
	}
}

// frenchJournals are frenchChart's journals.
func frenchJournals() []invoicesync.Journal {
	return []invoicesync.Journal{{Code: "VT", Name: "Ventes"}, {Code: "HA", Name: "Achats"}, {Code: "AV", Name: "Avoirs"}}
}

// frenchMapping maps every rate the tests use onto frenchChart.
func frenchMapping() *invoicesync.Mapping {
	rule := func(cat, r, code string) invoicesync.VATRule {
		v := invoicesync.VATRule{Category: cat, Code: code}
		if r != "" {
			v.Rate = rate(r)
		}
		return v
	}
	return &invoicesync.Mapping{
		SalesVAT: []invoicesync.VATRule{
			rule("S", "20", "V20"), rule("S", "21", "V21"), rule("S", "10", "V10"), rule("S", "5.5", "V55"),
			rule("Z", "0", "V0"), rule("S", "8.1", "V81"), rule("S", "5", "V5"),
		},
		PurchaseVAT: []invoicesync.VATRule{rule("S", "20", "A20"), rule("AE", "", "AI20")},
		Journals:    invoicesync.JournalMapping{Sales: "VT", Purchase: "HA"},
		Accounts: invoicesync.Accounts{
			SalesDefault: "706", PurchaseDefault: "607", CustomerCollective: "411", SupplierCollective: "401",
			CreditRounding: "758", DebitRounding: "658",
		},
	}
}

// newInvoice returns a sales invoice in EUR from ACME SARL with the given
// lines; the test sets its totals.
func newInvoice(lines ...invoicesync.Line) *invoicesync.Invoice {
	return &invoicesync.Invoice{
		ID: "inv-1", Number: "F-2026-0001", Kind: invoicesync.KindInvoice, Direction: invoicesync.Sales,
		IssueDate: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), Currency: "EUR", Status: invoicesync.StatusSent,
		Party: &invoicesync.Party{Name: "ACME SARL", Country: "FR"},
		Lines: lines,
	}
}

// line is an invoice line of qty × price, its net amount declared as given.
func line(qty, price, net, category, r string) invoicesync.Line {
	l := invoicesync.Line{Description: "Item " + price, Quantity: d(qty), UnitPrice: d(price), NetAmount: d(net), VATCategory: category}
	if r != "" {
		l.VATRate = rate(r)
	}
	return l
}

// hundredAt20 is the plainest valid invoice: one line of 100.00 at 20 %.
func hundredAt20() *invoicesync.Invoice {
	inv := newInvoice(line("1", "100", "100.00", "S", "20"))
	inv.Totals = totals("100.00", "0", "100.00", "20.00", "120.00")
	return inv
}

// totals sets the declared totals; payable is gross.
func totals(lineTotal, allowances, net, vat, gross string) invoicesync.Totals {
	return invoicesync.Totals{
		LineTotal: d(lineTotal), AllowanceTotal: d(allowances), Net: d(net), VAT: d(vat),
		Gross: d(gross), Payable: d(gross),
	}
}

// breakdown is one declared VAT breakdown entry.
func breakdown(category, r, base, tax string) invoicesync.VATSubtotal {
	return invoicesync.VATSubtotal{Category: category, Rate: rate(r), TaxableAmount: d(base), TaxAmount: d(tax)}
}

// want is an expected entry line: account, "D" or "C", amount as text, VAT code, kind.
type want struct {
	account, side, amount, vatCode string
	kind                           invoicesync.LineKind
}

// build runs BuildEntry and checks the entry balances exactly.
func build(t *testing.T, inv *invoicesync.Invoice, m *invoicesync.Mapping) *invoicesync.Entry {
	t.Helper()
	e, err := invoicesync.BuildEntry(inv, m, frenchChart(), invoicesync.PartnerRef{ID: "P1", Name: "ACME SARL"})
	require.NoError(t, err)
	requireBalanced(t, e)
	return e
}

// requireBalanced checks the entry's invariants and that debits equal credits.
func requireBalanced(t testing.TB, e *invoicesync.Entry) {
	t.Helper()
	require.NoError(t, e.Check())
	debit, credit := e.Totals()
	require.True(t, debit.Equal(credit), "debit %s != credit %s", debit, credit)
}

// assertLines compares the entry's lines, in order, with expected.
func assertLines(t *testing.T, e *invoicesync.Entry, expected []want) {
	t.Helper()
	got := make([]want, len(e.Lines))
	for i, l := range e.Lines {
		side := "C"
		if l.IsDebit() {
			side = "D"
		}
		got[i] = want{l.Account, side, l.Amount().StringFixed(e.Decimals), l.VATCode, l.Kind}
	}
	assert.Equal(t, expected, got)
}
