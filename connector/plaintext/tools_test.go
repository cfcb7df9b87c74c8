package plaintext

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
)

// The real tools judge the files. CI installs them (Debian packages hledger
// and beancount); elsewhere the tests that need them skip.

// needTool skips t when the program name is not installed, or fails it
// when INVOICESYNC_REQUIRE_TOOLS is set (as .ci/run does, so that CI never
// skips these tests silently).
func needTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil && os.Getenv("INVOICESYNC_REQUIRE_TOOLS") != "" {
		t.Fatalf("%s is not installed, and INVOICESYNC_REQUIRE_TOOLS is set", name)
	}
	if err != nil {
		t.Skipf("%s is not installed (Debian: apt-get install %s); .ci/run installs it", name, map[string]string{"hledger": "hledger", "bean-check": "beancount"}[name])
	}
	return path
}

// runTool runs name with args and returns its standard output; a non-zero
// exit fails t with the tool's output.
func runTool(t testing.TB, name string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(needTool(t, name), args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// checkWithTool runs the format's own checker on path: hledger check with
// the strict checks (accounts and commodities declared, transactions
// balanced) and payees declared, or bean-check.
func checkWithTool(t testing.TB, f Format, path string) {
	t.Helper()
	if f == Beancount {
		runTool(t, "bean-check", path)
		return
	}
	runTool(t, "hledger", "-f", path, "check", "--strict", "payees")
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
