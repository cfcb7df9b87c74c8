package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExample runs the example against the local fake Tripletex and checks
// its figures: three invoices and one daily-sales voucher, posted once, and
// Tripletex's balances summing to zero.
func TestExample(t *testing.T) {
	t.Setenv("TRIPLETEX_CONSUMER_TOKEN", "")
	t.Setenv("TRIPLETEX_EMPLOYEE_TOKEN", "")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	s := out.String()
	assert.Contains(t, s, "Invoices: 3, synchronized 3\n")
	assert.Contains(t, s, "Daily sales POS-1 2026-11-20: voucher 4-2026 (already posted: false)\n")
	assert.Contains(t, s, "  2701                10.04  31  Utgående avgift, middels sats\n")
	assert.Contains(t, s, "Second nightly run: already posted: true\n")
	assert.Contains(t, s, "  1500    9362.50\n") // 1 250.00 + 5 625.00 + 2 487.50
	assert.Contains(t, s, "  2700   -2031.90\n") // 200.00 + 1 125.00 + 497.50 + 209.40
	assert.Contains(t, s, "  3000   -8411.86\n") // 800.00 + 217.30 + 4 500.00 + 1 990.00 + 837.60 + 66.96
	assert.Contains(t, s, "  7740      -0.10\n") // F-2026-17's rounding to a payable 1 250.00
	assert.Contains(t, s, "  sum        0.00\n")
}
