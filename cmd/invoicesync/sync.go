package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"unicode"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
	"github.com/invoicesync/invoicesync/connector/plaintext"
	"github.com/invoicesync/invoicesync/store/sqlitestore"
)

const syncHelp = `Usage: invoicesync sync -ledger hledger:FILE|beancount:FILE [-mapping FILE] [-state FILE]
                        [-direction sales|purchase] [-company IDS] [-q] PATH...

Posts e-invoices into a plain-text journal, exactly once: running it again
over the same files posts nothing more, and a file listed twice, or under
another path, is the same invoice. The journal is an hledger journal or a
Beancount file; the real tools read it:

  hledger -f FILE check --strict      hledger -f FILE balance
  bean-check FILE

PATH, -mapping, -direction and -company are as for "invoicesync preview"
(run "invoicesync preview -h"). Without -mapping, the demo mapping and chart
are used, with a VAT code for every VAT category and rate the invoices use.

Options:

  -ledger FORMAT:FILE
        the journal: hledger:FILE or beancount:FILE. A FILE that does not
        exist is created, declaring the chart (accounts named by their use:
        Assets:411000 for customers, Income:706000 for sales, ...). In an
        existing FILE, the accounts, VAT codes and journals the chart has and
        the file lacks are declared; what the file declares is kept. An
        existing FILE in the other format is refused (exit status 2),
        nothing written: read as the other format, its entries would be
        posted again.
  -state FILE
        the synchronization state (SQLite), which remembers each invoice's
        version and entry. Default: the journal's FILE with ".state" added.
        Without it (deleted, or restored from an older backup), each invoice
        is looked up in the journal by its idempotency key before it is
        posted: one that is there is reported recovered and not posted again.
  -q
        quiet: no progress and no summary line on stderr. Errors that stop
        the command are still written there; the output is the same.

Invoices are posted without their PDF (a plain-text journal keeps no
documents). An invoice is identified by its file's content (its SHA-256):
an e-invoice is an immutable document, so a file renamed, moved or named
twice is posted once, while a corrected invoice is a new document (issue a
credit note for the old one). The UBL and the CII versions of one invoice
are two documents: keep only one of them in the folders synchronized.

Output: one line per invoice, tab separated:

  STATUS  ACTION  FILE  NUMBER  ENTRY  CODE  MESSAGE

STATUS is synchronized, error, waiting or skipped; ACTION posted,
unchanged, recovered or "-"; ENTRY the entry's id in the journal; CODE
and MESSAGE are set on errors. A backslash, tab, newline or other
control character in a value is written \\, \t, \n, \r or \xNN, so that
each invoice is one line of seven fields. Then a summary line.

Progress goes to stderr, never to the output. When stderr is a terminal, a
line rewritten in place (at most ten times a second) counts the invoices
done out of the files listed, the entries posted, the errors, the rate and
the time left:

  12/47 invoices, 10 posted, 2 errors, 8.0/s, ETA 4s

Identical files are one invoice, so the count may stop below the number of
files. At the end, and when stderr is not a terminal at the end only, one
summary line says how many invoices there were:

  invoicesync sync: 47 invoices in 1.2s (39/s): 31 posted, 16 errors

-q leaves both out.

Every input is checked before anything is created or written: each PATH
exists and can be read, the -mapping file, -direction, the folders of the
journal and the state file, the journal's format; a PATH that cannot be read
stops the run with nothing written (exit status 1).

A folder PATH holding no e-invoice file (.xml, .json, .pdf) is refused as
well (exit status 1, nothing written): the PATH is likely wrong.

Ctrl-C (SIGINT) or SIGTERM stops the run cleanly: the invoice at hand is
finished or abandoned (an entry is written whole, its intent recorded
first), the journal's lock is released, the lines and the summary of what
was done are printed, and the exit status is 130. Run sync again to post the
rest: nothing is posted twice. A second Ctrl-C ends the command at once.

Exit status: 0 when every invoice is synchronized (or skipped); 1 when an
invoice is in error or waiting, or a PATH could not be read or is a folder
without e-invoice files (then nothing is written); 2 on bad usage, an
unusable mapping, journal or state file; 130 when interrupted (SIGINT or
SIGTERM).
`

// syncSourceID names the command's invoices in idempotency keys; it must
// never change.
const syncSourceID = "invoicesync-cli/einvoice"

func syncCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	f := journalFlags{cmd: "sync"}
	f.register(fs)
	quiet := fs.Bool("q", false, "quiet: no progress and no summary line on stderr")
	fs.Usage = func() { fmt.Fprint(fs.Output(), syncHelp) }
	if status, done := parseFlags(fs, args, stdout, stderr); done {
		return status
	}
	fail := func(status int, format string, a ...any) int {
		fmt.Fprintf(stderr, "invoicesync sync: "+format+"\n", a...)
		return status
	}
	if err := f.check(); err != nil {
		return fail(exitUsage, "%v", err)
	}
	if fs.NArg() == 0 {
		return fail(exitUsage, "no PATH given\n(run \"invoicesync sync -h\" for help)")
	}
	// SIGINT or SIGTERM cancels ctx: the Syncer finishes or abandons the
	// invoice at hand through it. Once ctx is done, the signals are
	// restored, so that a second Ctrl-C ends the command at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)
	prog := newProgress("sync", stderr, *quiet)
	f.onOutcome = prog.onOutcome()
	j, status, err := f.open(ctx, fs.Args(), createJournal)
	if err != nil {
		if ctx.Err() != nil {
			return fail(exitInterrupted, "interrupted before any invoice was posted: %v", err)
		}
		return fail(status, "%v", err)
	}
	defer j.close()
	// The total is the number of files listed. Identical files are one
	// invoice, handled once, so the count may stop below it; the summary
	// line then says how many invoices there were.
	prog.start(len(j.src.paths))
	report, err := j.syncer.Run(ctx)
	interrupted := err != nil && ctx.Err() != nil
	prog.finish(report != nil && (err == nil || interrupted))
	if err != nil && (!interrupted || report == nil) {
		if interrupted {
			return fail(exitInterrupted, "interrupted: %v", err)
		}
		return fail(exitUsage, "%v", err)
	}
	status = j.printOutcomes(stdout, report)
	fmt.Fprintf(stdout, "%d invoices: %d synchronized (%d posted), %d errors, %d waiting, %d skipped; journal %s\n",
		report.Invoices, report.Statuses[invoicesync.StateSynchronized], report.Actions[invoicesync.ActionPosted],
		report.Statuses[invoicesync.StateError], report.Statuses[invoicesync.StateWaiting], report.Statuses[invoicesync.StateSkipped], field(j.path))
	if interrupted {
		return fail(exitInterrupted, "interrupted: stopped after the %d invoices above; run sync again to post the rest", report.Invoices)
	}
	return status
}

// journalFlags are the options sync and verify share.
type journalFlags struct {
	cmd                                        string // the subcommand, for messages
	ledger, mapping, state, direction, company *string
	format                                     plaintext.Format
	journal                                    string
	onOutcome                                  func(invoicesync.Outcome) // the Syncer's Config.OnOutcome
}

// register defines the flags on fs.
func (f *journalFlags) register(fs *flag.FlagSet) {
	f.ledger = fs.String("ledger", "", "the journal: hledger:FILE or beancount:FILE")
	f.mapping = fs.String("mapping", "", "the mapping file (JSON); default: the built-in demo")
	f.state = fs.String("state", "", "the state file (SQLite); default: the journal's name + .state")
	f.direction = fs.String("direction", "sales", "sales or purchase: the direction of invoices -company does not decide")
	f.company = fs.String("company", "", "the company's VAT numbers or registration ids, comma separated")
}

// check reads -ledger and -state, before anything is created: the format
// word, and that the folder of each file exists and that neither names a
// folder; a state file that exists must be an SQLite database.
func (f *journalFlags) check() error {
	format, journal, ok := strings.Cut(*f.ledger, ":")
	if !ok || journal == "" || (format != string(plaintext.Hledger) && format != string(plaintext.Beancount)) {
		return fmt.Errorf("-ledger must be hledger:FILE or beancount:FILE, not %q", *f.ledger)
	}
	f.format, f.journal = plaintext.Format(format), journal
	if *f.state == "" {
		*f.state = journal + ".state"
	}
	if err := checkFilePath(journal); err != nil {
		return fmt.Errorf("-ledger %s: %v", *f.ledger, err)
	}
	if err := checkFilePath(*f.state); err != nil {
		return fmt.Errorf("-state %s: %v", *f.state, err)
	}
	if err := checkSQLite(*f.state); err != nil {
		return fmt.Errorf("-state %s: %v", *f.state, err)
	}
	return nil
}

// checkFilePath checks that the folder of path exists and that path, if it
// exists, is not a folder.
func checkFilePath(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the folder %s does not exist", dir)
	case err != nil:
		return err
	case !st.IsDir():
		return fmt.Errorf("%s is not a folder", dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a folder, not a file", path)
	}
	return nil
}

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// checkSQLite checks that the file at path, if it exists and is not empty,
// is an SQLite database, so that a wrong -state is refused before the
// journal is written to.
func checkSQLite(path string) error {
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer file.Close()
	head := make([]byte, len(sqliteHeader))
	n, err := io.ReadFull(file, head)
	if n == 0 && (err == io.EOF || err == nil) {
		return nil // empty: SQLite makes it a database
	}
	if string(head[:n]) != sqliteHeader {
		return fmt.Errorf("not an SQLite database (the state file sync writes)")
	}
	return nil
}

// openJournalRun is what sync and verify work with: the files, the journal,
// the state and the Syncer over them.
type openJournalRun struct {
	path   string
	src    *fileSource
	ledger *plaintext.Ledger
	db     *sqlitestore.DB
	syncer *invoicesync.Syncer
}

func (j *openJournalRun) close() {
	j.db.Close()
	j.ledger.Close()
}

// journalMode says how a subcommand uses the journal.
type journalMode int

const (
	createJournal journalMode = iota // sync: created if need be, the chart declared
	readJournal                      // verify: it and the state must exist; nothing written
	repostJournal                    // verify -repost: both must exist; the chart declared
)

// open lists the files of paths, opens the journal and the state as mode
// says, and makes the Syncer. Every input is checked before anything is
// created or written: a PATH that does not exist or cannot be read (status
// exitFiles), the -direction, the -mapping file, and for verify the journal
// and the state file (status exitUsage); so is the journal's format, by
// plaintext.Open. On an error, status is the exit status.
func (f *journalFlags) open(ctx context.Context, paths []string, mode journalMode) (_ *openJournalRun, status int, _ error) {
	parser, err := newParser(*f.direction, *f.company)
	if err != nil {
		return nil, exitUsage, err
	}
	src := &fileSource{parser: parser}
	var unreadable []string
	for _, root := range paths {
		n := len(src.paths)
		if err := src.add(root); err != nil {
			unreadable = append(unreadable, fmt.Sprintf("PATH %s: %v", root, err))
		} else if len(src.paths) == n {
			unreadable = append(unreadable, noInvoiceFile(root))
		}
	}
	if len(unreadable) > 0 {
		return nil, exitFiles, fmt.Errorf("%s\nnothing was written: correct the PATHs, or leave out those that do not exist", strings.Join(unreadable, "\n"))
	}
	var s *setup
	if *f.mapping != "" {
		if s, err = loadSetup(*f.mapping); err != nil {
			return nil, exitUsage, err
		}
	} else {
		demo := einvoice.Demo(src.readable(ctx)...)
		s = &setup{mapping: demo.Mapping, lists: chartLists{demo.Accounts, demo.VATCodes, demo.Journals}}
	}
	m := *s.mapping
	m.SyncWithoutAttachment = true
	if mode != createJournal { // both must exist: check them before the journal is declared to
		if _, err := os.Stat(f.journal); err != nil {
			return nil, exitUsage, fmt.Errorf("-ledger %s: %v", *f.ledger, err)
		}
		if _, err := os.Stat(*f.state); err != nil {
			return nil, exitUsage, fmt.Errorf("-state %s: %v", *f.state, err)
		}
	}
	var ledger *plaintext.Ledger
	switch mode {
	case readJournal: // as it is: nothing declared, nothing posted
		ledger, err = plaintext.Open(f.journal, &plaintext.Options{Format: f.format})
	default:
		ledger, err = openJournal(ctx, f.format, f.journal, &m, s.lists)
	}
	if err != nil {
		return nil, exitUsage, f.journalError(err)
	}
	db, err := sqlitestore.Open(ctx, *f.state)
	if err != nil {
		ledger.Close()
		return nil, exitUsage, fmt.Errorf("state %s: %v", *f.state, err)
	}
	syncer, err := invoicesync.NewSyncer(src, ledger, &m, db.Store(syncSourceID), invoicesync.Config{SourceID: syncSourceID, Concurrency: 1, OnOutcome: f.onOutcome})
	if err != nil {
		db.Close()
		ledger.Close()
		return nil, exitUsage, err
	}
	return &openJournalRun{path: f.journal, src: src, ledger: ledger, db: db, syncer: syncer}, exitOK, nil
}

// journalError words an error of opening the journal for the command line:
// a journal in the other format than -ledger says names both, and the
// -ledger to run with.
func (f *journalFlags) journalError(err error) error {
	var fm *plaintext.FormatMismatchError
	if !errors.As(err, &fm) {
		return err
	}
	return fmt.Errorf("-ledger %s: %s is %s file (%s), not %s; nothing was written (read as %s, its entries would not be seen and every invoice would be posted again).\nrun with -ledger %s:%s, or name another (new or empty) FILE for %s books",
		*f.ledger, fm.Path, formatArticle(fm.Found), fm.Evidence, fm.Asked, fm.Asked, fm.Found, f.journal, fm.Asked)
}

// formatArticle is "an hledger" or "a beancount".
func formatArticle(format plaintext.Format) string {
	if format == plaintext.Hledger {
		return "an hledger"
	}
	return "a " + string(format)
}

// printOutcomes writes a line per outcome, in the order of the files, and
// returns exitFiles when an invoice is not synchronized (nor skipped).
func (j *openJournalRun) printOutcomes(stdout io.Writer, report *invoicesync.Report) int {
	status := exitOK
	outcomes := slices.Clone(report.Outcomes)
	slices.SortFunc(outcomes, func(a, b invoicesync.Outcome) int {
		return strings.Compare(j.src.file(a.InvoiceID), j.src.file(b.InvoiceID))
	})
	for _, o := range outcomes {
		action := string(o.Action)
		if action == "" {
			action = "-"
		}
		msg := o.Message
		var se *invoicesync.SyncError
		if o.Code == invoicesync.CodeDuplicate && errors.As(o.Err, &se) {
			// The first document's id is a hash: name its file when known.
			msg = strings.ReplaceAll(msg, "as "+se.Expected+",", "as "+j.src.file(se.Expected)+",")
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", o.Status, action, field(j.src.file(o.InvoiceID)), field(o.Number),
			field(o.Entry.ID), o.Code, field(oneLine(msg)))
		if o.Status != invoicesync.StateSynchronized && o.Status != invoicesync.StateSkipped {
			status = exitFiles
		}
	}
	return status
}

// oneLine keeps a message on its line of the output.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// field escapes a value of the tab-separated output, so that it stays one
// field on one line: a backslash is written \\, a tab \t, a newline \n, a
// carriage return \r and any other control character \xNN (\u{NNNN} beyond
// one byte).
func field(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case unicode.IsControl(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.IsControl(r):
			fmt.Fprintf(&b, `\u{%04x}`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// newParser makes the e-invoice parser of the -direction and -company flags.
func newParser(direction, company string) (*einvoice.Parser, error) {
	dir := invoicesync.Direction(direction)
	if !dir.Valid() {
		return nil, fmt.Errorf("-direction must be sales or purchase, not %q", direction)
	}
	p := &einvoice.Parser{Direction: dir}
	for _, id := range strings.Split(company, ",") {
		if id = strings.TrimSpace(id); id != "" {
			p.Company = append(p.Company, id)
		}
	}
	return p, nil
}

// openJournal opens (or creates) the journal, declares what the chart has
// and it lacks, and checks the mapping against what it then declares.
func openJournal(ctx context.Context, f plaintext.Format, path string, m *invoicesync.Mapping, lists chartLists) (*plaintext.Ledger, error) {
	chart := &plaintext.Chart{
		Accounts: plaintext.NameAccounts(lists.accounts, plaintext.RootsFor(m, lists.codes)),
		VATCodes: lists.codes, Journals: lists.journals,
	}
	if m.LedgerCurrency != "" {
		chart.Currencies = []string{m.LedgerCurrency}
	}
	l, err := plaintext.Open(path, &plaintext.Options{Format: f, Chart: chart})
	if err != nil {
		return nil, err
	}
	if err := l.Declare(ctx, chart); err != nil {
		l.Close()
		return nil, err
	}
	if err := m.Validate(ctx, l); err != nil {
		l.Close()
		return nil, fmt.Errorf("the mapping does not fit %s: %v", path, err)
	}
	return l, nil
}

// noInvoiceFile is the message for a folder PATH without e-invoice files.
func noInvoiceFile(root string) string {
	return fmt.Sprintf("no e-invoice file (.xml, .json, .pdf) in %s", root)
}

// fileSource is an invoicesync.InvoiceSource over the e-invoice files named
// on the command line. An invoice's id is the hash of its file's content
// (see syncHelp). Each file is read once per command: what readable reads
// (for the demo chart) is what the run's Changed then hands over; other
// calls read the files again.
type fileSource struct {
	parser *einvoice.Parser
	paths  []string

	mu     sync.Mutex
	files  map[string]string     // invoice id → the first file it was read from
	parsed map[string]parsedFile // path → read by readable, for Changed to hand over once
	reads  int                   // files read, for tests
}

// parsedFile is a file as read: the invoice, or why it could not be.
type parsedFile struct {
	inv invoicesync.Invoice
	err error
}

// add lists root's e-invoice files; root must exist and be readable (a
// folder: listable, as are the folders in it).
func (s *fileSource) add(root string) error {
	f, err := os.Open(root)
	if err != nil {
		return err
	}
	f.Close()
	return eachFile(root, func(path string) error {
		s.paths = append(s.paths, path)
		return nil
	})
}

// read reads the file path as an invoice. Its id is the hash of the
// file's content: an e-invoice is an immutable document, so the same bytes
// are the same invoice whatever the file is called or where it is.
func (s *fileSource) read(ctx context.Context, path string) (invoicesync.Invoice, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return invoicesync.Invoice{}, err
	}
	inv, err := einvoice.NewSource(os.DirFS(filepath.Dir(abs)), s.parser).Invoice(ctx, filepath.Base(abs))
	if err != nil && inv.ID == "" {
		return inv, err
	}
	id := "sha256:" + inv.Metadata["sha256"][:32] // the source hashed the content it read
	inv.ID = id
	var se *invoicesync.SyncError
	if errors.As(err, &se) {
		se.InvoiceID = id
	}
	s.mu.Lock()
	s.reads++
	if s.files == nil {
		s.files = make(map[string]string)
	}
	if _, ok := s.files[id]; !ok {
		s.files[id] = path
	}
	s.mu.Unlock()
	return inv, err
}

// file returns the file an invoice id was read from.
func (s *fileSource) file(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.files[id]; ok {
		return filepath.ToSlash(f)
	}
	return id
}

// readable reads every file and returns the invoices that parse, for the
// demo chart. The next Changed hands over what it read instead of reading
// the files again. A PDF's bytes are not kept: the journal keeps no
// document (its ledger attaches nothing), and a folder of PDFs would
// otherwise be held in memory whole.
//
// The files are read by as many goroutines as the machine has processors:
// parsing is most of the work of a run that posts to a local journal.
func (s *fileSource) readable(ctx context.Context) []*invoicesync.Invoice {
	files := make([]parsedFile, len(s.paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(s.paths)) {
		wg.Go(func() {
			for i := range next {
				inv, err := s.read(ctx, s.paths[i])
				for j := range inv.Attachments {
					inv.Attachments[j].Data = nil
				}
				files[i] = parsedFile{inv, err}
			}
		})
	}
	for i := range s.paths {
		next <- i
	}
	close(next)
	wg.Wait()

	parsed := make(map[string]parsedFile, len(s.paths))
	first := make(map[string]string) // invoice id → its first file, in the order of the paths
	var out []*invoicesync.Invoice
	seen := make(map[string]bool)
	for i, p := range s.paths {
		f := files[i]
		parsed[p] = f
		if _, ok := first[f.inv.ID]; f.inv.ID != "" && !ok {
			first[f.inv.ID] = p
		}
		if f.err == nil && !seen[f.inv.ID] {
			seen[f.inv.ID] = true
			out = append(out, &files[i].inv)
		}
	}
	s.mu.Lock()
	s.parsed = parsed
	maps.Copy(s.files, first) // read in parallel, the files of one content were met in any order
	s.mu.Unlock()
	return out
}

// take returns what readable read of path, until the next Changed ends.
func (s *fileSource) take(path string) (parsedFile, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.parsed[path]
	return f, ok
}

// Changed implements invoicesync.InvoiceSource: every file, every time;
// a file identical to one listed before is the same invoice, listed once.
func (s *fileSource) Changed(ctx context.Context, _ string) iter.Seq2[invoicesync.Invoice, error] {
	return func(yield func(invoicesync.Invoice, error) bool) {
		defer func() { // handed over once: a later listing reads the files again
			s.mu.Lock()
			s.parsed = nil
			s.mu.Unlock()
		}()
		seen := make(map[string]bool)
		for _, p := range s.paths {
			f, ok := s.take(p)
			if !ok {
				f.inv, f.err = s.read(ctx, p)
			}
			inv, err := f.inv, f.err
			if err != nil && inv.ID == "" {
				err = fmt.Errorf("reading %s: %w", p, err)
			} else if seen[inv.ID] {
				continue
			}
			seen[inv.ID] = true
			if !yield(inv, err) {
				return
			}
		}
	}
}

// Invoice implements invoicesync.InvoiceSource: the file id was last read from.
func (s *fileSource) Invoice(ctx context.Context, id string) (invoicesync.Invoice, error) {
	s.mu.Lock()
	path, ok := s.files[id]
	s.mu.Unlock()
	if !ok {
		return invoicesync.Invoice{}, fmt.Errorf("invoice %s: %w", id, invoicesync.ErrNotFound)
	}
	inv, err := s.read(ctx, path)
	if err == nil && inv.ID != id {
		return invoicesync.Invoice{}, fmt.Errorf("invoice %s: %s now holds %s: %w", id, path, inv.ID, invoicesync.ErrNotFound)
	}
	return inv, err
}

// Contact implements invoicesync.InvoiceSource: e-invoices carry their parties.
func (s *fileSource) Contact(ctx context.Context, ref string) (invoicesync.Party, error) {
	return invoicesync.Party{}, fmt.Errorf("contact %q: e-invoices carry their parties: %w", ref, invoicesync.ErrNotFound)
}

var _ invoicesync.InvoiceSource = (*fileSource)(nil)
