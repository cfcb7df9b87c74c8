package tripletextest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// MaxExternalVoucherNumber is the longest externalVoucherNumber, in
// characters, a voucher may have.
const MaxExternalVoucherNumber = 70

// Voucher is a voucher as the server stores it.
type Voucher struct {
	// ID is the voucher's id.
	ID int64
	// Version is the voucher's version: 0 when created, one more per
	// attachment uploaded.
	Version int
	// Date is the voucher date, YYYY-MM-DD.
	Date string
	// Number is the voucher number, counted per year from 1; 0 for a voucher
	// not sent to the ledger.
	Number int
	// TempNumber is the temporary number of a voucher not sent to the ledger
	// (counted from 1 over every such voucher); 0 for a posted one.
	TempNumber int
	// Year is the year of Date.
	Year int
	// Description is the voucher's description.
	Description string
	// VoucherTypeID is the id of the voucher type; 0 for none.
	VoucherTypeID int64
	// ExternalVoucherNumber is the number given by the system that sent the voucher.
	ExternalVoucherNumber string
	// SentToLedger is false for a voucher created with sendToLedger=false.
	SentToLedger bool
	// Postings are the postings: the request's, in order, each followed by
	// the system-generated VAT posting it caused, if any.
	Postings []Posting
	// AttachmentID is the id of the voucher's attachment document; 0 for none.
	AttachmentID int64
	// Attachments are the files uploaded to the attachment document, in order:
	// Tripletex appends each new file to the same document as new pages.
	Attachments []Attachment
}

// Posting is one posting of a Voucher.
type Posting struct {
	// ID is the posting's id.
	ID int64
	// Row is the posting's row; 0 for a system-generated posting.
	Row int
	// Date is the posting date, YYYY-MM-DD (the voucher date unless given).
	Date string
	// Description is the posting's description.
	Description string
	// AccountID is the id of the account.
	AccountID int64
	// AccountNumber is the number of the account.
	AccountNumber int
	// CustomerID is the id of the posting's customer; 0 for none.
	CustomerID int64
	// SupplierID is the id of the posting's supplier; 0 for none.
	SupplierID int64
	// VATTypeID is the id of the posting's VAT type; 0 for none.
	VATTypeID int64
	// VATTypeNumber is the number of the posting's VAT type; empty for none.
	VATTypeNumber string
	// CurrencyID is the id of the posting's currency.
	CurrencyID int64
	// Currency is the code of the posting's currency.
	Currency string
	// InvoiceNumber is the posting's invoice number.
	InvoiceNumber string
	// TermOfPayment is the posting's due date, YYYY-MM-DD; empty for none.
	TermOfPayment string
	// ExternalRef is the posting's external reference (KID, ...).
	ExternalRef string
	// Amount is the net amount in the company currency: AmountGross less
	// its VAT.
	Amount decimal.Decimal
	// AmountCurrency is the net amount in the posting's currency.
	AmountCurrency decimal.Decimal
	// AmountGross is the gross amount in the company currency, as sent.
	AmountGross decimal.Decimal
	// AmountGrossCurrency is the gross amount in the posting's currency.
	AmountGrossCurrency decimal.Decimal
	// SystemGenerated is true for the VAT postings the server generated.
	SystemGenerated bool
}

// Attachment is one file uploaded to a voucher.
type Attachment struct {
	// FileName is the file name the upload gave.
	FileName string
	// ContentType is the file's media type: application/pdf, image/png,
	// image/jpeg or image/tiff.
	ContentType string
	// Data is the file's content.
	Data []byte
}

type voucher struct {
	id            int64
	version       int
	date          string
	year          int
	number        int
	tempNumber    int
	description   string
	voucherTypeID int64
	external      string
	posted        bool
	postings      []*posting
	attachmentID  int64
	attachments   []Attachment
}

type posting struct {
	id                  int64
	row                 int
	date                string
	description         string
	accountID           int64
	customerID          int64
	supplierID          int64
	vatTypeID           int64
	currencyID          int64
	invoiceNumber       string
	termOfPayment       string
	externalRef         string
	amount              decimal.Decimal
	amountCurrency      decimal.Decimal
	amountGross         decimal.Decimal
	amountGrossCurrency decimal.Decimal
	systemGenerated     bool
}

// SplitGross splits a gross amount carrying VAT at percentage into its net
// amount and its VAT, as the server does for a posting with a VAT type:
// VAT = gross × percentage / (100 + percentage), rounded to 2 decimals half
// away from zero, and net = gross − VAT. A zero percentage gives no VAT.
func SplitGross(gross, percentage decimal.Decimal) (net, vat decimal.Decimal) {
	if percentage.Sign() == 0 {
		return gross, decimal.Zero
	}
	vat = gross.Mul(percentage).DivRound(decimal.NewFromInt(100).Add(percentage), 24).Round(2)
	return gross.Sub(vat), vat
}

// voucherIn is the body of POST /ledger/voucher.
type voucherIn struct {
	Date                  *string     `json:"date"`
	Description           string      `json:"description"`
	VoucherType           *idRef      `json:"voucherType"`
	ExternalVoucherNumber string      `json:"externalVoucherNumber"`
	Postings              []postingIn `json:"postings"`
}

type postingIn struct {
	Row                 flexInt          `json:"row"`
	Date                *string          `json:"date"`
	Description         string           `json:"description"`
	Account             *idRef           `json:"account"`
	Customer            *idRef           `json:"customer"`
	Supplier            *idRef           `json:"supplier"`
	VATType             *idRef           `json:"vatType"`
	Currency            *idRef           `json:"currency"`
	AmountGross         *decimal.Decimal `json:"amountGross"`
	AmountGrossCurrency *decimal.Decimal `json:"amountGrossCurrency"`
	InvoiceNumber       string           `json:"invoiceNumber"`
	TermOfPayment       *string          `json:"termOfPayment"`
	ExternalRef         string           `json:"externalRef"`
}

// Validation messages, in Norwegian as the real API's.
const (
	msgNull        = "Kan ikke være null."
	msgNoPostings  = "Bilaget må ha minst én postering."
	msgRowZero     = "Rad 0 er forbeholdt systemgenererte posteringer, som ikke kan opprettes eller endres utenfra."
	msgRowNegative = "Radnummeret må være større enn 0."
	msgDecimals    = "Beløpet kan ikke ha mer enn 2 desimaler."
)

func hasTwoDecimals(d decimal.Decimal) bool { return d.Equal(d.Round(2)) }

// pendingPosting is a validated request posting and what its VAT needs.
type pendingPosting struct {
	p          *posting
	vat        *vatType
	vatAccount *account
}

// postVoucher answers POST /ledger/voucher.
func (s *Server) postVoucher(q url.Values, body []byte) reply {
	sendToLedger, set, rep, ok := s.boolParam(q, "sendToLedger")
	if !ok {
		return rep
	}
	if !set {
		sendToLedger = true
	}
	var in voucherIn
	if err := json.Unmarshal(body, &in); err != nil {
		return s.badRequest("could not read the request body as a voucher: " + err.Error())
	}
	var msgs []validationMessage
	add := func(field, path, msg string) { msgs = append(msgs, fieldMessage(field, path, msg)) }

	var vdate time.Time
	dateOK := false
	switch {
	case in.Date == nil || *in.Date == "":
		add("date", "date", msgNull)
	default:
		d, err := time.Parse(dateLayout, *in.Date)
		if err != nil {
			add("date", "date", fmt.Sprintf("Ugyldig dato %q: forventet formatet yyyy-MM-dd.", *in.Date))
		} else {
			vdate, dateOK = d, true
		}
	}
	if strings.TrimSpace(in.Description) == "" {
		add("description", "description", msgNull)
	}
	var vtype *voucherType
	if id, ok := in.VoucherType.id(); ok {
		switch vtype = s.voucherTypeByID(id); {
		case vtype == nil:
			add("voucherType", "voucherType", fmt.Sprintf("Bilagstypen med id %d finnes ikke.", id))
		case vtype.name == OutgoingInvoiceVoucherType:
			add("voucherType", "voucherType", "Bilagstypen Utgående faktura kan ikke brukes på nye bilag: la bilagstypen stå tom, eller opprett fakturaen med faktura-endepunktet.")
		}
	}
	if n := utf8.RuneCountInString(in.ExternalVoucherNumber); n > MaxExternalVoucherNumber {
		add("externalVoucherNumber", "externalVoucherNumber",
			fmt.Sprintf("Verdien er for lang: %d tegn, maksimalt %d.", n, MaxExternalVoucherNumber))
	}
	if len(in.Postings) == 0 {
		add("postings", "postings", msgNoPostings)
	}

	company := s.currencyByID(s.companyCurrencyID)
	sums := make(map[string]decimal.Decimal)
	sumOK := true
	pending := make([]pendingPosting, 0, len(in.Postings))
	for i, pin := range in.Postings {
		path := fmt.Sprintf("postings[%d]", i)
		padd := func(field, msg string) { add("postings."+field, path+"."+field, msg) }
		p := &posting{description: pin.Description, invoiceNumber: pin.InvoiceNumber, externalRef: pin.ExternalRef}

		switch {
		case !pin.Row.set:
			padd("row", msgNull)
		case pin.Row.v == 0:
			padd("row", msgRowZero)
		case pin.Row.v < 0:
			padd("row", msgRowNegative)
		default:
			p.row = int(pin.Row.v)
		}

		pdate, pdateOK := vdate, dateOK
		if pin.Date != nil && *pin.Date != "" {
			d, err := time.Parse(dateLayout, *pin.Date)
			if err != nil {
				padd("date", fmt.Sprintf("Ugyldig dato %q: forventet formatet yyyy-MM-dd.", *pin.Date))
				pdateOK = false
			} else {
				pdate, pdateOK = d, true
			}
		}
		p.date = pdate.Format(dateLayout)
		if pin.TermOfPayment != nil && *pin.TermOfPayment != "" {
			if _, err := time.Parse(dateLayout, *pin.TermOfPayment); err != nil {
				padd("termOfPayment", fmt.Sprintf("Ugyldig dato %q: forventet formatet yyyy-MM-dd.", *pin.TermOfPayment))
			} else {
				p.termOfPayment = *pin.TermOfPayment
			}
		}

		var acc *account
		if id, ok := pin.Account.id(); !ok {
			padd("account", msgNull)
		} else if acc = s.accountByID(id); acc == nil {
			padd("account", fmt.Sprintf("Kontoen med id %d finnes ikke.", id))
		} else {
			p.accountID = acc.id
			if acc.opts.Inactive {
				padd("account", fmt.Sprintf("Konto %d %s er inaktiv og kan ikke posteres på.", acc.number, acc.name))
			}
		}

		customerGiven, supplierGiven := false, false
		if id, ok := pin.Customer.id(); ok {
			customerGiven = true
			if s.partyByID(customerKind, id) == nil {
				padd("customer", fmt.Sprintf("Kunden med id %d finnes ikke.", id))
			} else {
				p.customerID = id
			}
		}
		if id, ok := pin.Supplier.id(); ok {
			supplierGiven = true
			if s.partyByID(supplierKind, id) == nil {
				padd("supplier", fmt.Sprintf("Leverandøren med id %d finnes ikke.", id))
			} else {
				p.supplierID = id
			}
		}
		if acc != nil && acc.opts.LedgerType == LedgerCustomer && !customerGiven {
			padd("customer", fmt.Sprintf("Konto %d er en kundereskontro: posteringen må ha en kunde.", acc.number))
		}
		if acc != nil && acc.opts.LedgerType == LedgerVendor && !supplierGiven {
			padd("supplier", fmt.Sprintf("Konto %d er en leverandørreskontro: posteringen må ha en leverandør.", acc.number))
		}

		var vt *vatType
		vatGiven := false
		if id, ok := pin.VATType.id(); ok {
			vatGiven = true
			if vt = s.vatTypeByID(id); vt == nil {
				padd("vatType", fmt.Sprintf("Mva-koden med id %d finnes ikke.", id))
			} else {
				p.vatTypeID = vt.id
			}
		}
		if acc != nil && vt != nil && len(acc.opts.LegalVATTypes) > 0 && !slices.Contains(acc.opts.LegalVATTypes, vt.number) {
			padd("vatType", fmt.Sprintf("Mva-kode %s er ikke tillatt på konto %d. Tillatte mva-koder: %s.",
				vt.number, acc.number, strings.Join(acc.opts.LegalVATTypes, ", ")))
		}
		if acc != nil && acc.opts.VATLocked && (vt != nil || !vatGiven) {
			got := ""
			if vt != nil {
				got = vt.number
			}
			if got != acc.opts.VATType {
				want := acc.opts.VATType
				if want == "" {
					want = "ingen"
				}
				padd("vatType", fmt.Sprintf("Konto %d er låst til mva-kode %s.", acc.number, want))
			}
		}
		var vatAcc *account
		if vt != nil && vt.percentage.Sign() != 0 {
			if vt.vatAccount == 0 {
				padd("vatType", fmt.Sprintf("no VAT account configured for VAT type %s", vt.number))
			} else if vatAcc = s.accountByNumber(vt.vatAccount); vatAcc == nil {
				padd("vatType", fmt.Sprintf("Mva-kontoen %d til mva-kode %s finnes ikke.", vt.vatAccount, vt.number))
			}
		}

		cur := company
		if id, ok := pin.Currency.id(); ok {
			if cur = s.currencyByID(id); cur == nil {
				padd("currency", fmt.Sprintf("Valutaen med id %d finnes ikke.", id))
			}
		}
		if cur != nil {
			p.currencyID = cur.id
			if acc != nil && acc.opts.Currency != "" && acc.opts.Currency != cur.code {
				padd("currency", fmt.Sprintf("Konto %d kan bare posteres i %s.", acc.number, acc.opts.Currency))
			}
		}

		grossOK := false
		switch {
		case pin.AmountGross == nil:
			padd("amountGross", msgNull)
		case !hasTwoDecimals(*pin.AmountGross):
			padd("amountGross", msgDecimals)
		default:
			p.amountGross, grossOK = *pin.AmountGross, true
		}
		if cur != nil {
			switch {
			case cur.id == company.id:
				if pin.AmountGrossCurrency != nil && grossOK && !pin.AmountGrossCurrency.Equal(p.amountGross) {
					padd("amountGrossCurrency", fmt.Sprintf("Beløpet i valuta (%s) må være lik beløpet (%s) når valutaen er %s.",
						pin.AmountGrossCurrency.String(), p.amountGross.String(), cur.code))
				}
				p.amountGrossCurrency = p.amountGross
			case pin.AmountGrossCurrency == nil:
				padd("amountGrossCurrency", fmt.Sprintf("Kan ikke være null når valutaen er %s.", cur.code))
			case !hasTwoDecimals(*pin.AmountGrossCurrency):
				padd("amountGrossCurrency", msgDecimals)
			default:
				p.amountGrossCurrency = *pin.AmountGrossCurrency
			}
		}

		if grossOK && pdateOK {
			sums[p.date] = sums[p.date].Add(p.amountGross)
		} else {
			sumOK = false
		}
		pending = append(pending, pendingPosting{p: p, vat: vt, vatAccount: vatAcc})
	}
	if sumOK {
		dates := make([]string, 0, len(sums))
		for d := range sums {
			dates = append(dates, d)
		}
		slices.Sort(dates)
		for _, d := range dates {
			if sums[d].Sign() != 0 {
				add("postings", "postings", fmt.Sprintf("Summen av posteringene for %s er ikke lik 0.", d))
			}
		}
	}
	if len(msgs) > 0 {
		return s.validationError(msgs)
	}

	v := &voucher{
		id:          s.newID(),
		date:        vdate.Format(dateLayout),
		year:        vdate.Year(),
		description: in.Description,
		external:    in.ExternalVoucherNumber,
		posted:      sendToLedger,
	}
	if vtype != nil {
		v.voucherTypeID = vtype.id
	}
	if sendToLedger {
		s.numberSeq[v.year]++
		v.number = s.numberSeq[v.year]
	} else {
		s.tempSeq++
		v.tempNumber = s.tempSeq
	}
	for _, pp := range pending {
		p := pp.p
		p.id = s.newID()
		if pp.vat == nil || pp.vat.percentage.Sign() == 0 {
			p.amount, p.amountCurrency = p.amountGross, p.amountGrossCurrency
			v.postings = append(v.postings, p)
			continue
		}
		net, vat := SplitGross(p.amountGross, pp.vat.percentage)
		netCur, vatCur := SplitGross(p.amountGrossCurrency, pp.vat.percentage)
		p.amount, p.amountCurrency = net, netCur
		v.postings = append(v.postings, p, &posting{
			id:                  s.newID(),
			date:                p.date,
			description:         p.description,
			accountID:           pp.vatAccount.id,
			vatTypeID:           pp.vat.id,
			currencyID:          p.currencyID,
			amount:              vat,
			amountGross:         vat,
			amountCurrency:      vatCur,
			amountGrossCurrency: vatCur,
			systemGenerated:     true,
		})
	}
	s.vouchers = append(s.vouchers, v)
	return single(http.StatusCreated, s.voucherJSON(v))
}

func (s *Server) voucherByID(id int64) *voucher {
	return find(s.vouchers, func(v *voucher) bool { return v.id == id })
}

func (s *Server) getVoucher(id int64) reply {
	v := s.voucherByID(id)
	if v == nil {
		return s.notFound(fmt.Sprintf("no voucher with id %d", id))
	}
	return single(http.StatusOK, s.voucherJSON(v))
}

// dateRange reads the dateFrom (inclusive) and dateTo (exclusive)
// parameters; missing ones are errors when required, zero otherwise.
func (s *Server) dateRange(q url.Values, required bool) (from, to string, msgs []validationMessage) {
	read := func(name string) string {
		raw := q.Get(name)
		if raw == "" {
			if required {
				msgs = append(msgs, argMessage(name, msgNull))
			}
			return ""
		}
		if _, err := time.Parse(dateLayout, raw); err != nil {
			msgs = append(msgs, argMessage(name, fmt.Sprintf("Ugyldig dato %q: forventet formatet yyyy-MM-dd.", raw)))
			return ""
		}
		return raw
	}
	from, to = read("dateFrom"), read("dateTo")
	if from != "" && to != "" && to <= from {
		msgs = append(msgs, argMessage("dateTo", "Til-datoen må være etter fra-datoen (dateTo er ikke med i perioden)."))
	}
	return from, to, msgs
}

func inRange(date, from, to string) bool {
	return (from == "" || date >= from) && (to == "" || date < to)
}

func sortVouchers(vs []*voucher) {
	slices.SortStableFunc(vs, func(a, b *voucher) int {
		return cmp.Or(cmp.Compare(a.date, b.date), cmp.Compare(a.number, b.number),
			cmp.Compare(a.tempNumber, b.tempNumber), cmp.Compare(a.id, b.id))
	})
}

// searchVouchers answers GET /ledger/voucher: the vouchers sent to the
// ledger, dated in [dateFrom, dateTo), filtered by id, number, numberFrom,
// numberTo and typeId.
func (s *Server) searchVouchers(q url.Values) reply {
	from, to, msgs := s.dateRange(q, true)
	numberFrom, numberTo := -1, -1
	for _, p := range []struct {
		name string
		dst  *int
	}{{"numberFrom", &numberFrom}, {"numberTo", &numberTo}} {
		if raw := q.Get(p.name); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil {
				return s.badRequest(fmt.Sprintf("query parameter %s=%q is not an integer", p.name, raw))
			}
			*p.dst = n
		}
	}
	if len(msgs) > 0 {
		return s.validationError(msgs)
	}
	ids, rep, ok := s.idList(q, "id")
	if !ok {
		return rep
	}
	numbers, rep, ok := s.idList(q, "number")
	if !ok {
		return rep
	}
	types, rep, ok := s.idList(q, "typeId")
	if !ok {
		return rep
	}
	var found []*voucher
	for _, v := range s.vouchers {
		if !v.posted || !inRange(v.date, from, to) ||
			(ids != nil && !ids[v.id]) || (numbers != nil && !numbers[int64(v.number)]) ||
			(types != nil && !types[v.voucherTypeID]) ||
			(numberFrom >= 0 && v.number < numberFrom) || (numberTo >= 0 && v.number >= numberTo) {
			continue
		}
		found = append(found, v)
	}
	return s.voucherList(q, found, true)
}

// nonPostedVouchers answers GET /ledger/voucher/>nonPosted: the vouchers not
// sent to the ledger, dated in [dateFrom, dateTo) when given.
// includeNonApproved is read but changes nothing: the fake has no approval.
func (s *Server) nonPostedVouchers(q url.Values) reply {
	if _, _, rep, ok := s.boolParam(q, "includeNonApproved"); !ok {
		return rep
	}
	from, to, msgs := s.dateRange(q, false)
	if len(msgs) > 0 {
		return s.validationError(msgs)
	}
	var found []*voucher
	for _, v := range s.vouchers {
		if !v.posted && inRange(v.date, from, to) {
			found = append(found, v)
		}
	}
	return s.voucherList(q, found, false)
}

// vouchersByExternalNumber answers GET /ledger/voucher/>externalVoucherNumber:
// every voucher, posted or not, whose externalVoucherNumber equals the
// parameter exactly.
func (s *Server) vouchersByExternalNumber(q url.Values) reply {
	want := q.Get("externalVoucherNumber")
	var found []*voucher
	for _, v := range s.vouchers {
		if v.external == want {
			found = append(found, v)
		}
	}
	return s.voucherList(q, found, false)
}

func (s *Server) voucherList(q url.Values, found []*voucher, search bool) reply {
	sortVouchers(found)
	out := make([]voucherJSON, 0, len(found))
	for _, v := range found {
		out = append(out, s.voucherJSON(v))
	}
	if !search {
		return page(s, q, out, nil)
	}
	return page(s, q, out, func(pg []voucherJSON) map[string]any {
		n := 0
		for _, v := range pg {
			n += len(v.Postings)
		}
		return map[string]any{"totalNumberOfPostings": n}
	})
}

// postAttachment answers POST /ledger/voucher/{id}/attachment.
func (s *Server) postAttachment(id int64, h http.Header, body []byte) reply {
	v := s.voucherByID(id)
	if v == nil {
		return s.notFound(fmt.Sprintf("no voucher with id %d", id))
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return s.badRequest("the attachment must be sent as multipart/form-data with a part named file")
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var file *Attachment
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s.badRequest("malformed multipart body: " + err.Error())
		}
		if part.FormName() != "file" || file != nil {
			continue
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return s.badRequest("malformed multipart body: " + err.Error())
		}
		file = &Attachment{FileName: part.FileName(), ContentType: part.Header.Get("Content-Type"), Data: data}
	}
	var msgs []validationMessage
	switch {
	case file == nil:
		msgs = append(msgs, fieldMessage("file", "file", msgNull))
	case len(file.Data) == 0:
		msgs = append(msgs, fieldMessage("file", "file", "Filen er tom."))
	case file.FileName == "":
		msgs = append(msgs, fieldMessage("file", "file", "Filen mangler filnavn."))
	default:
		ct, ok := attachmentType(file.ContentType, file.Data)
		if !ok {
			msgs = append(msgs, fieldMessage("file", "file",
				fmt.Sprintf("Ugyldig filformat (%s): gyldige formater er PDF, PNG, JPEG og TIFF.", cmp.Or(file.ContentType, "ukjent"))))
		}
		file.ContentType = ct
	}
	if len(msgs) > 0 {
		return s.validationError(msgs)
	}
	if v.attachmentID == 0 {
		v.attachmentID = s.newID()
	}
	v.attachments = append(v.attachments, *file)
	v.version++
	return single(http.StatusCreated, s.voucherJSON(v))
}

// attachmentType returns the media type of an uploaded file: the part's
// Content-Type when it names an accepted type, the type its first bytes show
// when the part has none or a generic one; ok is false for anything else.
func attachmentType(header string, data []byte) (string, bool) {
	mt := ""
	if header != "" {
		if t, _, err := mime.ParseMediaType(header); err == nil {
			mt = strings.ToLower(t)
		} else {
			return "", false
		}
	}
	switch mt {
	case "application/pdf", "image/png", "image/jpeg", "image/tiff":
		return mt, true
	case "image/jpg":
		return "image/jpeg", true
	case "", "application/octet-stream":
		switch {
		case bytes.HasPrefix(data, []byte("%PDF-")):
			return "application/pdf", true
		case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
			return "image/png", true
		case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
			return "image/jpeg", true
		case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
			return "image/tiff", true
		}
	}
	return "", false
}

// JSON views.

type voucherJSON struct {
	ID                    int64         `json:"id"`
	Version               int           `json:"version"`
	URL                   string        `json:"url"`
	Date                  string        `json:"date"`
	Number                int           `json:"number"`
	TempNumber            int           `json:"tempNumber"`
	Year                  int           `json:"year"`
	Description           string        `json:"description"`
	VoucherType           *ref          `json:"voucherType"`
	ReverseVoucher        *ref          `json:"reverseVoucher"`
	Postings              []postingJSON `json:"postings"`
	Document              *ref          `json:"document"`
	Attachment            *documentJSON `json:"attachment"`
	ExternalVoucherNumber string        `json:"externalVoucherNumber"`
	EdiDocument           *ref          `json:"ediDocument"`
}

type documentJSON struct {
	ID       int64  `json:"id"`
	Version  int    `json:"version"`
	URL      string `json:"url"`
	FileName string `json:"fileName"`
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
}

type postingAccountJSON struct {
	ID     int64  `json:"id"`
	URL    string `json:"url"`
	Number int    `json:"number"`
	Name   string `json:"name"`
}

type postingVATTypeJSON struct {
	ID         int64       `json:"id"`
	URL        string      `json:"url"`
	Number     string      `json:"number"`
	Percentage jsonDecimal `json:"percentage"`
}

type postingCurrencyJSON struct {
	ID   int64  `json:"id"`
	URL  string `json:"url"`
	Code string `json:"code"`
}

type postingJSON struct {
	ID                  int64                `json:"id"`
	Version             int                  `json:"version"`
	URL                 string               `json:"url"`
	Voucher             *ref                 `json:"voucher"`
	Date                string               `json:"date"`
	Description         string               `json:"description"`
	Account             *postingAccountJSON  `json:"account"`
	Customer            *ref                 `json:"customer"`
	Supplier            *ref                 `json:"supplier"`
	Employee            *ref                 `json:"employee"`
	Project             *ref                 `json:"project"`
	Product             *ref                 `json:"product"`
	Department          *ref                 `json:"department"`
	VATType             *postingVATTypeJSON  `json:"vatType"`
	Amount              json.Number          `json:"amount"`
	AmountCurrency      json.Number          `json:"amountCurrency"`
	AmountGross         json.Number          `json:"amountGross"`
	AmountGrossCurrency json.Number          `json:"amountGrossCurrency"`
	Currency            *postingCurrencyJSON `json:"currency"`
	CloseGroup          *ref                 `json:"closeGroup"`
	InvoiceNumber       string               `json:"invoiceNumber"`
	TermOfPayment       *string              `json:"termOfPayment"`
	Row                 int                  `json:"row"`
	Type                *string              `json:"type"`
	ExternalRef         string               `json:"externalRef"`
	SystemGenerated     bool                 `json:"systemGenerated"`
}

func (s *Server) voucherJSON(v *voucher) voucherJSON {
	j := voucherJSON{
		ID:                    v.id,
		Version:               v.version,
		URL:                   s.url("ledger/voucher", v.id),
		Date:                  v.date,
		Number:                v.number,
		TempNumber:            v.tempNumber,
		Year:                  v.year,
		Description:           v.description,
		VoucherType:           s.ref("ledger/voucherType", v.voucherTypeID),
		Postings:              make([]postingJSON, 0, len(v.postings)),
		ExternalVoucherNumber: v.external,
	}
	if v.attachmentID != 0 {
		size := 0
		for _, a := range v.attachments {
			size += len(a.Data)
		}
		j.Attachment = &documentJSON{
			ID: v.attachmentID, URL: s.url("document", v.attachmentID),
			FileName: v.attachments[0].FileName, Size: size, MimeType: "application/pdf",
		}
	}
	for _, p := range v.postings {
		pj := postingJSON{
			ID:                  p.id,
			URL:                 s.url("ledger/posting", p.id),
			Voucher:             s.ref("ledger/voucher", v.id),
			Date:                p.date,
			Description:         p.description,
			Customer:            s.ref("customer", p.customerID),
			Supplier:            s.ref("supplier", p.supplierID),
			Amount:              money(p.amount),
			AmountCurrency:      money(p.amountCurrency),
			AmountGross:         money(p.amountGross),
			AmountGrossCurrency: money(p.amountGrossCurrency),
			InvoiceNumber:       p.invoiceNumber,
			Row:                 p.row,
			ExternalRef:         p.externalRef,
			SystemGenerated:     p.systemGenerated,
		}
		if a := s.accountByID(p.accountID); a != nil {
			pj.Account = &postingAccountJSON{ID: a.id, URL: s.url("ledger/account", a.id), Number: a.number, Name: a.name}
		}
		if vt := s.vatTypeByID(p.vatTypeID); vt != nil {
			pj.VATType = &postingVATTypeJSON{ID: vt.id, URL: s.url("ledger/vatType", vt.id), Number: vt.number, Percentage: jsonDecimal(vt.percentage)}
		}
		if c := s.currencyByID(p.currencyID); c != nil {
			pj.Currency = &postingCurrencyJSON{ID: c.id, URL: s.url("currency", c.id), Code: c.code}
		}
		if p.termOfPayment != "" {
			t := p.termOfPayment
			pj.TermOfPayment = &t
		}
		j.Postings = append(j.Postings, pj)
	}
	return j
}

// Go accessors.

func (s *Server) goVoucher(v *voucher) Voucher {
	out := Voucher{
		ID: v.id, Version: v.version, Date: v.date, Number: v.number, TempNumber: v.tempNumber, Year: v.year,
		Description: v.description, VoucherTypeID: v.voucherTypeID, ExternalVoucherNumber: v.external,
		SentToLedger: v.posted, AttachmentID: v.attachmentID,
	}
	for _, p := range v.postings {
		gp := Posting{
			ID: p.id, Row: p.row, Date: p.date, Description: p.description, AccountID: p.accountID,
			CustomerID: p.customerID, SupplierID: p.supplierID, VATTypeID: p.vatTypeID, CurrencyID: p.currencyID,
			Currency: s.currencyCode(p.currencyID), InvoiceNumber: p.invoiceNumber, TermOfPayment: p.termOfPayment,
			ExternalRef: p.externalRef, Amount: p.amount, AmountCurrency: p.amountCurrency,
			AmountGross: p.amountGross, AmountGrossCurrency: p.amountGrossCurrency, SystemGenerated: p.systemGenerated,
		}
		if a := s.accountByID(p.accountID); a != nil {
			gp.AccountNumber = a.number
		}
		if vt := s.vatTypeByID(p.vatTypeID); vt != nil {
			gp.VATTypeNumber = vt.number
		}
		out.Postings = append(out.Postings, gp)
	}
	for _, a := range v.attachments {
		out.Attachments = append(out.Attachments, Attachment{FileName: a.FileName, ContentType: a.ContentType, Data: bytes.Clone(a.Data)})
	}
	return out
}

// Vouchers returns copies of every voucher, posted or not, in the order they
// were created.
func (s *Server) Vouchers() []Voucher {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Voucher, 0, len(s.vouchers))
	for _, v := range s.vouchers {
		out = append(out, s.goVoucher(v))
	}
	return out
}

// Voucher returns a copy of the voucher with the given id.
func (s *Server) Voucher(id int64) (Voucher, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.voucherByID(id)
	if v == nil {
		return Voucher{}, false
	}
	return s.goVoucher(v), true
}
