package invoicesync_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
	"github.com/invoicesync/invoicesync/matching"
)

// matchParty is one of the twelve parties of the matching scenario, with
// the ledger partner it must end up with ("" for one to create, "?" for the
// ambiguous one).
type matchParty struct {
	party invoicesync.Party
	want  string
	rule  matching.Rule
}

// matchScenario fills the ledger with partners known under other spellings
// and returns the twelve parties. The French VAT numbers' keys are computed
// from their SIREN; DE136695976 passes the German check.
func matchScenario(h *harness) []matchParty {
	add := func(p invoicesync.Partner) string { return h.ledger.AddPartner(p).ID }
	sg := add(invoicesync.Partner{Role: invoicesync.Customer, Name: "Société Générale S.A.", VATNumber: "FR27552120222"})
	dupont := add(invoicesync.Partner{Role: invoicesync.Customer, Name: "Boulangerie Dupont", AuxiliaryAccount: "411DUPONT"})
	brioche := add(invoicesync.Partner{Role: invoicesync.Customer, Name: "Brioche Dorée SAS", RegistrationID: "73282932000074", RegistrationScheme: "0009", Country: "FR"})
	flore := add(invoicesync.Partner{Role: invoicesync.Customer, Name: "Café de Flore"})
	add(invoicesync.Partner{Role: invoicesync.Customer, Name: "Martin"})
	add(invoicesync.Partner{Role: invoicesync.Customer, Name: "MARTIN SARL"})
	add(invoicesync.Partner{Role: invoicesync.Customer, Name: "Alpha Beta SARL"})
	add(invoicesync.Partner{Role: invoicesync.Customer, Name: "Lambda SAS", VATNumber: "FR40303265045"})
	hansa := add(invoicesync.Partner{Role: invoicesync.Supplier, Name: "HANSA", VATNumber: "DE136695976"})

	customer := func(id, name string, mod func(*invoicesync.Party)) invoicesync.Party {
		p := invoicesync.Party{SourceID: id, Name: name, Country: "FR"}
		if mod != nil {
			mod(&p)
		}
		return p
	}
	return []matchParty{
		{customer("c1", "SOCIETE GENERALE", func(p *invoicesync.Party) { p.VATNumber = "fr 27 552 120 222" }), sg, matching.RuleVATNumber},
		{customer("c2", "Dupont Boulangerie SARL", func(p *invoicesync.Party) { p.AuxiliaryAccount = "411 dupont" }), dupont, matching.RuleAuxiliaryAccount},
		{customer("c3", "BRIOCHE DOREE", func(p *invoicesync.Party) { p.RegistrationID = "732 829 320 00074" }), brioche, matching.RuleRegistrationID},
		{customer("c4", "CAFE DE FLORE SARL", nil), flore, matching.RuleName},
		{customer("c5", "Alpha SARL", nil), "", ""},
		// Same name as a ledger partner, another VAT number: another company.
		{customer("c6", "Lambda", func(p *invoicesync.Party) { p.VATNumber = "FR44732829320" }), "", ""},
		// An invalid VAT number (wrong key) is not compared, nor copied.
		{customer("c7", "Omega Conseil", func(p *invoicesync.Party) { p.VATNumber = "FR41303265045" }), "", ""},
		{customer("c8", "Kappa", func(p *invoicesync.Party) { p.AuxiliaryAccount = "411KAPPA" }), "", ""},
		{customer("c9", "Sigma Études", nil), "", ""},
		{customer("c10", "Delta EURL", nil), "", ""},
		{invoicesync.Party{SourceID: "s1", Name: "Hansa GmbH", VATNumber: "136.695.976", Country: "DE"}, hansa, matching.RuleVATNumber},
		{customer("c12", "Martin S.A.R.L.", nil), "?", matching.RuleName},
	}
}

// matchInvoice is invoice n of party p: a sale, or a purchase from s1.
func matchInvoice(n int, p matchParty) invoicesync.Invoice {
	id := fmt.Sprintf("inv-%02d", n)
	var inv invoicesync.Invoice
	if p.party.SourceID == "s1" {
		inv = purchase(id, "X")
	} else {
		inv = sale(id, 1+n%3, "X")
	}
	party := p.party
	inv.Party = &party
	return inv
}

func TestMatchingEndToEnd(t *testing.T) {
	h := newHarness(t)
	h.cfg.Concurrency = 8
	parties := matchScenario(h)
	before := len(h.ledger.Partners(""))
	partyOf := map[string]matchParty{}
	for n := range 30 {
		p := parties[n%len(parties)]
		inv := matchInvoice(n, p)
		partyOf[inv.ID] = p
		h.source.Put(inv)
	}

	rep := h.run()
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 28, invoicesync.StateError: 2}, rep.Statuses)
	assert.Equal(t, map[invoicesync.ErrorCode]int{invoicesync.CodePartnerAmbiguous: 2}, rep.Codes)
	assert.Equal(t, 6, h.ledger.Calls(memory.CreatePartner), "exactly the six missing customers")
	assert.Equal(t, before+6, len(h.ledger.Partners("")))
	assert.Equal(t, 2, h.ledger.Calls(memory.ListPartners), "customers and suppliers listed once each")
	assert.Equal(t, 0, h.ledger.Calls(memory.FindPartners))

	partnerOf := map[string]string{} // party source id → ledger partner id
	var synced []string
	for _, o := range rep.Outcomes {
		p := partyOf[o.InvoiceID]
		require.NotNil(t, o.PartnerDecision, o.InvoiceID)
		d := o.PartnerDecision
		switch p.want {
		case "?":
			assert.Equal(t, invoicesync.StateError, o.Status)
			assert.Equal(t, invoicesync.PartnerAmbiguous, d.Action)
			assert.Equal(t, []string{"P5", "P6"}, refIDs(d.Candidates))
			assert.Contains(t, o.Message, "2 ledger customers have the name martin (Martin (P5), MARTIN SARL (P6)): which one is meant cannot be decided")
			continue
		case "":
			// Created in this run, or matched to the partner created for
			// the party's earlier invoice in the same run (never both
			// created twice).
			assert.Contains(t, []invoicesync.PartnerAction{invoicesync.PartnerCreated, invoicesync.PartnerMatched, invoicesync.PartnerLinked}, d.Action, o.InvoiceID)
		default:
			assert.Contains(t, []invoicesync.PartnerAction{invoicesync.PartnerMatched, invoicesync.PartnerLinked}, d.Action, o.InvoiceID)
			assert.Equal(t, p.want, d.Partner.ID, o.InvoiceID)
			if d.Action == invoicesync.PartnerMatched {
				assert.Equal(t, p.rule, d.Rule, o.InvoiceID)
			}
		}
		require.Equal(t, invoicesync.StateSynchronized, o.Status, o.InvoiceID)
		synced = append(synced, o.InvoiceID)
		if prev, ok := partnerOf[p.party.SourceID]; ok {
			assert.Equal(t, prev, d.Partner.ID, "one partner per party")
		}
		partnerOf[p.party.SourceID] = d.Partner.ID
		se, ok := h.ledger.Entry(o.Key)
		require.True(t, ok, o.InvoiceID)
		assert.Equal(t, d.Partner.ID, se.Entry.Partner.ID, o.InvoiceID)
	}
	h.requireExactlyOnce(synced...)

	// The created partners carry the parties' normalised identifiers; an
	// invalid VAT number is left out.
	created := map[string]invoicesync.Partner{}
	for _, p := range h.ledger.Partners(invoicesync.Customer)[8:] {
		created[p.Name] = p
	}
	assert.Len(t, created, 6)
	assert.Equal(t, "FR44732829320", created["Lambda"].VATNumber)
	assert.Equal(t, "", created["Omega Conseil"].VATNumber)
	assert.Equal(t, "411KAPPA", created["Kappa"].AuxiliaryAccount)
	for _, name := range []string{"Alpha SARL", "Sigma Études", "Delta EURL"} {
		assert.Contains(t, created, name)
	}

	// The explanations name the rule and the values compared.
	byInvoice := func(id string) invoicesync.Outcome { o, _ := rep.Outcome(id); return o }
	assert.Equal(t, "customer CAFE DE FLORE SARL matched ledger customer Café de Flore ("+parties[3].want+") by name cafe de flore", firstMatch(rep, "c4", partyOf).Partner)
	omega := byInvoice("inv-06").PartnerDecision
	assert.Equal(t, invoicesync.PartnerCreated, omega.Action)
	assert.Equal(t, []string{`VAT number "FR41303265045": check key does not match the SIREN (expected 40)`}, omega.Invalid)
	lambda := byInvoice("inv-05").PartnerDecision
	assert.Equal(t, invoicesync.PartnerCreated, lambda.Action)
	assert.Contains(t, lambda.Explanation, "name lambda not found (Lambda SAS (P8) set aside: its VAT number FR40303265045 is not FR44732829320)")

	// A second run, with one more invoice per party: nothing created, each
	// party linked, the ambiguous party still in error.
	h.ledger.ResetCalls()
	for i, p := range parties {
		h.source.Put(matchInvoice(30+i, p))
		partyOf[fmt.Sprintf("inv-%02d", 30+i)] = p
	}
	rep = h.run()
	assert.Equal(t, 0, h.ledger.Calls(memory.CreatePartner))
	assert.Equal(t, map[invoicesync.SyncStatus]int{invoicesync.StateSynchronized: 11, invoicesync.StateError: 1}, rep.Statuses,
		"the ambiguous party's new invoice in error (its two earlier ones wait for someone to act, not for a run)")
	for _, o := range rep.Outcomes {
		p := partyOf[o.InvoiceID]
		if p.want == "?" {
			assert.Equal(t, invoicesync.CodePartnerAmbiguous, o.Code)
			continue
		}
		assert.Equal(t, invoicesync.PartnerLinked, o.PartnerDecision.Action, o.InvoiceID)
		assert.Equal(t, partnerOf[p.party.SourceID], o.PartnerDecision.Partner.ID, o.InvoiceID)
	}
}

// firstMatch returns the outcome of an invoice of the party whose decision
// is a match (not a link).
func firstMatch(rep *invoicesync.Report, party string, partyOf map[string]matchParty) invoicesync.Outcome {
	for _, o := range rep.Outcomes {
		if partyOf[o.InvoiceID].party.SourceID == party && o.PartnerDecision != nil && o.PartnerDecision.Action == invoicesync.PartnerMatched {
			return o
		}
	}
	return invoicesync.Outcome{}
}

func refIDs(refs []invoicesync.PartnerRef) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.ID
	}
	return out
}

func TestMatchingPreviewExplainsAndWritesNothing(t *testing.T) {
	h := newHarness(t)
	parties := matchScenario(h)
	for n, p := range parties {
		h.source.Put(matchInvoice(n, p))
	}
	before := len(h.ledger.Partners(""))
	previews, err := h.syncer().Preview(context.Background())
	require.NoError(t, err)
	require.Len(t, previews, 12)
	assert.Equal(t, 0, h.ledger.Calls(memory.CreatePartner))
	assert.Equal(t, before, len(h.ledger.Partners("")))

	actions := map[invoicesync.PartnerAction]int{}
	for _, p := range previews {
		require.NotNil(t, p.PartnerDecision, p.InvoiceID)
		actions[p.PartnerDecision.Action]++
		require.NotEmpty(t, p.Explanation, p.InvoiceID)
		assert.Equal(t, p.PartnerDecision.Explanation, p.Explanation[0], p.InvoiceID)
	}
	assert.Equal(t, map[invoicesync.PartnerAction]int{
		invoicesync.PartnerMatched: 5, invoicesync.PartnerToCreate: 6, invoicesync.PartnerAmbiguous: 1,
	}, actions)
	assert.Equal(t, "customer Alpha SARL matches no ledger customer (auxiliary account not given; VAT number not given; "+
		"registration id not given; name alpha not found): it would be created", previews[4].Partner)
}

// listless hides the memory ledger's PartnerLister: the Syncer searches
// rule by rule with FindPartners.
type listless struct{ invoicesync.LedgerTarget }

func TestMatchingWithoutListingSearchesByRule(t *testing.T) {
	h := newHarness(t)
	h.mapping.SyncWithoutAttachment = true
	known := h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Known SAS", VATNumber: "FR27552120222"})
	h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Twin 1", AuxiliaryAccount: "411TWIN"})
	h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Twin 2", AuxiliaryAccount: "411TWIN"})

	a := sale("inv-01", 1, "X")
	a.Party = &invoicesync.Party{SourceID: "k", Name: "KNOWN", VATNumber: "FR 27 552 120 222"}
	b := sale("inv-02", 1, "TWIN")
	c := sale("inv-03", 1, "NEW")
	// Two contacts of the invoicing tool with one VAT number: one partner.
	d := sale("inv-04", 1, "X")
	d.Party = &invoicesync.Party{SourceID: "n1", Name: "Nouveau", VATNumber: "FR44732829320"}
	e := sale("inv-05", 1, "X")
	e.Party = &invoicesync.Party{SourceID: "n2", Name: "Nouveau (doublon)", VATNumber: "FR 44 732829320"}
	h.putAll(a, b, c, d, e)

	s, err := invoicesync.NewSyncer(h.source, listless{h.ledger}, h.mapping, h.store, h.cfg)
	require.NoError(t, err)
	rep, err := s.Run(context.Background())
	require.NoError(t, err)
	o, _ := rep.Outcome("inv-01")
	assert.Equal(t, known.ID, o.PartnerDecision.Partner.ID)
	assert.Equal(t, `customer KNOWN matched ledger customer Known SAS (`+known.ID+`) by VAT number FR27552120222`, o.Partner)
	o, _ = rep.Outcome("inv-02")
	assert.Equal(t, invoicesync.CodePartnerAmbiguous, o.Code)
	o, _ = rep.Outcome("inv-03")
	assert.Equal(t, invoicesync.PartnerCreated, o.PartnerDecision.Action)
	o4, _ := rep.Outcome("inv-04")
	o5, _ := rep.Outcome("inv-05")
	assert.Equal(t, o4.PartnerDecision.Partner.ID, o5.PartnerDecision.Partner.ID)
	assert.Equal(t, 0, h.ledger.Calls(memory.ListPartners))
	assert.Equal(t, 2, h.ledger.Calls(memory.CreatePartner), "NEW, and Nouveau once")
	h.requireExactlyOnce("inv-01", "inv-03", "inv-04", "inv-05")
}

func TestPartiesSharingAVATNumberGetOnePartnerUnderConcurrency(t *testing.T) {
	for round := range 20 {
		h := newHarness(t)
		h.cfg.Concurrency = 8
		h.ledger.SetLatency(memory.CreatePartner, time.Millisecond) // a window for a second creation
		var invs []invoicesync.Invoice
		for i := range 16 {
			inv := sale(fmt.Sprintf("inv-%02d", i), 1, "X")
			inv.Party = &invoicesync.Party{SourceID: fmt.Sprintf("dup-%d", i%4), Name: fmt.Sprintf("Copy %d", i%4), VATNumber: "FR44732829320"}
			invs = append(invs, inv)
		}
		h.putAll(invs...)
		rep := h.run()
		require.Equal(t, 16, rep.Statuses[invoicesync.StateSynchronized], "round %d", round)
		require.Equal(t, 1, h.ledger.Calls(memory.CreatePartner), "round %d", round)
	}
}

func TestMatchRulesConfigured(t *testing.T) {
	h := newHarness(t)
	h.cfg.MatchRules = []matching.Rule{matching.RuleName, matching.RuleAuxiliaryAccount}
	byName := h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "ACME"})
	h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Other", AuxiliaryAccount: "411ACME"})
	h.source.Put(sale("inv-01", 1, "ACME")) // ACME SARL, customer number 411ACME
	rep := h.run()
	o, _ := rep.Outcome("inv-01")
	assert.Equal(t, byName.ID, o.PartnerDecision.Partner.ID, "the name rule comes first")
	assert.Equal(t, matching.RuleName, o.PartnerDecision.Rule)

	h = newHarness(t)
	h.cfg.MatchRules = []matching.Rule{matching.RuleVATNumber}
	h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "ACME SARL"})
	h.source.Put(sale("inv-01", 1, "ACME"))
	rep = h.run()
	o, _ = rep.Outcome("inv-01")
	assert.Equal(t, invoicesync.PartnerCreated, o.PartnerDecision.Action, "names are not compared")
	assert.Equal(t, "customer ACME SARL matches no ledger customer (VAT number not given): created ACME SARL (P2)", o.Partner)
}

// A party whose name normalises to nothing ("---") neither matches nor
// creates a partner: it is refused, on every run, and the ledger gains no
// partner named "---".
func TestPartyNameWithoutLetters(t *testing.T) {
	h := newHarness(t)
	inv := purchase("inv-01", "SUP1")
	inv.Party = &invoicesync.Party{SourceID: "S-dash", Name: "---", Country: "DE"}
	h.putAll(inv)
	for run := 1; run <= 2; run++ {
		rep := h.run()
		o, _ := rep.Outcome("inv-01")
		require.Equal(t, invoicesync.CodePartnerValidation, o.Code, "run %d", run)
		var se *invoicesync.SyncError
		require.ErrorAs(t, o.Err, &se)
		assert.Equal(t, "Party.Name", se.Field)
		assert.Equal(t, "---", se.Value)
		assert.Equal(t, `the invoice's supplier is named "---", which has no letter or digit: it can neither match a ledger supplier nor name a new one`, se.Message)
		assert.Empty(t, h.ledger.Partners(invoicesync.Supplier), "run %d", run)
		h.putAll(inv) // listed again
	}
	assert.Empty(t, h.ledger.Entries())
}
