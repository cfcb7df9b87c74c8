package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
)

const previewHelp = `Usage: invoicesync preview [-mapping FILE] [-direction sales|purchase] [-company IDS] PATH...

Reads e-invoices and writes, for each file, the accounting entry that
synchronizing it would post, or the error that would stop it. Nothing is
posted anywhere.

PATH is a file or a folder, or a symbolic link to one. A folder is read
recursively; in it, the files ending in .xml, .json or .pdf (not starting
with a dot) are e-invoices, and symbolic links are not followed. Files
named on the command line are read whatever their name. Formats: UBL
2.1 Invoice and CreditNote (Peppol BIS 3, XRechnung), UN/CEFACT CII
(Factur-X and ZUGFeRD 2.x, XRechnung), GOBL JSON; and the PDFs that embed
one (Factur-X, ZUGFeRD 2.x and XRechnung PDF/A-3: the embedded
factur-x.xml, zugferd-invoice.xml or xrechnung.xml is read).

Options:

  -mapping FILE
        the mapping to build entries with: a JSON file holding either
        {"mapping": MAPPING, "chart": CHART} or a MAPPING alone. MAPPING is
        an invoicesync.Mapping in JSON (sales_vat, purchase_vat, journals,
        accounts, ...). CHART is the ledger's chart:
          {"accounts": [{"number": "706000", "name": "Sales", "active": true}],
           "vat_codes": [{"code": "V20", "name": "VAT 20 %", "rate": "20",
                          "direction": "sales", "account": "445710",
                          "reverse_charge": false, "due_account": "", "active": true}],
           "journals": [{"code": "VT", "name": "Sales"}]}
        ("active" defaults to true). Without a chart, it is made from the
        mapping: every account it names, a VAT code per VAT rule (the
        rule's rate and accounts) and every journal it names.
        Without -mapping, a built-in demo mapping and chart are used: French
        accounts (706000 sales, 607000 purchases, 411000 customers, 401000
        suppliers, 445710/445660/445200 VAT, 758000/658000 rounding),
        journals VT and HA, a VAT code for every VAT category and rate the
        invoice uses, and the invoice's currency as the ledger's, so that
        every consistent invoice previews "ok".
  -direction sales|purchase
        the direction of invoices -company does not decide (default sales):
        sales when the company issued them, purchase when it received them.
  -company IDS
        the company's own VAT numbers or registration ids, separated by
        commas: an invoice whose seller has one is a sale, whose buyer has
        one a purchase.

Output: one JSON object per file, one per line, in the order the files are
read:

  {"file": "...", "number": "...", "kind": "invoice|credit_note",
   "direction": "sales|purchase", "currency": "EUR", "profile": "...",
   "status": "ok|error", "code": "ERROR_SYNC_INVOICE_...", "message": "...",
   "warnings": ["..."],
   "totals": {"debit": "...", "credit": "...", "partner": "...", "net": "...",
              "vat": "...", "rounding": "...", "withheld": "..."},
   "lines": [{"account": "...", "debit": "...", "credit": "...", "kind": "...",
              "vat_code": "...", "label": "..."}]}

Amounts are decimal strings with the ledger currency's decimals. profile
is the document's specification identifier (BT-24), when it has one. code
and message are set when status is "error"; totals and lines when it is
"ok"; warnings when reading the document changed something it declares
(e.g. line amounts rounded to the currency's decimals).
partner is the amount on the partner lines; net the net effect of revenue
or expense, discount and charge lines (the invoice's BT-109); vat the net
effect of the VAT lines, reverse-charge pairs left out; all three without
sign. rounding is the signed amount on rounding lines, credit positive.
withheld, present only when the invoice withholds a tax (Spanish IRPF), is
the amount on withholding lines, without sign: the partner line then
carries net + VAT + rounding − withheld.
Line kinds: partner, revenue, expense, vat, reverse_charge_vat, discount,
charge, prepayment, withholding, rounding, exchange.

An e-invoice whose totals break EN 16931 (BR-CO-10, -13, -15, -16) is
refused with ERROR_SYNC_INVOICE_AMOUNT_VALIDATION; a file that is not a
readable e-invoice gives ERROR_SYNC_INVOICE_UNREADABLE. A file holding the
same document as an earlier file of the preview (its UBL and CII versions,
its PDF and its XML: same direction, kind, parties and number) gives
ERROR_SYNC_INVOICE_DUPLICATE naming that file: sync posts it once.

Exit status: 0 when every file was read, even if some invoices are in
error; 1 when a path could not be read, or is a folder without e-invoice
files (.xml, .json, .pdf); 2 on bad usage or an unusable mapping file.
`

// result is one line of the preview's output.
type result struct {
	File      string        `json:"file"`
	Number    string        `json:"number"`
	Kind      string        `json:"kind"`
	Direction string        `json:"direction"`
	Currency  string        `json:"currency"`
	Profile   string        `json:"profile,omitempty"`
	Status    string        `json:"status"`
	Code      string        `json:"code,omitempty"`
	Message   string        `json:"message,omitempty"`
	Warnings  []string      `json:"warnings,omitempty"`
	Totals    *resultTotals `json:"totals,omitempty"`
	Lines     []resultLine  `json:"lines,omitempty"`
}

type resultTotals struct {
	Debit    string `json:"debit"`
	Credit   string `json:"credit"`
	Partner  string `json:"partner"`
	Net      string `json:"net"`
	VAT      string `json:"vat"`
	Rounding string `json:"rounding"`
	Withheld string `json:"withheld,omitempty"`
}

type resultLine struct {
	Account string `json:"account"`
	Debit   string `json:"debit"`
	Credit  string `json:"credit"`
	Kind    string `json:"kind"`
	VATCode string `json:"vat_code"`
	Label   string `json:"label"`
}

func preview(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("preview", flag.ContinueOnError)
	mappingFile := fs.String("mapping", "", "the mapping file (JSON); default: the built-in demo")
	direction := fs.String("direction", "sales", "sales or purchase: the direction of invoices -company does not decide")
	company := fs.String("company", "", "the company's VAT numbers or registration ids, comma separated")
	fs.Usage = func() { fmt.Fprint(fs.Output(), previewHelp) }
	if status, done := parseFlags(fs, args, stdout, stderr); done {
		return status
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, "invoicesync preview: no PATH given\n(run \"invoicesync preview -h\" for help)\n")
		return exitUsage
	}
	parser, err := newParser(*direction, *company)
	if err != nil {
		fmt.Fprintf(stderr, "invoicesync preview: %v\n", err)
		return exitUsage
	}
	var setup *setup
	if *mappingFile != "" {
		if setup, err = loadSetup(*mappingFile); err != nil {
			fmt.Fprintf(stderr, "invoicesync preview: %v\n", err)
			return exitUsage
		}
	}

	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	status := exitOK
	seen := documents{}
	for _, root := range fs.Args() {
		files := 0
		err := eachFile(root, func(path string) error {
			files++
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			return enc.Encode(previewFile(path, f, parser, setup, seen))
		})
		if err == nil && files == 0 {
			err = errors.New(noInvoiceFile(root))
		}
		if err != nil {
			fmt.Fprintf(stderr, "invoicesync preview: %v\n", err)
			status = exitFiles
		}
	}
	return status
}

// eachFile calls fn for root when it is a file, or for every e-invoice
// file under root, in lexical order, when it is a folder. root is followed
// when it is a symbolic link (to a file or a folder), as named on the
// command line; links inside a folder are not.
func eachFile(root string, fn func(path string) error) error {
	info, err := os.Stat(root)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fn(root)
	}
	return fs.WalkDir(os.DirFS(root), ".", func(rel string, d fs.DirEntry, err error) error {
		path := filepath.Join(root, filepath.FromSlash(rel))
		if err != nil {
			// os.DirFS names the file relative to root: name it as given.
			var pe *fs.PathError
			if errors.As(err, &pe) {
				pe.Path = path
			}
			return err
		}
		if d.IsDir() {
			if rel != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !einvoice.IsInvoiceFile(filepath.ToSlash(path)) {
			return nil
		}
		return fn(path)
	})
}

// documents maps the identity of each document previewed "ok" to its file
// (see invoicesync.DocumentIdentity): sync posts one document once.
type documents map[string]string

// previewFile parses, checks and builds one file. A file holding a document
// an earlier file of the preview already holds is a duplicate, as sync
// would report it.
func previewFile(path string, r io.Reader, parser *einvoice.Parser, s *setup, seen documents) result {
	res := result{File: filepath.ToSlash(path)}
	inv, err := parser.Parse(r)
	if err != nil {
		return failed(res, err)
	}
	inv.ID = res.File
	res.Number, res.Kind, res.Direction, res.Currency = inv.Number, string(inv.Kind), string(inv.Direction), inv.Currency
	res.Profile = inv.Metadata["profile"]
	err = einvoice.Check(&inv)
	res.Warnings = inv.Warnings
	if err != nil {
		return failed(res, err)
	}
	ident := invoicesync.DocumentIdentity(&inv)
	if first, ok := seen[ident]; ok && ident != "" {
		return failed(res, &invoicesync.SyncError{
			Code: invoicesync.CodeDuplicate, InvoiceID: inv.ID, InvoiceNumber: inv.Number, Field: "Number", Value: inv.Number, Expected: first,
			Message:    fmt.Sprintf("the same document as %s (same direction, kind, parties and number): sync posts it once", first),
			Resolution: "remove one of the two files, or leave both: the second is never posted",
		})
	}
	var m *invoicesync.Mapping
	var chart *invoicesync.Chart
	if s != nil {
		m, chart = s.mapping, s.chart
	} else {
		demo := einvoice.Demo(&inv)
		m, chart = demo.Mapping, demo.Chart()
	}
	var partner invoicesync.PartnerRef
	if inv.Party != nil {
		partner.Name = inv.Party.Name
	}
	e, err := invoicesync.BuildEntry(&inv, m, chart, partner)
	if err != nil {
		return failed(res, err)
	}
	res.Status = "ok"
	if ident != "" {
		seen[ident] = res.File
	}
	res.Totals = summarize(e)
	for _, l := range e.Lines {
		res.Lines = append(res.Lines, resultLine{
			Account: l.Account, Debit: l.Debit.StringFixed(e.Decimals), Credit: l.Credit.StringFixed(e.Decimals),
			Kind: string(l.Kind), VATCode: l.VATCode, Label: l.Label,
		})
	}
	return res
}

func failed(res result, err error) result {
	res.Status = "error"
	res.Code = string(invoicesync.Code(err))
	if res.Code == "" {
		res.Code = string(invoicesync.CodeUnreadable)
	}
	res.Message = err.Error()
	return res
}

// summarize computes the totals of the output (see previewHelp).
func summarize(e *invoicesync.Entry) *resultTotals {
	var partner, net, vat, rounding, withheld decimal.Decimal
	for _, l := range e.Lines {
		credit := l.Credit.Sub(l.Debit)
		switch l.Kind {
		case invoicesync.KindPartner:
			partner = partner.Add(credit)
		case invoicesync.KindRevenue, invoicesync.KindExpense, invoicesync.KindDiscount, invoicesync.KindCharge:
			net = net.Add(credit)
		case invoicesync.KindVAT:
			vat = vat.Add(credit)
		case invoicesync.KindRounding:
			rounding = rounding.Add(credit)
		case invoicesync.KindWithholding:
			withheld = withheld.Add(credit)
		}
	}
	debit, credit := e.Totals()
	p := e.Decimals
	t := &resultTotals{
		Debit: debit.StringFixed(p), Credit: credit.StringFixed(p),
		Partner: partner.Abs().StringFixed(p), Net: net.Abs().StringFixed(p), VAT: vat.Abs().StringFixed(p),
		Rounding: rounding.StringFixed(p),
	}
	if !withheld.IsZero() {
		t.Withheld = withheld.Abs().StringFixed(p)
	}
	return t
}
