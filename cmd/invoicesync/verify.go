package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/invoicesync/invoicesync"
)

const verifyHelp = `Usage: invoicesync verify -ledger hledger:FILE|beancount:FILE [-state FILE]
                          [-repost [-mapping FILE] [-direction sales|purchase] [-company IDS] PATH...]

Checks that every entry "invoicesync sync" posted into the journal is still
there, as the state file remembers them: a journal restored from an older
backup, or edited by hand, may have lost entries, which sync alone would
never post again. Each missing entry is reported; with -repost, the
invoices are read again from PATH and posted again, each as a new entry
(with an idempotency key of its own), as sync would post them.

Options:

  -ledger FORMAT:FILE
        the journal: hledger:FILE or beancount:FILE; it must exist.
  -state FILE
        the synchronization state sync wrote; it must exist. Default: the
        journal's FILE with ".state" added.
  -repost
        post the missing entries again, from the e-invoices of PATH (files
        or folders, as for sync; -mapping, -direction and -company too).

Output: one line per missing entry, tab separated:

  missing  NUMBER  ENTRY  KEY

NUMBER is the invoice number, ENTRY the entry's id when it was posted, KEY
its idempotency key (values escaped as sync's are). With -repost, sync's
lines for the invoices posted again follow. Then a summary line.

Exit status: 0 when no entry is missing, or every missing one was posted
again; 1 when entries are missing (without -repost), an invoice could not be
posted again, or a PATH could not be read or is a folder without e-invoice
files (then nothing is written); 2 on bad usage, or a journal or state
file that cannot be read or is missing, or a journal in the other format
than -ledger: all checked before anything is written.
`

func verifyCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	f := journalFlags{cmd: "verify"}
	f.register(fs)
	repost := fs.Bool("repost", false, "post the missing entries again, from the e-invoices of PATH")
	fs.Usage = func() { fmt.Fprint(fs.Output(), verifyHelp) }
	if status, done := parseFlags(fs, args, stdout, stderr); done {
		return status
	}
	fail := func(status int, format string, a ...any) int {
		fmt.Fprintf(stderr, "invoicesync verify: "+format+"\n", a...)
		return status
	}
	if err := f.check(); err != nil {
		return fail(exitUsage, "%v", err)
	}
	switch {
	case *repost && fs.NArg() == 0:
		return fail(exitUsage, "-repost needs the PATHs of the invoices to post again\n(run \"invoicesync verify -h\" for help)")
	case !*repost && fs.NArg() > 0:
		return fail(exitUsage, "PATHs are read only with -repost\n(run \"invoicesync verify -h\" for help)")
	}
	ctx := context.Background()
	mode := readJournal
	if *repost {
		mode = repostJournal
	}
	j, status, err := f.open(ctx, fs.Args(), mode)
	if err != nil {
		return fail(status, "%v", err)
	}
	defer j.close()
	if *repost {
		j.src.readable(ctx) // learns which file holds which invoice
	}
	rep, err := j.syncer.Verify(ctx, invoicesync.VerifyOptions{Repost: *repost})
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	for _, m := range rep.Missing {
		fmt.Fprintf(stdout, "missing\t%s\t%s\t%s\n", field(m.Number), field(m.Ref.ID), field(m.Key))
	}
	summary := fmt.Sprintf("%d entries checked: %d missing", rep.Checked, len(rep.Missing))
	switch {
	case rep.Reposted != nil:
		status = max(status, j.printOutcomes(stdout, rep.Reposted))
		summary += fmt.Sprintf(", %d posted again", rep.Reposted.Actions[invoicesync.ActionPosted]+rep.Reposted.Actions[invoicesync.ActionReposted])
	case len(rep.Missing) > 0:
		status = max(status, exitFiles)
	}
	fmt.Fprintf(stdout, "%s; journal %s\n", summary, field(j.path))
	return status
}
