package main

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuickstart runs the program and checks what it promises: ten invoices
// synchronized, the two problems reported with their codes, and a trial
// balance whose totals agree.
func TestQuickstart(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	stdout := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	main()
	os.Stdout = stdout
	require.NoError(t, w.Close())
	out := <-done

	assert.Contains(t, out, "Run: 12 invoices, 10 synchronized, 2 in error, 12 notifications\n")
	assert.Contains(t, out, "  F-2026-111   Error: ERROR_SYNC_INVOICE_MAPPING_TAX_RATE_NOT_FOUND\n")
	assert.Contains(t, out, "  F-2026-112   Error: ERROR_SYNC_INVOICE_PARTNER_VALIDATION\n")
	assert.Equal(t, 10, strings.Count(out, "Synchronized as entry"))
	assert.Contains(t, out, "  411      10632.56     360.00\n")
	assert.True(t, strings.HasSuffix(out, "  total    12301.04   12301.04\n"), out)
}
