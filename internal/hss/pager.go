package hss

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

// Paging modes, as reported in Result.Mode.
const (
	ModeOffset = "offset"   // pages addressed by offset
	ModeCursor = "line_num" // CCE: each page starts after the previous page's last line_num
)

// pageMargin is how many requests beyond ceil(total/limit) a read may
// make (retries aside) before it is declared runaway.
const pageMargin = 2

// maxCursorPages bounds a cursor read that total_num cannot bound (one
// started from a user-given line_num): 2 million records at 200 a page.
const maxCursorPages = 10000

// Result is a whole read.
type Result struct {
	TotalNum int64    // total_num of the first page
	Records  []Record // every record, in the service's order, each once (ListClusterAuditLogs only)
	Read     int64    // records read
	Mode     string   // ModeOffset or ModeCursor
	Requests int      // pages fetched, not counting retries
	Stopped  bool     // the visitor stopped the read before its end
	Warnings []string // the read is exact, but something is worth knowing
}

// Visitor receives each page's records, in the service's order, and says
// whether to read on.
type Visitor func(records []Record) (more bool)

// ListClusterAuditLogs reads every page of q, from q.Offset (or after
// q.LineNum) to the end, and returns the records exactly once each, or an
// error: never a partial list presented as complete.
//
// Records that carry line_num (CCE clusters) are paged by cursor: the next
// request carries the last record's line_num, offset stays as given. Others
// are paged by offset. The read ends at an empty or short page, or once
// total_num records are in. What the service may do wrong, and the outcome:
//
//   - a page repeats an earlier page, or the cursor does not advance: error;
//   - the pages end before total_num, or deliver more than it: error;
//   - total_num changes between pages: an error when paging by offset (the
//     pages shift, so records may be skipped or doubled), a warning when
//     paging by cursor (each page starts after a record, unaffected);
//   - more requests than ceil(total_num/limit)+2: error.
func (c *Client) ListClusterAuditLogs(ctx context.Context, q Query) (*Result, error) {
	records := []Record{}
	res, err := c.WalkClusterAuditLogs(ctx, q, func(page []Record) bool {
		records = append(records, page...)
		return true
	})
	if err != nil {
		return nil, err
	}
	res.Records = records
	return res, nil
}

// WalkClusterAuditLogs reads q as ListClusterAuditLogs does, handing each
// page to visit instead of keeping it, so a caller can filter as it goes
// and stop early. The pages handed over have passed the paging checks; a
// read the visitor stops skips the end-of-read count check.
func (c *Client) WalkClusterAuditLogs(ctx context.Context, q Query, visit Visitor) (*Result, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	p := pager{
		c: c, q: q, visit: visit,
		path: "/v5/" + url.PathEscape(c.cfg.ProjectID) + "/container/kubernetes/cluster/audit-logs",
		res:  &Result{Mode: ModeOffset},
	}
	if err := p.run(ctx); err != nil {
		return nil, err
	}
	return p.res, nil
}

type pager struct {
	c     *Client
	q     Query
	visit Visitor
	path  string
	res   *Result
}

func (p *pager) run(ctx context.Context) error {
	offset, cursor := p.q.Offset, p.q.LineNum
	expected := int64(-1) // records the read must end with, when total_num says
	maxPages := maxCursorPages
	seenPages := map[[32]byte]string{}
	seenCursors := map[string]bool{}
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
				maxPages = int((expected+p.q.Limit-1)/p.q.Limit) + pageMargin
			}
			if len(pg.Records) > 0 && pg.Records[len(pg.Records)-1].LineNum != "" {
				p.res.Mode = ModeCursor
			}
		} else if pg.TotalNum != p.res.TotalNum {
			msg := fmt.Sprintf("total_num changed from %d to %d during the read: logs were added to or expired from the window", p.res.TotalNum, pg.TotalNum)
			if p.res.Mode == ModeOffset {
				return &PagingError{Page: label, Reason: msg + "; offset pages shift when that happens, so records may be skipped or doubled. " +
					"Retry, or end the window (end_time) a few minutes in the past, where logs no longer arrive"}
			}
			p.res.Warnings = append(p.res.Warnings, fmt.Sprintf("%s (page %s); paging by line_num is unaffected, the records read are the window as of the first page", msg, label))
		}
		if len(pg.Records) > 0 {
			sum := pageSum(pg.Records)
			if first, dup := seenPages[sum]; dup {
				return &PagingError{Page: label, Reason: fmt.Sprintf("the service returned the same records as for page %s; it does not honour %s", first, p.res.Mode)}
			}
			seenPages[sum] = label
		}
		p.res.Read += int64(len(pg.Records))
		got := p.res.Read
		if !p.visit(pg.Records) {
			p.res.Stopped = true
			return nil
		}

		if len(pg.Records) == 0 || int64(len(pg.Records)) < p.q.Limit || (expected >= 0 && got >= expected) {
			break
		}
		if p.res.Requests >= maxPages {
			return &PagingError{Page: label, Reason: fmt.Sprintf("still receiving full pages after %d requests although total_num is %d", p.res.Requests, p.res.TotalNum)}
		}
		if p.res.Mode == ModeCursor {
			next := pg.Records[len(pg.Records)-1].LineNum
			if next == "" || next == cursor || seenCursors[next] {
				return &PagingError{Page: label, Reason: fmt.Sprintf("the line_num cursor does not advance: the last record's line_num %q was already used", next)}
			}
			seenCursors[next] = true
			cursor = next
		} else {
			offset += int64(len(pg.Records))
		}
	}
	if got := p.res.Read; expected >= 0 && got != expected {
		would := "incomplete"
		if got > expected {
			would = "longer than announced"
		}
		return &PagingError{Page: pageLabel(offset, cursor), Reason: fmt.Sprintf(
			"the service announced total_num %d (%d records from offset %d) but its pages held %d; the list would be %s",
			p.res.TotalNum, expected, p.q.Offset, got, would)}
	}
	return nil
}

// pageSum identifies a page by its records, to spot a page served twice.
func pageSum(recs []Record) [32]byte {
	h := sha256.New()
	for _, r := range recs {
		for _, f := range []string{r.ClusterID, strconv.FormatInt(r.Time, 10), r.LineNum, r.HostID, r.HostName, r.HostIP, r.ClusterName, r.ClusterType, r.Content} {
			_, _ = h.Write([]byte(strconv.Itoa(len(f))))
			_, _ = h.Write([]byte{':'})
			_, _ = h.Write([]byte(f))
		}
	}
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s
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
