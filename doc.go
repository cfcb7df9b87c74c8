// Package invoicesync posts invoices from invoicing software into accounting
// software, correctly: every invoice becomes one balanced double-entry
// accounting entry, computed with exact decimals, mapped through a
// per-customer Mapping onto the ledger's accounts, VAT codes and journals,
// and every failure is a typed ERROR_SYNC_INVOICE_* error a person can act on.
//
// The root package is the portable API: the invoice model (Invoice, Line,
// Party, Totals), the contracts (InvoiceSource, LedgerTarget, StateStore),
// the Mapping, the errors, the entry builder and the Syncer. Leaf packages hold the pieces
// that know nothing of invoices: rounding (policies, currency minor units,
// distribution by largest remainder) and labels (entry line labels).
// Adapters for real sources and ledgers live under connector/.
//
// The shortest complete use of the builder: fetch the ledger's chart once,
// then build an entry per invoice. Building does no I/O.
//
//	chart := invoicesync.NewChart(accounts, vatCodes, journals) // or LoadChart(ctx, target)
//	mapping := &invoicesync.Mapping{
//		SalesVAT: []invoicesync.VATRule{{Category: "S", Rate: decimal.NewNullDecimal(decimal.NewFromInt(20)), Code: "V20"}},
//		Journals: invoicesync.JournalMapping{Sales: "VT"},
//		Accounts: invoicesync.Accounts{SalesDefault: "706", CustomerCollective: "411", CreditRounding: "758", DebitRounding: "658"},
//	}
//	if err := mapping.ValidateChart(chart); err != nil { ... } // every problem at once
//	entry, err := invoicesync.BuildEntry(invoice, mapping, chart, partnerRef)
//	if err != nil {
//		fmt.Println(invoicesync.Code(err)) // e.g. ERROR_SYNC_INVOICE_MAPPING_TAX_RATE_NOT_FOUND
//	}
//	// entry.Lines: Dr 411 120.00, Cr 706 100.00, Cr 44571 20.00 — it balances exactly.
//
// # Syncing
//
// A Syncer, made with NewSyncer from a source, a target, a Mapping, a
// StateStore and a Config, synchronizes one source into one ledger:
//
//	report, err := syncer.Run(ctx)                    // what changed since the last run
//	outcome, err := syncer.SyncInvoice(ctx, "inv-42") // "deposit now"
//	previews, err := syncer.Preview(ctx)              // what Run would post; writes nothing
//
// Per invoice it keeps a State (pending, synchronized, error, waiting,
// skipped) and tells the Notifier every outcome. The ledger's chart is read
// once per run, its partners once per role and run (PartnerLister) or
// searched once per party; invoices are streamed.
//
// Customers and suppliers: a party linked to a ledger partner by an earlier
// run keeps it; otherwise package matching compares it with the ledger's
// partners (customer number, VAT number, registration id, name, each
// normalised). One match is linked, none creates the partner, several are
// an ERROR_SYNC_INVOICE_PARTNER_AMBIGUOUS naming them. Outcome.PartnerDecision
// says which and why. ImportPartners copies the ledger's partners into the
// invoicing tool (ContactWriter), creating only the missing ones.
//
// Exactly once: each posting's idempotency key comes from the source, the
// invoice id, its Fingerprint and the invoice's revision (how many of its
// entries the ledger no longer counts, see PostingKey), so that an invoice
// edited back to an earlier version after a reversal is a new posting. The
// Syncer records its intent in the StateStore before PostEntry and, when a
// posting was interrupted (crash, lost response, cancelled run), asks the
// ledger with FindEntry before posting again — not before the target's
// commit window has passed (CommitWindower), since an API may record a
// request after the client stopped waiting. An invoice changed after its
// entry was posted is reported or, with RepostChanges, reversed and posted
// again; one cancelled is reported or, with ReverseCancellations, reversed.
// Verify finds the entries a ledger lost (a restored backup, a deleted
// voucher) and posts them again when asked. One Syncer runs on a store at a
// time: another gets ErrBusy.
//
// # The accounting rule
//
// BuildEntry follows this rule, from the company's point of view (a credit note
// is the mirror image; amounts keep their declared signs, so a credit note with
// negative amounts is the mirror of a mirror):
//  1. The declared totals must agree with each other and with the lines
//     (EN 16931 BT-106 … BT-115) within the rounding tolerance.
//  2. Revenue (sales) or expense (purchase) lines carry the line net amounts,
//     grouped per (account, VAT code) or one per source line. Document
//     allowances and charges are spread over the lines of their VAT category
//     by largest remainder, unless the mapping has discount or charge accounts.
//  3. VAT lines per VAT code: the declared breakdown, else computed per
//     category (or per line). Reverse-charge purchases get two lines, VAT
//     deductible and VAT due.
//  4. The partner line carries the declared gross plus the payable rounding,
//     on the collective account (or the payable amount, with a prepayment
//     account), less the taxes withheld (Spanish IRPF), which go to the
//     accounts the mapping's withholding rules give them.
//  5. A residual within the tolerance goes to the rounding accounts; beyond
//     it, nothing is built.
//  6. Foreign-currency invoices are converted line by line; the conversion
//     residual goes to the exchange (or rounding) accounts.
//  7. A line's account is its own if the ledger has it active, else the first
//     matching account rule's, else the default.
//
// Amounts are integers of minor units inside the builder and
// decimal.Decimal at its edges; no float64 is involved anywhere.
//
// # Errors
//
// Every failure concerning one invoice is a *SyncError with an ErrorCode,
// the invoice, line, field, offending value, expected value and a
// resolution. errors.Is(err, ErrMappingTaxRateNotFound) and Code(err) work
// through any wrapping; Retryable(err) says whether trying again can help.
package invoicesync
