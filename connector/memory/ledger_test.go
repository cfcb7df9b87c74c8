package memory_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

func TestPostEntryRecordsACopy(t *testing.T) {
	ctx := context.Background()
	l, p := newLedger(t)
	e1, e2 := newEntry(t, "k1", p), newEntry(t, "k2", p)
	e2.Date = time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)
	want1 := *newEntry(t, "k1", p)

	ref1, err := l.PostEntry(ctx, e1)
	require.NoError(t, err)
	assert.Equal(t, invoicesync.EntryRef{ID: "E1", Number: "2026-000001"}, ref1)
	ref2, err := l.PostEntry(ctx, e2)
	require.NoError(t, err)
	assert.Equal(t, invoicesync.EntryRef{ID: "E2", Number: "2027-000002"}, ref2)

	require.Equal(t, 2, l.Len())
	entries := l.Entries()
	require.Len(t, entries, 2)
	assert.Equal(t, memory.StoredEntry{Ref: ref1, Entry: want1}, entries[0])
	assert.Equal(t, ref2, entries[1].Ref)
	assert.False(t, entries[0].Draft)

	got, ok := l.Entry("k2")
	require.True(t, ok)
	assert.Equal(t, ref2, got.Ref)
	_, ok = l.Entry("nope")
	assert.False(t, ok)

	found, err := l.FindEntry(ctx, "k1")
	require.NoError(t, err)
	assert.Equal(t, ref1, found)
	_, err = l.FindEntry(ctx, "nope")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
	assert.Contains(t, err.Error(), `"nope"`)
	_, err = l.FindEntry(ctx, "")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
}

func TestPostEntryDeepCopy(t *testing.T) {
	ctx := context.Background()
	l, p := newLedger(t)
	e := newEntry(t, "k1", p)
	want := *newEntry(t, "k1", p)
	_, err := l.PostEntry(ctx, e)
	require.NoError(t, err)

	// The caller changes its entry after posting: the ledger does not see it.
	e.Reference = "changed"
	e.Lines[0].Account = "999"
	e.Lines[0].Partner.ID = "P99"
	e.Lines[1].SourceLines[0] = 42
	e.Lines[1].Tried[0] = "999"
	e.Lines[1].Analytics["project"] = "gemini"
	e.Lines = append(e.Lines[:1], e.Lines[2:]...)
	got, ok := l.Entry("k1")
	require.True(t, ok)
	assert.Equal(t, want, got.Entry)

	// Nor does changing what Entries or Entry returned.
	got.Entry.Lines[1].Analytics["project"] = "gemini"
	got.Entry.Lines[0].Partner.ID = "P99"
	all := l.Entries()
	all[0].Entry.Lines[1].Tried[0] = "999"
	all[0].Entry.Lines[1].SourceLines[0] = 7
	again, _ := l.Entry("k1")
	assert.Equal(t, want, again.Entry)
}

func TestPostEntryRejections(t *testing.T) {
	for _, tc := range []struct {
		name     string
		change   func(l *memory.Ledger, e *invoicesync.Entry)
		balanced bool // whether e.Check passes after change
		sentinel error
		names    string // in the message
	}{
		{"unbalanced", func(_ *memory.Ledger, e *invoicesync.Entry) { e.Lines[2].Credit = dec("20.01") }, false,
			invoicesync.ErrUnbalanced, "debit 120.00, credit 120.01"},
		{"no lines", func(_ *memory.Ledger, e *invoicesync.Entry) { e.Lines = nil }, false,
			invoicesync.ErrUnbalanced, "has no lines"},
		{"zero line", func(_ *memory.Ledger, e *invoicesync.Entry) {
			e.Lines = append(e.Lines, invoicesync.EntryLine{Account: "706"})
		}, false, invoicesync.ErrUnbalanced, "line 4 is zero"},
		{"unknown account", func(_ *memory.Ledger, e *invoicesync.Entry) { e.Lines[1].Account = "709" }, true,
			invoicesync.ErrAccountNumberNotFound, `line 2: account "709" does not exist`},
		{"inactive account", func(_ *memory.Ledger, e *invoicesync.Entry) { e.Lines[1].Account = "7061" }, true,
			invoicesync.ErrAccountNumberNotActive, `line 2: account "7061" is inactive`},
		{"account deactivated", func(l *memory.Ledger, _ *invoicesync.Entry) { require.True(t, l.SetAccountActive("44571", false)) }, true,
			invoicesync.ErrAccountNumberNotActive, `line 3: account "44571" is inactive`},
		{"unknown VAT code", func(_ *memory.Ledger, e *invoicesync.Entry) { e.Lines[2].VATCode = "V99" }, true,
			invoicesync.ErrVATCodeNotFound, `line 3: VAT code "V99" does not exist`},
		{"inactive VAT code", func(_ *memory.Ledger, e *invoicesync.Entry) { e.Lines[1].VATCode = "V10" }, true,
			invoicesync.ErrVATCodeNotFound, `line 2: VAT code "V10" is inactive`},
		{"VAT code deactivated", func(l *memory.Ledger, _ *invoicesync.Entry) { require.True(t, l.SetVATCodeActive("V20", false)) }, true,
			invoicesync.ErrVATCodeNotFound, `VAT code "V20" is inactive`},
		{"deleted partner", func(l *memory.Ledger, _ *invoicesync.Entry) { require.True(t, l.DeletePartner("P1")) }, true,
			invoicesync.ErrPartnerNotFound, `partner "P1" (Dupont SARL) does not exist`},
		{"unknown line partner", func(_ *memory.Ledger, e *invoicesync.Entry) {
			e.Lines[0].Partner = &invoicesync.PartnerRef{ID: "P42", Name: "Ghost"}
		}, true, invoicesync.ErrPartnerNotFound, `line 1: partner "P42" (Ghost) does not exist`},
		{"unknown entry partner", func(_ *memory.Ledger, e *invoicesync.Entry) {
			e.Partner = invoicesync.PartnerRef{ID: "P43", Name: "Ghost"}
		}, true, invoicesync.ErrPartnerNotFound, `partner "P43" (Ghost) does not exist`},
		{"unknown journal", func(_ *memory.Ledger, e *invoicesync.Entry) { e.Journal = "XX" }, true,
			invoicesync.ErrMappingJournalNotFound, `journal "XX" is not in the ledger`},
		{"no journal", func(_ *memory.Ledger, e *invoicesync.Entry) { e.Journal = "" }, true,
			invoicesync.ErrMappingJournalNotFound, `journal "" is not in the ledger`},
		{"draft unsupported", func(_ *memory.Ledger, e *invoicesync.Entry) { e.Draft = true }, true,
			invoicesync.ErrNotSupported, "drafts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			l, p := newLedger(t)
			e := newEntry(t, "k1", p)
			tc.change(l, e)
			if tc.balanced {
				require.NoError(t, e.Check())
			} else {
				require.Error(t, e.Check())
			}

			ref, err := l.PostEntry(ctx, e)
			require.ErrorIs(t, err, tc.sentinel)
			assert.Contains(t, err.Error(), tc.names)
			assert.Zero(t, ref)
			assert.False(t, invoicesync.Retryable(err))
			if tc.sentinel != invoicesync.ErrUnbalanced {
				assert.NotErrorIs(t, err, invoicesync.ErrUnbalanced)
			}

			// Nothing recorded, and the key is not taken.
			assert.Equal(t, 0, l.Len())
			assert.Empty(t, l.Entries())
			_, ok := l.Entry("k1")
			assert.False(t, ok)
			_, err = l.FindEntry(ctx, "k1")
			require.ErrorIs(t, err, invoicesync.ErrNotFound)
			assert.Equal(t, 1, l.Calls(memory.PostEntry))
		})
	}
}

func TestPostEntryCheckErrorKeepsCheckMessage(t *testing.T) {
	l, p := newLedger(t)
	e := newEntry(t, "k1", p)
	e.Lines[1].Debit = dec("1.00") // both sides
	checkErr := e.Check()
	require.Error(t, checkErr)
	_, err := l.PostEntry(context.Background(), e)
	require.ErrorIs(t, err, invoicesync.ErrUnbalanced)
	// Check's error wraps ErrUnbalanced itself: it is passed on as it is.
	assert.EqualError(t, err, "memory: PostEntry: "+checkErr.Error())

	_, err = l.PostEntry(context.Background(), nil)
	require.ErrorIs(t, err, invoicesync.ErrUnbalanced)
	assert.Equal(t, 0, l.Len())
}

func TestPostEntryAfterRejectionSucceeds(t *testing.T) {
	ctx := context.Background()
	l, p := newLedger(t)
	bad := newEntry(t, "k1", p)
	bad.Lines[1].Account = "709"
	_, err := l.PostEntry(ctx, bad)
	require.ErrorIs(t, err, invoicesync.ErrAccountNumberNotFound)

	ref, err := l.PostEntry(ctx, newEntry(t, "k1", p))
	require.NoError(t, err)
	assert.Equal(t, invoicesync.EntryRef{ID: "E1", Number: "2026-000001"}, ref, "a rejection takes no number")
}

func TestPostEntryIdempotent(t *testing.T) {
	ctx := context.Background()
	l, p := newLedger(t)
	first := newEntry(t, "k1", p)
	ref, err := l.PostEntry(ctx, first)
	require.NoError(t, err)

	// Same key, other content, even content the ledger would now reject: the
	// existing entry's reference, nothing recorded.
	other := newEntry(t, "k1", p)
	other.Reference = "F-other"
	other.Lines[1].Account = "709"
	again, err := l.PostEntry(ctx, other)
	require.NoError(t, err)
	assert.Equal(t, ref, again)

	require.True(t, l.DeletePartner(p.ID))
	again, err = l.PostEntry(ctx, newEntry(t, "k1", p))
	require.NoError(t, err)
	assert.Equal(t, ref, again)

	assert.Equal(t, 1, l.Len())
	got, _ := l.Entry("k1")
	assert.Equal(t, "F-k1", got.Entry.Reference)
	assert.Equal(t, 3, l.Calls(memory.PostEntry))
}

func TestPostEntryWithoutKeyIsNotDeduplicated(t *testing.T) {
	ctx := context.Background()
	l, p := newLedger(t)
	for range 2 {
		_, err := l.PostEntry(ctx, newEntry(t, "", p))
		require.NoError(t, err)
	}
	assert.Equal(t, 2, l.Len())
	_, ok := l.Entry("")
	assert.False(t, ok)
}

func TestDrafts(t *testing.T) {
	ctx := context.Background()
	l, p := newLedger(t)
	assert.False(t, l.SupportsDrafts())
	l.SetDrafts(true)
	assert.True(t, l.SupportsDrafts())

	e := newEntry(t, "k1", p)
	e.Draft = true
	ref, err := l.PostEntry(ctx, e)
	require.NoError(t, err)
	got, ok := l.Entry("k1")
	require.True(t, ok)
	assert.True(t, got.Draft)
	found, err := l.FindEntry(ctx, "k1")
	require.NoError(t, err, "FindEntry sees drafts")
	assert.Equal(t, ref, found)

	l.SetDrafts(false)
	e2 := newEntry(t, "k2", p)
	e2.Draft = true
	_, err = l.PostEntry(ctx, e2)
	require.ErrorIs(t, err, invoicesync.ErrNotSupported)
	assert.Equal(t, 1, l.Len())
}

func TestLedgerWithoutJournalsAcceptsAnyJournal(t *testing.T) {
	l := memory.NewLedger()
	l.AddAccounts(
		invoicesync.Account{Number: "411", Active: true},
		invoicesync.Account{Number: "706", Active: true},
		invoicesync.Account{Number: "44571", Active: true},
	)
	l.AddVATCodes(invoicesync.VATCode{Code: "V20", Rate: dec("20"), Account: "44571", Active: true})
	p := l.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Dupont SARL"})
	e := newEntry(t, "k1", p)
	e.Journal = "ANYTHING"
	_, err := l.PostEntry(context.Background(), e)
	require.NoError(t, err)
}

func TestChartReadsAreCopies(t *testing.T) {
	ctx := context.Background()
	l, _ := newLedger(t)

	accounts, err := l.Accounts(ctx)
	require.NoError(t, err)
	require.Len(t, accounts, 4)
	assert.Equal(t, invoicesync.Account{Number: "7061", Name: "Ventes anciennes", Active: false}, accounts[3], "inactive included")
	accounts[0].Active = false

	codes, err := l.VATCodes(ctx)
	require.NoError(t, err)
	require.Len(t, codes, 2)
	assert.Equal(t, "V10", codes[1].Code)
	assert.False(t, codes[1].Active)
	codes[0].Code = "X"

	journals, err := l.Journals(ctx)
	require.NoError(t, err)
	assert.Equal(t, []invoicesync.Journal{{Code: "VT", Name: "Ventes", Type: "sales"}, {Code: "HA", Name: "Achats", Type: "purchase"}}, journals)
	journals[0].Code = "X"

	accounts, _ = l.Accounts(ctx)
	assert.True(t, accounts[0].Active)
	codes, _ = l.VATCodes(ctx)
	assert.Equal(t, "V20", codes[0].Code)
	journals, _ = l.Journals(ctx)
	assert.Equal(t, "VT", journals[0].Code)

	// Adding an account number again replaces it in place.
	l.AddAccounts(invoicesync.Account{Number: "411", Name: "Clients France", Active: true})
	accounts, _ = l.Accounts(ctx)
	assert.Len(t, accounts, 4)
	assert.Equal(t, "Clients France", accounts[0].Name)
	assert.False(t, l.SetAccountActive("999", true))
	assert.False(t, l.SetVATCodeActive("V99", true))
}

func TestPartners(t *testing.T) {
	ctx := context.Background()
	l, p1 := newLedger(t)
	p2 := l.AddPartner(invoicesync.Partner{Role: invoicesync.Supplier, Name: "Acme GmbH", VATNumber: "DE123456789", AuxiliaryAccount: "F001"})
	assert.Equal(t, invoicesync.PartnerRef{ID: "P2", Name: "Acme GmbH", AuxiliaryAccount: "F001"}, p2)

	created, err := l.CreatePartner(ctx, invoicesync.Partner{
		Role: invoicesync.Customer, Name: "Martin SAS", VATNumber: "FR99999999999",
		Address: invoicesync.Address{Lines: []string{"1 rue de la Paix"}, City: "Paris"},
	})
	require.NoError(t, err)
	assert.Equal(t, invoicesync.PartnerRef{ID: "P3", Name: "Martin SAS"}, created)

	find := func(role invoicesync.PartnerRole, key invoicesync.PartnerKey, value string) []string {
		t.Helper()
		ps, err := l.FindPartners(ctx, invoicesync.PartnerQuery{Role: role, Key: key, Value: value})
		require.NoError(t, err)
		require.NotNil(t, ps)
		ids := []string{}
		for _, p := range ps {
			ids = append(ids, p.Ref.ID)
		}
		return ids
	}
	assert.Equal(t, []string{"P1"}, find(invoicesync.Customer, invoicesync.KeyVATNumber, "FR40123456789"))
	assert.Equal(t, []string{}, find(invoicesync.Customer, invoicesync.KeyVATNumber, "fr40123456789"), "exact")
	assert.Equal(t, []string{"P1"}, find(invoicesync.Customer, invoicesync.KeyAuxiliaryAccount, "C001"))
	assert.Equal(t, []string{"P1"}, find(invoicesync.Customer, invoicesync.KeyRegistrationID, "12345678900011"))
	assert.Equal(t, []string{"P1"}, find(invoicesync.Customer, invoicesync.KeyName, "DUPONT sarl"), "names ignore case")
	assert.Equal(t, []string{}, find(invoicesync.Customer, invoicesync.KeyName, "Dupont"))
	assert.Equal(t, []string{}, find(invoicesync.Supplier, invoicesync.KeyName, "Dupont SARL"), "role")
	assert.Equal(t, []string{"P2"}, find(invoicesync.Supplier, invoicesync.KeyVATNumber, "DE123456789"))
	assert.Equal(t, []string{"P3"}, find(invoicesync.Customer, invoicesync.KeyName, "martin sas"))
	assert.Equal(t, []string{}, find(invoicesync.Customer, invoicesync.KeyAuxiliaryAccount, ""), "empty value")

	_, err = l.FindPartners(ctx, invoicesync.PartnerQuery{Role: invoicesync.Customer, Key: "email", Value: "a@b.c"})
	require.ErrorIs(t, err, invoicesync.ErrNotSupported)
	_, err = l.FindPartners(ctx, invoicesync.PartnerQuery{Role: "", Key: invoicesync.KeyName, Value: "x"})
	require.Error(t, err)

	// Deleted partners are gone from searches and listings.
	require.True(t, l.DeletePartner("P1"))
	assert.False(t, l.DeletePartner("P1"))
	assert.False(t, l.DeletePartner("P9"))
	assert.Equal(t, []string{}, find(invoicesync.Customer, invoicesync.KeyVATNumber, "FR40123456789"))
	customers := l.Partners(invoicesync.Customer)
	require.Len(t, customers, 1)
	assert.Equal(t, "P3", customers[0].Ref.ID)
	assert.Equal(t, []string{"1 rue de la Paix"}, customers[0].Address.Lines)
	customers[0].Address.Lines[0] = "changed"
	assert.Equal(t, "1 rue de la Paix", l.Partners(invoicesync.Customer)[0].Address.Lines[0])
	assert.Len(t, l.Partners(""), 2)
	_ = p1
	listed, err := l.ListPartners(ctx, invoicesync.Supplier)
	require.NoError(t, err)
	require.Len(t, listed, 1)
	assert.Equal(t, "P2", listed[0].Ref.ID)
	assert.Equal(t, "DE123456789", listed[0].VATNumber)
	_, err = l.ListPartners(ctx, "")
	require.Error(t, err)

	// The next partner continues the sequence.
	assert.Equal(t, "P4", l.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "X"}).ID)
}

func TestCreatePartnerRejects(t *testing.T) {
	ctx := context.Background()
	l := memory.NewLedger()
	for _, p := range []invoicesync.Partner{
		{Role: "client", Name: "A"},
		{Role: invoicesync.Customer, Name: " "},
		{Role: invoicesync.Customer, Name: "A", Ref: invoicesync.PartnerRef{ID: "P7"}},
	} {
		_, err := l.CreatePartner(ctx, p)
		require.Error(t, err)
	}
	assert.Empty(t, l.Partners(""))
	assert.Equal(t, 3, l.Calls(memory.CreatePartner))
}

func TestAttach(t *testing.T) {
	ctx := context.Background()
	l, p := newLedger(t)
	ref, err := l.PostEntry(ctx, newEntry(t, "k1", p))
	require.NoError(t, err)

	err = l.Attach(ctx, invoicesync.EntryRef{ID: "E9"}, invoicesync.Document{FileName: "a.pdf"})
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
	require.Error(t, l.Attach(ctx, ref, invoicesync.Document{}), "no file name")

	data := []byte("%PDF-1 v1")
	require.NoError(t, l.Attach(ctx, ref, invoicesync.Document{FileName: "F-k1.pdf", MediaType: "application/pdf", Data: data}))
	data[0] = 'X' // the ledger kept a copy
	require.NoError(t, l.Attach(ctx, ref, invoicesync.Document{FileName: "terms.txt", MediaType: "text/plain", Data: []byte("terms")}))
	require.NoError(t, l.Attach(ctx, ref, invoicesync.Document{FileName: "F-k1.pdf", MediaType: "application/pdf", Data: []byte("%PDF-1 v2")}))

	got, ok := l.Entry("k1")
	require.True(t, ok)
	assert.Equal(t, []invoicesync.Document{
		{FileName: "F-k1.pdf", MediaType: "application/pdf", Data: []byte("%PDF-1 v2")},
		{FileName: "terms.txt", MediaType: "text/plain", Data: []byte("terms")},
	}, got.Attachments, "same file name replaces, in place")
	got.Attachments[0].Data[0] = 'X'
	again, _ := l.Entry("k1")
	assert.Equal(t, []byte("%PDF-1 v2"), again.Attachments[0].Data)
	assert.Equal(t, 5, l.Calls(memory.Attach))
}

func TestFaultErrorOnNthCall(t *testing.T) {
	ctx := context.Background()
	l, p := newLedger(t)
	boom := errors.New("boom")
	l.Inject(memory.Fault{Method: memory.PostEntry, Call: 2, Kind: memory.FaultError, Err: boom})

	_, err := l.PostEntry(ctx, newEntry(t, "k1", p))
	require.NoError(t, err)
	_, err = l.PostEntry(ctx, newEntry(t, "k2", p))
	require.ErrorIs(t, err, boom)
	assert.EqualError(t, err, "memory: PostEntry call 2: boom")
	assert.False(t, invoicesync.Retryable(err))
	_, ok := l.Entry("k2")
	assert.False(t, ok, "nothing recorded")
	ref, err := l.PostEntry(ctx, newEntry(t, "k2", p))
	require.NoError(t, err)
	assert.Equal(t, "E2", ref.ID)
	assert.Equal(t, 3, l.Calls(memory.PostEntry))

	// Without Err, ErrInjected; on a read too.
	l.Inject(memory.Fault{Method: memory.Accounts, Call: 1, Kind: memory.FaultError})
	_, err = l.Accounts(ctx)
	require.ErrorIs(t, err, memory.ErrInjected)
	_, err = l.Accounts(ctx)
	require.NoError(t, err)
}

func TestFaultTemporary(t *testing.T) {
	ctx := context.Background()
	l, p := newLedger(t)
	l.Inject(memory.Fault{Method: memory.PostEntry, Call: 1, Times: 2, Kind: memory.FaultTemporary})

	for n := 1; n <= 2; n++ {
		_, err := l.PostEntry(ctx, newEntry(t, "k1", p))
		require.ErrorIs(t, err, invoicesync.ErrTemporary)
		assert.True(t, invoicesync.Retryable(err))
		assert.EqualError(t, err, fmt.Sprintf("memory: PostEntry call %d: 503 Service Unavailable", n))
		var te *memory.TemporaryError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, memory.TemporaryError{Method: memory.PostEntry, Call: n, Status: 503}, *te)
		assert.Equal(t, 0, l.Len(), "nothing recorded")
	}
	_, err := l.PostEntry(ctx, newEntry(t, "k1", p))
	require.NoError(t, err)

	l.Inject(memory.Fault{Method: memory.FindPartners, Kind: memory.FaultTemporary, Status: 429})
	_, err = l.FindPartners(ctx, invoicesync.PartnerQuery{Role: invoicesync.Customer, Key: invoicesync.KeyName, Value: "x"})
	assert.EqualError(t, err, "memory: FindPartners call 1: 429 Too Many Requests")
	assert.True(t, invoicesync.Retryable(err))
}

func TestFaultLoseResponseAfterPostEntry(t *testing.T) {
	ctx := context.Background()
	l, p := newLedger(t)
	l.Inject(memory.Fault{Method: memory.PostEntry, Call: 1, Kind: memory.FaultLoseResponse})

	ref, err := l.PostEntry(ctx, newEntry(t, "k1", p))
	require.ErrorIs(t, err, memory.ErrResponseLost)
	assert.EqualError(t, err, "memory: PostEntry call 1: connection reset after the request was sent")
	assert.False(t, invoicesync.Retryable(err), "the entry may exist: not retryable")
	assert.NotErrorIs(t, err, invoicesync.ErrTemporary)
	assert.Zero(t, ref)

	// The entry was committed: FindEntry finds it, a re-post returns it.
	require.Equal(t, 1, l.Len())
	found, err := l.FindEntry(ctx, "k1")
	require.NoError(t, err)
	assert.Equal(t, invoicesync.EntryRef{ID: "E1", Number: "2026-000001"}, found)
	again, err := l.PostEntry(ctx, newEntry(t, "k1", p))
	require.NoError(t, err)
	assert.Equal(t, found, again)
	assert.Equal(t, 1, l.Len())
}

func TestFaultCommitLate(t *testing.T) {
	ctx := context.Background()
	l, p := newLedger(t)
	assert.Equal(t, time.Duration(0), l.CommitWindow())
	l.SetCommitWindow(90 * time.Second)
	assert.Equal(t, 90*time.Second, l.CommitWindow())
	l.Inject(memory.Fault{Method: memory.PostEntry, Kind: memory.FaultCommitLate})

	ref, err := l.PostEntry(ctx, newEntry(t, "k1", p))
	require.ErrorIs(t, err, memory.ErrTimedOut)
	assert.EqualError(t, err, "memory: PostEntry call 1: timed out waiting for the answer; the request may still be processed")
	assert.False(t, invoicesync.Retryable(err))
	assert.Zero(t, ref)
	_, err = l.FindEntry(ctx, "k1")
	require.ErrorIs(t, err, invoicesync.ErrNotFound, "not recorded yet")
	assert.Equal(t, 0, l.Len())

	refs := l.CommitLate()
	assert.Equal(t, []invoicesync.EntryRef{{ID: "E1", Number: "2026-000001"}}, refs)
	found, err := l.FindEntry(ctx, "k1")
	require.NoError(t, err)
	assert.Equal(t, refs[0], found)
	assert.Empty(t, l.CommitLate(), "committed once")
	assert.Equal(t, 1, l.Len())
}

func TestFindEntriesAndDeleteEntry(t *testing.T) {
	ctx := context.Background()
	l, p := newLedger(t)
	for _, k := range []string{"k1", "k2", "k3"} {
		_, err := l.PostEntry(ctx, newEntry(t, k, p))
		require.NoError(t, err)
	}
	assert.True(t, l.DeleteEntry("E2"))
	assert.False(t, l.DeleteEntry("E2"))
	found, err := l.FindEntries(ctx, []string{"k1", "k2", "k3", "k4", ""})
	require.NoError(t, err)
	assert.Equal(t, map[string]invoicesync.EntryRef{
		"k1": {ID: "E1", Number: "2026-000001"}, "k3": {ID: "E3", Number: "2026-000003"},
	}, found)
	_, err = l.FindEntry(ctx, "k2")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
	ref, err := l.PostEntry(ctx, newEntry(t, "k3", p))
	require.NoError(t, err)
	assert.Equal(t, "E3", ref.ID, "the keys of the entries after the deleted one still hold")
	assert.Equal(t, 2, l.Len())
	assert.Equal(t, 1, l.Calls(memory.FindEntries))
}

func TestFaultLoseResponseOnRejectedPost(t *testing.T) {
	l, p := newLedger(t)
	l.Inject(memory.Fault{Method: memory.PostEntry, Kind: memory.FaultLoseResponse})
	e := newEntry(t, "k1", p)
	e.Lines[1].Account = "709"
	_, err := l.PostEntry(context.Background(), e)
	require.ErrorIs(t, err, memory.ErrResponseLost)
	assert.NotErrorIs(t, err, invoicesync.ErrAccountNumberNotFound, "the answer is lost, whatever it was")
	assert.Equal(t, 0, l.Len())
}

func TestFaultLoseResponseAfterCreatePartnerAndAttach(t *testing.T) {
	ctx := context.Background()
	l, p := newLedger(t)
	l.Inject(
		memory.Fault{Method: memory.CreatePartner, Call: 1, Kind: memory.FaultLoseResponse},
		memory.Fault{Method: memory.Attach, Call: 1, Kind: memory.FaultLoseResponse},
	)
	ref, err := l.CreatePartner(ctx, invoicesync.Partner{Role: invoicesync.Supplier, Name: "Acme GmbH", VATNumber: "DE1"})
	require.ErrorIs(t, err, memory.ErrResponseLost)
	assert.False(t, invoicesync.Retryable(err))
	assert.Zero(t, ref)
	found, err := l.FindPartners(ctx, invoicesync.PartnerQuery{Role: invoicesync.Supplier, Key: invoicesync.KeyVATNumber, Value: "DE1"})
	require.NoError(t, err)
	require.Len(t, found, 1, "the partner was created")
	assert.Equal(t, "P2", found[0].Ref.ID)

	entry, err := l.PostEntry(ctx, newEntry(t, "k1", p))
	require.NoError(t, err)
	err = l.Attach(ctx, entry, invoicesync.Document{FileName: "F.pdf", Data: []byte("pdf")})
	require.ErrorIs(t, err, memory.ErrResponseLost)
	got, _ := l.Entry("k1")
	require.Len(t, got.Attachments, 1, "the document was attached")
	require.NoError(t, l.Attach(ctx, entry, invoicesync.Document{FileName: "F.pdf", Data: []byte("pdf")}), "retrying is safe")
	got, _ = l.Entry("k1")
	assert.Len(t, got.Attachments, 1)
}

func TestFaultLoseResponseOnReadFails(t *testing.T) {
	l, _ := newLedger(t)
	l.Inject(memory.Fault{Method: memory.Journals, Kind: memory.FaultLoseResponse})
	journals, err := l.Journals(context.Background())
	require.ErrorIs(t, err, memory.ErrResponseLost)
	assert.Nil(t, journals)
}

func TestFaultCallNumbering(t *testing.T) {
	ctx := context.Background()
	l, _ := newLedger(t)
	find := func() error { _, err := l.FindEntry(ctx, "x"); return err }

	require.ErrorIs(t, find(), invoicesync.ErrNotFound) // call 1
	require.ErrorIs(t, find(), invoicesync.ErrNotFound) // call 2
	// Call 0: the next call (3); Times 2: calls 3 and 4.
	l.Inject(memory.Fault{Method: memory.FindEntry, Kind: memory.FaultTemporary, Times: 2})
	require.ErrorIs(t, find(), invoicesync.ErrTemporary)
	require.ErrorIs(t, find(), invoicesync.ErrTemporary)
	require.ErrorIs(t, find(), invoicesync.ErrNotFound)
	assert.Equal(t, 5, l.Calls(memory.FindEntry))

	// Times < 0: every call from Call on, until ClearFaults.
	l.Inject(memory.Fault{Method: memory.FindEntry, Call: 7, Times: -1, Kind: memory.FaultError})
	require.ErrorIs(t, find(), invoicesync.ErrNotFound) // 6
	for range 5 {
		require.ErrorIs(t, find(), memory.ErrInjected)
	}
	l.ClearFaults()
	require.ErrorIs(t, find(), invoicesync.ErrNotFound)

	// After ResetCalls, call numbers count from the reset.
	l.ResetCalls()
	assert.Equal(t, 0, l.Calls(memory.FindEntry))
	l.Inject(memory.Fault{Method: memory.FindEntry, Call: 2, Kind: memory.FaultError})
	require.ErrorIs(t, find(), invoicesync.ErrNotFound)
	require.ErrorIs(t, find(), memory.ErrInjected)

	// The first fault injected for a call wins.
	l.Inject(
		memory.Fault{Method: memory.FindEntry, Kind: memory.FaultTemporary},
		memory.Fault{Method: memory.FindEntry, Kind: memory.FaultError},
	)
	require.ErrorIs(t, find(), invoicesync.ErrTemporary)
}

func TestInjectPanicsOnMisuse(t *testing.T) {
	l := memory.NewLedger()
	assert.Panics(t, func() { l.Inject(memory.Fault{Method: memory.Changed, Kind: memory.FaultError}) })
	assert.Panics(t, func() { l.Inject(memory.Fault{Method: "Nope", Kind: memory.FaultError}) })
	assert.Panics(t, func() { l.Inject(memory.Fault{Method: memory.PostEntry}) })
	assert.Panics(t, func() { l.Inject(memory.Fault{Method: memory.PostEntry, Kind: memory.FaultError, Call: -1}) })
	assert.Panics(t, func() { l.Inject(memory.Fault{Method: memory.PostEntry, Kind: memory.FaultError, After: 1}) })
	assert.Panics(t, func() { l.SetLatency(memory.Invoice, time.Second) })
	assert.Panics(t, func() { l.Inject(memory.Fault{Method: memory.Attach, Kind: memory.FaultCommitLate}) })
	s := memory.NewSource()
	assert.Panics(t, func() { s.Inject(memory.Fault{Method: memory.PostEntry, Kind: memory.FaultError}) })
	assert.Equal(t, "FaultLoseResponse", memory.FaultLoseResponse.String())
	assert.Equal(t, "FaultCommitLate", memory.FaultCommitLate.String())
	assert.Equal(t, "FaultKind(9)", memory.FaultKind(9).String())
}

func TestLatencyHonoursContext(t *testing.T) {
	l, p := newLedger(t)
	l.SetLatency(memory.PostEntry, time.Hour)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := l.PostEntry(ctx, newEntry(t, "k1", p))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Equal(t, 0, l.Len(), "nothing recorded")
	assert.Equal(t, 1, l.Calls(memory.PostEntry))

	// Other methods are not delayed.
	_, err = l.Accounts(context.Background())
	require.NoError(t, err)

	// Cancelled while waiting.
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { time.Sleep(10 * time.Millisecond); cancel2() }()
	_, err = l.PostEntry(ctx2, newEntry(t, "k1", p))
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, invoicesync.Retryable(err))

	// Latency of every method, added to the method's own.
	l.SetLatency(memory.PostEntry, 0)
	l.SetLatencyAll(30 * time.Millisecond)
	start = time.Now()
	_, err = l.FindEntry(context.Background(), "k1")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
	start = time.Now()
	_, err = l.PostEntry(context.Background(), newEntry(t, "k1", p))
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
	l.SetLatencyAll(0)
}

func TestDoneContextFailsEveryMethod(t *testing.T) {
	l, p := newLedger(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ref := invoicesync.EntryRef{ID: "E1"}
	errs := []error{
		func() error { _, err := l.Accounts(ctx); return err }(),
		func() error { _, err := l.VATCodes(ctx); return err }(),
		func() error { _, err := l.Journals(ctx); return err }(),
		func() error {
			_, err := l.FindPartners(ctx, invoicesync.PartnerQuery{Role: invoicesync.Customer, Key: invoicesync.KeyName, Value: "x"})
			return err
		}(),
		func() error { _, err := l.ListPartners(ctx, invoicesync.Customer); return err }(),
		func() error {
			_, err := l.CreatePartner(ctx, invoicesync.Partner{Role: invoicesync.Customer, Name: "X"})
			return err
		}(),
		func() error { _, err := l.PostEntry(ctx, newEntry(t, "k1", p)); return err }(),
		func() error { _, err := l.FindEntry(ctx, "k1"); return err }(),
		func() error { _, err := l.FindEntries(ctx, []string{"k1"}); return err }(),
		l.Attach(ctx, ref, invoicesync.Document{FileName: "a.pdf"}),
	}
	for i, err := range errs {
		assert.Same(t, context.Canceled, err, "method %d", i)
	}
	assert.Equal(t, 0, l.Len())
	assert.Len(t, l.Partners(""), 1)
	counts := l.CallCounts()
	assert.Equal(t, map[memory.Method]int{
		memory.Accounts: 1, memory.VATCodes: 1, memory.Journals: 1, memory.FindPartners: 1, memory.ListPartners: 1,
		memory.CreatePartner: 1, memory.PostEntry: 1, memory.FindEntry: 1, memory.FindEntries: 1, memory.Attach: 1,
	}, counts)
}

func TestCallCounters(t *testing.T) {
	ctx := context.Background()
	l, p := newLedger(t)
	assert.Equal(t, map[memory.Method]int{
		memory.Accounts: 0, memory.VATCodes: 0, memory.Journals: 0, memory.FindPartners: 0, memory.ListPartners: 0,
		memory.CreatePartner: 0, memory.PostEntry: 0, memory.FindEntry: 0, memory.FindEntries: 0, memory.Attach: 0,
	}, l.CallCounts(), "setup methods are not counted")

	_, _ = l.Accounts(ctx)
	_, _ = l.Accounts(ctx)
	_, _ = l.PostEntry(ctx, newEntry(t, "k1", p))
	_, _ = l.FindEntry(ctx, "missing") // failed calls count
	l.SupportsDrafts()                 // not counted
	assert.Equal(t, 2, l.Calls(memory.Accounts))
	assert.Equal(t, 1, l.Calls(memory.PostEntry))
	assert.Equal(t, 1, l.Calls(memory.FindEntry))
	counts := l.CallCounts()
	counts[memory.Accounts] = 99 // a copy
	assert.Equal(t, 2, l.Calls(memory.Accounts))

	l.ResetCalls()
	for m, n := range l.CallCounts() {
		assert.Zero(t, n, m)
	}
}

func TestConcurrentPostsExactlyOnePerKey(t *testing.T) {
	ctx := context.Background()
	l, p := newLedger(t)
	const keys, workers = 200, 8
	entries := make([]*invoicesync.Entry, keys)
	for i := range entries {
		entries[i] = newEntry(t, fmt.Sprintf("key-%03d", i), p)
	}

	// Every worker posts every key, each in its own order, while faults and
	// reads go on concurrently: each key is posted 8 times at once.
	refs := make([][]invoicesync.EntryRef, workers)
	var wg sync.WaitGroup
	for w := range workers {
		refs[w] = make([]invoicesync.EntryRef, keys)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range keys {
				i := (j*7 + w*25) % keys
				ref, err := l.PostEntry(ctx, entries[i]) // shared, read-only
				if !assert.NoError(t, err) {
					return
				}
				refs[w][i] = ref
				if j%50 == 0 {
					_, _ = l.Accounts(ctx)
					_ = l.Calls(memory.PostEntry)
					_ = l.Entries()
					l.Inject(memory.Fault{Method: memory.Journals, Kind: memory.FaultTemporary})
				}
			}
		}()
	}
	wg.Wait()

	require.Equal(t, keys, l.Len())
	assert.Equal(t, keys*workers, l.Calls(memory.PostEntry))
	seen := map[string]bool{}
	ids := map[string]bool{}
	for _, s := range l.Entries() {
		assert.False(t, seen[s.Entry.IdempotencyKey], "one entry per key")
		seen[s.Entry.IdempotencyKey] = true
		ids[s.Ref.ID] = true
	}
	assert.Len(t, seen, keys)
	assert.Len(t, ids, keys)
	for i := range keys {
		key := fmt.Sprintf("key-%03d", i)
		s, ok := l.Entry(key)
		require.True(t, ok, key)
		for w := range workers {
			assert.Equal(t, s.Ref, refs[w][i], "every poster of %s got the same ref", key)
		}
	}
}
