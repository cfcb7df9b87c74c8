package einvoice_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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
