// Package tripletex is a LedgerTarget over the Tripletex API v2, the
// Norwegian accounting system: entries become vouchers with postings,
// partners become customers and suppliers.
//
// # Connecting
//
// Tripletex authenticates an integration with two long-lived tokens: the
// consumer token (the integration's, issued by Tripletex) and the employee
// token (the user's, created in Tripletex under API access). New exchanges
// them for a session token (PUT /token/session/:create) and sends it as the
// password of HTTP basic authentication (user name "0": the employee's own
// company). A session is renewed when it expires or when Tripletex answers
// 401, and is kept in Options.TokenStore when one is given. Retries, rate
// limits and redaction come from connector/httpx.
//
// # The chart
//
//   - Accounts are /ledger/account, by number; isInactive accounts are
//     listed inactive.
//   - VAT codes are /ledger/vatType, by number ("3" is 25 % output VAT). Tripletex
//     posts the VAT of a posting itself, on the VAT account configured in
//     the company, which the API does not expose: Options.VATAccounts says
//     which account that is for each VAT type with a rate. A VAT type with a
//     rate and no known account is listed inactive: entries cannot use it.
//   - Journals are voucher types (/ledger/voucherType), by name. "Utgående
//     faktura" (outgoing invoice) is left out: Tripletex refuses it on new
//     vouchers.
//
// # Vouchers
//
// PostEntry sends one voucher (POST /ledger/voucher) whose
// externalVoucherNumber is the entry's idempotency key, after looking the
// key up (see Exactly once below). A draft is posted with
// sendToLedger=false: Tripletex keeps it in its non-posted list until
// someone sends it to the ledger.
//
// Tripletex uses only gross amounts and computes the VAT of every posting
// that has a VAT type with a rate: VAT = gross × rate / (100 + rate),
// rounded to øre, posted by the system on the VAT account (row 0). An
// entry's lines are therefore sent this way:
//
//   - a line without VAT code, or with a zero-rate code: one posting,
//     amountGross = the line's amount (positive for a debit, negative for a
//     credit), row = the line's position;
//   - a revenue or expense line with a VAT code of rate r: one posting with
//     that VAT type whose gross is chosen so that Tripletex's net is
//     exactly the line's amount; Tripletex adds the VAT posting;
//   - the entry's VAT lines (Kind vat) are not sent: Tripletex writes them.
//     When the VAT the entry carries for a code (computed on the invoice's
//     total, or declared by it) differs from the sum Tripletex computes per
//     posting, one more posting of the difference, without VAT type, goes
//     to the VAT account, after the entry's lines, so that every account
//     holds exactly the entry's figures.
//
// Every posting carries the line's label as its description and the
// invoice number; the partner line carries the customer or supplier and
// the due date (termOfPayment). [Ledger.Voucher] reads a voucher back as an
// entry: the postings in row order, Tripletex's VAT postings gathered into
// one VAT line per VAT type (labelled with the type's name) in the rows the
// entry's VAT lines held.
//
// # Exactly once
//
// The Tripletex API v2 has no idempotency key for POST /ledger/voucher: the
// endpoint takes the voucher and sendToLedger, and no Idempotency-Key
// header; externalVoucherNumber is an optional free field, given no
// uniqueness (its search answers a list), that does not stop a second
// voucher with the same number. The adapter
// therefore relies on a lookup: before each POST it searches the key
// (GET /ledger/voucher/>externalVoucherNumber, which sees non-posted
// vouchers too) and returns the voucher found instead of posting a second
// one; the lookup and the POST of one key are serialised within the
// process (two processes posting one key at once are not: run one Syncer
// per company). The HTTP client sends a voucher POST again only when the
// first was certainly not processed — a 429, a 401 (after renewing the
// session), a connection that could not be opened — and a POST without an
// answer is not reported temporary: the Syncer asks FindEntry before
// posting again.
//
// A lookup sees only what Tripletex has committed. A POST the client gave
// up on — its timeout, a crash, a lost connection — may still be committed
// afterwards, and until then neither FindEntry nor PostEntry's own lookup
// can see it. The Ledger is therefore a CommitWindower: for CommitWindow
// after a posting began, a voucher FindEntry does not find may still
// appear, and the Syncer leaves the invoice pending instead of posting it
// again. Options.CommitWindow sets the window; by default it is the HTTP
// client's timeout plus CommitMargin (5 minutes): 6 minutes with the
// default 60 s timeout. A client without a timeout waits as long as the
// caller's context allows: give the window explicitly then. Time spent
// before the POST — the lookup's retries, waiting out a 429's Retry-After —
// delays the POST within the window: a company that is often rate-limited
// needs a longer one. A negative CommitWindow trusts the lookup at once,
// which posts a late-committed voucher twice.
//
// Not supported: reverse-charge VAT lines (ErrNotSupported; Tripletex's
// reverse-charge VAT types post both sides themselves), and amounts in a
// currency other than the company's (the entry is converted by the Builder
// before it reaches the ledger, so postings are in the company currency).
//
// # Partners
//
// Customers and suppliers are /customer and /supplier. Their number
// (customerNumber, supplierNumber) is the auxiliary account: Tripletex
// numbers are integers, so a non-numeric one cannot be stored or searched
// (FindPartners says ErrNotSupported for it, and CreatePartner lets
// Tripletex number the partner). The registration id is the organization
// number. Tripletex has no VAT number field: searching by VAT number is
// ErrNotSupported. FindPartners reads the role's partners page by page and
// compares in memory (PartnerQuery.Matcher).
//
// # Attachments
//
// Attach uploads a document to the voucher (POST
// /ledger/voucher/{id}/attachment). Tripletex accepts PDF, PNG, JPEG and
// TIFF (other types: ErrNotSupported) and appends a further file to the
// voucher's one attachment as new pages: Attach skips a file whose name is
// the attachment's, but cannot see the names of files appended after the
// first.
package tripletex
