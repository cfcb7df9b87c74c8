package eboekhouden_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/eboekhouden"
	"github.com/invoicesync/invoicesync/connector/eboekhouden/eboekhoudentest"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// nlMapping maps Dutch sales invoices onto the demo chart.
func nlMapping() *invoicesync.Mapping {
	rate := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(dec(s)) }
	return &invoicesync.Mapping{
		LedgerCurrency: "EUR",
		SalesVAT: []invoicesync.VATRule{
			{Category: "S", Rate: rate("21"), Code: "HOOG_VERK_21"},
			{Category: "S", Rate: rate("9"), Code: "LAAG_VERK_9"},
		},
		Journals: invoicesync.JournalMapping{Sales: "2", Purchase: "1"},
		Accounts: invoicesync.Accounts{
			SalesDefault: eboekhoudentest.LedgerRevenue, PurchaseDefault: eboekhoudentest.LedgerPurchases,
			CustomerCollective: eboekhoudentest.LedgerDebtors, SupplierCollective: eboekhoudentest.LedgerCreditors,
			CreditRounding: eboekhoudentest.LedgerRounding, DebitRounding: eboekhoudentest.LedgerRounding,
		},
		SyncWithoutAttachment: true, // e-Boekhouden's API attaches nothing
	}
}

// timeChimpInvoice is sales invoice n of customer c: hours at 21 %.
func timeChimpInvoice(n int, c *invoicesync.Party) invoicesync.Invoice {
	net := dec("95.00").Mul(decimal.NewFromInt(int64(8 + n%5)))
	vat := net.Mul(dec("0.21")).Round(2)
	date := time.Date(2026, 11, 1+n%28, 0, 0, 0, 0, time.UTC)
	return invoicesync.Invoice{
		ID: fmt.Sprintf("tc-%d", n), Number: fmt.Sprintf("2026-%04d", n), Kind: invoicesync.KindInvoice, Direction: invoicesync.Sales,
		IssueDate: date, DueDate: date.AddDate(0, 0, 30), Currency: "EUR", Status: invoicesync.StatusSent, Party: c,
		Lines: []invoicesync.Line{{Description: "Consultancy hours", Quantity: dec("1"), UnitPrice: net, NetAmount: net,
			VATCategory: "S", VATRate: decimal.NewNullDecimal(dec("21"))}},
		Totals: invoicesync.Totals{LineTotal: net, Net: net, VAT: vat, Gross: net.Add(vat), Payable: net.Add(vat)},
	}
}

// syncRun synchronizes invoices through a Syncer on ledger and returns the report.
// The source keeps its changes between runs: a later run sees only the invoices put since.
func syncRun(t testing.TB, ledger invoicesync.LedgerTarget, store invoicesync.StateStore, source *memory.Source, invoices []invoicesync.Invoice) *invoicesync.Report {
	t.Helper()
	for _, inv := range invoices {
		source.Put(inv)
	}
	syncer, err := invoicesync.NewSyncer(source, ledger, nlMapping(), store, invoicesync.Config{
		SourceID: "timechimp/acme", Concurrency: 1, RetryDelay: time.Millisecond,
	})
	require.NoError(t, err)
	report, err := syncer.Run(context.Background())
	require.NoError(t, err)
	return report
}

// requestsPerInvoice runs a Syncer over n new invoices of one customer the
// ledger already knows, after a first run that opened the session and read
// the chart, and returns the requests e-Boekhouden received per invoice,
// by kind.
func requestsPerInvoice(t testing.TB, n int) (perInvoice float64, kinds map[string]int) {
	srv := eboekhoudentest.NewServer(eboekhoudentest.Options{})
	defer srv.Close()
	srv.SeedDemo()
	ledger, err := eboekhouden.New(eboekhouden.Options{BaseURL: srv.URL(), AccessToken: eboekhoudentest.DefaultAccessToken})
	require.NoError(t, err)
	acme := &invoicesync.Party{SourceID: "c-1", Name: "Acme BV", Country: "NL", VATNumber: "NL001234567B01"}
	store, source := invoicesync.NewMemoryStore(), memory.NewSource()
	first := syncRun(t, ledger, store, source, []invoicesync.Invoice{timeChimpInvoice(0, acme)})
	require.Equal(t, 1, first.Statuses[invoicesync.StateSynchronized], "the warm-up invoice: %+v", first.Outcomes)
	srv.ResetRequests()
	var batch []invoicesync.Invoice
	for i := 1; i <= n; i++ {
		batch = append(batch, timeChimpInvoice(i, acme))
	}
	report := syncRun(t, ledger, store, source, batch)
	for _, o := range report.Outcomes {
		require.Equal(t, invoicesync.StateSynchronized, o.Status, "%s: %s %s %v", o.Number, o.Code, o.Message, o.Err)
	}
	require.Len(t, srv.Mutations(), n+1)
	kinds = map[string]int{}
	reqs := srv.Requests()
	for _, r := range reqs {
		kinds[r.Method+" "+r.Path]++
	}
	return float64(len(reqs)) / float64(n), kinds
}

// TestRequestsPerInvoice measures the requests one invoice costs in steady
// state (session open, customer known): three per invoice (the Syncer's
// lookup of the key, PostEntry's own lookup under the key's lock, the POST)
// and two per run (the chart: Accounts and VATCodes each read the ledgers).
func TestRequestsPerInvoice(t *testing.T) {
	per, kinds := requestsPerInvoice(t, 20)
	t.Logf("requests per invoice: %.2f %v", per, kinds)
	assert.Equal(t, map[string]int{"GET /v1/ledger": 2, "GET /v1/mutation": 40, "POST /v1/mutation": 20}, kinds)
	assert.Equal(t, 3.1, per, "62 requests for 20 invoices")
}

// BenchmarkPostInvoice reports the requests per invoice with the time.
func BenchmarkPostInvoice(b *testing.B) {
	per := 0.0
	for b.Loop() {
		per, _ = requestsPerInvoice(b, 20)
	}
	b.ReportMetric(per, "requests/invoice")
}

// TestSyncerPostsTimeChimpInvoices runs the Syncer over invoices of two
// customers, linked to relations by customer number, and checks what
// e-Boekhouden holds.
func TestSyncerPostsTimeChimpInvoices(t *testing.T) {
	f := newFixture(t, eboekhouden.ModeMutation)
	acme := &invoicesync.Party{SourceID: "c-1", Name: "Acme BV", Country: "NL"}
	report := syncRun(t, f.ledger, invoicesync.NewMemoryStore(), memory.NewSource(), []invoicesync.Invoice{timeChimpInvoice(1, acme), timeChimpInvoice(2, acme)})
	require.Equal(t, 2, report.Statuses[invoicesync.StateSynchronized], "%+v", report.Outcomes)
	muts := f.srv.Mutations()
	require.Len(t, muts, 2)
	rels := f.srv.Relations()
	require.Len(t, rels, 1, "one relation for the customer")
	var got []string
	for _, m := range muts {
		got = append(got, fmt.Sprintf("%d %s %s rel=%t %s", m.Type, m.InvoiceNumber, total(m), m.RelationID == rels[0].ID, strings.Join(vatTotals(m), ",")))
	}
	assert.Equal(t, []string{
		"2 2026-0001 1034.55 rel=true HOOG_VERK_21 179.55", // 9 h × 95.00 = 855.00
		"2 2026-0002 1149.50 rel=true HOOG_VERK_21 199.50", // 10 h × 95.00 = 950.00
	}, got)
	for _, r := range f.srv.Requests() {
		if r.Method == http.MethodPost && r.Path == "/v1/mutation" {
			assert.Contains(t, string(r.Body), `"inExVat":"EX"`)
		}
	}
}
