// Package dailysales posts a point-of-sale register's day to the ledger: the
// receipts of ONE day of ONE cash register, paid on the spot, become ONE
// balanced entry (a voucher "Daily sales POS-1 2026-11-20"), posted exactly
// once to any invoicesync.LedgerTarget. It is what a booking or till
// product does when it sends each register's daily sales to Tripletex every
// night, or when the shop sends a day by hand.
//
// # The flow
//
// The host closes the register's day (its Z report), collects the day's
// receipts and calls
//
//	chart, err := invoicesync.LoadChart(ctx, ledger)          // once per run
//	day := time.Date(2026, 11, 20, 0, 0, 0, 0, cfg.Location)  // a civil date in the shop's zone
//	res, err := dailysales.Post(ctx, ledger, chart, &cfg, "POS-1", day, receipts)
//
// Post builds the entry with Summarise (pure, no I/O, usable alone for a
// preview), asks the ledger whether the day is there (FindEntry with the
// day's Key) and posts it with PostEntry only when it is not. Nightly mode
// posts a validated voucher; ByHand mode posts a draft (Entry.Draft), which
// lands in Tripletex's list of non-posted vouchers for the accountant to
// check — on a ledger without drafts, ByHand is refused with an error
// wrapping invoicesync.ErrNotSupported, and nothing is posted.
//
// # Exactly once, and only once
//
// The idempotency key of a day is Key(register, day),
// "dailysales:POS-1:2026-11-20". It is the entry's IdempotencyKey and
// InvoiceID. Posting a day again — a second nightly run, a retry after a
// crash or a lost response, the shop pressing "send" twice — finds the
// entry by its key and posts nothing (Result.AlreadyPosted). Another
// register, or another day, has another key and its own entry.
//
// A day is summarised once: receipts that arrive after the day was posted
// are NOT added to it, and a changed receipt does not change it. Post then
// still answers AlreadyPosted with the first entry's reference; the entry it
// returns, summarised from the receipts given, is not what the ledger
// holds. So the host must close the day (Z report) before posting it, and a
// late receipt or a correction is booked by hand in the ledger.
//
// # The figures
//
// Receipts are checked first: each must be of the register and of the day
// (its Time, in Config.Location), have a unique ID, amounts with at most
// Config.Decimals decimals, and payments summing exactly to its lines'
// gross amounts; a failure names the receipt. Then:
//
//   - Revenue: lines are grouped by (revenue account, VAT code). The revenue
//     account is the line's own Account (the register's product group), else
//     the RevenueAccount of the VAT rule of the line's rate. Per group,
//     G = Σ gross, VAT = G × rate / (100 + rate) computed exactly and rounded
//     to Config.Decimals half away from zero, net = G − VAT. One
//     revenue line per group, of amount net, with its VAT code.
//   - VAT: one line per VAT code, of the sum of its groups' (rounded) VAT, on
//     the code's account in the chart; a code of rate 0 has no VAT line.
//   - Payments: one line per ledger account of Config.Payments, of the sum of
//     the payments of every method mapped to it (card and vipps on the same
//     account make one line).
//   - Sides: a positive amount is a debit on a payment line and a credit on a
//     revenue or VAT line; a negative amount (returns and refunds exceeding
//     sales) goes to the other side, as its absolute value; a zero amount
//     gives no line. A day whose lines are all zero is CodeNothingToPost.
//
// The entry balances by construction: Σ payments = Σ gross = Σ net + Σ VAT.
// Summarise still runs Entry.Check and returns its error, if any.
//
// Lines come in a stable order: payment lines by account, revenue lines by
// (account, VAT code), VAT lines by code. Their kinds are
// invoicesync.KindPayment, KindRevenue and KindVAT; revenue and VAT lines
// carry their VAT code, payment lines none. Labels: a payment line's label
// is its methods' names as the register gives them, sorted and joined
// ("card", "card, vipps"); a revenue line's is Config.Label and the rate
// ("Daily sales 25 %"); a VAT line's is the VAT code's Name in the chart
// ("VAT " + code when it has none). AccountSource is FromMapping on payment
// lines, FromLine on a revenue line whose every source line named its
// account and FromMapping on the others, FromVATCode on VAT lines; VATRule
// is the 1-based position of the VAT rule in Config.VAT. Amounts carry
// exactly Config.Decimals decimals. The entry: Journal Config.Journal, Date
// the day at 00:00 UTC (as every entry of the library), Reference
// "POS-1 2026-11-20", Label "Daily sales POS-1 2026-11-20", Currency and
// Decimals from the Config, Draft in ByHand mode, Direction
// invoicesync.Sales, Kind invoicesync.KindInvoice.
//
// # A worked example
//
// A salon with a café corner in Oslo (NOK, 2 decimals), register POS-1, on
// 20 November 2026. VAT rules: 25 % → code 3, revenue account 3000; 15 % →
// code 31, account 3000; 0 % → code 5, account 3100. Payments: card → 1580,
// cash → 1900. Codes 3 and 31 post VAT to 2700 and 2701.
//
//	R1 card 748.00:  haircut 499.00 at 25 %, shampoo 249.00 at 25 % on account 3010 (goods)
//	R2 cash 122.00:  coffee 35.00 at 15 %, cinnamon bun 42.00 at 15 %, newspaper 45.00 at 0 %
//	R3 card 200.00 + cash 188.00:  beard trim 299.00 at 25 %, magazine 89.00 at 0 %
//
// Groups, with VAT = G × rate / (100 + rate):
//
//	3000/3   G = 499.00 + 299.00 = 798.00  VAT = 798.00 × 25/125 = 159.60            net 638.40
//	3000/31  G =  35.00 +  42.00 =  77.00  VAT =  77.00 × 15/115 = 10.0434… → 10.04   net  66.96
//	3010/3   G = 249.00                    VAT = 249.00 × 25/125 =  49.80             net 199.20
//	3100/5   G =  45.00 +  89.00 = 134.00  VAT = 0                                    net 134.00
//
// (Rounding per line would give 35.00 → 4.57 and 42.00 → 5.48, 10.05 in
// all: the VAT of a group is rounded once, on its total.) The entry:
//
//	1580  debit  948.00  card               748.00 + 200.00
//	1900  debit  310.00  cash               122.00 + 188.00
//	3000  credit 638.40  Daily sales 25 %   code 3
//	3000  credit  66.96  Daily sales 15 %   code 31
//	3010  credit 199.20  Daily sales 25 %   code 3
//	3100  credit 134.00  Daily sales 0 %    code 5
//	2700  credit 209.40  Output VAT 25 %    code 3: 159.60 + 49.80
//	2701  credit  10.04  Output VAT 15 %    code 31
//
// Debits 1258.00 = credits 638.40 + 66.96 + 199.20 + 134.00 + 209.40 + 10.04
// = 1258.00, the day's takings.
//
// # Errors
//
// Every error is an *invoicesync.SyncError with a code, the day's key as
// InvoiceID, the Field concerned (a Config field such as "VAT[0].Code", or a
// receipt's, such as "receipt R2: Lines[1].VATRate"), the Value and, when
// known, the Expected one, and a Resolution: CodeInvoiceValidation for a
// receipt of another register or day, without ID or passed twice, and for
// an empty register; CodeAmountValidation for a receipt whose payments
// differ from its lines or an amount with too many decimals
// (CodeLineValidation for a line's); CodeMappingTaxRateNotFound for a rate
// no VAT rule maps; CodeMappingInvalid for an unmapped payment method, a
// malformed Config or a by-hand day on a ledger without drafts;
// CodeVATCodeNotFound, CodeAccountNumberNotFound, CodeAccountNumberNotActive
// and CodeMappingJournalNotFound for what the chart lacks; CodeNothingToPost
// for an empty day. Test them with errors.Is against the code's sentinel
// (invoicesync.ErrMappingTaxRateNotFound) and read the fields with errors.As.
package dailysales
