package auditlogs

import (
	"context"
	"fmt"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
)

// row is a record with its content parsed, once.
type row struct {
	hss.Record
	Event *k8saudit.Event // nil when content is not an audit event
}

// narrowing is what the data source does to the records after paging.
type narrowing struct {
	maxResults int64 // 0: no limit
	filter     *filterSpec
}

// outcome is a finished read, ready to become state.
type outcome struct {
	rows     []row
	total    int64
	warnings []warning
}

// warning is a diagnostic of a read that succeeded.
type warning struct{ summary, detail string }

// readRows pages through q, parses each record's content, keeps what the
// filter matches and stops once maxResults are kept. It is the read both
// of the framework's path and of any other path that serves the data
// source, so they cannot differ.
func readRows(ctx context.Context, l Lister, q hss.Query, n narrowing) (outcome, error) {
	out := outcome{rows: []row{}}
	extra := false // a matching record was left out by max_results
	res, err := l.WalkClusterAuditLogs(ctx, q, func(page []hss.Record) bool {
		for _, r := range page {
			ev, _ := k8saudit.Parse(r.Content)
			if !n.filter.match(ev) {
				continue
			}
			if n.maxResults > 0 && int64(len(out.rows)) >= n.maxResults {
				extra = true
				break
			}
			out.rows = append(out.rows, row{Record: r, Event: ev})
		}
		return !extra && (n.maxResults == 0 || int64(len(out.rows)) < n.maxResults)
	})
	if err != nil {
		return outcome{}, err
	}
	out.total = res.TotalNum
	for _, w := range res.Warnings {
		out.warnings = append(out.warnings, warning{"Audit-log read completed with a discrepancy", w + "."})
	}
	if n.maxResults > 0 && res.Stopped && (extra || moreToRead(res, q)) {
		out.warnings = append(out.warnings, warning{"Audit-log list truncated at max_results", fmt.Sprintf(
			"data_list holds the first %d matching records (max_results = %d) and the read stopped there, "+
				"after %d of the window's %d records: more may match. Raise max_results or narrow the window to see them all.",
			n.maxResults, n.maxResults, res.Read, res.TotalNum)})
	}
	return out, nil
}

// moreToRead says whether a stopped read left records of the window unread.
func moreToRead(res *hss.Result, q hss.Query) bool {
	if q.LineNum != "" {
		return true // no count to compare with
	}
	return res.Read < res.TotalNum-q.Offset
}
