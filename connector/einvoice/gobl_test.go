package einvoice

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

func readGOBL(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return data
}

func parseGOBLBytes(t *testing.T, p Parser, data []byte) (invoicesync.Invoice, error) {
	t.Helper()
	return p.Parse(bytes.NewReader(data))
}

// requireDec asserts a decimal equals want, both in value and as written
// with two decimals.
func requireDec(t *testing.T, want string, got decimal.Decimal, what string) {
	t.Helper()
	w := decimal.RequireFromString(want)
	require.Truef(t, w.Equal(got), "%s: want %s, got %s", what, want, got)
	require.Equal(t, w.StringFixed(2), got.StringFixed(2), what)
}

type goblVAT struct{ cat, rate, base, tax string }

func TestGOBLSamples(t *testing.T) {
	cases := []struct {
		file                       string
		number, typeCode, currency string
		kind                       invoicesync.Kind
		issue                      string
		lines                      int
		net, vat, gross, payable   string
		vatBreakdown               []goblVAT
		buyer, buyerVAT            string
		seller, sellerVAT          string
		profile                    string
	}{
		{
			file: "gobl--de-invoice-de-de-xr.json", number: "SAMPLE-001", typeCode: "380", currency: "EUR",
			kind: invoicesync.KindInvoice, issue: "2022-02-01", lines: 1,
			net: "1620.00", vat: "307.80", gross: "1927.80", payable: "1927.80",
			vatBreakdown: []goblVAT{{"S", "19", "1620.00", "307.80"}},
			buyer:        "Sample Consumer", buyerVAT: "DE282741168",
			seller: "Provide One GmbH", sellerVAT: "DE111111125",
			profile: "DE,eu-en16931-v2017,de-xrechnung-v3",
		},
		{
			file: "gobl--no-credit-note-no.json", number: "2025-0002", typeCode: "381", currency: "NOK",
			kind: invoicesync.KindCreditNote, issue: "2025-07-01", lines: 1,
			net: "3000.00", vat: "750.00", gross: "3750.00", payable: "3750.00",
			vatBreakdown: []goblVAT{{"S", "25.0", "3000.00", "750.00"}},
			buyer:        "Mottaker AS", buyerVAT: "NO987654325MVA",
			seller: "Eksempel AS", sellerVAT: "NO923456783MVA",
			profile: "NO",
		},
		{
			file: "gobl--no-invoice-no-multi-rate.json", number: "2025-0005", typeCode: "380", currency: "NOK",
			kind: invoicesync.KindInvoice, issue: "2025-06-28", lines: 3,
			net: "24800.00", vat: "5076.00", gross: "29876.00", payable: "29876.00",
			vatBreakdown: []goblVAT{
				{"S", "25.0", "15000.00", "3750.00"},
				{"S", "15.0", "5000.00", "750.00"},
				{"S", "12.0", "4800.00", "576.00"},
			},
			buyer: "Mottaker AS", buyerVAT: "NO987654325MVA",
			seller: "Reisebyrå AS", sellerVAT: "NO923456783MVA",
			profile: "NO",
		},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data := readGOBL(t, c.file)
			inv, err := parseGOBLBytes(t, Parser{Direction: invoicesync.Sales}, data)
			require.NoError(t, err)

			require.Equal(t, c.number, inv.Number)
			require.Equal(t, c.typeCode, inv.TypeCode)
			require.Equal(t, c.kind, inv.Kind)
			require.Equal(t, c.currency, inv.Currency)
			require.Equal(t, c.issue, inv.IssueDate.Format(time.DateOnly))
			require.Equal(t, invoicesync.Sales, inv.Direction)
			require.Equal(t, invoicesync.StatusSent, inv.Status)
			require.Equal(t, map[string]string{"syntax": "gobl", "profile": c.profile}, inv.Metadata)

			require.Len(t, inv.Lines, c.lines)
			requireDec(t, c.net, inv.Totals.LineTotal, "BT-106")
			requireDec(t, c.net, inv.Totals.Net, "BT-109")
			requireDec(t, c.vat, inv.Totals.VAT, "BT-110")
			requireDec(t, c.gross, inv.Totals.Gross, "BT-112")
			requireDec(t, c.payable, inv.Totals.Payable, "BT-115")
			require.True(t, inv.Totals.Prepaid.IsZero())
			require.True(t, inv.Totals.PayableRounding.IsZero())
			require.True(t, inv.Totals.AllowanceTotal.IsZero())
			require.True(t, inv.Totals.ChargeTotal.IsZero())

			require.Len(t, inv.VATBreakdown, len(c.vatBreakdown))
			for i, w := range c.vatBreakdown {
				got := inv.VATBreakdown[i]
				require.Equal(t, w.cat, got.Category, "BT-118 of entry %d", i)
				require.True(t, got.Rate.Valid, "BT-119 of entry %d", i)
				require.True(t, decimal.RequireFromString(w.rate).Equal(got.Rate.Decimal), "BT-119 of entry %d: %s", i, got.Rate.Decimal)
				requireDec(t, w.base, got.TaxableAmount, "BT-116")
				requireDec(t, w.tax, got.TaxAmount, "BT-117")
			}
			// the lines' net amounts add up to BT-106 and carry their VAT
			sum := decimal.Zero
			for i, l := range inv.Lines {
				sum = sum.Add(l.NetAmount)
				require.Equal(t, "S", l.VATCategory, "line %d", i)
				require.True(t, l.VATRate.Valid, "line %d", i)
				require.NotEmpty(t, l.Description, "line %d", i)
				require.Equal(t, string(rune('1'+i)), l.ID)
			}
			requireDec(t, c.net, sum, "Σ BT-131")

			require.NotNil(t, inv.Party)
			require.Equal(t, c.buyer, inv.Party.Name)
			require.Equal(t, c.buyerVAT, inv.Party.VATNumber)
			require.NoError(t, Check(&inv))

			// read as a purchase, the party is the seller
			pur, err := parseGOBLBytes(t, Parser{Direction: invoicesync.Purchase}, data)
			require.NoError(t, err)
			require.Equal(t, invoicesync.Purchase, pur.Direction)
			require.Equal(t, c.seller, pur.Party.Name)
			require.Equal(t, c.sellerVAT, pur.Party.VATNumber)

			// the company's own VAT number decides the direction
			own, err := parseGOBLBytes(t, Parser{Company: []string{c.sellerVAT}, Direction: invoicesync.Purchase}, data)
			require.NoError(t, err)
			require.Equal(t, invoicesync.Sales, own.Direction)
		})
	}
}

func TestGOBLDetailsDE(t *testing.T) {
	inv, err := parseGOBLBytes(t, Parser{Direction: invoicesync.Sales}, readGOBL(t, "gobl--de-invoice-de-de-xr.json"))
	require.NoError(t, err)
	require.Len(t, inv.Lines, 1)
	l := inv.Lines[0]
	require.Equal(t, "Development services", l.Description)
	requireDec(t, "20", l.Quantity, "BT-129")
	requireDec(t, "90.00", l.UnitPrice, "BT-146")
	requireDec(t, "1620.00", l.NetAmount, "BT-131")
	require.Equal(t, "S", l.VATCategory)
	require.True(t, decimal.NewFromInt(19).Equal(l.VATRate.Decimal))
	require.Len(t, l.Allowances, 1)
	require.Empty(t, l.Charges)
	requireDec(t, "180.00", l.Allowances[0].Amount, "BT-136")
	require.True(t, decimal.NewFromInt(10).Equal(l.Allowances[0].Percent))
	require.Equal(t, "Special discount", l.Allowances[0].Reason)
	require.True(t, inv.DueDate.IsZero())

	p := inv.Party
	require.Equal(t, "DE", p.Country)
	require.Equal(t, "email@sample.com", p.Email)
	require.Equal(t, invoicesync.Address{
		Lines: []string{"Werner-Heisenberg-Allee 25"}, City: "München", PostalCode: "80939", Country: "DE",
	}, p.Address)

	pur, err := parseGOBLBytes(t, Parser{Direction: invoicesync.Purchase}, readGOBL(t, "gobl--de-invoice-de-de-xr.json"))
	require.NoError(t, err)
	require.Equal(t, "billing@example.com", pur.Party.Email) // from the inbox
	require.Equal(t, []string{"Dietmar-Hopp-Allee 16"}, pur.Party.Address.Lines)
}

// goblMutate decodes a sample, lets fn change it and encodes it again.
func goblMutate(t *testing.T, name string, fn func(env map[string]any)) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(readGOBL(t, name)))
	dec.UseNumber()
	var env map[string]any
	require.NoError(t, dec.Decode(&env))
	fn(env)
	out, err := json.Marshal(env)
	require.NoError(t, err)
	return out
}

func goblObj(v any, keys ...any) map[string]any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v.(map[string]any)
}

func requireGOBLError(t *testing.T, data []byte, path string, missing bool, reason string) *ParseError {
	t.Helper()
	_, err := parseGOBLBytes(t, Parser{Direction: invoicesync.Sales}, data)
	require.Error(t, err)
	var pe *ParseError
	require.True(t, errors.As(err, &pe), "%T: %v", err, err)
	require.Equal(t, path, pe.Path, pe.Error())
	require.Equal(t, missing, errors.Is(err, ErrMissing), pe.Error())
	require.ErrorIs(t, err, invoicesync.ErrUnreadable)
	require.Contains(t, pe.Reason, reason)
	return pe
}

func TestGOBLErrors(t *testing.T) {
	const de = "gobl--de-invoice-de-de-xr.json"
	const multi = "gobl--no-invoice-no-multi-rate.json"

	t.Run("malformed JSON", func(t *testing.T) {
		pe := requireGOBLError(t, []byte(`{"$schema": "https://gobl.org/draft-0/envelope", "doc": {`), "", false, "malformed JSON")
		require.Contains(t, pe.Reason, "offset")
		requireGOBLError(t, []byte(`{"$schema": "x"} trailing`), "", false, "malformed JSON after byte offset 18: invalid character 't'")
	})
	t.Run("missing payable", func(t *testing.T) {
		data := goblMutate(t, de, func(env map[string]any) {
			delete(goblObj(env, "doc", "totals"), "payable")
		})
		requireGOBLError(t, data, "/doc/totals/payable", true, "BT-115")
	})
	t.Run("missing currency", func(t *testing.T) {
		data := goblMutate(t, de, func(env map[string]any) { delete(goblObj(env, "doc"), "currency") })
		requireGOBLError(t, data, "/doc/currency", true, "BT-5")
	})
	t.Run("proforma", func(t *testing.T) {
		data := goblMutate(t, de, func(env map[string]any) { goblObj(env, "doc")["type"] = "proforma" })
		requireGOBLError(t, data, "/doc/type", false, "proforma")
	})
	t.Run("unknown type", func(t *testing.T) {
		data := goblMutate(t, de, func(env map[string]any) { goblObj(env, "doc")["type"] = "other" })
		requireGOBLError(t, data, "/doc/type", false, "BT-3")
	})
	t.Run("amount not a number", func(t *testing.T) {
		data := goblMutate(t, multi, func(env map[string]any) { goblObj(env, "doc", "lines", 2)["total"] = "abc" })
		requireGOBLError(t, data, "/doc/lines/2/total", false, `BT-131 line net amount "abc" is not a decimal number`)
	})
	t.Run("amount an object", func(t *testing.T) {
		data := goblMutate(t, multi, func(env map[string]any) {
			goblObj(env, "doc", "totals", "taxes", "categories", 0, "rates", 1)["base"] = map[string]any{"v": "1"}
		})
		requireGOBLError(t, data, "/doc/totals/taxes/categories/0/rates/1/base", false, "BT-116")
	})
	t.Run("bad percentage", func(t *testing.T) {
		data := goblMutate(t, multi, func(env map[string]any) {
			goblObj(env, "doc", "lines", 1, "taxes", 0)["percent"] = "fifteen%"
		})
		requireGOBLError(t, data, "/doc/lines/1/taxes/0/percent", false, "BT-152")
	})
	t.Run("bad date", func(t *testing.T) {
		data := goblMutate(t, multi, func(env map[string]any) { goblObj(env, "doc")["issue_date"] = "28.06.2025" })
		requireGOBLError(t, data, "/doc/issue_date", false, "BT-2")
	})
	t.Run("missing buyer name", func(t *testing.T) {
		data := goblMutate(t, multi, func(env map[string]any) { delete(goblObj(env, "doc", "customer"), "name") })
		requireGOBLError(t, data, "/doc/customer/name", true, "BT-44")
	})
	t.Run("wrong JSON type", func(t *testing.T) {
		data := goblMutate(t, multi, func(env map[string]any) { goblObj(env, "doc", "customer")["name"] = 42 })
		requireGOBLError(t, data, "/doc/customer/name", false, "byte offset")
	})
	t.Run("not an invoice", func(t *testing.T) {
		data := goblMutate(t, multi, func(env map[string]any) {
			goblObj(env, "doc")["$schema"] = "https://gobl.org/draft-0/bill/order"
		})
		requireGOBLError(t, data, "/doc/$schema", false, "bill/order")
		requireGOBLError(t, []byte(`{"name": "x"}`), "/$schema", false, "not an e-invoice")
		requireGOBLError(t, []byte(`{"$schema": "https://gobl.org/draft-0/note/message"}`), "/$schema", false, "note/message")
		requireGOBLError(t, []byte(`{"$schema": "https://gobl.org/draft-0/envelope", "doc": null}`), "/doc", true, "no document")
	})
}

func TestGOBLBareDocumentAndVariants(t *testing.T) {
	// a bare document: the envelope's doc on its own
	var env struct {
		Doc json.RawMessage `json:"doc"`
	}
	require.NoError(t, json.Unmarshal(readGOBL(t, "gobl--no-invoice-no-multi-rate.json"), &env))
	inv, err := parseGOBLBytes(t, Parser{Direction: invoicesync.Sales}, env.Doc)
	require.NoError(t, err)
	require.Equal(t, "2025-0005", inv.Number)
	require.Len(t, inv.VATBreakdown, 3)

	bare := func(fn func(doc map[string]any)) []byte {
		return goblMutate(t, "gobl--no-invoice-no-multi-rate.json", func(e map[string]any) {
			doc := goblObj(e, "doc")
			fn(doc)
			for k := range e {
				delete(e, k)
			}
			for k, v := range doc {
				e[k] = v
			}
		})
	}
	requireGOBLError(t, bare(func(doc map[string]any) { delete(goblObj(doc, "totals"), "payable") }), "/totals/payable", true, "BT-115")

	// numbers are tolerated for amounts; a series-less code is the number;
	// advances make the due amount BT-115; exempt rates have no rate;
	// document discounts carry their VAT.
	data := bare(func(doc map[string]any) {
		delete(doc, "series")
		goblObj(doc, "lines", 0)["total"] = json.Number("15000.00")
		doc["payment"] = map[string]any{"terms": map[string]any{"due_dates": []any{map[string]any{"date": "2025-07-28", "amount": "1"}}}}
		tot := goblObj(doc, "totals")
		tot["advance"] = "1000.00"
		tot["due"] = "28876.00"
		rates := goblObj(tot, "taxes", "categories", 0)["rates"].([]any)
		goblObj(tot, "taxes", "categories", 0)["rates"] = append(rates, map[string]any{"key": "exempt", "base": "0.00", "amount": "0.00"})
		doc["discounts"] = []any{map[string]any{"i": 1, "reason": "Loyalty", "percent": "0.05", "amount": "0.00",
			"taxes": []any{map[string]any{"cat": "VAT", "key": "standard", "percent": "25.0%"}}}}
		doc["attachments"] = []any{
			map[string]any{"name": "terms.txt", "mime": "text/plain", "url": "https://example.com/terms.txt"},
			map[string]any{"code": "INV", "name": "invoice.pdf", "mime": "application/pdf", "url": "https://example.com/i.pdf", "description": "the invoice"},
		}
	})
	inv, err = parseGOBLBytes(t, Parser{Direction: invoicesync.Sales}, data)
	require.NoError(t, err)
	require.Equal(t, "0005", inv.Number)
	requireDec(t, "15000.00", inv.Lines[0].NetAmount, "BT-131")
	require.Equal(t, "2025-07-28", inv.DueDate.Format(time.DateOnly))
	requireDec(t, "1000.00", inv.Totals.Prepaid, "BT-113")
	requireDec(t, "28876.00", inv.Totals.Payable, "BT-115")
	require.NoError(t, Check(&inv))
	last := inv.VATBreakdown[len(inv.VATBreakdown)-1]
	require.Equal(t, "E", last.Category)
	require.False(t, last.Rate.Valid)
	require.Len(t, inv.Allowances, 1)
	require.Equal(t, "S", inv.Allowances[0].VATCategory)
	require.True(t, decimal.NewFromInt(25).Equal(inv.Allowances[0].VATRate.Decimal))
	require.True(t, decimal.NewFromInt(5).Equal(inv.Allowances[0].Percent))
	require.Equal(t, "Loyalty", inv.Allowances[0].Reason)
	require.Len(t, inv.Attachments, 2)
	require.Equal(t, invoicesync.AttachmentRef{ID: "INV", FileName: "invoice.pdf", MediaType: "application/pdf",
		URL: "https://example.com/i.pdf", Description: "the invoice"}, inv.Attachments[0]) // the PDF first
	require.Equal(t, "terms.txt", inv.Attachments[1].FileName)
}

func TestGOBLCategories(t *testing.T) {
	rate := func(s string) decimal.NullDecimal {
		if s == "" {
			return decimal.NullDecimal{}
		}
		return decimal.NewNullDecimal(decimal.RequireFromString(s))
	}
	for _, c := range []struct{ ext, key, rate, want string }{
		{"S", "standard", "19", "S"},
		{"", "standard", "19", "S"},
		{"", "standard", "0", "Z"},
		{"", "zero", "0", "Z"},
		{"", "exempt", "", "E"},
		{"", "reverse-charge", "", "AE"},
		{"", "intra-community", "", "K"},
		{"", "export", "", "G"},
		{"", "outside-scope", "", "O"},
		{"", "reduced", "7", "S"},
		{"", "", "", "E"},
		{"L", "standard", "7", "L"},
	} {
		require.Equal(t, c.want, goblCategory(c.ext, c.key, rate(c.rate)), "%+v", c)
	}
}

// TestGOBLTruncated reads every prefix of a sample: each is an error, none panics.
func TestGOBLTruncated(t *testing.T) {
	data := readGOBL(t, "gobl--de-invoice-de-de-xr.json")
	for i := 1; i < len(data); i++ {
		if strings.TrimSpace(string(data[i:])) == "" {
			continue
		}
		_, err := parseGOBLBytes(t, Parser{}, data[:i])
		var pe *ParseError
		require.True(t, errors.As(err, &pe), "prefix %d: %v", i, err)
	}
}

func FuzzGOBL(f *testing.F) {
	for _, name := range []string{"gobl--de-invoice-de-de-xr.json", "gobl--no-credit-note-no.json", "gobl--no-invoice-no-multi-rate.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"$schema":"bill/invoice","type":"standard","lines":[null,{"total":{}}],"totals":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Parser
		inv, err := p.parseGOBL(data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("not a ParseError: %T %v", err, err)
			}
			return
		}
		_ = Check(&inv)
	})
}

// requireGOBLRefusal asserts data is read but refused with code: a
// ParseError that is not ErrUnreadable.
func requireGOBLRefusal(t *testing.T, data []byte, path string, code invoicesync.ErrorCode, reason string) *ParseError {
	t.Helper()
	_, err := parseGOBLBytes(t, Parser{Direction: invoicesync.Sales}, data)
	var pe *ParseError
	require.True(t, errors.As(err, &pe), "%T: %v", err, err)
	require.Equal(t, path, pe.Path, pe.Error())
	require.Equal(t, code, pe.Code)
	require.Equal(t, code, invoicesync.Code(err))
	require.False(t, errors.Is(err, invoicesync.ErrUnreadable), pe.Error())
	require.Contains(t, pe.Reason, reason)
	return pe
}

// Prices that include VAT make the line totals gross, and GOBL states no
// line's net amount: refused, naming the option. GOBL's own peppol example
// shows why working them out is no option: its VAT bases, 1,338.84 and
// 9.43, add up to 1,348.27 where its net total is 1,348.28.
func TestGOBLPricesIncludingTaxAreRefused(t *testing.T) {
	data := readGOBL(t, "gobl--be-invoice-peppol.json")
	pe := requireGOBLRefusal(t, data, "/doc/tax/prices_include", invoicesync.CodeLineValidation, "the prices include VAT (tax.prices_include)")
	require.Equal(t, "VAT", pe.Value)
	se := pe.SyncError("gobl--be-invoice-peppol.json")
	require.Equal(t, invoicesync.CodeLineValidation, se.Code)
	require.Equal(t, "/doc/tax/prices_include", se.Field)

	multi := goblMutate(t, "gobl--no-invoice-no-multi-rate.json", func(env map[string]any) {
		goblObj(env, "doc")["tax"] = map[string]any{"prices_include": "VAT"}
	})
	requireGOBLRefusal(t, multi, "/doc/tax/prices_include", invoicesync.CodeLineValidation, "net amount")
}

// JSON is UTF-8: a document with a byte that is not is refused, as an XML
// one is, instead of being read with U+FFFD in its place.
func TestGOBLInvalidUTF8IsRefused(t *testing.T) {
	data := readGOBL(t, "gobl--de-invoice-de-de-xr.json")
	at := bytes.Index(data, []byte("Provide One GmbH"))
	require.Positive(t, at)
	bad := append(append(append([]byte{}, data[:at]...), 0xff), data[at:]...)
	pe := requireGOBLError(t, bad, "", false, "malformed JSON: invalid UTF-8 at byte offset ")
	require.Equal(t, "malformed JSON: invalid UTF-8 at byte offset "+strconv.Itoa(at), pe.Reason)

	// In the XML syntaxes too.
	xml := []byte(`<?xml version="1.0" encoding="UTF-8"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>` + "\xff" + `</ID></Invoice>`)
	_, err := Parse(bytes.NewReader(xml))
	require.ErrorIs(t, err, invoicesync.ErrUnreadable)
	require.ErrorContains(t, err, "invalid UTF-8")
}

// A GOBL invoice without lines is read; the builder refuses it for having
// no lines, as it does a Factur-X MINIMUM.
func TestGOBLWithoutLines(t *testing.T) {
	data := goblMutate(t, "gobl--de-invoice-de-de-xr.json", func(env map[string]any) {
		delete(goblObj(env, "doc"), "lines")
	})
	inv, err := parseGOBLBytes(t, Parser{Direction: invoicesync.Sales}, data)
	require.NoError(t, err)
	require.Empty(t, inv.Lines)
	requireDec(t, "1620.00", inv.Totals.Net, "BT-109")
	requireDec(t, "1927.80", inv.Totals.Payable, "BT-115")
	d := Demo(&inv)
	_, err = invoicesync.BuildEntry(&inv, d.Mapping, d.Chart(), invoicesync.PartnerRef{})
	var se *invoicesync.SyncError
	require.ErrorAs(t, err, &se)
	require.Equal(t, invoicesync.CodeLineValidation, se.Code)
	require.Equal(t, "Lines", se.Field)
	require.Contains(t, se.Message, "no lines")
}

// GOBL's Spanish freelance example withholds IRPF: 1,620.00 + VAT 340.20 −
// IRPF 243.00 = 1,717.20 payable. IRPF is a withholding, not VAT.
func TestGOBLWithholdings(t *testing.T) {
	data := readGOBL(t, "gobl--es-invoice-es-es-freelance.json")
	inv, err := parseGOBLBytes(t, Parser{Direction: invoicesync.Sales}, data)
	require.NoError(t, err)
	require.Len(t, inv.Withholdings, 1)
	w := inv.Withholdings[0]
	require.Equal(t, "IRPF", w.Tax)
	require.True(t, w.Rate.Valid)
	require.Equal(t, "15", w.Rate.Decimal.String())
	requireDec(t, "1620.00", w.Base, "withholding base")
	requireDec(t, "243.00", w.Amount, "withholding amount")

	require.Len(t, inv.Lines, 1)
	require.Equal(t, "S", inv.Lines[0].VATCategory)
	require.Equal(t, "21", inv.Lines[0].VATRate.Decimal.String())
	require.Len(t, inv.VATBreakdown, 1, "IRPF is not VAT")
	requireDec(t, "1620.00", inv.VATBreakdown[0].TaxableAmount, "BT-116")
	requireDec(t, "340.20", inv.VATBreakdown[0].TaxAmount, "BT-117")
	tot := inv.Totals
	requireDec(t, "1620.00", tot.LineTotal, "BT-106")
	requireDec(t, "1620.00", tot.Net, "BT-109")
	requireDec(t, "340.20", tot.VAT, "BT-110")
	requireDec(t, "1960.20", tot.Gross, "BT-112")
	requireDec(t, "1717.20", tot.Payable, "BT-115")
	// BT-115 = BT-112 − BT-113 + BT-114 − Σ withheld
	requireDec(t, tot.Payable.StringFixed(2), tot.Gross.Sub(tot.Prepaid).Add(tot.PayableRounding).Sub(w.Amount), "payable")

	// Check counts the withheld tax (BR-CO-16), and the entry books it: the
	// customer owes 1,717.20, the tax authority 243.00.
	require.NoError(t, Check(&inv))
	demo := Demo(&inv)
	e, err := invoicesync.BuildEntry(&inv, demo.Mapping, demo.Chart(), invoicesync.PartnerRef{ID: "P1"})
	require.NoError(t, err)
	require.NoError(t, e.Check())
	var got []string
	for _, l := range e.Lines {
		got = append(got, fmt.Sprintf("%s %s D%s C%s", l.Kind, l.Account, l.Debit.StringFixed(2), l.Credit.StringFixed(2)))
	}
	require.Equal(t, []string{
		"partner 411000 D1717.20 C0.00",
		"withholding 447000 D243.00 C0.00",
		"revenue 706000 D0.00 C1620.00",
		"vat 445710 D0.00 C340.20",
	}, got)

	// The withheld amounts must add up to the declared retained_tax.
	bad := goblMutate(t, "gobl--es-invoice-es-es-freelance.json", func(env map[string]any) {
		goblObj(env, "doc", "totals")["retained_tax"] = "244.00"
	})
	pe := requireGOBLRefusal(t, bad, "/doc/totals/retained_tax", invoicesync.CodeAmountValidation, "the taxes withheld add up to 243.00 but the document declares 244.00")
	require.Equal(t, "244.00", pe.Value)
	require.Equal(t, "243.00", pe.Expected)
}
