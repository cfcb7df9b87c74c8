// Package storetest is the conformance suite of invoicesync.StateStore.
//
// A StateStore implementation runs it from one of its tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) invoicesync.StateStore {
//			return mystore.New(t.TempDir())
//		})
//	}
//
// Run checks every clause of the contract written on invoicesync.StateStore:
// Get and Put round-trip every field of a State, ErrNotFound for what the
// store does not have, List's filtering, order, early stop and tolerance of
// writes during the iteration, the cursor, partner links per role, safety
// under concurrent use (run the tests with -race) and cancelled contexts.
//
// States are compared as JSON would see them: decimals by value (100.00
// equals 100), times by instant (time.Time.Equal), nil and empty slices and
// maps alike. Any other difference fails.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// deadlockTimeout bounds the tests that would hang on a store that deadlocks.
const deadlockTimeout = 60 * time.Second

// Run runs the conformance suite as subtests of t. open must return a new,
// empty store each time it is called; it may register cleanups on the t it
// is given (t.TempDir, t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) invoicesync.StateStore) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(*testing.T, invoicesync.StateStore)
	}{
		{"CompareHelper", testCompareHelper},
		{"GetUnknown", testGetUnknown},
		{"RoundTrip", testRoundTrip},
		{"RoundTripMinimal", testRoundTripMinimal},
		{"PutReplaces", testPutReplaces},
		{"PutEmptyID", testPutEmptyID},
		{"PutCopies", testPutCopies},
		{"ListAll", testListAll},
		{"ListEmpty", testListEmpty},
		{"ListByStatus", testListByStatus},
		{"ListManyPages", testListManyPages},
		{"ListEarlyBreak", testListEarlyBreak},
		{"ListWhileWriting", testListWhileWriting},
		{"ListCancelled", testListCancelled},
		{"ListCancelledMidway", testListCancelledMidway},
		{"Cursor", testCursor},
		{"PartnerLink", testPartnerLink},
		{"Concurrency", testConcurrency},
		{"CancelledContext", testCancelledContext},
		{"PutStates", testPutStates},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := open(t)
			require.NotNil(t, st, "open returned a nil store")
			tc.fn(t, st)
		})
	}
}

// ---------------------------------------------------------------------------
// Fixtures

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

var paris = time.FixedZone("CET", 3600)

// fullEntry is an entry using every field, balanced (143.15 = 119.29 + 23.86),
// with amounts whose exponent a JSON round trip may change.
func fullEntry(invoiceID, key string) *invoicesync.Entry {
	partner := invoicesync.PartnerRef{ID: "P-7", Name: "ACME S.A.", AuxiliaryAccount: "411ACME"}
	return &invoicesync.Entry{
		Journal:         "VT",
		Date:            time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC),
		DueDate:         time.Date(2026, 4, 13, 0, 0, 0, 0, time.UTC),
		Reference:       "F-2026-0042",
		Label:           "ACME S.A. F-2026-0042",
		Currency:        "EUR",
		Decimals:        2,
		InvoiceCurrency: "USD",
		ExchangeRate:    dec("1.08420"),
		Draft:           true,
		IdempotencyKey:  key,
		InvoiceID:       invoiceID,
		Direction:       invoicesync.Sales,
		Kind:            invoicesync.KindInvoice,
		Partner:         partner,
		Lines: []invoicesync.EntryLine{
			{
				Account:        "411000",
				Partner:        &partner,
				Debit:          dec("143.15"),
				CurrencyAmount: dec("155.20"),
				Label:          "ACME S.A. F-2026-0042",
				Kind:           invoicesync.KindPartner,
				AccountSource:  invoicesync.FromMapping,
			},
			{
				Account:        "706000",
				Credit:         dec("119.290"),
				CurrencyAmount: dec("129.33"),
				Label:          "Consulting « März » — 2 days",
				Kind:           invoicesync.KindRevenue,
				SourceLines:    []int{1, 2},
				AccountSource:  invoicesync.FromRule,
				Rule:           3,
				Tried:          []string{"706100", "706200"},
				Analytics:      map[string]string{"project": "apollo", "cost_centre": "CC-12"},
			},
			{
				Account:        "445710",
				Credit:         dec("23.86"),
				CurrencyAmount: dec("25.87"),
				VATCode:        "TVA20",
				Label:          "TVA 20 %",
				Kind:           invoicesync.KindVAT,
				SourceLines:    []int{1, 2},
				AccountSource:  invoicesync.FromVATCode,
				VATRule:        1,
				Explanation:    "VAT at 20 % of 119.29",
			},
		},
	}
}

// reversalEntry is a second entry, with amounts carrying trailing zeros.
func reversalEntry(invoiceID, key string) *invoicesync.Entry {
	return &invoicesync.Entry{
		Journal:        "VT",
		Date:           time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC),
		Reference:      "F-2026-0042",
		Label:          "Reversal F-2026-0042",
		Currency:       "EUR",
		Decimals:       2,
		IdempotencyKey: key,
		InvoiceID:      invoiceID,
		Direction:      invoicesync.Sales,
		Kind:           invoicesync.KindCreditNote,
		Lines: []invoicesync.EntryLine{
			{Account: "411000", Credit: dec("100.00"), Kind: invoicesync.KindPartner, AccountSource: invoicesync.FromMapping},
			{Account: "706000", Debit: dec("100.00"), Kind: invoicesync.KindRevenue, AccountSource: invoicesync.FromDefault, SourceLines: []int{1}},
		},
	}
}

// fullState returns a state of invoice id using every field of State.
func fullState(id string) invoicesync.State {
	return invoicesync.State{
		InvoiceID:   id,
		Number:      "F-2026-0042",
		Direction:   invoicesync.Sales,
		Status:      invoicesync.StateError,
		Fingerprint: "fp-v2",
		Synced: &invoicesync.SyncedVersion{
			Fingerprint: "fp-v1",
			Key:         "key-v1",
			Ref:         invoicesync.EntryRef{ID: "E-42", Number: "VT-000042"},
			Entry:       fullEntry(id, "key-v1"),
			Attached:    true,
			At:          time.Date(2026, 3, 14, 10, 0, 1, 500, paris),
		},
		Intent: &invoicesync.Intent{
			Key:         "key-v2-rev",
			Fingerprint: "fp-v2",
			Reversal:    true,
			Entry:       reversalEntry(id, "key-v2-rev"),
			At:          time.Date(2026, 3, 20, 9, 15, 0, 999999999, time.UTC),
		},
		Reversals: []invoicesync.Reversal{
			{
				Of:    invoicesync.EntryRef{ID: "E-41", Number: "VT-000041"},
				OfKey: "key-v0",
				Key:   "key-v0-rev",
				Ref:   invoicesync.EntryRef{ID: "E-43"},
				At:    time.Date(2026, 3, 13, 8, 0, 0, 0, time.UTC),
			},
			{
				Of:    invoicesync.EntryRef{ID: "E-44"},
				OfKey: "key-v0b",
				Key:   "key-v0b-rev",
				Ref:   invoicesync.EntryRef{ID: "E-45", Number: "VT-000045"},
				At:    time.Date(2026, 3, 13, 9, 0, 0, 1, paris),
			},
		},
		Revision:   2,
		Document:   "isync-0d5c0b9a3f6e4e1f8a7b6c5d4e3f2a1b",
		Code:       invoicesync.CodeLedgerFailure,
		Message:    "ledger said \"503\"\nretry later — ümlaut, 日本語, <tag> & 'quote'",
		Resolution: "Wait and run again.",
		Retryable:  true,
		Attempts:   3,
		UpdatedAt:  time.Date(2026, 3, 20, 9, 15, 2, 123456789, paris),
	}
}

// simpleState returns a small state of invoice id with status s.
func simpleState(id string, s invoicesync.SyncStatus) invoicesync.State {
	return invoicesync.State{
		InvoiceID: id,
		Number:    "N-" + id,
		Direction: invoicesync.Purchase,
		Status:    s,
		Message:   "state of " + id,
		UpdatedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
	}
}

var allStatuses = []invoicesync.SyncStatus{
	invoicesync.StatePending,
	invoicesync.StateSynchronized,
	invoicesync.StateError,
	invoicesync.StateWaiting,
	invoicesync.StateSkipped,
}

// ---------------------------------------------------------------------------
// Comparison

var (
	decimalType = reflect.TypeOf(decimal.Decimal{})
	timeType    = reflect.TypeOf(time.Time{})
)

// normalize returns a deep copy of v in which every decimal is in canonical
// form (100.00 becomes 100), every time is in UTC without monotonic reading,
// and empty slices and maps are nil: the differences a JSON round trip may
// make without changing a value.
func normalize(v reflect.Value) reflect.Value {
	t := v.Type()
	out := reflect.New(t).Elem()
	switch {
	case t == decimalType:
		d := v.Interface().(decimal.Decimal)
		out.Set(reflect.ValueOf(decimal.RequireFromString(d.String())))
		return out
	case t == timeType:
		out.Set(reflect.ValueOf(v.Interface().(time.Time).UTC()))
		return out
	}
	switch t.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			p := reflect.New(t.Elem())
			p.Elem().Set(normalize(v.Elem()))
			out.Set(p)
		}
	case reflect.Struct:
		out.Set(v) // keeps unexported fields as they are
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).IsExported() {
				out.Field(i).Set(normalize(v.Field(i)))
			}
		}
	case reflect.Slice:
		if v.Len() > 0 {
			s := reflect.MakeSlice(t, v.Len(), v.Len())
			for i := 0; i < v.Len(); i++ {
				s.Index(i).Set(normalize(v.Index(i)))
			}
			out.Set(s)
		}
	case reflect.Map:
		if v.Len() > 0 {
			m := reflect.MakeMapWithSize(t, v.Len())
			it := v.MapRange()
			for it.Next() {
				m.SetMapIndex(it.Key(), normalize(it.Value()))
			}
			out.Set(m)
		}
	case reflect.Interface:
		if !v.IsNil() {
			out.Set(normalize(v.Elem()))
		}
	default:
		out.Set(v)
	}
	return out
}

func normalState(st invoicesync.State) invoicesync.State {
	return normalize(reflect.ValueOf(st)).Interface().(invoicesync.State)
}

// statesEqual reports whether a and b hold the same values (see normalize).
func statesEqual(a, b invoicesync.State) bool {
	return reflect.DeepEqual(normalState(a), normalState(b))
}

// requireState fails t unless got holds the same values as want.
func requireState(t *testing.T, want, got invoicesync.State, msgAndArgs ...any) {
	t.Helper()
	if !statesEqual(want, got) {
		require.Equal(t, normalState(want), normalState(got), msgAndArgs...)
		require.FailNow(t, "states differ", msgAndArgs...) // in case the diff shows nothing
	}
}

// get reads the state of id and fails t unless it matches want.
func get(t *testing.T, s invoicesync.StateStore, want invoicesync.State) {
	t.Helper()
	got, err := s.Get(context.Background(), want.InvoiceID)
	require.NoError(t, err, "Get(%q)", want.InvoiceID)
	requireState(t, want, got, "Get(%q)", want.InvoiceID)
}

func put(t *testing.T, s invoicesync.StateStore, st invoicesync.State) {
	t.Helper()
	require.NoError(t, s.Put(context.Background(), st), "Put(%q)", st.InvoiceID)
}

// collect reads a whole List, failing t on any error.
func collect(t *testing.T, s invoicesync.StateStore, statuses ...invoicesync.SyncStatus) []invoicesync.State {
	t.Helper()
	var out []invoicesync.State
	for st, err := range s.List(context.Background(), statuses...) {
		require.NoError(t, err, "List(%v)", statuses)
		out = append(out, st)
	}
	return out
}

func ids(states []invoicesync.State) []string {
	out := make([]string, 0, len(states))
	for _, st := range states {
		out = append(out, st.InvoiceID)
	}
	return out
}

// testCompareHelper checks the comparison the suite relies on: it ignores
// what JSON may change and catches any change of value.
func testCompareHelper(t *testing.T, _ invoicesync.StateStore) {
	a := fullState("inv-1")
	require.True(t, statesEqual(a, fullState("inv-1")))

	b := fullState("inv-1")
	b.Synced.Entry.Lines[1].Credit = dec("119.29") // was 119.290
	b.Intent.Entry.Lines[0].Credit = dec("100")    // was 100.00
	b.UpdatedAt = b.UpdatedAt.In(time.UTC)
	b.Synced.Entry.Lines[0].Tried = []string{}
	require.True(t, statesEqual(a, b), "exponent, location and empty slices must not matter")

	changes := map[string]func(*invoicesync.State){
		"decimal":        func(s *invoicesync.State) { s.Synced.Entry.Lines[0].Debit = dec("143.16") },
		"exchange rate":  func(s *invoicesync.State) { s.Synced.Entry.ExchangeRate = dec("1.0843") },
		"zero decimal":   func(s *invoicesync.State) { s.Synced.Entry.Lines[0].Credit = dec("0.01") },
		"time":           func(s *invoicesync.State) { s.UpdatedAt = s.UpdatedAt.Add(time.Nanosecond) },
		"entry time":     func(s *invoicesync.State) { s.Intent.Entry.Date = s.Intent.Entry.Date.Add(time.Second) },
		"analytics":      func(s *invoicesync.State) { s.Synced.Entry.Lines[1].Analytics["project"] = "gemini" },
		"source lines":   func(s *invoicesync.State) { s.Synced.Entry.Lines[1].SourceLines = []int{1} },
		"line partner":   func(s *invoicesync.State) { s.Synced.Entry.Lines[0].Partner = nil },
		"partner name":   func(s *invoicesync.State) { s.Synced.Entry.Lines[0].Partner.Name = "ACME" },
		"nil intent":     func(s *invoicesync.State) { s.Intent = nil },
		"zero intent":    func(s *invoicesync.State) { s.Intent = &invoicesync.Intent{} },
		"reversal":       func(s *invoicesync.State) { s.Reversals = s.Reversals[:1] },
		"reversal field": func(s *invoicesync.State) { s.Reversals[1].Ref.Number = "" },
		"attempts":       func(s *invoicesync.State) { s.Attempts++ },
		"revision":       func(s *invoicesync.State) { s.Revision-- },
		"document":       func(s *invoicesync.State) { s.Document = "" },
		"retryable":      func(s *invoicesync.State) { s.Retryable = false },
		"status":         func(s *invoicesync.State) { s.Status = invoicesync.StatePending },
	}
	for name, change := range changes {
		c := fullState("inv-1")
		change(&c)
		require.False(t, statesEqual(a, c), "a changed %s must be seen", name)
	}
}

// ---------------------------------------------------------------------------
// Get and Put

func testGetUnknown(t *testing.T, s invoicesync.StateStore) {
	_, err := s.Get(context.Background(), "nope")
	require.Error(t, err)
	require.ErrorIs(t, err, invoicesync.ErrNotFound)

	put(t, s, simpleState("inv-1", invoicesync.StatePending))
	for _, id := range []string{"nope", "INV-1", "inv-1 ", "inv-", ""} {
		_, err = s.Get(context.Background(), id)
		require.ErrorIs(t, err, invoicesync.ErrNotFound, "Get(%q)", id)
	}
}

func testRoundTrip(t *testing.T, s invoicesync.StateStore) {
	want := fullState("inv-1")
	put(t, s, want)
	got, err := s.Get(context.Background(), "inv-1")
	require.NoError(t, err)
	requireState(t, want, got)

	// Field by field, so that a failure says exactly what was lost.
	require.NotNil(t, got.Synced)
	require.NotNil(t, got.Synced.Entry)
	require.Len(t, got.Synced.Entry.Lines, 3)
	l0, l1 := got.Synced.Entry.Lines[0], got.Synced.Entry.Lines[1]
	require.True(t, l0.Debit.Equal(dec("143.15")), "debit %s", l0.Debit)
	require.True(t, l1.Credit.Equal(dec("119.29")), "credit %s", l1.Credit)
	require.True(t, l0.CurrencyAmount.Equal(dec("155.20")), "currency amount %s", l0.CurrencyAmount)
	require.True(t, got.Synced.Entry.ExchangeRate.Equal(dec("1.0842")), "rate %s", got.Synced.Entry.ExchangeRate)
	require.NotNil(t, l0.Partner)
	require.Equal(t, invoicesync.PartnerRef{ID: "P-7", Name: "ACME S.A.", AuxiliaryAccount: "411ACME"}, *l0.Partner)
	require.Equal(t, []int{1, 2}, l1.SourceLines)
	require.Equal(t, map[string]string{"project": "apollo", "cost_centre": "CC-12"}, l1.Analytics)
	require.True(t, got.UpdatedAt.Equal(want.UpdatedAt), "UpdatedAt %v, want %v", got.UpdatedAt, want.UpdatedAt)
	require.True(t, got.Synced.At.Equal(want.Synced.At), "Synced.At %v, want %v", got.Synced.At, want.Synced.At)
	require.NotNil(t, got.Intent)
	require.NotNil(t, got.Intent.Entry)
	require.True(t, got.Intent.Reversal)
	require.True(t, got.Intent.At.Equal(want.Intent.At))
	require.Len(t, got.Reversals, 2)
	require.True(t, got.Reversals[1].At.Equal(want.Reversals[1].At))
	require.Equal(t, want.Message, got.Message)

	// Every status round-trips.
	for _, status := range allStatuses {
		st := fullState("inv-" + string(status))
		st.Status = status
		put(t, s, st)
		get(t, s, st)
	}
}

func testRoundTripMinimal(t *testing.T, s invoicesync.StateStore) {
	want := invoicesync.State{InvoiceID: "min", Status: invoicesync.StateSkipped}
	put(t, s, want)
	got, err := s.Get(context.Background(), "min")
	require.NoError(t, err)
	requireState(t, want, got)
	require.Nil(t, got.Synced, "a nil Synced must stay nil")
	require.Nil(t, got.Intent, "a nil Intent must stay nil")
	require.Empty(t, got.Reversals)
	require.True(t, got.UpdatedAt.IsZero())

	// Ids are opaque strings.
	for _, id := range []string{"a b", "ü/ß?#%", "x'y\"z; --", strings.Repeat("long", 200)} {
		st := simpleState(id, invoicesync.StateWaiting)
		put(t, s, st)
		get(t, s, st)
	}
}

func testPutReplaces(t *testing.T, s invoicesync.StateStore) {
	put(t, s, fullState("inv-1"))
	put(t, s, simpleState("inv-2", invoicesync.StateWaiting))

	repl := invoicesync.State{
		InvoiceID: "inv-1",
		Status:    invoicesync.StateSynchronized,
		Synced: &invoicesync.SyncedVersion{
			Fingerprint: "fp-v3", Key: "key-v3",
			Ref: invoicesync.EntryRef{ID: "E-50"}, At: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
		},
		UpdatedAt: time.Date(2026, 4, 1, 0, 0, 1, 0, time.UTC),
	}
	put(t, s, repl)
	got, err := s.Get(context.Background(), "inv-1")
	require.NoError(t, err)
	requireState(t, repl, got, "Put must replace the whole state, not merge it")
	require.Nil(t, got.Intent)
	require.Empty(t, got.Reversals)
	require.Empty(t, got.Message)

	get(t, s, simpleState("inv-2", invoicesync.StateWaiting))
	all := collect(t, s)
	require.Equal(t, []string{"inv-1", "inv-2"}, ids(all))
	require.Empty(t, collect(t, s, invoicesync.StateError), "the replaced status must be gone from List")
	require.Equal(t, []string{"inv-1"}, ids(collect(t, s, invoicesync.StateSynchronized)))
}

// testPutStates checks a store that implements invoicesync.StateBatcher:
// every state of a batch stored, replacing earlier ones; a batch with an
// invalid state stores none of its states.
func testPutStates(t *testing.T, s invoicesync.StateStore) {
	b, ok := s.(invoicesync.StateBatcher)
	if !ok {
		t.Skip("the store does not implement invoicesync.StateBatcher")
	}
	ctx := context.Background()
	put(t, s, simpleState("inv-2", invoicesync.StateError))
	batch := []invoicesync.State{fullState("inv-1"), simpleState("inv-2", invoicesync.StateWaiting), simpleState("inv-3", invoicesync.StateSkipped)}
	require.NoError(t, b.PutStates(ctx, batch))
	for _, st := range batch {
		get(t, s, st)
	}
	require.Equal(t, []string{"inv-1", "inv-2", "inv-3"}, ids(collect(t, s)))
	require.Equal(t, []string{"inv-1"}, ids(collect(t, s, invoicesync.StateError)), "inv-2 was replaced")

	require.NoError(t, b.PutStates(ctx, nil), "an empty batch")
	bad := []invoicesync.State{simpleState("inv-4", invoicesync.StateWaiting), fullState("")}
	require.Error(t, b.PutStates(ctx, bad))
	_, err := s.Get(ctx, "inv-4")
	require.ErrorIs(t, err, invoicesync.ErrNotFound, "a refused batch stores none of its states")
}

func testPutEmptyID(t *testing.T, s invoicesync.StateStore) {
	st := fullState("")
	require.Error(t, s.Put(context.Background(), st))
	require.Empty(t, collect(t, s), "a refused state must not be stored")
}

// testPutCopies checks that a store keeps the value it was given: changing
// the caller's state after Put, or the state Get returned, changes nothing
// stored. (Entries are treated as immutable and not checked here.)
func testPutCopies(t *testing.T, s invoicesync.StateStore) {
	st := fullState("inv-1")
	put(t, s, st)
	st.Reversals[0].Key = "changed"
	st.Synced.Key = "changed"
	st.Intent.Key = "changed"
	get(t, s, fullState("inv-1"))

	got, err := s.Get(context.Background(), "inv-1")
	require.NoError(t, err)
	got.Reversals[0].Key = "changed"
	got.Synced.Key = "changed"
	got.Intent.Key = "changed"
	get(t, s, fullState("inv-1"))
}

// ---------------------------------------------------------------------------
// List

func testListAll(t *testing.T, s invoicesync.StateStore) {
	// Put out of order; ids compare bytewise ("B" < "a", "inv-10" < "inv-2").
	idsIn := []string{"inv-2", "inv-10", "a", "B", "inv-1", "é", "inv-1a"}
	want := map[string]invoicesync.State{}
	for i, id := range idsIn {
		st := simpleState(id, allStatuses[i%len(allStatuses)])
		st.Attempts = i
		want[id] = st
		put(t, s, st)
	}
	got := collect(t, s)
	require.Equal(t, []string{"B", "a", "inv-1", "inv-10", "inv-1a", "inv-2", "é"}, ids(got))
	for _, st := range got {
		requireState(t, want[st.InvoiceID], st)
	}
	// Passing every status is the same as passing none.
	require.Equal(t, ids(got), ids(collect(t, s, allStatuses...)))
}

func testListEmpty(t *testing.T, s invoicesync.StateStore) {
	require.Empty(t, collect(t, s))
	require.Empty(t, collect(t, s, invoicesync.StateError))
}

func testListByStatus(t *testing.T, s invoicesync.StateStore) {
	want := map[invoicesync.SyncStatus][]string{}
	for i := 0; i < 30; i++ {
		status := allStatuses[(i*7)%len(allStatuses)]
		id := fmt.Sprintf("inv-%03d", i)
		put(t, s, simpleState(id, status))
		want[status] = append(want[status], id)
	}
	var wantEW []string
	for i := 0; i < 30; i++ {
		id := fmt.Sprintf("inv-%03d", i)
		if slices.Contains(want[invoicesync.StateError], id) || slices.Contains(want[invoicesync.StateWaiting], id) {
			wantEW = append(wantEW, id)
		}
	}
	got := collect(t, s, invoicesync.StateError, invoicesync.StateWaiting)
	require.Equal(t, wantEW, ids(got))
	for _, st := range got {
		require.Contains(t, []invoicesync.SyncStatus{invoicesync.StateError, invoicesync.StateWaiting}, st.Status)
		requireState(t, simpleState(st.InvoiceID, st.Status), st)
	}
	for _, status := range allStatuses {
		require.Equal(t, want[status], ids(collect(t, s, status)), "List(%s)", status)
	}
	// A status repeated, or unknown, changes nothing.
	require.Equal(t, want[invoicesync.StateError], ids(collect(t, s, invoicesync.StateError, invoicesync.StateError)))
	require.Empty(t, collect(t, s, invoicesync.SyncStatus("no-such-status")))
}

// testListManyPages lists more states than a store is likely to read at once.
func testListManyPages(t *testing.T, s invoicesync.StateStore) {
	const n = 1234
	var want, wantErr, wantErrPending []string
	status := func(i int) invoicesync.SyncStatus {
		switch {
		case i%3 == 0:
			return invoicesync.StateError
		case i%5 == 1:
			return invoicesync.StatePending
		}
		return invoicesync.StateSynchronized
	}
	for i := n - 1; i >= 0; i-- {
		put(t, s, simpleState(fmt.Sprintf("inv-%05d", i), status(i)))
	}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("inv-%05d", i)
		want = append(want, id)
		if status(i) == invoicesync.StateError {
			wantErr = append(wantErr, id)
		}
		if status(i) != invoicesync.StateSynchronized {
			wantErrPending = append(wantErrPending, id)
		}
	}
	require.Len(t, wantErr, 412)
	require.Len(t, wantErrPending, 577)
	require.Equal(t, want, ids(collect(t, s)))
	require.Equal(t, wantErr, ids(collect(t, s, invoicesync.StateError)))
	// Two statuses interleaved in id order, over many pages.
	require.Equal(t, wantErrPending, ids(collect(t, s, invoicesync.StatePending, invoicesync.StateError)))
}

func testListEarlyBreak(t *testing.T, s invoicesync.StateStore) {
	for i := 0; i < 300; i++ {
		put(t, s, simpleState(fmt.Sprintf("inv-%03d", i), invoicesync.StateError))
	}
	for _, stopAt := range []int{1, 2, 150, 299} {
		var seen []string
		for st, err := range s.List(context.Background()) {
			require.NoError(t, err)
			seen = append(seen, st.InvoiceID)
			if len(seen) == stopAt {
				break // yield returns false: List must stop, not panic
			}
		}
		require.Len(t, seen, stopAt)
		require.Equal(t, fmt.Sprintf("inv-%03d", stopAt-1), seen[len(seen)-1])
	}
	// The store is still usable after abandoned iterations.
	put(t, s, simpleState("inv-999", invoicesync.StatePending))
	get(t, s, simpleState("inv-999", invoicesync.StatePending))
	require.Len(t, collect(t, s), 301)
}

// testListWhileWriting writes inside the List loop, as the Syncer does when
// it retries the invoices in error: a store that keeps a read open (one
// connection, a lock held across yields) deadlocks or fails here.
func testListWhileWriting(t *testing.T, s invoicesync.StateStore) {
	const n = 250
	for i := 0; i < n; i++ {
		status := invoicesync.StateError
		if i%2 == 1 {
			status = invoicesync.StateSynchronized
		}
		put(t, s, simpleState(fmt.Sprintf("inv-%03d", i), status))
	}

	type result struct {
		seen      []string
		listErrs  []error
		writeErrs []error
	}
	run := func(statuses ...invoicesync.SyncStatus) result {
		done := make(chan result, 1)
		go func() {
			var r result
			ctx := context.Background()
			for st, err := range s.List(ctx, statuses...) {
				if err != nil {
					r.listErrs = append(r.listErrs, err)
					break
				}
				r.seen = append(r.seen, st.InvoiceID)
				// Rewrite the state just read (it leaves the filter) ...
				st.Status = invoicesync.StatePending
				st.Attempts++
				if err := s.Put(ctx, st); err != nil {
					r.writeErrs = append(r.writeErrs, err)
				}
				// ... write a new state, which sorts after it (once: a
				// state written for a new one would make the list endless) ...
				if !strings.HasPrefix(st.InvoiceID, "new-") {
					if err := s.Put(ctx, simpleState("new-"+st.InvoiceID, invoicesync.StateError)); err != nil {
						r.writeErrs = append(r.writeErrs, err)
					}
				}
				// ... and read one and the other store data.
				if _, err := s.Get(ctx, st.InvoiceID); err != nil {
					r.writeErrs = append(r.writeErrs, err)
				}
				if err := s.SetCursor(ctx, st.InvoiceID); err != nil {
					r.writeErrs = append(r.writeErrs, err)
				}
				if err := s.SetPartnerLink(ctx, invoicesync.Customer, st.InvoiceID, invoicesync.PartnerRef{ID: "P-" + st.InvoiceID}); err != nil {
					r.writeErrs = append(r.writeErrs, err)
				}
			}
			done <- r
		}()
		select {
		case r := <-done:
			return r
		case <-time.After(deadlockTimeout):
			t.Fatalf("List(%v) with writes inside the loop did not finish within %s: deadlock?", statuses, deadlockTimeout)
			return result{}
		}
	}

	// Filtered: the states in error, each rewritten to pending as it is read.
	r := run(invoicesync.StateError)
	require.Empty(t, r.listErrs)
	require.Empty(t, r.writeErrs)
	var wantErr []string
	for i := 0; i < n; i += 2 {
		wantErr = append(wantErr, fmt.Sprintf("inv-%03d", i))
	}
	// The new states ("new-inv-...") sort after every state that existed:
	// they may or may not appear, after those.
	require.GreaterOrEqual(t, len(r.seen), len(wantErr))
	require.Equal(t, wantErr, r.seen[:len(wantErr)], "every state in error existing before List, in order")
	for i, id := range r.seen[len(wantErr):] {
		require.True(t, strings.HasPrefix(id, "new-"), "unexpected %q after the existing states", id)
		if i > 0 {
			require.Less(t, r.seen[len(wantErr)+i-1], id, "List must be ordered and not repeat")
		}
	}
	for i := 0; i < n; i += 2 {
		id := fmt.Sprintf("inv-%03d", i)
		st, err := s.Get(context.Background(), id)
		require.NoError(t, err)
		require.Equal(t, invoicesync.StatePending, st.Status, id)
		require.Equal(t, 1, st.Attempts, id)
	}

	// Unfiltered, on a store now holding more states than it had.
	before := ids(collect(t, s))
	r = run()
	require.Empty(t, r.listErrs)
	require.Empty(t, r.writeErrs)
	// Every state that existed before is seen once, in order; states written
	// during the iteration may or may not appear, but never twice.
	existed := map[string]bool{}
	for _, id := range before {
		existed[id] = true
	}
	var old []string
	for _, id := range r.seen {
		if existed[id] {
			old = append(old, id)
		}
	}
	require.Equal(t, before, old)
	for i := 1; i < len(r.seen); i++ {
		require.Less(t, r.seen[i-1], r.seen[i], "List must be ordered and not repeat")
	}
}

func testListCancelled(t *testing.T, s invoicesync.StateStore) {
	for i := 0; i < 5; i++ {
		put(t, s, simpleState(fmt.Sprintf("inv-%d", i), invoicesync.StateError))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, statuses := range [][]invoicesync.SyncStatus{nil, {invoicesync.StateError}} {
		var got []string
		var gotErr error
		for st, err := range s.List(ctx, statuses...) {
			if err != nil {
				gotErr = err
				break
			}
			got = append(got, st.InvoiceID)
		}
		require.Error(t, gotErr, "List(%v) with a cancelled context must yield an error", statuses)
		require.ErrorIs(t, gotErr, context.Canceled)
		require.Empty(t, got, "List(%v) with a cancelled context yielded states before its error", statuses)
	}
}

func testListCancelledMidway(t *testing.T, s invoicesync.StateStore) {
	for i := 0; i < 300; i++ {
		put(t, s, simpleState(fmt.Sprintf("inv-%03d", i), invoicesync.StateError))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	var gotErr error
	for _, err := range s.List(ctx) {
		if err != nil {
			gotErr = err
			break
		}
		n++
		if n == 2 {
			cancel()
		}
	}
	require.Error(t, gotErr, "List must yield an error once its context is cancelled (read %d states)", n)
	require.ErrorIs(t, gotErr, context.Canceled)
	require.Less(t, n, 300, "List read every state despite the cancelled context")
}

// ---------------------------------------------------------------------------
// Cursor and partner links

func testCursor(t *testing.T, s invoicesync.StateStore) {
	ctx := context.Background()
	c, err := s.Cursor(ctx)
	require.NoError(t, err, "a store without cursor returns \"\", not an error")
	require.Equal(t, "", c)

	require.NoError(t, s.SetCursor(ctx, "2026-03-14T10:00:00Z|page=2"))
	c, err = s.Cursor(ctx)
	require.NoError(t, err)
	require.Equal(t, "2026-03-14T10:00:00Z|page=2", c)

	require.NoError(t, s.SetCursor(ctx, "opaque ü 'x'; --"))
	c, err = s.Cursor(ctx)
	require.NoError(t, err)
	require.Equal(t, "opaque ü 'x'; --", c)

	// States do not touch the cursor, and the cursor no state.
	put(t, s, simpleState("inv-1", invoicesync.StatePending))
	c, err = s.Cursor(ctx)
	require.NoError(t, err)
	require.Equal(t, "opaque ü 'x'; --", c)
	require.Equal(t, []string{"inv-1"}, ids(collect(t, s)))

	require.NoError(t, s.SetCursor(ctx, ""))
	c, err = s.Cursor(ctx)
	require.NoError(t, err)
	require.Equal(t, "", c)
}

func testPartnerLink(t *testing.T, s invoicesync.StateStore) {
	ctx := context.Background()
	_, err := s.PartnerLink(ctx, invoicesync.Customer, "C-1")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)

	cust := invoicesync.PartnerRef{ID: "P-1", Name: "ACME S.A.", AuxiliaryAccount: "411ACME"}
	supp := invoicesync.PartnerRef{ID: "P-2", Name: "ACME Supplies"}
	require.NoError(t, s.SetPartnerLink(ctx, invoicesync.Customer, "C-1", cust))

	got, err := s.PartnerLink(ctx, invoicesync.Customer, "C-1")
	require.NoError(t, err)
	require.Equal(t, cust, got)
	_, err = s.PartnerLink(ctx, invoicesync.Supplier, "C-1")
	require.ErrorIs(t, err, invoicesync.ErrNotFound, "a customer link must not answer for the supplier role")
	_, err = s.PartnerLink(ctx, invoicesync.Customer, "c-1")
	require.ErrorIs(t, err, invoicesync.ErrNotFound, "source ids are case-sensitive")

	// The same source id in the other role is another link.
	require.NoError(t, s.SetPartnerLink(ctx, invoicesync.Supplier, "C-1", supp))
	got, err = s.PartnerLink(ctx, invoicesync.Supplier, "C-1")
	require.NoError(t, err)
	require.Equal(t, supp, got)
	got, err = s.PartnerLink(ctx, invoicesync.Customer, "C-1")
	require.NoError(t, err)
	require.Equal(t, cust, got)

	// Overwrite.
	cust2 := invoicesync.PartnerRef{ID: "P-3", Name: "ACME"}
	require.NoError(t, s.SetPartnerLink(ctx, invoicesync.Customer, "C-1", cust2))
	got, err = s.PartnerLink(ctx, invoicesync.Customer, "C-1")
	require.NoError(t, err)
	require.Equal(t, cust2, got, "overwriting must not keep old fields")

	// A zero ref removes the customer link only.
	require.NoError(t, s.SetPartnerLink(ctx, invoicesync.Customer, "C-1", invoicesync.PartnerRef{}))
	_, err = s.PartnerLink(ctx, invoicesync.Customer, "C-1")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
	got, err = s.PartnerLink(ctx, invoicesync.Supplier, "C-1")
	require.NoError(t, err)
	require.Equal(t, supp, got)

	// Removing what is not there is not an error.
	require.NoError(t, s.SetPartnerLink(ctx, invoicesync.Customer, "C-404", invoicesync.PartnerRef{}))
	_, err = s.PartnerLink(ctx, invoicesync.Customer, "C-404")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)

	// A ref without ID is zero, whatever its other fields: it removes too.
	require.NoError(t, s.SetPartnerLink(ctx, invoicesync.Supplier, "C-1", invoicesync.PartnerRef{Name: "no id"}))
	_, err = s.PartnerLink(ctx, invoicesync.Supplier, "C-1")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)

	// Links and states live apart.
	require.Empty(t, collect(t, s))
	c, err := s.Cursor(ctx)
	require.NoError(t, err)
	require.Equal(t, "", c)
}

// ---------------------------------------------------------------------------
// Concurrency and contexts

func testConcurrency(t *testing.T, s invoicesync.StateStore) {
	const (
		goroutines = 8
		perG       = 50
		shared     = 10
	)
	ctx := context.Background()
	var wg sync.WaitGroup
	stop := make(chan struct{})

	// A reader lists all the while.
	var readerWG sync.WaitGroup
	readerWG.Add(1)
	go func() {
		defer readerWG.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			prev := ""
			for st, err := range s.List(ctx) {
				if !assert.NoError(t, err) {
					return
				}
				assert.Less(t, prev, st.InvoiceID, "List order")
				prev = st.InvoiceID
			}
		}
	}()

	for g := 0; g < goroutines; g++ {
		wg.Go(func() {
			for i := 0; i < perG; i++ {
				own := simpleState(fmt.Sprintf("g%d-%03d", g, i), allStatuses[i%len(allStatuses)])
				own.Attempts = i
				if !assert.NoError(t, s.Put(ctx, own)) {
					return
				}
				got, err := s.Get(ctx, own.InvoiceID)
				if assert.NoError(t, err) {
					assert.True(t, statesEqual(own, got), "Get(%q) after Put", own.InvoiceID)
				}

				sh := simpleState(fmt.Sprintf("shared-%02d", i%shared), invoicesync.StateError)
				sh.Number = fmt.Sprintf("g%d-%d", g, i)
				sh.Attempts = g*perG + i
				if !assert.NoError(t, s.Put(ctx, sh)) {
					return
				}
				got, err = s.Get(ctx, sh.InvoiceID)
				if assert.NoError(t, err) {
					assert.Equal(t, sh.InvoiceID, got.InvoiceID)
					assert.Equal(t, fmt.Sprintf("g%d-%d", got.Attempts/perG, got.Attempts%perG), got.Number,
						"a shared state must be one writer's whole state, not a mix")
				}

				if i%10 == 0 {
					assert.NoError(t, s.SetCursor(ctx, fmt.Sprintf("c-%d-%d", g, i)))
					_, err := s.Cursor(ctx)
					assert.NoError(t, err)
					ref := invoicesync.PartnerRef{ID: fmt.Sprintf("P-%d-%d", g, i)}
					assert.NoError(t, s.SetPartnerLink(ctx, invoicesync.Customer, fmt.Sprintf("src-%d", g), ref))
					got, err := s.PartnerLink(ctx, invoicesync.Customer, fmt.Sprintf("src-%d", g))
					if assert.NoError(t, err) {
						assert.Equal(t, ref, got)
					}
				}
			}
		})
	}
	wait := make(chan struct{})
	go func() { wg.Wait(); close(stop); readerWG.Wait(); close(wait) }()
	select {
	case <-wait:
	case <-time.After(deadlockTimeout):
		t.Fatalf("concurrent use did not finish within %s: deadlock?", deadlockTimeout)
	}
	if t.Failed() {
		return
	}

	all := collect(t, s)
	require.Len(t, all, goroutines*perG+shared)
	for g := 0; g < goroutines; g++ {
		for i := 0; i < perG; i++ {
			own := simpleState(fmt.Sprintf("g%d-%03d", g, i), allStatuses[i%len(allStatuses)])
			own.Attempts = i
			get(t, s, own)
		}
	}
	require.Len(t, collect(t, s, invoicesync.StateError), goroutines*perG/len(allStatuses)+shared)
	c, err := s.Cursor(ctx)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(c, "c-"), "cursor %q", c)
	for g := 0; g < goroutines; g++ {
		ref, err := s.PartnerLink(ctx, invoicesync.Customer, fmt.Sprintf("src-%d", g))
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("P-%d-%d", g, (perG-1)/10*10), ref.ID, "the last link goroutine %d set", g)
	}
}

func testCancelledContext(t *testing.T, s invoicesync.StateStore) {
	bg := context.Background()
	put(t, s, simpleState("inv-1", invoicesync.StateError))
	require.NoError(t, s.SetCursor(bg, "c1"))
	require.NoError(t, s.SetPartnerLink(bg, invoicesync.Customer, "C-1", invoicesync.PartnerRef{ID: "P-1"}))

	ctx, cancel := context.WithCancel(bg)
	cancel()
	canceled := func(what string, err error) {
		t.Helper()
		require.Error(t, err, "%s with a cancelled context", what)
		require.True(t, errors.Is(err, context.Canceled), "%s: %v does not wrap context.Canceled", what, err)
	}

	_, err := s.Get(ctx, "inv-1")
	canceled("Get", err)
	canceled("Put", s.Put(ctx, simpleState("inv-2", invoicesync.StatePending)))
	canceled("Put (replace)", s.Put(ctx, simpleState("inv-1", invoicesync.StatePending)))
	_, err = s.Cursor(ctx)
	canceled("Cursor", err)
	canceled("SetCursor", s.SetCursor(ctx, "c2"))
	_, err = s.PartnerLink(ctx, invoicesync.Customer, "C-1")
	canceled("PartnerLink", err)
	canceled("SetPartnerLink", s.SetPartnerLink(ctx, invoicesync.Customer, "C-1", invoicesync.PartnerRef{ID: "P-2"}))
	canceled("SetPartnerLink (remove)", s.SetPartnerLink(ctx, invoicesync.Customer, "C-1", invoicesync.PartnerRef{}))

	// A call whose context was cancelled before it began changes nothing.
	_, err = s.Get(bg, "inv-2")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
	get(t, s, simpleState("inv-1", invoicesync.StateError))
	c, err := s.Cursor(bg)
	require.NoError(t, err)
	require.Equal(t, "c1", c)
	ref, err := s.PartnerLink(bg, invoicesync.Customer, "C-1")
	require.NoError(t, err)
	require.Equal(t, invoicesync.PartnerRef{ID: "P-1"}, ref)
}
