package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/invoicesync/invoicesync"
)

// setup is a mapping and the chart it is checked against.
type setup struct {
	mapping *invoicesync.Mapping
	chart   *invoicesync.Chart
	lists   chartLists // what chart indexes
}

// chartLists are a chart's accounts, VAT codes and journals.
type chartLists struct {
	accounts []invoicesync.Account
	codes    []invoicesync.VATCode
	journals []invoicesync.Journal
}

func (c chartLists) chart() *invoicesync.Chart {
	return invoicesync.NewChart(c.accounts, c.codes, c.journals)
}

// setupFile is the -mapping file: a bare mapping, or {"mapping": …, "chart": …}.
type setupFile struct {
	Mapping *invoicesync.Mapping
	Chart   *chartFile
}

type chartFile struct {
	Accounts []struct {
		Number string `json:"number"`
		Name   string `json:"name"`
		Active *bool  `json:"active"`
	} `json:"accounts"`
	VATCodes []struct {
		Code          string                `json:"code"`
		Name          string                `json:"name"`
		Rate          decimal.Decimal       `json:"rate"`
		Direction     invoicesync.Direction `json:"direction"`
		ReverseCharge bool                  `json:"reverse_charge"`
		Account       string                `json:"account"`
		DueAccount    string                `json:"due_account"`
		Active        *bool                 `json:"active"`
	} `json:"vat_codes"`
	Journals []struct {
		Code string `json:"code"`
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"journals"`
}

func active(b *bool) bool { return b == nil || *b }

// loadSetup reads a -mapping file and checks the mapping against its chart.
func loadSetup(path string) (*setup, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%s: not a JSON object: %v", path, err)
	}
	var f setupFile
	mappingJSON := data
	if _, ok := probe["mapping"]; ok {
		// A mapping with its chart: the chart is read strictly here, the
		// mapping by ParseMapping, which names the key path of a problem.
		var file struct {
			Mapping json.RawMessage `json:"mapping"`
			Chart   *chartFile      `json:"chart"`
		}
		if err := strictJSON(data, &file); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		f.Chart, mappingJSON = file.Chart, file.Mapping
		if string(bytes.TrimSpace(mappingJSON)) == "null" {
			mappingJSON = nil
		}
	}
	if mappingJSON != nil {
		if f.Mapping, err = invoicesync.ParseMapping(bytes.NewReader(mappingJSON)); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
	}
	if f.Mapping == nil {
		return nil, fmt.Errorf("%s: the \"mapping\" is empty", path)
	}
	var lists chartLists
	if f.Chart != nil {
		lists = f.Chart.lists()
	} else {
		lists = chartOf(f.Mapping)
	}
	chart := lists.chart()
	if _, err := invoicesync.NewBuilder(f.Mapping, chart); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if err := f.Mapping.ValidateChart(chart); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &setup{mapping: f.Mapping, chart: chart, lists: lists}, nil
}

// strictJSON decodes data into v, refusing unknown fields: a misspelt
// option would otherwise be ignored silently.
func strictJSON(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

func (c *chartFile) lists() chartLists {
	var accounts []invoicesync.Account
	for _, a := range c.Accounts {
		accounts = append(accounts, invoicesync.Account{Number: a.Number, Name: a.Name, Active: active(a.Active)})
	}
	var codes []invoicesync.VATCode
	for _, v := range c.VATCodes {
		codes = append(codes, invoicesync.VATCode{
			Code: v.Code, Name: v.Name, Rate: v.Rate, Direction: v.Direction, ReverseCharge: v.ReverseCharge,
			Account: v.Account, DueAccount: v.DueAccount, Active: active(v.Active),
		})
	}
	var journals []invoicesync.Journal
	for _, j := range c.Journals {
		journals = append(journals, invoicesync.Journal{Code: j.Code, Name: j.Name, Type: j.Type})
	}
	return chartLists{accounts: accounts, codes: codes, journals: journals}
}

// chartOf makes the chart a mapping names: its accounts, a VAT code per VAT
// rule (the rule's rate, direction and accounts), its journals.
func chartOf(m *invoicesync.Mapping) chartLists {
	var numbers []string
	addAccount := func(n string) {
		if n != "" && !slices.Contains(numbers, n) {
			numbers = append(numbers, n)
		}
	}
	a := m.Accounts
	for _, n := range []string{a.SalesDefault, a.PurchaseDefault, a.CustomerCollective, a.SupplierCollective,
		a.CreditRounding, a.DebitRounding, a.SalesDiscount, a.PurchaseDiscount, a.SalesCharge, a.PurchaseCharge,
		a.CustomerPrepayment, a.SupplierPrepayment, a.ExchangeGain, a.ExchangeLoss} {
		addAccount(n)
	}
	for _, r := range m.AccountRules {
		addAccount(r.Account)
	}
	var codes []invoicesync.VATCode
	for _, list := range []struct {
		dir   invoicesync.Direction
		rules []invoicesync.VATRule
	}{{invoicesync.Sales, m.SalesVAT}, {invoicesync.Purchase, m.PurchaseVAT}} {
		for _, r := range list.rules {
			addAccount(r.Account)
			addAccount(r.DueAccount)
			if slices.ContainsFunc(codes, func(c invoicesync.VATCode) bool { return c.Code == r.Code }) {
				continue
			}
			codes = append(codes, invoicesync.VATCode{
				Code: r.Code, Name: r.Code, Rate: r.Rate.Decimal, Direction: list.dir,
				ReverseCharge: r.DueAccount != "", Account: r.Account, DueAccount: r.DueAccount, Active: true,
			})
		}
	}
	var accounts []invoicesync.Account
	for _, n := range numbers {
		accounts = append(accounts, invoicesync.Account{Number: n, Name: n, Active: true})
	}
	var journals []invoicesync.Journal
	j := m.Journals
	for _, c := range slices.Concat([]string{j.Sales, j.Purchase, j.SalesCreditNotes, j.PurchaseCreditNotes}, slices.Sorted(maps.Values(j.BySource))) {
		if c != "" && !slices.ContainsFunc(journals, func(x invoicesync.Journal) bool { return x.Code == c }) {
			journals = append(journals, invoicesync.Journal{Code: c, Name: c})
		}
	}
	return chartLists{accounts: accounts, codes: codes, journals: journals}
}
