package invoicesync_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/memory"
)

func TestImportPartnersTwiceCreatesNothingTheSecondTime(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	// The ledger: five customers and a supplier.
	dupont := h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Dupont SARL", AuxiliaryAccount: "411DUPONT", Email: "compta@dupont.example"})
	sg := h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Société Générale S.A.", VATNumber: "FR27552120222", AuxiliaryAccount: "411SG"})
	twin := h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Twin", AuxiliaryAccount: "411TWIN"})
	newCo := h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Nouvelle Société", AuxiliaryAccount: "411NEW",
		VATNumber: "FR44732829320", Country: "FR", Address: invoicesync.Address{Lines: []string{"1 rue de la Paix"}, City: "Paris"}})
	linked := h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Acme Corporation France", AuxiliaryAccount: "411ACME"})
	sup := h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Supplier, Name: "Hansa GmbH", VATNumber: "DE136695976", AuxiliaryAccount: "401HANSA"})

	// The invoicing tool: Dupont under its customer number, Société Générale
	// by its VAT number, two contacts with Twin's number, and ACME linked to
	// the ledger's Acme by an earlier synchronization under another name.
	h.source.PutContact("K-DUP", invoicesync.Party{Name: "Boulangerie Dupont", AuxiliaryAccount: "411 dupont"})
	h.source.PutContact("K-SG", invoicesync.Party{Name: "SG", VATNumber: "FR 27 552 120 222"})
	h.source.PutContact("K-T1", invoicesync.Party{Name: "Twin One", AuxiliaryAccount: "411TWIN"})
	h.source.PutContact("K-T2", invoicesync.Party{Name: "Twin Two", AuxiliaryAccount: "411TWIN"})
	h.source.PutContact("K-ACME", invoicesync.Party{Name: "ACME"})
	require.NoError(t, h.store.SetPartnerLink(ctx, invoicesync.Customer, "K-ACME", linked))

	s := h.syncer()
	rep, err := s.ImportPartners(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Created, "Nouvelle Société and the supplier Hansa")
	assert.Equal(t, 3, rep.Matched, "Dupont, Société Générale, Acme")
	assert.Equal(t, 1, rep.Ambiguous, "Twin")
	require.Len(t, rep.Items, 6)

	items := map[string]invoicesync.ImportItem{}
	for _, it := range rep.Items {
		items[it.Partner.ID] = it
	}
	assert.Equal(t, invoicesync.ImportItem{Role: invoicesync.Customer, Partner: dupont, Action: invoicesync.PartnerMatched, Contact: "K-DUP",
		Explanation: "ledger customer Dupont SARL (P1) matched contact Boulangerie Dupont (K-DUP) by auxiliary account 411DUPONT"}, items[dupont.ID])
	assert.Equal(t, "ledger customer Société Générale S.A. (P2) matched contact SG (K-SG) by VAT number FR27552120222", items[sg.ID].Explanation)
	assert.Equal(t, []string{"K-T1", "K-T2"}, items[twin.ID].Candidates)
	assert.Equal(t, "ledger customer Twin (P3) matches 2 contacts by auxiliary account 411TWIN: Twin One (K-T1), Twin Two (K-T2); nothing was created or linked",
		items[twin.ID].Explanation)
	assert.Equal(t, invoicesync.PartnerLinked, items[linked.ID].Action)
	assert.Equal(t, "K-ACME", items[linked.ID].Contact)
	assert.Equal(t, invoicesync.PartnerCreated, items[newCo.ID].Action)
	assert.Equal(t, invoicesync.PartnerCreated, items[sup.ID].Action)

	// The created contacts carry the partner's number and identifiers.
	created, err := h.source.Contact(ctx, items[newCo.ID].Contact)
	require.NoError(t, err)
	assert.Equal(t, invoicesync.Party{SourceID: items[newCo.ID].Contact, Name: "Nouvelle Société", AuxiliaryAccount: "411NEW",
		VATNumber: "FR44732829320", Country: "FR", Address: invoicesync.Address{Lines: []string{"1 rue de la Paix"}, City: "Paris"}}, created)

	// Every match and creation is linked: invoices of those contacts go to
	// those partners without a search or a creation.
	for contact, want := range map[string]invoicesync.PartnerRef{"K-DUP": dupont, "K-SG": sg, items[newCo.ID].Contact: newCo} {
		ref, err := h.store.PartnerLink(ctx, invoicesync.Customer, contact)
		require.NoError(t, err, contact)
		assert.Equal(t, want.ID, ref.ID, contact)
	}
	supRef, err := h.store.PartnerLink(ctx, invoicesync.Supplier, items[sup.ID].Contact)
	require.NoError(t, err)
	assert.Equal(t, sup.ID, supRef.ID)

	// The second import creates nothing.
	h.source.ResetCalls()
	rep2, err := s.ImportPartners(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, rep2.Created)
	assert.Equal(t, 5, rep2.Matched)
	assert.Equal(t, 1, rep2.Ambiguous)
	assert.Equal(t, 0, h.source.Calls(memory.CreateContact))

	// An invoice of a created contact is posted to its partner.
	inv := sale("inv-01", 1, "X")
	inv.Party = &created
	h.source.Put(inv)
	h.ledger.ResetCalls()
	runRep := h.run()
	o, _ := runRep.Outcome("inv-01")
	assert.Equal(t, invoicesync.PartnerLinked, o.PartnerDecision.Action)
	assert.Equal(t, newCo.ID, o.PartnerDecision.Partner.ID)
	assert.Equal(t, 0, h.ledger.Calls(memory.CreatePartner))
	h.requireExactlyOnce("inv-01")
}

func TestImportPartnersOneRoleAndUnsupported(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "C"})
	h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Supplier, Name: "S"})
	rep, err := h.syncer().ImportPartners(ctx, invoicesync.Supplier)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Created)
	assert.Equal(t, invoicesync.Supplier, rep.Items[0].Role)

	_, err = h.syncer().ImportPartners(ctx, "prospect")
	assert.EqualError(t, err, `invoicesync: ImportPartners: unknown role "prospect"`)

	s, err := invoicesync.NewSyncer(h.source, listless{h.ledger}, h.mapping, h.store, h.cfg)
	require.NoError(t, err)
	_, err = s.ImportPartners(ctx)
	assert.ErrorIs(t, err, invoicesync.ErrNotSupported)

	s, err = invoicesync.NewSyncer(struct{ invoicesync.InvoiceSource }{h.source}, h.ledger, h.mapping, h.store, h.cfg)
	require.NoError(t, err)
	_, err = s.ImportPartners(ctx)
	assert.ErrorIs(t, err, invoicesync.ErrNotSupported)
}

func TestImportPartnersLostCreationIsNotRepeated(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.ledger.AddPartner(invoicesync.Partner{Role: invoicesync.Customer, Name: "Lost Response SAS", AuxiliaryAccount: "411LOST"})
	// The tool creates the contact but its answer is lost: the import fails.
	h.source.Inject(memory.Fault{Method: memory.CreateContact, Call: 1, Kind: memory.FaultLoseResponse})
	rep, err := h.syncer().ImportPartners(ctx, invoicesync.Customer)
	require.Error(t, err)
	assert.Equal(t, 0, rep.Created)
	// The next import finds the contact by its customer number.
	rep, err = h.syncer().ImportPartners(ctx, invoicesync.Customer)
	require.NoError(t, err)
	assert.Equal(t, 0, rep.Created)
	assert.Equal(t, 1, rep.Matched)
	assert.Equal(t, 1, h.source.Calls(memory.CreateContact))
	contacts, err := h.source.Contacts(ctx, invoicesync.Customer)
	require.NoError(t, err)
	assert.Len(t, contacts, 1)
}
