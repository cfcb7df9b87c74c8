package einvoice

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
)

// node is one element of a document read into memory: its name, attributes,
// text (the character data of an element without children, trimmed) and
// children in document order.
type node struct {
	space, local string
	attrs        []xml.Attr
	text         string
	kids         []*node
	line         int
	parent       *node
}

// child returns the first child named local, or nil. Names are compared
// without namespace: UBL and CII each use one vocabulary per syntax.
func (n *node) child(local string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.local == local {
			return k
		}
	}
	return nil
}

// at follows a path of local names, first child at each step.
func (n *node) at(path ...string) *node {
	for _, p := range path {
		n = n.child(p)
	}
	return n
}

// all returns the children named local.
func (n *node) all(local string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.kids {
		if k.local == local {
			out = append(out, k)
		}
	}
	return out
}

// str returns the text at path, or "".
func (n *node) str(path ...string) string {
	if m := n.at(path...); m != nil {
		return m.text
	}
	return ""
}

// attr returns the attribute local of n, or "".
func (n *node) attr(local string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// prefixes are the conventional prefixes of the namespaces met in
// e-invoices, used to write XML paths in errors as people read them.
var prefixes = map[string]string{
	"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2":               "cbc",
	"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2":           "cac",
	"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100":                       "rsm",
	"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100": "ram",
	"urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100":                        "udt",
	"urn:un:unece:uncefact:data:standard:QualifiedDataType:100":                          "qdt",
}

// path returns n's XML path from the root, e.g.
// "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount", with the position of
// an element among same-named siblings when it is not the first ("[2]").
func (n *node) path() string {
	var parts []string
	for m := n; m != nil; m = m.parent {
		name := m.local
		if p, ok := prefixes[m.space]; ok && m.parent != nil {
			name = p + ":" + name
		}
		if m.parent != nil {
			pos, count := 0, 0
			for _, k := range m.parent.kids {
				if k.local == m.local {
					count++
					if k == m {
						pos = count
					}
				}
			}
			if pos > 1 {
				name += fmt.Sprintf("[%d]", pos)
			}
		}
		parts = append(parts, name)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(parts[i])
	}
	return b.String()
}

// readXML reads a whole document into memory, within the parser's limits.
// The decoder is strict, resolves no entity beyond the five predefined
// ones and refuses any DTD: e-invoices have none, and a DTD is how entity
// expansion and external entity attacks start.
func (p *Parser) readXML(data []byte) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = charsetReader
	var root, cur *node
	var text bytes.Buffer
	elements, depth := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		line, _ := d.InputPos()
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line = se.Line
			}
			return nil, &ParseError{Line: line, Path: pathOf(cur), Reason: "malformed XML: " + trimXMLError(err), Err: err}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && cur == nil {
				return nil, &ParseError{Line: line, Reason: "malformed XML: content after the root element"}
			}
			elements++
			depth++
			if elements > p.maxElements() {
				return nil, &ParseError{Line: line, Path: pathOf(cur), Reason: fmt.Sprintf("more than %d elements", p.maxElements()), Err: ErrLimit}
			}
			if depth > p.maxDepth() {
				return nil, &ParseError{Line: line, Path: pathOf(cur), Reason: fmt.Sprintf("elements nested more than %d deep", p.maxDepth()), Err: ErrLimit}
			}
			n := &node{space: t.Name.Space, local: t.Name.Local, line: line, parent: cur}
			if len(t.Attr) > 0 {
				n.attrs = t.Attr
			}
			if cur != nil {
				cur.kids = append(cur.kids, n)
			} else {
				root = n
			}
			cur = n
			text.Reset()
		case xml.EndElement:
			if len(cur.kids) == 0 {
				cur.text = strings.TrimSpace(text.String())
			}
			text.Reset()
			cur = cur.parent
			depth--
		case xml.CharData:
			if cur != nil && len(cur.kids) == 0 {
				if text.Len()+len(t) > maxText {
					return nil, &ParseError{Line: line, Path: pathOf(cur), Reason: fmt.Sprintf("a text of more than %d bytes", maxText), Err: ErrLimit}
				}
				text.Write(t)
			}
		case xml.Directive:
			return nil, &ParseError{Line: line, Reason: "the document declares a DTD (<!" + firstWord(t) + " ...>), which e-invoices never do: refused for safety"}
		}
	}
	if root == nil {
		return nil, &ParseError{Reason: "no XML element: the file is empty or not XML"}
	}
	return root, nil
}

// maxText bounds one element's text: an embedded attachment is the largest
// (base64 of a PDF), and it is bounded by the input size anyway.
const maxText = 64 << 20

func pathOf(n *node) string {
	if n == nil {
		return ""
	}
	return n.path()
}

func firstWord(b []byte) string {
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return ""
	}
	if len(f[0]) > 20 {
		return f[0][:20]
	}
	return f[0]
}

// trimXMLError drops encoding/xml's "XML syntax error on line N: " prefix:
// the line is reported on its own.
func trimXMLError(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return se.Msg
	}
	return err.Error()
}

// charsetReader decodes the encodings an XML declaration may name
// (ISO-8859-1, windows-1252, ...). UTF-8 needs none.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	return enc.NewDecoder().Reader(input), nil
}
