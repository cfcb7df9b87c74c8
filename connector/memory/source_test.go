package memory_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

func newInvoice(id, number string) invoicesync.Invoice {
	rate := decimal.NewNullDecimal(dec("20"))
	return invoicesync.Invoice{
		ID: id, Number: number, Kind: invoicesync.KindInvoice, Direction: invoicesync.Sales,
		IssueDate: issued, Currency: "EUR", Status: invoicesync.StatusSent,
		Party: &invoicesync.Party{Name: "Dupont SARL", Country: "FR", Address: invoicesync.Address{Lines: []string{"1 rue de la Paix"}}},
		Lines: []invoicesync.Line{{
			Description: "Consulting", Quantity: dec("1"), UnitPrice: dec("100.00"), NetAmount: dec("100.00"),
			VATCategory: "S", VATRate: rate, Analytics: map[string]string{"project": "apollo"},
			Allowances: []invoicesync.AllowanceCharge{{Amount: dec("0"), Reason: "none"}},
		}},
		Totals: invoicesync.Totals{
			LineTotal: dec("100.00"), Net: dec("100.00"), VAT: dec("20.00"), Gross: dec("120.00"), Payable: dec("120.00"),
		},
		VATBreakdown: []invoicesync.VATSubtotal{{Category: "S", Rate: rate, TaxableAmount: dec("100.00"), TaxAmount: dec("20.00")}},
		Attachments:  []invoicesync.AttachmentRef{{ID: "pdf-" + id, FileName: number + ".pdf", MediaType: "application/pdf", Data: []byte("%PDF")}},
		Metadata:     map[string]string{"k": "v"},
	}
}

type item struct {
	id, number, cursor string
	err                error
}

// collect reads a stream to its end, or to its first error.
func collect(seq func(func(invoicesync.Invoice, error) bool)) []item {
	var out []item
	for inv, err := range seq {
		if err != nil {
			out = append(out, item{err: err})
			break
		}
		out = append(out, item{id: inv.ID, number: inv.Number, cursor: inv.Cursor})
	}
	return out
}

func TestChangedOrderLatestVersionAndCursor(t *testing.T) {
	ctx := context.Background()
	s := memory.NewSource()
	assert.Equal(t, "000000000001", s.Put(newInvoice("A", "F-1")))
	assert.Equal(t, "000000000002", s.Put(newInvoice("B", "F-2")))
	assert.Equal(t, "000000000003", s.Put(newInvoice("C", "F-3")))
	assert.Equal(t, "000000000004", s.Put(newInvoice("A", "F-1 v2"))) // A changes again
	assert.Equal(t, 3, s.Len())

	// From the beginning: each invoice once, latest version, in change order.
	assert.Equal(t, []item{
		{id: "B", number: "F-2", cursor: "000000000002"},
		{id: "C", number: "F-3", cursor: "000000000003"},
		{id: "A", number: "F-1 v2", cursor: "000000000004"},
	}, collect(s.Changed(ctx, "")))

	// After a cursor: only what changed after it.
	assert.Equal(t, []item{
		{id: "C", number: "F-3", cursor: "000000000003"},
		{id: "A", number: "F-1 v2", cursor: "000000000004"},
	}, collect(s.Changed(ctx, "000000000002")))
	assert.Equal(t, []item{{id: "A", number: "F-1 v2", cursor: "000000000004"}}, collect(s.Changed(ctx, "000000000003")))
	assert.Empty(t, collect(s.Changed(ctx, "000000000004")))
	assert.Empty(t, collect(s.Changed(ctx, "000000000099")))
	// A cursor without leading zeros is the same position.
	assert.Equal(t, collect(s.Changed(ctx, "000000000002")), collect(s.Changed(ctx, "2")))
	assert.Equal(t, "000000000042", memory.FormatCursor(42))

	// A removed invoice is no longer yielded.
	assert.True(t, s.Remove("C"))
	assert.False(t, s.Remove("C"))
	assert.Equal(t, []item{
		{id: "B", number: "F-2", cursor: "000000000002"},
		{id: "A", number: "F-1 v2", cursor: "000000000004"},
	}, collect(s.Changed(ctx, "")))
	_, err := s.Invoice(ctx, "C")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
}

func TestChangedYieldsCopies(t *testing.T) {
	ctx := context.Background()
	s := memory.NewSource()
	inv := newInvoice("A", "F-1")
	inv.Cursor = "ignored"
	s.Put(inv)
	want := newInvoice("A", "F-1")

	// Changing what was put changes nothing.
	inv.Party.Address.Lines[0] = "changed"
	inv.Lines[0].Analytics["project"] = "changed"
	inv.Lines[0].Allowances[0].Reason = "changed"
	inv.Attachments[0].Data[0] = 'X'
	inv.Metadata["k"] = "changed"
	inv.VATBreakdown[0].Category = "Z"

	for got, err := range s.Changed(ctx, "") {
		require.NoError(t, err)
		assert.Equal(t, "000000000001", got.Cursor)
		got.Cursor = ""
		assert.Equal(t, want, got)
		got.Party.Name = "changed"
		got.Lines[0].Analytics["project"] = "changed"
	}
	got, err := s.Invoice(ctx, "A")
	require.NoError(t, err)
	assert.Equal(t, want, got, "Cursor empty, content unchanged")
}

func TestChangedInvalidCursor(t *testing.T) {
	s := memory.NewSource()
	s.Put(newInvoice("A", "F-1"))
	for _, c := range []string{"abc", "-1", "+1", "1.5", " 1"} {
		items := collect(s.Changed(context.Background(), c))
		require.Len(t, items, 1, c)
		require.Error(t, items[0].err, c)
		assert.Contains(t, items[0].err.Error(), "invalid cursor")
	}
}

func TestChangedEarlyBreak(t *testing.T) {
	ctx := context.Background()
	s := memory.NewSource()
	for i := range 5 {
		s.Put(newInvoice(fmt.Sprint(i), fmt.Sprintf("F-%d", i)))
	}
	seq := s.Changed(ctx, "")
	n := 0
	for _, err := range seq {
		require.NoError(t, err)
		n++
		if n == 2 {
			break
		}
	}
	assert.Equal(t, 2, n)
	// The stream can be read again, from its cursor.
	assert.Len(t, collect(seq), 5)
	assert.Equal(t, 2, s.Calls(memory.Changed))
}

func TestChangedContextCancelled(t *testing.T) {
	s := memory.NewSource()
	for i := range 5 {
		s.Put(newInvoice(fmt.Sprint(i), fmt.Sprintf("F-%d", i)))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []item
	for inv, err := range s.Changed(ctx, "") {
		got = append(got, item{id: inv.ID, err: err})
		if len(got) == 2 {
			cancel()
		}
	}
	require.Len(t, got, 3)
	assert.Equal(t, []item{{id: "0"}, {id: "1"}}, got[:2])
	assert.Same(t, context.Canceled, got[2].err)

	// Cancelled while the last invoice is handled: the stream says so.
	ctx3, cancel3 := context.WithCancel(context.Background())
	defer cancel3()
	got = nil
	for inv, err := range s.Changed(ctx3, "000000000004") {
		got = append(got, item{id: inv.ID, err: err})
		cancel3()
	}
	require.Len(t, got, 2)
	assert.Equal(t, item{id: "4"}, got[0])
	assert.Same(t, context.Canceled, got[1].err)

	// Already cancelled: the error at once.
	got = nil
	for inv, err := range s.Changed(ctx, "") {
		got = append(got, item{id: inv.ID, err: err})
	}
	require.Len(t, got, 1)
	assert.Same(t, context.Canceled, got[0].err)
}

func TestChangedPutDuringIteration(t *testing.T) {
	ctx := context.Background()
	s := memory.NewSource()
	s.Put(newInvoice("A", "F-1"))
	s.Put(newInvoice("B", "F-2"))
	var ids []string
	for inv, err := range s.Changed(ctx, "") {
		require.NoError(t, err)
		ids = append(ids, inv.ID)
		if inv.ID == "A" {
			s.Put(newInvoice("B", "F-2 v2")) // B changes before it is read
			s.Put(newInvoice("C", "F-3"))
		}
	}
	// The stream covers the changes made before reading started: B's change
	// moved it after that point, so this pass skips it; the next pass, from
	// A's cursor, yields B and C.
	assert.Equal(t, []string{"A"}, ids)
	assert.Equal(t, []item{
		{id: "B", number: "F-2 v2", cursor: "000000000003"},
		{id: "C", number: "F-3", cursor: "000000000004"},
	}, collect(s.Changed(ctx, "000000000001")))
}

func TestChangedFaults(t *testing.T) {
	ctx := context.Background()
	s := memory.NewSource()
	for i := range 3 {
		s.Put(newInvoice(fmt.Sprint(i), fmt.Sprintf("F-%d", i)))
	}

	s.Inject(memory.Fault{Method: memory.Changed, Kind: memory.FaultTemporary})
	items := collect(s.Changed(ctx, ""))
	require.Len(t, items, 1)
	assert.EqualError(t, items[0].err, "memory: Changed call 1: 503 Service Unavailable")
	assert.True(t, invoicesync.Retryable(items[0].err))
	assert.Len(t, collect(s.Changed(ctx, "")), 3, "only the faulty call")

	boom := errors.New("page 2 failed")
	s.Inject(memory.Fault{Method: memory.Changed, Kind: memory.FaultError, Err: boom, After: 2})
	items = collect(s.Changed(ctx, ""))
	require.Len(t, items, 3)
	assert.Equal(t, []string{"0", "1"}, []string{items[0].id, items[1].id})
	require.ErrorIs(t, items[2].err, boom)

	// Fewer invoices than After: every invoice, then the error.
	s.Inject(memory.Fault{Method: memory.Changed, Kind: memory.FaultError, After: 10})
	items = collect(s.Changed(ctx, ""))
	require.Len(t, items, 4)
	require.ErrorIs(t, items[3].err, memory.ErrInjected)

	// Lost responses on a read just fail.
	s.Inject(memory.Fault{Method: memory.Changed, Kind: memory.FaultLoseResponse})
	items = collect(s.Changed(ctx, ""))
	require.Len(t, items, 1)
	require.ErrorIs(t, items[0].err, memory.ErrResponseLost)
	assert.Equal(t, 5, s.Calls(memory.Changed))
}

func TestSourceReadsAndFaults(t *testing.T) {
	ctx := context.Background()
	s := memory.NewSource()
	s.Put(newInvoice("A", "F-1"))
	s.PutContact("c-1", invoicesync.Party{SourceID: "c-1", Name: "Dupont SARL", Address: invoicesync.Address{Lines: []string{"1 rue"}}})
	pdf := []byte("%PDF-1.7")
	s.PutAttachment("A", "pdf-A", invoicesync.Document{FileName: "F-1.pdf", MediaType: "application/pdf", Data: pdf})
	pdf[0] = 'X'

	inv, err := s.Invoice(ctx, "A")
	require.NoError(t, err)
	assert.Equal(t, "F-1", inv.Number)
	assert.Empty(t, inv.Cursor)
	_, err = s.Invoice(ctx, "Z")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)

	party, err := s.Contact(ctx, "c-1")
	require.NoError(t, err)
	assert.Equal(t, "Dupont SARL", party.Name)
	party.Address.Lines[0] = "changed"
	party, _ = s.Contact(ctx, "c-1")
	assert.Equal(t, "1 rue", party.Address.Lines[0])
	_, err = s.Contact(ctx, "c-2")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)

	doc, err := s.FetchAttachment(ctx, "A", invoicesync.AttachmentRef{ID: "pdf-A"})
	require.NoError(t, err)
	assert.Equal(t, invoicesync.Document{FileName: "F-1.pdf", MediaType: "application/pdf", Data: []byte("%PDF-1.7")}, doc)
	doc.Data[0] = 'X'
	doc, _ = s.FetchAttachment(ctx, "A", invoicesync.AttachmentRef{ID: "pdf-A"})
	assert.Equal(t, []byte("%PDF-1.7"), doc.Data)
	_, err = s.FetchAttachment(ctx, "A", invoicesync.AttachmentRef{ID: "other"})
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
	_, err = s.FetchAttachment(ctx, "B", invoicesync.AttachmentRef{ID: "pdf-A"})
	require.ErrorIs(t, err, invoicesync.ErrNotFound)

	// Faults: the Nth call fails; temporary ones are retryable.
	s.Inject(
		memory.Fault{Method: memory.Invoice, Call: 4, Kind: memory.FaultError},
		memory.Fault{Method: memory.Contact, Kind: memory.FaultTemporary, Status: 429},
		memory.Fault{Method: memory.FetchAttachment, Kind: memory.FaultTemporary},
	)
	_, err = s.Invoice(ctx, "A") // call 3
	require.NoError(t, err)
	_, err = s.Invoice(ctx, "A") // call 4
	require.ErrorIs(t, err, memory.ErrInjected)
	_, err = s.Contact(ctx, "c-1")
	assert.EqualError(t, err, "memory: Contact call 4: 429 Too Many Requests")
	assert.True(t, invoicesync.Retryable(err))
	_, err = s.FetchAttachment(ctx, "A", invoicesync.AttachmentRef{ID: "pdf-A"})
	assert.True(t, invoicesync.Retryable(err))
	_, err = s.FetchAttachment(ctx, "A", invoicesync.AttachmentRef{ID: "pdf-A"})
	require.NoError(t, err)

	assert.Equal(t, map[memory.Method]int{memory.Changed: 0, memory.Invoice: 4, memory.Contact: 4, memory.Contacts: 0, memory.CreateContact: 0, memory.FetchAttachment: 6},
		s.CallCounts())
	s.ResetCalls()
	assert.Equal(t, 0, s.Calls(memory.FetchAttachment))
}

func TestSourceLatency(t *testing.T) {
	s := memory.NewSource()
	s.Put(newInvoice("A", "F-1"))
	s.SetLatency(memory.Changed, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	items := collect(s.Changed(ctx, ""))
	require.Len(t, items, 1)
	require.ErrorIs(t, items[0].err, context.DeadlineExceeded)

	_, err := s.Invoice(context.Background(), "A")
	require.NoError(t, err, "other methods are not delayed")
	s.SetLatency(memory.Changed, 0)

	s.SetLatencyAll(20 * time.Millisecond)
	start := time.Now()
	_, err = s.Invoice(context.Background(), "A")
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
	_, err = s.Contact(ctx, "x")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	s.SetLatencyAll(0)
}

func TestSourceConcurrentPutsAndReads(t *testing.T) {
	ctx := context.Background()
	s := memory.NewSource()
	const writers, perWriter = 4, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				// Each invoice is put twice: the second version wins.
				id := fmt.Sprintf("w%d-%02d", w, i)
				s.Put(newInvoice(id, "v1"))
				s.Put(newInvoice(id, "v2"))
			}
		}()
	}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				last := ""
				for inv, err := range s.Changed(ctx, "") {
					if !assert.NoError(t, err) {
						return
					}
					assert.Greater(t, inv.Cursor, last, "cursors increase")
					last = inv.Cursor
				}
			}
		}()
	}
	wg.Wait()

	items := collect(s.Changed(ctx, ""))
	require.Len(t, items, writers*perWriter)
	seen := map[string]bool{}
	for _, it := range items {
		require.NoError(t, it.err)
		assert.False(t, seen[it.id])
		seen[it.id] = true
		assert.Equal(t, "v2", it.number)
	}
}

func TestSourceContactWriter(t *testing.T) {
	ctx := context.Background()
	s := memory.NewSource()
	s.PutContact("K-B", invoicesync.Party{Name: "Both Ways"})
	s.PutContact("K-A", invoicesync.Party{Name: "Also Both", Address: invoicesync.Address{Lines: []string{"1 rue"}}})

	c, err := s.CreateContact(ctx, invoicesync.Customer, invoicesync.Party{Name: "New Customer", AuxiliaryAccount: "411NEW"})
	require.NoError(t, err)
	assert.Equal(t, invoicesync.Party{SourceID: "K1", Name: "New Customer", AuxiliaryAccount: "411NEW"}, c)
	sup, err := s.CreateContact(ctx, invoicesync.Supplier, invoicesync.Party{Name: "New Supplier"})
	require.NoError(t, err)
	assert.Equal(t, "K2", sup.SourceID)

	names := func(role invoicesync.PartnerRole) []string {
		t.Helper()
		ps, err := s.Contacts(ctx, role)
		require.NoError(t, err)
		out := []string{}
		for _, p := range ps {
			out = append(out, p.SourceID+" "+p.Name)
		}
		return out
	}
	assert.Equal(t, []string{"K-A Also Both", "K-B Both Ways", "K1 New Customer"}, names(invoicesync.Customer))
	assert.Equal(t, []string{"K-A Also Both", "K-B Both Ways", "K2 New Supplier"}, names(invoicesync.Supplier))

	// Copies: changing what Contacts returned changes nothing.
	ps, err := s.Contacts(ctx, invoicesync.Customer)
	require.NoError(t, err)
	ps[0].Address.Lines[0] = "changed"
	got, err := s.Contact(ctx, "K-A")
	require.NoError(t, err)
	assert.Equal(t, "1 rue", got.Address.Lines[0])

	_, err = s.CreateContact(ctx, invoicesync.Customer, invoicesync.Party{Name: " "})
	assert.EqualError(t, err, "memory: CreateContact: a contact needs a name")
	_, err = s.CreateContact(ctx, "prospect", invoicesync.Party{Name: "X"})
	assert.EqualError(t, err, `memory: CreateContact "X": invalid role "prospect"`)

	// A lost answer: the contact exists, the caller does not know it.
	s.Inject(memory.Fault{Method: memory.CreateContact, Kind: memory.FaultLoseResponse})
	_, err = s.CreateContact(ctx, invoicesync.Customer, invoicesync.Party{Name: "Lost"})
	require.ErrorIs(t, err, memory.ErrResponseLost)
	assert.Contains(t, names(invoicesync.Customer), "K3 Lost")
	assert.Equal(t, 5, s.Calls(memory.CreateContact))
	assert.Equal(t, 4, s.Calls(memory.Contacts))
}
