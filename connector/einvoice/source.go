package einvoice

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"path"
	"strings"

	"github.com/invoicesync/invoicesync"
)

// Source is an invoicesync.InvoiceSource over a folder of e-invoice files
// (any fs.FS: os.DirFS, an embed.FS, a zip.Reader). Every file ending in
// .xml, .json or .pdf, in every sub-folder, is an invoice (a PDF is read
// for the XML it embeds: Factur-X, ZUGFeRD, XRechnung); names starting
// with a dot are left out. An invoice's ID is its path in the FS (slash
// separated), its Metadata["sha256"] the hash of its content.
//
// A folder keeps no record of what changed, and file times can lie (a copy
// may keep an old time), so Changed lists every file on every run: the
// Syncer's fingerprints recognise the invoices already synchronized and
// post nothing for them. The cursor is unused. The cost is reading and
// parsing the folder each run, a few milliseconds per file.
//
// A file that cannot be read as an invoice is yielded as an unreadable
// invoice (see invoicesync.InvoiceSource): ERROR_SYNC_INVOICE_UNREADABLE
// for a malformed file; what Parse reads but refuses, with its code (see
// ParseError: sub-lines not adding up, an amount in another currency, GOBL
// prices including VAT); what Check refuses, with Check's code
// (ERROR_SYNC_INVOICE_AMOUNT_VALIDATION when its amounts break EN 16931,
// ERROR_SYNC_INVOICE_LINE_VALIDATION for a MINIMUM or BASIC WL document or
// one without lines, ERROR_SYNC_INVOICE_CURRENCY_VALIDATION for an unknown
// currency); ERROR_SYNC_INVOICE_VALIDATION when its direction cannot be
// told. The others are synchronized meanwhile. An invoice is yielded as
// Check leaves it (line amounts rounded, with a warning, when it rounds them).
//
// A Source is safe for concurrent use when its FS is.
type Source struct {
	fsys   fs.FS
	parser *Parser
}

// NewSource returns a Source over fsys reading files with p; nil p means a
// zero Parser, whose invoices have no direction: give one with Company or
// Direction.
func NewSource(fsys fs.FS, p *Parser) *Source {
	if p == nil {
		p = &Parser{}
	}
	return &Source{fsys: fsys, parser: p}
}

// IsInvoiceFile reports whether name looks like an e-invoice file: it ends
// in .xml, .json or .pdf (in any case) and does not start with a dot.
func IsInvoiceFile(name string) bool {
	base := path.Base(name)
	if strings.HasPrefix(base, ".") {
		return false
	}
	ext := strings.ToLower(path.Ext(base))
	return ext == ".xml" || ext == ".json" || ext == ".pdf"
}

// Changed lists every invoice file of the folder, in lexical order of
// path, whatever the cursor (see Source). Each invoice's Cursor is empty.
func (s *Source) Changed(ctx context.Context, cursor string) iter.Seq2[invoicesync.Invoice, error] {
	return func(yield func(invoicesync.Invoice, error) bool) {
		stopped := errors.New("stopped")
		err := fs.WalkDir(s.fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if d.IsDir() {
				if p != "." && strings.HasPrefix(d.Name(), ".") {
					return fs.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() || !IsInvoiceFile(p) {
				return nil
			}
			inv, err := s.read(p)
			if err != nil && inv.ID == "" { // the file could not be opened
				if errors.Is(err, fs.ErrNotExist) {
					return nil // removed since the folder was listed
				}
				return err
			}
			if !yield(inv, err) {
				return stopped
			}
			return nil
		})
		if err != nil && err != stopped {
			yield(invoicesync.Invoice{}, fmt.Errorf("einvoice: listing the folder: %w", err))
		}
	}
}

// Invoice reads the file id. A missing file wraps invoicesync.ErrNotFound.
func (s *Source) Invoice(ctx context.Context, id string) (invoicesync.Invoice, error) {
	if err := ctx.Err(); err != nil {
		return invoicesync.Invoice{}, err
	}
	if !fs.ValidPath(id) {
		return invoicesync.Invoice{}, fmt.Errorf("einvoice: %q is not a path in the folder: %w", id, invoicesync.ErrNotFound)
	}
	inv, err := s.read(id)
	if err != nil && inv.ID == "" {
		if errors.Is(err, fs.ErrNotExist) {
			return inv, fmt.Errorf("einvoice: %s: %w", id, invoicesync.ErrNotFound)
		}
		return inv, err
	}
	return inv, err
}

// Contact reports ErrNotFound: an e-invoice always carries its parties. A
// done ctx makes it return ctx.Err(), as every method does.
func (s *Source) Contact(ctx context.Context, ref string) (invoicesync.Party, error) {
	if err := ctx.Err(); err != nil {
		return invoicesync.Party{}, err
	}
	return invoicesync.Party{}, fmt.Errorf("einvoice: contact %q: e-invoices carry their parties: %w", ref, invoicesync.ErrNotFound)
}

// read opens and parses the file p. An error with inv.ID empty is about the
// file system; with inv.ID set, about the invoice (a *SyncError).
func (s *Source) read(p string) (invoicesync.Invoice, error) {
	f, err := s.fsys.Open(p)
	if err != nil {
		return invoicesync.Invoice{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.parser.maxSize()+1))
	if err != nil {
		return invoicesync.Invoice{}, fmt.Errorf("einvoice: reading %s: %w", p, err)
	}
	sum := sha256.Sum256(data)
	stub := invoicesync.Invoice{ID: p, Metadata: map[string]string{"sha256": hex.EncodeToString(sum[:])}}
	inv, err := s.parser.parseBytes(data)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			pe.File = p
			return stub, pe.SyncError(p)
		}
		return stub, err
	}
	inv.ID = p
	inv.Metadata["sha256"] = stub.Metadata["sha256"]
	if inv.Metadata["container"] == "pdf" && len(inv.Attachments) > 0 && inv.Attachments[0].FileName == "" {
		inv.Attachments[0].FileName = path.Base(p) // the PDF itself, whose name Parse does not know
	}
	if err := Check(&inv); err != nil {
		return inv, err
	}
	if !inv.Direction.Valid() {
		return inv, &invoicesync.SyncError{
			Code: invoicesync.CodeInvoiceValidation, InvoiceID: p, InvoiceNumber: inv.Number, Field: "Direction",
			Message: "neither the seller nor the buyer is the company, so the invoice is neither a sale nor a purchase",
			Resolution: "give the parser the company's VAT number or registration id (Parser.Company), " +
				"or the direction of every invoice of the folder (Parser.Direction)",
		}
	}
	return inv, nil
}
