package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync/connector/plaintext"
	"github.com/invoicesync/invoicesync/internal/tooltest"
)

// TestSyncTwice posts the testdata folder into a new journal of each format:
// 31 invoices posted; 16 in error: the documents Parse or Check refuses (a
// MINIMUM and a BASIC WL profile, an inconsistent total, a group of
// sub-lines not adding up, GOBL prices including VAT, a ZUGFeRD 1.0 PDF)
// and 10 duplicates (the same sample in UBL and CII, in two profiles, or its
// number and parties reused); a journal the real tool accepts. Running again posts
// nothing and leaves the journal byte for byte as it was, and so does a run
// that lost its state (another -state file): the journal's idempotency keys
// are read back. Naming a file a second time, under another path, adds
// nothing either.
func TestSyncTwice(t *testing.T) {
	for _, format := range []string{"hledger", "beancount"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			journal := filepath.Join(dir, "books")
			status, out, errOut := runCmd("sync", "-ledger", format+":"+journal, einvoices)
			require.Equal(t, exitFiles, status, errOut)
			lines := strings.Split(strings.TrimSpace(out), "\n")
			require.Len(t, lines, 48)
			require.Equal(t, "47 invoices: 31 synchronized (31 posted), 16 errors, 0 waiting, 0 skipped; journal "+journal, lines[47])
			var posted, failed []string
			for _, l := range lines[:47] {
				f := strings.Split(l, "\t")
				require.Len(t, f, 7, l)
				switch f[0] {
				case "synchronized":
					require.Equal(t, "posted", f[1], l)
					posted = append(posted, f[4])
				case "error":
					failed = append(failed, filepath.Base(f[2])+" "+f[5])
				}
			}
			require.Equal(t, []string{
				"en16931--guide-example3.xml ERROR_SYNC_INVOICE_DUPLICATE",
				"en16931--ubl-tc434-example4.xml ERROR_SYNC_INVOICE_DUPLICATE",
				"gobl--be-invoice-peppol.json ERROR_SYNC_INVOICE_LINE_VALIDATION",
				"mustang--FAIL_zugferd_2p1_MINIMUM_Rechnung_380.xml ERROR_SYNC_INVOICE_LINE_VALIDATION",
				"mustang--Factur-X_basic.xml ERROR_SYNC_INVOICE_DUPLICATE",
				"mustang--invalidXRV30.xml ERROR_SYNC_INVOICE_AMOUNT_VALIDATION",
				"mustang--validAvoir_FR_type380_BASICWL.pdf ERROR_SYNC_INVOICE_LINE_VALIDATION",
				"mustang--zugferd_invoice.pdf ERROR_SYNC_INVOICE_UNREADABLE",
				"own--cii-extended-group-not-adding-up.xml ERROR_SYNC_INVOICE_AMOUNT_VALIDATION",
				"own--factur-x-basic.pdf ERROR_SYNC_INVOICE_DUPLICATE",
				"xrechnung--01.01a-INVOICE_ubl.xml ERROR_SYNC_INVOICE_DUPLICATE",
				"xrechnung--01.01a-INVOICE_uncefact.xml ERROR_SYNC_INVOICE_DUPLICATE",
				"xrechnung--01.17a-INVOICE_ubl.xml ERROR_SYNC_INVOICE_DUPLICATE",
				"xrechnung--01.17a-INVOICE_uncefact.xml ERROR_SYNC_INVOICE_DUPLICATE",
				"xrechnung--01.21a-INVOICE_uncefact.xml ERROR_SYNC_INVOICE_DUPLICATE",
				"xrechnung--02.05a-INVOICE_uncefact.xml ERROR_SYNC_INVOICE_DUPLICATE",
			}, failed)
			require.Equal(t, "E1", posted[0], "one invoice at a time: entry ids follow the files' order")
			require.Equal(t, "E31", posted[30])
			tooltest.Check(t, format, journal)

			file, err := plaintext.ReadFile(journal, plaintext.Format(format))
			require.NoError(t, err)
			require.Len(t, file.Entries, 31)
			for _, e := range file.Entries {
				require.NoError(t, e.Entry.Check(), e.Ref.ID)
			}
			if format == "hledger" {
				requireTrialBalance(t, journal, file, "EUR")
			}

			before, err := os.ReadFile(journal)
			require.NoError(t, err)
			again := func(summary string, args ...string) string {
				t.Helper()
				status, out, errOut := runCmd(append([]string{"sync", "-ledger", format + ":" + journal}, args...)...)
				require.Equal(t, exitFiles, status, errOut)
				require.Contains(t, out, summary)
				after, err := os.ReadFile(journal)
				require.NoError(t, err)
				require.Equal(t, string(before), string(after))
				return out
			}
			unchanged := "47 invoices: 31 synchronized (0 posted), 16 errors"
			again(unchanged, einvoices)
			again(unchanged, einvoices, "./"+einvoices+"/xrechnung--01.01a-INVOICE_ubl.xml")
			// Without its state, each invoice is looked up in the journal by
			// its idempotency key: found, reported recovered, nothing written.
			out = again("47 invoices: 31 synchronized (0 posted), 16 errors", "-state", filepath.Join(dir, "other.state"), einvoices)
			require.Equal(t, 31, strings.Count(out, "synchronized\trecovered\t"), out)
		})
	}
}

// requireTrialBalance compares hledger's balance of every account, in
// currency, with the sum of the journal's entries read back, to the cent.
func requireTrialBalance(t *testing.T, journal string, file *plaintext.File, currency string) {
	t.Helper()
	names := make(map[string]string)
	for _, a := range file.Accounts {
		names[a.Number] = a.Name
	}
	want := make(map[string]decimal.Decimal)
	for _, e := range file.Entries {
		if e.Entry.Currency != currency {
			continue
		}
		for _, l := range e.Entry.Lines {
			want[names[l.Account]] = want[names[l.Account]].Add(l.Debit).Sub(l.Credit)
		}
	}
	out := tooltest.Run(t, "hledger", "-f", journal, "balance", "--flat", "--no-total", "--no-elide", "cur:"+currency)
	got := make(map[string]decimal.Decimal)
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(l) // "120.00 EUR  Assets:411000"
		require.Len(t, f, 3, l)
		got[f[2]] = decimal.RequireFromString(f[0])
	}
	for name, w := range want {
		if w.IsZero() {
			continue
		}
		require.True(t, w.Equal(got[name]), "%s: hledger %s, entries %s", name, got[name].StringFixed(2), w.StringFixed(2))
		delete(got, name)
	}
	for name, g := range got {
		require.True(t, g.IsZero(), "%s: hledger %s, entries none", name, g.StringFixed(2))
	}
	require.NotEmpty(t, want)
}

func TestSyncUsage(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"sync", "x.xml"}, `-ledger must be hledger:FILE or beancount:FILE, not ""`},
		{[]string{"sync", "-ledger", "csv:" + dir + "/a.csv", "x.xml"}, "-ledger must be hledger:FILE or beancount:FILE"},
		{[]string{"sync", "-ledger", "hledger:" + dir + "/a.journal"}, "no PATH given"},
		{[]string{"sync", "-ledger", "hledger:" + dir + "/a.journal", "-direction", "up", "x.xml"}, "-direction must be sales or purchase"},
	} {
		status, _, errOut := runCmd(c.args...)
		require.Equal(t, exitUsage, status, c.args)
		require.Contains(t, errOut, c.stderr, c.args)
	}
	status, out, _ := runCmd("sync", "-h")
	require.Equal(t, exitOK, status)
	for _, s := range []string{"-ledger FORMAT:FILE", "-state FILE", "hledger -f FILE check --strict", "bean-check FILE", "Exit status", "SHA-256"} {
		require.Contains(t, out, s)
	}
}

// TestSyncEscapesFields keeps one line per invoice, seven fields each, when
// an invoice number or a file name holds a newline, a tab or a backslash:
// they are written escaped.
func TestSyncEscapesFields(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(einvoices, "en16931--Invoice-Min_content_with_VAT.xml"))
	require.NoError(t, err)
	doc := strings.Replace(string(src), "<cbc:ID>2018-112</cbc:ID>", `<cbc:ID>2018&#10;112&#9;A\B</cbc:ID>`, 1)
	require.NotEqual(t, string(src), doc)
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	require.NoError(t, os.Mkdir(in, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(in, "odd\nname.xml"), []byte(doc), 0o644))

	status, out, errOut := runCmd("sync", "-ledger", "hledger:"+filepath.Join(dir, "books.journal"), in)
	require.Equal(t, exitOK, status, errOut)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 2, out)
	f := strings.Split(lines[0], "\t")
	require.Len(t, f, 7, lines[0])
	require.Equal(t, "synchronized", f[0])
	require.Equal(t, filepath.Join(in, `odd\nname.xml`), f[2])
	require.Equal(t, `2018\n112\tA\\B`, f[3])
}

// TestSyncCategoryWithAndWithoutZeroRate syncs a folder holding an invoice
// in VAT category O without rate and one in O at 0 %: the demo chart
// declares one VAT code for both, and both are posted with it.
func TestSyncCategoryWithAndWithoutZeroRate(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(einvoices, "en16931--Invoice-Min_content_without_VAT.xml"))
	require.NoError(t, err)
	zero := strings.Replace(string(src), "<cbc:ID>2018-112</cbc:ID>", "<cbc:ID>2018-113</cbc:ID>", 1)
	require.Equal(t, 2, strings.Count(zero, "<cbc:ID>O</cbc:ID>"))
	zero = strings.ReplaceAll(zero, "<cbc:ID>O</cbc:ID>", "<cbc:ID>O</cbc:ID><cbc:Percent>0</cbc:Percent>")
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	require.NoError(t, os.Mkdir(in, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(in, "a-no-rate.xml"), src, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(in, "b-zero-rate.xml"), []byte(zero), 0o644))

	journal := filepath.Join(dir, "books.journal")
	status, out, errOut := runCmd("sync", "-ledger", "hledger:"+journal, in)
	require.Equal(t, exitOK, status, errOut)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 3, out)
	require.Equal(t, "2 invoices: 2 synchronized (2 posted), 0 errors, 0 waiting, 0 skipped; journal "+journal, lines[2])
	file, err := plaintext.ReadFile(journal, plaintext.Hledger)
	require.NoError(t, err)
	require.Len(t, file.Entries, 2)
	for _, e := range file.Entries {
		require.NoError(t, e.Entry.Check())
		var vat []string
		for _, l := range e.Entry.Lines {
			if l.VATCode != "" {
				vat = append(vat, l.Account+" "+l.Credit.StringFixed(2)+" "+l.VATCode)
			}
		}
		require.Equal(t, []string{"706000 400.00 V-O0"}, vat, e.Ref.ID)
	}
}

// TestSyncUBLAndCIIOfOneInvoice: a folder holding the UBL and the CII
// version of one invoice posts it once; the other is reported as a
// duplicate naming the first file, by sync and by preview alike, and the
// next run posts nothing either.
func TestSyncUBLAndCIIOfOneInvoice(t *testing.T) {
	dir := copyFiles(t, "xrechnung--01.21a-INVOICE_ubl.xml", "xrechnung--01.21a-INVOICE_uncefact.xml")
	ubl := filepath.ToSlash(filepath.Join(dir, "xrechnung--01.21a-INVOICE_ubl.xml"))
	cii := filepath.ToSlash(filepath.Join(dir, "xrechnung--01.21a-INVOICE_uncefact.xml"))

	status, out, errOut := runCmd("preview", dir)
	require.Equal(t, exitOK, status, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	var first, second result
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &second))
	require.Equal(t, "ok", first.Status)
	require.Equal(t, "error", second.Status)
	require.Equal(t, "ERROR_SYNC_INVOICE_DUPLICATE", second.Code)
	require.Contains(t, second.Message, "the same document as "+ubl)

	journal := filepath.Join(t.TempDir(), "books")
	for run, posted := range []string{"1 posted", "0 posted"} {
		status, out, errOut = runCmd("sync", "-ledger", "hledger:"+journal, dir)
		require.Equal(t, exitFiles, status, errOut)
		lines = strings.Split(strings.TrimSpace(out), "\n")
		require.Len(t, lines, 3, out)
		require.Equal(t, "2 invoices: 1 synchronized ("+posted+"), 1 errors, 0 waiting, 0 skipped; journal "+journal, lines[2], "run %d", run+1)
		f := strings.Split(lines[1], "\t")
		require.Equal(t, []string{"error", "-", cii, "18383", "", "ERROR_SYNC_INVOICE_DUPLICATE"}, f[:6])
		require.Contains(t, f[6], "already synchronized as "+ubl+", posted as entry E1 on ")
	}
	file, err := plaintext.ReadFile(journal, plaintext.Format("hledger"))
	require.NoError(t, err)
	require.Len(t, file.Entries, 1)
	tooltest.Check(t, "hledger", journal)
}
