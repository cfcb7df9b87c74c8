package plaintext

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/internal/tooltest"
)

// The real tools judge the files (see internal/tooltest).

// runTool runs a real tool; see tooltest.Run.
func runTool(t testing.TB, name string, args ...string) string {
	t.Helper()
	return tooltest.Run(t, name, args...)
}

// checkWithTool has the format's checker judge path; see tooltest.Check.
func checkWithTool(t testing.TB, f Format, path string) {
	t.Helper()
	tooltest.Check(t, string(f), path)
}

// trialBalance returns hledger's balance of every account of path, in
// currency, keyed by account name ("Assets:411000" → "120.00"). Accounts
// with a zero balance are absent.
func trialBalance(t testing.TB, path, currency string) map[string]decimal.Decimal {
	t.Helper()
	out := runTool(t, "hledger", "-f", path, "balance", "--flat", "--no-total", "-O", "csv", "cur:"+currency)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("hledger balance CSV: %v\n%s", err, out)
	}
	bal := make(map[string]decimal.Decimal)
	for _, row := range rows[1:] {
		amt, cur, err := parseAmount(row[1])
		if err != nil || cur != currency {
			t.Fatalf("hledger balance of %s: %q: %v", row[0], row[1], err)
		}
		if !amt.IsZero() {
			bal[row[0]] = amt
		}
	}
	return bal
}

// sumEntries adds up the entries' lines per account name (debit positive),
// through names (account number → name). Accounts summing to zero are absent.
func sumEntries(entries []*invoicesync.Entry, names map[string]string) map[string]decimal.Decimal {
	sum := make(map[string]decimal.Decimal)
	for _, e := range entries {
		for _, l := range e.Lines {
			n := names[l.Account]
			sum[n] = sum[n].Add(l.Debit).Sub(l.Credit)
		}
	}
	for k, v := range sum {
		if v.IsZero() {
			delete(sum, k)
		}
	}
	return sum
}

// needTool skips t when the program name is missing; see tooltest.Need.
func needTool(t testing.TB, name string) string {
	t.Helper()
	return tooltest.Need(t, name)
}
