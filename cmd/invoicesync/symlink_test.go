package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A PATH that is a symbolic link to a folder is read as that folder, by
// preview and by sync, its files named under the link; links inside the
// folder are not followed, and hidden folders are skipped, as in any
// folder.
func TestFolderPathIsASymlink(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "invoices")
	require.NoError(t, os.MkdirAll(filepath.Join(folder, "2024"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(folder, ".hidden"), 0o755))
	pdf, err := os.ReadFile(filepath.Join(einvoices, "mustang--EN16931_Einfach.pdf"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(folder, "2024", "Rechnung-471102.pdf"), pdf, 0o644))
	ubl, err := os.ReadFile(filepath.Join(einvoices, "own--ubl-jpy.xml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(folder, ".hidden", "jpy.xml"), ubl, 0o644))
	elsewhere := filepath.Join(dir, "jpy.xml")
	require.NoError(t, os.WriteFile(elsewhere, ubl, 0o644))
	inbox := filepath.Join(dir, "inbox")
	if err := os.Symlink(folder, inbox); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	require.NoError(t, os.Symlink(elsewhere, filepath.Join(folder, "linked.xml")))

	status, out, errOut := runCmd("preview", inbox)
	require.Equal(t, exitOK, status, errOut)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 1, out)
	var r result
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &r))
	require.Equal(t, filepath.ToSlash(filepath.Join(inbox, "2024", "Rechnung-471102.pdf")), r.File)
	require.Equal(t, "ok", r.Status, r.Message)
	require.Equal(t, "471102", r.Number)

	journal := filepath.Join(dir, "books.journal")
	status, out, errOut = runCmd("sync", "-ledger", "hledger:"+journal, inbox)
	require.Equal(t, exitOK, status, errOut)
	require.Contains(t, out, "synchronized\tposted\t"+filepath.ToSlash(filepath.Join(inbox, "2024", "Rechnung-471102.pdf"))+"\t471102\tE1\t")
	require.Contains(t, out, "\n1 invoices: 1 synchronized (1 posted), 0 errors, 0 waiting, 0 skipped; journal "+journal+"\n")
}
