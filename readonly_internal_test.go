package invoicesync

import (
	"context"
	"errors"
	"testing"
)

// stubTarget is a ledger that answers every call with nothing, and counts
// the writes that reach it.
type stubTarget struct{ writes *int }

func (stubTarget) Accounts(context.Context) ([]Account, error) { return nil, nil }
func (stubTarget) VATCodes(context.Context) ([]VATCode, error) { return nil, nil }
func (stubTarget) Journals(context.Context) ([]Journal, error) { return nil, nil }
func (stubTarget) FindEntry(context.Context, string) (EntryRef, error) {
	return EntryRef{}, ErrNotFound
}
func (stubTarget) FindPartners(context.Context, PartnerQuery) ([]Partner, error) { return nil, nil }
func (t stubTarget) CreatePartner(context.Context, Partner) (PartnerRef, error) {
	*t.writes++
	return PartnerRef{ID: "P1"}, nil
}
func (t stubTarget) PostEntry(context.Context, *Entry) (EntryRef, error) {
	*t.writes++
	return EntryRef{ID: "E1"}, nil
}
func (t stubTarget) Attach(context.Context, EntryRef, Document) error {
	*t.writes++
	return nil
}

// TestPreviewWriteFailsThePreview: in a preview, every write method of the
// ledger, its attacher and the state store fails, never reaches them, and
// fails the preview with an error naming the write; reads pass through.
func TestPreviewWriteFailsThePreview(t *testing.T) {
	const want = "invoicesync: the preview tried to write (PostEntry): a preview writes nothing, this is a bug"
	writes := 0
	store := NewMemoryStore()
	for _, c := range []struct {
		name  string
		write func(r *run) error
		want  string
	}{
		{"PostEntry", func(r *run) error { _, err := r.target.PostEntry(context.Background(), &Entry{}); return err }, want},
		{"CreatePartner", func(r *run) error { _, err := r.target.CreatePartner(context.Background(), Partner{}); return err },
			"invoicesync: the preview tried to write (CreatePartner): a preview writes nothing, this is a bug"},
		{"Attach", func(r *run) error { return r.attach.Attach(context.Background(), EntryRef{}, Document{}) },
			"invoicesync: the preview tried to write (Attach): a preview writes nothing, this is a bug"},
		{"Put", func(r *run) error { return r.store.Put(context.Background(), State{InvoiceID: "inv-1"}) },
			"invoicesync: the preview tried to write (Put): a preview writes nothing, this is a bug"},
		{"SetCursor", func(r *run) error { return r.store.SetCursor(context.Background(), "c") },
			"invoicesync: the preview tried to write (SetCursor): a preview writes nothing, this is a bug"},
		{"SetPartnerLink", func(r *run) error {
			return r.store.SetPartnerLink(context.Background(), Customer, "c", PartnerRef{ID: "P1"})
		}, "invoicesync: the preview tried to write (SetPartnerLink): a preview writes nothing, this is a bug"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			r := &run{s: &Syncer{target: stubTarget{&writes}, store: store}, preview: true, ctx: ctx, cancel: cancel}
			r.views()
			err := c.write(r)
			if err == nil || err.Error() != c.want {
				t.Fatalf("write: %v, want %q", err, c.want)
			}
			if cause := context.Cause(r.ctx); cause == nil || cause.Error() != c.want {
				t.Fatalf("the preview's context: %v, want it ended by %q", cause, c.want)
			}
			if _, err := r.store.Get(context.Background(), "inv-1"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("a read: %v, want ErrNotFound from the store", err)
			}
		})
	}
	if writes != 0 {
		t.Fatalf("%d writes reached the ledger", writes)
	}
	if c, _ := store.Cursor(context.Background()); c != "" {
		t.Fatalf("the cursor was written: %q", c)
	}

	// A run that is not a preview writes through.
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	r := &run{s: &Syncer{target: stubTarget{&writes}, store: store}, ctx: ctx, cancel: cancel}
	r.views()
	if _, err := r.target.PostEntry(ctx, &Entry{}); err != nil || writes != 1 {
		t.Fatalf("PostEntry: %v, %d writes", err, writes)
	}
}
