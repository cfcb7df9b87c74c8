package invoicesync

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sync"
	"time"
)

// ErrBusy is wrapped by the error of a Run, SyncInvoice, RetryFailed,
// Verify or ImportPartners refused because another Syncer is running on the
// same state store (see RunLocker). It is retryable: the call succeeds once
// the other run has finished.
var ErrBusy = errors.New("invoicesync: the state store is in use by another run")

// BusyError is the error of a run refused because another one holds the
// state store. errors.Is(err, ErrBusy) is true, and Retryable reports true.
type BusyError struct {
	// Holder names the run holding the store, as it described itself: the
	// source, the process and since when.
	Holder string
}

// Error says who holds the store and what to do.
func (e *BusyError) Error() string {
	return fmt.Sprintf("%s (%s): one run per store at a time; try again once it has finished", ErrBusy.Error(), e.Holder)
}

// Unwrap returns ErrBusy.
func (e *BusyError) Unwrap() error { return ErrBusy }

// Retryable reports true: the store is free again once the other run ends.
func (e *BusyError) Retryable() bool { return true }

// RunLocker is implemented by state stores that keep two Syncers from
// running on one store (one namespace) at the same time: two runs would
// each read an invoice's state, each post, and each create the same
// partners. A Syncer takes the lock for every Run, SyncInvoice,
// RetryFailed, Verify and ImportPartners (its own concurrent calls share
// it), and releases it when the last one returns; a preview writes nothing
// and takes no lock.
//
// A store that does not implement RunLocker is locked within the process,
// by its identity (the same *MemoryStore, the same pointer): enough for
// stores that live in one process; a store whose type cannot be compared
// (a struct holding a map or a slice, passed by value) is not locked. A
// store shared by processes implements RunLocker to exclude the others too.
type RunLocker interface {
	// LockRun takes the store's run lock for holder, a description of the
	// run for the error another one gets, or fails at once with an error
	// wrapping ErrBusy (a *BusyError naming the current holder) when
	// another holds it. release gives the lock back; it is called once.
	LockRun(ctx context.Context, holder string) (release func(), err error)
}

// processLocks holds the run locks of the stores that are not RunLockers,
// by identity.
var processLocks = &LocalRunLocks{}

// LocalRunLocks is a table of run locks within one process, keyed by any
// comparable value: what a RunLocker whose store lives in one process (or
// that adds a cross-process lock of its own) uses. The zero value is ready
// to use; it is safe for concurrent use.
type LocalRunLocks struct {
	mu   sync.Mutex
	held map[any]string
}

// Lock takes the lock of key for holder, or returns a *BusyError naming the
// holder that has it.
func (l *LocalRunLocks) Lock(key any, holder string) (release func(), err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if h, ok := l.held[key]; ok {
		return nil, &BusyError{Holder: h}
	}
	if l.held == nil {
		l.held = make(map[any]string)
	}
	l.held[key] = holder
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			delete(l.held, key)
		})
	}, nil
}

// lease is a Syncer's hold on its store's run lock, shared by its
// concurrent calls.
type lease struct {
	mu      sync.Mutex
	n       int
	release func()
}

// acquire takes the store's run lock for one call of the Syncer, or joins
// the Syncer's calls that hold it already. done gives it back.
func (s *Syncer) acquire(ctx context.Context) (done func(), err error) {
	l := &s.lease
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == 0 {
		holder := fmt.Sprintf("Syncer of source %q, process %d, since %s", s.cfg.SourceID, os.Getpid(), s.cfg.Now().UTC().Format(time.RFC3339))
		var release func()
		switch st := s.store.(type) {
		case RunLocker:
			release, err = st.LockRun(ctx, holder)
		default:
			if t := reflect.TypeOf(s.store); t.Comparable() {
				release, err = processLocks.Lock(s.store, holder)
			} else {
				release = func() {}
			}
		}
		if err != nil {
			return nil, err
		}
		l.release = release
	}
	l.n++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.n--; l.n == 0 {
				l.release()
				l.release = nil
			}
		})
	}, nil
}
