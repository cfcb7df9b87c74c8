package einvoice

import (
	"bufio"
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
//
// Elements and attributes count alike toward MaxElements, namespace
// declarations included: each costs memory, an attribute less than an
// element. One element may carry at most maxAttributes attributes, counted
// as its start tag is read, since encoding/xml builds all the attributes
// of a tag before returning it.
func (p *Parser) readXML(data []byte) (*node, error) {
	d := xml.NewDecoder(&tagScanner{data: data})
	d.Strict = true
	d.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		r, err := charsetReader(label, input)
		if err != nil {
			return nil, err
		}
		// The decoder reads the decoded text from now on: that is what
		// is counted, the undecoded bytes passing through uncounted.
		return &tagScanner{r: bufio.NewReader(r)}, nil
	}
	var root, cur *node
	var text bytes.Buffer
	items, depth := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		line, _ := d.InputPos()
		if err != nil {
			if tag := (*tooManyAttributes)(nil); errors.As(err, &tag) {
				return nil, &ParseError{Line: line, Path: pathOf(cur), Reason: fmt.Sprintf("an element <%s> with more than %d attributes", tag.name, maxAttributes), Err: ErrLimit}
			}
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
			items += 1 + len(t.Attr)
			depth++
			if items > p.maxElements() {
				return nil, &ParseError{Line: line, Path: pathOf(cur), Reason: fmt.Sprintf("more than %d elements and attributes", p.maxElements()), Err: ErrLimit}
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

// maxAttributes bounds the attributes of one element, whatever
// Parser.MaxElements is. Real e-invoices carry a few at most, the root's
// namespace declarations being the most. It also bounds what namespace
// declarations cost the decoder while in scope: at most maxAttributes on
// each of the Parser.MaxDepth open elements.
const maxAttributes = 1000

// tooManyAttributes is the error a tagScanner stops the decoder with: the
// start tag of the element name has more than maxAttributes attributes.
type tooManyAttributes struct{ name string }

// Error names the element and the limit.
func (e *tooManyAttributes) Error() string {
	return fmt.Sprintf("element <%s> with more than %d attributes", e.name, maxAttributes)
}

// byteReader is what a tagScanner reads from when its input is not in
// memory, and what it offers the XML decoder: ReadByte for the decoder's
// reading, Read for a charset decoder (see Decoder.CharsetReader).
type byteReader interface {
	io.Reader
	io.ByteReader
}

// The states of a tagScanner: where the byte last read is.
const (
	inText     = iota // character data
	inLT              // "<" just read
	inBang            // "<!" just read
	inBangDash        // "<!-" just read
	inComment         // a comment, after "<!--", until "-->"
	inCDATA           // a CDATA section, after "<![", until "]]>"
	inPI              // a processing instruction, after "<?", until "?>"
	inOther           // an end tag or a directive, until ">"
	inName            // the name of a start tag
	inTag             // a start tag after its name, outside quotes
	inValue           // a quoted attribute value
)

// tagScanner hands the decoder its input byte by byte and counts the
// attributes of the start tag being read: one per "=" outside quoted
// values, which are as many as the tag has when it is well formed. At the
// maxAttributes+1st it fails with *tooManyAttributes, which stops the
// decoder before it holds them all. Read passes bytes through uncounted:
// only a charset decoder calls it, and the decoder then reads the decoded
// text from another tagScanner.
type tagScanner struct {
	data   []byte     // the input, when it is in memory
	pos    int        // the position in data
	r      byteReader // the input, when it is not in memory
	state  int
	quote  byte   // the quote that ends the value being read
	b0, b1 byte   // the two bytes read before this one, to find "-->", "]]>" and "?>"
	name   []byte // the start tag's name, up to 100 bytes
	attrs  int    // the start tag's attributes so far
}

// Read reads bytes without counting them.
func (s *tagScanner) Read(p []byte) (int, error) {
	if s.r != nil {
		return s.r.Read(p)
	}
	if s.pos == len(s.data) {
		return 0, io.EOF
	}
	n := copy(p, s.data[s.pos:])
	s.pos += n
	return n, nil
}

// ReadByte reads a byte and counts it.
func (s *tagScanner) ReadByte() (byte, error) {
	var b byte
	switch {
	case s.r != nil:
		var err error
		if b, err = s.r.ReadByte(); err != nil {
			return 0, err
		}
	case s.pos < len(s.data):
		b = s.data[s.pos]
		s.pos++
	default:
		return 0, io.EOF
	}
	if s.state == inText && b != '<' {
		return b, nil
	}
	return b, s.scan(b)
}

// scan moves to the state after b.
func (s *tagScanner) scan(b byte) error {
	switch s.state {
	case inText:
		s.state = inLT
	case inLT:
		switch b {
		case '!':
			s.state = inBang
		case '?':
			s.state, s.b1 = inPI, 0
		case '/':
			s.state = inOther
		default:
			s.state, s.name, s.attrs = inName, append(s.name[:0], b), 0
		}
	case inBang:
		switch b {
		case '-':
			s.state = inBangDash
		case '[':
			s.state, s.b0, s.b1 = inCDATA, 0, 0
		default:
			s.state = inOther
		}
	case inBangDash:
		s.state, s.b0, s.b1 = inComment, 0, 0
	case inComment, inCDATA:
		end := byte('-')
		if s.state == inCDATA {
			end = ']'
		}
		if b == '>' && s.b0 == end && s.b1 == end {
			s.state = inText
		}
		s.b0, s.b1 = s.b1, b
	case inPI:
		if b == '>' && s.b1 == '?' {
			s.state = inText
		}
		s.b1 = b
	case inOther:
		if b == '>' {
			s.state = inText
		}
	case inName:
		switch b {
		case ' ', '\t', '\r', '\n', '/':
			s.state = inTag
		case '>':
			s.state = inText
		default:
			if len(s.name) < 100 {
				s.name = append(s.name, b)
			}
		}
	case inTag:
		switch b {
		case '"', '\'':
			s.state, s.quote = inValue, b
		case '=':
			if s.attrs++; s.attrs > maxAttributes {
				return &tooManyAttributes{name: string(s.name)}
			}
		case '>':
			s.state = inText
		}
	case inValue:
		if b == s.quote {
			s.state = inTag
		}
	}
	return nil
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
