package invoicesync_test

import (
	"testing"

	"github.com/invoicesync/invoicesync"
	"github.com/invoicesync/invoicesync/store/storetest"
)

// TestMemoryStoreConformance runs the StateStore conformance suite on MemoryStore.
func TestMemoryStoreConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) invoicesync.StateStore { return invoicesync.NewMemoryStore() })
}
