package invoicesync_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/invoicesync/invoicesync/internal/tooltest"
)

// readmeCommand is what one command line of README.md's sh blocks must do
// on a fresh clone.
type readmeCommand struct {
	// notRun, when set, says why the line is not run.
	notRun string
	// tools are the outside programs the line runs: without one, the line
	// is skipped (failed under INVOICESYNC_REQUIRE_TOOLS).
	tools []string
	// status is the line's exit status.
	status int
	// stdout are exact strings its standard output contains.
	stdout []string
	// lines is the number of lines of its standard output; 0: not checked.
	lines int
}

// readmeCommands is every command line of README.md's sh blocks, without
// its trailing comment, and what it does. A line README has and this table
// has not, or the other way round, fails TestREADME: README and this table
// change together.
var readmeCommands = map[string]readmeCommand{
	"go run ./examples/quickstart": {
		stdout: []string{
			"Run: 12 invoices, 10 synchronized, 2 in error, 12 notifications\n",
			"  F-2026-111   Error: ERROR_SYNC_INVOICE_MAPPING_TAX_RATE_NOT_FOUND\n",
			"Trial balance\n",
			"  total    12301.04   12301.04\n",
		},
	},
	"go run ./examples/eboekhouden": {
		stdout: []string{
			"No EBOEKHOUDEN_TOKEN: using the local fake e-Boekhouden.\n",
			"Run 1: invoices 3, synchronized 3\n",
			"Run 2: invoices 1, synchronized 1\n",
		},
	},
	"go test ./...": {
		notRun: "it is the command that runs this test: run here, it would run every test again, this one included",
	},
	"go run ./cmd/invoicesync preview connector/einvoice/testdata": {
		lines: 47, // one per e-invoice file of the folder
		stdout: []string{
			`{"file":"connector/einvoice/testdata/own--ubl-reverse-charge.xml","number":"OWN-2025-004","kind":"invoice","direction":"sales","currency":"EUR","profile":"urn:cen.eu:en16931:2017","status":"ok",`,
			`{"file":"connector/einvoice/testdata/mustang--invalidXRV30.xml","number":"123456XX","kind":"invoice","direction":"sales","currency":"EUR","profile":"urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0","status":"error","code":"ERROR_SYNC_INVOICE_AMOUNT_VALIDATION",`,
		},
	},
	"go run ./cmd/invoicesync preview -direction purchase -mapping examples/mapping.json connector/einvoice/testdata/own--ubl-reverse-charge.xml": {
		lines: 1,
		stdout: []string{
			`"direction":"purchase","currency":"EUR","profile":"urn:cen.eu:en16931:2017","status":"ok",`,
			`"totals":{"debit":"1200.00","credit":"1200.00","partner":"1000.00","net":"1000.00","vat":"0.00","rounding":"0.00"}`,
			`{"account":"401000","debit":"0.00","credit":"1000.00","kind":"partner","vat_code":"","label":"Nordlicht Maschinenbau GmbH"}`,
			`{"account":"607000","debit":"1000.00","credit":"0.00","kind":"expense","vat_code":"DAE20","label":"Installation of a press"}`,
			`{"account":"445660","debit":"200.00","credit":"0.00","kind":"reverse_charge_vat","vat_code":"DAE20",`,
			`{"account":"445200","debit":"0.00","credit":"200.00","kind":"reverse_charge_vat","vat_code":"DAE20",`,
		},
	},
	"go run ./cmd/invoicesync preview -h": {
		stdout: []string{"Usage: invoicesync preview [-mapping FILE]", "  -direction sales|purchase\n", "\nExit status: 0 when every file was read"},
	},
	"go run ./cmd/invoicesync sync -ledger hledger:books.journal connector/einvoice/testdata": {
		status: 1, // the test data holds documents refused on purpose
		stdout: []string{
			"synchronized\tposted\tconnector/einvoice/testdata/own--ubl-reverse-charge.xml\tOWN-2025-004\tE26\t",
			"error\t-\tconnector/einvoice/testdata/mustang--invalidXRV30.xml\t123456XX\t\tERROR_SYNC_INVOICE_AMOUNT_VALIDATION\t",
			"\n47 invoices: 31 synchronized (31 posted), 16 errors, 0 waiting, 0 skipped; journal books.journal\n",
		},
	},
	// hledger check passing is the exit status 0 (&&); then the balance,
	// one line per account, balancing to 0.
	"hledger -f books.journal check --strict && hledger -f books.journal balance": {
		tools:  []string{"hledger"},
		stdout: []string{"115000.00 USD  Assets:411000\n", "-92000.00 USD  Income:706000\n", "-23000.00 USD  Liabilities:445710\n"},
	},
	// The exit status is bean-check's (after ";"): 0 is bean-check run and
	// satisfied, sync's own status 1 notwithstanding.
	"go run ./cmd/invoicesync sync -ledger beancount:books.beancount connector/einvoice/testdata; bean-check books.beancount": {
		tools:  []string{"bean-check"},
		stdout: []string{"\n47 invoices: 31 synchronized (31 posted), 16 errors, 0 waiting, 0 skipped; journal books.beancount\n"},
	},
	"go run ./cmd/invoicesync sync -ledger hledger:restored.journal connector/einvoice/testdata/own--ubl-jpy.xml": {
		lines:  2,
		stdout: []string{"synchronized\tposted\tconnector/einvoice/testdata/own--ubl-jpy.xml\tOWN-2025-002\tE1\t", "\n1 invoices: 1 synchronized (1 posted), 0 errors, 0 waiting, 0 skipped; journal restored.journal\n"},
	},
	"cp restored.journal backup.journal": {},
	"go run ./cmd/invoicesync sync -ledger hledger:restored.journal connector/einvoice/testdata": {
		status: 1,
		stdout: []string{"\n47 invoices: 31 synchronized (30 posted), 16 errors, 0 waiting, 0 skipped; journal restored.journal\n"},
	},
	"cp backup.journal restored.journal": {},
	"go run ./cmd/invoicesync verify -ledger hledger:restored.journal": {
		status: 1, // entries are missing
		lines:  31,
		stdout: []string{"missing\tOWN-2025-004\tE26\tisync-", "\n31 entries checked: 30 missing; journal restored.journal\n"},
	},
	"go run ./cmd/invoicesync verify -ledger hledger:restored.journal -repost connector/einvoice/testdata": {
		stdout: []string{"\n31 entries checked: 30 missing, 30 posted again; journal restored.journal\n"},
	},
	"go run ./examples/tripletex": {
		stdout: []string{
			"No TRIPLETEX_CONSUMER_TOKEN and TRIPLETEX_EMPLOYEE_TOKEN: using the local fake Tripletex.\n",
			"Invoices: 3, synchronized 3\n",
			"Second nightly run: already posted: true\n",
			"  sum        0.00\n",
		},
	},
}

// readmeFixtures are the repository's files and folders README's commands
// name; each is a symbolic link in the folder the commands run in.
var readmeFixtures = []string{"connector/einvoice/testdata", "examples/mapping.json"}

// readmeGoRun matches the programs README runs with go run; each is built
// once and run as the binary.
var readmeGoRun = regexp.MustCompile(`\bgo run \./(?:cmd|examples)/([a-z]+)\b`)

// readmeGo matches a go command left after the go run ones are replaced.
var readmeGo = regexp.MustCompile(`(?:^|[\s;&|(])go\s`)

// readmeShellLines returns the command lines of the ```sh blocks of the
// Markdown text, in order, each without its trailing "# comment".
func readmeShellLines(t *testing.T, markdown []byte) []string {
	t.Helper()
	var lines []string
	inSh := false
	sc := bufio.NewScanner(bytes.NewReader(markdown))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch trimmed := strings.TrimSpace(line); {
		case !inSh && trimmed == "```sh":
			inSh = true
			continue
		case inSh && trimmed == "```":
			inSh = false
			continue
		}
		if !inSh {
			continue
		}
		if i := strings.Index(line, "#"); i >= 0 && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			t.Fatalf("README.md:%d: a command continued on the next line: write it on one line, as this test reads it", n)
		}
		lines = append(lines, line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if inSh {
		t.Fatal("README.md: a ```sh block is not closed")
	}
	return lines
}

// TestREADME runs every command of README.md's sh blocks as a fresh clone
// would, in README order in one folder (the later ones read what the
// earlier ones wrote), and checks each against readmeCommands: its exit
// status and exact strings of its output. The commands run in a temporary
// folder where the repository's files they name are symbolic links, so
// that nothing is written into the repository; "go run" is replaced by the
// programs built once.
func TestREADME(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := readmeShellLines(t, readme)
	for _, line := range lines {
		if _, ok := readmeCommands[line]; !ok {
			t.Errorf("README.md runs %q, which readmeCommands (readme_test.go) does not know: add what it does", line)
		}
	}
	for line := range readmeCommands {
		if !slices.Contains(lines, line) {
			t.Errorf("readmeCommands (readme_test.go) has %q, which README.md no longer runs: remove it", line)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	if testing.Short() {
		t.Skip("runs every README command: not in -short")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("README's commands are sh commands, and there is no sh here")
	}

	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./cmd/invoicesync", "./examples/quickstart", "./examples/tripletex", "./examples/eboekhouden")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range readmeFixtures {
		link := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(root, filepath.FromSlash(f)), link); err != nil {
			t.Fatal(err)
		}
	}
	// The Tripletex and e-Boekhouden examples post into a real company when
	// these are set: from a test, always into the local fake.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TRIPLETEX_CONSUMER_TOKEN=") && !strings.HasPrefix(kv, "TRIPLETEX_EMPLOYEE_TOKEN=") &&
			!strings.HasPrefix(kv, "EBOEKHOUDEN_TOKEN=") {
			env = append(env, kv)
		}
	}

	for _, line := range lines {
		want := readmeCommands[line]
		t.Run(line, func(t *testing.T) {
			if want.notRun != "" {
				t.Skipf("not run: %s", want.notRun)
			}
			for _, tool := range want.tools {
				tooltest.Need(t, tool)
			}
			cmdline := readmeGoRun.ReplaceAllStringFunc(line, func(m string) string {
				return "'" + filepath.Join(bin, readmeGoRun.FindStringSubmatch(m)[1]) + "'"
			})
			if readmeGo.MatchString(cmdline) {
				t.Fatalf("%q: this test runs only go run of ./cmd/invoicesync and ./examples/…, which it builds first", line)
			}
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(sh, "-c", cmdline)
			cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, &stdout, &stderr
			err := cmd.Run()
			status := 0
			if exit, ok := err.(*exec.ExitError); ok {
				status = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			out := stdout.String()
			if status != want.status {
				t.Errorf("exit status %d, want %d", status, want.status)
			}
			for _, s := range want.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("the output does not contain %q", s)
				}
			}
			if n := strings.Count(out, "\n"); want.lines != 0 && n != want.lines {
				t.Errorf("%d lines of output, want %d", n, want.lines)
			}
			if t.Failed() {
				t.Logf("sh -c %s\nstdout:\n%s\nstderr:\n%s", cmdline, out, stderr.String())
			}
		})
	}
}
