package hss

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"

	"github.com/hss-tf/terraform-provider-hss/internal/safetext"
)

// Paging modes, as reported in Result.Mode.
const (
	ModeOffset = "offset"   // pages addressed by offset
	ModeCursor = "line_num" // CCE: each page starts after the previous page's last line_num
)

// pageMargin is how many requests beyond ceil(total/limit) a cursor read
// may make (retries aside) before it is declared runaway.
const pageMargin = 2

// maxCursorPages bounds a cursor read that total_num cannot bound (one
// started from a user-given line_num): 2 million records at 200 a page.
const maxCursorPages = 10000

// MaxTotalNum is the most records a read accepts a window to announce:
// 100 million records would be half a million calls, years under the
// documented quota, and gigabytes of state. A larger total_num is taken
// for a service fault, and keeps the page arithmetic far from overflow.
const MaxTotalNum = 100_000_000

// Result is a whole read.
type Result struct {
	TotalNum int64    // total_num of the first page
	Records  []Record // every record, in the service's order, each once (ListClusterAuditLogs only)
	Read     int64    // records read
	Mode     string   // ModeOffset or ModeCursor
	Requests int      // pages fetched, not counting retries
	Stopped  bool     // the visitor stopped the read before its end
	Changed  bool     // total_num changed during the read: exact as of its first page, but the window moved (cursor paging)
	Warnings []string // the read is exact, but something is worth knowing
}

// Visitor receives each page's records, in the service's order, and says
// whether to read on.
type Visitor func(records []Record) (more bool)

// ListClusterAuditLogs reads every page of q, from q.Offset (or after
// q.LineNum) to the end, and returns the records exactly once each, or an
// error: never a partial list presented as complete.
//
// Records that carry line_num (CCE clusters) are paged by cursor, one page
// after another: the next request carries the last record's line_num,
// offset stays as given. Others are paged by offset: once the first page
// gives total_num, the remaining pages are fetched MaxConcurrency at a time
// and handed over in order. The read ends at an empty or short page, or
// once total_num records are in. What the service may do wrong, and the
// outcome:
//
//   - a page repeats an earlier page, or the cursor does not advance: error;
//   - a page holds more than limit records: error;
//   - the pages end before total_num, or deliver more than it: error;
//   - total_num changes between pages: an error when paging by offset (the
//     pages shift, so records may be skipped or doubled), a warning when
//     paging by cursor (each page starts after a record, unaffected);
//   - more requests than ceil(total_num/limit) (plus 2 by cursor): error.
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
	q.onTotal = TotalHook(ctx)
	if cut, ok := c.settleCut(q); ok {
		return c.walkSplit(ctx, q, cut, visit)
	}
	return c.walk(ctx, q, visit)
}

type totalKey struct{}

// WithTotal returns a context under which a read tells f the window's
// total_num as soon as its first page gives it, before it hands over any
// record: a reader that shares a read and stops early (internal/reads)
// learns the window's count without waiting for the read's end. The total
// is the one Result.TotalNum gives a read stopped after its first page.
func WithTotal(ctx context.Context, f func(total int64)) context.Context {
	return context.WithValue(ctx, totalKey{}, f)
}

// TotalHook is the f of WithTotal, or nil. A Lister that assembles a read
// from parts (internal/cache) calls it with the whole window's count, and
// hides it from the reads of the parts (WithTotal(ctx, nil)).
func TotalHook(ctx context.Context) func(int64) {
	f, _ := ctx.Value(totalKey{}).(func(int64))
	return f
}

// walk reads one window, without splitting it.
func (c *Client) walk(ctx context.Context, q Query, visit Visitor) (*Result, error) {
	p := pager{
		c: c, q: q, visit: visit,
		path:     "/v5/" + url.PathEscape(c.cfg.ProjectID) + "/container/kubernetes/cluster/audit-logs",
		res:      &Result{Mode: ModeOffset},
		expected: -1,
		records:  q.seen,
	}
	if p.records == nil {
		p.records = &recordSet{}
	}
	defer c.quota.setPending(&p, 0)
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

	expected  int64      // records the read must end with, when total_num says; -1 when it cannot
	records   *recordSet // every record handed over, by identity
	stats     readStats
	costSaid  bool         // the read's cost was logged
	fetched   atomic.Int64 // pages fetched and decoded
	haveTotal bool         // the first page has given total_num
}

func (p *pager) run(ctx context.Context) error {
	label := pageLabel(p.q.Offset, p.q.LineNum)
	first, err := p.fetch(ctx, p.q.Offset, p.q.LineNum, label, nil)
	if err != nil {
		return err
	}
	if first.TotalNum > MaxTotalNum {
		return &PagingError{Page: label, Reason: fmt.Sprintf(
			"total_num is %d, more than the %d records a read can hold (%d calls at the largest page): not a plausible window; "+
				"narrow the window (start_time, end_time)", first.TotalNum, int64(MaxTotalNum), int64(MaxTotalNum)/MaxLimit)}
	}
	p.res.TotalNum, p.haveTotal = first.TotalNum, true
	if p.q.onTotal != nil {
		p.q.onTotal(first.TotalNum)
	}
	if p.q.LineNum == "" {
		p.expected = max(first.TotalNum-p.q.Offset, 0)
	} else if p.q.after > 0 {
		p.expected = p.q.after
	}
	if n := len(first.Records); n > 0 && first.Records[n-1].LineNum != "" {
		p.res.Mode = ModeCursor
	}
	if more, err := p.accept(label, first); err != nil || !more {
		return err
	}
	if !p.ended(first) {
		if err := p.checkQuota(ctx); err != nil {
			return err
		}
		switch {
		case p.res.Mode == ModeCursor:
			err = p.byCursor(ctx, first)
		case p.q.LineNum != "":
			err = &PagingError{Page: label, Reason: "line_num was given but the records carry none, so there is no cursor to page on; leave line_num unset"}
		default:
			err = p.byOffset(ctx)
		}
		if err != nil || p.res.Stopped {
			return err
		}
	}
	return p.checkCount(label)
}

// accept checks a page against the ones before it and hands it over. It
// reports whether to read on.
func (p *pager) accept(label string, pg page) (bool, error) {
	if p.res.Requests > 1 && pg.TotalNum != p.res.TotalNum {
		msg := fmt.Sprintf("total_num changed from %d to %d during the read: logs were added to or expired from the window", p.res.TotalNum, pg.TotalNum)
		if p.res.Mode == ModeOffset {
			return false, &PagingError{Page: label, Shifted: true, Reason: msg + "; offset pages shift when that happens, so records may be skipped or doubled. " +
				"Retry, or end the window (end_time) a few minutes in the past, where logs no longer arrive"}
		}
		p.res.Warnings = append(p.res.Warnings, fmt.Sprintf("%s (page %s); paging by line_num is unaffected, the records read are the window as of the first page", msg, label))
		p.res.Changed = true
	}
	if int64(len(pg.Records)) > p.q.Limit {
		return false, &PagingError{Page: label, Reason: fmt.Sprintf("the page holds %d records, more than limit (%d)", len(pg.Records), p.q.Limit)}
	}
	if len(pg.Records) > 0 {
		if err := p.records.add(pg.Records, label, p.res.Mode, &p.res.Warnings); err != nil {
			return false, err
		}
	}
	p.res.Read += int64(len(pg.Records))
	if !p.visit(pg.Records) {
		p.res.Stopped = true
		return false, nil
	}
	return true, nil
}

// ended says whether pg is the last page of the read.
func (p *pager) ended(pg page) bool {
	return len(pg.Records) == 0 || int64(len(pg.Records)) < p.q.Limit || (p.expected >= 0 && p.res.Read >= p.expected)
}

func (p *pager) checkCount(label string) error {
	if got := p.res.Read; p.expected >= 0 && got != p.expected {
		would := "incomplete"
		if got > p.expected {
			would = "longer than announced"
		}
		return &PagingError{Page: label, Reason: fmt.Sprintf(
			"the service announced total_num %d (%d records from offset %d) but its pages held %d; the list would be %s",
			p.res.TotalNum, p.expected, p.q.Offset, got, would)}
	}
	return nil
}

// byCursor reads one page after another, each after the last record of
// the one before.
func (p *pager) byCursor(ctx context.Context, pg page) error {
	maxPages := maxCursorPages
	if p.expected >= 0 {
		maxPages = int((p.expected+p.q.Limit-1)/p.q.Limit) + pageMargin
	}
	cursor, label := p.q.LineNum, pageLabel(p.q.Offset, p.q.LineNum)
	seen := map[string]bool{}
	for !p.ended(pg) {
		if p.res.Requests >= maxPages {
			return &PagingError{Page: label, Reason: fmt.Sprintf("still receiving full pages after %d requests although total_num is %d", p.res.Requests, p.res.TotalNum)}
		}
		next := pg.Records[len(pg.Records)-1].LineNum
		if next == "" || next == cursor || seen[next] {
			return &PagingError{Page: label, Reason: fmt.Sprintf("the line_num cursor does not advance: the last record's line_num %q was already used", next)}
		}
		seen[next] = true
		cursor, label = next, pageLabel(p.q.Offset, next)
		if err := p.checkQuota(ctx); err != nil {
			return err
		}
		var err error
		if pg, err = p.fetch(ctx, p.q.Offset, cursor, label, nil); err != nil {
			return err
		}
		if more, err := p.accept(label, pg); err != nil || !more {
			return err
		}
	}
	return nil
}

// byOffset fetches the pages after the first, which was full, up to
// total_num: MaxConcurrency at a time, fewer while the service throttles,
// and hands them over in order. Exactly ceil(expected/limit) pages are
// asked for in all.
func (p *pager) byOffset(ctx context.Context) error {
	limit := p.q.Limit
	pages := int((p.expected + limit - 1) / limit)
	if pages <= 1 {
		return nil
	}
	var wg sync.WaitGroup
	defer wg.Wait() // no fetch outlives the read; runs after cancel below
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	lim := newLimiter(p.c.cfg.MaxConcurrency)
	type result struct {
		pg  page
		err error
	}
	// Futures in page order; the buffer bounds the pages fetched ahead of
	// the one handed over next, so memory stays O(concurrency) whatever
	// total_num claims.
	futures := make(chan chan result, p.c.cfg.MaxConcurrency)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(futures)
		for i := 1; i < pages; i++ {
			f := make(chan result, 1)
			if lim.acquire(ctx) != nil {
				return // the read ended; the loop below reports why
			}
			select {
			case futures <- f:
			case <-ctx.Done():
				lim.release()
				return
			}
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				defer lim.release()
				offset := p.q.Offset + int64(i)*limit
				pg, err := p.fetch(ctx, offset, "", pageLabel(offset, ""), lim)
				f <- result{pg, err}
			}(i)
		}
	}()
	i := 0
	for f := range futures {
		i++
		r := <-f
		if r.err != nil {
			return r.err
		}
		label := pageLabel(p.q.Offset+int64(i)*limit, "")
		p.res.Requests++
		if more, err := p.accept(label, r.pg); err != nil || !more {
			return err
		}
		if i < pages-1 && int64(len(r.pg.Records)) < limit {
			return &PagingError{Page: label, Reason: fmt.Sprintf(
				"the page holds %d records, fewer than limit (%d), before the end total_num (%d) announces; the list would be incomplete",
				len(r.pg.Records), limit, p.res.TotalNum)}
		}
		if err := p.checkQuota(ctx); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// fetch reads and decodes one page.
func (p *pager) fetch(ctx context.Context, offset int64, cursor, label string, lim *limiter) (page, error) {
	if lim == nil {
		p.res.Requests++ // concurrent pages are counted as they are handed over
	}
	a, err := p.c.get(ctx, p.path, p.q.params(offset, cursor), label, &p.stats, lim)
	if err != nil {
		var te *ThrottleError
		if errors.As(err, &te) {
			te.Records, te.CallsLeft = -1, -1
			if p.haveTotal {
				te.Records, te.CallsLeft = p.res.TotalNum+p.q.windowBase, p.callsLeft()
			}
		}
		return page{}, err
	}
	pg, err := decodePageLimit(a.body, int(p.q.Limit), a.secrets...) // copies what it keeps
	a.release()
	if err == nil {
		p.fetched.Add(1)
	}
	if err != nil {
		var apiErr *APIError
		var tooMany *errTooManyRecords
		if errors.As(err, &tooMany) {
			return page{}, &PagingError{Page: label, Reason: tooMany.Error()}
		}
		if errors.As(err, &apiErr) {
			// A 2xx answer that carries an error body.
			apiErr.StatusCode, apiErr.RequestID, apiErr.Page, apiErr.Attempts = 200, a.requestID, label, a.attempts
			return page{}, apiErr
		}
		return page{}, &APIError{StatusCode: 200, RequestID: a.requestID, Page: label, Attempts: a.attempts, Err: err}
	}
	p.c.cfg.Logger.Debug(ctx, "read HSS audit-log page", map[string]any{
		"page": safetext.Escape(label), "records": len(pg.Records), "total_num": pg.TotalNum, "request_id": safetext.Escape(a.requestID),
	})
	return pg, nil
}

// callsLeft is how many calls the read still needs (pages not yet
// fetched), or -1 when total_num cannot say. Safe from any goroutine of
// the read: expected is set before pages are fetched concurrently.
func (p *pager) callsLeft() int {
	if p.expected < 0 {
		return -1
	}
	pages := max((p.expected+p.q.Limit-1)/p.q.Limit, 1)
	return int(max(pages-p.fetched.Load(), 0))
}

// checkQuota, once the service has throttled (or max_requests_per_second
// paces the calls) and total_num is known, logs what the read costs, and
// fails at once when the calls it still needs cannot fit before ctx's
// deadline at the rate observed, counting the turns of the provider
// configuration's other reads: waiting would only end in the same
// failure, later, having spent calls other plans need.
func (p *pager) checkQuota(ctx context.Context) error {
	n := p.callsLeft()
	p.c.quota.setPending(p, n)
	if n <= 0 {
		return nil
	}
	d, rate, source, others, ok := p.c.forecast(p, n)
	if !ok {
		return nil
	}
	now := p.c.quota.clock()
	dl, hasDeadline := ctx.Deadline()
	if !p.costSaid {
		p.costSaid = true
		fields := map[string]any{
			"records": p.res.TotalNum + p.q.windowBase, "calls_made": p.stats.calls.Load(), "calls_left": n,
			"rate_per_minute": fmt.Sprintf("%.3g", rate), "rate_from": source, "estimated": roundDuration(d).String(),
		}
		if hasDeadline {
			fields["deadline_in"] = roundDuration(dl.Sub(now)).String()
		}
		p.c.cfg.Logger.Info(ctx, "HSS API quota: what this read costs", fields)
	}
	if hasDeadline && now.Add(d).After(dl) {
		return &ThrottleError{
			Forecast: true, Remaining: dl.Sub(now), Needed: d, Records: p.res.TotalNum + p.q.windowBase,
			CallsMade: int(p.stats.calls.Load()), CallsLeft: n, RatePerMin: rate, RateSource: source, Throttled: int(p.stats.throttled.Load()),
			OthersCalls: others,
		}
	}
	return nil
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
	// Shifted: total_num changed during an offset read, so its pages
	// moved; reading the window again may succeed.
	Shifted bool
}

func (e *PagingError) Error() string {
	return fmt.Sprintf("paging stopped at page %s: %s", e.Page, e.Reason)
}
