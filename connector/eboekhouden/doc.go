// Package eboekhouden is a LedgerTarget over the REST API (v1) of
// e-Boekhouden, the Dutch online bookkeeping service: entries become
// mutations, partners become relations. It serves, for example, TimeChimp
// invoices posted to e-Boekhouden as sales entries, the customer linked by
// its customer number (the relation code).
//
// # Connecting
//
// e-Boekhouden authenticates an integration with an access token created
// in the administration (Settings, API). New exchanges it for a session
// token (POST /v1/session with the token and Options.Source, 1 to 10
// characters naming the integration) and sends the session token, as is,
// in the Authorization header. The session is renewed when it expires
// (expiresIn seconds) or after one 401, and is kept in Options.TokenStore
// when one is given. The access token and the session tokens never appear
// in logs or errors: connector/httpx redacts them. Retries, rate limits and
// Retry-After come from connector/httpx.
//
// # The chart
//
//   - Accounts are the ledger accounts (GET /v1/ledger, read 2000 per page
//     with limit and offset), by code. The API has no active flag:
//     Options.InactiveAccounts lists the codes to treat as inactive.
//   - VAT codes are e-Boekhouden's fixed list, not an endpoint: for NL
//     HOOG_VERK_21, LAAG_VERK_9, AFW_VERK, VERL_VERK, VERL_VERK_L9,
//     BU_EU_VERK, BI_EU_VERK, BI_EU_VERK_D, AFST_VERK (sales), HOOG_INK_21,
//     LAAG_INK_9, AFW, VERL_INK, VERL_INK_L9, BU_EU_INK, BI_EU_INK
//     (purchases) and GEEN; LAAG_VERK, LAAG_INK and VERL_INK_L (6 %) are
//     listed inactive, as the API stopped accepting them on 2019-01-01;
//     with Options.Country "BE", the Belgian BE_... codes. A sales code with
//     reverse charge has rate 0 (the customer owes the VAT); the purchase
//     codes VERL_INK... are ReverseCharge: e-Boekhouden books both the VAT
//     due and the VAT deductible. The divergent codes AFW_VERK and AFW take
//     the VAT amount from each row; they are listed inactive and used
//     through Options.DivergentCodes, codes of any other rate (a foreign
//     rate, say) posted with them.
//   - e-Boekhouden books VAT on ledgers of VAT categories; a code's Account
//     is the first ledger (by code) of the category AF19 (VAT payable at
//     21 %), AF6 (at 9 % and 6 %), AFOVERIG (other rates, and the VAT due
//     of a reverse charge) or VOOR (deductible VAT), unless
//     Options.VATAccounts names another.
//   - Journals are the mutation types an entry can be: "1" invoice
//     received, "2" invoice sent, "7" memorial; Options.Journals adds codes
//     of one's own for them. The payment types (3 to 6) post payments, not
//     entries.
//
// # Mutations
//
// PostEntry checks the entry with the root package's chart checks
// (Chart.CheckEntry: balance, journal, accounts, VAT codes, reading the
// chart again once when something is missing) and sends one mutation (POST
// /v1/mutation): an invoice sent for a sales entry, an invoice received for
// a purchase, a memorial for an entry without partner line or in journal
// "7". The mutation's description is the entry's label followed by the
// idempotency key in braces; its invoice number is the entry's
// reference; its relation is the entry's partner, its term of payment the
// days to the due date.
//
// An invoice mutation has one ledger of its own, the debtor (category DEB)
// or creditor (CRED) ledger of the partner line, which receives the total
// e-Boekhouden computes from the rows. The rows are sent excluding VAT
// (inExVat "EX"), so that every revenue or expense account receives exactly
// the entry's amount; e-Boekhouden computes each row's VAT, assumed to be
// amount × rate / 100 rounded to cents half away from zero, and books it:
//
//   - a revenue or expense line: one row, its account, VAT code (GEEN when
//     it has none) and amount, positive for a credit on an invoice sent and
//     for a debit on an invoice received (a credit note: negative rows), its
//     label as description;
//   - the entry's VAT lines are not sent; when the VAT the entry carries on
//     an account differs from what e-Boekhouden computes, one more row of
//     the difference, with GEEN, goes to that account, so that every account
//     ends with the entry's exact figures; a divergent code's VAT is sent as
//     each row's vatAmount, the entry's total spread over its rows;
//   - a rounding line, or any other line, is a row with GEEN.
//
// A memorial sends every line as a row, debit positive, the rows balancing;
// its own ledger is the first line's. It cannot carry a VAT code with a
// rate.
//
// e-Boekhouden has no draft mutation: a Draft entry is refused with
// ErrNotSupported (SupportsDrafts is false; turn Mapping.Draft off).
// Mutations cannot be changed or deleted through the API: a corrected
// invoice is posted as a reversing mutation and a new one (the Syncer's
// repost). e-Boekhouden keeps one invoice number per relation and type: when
// the number is taken (MUT_020) by a mutation that is not this key's (a
// reversal, or a repost after one), the number gets the first free suffix
// -2, -3, ... up to -9.
//
// [Ledger.Mutation] reads a mutation back as an entry: the partner line
// first, then the rows in order (difference rows folded into the VAT
// lines), then one VAT line per VAT code and account, labelled with the
// code's name. Two divergent codes of one direction are told apart by the
// rate that gives the row's VAT amount.
//
// # The invoice module
//
// With Options.Mode ModeInvoice, a sales entry becomes an invoice of
// e-Boekhouden's invoice module (POST /v1/invoice, template
// Options.InvoiceTemplate, one item per revenue line, excluding VAT), which
// e-Boekhouden books itself as an invoice-sent mutation carrying the same
// description; the reference returned is that mutation's. The invoice
// number must end with a digit, and an entry whose VAT differs from
// e-Boekhouden's, or that has other lines than partner, revenue and VAT,
// is refused with ErrNotSupported: post it in ModeMutation. The invoice is
// neither printed nor e-mailed.
//
// # Exactly once
//
// The API has no idempotency key. Before each POST, PostEntry looks the key
// up (GET /v1/mutation with description[like] "% {key}") and returns the
// mutation found instead of posting again; the lookup and the POST of one
// key are serialised within the process (run one Syncer per
// administration). httpx sends a POST again only when it certainly was not
// processed (a 429, a 401 after renewing the session, a connection never
// opened); a POST without an answer is not reported temporary, and the
// Syncer asks FindEntry before posting again. A mutation may still be
// committed after the client gave up; the Ledger is therefore a
// CommitWindower: for CommitWindow after a posting began (by default the
// HTTP client's timeout plus CommitMargin), the Syncer leaves an invoice
// pending rather than posting it again. e-Boekhouden's uniqueness of
// invoice numbers per relation is a second guard: when a POST is refused
// because the number is taken (MUT_020, or FACT_101 for an invoice), the
// mutations holding it are read, and the one whose description carries
// the key is returned instead of posting again.
//
// Refusals are classified with the root package's sentinels: an unknown
// ledger (MUT_007, MUT_104) wraps ErrAccountNumberNotFound, a VAT code
// refused (MUT_109 to MUT_111) ErrVATCodeNotFound, a missing relation
// (MUT_012, MUT_013, FACT_001 to FACT_003) ErrPartnerNotFound, an
// unbalanced memorial (MUT_118) ErrUnbalanced, a taken invoice number
// ErrDuplicate, a closed period (MUT_005, SECURITY_007) ErrLedgerFailure.
//
// # Partners
//
// Partners are relations (GET and POST /v1/relation): PartnerRef.ID is the
// relation id, the AuxiliaryAccount its code (the customer number). The
// API gives relations no role: every relation is listed as a customer and
// as a supplier. FindPartners searches the code and the name through the
// API and compares VAT numbers on every relation; relations have no
// registration number field (ErrNotSupported). Relations are read once per
// Ledger and kept.
//
// # Attachments
//
// The API has no attachment endpoint for mutations: the Ledger is not an
// Attacher. Set Mapping.SyncWithoutAttachment, or invoices wait for a PDF
// that is never attached.
//
// # Sources
//
// The API facts come from e-Boekhouden's public OpenAPI description
// (api.e-boekhouden.nl/swagger/v1/swagger.json), as generated into the
// Rust crate eboekhouden (repository NixySoftware/eboekhouden, MIT);
// testdata/SOURCES.md lists them, with what the description leaves open
// and what this package assumes.
package eboekhouden
