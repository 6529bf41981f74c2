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
// while the quota makes a long read wait cannot shift its offset pages:
// the recent tail [cut, end] and the settled part [start, cut-1] are read
// apart. Its first call is the window's own first page, so a window that
// fits in one page costs one call, as before:
//
//   - a window of one page is complete;
//   - when the service lists newest first and the first page holds the
//     whole tail, that page is the tail and the settled part's first
//     records, and the settled part is read on from the offset after them:
//     no call more than one read of the window;
//   - otherwise (a tail of more than a page, or oldest first) the tail is
//     read again on its own, then the settled part: one call more.
//
// A tail read on its own is read at once, while the quota is least likely
// to hold it back, and again (up to tailRetries times) when records arrived
// during that read. The records are handed over in the service's order.
func (c *Client) walkSplit(ctx context.Context, q Query, cut int64, visit Visitor) (*Result, error) {
	var first []Record
	res1, err := c.walk(ctx, q, func(page []Record) bool {
		first = page
		return int64(len(page)) < q.Limit // a short page ends the read: let the pager check it
	})
	if err != nil {
		return nil, err
	}
	if !res1.Stopped || res1.TotalNum == int64(len(first)) {
		// The window in one page.
		res1.Stopped = len(first) > 0 && !visit(first)
		return res1, nil
	}
	n := len(first)
	if newestFirst(first, nil) && first[n-1].Time < cut {
		return c.walkAfterFirst(ctx, q, cut, first, res1, visit)
	}
	res, err := c.walkTailThenSettled(ctx, q, cut, visit)
	if res != nil {
		res.Requests += res1.Requests
	}
	return res, err
}

// walkAfterFirst goes on from a first page (newest first) that holds the
// whole tail: the settled part is read from the offset after its records
// on that page, and must add up with it to the first page's total_num.
func (c *Client) walkAfterFirst(ctx context.Context, q Query, cut int64, first []Record, res1 *Result, visit Visitor) (*Result, error) {
	tailN := 0
	for tailN < len(first) && first[tailN].Time >= cut {
		tailN++
	}
	res := &Result{TotalNum: res1.TotalNum, Read: int64(len(first)), Mode: res1.Mode, Requests: res1.Requests, Warnings: res1.Warnings}
	if !visit(first) {
		res.Stopped = true
		return res, nil
	}
	settledQ := q
	settledQ.EndTime, settledQ.Offset = cut-1, int64(len(first)-tailN)
	sres, err := c.walk(ctx, settledQ, visit)
	if err != nil {
		return nil, err
	}
	if !sres.Stopped && int64(tailN)+sres.TotalNum != res1.TotalNum {
		return nil, &PagingError{Page: pageLabel(settledQ.Offset, ""), Shifted: true, Reason: fmt.Sprintf(
			"the window's first page counted %d records (%d of them in the last %s), but its settled part now counts %d: "+
				"records older than settle_delay arrived or expired during the read. Retry, or raise settle_delay",
			res1.TotalNum, tailN, c.cfg.SettleDelay, sres.TotalNum)}
	}
	res.Read += sres.Read
	res.Requests += sres.Requests
	res.Stopped = sres.Stopped
	res.Warnings = append(res.Warnings, sres.Warnings...)
	if sres.Mode != "" {
		res.Mode = sres.Mode
	}
	return res, nil
}

// walkTailThenSettled reads the tail on its own, then the settled part.
func (c *Client) walkTailThenSettled(ctx context.Context, q Query, cut int64, visit Visitor) (*Result, error) {
	tailQ, settledQ := q, q
	tailQ.StartTime, settledQ.EndTime = cut, cut-1
	var tail []Record
	var tres *Result
	for attempt := 0; ; attempt++ {
		tail = tail[:0]
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

	handed, stopped := len(tail) == 0, false
	handTail := func() bool {
		handed = true
		if !visit(tail) {
			stopped = true
		}
		return !stopped
	}
	sres, err := c.walk(ctx, settledQ, func(page []Record) bool {
		if !handed && len(page) > 0 && newestFirst(tail, page) && !handTail() {
			return false // the tail's records are the newest: they come first
		}
		if !visit(page) {
			stopped = true
		}
		return !stopped
	})
	if err != nil {
		return nil, err
	}
	if !handed && !stopped {
		handTail() // oldest first, or a settled part without records
	}
	return &Result{
		TotalNum: tres.TotalNum + sres.TotalNum,
		Read:     tres.Read + sres.Read,
		Mode:     sres.Mode,
		Requests: tres.Requests + sres.Requests,
		Stopped:  stopped || sres.Stopped,
		Warnings: append(tres.Warnings, sres.Warnings...),
	}, nil
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
