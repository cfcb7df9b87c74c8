package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
)

// benchInvoices writes n distinct UBL invoices (one test-data invoice,
// renumbered) into a new folder and returns it.
func benchInvoices(b *testing.B, n int) string {
	b.Helper()
	tmpl, err := os.ReadFile(filepath.Join(einvoices, "xrechnung--01.01a-INVOICE_ubl.xml"))
	if err != nil {
		b.Fatal(err)
	}
	const number = "<cbc:ID>123456XX</cbc:ID>"
	if !bytes.Contains(tmpl, []byte(number)) {
		b.Fatalf("the template invoice no longer has %s", number)
	}
	dir := b.TempDir()
	for i := range n {
		doc := bytes.Replace(tmpl, []byte(number), fmt.Appendf(nil, "<cbc:ID>BENCH-%05d</cbc:ID>", i), 1)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("inv-%05d.xml", i)), doc, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkSyncFirstRun is a first sync of 1,000 invoices into a new
// hledger journal and state file: every invoice read, posted and recorded.
func BenchmarkSyncFirstRun(b *testing.B) {
	in := benchInvoices(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		journal := filepath.Join(b.TempDir(), "books.journal")
		b.StartTimer()
		status, stdout, stderr := runCmd("sync", "-ledger", "hledger:"+journal, in)
		if status != exitOK {
			b.Fatalf("status %d\n%s%s", status, lastLine(stdout), stderr)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "µs/invoice")
}

// BenchmarkSyncNoOp is a second sync of the same 1,000 invoices: every
// invoice read and found synchronized, nothing posted.
func BenchmarkSyncNoOp(b *testing.B) {
	in := benchInvoices(b, 1000)
	journal := filepath.Join(b.TempDir(), "books.journal")
	if status, stdout, stderr := runCmd("sync", "-ledger", "hledger:"+journal, in); status != exitOK {
		b.Fatalf("status %d\n%s%s", status, lastLine(stdout), stderr)
	}
	b.ReportAllocs()
	for b.Loop() {
		status, stdout, stderr := runCmd("sync", "-ledger", "hledger:"+journal, in)
		if status != exitOK {
			b.Fatalf("status %d\n%s%s", status, lastLine(stdout), stderr)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "µs/invoice")
}

// lastLine is the summary line of a sync's output.
func lastLine(s string) string {
	s = string(bytes.TrimRight([]byte(s), "\n"))
	if i := bytes.LastIndexByte([]byte(s), '\n'); i >= 0 {
		return s[i+1:] + "\n"
	}
	return s + "\n"
}

// TestEachFileReadOnce: the demo chart and the run share one reading of
// each file; a second run reads them again. A content under two names is
// named by the first, though the files are read in parallel.
func TestEachFileReadOnce(t *testing.T) {
	src := &fileSource{parser: &einvoice.Parser{Direction: invoicesync.Sales}}
	require.NoError(t, src.add(einvoices))
	n := len(src.paths)
	require.Equal(t, 47, n)
	ctx := context.Background()
	readable := src.readable(ctx)
	require.Len(t, readable, 41, "the files that parse, each content once")
	listed := 0
	for range src.Changed(ctx, "") {
		listed++
	}
	require.Equal(t, 47, listed)
	require.Equal(t, n, src.reads, "each file read once")
	for range src.Changed(ctx, "") {
	}
	require.Equal(t, 2*n, src.reads, "a second listing reads the files again")

	dir := t.TempDir()
	doc, err := os.ReadFile(filepath.Join(einvoices, "own--ubl-jpy.xml"))
	require.NoError(t, err)
	for _, name := range []string{"a.xml", "b.xml", "c.xml", "d.xml"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), doc, 0o644))
	}
	for range 20 {
		src := &fileSource{parser: &einvoice.Parser{Direction: invoicesync.Sales}}
		require.NoError(t, src.add(dir))
		readable := src.readable(ctx)
		require.Len(t, readable, 1)
		require.Equal(t, filepath.ToSlash(filepath.Join(dir, "a.xml")), src.file(readable[0].ID))
	}
}
