package eboekhoudentest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// vatRule is one VAT code of the API: its rate, whether it is for sales
// ("S"), purchases ("P") or both (""), and the date from which it is no
// longer accepted.
type vatRule struct {
	rate      decimal.Decimal
	side      string
	divergent bool
	cutOff    string
}

func r(rate int64, side string) vatRule { return vatRule{rate: decimal.NewFromInt(rate), side: side} }

// vatRules are the VAT codes the API documents (NL and BE).
var vatRules = map[string]vatRule{
	"LAAG_VERK":      {rate: decimal.NewFromInt(6), side: "S", cutOff: "2019-01-01"},
	"LAAG_VERK_9":    r(9, "S"),
	"HOOG_VERK_21":   r(21, "S"),
	"AFW_VERK":       {side: "S", divergent: true},
	"VERL_VERK":      r(0, "S"),
	"VERL_VERK_L9":   r(0, "S"),
	"BU_EU_VERK":     r(0, "S"),
	"AFST_VERK":      r(0, "S"),
	"BI_EU_VERK_D":   r(0, "S"),
	"BI_EU_VERK":     r(0, "S"),
	"LAAG_INK":       {rate: decimal.NewFromInt(6), side: "P", cutOff: "2019-01-01"},
	"LAAG_INK_9":     r(9, "P"),
	"HOOG_INK_21":    r(21, "P"),
	"AFW":            {side: "P", divergent: true},
	"VERL_INK_L9":    r(9, "P"),
	"VERL_INK_L":     {rate: decimal.NewFromInt(6), side: "P", cutOff: "2019-01-01"},
	"VERL_INK":       r(21, "P"),
	"BU_EU_INK":      r(0, "P"),
	"BI_EU_INK":      r(0, "P"),
	"GEEN":           r(0, ""),
	"BE_0_INK":       r(0, "P"),
	"BE_6_INK":       r(6, "P"),
	"BE_12_INK":      r(12, "P"),
	"BE_21_INK":      r(21, "P"),
	"BE_VERL_0_INK":  r(0, "P"),
	"BE_VERL_6_INK":  r(6, "P"),
	"BE_VERL_12_INK": r(12, "P"),
	"BE_VERL_21_INK": r(21, "P"),
	"BE_IC_D_0_INK":  r(0, "P"),
	"BE_IC_D_6_INK":  r(6, "P"),
	"BE_IC_D_12_INK": r(12, "P"),
	"BE_IC_D_21_INK": r(21, "P"),
	"BE_IC_0_INK":    r(0, "P"),
	"BE_IC_6_INK":    r(6, "P"),
	"BE_IC_12_INK":   r(12, "P"),
	"BE_IC_21_INK":   r(21, "P"),
	"BE_IMP_0_INK":   r(0, "P"),
	"BE_IMP_6_INK":   r(6, "P"),
	"BE_IMP_12_INK":  r(12, "P"),
	"BE_IMP_21_INK":  r(21, "P"),
	"BE_0_VERK":      r(0, "S"),
	"BE_6_VERK":      r(6, "S"),
	"BE_12_VERK":     r(12, "S"),
	"BE_21_VERK":     r(21, "S"),
	"BE_IC_D_VERK":   r(0, "S"),
	"BE_VERL_VERK":   r(0, "S"),
	"BE_IC_VERK":     r(0, "S"),
	"BE_EXP_VERK":    r(0, "S"),
}

// reverseCharged are the purchase codes whose VAT is self-assessed:
// e-Boekhouden books it as due and as deductible; their rows must be EX (MUT_026).
var reverseCharged = map[string]bool{"VERL_INK": true, "VERL_INK_L9": true, "VERL_INK_L": true}

// rowVAT is the VAT e-Boekhouden computes for a row.
func rowVAT(amount decimal.Decimal, rule vatRule, inEx string) decimal.Decimal {
	hundred := decimal.NewFromInt(100)
	if inEx == "IN" {
		return amount.Mul(rule.rate).DivRound(hundred.Add(rule.rate), 12).Round(2)
	}
	return amount.Mul(rule.rate).DivRound(hundred, 12).Round(2)
}

// mutationIn is the body of POST /v1/mutation.
type mutationIn struct {
	Type                  *int    `json:"type"`
	Date                  string  `json:"date"`
	LedgerID              int     `json:"ledgerId"`
	InvoiceNumber         string  `json:"invoiceNumber"`
	EntryNumber           string  `json:"entryNumber"`
	TermOfPayment         *int    `json:"termOfPayment"`
	CheckPaymentReference bool    `json:"checkPaymentReference"`
	PaymentReference      string  `json:"paymentReference"`
	InExVAT               *string `json:"inExVat"`
	Description           string  `json:"description"`
	RelationID            int     `json:"relationId"`
	Rows                  []Row   `json:"rows"`
}

func (s *Server) createMutation(body []byte) reply {
	if len(body) == 0 {
		return invalid("DATA_01", "No content body provided.", "")
	}
	var in mutationIn
	if err := json.Unmarshal(body, &in); err != nil {
		return invalid("ERR_002", "Your request contains an invalid value.", "")
	}
	m, rep, good := s.checkMutation(in)
	if !good {
		return rep
	}
	m.ID = s.id()
	s.mutations = append(s.mutations, m)
	return reply{status: http.StatusCreated, body: map[string]any{"id": m.ID}}
}

// checkMutation validates in as the API documents it and returns the
// mutation to record, with its VAT computed.
func (s *Server) checkMutation(in mutationIn) (Mutation, reply, bool) {
	fail := func(code, title, prop string) (Mutation, reply, bool) {
		return Mutation{}, invalid(code, title, prop), false
	}
	switch {
	case in.Type == nil:
		return fail("MUTA_002", "Type is missing", "type")
	case *in.Type < 1 || *in.Type > 7:
		return fail("MUT_001", "Type is invalid.", "type")
	}
	typ := *in.Type
	invoice := typ == 1 || typ == 2
	switch {
	case in.Date == "":
		return fail("MUT_003", "Date is missing.", "date")
	case !validDate(in.Date):
		return fail("MUT_004", "Date is invalid.", "date")
	case in.LedgerID == 0:
		return fail("MUTA_001", "Ledger id is missing.", "ledgerId")
	}
	head, found := s.ledger(in.LedgerID)
	switch {
	case !found:
		return fail("MUT_007", "Unknown ledger for mutation.", "ledgerId")
	case typ == 1 && head.Category != "CRED":
		return fail("MUT_010", "Ledger must be of category creditor.", "ledgerId")
	case typ == 2 && head.Category != "DEB":
		return fail("MUT_011", "Ledger must be of category debtor.", "ledgerId")
	case invoice && in.InvoiceNumber == "":
		return fail("MUT_002", "Invoice number is missing.", "invoiceNumber")
	case len(in.InvoiceNumber) > MaxInvoiceNumber:
		return fail("MUT_018", "Invoice number is too long.", "invoiceNumber")
	case invoice && in.RelationID == 0:
		return fail("MUT_012", "Relation is missing.", "relationId")
	case !invoice && in.TermOfPayment != nil:
		return fail("MUT_016", "Term of payment is prohibited.", "termOfPayment")
	case in.InExVAT == nil:
		return fail("MUTA_005", "In/Ex VAT is missing.", "inExVat")
	case *in.InExVAT != "IN" && *in.InExVAT != "EX":
		return fail("MUT_017", "In/Ex VAT must be 'IN' or 'EX'.", "inExVat")
	case len(in.Rows) == 0:
		return fail("MUT_100", "Rows are missing.", "rows")
	case len(in.Rows) > MaxRows:
		return fail("MUT_101", "Too many rows.", "rows")
	}
	if in.RelationID != 0 {
		if _, found := s.relation(in.RelationID); !found {
			return fail("MUT_013", "Relation not found.", "relationId")
		}
	}
	if invoice {
		for _, m := range s.mutations {
			if m.Type == typ && m.RelationID == in.RelationID && m.InvoiceNumber == in.InvoiceNumber {
				return fail("MUT_020", "Combination relation/invoice number already exists.", "invoiceNumber")
			}
		}
	}
	if in.CheckPaymentReference && in.PaymentReference != "" {
		for _, m := range s.mutations {
			if m.PaymentReference == in.PaymentReference {
				return fail("MUTA_008", "Payment reference already exists.", "paymentReference")
			}
		}
	}
	m := Mutation{Type: typ, Date: in.Date, Description: in.Description, LedgerID: in.LedgerID, RelationID: in.RelationID,
		InExVAT: *in.InExVAT, InvoiceNumber: in.InvoiceNumber, EntryNumber: in.EntryNumber, PaymentReference: in.PaymentReference}
	if in.TermOfPayment != nil {
		m.TermOfPayment = *in.TermOfPayment
	}
	sum := decimal.Zero
	for i, row := range in.Rows {
		prop := "rows[" + strconv.Itoa(i) + "]"
		if row.LedgerID == 0 {
			return fail("MUTA_004", "Ledger ID for row is missing.", prop+".ledgerId")
		}
		l, found := s.ledger(row.LedgerID)
		if !found {
			return fail("MUT_104", "Unknown ledger for row.", prop+".ledgerId")
		}
		if typ != 7 && typ != 3 && typ != 4 && (l.Category == "FIN" || l.Category == "CRED" || l.Category == "DEB") {
			return fail("MUT_106", "Invalid ledger category for row.", prop+".ledgerId")
		}
		rule, known := vatRules[row.VATCode]
		if !known || (rule.cutOff != "" && in.Date >= rule.cutOff) {
			return fail("MUT_109", "Invalid VAT code.", prop+".vatCode")
		}
		switch {
		case typ == 1 && rule.side == "S":
			return fail("MUT_110", "VAT code must be of type purchase.", prop+".vatCode")
		case typ == 2 && rule.side == "P":
			return fail("MUT_111", "VAT code must be of type sale.", prop+".vatCode")
		case row.VATAmount != nil && !rule.divergent:
			return fail("MUTA_003", "Vat amount must be used with vatCode: 'AFW' or 'AFW_VERK'", prop+".vatAmount")
		case typ == 1 && reverseCharged[row.VATCode] && m.InExVAT != "EX":
			return fail("MUT_026", "In/Ex VAT must always be 'EX' on purchases with reverse-charging VAT.", "inExVat")
		}
		if row.RelationID != 0 {
			if _, found := s.relation(row.RelationID); !found {
				return fail("MUT_113", "Relation not found.", prop+".relationId")
			}
		}
		vat := decimal.Zero
		switch {
		case rule.divergent && row.VATAmount != nil:
			vat = *row.VATAmount
		case !rule.divergent:
			vat = rowVAT(row.Amount, rule, m.InExVAT)
		}
		row.VATAmount = &vat
		m.Rows = append(m.Rows, row)
		sum = sum.Add(row.Amount)
		if !vat.IsZero() || rule.rate.IsPositive() || rule.divergent {
			addVAT(&m, row.VATCode, vat)
		}
	}
	if typ == 7 && !sum.IsZero() {
		return fail("MUT_118", "Ledger is not in balance.", "rows")
	}
	return m, reply{}, true
}

func addVAT(m *Mutation, code string, vat decimal.Decimal) {
	for i := range m.VAT {
		if m.VAT[i].VATCode == code {
			m.VAT[i].Amount = m.VAT[i].Amount.Add(vat)
			return
		}
	}
	m.VAT = append(m.VAT, VATAmount{VATCode: code, Amount: vat})
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// total is what the mutation's own ledger receives: the rows with their
// VAT (EX) or the rows (IN); a memorial's rows balance.
func total(m Mutation) decimal.Decimal {
	t := decimal.Zero
	for _, row := range m.Rows {
		t = t.Add(row.Amount)
		if m.InExVAT == "EX" && row.VATAmount != nil && !reverseCharged[row.VATCode] {
			t = t.Add(*row.VATAmount)
		}
	}
	return t
}

func (s *Server) listMutations(q url.Values) reply {
	type item struct {
		ID            int         `json:"id"`
		Type          int         `json:"type"`
		Date          string      `json:"date"`
		InvoiceNumber string      `json:"invoiceNumber"`
		LedgerID      int         `json:"ledgerId"`
		Amount        json.Number `json:"amount"`
		EntryNumber   string      `json:"entryNumber"`
	}
	var out []item
	for _, m := range s.mutations {
		if match(q, "type", strconv.Itoa(m.Type)) && match(q, "id", strconv.Itoa(m.ID)) && match(q, "invoiceNumber", m.InvoiceNumber) &&
			match(q, "date", m.Date) && match(q, "description", m.Description) {
			out = append(out, item{m.ID, m.Type, m.Date, m.InvoiceNumber, m.LedgerID, money(total(m)), m.EntryNumber})
		}
	}
	return page(q, out)
}

func (s *Server) getMutation(id string) reply {
	n, _ := strconv.Atoi(id)
	for _, m := range s.mutations {
		if m.ID == n {
			return ok(m)
		}
	}
	return notFound("MUT_300", "Mutation not found.")
}

// invoiceIn is the body of POST /v1/invoice.
type invoiceIn struct {
	InvoiceNumber string        `json:"invoiceNumber"`
	RelationID    int           `json:"relationId"`
	Date          string        `json:"date"`
	TermOfPayment *int          `json:"termOfPayment"`
	InExVAT       string        `json:"inExVat"`
	TemplateID    int           `json:"templateId"`
	Reference     string        `json:"reference"`
	Text          string        `json:"text"`
	Items         []InvoiceItem `json:"items"`
	Mutation      *struct {
		Description string `json:"description"`
		LedgerID    int    `json:"ledgerId"`
	} `json:"mutation"`
}

func (s *Server) createInvoice(body []byte) reply {
	if len(body) == 0 {
		return invalid("DATA_01", "No content body provided.", "")
	}
	var in invoiceIn
	if err := json.Unmarshal(body, &in); err != nil {
		return invalid("ERR_002", "Your request contains an invalid value.", "")
	}
	if in.InExVAT == "" {
		in.InExVAT = "EX"
	}
	switch {
	case in.RelationID == 0:
		return invalid("FACT_001", "Relation ID is missing.", "relationId")
	case in.InvoiceNumber != "" && len(in.InvoiceNumber) > MaxInvoiceNumber:
		return invalid("FACT_007", "Invoice number is too long.", "invoiceNumber")
	case in.InvoiceNumber != "" && (in.InvoiceNumber[len(in.InvoiceNumber)-1] < '0' || in.InvoiceNumber[len(in.InvoiceNumber)-1] > '9'):
		return invalid("FACT_009", "Invoice number does not end with a digit.", "invoiceNumber")
	case in.InExVAT != "IN" && in.InExVAT != "EX":
		return invalid("FACT_010", "Invoice VAT must be IN or EX.", "inExVat")
	case in.Date == "":
		return invalid("FACT_011", "Invoice date is missing.", "date")
	case !validDate(in.Date):
		return invalid("FACT_012", "Invoice date invalid.", "date")
	case in.TermOfPayment == nil:
		return invalid("FACT_015", "Term of payment is missing.", "termOfPayment")
	case len(in.Items) == 0:
		return invalid("FACT_019", "Invoice items are missing.", "items")
	}
	if _, found := s.relation(in.RelationID); !found {
		return invalid("FACT_002", "Relation not found.", "relationId")
	}
	if _, found := s.templates[in.TemplateID]; !found {
		return invalid("FACT_018", "Invoice template not found.", "templateId")
	}
	if in.InvoiceNumber == "" {
		in.InvoiceNumber = strconv.Itoa(len(s.invoices) + 1)
	}
	for _, inv := range s.invoices {
		if inv.InvoiceNumber == in.InvoiceNumber {
			return invalid("FACT_101", "Invoice number is in use.", "invoiceNumber")
		}
	}
	mut := mutationIn{Type: new(int), Date: in.Date, InvoiceNumber: in.InvoiceNumber, RelationID: in.RelationID,
		TermOfPayment: in.TermOfPayment, InExVAT: &in.InExVAT, Description: in.Reference}
	*mut.Type = 2
	if in.Mutation != nil {
		mut.Description, mut.LedgerID = in.Mutation.Description, in.Mutation.LedgerID
	}
	if mut.LedgerID == 0 {
		for _, l := range s.ledgers {
			if l.Category == "DEB" {
				mut.LedgerID = l.ID
				break
			}
		}
	}
	for i, it := range in.Items {
		prop := "items[" + strconv.Itoa(i) + "]"
		switch {
		case it.Description == "":
			return invalid("FACT_ITEM_001", "Description invoice item is missing.", prop+".description")
		case it.PricePerUnit == nil:
			return invalid("FACT_ITEM_004", "Price per unit excl. VAT is missing.", prop+".pricePerUnit")
		case it.VATCode == "":
			return invalid("FACT_ITEM_006", "VAT code is missing.", prop+".vatCode")
		case it.LedgerID == 0:
			return invalid("FACT_ITEM_007", "Ledger ID is missing", prop+".ledgerId")
		case it.VATAmount != nil && it.VATCode != "AFW_VERK":
			return invalid("FACT_ITEM_015", "VAT amount must be used with VAT code: 'AFW_VERK'", prop+".vatAmount")
		}
		if _, found := s.ledger(it.LedgerID); !found {
			return invalid("FACT_ITEM_012", "Ledger account not found.", prop+".ledgerId")
		}
		if rule, known := vatRules[it.VATCode]; !known || rule.side == "P" {
			return invalid("FACT_ITEM_014", "Invalid VAT code.", prop+".vatCode")
		}
		mut.Rows = append(mut.Rows, Row{LedgerID: it.LedgerID, VATCode: it.VATCode, VATAmount: it.VATAmount,
			Amount: it.Quantity.Mul(*it.PricePerUnit).Round(2), Description: it.Description})
	}
	m, rep, good := s.checkMutation(mut)
	if !good {
		return rep
	}
	m.ID = s.id()
	s.mutations = append(s.mutations, m)
	inv := Invoice{ID: s.id(), InvoiceNumber: in.InvoiceNumber, RelationID: in.RelationID, Date: in.Date, TermOfPayment: *in.TermOfPayment,
		InExVAT: in.InExVAT, TemplateID: in.TemplateID, Reference: in.Reference, Text: in.Text, Items: in.Items, MutationID: m.ID}
	s.invoices = append(s.invoices, inv)
	return reply{status: http.StatusCreated, body: map[string]any{"id": inv.ID, "invoiceNumber": inv.InvoiceNumber, "inExVat": inv.InExVAT}}
}

func (s *Server) listInvoices(q url.Values) reply {
	type item struct {
		ID            int         `json:"id"`
		InvoiceNumber string      `json:"invoiceNumber"`
		RelationID    int         `json:"relationId"`
		Date          string      `json:"date"`
		Reference     string      `json:"reference,omitempty"`
		TotalAmount   json.Number `json:"totalAmount"`
		TermOfPayment int         `json:"termOfPayment"`
		TemplateID    int         `json:"templateId"`
	}
	var out []item
	for _, inv := range s.invoices {
		if match(q, "invoiceNumber", inv.InvoiceNumber) && match(q, "relationId", strconv.Itoa(inv.RelationID)) && match(q, "date", inv.Date) {
			amount := decimal.Zero
			for _, m := range s.mutations {
				if m.ID == inv.MutationID {
					amount = total(m)
				}
			}
			out = append(out, item{inv.ID, inv.InvoiceNumber, inv.RelationID, inv.Date, inv.Reference, money(amount), inv.TermOfPayment, inv.TemplateID})
		}
	}
	return page(q, out)
}

// MarshalJSON writes the row with its amounts as numbers with two decimals.
func (r Row) MarshalJSON() ([]byte, error) {
	type row struct {
		LedgerID      int          `json:"ledgerId"`
		VATCode       string       `json:"vatCode"`
		VATAmount     *json.Number `json:"vatAmount,omitempty"`
		Amount        json.Number  `json:"amount"`
		Description   string       `json:"description,omitempty"`
		InvoiceNumber string       `json:"invoiceNumber,omitempty"`
		RelationID    int          `json:"relationId,omitempty"`
	}
	out := row{LedgerID: r.LedgerID, VATCode: r.VATCode, Amount: money(r.Amount), Description: r.Description,
		InvoiceNumber: r.InvoiceNumber, RelationID: r.RelationID}
	if r.VATAmount != nil {
		v := money(*r.VATAmount)
		out.VATAmount = &v
	}
	return json.Marshal(out)
}

// MarshalJSON writes the amount as a number with two decimals.
func (v VATAmount) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		VATCode string      `json:"vatCode"`
		Amount  json.Number `json:"amount"`
	}{v.VATCode, money(v.Amount)})
}
