package invoicesync_test

import (
	"fmt"
	"testing"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/rounding"
)

// benchInvoice is an invoice of n lines alternating 20 % and 5.5 %, with a
// 5 % document allowance per rate and a declared breakdown.
func benchInvoice(n int) *invoicesync.Invoice {
	inv := newInvoice()
	var nets [2]int64
	for i := 0; i < n; i++ {
		r, k := "20", 0
		if i%2 == 1 {
			r, k = "5.5", 1
		}
		net := int64(1000 + 37*i)
		nets[k] += net
		l := line("1", "10", "0", "S", r)
		l.Description = fmt.Sprintf("Service %d", i+1)
		l.NetAmount = rounding.FromUnits(net, 2)
		inv.Lines = append(inv.Lines, l)
	}
	rates := [2]int64{20_000_000, 5_500_000}
	var lineTotal, allow, net, vat int64
	for k, r := range []string{"20", "5.5"} {
		a := nets[k] * 5 / 100
		inv.Allowances = append(inv.Allowances, invoicesync.AllowanceCharge{Amount: rounding.FromUnits(a, 2), Reason: "Remise 5 %", VATCategory: "S", VATRate: rate(r)})
		base := nets[k] - a
		v, _ := rounding.MulDiv(base, rates[k], 100_000_000, rounding.HalfAwayFromZero)
		inv.VATBreakdown = append(inv.VATBreakdown, invoicesync.VATSubtotal{Category: "S", Rate: rate(r), TaxableAmount: rounding.FromUnits(base, 2), TaxAmount: rounding.FromUnits(v, 2)})
		lineTotal, allow, net, vat = lineTotal+nets[k], allow+a, net+base, vat+v
	}
	u := func(x int64) string { return rounding.FromUnits(x, 2).StringFixed(2) }
	inv.Totals = totals(u(lineTotal), u(allow), u(net), u(vat), u(net+vat))
	return inv
}

func BenchmarkBuildEntry(b *testing.B) {
	chart := frenchChart()
	for _, n := range []int{10, 200} {
		for _, grouping := range []invoicesync.LineGrouping{invoicesync.GroupByAccountAndVAT, invoicesync.OnePerSourceLine} {
			inv, m := benchInvoice(n), frenchMapping()
			m.LineGrouping = grouping
			e, err := invoicesync.BuildEntry(inv, m, chart, invoicesync.PartnerRef{ID: "P1", Name: "ACME SARL"})
			if err != nil {
				b.Fatal(err)
			}
			requireBalanced(b, e)
			builder, err := invoicesync.NewBuilder(m, chart)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("lines=%d/%s/BuildEntry", n, grouping), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					_, _ = invoicesync.BuildEntry(inv, m, chart, invoicesync.PartnerRef{ID: "P1", Name: "ACME SARL"})
				}
			})
			b.Run(fmt.Sprintf("lines=%d/%s/Builder.Build", n, grouping), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					_, _ = builder.Build(inv, invoicesync.PartnerRef{ID: "P1", Name: "ACME SARL"})
				}
			})
		}
	}
}
