package invoicesync

import "fmt"

// assemble lays out the entry lines in sales orientation (credits positive),
// running assembleSteps in order: the order of Entry.Lines.
func (s *build) assemble() error {
	size := 6 + 4*len(s.categories)
	if !s.grouped() {
		size += len(s.lines)
	}
	s.pending = make([]pendingLine, 0, size)
	s.lineSources = make([]lineSource, 0, 2*len(s.lines))
	for _, step := range assembleSteps {
		if err := step(s); err != nil {
			return err
		}
	}
	return nil
}

// assembleSteps are the steps of assemble, in order, each adding one kind of
// entry line.
var assembleSteps = [...]func(*build) error{
	(*build).addPartnerLines,           // the partner line and the prepayment line
	(*build).addWithholdingLines,       // one line per withheld tax
	(*build).addRevenueLines,           // revenue or expense, and unspread document allowances and charges
	(*build).addDiscountAndChargeLines, // discounts and charges on their own accounts
	(*build).addVATLines,               // VAT per VAT code, self-assessed VAT twice
	(*build).addPayableRounding,        // the payable rounding the invoice declares (BT-114)
}

// grouped reports whether source lines with the same account and VAT code
// share one entry line.
func (s *build) grouped() bool { return s.m.LineGrouping != OnePerSourceLine }

// revenueKind is the kind of the lines an invoice's lines become: revenue on
// a sales invoice, expense on a purchase.
func (s *build) revenueKind() LineKind {
	if s.dir == Purchase {
		return KindExpense
	}
	return KindRevenue
}

// addPartnerLines adds the partner line, the amount the partner owes (or is
// owed): the gross with the payable rounding, less the withheld taxes, or the
// payable when the prepaid amount has its own prepayment account; and that
// prepayment line.
func (s *build) addPartnerLines() error {
	m := s.m
	collField, coll := "accounts.customer_collective", m.Accounts.CustomerCollective
	prepField, prep := "accounts.customer_prepayment", m.Accounts.CustomerPrepayment
	if s.dir == Purchase {
		collField, coll = "accounts.supplier_collective", m.Accounts.SupplierCollective
		prepField, prep = "accounts.supplier_prepayment", m.Accounts.SupplierPrepayment
	}
	partnerAmount := -s.add(s.add(s.gross, s.payRounding), -s.withheld)
	if prep != "" && s.prepaid != 0 {
		partnerAmount = -s.payable
		if err := s.fixedAccount(prepField, prep, 0); err != nil {
			return err
		}
	}
	if partnerAmount != 0 {
		if err := s.fixedAccount(collField, coll, 0); err != nil {
			return err
		}
		p := s.line(KindPartner, coll, "", false)
		p.amount, p.isPartner, p.accountSource = partnerAmount, true, FromMapping
	}
	if prep != "" && s.prepaid != 0 {
		p := s.line(KindPrepayment, prep, "", false)
		p.amount, p.accountSource = -s.prepaid, FromMapping
	}
	return nil
}

// addWithholdingLines adds the withheld taxes: in sales orientation a debit,
// the claim on the tax authority; mirrored for a purchase, the debt to it.
func (s *build) addWithholdingLines() error {
	for _, w := range s.withholds {
		if err := s.fixedAccount(w.field, w.account, 0); err != nil {
			return err
		}
		p := s.line(KindWithholding, w.account, "", true)
		p.amount, p.accountSource = s.add(p.amount, -w.amount), FromMapping
		p.description = firstNonEmpty(p.description, w.tax)
	}
	return nil
}

// addRevenueLines adds the revenue or expense lines: each source line's net,
// less its share of the document allowances and plus its share of the
// document charges, and its own allowances and charges when they have no
// account of their own. Document allowances or charges with no line to spread
// over get their own line, on the default account.
func (s *build) addRevenueLines() error {
	inv, group, revenue := s.inv, s.grouped(), s.revenueKind()
	_, disc := s.discountAccount()
	_, chargeAcct := s.chargeAccount()
	for i := range s.lines {
		l, c := &s.lines[i], &s.categories[s.lines[i].category]
		amount := l.net
		if disc != "" {
			amount = s.add(amount, l.lineAllow)
		} else {
			amount = s.add(amount, -l.docAllow)
		}
		if chargeAcct != "" {
			amount = s.add(amount, -l.lineCharge)
		} else {
			amount = s.add(amount, l.docCharge)
		}
		p := s.line(revenue, l.account, c.code.Code, group)
		p.amount = s.add(p.amount, amount)
		p.accountSource, p.rule, p.tried, p.vatRule = l.accountSource, l.rule, l.tried, c.rule+1
		s.addSource(p, i, inv.Lines[i].Description)
	}
	defField, def := s.defaultAccount()
	for ci := range s.categories {
		c := &s.categories[ci]
		if !c.orphan {
			continue
		}
		// Document allowances or charges with no line to spread over: their
		// own line, on the discount or charge account when set, else the default.
		if disc == "" && c.allowance != 0 || chargeAcct == "" && c.charge != 0 {
			if err := s.fixedAccount(defField, def, 0); err != nil {
				return err
			}
			p := s.line(revenue, def, c.code.Code, group)
			p.accountSource, p.vatRule = FromDefault, c.rule+1
			if disc == "" {
				p.amount = s.add(p.amount, -c.allowance)
			}
			if chargeAcct == "" {
				p.amount = s.add(p.amount, c.charge)
			}
			p.description = firstNonEmpty(p.description, c.reason)
		}
	}
	return nil
}

// addDiscountAndChargeLines adds the allowances and the charges on their own
// accounts, when the mapping sets them.
func (s *build) addDiscountAndChargeLines() error {
	group := s.grouped()
	if discField, disc := s.discountAccount(); disc != "" {
		if err := s.sideLines(KindDiscount, discField, disc, -1, group, func(l *sourceLine) int64 { return l.lineAllow }, func(c *category) int64 { return c.allowance }); err != nil {
			return err
		}
	}
	if chargeField, chargeAcct := s.chargeAccount(); chargeAcct != "" {
		if err := s.sideLines(KindCharge, chargeField, chargeAcct, 1, group, func(l *sourceLine) int64 { return l.lineCharge }, func(c *category) int64 { return c.charge }); err != nil {
			return err
		}
	}
	return nil
}

// addVATLines adds the VAT lines, one per VAT code, on the VAT rule's account
// or else the code's; a self-assessed VAT gets two lines, deductible and due.
func (s *build) addVATLines() error {
	rules, key := s.rules()
	for ci := range s.categories {
		c := &s.categories[ci]
		if c.vat == 0 && c.rcVAT == 0 {
			continue
		}
		r := &rules[c.rule]
		acct := firstNonEmpty(r.Account, c.code.Account)
		if acct == "" || !s.usable(acct) { // the field is named only on failure
			field := fmt.Sprintf("%s[%d].account", key, c.rule)
			if acct == "" {
				return s.invoiceError(&SyncError{
					Code: CodeVATCodeNotFound, Line: c.firstLine, Field: field, Value: c.code.Code,
					Message:    "VAT code " + c.code.Code + " has no account to post its VAT to",
					Resolution: "set the account of the VAT rule in the mapping",
				})
			}
			return s.fixedAccount(field, acct, c.firstLine)
		}
		if c.vat != 0 {
			p := s.line(KindVAT, acct, c.code.Code, true)
			p.amount, p.accountSource, p.description, p.vatRule = s.add(p.amount, c.vat), FromVATCode, c.code.Name, c.rule+1
			s.addCategorySources(p, ci)
		}
		if c.rcVAT != 0 {
			due := firstNonEmpty(r.DueAccount, c.code.DueAccount)
			if !s.usable(due) {
				return s.fixedAccount(fmt.Sprintf("%s[%d].due_account", key, c.rule), due, c.firstLine)
			}
			// Sales orientation: the deductible side is a credit here and
			// becomes the debit once the purchase is mirrored.
			p := s.line(KindReverseChargeVAT, acct, c.code.Code, true)
			p.amount, p.accountSource, p.description, p.vatRule = s.add(p.amount, c.rcVAT), FromVATCode, c.code.Name, c.rule+1
			s.addCategorySources(p, ci)
			p = s.line(KindReverseChargeVAT, due, c.code.Code, true)
			p.amount, p.accountSource, p.description, p.vatRule = s.add(p.amount, -c.rcVAT), FromVATCode, c.code.Name, c.rule+1
			s.addCategorySources(p, ci)
		}
	}
	return nil
}

// addPayableRounding adds the payable rounding the invoice declares (BT-114),
// booked as declared, with no tolerance; its account depends on its side.
func (s *build) addPayableRounding() error {
	if s.payRounding != 0 {
		p := s.line(KindRounding, "", s.roundingVATCode(), false)
		p.amount, p.accountBySide, p.accountSource = s.payRounding, true, FromMapping
		p.explanation = "payable rounding declared by the invoice (BT-114): " + s.money(s.payRounding, s.invoiceDecimals)
	}
	return nil
}

// sideLines adds discount or charge lines: line-level amounts per source line
// (or grouped per VAT code) and document-level amounts per VAT code. sign is
// the sales-orientation sign: -1 for discounts, +1 for charges.
func (s *build) sideLines(kind LineKind, field, account string, sign int64, group bool, lineAmt func(*sourceLine) int64, docAmt func(*category) int64) error {
	needed := false // the account is checked only when the invoice uses it
	for i := range s.lines {
		needed = needed || lineAmt(&s.lines[i]) != 0
	}
	for ci := range s.categories {
		needed = needed || docAmt(&s.categories[ci]) != 0
	}
	if !needed {
		return nil
	}
	if err := s.fixedAccount(field, account, 0); err != nil {
		return err
	}
	for i := range s.lines {
		l := &s.lines[i]
		if a := lineAmt(l); a != 0 {
			p := s.line(kind, account, s.categories[l.category].code.Code, group)
			p.amount, p.accountSource, p.vatRule = s.add(p.amount, sign*a), FromMapping, s.categories[l.category].rule+1
			s.addSource(p, i, acReason(s.inv.Lines[i], kind))
		}
	}
	for ci := range s.categories {
		c := &s.categories[ci]
		if a := docAmt(c); a != 0 {
			p := s.line(kind, account, c.code.Code, true)
			p.amount, p.accountSource, p.vatRule = s.add(p.amount, sign*a), FromMapping, c.rule+1
			if p.sourceCount == 0 {
				p.description = firstNonEmpty(p.description, c.reason)
			} else if c.reason != p.description {
				p.mixedDescriptions = true
			}
		}
	}
	return nil
}

func acReason(l Line, kind LineKind) string {
	list := l.Allowances
	if kind == KindCharge {
		list = l.Charges
	}
	for _, ac := range list {
		if ac.Reason != "" {
			return ac.Reason
		}
	}
	return l.Description
}

func (s *build) discountAccount() (string, string) {
	if s.dir == Purchase {
		return "accounts.purchase_discount", s.m.Accounts.PurchaseDiscount
	}
	return "accounts.sales_discount", s.m.Accounts.SalesDiscount
}

func (s *build) chargeAccount() (string, string) {
	if s.dir == Purchase {
		return "accounts.purchase_charge", s.m.Accounts.PurchaseCharge
	}
	return "accounts.sales_charge", s.m.Accounts.SalesCharge
}

// addSource records that line i (0-based) feeds pending line p.
func (s *build) addSource(p *pendingLine, i int, desc string) {
	s.lineSources = append(s.lineSources, lineSource{pendingLine: p.index, sourceLine: i})
	if p.sourceCount == 0 {
		p.description, p.onlySource = desc, i
	} else {
		p.onlySource = -1
		if desc != p.description {
			p.mixedDescriptions = true
		}
	}
	p.sourceCount++
}

// addCategorySources records that the lines of category ci feed VAT line p.
func (s *build) addCategorySources(p *pendingLine, ci int) {
	for i := range s.lines {
		if s.lines[i].category == ci {
			s.lineSources = append(s.lineSources, lineSource{pendingLine: p.index, sourceLine: i})
		}
	}
}
