package plaintext_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/ledgertest"
	"github.com/invoicesync/invoicesync/connector/plaintext"
)

// harness runs the conformance suite on a journal file in a temporary
// directory. Entries reads the file back with ReadFile, so what the suite
// compares is what the file holds; Close has the real tool check the file
// the test left.
type harness struct {
	t      *testing.T
	format plaintext.Format
	path   string
	ledger *plaintext.Ledger
}

// frenchRoot is the root of an account of the suite's (French) chart.
func frenchRoot(a invoicesync.Account) string {
	n := a.Number
	switch {
	case strings.HasPrefix(n, "41"), strings.HasPrefix(n, "4456"), strings.HasPrefix(n, "5"):
		return "Assets"
	case strings.HasPrefix(n, "4"):
		return "Liabilities"
	case strings.HasPrefix(n, "6"):
		return "Expenses"
	case strings.HasPrefix(n, "7"):
		return "Income"
	case strings.HasPrefix(n, "1"):
		return "Equity"
	}
	return "Assets"
}

func newHarness(f plaintext.Format) ledgertest.HarnessMaker {
	return func(ctx context.Context, t *testing.T) (ledgertest.Harness, error) {
		name := map[plaintext.Format]string{plaintext.Hledger: "books.journal", plaintext.Beancount: "books.beancount"}[f]
		return &harness{t: t, format: f, path: filepath.Join(t.TempDir(), name)}, nil
	}
}

func (h *harness) MakeLedger(ctx context.Context, c ledgertest.Chart) (invoicesync.LedgerTarget, error) {
	l, err := plaintext.Open(h.path, &plaintext.Options{Format: h.format, Chart: &plaintext.Chart{
		Accounts: plaintext.NameAccounts(c.Accounts, frenchRoot), VATCodes: c.VATCodes, Journals: c.Journals,
	}})
	h.ledger = l
	return l, err
}

func (h *harness) Reopen(ctx context.Context) (invoicesync.LedgerTarget, error) {
	if err := h.ledger.Close(); err != nil {
		return nil, err
	}
	l, err := plaintext.Open(h.path, &plaintext.Options{Format: h.format})
	h.ledger = l
	return l, err
}

func (h *harness) Entries(ctx context.Context) ([]ledgertest.Stored, error) {
	f, err := plaintext.ReadFile(h.path, h.format)
	if err != nil {
		return nil, err
	}
	out := make([]ledgertest.Stored, 0, len(f.Entries))
	for _, e := range f.Entries {
		out = append(out, ledgertest.Stored{Ref: e.Ref, Entry: e.Entry})
	}
	return out, nil
}

func (h *harness) Close() {
	if h.ledger != nil {
		h.ledger.Close()
	}
	if h.t.Failed() || h.t.Skipped() {
		return
	}
	plaintext.CheckWithTool(h.t, h.format, h.path)
}

func TestConformanceHledger(t *testing.T) {
	ledgertest.RunConformance(t, newHarness(plaintext.Hledger))
}

func TestConformanceBeancount(t *testing.T) {
	ledgertest.RunConformance(t, newHarness(plaintext.Beancount))
}
