package einvoice_test

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
)

// attributeDocument is a UBL Invoice root declaring its namespace, on line
// 1, then elements empty elements <a .../>, one a line, each with attrs
// attributes a0, a1, ... of the given value, then the root's end tag.
func attributeDocument(elements, attrs int, value string) []byte {
	line := []byte("<a")
	for j := range attrs {
		line = append(line, " a"...)
		line = strconv.AppendInt(line, int64(j), 10)
		line = append(line, `="`...)
		line = append(line, value...)
		line = append(line, '"')
	}
	line = append(line, "/>\n"...)
	var b bytes.Buffer
	b.Grow(len(line)*elements + 100)
	b.WriteString(`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">` + "\n")
	for range elements {
		b.Write(line)
	}
	b.WriteString("</Invoice>\n")
	return b.Bytes()
}

// requireLimit asserts that err is the ParseError of a safety limit, with
// exactly that line, path and reason.
func requireLimit(t *testing.T, err error, line int, path, reason string) {
	t.Helper()
	var pe *einvoice.ParseError
	require.ErrorAs(t, err, &pe)
	require.ErrorIs(t, err, einvoice.ErrLimit)
	require.ErrorIs(t, err, invoicesync.ErrUnreadable)
	require.Equal(t, line, pe.Line)
	require.Equal(t, path, pe.Path)
	require.Equal(t, reason, pe.Reason)
}

// Attributes count toward the element limit, one item each: 600 elements
// of 900 attributes are refused at the element that brings the count past
// 500,000. The root and its namespace declaration are 2 items and each
// element 901, so the 555th element (line 556) is the one: 2 + 555 × 901
// = 500,057.
func TestManyAttributesStopAtTheElementLimit(t *testing.T) {
	_, err := einvoice.Parse(bytes.NewReader(attributeDocument(600, 900, "")))
	requireLimit(t, err, 556, "/Invoice", "more than 500000 elements and attributes")
	require.EqualError(t, err, "einvoice: line 556: /Invoice: more than 500000 elements and attributes")
}

// The document of the issue: 19 MB, 1.7 million attributes on 1,700
// elements. Element n brings 1,001 items, so the 500th (line 501) goes
// past the limit: 2 + 500 × 1,001 = 500,502.
func TestIssueDocumentOfManyAttributesIsRefused(t *testing.T) {
	doc := attributeDocument(1700, 1000, "123")
	require.Equal(t, 18_521_584, len(doc))
	_, err := einvoice.Parse(bytes.NewReader(doc))
	requireLimit(t, err, 501, "/Invoice", "more than 500000 elements and attributes")
}

// A lower limit counts attributes the same way: the root of the minimal
// UBL invoice is 4 items (it declares three namespaces), its first seven
// children make 11.
func TestNamespaceDeclarationsAreAttributes(t *testing.T) {
	_, err := parseString(&einvoice.Parser{MaxElements: 10}, readTestdata(t, "en16931--Invoice-Min_content_with_VAT.xml"))
	requireLimit(t, err, 29, "/Invoice", "more than 10 elements and attributes")
}

// One element may carry at most 1,000 attributes. The limit is checked
// while the start tag is read, so the line is the tag's.
func TestAttributesOfOneElementStopAtTheLimit(t *testing.T) {
	_, err := einvoice.Parse(bytes.NewReader(attributeDocument(1, 1001, "")))
	requireLimit(t, err, 2, "/Invoice", "an element <a> with more than 1000 attributes")

	// A document in another encoding than UTF-8 is counted once decoded.
	latin1 := append([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?>`+"\n"), attributeDocument(1, 1001, "\xe9")...)
	_, err = einvoice.Parse(bytes.NewReader(latin1))
	requireLimit(t, err, 3, "/Invoice", "an element <a> with more than 1000 attributes")

	// 1,000 are read: the document is then refused for what it lacks.
	_, err = einvoice.Parse(bytes.NewReader(attributeDocument(1, 1000, "")))
	require.ErrorIs(t, err, einvoice.ErrMissing)
	require.NotErrorIs(t, err, einvoice.ErrLimit)
}

// A start tag of two million attributes (10 MB) is refused while it is
// read, at its 1,001st attribute: encoding/xml builds the attributes of a
// tag before returning it, and building these would allocate about 500 MB.
// Refusing it allocates little more than reading the input does.
func TestAHugeStartTagIsRefusedWhileRead(t *testing.T) {
	doc := []byte(`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"` + strings.Repeat(` a=""`, 2_000_000) + "/>")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := einvoice.Parse(bytes.NewReader(doc))
	runtime.ReadMemStats(&after)
	requireLimit(t, err, 1, "", "an element <Invoice> with more than 1000 attributes")
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(100<<20))
}

// Only the attributes of start tags count: an "=" in an attribute value, a
// comment, a processing instruction or a CDATA section is not one, even
// after something that looks like the start of a tag.
func TestEqualsSignsOutsideStartTagsAreNotAttributes(t *testing.T) {
	signs := strings.Repeat("=", 1500)
	doc := readTestdata(t, "en16931--Invoice-Min_content_with_VAT.xml")
	doc = edit(t, doc, `xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">`,
		`xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" x="`+signs+`" y='"`+signs+`' z="> a=b `+signs+`">`)
	doc = edit(t, doc, "<cbc:BuyerReference>ACE22</cbc:BuyerReference>",
		"<cbc:BuyerReference>ACE22</cbc:BuyerReference>\n"+
			"<!-- <a "+signs+" -->\n"+
			"<?note <a "+signs+"?>\n"+
			"<cbc:Note><![CDATA[<a "+signs+"]]></cbc:Note>")
	inv, err := parseString(&einvoice.Parser{MaxElements: 1000}, doc)
	require.NoError(t, err)
	require.Equal(t, "2018-112", inv.Number)
}
