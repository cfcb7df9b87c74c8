package einvoice_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
	"time"

	"golang.org/x/text/encoding/htmlindex"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/einvoice"
	"github.com/invoicesync/invoicesync/internal/tooltest"
)

// The official EN 16931 validation artefacts of CEN/TC 434 (Schematron
// compiled to XSLT 2.0, testdata/cen/, see testdata/SOURCES.md) judge Check
// from the outside: Saxon runs them over every UBL and CII file of testdata,
// and the verdict of the amount rules among them must be the library's.

// cenXSLT is the compiled rule set of each syntax group.
var cenXSLT = map[string]string{
	"ubl": filepath.Join("testdata", "cen", "EN16931-UBL-validation.xslt"),
	"cii": filepath.Join("testdata", "cen", "EN16931-CII-validation.xslt"),
}

// cenAmountRules are the rules of the CEN artefacts that compare or bound
// amounts, the ones Check answers for, in both syntaxes:
//
//   - BR-CO-10 … BR-CO-17, the calculation rules of the totals and of the
//     VAT breakdown: BT-106 = Σ BT-131, BT-107 = Σ BT-92, BT-108 = Σ BT-99,
//     BT-109 = BT-106 − BT-107 + BT-108, BT-110 = Σ BT-117,
//     BT-112 = BT-109 + BT-110, BT-115 = BT-112 − BT-113 + BT-114 and
//     BT-117 = BT-116 × BT-119 / 100. The other BR-CO rules (03–09, 18–26)
//     are about dates, codes, reasons, identifiers and the presence of a VAT
//     breakdown, not amounts;
//   - BR-DEC-*, at most two decimals in each amount of the model;
//   - BR-<category>-08 (the VAT category taxable amount BT-116 equals the
//     category's line net amounts minus its allowances plus its charges)
//     and BR-<category>-09 (the category tax amount BT-117 is BT-116 × rate,
//     or zero), for the nine categories the artefacts know: S standard, Z
//     zero rated, E exempt, AE reverse charge, IC intra-community supply
//     (UNCL 5305 K), G export, O not subject to VAT, AF IGIC and AG IPSI
//     (Canary Islands, Ceuta and Melilla, UNCL 5305 L and M). There are no
//     BR-K, BR-IG or BR-IP rules: those categories are named IC, AF, AG.
//
// cenSyntaxAmountRules adds, for UBL, UBL-DT-01: at most two decimals in
// every UBL amount but prices. It is the one that refuses a three-decimal
// VAT total (BT-110) in UBL: the artefacts' BR-DEC-13 for UBL looks for the
// document currency code below the VAT total amount, where it never is, and
// so never fails.
//
// TestCENAmountRules derives these lists from the artefacts' own texts, so
// a new release that adds or renames such a rule is noticed.
var cenAmountRules = []string{
	"BR-AE-08", "BR-AE-09", "BR-AF-08", "BR-AF-09", "BR-AG-08", "BR-AG-09",
	"BR-CO-10", "BR-CO-11", "BR-CO-12", "BR-CO-13", "BR-CO-14", "BR-CO-15", "BR-CO-16", "BR-CO-17",
	"BR-DEC-01", "BR-DEC-02", "BR-DEC-05", "BR-DEC-06", "BR-DEC-09", "BR-DEC-10", "BR-DEC-11",
	"BR-DEC-12", "BR-DEC-13", "BR-DEC-14", "BR-DEC-15", "BR-DEC-16", "BR-DEC-17", "BR-DEC-18",
	"BR-DEC-19", "BR-DEC-20", "BR-DEC-23", "BR-DEC-24", "BR-DEC-25", "BR-DEC-27", "BR-DEC-28",
	"BR-E-08", "BR-E-09", "BR-G-08", "BR-G-09", "BR-IC-08", "BR-IC-09",
	"BR-O-08", "BR-O-09", "BR-S-08", "BR-S-09", "BR-Z-08", "BR-Z-09",
}

// cenSyntaxAmountRules are the amount rules of one syntax's binding only;
// see cenAmountRules.
var cenSyntaxAmountRules = map[string][]string{"ubl": {"UBL-DT-01"}, "cii": nil}

// amountRules are the amount rules that judge a file of group: sorted.
func amountRules(group string) []string {
	rules := slices.Concat(cenAmountRules, cenSyntaxAmountRules[group])
	slices.Sort(rules)
	return rules
}

// cenExceptions lists the files on which the library's verdict deliberately
// (or, until Check learns the rule, knowingly) differs from CEN's, with the
// reason. A disagreement not listed here fails TestCENJudgesCheck, and so
// does a listed file on which the two verdicts agree: the list stays honest.
var cenExceptions = map[string]string{
	// Factur-X / ZUGFeRD EXTENDED sub-lines: the core rule BR-CO-10 sums
	// every line, GROUP lines included, so it counts each group twice; the
	// EXTENDED profile's own rule (BR-FXEXT-CO-10) sums the DETAIL lines
	// only, and so does the library, which posts those leaves and checks
	// that each GROUP line equals the sum of its children.
	"mustang--Extended___SubInvoiceLines_Kaffee_Bundle_Set_Bsp4__.xml":        "EXTENDED sub-lines: BT-106 216.00 is the sum of the DETAIL lines (BR-FXEXT-CO-10); CEN's core BR-CO-10 adds the GROUP lines too",
	"mustang--UC10_F202600004_EXTENDED_FX_CII_Commentee.xml":                  "EXTENDED sub-lines: BT-106 is the sum of the DETAIL lines (BR-FXEXT-CO-10); CEN's core BR-CO-10 adds the GROUP lines too",
	"mustang--UC11_F202600022_EXTENDED_FX_CII_BT-X-589Only_on_GROUP_Line.xml": "EXTENDED sub-lines: BT-106 is the sum of the DETAIL lines (BR-FXEXT-CO-10); CEN's core BR-CO-10 adds the GROUP lines too",
	// BR-DEC-23 (at most two decimals in BT-131): the library rounds each
	// line half away from zero and accepts the invoice, with a warning,
	// when the rounded lines satisfy BR-CO-10 exactly, since the document
	// then means one thing only.
	"own--xrechnung-01.01a-4-decimal-lines_uncefact.xml": "4-decimal line amounts (BR-DEC-23) that round to BT-106 exactly: accepted with the lines rounded and a warning",
}

// cenMustRefuse checks the judge itself: these files are broken on purpose,
// and CEN must report these amount rules as fatal failed asserts. A Saxon
// set-up that validated nothing would otherwise pass as "all accepted".
var cenMustRefuse = map[string][]string{
	"mustang--invalidXRV30.xml":                          {"BR-CO-16"},             // BT-115 336.91, but BT-112 is 336.9 (no BT-113, BT-114)
	"mustang--FAIL_zugferd_2p1_MINIMUM_Rechnung_380.xml": {"BR-CO-10", "BR-CO-14"}, // no lines, no VAT breakdown
}

// cenMustPass checks the judge the other way: CEN's own examples break no
// fatal rule at all, amount or other.
var cenMustPass = []string{
	"en16931--ubl-tc434-example4.xml",
	"en16931--CII_example4.xml",
	"en16931--CreditNote-Min_content_with_VAT.xml",
}

// svrlNS is the namespace of the validation report Saxon writes.
const svrlNS = "http://purl.oclc.org/dsdl/svrl"

// failedAssert is one svrl:failed-assert of a report: a broken rule.
type failedAssert struct {
	id, flag, text string
}

// TestCENAmountRules derives the amount rules from the artefacts: every
// BR-DEC rule and every rule whose text limits amounts to two "fraction
// digits", every BR-CO rule whose text is an equation between business
// terms ("(BT-106) = …"), and every rule of a VAT category whose text is
// about the category's taxable or tax amount (BT-116, BT-117). The result
// must be amountRules of the syntax, every one of them fatal.
func TestCENAmountRules(t *testing.T) {
	equation := regexp.MustCompile(`\(BT-\d+\) = `)
	category := regexp.MustCompile(`^BR-[A-Z]+-\d+$`)
	for syntax, path := range cenXSLT {
		rules, err := xsltRules(path)
		if err != nil {
			t.Fatal(err)
		}
		var derived []string
		for id, r := range rules {
			amount := strings.HasPrefix(id, "BR-DEC-") || strings.Contains(r.text, "fraction digits") ||
				strings.HasPrefix(id, "BR-CO-") && equation.MatchString(r.text) ||
				category.MatchString(id) && !strings.HasPrefix(id, "BR-CO-") && !strings.HasPrefix(id, "BR-CL-") &&
					(strings.Contains(r.text, "(BT-116)") || strings.Contains(r.text, "(BT-117)"))
			if amount {
				derived = append(derived, id)
				if r.flag != "fatal" {
					t.Errorf("%s: %s is %q, not fatal", syntax, id, r.flag)
				}
			}
		}
		sort.Strings(derived)
		if want := amountRules(syntax); !slices.Equal(derived, want) {
			t.Errorf("%s: the amount rules of %s are\n%q\nbut the test lists\n%q", syntax, path, derived, want)
		}
	}
}

// xsltRules reads the rules of a compiled Schematron: each svrl:failed-assert
// template with its id, flag and text.
func xsltRules(path string) (map[string]failedAssert, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const xslNS = "http://www.w3.org/1999/XSL/Transform"
	rules := map[string]failedAssert{}
	d := xml.NewDecoder(f)
	var cur *failedAssert
	var attr string // the xsl:attribute being read
	var inText bool
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return rules, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch {
			case e.Name.Space == svrlNS && e.Name.Local == "failed-assert":
				cur = &failedAssert{}
			case cur != nil && e.Name.Space == xslNS && e.Name.Local == "attribute":
				for _, a := range e.Attr {
					if a.Name.Local == "name" {
						attr = a.Value
					}
				}
			case cur != nil && e.Name.Space == svrlNS && e.Name.Local == "text":
				inText = true
			}
		case xml.CharData:
			switch {
			case cur != nil && attr == "id":
				cur.id += string(e)
			case cur != nil && attr == "flag":
				cur.flag += string(e)
			case inText:
				cur.text += string(e)
			}
		case xml.EndElement:
			switch {
			case e.Name.Space == svrlNS && e.Name.Local == "failed-assert":
				if _, dup := rules[cur.id]; dup {
					return nil, fmt.Errorf("%s: rule %s appears twice", path, cur.id)
				}
				rules[cur.id] = *cur
				cur = nil
			case e.Name.Space == xslNS && e.Name.Local == "attribute":
				attr = ""
			case e.Name.Space == svrlNS && e.Name.Local == "text":
				inText = false
			}
		}
	}
}

// cenFile is one testdata file the judge and the library both look at.
type cenFile struct {
	name    string
	copy    string // its name in Saxon's input and output folders
	group   string // "ubl" or "cii": which rule set judges it
	syntax  string // UBL invoice, UBL credit note, CII
	profile string // Metadata["profile"] (BT-24)

	fired   int            // rules the artefacts applied to the document
	asserts []failedAssert // every failed assert CEN reports
	cen     string         // "refused" or "accepted" on the amount rules

	lib, libDetail string // the library's verdict and its reason
}

// amountFailures are the ids of the fatal failed asserts among the amount
// rules; otherFailures the ids of the other fatal ones (informative).
func (f *cenFile) amountFailures() (amount, other []string) {
	for _, a := range f.asserts {
		if a.flag != "fatal" {
			continue
		}
		if slices.Contains(amountRules(f.group), a.id) {
			amount = append(amount, a.id)
		} else {
			other = append(other, a.id)
		}
	}
	slices.Sort(amount)
	slices.Sort(other)
	return slices.Compact(amount), slices.Compact(other)
}

// TestCENJudgesCheck runs the CEN rules with Saxon over every UBL and CII
// XML file of testdata (one Java process per rule set, both at once) and
// compares CEN's verdict on the amount rules with the library's.
//
// CEN's verdict is "refused" when a fatal failed assert among the amount
// rules (amountRules) exists, else "accepted". The library's verdict is
// that of Parser{Direction: Sales}.Parse followed by Check: "refused" for a
// *invoicesync.SyncError with code ERROR_SYNC_INVOICE_AMOUNT_VALIDATION, or
// ERROR_SYNC_INVOICE_LINE_VALIDATION on a document without lines (EN 16931
// requires a line, BR-16, and CEN's BR-CO-10 sums no line amounts to zero
// against a non-zero BT-106: the same refusal, said by the library in terms
// of the missing lines); "accepted" when Check returns nil. A file Parse
// cannot read (a *einvoice.ParseError) is listed apart, not compared: that
// refusal is about the document's structure, not its amounts. Any other
// error fails the test.
func TestCENJudgesCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Java; not in -short mode")
	}
	java := tooltest.Need(t, "java")
	jar := tooltest.SaxonJar(t)

	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	var files []*cenFile
	var skipped []string
	groups := map[string]int{}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.EqualFold(filepath.Ext(name), ".xml") || !einvoice.IsInvoiceFile(name) {
			continue // GOBL JSON, PDFs, SOURCES.md, manifest.tsv, LICENSES/, cen/
		}
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		group, syntax, note := xmlRoot(data)
		if group == "" {
			skipped = append(skipped, name+": "+note)
			continue
		}
		dir := filepath.Join(tmp, "in-"+group)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		// Saxon names each report after its input, but with the extension of
		// its output method (.XML becomes .xml): numbered copies avoid that.
		cp := fmt.Sprintf("%04d.xml", len(files))
		if err := os.WriteFile(filepath.Join(dir, cp), data, 0o644); err != nil {
			t.Fatal(err)
		}
		f := &cenFile{name: name, copy: cp, group: group, syntax: syntax}
		f.lib, f.libDetail, f.profile = libraryVerdict(data)
		files = append(files, f)
		groups[group]++
	}
	for _, n := range skipped {
		t.Logf("skipped (not judged): %s", n)
	}

	start := time.Now()
	var wg sync.WaitGroup
	runErr := map[string]error{}
	var mu sync.Mutex
	for group := range groups {
		out := filepath.Join(tmp, "out-"+group)
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := runSaxon(java, jar, filepath.Join(tmp, "in-"+group), cenXSLT[group], out)
			mu.Lock()
			runErr[group] = err
			mu.Unlock()
		}()
	}
	wg.Wait()
	for group, err := range runErr {
		if err != nil {
			t.Fatalf("Saxon on the %s files: %v", group, err)
		}
	}
	t.Logf("Saxon (%s) judged %d UBL and %d CII files in %s", jar, groups["ubl"], groups["cii"], time.Since(start).Round(10*time.Millisecond))

	byName := map[string]*cenFile{}
	for _, f := range files {
		byName[f.name] = f
		f.fired, f.asserts, err = readSVRL(filepath.Join(tmp, "out-"+f.group, f.copy))
		if err != nil {
			t.Fatalf("%s: the report: %v", f.name, err)
		}
		if f.fired == 0 {
			t.Errorf("%s: no rule of the CEN artefacts applied to it: the judge did not judge", f.name)
		}
		f.cen = "accepted"
		if amount, _ := f.amountFailures(); len(amount) > 0 {
			f.cen = "refused"
		}
	}

	// The judge itself.
	for name, ids := range cenMustRefuse {
		f := byName[name]
		if f == nil {
			t.Errorf("%s, which CEN must refuse, was not judged", name)
			continue
		}
		amount, _ := f.amountFailures()
		for _, id := range ids {
			if !slices.Contains(amount, id) {
				t.Errorf("%s: CEN does not report the broken rule %s (it reports %v): the judge is broken", name, id, amount)
			}
		}
	}
	for _, name := range cenMustPass {
		f := byName[name]
		if f == nil {
			t.Errorf("%s, which CEN must accept, was not judged", name)
			continue
		}
		amount, other := f.amountFailures()
		if len(amount)+len(other) > 0 {
			t.Errorf("%s: CEN reports %v %v on its own example: the judge is broken", name, amount, other)
		}
	}

	// The verdicts.
	for _, f := range files {
		reason, excepted := cenExceptions[f.name]
		amount, _ := f.amountFailures()
		switch {
		case f.lib == "unreadable":
			if excepted {
				t.Errorf("stale exception: remove it: %s is not compared (Parse cannot read it)", f.name)
			}
		case f.lib != "accepted" && f.lib != "refused":
			t.Errorf("%s: the library fails with an error that is neither an amount verdict nor a parse error: %s", f.name, f.libDetail)
		case f.cen != f.lib && !excepted:
			t.Errorf("%s: CEN %s it %v, but the library %s it (%s); fix Check, or list the file in cenExceptions with the reason",
				f.name, f.cen, amount, f.lib, f.libDetail)
		case f.cen == f.lib && excepted:
			t.Errorf("stale exception: remove it: %s: CEN and the library now both %s it (listed because %s)", f.name, f.cen, reason)
		}
	}
	for name := range cenExceptions {
		if byName[name] == nil {
			t.Errorf("stale exception: remove it: %s is not a judged file of testdata", name)
		}
	}

	logCENTable(t, files)
}

// xmlRoot reads a whole document and tells its rule set group ("ubl" or
// "cii") and syntax, or, with an empty group, why it is not judged: not
// well-formed, a DTD (which Saxon would resolve), or not UBL nor CII.
func xmlRoot(data []byte) (group, syntax, note string) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			return nil, err
		}
		return enc.NewDecoder().Reader(input), nil
	}
	var root xml.Name
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", "", "not well-formed XML: " + err.Error()
		}
		switch e := tok.(type) {
		case xml.Directive:
			if bytes.HasPrefix(bytes.TrimSpace(e), []byte("DOCTYPE")) {
				return "", "", "has a DTD, which Saxon would resolve (and the library refuses)"
			}
		case xml.StartElement:
			if root.Local == "" {
				root = e.Name
			}
		}
	}
	switch {
	case root.Space == "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" && root.Local == "Invoice":
		return "ubl", "UBL invoice", ""
	case root.Space == "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2" && root.Local == "CreditNote":
		return "ubl", "UBL credit note", ""
	case root.Space == "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" && root.Local == "CrossIndustryInvoice":
		return "cii", "CII", ""
	}
	return "", "", fmt.Sprintf("neither UBL nor CII: the root is {%s}%s", root.Space, root.Local)
}

// libraryVerdict parses data as a sale and checks it: see TestCENJudgesCheck.
func libraryVerdict(data []byte) (verdict, detail, profile string) {
	p := einvoice.Parser{Direction: invoicesync.Sales}
	inv, err := p.Parse(bytes.NewReader(data))
	profile = inv.Metadata["profile"]
	if err == nil {
		err = einvoice.Check(&inv)
	}
	var se *invoicesync.SyncError
	var pe *einvoice.ParseError
	switch {
	case err == nil:
		return "accepted", "Check returns nil", profile
	case errors.As(err, &se) && se.Code == invoicesync.CodeAmountValidation:
		return "refused", se.Message, profile
	case errors.As(err, &se) && se.Code == invoicesync.CodeLineValidation && len(inv.Lines) == 0:
		return "refused", se.Message, profile
	case errors.As(err, &pe) && pe.Code == invoicesync.CodeAmountValidation:
		return "refused", pe.Reason, profile // read whole, and refused: e.g. sub-lines not adding up
	case errors.As(err, &pe):
		return "unreadable", pe.Error(), profile
	}
	return "error", fmt.Sprintf("%T %v", err, err), profile
}

// runSaxon transforms every file of in with xslt into out, one report per
// file under the same name.
func runSaxon(java, jar, in, xslt, out string) error {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(java, "-jar", jar, "-s:"+in, "-xsl:"+xslt, "-o:"+out)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%v\n%s%s", err, stdout.String(), stderr.String())
	}
	return nil
}

// readSVRL reads a validation report: how many rules fired, and every
// failed assert.
func readSVRL(path string) (fired int, asserts []failedAssert, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	var cur *failedAssert
	var inText bool
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, nil, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Space != svrlNS {
				continue
			}
			switch e.Name.Local {
			case "fired-rule":
				fired++
			case "failed-assert":
				cur = &failedAssert{}
				for _, a := range e.Attr {
					switch a.Name.Local {
					case "id":
						cur.id = a.Value
					case "flag":
						cur.flag = a.Value
					}
				}
			case "text":
				inText = cur != nil
			}
		case xml.CharData:
			if inText {
				cur.text += string(e)
			}
		case xml.EndElement:
			if e.Name.Space == svrlNS && e.Name.Local == "failed-assert" {
				asserts = append(asserts, *cur)
				cur = nil
			}
			if e.Name.Space == svrlNS && e.Name.Local == "text" {
				inText = false
			}
		}
	}
	return fired, asserts, nil
}

// ruleID finds the EN 16931 rule a message of Check names.
var ruleID = regexp.MustCompile(`BR-[A-Z]+-\d+|BR-\d+`)

// logCENTable logs every judged file by syntax and profile, with both
// verdicts and the rules behind them.
func logCENTable(t *testing.T, files []*cenFile) {
	sort.Slice(files, func(i, j int) bool {
		a, b := files[i], files[j]
		if a.syntax != b.syntax {
			return a.syntax > b.syntax // UBL invoice, UBL credit note, CII
		}
		if a.profile != b.profile {
			return a.profile < b.profile
		}
		return a.name < b.name
	})
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "syntax\tprofile\tfile\tCEN\tCEN amount rules\tCEN other fatal rules\tlibrary\tlibrary rule\t")
	for _, f := range files {
		amount, other := f.amountFailures()
		lib := f.lib
		if _, ok := cenExceptions[f.name]; ok && f.lib != f.cen {
			lib += " (exception)"
		}
		rule := strings.Join(ruleID.FindAllString(f.libDetail, 1), "")
		if f.lib == "unreadable" || f.lib == "error" {
			rule = f.libDetail
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", f.syntax, orDash(f.profile), f.name, f.cen,
			orDash(strings.Join(amount, " ")), orDash(strings.Join(other, " ")), lib, orDash(rule))
	}
	w.Flush()
	t.Log("CEN EN 16931 rules and Check, file by file:\n" + b.String())
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
