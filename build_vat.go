package invoicesync

import (
	"fmt"
	"strings"

	"github.com/invoicesync/invoicesync/rounding"
)

func (s *build) resolveVAT() error {
	rules, key := s.rules()
	country := ""
	if s.inv.Party != nil {
		country = strings.TrimSpace(firstNonEmpty(s.inv.Party.Country, s.inv.Party.Address.Country))
	}
	for i := range s.categories {
		c := &s.categories[i]
		c.rule = findVATRule(rules, c.key, country)
		if c.rule < 0 {
			return s.invoiceError(&SyncError{
				Code: CodeMappingTaxRateNotFound, Line: c.firstLine, Field: key, Value: c.key.String(),
				Message:    fmt.Sprintf("no %s VAT code is mapped for %s", s.dir, c.key),
				Resolution: fmt.Sprintf("add a VAT code for %s %s in the mapping (%s)", s.dir, c.key, key),
			})
		}
		r := &rules[c.rule]
		code, exists := s.b.chart.VATCode(r.Code)
		field := func() string { return fmt.Sprintf("%s[%d].code", key, c.rule) }
		if s.vatCodeProblem(r.Code) != nil {
			state := "does not exist"
			if exists {
				state = "is not active"
			}
			return s.invoiceError(&SyncError{
				Code: CodeVATCodeNotFound, Line: c.firstLine, Field: field(), Value: r.Code,
				Message:    fmt.Sprintf("VAT code %s, mapped for %s %s, %s in the ledger", r.Code, s.dir, c.key, state),
				Resolution: fmt.Sprintf("create or reactivate VAT code %s in the ledger, or map %s to another code", r.Code, c.key),
			})
		}
		c.code = code
		c.reverse = s.dir == Purchase && (code.ReverseCharge || isReverseChargeCategory(c.key.cat))
		c.chargeVAT = !noVATCategory(c.key.cat) && !code.ReverseCharge
		c.rate = c.key.rate
		if !c.key.hasRate || (c.reverse && c.rate == 0) {
			cr, ok := rounding.ToUnits(code.Rate, rateDecimals)
			if !ok || cr < 0 {
				return s.invoiceError(&SyncError{
					Code: CodeVATCodeNotFound, Line: c.firstLine, Field: field(), Value: code.Rate.String(),
					Message:    fmt.Sprintf("the rate of VAT code %s is not usable", r.Code),
					Resolution: "correct the rate of the VAT code in the ledger",
				})
			}
			c.rate = cr
		}
	}
	return nil
}

// findVATRule returns the index of the most specific rule matching k.
func findVATRule(rules []VATRule, k vatKey, country string) int {
	best, bestScore := -1, -1
	for i := range rules {
		r := &rules[i]
		score := 0
		if r.Category != "" {
			if !strings.EqualFold(strings.TrimSpace(r.Category), k.cat) {
				continue
			}
			score++
		}
		if r.Rate.Valid {
			ru, ok := rounding.ToUnits(r.Rate.Decimal, rateDecimals)
			if !ok || !k.hasRate || ru != k.rate {
				continue
			}
			score++
		}
		if r.Country != "" {
			if !strings.EqualFold(strings.TrimSpace(r.Country), country) {
				continue
			}
			score++
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

// noVATCategory reports whether the seller charges no VAT in category c.
func noVATCategory(c string) bool {
	switch c {
	case "E", "AE", "K", "G", "O":
		return true
	}
	return false
}

// ImpliesZeroRate reports whether the UNTDID 5305 VAT category c (upper
// case) means a 0 % rate when the invoice gives none: zero rated (Z), and
// the categories in which the seller charges no VAT (E, AE, K, G, O). The
// builder reads such a category without a rate as that category at 0 %, so
// that sources, checks and charts that key VAT by category and rate can
// treat both as one.
func ImpliesZeroRate(c string) bool { return c == "Z" || noVATCategory(c) }

// isReverseChargeCategory reports whether a purchase in category c is self-assessed.
func isReverseChargeCategory(c string) bool {
	c = strings.ToUpper(c)
	return c == "AE" || c == "K"
}

// computeVAT fixes each category's VAT: declared when the invoice
// has a breakdown, else computed per category or per line; and the
// self-assessed VAT of reverse-charge purchases.
func (s *build) computeVAT() error {
	hasBreakdown := len(s.inv.VATBreakdown) > 0
	for ci := range s.categories {
		c := &s.categories[ci]
		base := c.taxable()
		switch {
		case hasBreakdown:
			c.vat = c.declVAT
		case !c.chargeVAT:
		case s.m.VATCalculation == VATPerLine:
			for i := range s.lines {
				if l := &s.lines[i]; l.category == ci {
					c.vat = s.add(c.vat, s.vatOf(s.add(s.add(l.net, -l.docAllow), l.docCharge), c.rate))
				}
			}
			if c.orphan {
				c.vat = s.add(c.vat, s.vatOf(s.add(c.charge, -c.allowance), c.rate))
			}
		default:
			c.vat = s.vatOf(base, c.rate)
		}
		if c.reverse {
			if c.declared {
				base = c.declBase
			}
			c.rcVAT = s.vatOf(base, c.rate)
		}
	}
	return nil
}

func (s *build) vatOf(base, rate int64) int64 {
	v, ok := rounding.MulDiv(base, rate, rateScale, s.m.Rounding)
	if !ok {
		s.overflow = true
	}
	return v
}
