// Package sqlitestore keeps invoicesync synchronization state in a SQLite
// file: a durable invoicesync.StateStore, so that exactly-once posting
// survives a crash or a restart.
//
// One file holds any number of stores, one per namespace (typically one per
// host customer and source connection). Namespaces never see each other's
// states, cursor or partner links.
//
//	db, err := sqlitestore.Open(ctx, "/var/lib/myapp/sync.db")
//	if err != nil { ... }
//	defer db.Close()
//	syncer := ... db.Store("customer-42/invoicing-tool") ...
//
// The database runs in WAL mode with synchronous=FULL: once Put, SetCursor or
// SetPartnerLink returns, the write is on disk and survives a crash of the
// process or of the machine. Writes of one DB are serialised in Go and
// readers never block them; other processes opening the same file, a new
// one included, wait for each other (busy timeout) rather than fail with
// SQLITE_BUSY, and its schema is created once.
//
// A Store is an invoicesync.RunLocker within the process: a second Syncer on
// a namespace another one is running on gets invoicesync.ErrBusy, even
// through another DB opened on the same file. Other processes are not
// excluded: run one process per file (or per namespace).
//
// SQLite creates the file with mode 0644 less the process's umask (0644
// under the usual umask 022: readable by every user of the machine; 0600
// under 077), and its -wal and -shm files with the file's own mode. The
// state holds accounting data: to keep it private, run the program with a
// restrictive umask, or chmod the file (the -wal and -shm files created
// afterwards follow it).
//
// The schema is created and upgraded by Open, from SQL migrations embedded in
// the package and recorded in the schema_migrations table. A file whose schema
// is newer than the program knows is refused (ErrSchemaTooNew).
//
// The driver is modernc.org/sqlite: pure Go, no cgo.
package sqlitestore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" database/sql driver; its errors
	sqlite3 "modernc.org/sqlite/lib"
)

// busyTimeout is how long a connection waits for another one's lock (another
// process's write, a checkpoint) before failing with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// ErrSchemaTooNew is returned (wrapped) by Open when the database was
// migrated by a newer version of the program than this one: its schema may
// hold what this code does not understand, so it is not used.
var ErrSchemaTooNew = errors.New("sqlitestore: database schema is newer than this program")

// DB is an open SQLite state database. It is safe for concurrent use; its
// Stores share its connections. Close it when done.
type DB struct {
	sql  *sql.DB
	path string
	// wsem serialises this DB's writes (capacity 1): SQLite has one writer
	// at a time, and waiting here, unlike waiting on SQLite's lock, honours ctx.
	wsem chan struct{}
	// file is the database file's absolute path, symbolic links resolved:
	// what the run locks of its namespaces are kept by.
	file string
}

// Open opens the SQLite database at path, creating the file if it does not
// exist, and brings its schema up to date. ctx bounds the opening and the
// migrations only.
//
// path is a file name; "" and ":memory:" are refused, a state store being of
// no use if it does not last.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" || path == ":memory:" {
		return nil, fmt.Errorf("sqlitestore: open %q: a database file path is needed", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	sqldb, err := sql.Open("sqlite", dsn(abs))
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	sqldb.SetMaxIdleConns(4)
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	if err := setWAL(ctx, sqldb); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	if err := migrate(ctx, sqldb, path); err != nil {
		sqldb.Close()
		return nil, err
	}
	file := abs
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		file = real
	}
	return &DB{sql: sqldb, path: path, file: file, wsem: make(chan struct{}, 1)}, nil
}

// dsn returns the driver's name for the file abs: a SQLite URI (so that any
// character of the path is escaped) with the pragmas every connection runs
// when it opens. BEGIN IMMEDIATE makes a transaction take the write lock at
// once, so that it never fails to upgrade a read lock. The journal mode is
// not among the pragmas: WAL mode is a property of the file, which setWAL
// sets once.
func dsn(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x -> /C:/x
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", Path: p, RawQuery: q.Encode()}
	return u.String()
}

// setWAL puts the database file in WAL mode, which lasts: every later
// connection to the file, of any process, uses it.
//
// Switching a file to WAL mode (a new file, say) reads its header and then
// writes it: SQLite upgrades a read transaction to a write one, and answers
// a connection that cannot, because another one is writing, with
// SQLITE_BUSY at once, without waiting for the busy timeout (waiting while
// holding a read lock could deadlock). Two processes opening a new file
// together meet exactly there; so setWAL tries again, after a short pause,
// until busyTimeout has passed or ctx is done. The other process has
// switched the file by then, and the next try finds nothing to write.
func setWAL(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	pause := time.Millisecond
	for {
		var mode string
		err := db.QueryRowContext(ctx, `PRAGMA journal_mode=WAL`).Scan(&mode)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// isBusy tells whether err is SQLite's SQLITE_BUSY (or one of its extended
// codes).
func isBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// Store returns the StateStore of namespace: its states, cursor and partner
// links, apart from every other namespace's. Any string is a namespace, ""
// included; stores of the same namespace see the same data.
func (db *DB) Store(namespace string) *Store {
	return &Store{db: db, ns: namespace}
}

// Close closes the database. Stores of db must not be used afterwards.
func (db *DB) Close() error {
	if err := db.sql.Close(); err != nil {
		return fmt.Errorf("sqlitestore: close %s: %w", db.path, err)
	}
	return nil
}

// lockWrite waits for db's write turn, or for ctx to be done.
func (db *DB) lockWrite(ctx context.Context) (unlock func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case db.wsem <- struct{}{}:
		return func() { <-db.wsem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// ---------------------------------------------------------------------------
// Migrations

//go:embed migrations/*.sql
var migrationFiles embed.FS

// A migration is one numbered SQL file of migrations/: NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order. Versions
// start at 1 and have no gaps.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("sqlitestore: migration %s: the name must start with a positive version and _", base)
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlitestore: migration %s: version %d expected", m.name, i+1)
		}
	}
	return ms, nil
}

// migrate applies the migrations db has not had, each in its own
// transaction with its schema_migrations row, and refuses a schema newer than
// the latest migration.
func migrate(ctx context.Context, db *sql.DB, path string) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	latest := ms[len(ms)-1].version
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return fmt.Errorf("sqlitestore: migrate %s: %w", path, err)
	}
	current, err := schemaVersion(ctx, db)
	if err != nil {
		return fmt.Errorf("sqlitestore: migrate %s: %w", path, err)
	}
	if current > latest {
		return tooNew(path, current, latest)
	}
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		if err := apply(ctx, db, path, m, latest); err != nil {
			return err
		}
	}
	return nil
}

func tooNew(path string, current, latest int) error {
	return fmt.Errorf("%w: %s has schema version %d, this program knows versions up to %d; use a newer version of the program",
		ErrSchemaTooNew, path, current, latest)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func schemaVersion(ctx context.Context, q querier) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// apply runs migration m in a transaction, unless another connection (another
// process opening the same file) applied it in the meantime.
func apply(ctx context.Context, db *sql.DB, path string, m migration, latest int) (err error) {
	tx, err := db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock, now
	if err != nil {
		return fmt.Errorf("sqlitestore: migrate %s to %s: %w", path, m.name, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	current, err := schemaVersion(ctx, tx)
	if err != nil {
		return fmt.Errorf("sqlitestore: migrate %s to %s: %w", path, m.name, err)
	}
	if current > latest {
		return tooNew(path, current, latest)
	}
	if current >= m.version {
		return tx.Rollback()
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("sqlitestore: migrate %s to %s: %w", path, m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		return fmt.Errorf("sqlitestore: migrate %s to %s: %w", path, m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlitestore: migrate %s to %s: %w", path, m.name, err)
	}
	return nil
}
