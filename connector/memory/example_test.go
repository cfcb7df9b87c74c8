package memory_test

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

// A ledger with a chart, one balanced entry posted, posted again with the same
// idempotency key, then a second entry whose response is lost after the
// ledger committed it: FindEntry finds it, as the Syncer would.
func ExampleLedger() {
	ctx := context.Background()
	dec := decimal.RequireFromString

	ledger := memory.NewLedger()
	ledger.AddAccounts(
		invoicesync.Account{Number: "411", Name: "Clients", Active: true},
		invoicesync.Account{Number: "706", Name: "Prestations de services", Active: true},
		invoicesync.Account{Number: "44571", Name: "TVA collectée", Active: true},
	)
	ledger.AddVATCodes(invoicesync.VATCode{Code: "V20", Name: "TVA 20 %", Rate: dec("20"), Account: "44571", Active: true})
	ledger.AddJournals(invoicesync.Journal{Code: "VT", Name: "Ventes"})
	customer := ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Dupont SARL"})

	entry := func(key, number string) *invoicesync.Entry {
		return &invoicesync.Entry{
			Journal: "VT", Date: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), Reference: number,
			Currency: "EUR", Decimals: 2, IdempotencyKey: key, Partner: customer,
			Lines: []invoicesync.EntryLine{
				{Account: "411", Partner: &customer, Debit: dec("120.00")},
				{Account: "706", Credit: dec("100.00"), VATCode: "V20"},
				{Account: "44571", Credit: dec("20.00"), VATCode: "V20"},
			},
		}
	}
	first := entry("inv-42", "F-2026-0042")
	fmt.Println("check:", first.Check())

	ref, err := ledger.PostEntry(ctx, first)
	fmt.Println("posted:", ref.ID, ref.Number, err)

	again, err := ledger.PostEntry(ctx, first)
	fmt.Println("re-posted:", again.ID, again == ref, err, "entries:", ledger.Len())

	ledger.Inject(memory.Fault{Method: memory.PostEntry, Kind: memory.FaultLoseResponse})
	_, err = ledger.PostEntry(ctx, entry("inv-43", "F-2026-0043"))
	fmt.Println("lost:", err)
	fmt.Println("retryable:", invoicesync.Retryable(err))

	found, err := ledger.FindEntry(ctx, "inv-43")
	fmt.Println("found:", found.ID, found.Number, err)
	fmt.Println("entries:", ledger.Len(), "PostEntry calls:", ledger.Calls(memory.PostEntry))
	// Output:
	// check: <nil>
	// posted: E1 2026-000001 <nil>
	// re-posted: E1 true <nil> entries: 1
	// lost: memory: PostEntry call 3: connection reset after the request was sent
	// retryable: false
	// found: E2 2026-000002 <nil>
	// entries: 2 PostEntry calls: 3
}

// A source with three changes to two invoices: Changed yields the latest
// version of each, in change order, and resumes from a cursor. A temporary
// failure injected into the next Changed call is yielded as the stream's error.
func ExampleSource() {
	ctx := context.Background()
	source := memory.NewSource()
	source.Put(invoicesync.Invoice{ID: "42", Number: "F-2026-0042", Status: invoicesync.StatusDraft})
	source.Put(invoicesync.Invoice{ID: "43", Number: "F-2026-0043", Status: invoicesync.StatusSent})
	source.Put(invoicesync.Invoice{ID: "42", Number: "F-2026-0042", Status: invoicesync.StatusSent})

	var cursor string
	for inv, err := range source.Changed(ctx, "") {
		if err != nil {
			fmt.Println("error:", err)
			break
		}
		fmt.Println(inv.Cursor, inv.Number, inv.Status)
		cursor = inv.Cursor
	}

	source.Put(invoicesync.Invoice{ID: "43", Number: "F-2026-0043", Status: invoicesync.StatusPaid})
	source.Inject(memory.Fault{Method: memory.Changed, Kind: memory.FaultTemporary})
	for _, err := range source.Changed(ctx, cursor) {
		fmt.Println("error:", err, "retryable:", invoicesync.Retryable(err))
		break
	}
	for inv, err := range source.Changed(ctx, cursor) {
		fmt.Println(inv.Cursor, inv.Number, inv.Status, err)
	}
	// Output:
	// 000000000002 F-2026-0043 sent
	// 000000000003 F-2026-0042 sent
	// error: memory: Changed call 2: 503 Service Unavailable retryable: true
	// 000000000004 F-2026-0043 paid <nil>
}
