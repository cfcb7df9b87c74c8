// Package matching decides whether a customer or supplier of the invoicing
// tool is already in the ledger, and says why.
//
// It is a leaf package: it knows nothing of invoices or ledgers, only of
// identities (an [Identity]: name, VAT number, registration id, auxiliary
// account, country) and of the rules that compare them. The Syncer of the
// root package uses it to link an invoice's party to a ledger partner before
// it creates one, and ImportPartners uses it the other way round.
//
// # Normalisation
//
// Every identifier is normalised before it is compared:
//
//   - VAT numbers ([NormalizeVAT]): separators removed, upper case, the
//     country prefix added from the party's country when missing (Greece is
//     EL), the national format checked for every EU member state, GB, XI, CH
//     and NO, and check digits verified where the algorithm is public.
//   - Registration ids ([NormalizeRegistration]): a French SIRET (14 digits)
//     or SIREN (9 digits) is checked with Luhn (La Poste's establishments
//     excepted) and compared by its SIREN, so two establishments of one
//     company are one partner; other schemes are opaque, separators removed.
//   - Auxiliary accounts (the customer or supplier number): spaces removed,
//     upper case.
//   - Names ([NormalizeName]): compatibility decomposition, accents and case
//     removed, punctuation collapsed, legal forms stripped. See
//     [NormalizeName] for transliteration.
//
// An identifier that fails its check never matches anything; [Decision]
// reports it so that a person can correct it.
//
// # Deciding
//
// [Match] (or an [Index] built once over many candidates) tries the rules in
// order — by default auxiliary account, VAT number, registration id, name —
// and stops at the first rule that finds anything. One candidate is a match;
// two or more are an ambiguity, and the package never guesses between them;
// none under every rule means the party is new. A name match is the weakest
// evidence: a candidate whose valid VAT number or registration id differs
// from the query's is a different company of the same name and is excluded.
package matching
