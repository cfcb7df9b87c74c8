package invoicesync

import (
	"context"
	"fmt"
)

// A preview runs against read-only views of the ledger and the state store:
// their reads pass through, and any write fails the whole preview at once
// with an error naming the write. The preview's own checks keep it from
// writing; the views make sure that a write slipping past them is loud
// instead of silently done.

// readOnlyTarget is the ledger as a preview sees it.
type readOnlyTarget struct {
	LedgerTarget
	refuse func(write string) error
}

func (t readOnlyTarget) CreatePartner(context.Context, Partner) (PartnerRef, error) {
	return PartnerRef{}, t.refuse("CreatePartner")
}

func (t readOnlyTarget) PostEntry(context.Context, *Entry) (EntryRef, error) {
	return EntryRef{}, t.refuse("PostEntry")
}

// readOnlyAttacher is the ledger's Attacher as a preview sees it.
type readOnlyAttacher struct{ refuse func(write string) error }

func (a readOnlyAttacher) Attach(context.Context, EntryRef, Document) error {
	return a.refuse("Attach")
}

// readOnlyStore is the state store as a preview sees it.
type readOnlyStore struct {
	StateStore
	refuse func(write string) error
}

func (s readOnlyStore) Put(context.Context, State) error { return s.refuse("Put") }

func (s readOnlyStore) SetCursor(context.Context, string) error { return s.refuse("SetCursor") }

func (s readOnlyStore) SetPartnerLink(context.Context, PartnerRole, string, PartnerRef) error {
	return s.refuse("SetPartnerLink")
}

// views sets the ledger, attacher and store r works with: the Syncer's, or
// in a preview read-only views of them.
func (r *run) views() {
	r.target, r.store, r.attach = r.s.target, r.s.store, r.s.attacher()
	if !r.preview {
		return
	}
	r.target = readOnlyTarget{LedgerTarget: r.s.target, refuse: r.refuseWrite}
	r.store = readOnlyStore{StateStore: r.s.store, refuse: r.refuseWrite}
	if r.attach != nil {
		r.attach = readOnlyAttacher{refuse: r.refuseWrite}
	}
}

// refuseWrite fails the preview r on a write attempt and returns the error.
func (r *run) refuseWrite(write string) error {
	err := fmt.Errorf("invoicesync: the preview tried to write (%s): a preview writes nothing, this is a bug", write)
	r.cancel(err)
	return err
}
