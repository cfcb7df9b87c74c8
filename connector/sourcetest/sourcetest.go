package sourcetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// maxItems bounds the items the suite reads from one stream: a source that
// yields without end fails instead of hanging.
const maxItems = 10_000

// check is one test of the suite, run on a new source.
type check func(s *suite)

// RunConformance runs the conformance suite as subtests of t, one per
// contract. For each, it makes a Harness with newHarness, calls MakeSource
// and registers the Harness's Close with t.Cleanup. The subtests run one
// after the other; each works on its own source.
//
// The subtests that need an optional capability the source lacks
// (AttachmentFetcher, unreadable documents) are skipped with a message
// saying so. The suite names things the tool must not have: invoice
// "no-such-invoice", contact "no-such-contact" and attachment
// "no-such-attachment".
func RunConformance(t *testing.T, newHarness HarnessMaker) {
	t.Helper()
	tests := []struct {
		name string
		fn   check
	}{
		{"Changed", testChanged},
		{"Resume", testResume},
		{"ResumeAfterEnd", testResumeAfterEnd},
		{"ChangedDuringListing", testChangedDuringListing},
		{"Invoice", testInvoice},
		{"Unreadable", testUnreadable},
		{"CancelledContext", testCancelledContext},
		{"BreakEarly", testBreakEarly},
		{"Contacts", testContacts},
		{"Attachments", testAttachments},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			h, err := newHarness(ctx, t)
			require.NoError(t, err, "making the harness")
			require.NotNil(t, h, "the HarnessMaker returned a nil Harness")
			src, err := h.MakeSource(ctx)
			require.NoError(t, err, "MakeSource")
			t.Cleanup(h.Close)
			require.NotNil(t, src, "MakeSource returned a nil source")
			_, full := h.(FullLister)
			tc.fn(&suite{t: t, ctx: ctx, h: h, src: src, full: full, want: make(map[string]version)})
		})
	}
}

// version is what the suite last put under an invoice ID.
type version struct {
	n, v int
	dir  invoicesync.Direction
	kind invoicesync.Kind
	inv  invoicesync.Invoice // the fixture put, ID set
}

// suite is one test's state: the source and what the suite put into it.
type suite struct {
	t     *testing.T
	ctx   context.Context
	h     Harness
	src   invoicesync.InvoiceSource
	full  bool               // the harness is a FullLister
	want  map[string]version // invoice ID → the version last put
	order []string           // the IDs put, in order
}

// put adds the fixture invoices as one change and returns their IDs.
func (s *suite) put(invs ...invoicesync.Invoice) []string {
	s.t.Helper()
	ids, err := s.h.PutInvoices(s.ctx, invs...)
	require.NoError(s.t, err, "Harness.PutInvoices")
	require.Len(s.t, ids, len(invs), "Harness.PutInvoices returned %d IDs for %d invoices", len(ids), len(invs))
	for i, id := range ids {
		require.NotEmpty(s.t, id, "Harness.PutInvoices returned an empty ID")
		_, taken := s.want[id]
		require.False(s.t, taken, "Harness.PutInvoices returned ID %q for a new invoice, already the ID of another", id)
		var n int
		_, err := fmt.Sscanf(invs[i].Number[3:], "%d", &n)
		require.NoError(s.t, err, "the number of a fixture (a bug in sourcetest)")
		inv := invs[i]
		inv.ID = id
		s.want[id] = version{n: n, dir: inv.Direction, kind: inv.Kind, inv: inv}
		s.order = append(s.order, id)
	}
	return ids
}

// putEach adds the invoices one change each and returns their IDs.
func (s *suite) putEach(invs ...invoicesync.Invoice) []string {
	s.t.Helper()
	var ids []string
	for _, inv := range invs {
		ids = append(ids, s.put(inv)...)
	}
	return ids
}

// change puts the next version of each invoice ids, as one change.
func (s *suite) change(ids ...string) {
	s.t.Helper()
	invs := make([]invoicesync.Invoice, len(ids))
	for i, id := range ids {
		w, ok := s.want[id]
		require.True(s.t, ok, "the suite changes an invoice it did not put (a bug in sourcetest)")
		invs[i] = fixture(w.n, w.v+1, w.dir, w.kind)
		invs[i].ID = id
	}
	got, err := s.h.PutInvoices(s.ctx, invs...)
	require.NoError(s.t, err, "Harness.PutInvoices (a change)")
	require.Equal(s.t, ids, got, "Harness.PutInvoices must keep the IDs of the invoices it changes")
	for i, id := range ids {
		w := s.want[id]
		w.v++
		w.inv = invs[i]
		s.want[id] = w
	}
}

// item is one (invoice, error) pair of a stream.
type item struct {
	inv invoicesync.Invoice
	err error
}

// unreadable reports whether it is an invoice the source could not read:
// an ID and an error wrapping a permanent *SyncError. The stream goes on
// after it.
func (it item) unreadable() bool {
	var se *invoicesync.SyncError
	return it.err != nil && it.inv.ID != "" && errors.As(it.err, &se) && !se.Retryable()
}

// read reads the stream from cursor as the Syncer does: to its end, or to
// its first error that is not an unreadable invoice, which it returns.
func (s *suite) read(ctx context.Context, cursor string) ([]item, error) {
	s.t.Helper()
	var out []item
	for inv, err := range s.src.Changed(ctx, cursor) {
		it := item{inv, err}
		if err != nil && !it.unreadable() {
			return out, err
		}
		out = append(out, it)
		require.Less(s.t, len(out), maxItems, "the stream from %q does not end", cursor)
	}
	return out, nil
}

// stream reads the stream from cursor, requiring it to end without error
// and every invoice in it to be readable.
func (s *suite) stream(cursor string) []invoicesync.Invoice {
	s.t.Helper()
	items, err := s.read(s.ctx, cursor)
	require.NoError(s.t, err, "Changed(%q) ended with an error", cursor)
	invs := make([]invoicesync.Invoice, len(items))
	for i, it := range items {
		require.NoError(s.t, it.err, "Changed(%q) yielded invoice %q as unreadable", cursor, it.inv.ID)
		invs[i] = it.inv
	}
	return invs
}

// ids returns the IDs of invs, in order.
func ids(invs []invoicesync.Invoice) []string {
	out := make([]string, len(invs))
	for i := range invs {
		out[i] = invs[i].ID
	}
	return out
}

// requireOnce fails when an ID appears twice in invs.
func (s *suite) requireOnce(invs []invoicesync.Invoice, what string) {
	s.t.Helper()
	seen := make(map[string]bool)
	for _, id := range ids(invs) {
		require.False(s.t, seen[id], "%s yielded invoice %q twice (yielded: %q)", what, id, ids(invs))
		seen[id] = true
	}
}

// requireExactly fails unless invs hold each of want once and nothing else.
func (s *suite) requireExactly(invs []invoicesync.Invoice, want []string, what string) {
	s.t.Helper()
	s.requireOnce(invs, what)
	got := slices.Sorted(slices.Values(ids(invs)))
	w := slices.Sorted(slices.Values(want))
	require.Equal(s.t, w, got, "%s: the invoices yielded", what)
}

// requireCursors fails when an invoice of a stream has no cursor (unless
// the source is a FullLister).
func (s *suite) requireCursors(invs []invoicesync.Invoice, what string) {
	s.t.Helper()
	if s.full {
		return
	}
	for _, inv := range invs {
		require.NotEmpty(s.t, inv.Cursor, "%s yielded invoice %q without a Cursor", what, inv.ID)
	}
}

// requireLatest fails unless inv is, in content, the version last put
// under its ID.
func (s *suite) requireLatest(inv invoicesync.Invoice, what string) {
	s.t.Helper()
	w, ok := s.want[inv.ID]
	require.True(s.t, ok, "%s yielded invoice %q, which the suite never put", what, inv.ID)
	if d := diff(inv, w.inv); len(d) > 0 {
		s.t.Fatalf("%s: invoice %q (%s) is not version %d of what was put:\n\t%s", what, inv.ID, w.inv.Number, w.v+1, strings.Join(d, "\n\t"))
	}
}

// diff lists how got differs from want in what the suite compares.
func diff(got, want invoicesync.Invoice) []string {
	var d []string
	is := func(ok bool, format string, args ...any) {
		if !ok {
			d = append(d, fmt.Sprintf(format, args...))
		}
	}
	is(got.Number == want.Number, "Number %q, want %q", got.Number, want.Number)
	is(got.Direction == want.Direction, "Direction %q, want %q", got.Direction, want.Direction)
	is(got.Kind == want.Kind, "Kind %q, want %q", got.Kind, want.Kind)
	is(got.Currency == want.Currency, "Currency %q, want %q", got.Currency, want.Currency)
	is(got.IssueDate.Format("2006-01-02") == want.IssueDate.Format("2006-01-02"), "IssueDate %s, want %s",
		got.IssueDate.Format("2006-01-02"), want.IssueDate.Format("2006-01-02"))
	gt, wt := got.Totals, want.Totals
	is(gt.Net.Equal(wt.Net), "Totals.Net %s, want %s", gt.Net, wt.Net)
	is(gt.VAT.Equal(wt.VAT), "Totals.VAT %s, want %s", gt.VAT, wt.VAT)
	is(gt.Gross.Equal(wt.Gross), "Totals.Gross %s, want %s", gt.Gross, wt.Gross)
	is(gt.Payable.Equal(wt.Payable), "Totals.Payable %s, want %s", gt.Payable, wt.Payable)
	if len(got.Lines) != len(want.Lines) {
		return append(d, fmt.Sprintf("%d lines, want %d", len(got.Lines), len(want.Lines)))
	}
	for i := range want.Lines {
		g, w := got.Lines[i], want.Lines[i]
		is(g.NetAmount.Equal(w.NetAmount), "line %d: NetAmount %s, want %s", i+1, g.NetAmount, w.NetAmount)
		is(g.VATRate.Valid && g.VATRate.Decimal.Equal(w.VATRate.Decimal), "line %d: VATRate %v, want %s", i+1, g.VATRate, w.VATRate.Decimal)
	}
	return d
}

// party resolves inv's party: inv.Party, or the contact its ContactRef names.
func (s *suite) party(inv invoicesync.Invoice) invoicesync.Party {
	s.t.Helper()
	if inv.Party != nil {
		return *inv.Party
	}
	require.NotEmpty(s.t, inv.ContactRef, "invoice %q has neither Party nor ContactRef", inv.ID)
	p, err := s.src.Contact(s.ctx, inv.ContactRef)
	require.NoError(s.t, err, "Contact(%q), the ContactRef of invoice %q", inv.ContactRef, inv.ID)
	return p
}

// ---------------------------------------------------------------------------
// The checks

// testChanged: every invoice put is yielded once, as put, with a cursor.
func testChanged(s *suite) {
	all := s.putEach(purchase(1), purchase(2), sale(3), creditNote(4))
	all = append(all, s.put(purchase(5), sale(6))...)
	got := s.stream("")
	s.requireExactly(got, all, `Changed("")`)
	s.requireCursors(got, `Changed("")`)
	for _, inv := range got {
		s.requireLatest(inv, `Changed("")`)
		want := s.want[inv.ID].inv.Party
		p := s.party(inv)
		assert.Equal(s.t, want.Name, p.Name, "invoice %q: the party's name", inv.ID)
		assert.Equal(s.t, want.VATNumber, p.VATNumber, "invoice %q: the party's VAT number", inv.ID)
	}
}

// testResume: resuming from the cursor of each invoice yields exactly the
// invoices after it, those sharing its timestamp included.
func testResume(s *suite) {
	s.putEach(purchase(1), purchase(2))
	s.put(purchase(3), sale(4), creditNote(5)) // one instant
	s.put(purchase(6))
	s.put(purchase(7), purchase(8)) // one instant
	got := s.stream("")
	s.requireExactly(got, slices.Clone(s.order), `Changed("")`)
	s.requireCursors(got, `Changed("")`)
	if s.full {
		for _, inv := range got {
			s.requireExactly(s.stream(inv.Cursor), ids(got), fmt.Sprintf("Changed(%q) of a source listing everything", inv.Cursor))
		}
		return
	}
	for k, inv := range got {
		what := fmt.Sprintf("Changed(%q), the cursor of invoice %d of %d (%s)", inv.Cursor, k+1, len(got), inv.Number)
		rest := s.stream(inv.Cursor)
		s.requireExactly(rest, ids(got[k+1:]), what)
		for _, r := range rest {
			s.requireLatest(r, what)
		}
	}
}

// testResumeAfterEnd: the last cursor yields nothing until an invoice
// changes or is added; then exactly those.
func testResumeAfterEnd(s *suite) {
	put := s.putEach(purchase(1), sale(2), purchase(3))
	first := s.stream("")
	s.requireExactly(first, put, `Changed("")`)
	last := first[len(first)-1].Cursor
	if s.full {
		s.change(put[1])
		added := s.put(purchase(4))
		again := s.stream(last)
		s.requireExactly(again, append(slices.Clone(put), added...), "a second stream of a source listing everything")
		for _, inv := range again {
			s.requireLatest(inv, "a second stream of a source listing everything")
		}
		return
	}
	s.requireExactly(s.stream(last), nil, fmt.Sprintf("Changed(%q), the last cursor, with nothing changed since", last))
	s.change(put[1])
	added := s.put(purchase(4))
	what := fmt.Sprintf("Changed(%q), the last cursor, after a change and an addition", last)
	next := s.stream(last)
	s.requireExactly(next, []string{put[1], added[0]}, what)
	s.requireCursors(next, what)
	for _, inv := range next {
		s.requireLatest(inv, what)
	}
	end := next[len(next)-1].Cursor
	s.requireExactly(s.stream(end), nil, fmt.Sprintf("Changed(%q), the new last cursor, with nothing changed since", end))
}

// testChangedDuringListing changes an invoice already yielded and one not
// yet yielded, and adds one, while a stream is read: no invoice is yielded
// twice by the stream, and each is yielded in its latest version by it or
// by the next stream, resumed from its last cursor.
func testChangedDuringListing(s *suite) {
	s.put(purchase(1), purchase(2), purchase(3)) // one instant
	s.put(sale(4), purchase(5))                  // one instant
	s.putEach(purchase(6), purchase(7))
	before := slices.Clone(s.order)

	var first []invoicesync.Invoice
	var changed []string // the invoices changed or added during the stream
	for inv, err := range s.src.Changed(s.ctx, "") {
		require.NoError(s.t, err, `Changed("") while invoices change`)
		first = append(first, inv)
		require.Less(s.t, len(first), maxItems, "the stream does not end")
		if len(first) != 3 {
			continue
		}
		// The first invoice yielded, and one still to come, change; one is added.
		seen := ids(first)
		i := slices.IndexFunc(before, func(id string) bool { return !slices.Contains(seen, id) })
		require.GreaterOrEqual(s.t, i, 0, "the stream yielded all %d invoices before the third", len(before))
		s.change(seen[0], before[i])
		changed = append(changed, seen[0], before[i])
		changed = append(changed, s.put(purchase(8))...)
	}
	require.Len(s.t, changed, 3, "the stream yielded fewer than 3 of the %d invoices put", len(before))
	s.requireOnce(first, "a stream during which invoices changed")
	s.requireCursors(first, "a stream during which invoices changed")
	for _, id := range before {
		if !slices.Contains(changed, id) {
			require.Contains(s.t, ids(first), id, "a stream during which other invoices changed lost invoice %q, unchanged", id)
		}
	}
	cursor := ""
	for _, inv := range first {
		if inv.Cursor != "" {
			cursor = inv.Cursor
		}
	}
	what := fmt.Sprintf("Changed(%q), resumed after a stream during which invoices changed", cursor)
	second := s.stream(cursor)
	s.requireOnce(second, what)
	s.requireCursors(second, what)
	if !s.full {
		for _, id := range ids(second) {
			require.Contains(s.t, changed, id, "%s yielded invoice %q, unchanged since the first stream yielded it", what, id)
		}
	}
	// The last version each ID was yielded in is the latest.
	last := make(map[string]invoicesync.Invoice)
	for _, inv := range slices.Concat(first, second) {
		last[inv.ID] = inv
	}
	for id := range s.want {
		inv, ok := last[id]
		require.True(s.t, ok, "invoice %q was yielded by neither the stream during which it changed nor the next one (%s)", id, what)
		s.requireLatest(inv, "the two streams together")
	}
	if s.full || len(second) == 0 {
		return
	}
	end := second[len(second)-1].Cursor
	s.requireExactly(s.stream(end), nil, fmt.Sprintf("Changed(%q), the last cursor, with nothing changed since", end))
}

// testInvoice: Invoice returns what Changed gave, with Cursor empty, before
// and after a change, and ErrNotFound for an unknown id.
func testInvoice(s *suite) {
	put := s.putEach(purchase(1), sale(2), creditNote(3))
	s.requireInvoices()
	s.change(put[0])
	s.requireInvoices()
	_, err := s.src.Invoice(s.ctx, "no-such-invoice")
	require.ErrorIs(s.t, err, invoicesync.ErrNotFound, `Invoice("no-such-invoice")`)
}

// requireInvoices checks that Invoice returns, for every invoice of the
// stream from the beginning, what the stream yielded.
func (s *suite) requireInvoices() {
	s.t.Helper()
	for _, streamed := range s.stream("") {
		got, err := s.src.Invoice(s.ctx, streamed.ID)
		require.NoError(s.t, err, "Invoice(%q)", streamed.ID)
		assert.Equal(s.t, streamed.ID, got.ID, "Invoice(%q): ID", streamed.ID)
		assert.Empty(s.t, got.Cursor, "Invoice(%q): Cursor", streamed.ID)
		assert.Equal(s.t, invoicesync.Fingerprint(&streamed), invoicesync.Fingerprint(&got),
			"Invoice(%q) differs from what Changed yielded:%s", streamed.ID, "\n\t"+strings.Join(diff(got, streamed), "\n\t"))
		s.requireLatest(got, fmt.Sprintf("Invoice(%q)", streamed.ID))
	}
}

// testUnreadable: an unreadable invoice is yielded with its ID and a
// permanent *SyncError, and the stream goes on.
func testUnreadable(s *suite) {
	good := s.put(purchase(1))
	bad, err := s.h.PutUnreadable(s.ctx)
	if errors.Is(err, invoicesync.ErrNotSupported) {
		s.t.Skipf("the harness cannot put an unreadable invoice: %v", err)
	}
	require.NoError(s.t, err, "Harness.PutUnreadable")
	require.NotEmpty(s.t, bad, "Harness.PutUnreadable returned an empty ID")
	good = append(good, s.put(purchase(2))...)

	items, err := s.read(s.ctx, "")
	require.NoError(s.t, err, `Changed("") with an unreadable invoice must not end with an error: an unreadable invoice is yielded with its ID and a permanent *SyncError`)
	var readable []invoicesync.Invoice
	found := false
	for _, it := range items {
		if it.err == nil {
			readable = append(readable, it.inv)
			continue
		}
		require.Equal(s.t, bad, it.inv.ID, "an invoice yielded as unreadable")
		require.False(s.t, found, "the unreadable invoice %q was yielded twice", bad)
		found = true
		if !s.full {
			require.NotEmpty(s.t, it.inv.Cursor, "the unreadable invoice %q was yielded without a Cursor", bad)
		}
	}
	require.True(s.t, found, "the unreadable invoice %q was not yielded (yielded: %q)", bad, ids(readable))
	s.requireExactly(readable, good, "the readable invoices of a stream holding an unreadable one")

	inv, err := s.src.Invoice(s.ctx, bad)
	var se *invoicesync.SyncError
	require.ErrorAs(s.t, err, &se, "Invoice(%q) of an unreadable invoice must return a *SyncError", bad)
	require.False(s.t, se.Retryable(), "Invoice(%q): the SyncError of an unreadable invoice must be permanent, got code %s", bad, se.Code)
	require.Equal(s.t, bad, inv.ID, "Invoice(%q) of an unreadable invoice must return its ID", bad)
}

// testCancelledContext: every method fails with context.Canceled on a
// cancelled context, and a stream cancelled while read stops.
func testCancelledContext(s *suite) {
	put := s.putEach(purchase(1), purchase(2), purchase(3))
	ref, contactErr := s.h.PutContact(s.ctx, invoicesync.Supplier, Supplier)
	if contactErr != nil {
		ref = "no-such-contact"
	}
	ctx, cancel := context.WithCancel(s.ctx)
	cancel()

	items, err := s.read(ctx, "")
	require.Empty(s.t, items, `Changed("") with a cancelled context yielded invoices`)
	require.ErrorIs(s.t, err, context.Canceled, `Changed("") with a cancelled context`)
	_, err = s.src.Invoice(ctx, put[0])
	require.ErrorIs(s.t, err, context.Canceled, "Invoice with a cancelled context")
	_, err = s.src.Contact(ctx, ref)
	require.ErrorIs(s.t, err, context.Canceled, "Contact with a cancelled context")
	if af, ok := s.src.(invoicesync.AttachmentFetcher); ok {
		_, err = af.FetchAttachment(ctx, put[0], invoicesync.AttachmentRef{ID: "no-such-attachment"})
		require.ErrorIs(s.t, err, context.Canceled, "FetchAttachment with a cancelled context")
	}
	if cw, ok := s.src.(invoicesync.ContactWriter); ok {
		_, err = cw.Contacts(ctx, invoicesync.Supplier)
		require.ErrorIs(s.t, err, context.Canceled, "Contacts with a cancelled context")
		_, err = cw.CreateContact(ctx, invoicesync.Customer, Customer)
		require.ErrorIs(s.t, err, context.Canceled, "CreateContact with a cancelled context")
		list, err := cw.Contacts(s.ctx, invoicesync.Customer)
		require.NoError(s.t, err, "Contacts")
		for _, p := range list {
			require.NotEqual(s.t, Customer.VATNumber, p.VATNumber, "CreateContact with a cancelled context created contact %q", p.SourceID)
		}
	}

	// Cancelled while read: the next item is context.Canceled, then nothing.
	ctx, cancel = context.WithCancel(s.ctx)
	defer cancel()
	n, after := 0, 0
	var streamErr error
	for inv, err := range s.src.Changed(ctx, "") {
		if streamErr != nil {
			after++
			break
		}
		if err != nil {
			streamErr = err
			continue // see whether the source yields again after its error
		}
		n++
		require.Less(s.t, n, 2, "the stream yielded invoice %q after its context was cancelled", inv.ID)
		cancel()
	}
	require.ErrorIs(s.t, streamErr, context.Canceled, "the stream whose context was cancelled after its first invoice")
	require.Zero(s.t, after, "the stream went on after yielding its context's error")
}

// testBreakEarly: a stream left after its first invoice can be read again.
func testBreakEarly(s *suite) {
	put := s.putEach(purchase(1), purchase(2), purchase(3))
	for range 3 {
		for _, err := range s.src.Changed(s.ctx, "") {
			require.NoError(s.t, err, `Changed("")`)
			break
		}
	}
	s.requireExactly(s.stream(""), put, `Changed("") after streams left early`)
}

// testContacts: contacts resolve by reference with their VAT number and
// number; a ContactWriter lists them, and those it creates, by role.
func testContacts(s *suite) {
	_, err := s.src.Contact(s.ctx, "no-such-contact")
	require.ErrorIs(s.t, err, invoicesync.ErrNotFound, `Contact("no-such-contact")`)
	ref, err := s.h.PutContact(s.ctx, invoicesync.Supplier, Supplier)
	if errors.Is(err, invoicesync.ErrNotSupported) {
		s.t.Skipf("the tool keeps no contacts of its own: %v", err)
	}
	require.NoError(s.t, err, "Harness.PutContact")
	requireParty := func(got invoicesync.Party, want invoicesync.Party, what string) {
		s.t.Helper()
		assert.Equal(s.t, want.Name, got.Name, "%s: Name", what)
		assert.Equal(s.t, want.VATNumber, got.VATNumber, "%s: VATNumber", what)
		assert.Equal(s.t, want.RegistrationID, got.RegistrationID, "%s: RegistrationID (the contact's number)", what)
	}
	p, err := s.src.Contact(s.ctx, ref)
	require.NoError(s.t, err, "Contact(%q)", ref)
	requireParty(p, Supplier, fmt.Sprintf("Contact(%q)", ref))

	cw, ok := s.src.(invoicesync.ContactWriter)
	if !ok {
		return
	}
	find := func(role invoicesync.PartnerRole, id string) invoicesync.Party {
		s.t.Helper()
		list, err := cw.Contacts(s.ctx, role)
		require.NoError(s.t, err, "Contacts(%s)", role)
		i := slices.IndexFunc(list, func(p invoicesync.Party) bool { return p.SourceID == id })
		require.GreaterOrEqual(s.t, i, 0, "Contacts(%s) does not list contact %q", role, id)
		return list[i]
	}
	requireParty(find(invoicesync.Supplier, ref), Supplier, fmt.Sprintf("Contacts(supplier), contact %q", ref))
	created, err := cw.CreateContact(s.ctx, invoicesync.Customer, Customer)
	require.NoError(s.t, err, "CreateContact")
	require.NotEmpty(s.t, created.SourceID, "CreateContact returned no SourceID")
	requireParty(find(invoicesync.Customer, created.SourceID), Customer, fmt.Sprintf("Contacts(customer), contact %q", created.SourceID))
	p, err = s.src.Contact(s.ctx, created.SourceID)
	require.NoError(s.t, err, "Contact(%q) of a contact CreateContact made", created.SourceID)
	requireParty(p, Customer, fmt.Sprintf("Contact(%q)", created.SourceID))
}

// testAttachments: an AttachmentFetcher returns each invoice's PDF, and
// ErrNotFound for an unknown attachment or invoice.
func testAttachments(s *suite) {
	af, ok := s.src.(invoicesync.AttachmentFetcher)
	if !ok {
		s.t.Skip("the source is not an invoicesync.AttachmentFetcher")
	}
	s.putEach(purchase(1), sale(2))
	var ref invoicesync.AttachmentRef
	var id string
	for _, inv := range s.stream("") {
		number := s.want[inv.ID].inv.Number
		i := slices.IndexFunc(inv.Attachments, func(a invoicesync.AttachmentRef) bool { return a.MediaType == "application/pdf" })
		require.GreaterOrEqual(s.t, i, 0, "invoice %q (%s) has no PDF attachment (attachments: %+v)", inv.ID, number, inv.Attachments)
		a := inv.Attachments[i]
		data := a.Data
		if len(data) == 0 {
			doc, err := af.FetchAttachment(s.ctx, inv.ID, a)
			require.NoError(s.t, err, "FetchAttachment(%q, %q)", inv.ID, a.ID)
			assert.Equal(s.t, "application/pdf", doc.MediaType, "FetchAttachment(%q, %q): media type", inv.ID, a.ID)
			assert.NotEmpty(s.t, doc.FileName, "FetchAttachment(%q, %q): file name", inv.ID, a.ID)
			data = doc.Data
		}
		assert.Equal(s.t, string(PDF(number)), string(data), "the PDF of invoice %q (%s)", inv.ID, number)
		ref, id = a, inv.ID
	}
	_, err := af.FetchAttachment(s.ctx, id, invoicesync.AttachmentRef{ID: "no-such-attachment", FileName: "no-such-attachment.pdf"})
	require.ErrorIs(s.t, err, invoicesync.ErrNotFound, "FetchAttachment of an unknown attachment")
	_, err = af.FetchAttachment(s.ctx, "no-such-invoice", ref)
	require.ErrorIs(s.t, err, invoicesync.ErrNotFound, "FetchAttachment of an unknown invoice's attachment")
}
