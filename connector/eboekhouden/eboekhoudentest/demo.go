package eboekhoudentest

// Demo names what SeedDemo created.
type Demo struct {
	// Ledgers maps each ledger code to its id.
	Ledgers map[string]int
	// Template is the name of the invoice template.
	Template string
}

// The ledger codes of SeedDemo: a small Dutch chart.
const (
	LedgerBank       = "1100" // bank (FIN)
	LedgerDebtors    = "1300" // debtors (DEB)
	LedgerVATHigh    = "1500" // VAT payable at 21 % (AF19)
	LedgerVATLow     = "1510" // VAT payable at 9 % (AF6)
	LedgerVATOther   = "1520" // VAT payable at other rates, VAT due of reverse charges (AFOVERIG)
	LedgerVATInput   = "1530" // deductible VAT (VOOR)
	LedgerCreditors  = "1600" // creditors (CRED)
	LedgerPurchases  = "4000" // purchases (VW)
	LedgerRevenue    = "8000" // revenue at 21 % (VW)
	LedgerRevenueLow = "8010" // revenue at 9 % (VW)
	LedgerRounding   = "8900" // rounding differences (VW)
	DemoTemplate     = "Standaard"
)

// SeedDemo adds a small Dutch chart of ledgers (the Ledger... constants)
// and the invoice template DemoTemplate.
func (s *Server) SeedDemo() Demo {
	d := Demo{Ledgers: map[string]int{}, Template: DemoTemplate}
	for _, l := range []struct{ code, name, cat string }{
		{LedgerBank, "Bank", "FIN"},
		{LedgerDebtors, "Debiteuren", "DEB"},
		{LedgerVATHigh, "Af te dragen BTW hoog", "AF19"},
		{LedgerVATLow, "Af te dragen BTW laag", "AF6"},
		{LedgerVATOther, "Af te dragen BTW overig", "AFOVERIG"},
		{LedgerVATInput, "Voorbelasting", "VOOR"},
		{LedgerCreditors, "Crediteuren", "CRED"},
		{LedgerPurchases, "Inkoopkosten", "VW"},
		{LedgerRevenue, "Omzet diensten", "VW"},
		{LedgerRevenueLow, "Omzet laag tarief", "VW"},
		{LedgerRounding, "Afrondingsverschillen", "VW"},
	} {
		d.Ledgers[l.code] = s.AddLedger(l.code, l.name, l.cat)
	}
	s.AddInvoiceTemplate(DemoTemplate)
	return d
}
