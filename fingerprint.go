package invoicesync

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
)

// Fingerprint identifies an invoice version by its accounting content: two
// versions with the same fingerprint give the same entry. It is the SHA-256
// (first 128 bits, in hex) of the invoice with what does not change the entry
// left out: Status (sent → paid is not a change), Attachments, Metadata,
// Company, Warnings and Cursor. Amounts count by value (100.0 and 100.00 are
// the same), dates by instant. Fingerprints are stable across processes and
// releases of the library: a field added to Invoice later is left out while
// it is zero, so that it changes no fingerprint computed before.
func Fingerprint(inv *Invoice) string {
	v := *inv
	v.Status, v.Attachments, v.Metadata, v.Cursor = "", nil, nil, ""
	v.Company, v.Warnings = nil, nil
	v.IssueDate, v.DueDate = utc(v.IssueDate), utc(v.DueDate)
	b, err := json.Marshal(&v)
	if err != nil { // unreachable: Invoice holds only marshalable values
		panic("invoicesync: fingerprint: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// IdempotencyKey is the key of the entry of one invoice version: stable for
// (source, invoice id, fingerprint), different for any other triple. It is
// "isync-" and 32 hex digits, short enough for ledgers that store the key in
// a reference field.
func IdempotencyKey(sourceID, invoiceID, fingerprint string) string {
	return hashKey("entry", sourceID, invoiceID, fingerprint)
}

// PostingKey is the idempotency key of an invoice's entry posted at
// revision: the number of the invoice's entries posted before it that the
// ledger no longer counts (reversed, or found missing). Revision 0 is the
// first posting, whose key is IdempotencyKey(sourceID, invoiceID,
// fingerprint): it can be derived again from the invoice alone. Every later
// posting has a key of its own, so that an invoice edited back to an earlier
// version after a reversal is posted as a new entry, never answered with the
// earlier entry (reversed since) found by its key.
func PostingKey(sourceID, invoiceID, fingerprint string, revision int) string {
	if revision <= 0 {
		return IdempotencyKey(sourceID, invoiceID, fingerprint)
	}
	return hashKey("entry", sourceID, invoiceID, fingerprint, strconv.Itoa(revision))
}

// reversalKey is the key of the entry that reverses the entry keyed key.
func reversalKey(key string) string { return hashKey("reversal", key) }

func hashKey(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "isync-" + hex.EncodeToString(h.Sum(nil)[:16])
}
