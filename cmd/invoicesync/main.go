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
// Run each with -h for every option and the format of its output;
// "invoicesync -version" prints the command's version.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0 // every file was read (some invoices may be in error)
	exitFiles = 1 // a path could not be read
	exitUsage = 2 // bad usage
	// exitInterrupted: sync was stopped by SIGINT (Ctrl-C) or SIGTERM, after
	// finishing or abandoning the invoice at hand; 128 + SIGINT's number, as
	// the shells report a command a Ctrl-C ended.
	exitInterrupted = 130
)

const usage = `invoicesync tries the invoicesync library on e-invoices.

Usage:

  invoicesync preview [-mapping FILE] [-direction sales|purchase] [-company IDS] PATH...
  invoicesync sync -ledger hledger:FILE|beancount:FILE [-mapping FILE] [-state FILE]
                   [-direction sales|purchase] [-company IDS] [-q] PATH...
  invoicesync verify -ledger hledger:FILE|beancount:FILE [-state FILE] [-repost ... PATH...]
  invoicesync -version

Options go before the PATHs: "invoicesync sync PATH -ledger ..." is refused.

Subcommands:

  preview   show the entry each e-invoice would be posted as, without posting
  sync      post e-invoices into an hledger or Beancount journal, exactly once
  verify    check that the entries sync posted are still in the journal

Run "invoicesync preview -h", "invoicesync sync -h" or "invoicesync verify -h"
for the details, exit statuses included. "invoicesync -version" (or
"invoicesync version") prints the command's module version ("(devel)" when
built from a checkout) and the Go version it was built with.
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
	case "-version", "--version", "version":
		fmt.Fprintln(stdout, version())
		return exitOK
	}
	fmt.Fprintf(stderr, "invoicesync: unknown subcommand %q\n\n%s", args[0], usage)
	return exitUsage
}

// version is the line -version prints: the main module's path and
// version, as the build recorded them ("(devel)" when built from a checkout
// without a version), and the Go version.
func version() string {
	path, v := "github.com/invoicesync/invoicesync", "(devel)"
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Path != "" {
			path = info.Main.Path
		}
		if info.Main.Version != "" {
			v = info.Main.Version
		}
	}
	return fmt.Sprintf("invoicesync %s %s %s", path, v, runtime.Version())
}

// parseFlags parses args with fs, printing the help on stdout for -h.
// done is true when the command must stop with status. The flag package
// stops at the first PATH, so that a flag written after it would be read as
// a PATH: such an argument is refused (exit status 2), unless "--" ended the
// flags.
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
	if first := len(args) - fs.NArg(); first > 0 && args[first-1] == "--" {
		return exitOK, false // "--": every argument after it is a PATH
	}
	for _, a := range fs.Args() {
		if len(a) > 1 && strings.HasPrefix(a, "-") {
			fmt.Fprintf(stderr, "invoicesync %s: %s after the PATHs: options go before the PATHs (invoicesync %s [OPTIONS] PATH...); a PATH starting with - is written ./%s, or after --\n(run \"invoicesync %s -h\" for help)\n",
				fs.Name(), a, fs.Name(), a, fs.Name())
			return exitUsage, true
		}
	}
	return exitOK, false
}
