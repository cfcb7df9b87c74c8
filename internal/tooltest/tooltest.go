// Package tooltest runs real outside tools from tests, so that they judge
// what the library writes or accepts: the plain-text accounting tools
// (hledger, bean-check) and Saxon, which runs the official EN 16931
// validation rules (a Java program: java and the Saxon-HE jar).
//
// A test that needs a tool skips when it is not installed, or fails when the
// environment variable INVOICESYNC_REQUIRE_TOOLS is set, as .ci/run sets it:
// CI installs the tools and never skips these tests silently.
package tooltest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// packages names the Debian package of each tool.
var packages = map[string]string{
	"hledger": "hledger", "bean-check": "beancount", "bean-query": "beancount",
	"java": "default-jre-headless",
}

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

// SaxonJarEnv names the environment variable that gives the path of the
// Saxon-HE jar (an XSLT 2.0 processor, Saxon 9.9 or newer), overriding the
// Debian paths in SaxonJarPaths.
const SaxonJarEnv = "INVOICESYNC_SAXON_JAR"

// SaxonJarPaths are where Debian's libsaxonhe-java puts the Saxon-HE jar;
// the first that exists is used when SaxonJarEnv is not set.
var SaxonJarPaths = []string{"/usr/share/java/Saxon-HE.jar", "/usr/share/java/saxon9he.jar"}

// SaxonJar returns the path of the Saxon-HE jar: the one SaxonJarEnv names
// (failing t when that file does not exist), else the first of
// SaxonJarPaths that exists. When there is none, t is skipped, or failed
// under INVOICESYNC_REQUIRE_TOOLS.
func SaxonJar(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(SaxonJarEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s names %s: %v", SaxonJarEnv, p, err)
		}
		return p
	}
	for _, p := range SaxonJarPaths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("the Saxon-HE jar is not at %s (Debian: apt-get install libsaxonhe-java; elsewhere set %s to its path); .ci/run installs it",
		strings.Join(SaxonJarPaths, " or "), SaxonJarEnv)
	if os.Getenv("INVOICESYNC_REQUIRE_TOOLS") != "" {
		t.Fatalf("%s, and INVOICESYNC_REQUIRE_TOOLS is set", msg)
	}
	t.Skip(msg)
	return ""
}
