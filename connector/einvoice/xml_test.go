package einvoice

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"
)

// FuzzTagScanner checks that a tagScanner counts, for every start tag the
// decoder returns, as many attributes as the decoder read, and that it is
// back in character data after the tag. Counting stops at a DTD, which
// readXML refuses.
func FuzzTagScanner(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.xml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`<a b="1" c='2'/>`,
		`<a b = "=" c='"='>x=y<b/></a>`,
		`<a b="> c=d"><!-- <e f=g> --></a>`,
		`<a><![CDATA[<b c=d>]]><?p <b c=d?><b c="d"/></a>`,
		`<a><!----><!-- - --><b c="1"/></a>`,
		`<a><![CDATA[]]]]><b c="1"/></a>`,
		"<a\tb='1'\nc=\"2\"\r\n/>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &tagScanner{data: data}
		d := xml.NewDecoder(s)
		d.Strict = true
		for {
			tok, err := d.Token()
			if err != nil {
				return
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				if s.attrs != len(tok.Attr) || s.state != inText {
					t.Fatalf("<%s> at offset %d: %d attributes, %d counted, state %d", tok.Name.Local, d.InputOffset(), len(tok.Attr), s.attrs, s.state)
				}
			case xml.Directive:
				return
			}
		}
	})
}
