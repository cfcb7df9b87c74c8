package ledgertest

import (
	"context"
	"errors"
	"fmt"
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

// deadlockTimeout bounds the waits of the tests that would hang on a ledger
// that deadlocks. It is a guard, never a timing assertion: a correct ledger,
// however slow, finishes far sooner.
const deadlockTimeout = 5 * time.Minute

// concurrency is the number of goroutines of the concurrency tests.
const concurrency = 16

// check is one test of the suite, run on a new ledger.
type check func(t *testing.T, h Harness, l invoicesync.LedgerTarget)

// RunConformance runs the conformance suite as subtests of t, one per
// contract. For each, it makes a Harness with newHarness, calls MakeLedger
// with FixtureChart() and registers the Harness's Close with t.Cleanup. The
// subtests run one after the other; each works on its own ledger.
//
// The subtests that need an optional capability the target lacks
// (Attacher, PartnerLister, a Reopener harness) are skipped with a message
// saying so; the drafts test checks that drafts are refused when the target
// does not support them.
//
// Besides FixtureChart, the suite names things the ledger must not have:
// account 706999, VAT code X99, journal ZZ, partner ID "no-such-partner" and
// entry ID "no-such-entry". It creates the partners it posts for with
// CreatePartner, on a ledger without entries or partners (see MakeLedger).
func RunConformance(t *testing.T, newHarness HarnessMaker) {
	t.Helper()
	tests := []struct {
		name string
		fn   check
	}{
		{"Accounts", testAccounts},
		{"VATCodes", testVATCodes},
		{"Journals", testJournals},
		{"PostSales", testPostSales},
		{"PostPurchase", testPostPurchase},
		{"PostMultiVAT", testPostMultiVAT},
		{"PostSeveral", testPostSeveral},
		{"FindEntryUnknown", testFindEntryUnknown},
		{"IdempotencyKey", testIdempotencyKey},
		{"RejectUnbalanced", testReject(unbalanced, invoicesync.ErrUnbalanced)},
		{"RejectMalformed", testReject(malformed, invoicesync.ErrUnbalanced)},
		{"RejectUnknownAccount", testReject(unknownAccount, invoicesync.ErrAccountNumberNotFound)},
		{"RejectInactiveAccount", testReject(inactiveAccount, invoicesync.ErrAccountNumberNotActive)},
		{"RejectUnknownVATCode", testReject(unknownVATCode, invoicesync.ErrVATCodeNotFound)},
		{"RejectInactiveVATCode", testReject(inactiveVATCode, invoicesync.ErrVATCodeNotFound)},
		{"RejectUnknownJournal", testReject(unknownJournal, invoicesync.ErrMappingJournalNotFound)},
		{"RejectUnknownPartner", testReject(unknownPartner, invoicesync.ErrPartnerNotFound)},
		{"RejectUnknownEntryPartner", testReject(unknownEntryPartner, invoicesync.ErrPartnerNotFound)},
		{"RejectUnknownLinePartner", testReject(unknownLinePartner, invoicesync.ErrPartnerNotFound)},
		{"PartnerCustomer", testPartnerRole(customerFixture)},
		{"PartnerSupplier", testPartnerRole(supplierFixture)},
		{"ListPartners", testListPartners},
		{"Drafts", testDrafts},
		{"Attachments", testAttachments},
		{"ConcurrentPosts", testConcurrentPosts},
		{"ConcurrentSameKey", testConcurrentSameKey},
		{"CancelledContext", testCancelledContext},
		{"Restart", testRestart},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			h, err := newHarness(ctx, t)
			require.NoError(t, err, "making the harness")
			require.NotNil(t, h, "the HarnessMaker returned a nil Harness")
			l, err := h.MakeLedger(ctx, FixtureChart())
			require.NoError(t, err, "MakeLedger")
			t.Cleanup(h.Close)
			require.NotNil(t, l, "MakeLedger returned a nil ledger")
			tc.fn(t, h, l)
		})
	}
}

// ---------------------------------------------------------------------------
// Fixtures

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// entryDate is the date of every entry the suite posts.
var entryDate = time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)

// ghostPartner is a partner reference no ledger has.
var ghostPartner = invoicesync.PartnerRef{ID: "no-such-partner", Name: "Ghost Trading Ltd"}

func debit(account, amount, vatCode, label string) invoicesync.EntryLine {
	return invoicesync.EntryLine{Account: account, Debit: dec(amount), Credit: decimal.Zero, VATCode: vatCode, Label: label}
}

func credit(account, amount, vatCode, label string) invoicesync.EntryLine {
	return invoicesync.EntryLine{Account: account, Debit: decimal.Zero, Credit: dec(amount), VATCode: vatCode, Label: label}
}

// withPartner sets the line's partner and kind.
func withPartner(l invoicesync.EntryLine, p invoicesync.PartnerRef) invoicesync.EntryLine {
	if !p.IsZero() {
		l.Partner = &p
	}
	l.Kind = invoicesync.KindPartner
	return l
}

func kind(l invoicesync.EntryLine, k invoicesync.LineKind) invoicesync.EntryLine {
	l.Kind = k
	return l
}

// salesEntry is a sales invoice of net plus VAT at 20 %, three lines:
// customer debit, sales credit and VAT collected credit.
func salesEntry(key, number string, customer invoicesync.PartnerRef, net, vat string) *invoicesync.Entry {
	gross := dec(net).Add(dec(vat)).StringFixed(2)
	e := newEntry(invoicesync.Sales, key, number, customer)
	e.DueDate = entryDate.AddDate(0, 0, 30)
	e.Lines = []invoicesync.EntryLine{
		withPartner(debit(AccountCustomers, gross, "", e.Label), customer),
		kind(credit(AccountSales, net, VATSales20, "Consulting, March 2026"), invoicesync.KindRevenue),
		kind(credit(AccountVATCollected, vat, VATSales20, "VAT 20 %"), invoicesync.KindVAT),
	}
	return e
}

// newEntry is an invoice's entry of direction dir without lines: journal VT
// or HA, dated entryDate, in EUR, labelled with the partner's name and the
// invoice number.
func newEntry(dir invoicesync.Direction, key, number string, partner invoicesync.PartnerRef) *invoicesync.Entry {
	journal := JournalSales
	if dir == invoicesync.Purchase {
		journal = JournalPurchases
	}
	return &invoicesync.Entry{
		Journal:        journal,
		Date:           entryDate,
		Reference:      number,
		Label:          partner.Name + " " + number,
		Currency:       "EUR",
		Decimals:       2,
		IdempotencyKey: key,
		InvoiceID:      "inv-" + number,
		Direction:      dir,
		Kind:           invoicesync.KindInvoice,
		Partner:        partner,
	}
}

// sale is the sales entry of 100.00 + 20.00 VAT.
func sale(key, number string, customer invoicesync.PartnerRef) *invoicesync.Entry {
	return salesEntry(key, number, customer, "100.00", "20.00")
}

// purchaseEntry is a purchase invoice of 250.00 + 50.00 VAT, three lines:
// purchases debit, VAT deductible debit and supplier credit.
func purchaseEntry(key, number string, supplier invoicesync.PartnerRef) *invoicesync.Entry {
	e := newEntry(invoicesync.Purchase, key, number, supplier)
	e.Lines = []invoicesync.EntryLine{
		withPartner(credit(AccountSuppliers, "300.00", "", e.Label), supplier),
		kind(debit(AccountPurchases, "250.00", VATPurchase20, "Office furniture"), invoicesync.KindExpense),
		kind(debit(AccountVATDeductible, "50.00", VATPurchase20, "Deductible VAT 20 %"), invoicesync.KindVAT),
	}
	return e
}

// multiVATEntry is a sales invoice with two VAT codes, five lines:
// 83.33 + 16.67 at 20 % and 45.45 + 4.55 at 10 %, 150.00 in all.
func multiVATEntry(key, number string, customer invoicesync.PartnerRef) *invoicesync.Entry {
	e := newEntry(invoicesync.Sales, key, number, customer)
	e.Lines = []invoicesync.EntryLine{
		withPartner(debit(AccountCustomers, "150.00", "", e.Label), customer),
		kind(credit(AccountSales, "83.33", VATSales20, "Training day"), invoicesync.KindRevenue),
		kind(credit(AccountSales, "45.45", VATSales10, "Course books"), invoicesync.KindRevenue),
		kind(credit(AccountVATCollected, "16.67", VATSales20, "VAT 20 %"), invoicesync.KindVAT),
		kind(credit(AccountVATCollected, "4.55", VATSales10, "VAT 10 %"), invoicesync.KindVAT),
	}
	return e
}

func customerFixture() invoicesync.Partner {
	return invoicesync.Partner{
		Role:               invoicesync.Customer,
		Name:               "Exemple Conseil SARL",
		VATNumber:          "FR12345678901",
		RegistrationID:     "12345678900017",
		RegistrationScheme: "0009",
		AuxiliaryAccount:   "411EXEMPLE",
		Country:            "FR",
		Email:              "compta@exemple-conseil.example",
		Address:            invoicesync.Address{Lines: []string{"12 rue de la Paix"}, City: "Paris", PostalCode: "75002", Country: "FR"},
	}
}

func supplierFixture() invoicesync.Partner {
	return invoicesync.Partner{
		Role:               invoicesync.Supplier,
		Name:               "Fournitures Dupont SA",
		VATNumber:          "FR98765432109",
		RegistrationID:     "98765432100025",
		RegistrationScheme: "0009",
		AuxiliaryAccount:   "401DUPONT",
		Country:            "FR",
		Email:              "factures@dupont-fournitures.example",
		Address:            invoicesync.Address{Lines: []string{"3 avenue Jean Jaurès"}, City: "Lyon", PostalCode: "69007", Country: "FR"},
	}
}

// nobodyFixture is a partner of role whose every searchable value no other
// partner of the suite shares.
func nobodyFixture(role invoicesync.PartnerRole, name string) invoicesync.Partner {
	return invoicesync.Partner{
		Role:             role,
		Name:             name,
		VATNumber:        "BE0999999999",
		RegistrationID:   "0999999999",
		AuxiliaryAccount: "NOBODY99",
		Country:          "BE",
	}
}

// ---------------------------------------------------------------------------
// Helpers

func cloneEntry(e *invoicesync.Entry) *invoicesync.Entry {
	c := *e
	c.Lines = slices.Clone(e.Lines)
	for i := range c.Lines {
		if p := c.Lines[i].Partner; p != nil {
			cp := *p
			c.Lines[i].Partner = &cp
		}
	}
	return &c
}

// requireValid fails the test when the suite built an invalid entry: every
// entry the suite posts as valid must pass Entry.Check.
func requireValid(t *testing.T, e *invoicesync.Entry) {
	t.Helper()
	require.NoError(t, e.Check(), "the suite built an invalid entry %s (a bug in ledgertest)", e.IdempotencyKey)
}

// post posts a copy of the valid entry e and returns its reference.
func post(t *testing.T, l invoicesync.LedgerTarget, e *invoicesync.Entry) invoicesync.EntryRef {
	t.Helper()
	requireValid(t, e)
	ref, err := l.PostEntry(context.Background(), cloneEntry(e))
	require.NoError(t, err, "PostEntry %s", e.IdempotencyKey)
	require.NotEmpty(t, ref.ID, "PostEntry %s returned an empty reference ID", e.IdempotencyKey)
	return ref
}

func findEntry(t *testing.T, l invoicesync.LedgerTarget, key string, want invoicesync.EntryRef) {
	t.Helper()
	got, err := l.FindEntry(context.Background(), key)
	require.NoError(t, err, "FindEntry(%q)", key)
	require.Equal(t, want.ID, got.ID, "FindEntry(%q): the reference PostEntry returned", key)
}

func requireNoEntry(t *testing.T, l invoicesync.LedgerTarget, key string) {
	t.Helper()
	ref, err := l.FindEntry(context.Background(), key)
	require.Error(t, err, "FindEntry(%q) found entry %q: nothing should have been recorded", key, ref.ID)
	require.ErrorIs(t, err, invoicesync.ErrNotFound, "FindEntry(%q) of a key never posted", key)
}

func entries(t *testing.T, h Harness) []Stored {
	t.Helper()
	all, err := h.Entries(context.Background())
	require.NoError(t, err, "Harness.Entries")
	return all
}

func refIDs(all []Stored) []string {
	ids := make([]string, len(all))
	for i := range all {
		ids[i] = all[i].Ref.ID
	}
	return ids
}

func storedByID(all []Stored, id string) (Stored, bool) {
	for _, s := range all {
		if s.Ref.ID == id {
			return s, true
		}
	}
	return Stored{}, false
}

func requireStored(t *testing.T, all []Stored, ref invoicesync.EntryRef) Stored {
	t.Helper()
	s, ok := storedByID(all, ref.ID)
	require.True(t, ok, "Harness.Entries does not hold entry %q (held: %q)", ref.ID, refIDs(all))
	return s
}

func createPartner(t *testing.T, l invoicesync.LedgerTarget, p invoicesync.Partner) invoicesync.PartnerRef {
	t.Helper()
	ref, err := l.CreatePartner(context.Background(), p)
	require.NoError(t, err, "CreatePartner %s %q", p.Role, p.Name)
	require.NotEmpty(t, ref.ID, "CreatePartner %s %q returned an empty reference ID", p.Role, p.Name)
	return ref
}

func partnerID(p *invoicesync.PartnerRef) string {
	if p == nil {
		return ""
	}
	return p.ID
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

func fixed(d decimal.Decimal, places int32) string { return d.StringFixed(places) }

// describeLines renders lines for a failure message.
func describeLines(lines []invoicesync.EntryLine, places int32) string {
	var b strings.Builder
	for i := range lines {
		l := &lines[i]
		fmt.Fprintf(&b, "\n\t%d: %s D %s C %s VAT %q partner %q label %q", i+1, l.Account,
			fixed(l.Debit, places), fixed(l.Credit, places), l.VATCode, partnerID(l.Partner), l.Label)
	}
	return b.String()
}

// assertStored checks that got is entry want, posted with reference ref:
// the fields listed on Stored, decimals by value, the date by day.
func assertStored(t *testing.T, got Stored, ref invoicesync.EntryRef, want *invoicesync.Entry) bool {
	t.Helper()
	ok := true
	is := func(cond bool, format string, args ...any) bool {
		t.Helper()
		if !assert.Truef(t, cond, "entry %s: "+format, append([]any{want.IdempotencyKey}, args...)...) {
			ok = false
		}
		return cond
	}
	g, places := &got.Entry, want.Decimals
	is(got.Ref.ID == ref.ID, "Ref.ID %q, PostEntry returned %q", got.Ref.ID, ref.ID)
	is(g.Journal == want.Journal, "Journal %q, want %q", g.Journal, want.Journal)
	is(sameDay(g.Date, want.Date), "Date %s, want %s", g.Date.Format(time.DateOnly), want.Date.Format(time.DateOnly))
	is(g.Reference == want.Reference, "Reference %q, want %q", g.Reference, want.Reference)
	is(g.IdempotencyKey == want.IdempotencyKey, "IdempotencyKey %q, want %q", g.IdempotencyKey, want.IdempotencyKey)
	is(g.Currency == want.Currency, "Currency %q, want %q", g.Currency, want.Currency)
	is(g.Draft == want.Draft, "Draft %t, want %t", g.Draft, want.Draft)
	is(g.Partner.ID == want.Partner.ID, "Partner.ID %q, want %q", g.Partner.ID, want.Partner.ID)
	if !is(len(g.Lines) == len(want.Lines), "%d lines, want %d; got:%s\nwant:%s",
		len(g.Lines), len(want.Lines), describeLines(g.Lines, places), describeLines(want.Lines, places)) {
		return false
	}
	for i := range want.Lines {
		w, gl := &want.Lines[i], &g.Lines[i]
		is(gl.Account == w.Account, "line %d: account %q, want %q", i+1, gl.Account, w.Account)
		is(gl.Debit.Equal(w.Debit), "line %d (%s): debit %s, want %s", i+1, w.Account, fixed(gl.Debit, places), fixed(w.Debit, places))
		is(gl.Credit.Equal(w.Credit), "line %d (%s): credit %s, want %s", i+1, w.Account, fixed(gl.Credit, places), fixed(w.Credit, places))
		is(gl.VATCode == w.VATCode, "line %d (%s): VAT code %q, want %q", i+1, w.Account, gl.VATCode, w.VATCode)
		is(gl.Label == w.Label, "line %d (%s): label %q, want %q", i+1, w.Account, gl.Label, w.Label)
		is(partnerID(gl.Partner) == partnerID(w.Partner), "line %d (%s): partner %q, want %q", i+1, w.Account, partnerID(gl.Partner), partnerID(w.Partner))
	}
	return ok
}

// waitAll waits for wg, failing the test when it takes longer than
// deadlockTimeout.
func waitAll(t *testing.T, wg *sync.WaitGroup, what string) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(deadlockTimeout):
		t.Fatalf("%s did not finish within %s: deadlock?", what, deadlockTimeout)
	}
}

// partnerSearches are the four searches that should find p.
func partnerSearches(p invoicesync.Partner) []invoicesync.PartnerQuery {
	return []invoicesync.PartnerQuery{
		{Role: p.Role, Key: invoicesync.KeyAuxiliaryAccount, Value: p.AuxiliaryAccount},
		{Role: p.Role, Key: invoicesync.KeyVATNumber, Value: p.VATNumber},
		{Role: p.Role, Key: invoicesync.KeyRegistrationID, Value: p.RegistrationID},
		{Role: p.Role, Key: invoicesync.KeyName, Value: p.Name},
	}
}

func hasPartner(list []invoicesync.Partner, id string) bool {
	return slices.ContainsFunc(list, func(p invoicesync.Partner) bool { return p.Ref.ID == id })
}

func partnerIDs(list []invoicesync.Partner) []string {
	ids := make([]string, len(list))
	for i := range list {
		ids[i] = list[i].Ref.ID
	}
	return ids
}

// requireFindable checks that FindPartners finds partner p, created as ref,
// by every key the ledger supports, and by one key at least.
func requireFindable(t *testing.T, l invoicesync.LedgerTarget, p invoicesync.Partner, ref invoicesync.PartnerRef) {
	t.Helper()
	found := 0
	for _, q := range partnerSearches(p) {
		got, err := l.FindPartners(context.Background(), q)
		if errors.Is(err, invoicesync.ErrNotSupported) {
			t.Logf("FindPartners by %s: not supported by this target", q.Key)
			continue
		}
		if !assert.NoError(t, err, "FindPartners(%s, %s = %q)", q.Role, q.Key, q.Value) {
			continue
		}
		if assert.True(t, hasPartner(got, ref.ID), "FindPartners(%s, %s = %q) does not return partner %q (returned %q)",
			q.Role, q.Key, q.Value, ref.ID, partnerIDs(got)) {
			found++
		}
	}
	require.Positive(t, found, "no FindPartners key found the %s %q created as %q", p.Role, p.Name, ref.ID)
}

// requireNotFindable checks that FindPartners finds nobody with p's values,
// by every key the ledger supports.
func requireNotFindable(t *testing.T, l invoicesync.LedgerTarget, p invoicesync.Partner) {
	t.Helper()
	for _, q := range partnerSearches(p) {
		got, err := l.FindPartners(context.Background(), q)
		if errors.Is(err, invoicesync.ErrNotSupported) {
			continue
		}
		if assert.NoError(t, err, "FindPartners(%s, %s = %q) matching nobody: an empty slice and no error", q.Role, q.Key, q.Value) {
			assert.Empty(t, got, "FindPartners(%s, %s = %q) matching nobody returned %q", q.Role, q.Key, q.Value, partnerIDs(got))
		}
	}
}

// supportsDrafts reports whether l keeps entries as drafts.
func supportsDrafts(l invoicesync.LedgerTarget) bool {
	d, ok := l.(invoicesync.DraftPoster)
	return ok && d.SupportsDrafts()
}

// ---------------------------------------------------------------------------
// The chart

func testAccounts(t *testing.T, _ Harness, l invoicesync.LedgerTarget) {
	got, err := l.Accounts(context.Background())
	require.NoError(t, err)
	lists(t, "Accounts", "account", got, FixtureChart().Accounts, func(a invoicesync.Account) (string, string) { return a.Number, a.Name },
		func(want, a invoicesync.Account) {
			assert.Equal(t, want.Active, a.Active, "Accounts: Active of account %s (%s)", want.Number, want.Name)
		})
}

func testVATCodes(t *testing.T, _ Harness, l invoicesync.LedgerTarget) {
	got, err := l.VATCodes(context.Background())
	require.NoError(t, err)
	lists(t, "VATCodes", "code", got, FixtureChart().VATCodes, func(v invoicesync.VATCode) (string, string) { return v.Code, v.Name },
		func(want, v invoicesync.VATCode) {
			assert.Equal(t, want.Active, v.Active, "VATCodes: Active of code %s (%s)", want.Code, want.Name)
			assert.True(t, want.Rate.Equal(v.Rate), "VATCodes: rate of code %s is %s, want %s", want.Code, v.Rate, want.Rate)
		})
}

func testJournals(t *testing.T, _ Harness, l invoicesync.LedgerTarget) {
	got, err := l.Journals(context.Background())
	require.NoError(t, err)
	lists(t, "Journals", "journal", got, FixtureChart().Journals, func(j invoicesync.Journal) (string, string) { return j.Code, j.Name },
		func(invoicesync.Journal, invoicesync.Journal) {})
}

// lists checks that the listing got of method holds every item of want
// (what is each one's kind, for messages), by the key that id returns with
// the item's name; same compares a wanted item with the one listed.
func lists[T any](t *testing.T, method, what string, got, want []T, id func(T) (key, name string), same func(want, got T)) {
	t.Helper()
	listed := make(map[string]T, len(got))
	for _, g := range got {
		k, _ := id(g)
		listed[k] = g
	}
	for _, w := range want {
		k, name := id(w)
		if g, ok := listed[k]; assert.True(t, ok, "%s does not list %s %s (%s)", method, what, k, name) {
			same(w, g)
		}
	}
}

// ---------------------------------------------------------------------------
// Posting

// testPostOne posts e on an empty ledger, then reads it back.
func testPostOne(t *testing.T, h Harness, l invoicesync.LedgerTarget, e *invoicesync.Entry) {
	ref := post(t, l, e)
	findEntry(t, l, e.IdempotencyKey, ref)
	all := entries(t, h)
	require.Len(t, all, 1, "Harness.Entries after one PostEntry: %q", refIDs(all))
	assertStored(t, all[0], ref, e)
}

func testPostSales(t *testing.T, h Harness, l invoicesync.LedgerTarget) {
	customer := createPartner(t, l, customerFixture())
	testPostOne(t, h, l, sale("ledgertest-sales", "F-2026-0001", customer))
}

func testPostPurchase(t *testing.T, h Harness, l invoicesync.LedgerTarget) {
	supplier := createPartner(t, l, supplierFixture())
	testPostOne(t, h, l, purchaseEntry("ledgertest-purchase", "DUP-88412", supplier))
}

func testPostMultiVAT(t *testing.T, h Harness, l invoicesync.LedgerTarget) {
	customer := createPartner(t, l, customerFixture())
	testPostOne(t, h, l, multiVATEntry("ledgertest-multivat", "F-2026-0002", customer))
}

// testPostSeveral posts three entries one after the other: three references,
// each found by its key, and the entries held in the order they were posted.
func testPostSeveral(t *testing.T, h Harness, l invoicesync.LedgerTarget) {
	customer := createPartner(t, l, customerFixture())
	supplier := createPartner(t, l, supplierFixture())
	posted := []*invoicesync.Entry{
		sale("ledgertest-several-1", "F-2026-0011", customer),
		purchaseEntry("ledgertest-several-2", "DUP-88413", supplier),
		multiVATEntry("ledgertest-several-3", "F-2026-0012", customer),
	}
	refs := make([]invoicesync.EntryRef, len(posted))
	for i, e := range posted {
		refs[i] = post(t, l, e)
		for j := range i {
			require.NotEqual(t, refs[j].ID, refs[i].ID, "two entries posted with different keys got the same reference")
		}
	}
	for i, e := range posted {
		findEntry(t, l, e.IdempotencyKey, refs[i])
	}
	all := entries(t, h)
	require.Equal(t, []string{refs[0].ID, refs[1].ID, refs[2].ID}, refIDs(all), "Harness.Entries: the entries in the order they were posted")
	for i, e := range posted {
		assertStored(t, all[i], refs[i], e)
	}
}

func testFindEntryUnknown(t *testing.T, _ Harness, l invoicesync.LedgerTarget) {
	requireNoEntry(t, l, "ledgertest-never-posted")
	customer := createPartner(t, l, customerFixture())
	post(t, l, sale("ledgertest-posted", "F-2026-0021", customer))
	requireNoEntry(t, l, "ledgertest-never-posted")
	requireNoEntry(t, l, "ledgertest-posted-not") // a key that only starts like one posted
}

// testIdempotencyKey posts a key twice, the second time with other amounts
// and labels: the first entry's reference, no error, nothing recorded.
func testIdempotencyKey(t *testing.T, h Harness, l invoicesync.LedgerTarget) {
	ctx := context.Background()
	customer := createPartner(t, l, customerFixture())
	const key = "ledgertest-idempotent"
	first := sale(key, "F-2026-0031", customer)
	ref := post(t, l, first)

	second := salesEntry(key, "F-2026-0031", customer, "200.00", "40.00")
	second.Label = "changed label"
	second.Lines[1].Label = "changed line label"
	requireValid(t, second)
	again, err := l.PostEntry(ctx, cloneEntry(second))
	require.NoError(t, err, "PostEntry of a key posted already must return the existing entry's reference and no error")
	require.Equal(t, ref.ID, again.ID, "PostEntry of a key posted already: the first entry's reference")

	same, err := l.PostEntry(ctx, cloneEntry(first))
	require.NoError(t, err, "PostEntry of the same entry again")
	require.Equal(t, ref.ID, same.ID, "PostEntry of the same entry again: the first entry's reference")

	findEntry(t, l, key, ref)
	all := entries(t, h)
	require.Len(t, all, 1, "posting a key again must record nothing: Harness.Entries holds %q", refIDs(all))
	assertStored(t, all[0], ref, first)
}

// ---------------------------------------------------------------------------
// Rejections

// A mutation turns a valid sales entry into one the ledger must reject.
type mutation func(t *testing.T, l invoicesync.LedgerTarget, e *invoicesync.Entry)

func unbalanced(t *testing.T, _ invoicesync.LedgerTarget, e *invoicesync.Entry) {
	// Debit 100.00, credits 83.33 + 16.66 = 99.99.
	e.Lines[0].Debit = dec("100.00")
	e.Lines[1].Credit = dec("83.33")
	e.Lines[2].Credit = dec("16.66")
	require.ErrorIs(t, e.Check(), invoicesync.ErrUnbalanced, "the unbalanced fixture (a bug in ledgertest)")
}

func malformed(t *testing.T, _ invoicesync.LedgerTarget, e *invoicesync.Entry) {
	// Balanced, but with a zero line.
	e.Lines = append(e.Lines, invoicesync.EntryLine{Account: e.Lines[1].Account, Debit: dec("0"), Credit: dec("0"), Label: "zero"})
	require.ErrorIs(t, e.Check(), invoicesync.ErrUnbalanced, "the malformed fixture (a bug in ledgertest)")
	d, c := e.Totals()
	require.True(t, d.Equal(c), "the malformed fixture balances (a bug in ledgertest)")
}

func unknownAccount(t *testing.T, l invoicesync.LedgerTarget, e *invoicesync.Entry) {
	const number = "706999"
	got, err := l.Accounts(context.Background())
	require.NoError(t, err)
	require.False(t, slices.ContainsFunc(got, func(a invoicesync.Account) bool { return a.Number == number }),
		"the ledger has account %s, which the suite needs to be unknown", number)
	e.Lines[1].Account = number
}

func inactiveAccount(_ *testing.T, _ invoicesync.LedgerTarget, e *invoicesync.Entry) {
	e.Lines[1].Account = AccountClosed
}

func unknownVATCode(t *testing.T, l invoicesync.LedgerTarget, e *invoicesync.Entry) {
	const code = "X99"
	got, err := l.VATCodes(context.Background())
	require.NoError(t, err)
	require.False(t, slices.ContainsFunc(got, func(v invoicesync.VATCode) bool { return v.Code == code }),
		"the ledger has VAT code %s, which the suite needs to be unknown", code)
	e.Lines[1].VATCode, e.Lines[2].VATCode = code, code
}

func inactiveVATCode(_ *testing.T, _ invoicesync.LedgerTarget, e *invoicesync.Entry) {
	e.Lines[1].VATCode, e.Lines[2].VATCode = VATInactive, VATInactive
}

func unknownJournal(t *testing.T, l invoicesync.LedgerTarget, e *invoicesync.Entry) {
	const code = "ZZ"
	got, err := l.Journals(context.Background())
	require.NoError(t, err)
	require.False(t, slices.ContainsFunc(got, func(j invoicesync.Journal) bool { return j.Code == code }),
		"the ledger has journal %s, which the suite needs to be unknown", code)
	e.Journal = code
}

func unknownPartner(_ *testing.T, _ invoicesync.LedgerTarget, e *invoicesync.Entry) {
	e.Partner = ghostPartner
	p := ghostPartner
	e.Lines[0].Partner = &p
}

func unknownEntryPartner(_ *testing.T, _ invoicesync.LedgerTarget, e *invoicesync.Entry) {
	e.Partner = ghostPartner
}

func unknownLinePartner(_ *testing.T, _ invoicesync.LedgerTarget, e *invoicesync.Entry) {
	p := ghostPartner
	e.Lines[0].Partner = &p
}

// testReject posts a sales entry spoiled by mutate: the error must wrap want,
// and nothing be recorded, not even the key: the valid entry then posts
// under the same key, as the Syncer retries once the mapping or the ledger
// is corrected.
func testReject(mutate mutation, want error) check {
	return func(t *testing.T, h Harness, l invoicesync.LedgerTarget) {
		ctx := context.Background()
		customer := createPartner(t, l, customerFixture())
		const key = "ledgertest-rejected"
		good := sale(key, "F-2026-0041", customer)
		requireValid(t, good)
		bad := cloneEntry(good)
		mutate(t, l, bad)
		if !errors.Is(want, invoicesync.ErrUnbalanced) {
			require.NoError(t, bad.Check(), "the entry to reject must pass Entry.Check: the ledger, not Check, rejects it")
		}
		before := refIDs(entries(t, h))

		ref, err := l.PostEntry(ctx, cloneEntry(bad))
		require.Error(t, err, "PostEntry accepted an entry it must reject (reference %q); lines:%s", ref.ID, describeLines(bad.Lines, 2))
		require.ErrorIs(t, err, want)

		require.Equal(t, before, refIDs(entries(t, h)), "a rejected entry must record nothing")
		requireNoEntry(t, l, key)

		// The key is still free.
		ref = post(t, l, good)
		findEntry(t, l, key, ref)
		all := entries(t, h)
		require.Len(t, all, len(before)+1, "the corrected entry, posted under the key of the rejected one")
		assertStored(t, requireStored(t, all, ref), ref, good)
	}
}

// ---------------------------------------------------------------------------
// Partners

// testPartnerRole creates the partner fixture() makes, finds it by each key,
// finds nobody by values nobody has, and posts an entry naming it.
func testPartnerRole(fixture func() invoicesync.Partner) check {
	return func(t *testing.T, h Harness, l invoicesync.LedgerTarget) {
		p := fixture()
		requireNotFindable(t, l, p)
		ref := createPartner(t, l, p)
		requireFindable(t, l, p, ref)
		requireNotFindable(t, l, nobodyFixture(p.Role, "Nobody Ever Registered Ltd"))

		var e *invoicesync.Entry
		if p.Role == invoicesync.Supplier {
			e = purchaseEntry("ledgertest-partner-entry", "DUP-88414", ref)
		} else {
			e = sale("ledgertest-partner-entry", "F-2026-0051", ref)
		}
		posted := post(t, l, e)
		findEntry(t, l, e.IdempotencyKey, posted)
		s := requireStored(t, entries(t, h), posted)
		assertStored(t, s, posted, e)
	}
}

func testListPartners(t *testing.T, _ Harness, l invoicesync.LedgerTarget) {
	lister, ok := l.(invoicesync.PartnerLister)
	if !ok {
		t.Skip("the target does not implement invoicesync.PartnerLister: ListPartners not tested")
	}
	ctx := context.Background()
	customer := createPartner(t, l, customerFixture())
	supplier := createPartner(t, l, supplierFixture())
	for _, c := range []struct {
		role invoicesync.PartnerRole
		ref  invoicesync.PartnerRef
	}{{invoicesync.Customer, customer}, {invoicesync.Supplier, supplier}} {
		got, err := lister.ListPartners(ctx, c.role)
		if assert.NoError(t, err, "ListPartners(%s)", c.role) {
			assert.True(t, hasPartner(got, c.ref.ID), "ListPartners(%s) does not return the %s created, %q (returned %q)",
				c.role, c.role, c.ref.ID, partnerIDs(got))
		}
	}
}

// ---------------------------------------------------------------------------
// Drafts and attachments

func testDrafts(t *testing.T, h Harness, l invoicesync.LedgerTarget) {
	ctx := context.Background()
	customer := createPartner(t, l, customerFixture())
	draft := sale("ledgertest-draft", "F-2026-0061", customer)
	draft.Draft = true
	requireValid(t, draft)

	if !supportsDrafts(l) {
		t.Log("the target does not support drafts: PostEntry must refuse one with ErrNotSupported")
		ref, err := l.PostEntry(ctx, cloneEntry(draft))
		require.Error(t, err, "PostEntry of a draft on a target without drafts returned reference %q", ref.ID)
		require.ErrorIs(t, err, invoicesync.ErrNotSupported)
		require.Empty(t, entries(t, h), "a refused draft must record nothing")
		requireNoEntry(t, l, draft.IdempotencyKey)
		return
	}

	t.Log("the target supports drafts: a draft is kept as a draft")
	ref := post(t, l, draft)
	findEntry(t, l, draft.IdempotencyKey, ref) // FindEntry sees drafts
	final := sale("ledgertest-final", "F-2026-0062", customer)
	finalRef := post(t, l, final)
	findEntry(t, l, final.IdempotencyKey, finalRef)
	require.NotEqual(t, ref.ID, finalRef.ID)

	all := entries(t, h)
	require.Len(t, all, 2, "Harness.Entries: %q", refIDs(all))
	assertStored(t, requireStored(t, all, ref), ref, draft)
	assertStored(t, requireStored(t, all, finalRef), finalRef, final)
}

func testAttachments(t *testing.T, h Harness, l invoicesync.LedgerTarget) {
	a, ok := l.(invoicesync.Attacher)
	if !ok {
		t.Skip("attachments are not supported by this target (it does not implement invoicesync.Attacher)")
	}
	ctx := context.Background()
	customer := createPartner(t, l, customerFixture())
	e := sale("ledgertest-attach", "F-1", customer)
	ref := post(t, l, e)
	other := post(t, l, sale("ledgertest-attach-other", "F-2", customer))

	named := func(docs []invoicesync.Document, name string) []invoicesync.Document {
		var out []invoicesync.Document
		for _, d := range docs {
			if d.FileName == name {
				out = append(out, d)
			}
		}
		return out
	}
	pdf := invoicesync.Document{FileName: "F-1.pdf", MediaType: "application/pdf", Data: []byte("%PDF-1.4 ledgertest first version")}
	require.NoError(t, a.Attach(ctx, ref, pdf), "Attach %s", pdf.FileName)
	docs := requireStored(t, entries(t, h), ref).Attachments
	require.Len(t, docs, 1, "attachments after one Attach")
	assert.Equal(t, pdf.FileName, docs[0].FileName)
	assert.Equal(t, pdf.Data, docs[0].Data, "the attached document's data")

	// The same file name again: still one copy, the first or the second.
	pdf2 := pdf
	pdf2.Data = []byte("%PDF-1.4 ledgertest second version")
	require.NoError(t, a.Attach(ctx, ref, pdf2), "Attach %s again", pdf.FileName)
	docs = requireStored(t, entries(t, h), ref).Attachments
	same := named(docs, pdf.FileName)
	require.Len(t, same, 1, "attaching the same file name twice must not create a second copy")
	assert.True(t, string(same[0].Data) == string(pdf.Data) || string(same[0].Data) == string(pdf2.Data),
		"the document attached twice holds %q: neither version", same[0].Data)
	require.Len(t, docs, 1, "attachments after attaching the same file name twice")

	xml := invoicesync.Document{FileName: "F-1.xml", MediaType: "application/xml", Data: []byte("<Invoice>F-1</Invoice>")}
	require.NoError(t, a.Attach(ctx, ref, xml), "Attach %s", xml.FileName)
	all := entries(t, h)
	docs = requireStored(t, all, ref).Attachments
	require.Len(t, docs, 2, "attachments after a second file name")
	if got := named(docs, xml.FileName); assert.Len(t, got, 1, "document %s", xml.FileName) {
		assert.Equal(t, xml.Data, got[0].Data)
	}
	assert.Empty(t, requireStored(t, all, other).Attachments, "an entry nothing was attached to")

	err := a.Attach(ctx, invoicesync.EntryRef{ID: "no-such-entry"}, pdf)
	require.Error(t, err, "Attach to an entry that does not exist")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
}

// ---------------------------------------------------------------------------
// Concurrency

// postAll posts batch[i] from goroutine i, all at once, and returns each
// call's reference and error.
func postAll(t *testing.T, l invoicesync.LedgerTarget, batch []*invoicesync.Entry) ([]invoicesync.EntryRef, []error) {
	t.Helper()
	refs := make([]invoicesync.EntryRef, len(batch))
	errs := make([]error, len(batch))
	for _, e := range batch {
		requireValid(t, e)
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, e := range batch {
		wg.Go(func() {
			<-start
			refs[i], errs[i] = l.PostEntry(context.Background(), e)
		})
	}
	close(start)
	waitAll(t, &wg, fmt.Sprintf("%d concurrent PostEntry calls", len(batch)))
	return refs, errs
}

func testConcurrentPosts(t *testing.T, h Harness, l invoicesync.LedgerTarget) {
	customer := createPartner(t, l, customerFixture())
	want := make([]*invoicesync.Entry, concurrency)
	posted := make([]*invoicesync.Entry, concurrency)
	for i := range want {
		net := fmt.Sprintf("%d.%02d", 10*(i+1), i) // 10.00, 20.01, ...
		vat := dec(net).Mul(dec("0.2")).Round(2).StringFixed(2)
		want[i] = salesEntry(fmt.Sprintf("ledgertest-concurrent-%02d", i), fmt.Sprintf("F-2026-1%03d", i), customer, net, vat)
		posted[i] = cloneEntry(want[i])
	}
	refs, errs := postAll(t, l, posted)
	seen := map[string]int{}
	for i := range refs {
		require.NoError(t, errs[i], "concurrent PostEntry %s", want[i].IdempotencyKey)
		require.NotEmpty(t, refs[i].ID, "concurrent PostEntry %s returned an empty reference", want[i].IdempotencyKey)
		if j, dup := seen[refs[i].ID]; dup {
			t.Fatalf("entries %s and %s, posted concurrently with different keys, got the same reference %q",
				want[j].IdempotencyKey, want[i].IdempotencyKey, refs[i].ID)
		}
		seen[refs[i].ID] = i
	}
	all := entries(t, h)
	require.Len(t, all, concurrency, "Harness.Entries after %d concurrent posts: %q", concurrency, refIDs(all))
	for i, e := range want {
		findEntry(t, l, e.IdempotencyKey, refs[i])
		assertStored(t, requireStored(t, all, refs[i]), refs[i], e)
	}
}

func testConcurrentSameKey(t *testing.T, h Harness, l invoicesync.LedgerTarget) {
	customer := createPartner(t, l, customerFixture())
	post(t, l, sale("ledgertest-before", "F-2026-0071", customer))
	before := len(entries(t, h))

	want := sale("ledgertest-same-key", "F-2026-0072", customer)
	posted := make([]*invoicesync.Entry, concurrency)
	for i := range posted {
		posted[i] = cloneEntry(want)
	}
	refs, errs := postAll(t, l, posted)
	for i := range refs {
		require.NoError(t, errs[i], "PostEntry %d of %d of the same key", i+1, concurrency)
		require.NotEmpty(t, refs[i].ID, "PostEntry %d of %d of the same key returned an empty reference", i+1, concurrency)
		require.Equal(t, refs[0].ID, refs[i].ID, "concurrent posts of the same key must all return the one entry's reference")
	}
	findEntry(t, l, want.IdempotencyKey, refs[0])
	all := entries(t, h)
	require.Len(t, all, before+1, "%d concurrent posts of one key must record one entry: Harness.Entries holds %q", concurrency, refIDs(all))
	assertStored(t, requireStored(t, all, refs[0]), refs[0], want)
}

// ---------------------------------------------------------------------------
// Cancellation and restart

// testCancelledContext calls every method with a context cancelled
// beforehand: each fails with an error wrapping context.Canceled and does
// nothing.
func testCancelledContext(t *testing.T, h Harness, l invoicesync.LedgerTarget) {
	live := context.Background()
	customer := createPartner(t, l, customerFixture())
	existing := sale("ledgertest-existing", "F-2026-0081", customer)
	existingRef := post(t, l, existing)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	canceled := func(method string, err error) {
		t.Helper()
		assert.ErrorIs(t, err, context.Canceled, "%s with a cancelled context", method)
	}

	_, err := l.Accounts(ctx)
	canceled("Accounts", err)
	_, err = l.VATCodes(ctx)
	canceled("VATCodes", err)
	_, err = l.Journals(ctx)
	canceled("Journals", err)

	// A target may refuse a key it cannot search before looking at ctx.
	cancelledOnce := false
	for _, q := range partnerSearches(customerFixture()) {
		got, err := l.FindPartners(ctx, q)
		if errors.Is(err, invoicesync.ErrNotSupported) {
			continue
		}
		canceled(fmt.Sprintf("FindPartners(%s, %s = %q)", q.Role, q.Key, q.Value), err)
		assert.Empty(t, got, "FindPartners with a cancelled context returned partners")
		cancelledOnce = true
	}
	assert.True(t, cancelledOnce, "no FindPartners key was tried with a cancelled context: every key is not supported")

	ghost := nobodyFixture(invoicesync.Supplier, "Cancelled Call Trading Ltd")
	_, err = l.CreatePartner(ctx, ghost)
	canceled("CreatePartner", err)

	const key = "ledgertest-cancelled"
	e := sale(key, "F-2026-0082", customer)
	requireValid(t, e)
	_, err = l.PostEntry(ctx, cloneEntry(e))
	canceled("PostEntry", err)

	_, err = l.FindEntry(ctx, existing.IdempotencyKey)
	canceled("FindEntry", err)

	a, attacher := l.(invoicesync.Attacher)
	if attacher {
		err = a.Attach(ctx, existingRef, invoicesync.Document{FileName: "F-2026-0081.pdf", MediaType: "application/pdf", Data: []byte("%PDF-1.4 cancelled")})
		canceled("Attach", err)
	}
	lister, isLister := l.(invoicesync.PartnerLister)
	if isLister {
		_, err = lister.ListPartners(ctx, invoicesync.Customer)
		canceled("ListPartners", err)
	}

	// Nothing was done.
	requireNoEntry(t, l, key)
	all := entries(t, h)
	require.Equal(t, []string{existingRef.ID}, refIDs(all), "Harness.Entries after calls with a cancelled context")
	if attacher {
		assert.Empty(t, all[0].Attachments, "Attach with a cancelled context attached a document")
	}
	requireNotFindable(t, l, ghost)
	if isLister {
		got, err := lister.ListPartners(live, ghost.Role)
		require.NoError(t, err)
		assert.False(t, slices.ContainsFunc(got, func(p invoicesync.Partner) bool { return p.Name == ghost.Name }),
			"CreatePartner with a cancelled context created %q", ghost.Name)
	}
}

// testRestart posts, reopens the ledger, and checks that what was posted is
// still found by key, not posted twice, and that new entries get new
// references.
func testRestart(t *testing.T, h Harness, l invoicesync.LedgerTarget) {
	r, ok := h.(Reopener)
	if !ok {
		t.Skip("the harness does not implement ledgertest.Reopener: restart not tested")
	}
	ctx := context.Background()
	customer := createPartner(t, l, customerFixture())
	first := sale("ledgertest-restart-1", "F-2026-0091", customer)
	second := multiVATEntry("ledgertest-restart-2", "F-2026-0092", customer)
	second.Draft = supportsDrafts(l)
	ref1, ref2 := post(t, l, first), post(t, l, second)

	reopened, err := r.Reopen(ctx)
	require.NoError(t, err, "Reopen")
	require.NotNil(t, reopened, "Reopen returned a nil ledger")
	l = reopened

	findEntry(t, l, first.IdempotencyKey, ref1)
	findEntry(t, l, second.IdempotencyKey, ref2)
	again, err := l.PostEntry(ctx, cloneEntry(first))
	require.NoError(t, err, "PostEntry, after a restart, of a key posted before")
	require.Equal(t, ref1.ID, again.ID, "PostEntry, after a restart, of a key posted before: the first entry's reference")
	all := entries(t, h)
	require.Equal(t, []string{ref1.ID, ref2.ID}, refIDs(all), "Harness.Entries after a restart")
	assertStored(t, all[0], ref1, first)
	assertStored(t, all[1], ref2, second)

	third := sale("ledgertest-restart-3", "F-2026-0093", customer)
	ref3 := post(t, l, third)
	require.NotEqual(t, ref1.ID, ref3.ID, "an entry posted after a restart got the reference of one posted before")
	require.NotEqual(t, ref2.ID, ref3.ID, "an entry posted after a restart got the reference of one posted before")
	findEntry(t, l, third.IdempotencyKey, ref3)
	require.Len(t, entries(t, h), 3, "Harness.Entries after a restart and a new post")

	requireFindable(t, l, customerFixture(), customer)
}
