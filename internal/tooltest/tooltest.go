// Package tooltest runs the real plain-text accounting tools (hledger,
// bean-check) from tests, so that they judge the files the library writes.
//
// A test that needs a tool skips when it is not installed, or fails when the
// environment variable INVOICESYNC_REQUIRE_TOOLS is set, as .ci/run sets it:
// CI installs the tools and never skips these tests silently.
package tooltest

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// packages names the Debian package of each tool.
var packages = map[string]string{"hledger": "hledger", "bean-check": "beancount", "bean-query": "beancount"}

// Need returns the path of the program name, skipping t when it is not
// installed (failing it under INVOICESYNC_REQUIRE_TOOLS).
func Need(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil && os.Getenv("INVOICESYNC_REQUIRE_TOOLS") != "" {
		t.Fatalf("%s is not installed, and INVOICESYNC_REQUIRE_TOOLS is set", name)
	}
	if err != nil {
		t.Skipf("%s is not installed (Debian: apt-get install %s); .ci/run installs it", name, packages[name])
	}
	return path
}

// Run runs name with args and returns its standard output; a non-zero exit
// fails t with the tool's output.
func Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(Need(t, name), args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// Check has the format's own checker judge the file at path: for "hledger",
// hledger check with the strict checks (accounts and commodities declared,
// transactions balanced) and payees declared; for "beancount", bean-check.
func Check(t testing.TB, format, path string) {
	t.Helper()
	if format == "beancount" {
		Run(t, "bean-check", path)
		return
	}
	Run(t, "hledger", "-f", path, "check", "--strict", "payees")
}
