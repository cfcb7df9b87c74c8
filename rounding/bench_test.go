package rounding

import (
	"testing"

	"github.com/shopspring/decimal"
)

func BenchmarkDistributeUnits(b *testing.B) {
	for _, bc := range []struct {
		name    string
		weights []int64
	}{
		{"3 lines", []int64{9998, 3705, 1250}},
		{"12 lines", []int64{9998, 3705, 1250, 100, 2, 77777, 31415, 27182, 1, 5, 999, 12345}},
		{"200 lines", spread(200)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			dst := make([]int64, 0, len(bc.weights))
			b.ReportAllocs()
			for range b.N {
				var err error
				dst, err = DistributeUnits(-1371, bc.weights, dst)
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// spread returns n distinct positive weights.
func spread(n int) []int64 {
	w := make([]int64, n)
	for i := range w {
		w[i] = int64(1000 + 37*i)
	}
	return w
}

func BenchmarkToUnits(b *testing.B) {
	d := decimal.RequireFromString("1234.50")
	b.ReportAllocs()
	for range b.N {
		if _, ok := ToUnits(d, 2); !ok {
			b.Fatal("not exact")
		}
	}
}

func BenchmarkMulDiv(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		if _, ok := MulDiv(3009, 20, 100, HalfEven); !ok {
			b.Fatal("overflow")
		}
	}
}

func BenchmarkDistribute(b *testing.B) {
	total := decimal.RequireFromString("13.71")
	weights := []decimal.Decimal{
		decimal.RequireFromString("99.98"),
		decimal.RequireFromString("37.05"),
		decimal.RequireFromString("12.50"),
	}
	b.ReportAllocs()
	for range b.N {
		if _, err := Distribute(total, weights, 2); err != nil {
			b.Fatal(err)
		}
	}
}
