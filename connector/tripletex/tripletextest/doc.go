// Package tripletextest runs a local fake of the Tripletex API v2, the
// accounting system's REST API, for the tests of the Tripletex ledger adapter
// and for programs that want to try the adapter without credentials.
//
// NewServer starts the fake on a loopback port; URL returns its base address
// (ending in /v2), the address an adapter would use instead of
// https://tripletex.no/v2. The fake answers the endpoints the adapter uses,
// with the shapes the Tripletex documentation gives them:
//
//   - PUT /token/session/:create creates a session token from the consumer
//     and employee tokens of Options; every other endpoint wants HTTP Basic
//     authentication with a company id ("0") as user name and a live session
//     token as password, and answers 401 otherwise. A session expires at
//     00:00 UTC on its expiration date, by the clock of Options.Now;
//     ExpireSessions ends them all at once.
//   - GET /ledger/account, /ledger/vatType, /ledger/voucherType, /currency and
//     /country list what the test seeded with AddAccount, AddVATType,
//     AddVoucherType, AddCurrency and AddCountry.
//   - GET and POST /customer and /supplier search and create customers and
//     suppliers, with the search parameters of the real API.
//   - POST /ledger/voucher validates a voucher as Tripletex does (balanced
//     gross amounts per date, known and active accounts, legal VAT types,
//     rows from 1, ...) and records nothing when anything is wrong, answering
//     422 with one validation message per problem. A posting with a VAT type
//     is split as Tripletex splits it: its net amount stays on the posting and
//     a system-generated posting (row 0) carries the VAT to the VAT type's
//     account. GET /ledger/voucher, /ledger/voucher/>nonPosted and
//     /ledger/voucher/>externalVoucherNumber find vouchers again, and POST
//     /ledger/voucher/{id}/attachment attaches PDF or image files.
//
// Every list answers {"fullResultSize", "from", "count", "versionDigest",
// "values"} and honours the from and count parameters; every single object
// comes as {"value": ...}; every error as Tripletex's error body
// {"status", "code", "message", "link", "developerMessage",
// "validationMessages", "requestId"}. Money is always written as JSON numbers
// with two decimals and read as exact decimals, never as float64.
//
// For the adapter's failure paths, Fail makes chosen requests fail before
// they do anything (a 429 with its Retry-After header, a 503, ...) and
// FailAfter lets them take effect and then answers with an error, as when a
// response is lost after the voucher was created. CommitLate holds chosen
// requests until their client gives up and does their work only when the
// test calls ReleaseLate, as when Tripletex finishes a voucher POST after
// the client's timeout: until then a lookup does not find the voucher.
// Requests returns every
// request received, in order, for assertions on their shape; Vouchers,
// Customers and Suppliers return deep copies of what was stored.
//
// A Server is safe for concurrent use.
package tripletextest
