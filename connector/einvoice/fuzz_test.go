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

// FuzzParse feeds Parse every testdata file, the base PDF with its
// invoice encoded by other filters (filterSeeds), and mutations of them.
// Parse must not panic; every failure must be a *ParseError, ErrUnreadable
// exactly when it has no code of a refused document; and an invoice that
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
	// The testdata PDFs use FlateDecode only: the other filters an
	// embedded file may use, chained and with predictors, are seeded too.
	for _, data := range filterSeeds(f) {
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
			// Unreadable, or read and refused with a code: never both.
			if errors.Is(err, invoicesync.ErrUnreadable) != (pe.Code == "") {
				t.Fatalf("code %q but ErrUnreadable %v: %v", pe.Code, errors.Is(err, invoicesync.ErrUnreadable), err)
			}
			if pe.Code != "" && invoicesync.Code(err) != pe.Code {
				t.Fatalf("code %q, but invoicesync.Code says %q: %v", pe.Code, invoicesync.Code(err), err)
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
