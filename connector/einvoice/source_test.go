package einvoice_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// folderSyncer makes a Syncer from the folder fsys into a memory ledger
// holding the demo chart of every invoice the folder has.
func folderSyncer(t *testing.T, fsys *einvoice.Source, ledger *memory.Ledger, store invoicesync.StateStore) *invoicesync.Syncer {
	t.Helper()
	var invs []*invoicesync.Invoice
	for inv := range fsys.Changed(context.Background(), "") {
		invs = append(invs, &inv)
	}
	demo := einvoice.Demo(invs...)
	if len(ledger.Entries()) == 0 {
		ledger.AddAccounts(demo.Accounts...)
		ledger.AddVATCodes(demo.VATCodes...)
		ledger.AddJournals(demo.Journals...)
	}
	s, err := invoicesync.NewSyncer(fsys, ledger, demo.Mapping, store, invoicesync.Config{
		SourceID: "folder", Concurrency: 1, RetryDelay: time.Millisecond,
	})
	require.NoError(t, err)
	return s
}

// duplicates are the files of testdata that hold the same document as an
// earlier file (same seller, buyer, kind and number): the same sample in
// UBL and in CII, in two profiles, or under another test case's name. A run
// over the folder, one file at a time in the order of their names, posts
// the first and refuses the others.
var duplicates = map[string]string{
	"en16931--guide-example3.xml":            "en16931--CII_example3.xml",
	"en16931--ubl-tc434-example4.xml":        "en16931--CII_example4.xml",
	"mustang--Factur-X_basic.xml":            "mustang--EN16931_Einfach.pdf",
	"own--factur-x-basic.pdf":                "mustang--EN16931_Einfach.pdf",
	"xrechnung--01.01a-INVOICE_ubl.xml":      "own--xrechnung-01.01a-4-decimal-lines_uncefact.xml",
	"xrechnung--01.01a-INVOICE_uncefact.xml": "own--xrechnung-01.01a-4-decimal-lines_uncefact.xml",
	"xrechnung--01.17a-INVOICE_ubl.xml":      "own--xrechnung-01.01a-4-decimal-lines_uncefact.xml",
	"xrechnung--01.17a-INVOICE_uncefact.xml": "own--xrechnung-01.01a-4-decimal-lines_uncefact.xml",
	"xrechnung--01.21a-INVOICE_uncefact.xml": "xrechnung--01.21a-INVOICE_ubl.xml",
	"xrechnung--02.05a-INVOICE_uncefact.xml": "xrechnung--02.05a-INVOICE_ubl.xml",
}

// requireDuplicate checks that o is the refusal of a duplicate of first.
func requireDuplicate(t *testing.T, o invoicesync.Outcome, first string) {
	t.Helper()
	require.Equal(t, invoicesync.CodeDuplicate, o.Code, o.InvoiceID)
	var se *invoicesync.SyncError
	require.ErrorAs(t, o.Err, &se)
	require.Equal(t, first, se.Expected, o.InvoiceID)
}

// A run over the testdata folder posts every consistent invoice with lines
// once, PDFs and own-- files among them; refuses those Parse or Check
// refuses (verdicts), the one whose embedded "one.pdf" is two bytes that are
// not a PDF, and the duplicates; and skips the files that are not invoices.
// A second run posts nothing.
func TestRunOverTheTestdataFolder(t *testing.T) {
	src := einvoice.NewSource(os.DirFS("testdata"), &einvoice.Parser{Direction: invoicesync.Sales})
	ledger, store := memory.NewLedger(), invoicesync.NewMemoryStore()
	ctx := context.Background()

	rep, err := folderSyncer(t, src, ledger, store).Run(ctx)
	require.NoError(t, err)
	files := testdataInvoices(t)
	refused := len(verdicts) + 1 + len(duplicates) // those refused, the bad PDF, the duplicates
	posted := len(files) - refused
	require.Equal(t, len(files), rep.Invoices, "SOURCES.md, manifest.tsv and LICENSES/ are not invoices")
	require.Equal(t, 30, posted)
	require.Equal(t, posted, rep.Statuses[invoicesync.StateSynchronized])
	require.Equal(t, refused, rep.Statuses[invoicesync.StateError])
	inManifest := map[string]bool{}
	for _, r := range readManifest(t) {
		inManifest[r.file] = true
		o, ok := rep.Outcome(r.file)
		require.True(t, ok, r.file)
		switch {
		case duplicates[r.file] != "":
			requireDuplicate(t, o, duplicates[r.file])
		case !r.consistent:
			require.Equal(t, invoicesync.CodeAmountValidation, o.Code, r.file)
		case r.lines == 0:
			require.Equal(t, invoicesync.CodeLineValidation, o.Code, r.file)
		case r.file == "mustang--testout-XR-Edge.ubl.xml":
			require.Equal(t, invoicesync.CodePDF, o.Code, r.file)
		default:
			require.Equal(t, invoicesync.StateSynchronized, o.Status, "%s: %s", r.file, o.Message)
		}
	}
	for _, f := range files {
		if inManifest[f] {
			continue
		}
		o, ok := rep.Outcome(f)
		require.True(t, ok, f)
		if v, refused := verdicts[f]; refused {
			require.Equal(t, v.code, o.Code, f)
		} else if first := duplicates[f]; first != "" {
			requireDuplicate(t, o, first)
		} else {
			require.Equal(t, invoicesync.StateSynchronized, o.Status, "%s: %s", f, o.Message)
		}
	}
	entries := ledger.Entries()
	require.Len(t, entries, posted)
	for _, se := range entries {
		require.NoError(t, se.Entry.Check(), se.Entry.Reference)
	}

	rep, err = folderSyncer(t, src, ledger, store).Run(ctx)
	require.NoError(t, err)
	require.Equal(t, posted, rep.Actions[invoicesync.ActionUnchanged])
	require.Len(t, ledger.Entries(), posted, "nothing posted twice")
}

// A malformed file is an unreadable invoice, the other files are
// synchronized, and the repaired file is synchronized by the next run.
func TestMalformedFileInTheFolder(t *testing.T) {
	good := readTestdata(t, "en16931--Invoice-Min_content_with_VAT.xml")
	fsys := fstest.MapFS{
		"2026/a.xml":      {Data: []byte(good)},
		"2026/b.xml":      {Data: []byte(good[:200])},
		"2026/notes.txt":  {Data: []byte("not an invoice")},
		".hidden/c.xml":   {Data: []byte("<x/>")},
		"2026/.d.xml":     {Data: []byte("<x/>")},
		"2026/credit.xml": {Data: []byte(readTestdata(t, "en16931--CreditNote-Min_content_with_VAT.xml"))},
	}
	src := einvoice.NewSource(fsys, &einvoice.Parser{Company: []string{"SE 1234512345 01"}})
	ledger, store := memory.NewLedger(), invoicesync.NewMemoryStore()
	ctx := context.Background()

	rep, err := folderSyncer(t, src, ledger, store).Run(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, rep.Invoices)
	o, ok := rep.Outcome("2026/b.xml")
	require.True(t, ok)
	require.Equal(t, invoicesync.CodeUnreadable, o.Code)
	require.Contains(t, o.Message, "malformed XML")
	require.Equal(t, invoicesync.StateSynchronized, mustOutcome(t, rep, "2026/a.xml").Status)
	require.Equal(t, invoicesync.StateSynchronized, mustOutcome(t, rep, "2026/credit.xml").Status)

	inv, err := src.Invoice(ctx, "2026/a.xml")
	require.NoError(t, err)
	require.Equal(t, "2026/a.xml", inv.ID)
	require.Len(t, inv.Metadata["sha256"], 64)
	_, err = src.Invoice(ctx, "2026/missing.xml")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
	_, err = src.Invoice(ctx, "../etc/passwd")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
	_, err = src.Contact(ctx, "x")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)

	// Repaired as another invoice (the same one would be a duplicate of a.xml).
	fsys["2026/b.xml"] = &fstest.MapFile{Data: []byte(strings.Replace(good, "<cbc:ID>2018-112</cbc:ID>", "<cbc:ID>2018-113</cbc:ID>", 1))}
	rep, err = folderSyncer(t, src, ledger, store).Run(ctx)
	require.NoError(t, err)
	require.Equal(t, invoicesync.StateSynchronized, mustOutcome(t, rep, "2026/b.xml").Status)
	require.Len(t, ledger.Entries(), 3)

	// A posted file later overwritten by a broken one: reported, its entry
	// and what the state knew of it kept.
	fsys["2026/a.xml"] = &fstest.MapFile{Data: []byte("<Invoice")}
	rep, err = folderSyncer(t, src, ledger, store).Run(ctx)
	require.NoError(t, err)
	require.Equal(t, invoicesync.CodeUnreadable, mustOutcome(t, rep, "2026/a.xml").Code)
	st, err := store.Get(ctx, "2026/a.xml")
	require.NoError(t, err)
	require.Equal(t, "2018-112", st.Number)
	require.NotNil(t, st.Synced)
	require.Len(t, ledger.Entries(), 3)
}

// Without the company's ids or a default, an invoice has no direction: the
// Source reports it with what to configure.
func TestFolderWithoutDirection(t *testing.T) {
	fsys := fstest.MapFS{"a.xml": {Data: []byte(readTestdata(t, "en16931--Invoice-Min_content_with_VAT.xml"))}}
	_, err := einvoice.NewSource(fsys, nil).Invoice(context.Background(), "a.xml")
	var se *invoicesync.SyncError
	require.ErrorAs(t, err, &se)
	require.Equal(t, invoicesync.CodeInvoiceValidation, se.Code)
	require.Equal(t, "Direction", se.Field)
	require.Contains(t, se.Resolution, "Parser.Company")
}

func mustOutcome(t *testing.T, rep *invoicesync.Report, id string) invoicesync.Outcome {
	t.Helper()
	o, ok := rep.Outcome(id)
	require.True(t, ok, id)
	return o
}
