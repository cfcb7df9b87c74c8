package sqlitestore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/store/sqlitestore"
)

// benchStates is how many states BenchmarkStore keeps; every benchErrorEvery-th
// one is in error (1 %), the others synchronized.
const (
	benchStates     = 10000
	benchErrorEvery = 100
)

// BenchmarkStore measures Put, Get and List on a namespace of benchStates
// states (testState's: one posted entry of three lines each), 1 % of them in
// error:
//
//	go test -run '^$' -bench BenchmarkStore -benchmem ./store/sqlitestore/
//
// It also reports the stored size of a state: bytes of JSON per row
// (json-B/state) and bytes of database file per state (file-B/state), with
// ListAll.
func BenchmarkStore(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "state.db")
	db, err := sqlitestore.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := db.Store("acme/tool")
	for i := range benchStates {
		if err := s.Put(ctx, benchState(i)); err != nil {
			b.Fatal(err)
		}
	}

	b.Run("Put", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			// Replaces existing states, keeping the count and the 1 %.
			if err := s.Put(ctx, benchState(i%benchStates)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("Get", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := s.Get(ctx, benchID(i%benchStates)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("ListAll", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			benchList(b, s, benchStates)
		}
		reportRowSize(b, path)
	})
	b.Run("ListError", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			benchList(b, s, benchStates/benchErrorEvery, invoicesync.StateError)
		}
	})
	// The statuses a Syncer run lists (revisitIDs).
	b.Run("ListWaitingPendingError", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			benchList(b, s, benchStates/benchErrorEvery,
				invoicesync.StateWaiting, invoicesync.StatePending, invoicesync.StateError)
		}
	})
}

func benchID(i int) string { return fmt.Sprintf("inv-%06d", i) }

func benchState(i int) invoicesync.State {
	status := invoicesync.StateSynchronized
	if i%benchErrorEvery == 0 {
		status = invoicesync.StateError
	}
	return testState(benchID(i), status)
}

// benchList lists the states of statuses and fails b unless there are want.
func benchList(b *testing.B, s *sqlitestore.Store, want int, statuses ...invoicesync.SyncStatus) {
	n := 0
	for _, err := range s.List(context.Background(), statuses...) {
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	if n != want {
		b.Fatalf("List(%v) yielded %d states, want %d", statuses, n, want)
	}
}

// reportRowSize reports the average length of a state's JSON (json-B/state)
// and the database file's size per state once the WAL is checkpointed into
// it (file-B/state).
func reportRowSize(b *testing.B, path string) {
	ctx := context.Background()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	var n int
	var avg float64
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*), AVG(length(CAST(data AS BLOB))) FROM states`).Scan(&n, &avg); err != nil {
		b.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(avg, "json-B/state")
	b.ReportMetric(float64(fi.Size())/float64(n), "file-B/state")
}
