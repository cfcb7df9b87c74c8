package sourcetest

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
)

// The parties of the invoices the suite puts.
var (
	// Company is the company whose invoices the tool holds: the buyer of
	// purchases, the seller of sales.
	Company = invoicesync.Party{Name: "Sourcetest Handel GmbH", VATNumber: "DE111111125", RegistrationID: "HRB 11111",
		Country: "DE", Address: invoicesync.Address{Lines: []string{"Hauptstraße 1"}, City: "Berlin", PostalCode: "10115", Country: "DE"}}
	// Supplier is the supplier of the purchases and credit notes.
	Supplier = invoicesync.Party{Name: "Nordlicht Bürobedarf GmbH", VATNumber: "DE222222226", RegistrationID: "21/815/08150",
		Country: "DE", Address: invoicesync.Address{Lines: []string{"Hafenweg 7"}, City: "Hamburg", PostalCode: "20457", Country: "DE"}}
	// Customer is the customer of the sales.
	Customer = invoicesync.Party{Name: "Exemple Conseil SARL", VATNumber: "FR12345678901", RegistrationID: "12345678900017",
		Country: "FR", Address: invoicesync.Address{Lines: []string{"12 rue de la Paix"}, City: "Paris", PostalCode: "75002", Country: "FR"}}
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func rate(s string) decimal.NullDecimal { return decimal.NewNullDecimal(dec(s)) }

// PDF returns the content of the PDF attached to the fixture invoice number.
func PDF(number string) []byte {
	return []byte("%PDF-1.4\n% sourcetest fixture " + number + "\n%%EOF\n")
}

// fixture returns the suite's invoice n (1, 2, ...) of direction dir and
// kind k, in its version v (0, 1, ...): a first line of 100 + n + 50 v
// euros at 19 % and a second of 20.00 at 7 %, so that every invoice and
// every version has its own gross amount.
func fixture(n, v int, dir invoicesync.Direction, k invoicesync.Kind) invoicesync.Invoice {
	number, typeCode, party := fmt.Sprintf("ST-%03d", n), "380", Supplier
	if k == invoicesync.KindCreditNote {
		number, typeCode = fmt.Sprintf("SC-%03d", n), "381"
	}
	if dir == invoicesync.Sales {
		party = Customer
	}
	net1 := decimal.NewFromInt(int64(100 + n + 50*v))
	vat1 := net1.Mul(dec("0.19"))
	net2, vat2 := dec("20.00"), dec("1.40")
	net := net1.Add(net2)
	vat := vat1.Add(vat2)
	gross := net.Add(vat)
	issued := time.Date(2026, 3, 1+n%28, 0, 0, 0, 0, time.UTC)
	p, c := party, Company
	return invoicesync.Invoice{
		Number: number, Kind: k, TypeCode: typeCode, Direction: dir,
		IssueDate: issued, DueDate: issued.AddDate(0, 0, 30), Currency: "EUR", Status: invoicesync.StatusSent,
		Party: &p, Company: &c,
		Lines: []invoicesync.Line{
			{ID: "1", Description: "Consulting", Quantity: dec("1"), UnitPrice: net1, NetAmount: net1, VATCategory: "S", VATRate: rate("19")},
			{ID: "2", Description: "Reference books", Quantity: dec("2"), UnitPrice: dec("10.00"), NetAmount: net2, VATCategory: "S", VATRate: rate("7")},
		},
		VATBreakdown: []invoicesync.VATSubtotal{
			{Category: "S", Rate: rate("19"), TaxableAmount: net1, TaxAmount: vat1},
			{Category: "S", Rate: rate("7"), TaxableAmount: net2, TaxAmount: vat2},
		},
		Totals: invoicesync.Totals{LineTotal: net, Net: net, VAT: vat, Gross: gross, Payable: gross},
		Attachments: []invoicesync.AttachmentRef{{FileName: number + ".pdf", MediaType: "application/pdf",
			Description: "the invoice", Data: PDF(number)}},
	}
}

// purchase, sale and creditNote are fixture invoices in their first version.
func purchase(n int) invoicesync.Invoice {
	return fixture(n, 0, invoicesync.Purchase, invoicesync.KindInvoice)
}

func sale(n int) invoicesync.Invoice {
	return fixture(n, 0, invoicesync.Sales, invoicesync.KindInvoice)
}

func creditNote(n int) invoicesync.Invoice {
	return fixture(n, 0, invoicesync.Purchase, invoicesync.KindCreditNote)
}
