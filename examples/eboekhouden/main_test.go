package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExample runs the example against the local fake e-Boekhouden: three
// invoices posted once, the customers linked by customer number, the
// second run finding what the first posted.
func TestExample(t *testing.T) {
	t.Setenv("EBOEKHOUDEN_TOKEN", "")
	t.Setenv("EBOEKHOUDEN_SOURCE", "")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	s := out.String()
	assert.Contains(t, s, "Run 1: invoices 3, synchronized 3\n")
	assert.Contains(t, s, "Run 2: invoices 1, synchronized 1\n  2026-0101  synchronized mutation 1014 \n")
	assert.Contains(t, s, "  1014 2026-11-03 2026-0101 relation C1042\n")
	assert.Contains(t, s, "  1016 2026-11-09 2026-0102 relation C1077\n")
	assert.Contains(t, s, "  1017 2026-11-16 2026-0103 relation C1042\n")
	assert.Contains(t, s, "    1300   1486.48                         Acme BV\n") // 1 187.50 + 45.50 + 249.38 + 4.10
	assert.Contains(t, s, "    1510                4.10  LAAG_VERK_9  VAT 9% (sales)\n")
	assert.Contains(t, s, "    1500              462.00  HOOG_VERK_21 VAT 21% (sales)\n")
	assert.Equal(t, 3, bytes.Count(out.Bytes(), []byte("\n    1300 ")), "three mutations, none twice")
}
