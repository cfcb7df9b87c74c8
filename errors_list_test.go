package invoicesync_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// TestCodeListsAgree: the ErrorCode constants of errors.go, their sentinels,
// Codes() and the README's table of codes list the same codes, in the same
// order, so that none is added to one place and forgotten in another.
func TestCodeListsAgree(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "errors.go", nil, 0)
	require.NoError(t, err)
	var constants []string           // the values of the ErrorCode constants, in source order
	sentinels := map[string]string{} // sentinel variable → constant name
	values := map[string]string{}    // constant name → value
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gd.Specs {
			vs, ok := spec.(*ast.ValueSpec)
			if !ok {
				continue
			}
			for i, name := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				switch v := vs.Values[i].(type) {
				case *ast.BasicLit:
					if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "ErrorCode" {
						s, err := strconv.Unquote(v.Value)
						require.NoError(t, err)
						constants = append(constants, s)
						values[name.Name] = s
					}
				case *ast.UnaryExpr: // ErrX error = &sentinel{CodeX}
					if cl, ok := v.X.(*ast.CompositeLit); ok && len(cl.Elts) == 1 {
						if id, ok := cl.Elts[0].(*ast.Ident); ok {
							sentinels[name.Name] = id.Name
						}
					}
				}
			}
		}
	}
	require.Len(t, constants, len(invoicesync.Codes()), "every ErrorCode constant is in Codes()")

	codes := make([]string, len(invoicesync.Codes()))
	for i, c := range invoicesync.Codes() {
		codes[i] = string(c)
	}
	require.Equal(t, constants, codes, "Codes() lists the constants in the order errors.go declares them")

	var sentinelCodes []string
	for _, constant := range sentinels {
		sentinelCodes = append(sentinelCodes, values[constant])
	}
	require.ElementsMatch(t, constants, sentinelCodes, "one Err variable per code")

	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	section := string(readme)
	section = section[strings.Index(section, "## Error codes"):]
	section = section[:strings.Index(section, "\n## ")]
	var table []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\|").FindAllStringSubmatch(section, -1) {
		table = append(table, "ERROR_SYNC_INVOICE_"+m[1])
	}
	require.Equal(t, constants, table, "the README's table lists every code, in the same order")
}
