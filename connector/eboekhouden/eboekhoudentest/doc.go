// Package eboekhoudentest runs a local fake of the e-Boekhouden REST API
// (api.e-boekhouden.nl, version 1) for the tests of the e-Boekhouden ledger
// adapter and for programs that want to try it without an account.
//
// NewServer starts the fake on a loopback port; URL returns the address an
// adapter uses instead of https://api.e-boekhouden.nl. The fake answers the
// endpoints the adapter uses, with the shapes of the public OpenAPI
// description:
//
//   - POST /v1/session exchanges {"accessToken", "source"} for
//     {"token", "expiresIn"}; every other endpoint wants that token, as is,
//     in the Authorization header and answers 401 (SECURITY_010) otherwise
//     or once the session expired (Options.Now, SessionSeconds,
//     ExpireSessions). The source must be 1 to 10 letters, digits, "-" or "_".
//   - GET /v1/ledger lists the ledger accounts seeded with AddLedger
//     ({"items", "count"}, limit 1 to 2000, offset 0 or more: PAGE_001 and
//     PAGE_002 otherwise), filtered by code and category.
//   - GET and POST /v1/relation, GET /v1/relation/{id}: relations, searched
//     by code and name; list items carry id, type and code only, as the
//     API's do. A relation code is unique (REL_049).
//   - POST /v1/mutation validates a mutation (type, date, ledger categories,
//     VAT codes and their direction, relation, rows, balance of a
//     memorial, unique invoice number per relation) and records nothing
//     when anything is wrong, answering 400 with the API's error body and
//     its code (MUT_...). The VAT of a row is computed from its amount:
//     amount × rate / 100 (EX) or amount × rate / (100 + rate) (IN),
//     rounded to cents half away from zero, except for the divergent codes
//     AFW and AFW_VERK, whose row gives vatAmount. GET /v1/mutation (filters
//     type, invoiceNumber, date, description with [like]) and
//     GET /v1/mutation/{id} read them back.
//   - POST /v1/invoice creates an invoice of the invoice module and books
//     it as an invoice-sent mutation, as e-Boekhouden does; GET /v1/invoice
//     (filter invoiceNumber) and GET /v1/invoicetemplate list them.
//
// Errors come as {"type", "code", "title", "message", "status",
// "traceId"}. Money is written as JSON numbers with two decimals and read as
// exact decimals.
//
// For failure paths, Fail makes chosen requests fail before they do
// anything (a 429 with Retry-After, a 503, ...), FailAfter lets them take
// effect and then answers with an error (a response lost after the
// mutation was recorded), CommitLate answers at once and holds the work
// until ReleaseLate (a mutation recorded after the client gave up), and
// ExpireSessions ends every session so that the
// next request gets a 401. Requests returns every request received.
//
// A Server is safe for concurrent use.
package eboekhoudentest
