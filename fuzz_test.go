package invoicesync_test

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/rounding"
)

// fuzzReader hands out the fuzzer's bytes as small choices; past the end it
// returns zeros, so every input builds some invoice.
type fuzzReader struct {
	data []byte
	pos  int
}

func (r *fuzzReader) byte() byte {
	if r.pos >= len(r.data) {
		return 0
	}
	b := r.data[r.pos]
	r.pos++
	return b
}

func (r *fuzzReader) pick(n int) int { return int(r.byte()) % n }

// amount returns a signed amount of up to ±32767 minor units, mostly positive.
func (r *fuzzReader) amount() int64 {
	v := int64(r.byte())<<8 | int64(r.byte())
	if v >= 0xF000 {
		return -(v - 0xF000)
	}
	return v & 0x7FFF
}

var (
	fuzzCategories = []string{"S", "S", "S", "Z", "E", "AE", "K", "", "O"}
	fuzzRates      = []string{"20", "5.5", "10", "0", "", "21", "8.1", "2.1"}
	fuzzCurrencies = []string{"EUR", "EUR", "JPY", "KWD", "CHF", "USD"}
)

// fuzzInvoice builds an invoice (and mapping options) from the fuzzer's bytes:
// lines, allowances, charges, a breakdown or not, totals computed from the lines
// and then perturbed, so that both valid and invalid invoices come out.
func fuzzInvoice(data []byte) (*invoicesync.Invoice, *invoicesync.Mapping) {
	r := &fuzzReader{data: data}
	inv := newInvoice()
	m := frenchMapping()
	m.SalesVAT = append(m.SalesVAT,
		invoicesync.VATRule{Code: "V0", Category: "E"}, invoicesync.VATRule{Code: "V0", Category: "AE"},
		invoicesync.VATRule{Code: "V0", Category: "K"}, invoicesync.VATRule{Code: "V0", Category: "O"},
		invoicesync.VATRule{Code: "V20", Rate: rate("2.1")}, invoicesync.VATRule{Code: "V20", Category: "S"},
		invoicesync.VATRule{Code: "V10"}) // anything else
	m.PurchaseVAT = append(m.PurchaseVAT,
		invoicesync.VATRule{Code: "A20", Rate: rate("5.5")}, invoicesync.VATRule{Code: "A20", Rate: rate("10")},
		invoicesync.VATRule{Code: "AI20", Category: "K"}, invoicesync.VATRule{Code: "A20", Category: "Z"})
	flags := r.byte()
	if flags&1 != 0 {
		inv.Direction = invoicesync.Purchase
	}
	if flags&2 != 0 {
		inv.Kind = invoicesync.KindCreditNote
	}
	if flags&4 != 0 {
		m.LineGrouping = invoicesync.OnePerSourceLine
	}
	if flags&8 != 0 {
		m.VATCalculation = invoicesync.VATPerLine
	}
	if flags&16 != 0 {
		m.Accounts.SalesDiscount, m.Accounts.PurchaseDiscount = "709", "609"
	}
	if flags&32 != 0 {
		m.Accounts.SalesCharge, m.Accounts.PurchaseCharge = "708", "607"
	}
	if flags&64 != 0 {
		m.Accounts.CustomerPrepayment, m.Accounts.SupplierPrepayment = "4191", "401"
	}
	inv.Currency = fuzzCurrencies[r.pick(len(fuzzCurrencies))]
	if inv.Currency == "USD" {
		m.LedgerCurrency = "EUR"
		inv.ExchangeRate = decimal.New(int64(r.byte())+1, -2) // 0.01 … 2.56
	}
	places, _ := rounding.MinorUnits(inv.Currency)
	amt := func(u int64) decimal.Decimal { return rounding.FromUnits(u, places) }

	var lineTotal, vat int64
	for n := 1 + r.pick(6); n > 0; n-- {
		l := invoicesync.Line{Description: "line", VATCategory: fuzzCategories[r.pick(len(fuzzCategories))]}
		if rt := fuzzRates[r.pick(len(fuzzRates))]; rt != "" {
			l.VATRate = rate(rt)
		}
		net := r.amount()
		l.NetAmount = amt(net)
		if r.pick(4) == 0 {
			l.Allowances = []invoicesync.AllowanceCharge{{Amount: amt(r.amount())}}
		}
		if r.pick(6) == 0 {
			l.Charges = []invoicesync.AllowanceCharge{{Amount: amt(r.amount())}}
		}
		if r.pick(5) == 0 {
			l.AccountNumber = []string{"7061", "7062", "9999"}[r.pick(3)]
		}
		lineTotal += net
		if l.VATRate.Valid {
			ru, _ := rounding.ToUnits(l.VATRate.Decimal, 6)
			v, _ := rounding.MulDiv(net, ru, 100_000_000, rounding.HalfAwayFromZero)
			vat += v
		}
		inv.Lines = append(inv.Lines, l)
	}
	var allowances, charges int64
	for n := r.pick(3); n > 0; n-- {
		a := invoicesync.AllowanceCharge{Amount: amt(r.amount() / 8), VATCategory: "S", VATRate: rate(fuzzRates[r.pick(3)])}
		if r.pick(2) == 0 {
			inv.Allowances = append(inv.Allowances, a)
			allowances += mustUnits(a.Amount, places)
		} else {
			inv.Charges = append(inv.Charges, a)
			charges += mustUnits(a.Amount, places)
		}
	}
	net := lineTotal - allowances + charges
	vat += int64(r.pick(5)) - 2 // a few minor units of disagreement, sometimes beyond tolerance
	gross := net + vat
	prepaid := int64(0)
	if r.pick(4) == 0 {
		prepaid = gross / 2
	}
	payRounding := int64(r.pick(5)) - 2
	if r.pick(2) == 0 {
		payRounding = 0
	}
	inv.Totals = invoicesync.Totals{
		LineTotal: amt(lineTotal), AllowanceTotal: amt(allowances), ChargeTotal: amt(charges), Net: amt(net),
		VAT: amt(vat), Gross: amt(gross), Prepaid: amt(prepaid), PayableRounding: amt(payRounding),
		Payable: amt(gross - prepaid + payRounding),
	}
	if r.pick(3) == 0 {
		inv.VATBreakdown = []invoicesync.VATSubtotal{{Category: "S", Rate: rate("20"), TaxableAmount: amt(net), TaxAmount: amt(vat)}}
	}
	return inv, m
}

func mustUnits(x decimal.Decimal, places int32) int64 {
	u, ok := rounding.ToUnits(x, places)
	if !ok {
		panic("not representable: " + x.String())
	}
	return u
}

// FuzzBuildEntry: whatever invoice the fuzzer builds, BuildEntry returns a
// *SyncError or an entry that balances exactly, with no 0.00 line and no line
// both debit and credit; it never panics. Seeds: testdata/fuzz/FuzzBuildEntry.
func FuzzBuildEntry(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 1, 0, 0x27, 0x10, 2, 0})
	f.Add([]byte{3, 5, 42, 2, 1, 0x30, 0x39, 7, 1, 0x10, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, m := fuzzInvoice(data)
		e, err := invoicesync.BuildEntry(inv, m, frenchChart(), invoicesync.PartnerRef{ID: "P", Name: "ACME"})
		if err != nil {
			var se *invoicesync.SyncError
			if !errors.As(err, &se) || se.Code == "" {
				t.Fatalf("error is not a *SyncError with a code: %T %v", err, err)
			}
			return
		}
		if err := e.Check(); err != nil {
			t.Fatalf("entry does not hold: %v", err)
		}
		debit, credit := e.Totals()
		if !debit.Equal(credit) {
			t.Fatalf("unbalanced: debit %s credit %s", debit, credit)
		}
		for i, l := range e.Lines {
			if l.Debit.IsZero() == l.Credit.IsZero() {
				t.Fatalf("line %d: debit %s credit %s", i+1, l.Debit, l.Credit)
			}
			if l.Label == "" {
				t.Fatalf("line %d has no label", i+1)
			}
		}
	})
}
