package einvoice

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/hhrutter/lzw"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/invoicesync/invoicesync"
)

// invoiceNames are the names under which the hybrid formats embed their
// XML in the PDF, in the order they are looked for: Factur-X 1.0 and
// ZUGFeRD 2.1+ (factur-x.xml), ZUGFeRD 2.0 (zugferd-invoice.xml; ZUGFeRD
// 1.0 spelled it ZUGFeRD-invoice.xml) and XRechnung (xrechnung.xml).
// Names are compared without regard to case.
var invoiceNames = []string{"factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml"}

// sniffSize is how much of an attachment without one of invoiceNames is
// decoded to find its root element.
const sniffSize = 64 << 10

// isPDF reports whether data is a PDF: "%PDF-" at its start, after
// white space or a UTF-8 byte order mark.
func isPDF(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.TrimLeft(data, " \t\r\n\f\x00")
	return bytes.HasPrefix(data, []byte("%PDF-"))
}

// pdfFile is a file embedded in a PDF: its name and its stream, still
// encoded.
type pdfFile struct {
	name   string
	stream *types.StreamDict
}

// parsePDF reads the invoice a PDF carries as an embedded file (Factur-X,
// ZUGFeRD 2.x, XRechnung in a PDF/A-3): the one named after its format,
// else the first whose root element is a UBL Invoice or CreditNote or a
// CII CrossIndustryInvoice. The invoice's first attachment is the PDF.
// Every failure of the PDF reader, a panic included, is a ParseError.
func (p *Parser) parsePDF(data []byte) (inv invoicesync.Invoice, err error) {
	defer func() {
		if r := recover(); r != nil {
			inv, err = invoicesync.Invoice{}, &ParseError{Reason: fmt.Sprintf("unreadable PDF: the PDF reader failed (%v)", r)}
		}
	}()
	// ISO 32000-1, 7.5.5: the file ends with %%EOF; readers look for it
	// in the last 1,024 bytes. Without it the PDF is cut short, even when
	// the reader could still recover the embedded files.
	if !bytes.Contains(data[max(0, len(data)-1024):], []byte("%%EOF")) {
		return invoicesync.Invoice{}, &ParseError{Reason: "unreadable PDF: it is truncated (no %%EOF marker at its end)"}
	}
	if err := p.pdfBudget(data); err != nil {
		return invoicesync.Invoice{}, err
	}
	files, err := pdfFiles(data)
	if err != nil {
		return invoicesync.Invoice{}, err
	}
	chosen, content, err := p.chooseInvoiceFile(files)
	if err != nil {
		return invoicesync.Invoice{}, err
	}
	inv, err = p.parseXML(bytes.TrimPrefix(content, []byte("\xef\xbb\xbf")))
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			pe.Reason = fmt.Sprintf("in the PDF's embedded file %s: %s", quoteName(chosen.name), pe.Reason)
		}
		return invoicesync.Invoice{}, err
	}
	pdf := invoicesync.AttachmentRef{MediaType: "application/pdf", Data: data}
	inv.Attachments = append([]invoicesync.AttachmentRef{pdf}, inv.Attachments...)
	inv.Metadata["container"] = "pdf"
	inv.Metadata["embedded"] = chosen.name
	return inv, nil
}

// pdfConfig is the configuration of the PDF reader, made here so that the
// reader never looks for (nor creates) its configuration directory in the
// user's home, and no global setting of the library is changed: relaxed
// validation, no network.
func pdfConfig() *model.Configuration {
	return &model.Configuration{
		Reader15:       true,
		ValidationMode: model.ValidationRelaxed,
		Cmd:            model.EXTRACTATTACHMENTS,
		Offline:        true,
		Timeout:        5,
		Eol:            types.EolLF,
		DateFormat:     "2006-01-02",
	}
}

// pdfFiles reads the PDF's cross-reference table and lists its embedded
// files (the EmbeddedFiles name tree), in the tree's order. The PDF is not
// validated: hybrid invoices are read whatever PDF/A flaws they have.
func pdfFiles(data []byte) ([]pdfFile, error) {
	ctx, err := api.ReadContext(bytes.NewReader(data), pdfConfig())
	if err != nil {
		return nil, &ParseError{Reason: "unreadable PDF: " + pdfReason(err), Err: err}
	}
	if ctx.XRefTable.Encrypt != nil {
		return nil, encryptedPDF()
	}
	x := ctx.XRefTable
	root, err := x.Catalog()
	if err != nil {
		return nil, &ParseError{Reason: "unreadable PDF: " + pdfReason(err), Err: err}
	}
	var tree types.Dict
	if names, err := x.DereferenceDict(root["Names"]); err != nil {
		return nil, &ParseError{Reason: "unreadable PDF: its names dictionary: " + pdfReason(err), Err: err}
	} else if names != nil {
		if tree, err = x.DereferenceDict(names["EmbeddedFiles"]); err != nil {
			return nil, &ParseError{Reason: "unreadable PDF: its embedded files: " + pdfReason(err), Err: err}
		}
	}
	if tree == nil {
		return nil, nil
	}
	w := &nameTreeWalker{x: x, seen: map[int]bool{}}
	if err := w.walk(tree, 0); err != nil {
		return nil, &ParseError{Reason: "unreadable PDF: its embedded files: " + pdfReason(err), Err: err}
	}
	return w.files, nil
}

// Bounds of a walk through the embedded files' name tree.
const (
	maxNameTreeDepth = 32
	maxEmbeddedFiles = 1000
)

// nameTreeWalker lists the files of an EmbeddedFiles name tree (ISO
// 32000-1, 7.9.6): each node holds its Kids or its Names, pairs of a key
// and a file specification.
type nameTreeWalker struct {
	x     *model.XRefTable
	seen  map[int]bool // object numbers of the nodes visited, against loops
	files []pdfFile
}

func (w *nameTreeWalker) walk(node types.Dict, depth int) error {
	if depth > maxNameTreeDepth {
		return fmt.Errorf("the name tree is nested more than %d deep", maxNameTreeDepth)
	}
	if kids, err := w.x.DereferenceArray(node["Kids"]); err != nil {
		return err
	} else {
		for _, kid := range kids {
			if ref, ok := kid.(types.IndirectRef); ok {
				if w.seen[ref.ObjectNumber.Value()] {
					continue
				}
				w.seen[ref.ObjectNumber.Value()] = true
			}
			d, err := w.x.DereferenceDict(kid)
			if err != nil {
				return err
			}
			if d != nil {
				if err := w.walk(d, depth+1); err != nil {
					return err
				}
			}
		}
	}
	names, err := w.x.DereferenceArray(node["Names"])
	if err != nil {
		return err
	}
	for i := 0; i+1 < len(names); i += 2 {
		if len(w.files) == maxEmbeddedFiles {
			return fmt.Errorf("more than %d embedded files", maxEmbeddedFiles)
		}
		key, _ := w.x.DereferenceStringOrHexLiteral(names[i], model.V10, nil)
		f, err := w.file(key, names[i+1])
		if err != nil {
			return err
		}
		w.files = append(w.files, f)
	}
	return nil
}

// file reads a file specification (ISO 32000-1, 7.11.3): its name, UF or
// F, else the tree's key, and its embedded stream, EF/F.
func (w *nameTreeWalker) file(key string, spec types.Object) (pdfFile, error) {
	f := pdfFile{name: key}
	d, err := w.x.DereferenceDict(spec)
	if err != nil || d == nil {
		return f, fmt.Errorf("the file specification of %s: %v", quoteName(key), err)
	}
	for _, k := range []string{"UF", "F"} {
		if v, ok := d.Find(k); ok {
			if s, err := w.x.DereferenceStringOrHexLiteral(v, model.V10, nil); err == nil && s != "" {
				f.name = s
				break
			}
		}
	}
	ef, err := w.x.DereferenceDict(d["EF"])
	if err != nil {
		return f, fmt.Errorf("the embedded file %s: %v", quoteName(f.name), err)
	}
	if ef != nil {
		if v, ok := ef.Find("F"); ok {
			sd, _, err := w.x.DereferenceStreamDict(v)
			if err != nil {
				return f, fmt.Errorf("the embedded file %s: %v", quoteName(f.name), err)
			}
			f.stream = sd
		}
	}
	return f, nil
}

func encryptedPDF() *ParseError {
	return &ParseError{Reason: "the PDF is encrypted; a PDF/A-3 invoice never is (ISO 19005-3, 6.1.3): ask the sender for the unencrypted file"}
}

// pdfReason shortens an error of the PDF reader for a message.
func pdfReason(err error) string {
	s := strings.TrimPrefix(err.Error(), "pdfcpu: ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// quoteName quotes an embedded file's name for a message, shortened.
func quoteName(name string) string {
	if len(name) > 80 {
		name = name[:80] + "…"
	}
	return fmt.Sprintf("%q", name)
}

// chooseInvoiceFile picks the invoice among the PDF's embedded files (see
// parsePDF) and returns its decoded content.
func (p *Parser) chooseInvoiceFile(files []pdfFile) (pdfFile, []byte, error) {
	for _, want := range invoiceNames {
		for _, f := range files {
			if strings.EqualFold(f.name, want) {
				content, err := p.decodeFile(f, p.maxSize())
				return f, content, err
			}
		}
	}
	for _, f := range files {
		head, err := p.decodeFile(f, -sniffSize)
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, ErrLimit) {
				return f, nil, err
			}
			continue // not readable, so not the invoice
		}
		if !isInvoiceRoot(head) {
			continue
		}
		content, err := p.decodeFile(f, p.maxSize())
		return f, content, err
	}
	if len(files) == 0 {
		return pdfFile{}, nil, &ParseError{Reason: "the PDF carries no e-invoice: it has no embedded files (a Factur-X, ZUGFeRD or XRechnung PDF embeds its XML as factur-x.xml, zugferd-invoice.xml or xrechnung.xml)"}
	}
	names := make([]string, 0, min(len(files), 10))
	for i, f := range files {
		if i == 10 {
			names = append(names, fmt.Sprintf("and %d more", len(files)-10))
			break
		}
		names = append(names, quoteName(f.name))
	}
	return pdfFile{}, nil, &ParseError{Reason: fmt.Sprintf("the PDF carries no e-invoice: none of its embedded files (%s) is named factur-x.xml, zugferd-invoice.xml or xrechnung.xml or is a UBL Invoice or CreditNote or a CII CrossIndustryInvoice", strings.Join(names, ", "))}
}

// isInvoiceRoot reports whether the XML document starting with head has
// the root element of an e-invoice this package reads.
func isInvoiceRoot(head []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))))
	d.CharsetReader = charsetReader
	for {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name {
			case xml.Name{Space: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", Local: "Invoice"},
				xml.Name{Space: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2", Local: "CreditNote"},
				xml.Name{Space: "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100", Local: "CrossIndustryInvoice"}:
				return true
			}
			return false
		case xml.Directive:
			return false // a DTD, which the XML reader refuses
		}
	}
}

// decodeFile decodes an embedded file. A positive limit is the largest
// content accepted, beyond which it is an ErrLimit ParseError; a negative
// one reads at most -limit bytes, the beginning of the content, and
// ignores a truncated or corrupt end.
func (p *Parser) decodeFile(f pdfFile, limit int64) ([]byte, error) {
	fail := func(reason string, err error) ([]byte, error) {
		return nil, &ParseError{Reason: fmt.Sprintf("the PDF's embedded file %s %s", quoteName(f.name), reason), Err: err}
	}
	if f.stream == nil {
		return fail("has no content", nil)
	}
	r, err := decodedStream(f.stream)
	if err != nil {
		return fail("cannot be decoded: "+err.Error(), nil)
	}
	n := limit
	if n < 0 {
		n = -limit
	} else {
		n++
	}
	content, err := io.ReadAll(io.LimitReader(r, n))
	if limit < 0 {
		return content, nil
	}
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, zlib.ErrChecksum) {
		// A truncated or unchecked deflate stream is common and harmless
		// (other PDF readers accept it too): what it gave is parsed.
		return fail("cannot be decoded: "+err.Error(), nil)
	}
	if int64(len(content)) > limit {
		return fail(fmt.Sprintf("is larger than the limit of %d bytes", limit), ErrLimit)
	}
	return content, nil
}

// decodedStream returns the content of a stream with its filters applied,
// each as a reader, so that no more is decoded than is read: a stream that
// inflates to gigabytes costs no more than the limit read. The filters an
// embedded file can use are supported (ISO 32000-1, 7.4): FlateDecode and
// LZWDecode without predictor, ASCIIHexDecode, ASCII85Decode and
// RunLengthDecode; the image filters are refused.
func decodedStream(sd *types.StreamDict) (io.Reader, error) {
	var r io.Reader = bytes.NewReader(sd.Raw)
	for _, f := range sd.FilterPipeline {
		if f.DecodeParms != nil {
			if pred := f.DecodeParms.IntEntry("Predictor"); pred != nil && *pred > 1 {
				return nil, fmt.Errorf("the %s filter has a predictor (%d), which no embedded file uses", f.Name, *pred)
			}
		}
		switch f.Name {
		case "FlateDecode":
			zr, err := zlib.NewReader(r)
			if err != nil {
				return nil, fmt.Errorf("FlateDecode: %v", err)
			}
			r = zr
		case "LZWDecode":
			early := true
			if f.DecodeParms != nil {
				if ec := f.DecodeParms.IntEntry("EarlyChange"); ec != nil && *ec == 0 {
					early = false
				}
			}
			r = lzw.NewReader(r, early)
		case "ASCIIHexDecode":
			r = &hexReader{r: bufio.NewReader(r)}
		case "ASCII85Decode":
			r = ascii85.NewDecoder(&a85Reader{r: bufio.NewReader(r)})
		case "RunLengthDecode":
			r = &runLengthReader{r: bufio.NewReader(r)}
		default:
			return nil, fmt.Errorf("the filter %s is not one of an embedded file", clip(f.Name))
		}
	}
	return r, nil
}

// hexReader decodes ASCIIHexDecode: pairs of hexadecimal digits, white
// space ignored, ">" ending the data; an odd last digit is followed by 0.
type hexReader struct {
	r    *bufio.Reader
	done bool
}

func (h *hexReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && !h.done {
		var v byte
		digits := 0
		for digits < 2 {
			c, err := h.r.ReadByte()
			if err == io.EOF || (err == nil && c == '>') {
				h.done = true
				break
			}
			if err != nil {
				return n, err
			}
			var d byte
			switch {
			case c >= '0' && c <= '9':
				d = c - '0'
			case c >= 'a' && c <= 'f':
				d = c - 'a' + 10
			case c >= 'A' && c <= 'F':
				d = c - 'A' + 10
			case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0:
				continue
			default:
				return n, fmt.Errorf("ASCIIHexDecode: %q is not a hexadecimal digit", c)
			}
			v = v<<4 | d
			digits++
		}
		if digits == 0 {
			break
		}
		if digits == 1 {
			v <<= 4
		}
		p[n] = v
		n++
	}
	if n == 0 && h.done {
		return 0, io.EOF
	}
	return n, nil
}

// a85Reader passes the data of ASCII85Decode up to its end marker "~>"
// (the decoder ignores white space itself).
type a85Reader struct {
	r    *bufio.Reader
	done bool
}

func (a *a85Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && !a.done {
		c, err := a.r.ReadByte()
		if err == io.EOF || (err == nil && c == '~') {
			a.done = true
			break
		}
		if err != nil {
			return n, err
		}
		p[n] = c
		n++
	}
	if n == 0 && a.done {
		return 0, io.EOF
	}
	return n, nil
}

// runLengthReader decodes RunLengthDecode: a length byte L, then L+1
// literal bytes when L < 128, one byte repeated 257-L times when L > 128;
// 128 ends the data.
type runLengthReader struct {
	r       *bufio.Reader
	literal int  // literal bytes left to copy
	repeat  int  // times left to repeat b
	b       byte // the repeated byte
	done    bool
}

func (l *runLengthReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		switch {
		case l.repeat > 0:
			p[n] = l.b
			l.repeat--
			n++
		case l.literal > 0:
			c, err := l.r.ReadByte()
			if err != nil {
				return n, unexpected(err)
			}
			p[n] = c
			l.literal--
			n++
		case l.done:
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		default:
			c, err := l.r.ReadByte()
			if err == io.EOF {
				l.done = true
				continue
			}
			if err != nil {
				return n, err
			}
			switch {
			case c < 128:
				l.literal = int(c) + 1
			case c > 128:
				b, err := l.r.ReadByte()
				if err != nil {
					return n, unexpected(err)
				}
				l.b, l.repeat = b, 257-int(c)
			default:
				l.done = true
			}
		}
	}
	return n, nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// inflateBudget bounds what the deflate streams of a PDF that the PDF
// reader decodes may inflate to, together, as a multiple of MaxSize.
const inflateBudget = 16

// maxFlateNesting is how many FlateDecode filters in a row pdfBudget
// follows in one stream.
const maxFlateNesting = 4

// pdfBudget refuses, before the PDF reader sees them, a PDF that is
// encrypted (it names an /Encrypt dictionary) and a PDF whose deflate
// streams inflate to more than inflateBudget × MaxSize bytes together,
// nested deflate streams included.
//
// The PDF reader decodes object and cross-reference streams whole in
// memory, without a limit: this measures them first, so that a small PDF
// cannot make it inflate gigabytes. Images, which the reader never decodes
// and which legitimately inflate to hundreds of megabytes (a scanned page),
// are left out: a stream whose dictionary plainly says /Subtype /Image
// (see plainImage), unless a cross-reference offset of the file points at
// it. The measure is a scan of the bytes, not a parse: a stream disguised
// well enough can escape it.
func (p *Parser) pdfBudget(data []byte) error {
	if bytes.Contains(data, []byte("/Encrypt")) {
		return encryptedPDF()
	}
	xrefs := xrefOffsets(data)
	limit := inflateBudget * p.maxSize()
	used := int64(0)
	for at := 0; ; {
		i := bytes.Index(data[at:], []byte("stream"))
		if i < 0 {
			return nil
		}
		kw := at + i
		at = kw + len("stream")
		s := data[at:]
		switch {
		case bytes.HasPrefix(s, []byte("\r\n")):
			s = s[2:]
		case bytes.HasPrefix(s, []byte("\n")), bytes.HasPrefix(s, []byte("\r")):
			s = s[1:]
		default:
			continue
		}
		if header, ok := plainImage(data, kw); ok && !xrefs[header] {
			continue
		}
		if inflated(s, &used, limit) {
			return &ParseError{Reason: fmt.Sprintf("the PDF's compressed streams inflate to more than %d bytes (%d × the size limit)", limit, inflateBudget), Err: ErrLimit}
		}
	}
}

var (
	xrefOffsetRE = regexp.MustCompile(`(?:startxref|/Prev|/XRefStm)\s+(\d{1,12})`)
	objHeaderRE  = regexp.MustCompile(`(\d{1,10})\s+\d{1,5}\s+obj\s*$`)
	imageRE      = regexp.MustCompile(`/Subtype\s*/Image[\s/<>\[]`)
)

// xrefOffsets are the offsets the file gives for cross-reference sections
// (startxref, /Prev, /XRefStm): a stream there is a cross-reference stream
// the reader decodes, whatever its dictionary says.
func xrefOffsets(data []byte) map[int]bool {
	out := map[int]bool{}
	for _, m := range xrefOffsetRE.FindAllSubmatch(data, -1) {
		if n, err := strconv.Atoi(string(m[1])); err == nil {
			out[n] = true
		}
	}
	return out
}

// plainImage reports whether the stream whose keyword is at kw has a
// dictionary that plainly declares an image: the object's header "N G obj"
// is found within 4 KiB before it, and in between, at the dictionary's
// first level, /Subtype /Image, with no string, comment or escaped name
// that could hide what the dictionary is, and no mention of ObjStm or
// XRef. It returns the offset of the object's header.
func plainImage(data []byte, kw int) (int, bool) {
	from := max(0, kw-4096)
	window := data[from:kw]
	o := bytes.LastIndex(window, []byte("obj"))
	if o < 0 {
		return 0, false
	}
	m := objHeaderRE.FindSubmatchIndex(window[:o+len("obj")])
	if m == nil {
		return 0, false
	}
	dict := window[o+len("obj"):]
	if bytes.ContainsAny(dict, "(%#") || bytes.Contains(dict, []byte("ObjStm")) || bytes.Contains(dict, []byte("XRef")) {
		return 0, false
	}
	loc := imageRE.FindIndex(dict)
	if loc == nil || bytes.Count(dict[:loc[0]], []byte("<<"))-bytes.Count(dict[:loc[0]], []byte(">>")) != 1 {
		return 0, false
	}
	return from + m[2], true
}

// inflated inflates the deflate stream at the start of s, if there is one,
// and the deflate streams nested in it, adding what they give to *used;
// it reports whether *used went beyond limit.
func inflated(s []byte, used *int64, limit int64) bool {
	var r io.Reader = bytes.NewReader(s)
	for depth := 0; depth < maxFlateNesting; depth++ {
		br := bufio.NewReader(r)
		head, _ := br.Peek(2)
		if len(head) < 2 || head[0]&0x0f != 8 || (uint16(head[0])<<8|uint16(head[1]))%31 != 0 {
			break
		}
		zr, err := zlib.NewReader(br)
		if err != nil {
			break
		}
		r = &countingReader{r: zr, used: used, limit: limit}
	}
	if _, ok := r.(*countingReader); !ok {
		return false
	}
	_, err := io.Copy(io.Discard, r)
	return errors.Is(err, errBudget)
}

var errBudget = errors.New("inflate budget exceeded")

// countingReader adds what it reads to *used and fails beyond limit.
type countingReader struct {
	r     io.Reader
	used  *int64
	limit int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.used += int64(n)
	if *c.used > c.limit {
		return n, errBudget
	}
	return n, err
}
