package sourcetest_test

import (
	"context"
	"errors"
	"iter"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
	"github.com/invoicesync/invoicesync/connector/sourcetest"
)

// The suite must fail on a source that breaks the contract. Each source
// below wraps a memory source and breaks one promise; TestBrokenSources runs
// the suite on each in a child process (a failing subtest cannot be
// observed from inside the test that runs it) and checks that the child
// fails, in the subtest that covers the broken promise.

// brokenEnv names the broken source TestBrokenSourceChild runs the suite on.
const brokenEnv = "SOURCETEST_BROKEN_SOURCE"

// brokenSource is a memory source wrapped so as to break one promise.
type brokenSource struct {
	name     string                                         // the source's name, in $SOURCETEST_BROKEN_SOURCE
	wrap     func(*memoryHarness) invoicesync.InvoiceSource // makes the source over the harness's
	mustFail string                                         // the subtest that must fail
}

// brokenSources are the broken sources.
var brokenSources = []brokenSource{
	{"yields-twice", func(h *memoryHarness) invoicesync.InvoiceSource { return yieldsTwice{h.src} }, "Changed"},
	{"cursor-one-behind", func(h *memoryHarness) invoicesync.InvoiceSource { return cursorBehind{h.src} }, "Resume"},
	{"timestamp-cursor", func(h *memoryHarness) invoicesync.InvoiceSource { return timestampCursor{h.src, h.batches} }, "Resume"},
	{"cursor-ahead", func(h *memoryHarness) invoicesync.InvoiceSource { return cursorAhead{h.src, h.batches} }, "ChangedDuringListing"},
	{"offset-pages", func(h *memoryHarness) invoicesync.InvoiceSource { return offsetPages{h.src} }, "ChangedDuringListing"},
	{"stale-invoice", func(h *memoryHarness) invoicesync.InvoiceSource { return &staleInvoice{Source: h.src} }, "Invoice"},
	{"ends-on-unreadable", func(h *memoryHarness) invoicesync.InvoiceSource { return endsOnUnreadable{h.src} }, "Unreadable"},
	{"ignores-context", func(h *memoryHarness) invoicesync.InvoiceSource { return ignoresContext{h.src} }, "CancelledContext"},
}

// yieldsTwice yields every invoice twice.
type yieldsTwice struct{ *memory.Source }

// Changed yields each invoice of the memory source twice in a row.
func (s yieldsTwice) Changed(ctx context.Context, cursor string) iter.Seq2[invoicesync.Invoice, error] {
	return func(yield func(invoicesync.Invoice, error) bool) {
		for inv, err := range s.Source.Changed(ctx, cursor) {
			if !yield(inv, err) || (err == nil && !yield(inv, nil)) {
				return
			}
		}
	}
}

// cursorBehind gives each invoice the cursor of the change before it, so
// that resuming from it yields the invoice again.
type cursorBehind struct{ *memory.Source }

// Changed yields the memory source's invoices with their cursor one behind.
func (s cursorBehind) Changed(ctx context.Context, cursor string) iter.Seq2[invoicesync.Invoice, error] {
	return func(yield func(invoicesync.Invoice, error) bool) {
		for inv, err := range s.Source.Changed(ctx, cursor) {
			if n, perr := strconv.ParseInt(inv.Cursor, 10, 64); perr == nil && n > 0 {
				inv.Cursor = memory.FormatCursor(n - 1)
			}
			if !yield(inv, err) {
				return
			}
		}
	}
}

// timestampCursor stamps each invoice with the time of its change, as a
// tool that records changes to the second, and resumes after that time:
// the invoices changed at the same time as the one resumed from, and not
// yet yielded, are skipped. The time of a change is the number of the
// harness call that made it (every invoice of one PutInvoices shares it).
type timestampCursor struct {
	*memory.Source
	times map[int64]int // change sequence number → its time
}

// Changed yields the memory source's invoices with the time of their
// change as cursor, resuming after the last change of that time.
func (s timestampCursor) Changed(ctx context.Context, cursor string) iter.Seq2[invoicesync.Invoice, error] {
	return func(yield func(invoicesync.Invoice, error) bool) {
		from := ""
		if t, err := strconv.Atoi(cursor); err == nil {
			var last int64
			for seq, at := range s.times {
				if at <= t && seq > last {
					last = seq
				}
			}
			from = memory.FormatCursor(last)
		}
		for inv, err := range s.Source.Changed(ctx, from) {
			if seq, perr := strconv.ParseInt(inv.Cursor, 10, 64); perr == nil {
				inv.Cursor = strconv.Itoa(s.times[seq])
			}
			if !yield(inv, err) {
				return
			}
		}
	}
}

// cursorAhead gives each invoice the cursor of the latest change the tool
// holds when it is yielded, as a source that resumes from the time a
// listing ended: a change made during the listing to an invoice already
// yielded is never yielded.
type cursorAhead struct {
	*memory.Source
	changes map[int64]int // every change's sequence number
}

// Changed yields the memory source's invoices with the latest change's cursor.
func (s cursorAhead) Changed(ctx context.Context, cursor string) iter.Seq2[invoicesync.Invoice, error] {
	return func(yield func(invoicesync.Invoice, error) bool) {
		for inv, err := range s.Source.Changed(ctx, cursor) {
			if inv.Cursor != "" {
				inv.Cursor = memory.FormatCursor(slices.Max(slices.Collect(maps.Keys(s.changes))))
			}
			if !yield(inv, err) {
				return
			}
		}
	}
}

// offsetPages pages through the memory source's listing by offset, two
// invoices a page, listing again for each page: an invoice changed while it
// pages moves to the end of the listing, and the invoice after it is
// skipped.
type offsetPages struct{ *memory.Source }

// Changed yields the listing from cursor two by two, by offset.
func (s offsetPages) Changed(ctx context.Context, cursor string) iter.Seq2[invoicesync.Invoice, error] {
	return func(yield func(invoicesync.Invoice, error) bool) {
		for offset := 0; ; offset += 2 {
			var page []invoicesync.Invoice
			i := 0
			for inv, err := range s.Source.Changed(ctx, cursor) {
				if err != nil {
					yield(inv, err)
					return
				}
				if i >= offset && i < offset+2 {
					page = append(page, inv)
				}
				i++
			}
			for _, inv := range page {
				if !yield(inv, nil) {
					return
				}
			}
			if len(page) < 2 {
				return
			}
		}
	}
}

// staleInvoice returns from Invoice the first version it read of each
// invoice.
type staleInvoice struct {
	*memory.Source
	first map[string]invoicesync.Invoice
}

// Invoice returns the first version of id it returned.
func (s *staleInvoice) Invoice(ctx context.Context, id string) (invoicesync.Invoice, error) {
	if inv, ok := s.first[id]; ok {
		return inv, nil
	}
	inv, err := s.Source.Invoice(ctx, id)
	if err == nil {
		if s.first == nil {
			s.first = make(map[string]invoicesync.Invoice)
		}
		s.first[id] = inv
	}
	return inv, err
}

// endsOnUnreadable ends the stream on an unreadable invoice, with an error
// that names no invoice.
type endsOnUnreadable struct{ *memory.Source }

// Changed ends at the first unreadable invoice.
func (s endsOnUnreadable) Changed(ctx context.Context, cursor string) iter.Seq2[invoicesync.Invoice, error] {
	return func(yield func(invoicesync.Invoice, error) bool) {
		for inv, err := range s.Source.Changed(ctx, cursor) {
			if err != nil {
				yield(invoicesync.Invoice{}, errors.New("cannot read "+inv.ID))
				return
			}
			if !yield(inv, nil) {
				return
			}
		}
	}
}

// ignoresContext calls the memory source with a context that is never done.
type ignoresContext struct{ *memory.Source }

// Changed calls the memory source's with a live context.
func (s ignoresContext) Changed(_ context.Context, cursor string) iter.Seq2[invoicesync.Invoice, error] {
	return s.Source.Changed(context.Background(), cursor)
}

// Invoice calls the memory source's with a live context.
func (s ignoresContext) Invoice(_ context.Context, id string) (invoicesync.Invoice, error) {
	return s.Source.Invoice(context.Background(), id)
}

// Contact calls the memory source's with a live context.
func (s ignoresContext) Contact(_ context.Context, ref string) (invoicesync.Party, error) {
	return s.Source.Contact(context.Background(), ref)
}

// TestBrokenSourceChild runs the suite on the broken source named by
// $SOURCETEST_BROKEN_SOURCE. It is run by TestBrokenSources in a child
// process, and skipped otherwise.
func TestBrokenSourceChild(t *testing.T) {
	name := os.Getenv(brokenEnv)
	if name == "" {
		t.Skip("run by TestBrokenSources with " + brokenEnv + " set")
	}
	i := slices.IndexFunc(brokenSources, func(b brokenSource) bool { return b.name == name })
	require.GreaterOrEqual(t, i, 0, "no broken source named %q", name)
	wrap := brokenSources[i].wrap
	sourcetest.RunConformance(t, func(context.Context, *testing.T) (sourcetest.Harness, error) {
		return &memoryHarness{wrap: wrap}, nil
	})
}

// TestBrokenSources checks that the suite fails on each broken source, in
// the subtest covering the promise the source breaks.
func TestBrokenSources(t *testing.T) {
	if os.Getenv(brokenEnv) != "" {
		t.Skip("in a child process")
	}
	for _, b := range brokenSources {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // a guard, not a timing
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestBrokenSourceChild$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), brokenEnv+"="+b.name)
			out, err := cmd.CombinedOutput()
			output := string(out)

			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit), "the suite passed on a broken source (error %v); output:\n%s", err, output)
			require.NotZero(t, exit.ExitCode(), "exit code")
			assert.Contains(t, output, "--- FAIL: TestBrokenSourceChild/"+b.mustFail+" (",
				"subtest %s did not fail; output:\n%s", b.mustFail, output)
			// The suite ran through: the promises the source keeps pass.
			assert.Contains(t, output, "--- PASS: TestBrokenSourceChild/Contacts (", "output:\n%s", output)
			if t.Failed() {
				return
			}
			var failed []string
			for _, line := range strings.Split(output, "\n") {
				if _, name, ok := strings.Cut(line, "--- FAIL: TestBrokenSourceChild/"); ok {
					failed = append(failed, strings.Fields(name)[0])
				}
			}
			t.Logf("%s fails %s", b.name, strings.Join(failed, ", "))
		})
	}
}
