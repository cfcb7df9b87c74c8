package invoicesync

import (
	"github.com/invoicesync/invoicesync/rounding"
)

// spread distributes each category's document allowances and charges over
// its lines by net amount, largest remainder first.
func (s *build) spread() error {
	if s.docAllow == 0 && s.docCharge == 0 {
		return nil
	}
	weights := make([]int64, 0, len(s.lines))
	idx := make([]int, 0, len(s.lines))
	shares := make([]int64, 0, len(s.lines))
	for ci := range s.categories {
		c := &s.categories[ci]
		if c.allowance == 0 && c.charge == 0 {
			continue
		}
		weights, idx = weights[:0], idx[:0]
		for i := range s.lines {
			if s.lines[i].category == ci {
				weights = append(weights, s.lines[i].net)
				idx = append(idx, i)
			}
		}
		for _, part := range []struct {
			total int64
			dst   func(*sourceLine) *int64
		}{
			{c.allowance, func(l *sourceLine) *int64 { return &l.docAllow }},
			{c.charge, func(l *sourceLine) *int64 { return &l.docCharge }},
		} {
			if part.total == 0 {
				continue
			}
			var err error
			shares, err = rounding.DistributeUnits(part.total, weights, shares)
			if err != nil {
				// No line, or lines summing to zero: the amount stays whole on
				// its own line (see addRevenueLines).
				c.orphan = true
				continue
			}
			for j, i := range idx {
				*part.dst(&s.lines[i]) = shares[j]
			}
		}
	}
	return nil
}
