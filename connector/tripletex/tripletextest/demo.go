package tripletextest

import (
	"strconv"

	"github.com/shopspring/decimal"
)

// Demo is what SeedDemo added: a small Norwegian company's chart.
type Demo struct {
	// VATAccounts maps each VAT type number with a rate to the account its
	// VAT is posted on: what tripletex.Options.VATAccounts must say.
	VATAccounts map[string]string
	// VoucherTypes are the voucher types by name, with their ids.
	VoucherTypes map[string]int64
}

// SeedDemo seeds a small Norwegian company (NS 4102 account numbers, NOK):
//
//   - accounts 1500 customers (ledger type CUSTOMER), 1580 card
//     settlements, 1900 cash, 1920 bank, 2400 suppliers (VENDOR), 2700,
//     2701 and 2702 output VAT at 25, 15 and 12 %, 2710 input VAT at 25 %,
//     3000 taxable sales, 3100 sales outside VAT, 3200 sales exempt, 4000
//     purchases, 6800 office costs, 7740 rounding, and 3900, inactive;
//   - VAT types 0 (no VAT treatment), 1 (input VAT 25 %), 3, 31 and 33
//     (output VAT 25, 15 and 12 %), 5 (no output VAT, within the VAT act,
//     0 %) and 6 (outside the VAT act, 0 %);
//   - voucher types "Utgående faktura" (refused on new vouchers),
//     "Leverandørfaktura", "Memorialbilag" and "Kassaoppgjør".
func (s *Server) SeedDemo() Demo {
	for _, a := range []struct {
		n    int
		name string
		o    AccountOptions
	}{
		{1500, "Kundefordringer", AccountOptions{LedgerType: LedgerCustomer}},
		{1580, "Kortoppgjør", AccountOptions{}},
		{1900, "Kontanter", AccountOptions{}},
		{1920, "Bankinnskudd", AccountOptions{}},
		{2400, "Leverandørgjeld", AccountOptions{LedgerType: LedgerVendor}},
		{2700, "Utgående merverdiavgift, høy sats", AccountOptions{}},
		{2701, "Utgående merverdiavgift, middels sats", AccountOptions{}},
		{2702, "Utgående merverdiavgift, lav sats", AccountOptions{}},
		{2710, "Inngående merverdiavgift, høy sats", AccountOptions{}},
		{3000, "Salgsinntekt, avgiftspliktig", AccountOptions{}},
		{3100, "Salgsinntekt, utenfor avgiftsområdet", AccountOptions{}},
		{3200, "Salgsinntekt, avgiftsfri", AccountOptions{}},
		{3900, "Annen driftsinntekt (ikke i bruk)", AccountOptions{Inactive: true}},
		{4000, "Innkjøp av varer", AccountOptions{}},
		{6800, "Kontorrekvisita", AccountOptions{}},
		{7740, "Øreavrunding", AccountOptions{}},
	} {
		s.AddAccount(a.n, a.name, a.o)
	}
	d := Demo{VATAccounts: map[string]string{}, VoucherTypes: map[string]int64{}}
	for _, v := range []struct {
		number, name string
		rate         int64
		account      int
	}{
		{"0", "Ingen avgiftsbehandling", 0, 0},
		{"1", "Fradrag inngående avgift, høy sats", 25, 2710},
		{"3", "Utgående avgift, høy sats", 25, 2700},
		{"31", "Utgående avgift, middels sats", 15, 2701},
		{"33", "Utgående avgift, lav sats", 12, 2702},
		{"5", "Ingen utgående avgift (innenfor mva-loven)", 0, 0},
		{"6", "Ingen utgående avgift (utenfor mva-loven)", 0, 0},
	} {
		s.AddVATType(v.number, v.name, decimal.NewFromInt(v.rate), v.account)
		if v.account != 0 {
			d.VATAccounts[v.number] = strconv.Itoa(v.account)
		}
	}
	for _, name := range []string{OutgoingInvoiceVoucherType, "Leverandørfaktura", "Memorialbilag", "Kassaoppgjør"} {
		d.VoucherTypes[name] = s.AddVoucherType(name)
	}
	return d
}
