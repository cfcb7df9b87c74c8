package einvoice_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
)

// row is one line of testdata/manifest.tsv: a file and the totals it
// declares, copied verbatim from it by the manifest's generator.
type row struct {
	file, syntax, currency string
	lines                  int
	net, vat, gross        string // BT-109, BT-110, BT-112
	allowances, charges    string // BT-107, BT-108
	prepaid, rounding      string // BT-113, BT-114
	payable                string // BT-115
	breakdown              string // rate:taxable:tax;...
	consistent             bool
	lineTotal              string // BT-106
	typeCode, taxCurrency  string
}

func readManifest(t *testing.T) []row {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "manifest.tsv"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	require.True(t, sc.Scan())
	col := map[string]int{}
	for i, name := range strings.Split(sc.Text(), "\t") {
		col[name] = i
	}
	var rows []row
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		get := func(name string) string {
			i, ok := col[name]
			require.True(t, ok, name)
			return c[i]
		}
		n, err := strconv.Atoi(get("line_count"))
		require.NoError(t, err)
		rows = append(rows, row{
			file: get("file"), syntax: get("syntax"), currency: get("currency"), lines: n,
			net: get("tax_exclusive_amount"), vat: get("tax_amount"), gross: get("tax_inclusive_amount"),
			allowances: get("allowance_total"), charges: get("charge_total"),
			prepaid: get("prepaid"), rounding: get("rounding"), payable: get("payable"),
			breakdown: get("vat_breakdown"), consistent: get("consistent") == "yes",
			lineTotal: get("line_net_total"), typeCode: get("type_code"), taxCurrency: get("tax_currency"),
		})
	}
	require.NoError(t, sc.Err())
	require.Len(t, rows, 25)
	return rows
}

// dec reads a manifest amount; absent is zero.
func dec(s string) decimal.Decimal {
	if s == "" {
		return decimal.Zero
	}
	return decimal.RequireFromString(s)
}

// breakdownTax is the sum of the declared VAT amounts (BT-117) of a manifest row.
func breakdownTax(t *testing.T, s string) decimal.Decimal {
	sum := decimal.Zero
	if s == "" {
		return sum
	}
	for _, part := range strings.Split(s, ";") {
		f := strings.Split(part, ":")
		require.Len(t, f, 3, part)
		sum = sum.Add(dec(f[2]))
	}
	return sum
}

func parseFile(t *testing.T, p *einvoice.Parser, name string) (invoicesync.Invoice, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	require.NoError(t, err)
	defer f.Close()
	return p.Parse(f)
}

// sums are the figures of an entry the way the preview command reports
// them: partner and net and VAT as absolute net effects, rounding signed
// (credit positive).
type sums struct{ partner, net, vat, rounding decimal.Decimal }

func entrySums(e *invoicesync.Entry) sums {
	var s sums
	for _, l := range e.Lines {
		credit := l.Credit.Sub(l.Debit)
		switch l.Kind {
		case invoicesync.KindPartner:
			s.partner = s.partner.Add(credit)
		case invoicesync.KindRevenue, invoicesync.KindExpense, invoicesync.KindDiscount, invoicesync.KindCharge:
			s.net = s.net.Add(credit)
		case invoicesync.KindVAT:
			s.vat = s.vat.Add(credit)
		case invoicesync.KindRounding:
			s.rounding = s.rounding.Add(credit)
		}
	}
	s.partner, s.net, s.vat = s.partner.Abs(), s.net.Abs(), s.vat.Abs()
	return s
}

// build makes the entry of inv under the demo mapping, checking it balances.
func build(t *testing.T, inv *invoicesync.Invoice) *invoicesync.Entry {
	t.Helper()
	demo := einvoice.Demo(inv)
	e, err := invoicesync.BuildEntry(inv, demo.Mapping, demo.Chart(), invoicesync.PartnerRef{ID: "P1", Name: "Partner"})
	require.NoError(t, err, inv.Number)
	require.NoError(t, e.Check(), "the entry balances")
	return e
}

// Every consistent file with lines parses, as a sale and as a purchase,
// into an invoice that declares the manifest's figures; its entry balances,
// its partner line carries BT-112 + BT-114, its revenue BT-109, its VAT the
// declared breakdown, to the cent.
func TestConsistentInvoicesBuildTheDeclaredEntry(t *testing.T) {
	checked := 0
	for _, r := range readManifest(t) {
		if !r.consistent || r.lines == 0 {
			continue
		}
		checked++
		for _, dir := range []invoicesync.Direction{invoicesync.Sales, invoicesync.Purchase} {
			t.Run(r.file+"/"+string(dir), func(t *testing.T) {
				inv, err := parseFile(t, &einvoice.Parser{Direction: dir}, r.file)
				require.NoError(t, err)
				require.NoError(t, einvoice.Check(&inv))
				require.Len(t, inv.Lines, r.lines)
				require.Equal(t, r.currency, inv.Currency)
				require.Equal(t, dir, inv.Direction)
				require.NotNil(t, inv.Party)

				tot := inv.Totals
				for _, c := range []struct {
					bt       string
					declared decimal.Decimal
					manifest string
				}{
					{"BT-106", tot.LineTotal, r.lineTotal}, {"BT-107", tot.AllowanceTotal, r.allowances},
					{"BT-108", tot.ChargeTotal, r.charges}, {"BT-109", tot.Net, r.net}, {"BT-110", tot.VAT, r.vat},
					{"BT-112", tot.Gross, r.gross}, {"BT-113", tot.Prepaid, r.prepaid},
					{"BT-114", tot.PayableRounding, r.rounding}, {"BT-115", tot.Payable, r.payable},
				} {
					require.True(t, c.declared.Equal(dec(c.manifest)), "%s: parsed %s, manifest %q", c.bt, c.declared, c.manifest)
				}

				e := build(t, &inv)
				s := entrySums(e)
				places := e.Decimals
				require.Equal(t, dec(r.gross).Add(dec(r.rounding)).StringFixed(places), s.partner.StringFixed(places), "partner = BT-112 + BT-114")
				require.Equal(t, dec(r.net).Abs().StringFixed(places), s.net.StringFixed(places), "net = BT-109")
				require.Equal(t, breakdownTax(t, r.breakdown).Abs().StringFixed(places), s.vat.StringFixed(places), "VAT = Σ BT-117")
				// BT-114 is added to what the partner owes: a credit on a sale,
				// a debit on a purchase, the other way round on a credit note.
				rounding := dec(r.rounding)
				if (dir == invoicesync.Purchase) != (inv.Kind == invoicesync.KindCreditNote) {
					rounding = rounding.Neg()
				}
				require.Equal(t, rounding.StringFixed(places), s.rounding.StringFixed(places), "rounding = ±BT-114")
				debit, credit := e.Totals()
				require.Equal(t, debit.StringFixed(places), credit.StringFixed(places))
			})
		}
	}
	require.Equal(t, 23, checked) // all but the inconsistent file and the one without lines
}

// A file whose totals break EN 16931 is refused with the amount code and
// both figures, never posted.
func TestInconsistentInvoicesAreRefused(t *testing.T) {
	for _, r := range readManifest(t) {
		if r.consistent {
			continue
		}
		t.Run(r.file, func(t *testing.T) {
			inv, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, r.file)
			require.NoError(t, err)
			err = einvoice.Check(&inv)
			require.ErrorIs(t, err, invoicesync.ErrAmountValidation)
			require.Equal(t, invoicesync.CodeAmountValidation, invoicesync.Code(err))
		})
	}
	// The one inconsistent file declares 336.91 due where BT-112 is 336.9.
	inv, err := parseFile(t, &einvoice.Parser{Direction: invoicesync.Sales}, "mustang--invalidXRV30.xml")
	require.NoError(t, err)
	var se *invoicesync.SyncError
	require.ErrorAs(t, einvoice.Check(&inv), &se)
	require.Equal(t, "Totals.Payable (BT-115)", se.Field)
	require.Equal(t, "336.91", se.Value)
	require.Equal(t, "336.9", se.Expected)
	require.Contains(t, se.Message, "BR-CO-16")
}

// The same invoice written in UBL and in CII gives the same entry, line
// for line, labels included.
func TestUBLAndCIIGiveTheSameEntry(t *testing.T) {
	for _, pair := range []string{"01.01a", "01.17a", "01.21a", "02.05a"} {
		for _, dir := range []invoicesync.Direction{invoicesync.Sales, invoicesync.Purchase} {
			t.Run(pair+"/"+string(dir), func(t *testing.T) {
				p := &einvoice.Parser{Direction: dir}
				ubl, err := parseFile(t, p, "xrechnung--"+pair+"-INVOICE_ubl.xml")
				require.NoError(t, err)
				cii, err := parseFile(t, p, "xrechnung--"+pair+"-INVOICE_uncefact.xml")
				require.NoError(t, err)
				eu, ec := build(t, &ubl), build(t, &cii)
				require.Equal(t, len(eu.Lines), len(ec.Lines))
				for i := range eu.Lines {
					a, b := eu.Lines[i], ec.Lines[i]
					require.Equal(t, a.Account, b.Account, "line %d", i+1)
					require.Equal(t, a.Debit.StringFixed(2), b.Debit.StringFixed(2), "line %d", i+1)
					require.Equal(t, a.Credit.StringFixed(2), b.Credit.StringFixed(2), "line %d", i+1)
					require.Equal(t, a.Kind, b.Kind, "line %d", i+1)
					require.Equal(t, a.VATCode, b.VATCode, "line %d", i+1)
					require.Equal(t, a.Label, b.Label, "line %d", i+1)
				}
				require.Equal(t, eu.Reference, ec.Reference)
				require.Equal(t, eu.Date, ec.Date)
				require.Equal(t, eu.DueDate, ec.DueDate)
				require.Equal(t, ubl.Party.Name, cii.Party.Name)
			})
		}
	}
}
