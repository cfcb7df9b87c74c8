package invoicesync_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/invoicesync/invoicesync"
)

func TestSyncErrorIsCodeAndCause(t *testing.T) {
	cause := fmt.Errorf("GET /invoice/7/pdf: 503: %w", invoicesync.ErrTemporary)
	err := fmt.Errorf("syncing: %w", &invoicesync.SyncError{
		Code: invoicesync.CodePDF, InvoiceID: "7", InvoiceNumber: "F-7", Message: "the PDF could not be downloaded",
		Resolution: "try again later", Err: cause,
	})
	assert.ErrorIs(t, err, invoicesync.ErrPDF)
	assert.ErrorIs(t, err, invoicesync.ErrTemporary)
	assert.NotErrorIs(t, err, invoicesync.ErrAmountValidation)
	assert.Equal(t, invoicesync.CodePDF, invoicesync.Code(err))
	assert.True(t, invoicesync.Retryable(err))
	assert.Equal(t, "ERROR_SYNC_INVOICE_PDF: invoice F-7: the PDF could not be downloaded: GET /invoice/7/pdf: 503: invoicesync: temporary failure",
		errors.Unwrap(err).Error())
	var se *invoicesync.SyncError
	assert.ErrorAs(t, err, &se)
	assert.Equal(t, "7", se.InvoiceID)
}

func TestErrorText(t *testing.T) {
	err := &invoicesync.SyncError{
		Code: invoicesync.CodeAmountValidation, InvoiceNumber: "F-1", Line: 3, Field: "Totals.Gross (BT-112)",
		Value: "120.50", Expected: "120.00", Message: "totals disagree",
	}
	assert.Equal(t, `ERROR_SYNC_INVOICE_AMOUNT_VALIDATION: invoice F-1, line 3: totals disagree (Totals.Gross (BT-112) is "120.50" expected "120.00")`, err.Error())
}

func TestCodeOfAWrappedSentinel(t *testing.T) {
	err := fmt.Errorf("posting: account 706: %w", invoicesync.ErrAccountNumberNotFound)
	assert.Equal(t, invoicesync.CodeAccountNumberNotFound, invoicesync.Code(err))
	assert.Equal(t, invoicesync.ErrorCode(""), invoicesync.Code(errors.New("plain")))
	assert.Equal(t, invoicesync.ErrorCode(""), invoicesync.Code(nil))
}

func TestRetryable(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"temporary", fmt.Errorf("503: %w", invoicesync.ErrTemporary), true},
		{"temporary but the context was cancelled", errors.Join(invoicesync.ErrTemporary, context.Canceled), false},
		{"deadline exceeded", fmt.Errorf("post: %w", context.DeadlineExceeded), false},
		{"validation", &invoicesync.SyncError{Code: invoicesync.CodeAccountNumberNotFound}, false},
		{"validation wrapping a temporary cause", &invoicesync.SyncError{Code: invoicesync.CodePDF, Err: invoicesync.ErrTemporary}, true},
		{"unknown", errors.New("boom"), false},
		{"an error that decides", retryableErr(true), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, invoicesync.Retryable(tc.err))
		})
	}
}

type retryableErr bool

func (r retryableErr) Error() string   { return "decides" }
func (r retryableErr) Retryable() bool { return bool(r) }

func TestCodesAreDistinctAndPrefixed(t *testing.T) {
	seen := map[invoicesync.ErrorCode]bool{}
	for _, c := range invoicesync.Codes() {
		assert.Regexp(t, `^ERROR_SYNC_INVOICE_[A-Z_]+$`, string(c))
		assert.False(t, seen[c], "duplicate %s", c)
		seen[c] = true
		assert.ErrorIs(t, &invoicesync.SyncError{Code: c}, sentinelOf(c), string(c))
	}
	assert.Len(t, seen, 23)
}

func sentinelOf(c invoicesync.ErrorCode) error {
	for _, e := range []error{
		invoicesync.ErrAccountNumberNotFound, invoicesync.ErrAccountNumberNotActive, invoicesync.ErrPartnerNotFound,
		invoicesync.ErrAmountValidation, invoicesync.ErrContactNotFound, invoicesync.ErrJournalNotLinked,
		invoicesync.ErrLineValidation, invoicesync.ErrMappingTaxRateNotFound, invoicesync.ErrPartnerValidation,
		invoicesync.ErrPDF, invoicesync.ErrMappingJournalNotFound, invoicesync.ErrVATCodeNotFound,
		invoicesync.ErrCurrencyValidation, invoicesync.ErrNothingToPost, invoicesync.ErrMappingInvalid,
		invoicesync.ErrInvoiceValidation, invoicesync.ErrChangedAfterSync, invoicesync.ErrLedgerFailure,
		invoicesync.ErrSourceFailure, invoicesync.ErrPartnerAmbiguous, invoicesync.ErrUnreadable, invoicesync.ErrCancelledAfterSync,
		invoicesync.ErrDuplicate,
	} {
		if invoicesync.Code(e) == c {
			return e
		}
	}
	return nil
}
