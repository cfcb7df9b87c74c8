package einvoice_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
)

// FuzzParse feeds Parse every testdata file and mutations of them. Parse
// must not panic; every failure must be a *ParseError; and an invoice that
// parses and passes Check must build into a balanced entry or fail with a
// typed error — never panic, never an unbalanced entry.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if !einvoice.IsInvoiceFile(name) {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	p := &einvoice.Parser{Direction: invoicesync.Sales, MaxSize: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := p.Parse(bytes.NewReader(data))
		if err != nil {
			var pe *einvoice.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("not a ParseError: %T %v", err, err)
			}
			if !errors.Is(err, invoicesync.ErrUnreadable) {
				t.Fatalf("not ErrUnreadable: %v", err)
			}
			return
		}
		if einvoice.Check(&inv) != nil {
			return
		}
		demo := einvoice.Demo(&inv)
		e, err := invoicesync.BuildEntry(&inv, demo.Mapping, demo.Chart(), invoicesync.PartnerRef{ID: "P"})
		if err != nil {
			if invoicesync.Code(err) == "" {
				t.Fatalf("untyped build error: %v", err)
			}
			return
		}
		if err := e.Check(); err != nil {
			t.Fatalf("unbalanced entry: %v", err)
		}
	})
}
