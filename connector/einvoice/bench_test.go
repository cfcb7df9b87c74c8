package einvoice_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
)

// thousandLines is a UBL invoice of n lines of 400 SEK at 25 %, made from
// the minimal Peppol example by repeating its line.
func thousandLines(tb testing.TB, n int) []byte {
	tb.Helper()
	doc, err := os.ReadFile(filepath.Join("testdata", "en16931--Invoice-Min_content_with_VAT.xml"))
	require.NoError(tb, err)
	s := string(doc)
	line := regexp.MustCompile(`(?s)<cac:InvoiceLine>.*</cac:InvoiceLine>`).FindString(s)
	require.NotEmpty(tb, line)
	net, vat := 400*n, 100*n
	for old, new := range map[string]string{
		`<cbc:TaxAmount currencyID="SEK">100</cbc:TaxAmount>`:                     fmt.Sprintf(`<cbc:TaxAmount currencyID="SEK">%d</cbc:TaxAmount>`, vat),
		`<cbc:TaxableAmount currencyID="SEK">400</cbc:TaxableAmount>`:             fmt.Sprintf(`<cbc:TaxableAmount currencyID="SEK">%d</cbc:TaxableAmount>`, net),
		`<cbc:LineExtensionAmount currencyID="SEK">400</cbc:LineExtensionAmount>`: fmt.Sprintf(`<cbc:LineExtensionAmount currencyID="SEK">%d</cbc:LineExtensionAmount>`, net),
		`<cbc:TaxExclusiveAmount currencyID="SEK">400<`:                           fmt.Sprintf(`<cbc:TaxExclusiveAmount currencyID="SEK">%d<`, net),
		`<cbc:TaxInclusiveAmount currencyID="SEK">500<`:                           fmt.Sprintf(`<cbc:TaxInclusiveAmount currencyID="SEK">%d<`, net+vat),
		`<cbc:PayableAmount currencyID="SEK">500<`:                                fmt.Sprintf(`<cbc:PayableAmount currencyID="SEK">%d<`, net+vat),
	} {
		// The document totals come before the line: the first occurrence,
		// and both VAT amounts (the total and the breakdown's).
		count := 1
		if strings.HasPrefix(old, "<cbc:TaxAmount") {
			count = 2
		}
		s = strings.Replace(s, old, new, count)
	}
	var lines strings.Builder
	for i := 1; i <= n; i++ {
		lines.WriteString(strings.Replace(line, "<cbc:ID>1</cbc:ID>", fmt.Sprintf("<cbc:ID>%d</cbc:ID>", i), 1))
		lines.WriteString("\n")
	}
	s = strings.Replace(s, line, lines.String(), 1)
	return []byte(s)
}

// The generated invoice is a real one: it parses, checks and balances.
func TestThousandLineInvoice(t *testing.T) {
	inv, err := (&einvoice.Parser{Direction: invoicesync.Sales}).Parse(bytes.NewReader(thousandLines(t, 1000)))
	require.NoError(t, err)
	require.Len(t, inv.Lines, 1000)
	require.NoError(t, einvoice.Check(&inv))
	s := entrySums(build(t, &inv))
	require.Equal(t, "500000.00", s.partner.StringFixed(2))
	require.Equal(t, "400000.00", s.net.StringFixed(2))
	require.Equal(t, "100000.00", s.vat.StringFixed(2))
}

// BenchmarkParse measures Parse in MB/s next to the floor: encoding/xml
// decoding the same bytes into an empty struct, which tokenizes everything
// and keeps nothing.
//
//	go test -run NONE -bench Parse -benchmem ./connector/einvoice/
func BenchmarkParse(b *testing.B) {
	largest, err := os.ReadFile(filepath.Join("testdata", "xrechnung--02.05a-INVOICE_uncefact.xml"))
	require.NoError(b, err)
	inputs := []struct {
		name string
		data []byte
	}{
		{"largest-testdata-cii", largest},
		{"generated-1000-lines-ubl", thousandLines(b, 1000)},
	}
	for _, in := range inputs {
		b.Run(in.name+"/parse", func(b *testing.B) {
			p := &einvoice.Parser{Direction: invoicesync.Sales}
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			for range b.N {
				if _, err := p.Parse(bytes.NewReader(in.data)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(in.name+"/encoding-xml-floor", func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			b.ReportAllocs()
			for range b.N {
				var v struct{}
				if err := xml.NewDecoder(bytes.NewReader(in.data)).Decode(&v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// worstAccepted is the minimal UBL invoice grown to what the default
// limits accept at most: children <a> of the root, each of items-1
// attributes of the same value (short names: a0, a1, ...), or of a text of
// that value when items is 1, up to exactly 500,000 elements and
// attributes, the value as long as keeps the document within 20 MiB.
func worstAccepted(tb testing.TB, items int) []byte {
	tb.Helper()
	base, err := os.ReadFile(filepath.Join("testdata", "en16931--Invoice-Min_content_with_VAT.xml"))
	require.NoError(tb, err)
	used := 0
	for d := xml.NewDecoder(bytes.NewReader(base)); ; {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if s, ok := tok.(xml.StartElement); ok {
			used += 1 + len(s.Attr)
		}
	}
	const anchor = "<cbc:BuyerReference>ACE22</cbc:BuyerReference>"
	require.Equal(tb, 1, bytes.Count(base, []byte(anchor)))
	grow := func(value string) (doc []byte, values int) {
		var b strings.Builder
		for left := einvoice.DefaultMaxElements - used; left > 0; left -= items {
			n := min(items, left)
			b.WriteString("<a")
			for j := range n - 1 {
				b.WriteString(" a" + strconv.Itoa(j) + `="` + value + `"`)
			}
			values += n - 1
			if items == 1 {
				b.WriteString(">" + value + "</a>\n")
				values++
			} else {
				b.WriteString("/>\n")
			}
		}
		return bytes.Replace(base, []byte(anchor), []byte(anchor+"\n"+b.String()), 1), values
	}
	empty, values := grow("")
	doc, _ := grow(strings.Repeat("x", (einvoice.DefaultMaxSize-len(empty))/values))
	require.LessOrEqual(tb, len(doc), einvoice.DefaultMaxSize)
	return doc
}

// measureHeap runs f and returns the bytes it allocated (the peak its heap
// would reach if no collection ran) and the peak of the heap's objects
// above their level before f, sampled about every 50 µs.
func measureHeap(f func()) (alloc, peak uint64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var stop atomic.Bool
	done := make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		top := uint64(0)
		for !stop.Load() {
			metrics.Read(s)
			top = max(top, s[0].Value.Uint64())
			time.Sleep(50 * time.Microsecond)
		}
		done <- top
	}()
	f()
	stop.Store(true)
	top := <-done
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, max(top, base) - base
}

// BenchmarkParseMemory reports the memory that parsing the largest
// documents costs: the bytes allocated (alloc-MB/op, the peak if the
// collector never ran) and the peak of the heap, sampled (peak-MB, the
// largest of the runs). The documents: the worst cases the default limits
// accept, 20 MiB of 500,000 attributes or of 500,000 elements with texts,
// and the 18.5 MB of 1.7 million attributes on 1,700 elements,
// refused at the limit.
//
//	go test -run NONE -bench ParseMemory -benchtime 3x ./connector/einvoice/
func BenchmarkParseMemory(b *testing.B) {
	inputs := []struct {
		name string
		data []byte
		ok   bool
	}{
		{"accepted-500k-attributes-20MiB", worstAccepted(b, 1000), true},
		{"accepted-500k-elements-20MiB", worstAccepted(b, 1), true},
		{"issue-1.7M-attributes-18.5MB", attributeDocument(1700, 1000, "123"), false},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			p := &einvoice.Parser{Direction: invoicesync.Sales}
			b.SetBytes(int64(len(in.data)))
			var alloc, peak uint64
			for range b.N {
				var err error
				a, pk := measureHeap(func() { _, err = p.Parse(bytes.NewReader(in.data)) })
				if in.ok && err != nil {
					b.Fatal(err)
				}
				alloc, peak = alloc+a, max(peak, pk)
			}
			b.ReportMetric(float64(alloc)/float64(b.N)/1e6, "alloc-MB/op")
			b.ReportMetric(float64(peak)/1e6, "peak-MB")
		})
	}
}
