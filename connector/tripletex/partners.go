package tripletex

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/connector/httpx"
)

// partnerPath is the endpoint of a role.
func partnerPath(role invoicesync.PartnerRole) string {
	if role == invoicesync.Supplier {
		return "/supplier"
	}
	return "/customer"
}

// number parses a Tripletex customer or supplier number.
func number(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 32)
	return n, err == nil && n > 0
}

func (l *Ledger) toPartner(role invoicesync.PartnerRole, p apiPartner) invoicesync.Partner {
	n := p.CustomerNumber
	if role == invoicesync.Supplier {
		n = p.SupplierNumber
	}
	aux := ""
	if n > 0 {
		aux = itoa(n)
	}
	out := invoicesync.Partner{
		Ref:  invoicesync.PartnerRef{ID: itoa(p.ID), Name: p.Name, AuxiliaryAccount: aux},
		Role: role, Name: p.Name, RegistrationID: p.OrganizationNumber, AuxiliaryAccount: aux, Email: p.Email,
	}
	if a := p.PostalAddress; a != nil {
		out.Address = invoicesync.Address{PostalCode: a.PostalCode, City: a.City}
		for _, s := range []string{a.AddressLine1, a.AddressLine2} {
			if s != "" {
				out.Address.Lines = append(out.Address.Lines, s)
			}
		}
		if a.Country != nil {
			l.mu.Lock()
			out.Address.Country = l.countries[a.Country.ID]
			l.mu.Unlock()
			out.Country = out.Address.Country
		}
	}
	return out
}

// ListPartners returns every customer or supplier.
func (l *Ledger) ListPartners(ctx context.Context, role invoicesync.PartnerRole) ([]invoicesync.Partner, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := l.loadCountries(ctx); err != nil {
		return nil, err
	}
	all, err := getList[apiPartner](ctx, l, partnerPath(role), nil)
	if err != nil {
		return nil, fmt.Errorf("tripletex: listing %ss: %w", role, err)
	}
	out := make([]invoicesync.Partner, len(all))
	l.mu.Lock()
	for _, p := range all {
		l.partners[string(role)+"/"+itoa(p.ID)] = true
	}
	l.mu.Unlock()
	for i, p := range all {
		out[i] = l.toPartner(role, p)
	}
	return out, nil
}

// FindPartners returns the partners of q.Role whose q.Key equals q.Value
// (see the package comment for the keys Tripletex can compare).
func (l *Ledger) FindPartners(ctx context.Context, q invoicesync.PartnerQuery) ([]invoicesync.Partner, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch q.Key {
	case invoicesync.KeyVATNumber:
		return nil, fmt.Errorf("tripletex: customers and suppliers have no VAT number field: %w", invoicesync.ErrNotSupported)
	case invoicesync.KeyAuxiliaryAccount:
		if _, ok := number(q.Value); !ok && q.Value != "" {
			return nil, fmt.Errorf("tripletex: %s numbers are integers, %q cannot be one: %w", q.Role, q.Value, invoicesync.ErrNotSupported)
		}
	}
	match, err := q.Matcher()
	if err != nil {
		return nil, fmt.Errorf("tripletex: %w", err)
	}
	all, err := l.ListPartners(ctx, q.Role)
	if err != nil {
		return nil, err
	}
	out := []invoicesync.Partner{}
	for i := range all {
		if match(&all[i]) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// CreatePartner creates a customer or supplier. A numeric AuxiliaryAccount
// becomes its number; otherwise Tripletex numbers it, and the reference
// returned carries that number.
func (l *Ledger) CreatePartner(ctx context.Context, p invoicesync.Partner) (invoicesync.PartnerRef, error) {
	if err := ctx.Err(); err != nil {
		return invoicesync.PartnerRef{}, err
	}
	if p.Name == "" {
		return invoicesync.PartnerRef{}, fmt.Errorf("tripletex: a %s needs a name: %w", p.Role, invoicesync.ErrPartnerValidation)
	}
	body := apiPartner{Name: p.Name, OrganizationNumber: p.RegistrationID, Email: p.Email, InvoiceEmail: p.Email}
	n, numbered := number(p.AuxiliaryAccount)
	if p.Role == invoicesync.Supplier {
		body.IsSupplier = true
		if numbered {
			body.SupplierNumber = n
		}
	} else {
		body.IsCustomer = true
		if numbered {
			body.CustomerNumber = n
		}
	}
	addr := p.Address
	country := addr.Country
	if country == "" {
		country = p.Country
	}
	if len(addr.Lines) > 0 || addr.City != "" || addr.PostalCode != "" || country != "" {
		a := &apiAddress{PostalCode: addr.PostalCode, City: addr.City}
		if len(addr.Lines) > 0 {
			a.AddressLine1 = addr.Lines[0]
		}
		if len(addr.Lines) > 1 {
			a.AddressLine2 = strings.Join(addr.Lines[1:], ", ")
		}
		if country != "" {
			id, err := l.countryID(ctx, country)
			if err != nil {
				return invoicesync.PartnerRef{}, err
			}
			a.Country = refTo(id)
		}
		body.PostalAddress = a
	}
	var out single[apiPartner]
	if err := l.c.JSON(ctx, http.MethodPost, partnerPath(p.Role), nil, body, &out); err != nil {
		return invoicesync.PartnerRef{}, fmt.Errorf("tripletex: creating %s %q: %w", p.Role, p.Name, err)
	}
	l.mu.Lock()
	l.partners[string(p.Role)+"/"+itoa(out.Value.ID)] = true
	l.mu.Unlock()
	return l.toPartner(p.Role, out.Value).Ref, nil
}

// ensurePartner checks that the partner id of role exists.
func (l *Ledger) ensurePartner(ctx context.Context, role invoicesync.PartnerRole, id string) error {
	key := string(role) + "/" + id
	l.mu.Lock()
	known := l.partners[key]
	l.mu.Unlock()
	if known {
		return nil
	}
	if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
		return fmt.Errorf("tripletex: %s %q is not a Tripletex id: %w", role, id, invoicesync.ErrPartnerNotFound)
	}
	var out single[apiPartner]
	if err := l.c.JSON(ctx, http.MethodGet, partnerPath(role)+"/"+id, nil, nil, &out); err != nil {
		var ae *httpx.APIError
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			return fmt.Errorf("tripletex: %s %s no longer exists: %w", role, id, invoicesync.ErrPartnerNotFound)
		}
		return fmt.Errorf("tripletex: reading %s %s: %w", role, id, err)
	}
	l.mu.Lock()
	l.partners[key] = true
	l.mu.Unlock()
	return nil
}

// loadCountries reads the country list once.
func (l *Ledger) loadCountries(ctx context.Context) error {
	l.mu.Lock()
	done := l.countries != nil
	l.mu.Unlock()
	if done {
		return nil
	}
	all, err := getList[apiCountry](ctx, l, "/country", nil)
	if err != nil {
		return fmt.Errorf("tripletex: listing countries: %w", err)
	}
	m := make(map[int64]string, len(all))
	for _, c := range all {
		m[c.ID] = c.IsoAlpha2Code
	}
	l.mu.Lock()
	l.countries = m
	l.mu.Unlock()
	return nil
}

// countryID returns the Tripletex id of an ISO 3166-1 alpha-2 code.
func (l *Ledger) countryID(ctx context.Context, code string) (int64, error) {
	if err := l.loadCountries(ctx); err != nil {
		return 0, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, c := range l.countries {
		if strings.EqualFold(c, code) {
			return id, nil
		}
	}
	return 0, fmt.Errorf("tripletex: country %q is unknown to Tripletex", code)
}

// attachable are the media types Tripletex accepts as voucher attachments.
var attachable = []string{"application/pdf", "image/png", "image/jpeg", "image/tiff"}

// Attach uploads doc to the voucher ref (see the package comment).
func (l *Ledger) Attach(ctx context.Context, ref invoicesync.EntryRef, doc invoicesync.Document) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	mt := doc.MediaType
	if mt == "" {
		mt = http.DetectContentType(doc.Data)
	}
	mt, _, _ = strings.Cut(mt, ";")
	if !slices.ContainsFunc(attachable, func(t string) bool { return strings.EqualFold(t, mt) }) {
		return fmt.Errorf("tripletex: %s is %s; Tripletex attaches only PDF, PNG, JPEG and TIFF: %w", doc.FileName, mt, invoicesync.ErrNotSupported)
	}
	if _, err := strconv.ParseInt(ref.ID, 10, 64); err != nil {
		return fmt.Errorf("tripletex: voucher %q: %w", ref.ID, invoicesync.ErrNotFound)
	}
	var cur single[apiVoucher]
	if err := l.c.JSON(ctx, http.MethodGet, "/ledger/voucher/"+ref.ID, url.Values{"fields": {"id,attachment"}}, nil, &cur); err != nil {
		return fmt.Errorf("tripletex: reading voucher %s: %w", ref.ID, notFound(err))
	}
	if a := cur.Value.Attachment; a != nil && a.FileName == doc.FileName {
		return nil
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, doc.FileName))
	h.Set("Content-Type", mt)
	part, err := w.CreatePart(h)
	if err == nil {
		_, err = part.Write(doc.Data)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return fmt.Errorf("tripletex: encoding %s: %w", doc.FileName, err)
	}
	_, err = l.c.Do(ctx, &httpx.Request{Method: http.MethodPost, Path: "/ledger/voucher/" + ref.ID + "/attachment",
		Body: body.Bytes(), ContentType: w.FormDataContentType()})
	if err != nil {
		return fmt.Errorf("tripletex: attaching %s to voucher %s: %w", doc.FileName, ref.ID, notFound(err))
	}
	return nil
}
