package einvoice

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/filter"
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
	sniff := limit < 0
	n := limit + 1 // one byte more than the limit tells that it is exceeded
	if sniff {
		n = -limit
	}
	// Before the last filter, the data may be larger than the content:
	// hexadecimal digits are two a byte, with white space in between.
	inner := int64(math.MaxInt64)
	if n <= math.MaxInt64/stageFactor {
		inner = stageFactor * n
	}
	content := f.stream.Raw
	pipeline := f.stream.FilterPipeline
	for i, pf := range pipeline {
		last := i == len(pipeline)-1
		bound := n
		if !last {
			bound = inner
		}
		out, err := decodeStage(pf, content, bound)
		if err != nil && (!sniff || out == nil) {
			return fail("cannot be decoded: "+err.Error(), nil)
		}
		if !last && int64(len(out)) >= bound && !sniff {
			return fail(fmt.Sprintf("is larger than %d bytes before its last filter (%d × the limit of %d bytes)", stageFactor*limit, stageFactor, limit), ErrLimit)
		}
		content = out
	}
	if int64(len(content)) > n {
		content = content[:n]
	}
	if !sniff && int64(len(content)) > limit {
		return fail(fmt.Sprintf("is larger than the limit of %d bytes", limit), ErrLimit)
	}
	return content, nil
}

// stageFactor bounds the data an embedded file's filters give before the
// last one, as a multiple of the limit of its content.
const stageFactor = 4

// decodeStage applies one filter of an embedded file's stream to in with
// pdfcpu's filters and returns at most about max bytes of its output (a
// Flate predictor may give one row more). With an error, what was decoded
// before it is returned, if anything. The filters an embedded file can use
// are read (ISO 32000-1, 7.4): FlateDecode, with or without predictor,
// LZWDecode, ASCIIHexDecode, ASCII85Decode and RunLengthDecode; the image
// filters (DCTDecode, JPXDecode, CCITTFaxDecode, JBIG2Decode) are refused.
//
// pdfcpu's DecodeLength(r, max) is used as far as it decodes no more than
// max bytes and returns them; where it does not, the work-around is here:
//   - FlateDecode without predictor copies max bytes (io.CopyN) and
//     returns them with io.EOF when the content is shorter: used as is;
//   - FlateDecode with a predictor decodes whole rows until max bytes are
//     reached, but allocates its rows from Colors, BitsPerComponent and
//     Columns without a bound (a negative or huge row panics or takes
//     gigabytes) and applies the TIFF predictor as if there were 8 bits a
//     component: checkPredictor refuses those parameters first. Unlike
//     without predictor, it refuses a deflate stream cut short or without
//     its checksum: that is left so;
//   - LZWDecode and ASCII85Decode copy max bytes too, but drop them and
//     return only io.EOF when the content is shorter: they are decoded a
//     second time without a maximum, which then gives less than max bytes;
//   - ASCIIHexDecode panics when max is more than the content: it is
//     decoded without a maximum, which gives at most half its input; NUL,
//     a white-space character (ISO 32000-1, 7.2.2) it does not skip, is
//     removed first;
//   - ASCII85Decode wants its end marker "~>" last, after only CR and LF,
//     and refuses data without it: the data ends at the marker (ISO
//     32000-1, 7.4.3), so it is cut at its first "~" and given the marker;
//   - RunLengthDecode is bounded but panics on data cut short: the panic
//     is an error.
func decodeStage(pf types.PDFFilter, in []byte, max int64) (out []byte, err error) {
	if !slices.Contains(filter.List(), pf.Name) {
		return nil, fmt.Errorf("the filter %s is not one of an embedded file", clip(pf.Name))
	}
	parms := map[string]int{}
	for k, v := range pf.DecodeParms {
		if i, ok := v.(types.Integer); ok {
			parms[k] = i.Value()
		}
	}
	if pf.Name == filter.Flate {
		if err := checkPredictor(parms, max); err != nil {
			return nil, fmt.Errorf("%s: %v", pf.Name, err)
		}
	}
	f, err := filter.NewFilter(pf.Name, parms)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", pf.Name, pdfReason(err))
	}
	decode := func(max int64) (out []byte, err error) {
		defer func() {
			if r := recover(); r != nil {
				out, err = nil, errors.New("the data is cut short or corrupt")
			}
		}()
		r, err := f.DecodeLength(bytes.NewReader(in), max)
		if r != nil {
			out, _ = io.ReadAll(r)
		}
		return out, err
	}
	switch pf.Name {
	case filter.ASCIIHex:
		in = bytes.ReplaceAll(in, []byte{0}, nil)
		out, err = decode(-1)
	case filter.ASCII85:
		if i := bytes.IndexByte(in, '~'); i >= 0 {
			in = in[:i]
		}
		in = append(in[:len(in):len(in)], "~>"...)
		fallthrough
	case filter.LZW:
		if out, err = decode(max); err == io.EOF {
			out, err = decode(-1)
		}
	default: // FlateDecode, RunLengthDecode
		if out, err = decode(max); err == io.EOF {
			err = nil
		}
	}
	out = out[:min(int64(len(out)), max)]
	if err != nil {
		return out, fmt.Errorf("%s: %s", pf.Name, pdfReason(err))
	}
	return out, nil
}

// checkPredictor checks the parameters of a Flate predictor (ISO 32000-1,
// 7.4.4.4) before pdfcpu's filter allocates its rows: 1 to 32 colours, 1
// to 16 bits a component, at least one column, a row of at most max bytes,
// and the TIFF predictor (2) with 8 bits a component only, the one it
// applies right. pdfcpu checks the predictor's number and that the bits a
// component are 1, 2, 4, 8 or 16 itself.
func checkPredictor(parms map[string]int, max int64) error {
	pred, ok := parms["Predictor"]
	if !ok || pred <= 1 {
		return nil
	}
	param := func(name string, def int) int {
		if v, ok := parms[name]; ok {
			return v
		}
		return def
	}
	colors, bpc, columns := param("Colors", 1), param("BitsPerComponent", 8), param("Columns", 1)
	if colors < 1 || colors > 32 || bpc < 1 || bpc > 16 || columns < 1 || int64(columns) > max {
		return fmt.Errorf("the predictor's Colors (%d), BitsPerComponent (%d) or Columns (%d) are out of range", colors, bpc, columns)
	}
	if row := (int64(bpc)*int64(colors)*int64(columns) + 7) / 8; row > max {
		return fmt.Errorf("a row of the predictor (%d bytes) is larger than the %d bytes read", row, max)
	}
	if pred == 2 && bpc != 8 {
		return fmt.Errorf("the TIFF predictor is read with 8 bits a component only, not %d", bpc)
	}
	return nil
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
