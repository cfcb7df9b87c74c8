package tripletex_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync/connector/tripletex"
	"github.com/invoicesync/invoicesync/connector/tripletex/tripletextest"
	"github.com/invoicesync/invoicesync/internal/proptest"
)

// Edits A → B → back to A, cancellations, re-issues, runs, deposits and
// lost answers, in random order: Tripletex always ends holding the last
// version of each invoice, read back from the fake's vouchers.
func TestPropertyLastVersion(t *testing.T) {
	proptest.Run(t, 1, proptest.Sequences(100), func(t *testing.T) *proptest.Ledger {
		srv := tripletextest.NewServer(tripletextest.Options{})
		demo := srv.SeedDemo()
		l, err := tripletex.New(tripletex.Options{
			BaseURL:       srv.URL(),
			ConsumerToken: tripletextest.DefaultConsumerToken,
			EmployeeToken: tripletextest.DefaultEmployeeToken,
			Tenant:        "proptest",
			VATAccounts:   demo.VATAccounts,
		})
		require.NoError(t, err)
		return &proptest.Ledger{
			Target: l, Mapping: nokMapping(), Currency: "NOK", Rate: "25",
			Receivable: "1500", Revenue: "3000", VAT: "2700",
			Net: func(_ context.Context, ref, account string) (decimal.Decimal, error) {
				return voucherNet(srv.Vouchers(), ref, account)
			},
			// The next voucher POST is recorded and answered 500. Armed once, as
			// the memory ledger's: asked twice before a posting, one answer is lost.
			LoseNextAnswer: func() {
				srv.ResetFaults()
				srv.FailAfter(http.MethodPost, "/ledger/voucher", http.StatusInternalServerError, 1)
			},
			Close: srv.Close,
		}
	})
}
