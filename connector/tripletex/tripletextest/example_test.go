package tripletextest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync/connector/tripletex/tripletextest"
)

// A session is created from the consumer and employee tokens, then a sale of
// 1250.00 including 25 % VAT is posted: Tripletex keeps the net 1000.00 on
// the sales account and adds a system-generated posting (row 0) of the VAT
// on the VAT type's account.
func Example() {
	srv := tripletextest.NewServer(tripletextest.Options{
		ConsumerToken: "my-consumer-token",
		EmployeeToken: "my-employee-token",
		Now:           func() time.Time { return time.Date(2026, 3, 15, 9, 0, 0, 0, time.UTC) },
	})
	defer srv.Close()
	bank := srv.AddAccount(1920, "Bankinnskudd")
	sales := srv.AddAccount(3000, "Salgsinntekt, avgiftspliktig")
	srv.AddAccount(2700, "Utgående merverdiavgift, høy sats")
	vat := srv.AddVATType("3", "Utgående avgift, høy sats", decimal.NewFromInt(25), 2700)

	// PUT /token/session/:create
	q := url.Values{"consumerToken": {"my-consumer-token"}, "employeeToken": {"my-employee-token"}, "expirationDate": {"2026-03-16"}}
	req, _ := http.NewRequest(http.MethodPut, srv.URL()+"/token/session/:create?"+q.Encode(), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	var session struct{ Value struct{ Token string } }
	_ = json.NewDecoder(resp.Body).Decode(&session)
	resp.Body.Close()
	fmt.Println("session:", resp.Status)

	// POST /ledger/voucher, authenticated with company "0" and the session token.
	body, _ := json.Marshal(map[string]any{
		"date":                  "2026-03-15",
		"description":           "Kontantsalg",
		"externalVoucherNumber": "sale-42",
		"postings": []map[string]any{
			{"row": 1, "account": map[string]any{"id": bank}, "amountGross": json.Number("1250.00"), "amountGrossCurrency": json.Number("1250.00")},
			{"row": 2, "account": map[string]any{"id": sales}, "vatType": map[string]any{"id": vat}, "amountGross": json.Number("-1250.00"), "amountGrossCurrency": json.Number("-1250.00")},
		},
	})
	req, _ = http.NewRequest(http.MethodPost, srv.URL()+"/ledger/voucher", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.SetBasicAuth("0", session.Value.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var created struct {
		Value struct {
			Number   int `json:"number"`
			Year     int `json:"year"`
			Postings []struct {
				Row             int `json:"row"`
				Account         struct{ Number int }
				Amount          json.Number `json:"amount"`
				AmountGross     json.Number `json:"amountGross"`
				SystemGenerated bool        `json:"systemGenerated"`
			} `json:"postings"`
		} `json:"value"`
	}
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	_ = dec.Decode(&created)
	fmt.Printf("voucher: %s, number %d/%d\n", resp.Status, created.Value.Number, created.Value.Year)
	for _, p := range created.Value.Postings {
		fmt.Printf("row %d  account %d  net %8s  gross %8s  system generated: %t\n",
			p.Row, p.Account.Number, p.Amount, p.AmountGross, p.SystemGenerated)
	}
	// Output:
	// session: 200 OK
	// voucher: 201 Created, number 1/2026
	// row 1  account 1920  net  1250.00  gross  1250.00  system generated: false
	// row 2  account 3000  net -1000.00  gross -1250.00  system generated: false
	// row 0  account 2700  net  -250.00  gross  -250.00  system generated: true
}
