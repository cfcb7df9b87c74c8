package labels_test

import (
	"fmt"

	"github.com/invoicesync/invoicesync/labels"
)

// The partner (customer) line and a revenue line of invoice F-2026-0042.
var (
	examplePartnerLine = labels.Fields{
		PartnerLine: true,
		Partner:     "Dupont SARL",
		Number:      "F-2026-0042",
		Date:        "2026-03-31",
		Kind:        "invoice",
	}
	exampleRevenueLine = labels.Fields{
		Partner:     "Dupont SARL",
		Description: "Consulting March",
		Number:      "F-2026-0042",
		Date:        "2026-03-31",
		Kind:        "invoice",
	}
)

func printLabels(c labels.Config) {
	l, err := labels.New(c)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(l.Label(examplePartnerLine))
	fmt.Println(l.Label(exampleRevenueLine))
}

func ExampleNew_partnerThenDescription() {
	// The zero Config selects PartnerThenDescription.
	printLabels(labels.Config{})
	// Output:
	// Dupont SARL
	// Consulting March
}

func ExampleNew_partnerName() {
	printLabels(labels.Config{Strategy: labels.PartnerName})
	// Output:
	// Dupont SARL
	// Dupont SARL
}

func ExampleNew_partnerAndDescription() {
	// The partner line has no description: no separator is written.
	printLabels(labels.Config{Strategy: labels.PartnerAndDescription})
	// Output:
	// Dupont SARL
	// Dupont SARL - Consulting March
}

func ExampleNew_partnerAndNumber() {
	printLabels(labels.Config{Strategy: labels.PartnerAndNumber})
	printLabels(labels.Config{Strategy: labels.PartnerAndNumber, Separator: " / ", MaxLength: 20})
	// Output:
	// Dupont SARL - F-2026-0042
	// Dupont SARL - F-2026-0042
	// Dupont SARL / F-2026
	// Dupont SARL / F-2026
}

func ExampleNew_template() {
	printLabels(labels.Config{Strategy: labels.Template, Template: "{date} {partner} {{{kind} {number}}}"})
	printLabels(labels.Config{Strategy: labels.Template, Template: "{partner} {nmber}"})
	// Output:
	// 2026-03-31 Dupont SARL {invoice F-2026-0042}
	// 2026-03-31 Dupont SARL {invoice F-2026-0042}
	// labels: invalid label template: unknown field "{nmber}" at byte offset 10 (accepted: {partner}, {description}, {number}, {id}, {date}, {due_date}, {account}, {vat_code}, {currency}, {kind}, {direction})
}

func ExampleTruncate() {
	fmt.Printf("%q\n", labels.Truncate("Société Générale", 9))
	fmt.Printf("%q\n", labels.Truncate("Société Générale", 8))    // the trailing space is trimmed
	fmt.Printf("%q\n", labels.Truncate("Socie\u0301te\u0301", 5)) // "e" is not cut from its accent
	fmt.Printf("%q\n", labels.Truncate("東京都の請求書", 3))
	fmt.Printf("%q\n", labels.Truncate("Dupont", 0)) // 0: no limit
	// Output:
	// "Société G"
	// "Société"
	// "Soci"
	// "東京都"
	// "Dupont"
}
