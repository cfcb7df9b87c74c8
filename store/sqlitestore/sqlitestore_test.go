package sqlitestore_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/store/sqlitestore"
	"github.com/invoicesync/invoicesync/store/storetest"
)

func open(t *testing.T, path string) *sqlitestore.DB {
	t.Helper()
	db, err := sqlitestore.Open(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) invoicesync.StateStore {
		return open(t, filepath.Join(t.TempDir(), "state.db")).Store("acme/tool")
	})
}

// TestConformanceSharedFile runs the suite on a namespace of a file whose
// other namespaces are full: the suite's exact counts prove they stay apart.
func TestConformanceSharedFile(t *testing.T) {
	storetest.Run(t, func(t *testing.T) invoicesync.StateStore {
		db := open(t, filepath.Join(t.TempDir(), "state.db"))
		ctx := context.Background()
		for _, ns := range []string{"", "acme", "acme/tool2", "acme/tool/x"} {
			other := db.Store(ns)
			for i := 0; i < 5; i++ {
				for _, id := range []string{fmt.Sprintf("inv-%d", i), "inv-1", "C-1", "g0-000", "shared-00"} {
					require.NoError(t, other.Put(ctx, invoicesync.State{InvoiceID: id, Status: invoicesync.StateError}))
				}
			}
			require.NoError(t, other.SetCursor(ctx, "other cursor"))
			require.NoError(t, other.SetPartnerLink(ctx, invoicesync.Customer, "C-1", invoicesync.PartnerRef{ID: "other"}))
			require.NoError(t, other.SetPartnerLink(ctx, invoicesync.Supplier, "C-1", invoicesync.PartnerRef{ID: "other"}))
		}
		return db.Store("acme/tool")
	})
}

func testState(id string, status invoicesync.SyncStatus) invoicesync.State {
	partner := invoicesync.PartnerRef{ID: "P-1", Name: "ACME", AuxiliaryAccount: "411ACME"}
	at := time.Date(2026, 3, 14, 10, 0, 0, 123456789, time.FixedZone("CET", 3600))
	return invoicesync.State{
		InvoiceID:   id,
		Number:      "F-" + id,
		Direction:   invoicesync.Sales,
		Status:      status,
		Fingerprint: "fp-" + id,
		Synced: &invoicesync.SyncedVersion{
			Fingerprint: "fp-" + id,
			Key:         "key-" + id,
			Ref:         invoicesync.EntryRef{ID: "E-" + id, Number: "VT-" + id},
			Entry: &invoicesync.Entry{
				Journal: "VT", Date: at, Currency: "EUR", Decimals: 2, IdempotencyKey: "key-" + id,
				InvoiceID: id, Direction: invoicesync.Sales, Kind: invoicesync.KindInvoice, Partner: partner,
				ExchangeRate: decimal.RequireFromString("1.10"),
				Lines: []invoicesync.EntryLine{
					{Account: "411000", Partner: &partner, Debit: decimal.RequireFromString("143.15"), Kind: invoicesync.KindPartner},
					{Account: "706000", Credit: decimal.RequireFromString("119.29"), Kind: invoicesync.KindRevenue,
						SourceLines: []int{1}, Analytics: map[string]string{"project": "apollo"}},
					{Account: "445710", Credit: decimal.RequireFromString("23.86"), Kind: invoicesync.KindVAT, VATCode: "TVA20"},
				},
			},
			Attached: true,
			At:       at,
		},
		Reversals: []invoicesync.Reversal{{Of: invoicesync.EntryRef{ID: "E-0"}, OfKey: "k0", Key: "k0r", At: at}},
		UpdatedAt: at,
	}
}

// requireSameState fails t unless got is exactly want. The comparison is on
// the JSON encodings, which is what the store keeps: times keep their offset
// there and decimals have one spelling per value; the Equal checks make sure
// of it.
func requireSameState(t *testing.T, want, got invoicesync.State) {
	t.Helper()
	w, err := json.Marshal(want)
	require.NoError(t, err)
	g, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, string(w), string(g))
	require.True(t, want.UpdatedAt.Equal(got.UpdatedAt))
	require.True(t, want.Synced.At.Equal(got.Synced.At))
	for i, l := range want.Synced.Entry.Lines {
		require.True(t, l.Debit.Equal(got.Synced.Entry.Lines[i].Debit))
		require.True(t, l.Credit.Equal(got.Synced.Entry.Lines[i].Credit))
	}
	require.True(t, want.Synced.Entry.ExchangeRate.Equal(got.Synced.Entry.ExchangeRate))
}

func TestDurability(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")

	db, err := sqlitestore.Open(ctx, path)
	require.NoError(t, err)
	s := db.Store("acme")
	var want []invoicesync.State
	for i := 0; i < 250; i++ {
		st := testState(fmt.Sprintf("inv-%03d", i), []invoicesync.SyncStatus{invoicesync.StateSynchronized, invoicesync.StateError}[i%2])
		want = append(want, st)
		require.NoError(t, s.Put(ctx, st))
	}
	require.NoError(t, s.SetCursor(ctx, "cursor-42"))
	require.NoError(t, s.SetPartnerLink(ctx, invoicesync.Customer, "C-1", invoicesync.PartnerRef{ID: "P-1", Name: "ACME", AuxiliaryAccount: "411ACME"}))
	require.NoError(t, s.SetPartnerLink(ctx, invoicesync.Supplier, "C-1", invoicesync.PartnerRef{ID: "P-2"}))
	require.NoError(t, s.SetPartnerLink(ctx, invoicesync.Supplier, "S-gone", invoicesync.PartnerRef{ID: "P-3"}))
	require.NoError(t, s.SetPartnerLink(ctx, invoicesync.Supplier, "S-gone", invoicesync.PartnerRef{}))
	require.NoError(t, db.Close())

	for round := 0; round < 2; round++ {
		db, err = sqlitestore.Open(ctx, path)
		require.NoError(t, err)
		s = db.Store("acme")
		for _, w := range want {
			got, err := s.Get(ctx, w.InvoiceID)
			require.NoError(t, err)
			requireSameState(t, w, got)
		}
		var n, nErr int
		for st, err := range s.List(ctx) {
			require.NoError(t, err)
			require.Equal(t, want[n].InvoiceID, st.InvoiceID)
			n++
		}
		require.Equal(t, len(want), n)
		for st, err := range s.List(ctx, invoicesync.StateError) {
			require.NoError(t, err)
			require.Equal(t, invoicesync.StateError, st.Status)
			nErr++
		}
		require.Equal(t, len(want)/2, nErr)
		c, err := s.Cursor(ctx)
		require.NoError(t, err)
		require.Equal(t, "cursor-42", c)
		ref, err := s.PartnerLink(ctx, invoicesync.Customer, "C-1")
		require.NoError(t, err)
		require.Equal(t, invoicesync.PartnerRef{ID: "P-1", Name: "ACME", AuxiliaryAccount: "411ACME"}, ref)
		ref, err = s.PartnerLink(ctx, invoicesync.Supplier, "C-1")
		require.NoError(t, err)
		require.Equal(t, invoicesync.PartnerRef{ID: "P-2"}, ref)
		_, err = s.PartnerLink(ctx, invoicesync.Supplier, "S-gone")
		require.ErrorIs(t, err, invoicesync.ErrNotFound)
		require.NoError(t, db.Close())
	}
}

func TestNamespacesIsolated(t *testing.T) {
	ctx := context.Background()
	db := open(t, filepath.Join(t.TempDir(), "state.db"))
	a, b := db.Store("customer-1/tool"), db.Store("customer-2/tool")
	require.Equal(t, "customer-1/tool", a.Namespace())

	require.NoError(t, a.Put(ctx, testState("inv-1", invoicesync.StateError)))
	require.NoError(t, a.SetCursor(ctx, "a-cursor"))
	require.NoError(t, a.SetPartnerLink(ctx, invoicesync.Customer, "C-1", invoicesync.PartnerRef{ID: "P-a"}))

	_, err := b.Get(ctx, "inv-1")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
	for _, err := range b.List(ctx) {
		require.NoError(t, err)
		t.Fatal("b lists a's state")
	}
	c, err := b.Cursor(ctx)
	require.NoError(t, err)
	require.Equal(t, "", c)
	_, err = b.PartnerLink(ctx, invoicesync.Customer, "C-1")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)

	// The same keys in b are b's own.
	stB := testState("inv-1", invoicesync.StateWaiting)
	stB.Number = "B"
	require.NoError(t, b.Put(ctx, stB))
	require.NoError(t, b.SetCursor(ctx, "b-cursor"))
	require.NoError(t, b.SetPartnerLink(ctx, invoicesync.Customer, "C-1", invoicesync.PartnerRef{ID: "P-b"}))
	require.NoError(t, b.SetPartnerLink(ctx, invoicesync.Customer, "C-1", invoicesync.PartnerRef{})) // removes b's only

	got, err := a.Get(ctx, "inv-1")
	require.NoError(t, err)
	require.Equal(t, invoicesync.StateError, got.Status)
	require.Equal(t, "F-inv-1", got.Number)
	got, err = b.Get(ctx, "inv-1")
	require.NoError(t, err)
	require.Equal(t, "B", got.Number)
	c, err = a.Cursor(ctx)
	require.NoError(t, err)
	require.Equal(t, "a-cursor", c)
	ref, err := a.PartnerLink(ctx, invoicesync.Customer, "C-1")
	require.NoError(t, err)
	require.Equal(t, "P-a", ref.ID)

	// Another Store value of a namespace sees its data.
	got, err = db.Store("customer-1/tool").Get(ctx, "inv-1")
	require.NoError(t, err)
	require.Equal(t, "F-inv-1", got.Number)
	// Namespaces are compared exactly.
	_, err = db.Store("customer-1/Tool").Get(ctx, "inv-1")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
	_, err = db.Store("customer-1").Get(ctx, "inv-1")
	require.ErrorIs(t, err, invoicesync.ErrNotFound)
}

// rawDB opens the file with database/sql directly, to look at the schema.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	t.Cleanup(func() { raw.Close() })
	return raw
}

func TestMigrationsAppliedOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	for i := 0; i < 3; i++ {
		db, err := sqlitestore.Open(ctx, path)
		require.NoError(t, err, "open #%d", i+1)
		require.NoError(t, db.Store("x").Put(ctx, invoicesync.State{InvoiceID: fmt.Sprintf("inv-%d", i), Status: invoicesync.StatePending}))
		require.NoError(t, db.Close())
	}
	raw := rawDB(t, path)
	var n, maxV int
	var name string
	require.NoError(t, raw.QueryRowContext(ctx, `SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &maxV))
	require.Equal(t, 1, n, "one row per migration, however many opens")
	require.Equal(t, 1, maxV)
	require.NoError(t, raw.QueryRowContext(ctx, `SELECT name FROM schema_migrations WHERE version = 1`).Scan(&name))
	require.Equal(t, "0001_init.sql", name)
	var states int
	require.NoError(t, raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM states`).Scan(&states))
	require.Equal(t, 3, states, "reopening must not reset the data")
	var mode string
	require.NoError(t, raw.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode))
	require.Equal(t, "wal", mode)
}

// TestConcurrentOpen opens the same new file from several goroutines at
// once: migrations must be applied once, by one of them.
func TestConcurrentOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := sqlitestore.Open(ctx, path)
			if err == nil {
				err = db.Store("x").Put(ctx, invoicesync.State{InvoiceID: fmt.Sprintf("inv-%d", i), Status: invoicesync.StatePending})
				db.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	var n int
	require.NoError(t, rawDB(t, path).QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n))
	require.Equal(t, 1, n)
}

func TestSchemaTooNew(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := sqlitestore.Open(ctx, path)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	raw := rawDB(t, path)
	_, err = raw.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_future.sql', '2030-01-01T00:00:00Z')`)
	require.NoError(t, err)
	require.NoError(t, raw.Close())

	db, err = sqlitestore.Open(ctx, path)
	require.Error(t, err)
	require.Nil(t, db)
	require.ErrorIs(t, err, sqlitestore.ErrSchemaTooNew)
	require.Contains(t, err.Error(), "schema version 999")
	require.Contains(t, err.Error(), "up to 1")
}

func TestOpenRefusesNoFile(t *testing.T) {
	for _, path := range []string{"", ":memory:"} {
		_, err := sqlitestore.Open(context.Background(), path)
		require.Error(t, err, "Open(%q)", path)
	}
}

func TestOpenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "state.db"))
	require.ErrorIs(t, err, context.Canceled)
}

// TestOpenPathSpecialCharacters: the path goes into a SQLite URI; characters
// with a meaning there must not change the file opened.
func TestOpenPathSpecialCharacters(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "a dir?x=1#frag%41")
	path := filepath.Join(dir, "state&mode=ro.db")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	db := open(t, path)
	require.NoError(t, db.Store("").Put(ctx, invoicesync.State{InvoiceID: "inv-1", Status: invoicesync.StatePending}))
	require.NoError(t, db.Close())
	require.FileExists(t, path)
	db = open(t, path)
	_, err := db.Store("").Get(ctx, "inv-1")
	require.NoError(t, err)
}

// TestTwoHandles writes through two DBs on one file at once, as two
// processes would: SQLite's busy timeout must absorb the contention.
func TestTwoHandles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	dbs := []*sqlitestore.DB{open(t, path), open(t, path)}
	var wg sync.WaitGroup
	for h, db := range dbs {
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := db.Store("shared")
				for i := 0; i < 25; i++ {
					if err := s.Put(ctx, invoicesync.State{InvoiceID: fmt.Sprintf("h%d-g%d-%02d", h, g, i), Status: invoicesync.StateError}); err != nil {
						t.Errorf("Put: %v", err)
						return
					}
					if err := s.SetCursor(ctx, fmt.Sprint(i)); err != nil {
						t.Errorf("SetCursor: %v", err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	n := 0
	for _, err := range dbs[1].Store("shared").List(ctx) {
		require.NoError(t, err)
		n++
	}
	require.Equal(t, 2*4*25, n)
}

// TestSurvivesProcessCrash writes from a child process that exits without
// closing the database, as a crash would: every write that returned must be
// found by the next process.
func TestSurvivesProcessCrash(t *testing.T) {
	if path := os.Getenv("SQLITESTORE_CRASH_CHILD"); path != "" {
		ctx := context.Background()
		db, err := sqlitestore.Open(ctx, path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		s := db.Store("acme")
		for i := 0; i < 50; i++ {
			if err := s.Put(ctx, testState(fmt.Sprintf("inv-%03d", i), invoicesync.StateSynchronized)); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
		}
		if err := s.SetCursor(ctx, "after-crash"); err != nil {
			os.Exit(2)
		}
		if err := s.SetPartnerLink(ctx, invoicesync.Supplier, "S-1", invoicesync.PartnerRef{ID: "P-9"}); err != nil {
			os.Exit(2)
		}
		os.Exit(3) // no Close, no checkpoint: the data is only in the WAL
	}
	path := filepath.Join(t.TempDir(), "state.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestSurvivesProcessCrash$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SQLITESTORE_CRASH_CHILD="+path)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "child: %s", out)
	require.Equal(t, 3, exit.ExitCode(), "child: %s", out)

	ctx := context.Background()
	s := open(t, path).Store("acme")
	for i := 0; i < 50; i++ {
		want := testState(fmt.Sprintf("inv-%03d", i), invoicesync.StateSynchronized)
		got, err := s.Get(ctx, want.InvoiceID)
		require.NoError(t, err)
		requireSameState(t, want, got)
	}
	c, err := s.Cursor(ctx)
	require.NoError(t, err)
	require.Equal(t, "after-crash", c)
	ref, err := s.PartnerLink(ctx, invoicesync.Supplier, "S-1")
	require.NoError(t, err)
	require.Equal(t, invoicesync.PartnerRef{ID: "P-9"}, ref)
}
