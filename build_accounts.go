package invoicesync

import (
	"errors"
	"fmt"
	"strings"
)

// resolveAccounts chooses each line's account: the line's own
// when the ledger has it active, else the first matching rule's, else the
// default; every account tried and rejected is kept for the explanation.
func (s *build) resolveAccounts() error {
	defField, def := s.defaultAccount()
	for i := range s.inv.Lines {
		l, sl := &s.inv.Lines[i], &s.lines[i]
		if i > 0 && sameAccountInputs(l, &s.inv.Lines[i-1]) {
			prev := &s.lines[i-1]
			sl.account, sl.accountSource, sl.rule, sl.tried = prev.account, prev.accountSource, prev.rule, prev.tried
			continue
		}
		if l.AccountNumber != "" {
			if s.usable(l.AccountNumber) {
				sl.account, sl.accountSource = l.AccountNumber, FromLine
				continue
			}
			sl.tried = append(sl.tried, l.AccountNumber)
		}
		for j := range s.m.AccountRules {
			r := &s.m.AccountRules[j]
			if !ruleMatches(r, s.dir, l) {
				continue
			}
			if s.usable(r.Account) {
				sl.account, sl.accountSource, sl.rule = r.Account, FromRule, j+1
			} else {
				sl.tried = append(sl.tried, r.Account)
			}
			break
		}
		if sl.account != "" {
			continue
		}
		if s.usable(def) {
			sl.account, sl.accountSource = def, FromDefault
			continue
		}
		tried := append(sl.tried, def)
		code, state := CodeAccountNumberNotFound, "does not exist"
		if errors.Is(s.accountProblem(def), ErrAccountNumberNotActive) {
			code, state = CodeAccountNumberNotActive, "is not active"
		}
		if def == "" {
			tried, state = sl.tried, "is not set"
		}
		return s.invoiceError(&SyncError{
			Code: code, Line: i + 1, Field: defField, Value: def,
			Message: fmt.Sprintf("no usable account for the line: tried %s; the default account %s %s", s.describeTried(tried), def, state),
			Resolution: "use an existing, active account on the line in the invoicing tool, or create or reactivate account " +
				firstNonEmpty(def, "(default)") + " in the ledger, or choose another " + defField + " in the mapping",
		})
	}
	return nil
}

func ruleMatches(r *AccountRule, d Direction, l *Line) bool {
	if (r.Direction != "" && r.Direction != d) || (r.ItemCode == "" && r.ItemCategory == "" && r.Task == "") {
		return false
	}
	return (r.ItemCode == "" || r.ItemCode == l.ItemCode) &&
		(r.ItemCategory == "" || r.ItemCategory == l.ItemCategory) &&
		(r.Task == "" || r.Task == l.Task)
}

func sameAccountInputs(a, b *Line) bool {
	return a.AccountNumber == b.AccountNumber && a.ItemCode == b.ItemCode && a.ItemCategory == b.ItemCategory && a.Task == b.Task
}

func (s *build) describeTried(tried []string) string {
	if len(tried) == 0 {
		return "nothing"
	}
	parts := make([]string, len(tried))
	for i, n := range tried {
		state := "usable"
		if err := s.accountProblem(n); errors.Is(err, ErrAccountNumberNotActive) {
			state = "not active"
		} else if err != nil {
			state = "not in the ledger"
		}
		parts[i] = n + " (" + state + ")"
	}
	return strings.Join(parts, ", ")
}
