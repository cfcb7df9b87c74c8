package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExample runs the example against the local fake GetMyInvoices and
// checks its figures: two entries posted to the cent, and the document
// without line items and VAT left in error.
func TestExample(t *testing.T) {
	t.Setenv("GMI_API_KEY", "")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	s := out.String()
	assert.Contains(t, s, "No GMI_API_KEY: using the local fake GetMyInvoices.\n")
	assert.Contains(t, s, "Documents: 3, synchronized 2, in error 1\n")
	assert.Contains(t, s, "invoice BS-2026-0422: GetMyInvoices holds no net amount, VAT amount, line items for this document")
	assert.Contains(t, s, "HA 2026-11-04 BS-2026-0417 Büro Schmidt GmbH\n"+
		"  401000               365.42        Büro Schmidt GmbH\n"+
		"  607000     259.60           A-S19  Desk lamps\n"+
		"  607000      52.80           A-S7   Wall calendars\n"+
		"  445660      49.32           A-S19  Purchase VAT S 19 %\n"+
		"  445660       3.70           A-S7   Purchase VAT S 7 %\n")
	assert.Contains(t, s, "HA 2026-11-01 NH-88213 Netzwerk Hosting AG\n"+
		"  401000                58.31        Netzwerk Hosting AG\n"+
		"  607000      49.00           A-S19  Web hosting, November\n"+
		"  445660       9.31           A-S19  Purchase VAT S 19 %\n")
}
