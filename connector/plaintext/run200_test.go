package plaintext

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
	"github.com/invoicesync/invoicesync/matching"
)

// TestTwoHundredInvoices synchronizes 200 generated invoices (sales,
// purchases, credit notes, reverse charge, USD and GBP, rounding
// differences, payable rounding) into a new journal of each format, has the
// real tool check the file and balance it, compares every entry with the one
// the builder makes and with an independent model of the accounting rule,
// then runs the Syncer again, with its state and after losing it, and
// requires the file to stay byte for byte the same.
func TestTwoHundredInvoices(t *testing.T) {
	for _, f := range []Format{Hledger, Beancount} {
		t.Run(string(f), func(t *testing.T) { runTwoHundred(t, f) })
	}
}

// r2SourceID is the Syncer's source id in this test: part of every key.
const r2SourceID = "run200/tenant-1"

// r2Clock is the Syncer's fixed clock.
var r2Clock = time.Date(2026, 12, 31, 18, 0, 0, 0, time.UTC)

// r2PDF is an embedded document that passes the PDF check.
var r2PDF = []byte("%PDF-1.7\n% run200\n%%EOF\n")

// r2Dec parses a decimal literal.
func r2Dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// r2Rate is a VAT rate literal.
func r2Rate(s string) decimal.NullDecimal { return decimal.NewNullDecimal(r2Dec(s)) }

// runTwoHundred is TestTwoHundredInvoices for one format.
func runTwoHundred(t *testing.T, f Format) {
	ctx := context.Background()
	if f == Hledger {
		needTool(t, "hledger")
	} else {
		needTool(t, "bean-check")
	}
	start := time.Now()

	gens := r2Invoices()
	require.Len(t, gens, 200)
	r2LogMix(t, gens)

	// The chart, the mapping, and the new file.
	accounts, codes, journals := r2Chart()
	chart := invoicesync.NewChart(accounts, codes, journals)
	mapping := r2Mapping()
	require.NoError(t, mapping.ValidateChart(chart))
	named := NameAccounts(accounts, r2Root)
	names := make(map[string]string, len(named)) // account number → name in the file
	for _, a := range named {
		names[a.Number] = a.Name
	}
	path := filepath.Join(t.TempDir(), map[Format]string{Hledger: "books.journal", Beancount: "books.beancount"}[f])
	l, err := Open(path, &Options{Format: f, Chart: &Chart{Accounts: named, VATCodes: codes, Journals: journals}})
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() }) // a second Close does nothing
	require.NoError(t, mapping.Validate(ctx, l), "the mapping against the file's chart")

	// Partners the books have before the first run; the run must match them.
	pre := r2PreexistingPartners()
	preRefs := make(map[string]invoicesync.PartnerRef) // party source id → ledger partner
	for _, p := range pre {
		ref, err := l.CreatePartner(ctx, p.partner)
		require.NoError(t, err)
		preRefs[p.sourceID] = ref
	}

	source := memory.NewSource()
	for _, g := range gens {
		source.Put(g.inv)
	}

	// Run 1: everything is posted.
	store := invoicesync.NewMemoryStore()
	cfg := invoicesync.Config{SourceID: r2SourceID, Now: func() time.Time { return r2Clock }, RetryDelay: time.Millisecond}
	syncer, err := invoicesync.NewSyncer(source, l, mapping, store, cfg)
	require.NoError(t, err)
	t1 := time.Now()
	rep, err := syncer.Run(ctx)
	require.NoError(t, err)
	runTime := time.Since(t1)
	r2RequireAllSynchronized(t, rep, 200, invoicesync.ActionPosted)

	// Partner decisions: the pre-existing partners matched by the expected
	// rule, every other party created once, none twice.
	byParty := map[string][]invoicesync.PartnerAction{}
	entryOf := map[string]invoicesync.EntryRef{} // invoice id → entry
	genOf := map[string]*r2Gen{}
	for i := range gens {
		genOf[gens[i].inv.ID] = &gens[i]
	}
	for _, o := range rep.Outcomes {
		g := genOf[o.InvoiceID]
		require.NotNil(t, o.PartnerDecision, o.InvoiceID)
		byParty[g.party.SourceID] = append(byParty[g.party.SourceID], o.PartnerDecision.Action)
		if p, ok := r2Pre(pre, g.party.SourceID); ok {
			assert.Equal(t, invoicesync.PartnerMatched, o.PartnerDecision.Action, o.InvoiceID)
			assert.Equal(t, p.rule, o.PartnerDecision.Rule, o.InvoiceID)
			assert.Equal(t, preRefs[p.sourceID].ID, o.PartnerDecision.Partner.ID, o.InvoiceID)
		} else {
			assert.Equal(t, invoicesync.PartnerCreated, o.PartnerDecision.Action, "%s of %s", o.InvoiceID, g.party.Name)
		}
		entryOf[o.InvoiceID] = o.Entry
	}
	parties := r2Parties(gens)
	require.Len(t, byParty, len(parties))
	created := 0
	for id, actions := range byParty {
		if _, ok := r2Pre(pre, id); !ok && actions[0] == invoicesync.PartnerCreated {
			created++
		}
	}
	assert.Equal(t, 43, created, "parties created by the first run")
	// Every pre-existing partner has invoices: the books end with one
	// partner per party, 4 of them there before and 43 created.
	for _, p := range pre {
		require.Contains(t, parties, p.sourceID, "pre-existing partner %s has invoices", p.sourceID)
	}
	wantPartners := len(parties)
	require.Equal(t, 47, wantPartners, "pinned")

	// The file as written.
	file, err := ReadFile(path, f)
	require.NoError(t, err)
	require.Len(t, file.Entries, 200)
	assert.Equal(t, 0, file.Foreign)
	assert.Len(t, file.Partners, wantPartners)
	assert.Equal(t, []string{"EUR"}, file.Currencies, "declared on first use")
	roles := map[invoicesync.PartnerRole]int{}
	partnerRole := map[string]invoicesync.PartnerRole{}
	for _, p := range file.Partners {
		roles[p.Role]++
		partnerRole[p.Ref.ID] = p.Role
	}
	wantRoles := map[invoicesync.PartnerRole]int{}
	for _, role := range parties {
		wantRoles[role]++
	}
	assert.Equal(t, wantRoles, roles)
	assert.Equal(t, map[invoicesync.PartnerRole]int{invoicesync.Customer: 28, invoicesync.Supplier: 19}, roles, "pinned")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, 200, bytes.Count(data, []byte(beginMark+blockEntry+" ")), "entry blocks")
	assert.Equal(t, wantPartners, bytes.Count(data, []byte(beginMark+blockPartner+" ")), "partner blocks")

	// Every entry: the one the builder makes, line by line to the cent, and
	// the independent model's amounts per account.
	builder, err := invoicesync.NewBuilder(mapping, chart)
	require.NoError(t, err)
	built := make([]*invoicesync.Entry, 0, len(gens))
	seen := map[string]bool{}
	for _, fe := range file.Entries {
		e := fe.Entry
		require.NoError(t, e.Check(), "entry %s as read back", fe.Ref.ID)
		g := genOf[e.InvoiceID]
		require.NotNil(t, g, "entry %s: unknown invoice %q", fe.Ref.ID, e.InvoiceID)
		require.False(t, seen[e.InvoiceID], "invoice %s posted twice", e.InvoiceID)
		seen[e.InvoiceID] = true
		assert.Equal(t, entryOf[e.InvoiceID], fe.Ref, e.InvoiceID)

		want, err := builder.Build(&g.inv, invoicesync.PartnerRef{})
		require.NoError(t, err, e.InvoiceID)
		require.NoError(t, want.Check(), e.InvoiceID)
		built = append(built, want)
		assert.Equal(t, invoicesync.IdempotencyKey(r2SourceID, g.inv.ID, invoicesync.Fingerprint(&g.inv)), e.IdempotencyKey, e.InvoiceID)
		assert.Equal(t, want.Journal, e.Journal, e.InvoiceID)
		assert.True(t, want.Date.Equal(e.Date), e.InvoiceID)
		assert.Equal(t, want.Reference, e.Reference, e.InvoiceID)
		assert.Equal(t, "EUR", e.Currency, e.InvoiceID)
		assert.Equal(t, g.inv.Currency, e.InvoiceCurrency, e.InvoiceID)
		assert.True(t, want.ExchangeRate.Equal(e.ExchangeRate), e.InvoiceID)
		assert.Equal(t, g.inv.Direction, e.Direction, e.InvoiceID)
		assert.Equal(t, g.inv.Kind, e.Kind, e.InvoiceID)
		assert.Equal(t, invoicesync.RoleFor(g.inv.Direction), partnerRole[e.Partner.ID], "%s: partner %s", e.InvoiceID, e.Partner.ID)
		if p, ok := r2Pre(pre, g.party.SourceID); ok {
			assert.Equal(t, preRefs[p.sourceID].ID, e.Partner.ID, e.InvoiceID)
		}
		r2AssertSameLines(t, e.InvoiceID, want, &e)
		label := e.Partner.Name // the entry's label, which an hledger description holds without ';'
		if f == Hledger {
			label = displayText(label, noteText)
		}
		assert.Equal(t, label, e.Label, "%s: the entry's label", e.InvoiceID)
		r2AssertAmounts(t, e.InvoiceID+" (model)", g.expected(), r2ByAccount(&e))
	}
	require.Len(t, seen, 200)

	// The books balance, and the built entries and the model agree on every account.
	model := map[string]decimal.Decimal{}
	for i := range gens {
		for acc, amt := range gens[i].expected() {
			model[names[acc]] = model[names[acc]].Add(amt)
		}
	}
	r2DropZeros(model)
	sums := sumEntries(built, names)
	r2AssertBalances(t, "model", "built", model, sums)
	total := decimal.Zero
	for _, v := range sums {
		total = total.Add(v)
	}
	assert.True(t, total.IsZero(), "the trial balance adds up to %s", total)

	// Figures derived from the invoices alone, and pinned.
	r2AssertFigures(t, gens, built, names, sums)

	// The real tools judge the file.
	t2 := time.Now()
	checkWithTool(t, f, path)
	if f == Hledger {
		r2AssertBalances(t, "hledger", "built", trialBalance(t, path, "EUR"), sums)
		assert.Equal(t, 200, r2HledgerTransactions(t, path))
	} else {
		t.Run("bean-query", func(t *testing.T) {
			r2AssertBalances(t, "bean-query", "built", r2BeanBalance(t, path, "EUR"), sums)
			assert.Equal(t, 200, r2BeanTransactions(t, path))
		})
	}
	toolTime := time.Since(t2)

	// Run 2: same store, same ledger. A tenth of the invoices come back
	// changed only in status (sent → paid): unchanged, nothing written.
	for i := 0; i < len(gens); i += 10 {
		inv := gens[i].inv
		inv.Status = invoicesync.StatusPaid
		source.Put(inv)
	}
	syncer, err = invoicesync.NewSyncer(source, l, mapping, store, cfg)
	require.NoError(t, err)
	rep, err = syncer.Run(ctx)
	require.NoError(t, err)
	r2RequireAllSynchronized(t, rep, 20, invoicesync.ActionUnchanged)
	r2RequireSameFile(t, path, f, data, file)

	// Run 3: a restart that lost its state: a new store, the file opened
	// again. Every entry is found by its key and reported recovered;
	// nothing is added.
	require.NoError(t, l.Close())
	l2, err := Open(path, &Options{Format: f})
	require.NoError(t, err)
	defer l2.Close()
	syncer, err = invoicesync.NewSyncer(source, l2, mapping, invoicesync.NewMemoryStore(), cfg)
	require.NoError(t, err)
	rep, err = syncer.Run(ctx)
	require.NoError(t, err)
	r2RequireAllSynchronized(t, rep, 200, invoicesync.ActionRecovered)
	for _, o := range rep.Outcomes {
		assert.Equal(t, entryOf[o.InvoiceID], o.Entry, "%s found again as its first entry", o.InvoiceID)
		require.NotNil(t, o.PartnerDecision, o.InvoiceID)
		assert.Equal(t, invoicesync.PartnerMatched, o.PartnerDecision.Action, "%s: %s", o.InvoiceID, o.PartnerDecision.Explanation)
	}
	r2RequireSameFile(t, path, f, data, file)

	t.Logf("%s: %d bytes, %d entries, %d partners; first run %v, tools %v, whole test %v",
		f, len(data), len(file.Entries), len(file.Partners), runTime.Round(time.Millisecond), toolTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// r2RequireAllSynchronized requires a report of n invoices, all synchronized
// with action, and no error; it prints the errors' messages if there are any.
func r2RequireAllSynchronized(t *testing.T, rep *invoicesync.Report, n int, action invoicesync.Action) {
	t.Helper()
	var errs []string
	for _, o := range rep.Outcomes {
		if o.Status != invoicesync.StateSynchronized {
			errs = append(errs, fmt.Sprintf("%s %s: %s %s", o.InvoiceID, o.Status, o.Code, o.Message))
		}
	}
	require.Empty(t, errs, "invoices not synchronized:\n%s", strings.Join(errs, "\n"))
	require.Equal(t, n, rep.Invoices)
	require.Len(t, rep.Outcomes, n)
	require.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: n}, rep.Statuses)
	require.Equal(t, map[invoicesync.Action]int{action: n}, rep.Actions)
	require.Empty(t, rep.Codes)
}

// r2RequireSameFile requires the file at path to hold exactly data, and to
// read back as first did.
func r2RequireSameFile(t *testing.T, path string, f Format, data []byte, first *File) {
	t.Helper()
	now, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, len(data), len(now), "file size")
	require.True(t, bytes.Equal(data, now), "the file changed")
	again, err := ReadFile(path, f)
	require.NoError(t, err)
	require.Len(t, again.Entries, 200)
	require.Equal(t, first.Entries, again.Entries)
	require.Equal(t, first.Partners, again.Partners)
}

// r2AssertSameLines compares got's lines with want's, in order: account,
// debit, credit and VAT code, to the cent, and the label, which went
// through the file format's escaping. want was built without a partner, so
// its partner line's label is the invoice's party; got's is the ledger
// partner's name.
func r2AssertSameLines(t *testing.T, id string, want, got *invoicesync.Entry) {
	t.Helper()
	text := func(e *invoicesync.Entry, partnerName string) []string {
		out := make([]string, len(e.Lines))
		for i, l := range e.Lines {
			label := l.Label
			if l.Kind == invoicesync.KindPartner || l.Partner != nil {
				label = partnerName
			}
			out[i] = fmt.Sprintf("%s D %s C %s VAT %q label %q", l.Account, l.Debit.StringFixed(2), l.Credit.StringFixed(2), l.VATCode, label)
		}
		return out
	}
	assert.Equal(t, text(want, got.Partner.Name), text(got, got.Lines[0].Label), "lines of %s", id)
	assert.Equal(t, got.Partner.Name, got.Lines[0].Label, "%s: the partner line is labelled with the ledger partner's name", id)
}

// r2ByAccount sums an entry's lines per account number, debit positive.
func r2ByAccount(e *invoicesync.Entry) map[string]decimal.Decimal {
	out := map[string]decimal.Decimal{}
	for _, l := range e.Lines {
		out[l.Account] = out[l.Account].Add(l.Debit).Sub(l.Credit)
	}
	return r2DropZeros(out)
}

// r2DropZeros deletes m's zero amounts and returns m.
func r2DropZeros(m map[string]decimal.Decimal) map[string]decimal.Decimal {
	for k, v := range m {
		if v.IsZero() {
			delete(m, k)
		}
	}
	return m
}

// r2AssertAmounts requires two per-account amounts to be equal exactly.
func r2AssertAmounts(t *testing.T, what string, want, got map[string]decimal.Decimal) {
	t.Helper()
	if msg := r2BalanceDiff("want", "got", want, got); msg != "" {
		t.Errorf("%s:\n%s", what, msg)
	}
}

// r2AssertBalances requires two trial balances (account → debit-positive
// amount) to be equal exactly, reporting each account that differs as
// "account: <aName> X, <bName> Y".
func r2AssertBalances(t *testing.T, aName, bName string, a, b map[string]decimal.Decimal) {
	t.Helper()
	if msg := r2BalanceDiff(aName, bName, a, b); msg != "" {
		t.Errorf("trial balances differ:\n%s", msg)
	}
}

// r2BalanceDiff lists the accounts whose amounts differ between a and b, one
// per line; "" when they agree exactly. A missing account counts as zero.
func r2BalanceDiff(aName, bName string, a, b map[string]decimal.Decimal) string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if !a[k].Equal(b[k]) {
			out = append(out, fmt.Sprintf("  %s: %s %s, %s %s", k, aName, a[k].StringFixed(2), bName, b[k].StringFixed(2)))
		}
	}
	return strings.Join(out, "\n")
}

// r2BeanBalance returns bean-query's balance of every account of path in
// currency, keyed by account name, like trialBalance does with hledger.
// It skips t when bean-query is not installed.
func r2BeanBalance(t testing.TB, path, currency string) map[string]decimal.Decimal {
	t.Helper()
	out := runTool(t, "bean-query", "-f", "csv", path,
		fmt.Sprintf("select account, sum(number) as total where currency = '%s' group by account", currency))
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("bean-query CSV: %v\n%s", err, out)
	}
	bal := make(map[string]decimal.Decimal)
	for _, row := range rows[1:] {
		if len(row) != 2 {
			t.Fatalf("bean-query row %q", row)
		}
		amt, err := decimal.NewFromString(strings.TrimSpace(row[1]))
		if err != nil {
			t.Fatalf("bean-query balance of %s: %q: %v", row[0], row[1], err)
		}
		if !amt.IsZero() {
			bal[strings.TrimSpace(row[0])] = amt
		}
	}
	return bal
}

// r2BeanTransactions counts the transactions of path as bean-query sees them.
func r2BeanTransactions(t testing.TB, path string) int {
	t.Helper()
	out := runTool(t, "bean-query", "-f", "csv", path, "select distinct filename, lineno where account ~ '^(Assets|Liabilities)'")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("bean-query CSV: %v\n%s", err, out)
	}
	return len(rows) - 1
}

// r2HledgerTransactions counts the transactions of path as hledger prints them.
func r2HledgerTransactions(t testing.TB, path string) int {
	t.Helper()
	out := runTool(t, "hledger", "-f", path, "print", "-O", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("hledger print CSV: %v\n%s", err, out)
	}
	txns := map[string]bool{}
	for _, row := range rows[1:] {
		txns[row[0]] = true // txnidx
	}
	return len(txns)
}

// ---- The chart, the mapping, the partners ----

// r2Chart is the French chart of the test: accounts, VAT codes for each rate
// and direction plus a reverse-charge code, and the journals VT and HA.
func r2Chart() ([]invoicesync.Account, []invoicesync.VATCode, []invoicesync.Journal) {
	acc := func(n, name string) invoicesync.Account {
		return invoicesync.Account{Number: n, Name: name, Active: true}
	}
	accounts := []invoicesync.Account{
		acc("411000", "Clients"), acc("401000", "Fournisseurs"),
		acc("706000", "Prestations de services"), acc("707000", "Ventes de marchandises"),
		acc("607000", "Achats de marchandises"), acc("604000", "Achats d'études et prestations"),
		acc("445710", "TVA collectée"), acc("445660", "TVA déductible sur ABS"),
		acc("445662", "TVA déductible intracommunautaire"), acc("445200", "TVA due intracommunautaire"),
		acc("658000", "Charges diverses de gestion courante"), acc("758000", "Produits divers de gestion courante"),
		acc("666000", "Pertes de change"), acc("766000", "Gains de change"),
		{Number: "706100", Name: "Ancien compte de ventes", Active: false},
	}
	vat := func(code, name, rate string, dir invoicesync.Direction, account string) invoicesync.VATCode {
		return invoicesync.VATCode{Code: code, Name: name, Rate: r2Dec(rate), Direction: dir, Account: account, Active: true}
	}
	rc := vat("AI20", "TVA autoliquidée 20 %", "20", invoicesync.Purchase, "445662")
	rc.ReverseCharge, rc.DueAccount = true, "445200"
	codes := []invoicesync.VATCode{
		vat("V20", "TVA collectée 20 %", "20", invoicesync.Sales, "445710"),
		vat("V10", "TVA collectée 10 %", "10", invoicesync.Sales, "445710"),
		vat("V55", "TVA collectée 5,5 %", "5.5", invoicesync.Sales, "445710"),
		vat("V0", "Exonéré", "0", invoicesync.Sales, "445710"),
		vat("A20", "TVA déductible 20 %", "20", invoicesync.Purchase, "445660"),
		vat("A10", "TVA déductible 10 %", "10", invoicesync.Purchase, "445660"),
		vat("A55", "TVA déductible 5,5 %", "5.5", invoicesync.Purchase, "445660"),
		vat("A0", "Achats exonérés", "0", invoicesync.Purchase, "445660"),
		rc,
	}
	journals := []invoicesync.Journal{{Code: "VT", Name: "Ventes", Type: "sales"}, {Code: "HA", Name: "Achats", Type: "purchase"}}
	return accounts, codes, journals
}

// r2Root is the root of each chart account in the file: customers and
// deductible VAT are assets, suppliers and VAT collected or due
// liabilities, class 6 expenses, class 7 income.
func r2Root(a invoicesync.Account) string {
	switch n := a.Number; {
	case strings.HasPrefix(n, "411"), strings.HasPrefix(n, "44566"):
		return "Assets"
	case strings.HasPrefix(n, "401"), strings.HasPrefix(n, "44571"), strings.HasPrefix(n, "4452"):
		return "Liabilities"
	case strings.HasPrefix(n, "6"):
		return "Expenses"
	case strings.HasPrefix(n, "7"):
		return "Income"
	}
	return "Equity"
}

// r2Mapping maps r2Chart: every rate of each direction, category AE to the
// reverse-charge code, goods sold and services bought to their own accounts
// by rule, exchange differences to 666/766, the ledger in EUR.
func r2Mapping() *invoicesync.Mapping {
	rule := func(cat, rate, code string) invoicesync.VATRule {
		r := invoicesync.VATRule{Category: cat, Code: code}
		if rate != "" {
			r.Rate = r2Rate(rate)
		}
		return r
	}
	return &invoicesync.Mapping{
		SalesVAT: []invoicesync.VATRule{
			rule("S", "20", "V20"), rule("S", "10", "V10"), rule("S", "5.5", "V55"), rule("E", "0", "V0"),
		},
		PurchaseVAT: []invoicesync.VATRule{
			rule("S", "20", "A20"), rule("S", "10", "A10"), rule("S", "5.5", "A55"), rule("E", "0", "A0"),
			rule("AE", "", "AI20"),
		},
		Journals: invoicesync.JournalMapping{Sales: "VT", Purchase: "HA"},
		Accounts: invoicesync.Accounts{
			SalesDefault: "706000", PurchaseDefault: "607000", CustomerCollective: "411000", SupplierCollective: "401000",
			CreditRounding: "758000", DebitRounding: "658000", ExchangeGain: "766000", ExchangeLoss: "666000",
		},
		AccountRules: []invoicesync.AccountRule{
			{Direction: invoicesync.Sales, ItemCategory: "goods", Account: "707000"},
			{Direction: invoicesync.Purchase, ItemCategory: "services", Account: "604000"},
		},
		LedgerCurrency:        "EUR",
		SyncWithoutAttachment: true,
	}
}

// r2Prepartner is a partner the books hold before the first run, for the
// party sourceID, and the rule the run must match it by.
type r2Prepartner struct {
	sourceID string
	partner  invoicesync.Partner
	rule     matching.Rule
}

// r2PreexistingPartners are the books' partners before the first run: each
// written differently from the invoicing tool's party, so that only the
// intended rule matches it.
func r2PreexistingPartners() []r2Prepartner {
	return []r2Prepartner{
		{"C01", invoicesync.Partner{Role: invoicesync.Customer, Name: "ATELIER DUBOIS (compte historique)", AuxiliaryAccount: "CLI0001", Country: "FR"}, matching.RuleAuxiliaryAccount},
		{"C02", invoicesync.Partner{Role: invoicesync.Customer, Name: "Boulangerie Martin S.A.R.L.", Country: "FR"}, matching.RuleName},
		{"S01", invoicesync.Partner{Role: invoicesync.Supplier, Name: "Papeterie Centrale - achats", AuxiliaryAccount: "FRN0001", Country: "FR"}, matching.RuleAuxiliaryAccount},
		{"E01", invoicesync.Partner{Role: invoicesync.Supplier, Name: "Müller Maschinenbau", VATNumber: r2VAT("DE", "13669597"), Country: "DE"}, matching.RuleVATNumber},
	}
}

// r2Pre returns the pre-existing partner of the party sourceID.
func r2Pre(pre []r2Prepartner, sourceID string) (r2Prepartner, bool) {
	for _, p := range pre {
		if p.sourceID == sourceID {
			return p, true
		}
	}
	return r2Prepartner{}, false
}

// r2VAT completes a VAT number (country prefix, national digits without the
// last one) with the check digit matching's rules accept.
func r2VAT(prefix, body string) string {
	for d := '0'; d <= '9'; d++ {
		v := prefix + body + string(d)
		if n, err := matching.NormalizeVAT(v, ""); err == nil && n.Checked {
			return v
		}
	}
	panic("no check digit for " + prefix + body)
}

// r2Party builds an invoice party.
func r2Party(id, name, aux, vat, country string) invoicesync.Party {
	return invoicesync.Party{SourceID: id, Name: name, AuxiliaryAccount: aux, VATNumber: vat, Country: country,
		Address: invoicesync.Address{Country: country}}
}

var (
	// r2Customers are the regular French customers.
	r2Customers = func() []invoicesync.Party {
		names := []string{
			"Atelier Dubois SARL", "Boulangerie Martin SARL", "Cabinet Lefèvre & Associés", "Durand Immobilier SAS",
			"Éditions Moreau", "Fromagerie Laurent", "Garage Simon, père et fils", "Hôtel Michel SA",
			"Imprimerie Garcia", "Jardins David EURL", "L'Atelier d'Hélène", "Librairie Roux",
			"Menuiserie Vincent", "Nettoyage Fournier; Propreté", "Optique Morel 100 %",
		}
		out := make([]invoicesync.Party, len(names))
		for i, n := range names {
			out[i] = r2Party(fmt.Sprintf("C%02d", i+1), n, fmt.Sprintf("CLI%04d", i+1), "", "FR")
		}
		return out
	}()
	// r2ForeignCustomers are customers invoiced in USD or GBP.
	r2ForeignCustomers = []invoicesync.Party{
		r2Party("F01", "Acme Corp", "CLI-US-01", "", "US"),
		r2Party("F02", "Brightside Ltd", "CLI-GB-01", "", "GB"),
		r2Party("F03", "Columbia Trading Inc", "CLI-US-02", "", "US"),
	}
	// r2Suppliers are the regular French suppliers.
	r2Suppliers = func() []invoicesync.Party {
		names := []string{
			"Papeterie Centrale", "Électricité Générale Robin", "Transports Girard", "Fournitures Bonnet",
			"Informatique Mercier", "Énergie Blanc", "Location Guérin", "Assurances Muller",
		}
		out := make([]invoicesync.Party, len(names))
		for i, n := range names {
			out[i] = r2Party(fmt.Sprintf("S%02d", i+1), n, fmt.Sprintf("FRN%04d", i+1), "", "FR")
		}
		return out
	}()
	// r2EUSuppliers sell to the company under the reverse charge; their VAT
	// numbers are written the way people write them.
	r2EUSuppliers = []invoicesync.Party{
		r2Party("E01", "Müller Maschinen GmbH", "", r2Spaced(r2VAT("DE", "13669597")), "DE"),
		r2Party("E02", "Schmidt Software GmbH", "", r2VAT("DE", "81234567"), "DE"),
		r2Party("E03", "Rossi Forniture S.r.l.", "", r2VAT("IT", "0123456078"), "IT"),
		r2Party("E04", "Huber Holz GmbH", "", r2VAT("ATU", "1234567"), "AT"),
	}
	// r2ForeignSuppliers invoice in USD or GBP.
	r2ForeignSuppliers = []invoicesync.Party{
		r2Party("G01", "Pacific Components Inc", "", "", "US"),
		r2Party("G02", "Thames Supplies Ltd", "", "", "GB"),
	}
)

// r2Spaced writes a VAT number as "DE 136 695 976".
func r2Spaced(v string) string {
	return v[:2] + " " + v[2:5] + " " + v[5:8] + " " + v[8:]
}

// r2Parties returns the role of every party of gens, by source id.
func r2Parties(gens []r2Gen) map[string]invoicesync.PartnerRole {
	out := map[string]invoicesync.PartnerRole{}
	for _, g := range gens {
		out[g.party.SourceID] = invoicesync.RoleFor(g.inv.Direction)
	}
	return out
}

// ---- The 200 invoices ----

// r2Kind is the kind of a generated invoice.
type r2Kind string

// The kinds (r2Counts says how many of each).
const (
	r2Sale            r2Kind = "EUR sales invoice"
	r2SaleCredit      r2Kind = "EUR sales credit note"
	r2Purchase        r2Kind = "EUR purchase invoice"
	r2PurchaseCredit  r2Kind = "EUR purchase credit note"
	r2ReverseCharge   r2Kind = "reverse-charge purchase (AE)"
	r2ForeignSale     r2Kind = "foreign-currency sale"
	r2ForeignPurchase r2Kind = "foreign-currency purchase"
)

// r2Counts is how many invoices of each kind are generated.
var r2Counts = []struct {
	kind r2Kind
	n    int
}{
	{r2Sale, 80}, {r2SaleCredit, 15}, {r2Purchase, 50}, {r2PurchaseCredit, 10},
	{r2ReverseCharge, 20}, {r2ForeignSale, 15}, {r2ForeignPurchase, 10},
}

// The variants: how an invoice's declared totals differ from the plain ones.
const (
	r2Plain      = ""
	r2VATPlus    = "VAT declared 0.01 above the computed VAT"
	r2VATMinus   = "VAT declared 0.01 below the computed VAT"
	r2CashRound  = "payable rounded to 0.05 (BT-114)"
	r2Breakdown  = "VAT breakdown declared (BG-23)"
	r2NoDocument = "no PDF"
)

// r2Line is a generated invoice line and what the test expects of it.
type r2Line struct {
	net     decimal.Decimal
	cat     string
	rate    decimal.Decimal // declared
	account string          // the account the line must land on
	code    string          // the VAT code it must get
}

// r2Gen is a generated invoice with what the test knows about it.
type r2Gen struct {
	inv     invoicesync.Invoice
	kind    r2Kind
	variant string
	party   invoicesync.Party
	lines   []r2Line
	// vat is the VAT per VAT code as computed (the reverse-charge VAT for AI20).
	vat map[string]decimal.Decimal
	// codes are the VAT codes in the order of first use.
	codes []string
	// rounding is the declared payable rounding (BT-114).
	rounding decimal.Decimal
}

// r2Splitmix is SplitMix64: a few lines of arithmetic, so that the invoices
// are the same on every platform and Go release.
type r2Splitmix uint64

// next returns the next 64 random bits.
func (s *r2Splitmix) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// intn returns a number in [0, n).
func (s *r2Splitmix) intn(n int) int { return int(s.next() % uint64(n)) }

// r2Descriptions are line descriptions, some with the characters that need
// escaping in the file formats.
var r2Descriptions = []string{
	"Conseil, audit et formation", "Licence logicielle annuelle", "Maintenance; déplacement inclus",
	"Remise 10 % incluse", `Livres "Cuisine du marché"`, "Fournitures de bureau", "Heures de développement",
	"Transport Paris → Lyon", "Matériel électrique", "Abonnement | support",
}

// r2Invoices generates the 200 invoices, deterministically.
func r2Invoices() []r2Gen {
	rng := r2Splitmix(200)
	var kinds []r2Kind
	for _, c := range r2Counts {
		for range c.n {
			kinds = append(kinds, c.kind)
		}
	}
	for i := len(kinds) - 1; i > 0; i-- { // interleave the kinds
		j := rng.intn(i + 1)
		kinds[i], kinds[j] = kinds[j], kinds[i]
	}
	seq := map[r2Kind]int{}
	gens := make([]r2Gen, 0, len(kinds))
	for i, k := range kinds {
		j := seq[k]
		seq[k]++
		gens = append(gens, r2Make(&rng, i, k, j))
	}
	return gens
}

// r2Rule gives the variant to the j-th invoice of a kind when j%mod == rem.
type r2Rule struct {
	mod, rem int
	variant  string
}

// r2VariantFor returns the variant of the first rule that holds for j, or
// "" (none) when no rule does.
func r2VariantFor(j int, rules ...r2Rule) string {
	for _, r := range rules {
		if j%r.mod == r.rem {
			return r.variant
		}
	}
	return ""
}

// r2PartyOf returns the party at j×stride (wrapping) in list or, when once
// holds, a French party met only once: id prefix and name followed by j.
func r2PartyOf(list []invoicesync.Party, stride, j int, once bool, prefix, name string) invoicesync.Party {
	if once {
		return r2Party(fmt.Sprintf("%s%02d", prefix, j), fmt.Sprintf("%s n° %d", name, j), "", "", "FR")
	}
	return list[(j*stride)%len(list)]
}

// r2Make generates invoice number i (0-based), the j-th of kind k.
func r2Make(rng *r2Splitmix, i int, k r2Kind, j int) r2Gen {
	g := r2Gen{kind: k}
	inv := &g.inv
	inv.ID = fmt.Sprintf("inv-%03d", i+1)
	inv.Kind, inv.TypeCode = invoicesync.KindInvoice, "380"
	inv.Direction, inv.Currency = invoicesync.Sales, "EUR"
	inv.IssueDate = time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*360/200)
	inv.DueDate = inv.IssueDate.AddDate(0, 0, 30)
	inv.Status = invoicesync.StatusSent
	if i%3 == 0 {
		inv.Status = invoicesync.StatusPaid
	}
	credit := false
	cats := []string{"S20", "S20", "S10", "S5.5", "E0"} // drawn for each line
	switch k {
	case r2Sale:
		g.party = r2PartyOf(r2Customers, 7, j, j%8 == 5, "X", "Client de passage") // j%8 == 5: a customer met once
		g.variant = r2VariantFor(j, r2Rule{10, 3, r2VATPlus}, r2Rule{10, 7, r2VATMinus}, r2Rule{20, 11, r2CashRound}, r2Rule{6, 0, r2Breakdown})
	case r2SaleCredit:
		credit = true
		g.party = r2Customers[(j*4)%len(r2Customers)]
		switch j {
		case 4:
			g.variant = r2VATPlus
		case 9:
			g.variant = r2VATMinus
		}
	case r2Purchase:
		inv.Direction = invoicesync.Purchase
		g.party = r2PartyOf(r2Suppliers, 3, j, j%10 == 9, "Y", "Fournisseur occasionnel") // j%10 == 9: a supplier met once
		g.variant = r2VariantFor(j, r2Rule{10, 4, r2VATPlus}, r2Rule{10, 8, r2VATMinus}, r2Rule{25, 12, r2CashRound}, r2Rule{5, 0, r2Breakdown})
	case r2PurchaseCredit:
		credit = true
		inv.Direction = invoicesync.Purchase
		g.party = r2Suppliers[(j*5)%len(r2Suppliers)]
		if j == 3 {
			g.variant = r2VATMinus
		}
	case r2ReverseCharge:
		inv.Direction = invoicesync.Purchase
		g.party = r2EUSuppliers[j%len(r2EUSuppliers)]
		credit = j%10 == 9
		cats = []string{"AE0"}
	case r2ForeignSale:
		g.party = r2ForeignCustomers[j%len(r2ForeignCustomers)]
		credit = j%5 == 4
		cats = []string{"S20", "E0", "E0"}
		if j == 7 {
			g.variant = r2VATPlus
		}
	case r2ForeignPurchase:
		inv.Direction = invoicesync.Purchase
		g.party = r2ForeignSuppliers[j%len(r2ForeignSuppliers)]
		cats = []string{"S20", "E0"}
		if j == 3 {
			g.variant = r2CashRound
		}
	}
	if g.party.Country == "US" {
		inv.Currency = "USD"
		inv.ExchangeRate = []decimal.Decimal{r2Dec("1.0857"), r2Dec("1.0921"), r2Dec("1.0774")}[j%3]
	} else if g.party.Country == "GB" {
		inv.Currency = "GBP"
		inv.ExchangeRate = []decimal.Decimal{r2Dec("0.8571"), r2Dec("0.8612"), r2Dec("0.8493")}[j%3]
	}
	party := g.party
	inv.Party = &party
	if credit {
		inv.Kind, inv.TypeCode = invoicesync.KindCreditNote, "381"
	}
	prefix := map[bool]map[invoicesync.Direction]string{
		false: {invoicesync.Sales: "F", invoicesync.Purchase: "FA"},
		true:  {invoicesync.Sales: "AV", invoicesync.Purchase: "AVA"},
	}[credit][inv.Direction]
	inv.Number = fmt.Sprintf("%s-2026-%04d", prefix, i+1)

	// Lines: 1 to 4, each with a rate drawn from cats; the variants that
	// change the VAT total need VAT, so their first line is at 20 %.
	n := 1 + rng.intn(4)
	for li := range n {
		c := cats[rng.intn(len(cats))]
		if li == 0 && (g.variant == r2VATPlus || g.variant == r2VATMinus) {
			c = "S20"
		}
		qty := decimal.New(int64(1+rng.intn(20)), -1).Mul(decimal.New(5, 0)) // 0.5 to 10, by halves
		price := decimal.New(int64(500+rng.intn(249_500)), -2)               // 5.00 to 2499.99
		if g.variant == r2CashRound && li == 0 {
			qty = decimal.New(1, 0)
		}
		category := "goods"
		if inv.Direction == invoicesync.Purchase {
			category = "services"
		}
		if rng.intn(3) != 0 {
			category = ""
		}
		g.addLine(c, qty, price, category, r2Descriptions[rng.intn(len(r2Descriptions))])
	}
	g.finish()
	for g.variant == r2CashRound && g.rounding.IsZero() { // the gross is already a multiple of 0.05
		l := &inv.Lines[0]
		l.UnitPrice = l.UnitPrice.Add(decimal.New(1, -2))
		l.NetAmount = l.UnitPrice
		g.lines[0].net = l.NetAmount
		g.finish()
	}
	if i%10 == 9 {
		if g.variant == r2Plain {
			g.variant = r2NoDocument
		}
	} else {
		inv.Attachments = []invoicesync.AttachmentRef{{ID: "pdf-" + inv.ID, FileName: inv.Number + ".pdf", MediaType: "application/pdf", Data: r2PDF}}
	}
	return g
}

// addLine adds an invoice line of qty × price in category c ("S20", "E0",
// "AE0": category and declared rate) with an item category for the account
// rules.
func (g *r2Gen) addLine(c string, qty, price decimal.Decimal, itemCategory, desc string) {
	inv := &g.inv
	cat, rate := c[:1], c[1:]
	if strings.HasPrefix(c, "AE") {
		cat, rate = "AE", c[2:]
	}
	net := qty.Mul(price).Round(2)
	l := invoicesync.Line{
		ID: fmt.Sprint(len(inv.Lines) + 1), Description: desc, Quantity: qty, UnitPrice: price, NetAmount: net,
		VATCategory: cat, VATRate: r2Rate(rate), ItemCategory: itemCategory,
	}
	inv.Lines = append(inv.Lines, l)

	// What the test expects of the line, from the chart and mapping as the
	// test wrote them.
	sales := inv.Direction == invoicesync.Sales
	account := map[bool]string{true: "706000", false: "607000"}[sales]
	if sales && itemCategory == "goods" {
		account = "707000"
	} else if !sales && itemCategory == "services" {
		account = "604000"
	}
	code := map[string]string{"S20": "20", "S10": "10", "S5.5": "55", "E0": "0"}[c]
	if sales {
		code = "V" + code
	} else {
		code = "A" + code
	}
	if cat == "AE" {
		code = "AI20"
	}
	g.lines = append(g.lines, r2Line{net: net, cat: cat, rate: r2Dec(rate), account: account, code: code})
}

// r2CodeRate is the rate of each VAT code, in percent, and whether VAT is charged.
var r2CodeRate = map[string]struct {
	rate    string
	charged bool
}{
	"V20": {"20", true}, "V10": {"10", true}, "V55": {"5.5", true}, "V0": {"0", false},
	"A20": {"20", true}, "A10": {"10", true}, "A55": {"5.5", true}, "A0": {"0", false},
	"AI20": {"20", false},
}

// finish computes the VAT per code and sets the declared totals (and the
// VAT breakdown or payable rounding of the variant).
func (g *r2Gen) finish() {
	inv := &g.inv
	base := map[string]decimal.Decimal{}
	g.codes = g.codes[:0]
	net := decimal.Zero
	for _, l := range g.lines {
		if _, ok := base[l.code]; !ok {
			g.codes = append(g.codes, l.code)
		}
		base[l.code] = base[l.code].Add(l.net)
		net = net.Add(l.net)
	}
	g.vat = map[string]decimal.Decimal{}
	charged := decimal.Zero
	inv.VATBreakdown = nil
	for _, code := range g.codes {
		cr := r2CodeRate[code]
		v := base[code].Mul(r2Dec(cr.rate)).Shift(-2).Round(2) // half away from zero
		g.vat[code] = v
		if !cr.charged {
			if code != "AI20" {
				g.vat[code] = decimal.Zero
			}
			v = decimal.Zero
		}
		charged = charged.Add(v)
		if g.variant == r2Breakdown {
			var l r2Line
			for _, x := range g.lines {
				if x.code == code {
					l = x
					break
				}
			}
			sub := invoicesync.VATSubtotal{Category: l.cat, Rate: decimal.NewNullDecimal(l.rate), TaxableAmount: base[code], TaxAmount: v}
			if l.cat == "E" {
				sub.ExemptionReason = "Exonération de TVA, article 261 du CGI"
			}
			inv.VATBreakdown = append(inv.VATBreakdown, sub)
		}
	}
	declared := charged
	switch g.variant {
	case r2VATPlus:
		declared = declared.Add(decimal.New(1, -2))
	case r2VATMinus:
		declared = declared.Sub(decimal.New(1, -2))
	}
	gross := net.Add(declared)
	g.rounding = decimal.Zero
	if g.variant == r2CashRound {
		g.rounding = gross.Mul(decimal.New(20, 0)).Round(0).Div(decimal.New(20, 0)).Sub(gross)
	}
	inv.Totals = invoicesync.Totals{
		LineTotal: net, AllowanceTotal: decimal.Zero, ChargeTotal: decimal.Zero, Net: net, VAT: declared, Gross: gross,
		Prepaid: decimal.Zero, PayableRounding: g.rounding, Payable: gross.Add(g.rounding),
	}
}

// expected is the entry of g by the accounting rule as this test states it,
// independently of the builder: per account number, the amount in EUR,
// debit positive. In the sales orientation (credits positive): the partner
// −(gross + BT-114), one line per (account, VAT code) with its net, one VAT
// line per VAT code, the reverse-charge VAT on the deductible account and
// its opposite on the due account, BT-114 on a rounding line and what is
// left to balance on another. A purchase or a credit note is the mirror.
// In a foreign currency each line is converted on its own (half away from
// zero) and what is left goes to the exchange accounts.
func (g *r2Gen) expected() map[string]decimal.Decimal {
	type pline struct {
		account string // "round" or "exchange": chosen by side
		amt     decimal.Decimal
	}
	var pls []pline
	add := func(account string, amt decimal.Decimal) {
		if !amt.IsZero() {
			pls = append(pls, pline{account, amt})
		}
	}
	sales := g.inv.Direction == invoicesync.Sales
	add(map[bool]string{true: "411000", false: "401000"}[sales], g.inv.Totals.Gross.Add(g.rounding).Neg())
	type group struct{ account, code string }
	var groups []group
	nets := map[group]decimal.Decimal{}
	for _, l := range g.lines {
		k := group{l.account, l.code}
		if _, ok := nets[k]; !ok {
			groups = append(groups, k)
		}
		nets[k] = nets[k].Add(l.net)
	}
	for _, k := range groups {
		add(k.account, nets[k])
	}
	for _, code := range g.codes {
		switch {
		case code == "AI20":
			add("445662", g.vat[code])
			add("445200", g.vat[code].Neg())
		case sales:
			add("445710", g.vat[code])
		default:
			add("445660", g.vat[code])
		}
	}
	add("round", g.rounding)
	residual := decimal.Zero
	for _, p := range pls {
		residual = residual.Add(p.amt)
	}
	add("round", residual.Neg())

	sign := decimal.New(1, 0)
	if !sales {
		sign = sign.Neg()
	}
	if g.inv.Kind == invoicesync.KindCreditNote {
		sign = sign.Neg()
	}
	for i := range pls {
		pls[i].amt = pls[i].amt.Mul(sign)
	}
	if g.inv.Currency != "EUR" {
		sum := decimal.Zero
		for i := range pls {
			pls[i].amt = pls[i].amt.DivRound(g.inv.ExchangeRate, 2)
			sum = sum.Add(pls[i].amt)
		}
		add("exchange", sum.Neg())
	}
	out := map[string]decimal.Decimal{}
	for _, p := range pls {
		acc := p.account
		switch {
		case acc == "round" && p.amt.Sign() > 0:
			acc = "758000"
		case acc == "round":
			acc = "658000"
		case acc == "exchange" && p.amt.Sign() > 0:
			acc = "766000"
		case acc == "exchange":
			acc = "666000"
		}
		if !p.amt.IsZero() {
			out[acc] = out[acc].Sub(p.amt) // credits positive → debit positive
		}
	}
	return r2DropZeros(out)
}

// r2LogMix logs how many invoices of each kind, variant and currency there are.
func r2LogMix(t *testing.T, gens []r2Gen) {
	t.Helper()
	kinds, variants, currencies := map[string]int{}, map[string]int{}, map[string]int{}
	for _, g := range gens {
		kinds[string(g.kind)+map[bool]string{true: " (credit note)", false: ""}[g.inv.Kind == invoicesync.KindCreditNote]]++
		if g.variant != r2Plain {
			variants[g.variant]++
		}
		currencies[g.inv.Currency]++
	}
	var b strings.Builder
	for _, m := range []map[string]int{kinds, variants, currencies} {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "\n  %3d %s", m[k], k)
		}
	}
	t.Logf("the 200 invoices:%s", b.String())
}

// r2AssertFigures checks totals derived from the invoices alone, without the
// builder or the model, against the built entries' sums (sums: debit
// positive, by account name), and pins them: the generation is
// deterministic, so these are the exact figures of the 200 invoices.
func r2AssertFigures(t *testing.T, gens []r2Gen, built []*invoicesync.Entry, names map[string]string, sums map[string]decimal.Decimal) {
	t.Helper()
	// Sums of debits and of credits per account number, over the built entries.
	debit, credit := map[string]decimal.Decimal{}, map[string]decimal.Decimal{}
	lines, rounding := 0, 0
	for _, e := range built {
		for _, l := range e.Lines {
			debit[l.Account] = debit[l.Account].Add(l.Debit)
			credit[l.Account] = credit[l.Account].Add(l.Credit)
			lines++
			if l.Kind == invoicesync.KindRounding {
				rounding++
			}
		}
	}
	// The same from the invoices: the customers' account is debited with
	// the payable amount (BT-115) of each sales invoice, converted at the
	// invoice's rate when it is foreign, and credited with that of each
	// credit note; the suppliers' account the other way round. VAT collected
	// and deductible are each invoice's VAT per rate, converted; the
	// reverse-charge VAT is 20 % of the AE base, due and deductible alike.
	var custDebit, custCredit, suppCredit, suppDebit, collected, deductible, rcVAT decimal.Decimal
	roundingInvoices := 0
	for _, g := range gens {
		conv := func(d decimal.Decimal) decimal.Decimal {
			if g.inv.Currency == "EUR" {
				return d
			}
			return d.DivRound(g.inv.ExchangeRate, 2)
		}
		isCredit := g.inv.Kind == invoicesync.KindCreditNote
		sign := decimal.New(1, 0)
		if isCredit {
			sign = sign.Neg()
		}
		payable := conv(g.inv.Totals.Payable)
		switch {
		case g.inv.Direction == invoicesync.Sales && !isCredit:
			custDebit = custDebit.Add(payable)
		case g.inv.Direction == invoicesync.Sales:
			custCredit = custCredit.Add(payable)
		case !isCredit:
			suppCredit = suppCredit.Add(payable)
		default:
			suppDebit = suppDebit.Add(payable)
		}
		for code, v := range g.vat {
			switch {
			case code == "AI20":
				rcVAT = rcVAT.Add(sign.Mul(v))
			case g.inv.Direction == invoicesync.Sales:
				collected = collected.Add(sign.Mul(conv(v)))
			default:
				deductible = deductible.Add(sign.Mul(conv(v)))
			}
		}
		if g.variant == r2VATPlus || g.variant == r2VATMinus || g.variant == r2CashRound {
			roundingInvoices++
		}
	}
	figures := []struct {
		what      string
		got, want decimal.Decimal
		pinned    string
	}{
		{"411000 debits: sales invoices' payable", debit["411000"], custDebit, "1821828.98"},
		{"411000 credits: sales credit notes' payable", credit["411000"], custCredit, "354401.19"},
		{"401000 credits: purchase invoices' payable", credit["401000"], suppCredit, "1412343.34"},
		{"401000 debits: purchase credit notes' payable", debit["401000"], suppDebit, "222685.56"},
		{"445710 balance: VAT collected (credit)", sums[names["445710"]].Neg(), collected, "150727.62"},
		{"445660 balance: VAT deductible (debit)", sums[names["445660"]], deductible, "92823.02"},
		{"445200 balance: reverse-charge VAT due (credit)", sums[names["445200"]].Neg(), rcVAT, "62388.41"},
		{"445662 balance: reverse-charge VAT deductible", sums[names["445662"]], rcVAT, "62388.41"},
	}
	for _, f := range figures {
		assert.True(t, f.got.Equal(f.want), "%s: built %s, from the invoices %s", f.what, f.got.StringFixed(2), f.want.StringFixed(2))
		assert.True(t, f.got.Equal(r2Dec(f.pinned)), "%s: built %s, pinned %s", f.what, f.got.StringFixed(2), f.pinned)
		t.Logf("%-48s %12s", f.what, f.got.StringFixed(2))
	}
	assert.Equal(t, roundingInvoices, rounding, "one rounding line per invoice with a rounding variant")
	assert.Equal(t, 37, rounding, "rounding lines")
	assert.Equal(t, 927, lines, "entry lines")
	for acc, pinned := range map[string]string{"658000": "0.20", "758000": "-0.20", "666000": "0.02", "766000": "-0.05"} {
		assert.True(t, sums[names[acc]].Equal(r2Dec(pinned)), "%s: built %s, pinned %s", acc, sums[names[acc]].StringFixed(2), pinned)
	}
	t.Logf("%d entry lines, %d rounding lines; balances 658000 %s, 758000 %s, 666000 %s, 766000 %s", lines, rounding,
		sums[names["658000"]].StringFixed(2), sums[names["758000"]].StringFixed(2), sums[names["666000"]].StringFixed(2), sums[names["766000"]].StringFixed(2))
}
