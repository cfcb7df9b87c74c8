package einvoice_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
)

// withZeroRate is the EN 16931 minimal invoice without VAT (category O and
// no rate) numbered 2018-113, with its category O given at 0 %.
func withZeroRate(t *testing.T) string {
	t.Helper()
	doc := readTestdata(t, "en16931--Invoice-Min_content_without_VAT.xml")
	doc = edit(t, doc, "<cbc:ID>2018-112</cbc:ID>", "<cbc:ID>2018-113</cbc:ID>")
	require.Equal(t, 2, strings.Count(doc, "<cbc:ID>O</cbc:ID>"))
	return strings.ReplaceAll(doc, "<cbc:ID>O</cbc:ID>", "<cbc:ID>O</cbc:ID><cbc:Percent>0</cbc:Percent>")
}

// A category that means 0 % without a rate (O here) is the same VAT key
// with and without its rate: Demo declares one code for both, its chart and
// mapping are valid, and both invoices build.
func TestDemoCategoryWithAndWithoutZeroRate(t *testing.T) {
	p := &einvoice.Parser{Direction: invoicesync.Sales}
	noRate, err := parseFile(t, p, "en16931--Invoice-Min_content_without_VAT.xml")
	require.NoError(t, err)
	require.False(t, noRate.Lines[0].VATRate.Valid)
	zero, err := parseString(p, withZeroRate(t))
	require.NoError(t, err)
	require.True(t, zero.Lines[0].VATRate.Valid)
	require.Equal(t, "O", zero.Lines[0].VATCategory)

	d := einvoice.Demo(&noRate, &zero)
	var codes []string
	for _, c := range d.VATCodes {
		codes = append(codes, c.Code)
	}
	require.Equal(t, []string{"V-O0", "A-O0"}, codes)
	require.NoError(t, d.Mapping.ValidateChart(d.Chart()))
	for _, inv := range []*invoicesync.Invoice{&noRate, &zero} {
		e, err := invoicesync.BuildEntry(inv, d.Mapping, d.Chart(), invoicesync.PartnerRef{})
		require.NoError(t, err, inv.Number)
		require.NoError(t, e.Check())
		var got []string
		for _, l := range e.Lines {
			got = append(got, strings.Join([]string{l.Account, l.Debit.StringFixed(2), l.Credit.StringFixed(2), l.VATCode}, " "))
		}
		require.Equal(t, []string{"411000 400.00 0.00 ", "706000 0.00 400.00 V-O0"}, got, inv.Number)
	}
}
