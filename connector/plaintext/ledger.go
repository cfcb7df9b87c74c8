package plaintext

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/rounding"
)

var (
	_ invoicesync.LedgerTarget     = (*Ledger)(nil)
	_ invoicesync.DraftPoster      = (*Ledger)(nil)
	_ invoicesync.PartnerLister    = (*Ledger)(nil)
	_ invoicesync.EntryBatchFinder = (*Ledger)(nil)
)

// errLocked: another program holds the file.
var errLocked = errors.New("the file is open in another program using invoicesync (it holds the lock); close that one first")

// ErrClosed is returned by every method of a Ledger after Close.
var ErrClosed = errors.New("plaintext: ledger is closed")

// codec is what differs between the formats.
type codec interface {
	comment(text string) string
	account(a Account) string
	vatCode(v invoicesync.VATCode) string
	journal(j invoicesync.Journal) string
	commodity(cur string, decimals int32) string
	partner(id string, p invoicesync.Partner) string
	transaction(t *pTxn) string
	parse(path string, data []byte) (*parsed, error)
}

func codecOf(f Format) codec {
	if f == Beancount {
		return beancountCodec{}
	}
	return hledgerCodec{}
}

// Options configure Open. The zero value opens an existing file in its own
// format.
type Options struct {
	// Format is the file's format. An existing file whose content tells
	// another format (see Open) is refused with a *FormatMismatchError.
	// Empty: the format the file's content tells, else the one its
	// extension suggests (see FormatOf).
	Format Format
	// Chart is declared when the file does not exist yet (or is empty): Open
	// then creates it. Ignored for an existing file; use Declare to add to
	// its chart. Nil: Open fails when the file does not exist.
	Chart *Chart
	// Logger receives a warning when Open cuts off an interrupted write. Nil:
	// nothing is logged.
	Logger *slog.Logger
}

// Ledger is an invoicesync.LedgerTarget, DraftPoster and PartnerLister that
// keeps its books in one plain-text file, in the hledger or the Beancount
// format, which the real tools read and check.
//
// The file declares the chart: accounts (account directives, or open and
// close), commodities, and — as tagged comments in hledger, custom
// directives in Beancount — VAT codes and journals. A partner is a payee
// (declared with a payee directive in hledger, a custom directive in
// Beancount). An entry is a transaction: the partner is its payee, the
// entry's label its note, a draft is pending ("!"); the entry id, invoice
// number, idempotency key, journal and each posting's VAT code and label are
// tags (hledger) or metadata (Beancount). Amounts are in the entry's
// currency with its minor units: debits positive, credits negative.
//
// Every write is appended as one block (see recover.go for the protocol)
// and fsynced before the method returns, so what PostEntry reported posted
// survives a crash, and an interrupted write is cut off when the file is next
// opened. Open reads the file back, so idempotency keys are honoured across
// restarts. While open, the file is locked against other programs using this
// package; it may be read (hledger, bean-check) and edited by hand at any
// time: a change of size or modification time makes the Ledger read it again
// before its next operation. Transactions written by hand are kept and
// ignored.
//
// A Ledger is safe for concurrent use. It does not implement
// invoicesync.Attacher: plain-text files keep no documents.
type Ledger struct {
	path   string
	format Format
	codec  codec
	log    *slog.Logger

	mu       sync.Mutex
	f        *os.File
	unlock   func() error
	size     int64
	mod      time.Time
	newline  bool // the file ends with a newline
	stale    bool // a write failed: read the file again before the next operation
	file     *File
	byNumber map[string]int     // account number → index in file.Accounts
	chart    *invoicesync.Chart // the file's chart, as PostEntry checks entries against it
	byKey    map[string]int     // idempotency key → index in file.Entries
	partners map[string]int     // partner id → index in file.Partners
	curs     map[string]bool
	entrySeq int
	partSeq  int
}

// Open opens the journal file at path, creating it with opts.Chart when it
// does not exist (or is empty), and reads it back. An interrupted write at
// its end (a crash during an append) is cut off, and the bytes cut are
// appended to path + ".torn". The file stays locked until Close.
//
// The format is read from the file itself before anything is written to
// it: the header this package writes at the top of the files it creates,
// else the first line only one of the two syntaxes has (Beancount's option
// "...", "DATE open ACCOUNT" or "DATE * \"PAYEE\"", hledger's account
// directive or "DATE DESCRIPTION"). A file in another format than
// opts.Format is refused with a *FormatMismatchError, written to by no one:
// read in the wrong format its entries would be invisible, and every
// invoice posted again in a syntax its tool refuses. An empty file, or
// one of comments only, has no format and is opened in any.
//
// Programs may open, or create, the same file at the same time: one of them
// has it, and the others fail with an error saying that it is open in
// another program. A file one of them created is never replaced by another
// one's. A new file (and FILE.torn) gets mode 0666 less the umask; one that
// replaces an empty file keeps that file's mode.
func Open(path string, opts *Options) (*Ledger, error) {
	if opts == nil {
		opts = &Options{}
	}
	format := opts.Format
	if format == "" {
		format = formatOfFile(path)
	}
	if format == "" {
		return nil, errorf("%s: cannot tell the format from the content or the extension: set Options.Format to %q or %q", path, Hledger, Beancount)
	}
	if !format.valid() {
		return nil, errorf("unknown format %q: use %q or %q", format, Hledger, Beancount)
	}
	l := &Ledger{path: path, format: format, codec: codecOf(format), log: opts.Logger}
	f, unlock, err := l.openLocked(opts.Chart)
	if err != nil {
		return nil, err
	}
	l.f, l.unlock = f, unlock
	if err := l.load(); err != nil {
		l.unlock()
		f.Close()
		return nil, err
	}
	return l, nil
}

// maxOpenTries bounds how many times openLocked starts over because the file
// at the path changed while it was being opened.
const maxOpenTries = 100

// link gives a file a second name; a variable so that tests can have it
// fail as it does on file systems without hard links.
var link = os.Link

// testHook, when set, is called by openLocked once it has opened a file
// and before it locks it (point "opened"), and by create once the new file
// is ready and before it gets its name (point "prepared"), so that tests
// can have another Open run exactly there.
var testHook func(point string)

// openLocked opens the file at l.path for appending and locks it, creating
// it with chart (nil: failing instead) when it does not exist or is empty.
// Several programs may do so at once: the lock is taken before anything is
// decided, and a file is only kept if the path still names it once locked,
// so that a file replaced in the meantime (an empty one, by the program
// that created the journal in its place) is never written to.
func (l *Ledger) openLocked(chart *Chart) (*os.File, func() error, error) {
	noFile := func() error {
		return errorf("%s does not exist (or is empty) and no chart was given to create it", l.path)
	}
	for range maxOpenTries {
		f, err := os.OpenFile(l.path, os.O_RDWR|os.O_APPEND, 0)
		if errors.Is(err, os.ErrNotExist) {
			if chart == nil {
				return nil, nil, noFile()
			}
			if target, err := os.Readlink(l.path); err == nil {
				return nil, nil, errorf("%s is a symbolic link to %s, which does not exist: create that file, or remove the link", l.path, target)
			}
			f, unlock, err := l.create(chart, nil)
			var nl *noLinkError
			switch {
			case errors.Is(err, fs.ErrExist):
				continue // another program created it first: open that one
			case errors.As(err, &nl):
				// No hard links here: put an empty file at the path, to be
				// replaced as any empty file is, unless another program
				// created one first.
				ph, err := os.OpenFile(l.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
				if err != nil && !errors.Is(err, fs.ErrExist) {
					return nil, nil, errorf("%w", err)
				}
				if err == nil {
					ph.Close()
				}
				continue
			}
			return f, unlock, err
		}
		if err != nil {
			return nil, nil, errorf("%w", err)
		}
		if testHook != nil {
			testHook("opened")
		}
		unlock, err := lockFile(f)
		if err != nil {
			f.Close()
			return nil, nil, errorf("%s: %w", l.path, err)
		}
		release := func() {
			unlock()
			f.Close()
		}
		st, err := f.Stat()
		if err != nil {
			release()
			return nil, nil, errorf("%w", err)
		}
		if at, err := os.Stat(l.path); err != nil || !os.SameFile(st, at) {
			release() // replaced or removed since it was opened
			continue
		}
		if st.Size() > 0 {
			return f, unlock, nil
		}
		if chart == nil {
			release()
			return nil, nil, noFile()
		}
		// Empty, locked, and still at the path: replace it, keeping it locked
		// until then where an open file may be replaced. Other programs that
		// opened it meanwhile find it locked, or no longer at the path.
		if !lockWhileInstalling {
			release()
		}
		nf, nunlock, err := l.create(chart, st)
		if lockWhileInstalling {
			release()
		}
		return nf, nunlock, err
	}
	return nil, nil, errorf("%s: other programs kept creating or replacing the file while it was being opened; try again", l.path)
}

// noLinkError: the file system refused a hard link (it has none).
type noLinkError struct{ err error }

func (e *noLinkError) Error() string { return e.err.Error() }

// create writes a new file declaring chart and gives it the name l.path,
// so that the path names no file (or an empty one) or the complete new one,
// never a part of it: the text goes to a temporary file in the same
// directory, which is fsynced and (on systems with locks) locked, and only
// then hard-linked to the path, its temporary name being removed, or, when
// empty is set (the path names that empty file, which the caller has
// locked), renamed over the path. Then the directory is fsynced. The creator
// thus holds the lock from the moment the file has its name. A hard link
// fails when the path exists already: create then fails with an error
// wrapping fs.ErrExist, having created nothing, so that a file another
// program created in the meantime is never replaced; on a file system
// without hard links it fails with a *noLinkError.
//
// It returns the new file, open for appending and locked. The file is
// created with mode 0666, from which the process's umask takes away; one
// that replaces an empty file gets that file's permissions instead.
func (l *Ledger) create(chart *Chart, empty fs.FileInfo) (_ *os.File, _ func() error, err error) {
	if err := l.checkChart(chart, nil); err != nil {
		return nil, nil, err
	}
	var b strings.Builder
	b.WriteString(l.codec.comment(fmt.Sprintf(`Books kept by invoicesync (%s format).
Entries and partners are appended between "invoicesync: begin" and "end" lines.
Keep those lines and the entry and key tags: they make posting exactly-once.
Anything else may be edited; transactions written by hand are left alone.`, l.format)))
	b.WriteString(l.declarations(chart, nil))
	dir := filepath.Dir(l.path)
	tmp, err := createTemp(dir, filepath.Base(l.path))
	if err != nil {
		return nil, nil, errorf("%w", err)
	}
	name := tmp.Name()
	var unlock func() error
	defer func() {
		if err != nil {
			if unlock != nil {
				unlock()
			}
			if tmp != nil {
				tmp.Close()
			}
			os.Remove(name)
		}
	}()
	if _, err := tmp.WriteString(b.String()); err != nil {
		return nil, nil, errorf("%w", err)
	}
	if empty != nil {
		if err := tmp.Chmod(empty.Mode().Perm()); err != nil {
			return nil, nil, errorf("%w", err)
		}
	}
	if err := tmp.Sync(); err != nil {
		return nil, nil, errorf("%w", err)
	}
	if lockWhileInstalling {
		u, err := lockFile(tmp)
		if err != nil {
			return nil, nil, errorf("%s: %w", name, err)
		}
		unlock = u
	} else {
		err := tmp.Close()
		tmp = nil
		if err != nil {
			return nil, nil, errorf("%w", err)
		}
	}
	if testHook != nil {
		testHook("prepared")
	}
	if empty != nil {
		if err := os.Rename(name, l.path); err != nil {
			return nil, nil, errorf("%w", err)
		}
	} else {
		if err := link(name, l.path); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return nil, nil, errorf("%w", err)
			}
			return nil, nil, &noLinkError{err}
		}
		// The file is complete at the path; its temporary name is only
		// clutter (should it stay, it names the journal too).
		_ = os.Remove(name)
	}
	if err := syncDir(dir); err != nil {
		return nil, nil, err
	}
	if tmp == nil {
		if tmp, err = os.OpenFile(l.path, os.O_RDWR|os.O_APPEND, 0); err != nil {
			return nil, nil, errorf("%w", err)
		}
		u, err := lockFile(tmp)
		if err != nil {
			return nil, nil, errorf("%s: %w", l.path, err)
		}
		unlock = u
	}
	return tmp, unlock, nil
}

// createTemp creates a new file, open for reading and appending, with a
// hidden name of its own in dir made from base, and mode 0666 less the
// umask.
func createTemp(dir, base string) (*os.File, error) {
	for {
		name := filepath.Join(dir, "."+base+"."+strconv.FormatUint(rand.Uint64(), 36)+".tmp")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_APPEND|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
}

// syncDir fsyncs a directory, so that a rename in it survives a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return errorf("%w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return errorf("syncing %s: %w", dir, err)
	}
	return nil
}

// declarations writes what chart declares that have is missing (have nil:
// everything): commodities, accounts, VAT codes, journals.
func (l *Ledger) declarations(chart *Chart, have *File) string {
	var b strings.Builder
	for _, c := range chart.Currencies {
		if have == nil || !slices.Contains(have.Currencies, c) && !l.curs[c] {
			b.WriteString(l.codec.commodity(c, minorUnits(c)))
		}
	}
	for _, a := range chart.Accounts {
		if have == nil || !slices.ContainsFunc(have.Accounts, func(x Account) bool { return x.Name == a.Name || x.number() == a.number() }) {
			b.WriteString(l.codec.account(a))
		}
	}
	for _, v := range chart.VATCodes {
		if have == nil || !slices.ContainsFunc(have.VATCodes, func(x invoicesync.VATCode) bool { return x.Code == v.Code }) {
			b.WriteString(l.codec.vatCode(v))
		}
	}
	for _, j := range chart.Journals {
		if have == nil || !slices.ContainsFunc(have.Journals, func(x invoicesync.Journal) bool { return x.Code == j.Code }) {
			b.WriteString(l.codec.journal(j))
		}
	}
	return b.String()
}

// minorUnits is the decimals a commodity is declared with: ISO 4217's, else 2.
func minorUnits(cur string) int32 {
	if d, ok := rounding.MinorUnits(cur); ok {
		return d
	}
	return 2
}

// checkChart checks chart on its own and, when have is set, against the
// accounts the file declares already.
func (l *Ledger) checkChart(chart *Chart, have *File) error {
	var problems []string
	numbers := make(map[string]bool)
	names := make(map[string]bool)
	if have != nil {
		for _, a := range have.Accounts {
			numbers[a.number()] = true
			names[a.Name] = true
		}
	}
	seen := make(map[string]bool)
	for _, a := range chart.Accounts {
		if err := validAccountName(l.format, a.Name); err != nil {
			problems = append(problems, err.Error())
		}
		if seen[a.number()] || seen["name "+a.Name] {
			problems = append(problems, fmt.Sprintf("account %s (%s) is declared twice", a.number(), a.Name))
		}
		seen[a.number()], seen["name "+a.Name] = true, true
		numbers[a.number()] = true
	}
	codes := make(map[string]bool)
	for _, v := range chart.VATCodes {
		switch {
		case v.Code == "" || strings.ContainsAny(v.Code, "\r\n"):
			problems = append(problems, fmt.Sprintf("VAT code %q is empty or has a line break", v.Code))
		case codes[v.Code]:
			problems = append(problems, fmt.Sprintf("VAT code %s is declared twice", v.Code))
		}
		codes[v.Code] = true
		for _, acc := range []string{v.Account, v.DueAccount} {
			if acc != "" && !numbers[acc] {
				problems = append(problems, fmt.Sprintf("VAT code %s names account %s, which is not declared", v.Code, acc))
			}
		}
	}
	for _, j := range chart.Journals {
		if j.Code == "" || strings.ContainsAny(j.Code, "\r\n") {
			problems = append(problems, fmt.Sprintf("journal code %q is empty or has a line break", j.Code))
		}
	}
	for _, c := range chart.Currencies {
		if !currencyRE.MatchString(c) {
			problems = append(problems, fmt.Sprintf("currency %q is not an ISO 4217 code", c))
		}
	}
	if len(problems) > 0 {
		return errorf("%s: the chart cannot be declared: %s", l.path, strings.Join(problems, "; "))
	}
	return nil
}

// load reads the file, cutting off an interrupted write, and rebuilds the
// indexes. l.mu is held (or l is not shared yet).
func (l *Ledger) load() error {
	if _, err := l.f.Seek(0, io.SeekStart); err != nil {
		return errorf("%w", err)
	}
	data, err := io.ReadAll(l.f)
	if err != nil {
		return errorf("reading %s: %w", l.path, err)
	}
	at := torn(data)
	whole := data
	if at >= 0 {
		whole = data[:at]
	}
	if err := checkFormat(l.path, l.format, whole); err != nil {
		return err // before cutting anything off
	}
	if at >= 0 {
		if err := l.cut(data, at); err != nil {
			return err
		}
		data = data[:at]
	}
	file, err := parseFile(l.path, l.format, data)
	if err != nil {
		return err
	}
	st, err := l.f.Stat()
	if err != nil {
		return errorf("%w", err)
	}
	l.size, l.mod, l.stale = st.Size(), st.ModTime(), false
	l.newline = len(data) == 0 || data[len(data)-1] == '\n'
	l.file = file
	l.byNumber = make(map[string]int)
	for i, a := range file.Accounts {
		l.byNumber[a.number()] = i
	}
	l.chart = invoicesync.NewChart(chartAccounts(file.Accounts), file.VATCodes, file.Journals)
	l.byKey = make(map[string]int)
	l.entrySeq = 0
	for i, e := range file.Entries {
		if k := e.Entry.IdempotencyKey; k != "" {
			if _, dup := l.byKey[k]; !dup {
				l.byKey[k] = i
			}
		}
		l.entrySeq = max(l.entrySeq, seq(e.Ref.ID, "E"))
	}
	l.partners = make(map[string]int)
	l.partSeq = 0
	for i, p := range file.Partners {
		l.partners[p.Ref.ID] = i
		l.partSeq = max(l.partSeq, seq(p.Ref.ID, "P"))
	}
	l.curs = make(map[string]bool)
	for _, c := range file.Currencies {
		l.curs[c] = true
	}
	return nil
}

// cut removes the interrupted write data[at:] from the file, keeping a copy
// of it in path + ".torn".
func (l *Ledger) cut(data []byte, at int64) error {
	kept := l.path + ".torn"
	t, err := os.OpenFile(kept, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o666)
	if err != nil {
		return errorf("keeping the interrupted write of %s: %w", l.path, err)
	}
	_, err = t.Write(data[at:])
	if err == nil {
		err = t.Sync()
	}
	if cerr := t.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return errorf("keeping the interrupted write of %s: %w", l.path, err)
	}
	if err := l.f.Truncate(at); err != nil {
		return errorf("cutting the interrupted write off %s: %w", l.path, err)
	}
	if err := l.f.Sync(); err != nil {
		return errorf("%w", err)
	}
	if l.log == nil {
		return nil
	}
	l.log.Warn("plaintext: cut off an interrupted write", "file", l.path, "offset", at, "bytes", len(data)-int(at), "kept_in", kept)
	return nil
}

// ReadFile reads the journal file at path (format: as Options.Format) without
// locking or changing it. An interrupted write at its end is ignored. A
// file whose content tells another format than format is refused with a
// *FormatMismatchError, as Open refuses it.
func ReadFile(path string, format Format) (*File, error) {
	if format != "" && !format.valid() {
		return nil, errorf("unknown format %q", format)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, errorf("%w", err)
	}
	if at := torn(data); at >= 0 {
		data = data[:at]
	}
	if format == "" {
		format, _ = detectFormat(data)
	}
	if format == "" {
		var ok bool
		if format, ok = FormatOf(path); !ok {
			return nil, errorf("%s: cannot tell the format from the content or the extension", path)
		}
	}
	if err := checkFormat(path, format, data); err != nil {
		return nil, err
	}
	return parseFile(path, format, data)
}

func parseFile(path string, format Format, data []byte) (*File, error) {
	p, err := codecOf(format).parse(path, data)
	if err != nil {
		return nil, err
	}
	return p.build(path, format)
}

// Path returns the file's path.
func (l *Ledger) Path() string { return l.path }

// Format returns the file's format.
func (l *Ledger) Format() Format { return l.format }

// Close releases the file's lock and closes it. Later calls fail with ErrClosed.
func (l *Ledger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.unlock()
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	if err != nil {
		return errorf("%w", err)
	}
	return nil
}

// begin starts an operation: it takes l.mu, checks ctx and that l is open,
// and reads the file again if it changed since it was last read. On a nil
// error the caller must call l.mu.Unlock.
func (l *Ledger) begin(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	if l.f == nil {
		l.mu.Unlock()
		return ErrClosed
	}
	st, err := l.f.Stat()
	if err != nil {
		l.mu.Unlock()
		return errorf("%w", err)
	}
	if l.stale || st.Size() != l.size || !st.ModTime().Equal(l.mod) {
		if err := l.load(); err != nil { // says "plaintext:" already
			l.mu.Unlock()
			return err
		}
	}
	return nil
}

// appendBlock writes one block at the end of the file and fsyncs it; l.mu
// is held. After a failure the outcome is unknown: the file is read again
// before the next operation.
func (l *Ledger) appendBlock(block string) error {
	if !l.newline {
		block = "\n" + block
	}
	n, err := l.f.WriteString(block)
	if err == nil {
		err = l.f.Sync()
	}
	if err != nil {
		l.stale = true
		if n < len(block) {
			// A short write: take it back, so the file holds no half block
			// even before it is next opened.
			_ = l.f.Truncate(l.size)
		}
		return errorf("writing to %s: %w", l.path, err)
	}
	st, err := l.f.Stat()
	if err != nil {
		l.stale = true
		return nil // written and synced; the next operation reads the file again
	}
	l.size, l.mod, l.newline = st.Size(), st.ModTime(), true
	return nil
}

// Declare adds to the file what chart declares and the file does not have
// yet: accounts (by number or name), VAT codes, journals and currencies, in
// one block. What the file declares already is left as it is, even where
// chart says otherwise (an account closed by hand stays closed).
func (l *Ledger) Declare(ctx context.Context, chart *Chart) error {
	if err := l.begin(ctx); err != nil {
		return err
	}
	defer l.mu.Unlock()
	if err := l.checkChart(chart, l.file); err != nil {
		return err
	}
	body := l.declarations(chart, l.file)
	if body == "" {
		return nil
	}
	if err := l.appendBlock(frame(blockChart, fmt.Sprintf("@%d", l.size), body)); err != nil {
		return err
	}
	return l.load()
}

// ---- invoicesync.LedgerTarget ----

// Accounts implements invoicesync.LedgerTarget: the accounts the file
// declares, Number being the account's number (its name when it has none),
// Name its title (its name when it has none), closed ones inactive.
func (l *Ledger) Accounts(ctx context.Context) ([]invoicesync.Account, error) {
	if err := l.begin(ctx); err != nil {
		return nil, err
	}
	defer l.mu.Unlock()
	return chartAccounts(l.file.Accounts), nil
}

// chartAccounts are the accounts a file declares as Accounts lists them.
func chartAccounts(accounts []Account) []invoicesync.Account {
	out := make([]invoicesync.Account, 0, len(accounts))
	for _, a := range accounts {
		name := a.Title
		if name == "" {
			name = a.Name
		}
		out = append(out, invoicesync.Account{Number: a.number(), Name: name, Active: !a.Closed})
	}
	return out
}

// VATCodes implements invoicesync.LedgerTarget: the VAT codes the file declares.
func (l *Ledger) VATCodes(ctx context.Context) ([]invoicesync.VATCode, error) {
	if err := l.begin(ctx); err != nil {
		return nil, err
	}
	defer l.mu.Unlock()
	return slices.Clone(l.file.VATCodes), nil
}

// Journals implements invoicesync.LedgerTarget: the journals the file declares.
func (l *Ledger) Journals(ctx context.Context) ([]invoicesync.Journal, error) {
	if err := l.begin(ctx); err != nil {
		return nil, err
	}
	defer l.mu.Unlock()
	return slices.Clone(l.file.Journals), nil
}

// FindPartners implements invoicesync.LedgerTarget: the partners of q.Role
// whose q.Key equals q.Value exactly (KeyName: ignoring case). An empty
// Value matches nothing; an unknown key fails with invoicesync.ErrNotSupported.
func (l *Ledger) FindPartners(ctx context.Context, q invoicesync.PartnerQuery) ([]invoicesync.Partner, error) {
	match, err := q.Matcher()
	if err != nil {
		return nil, errorf("FindPartners: %w", err)
	}
	if err := l.begin(ctx); err != nil {
		return nil, err
	}
	defer l.mu.Unlock()
	out := []invoicesync.Partner{}
	for i := range l.file.Partners {
		p := &l.file.Partners[i]
		if match(p) {
			out = append(out, clonePartner(*p))
		}
	}
	return out, nil
}

// ListPartners implements invoicesync.PartnerLister: the partners of role,
// in the order they were created.
func (l *Ledger) ListPartners(ctx context.Context, role invoicesync.PartnerRole) ([]invoicesync.Partner, error) {
	if err := l.begin(ctx); err != nil {
		return nil, err
	}
	defer l.mu.Unlock()
	out := []invoicesync.Partner{}
	for _, p := range l.file.Partners {
		if p.Role == role {
			out = append(out, clonePartner(p))
		}
	}
	return out, nil
}

func clonePartner(p invoicesync.Partner) invoicesync.Partner {
	p.Address.Lines = slices.Clone(p.Address.Lines)
	return p
}

// CreatePartner implements invoicesync.LedgerTarget: it appends the partner
// (a payee) with the next id ("P1", "P2", ...). It rejects a partner whose
// Role is not Customer or Supplier, whose Name is empty, or whose Ref.ID is set.
func (l *Ledger) CreatePartner(ctx context.Context, p invoicesync.Partner) (invoicesync.PartnerRef, error) {
	switch {
	case p.Role != invoicesync.Customer && p.Role != invoicesync.Supplier:
		return invoicesync.PartnerRef{}, errorf("CreatePartner %q: invalid role %q", p.Name, p.Role)
	case strings.TrimSpace(p.Name) == "":
		return invoicesync.PartnerRef{}, errorf("CreatePartner: a partner needs a name")
	case p.Ref.ID != "":
		return invoicesync.PartnerRef{}, errorf("CreatePartner %q: Ref.ID %q is set; the ledger assigns it", p.Name, p.Ref.ID)
	}
	if err := l.begin(ctx); err != nil {
		return invoicesync.PartnerRef{}, err
	}
	defer l.mu.Unlock()
	id := "P" + strconv.Itoa(l.partSeq+1)
	if err := l.appendBlock(frame(blockPartner, id, l.codec.partner(id, p))); err != nil {
		return invoicesync.PartnerRef{}, err
	}
	l.partSeq++
	p = clonePartner(p)
	p.Ref = invoicesync.PartnerRef{ID: id, Name: p.Name, AuxiliaryAccount: p.AuxiliaryAccount}
	l.partners[id] = len(l.file.Partners)
	l.file.Partners = append(l.file.Partners, p)
	return p.Ref, nil
}

// PostEntry implements invoicesync.LedgerTarget. It appends e as a
// transaction with the next id ("E1", "E2", ...), declaring its currency
// first if the file does not. It rejects, writing nothing, an entry that
// fails invoicesync.Chart.CheckEntry against the chart the file declares:
// fails Entry.Check (invoicesync.ErrUnbalanced), names a journal the file
// does not declare while it declares some
// (invoicesync.ErrMappingJournalNotFound), an undeclared or closed account
// (ErrAccountNumberNotFound, ErrAccountNumberNotActive), an undeclared or
// inactive VAT code (ErrVATCodeNotFound); then an entry that has no date or
// a currency that is not an ISO 4217 code, or names a partner the file does
// not have (ErrPartnerNotFound). Drafts are pending transactions.
func (l *Ledger) PostEntry(ctx context.Context, e *invoicesync.Entry) (invoicesync.EntryRef, error) {
	if e == nil {
		return invoicesync.EntryRef{}, errorf("PostEntry: nil entry: %w", invoicesync.ErrUnbalanced)
	}
	if err := l.begin(ctx); err != nil {
		return invoicesync.EntryRef{}, err
	}
	defer l.mu.Unlock()
	if e.IdempotencyKey != "" {
		if i, ok := l.byKey[e.IdempotencyKey]; ok {
			return l.file.Entries[i].Ref, nil
		}
	}
	tx, err := l.transaction(e)
	if err != nil {
		return invoicesync.EntryRef{}, err
	}
	id := "E" + strconv.Itoa(l.entrySeq+1)
	tx.rec = headRecord(id, e)
	body := ""
	if !l.curs[e.Currency] {
		body = l.codec.commodity(e.Currency, minorUnits(e.Currency))
	}
	body += l.codec.transaction(tx)
	if err := l.appendBlock(frame(blockEntry, id, body)); err != nil {
		return invoicesync.EntryRef{}, err
	}
	l.entrySeq++
	l.curs[e.Currency] = true
	ref := invoicesync.EntryRef{ID: id, Number: id}
	stored := Entry{Ref: ref, Entry: *e}
	stored.Entry.Lines = nil // the index needs the key only; ReadFile reads the rest
	l.file.Entries = append(l.file.Entries, stored)
	if e.IdempotencyKey != "" {
		l.byKey[e.IdempotencyKey] = len(l.file.Entries) - 1
	}
	return ref, nil
}

// transaction checks e against the file and turns it into the transaction
// to write (without its record); l.mu is held.
func (l *Ledger) transaction(e *invoicesync.Entry) (*pTxn, error) {
	if err := l.chart.CheckEntry(e); err != nil {
		return nil, errorf("PostEntry to %s: %w", l.path, err)
	}
	name := fmt.Sprintf("PostEntry %q", e.Reference)
	switch {
	case e.Date.IsZero():
		return nil, errorf("%s: the entry has no date", name)
	case !currencyRE.MatchString(e.Currency):
		return nil, errorf("%s: currency %q is not an ISO 4217 code", name, e.Currency)
	}
	tx := &pTxn{date: e.Date, pending: e.Draft, note: e.Label}
	if tx.note == "" {
		tx.note = e.Reference
	}
	for i := range e.Lines {
		ln := &e.Lines[i]
		amount := ln.Debit
		if !ln.IsDebit() {
			amount = ln.Credit.Neg()
		}
		tx.postings = append(tx.postings, pPosting{
			account: l.file.Accounts[l.byNumber[ln.Account]].Name, amount: amountText(amount, e.Decimals, e.Currency), rec: lineRecord(ln, e.InvoiceCurrency),
		})
	}
	partner := e.Partner.ID
	if !e.Partner.IsZero() {
		if _, ok := l.partners[partner]; !ok {
			return nil, errorf("%s: partner %q (%s) does not exist: %w", name, partner, e.Partner.Name, invoicesync.ErrPartnerNotFound)
		}
	}
	for i := range e.Lines {
		p := e.Lines[i].Partner
		if p == nil || p.IsZero() {
			continue
		}
		if _, ok := l.partners[p.ID]; !ok {
			return nil, errorf("%s line %d: partner %q (%s) does not exist: %w", name, i+1, p.ID, p.Name, invoicesync.ErrPartnerNotFound)
		}
		if partner == "" {
			partner = p.ID
		}
	}
	if partner != "" {
		tx.payee = l.file.Partners[l.partners[partner]].Name
	}
	return tx, nil
}

// FindEntry implements invoicesync.LedgerTarget: the entry written with
// idempotency key key, pending ones included, or invoicesync.ErrNotFound.
func (l *Ledger) FindEntry(ctx context.Context, key string) (invoicesync.EntryRef, error) {
	if err := l.begin(ctx); err != nil {
		return invoicesync.EntryRef{}, err
	}
	defer l.mu.Unlock()
	i, ok := l.byKey[key]
	if !ok || key == "" {
		return invoicesync.EntryRef{}, errorf("FindEntry: no entry with key %q in %s: %w", key, l.path, invoicesync.ErrNotFound)
	}
	return l.file.Entries[i].Ref, nil
}

// FindEntries implements invoicesync.EntryBatchFinder: the references of
// the entries posted with keys, by key, read from the file as it is now;
// keys without entry are left out.
func (l *Ledger) FindEntries(ctx context.Context, keys []string) (map[string]invoicesync.EntryRef, error) {
	if err := l.begin(ctx); err != nil {
		return nil, err
	}
	defer l.mu.Unlock()
	found := make(map[string]invoicesync.EntryRef, len(keys))
	for _, k := range keys {
		if i, ok := l.byKey[k]; ok && k != "" {
			found[k] = l.file.Entries[i].Ref
		}
	}
	return found, nil
}

// SupportsDrafts implements invoicesync.DraftPoster: drafts are pending
// transactions, always supported.
func (l *Ledger) SupportsDrafts() bool { return true }
