package memory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/invoicesync/invoicesync"
)

// Method names a method of Ledger or Source, for fault injection, latency and
// call counters. The values are the methods' names.
type Method string

// The methods of Ledger (the invoicesync.LedgerTarget,
// invoicesync.PartnerLister, invoicesync.EntryBatchFinder and
// invoicesync.Attacher methods).
const (
	Accounts      Method = "Accounts"      // Ledger.Accounts
	VATCodes      Method = "VATCodes"      // Ledger.VATCodes
	Journals      Method = "Journals"      // Ledger.Journals
	FindPartners  Method = "FindPartners"  // Ledger.FindPartners
	ListPartners  Method = "ListPartners"  // Ledger.ListPartners
	CreatePartner Method = "CreatePartner" // Ledger.CreatePartner
	PostEntry     Method = "PostEntry"     // Ledger.PostEntry
	FindEntry     Method = "FindEntry"     // Ledger.FindEntry
	FindEntries   Method = "FindEntries"   // Ledger.FindEntries
	Attach        Method = "Attach"        // Ledger.Attach
)

// The methods of Source (the invoicesync.InvoiceSource,
// invoicesync.ContactWriter and invoicesync.AttachmentFetcher methods).
const (
	Changed         Method = "Changed"         // Source.Changed
	Invoice         Method = "Invoice"         // Source.Invoice
	Contact         Method = "Contact"         // Source.Contact
	Contacts        Method = "Contacts"        // Source.Contacts
	CreateContact   Method = "CreateContact"   // Source.CreateContact
	FetchAttachment Method = "FetchAttachment" // Source.FetchAttachment
)

// ledgerMethods and sourceMethods are the methods each fake accepts.
var (
	ledgerMethods = []Method{Accounts, VATCodes, Journals, FindPartners, ListPartners, CreatePartner, PostEntry, FindEntry, FindEntries, Attach}
	sourceMethods = []Method{Changed, Invoice, Contact, Contacts, CreateContact, FetchAttachment}
)

// FaultKind says how an injected fault fails a call.
type FaultKind int

// The kinds of fault.
const (
	// FaultError fails the call with Fault.Err (wrapped) before it does
	// anything: nothing is recorded.
	FaultError FaultKind = iota + 1
	// FaultTemporary fails the call before it does anything, as an API answering
	// 429 Too Many Requests or 503 Service Unavailable would: the error is a
	// *TemporaryError, which wraps invoicesync.ErrTemporary, so
	// invoicesync.Retryable reports true.
	FaultTemporary
	// FaultLoseResponse lets the call take effect exactly as it would have (an
	// entry is stored, a partner created, a document attached — or the call is
	// rejected, if it would have been), then replaces its result with an error
	// wrapping ErrResponseLost, which is not retryable: the caller cannot know
	// whether the call happened. This is what the Syncer recovers from by
	// asking FindEntry. On a read, it simply fails the call.
	FaultLoseResponse
	// FaultCommitLate, on PostEntry only, fails the call as a client that
	// stopped waiting at its deadline sees it (an error wrapping
	// ErrTimedOut, not retryable), while the ledger goes on and records the
	// entry later: when Ledger.CommitLate is called. Until then FindEntry
	// does not see it. This is the server that commits after the client gave
	// up, which Ledger.SetCommitWindow declares to the Syncer.
	FaultCommitLate
)

// String returns the kind's name.
func (k FaultKind) String() string {
	switch k {
	case FaultError:
		return "FaultError"
	case FaultTemporary:
		return "FaultTemporary"
	case FaultLoseResponse:
		return "FaultLoseResponse"
	case FaultCommitLate:
		return "FaultCommitLate"
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// Fault is a failure to inject into calls of one method, with Ledger.Inject or
// Source.Inject.
//
// Calls are numbered per method from 1, counting every call (failed ones
// included) since the fake was made or since ResetCalls. A fault applies to
// the calls it names whatever else happens to them: when a call's ctx is done
// first, the call returns ctx.Err() and the fault is spent all the same.
type Fault struct {
	// Method is the method whose calls fail.
	Method Method
	// Call is the number of the first call that fails. Zero means the next
	// call after Inject.
	Call int
	// Times is how many consecutive calls fail, starting at Call. Zero means
	// one; a negative value means every call from Call on (until ClearFaults).
	Times int
	// Kind says how the calls fail.
	Kind FaultKind
	// Err is the error of a FaultError; the call's error wraps it. When nil,
	// a generic "injected failure" error is used.
	Err error
	// Status is the HTTP status a FaultTemporary pretends to have received:
	// 429 or 503 (the default when zero); any status may be given.
	Status int
	// After, for faults on Source.Changed only, is how many invoices the
	// stream yields before it yields the fault's error. Zero fails at once.
	After int
}

// ErrResponseLost is wrapped by the error of a call under FaultLoseResponse:
// the request reached the fake and took effect, and its answer was lost. It
// does not wrap invoicesync.ErrTemporary: retrying blindly could do the work
// twice.
var ErrResponseLost = errors.New("connection reset after the request was sent")

// ErrTimedOut is wrapped by the error of a call under FaultCommitLate: the
// client stopped waiting, and the ledger may still record the request. It
// does not wrap invoicesync.ErrTemporary.
var ErrTimedOut = errors.New("timed out waiting for the answer; the request may still be processed")

// ErrInjected is the error of a FaultError injected without Err.
var ErrInjected = errors.New("injected failure")

// TemporaryError is the error of a call under FaultTemporary: the fake
// pretends the API answered with a 429 or 503 status, before doing anything.
// It wraps invoicesync.ErrTemporary, so invoicesync.Retryable reports true.
type TemporaryError struct {
	// Method is the method that failed.
	Method Method
	// Call is the number of the call that failed.
	Call int
	// Status is the HTTP status, e.g. 503.
	Status int
}

// Error returns e.g. "memory: PostEntry call 3: 503 Service Unavailable".
func (e *TemporaryError) Error() string {
	return fmt.Sprintf("memory: %s call %d: %d %s", e.Method, e.Call, e.Status, statusText(e.Status))
}

// Unwrap returns invoicesync.ErrTemporary.
func (e *TemporaryError) Unwrap() error { return invoicesync.ErrTemporary }

func statusText(code int) string {
	switch code {
	case 408:
		return "Request Timeout"
	case 429:
		return "Too Many Requests"
	case 500:
		return "Internal Server Error"
	case 502:
		return "Bad Gateway"
	case 503:
		return "Service Unavailable"
	case 504:
		return "Gateway Timeout"
	}
	return "Status"
}

// injector holds the call counters, injected faults and latencies of a fake.
type injector struct {
	methods []Method // the methods this fake has

	mu      sync.Mutex
	calls   map[Method]int
	faults  []Fault // Call resolved to an absolute number, Times non-zero
	latency map[Method]time.Duration
	all     time.Duration
}

func newInjector(methods []Method) *injector {
	return &injector{
		methods: methods,
		calls:   make(map[Method]int, len(methods)),
		latency: make(map[Method]time.Duration),
	}
}

func (in *injector) check(m Method, fn string) {
	if !slices.Contains(in.methods, m) {
		panic(fmt.Sprintf("memory: %s: %q is not a method of this fake (one of %v)", fn, m, in.methods))
	}
}

func (in *injector) inject(faults []Fault) {
	for _, f := range faults { // all valid, or none added
		in.check(f.Method, "Inject")
		switch {
		case f.Kind < FaultError || f.Kind > FaultCommitLate:
			panic(fmt.Sprintf("memory: Inject: invalid fault kind %d", int(f.Kind)))
		case f.Kind == FaultCommitLate && f.Method != PostEntry:
			panic("memory: Inject: FaultCommitLate applies to PostEntry only")
		case f.Call < 0:
			panic(fmt.Sprintf("memory: Inject: negative call number %d", f.Call))
		case f.After < 0:
			panic(fmt.Sprintf("memory: Inject: negative After %d", f.After))
		case f.After > 0 && f.Method != Changed:
			panic("memory: Inject: After applies to Changed only")
		}
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, f := range faults {
		if f.Call == 0 {
			f.Call = in.calls[f.Method] + 1
		}
		if f.Times == 0 {
			f.Times = 1
		}
		if f.Status == 0 {
			f.Status = 503
		}
		in.faults = append(in.faults, f)
	}
}

func (in *injector) clearFaults() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.faults = nil
}

func (in *injector) setLatency(m Method, d time.Duration) {
	in.check(m, "SetLatency")
	in.mu.Lock()
	defer in.mu.Unlock()
	if d <= 0 {
		delete(in.latency, m)
	} else {
		in.latency[m] = d
	}
}

func (in *injector) setLatencyAll(d time.Duration) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.all = max(d, 0)
}

func (in *injector) count(m Method) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.calls[m]
}

func (in *injector) counts() map[Method]int {
	in.mu.Lock()
	defer in.mu.Unlock()
	c := make(map[Method]int, len(in.methods))
	for _, m := range in.methods {
		c[m] = in.calls[m]
	}
	return c
}

func (in *injector) reset() {
	in.mu.Lock()
	defer in.mu.Unlock()
	clear(in.calls)
}

// call is one call in progress: its number and the fault that applies, if any.
type call struct {
	method Method
	n      int
	fault  *Fault
}

// begin counts a call of m, waits for its latency (honouring ctx), and fails
// it when ctx is done or when a fault that fails before any effect applies:
// any fault of a read (commits false), FaultError and FaultTemporary on a
// write. The returned call says whether a write's response is to be lost.
func (in *injector) begin(ctx context.Context, m Method, commits bool) (call, error) {
	in.mu.Lock()
	in.calls[m]++
	c := call{method: m, n: in.calls[m]}
	for i := range in.faults {
		f := &in.faults[i]
		if f.Method == m && c.n >= f.Call && (f.Times < 0 || c.n < f.Call+f.Times) {
			ff := *f
			c.fault = &ff
			break
		}
	}
	delay := in.all + in.latency[m]
	in.mu.Unlock()

	if err := ctx.Err(); err != nil {
		return c, err
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return c, ctx.Err()
		case <-t.C:
		}
	}
	if c.fault != nil && c.fault.After == 0 && (!commits || c.fault.Kind != FaultLoseResponse && c.fault.Kind != FaultCommitLate) {
		return c, c.err()
	}
	return c, nil
}

// err returns the error of c's fault.
func (c call) err() error {
	f := c.fault
	switch f.Kind {
	case FaultTemporary:
		return &TemporaryError{Method: c.method, Call: c.n, Status: f.Status}
	case FaultLoseResponse:
		return fmt.Errorf("memory: %s call %d: %w", c.method, c.n, ErrResponseLost)
	case FaultCommitLate:
		return fmt.Errorf("memory: %s call %d: %w", c.method, c.n, ErrTimedOut)
	}
	err := f.Err
	if err == nil {
		err = ErrInjected
	}
	return fmt.Errorf("memory: %s call %d: %w", c.method, c.n, err)
}

// late reports whether c's write is to be recorded later (FaultCommitLate).
func (c call) late() bool { return c.fault != nil && c.fault.Kind == FaultCommitLate }

// lost returns the error replacing the result of a write whose response is
// lost, or nil.
func (c call) lost() error {
	if c.fault != nil && c.fault.Kind == FaultLoseResponse {
		return c.err()
	}
	return nil
}
