package sqlitestore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/store/sqlitestore"
)

// Example opens a state database, stores an invoice's state, and finds it
// again after reopening the file.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "sqlitestore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "sync.db")

	db, err := sqlitestore.Open(ctx, path)
	if err != nil {
		log.Fatal(err)
	}
	store := db.Store("customer-42/invoicing-tool")
	err = store.Put(ctx, invoicesync.State{
		InvoiceID: "inv-1001",
		Number:    "F-2026-0042",
		Status:    invoicesync.StateSynchronized,
		Synced: &invoicesync.SyncedVersion{
			Key: "key-1",
			Ref: invoicesync.EntryRef{ID: "E-77", Number: "VT-000077"},
			At:  time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC),
		},
		UpdatedAt: time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC),
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := store.SetCursor(ctx, "2026-03-14T10:00:00Z"); err != nil {
		log.Fatal(err)
	}
	if err := db.Close(); err != nil {
		log.Fatal(err)
	}

	// Later, in another process.
	db, err = sqlitestore.Open(ctx, path)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	store = db.Store("customer-42/invoicing-tool")
	st, err := store.Get(ctx, "inv-1001")
	if err != nil {
		log.Fatal(err)
	}
	cursor, err := store.Cursor(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(st.Number, st.Status, st.Synced.Ref.Number)
	fmt.Println("cursor:", cursor)
	// Output:
	// F-2026-0042 synchronized VT-000077
	// cursor: 2026-03-14T10:00:00Z
}
