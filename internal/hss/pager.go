package hss

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
)

// Paging modes, as reported in Result.Mode.
const (
	ModeOffset = "offset"   // pages addressed by offset
	ModeCursor = "line_num" // CCE: each page starts after the previous page's last line_num
)

// maxCursorPages bounds a cursor read whose total_num cannot bound it
// (a read that started from a user-given line_num): 2 million records.
const maxCursorPages = 10000

// Result is a whole read.
type Result struct {
	TotalNum int64    // total_num of the first page
	Records  []Record // every record, in the service's order
	Mode     string   // ModeOffset or ModeCursor
	Requests int      // pages fetched, not counting retries
	Warnings []string // the read completed, but not as the service announced
}

// ListClusterAuditLogs reads every page of q, from q.Offset (or after
// q.LineNum) to the end.
//
// Records that carry line_num (CCE clusters) are paged by cursor: the next
// request carries the last record's line_num, offset stays as given. Others
// are paged by offset. The read stops at an empty or short page, or once
// total_num records are in; a page that makes no progress (the same page
// again, a cursor that does not move) is an error, never a silent end.
func (c *Client) ListClusterAuditLogs(ctx context.Context, q Query) (*Result, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	path := "/v5/" + url.PathEscape(c.cfg.ProjectID) + "/container/kubernetes/cluster/audit-logs"
	p := pager{c: c, q: q, path: path, res: &Result{Mode: ModeOffset, Records: []Record{}}}
	if err := p.run(ctx); err != nil {
		return nil, err
	}
	return p.res, nil
}

type pager struct {
	c    *Client
	q    Query
	path string
	res  *Result
}

func (p *pager) run(ctx context.Context) error {
	offset, cursor := p.q.Offset, p.q.LineNum
	expected := int64(-1) // records the read should end with, when total_num says
	var prev []Record
	seenCursors := map[string]bool{}
	maxPages := maxCursorPages
	for {
		label := pageLabel(offset, cursor)
		pg, err := p.fetch(ctx, offset, cursor, label)
		if err != nil {
			return err
		}
		p.res.Requests++
		if p.res.Requests == 1 {
			p.res.TotalNum = pg.TotalNum
			if p.q.LineNum == "" {
				expected = max(pg.TotalNum-p.q.Offset, 0)
				// A margin of two pages over what total_num announces.
				maxPages = int((expected+p.q.Limit-1)/p.q.Limit) + 2
			}
			if len(pg.Records) > 0 && pg.Records[len(pg.Records)-1].LineNum != "" {
				p.res.Mode = ModeCursor
			}
		} else if pg.TotalNum != p.res.TotalNum {
			p.res.Warnings = append(p.res.Warnings, fmt.Sprintf(
				"total_num changed from %d to %d during the read (page %s): logs were added or expired meanwhile", p.res.TotalNum, pg.TotalNum, label))
		}
		if len(pg.Records) > 0 && prev != nil && slices.Equal(pg.Records, prev) {
			return &PagingError{Page: label, Reason: "the service returned the same records as the previous page; it does not honour " + p.res.Mode}
		}
		p.res.Records = append(p.res.Records, pg.Records...)
		got := int64(len(p.res.Records))

		if len(pg.Records) == 0 || int64(len(pg.Records)) < p.q.Limit || (expected >= 0 && got >= expected) {
			break
		}
		if p.res.Requests >= maxPages {
			return &PagingError{Page: label, Reason: fmt.Sprintf(
				"still receiving full pages after %d requests although total_num is %d", p.res.Requests, p.res.TotalNum)}
		}
		if p.res.Mode == ModeCursor {
			next := pg.Records[len(pg.Records)-1].LineNum
			if next == "" || next == cursor || seenCursors[next] {
				return &PagingError{Page: label, Reason: fmt.Sprintf(
					"the line_num cursor does not advance (last record's line_num %q was already used)", next)}
			}
			seenCursors[next] = true
			cursor = next
		} else {
			offset += int64(len(pg.Records))
		}
		prev = pg.Records
	}
	if got := int64(len(p.res.Records)); expected >= 0 && got != expected {
		p.res.Warnings = append(p.res.Warnings, fmt.Sprintf(
			"the service announced total_num %d (%d records from offset %d) but returned %d", p.res.TotalNum, expected, p.q.Offset, got))
	}
	return nil
}

// fetch reads and decodes one page.
func (p *pager) fetch(ctx context.Context, offset int64, cursor, label string) (page, error) {
	a, err := p.c.get(ctx, p.path, p.q.params(offset, cursor), label)
	if err != nil {
		return page{}, err
	}
	pg, err := decodePage(a.body)
	if err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			// A 2xx answer that carries an error body.
			apiErr.StatusCode, apiErr.RequestID, apiErr.Page, apiErr.Attempts = 200, a.requestID, label, a.attempts
			return page{}, apiErr
		}
		return page{}, &APIError{StatusCode: 200, RequestID: a.requestID, Page: label, Attempts: a.attempts, Err: err}
	}
	p.c.cfg.Logger.Debug(ctx, "read HSS audit-log page", map[string]any{
		"page": label, "records": len(pg.Records), "total_num": pg.TotalNum, "request_id": a.requestID,
	})
	return pg, nil
}

func pageLabel(offset int64, cursor string) string {
	if cursor != "" {
		return "line_num=" + cursor
	}
	return fmt.Sprintf("offset=%d", offset)
}

// PagingError is a read the service's pages could not complete faithfully.
type PagingError struct {
	Page   string
	Reason string
}

func (e *PagingError) Error() string {
	return fmt.Sprintf("paging stopped at page %s: %s", e.Page, e.Reason)
}
