package einvoice_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// base is the Factur-X PDF the tests below rebuild with pdfcpu.
const base = "mustang--EN16931_Einfach.pdf"

// Every profile found as a public PDF parses to what its embedded XML
// declares (figures copied from the XML by hand), with the PDF, byte for
// byte, as the first attachment.
func TestPDFProfiles(t *testing.T) {
	for _, c := range []struct {
		file, embedded, profile  string
		number, issued, currency string
		net, vat, gross, payable string // BT-109, BT-110, BT-112, BT-115
		lines                    int
	}{
		{"mustang--EN16931_Einfach.pdf", "factur-x.xml", "urn:cen.eu:en16931:2017",
			"471102", "2024-11-15", "EUR", "473.00", "56.87", "529.87", "529.87", 2},
		// Our own BASIC PDF: the EN 16931 one above with its factur-x.xml
		// replaced by mustang--Factur-X_basic.xml (see SOURCES.md).
		{"own--factur-x-basic.pdf", "factur-x.xml", "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
			"471102", "2024-11-15", "EUR", "198.00", "37.62", "235.62", "235.62", 1},
		{"mustang--validAvoir_FR_type380_BASICWL.pdf", "factur-x.xml", "urn:factur-x.eu:1p0:basicwl",
			"AV-2017-0005", "2017-11-16", "EUR", "-218.48", "-14.99", "-233.47", "-233.47", 0},
		{"mustang--ZTESTZUGFERD_1_INVDSS_012015738820PDF-1.pdf", "zugferd-invoice.xml", "urn:cen.eu:en16931:2017#conformant#urn:zugferd.de:2p0:extended",
			"2015738820", "2024-11-01", "EUR", "376.37", "71.51", "447.88", "447.88", 1},
		{"mustang--EXTENDED_Fremdwaehrung_wdis_fx-pdfa4.pdf", "factur-x.xml", "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
			"47110815", "2025-12-01", "GBP", "858.75", "163.16", "1021.91", "521.91", 1},
		{"mustang--validXRechnung.pdf", "factur-x.xml", "urn:cen.eu:en16931:2017#compliant#urn:xoev-de:kosit:standard:xrechnung_1.2",
			"RE-20190610/507", "2019-06-10", "EUR", "496.00", "75.04", "571.04", "571.04", 3},
		// Two embedded files: ZUGFeRD-invoice.xml (ZUGFeRD 1.0, which is not
		// read) and factur-x.xml, whose name comes first.
		{"mustang--validV2PDF.pdf", "factur-x.xml", "urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:en16931",
			"RE-20171118/506", "2017-11-18", "EUR", "496.00", "75.04", "571.04", "571.04", 3},
	} {
		t.Run(c.file, func(t *testing.T) {
			data := []byte(readTestdata(t, c.file))
			inv, err := (&einvoice.Parser{Direction: invoicesync.Sales}).Parse(bytes.NewReader(data))
			require.NoError(t, err)
			require.Equal(t, c.number, inv.Number)
			require.Equal(t, date(c.issued), inv.IssueDate)
			require.Equal(t, c.currency, inv.Currency)
			require.Equal(t, c.net, inv.Totals.Net.StringFixed(2))
			require.Equal(t, c.vat, inv.Totals.VAT.StringFixed(2))
			require.Equal(t, c.gross, inv.Totals.Gross.StringFixed(2))
			require.Equal(t, c.payable, inv.Totals.Payable.StringFixed(2))
			require.Len(t, inv.Lines, c.lines)
			require.Equal(t, "pdf", inv.Metadata["container"])
			require.Equal(t, c.embedded, inv.Metadata["embedded"])
			require.Equal(t, c.profile, inv.Metadata["profile"])
			require.Equal(t, string(einvoice.CII), inv.Metadata["syntax"])
			require.Len(t, inv.Attachments, 1, "the XML declares no attachment")
			pdf := inv.Attachments[0]
			require.Equal(t, "application/pdf", pdf.MediaType)
			require.Equal(t, "", pdf.FileName, "Parse does not know the file's name")
			require.True(t, bytes.Equal(data, pdf.Data), "the PDF byte for byte")
			if c.lines == 0 { // BASIC WL: a booking aid, refused by Check
				var se *invoicesync.SyncError
				require.ErrorAs(t, einvoice.Check(&inv), &se)
				require.Equal(t, invoicesync.CodeLineValidation, se.Code)
				require.Contains(t, se.Message, "BASIC WL profile (urn:factur-x.eu:1p0:basicwl)")
				return
			}
			require.NoError(t, einvoice.Check(&inv))
			e := build(t, &inv)
			require.Equal(t, inv.Number, e.Reference)
		})
	}
}

// A PDF whose invoice is a ZUGFeRD 1.0 document says so, naming the file.
func TestPDFWithZUGFeRD1(t *testing.T) {
	_, err := einvoice.Parse(strings.NewReader(readTestdata(t, "mustang--zugferd_invoice.pdf")))
	var pe *einvoice.ParseError
	require.ErrorAs(t, err, &pe)
	require.ErrorIs(t, err, invoicesync.ErrUnreadable)
	require.Equal(t, `in the PDF's embedded file "ZUGFeRD-invoice.xml": a ZUGFeRD 1.0 document (CrossIndustryDocument): only ZUGFeRD 2.x / Factur-X (CrossIndustryInvoice) is read`, pe.Reason)
	require.Equal(t, "/CrossIndustryDocument", pe.Path)
}

// pdfConf is a pdfcpu configuration for building test PDFs, without
// pdfcpu's configuration directory.
func pdfConf() *model.Configuration {
	api.DisableConfigDir()
	return model.NewDefaultConfiguration()
}

// rebuild returns the base PDF with its attachments removed and the files
// (name → content) attached instead.
func rebuild(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, api.RemoveAttachments(bytes.NewReader([]byte(readTestdata(t, base))), &out, nil, pdfConf()))
	pdf := out.Bytes()
	if len(files) == 0 {
		return pdf
	}
	dir := t.TempDir()
	var paths []string
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, content, 0o600))
		paths = append(paths, p)
	}
	out.Reset()
	require.NoError(t, api.AddAttachments(bytes.NewReader(pdf), &out, paths, false, pdfConf()))
	return out.Bytes()
}

func parseErr(t *testing.T, p *einvoice.Parser, data []byte) *einvoice.ParseError {
	t.Helper()
	_, err := p.Parse(bytes.NewReader(data))
	var pe *einvoice.ParseError
	require.ErrorAs(t, err, &pe)
	require.ErrorIs(t, err, invoicesync.ErrUnreadable)
	return pe
}

// A PDF without an invoice inside is refused, naming what it holds.
func TestPDFWithoutInvoice(t *testing.T) {
	pe := parseErr(t, &einvoice.Parser{}, rebuild(t, nil))
	require.Contains(t, pe.Reason, "the PDF carries no e-invoice: it has no embedded files")

	pe = parseErr(t, &einvoice.Parser{}, rebuild(t, map[string][]byte{
		"notes.xml":  []byte(`<?xml version="1.0"?><notes>not an invoice</notes>`),
		"photo.jpeg": {0xff, 0xd8, 0xff},
		// An order in the CII namespace family is no invoice either.
		"order-x.xml": []byte(`<rsm:SCRDMCCBDACIOMessageStructure xmlns:rsm="urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100"/>`),
	}))
	require.Contains(t, pe.Reason, "the PDF carries no e-invoice: none of its embedded files (")
	for _, name := range []string{`"notes.xml"`, `"photo.jpeg"`, `"order-x.xml"`} {
		require.Contains(t, pe.Reason, name)
	}
	require.NotErrorIs(t, pe, einvoice.ErrLimit)
}

// An embedded file under an unusual name is the invoice when its root is
// one; the ones before it that are not are passed over, and a file named
// after a format wins over the order.
func TestPDFInvoiceUnderAnotherName(t *testing.T) {
	cii := []byte(readTestdata(t, "xrechnung--01.01a-INVOICE_uncefact.xml"))
	want, err := einvoice.Parse(bytes.NewReader(cii))
	require.NoError(t, err)
	pdf := rebuild(t, map[string][]byte{
		"a-notes.xml":       []byte(`<notes/>`),
		"rechnung-2024.xml": cii,
	})
	inv, err := einvoice.Parse(bytes.NewReader(pdf))
	require.NoError(t, err)
	require.Equal(t, "rechnung-2024.xml", inv.Metadata["embedded"])
	require.Equal(t, "123456XX", inv.Number)
	require.Equal(t, want.Number, inv.Number)
	require.Equal(t, len(want.Lines), len(inv.Lines))
	require.True(t, want.Totals.Payable.Equal(inv.Totals.Payable))
	require.True(t, bytes.Equal(pdf, inv.Attachments[0].Data))

	// xrechnung.xml is looked for by name, in any case, before any order.
	ubl := []byte(readTestdata(t, "xrechnung--01.01a-INVOICE_ubl.xml"))
	inv, err = einvoice.Parse(bytes.NewReader(rebuild(t, map[string][]byte{
		"a-cii.xml":     cii,
		"XRechnung.XML": ubl,
	})))
	require.NoError(t, err)
	require.Equal(t, "XRechnung.XML", inv.Metadata["embedded"])
	require.Equal(t, string(einvoice.UBLInvoice), inv.Metadata["syntax"])

	// A file named factur-x.xml that is not XML is an error about that file.
	pe := parseErr(t, &einvoice.Parser{}, rebuild(t, map[string][]byte{"factur-x.xml": []byte("%PDF-1.7 not XML")}))
	require.Contains(t, pe.Reason, `in the PDF's embedded file "factur-x.xml": no XML element: the file is empty or not XML`)
}

// Truncated PDFs and garbage after %PDF- are ParseErrors, never a panic.
func TestMalformedPDF(t *testing.T) {
	data := []byte(readTestdata(t, base))
	p := &einvoice.Parser{}
	pe := parseErr(t, p, data[:len(data)/2])
	require.Equal(t, "unreadable PDF: it is truncated (no %%EOF marker at its end)", pe.Reason)
	for n := 0; n < len(data)-1; n += 1009 {
		parseErr(t, p, data[:n+5])
	}
	// Cut within its %%EOF marker, and with its cross-reference table
	// damaged, the PDF is unreadable too.
	parseErr(t, p, data[:len(data)-2])
	damaged := bytes.Clone(data)
	i := bytes.LastIndex(damaged, []byte("startxref"))
	require.Positive(t, i)
	copy(damaged[i-200:], bytes.Repeat([]byte{'x'}, 200))
	pe = parseErr(t, p, damaged)
	require.True(t, strings.HasPrefix(pe.Reason, "unreadable PDF: "), pe.Reason)
	for _, s := range []string{"%PDF-", "%PDF-1.7\n", "%PDF-1.4\ngarbage\x00\xff trailer << /Root 1 0 R >>\n%%EOF", "  \n%PDF-\xef\xbb\xbf"} {
		pe := parseErr(t, p, []byte(s))
		require.True(t, strings.HasPrefix(pe.Reason, "unreadable PDF: "), "%q: %s", s, pe.Reason)
	}
}

// An encrypted PDF is refused, whether a password is needed to open it or not.
func TestEncryptedPDF(t *testing.T) {
	for _, user := range []string{"", "secret"} {
		conf := pdfConf()
		conf.UserPW, conf.OwnerPW, conf.EncryptUsingAES, conf.EncryptKeyLength = user, "owner", true, 256
		var out bytes.Buffer
		require.NoError(t, api.Encrypt(bytes.NewReader([]byte(readTestdata(t, base))), &out, conf))
		pe := parseErr(t, &einvoice.Parser{}, out.Bytes())
		require.Contains(t, pe.Reason, "the PDF is encrypted")
	}
}

// Size limits: the PDF itself, an embedded file that inflates beyond
// MaxSize, and compressed streams that inflate beyond 16 × MaxSize.
func TestPDFLimits(t *testing.T) {
	data := []byte(readTestdata(t, base))
	pe := parseErr(t, &einvoice.Parser{MaxSize: 37896}, data)
	require.ErrorIs(t, pe, einvoice.ErrLimit)
	require.Equal(t, "larger than the limit of 37896 bytes", pe.Reason)

	// 300,000 bytes of XML compress to a few hundred: the PDF is within
	// 100,000 bytes, its factur-x.xml is not.
	cii := readTestdata(t, "xrechnung--01.01a-INVOICE_uncefact.xml")
	big := []byte(strings.Replace(cii, "?>", "?><!--"+strings.Repeat(" ", 300_000)+"-->", 1))
	pdf := rebuild(t, map[string][]byte{"factur-x.xml": big})
	require.Less(t, len(pdf), 100_000)
	pe = parseErr(t, &einvoice.Parser{MaxSize: 100_000}, pdf)
	require.ErrorIs(t, pe, einvoice.ErrLimit)
	require.Equal(t, `the PDF's embedded file "factur-x.xml" is larger than the limit of 100000 bytes`, pe.Reason)
	inv, err := einvoice.Parse(bytes.NewReader(pdf))
	require.NoError(t, err, "within the default limit")
	require.Equal(t, "123456XX", inv.Number)

	// A bomb: 4 MB of zeros compress to about 4 kB.
	bomb := rebuild(t, map[string][]byte{"zeros.bin": make([]byte, 4<<20)})
	require.Less(t, len(bomb), 100_000)
	pe = parseErr(t, &einvoice.Parser{MaxSize: 100_000}, bomb)
	require.ErrorIs(t, pe, einvoice.ErrLimit)
	require.Equal(t, "the PDF's compressed streams inflate to more than 1600000 bytes (16 × the size limit)", pe.Reason)
	pe = parseErr(t, &einvoice.Parser{}, bomb)
	require.Contains(t, pe.Reason, `the PDF carries no e-invoice: none of its embedded files ("zeros.bin")`, "within the default limits")
}

// A Source serves a PDF like any invoice file: its ID is the path, its
// first attachment the PDF under the file's name.
func TestSourceServesPDF(t *testing.T) {
	data := []byte(readTestdata(t, base))
	fsys := fstest.MapFS{
		"2024/rechnung-471102.pdf": {Data: data},
		"2024/notes.txt":           {Data: []byte("not an invoice")},
	}
	src := einvoice.NewSource(fsys, &einvoice.Parser{Direction: invoicesync.Purchase})
	var got []invoicesync.Invoice
	for inv, err := range src.Changed(context.Background(), "") {
		require.NoError(t, err)
		got = append(got, inv)
	}
	require.Len(t, got, 1)
	inv := got[0]
	require.Equal(t, "2024/rechnung-471102.pdf", inv.ID)
	require.Equal(t, "471102", inv.Number)
	require.Equal(t, "529.87", inv.Totals.Payable.StringFixed(2))
	require.Equal(t, "rechnung-471102.pdf", inv.Attachments[0].FileName)
	require.True(t, bytes.Equal(data, inv.Attachments[0].Data))
	require.Len(t, inv.Metadata["sha256"], 64)
	require.True(t, einvoice.IsInvoiceFile("a/B.PDF"))
	require.False(t, einvoice.IsInvoiceFile("a/.b.pdf"))

	ledger, store := memory.NewLedger(), invoicesync.NewMemoryStore()
	rep, err := folderSyncer(t, src, ledger, store).Run(context.Background())
	require.NoError(t, err)
	require.Equal(t, invoicesync.StateSynchronized, mustOutcome(t, rep, "2024/rechnung-471102.pdf").Status)
	require.Len(t, ledger.Entries(), 1)
	require.NoError(t, ledger.Entries()[0].Entry.Check())
}

// homeChild is set in the environment of the test binary run as a child
// by TestPDFLeavesHomeAlone.
const homeChild = "EINVOICE_PDF_HOME_CHILD"

// Parsing PDFs never writes pdfcpu's configuration directory into the
// user's home: a child process with HOME and XDG_CONFIG_HOME in a fresh
// folder parses every test PDF, and the folder stays empty. The control
// run, where the child asks pdfcpu for its default configuration, shows
// that the check sees the directory pdfcpu would create.
func TestPDFLeavesHomeAlone(t *testing.T) {
	if mode := os.Getenv(homeChild); mode != "" {
		if mode == "control" {
			_ = model.NewDefaultConfiguration()
			return
		}
		files, err := filepath.Glob(filepath.Join("testdata", "*.pdf"))
		require.NoError(t, err)
		require.Len(t, files, 8)
		parsed := 0
		for _, f := range files {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			if _, err := einvoice.Parse(bytes.NewReader(data)); err == nil {
				parsed++
			}
		}
		require.Equal(t, 7, parsed, "all but the ZUGFeRD 1.0 one")
		return
	}
	for _, mode := range []string{"parse", "control"} {
		home := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^TestPDFLeavesHomeAlone$", "-test.count=1")
		cmd.Env = append(os.Environ(), homeChild+"="+mode, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		entries, err := os.ReadDir(home)
		require.NoError(t, err)
		if mode == "control" {
			_, err := os.Stat(filepath.Join(home, ".config", "pdfcpu", "config.yml"))
			require.NoError(t, err, "pdfcpu's default configuration creates its directory")
			continue
		}
		require.Empty(t, entries, "nothing written into HOME")
	}
}
