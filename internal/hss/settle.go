package hss

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefaultSettleDelay is how old records must be before the provider takes
// them as settled: audit logs reach the service some time after the event,
// and the newest minutes of a window still change while a read that the
// quota makes long goes on.
const DefaultSettleDelay = 5 * time.Minute

// tailRetries is how often the recent tail of a split window is read again
// when records arrive in it during its own read.
const tailRetries = 2

// settleCut says where to split q: the first millisecond of the recent
// tail, when the window ends within the settle delay and starts before it.
// A window with an offset or a line_num is not split: those address the
// whole window's pages.
func (c *Client) settleCut(q Query) (int64, bool) {
	if c.cfg.SettleDelay <= 0 || q.Offset != 0 || q.LineNum != "" {
		return 0, false
	}
	cut := c.cfg.now().Add(-c.cfg.SettleDelay).UnixMilli()
	return cut, q.StartTime < cut && q.EndTime >= cut
}

// walkSplit reads a window whose end is recent so that records arriving
// while the quota makes a long read wait can neither shift its pages nor
// fail it. The service lists newest first, and logs arrive at the front,
// so offset pages of the recent tail would shift under a slow read. The
// read therefore goes by time through the tail, by offset through the
// settled part:
//
//   - the window's first page, at offset 0, as an unsplit read would;
//   - while a page's last record is in the tail (not older than cut), the
//     next page is asked by time: the records up to that last record's
//     time, skipping those of that time already read. Arrivals, newer,
//     are outside such a query;
//   - once a page reaches into the settled part, which no arrival can
//     change, the rest is read by offset (after the settled records already
//     read), pages in flight at once as the quota allows.
//
// So the read costs the calls of an unsplit one, and is exact as of its
// first page. A service listing oldest first would append arrivals after
// the pages read; its tail is read on its own first (walkTailThenSettled).
func (c *Client) walkSplit(ctx context.Context, q Query, cut int64, visit Visitor) (*Result, error) {
	q.seen = &recordSet{} // one for every sub-read of the window
	var first []Record
	res1, err := c.walk(ctx, q, func(page []Record) bool {
		first = page
		return int64(len(page)) < q.Limit // a short page ends the read: let the pager check it
	})
	if err != nil {
		return nil, err
	}
	q.onTotal = nil // the first page told the window's total; sub-reads count parts of it
	if !res1.Stopped || res1.TotalNum == int64(len(first)) {
		// The window in one page.
		res1.Stopped = len(first) > 0 && !visit(first)
		return res1, nil
	}
	if n := len(first); first[n-1].LineNum != "" {
		// CCE: pages start after a record's line_num, which arrivals cannot
		// shift; go on by cursor from the first page.
		return c.walkCursorAfter(ctx, q, first, res1, visit)
	}
	if n := len(first); first[0].Time == first[n-1].Time || !newestFirst(first, nil) {
		// Oldest first, or no order to tell from one millisecond's records.
		q.seen = nil // the first page is not handed over: its sub-reads start afresh
		res, err := c.walkTailThenSettled(ctx, q, cut, visit)
		if res != nil {
			res.Requests += res1.Requests
		}
		return res, err
	}
	return c.walkNewestFirst(ctx, q, cut, first, res1, visit)
}

// walkNewestFirst goes on from the window's first page, by time while the
// pages are in the tail, then by offset through the settled part.
func (c *Client) walkNewestFirst(ctx context.Context, q Query, cut int64, page []Record, res1 *Result, visit Visitor) (*Result, error) {
	res := &Result{TotalNum: res1.TotalNum, Mode: res1.Mode, Requests: res1.Requests, Warnings: res1.Warnings}
	maxPages := int((res1.TotalNum+q.Limit-1)/q.Limit) + maxCursorPages/100 // arrivals may add some
	var settledRead, tailRead int64
	lastTime, skip := int64(-1), int64(0)
	for n := 1; ; n++ {
		for _, r := range page {
			if r.Time < cut {
				settledRead++
			} else {
				tailRead++
			}
		}
		res.Read += int64(len(page))
		if !visit(page) {
			res.Stopped = true
			return res, nil
		}
		if int64(len(page)) < q.Limit {
			res.TotalNum = res.Read // the window ended in the tail
			return res, nil
		}
		last := page[len(page)-1].Time
		if last < cut {
			break // the rest is settled
		}
		if n >= maxPages {
			return nil, &PagingError{Page: timeLabel(last, skip), Reason: fmt.Sprintf(
				"still receiving full pages of the window's last %s after %d requests although total_num was %d", c.cfg.SettleDelay, n, res1.TotalNum)}
		}
		if last == lastTime {
			skip += int64(len(page)) // a page all of one time: skip it too
		} else {
			lastTime, skip = last, 0
			for i := len(page) - 1; i >= 0 && page[i].Time == last; i-- {
				skip++
			}
		}
		kq := q
		kq.EndTime, kq.Offset = last, skip
		var next []Record
		r, err := c.walk(ctx, kq, func(p []Record) bool { next = p; return false })
		if err != nil {
			return nil, err
		}
		res.Requests += r.Requests
		res.Warnings = append(res.Warnings, r.Warnings...)
		res.Changed = res.Changed || r.Changed
		if len(next) > 0 && next[0].Time > last {
			return nil, &PagingError{Page: timeLabel(last, skip), Reason: fmt.Sprintf(
				"asked for records up to %d, the service answered one at %d: it does not honour end_time", last, next[0].Time)}
		}
		page = next
	}

	settledQ := q
	settledQ.EndTime, settledQ.Offset, settledQ.windowBase = cut-1, settledRead, tailRead
	sres, err := c.walk(ctx, settledQ, visit)
	var te *ThrottleError
	if errors.As(err, &te) {
		te.CallsMade += res.Requests // the window's calls, not the settled part's alone
	}
	if err != nil {
		return nil, err
	}
	res.TotalNum = tailRead + sres.TotalNum
	res.Read += sres.Read
	res.Requests += sres.Requests
	res.Stopped = sres.Stopped
	res.Warnings = append(res.Warnings, sres.Warnings...)
	res.Changed = res.Changed || sres.Changed
	if sres.Mode == ModeCursor {
		res.Mode = ModeCursor
	}
	return res, nil
}

// timeLabel names a page asked by time.
func timeLabel(endTime, skip int64) string {
	return fmt.Sprintf("end_time=%d,offset=%d", endTime, skip)
}

// walkTailThenSettled reads the tail on its own, then the settled part.
func (c *Client) walkTailThenSettled(ctx context.Context, q Query, cut int64, visit Visitor) (*Result, error) {
	tailQ, settledQ := q, q
	tailQ.StartTime, settledQ.EndTime = cut, cut-1
	var tail []Record
	var tres *Result
	for attempt := 0; ; attempt++ {
		tail = tail[:0]
		tailQ.seen = &recordSet{} // each attempt afresh; the last one's is the settled part's too
		var err error
		tres, err = c.walk(ctx, tailQ, func(page []Record) bool {
			tail = append(tail, page...)
			return true
		})
		var pe *PagingError
		if err == nil || !errors.As(err, &pe) || !pe.Shifted || attempt >= tailRetries {
			if err != nil {
				return nil, err
			}
			break
		}
		c.cfg.Logger.Debug(ctx, "records arrived in the window's recent tail while it was read; reading it again",
			map[string]any{"attempt": attempt + 1, "cut": cut})
	}
	settledQ.seen = tailQ.seen

	// The order, told once: by the tail's records, else by the settled
	// part's first page.
	order := 0 // 1 newest first, -1 oldest first, 0 not yet told
	handed, stopped := len(tail) == 0, false
	var seen int64 // records handed over
	give := func(recs []Record) bool {
		seen += int64(len(recs))
		if !visit(recs) {
			stopped = true
		}
		return !stopped
	}
	sres, err := c.walk(ctx, settledQ, func(page []Record) bool {
		if order == 0 && len(page) > 0 {
			order = -1
			if newestFirst(tail, page) {
				order = 1
			}
		}
		if !handed && order == 1 {
			handed = true
			if !give(tail) {
				return false // the tail's records are the newest: they come first
			}
		}
		return give(page)
	})
	if err != nil {
		return nil, err
	}
	if !handed && !stopped {
		give(tail) // oldest first, or a settled part without records
	}
	return &Result{
		TotalNum: tres.TotalNum + sres.TotalNum,
		Read:     seen,
		Mode:     sres.Mode,
		Requests: tres.Requests + sres.Requests,
		Stopped:  stopped || sres.Stopped,
		Changed:  tres.Changed || sres.Changed,
		Warnings: append(tres.Warnings, sres.Warnings...),
	}, nil
}

// walkCursorAfter goes on from the first page of a CCE window by line_num,
// as an unsplit read does: the records after the first page's last.
func (c *Client) walkCursorAfter(ctx context.Context, q Query, first []Record, res1 *Result, visit Visitor) (*Result, error) {
	res := &Result{TotalNum: res1.TotalNum, Read: int64(len(first)), Mode: ModeCursor, Requests: res1.Requests, Warnings: res1.Warnings}
	if !visit(first) {
		res.Stopped = true
		return res, nil
	}
	rq := q
	rq.LineNum, rq.after = first[len(first)-1].LineNum, res1.TotalNum-int64(len(first))
	rest, err := c.walk(ctx, rq, visit)
	if err != nil {
		return nil, err
	}
	res.Read += rest.Read
	res.Requests += rest.Requests
	res.Stopped = rest.Stopped
	res.Changed = rest.Changed
	res.Warnings = append(res.Warnings, rest.Warnings...)
	if !rest.Stopped && rest.TotalNum != res1.TotalNum {
		res.Changed = true
		res.Warnings = append(res.Warnings, fmt.Sprintf("total_num changed from %d to %d during the read (page line_num=%s); "+
			"paging by line_num is unaffected, the records read are the window as of the first page", res1.TotalNum, rest.TotalNum, rq.LineNum))
	}
	return res, nil
}

// newestFirst tells the service's order from the records it listed: by
// the tail's own order, else by the settled part's first page; newest
// first when neither tells (all times equal), as the service lists.
func newestFirst(tail, settled []Record) bool {
	for _, recs := range [][]Record{tail, settled} {
		if n := len(recs); n > 1 && recs[0].Time != recs[n-1].Time {
			return recs[0].Time > recs[n-1].Time
		}
	}
	return true
}
