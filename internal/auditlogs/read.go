package auditlogs

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
	"github.com/hss-tf/terraform-provider-hss/internal/safetext"
	"github.com/hss-tf/terraform-provider-hss/internal/timefmt"
)

// row is a record with its content parsed, once.
type row struct {
	hss.Record
	Event     *k8saudit.Event // nil when content is not an audit event
	noContent bool            // content_mode = "none": content is null
}

// narrowing is what the data source does to the records after paging.
type narrowing struct {
	maxResults int64 // 0: no limit
	filter     *filterSpec
	strict     bool     // malformed events fail the read
	content    string   // content_mode: ContentRedacted, ContentRaw or ContentNone
	groupBy    []string // group_by keys; none: no counting
	noRecords  bool     // include_records = false: no rows are kept
}

// The values of content_mode.
const (
	ContentRedacted = "redacted"
	ContentRaw      = "raw"
	ContentNone     = "none"
)

// ContentModes are content_mode's values, the default first.
var ContentModes = []string{ContentRedacted, ContentRaw, ContentNone}

// outcome is a finished read, ready to become state.
type outcome struct {
	rows      []row
	total     int64
	malformed malformedRecords
	warnings  []warning
	groups    []*group // with group_by: the counts, sorted; nil without
}

// malformedRecords are the records read whose content claims to be an
// audit event and fails strict parsing.
type malformedRecords struct {
	n, filtered int64    // how many; how many of them filter left out
	first       []string // the first few, for the message
}

const malformedShown = 5

func (m *malformedRecords) add(r hss.Record, filtered bool) {
	m.n++
	if filtered {
		m.filtered++
	}
	if len(m.first) < malformedShown {
		id := k8saudit.MalformedAuditID(r.Content)
		if id == "" {
			id = "no readable auditID"
		}
		m.first = append(m.first, fmt.Sprintf("%s (audit ID %s)", timefmt.UnixMilli(r.Time), safetext.Truncate(safetext.Escape(id), 64)))
	}
}

// stateBudget is the most state a read may build, in the bytes of its
// msgpack encoding: Terraform's plugin protocol carries at most 256 MiB in
// a message, and the plan holds the state besides; a read stops well
// before, rather than fail inside gRPC after minutes of calls.
var stateBudget = func() *atomic.Int64 { var b atomic.Int64; b.Store(192 << 20); return &b }()

// StateTooLargeError is a window whose records would not fit in state.
type StateTooLargeError struct {
	Kept, Read, Total int64 // records kept, read, in the window
	Bytes, Budget     int64
}

func (e *StateTooLargeError) Error() string {
	return fmt.Sprintf("the %d records kept of the %d read (of the window's %d) already take %d MiB of state, beyond the %d MiB "+
		"a read may build below the 256 MiB that Terraform's plugin protocol carries in one message",
		e.Kept, e.Read, e.Total, e.Bytes>>20, e.Budget>>20)
}

// MalformedEventsError fails a read with strict_events.
type MalformedEventsError struct{ m malformedRecords }

func (e *MalformedEventsError) Error() string { return e.m.describe() }

func (m malformedRecords) describe() string {
	s := fmt.Sprintf("%d records claim to be Kubernetes audit events (their apiVersion is the audit API's) but fail strict parsing: "+
		"truncated, with trailing data, a kind other than exactly \"Event\", or duplicate or case-variant keys among the event's own fields, "+
		"which the API server would refuse and which could pass one user off as another. The first: %s",
		m.n, strings.Join(m.first, ", "))
	if m.n > int64(len(m.first)) {
		s += fmt.Sprintf(", and %d more", m.n-int64(len(m.first)))
	}
	return s
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
	var stateBytes int64
	var tooLarge *StateTooLargeError
	budget := stateBudget.Load()
	groups := newGrouper(n.groupBy)
	var kept int64 // records that passed filter and count against max_results
	res, err := l.WalkClusterAuditLogs(ctx, q, func(page []hss.Record) bool {
		for _, r := range page {
			ev, kind := k8saudit.Parse(r.Content)
			matched := n.filter.match(ev)
			full := n.maxResults > 0 && kept >= n.maxResults
			if matched && full && groups == nil {
				extra = true // beyond max_results: neither kept nor counted
				break
			}
			if kind == k8saudit.Malformed {
				out.malformed.add(r, !matched)
			}
			if !matched {
				continue
			}
			if groups != nil {
				groups.add(&r, ev) // every match of the window, max_results or not
			}
			if full {
				extra = true
				continue
			}
			kept++
			if n.noRecords {
				continue // include_records = false: counted, not kept
			}
			// The event is the original's; the content kept is the mode's.
			// r is this read's copy: the records of a shared read stay as
			// the service sent them.
			switch n.content {
			case ContentNone:
				r.Content = ""
			case ContentRaw:
			default:
				r.Content, _ = k8saudit.Redact(r.Content)
			}
			out.rows = append(out.rows, row{Record: r, Event: ev, noContent: n.content == ContentNone})
			// What the rows will take in state, exactly as the encoder
			// counts it: stop before Terraform's plugin protocol refuses it.
			c := writer{count: true}
			c.record(&out.rows[len(out.rows)-1])
			if stateBytes += int64(c.n); stateBytes > budget {
				tooLarge = &StateTooLargeError{Kept: int64(len(out.rows)), Bytes: stateBytes, Budget: budget}
				return false
			}
		}
		if groups != nil {
			return true // counts cover the whole window
		}
		return !extra && (n.maxResults == 0 || kept < n.maxResults)
	})
	if err != nil {
		return outcome{}, err
	}
	if tooLarge != nil {
		tooLarge.Read, tooLarge.Total = res.Read, res.TotalNum
		return outcome{}, tooLarge
	}
	out.total = res.TotalNum
	if groups != nil {
		out.groups = groups.sorted()
	}
	if m := out.malformed; m.n > 0 {
		if n.strict {
			return outcome{}, &MalformedEventsError{m}
		}
		detail := m.describe() + ". Their event is null and no filter matches them"
		if n.filter != nil {
			detail += fmt.Sprintf(": filter left out %d of them, which may be what it looks for", m.filtered)
		}
		out.warnings = append(out.warnings, warning{"Audit-log records with malformed events", detail +
			". Look at their content; strict_events = true makes this an error."})
	}
	for _, w := range res.Warnings {
		out.warnings = append(out.warnings, warning{"Audit-log read completed with a discrepancy", w + "."})
	}
	if n.maxResults > 0 && res.Stopped && (extra || moreToRead(res, q)) {
		out.warnings = append(out.warnings, warning{"Audit-log list truncated at max_results", fmt.Sprintf(
			"data_list holds the first %d matching records (max_results = %d) and the read stopped there, "+
				"after %d of the window's %d records: more may match. Raise max_results or narrow the window to see them all.",
			n.maxResults, n.maxResults, res.Read, res.TotalNum)})
	}
	if n.maxResults > 0 && groups != nil && extra && !n.noRecords {
		out.warnings = append(out.warnings, warning{"Audit-log list truncated at max_results", fmt.Sprintf(
			"data_list holds the first %d matching records (max_results = %d); group_counts counts every matching record of the window.",
			n.maxResults, n.maxResults)})
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
