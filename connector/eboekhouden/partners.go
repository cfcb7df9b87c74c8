package eboekhouden

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/httpx"
)

// toPartner turns a relation into a partner of role: e-Boekhouden's
// relations have no role, so every relation is both a customer and a supplier.
func toPartner(role invoicesync.PartnerRole, r apiRelation) invoicesync.Partner {
	p := invoicesync.Partner{
		Ref:  invoicesync.PartnerRef{ID: itoa(r.ID), Name: r.Name, AuxiliaryAccount: r.Code},
		Role: role, Name: r.Name, VATNumber: r.VATNumber, AuxiliaryAccount: r.Code, Email: r.EmailAddress,
		Country: r.Country,
		Address: invoicesync.Address{PostalCode: r.PostalCode, City: r.City, Country: r.Country},
	}
	if r.Address != "" {
		p.Address.Lines = []string{r.Address}
	}
	return p
}

// relation reads relation id, from the cache when it was read or created before.
func (l *Ledger) relation(ctx context.Context, id int) (apiRelation, error) {
	l.mu.Lock()
	r, ok := l.relations[id]
	l.mu.Unlock()
	if ok {
		return r, nil
	}
	if err := l.c.JSON(ctx, http.MethodGet, "/v1/relation/"+itoa(id), nil, nil, &r); err != nil {
		var ae *httpx.APIError
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			return r, fmt.Errorf("eboekhouden: relation %d does not exist: %w: %w", id, invoicesync.ErrPartnerNotFound, err)
		}
		return r, fmt.Errorf("eboekhouden: reading relation %d: %w", id, err)
	}
	l.mu.Lock()
	l.relations[id] = r
	l.mu.Unlock()
	return r, nil
}

// ensureRelation checks that id is a relation and returns it as a number.
func (l *Ledger) ensureRelation(ctx context.Context, id string) (int, error) {
	n, err := strconv.Atoi(id)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("eboekhouden: %q is not the id of an e-Boekhouden relation: %w", id, invoicesync.ErrPartnerNotFound)
	}
	if _, err := l.relation(ctx, n); err != nil {
		return 0, err
	}
	return n, nil
}

// relations lists the relations q selects, each read in full.
func (l *Ledger) relationsOf(ctx context.Context, q url.Values) ([]apiRelation, error) {
	items, err := getList[apiRelationItem](ctx, l, "/v1/relation", q)
	if err != nil {
		return nil, fmt.Errorf("eboekhouden: listing relations: %w", err)
	}
	out := make([]apiRelation, 0, len(items))
	for _, it := range items {
		r, err := l.relation(ctx, it.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ListPartners returns every relation as a partner of role (see toPartner).
func (l *Ledger) ListPartners(ctx context.Context, role invoicesync.PartnerRole) ([]invoicesync.Partner, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	all, err := l.relationsOf(ctx, nil)
	if err != nil {
		return nil, err
	}
	out := make([]invoicesync.Partner, len(all))
	for i, r := range all {
		out[i] = toPartner(role, r)
	}
	return out, nil
}

// FindPartners returns the relations whose q.Key equals q.Value: by code
// (the customer number) and by name the API searches; by VAT number every
// relation is read and compared. Relations have no registration number
// field: that key is ErrNotSupported.
func (l *Ledger) FindPartners(ctx context.Context, q invoicesync.PartnerQuery) ([]invoicesync.Partner, error) {
	if q.Key == invoicesync.KeyRegistrationID {
		return nil, fmt.Errorf("eboekhouden: relations have no company registration number the API returns: %w", invoicesync.ErrNotSupported)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	match, err := q.Matcher()
	if err != nil {
		return nil, fmt.Errorf("eboekhouden: %w", err)
	}
	var search url.Values
	switch q.Key {
	case invoicesync.KeyAuxiliaryAccount:
		search = url.Values{"code": {q.Value}}
	case invoicesync.KeyName:
		search = url.Values{"name": {q.Value}}
	}
	out := []invoicesync.Partner{}
	if strings.TrimSpace(q.Value) == "" {
		return out, nil
	}
	all, err := l.relationsOf(ctx, search)
	if err != nil {
		return nil, err
	}
	for _, r := range all {
		if p := toPartner(q.Role, r); match(&p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// CreatePartner creates a business relation whose code is the partner's
// AuxiliaryAccount (e-Boekhouden numbers it when empty).
func (l *Ledger) CreatePartner(ctx context.Context, p invoicesync.Partner) (invoicesync.PartnerRef, error) {
	if err := ctx.Err(); err != nil {
		return invoicesync.PartnerRef{}, err
	}
	if p.Name == "" {
		return invoicesync.PartnerRef{}, fmt.Errorf("eboekhouden: a relation needs a name: %w", invoicesync.ErrPartnerValidation)
	}
	country := p.Address.Country
	if country == "" {
		country = p.Country
	}
	body := apiRelation{Type: "B", Code: p.AuxiliaryAccount, Name: p.Name, Address: strings.Join(p.Address.Lines, ", "),
		PostalCode: p.Address.PostalCode, City: p.Address.City, Country: country, EmailAddress: p.Email, VATNumber: p.VATNumber}
	var out apiCreated
	if err := l.c.JSON(ctx, http.MethodPost, "/v1/relation", nil, body, &out); err != nil {
		err = fmt.Errorf("eboekhouden: creating relation %q: %w", p.Name, err)
		if apiCode(err) == "REL_049" {
			return invoicesync.PartnerRef{}, fmt.Errorf("%w (a relation with code %s exists: link it instead): %w", err, p.AuxiliaryAccount, invoicesync.ErrDuplicate)
		}
		if strings.HasPrefix(apiCode(err), "REL_") {
			return invoicesync.PartnerRef{}, fmt.Errorf("%w: %w", err, invoicesync.ErrPartnerValidation)
		}
		return invoicesync.PartnerRef{}, err
	}
	body.ID, body.Code = out.ID, out.Code
	l.mu.Lock()
	l.relations[out.ID] = body
	l.mu.Unlock()
	return invoicesync.PartnerRef{ID: itoa(out.ID), Name: p.Name, AuxiliaryAccount: out.Code}, nil
}
