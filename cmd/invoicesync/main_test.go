package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync/rounding"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// einvoices is the e-invoice test data of connector/einvoice.
const einvoices = "../../connector/einvoice/testdata"

func runCmd(args ...string) (status int, stdout, stderr string) {
	var out, errb bytes.Buffer
	status = run(args, &out, &errb)
	return status, out.String(), errb.String()
}

// The preview of the whole testdata folder, line for line.
func TestPreviewGolden(t *testing.T) {
	status, out, errOut := runCmd("preview", einvoices)
	require.Equal(t, exitOK, status, errOut)
	require.Empty(t, errOut)
	golden := filepath.Join("testdata", "preview.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	require.Equal(t, string(want), out)
}

// Each line is a JSON object whose figures hold together: debits equal
// credits, partner = net + VAT − rounding... for a sale without reverse
// charge, and the errors are the expected ones.
func TestPreviewLines(t *testing.T) {
	_, out, _ := runCmd("preview", einvoices)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 47, "39 XML and JSON files and 8 PDFs")
	errors := map[string]string{}
	for _, l := range lines {
		var r result
		require.NoError(t, json.Unmarshal([]byte(l), &r), l)
		if r.Status == "error" {
			errors[filepath.Base(r.File)] = r.Code
			require.Nil(t, r.Totals)
			continue
		}
		require.Equal(t, "ok", r.Status)
		require.Equal(t, "sales", r.Direction)
		tot := r.Totals
		require.Equal(t, tot.Debit, tot.Credit, r.File)
		d := decimal.RequireFromString
		withheld := decimal.Zero
		if tot.Withheld != "" {
			withheld = d(tot.Withheld)
		}
		require.True(t, d(tot.Partner).Add(withheld).Equal(d(tot.Net).Add(d(tot.VAT)).Add(d(tot.Rounding))), "%s: %+v", r.File, tot)
		var debit, credit decimal.Decimal
		for _, el := range r.Lines {
			debit, credit = debit.Add(d(el.Debit)), credit.Add(d(el.Credit))
		}
		places, ok := rounding.MinorUnits(r.Currency) // JPY 0, KWD 3
		require.True(t, ok, r.Currency)
		require.Equal(t, tot.Debit, debit.StringFixed(places), r.File)
		require.Equal(t, tot.Credit, credit.StringFixed(places), r.File)
	}
	require.Equal(t, map[string]string{
		"en16931--guide-example3.xml":                        "ERROR_SYNC_INVOICE_DUPLICATE",
		"en16931--ubl-tc434-example4.xml":                    "ERROR_SYNC_INVOICE_DUPLICATE",
		"gobl--be-invoice-peppol.json":                       "ERROR_SYNC_INVOICE_LINE_VALIDATION",
		"mustang--FAIL_zugferd_2p1_MINIMUM_Rechnung_380.xml": "ERROR_SYNC_INVOICE_LINE_VALIDATION",
		"mustang--Factur-X_basic.xml":                        "ERROR_SYNC_INVOICE_DUPLICATE",
		"mustang--invalidXRV30.xml":                          "ERROR_SYNC_INVOICE_AMOUNT_VALIDATION",
		"mustang--validAvoir_FR_type380_BASICWL.pdf":         "ERROR_SYNC_INVOICE_LINE_VALIDATION",
		"mustang--zugferd_invoice.pdf":                       "ERROR_SYNC_INVOICE_UNREADABLE",
		"own--cii-extended-group-not-adding-up.xml":          "ERROR_SYNC_INVOICE_AMOUNT_VALIDATION",
		"own--factur-x-basic.pdf":                            "ERROR_SYNC_INVOICE_DUPLICATE",
		"xrechnung--01.01a-INVOICE_ubl.xml":                  "ERROR_SYNC_INVOICE_DUPLICATE",
		"xrechnung--01.01a-INVOICE_uncefact.xml":             "ERROR_SYNC_INVOICE_DUPLICATE",
		"xrechnung--01.17a-INVOICE_ubl.xml":                  "ERROR_SYNC_INVOICE_DUPLICATE",
		"xrechnung--01.17a-INVOICE_uncefact.xml":             "ERROR_SYNC_INVOICE_DUPLICATE",
		"xrechnung--01.21a-INVOICE_uncefact.xml":             "ERROR_SYNC_INVOICE_DUPLICATE",
		"xrechnung--02.05a-INVOICE_uncefact.xml":             "ERROR_SYNC_INVOICE_DUPLICATE",
	}, errors)
}

// The same file as a purchase, with the company deciding the direction.
func TestPreviewPurchaseByCompany(t *testing.T) {
	status, out, _ := runCmd("preview", "-direction", "sales", "-company", "SE 1234512345 01,XX1",
		filepath.Join(einvoices, "en16931--Invoice-Min_content_with_VAT.xml"))
	require.Equal(t, exitOK, status)
	var r result
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Equal(t, "sales", r.Direction, "the seller's VAT number is the company's")
	status, out, _ = runCmd("preview", "-direction", "purchase", filepath.Join(einvoices, "en16931--Invoice-Min_content_with_VAT.xml"))
	require.Equal(t, exitOK, status)
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Equal(t, "purchase", r.Direction)
	require.Equal(t, &resultTotals{Debit: "500.00", Credit: "500.00", Partner: "500.00", Net: "400.00", VAT: "100.00", Rounding: "0.00"}, r.Totals)
	require.Equal(t, []resultLine{
		{Account: "401000", Debit: "0.00", Credit: "500.00", Kind: "partner", Label: "Säljbolaget AB"},
		{Account: "607000", Debit: "400.00", Credit: "0.00", Kind: "expense", VATCode: "A-S25", Label: "Service fee"},
		{Account: "445660", Debit: "100.00", Credit: "0.00", Kind: "vat", VATCode: "A-S25", Label: "Purchase VAT S 25 %"},
	}, r.Lines)
}

// A mapping file with its chart: the entry uses its accounts and codes.
func TestPreviewWithMappingFile(t *testing.T) {
	dir := t.TempDir()
	mapping := filepath.Join(dir, "mapping.json")
	require.NoError(t, os.WriteFile(mapping, []byte(`{
  "mapping": {
    "scope": "sales",
    "sales_vat": [{"category": "S", "rate": "25", "code": "U25"}],
    "journals": {"sales": "SAL"},
    "accounts": {"sales_default": "3001", "customer_collective": "1510",
                 "credit_rounding": "3740", "debit_rounding": "3740"}
  },
  "chart": {
    "accounts": [{"number": "3001", "name": "Försäljning"}, {"number": "1510", "name": "Kundfordringar"},
                 {"number": "2611", "name": "Utgående moms 25 %"}, {"number": "3740", "name": "Öresavrundning"}],
    "vat_codes": [{"code": "U25", "name": "Moms 25 %", "rate": "25", "direction": "sales", "account": "2611"}],
    "journals": [{"code": "SAL", "name": "Sales"}]
  }
}`), 0o644))
	r := previewElnat(t, mapping)
	var accounts []string
	for _, l := range r.Lines {
		accounts = append(accounts, l.Account+" "+l.Kind+" "+l.Debit+"/"+l.Credit)
	}
	require.Equal(t, []string{"1510 partner 1953.00/0.00", "3001 revenue 0.00/1562.39", "2611 vat 0.00/390.60", "3740 rounding 0.00/0.01"}, accounts)

	// A mapping alone: its chart is what it names. A rate it lacks is an
	// invoice error, not a usage error.
	alone := filepath.Join(dir, "alone.json")
	require.NoError(t, os.WriteFile(alone, []byte(`{"scope": "sales", "sales_vat": [{"category": "S", "rate": "19", "code": "U19", "account": "2611"}],
"journals": {"sales": "SAL"}, "accounts": {"sales_default": "3001", "customer_collective": "1510", "credit_rounding": "3740", "debit_rounding": "3740"}}`), 0o644))
	status, out, _ := runCmd("preview", "-mapping", alone, filepath.Join(einvoices, "en16931--BIS_Billing_30-Elnat.xml"),
		filepath.Join(einvoices, "mustang--Factur-X_basic.xml"))
	require.Equal(t, exitOK, status)
	rs := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, rs, 2)
	require.NoError(t, json.Unmarshal([]byte(rs[0]), &r))
	require.Equal(t, "ERROR_SYNC_INVOICE_MAPPING_TAX_RATE_NOT_FOUND", r.Code)
	require.NoError(t, json.Unmarshal([]byte(rs[1]), &r))
	require.Equal(t, "ok", r.Status, r.Message)
	require.Equal(t, "37.62", r.Totals.VAT)
}

func TestUsage(t *testing.T) {
	for _, c := range []struct {
		args   []string
		status int
		stderr string
	}{
		{nil, exitUsage, "Usage:"},
		{[]string{"frobnicate"}, exitUsage, `unknown subcommand "frobnicate"`},
		{[]string{"preview"}, exitUsage, "no PATH given"},
		{[]string{"preview", "-direction", "sideways", "x.xml"}, exitUsage, "-direction must be sales or purchase"},
		{[]string{"preview", "-nope", "x.xml"}, exitUsage, "flag provided but not defined: -nope"},
		{[]string{"preview", "-mapping", "/does/not/exist.json", "x.xml"}, exitUsage, "exist.json"},
		{[]string{"preview", "/does/not/exist.xml"}, exitFiles, "exist.xml"},
	} {
		status, _, errOut := runCmd(c.args...)
		require.Equal(t, c.status, status, c.args)
		require.Contains(t, errOut, c.stderr, c.args)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"sales_vat": [], "acounts": {}}`), 0o644))
	status, _, errOut := runCmd("preview", "-mapping", bad, "x.xml")
	require.Equal(t, exitUsage, status)
	require.Contains(t, errOut, `unknown key "acounts" (acounts is "acounts" expected "one of: sales_vat, purchase_vat,`)
}

// The -mapping file's mapping is read by invoicesync.ParseMapping, bare or
// as the "mapping" member: a misspelt key is refused naming its key path and
// the keys accepted there, and start_date may be a plain date.
func TestMappingFileStrict(t *testing.T) {
	dir := t.TempDir()
	const accounts = `{"sales_defualt": "3001", "customer_collective": "1510", "credit_rounding": "3740", "debit_rounding": "3740"}`
	for name, doc := range map[string]string{
		"bare.json":   `{"scope": "sales", "start_date": "2026-01-01", "journals": {"sales": "SAL"}, "accounts": ` + accounts + `}`,
		"member.json": `{"mapping": {"scope": "sales", "journals": {"sales": "SAL"}, "accounts": ` + accounts + `}, "chart": {"accounts": []}}`,
	} {
		file := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(file, []byte(doc), 0o644))
		status, _, errOut := runCmd("preview", "-mapping", file, filepath.Join(einvoices, "en16931--BIS_Billing_30-Elnat.xml"))
		require.Equal(t, exitUsage, status, name)
		require.Contains(t, errOut, `ERROR_SYNC_INVOICE_MAPPING_INVALID: unknown key "sales_defualt" (accounts.sales_defualt is "sales_defualt" expected "one of: sales_default, purchase_default,`, name)
	}
	// Spelt right, the bare mapping with its plain start date is read (preview
	// builds the entry whatever the date).
	fixed := filepath.Join(dir, "fixed.json")
	require.NoError(t, os.WriteFile(fixed, []byte(`{"scope": "sales", "start_date": "2026-01-01", "journals": {"sales": "SAL"},
"sales_vat": [{"category": "S", "rate": "25", "code": "U25", "account": "2611"}],
"accounts": {"sales_default": "3001", "customer_collective": "1510", "credit_rounding": "3740", "debit_rounding": "3740"}}`), 0o644))
	previewElnat(t, fixed)
}

// -h explains every option and the output, and exits 0.
func TestHelp(t *testing.T) {
	status, out, _ := runCmd("preview", "-h")
	require.Equal(t, exitOK, status)
	for _, s := range []string{"-mapping FILE", "-direction sales|purchase", "-company IDS", `"totals"`, `"lines"`,
		"Exit status", "ERROR_SYNC_INVOICE_AMOUNT_VALIDATION", "partner is", "rounding is"} {
		require.Contains(t, out, s)
	}
	status, out, _ = runCmd("-h")
	require.Equal(t, exitOK, status)
	require.Contains(t, out, "preview")
}

// A malformed file is an invoice in error, not a failure of the command.
func TestMalformedFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.xml"), []byte("<Invoice"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "readme.txt"), []byte("hello"), 0o644))
	status, out, _ := runCmd("preview", dir)
	require.Equal(t, exitOK, status)
	var r result
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Equal(t, "error", r.Status)
	require.Equal(t, "ERROR_SYNC_INVOICE_UNREADABLE", r.Code)
	require.Contains(t, r.Message, "malformed XML")
	require.Equal(t, filepath.ToSlash(filepath.Join(dir, "a.xml")), r.File)
}

// A folder holding a Factur-X PDF: preview reads the XML it embeds and
// sync posts it, once; the other files of the folder are not invoices.
func TestPreviewAndSyncAFacturXPDF(t *testing.T) {
	dir := t.TempDir()
	pdf, err := os.ReadFile(filepath.Join(einvoices, "mustang--EN16931_Einfach.pdf"))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "2024"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "2024", "Rechnung-471102.PDF"), pdf, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "readme.txt"), []byte("hello"), 0o644))

	status, out, errOut := runCmd("preview", dir)
	require.Equal(t, exitOK, status, errOut)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 1)
	var r result
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &r))
	require.Equal(t, filepath.ToSlash(filepath.Join(dir, "2024", "Rechnung-471102.PDF")), r.File)
	require.Equal(t, "ok", r.Status, r.Message)
	require.Equal(t, "471102", r.Number)
	require.Equal(t, "EUR", r.Currency)
	require.Equal(t, &resultTotals{Debit: "529.87", Credit: "529.87", Partner: "529.87", Net: "473.00", VAT: "56.87", Rounding: "0.00"}, r.Totals)

	journal := filepath.Join(t.TempDir(), "books")
	status, out, errOut = runCmd("sync", "-ledger", "hledger:"+journal, dir)
	require.Equal(t, exitOK, status, errOut)
	require.Contains(t, out, "1 invoices: 1 synchronized (1 posted), 0 errors")
	status, out, errOut = runCmd("sync", "-ledger", "hledger:"+journal, dir)
	require.Equal(t, exitOK, status, errOut)
	require.Contains(t, out, "1 invoices: 1 synchronized (0 posted), 0 errors")
}

// previewElnat previews the BIS Billing 3.0 Elnät invoice under the mapping
// file and requires its entry: 1953.00 each side, of which 390.60 VAT and
// 0.01 rounding.
func previewElnat(t *testing.T, mapping string) result {
	t.Helper()
	status, out, errOut := runCmd("preview", "-mapping", mapping, filepath.Join(einvoices, "en16931--BIS_Billing_30-Elnat.xml"))
	require.Equal(t, exitOK, status, errOut)
	var r result
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Equal(t, "ok", r.Status, r.Message)
	require.Equal(t, &resultTotals{Debit: "1953.00", Credit: "1953.00", Partner: "1953.00", Net: "1562.39", VAT: "390.60", Rounding: "0.01"}, r.Totals)
	return r
}
