// Command invoicesync tries the library on real e-invoices from the command
// line. Its preview subcommand reads EN 16931 e-invoices (UBL, CII,
// Factur-X/ZUGFeRD XML, XRechnung, GOBL JSON) and writes, for each file, the
// entry a synchronization would post — or the error it would report — as
// one JSON object per line:
//
//	go run ./cmd/invoicesync preview [-mapping FILE] [-direction sales|purchase] [-company IDS] PATH...
//
// Its sync subcommand posts them, exactly once, into a plain-text journal
// that hledger or Beancount read:
//
//	go run ./cmd/invoicesync sync -ledger hledger:FILE|beancount:FILE [-mapping FILE] [-state FILE] PATH...
//
// Its verify subcommand checks that the entries sync posted are still in the
// journal (one restored from an older backup may have lost some), and with
// -repost posts the missing ones again:
//
//	go run ./cmd/invoicesync verify -ledger hledger:FILE|beancount:FILE [-state FILE] [-repost PATH...]
//
// Run each with -h for every option and the format of its output.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0 // every file was read (some invoices may be in error)
	exitFiles = 1 // a path could not be read
	exitUsage = 2 // bad usage
)

const usage = `invoicesync tries the invoicesync library on e-invoices.

Usage:

  invoicesync preview [-mapping FILE] [-direction sales|purchase] [-company IDS] PATH...
  invoicesync sync -ledger hledger:FILE|beancount:FILE [-mapping FILE] [-state FILE]
                   [-direction sales|purchase] [-company IDS] PATH...
  invoicesync verify -ledger hledger:FILE|beancount:FILE [-state FILE] [-repost ... PATH...]

Subcommands:

  preview   show the entry each e-invoice would be posted as, without posting
  sync      post e-invoices into an hledger or Beancount journal, exactly once
  verify    check that the entries sync posted are still in the journal

Run "invoicesync preview -h", "invoicesync sync -h" or "invoicesync verify -h"
for the details.
`

// run is the command with its arguments and outputs; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "preview":
		return preview(args[1:], stdout, stderr)
	case "sync":
		return syncCmd(args[1:], stdout, stderr)
	case "verify":
		return verifyCmd(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "invoicesync: unknown subcommand %q\n\n%s", args[0], usage)
	return exitUsage
}

// parseFlags parses args with fs, printing the help on stdout for -h.
// done is true when the command must stop with status.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (status int, done bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return exitOK, true
	case err != nil:
		fmt.Fprintf(stderr, "invoicesync %s: %v\n(run \"invoicesync %s -h\" for help)\n", fs.Name(), err, fs.Name())
		return exitUsage, true
	}
	return exitOK, false
}
