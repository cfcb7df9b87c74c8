// Package getmyinvoicestest is a fake GetMyInvoices accounts API v3 for
// tests: a Server on a loopback port that serves, from documents and
// companies a test adds, the calls connector/getmyinvoices makes —
// GET /documents (filters documentTypeFilter, updatedOrNewSinceFilter,
// documentUidStartFilter, archivedFilter; pages of PageSize, 500 by
// default, ordered by documentUid), GET /documents/{documentUid}
// (loadLineItems, includeDocument with the file in base64) and
// GET /companies/{companyUid} — authenticated by the X-API-KEY header.
//
// The fake keeps the rules the adapter relies on, as the public API
// description states them or as this package assumes them where it is
// silent (each assumption is marked "assumed" on the code that makes it):
// an unknown document answers 422 with error_code 106, an unknown company
// 422 with error_code 139, a wrong key 403; a document's change time is the
// Server's clock (Options.Now) when it is added or updated, compared at
// whole seconds with updatedOrNewSinceFilter ("2006-01-02 15:04:05", read
// as UTC), strictly after. PerMinute and PerDay limit the requests (429
// with code 429 and a message naming the limit; LimitStatus chooses the
// HTTP status, 429 or 403), and FailNext makes chosen requests fail.
// Requests records every request received.
package getmyinvoicestest
