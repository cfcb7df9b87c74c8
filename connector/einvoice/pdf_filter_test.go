package einvoice_test

import (
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
)

// baseInvoiceXML is the factur-x.xml the base PDF embeds, as pdfcpu
// extracts it.
func baseInvoiceXML(t testing.TB) []byte {
	t.Helper()
	atts, err := api.ExtractAttachmentsRaw(bytes.NewReader([]byte(readTestdata(t, base))), "", nil, pdfConf())
	require.NoError(t, err)
	require.Len(t, atts, 1)
	require.Equal(t, "factur-x.xml", atts[0].FileName)
	data, err := io.ReadAll(atts[0])
	require.NoError(t, err)
	return data
}

// reembed returns the base PDF with the stream of its one embedded file
// replaced by raw, declared with the filter and decode parameters given
// (nil: none), and the file renamed to name.
func reembed(t testing.TB, name string, raw []byte, filters, parms types.Object) []byte {
	t.Helper()
	ctx, err := api.ReadContext(bytes.NewReader([]byte(readTestdata(t, base))), pdfConf())
	require.NoError(t, err)
	streams, specs := 0, 0
	for _, e := range ctx.XRefTable.Table {
		if e == nil || e.Free {
			continue
		}
		switch o := e.Object.(type) {
		case types.StreamDict:
			if o.Type() == nil || *o.Type() != "EmbeddedFile" {
				continue
			}
			streams++
			o.Raw = raw
			n := int64(len(raw))
			o.StreamLength = &n
			o.Update("Length", types.Integer(n))
			o.Delete("Filter")
			o.Delete("DecodeParms")
			if filters != nil {
				o.Insert("Filter", filters)
			}
			if parms != nil {
				o.Insert("DecodeParms", parms)
			}
			e.Object = o
		case types.Dict:
			if o.Type() == nil || *o.Type() != "Filespec" {
				continue
			}
			specs++
			o.Update("F", types.StringLiteral(name))
			o.Update("UF", types.StringLiteral(name))
		}
	}
	require.Equal(t, 1, streams)
	require.Equal(t, 1, specs)
	var out bytes.Buffer
	require.NoError(t, api.WriteContext(ctx, &out))
	return out.Bytes()
}

func deflate(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	_, err := w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

func a85(data []byte) []byte {
	b := make([]byte, ascii85.MaxEncodedLen(len(data)))
	return append(b[:ascii85.Encode(b, data)], "~>"...)
}

// hexLines is ASCIIHexDecode data: upper-case digits, 64 a line, each line
// ending with a NUL and CR LF (white space in PDF), then ">".
func hexLines(data []byte) []byte {
	s := strings.ToUpper(hex.EncodeToString(data))
	var b bytes.Buffer
	for len(s) > 64 {
		b.WriteString(s[:64] + "\x00\r\n")
		s = s[64:]
	}
	b.WriteString(s + ">")
	return b.Bytes()
}

func pdfcpuEncode(t testing.TB, name string, data []byte) []byte {
	t.Helper()
	f, err := filter.NewFilter(name, nil)
	require.NoError(t, err)
	r, err := f.Encode(bytes.NewReader(data))
	require.NoError(t, err)
	out, err := io.ReadAll(r)
	require.NoError(t, err)
	return out
}

// pngRows applies PNG prediction (RFC 2083, 6) to data, one byte a pixel,
// columns bytes a row: row i uses filter type i % 5 (None, Sub, Up,
// Average, Paeth), prefixed to it. len(data) is a multiple of columns.
func pngRows(data []byte, columns int) []byte {
	var out []byte
	prev := make([]byte, columns)
	for i := 0; i*columns < len(data); i++ {
		row := data[i*columns : (i+1)*columns]
		kind := byte(i % 5)
		out = append(out, kind)
		for j, x := range row {
			var left, upLeft byte
			if j > 0 {
				left, upLeft = row[j-1], prev[j-1]
			}
			up := prev[j]
			var pred byte
			switch kind {
			case 1:
				pred = left
			case 2:
				pred = up
			case 3:
				pred = byte((int(left) + int(up)) / 2)
			case 4:
				pred = paeth(left, up, upLeft)
			}
			out = append(out, x-pred)
		}
		prev = row
	}
	return out
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// tiffRows applies TIFF predictor 2 to data, one byte a pixel, columns
// bytes a row: each byte minus the one left of it in its row.
func tiffRows(data []byte, columns int) []byte {
	out := bytes.Clone(data)
	for i := range out {
		if i%columns > 0 {
			out[i] = data[i] - data[i-1]
		}
	}
	return out
}

// filterSeeds are the base PDF with its invoice encoded by chains of
// filters, for FuzzParse to start from.
func filterSeeds(t testing.TB) [][]byte {
	xml := baseInvoiceXML(t)
	z := deflate(t, xml)
	rows := append(bytes.Clone(xml), bytes.Repeat([]byte("\n"), 16-len(xml)%16)...) // whole rows
	return [][]byte{
		reembed(t, "factur-x.xml", hexLines(z), names("ASCIIHexDecode", "FlateDecode"), nil),
		reembed(t, "invoice.xml", a85(pdfcpuEncode(t, filter.LZW, xml)), names("ASCII85Decode", "LZWDecode"), nil),
		reembed(t, "factur-x.xml", deflate(t, pngRows(rows, 16)), types.Name("FlateDecode"),
			types.Dict{"Predictor": types.Integer(15), "Columns": types.Integer(16)}),
		reembed(t, "factur-x.xml", deflate(t, tiffRows(rows, 16)), types.Name("FlateDecode"),
			types.Dict{"Predictor": types.Integer(2), "Columns": types.Integer(16)}),
		reembed(t, "factur-x.xml", pdfcpuEncode(t, filter.RunLength, xml), types.Name("RunLengthDecode"), nil),
	}
}

func names(ns ...string) types.Array {
	a := types.Array{}
	for _, n := range ns {
		a = append(a, types.Name(n))
	}
	return a
}

// An embedded invoice is read exactly whatever chain of the non-image
// filters encodes it (ISO 32000-1, 7.4), Flate with a PNG or TIFF predictor
// (7.4.4.4) included: the invoice parsed from the PDF is the one parsed
// from the XML itself, field for field, and a limit of MaxSize bytes
// accepts it at exactly its size and refuses it one byte below.
func TestPDFEmbeddedFileFilters(t *testing.T) {
	// The XML is padded with a comment to 211,200 bytes (a multiple of the
	// predictor's 64 columns), larger than the PDF once compressed.
	xml := baseInvoiceXML(t)
	pad := 211_200 - len(xml) - len("<!---->\n")
	require.Positive(t, pad)
	content := append(bytes.Clone(xml), "<!--"+strings.Repeat(" ", pad)+"-->\n"...)
	require.Len(t, content, 211_200)
	want, err := (&einvoice.Parser{Direction: invoicesync.Sales}).Parse(bytes.NewReader(content))
	require.NoError(t, err)
	require.Equal(t, "471102", want.Number)
	require.Equal(t, "529.87", want.Totals.Payable.StringFixed(2))

	z := deflate(t, content)
	for _, c := range []struct {
		name           string
		raw            []byte
		filters, parms types.Object
		bounded        bool // the PDF is smaller than the content
	}{
		{"none", content, nil, nil, false},
		{"flate", z, types.Name("FlateDecode"), nil, true},
		// A deflate stream without its Adler-32 checksum, as some writers
		// leave it, is read.
		{"flate without checksum", z[:len(z)-4], names("FlateDecode"), nil, true},
		{"hex flate", hexLines(z), names("ASCIIHexDecode", "FlateDecode"), nil, true},
		{"a85 flate", a85(z), names("ASCII85Decode", "FlateDecode"), types.Array{nil, nil}, true},
		// Without its end marker "~>", and with anything after it, the
		// ASCII85 data ends where the marker is or would be.
		{"a85 flate, no end marker", a85(z)[:len(a85(z))-2], names("ASCII85Decode", "FlateDecode"), nil, true},
		{"a85 flate, after the end marker", append(a85(z), " \x00 garbage"...), names("ASCII85Decode", "FlateDecode"), nil, true},
		{"flate png predictor", deflate(t, pngRows(content, 64)), types.Name("FlateDecode"),
			types.Dict{"Predictor": types.Integer(15), "Columns": types.Integer(64)}, true},
		{"a85 flate png predictor", a85(deflate(t, pngRows(content, 64))), names("ASCII85Decode", "FlateDecode"),
			types.Array{nil, types.Dict{"Predictor": types.Integer(12), "Columns": types.Integer(64)}}, true},
		{"flate tiff predictor", deflate(t, tiffRows(content, 64)), types.Name("FlateDecode"),
			types.Dict{"Predictor": types.Integer(2), "Columns": types.Integer(64), "BitsPerComponent": types.Integer(8)}, true},
		{"lzw", pdfcpuEncode(t, filter.LZW, content), types.Name("LZWDecode"), nil, true},
		{"a85 lzw", a85(pdfcpuEncode(t, filter.LZW, content)), names("ASCII85Decode", "LZWDecode"), nil, true},
		{"runlength", pdfcpuEncode(t, filter.RunLength, content), types.Name("RunLengthDecode"), nil, true},
		{"flate hex", deflate(t, hexLines(content)), names("FlateDecode", "ASCIIHexDecode"), nil, true},
		{"flate flate", deflate(t, z), names("FlateDecode", "FlateDecode"), nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, name := range []string{"factur-x.xml", "rechnung-471102.xml"} {
				pdf := reembed(t, name, c.raw, c.filters, c.parms)
				got, err := (&einvoice.Parser{Direction: invoicesync.Sales}).Parse(bytes.NewReader(pdf))
				require.NoError(t, err, name)
				require.Equal(t, "pdf", got.Metadata["container"])
				require.Equal(t, name, got.Metadata["embedded"])
				require.True(t, bytes.Equal(pdf, got.Attachments[0].Data))
				delete(got.Metadata, "container")
				delete(got.Metadata, "embedded")
				got.Attachments = got.Attachments[1:]
				if len(got.Attachments) == 0 {
					got.Attachments = nil
				}
				require.Equal(t, want, got, name)
				if !c.bounded {
					continue
				}
				require.Less(t, len(pdf), len(content))
				_, err = (&einvoice.Parser{MaxSize: int64(len(content))}).Parse(bytes.NewReader(pdf))
				require.NoError(t, err, "content of exactly MaxSize bytes")
				pe := parseErr(t, &einvoice.Parser{MaxSize: int64(len(content)) - 1}, pdf)
				require.ErrorIs(t, pe, einvoice.ErrLimit)
				require.Equal(t, `the PDF's embedded file "`+name+`" is larger than the limit of 211199 bytes`, pe.Reason)
			}
		})
	}
}

// An embedded file whose filters cannot give its content is refused with
// the reason: an image filter, data cut short, predictor parameters out of
// range, and data before the last filter larger than 4 × MaxSize.
func TestPDFEmbeddedFileFilterErrors(t *testing.T) {
	xml := baseInvoiceXML(t)
	z := deflate(t, xml)
	rle := pdfcpuEncode(t, filter.RunLength, xml)
	predictor := func(kv ...int) types.Dict {
		d := types.Dict{}
		for i := 0; i < len(kv); i += 2 {
			d[[]string{"Predictor", "Colors", "BitsPerComponent", "Columns"}[kv[i]]] = types.Integer(kv[i+1])
		}
		return d
	}
	const pred, colors, bpc, columns = 0, 1, 2, 3
	for _, c := range []struct {
		name           string
		raw            []byte
		filters, parms types.Object
		reason         string
	}{
		{"dct", z, types.Name("DCTDecode"), nil, "cannot be decoded: the filter DCTDecode is not one of an embedded file"},
		{"flate jpx", z, names("FlateDecode", "JPXDecode"), nil, "cannot be decoded: the filter JPXDecode is not one of an embedded file"},
		{"ccitt", z, types.Name("CCITTFaxDecode"), nil, "cannot be decoded: the filter CCITTFaxDecode is not one of an embedded file"},
		{"jbig2", z, types.Name("JBIG2Decode"), nil, "cannot be decoded: the filter JBIG2Decode is not one of an embedded file"},
		{"runlength cut short", rle[:len(rle)/2], types.Name("RunLengthDecode"), nil,
			"cannot be decoded: RunLengthDecode: the data is cut short or corrupt"},
		{"negative columns", z, types.Name("FlateDecode"), predictor(pred, 12, columns, -1),
			"cannot be decoded: FlateDecode: the predictor's Colors (1), BitsPerComponent (8) or Columns (-1) are out of range"},
		{"huge row", z, types.Name("FlateDecode"), predictor(pred, 12, colors, 32, bpc, 16, columns, 1_000_000),
			"cannot be decoded: FlateDecode: a row of the predictor (64000000 bytes) is larger than the 20971521 bytes read"},
		{"tiff 16 bits", z, types.Name("FlateDecode"), predictor(pred, 2, bpc, 16, columns, 4),
			"cannot be decoded: FlateDecode: the TIFF predictor is read with 8 bits a component only, not 16"},
		{"predictor, cut short", deflate(t, pngRows(xml[:len(xml)/64*64], 64))[:1000], types.Name("FlateDecode"), predictor(pred, 12, columns, 64),
			"cannot be decoded: FlateDecode: unexpected EOF"},
	} {
		t.Run(c.name, func(t *testing.T) {
			pe := parseErr(t, &einvoice.Parser{}, reembed(t, "factur-x.xml", c.raw, c.filters, c.parms))
			require.Equal(t, `the PDF's embedded file "factur-x.xml" `+c.reason, pe.Reason)
			require.NotErrorIs(t, pe, einvoice.ErrLimit)
		})
	}

	// Hexadecimal digits with 100 spaces after each pair: the file is
	// read, its white space skipped, but within a limit of 100,000 bytes
	// the hexadecimal text is more than 4 × as much.
	var spaced bytes.Buffer
	for _, b := range xml {
		spaced.WriteString(hex.EncodeToString([]byte{b}) + strings.Repeat(" ", 100))
	}
	require.Greater(t, spaced.Len(), 400_000)
	pdf := reembed(t, "factur-x.xml", deflate(t, spaced.Bytes()), names("FlateDecode", "ASCIIHexDecode"), nil)
	require.Less(t, len(pdf), 100_000)
	inv, err := einvoice.Parse(bytes.NewReader(pdf))
	require.NoError(t, err)
	require.Equal(t, "471102", inv.Number)
	pe := parseErr(t, &einvoice.Parser{MaxSize: 100_000}, pdf)
	require.ErrorIs(t, pe, einvoice.ErrLimit)
	require.Equal(t, `the PDF's embedded file "factur-x.xml" is larger than 400000 bytes before its last filter (4 × the limit of 100000 bytes)`, pe.Reason)
}

// The fuzz seeds of filterSeeds are invoices that parse, under their names.
func TestFilterSeedsParse(t *testing.T) {
	seeds := filterSeeds(t)
	require.Len(t, seeds, 5)
	for i, data := range seeds {
		inv, err := einvoice.Parse(bytes.NewReader(data))
		require.NoError(t, err, i)
		require.Equal(t, "471102", inv.Number, i)
		require.Equal(t, "529.87", inv.Totals.Payable.StringFixed(2), i)
		require.Equal(t, map[bool]string{true: "invoice.xml", false: "factur-x.xml"}[i == 1], inv.Metadata["embedded"], i)
	}
}
