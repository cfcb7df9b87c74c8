package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/invoicesync/invoicesync"
)

// pageSize is how many states List reads per query.
const pageSize = 100

// updatedAtLayout writes State.UpdatedAt in UTC with a fixed width, so that
// the column sorts as time does.
const updatedAtLayout = "2006-01-02T15:04:05.000000000Z"

// Store is the invoicesync.StateStore of one namespace of a DB (see
// DB.Store). It is safe for concurrent use. Each state is kept as its JSON
// encoding, beside the columns List filters and orders on.
type Store struct {
	db *DB
	ns string
}

var (
	_ invoicesync.StateStore = (*Store)(nil)
	_ invoicesync.RunLocker  = (*Store)(nil)
)

// runLocks are the run locks of the namespaces of every database file this
// process has open, by file and namespace, whichever DB opened them.
var runLocks invoicesync.LocalRunLocks

// runLockKey identifies a namespace of a database file.
type runLockKey struct{ file, ns string }

// LockRun implements invoicesync.RunLocker: one Syncer at a time on a
// namespace of a database file within this process, even through two DBs
// opened on the same file (by different paths or symbolic links). It does
// not exclude other processes: run one process per file, or one per
// namespace.
func (s *Store) LockRun(ctx context.Context, holder string) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return runLocks.Lock(runLockKey{s.db.file, s.ns}, holder)
}

// Namespace returns the namespace s keeps the data of.
func (s *Store) Namespace() string { return s.ns }

// fail wraps err, the failure of op, making sure the result also wraps
// ctx's error when ctx is done (the driver may report an interruption in its
// own words).
func fail(ctx context.Context, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("sqlitestore: %s: %w (%w)", op, cerr, err)
	}
	return fmt.Errorf("sqlitestore: %s: %w", op, err)
}

// Get implements invoicesync.StateStore: the state of invoiceID, or an error
// wrapping invoicesync.ErrNotFound.
func (s *Store) Get(ctx context.Context, invoiceID string) (invoicesync.State, error) {
	op := fmt.Sprintf("get state of invoice %q", invoiceID)
	if err := ctx.Err(); err != nil {
		return invoicesync.State{}, fail(ctx, op, err)
	}
	var data []byte
	err := s.db.sql.QueryRowContext(ctx,
		`SELECT data FROM states WHERE namespace = ? AND invoice_id = ?`, s.ns, invoiceID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return invoicesync.State{}, fmt.Errorf("sqlitestore: state of invoice %q: %w", invoiceID, invoicesync.ErrNotFound)
	}
	if err != nil {
		return invoicesync.State{}, fail(ctx, op, err)
	}
	var st invoicesync.State
	if err := json.Unmarshal(data, &st); err != nil {
		return invoicesync.State{}, fmt.Errorf("sqlitestore: decode state of invoice %q: %w", invoiceID, err)
	}
	return st, nil
}

// Put implements invoicesync.StateStore: it stores st, replacing the
// invoice's previous state, durably once it returns.
func (s *Store) Put(ctx context.Context, st invoicesync.State) error {
	op := fmt.Sprintf("put state of invoice %q", st.InvoiceID)
	if err := ctx.Err(); err != nil {
		return fail(ctx, op, err)
	}
	if st.InvoiceID == "" {
		return errors.New("sqlitestore: put state: a state needs an invoice id")
	}
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("sqlitestore: %s: %w", op, err)
	}
	unlock, err := s.db.lockWrite(ctx)
	if err != nil {
		return fail(ctx, op, err)
	}
	defer unlock()
	_, err = s.db.sql.ExecContext(ctx, putState,
		s.ns, st.InvoiceID, string(st.Status), st.UpdatedAt.UTC().Format(updatedAtLayout), string(data))
	if err != nil {
		return fail(ctx, op, err)
	}
	return nil
}

// putState is the statement that stores one state.
const putState = `
		INSERT INTO states (namespace, invoice_id, status, updated_at, data) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (namespace, invoice_id) DO UPDATE SET
			status = excluded.status, updated_at = excluded.updated_at, data = excluded.data`

// PutStates implements invoicesync.StateBatcher: the states are stored in
// one transaction, with one write to disk (one fsync) for all of them. Every
// state is checked (an invoice id) and encoded before the transaction
// begins.
func (s *Store) PutStates(ctx context.Context, states []invoicesync.State) (err error) {
	op := fmt.Sprintf("put %d states", len(states))
	if err := ctx.Err(); err != nil {
		return fail(ctx, op, err)
	}
	data := make([]string, len(states))
	for i, st := range states {
		if st.InvoiceID == "" {
			return errors.New("sqlitestore: put states: a state needs an invoice id")
		}
		b, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("sqlitestore: %s: invoice %q: %w", op, st.InvoiceID, err)
		}
		data[i] = string(b)
	}
	if len(states) == 0 {
		return nil
	}
	unlock, err := s.db.lockWrite(ctx)
	if err != nil {
		return fail(ctx, op, err)
	}
	defer unlock()
	tx, err := s.db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fail(ctx, op, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	stmt, err := tx.PrepareContext(ctx, putState)
	if err != nil {
		return fail(ctx, op, err)
	}
	defer stmt.Close()
	for i, st := range states {
		if _, err := stmt.ExecContext(ctx, s.ns, st.InvoiceID, string(st.Status), st.UpdatedAt.UTC().Format(updatedAtLayout), data[i]); err != nil {
			return fail(ctx, op, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fail(ctx, op, err)
	}
	return nil
}

var _ invoicesync.StateBatcher = (*Store)(nil)

// List implements invoicesync.StateStore. It reads the states a page at a
// time, by invoice id, and holds nothing open while the caller has a state:
// the caller may write (Put) during the iteration. A state written during
// the iteration appears if it has one of statuses and its id comes after the
// last one yielded. Once ctx is done, List yields an error wrapping ctx's
// error and stops.
func (s *Store) List(ctx context.Context, statuses ...invoicesync.SyncStatus) iter.Seq2[invoicesync.State, error] {
	query, statusArgs := listQuery(statuses)

	return func(yield func(invoicesync.State, error) bool) {
		after := "" // Put refuses the empty id: every id comes after it
		for {
			page, err := s.page(ctx, query, after, statusArgs)
			if err != nil {
				yield(invoicesync.State{}, err)
				return
			}
			for _, st := range page {
				if err := ctx.Err(); err != nil {
					yield(invoicesync.State{}, fail(ctx, "list states", err))
					return
				}
				if !yield(st, nil) {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			after = page[len(page)-1].InvoiceID
		}
	}
}

// listQuery returns the query of a page of List: the states of the
// namespace ?1 whose invoice id comes after ?2, with one of statuses (any
// when there is none), in invoice id order, at most ?3 of them. The
// statuses' arguments (?4, ?5, ...) come with it.
//
// Each status is one range of the index states_by_status (namespace, status,
// invoice_id), already in invoice id order; with several statuses, the
// query is a UNION ALL of one SELECT per status, which SQLite merges in
// order and stops reading at the limit. (A single "status IN (...)" cannot
// use that index without sorting every match of every page, so SQLite
// scans the namespace in primary key order instead, and a page costs as
// much as the namespace's states.) A status given twice is queried once.
func listQuery(statuses []invoicesync.SyncStatus) (string, []any) {
	const sel = `SELECT invoice_id, data FROM states WHERE namespace = ?1 AND invoice_id > ?2`
	statuses = slices.Compact(slices.Sorted(slices.Values(statuses)))
	if len(statuses) == 0 {
		return sel + ` ORDER BY invoice_id LIMIT ?3`, nil
	}
	parts := make([]string, len(statuses))
	args := make([]any, len(statuses))
	for i, st := range statuses {
		parts[i] = fmt.Sprintf(`%s AND status = ?%d`, sel, i+4)
		args[i] = string(st)
	}
	return strings.Join(parts, ` UNION ALL `) + ` ORDER BY invoice_id LIMIT ?3`, args
}

// page reads the next page of List: up to pageSize states whose id comes
// after after. The rows are closed before it returns.
func (s *Store) page(ctx context.Context, query, after string, statusArgs []any) ([]invoicesync.State, error) {
	const op = "list states"
	if err := ctx.Err(); err != nil {
		return nil, fail(ctx, op, err)
	}
	args := make([]any, 0, len(statusArgs)+3)
	args = append(args, s.ns, after, pageSize)
	args = append(args, statusArgs...)
	rows, err := s.db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fail(ctx, op, err)
	}
	defer rows.Close()
	page := make([]invoicesync.State, 0, pageSize)
	for rows.Next() {
		var id string
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return nil, fail(ctx, op, err)
		}
		var st invoicesync.State
		if err := json.Unmarshal(data, &st); err != nil {
			return nil, fmt.Errorf("sqlitestore: decode state of invoice %q: %w", id, err)
		}
		st.InvoiceID = id // the key List pages on
		page = append(page, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, op, err)
	}
	return page, nil
}

// Cursor implements invoicesync.StateStore: the cursor saved by SetCursor,
// "" when none.
func (s *Store) Cursor(ctx context.Context) (string, error) {
	const op = "get cursor"
	if err := ctx.Err(); err != nil {
		return "", fail(ctx, op, err)
	}
	var c string
	err := s.db.sql.QueryRowContext(ctx, `SELECT cursor FROM cursors WHERE namespace = ?`, s.ns).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fail(ctx, op, err)
	}
	return c, nil
}

// SetCursor implements invoicesync.StateStore: it saves cursor, durably once
// it returns.
func (s *Store) SetCursor(ctx context.Context, cursor string) error {
	const op = "set cursor"
	unlock, err := s.db.lockWrite(ctx)
	if err != nil {
		return fail(ctx, op, err)
	}
	defer unlock()
	_, err = s.db.sql.ExecContext(ctx, `
		INSERT INTO cursors (namespace, cursor) VALUES (?, ?)
		ON CONFLICT (namespace) DO UPDATE SET cursor = excluded.cursor`, s.ns, cursor)
	if err != nil {
		return fail(ctx, op, err)
	}
	return nil
}

// PartnerLink implements invoicesync.StateStore: the ledger partner linked
// to the source party sourceID in role, or an error wrapping
// invoicesync.ErrNotFound.
func (s *Store) PartnerLink(ctx context.Context, role invoicesync.PartnerRole, sourceID string) (invoicesync.PartnerRef, error) {
	op := fmt.Sprintf("get partner link of %s %q", role, sourceID)
	if err := ctx.Err(); err != nil {
		return invoicesync.PartnerRef{}, fail(ctx, op, err)
	}
	var ref invoicesync.PartnerRef
	err := s.db.sql.QueryRowContext(ctx, `
		SELECT partner_id, name, auxiliary_account FROM partner_links
		WHERE namespace = ? AND role = ? AND source_id = ?`, s.ns, string(role), sourceID).
		Scan(&ref.ID, &ref.Name, &ref.AuxiliaryAccount)
	if errors.Is(err, sql.ErrNoRows) {
		return invoicesync.PartnerRef{}, fmt.Errorf("sqlitestore: %s %q has no linked partner: %w", role, sourceID, invoicesync.ErrNotFound)
	}
	if err != nil {
		return invoicesync.PartnerRef{}, fail(ctx, op, err)
	}
	return ref, nil
}

// SetPartnerLink implements invoicesync.StateStore: it links the source
// party sourceID in role to ref, or removes the link when ref is zero,
// durably once it returns.
func (s *Store) SetPartnerLink(ctx context.Context, role invoicesync.PartnerRole, sourceID string, ref invoicesync.PartnerRef) error {
	op := fmt.Sprintf("set partner link of %s %q", role, sourceID)
	unlock, err := s.db.lockWrite(ctx)
	if err != nil {
		return fail(ctx, op, err)
	}
	defer unlock()
	if ref.IsZero() {
		_, err = s.db.sql.ExecContext(ctx,
			`DELETE FROM partner_links WHERE namespace = ? AND role = ? AND source_id = ?`, s.ns, string(role), sourceID)
	} else {
		_, err = s.db.sql.ExecContext(ctx, `
			INSERT INTO partner_links (namespace, role, source_id, partner_id, name, auxiliary_account)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (namespace, role, source_id) DO UPDATE SET
				partner_id = excluded.partner_id, name = excluded.name,
				auxiliary_account = excluded.auxiliary_account`,
			s.ns, string(role), sourceID, ref.ID, ref.Name, ref.AuxiliaryAccount)
	}
	if err != nil {
		return fail(ctx, op, err)
	}
	return nil
}
