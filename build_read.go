package invoicesync

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync/rounding"
)

func (s *build) header() error {
	inv, m := s.inv, s.m
	s.dir = inv.Direction
	if !inv.Direction.Valid() {
		return s.invoiceError(&SyncError{
			Code: CodeInvoiceValidation, Field: "Direction", Value: string(inv.Direction),
			Message:    "the invoice is neither sales nor purchase",
			Resolution: `set Direction to "sales" or "purchase"`,
		})
	}
	if !inv.Kind.Valid() {
		return s.invoiceError(&SyncError{
			Code: CodeInvoiceValidation, Field: "Kind", Value: string(inv.Kind),
			Message:    "the document is neither an invoice nor a credit note",
			Resolution: `set Kind to "invoice" or "credit_note"`,
		})
	}
	if inv.IssueDate.IsZero() {
		return s.invoiceError(&SyncError{
			Code: CodeInvoiceValidation, Field: "IssueDate (BT-2)",
			Message:    "the invoice has no issue date",
			Resolution: "set the invoice date in the invoicing tool",
		})
	}
	if len(inv.Lines) == 0 {
		return s.invoiceError(&SyncError{
			Code: CodeLineValidation, Field: "Lines",
			Message:    "the invoice has no lines",
			Resolution: "add at least one line to the invoice",
		})
	}
	var ok bool
	if s.invoiceDecimals, ok = m.MinorUnits.MinorUnits(inv.Currency); !ok {
		return s.invoiceError(&SyncError{
			Code: CodeCurrencyValidation, Field: "Currency (BT-5)", Value: inv.Currency,
			Message:    "unknown currency",
			Resolution: "use an ISO 4217 currency code, or declare its minor units in the mapping",
		})
	}
	s.ledgerCurrency = strings.ToUpper(strings.TrimSpace(firstNonEmpty(m.LedgerCurrency, inv.Currency)))
	if s.ledgerDecimals, ok = m.MinorUnits.MinorUnits(s.ledgerCurrency); !ok {
		return s.invoiceError(&SyncError{
			Code: CodeCurrencyValidation, Field: "ledger_currency", Value: s.ledgerCurrency,
			Message:    "unknown ledger currency",
			Resolution: "use an ISO 4217 currency code in the mapping",
		})
	}
	s.foreign = !strings.EqualFold(strings.TrimSpace(inv.Currency), s.ledgerCurrency)
	if s.foreign && inv.ExchangeRate.Sign() <= 0 {
		return s.invoiceError(&SyncError{
			Code: CodeCurrencyValidation, Field: "ExchangeRate", Value: inv.ExchangeRate.String(),
			Message:    fmt.Sprintf("the invoice is in %s, the ledger in %s, and there is no exchange rate", inv.Currency, s.ledgerCurrency),
			Resolution: fmt.Sprintf("give the invoice an exchange rate: how many %s one %s buys", inv.Currency, s.ledgerCurrency),
		})
	}
	s.tolerance = int64(m.RoundingTolerance)
	if s.tolerance <= 0 {
		s.tolerance = int64(max(1, len(inv.Lines)))
	}
	return nil
}

func (s *build) readLines() error {
	s.lines = make([]sourceLine, len(s.inv.Lines))
	s.categories = make([]category, 0, 4)
	for i := range s.inv.Lines {
		l, sl := &s.inv.Lines[i], &s.lines[i]
		var err error
		if sl.net, err = s.units(l.NetAmount, CodeLineValidation, i+1, "NetAmount (BT-131)"); err != nil {
			return err
		}
		k, why, ok := s.key(l.VATCategory, l.VATRate)
		if !ok {
			return s.invoiceError(&SyncError{
				Code: CodeLineValidation, Line: i + 1, Field: "VATRate (BT-152)", Value: rateText(l.VATRate),
				Message:    "the line has " + why,
				Resolution: fmt.Sprintf("set a VAT rate or VAT category on line %d in the invoicing tool", i+1),
			})
		}
		for j := range l.Allowances {
			u, err := s.unitsAt(l.Allowances[j].Amount, CodeLineValidation, i+1, "Allowances", j, ".Amount (BT-136)")
			if err != nil {
				return err
			}
			sl.lineAllow = s.add(sl.lineAllow, u)
		}
		for j := range l.Charges {
			u, err := s.unitsAt(l.Charges[j].Amount, CodeLineValidation, i+1, "Charges", j, ".Amount (BT-141)")
			if err != nil {
				return err
			}
			sl.lineCharge = s.add(sl.lineCharge, u)
		}
		sl.category = s.catIndex(k, false, i+1)
		c := &s.categories[sl.category]
		c.net = s.add(c.net, sl.net)
		s.lineTotal = s.add(s.lineTotal, sl.net)
	}
	return nil
}

// key reads a VAT category and rate; ok is false when the rate is unusable.
func (s *build) key(cat string, rate decimal.NullDecimal) (vatKey, string, bool) {
	k := vatKey{cat: strings.ToUpper(strings.TrimSpace(cat))}
	if rate.Valid {
		r, ok := rounding.ToUnits(rate.Decimal, rateDecimals)
		if !ok || r < 0 || r > 1000*rateScale/100 {
			return k, fmt.Sprintf("the VAT rate %s is not a percentage with at most %d decimals", rate.Decimal, rateDecimals), false
		}
		k.rate, k.hasRate = r, true
	} else if ImpliesZeroRate(k.cat) {
		k.hasRate = true
	}
	if k.cat == "" && !k.hasRate {
		return k, "no VAT category or rate", false
	}
	return k, "", true
}

// catIndex returns the category of key k, adding it when missing. lenient
// lets a key without category match a category of the same rate, and the reverse.
func (s *build) catIndex(k vatKey, lenient bool, line int) int {
	for i := range s.categories {
		if s.categories[i].key == k {
			return i
		}
	}
	if lenient {
		for i := range s.categories {
			c := s.categories[i].key
			if (c.cat == "" || k.cat == "") && c.hasRate == k.hasRate && c.rate == k.rate {
				return i
			}
		}
	}
	s.categories = append(s.categories, category{key: k, firstLine: line})
	return len(s.categories) - 1
}

func rateText(r decimal.NullDecimal) string {
	if !r.Valid {
		return ""
	}
	return r.Decimal.String()
}

// readDocument reads document-level allowances, charges and the VAT breakdown.
func (s *build) readDocument() error {
	read := func(list []AllowanceCharge, name, bt string, total *int64, charge bool) error {
		for i := range list {
			ac := &list[i]
			u, err := s.unitsAt(ac.Amount, CodeAmountValidation, 0, name, i, ".Amount ("+bt+")")
			if err != nil {
				return err
			}
			k, why, ok := s.key(ac.VATCategory, ac.VATRate)
			if !ok {
				return s.invoiceError(&SyncError{
					Code: CodeLineValidation, Field: fmt.Sprintf("%s[%d].VATRate", name, i), Value: rateText(ac.VATRate),
					Message:    "the document " + strings.ToLower(name[:len(name)-1]) + " has " + why,
					Resolution: "set the VAT category and rate of the document " + strings.ToLower(name[:len(name)-1]) + " in the invoicing tool",
				})
			}
			c := &s.categories[s.catIndex(k, true, 0)]
			if charge {
				c.charge = s.add(c.charge, u)
			} else {
				c.allowance = s.add(c.allowance, u)
			}
			if c.reason == "" {
				c.reason = ac.Reason
			}
			*total = s.add(*total, u)
		}
		return nil
	}
	if err := read(s.inv.Allowances, "Allowances", "BT-92", &s.docAllow, false); err != nil {
		return err
	}
	if err := read(s.inv.Charges, "Charges", "BT-99", &s.docCharge, true); err != nil {
		return err
	}
	if err := s.readWithholdings(); err != nil {
		return err
	}
	for i := range s.inv.VATBreakdown {
		v := &s.inv.VATBreakdown[i]
		k, why, ok := s.key(v.Category, v.Rate)
		if !ok {
			return s.invoiceError(&SyncError{
				Code: CodeAmountValidation, Field: fmt.Sprintf("VATBreakdown[%d].Rate (BT-119)", i), Value: rateText(v.Rate),
				Message:    "the VAT breakdown has " + why,
				Resolution: "correct the VAT breakdown in the invoicing tool",
			})
		}
		tax, err := s.unitsAt(v.TaxAmount, CodeAmountValidation, 0, "VATBreakdown", i, ".TaxAmount (BT-117)")
		if err != nil {
			return err
		}
		base, err := s.unitsAt(v.TaxableAmount, CodeAmountValidation, 0, "VATBreakdown", i, ".TaxableAmount (BT-116)")
		if err != nil {
			return err
		}
		c := &s.categories[s.catIndex(k, true, 0)]
		c.declared = true
		c.declVAT = s.add(c.declVAT, tax)
		c.declBase = s.add(c.declBase, base)
	}
	return nil
}

// readWithholdings reads the withheld taxes and finds each one's account.
func (s *build) readWithholdings() error {
	for i := range s.inv.Withholdings {
		w := &s.inv.Withholdings[i]
		u, err := s.unitsAt(w.Amount, CodeAmountValidation, 0, "Withholdings", i, ".Amount")
		if err != nil {
			return err
		}
		tax := strings.TrimSpace(w.Tax)
		if tax == "" {
			return s.invoiceError(&SyncError{
				Code: CodeInvoiceValidation, Field: fmt.Sprintf("Withholdings[%d].Tax", i),
				Message:    "a withheld tax has no name, so its account cannot be chosen",
				Resolution: "name the withheld tax in the invoicing tool",
			})
		}
		rule := -1
		for j := range s.m.Withholding {
			r := &s.m.Withholding[j]
			if (r.Direction == "" || r.Direction == s.dir) && strings.EqualFold(strings.TrimSpace(r.Tax), tax) {
				rule = j
				break
			}
		}
		if rule < 0 {
			return s.invoiceError(&SyncError{
				Code: CodeMappingTaxRateNotFound, Field: fmt.Sprintf("Withholdings[%d].Tax", i), Value: tax,
				Message:    fmt.Sprintf("the invoice withholds %s %s and the mapping has no withholding rule for %s %s", s.money(u, s.invoiceDecimals), tax, s.dir, tax),
				Resolution: fmt.Sprintf("add a withholding rule for %s to the mapping, with the account of the withheld amount", tax),
			})
		}
		s.withholds = append(s.withholds, withhold{tax: tax, account: s.m.Withholding[rule].Account,
			field: fmt.Sprintf("withholding[%d].account", rule), amount: u})
		s.withheld = s.add(s.withheld, u)
	}
	return nil
}
