package plaintext_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/ledgertest"
	"github.com/invoicesync/invoicesync/connector/plaintext"
)

var formats = []plaintext.Format{plaintext.Hledger, plaintext.Beancount}

// fixtureChart is the conformance suite's chart, named for a file.
func fixtureChart() *plaintext.Chart {
	c := ledgertest.FixtureChart()
	return &plaintext.Chart{Accounts: plaintext.NameAccounts(c.Accounts, frenchRoot), VATCodes: c.VATCodes, Journals: c.Journals}
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// sale is a balanced sales entry of 100.00 + 20 % VAT in cur for partner p.
func sale(key, ref, cur string, p invoicesync.PartnerRef) *invoicesync.Entry {
	e := &invoicesync.Entry{
		Journal: ledgertest.JournalSales, Date: time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), Reference: ref,
		Label: p.Name + " - " + ref, Currency: cur, Decimals: 2, IdempotencyKey: key, Partner: p,
		Direction: invoicesync.Sales, Kind: invoicesync.KindInvoice,
		Lines: []invoicesync.EntryLine{
			{Account: ledgertest.AccountCustomers, Partner: &p, Debit: dec("120.00"), Label: p.Name + " - " + ref},
			{Account: ledgertest.AccountSales, Credit: dec("100.00"), VATCode: ledgertest.VATSales20, Label: "Consulting, March"},
			{Account: ledgertest.AccountVATCollected, Credit: dec("20.00"), VATCode: ledgertest.VATSales20, Label: "VAT 20 %"},
		},
	}
	return e
}

// TestTruncatedLastWrite cuts the file at every byte offset of the last
// block written (an entry whose block also declares a new currency, then a
// partner), with and without the zero bytes some file systems leave, and
// reopens it: Open must cut the interrupted write off and nothing else
// (the file is then byte for byte what it was before that write), keep the
// cut bytes in FILE.torn, not find what was cut, and writing it again must
// give back the complete file byte for byte. The real tools check both the
// file before the last write and the complete one.
func TestTruncatedLastWrite(t *testing.T) {
	ctx := context.Background()
	for _, f := range formats {
		for _, last := range []string{"entry", "partner"} {
			t.Run(string(f)+"/"+last, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "books")
				l, err := plaintext.Open(path, &plaintext.Options{Format: f, Chart: fixtureChart()})
				require.NoError(t, err)
				acme, err := l.CreatePartner(ctx, invoicesync.Partner{Role: invoicesync.Customer, Name: "ACME SARL", VATNumber: "FR40303265045"})
				require.NoError(t, err)
				_, err = l.PostEntry(ctx, sale("k1", "F-1", "EUR", acme))
				require.NoError(t, err)
				redo := func(l *plaintext.Ledger) error {
					if last == "entry" {
						ref, err := l.PostEntry(ctx, sale("k2", "F-2", "USD", acme))
						if err == nil && ref.ID != "E2" {
							t.Errorf("re-posted entry: ref %s, want E2", ref.ID)
						}
						return err
					}
					ref, err := l.CreatePartner(ctx, invoicesync.Partner{Role: invoicesync.Supplier, Name: "Globex GmbH", VATNumber: "DE136695976"})
					if err == nil && ref.ID != "P2" {
						t.Errorf("re-created partner: ref %s, want P2", ref.ID)
					}
					return err
				}
				require.NoError(t, l.Close())
				before, err := os.ReadFile(path)
				require.NoError(t, err)
				l, err = plaintext.Open(path, &plaintext.Options{Format: f})
				require.NoError(t, err)
				require.NoError(t, redo(l))
				require.NoError(t, l.Close())
				full, err := os.ReadFile(path)
				require.NoError(t, err)
				require.True(t, bytes.HasPrefix(full, before))
				plaintext.CheckWithTool(t, f, path)
				require.NoError(t, os.WriteFile(path, before, 0o644))
				plaintext.CheckWithTool(t, f, path)

				for off := len(before); off < len(full); off++ {
					for _, zeros := range []bool{false, true} {
						cut := bytes.Clone(full[:off])
						if zeros {
							cut = append(cut, make([]byte, len(full)-off)...)
						}
						require.NoError(t, os.WriteFile(path, cut, 0o644))
						os.Remove(path + ".torn")
						l, err := plaintext.Open(path, &plaintext.Options{Format: f})
						require.NoError(t, err, "offset %d", off)
						got, _ := os.ReadFile(path)
						if !bytes.Equal(got, before) {
							t.Fatalf("offset %d (zeros %v): after Open the file is %d bytes, want the %d bytes before the last write", off, zeros, len(got), len(before))
						}
						kept, _ := os.ReadFile(path + ".torn")
						require.Equal(t, string(cut[len(before):]), string(kept), "offset %d: FILE.torn", off)
						if last == "entry" {
							_, err = l.FindEntry(ctx, "k2")
							require.True(t, errors.Is(err, invoicesync.ErrNotFound), "offset %d: FindEntry k2: %v", off, err)
						} else {
							found, err := l.FindPartners(ctx, invoicesync.PartnerQuery{Role: invoicesync.Supplier, Key: invoicesync.KeyName, Value: "Globex GmbH"})
							require.NoError(t, err)
							require.Empty(t, found, "offset %d", off)
						}
						ref, err := l.FindEntry(ctx, "k1")
						require.NoError(t, err, "offset %d", off)
						require.Equal(t, "E1", ref.ID)
						require.NoError(t, redo(l), "offset %d", off)
						require.NoError(t, l.Close())
						got, _ = os.ReadFile(path)
						if !bytes.Equal(got, full) {
							t.Fatalf("offset %d (zeros %v): written again, the file differs from the complete one:\n%s\nwant:\n%s", off, zeros, got, full)
						}
					}
				}
			})
		}
	}
}
