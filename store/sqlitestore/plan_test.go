package sqlitestore

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/invoicesync/invoicesync"
)

// TestListQueryPlan checks with EXPLAIN QUERY PLAN that List reads a page
// by an index range scan in invoice id order: by status through
// states_by_status, one range per status merged, and without status through
// the primary key; never a SCAN of the table nor a sort (a temporary
// B-tree), whose cost grows with the namespace's states.
func TestListQueryPlan(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	const (
		waiting = invoicesync.StateWaiting
		pending = invoicesync.StatePending
		failed  = invoicesync.StateError
	)
	for _, tc := range []struct {
		statuses []invoicesync.SyncStatus
		index    string
		searches int
	}{
		{nil, "sqlite_autoindex_states_1 (namespace=? AND invoice_id>?)", 1},
		{[]invoicesync.SyncStatus{failed}, "states_by_status (namespace=? AND status=? AND invoice_id>?)", 1},
		{[]invoicesync.SyncStatus{failed, failed}, "states_by_status (namespace=? AND status=? AND invoice_id>?)", 1},
		{[]invoicesync.SyncStatus{pending, failed}, "states_by_status (namespace=? AND status=? AND invoice_id>?)", 2},
		{[]invoicesync.SyncStatus{waiting, pending, failed}, "states_by_status (namespace=? AND status=? AND invoice_id>?)", 3},
	} {
		query, args := listQuery(tc.statuses)
		args = append([]any{"ns", "inv-1", pageSize}, args...)
		rows, err := db.sql.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
		require.NoError(t, err)
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
			plan = append(plan, detail)
		}
		require.NoError(t, rows.Err())
		rows.Close()
		text := strings.Join(plan, "\n")
		searches := 0
		for _, line := range plan {
			require.NotContains(t, line, "SCAN states", "statuses %v, plan:\n%s", tc.statuses, text)
			require.NotContains(t, line, "TEMP B-TREE", "statuses %v, plan:\n%s", tc.statuses, text)
			if strings.HasPrefix(line, "SEARCH states") {
				require.Equal(t, "SEARCH states USING INDEX "+tc.index, line, "statuses %v, plan:\n%s", tc.statuses, text)
				searches++
			}
		}
		require.Equal(t, tc.searches, searches, "statuses %v, plan:\n%s", tc.statuses, text)
	}
}
