package hss

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// offsetPages serves total records by offset.
func offsetPages(total int) func(int, url.Values) (int, http.Header, string) {
	return func(_ int, q url.Values) (int, http.Header, string) {
		off, _ := strconv.Atoi(q.Get("offset"))
		lim, _ := strconv.Atoi(q.Get("limit"))
		n := max(min(lim, total-off), 0)
		return 200, nil, pageBody(total, off, n, false)
	}
}

func TestListOffsetPaging(t *testing.T) {
	f := &fake{respond: offsetPages(25)}
	c, _ := newTestClient(t, f, nil)
	res, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	if err != nil {
		t.Fatal(err)
	}
	if res.TotalNum != 25 || len(res.Records) != 25 || res.Mode != ModeOffset || res.Requests != 3 || len(res.Warnings) != 0 {
		t.Fatalf("got total %d, %d records, mode %s, %d requests, warnings %v", res.TotalNum, len(res.Records), res.Mode, res.Requests, res.Warnings)
	}
	for i, r := range res.Records {
		if r.Content != "event "+strconv.Itoa(i) || r.HostName != strconv.Itoa(i) {
			t.Fatalf("record %d = %+v", i, r)
		}
	}
	var offsets []string
	for _, r := range f.requests() {
		offsets = append(offsets, r.URL.Query().Get("offset"))
	}
	slices.Sort(offsets) // pages after the first are fetched concurrently
	if strings.Join(offsets, ",") != "0,10,20" {
		t.Fatalf("offsets %v", offsets)
	}
}

func TestListExactMultipleStopsAtTotal(t *testing.T) {
	f := &fake{respond: offsetPages(20)}
	c, _ := newTestClient(t, f, nil)
	res, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	if err != nil || len(res.Records) != 20 || res.Requests != 2 {
		t.Fatalf("res %+v err %v", res, err)
	}
}

func TestListUserOffset(t *testing.T) {
	f := &fake{respond: offsetPages(25)}
	c, _ := newTestClient(t, f, nil)
	q := baseQuery()
	q.Offset = 7
	res, err := c.ListClusterAuditLogs(context.Background(), q)
	if err != nil || len(res.Records) != 18 || res.Records[0].Content != "event 7" || len(res.Warnings) != 0 {
		t.Fatalf("res %+v err %v", res, err)
	}
}

func TestListEmpty(t *testing.T) {
	f := &fake{respond: offsetPages(0)}
	c, _ := newTestClient(t, f, nil)
	res, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	if err != nil || res.Records == nil || len(res.Records) != 0 || res.Requests != 1 {
		t.Fatalf("res %+v err %v", res, err)
	}
}

func TestListCursorPaging(t *testing.T) {
	const total = 23
	f := &fake{respond: func(_ int, q url.Values) (int, http.Header, string) {
		from := 0
		if ln := q.Get("line_num"); ln != "" {
			n, _ := strconv.Atoi(ln)
			from = n - 1000000 + 1
		}
		lim, _ := strconv.Atoi(q.Get("limit"))
		return 200, nil, pageBody(total, from, max(min(lim, total-from), 0), true)
	}}
	c, _ := newTestClient(t, f, nil)
	res, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != total || res.Mode != ModeCursor || len(res.Warnings) != 0 {
		t.Fatalf("%d records, mode %s, warnings %v", len(res.Records), res.Mode, res.Warnings)
	}
	var got []string
	for _, r := range f.requests() {
		got = append(got, r.URL.Query().Get("offset")+"/"+r.URL.Query().Get("line_num"))
	}
	if strings.Join(got, ",") != "0/,0/1000009,0/1000019" {
		t.Fatalf("requests %v", got)
	}
}

func TestListCursorNotHonouredIsAnError(t *testing.T) {
	// The service ignores line_num and offset: every page is the first.
	f := &fake{respond: func(int, url.Values) (int, http.Header, string) { return 200, nil, pageBody(50, 0, 10, true) }}
	c, _ := newTestClient(t, f, nil)
	_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	var pe *PagingError
	if !errors.As(err, &pe) || pe.Page != "line_num=1000009" {
		t.Fatalf("err = %v", err)
	}
}

func TestListOffsetNotHonouredIsAnError(t *testing.T) {
	f := &fake{respond: func(int, url.Values) (int, http.Header, string) { return 200, nil, pageBody(50, 0, 10, false) }}
	c, _ := newTestClient(t, f, nil)
	_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	var pe *PagingError
	if !errors.As(err, &pe) || pe.Page != "offset=10" || !strings.Contains(pe.Reason, "same records as for page offset=0") {
		t.Fatalf("err = %v", err)
	}
}

func TestListPagesEndingBeforeTotalIsAnError(t *testing.T) {
	f := &fake{respond: func(_ int, q url.Values) (int, http.Header, string) {
		off, _ := strconv.Atoi(q.Get("offset"))
		n := max(min(10, 15-off), 0)
		return 200, nil, pageBody(40, off, n, false) // claims 40, has 15
	}}
	c, _ := newTestClient(t, f, nil)
	_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	var pe *PagingError
	if !errors.As(err, &pe) || pe.Page != "offset=10" || !strings.Contains(pe.Reason, "holds 5 records, fewer than limit (10), before the end total_num (40) announces") {
		t.Fatalf("err = %v", err)
	}
}

func TestListMoreThanTotalIsAnError(t *testing.T) {
	// Claims 5 records but returns a full page of 10.
	f := &fake{respond: func(_ int, q url.Values) (int, http.Header, string) {
		off, _ := strconv.Atoi(q.Get("offset"))
		return 200, nil, pageBody(5, off, 10, false)
	}}
	c, _ := newTestClient(t, f, nil)
	_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	var pe *PagingError
	if !errors.As(err, &pe) || !strings.Contains(pe.Reason, "longer than announced") || len(f.requests()) != 1 {
		t.Fatalf("err = %v", err)
	}
}

func TestListTotalChangeFailsOffsetPaging(t *testing.T) {
	f := &fake{respond: func(n int, q url.Values) (int, http.Header, string) {
		off, _ := strconv.Atoi(q.Get("offset"))
		total := 25
		if n > 1 {
			total = 26
		}
		return 200, nil, pageBody(total, off, max(min(10, 25-off), 0), false)
	}}
	c, _ := newTestClient(t, f, nil)
	_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	var pe *PagingError
	if !errors.As(err, &pe) || pe.Page != "offset=10" || !strings.Contains(pe.Reason, "changed from 25 to 26") {
		t.Fatalf("err = %v", err)
	}
}

func TestListTotalChangeWarnsCursorPaging(t *testing.T) {
	f := &fake{respond: func(n int, q url.Values) (int, http.Header, string) {
		from := 0
		if ln := q.Get("line_num"); ln != "" {
			v, _ := strconv.Atoi(ln)
			from = v - 1000000 + 1
		}
		total := 25
		if n > 1 {
			total = 27
		}
		return 200, nil, pageBody(total, from, max(min(10, 25-from), 0), true)
	}}
	c, _ := newTestClient(t, f, nil)
	res, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	if err != nil || len(res.Records) != 25 || len(res.Warnings) != 2 || !strings.Contains(res.Warnings[0], "changed from 25 to 27") {
		t.Fatalf("res %+v err %v", res, err)
	}
}

func TestListPageGoingBackwardsIsAnError(t *testing.T) {
	// The third page repeats the first.
	f := &fake{respond: func(_ int, q url.Values) (int, http.Header, string) {
		off, _ := strconv.Atoi(q.Get("offset"))
		if off == 20 {
			off = 0
		}
		return 200, nil, pageBody(50, off, 10, false)
	}}
	c, _ := newTestClient(t, f, nil)
	_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	var pe *PagingError
	if !errors.As(err, &pe) || pe.Page != "offset=20" || !strings.Contains(pe.Reason, "same records as for page offset=0") {
		t.Fatalf("err = %v", err)
	}
}

func TestListInvalidQuerySendsNothing(t *testing.T) {
	f := &fake{respond: offsetPages(1)}
	c, _ := newTestClient(t, f, nil)
	for name, mod := range map[string]func(*Query){
		"no cluster":    func(q *Query) { q.ClusterID = "" },
		"window":        func(q *Query) { q.StartTime = 5 },
		"limit 0":       func(q *Query) { q.Limit = 0 },
		"limit 201":     func(q *Query) { q.Limit = 201 },
		"negative off":  func(q *Query) { q.Offset = -1 },
		"unknown verb":  func(q *Query) { q.Verb = "exec" },
		"negative time": func(q *Query) { q.StartTime = -1 },
	} {
		q := baseQuery()
		mod(&q)
		if _, err := c.ListClusterAuditLogs(context.Background(), q); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

func TestList200WithErrorBody(t *testing.T) {
	f := &fake{respond: func(int, url.Values) (int, http.Header, string) {
		return 200, nil, `{"error_code":"HSS.1001","error_msg":"bad"}`
	}}
	c, _ := newTestClient(t, f, nil)
	_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode != "HSS.1001" || apiErr.RequestID != "req-1" || apiErr.Page != "offset=0" {
		t.Fatalf("err = %#v", err)
	}
}

func TestListMalformedBodyNamesPage(t *testing.T) {
	f := &fake{respond: func(n int, q url.Values) (int, http.Header, string) {
		if q.Get("offset") == "10" {
			return 200, http.Header{"X-Request-Id": {"req-bad"}}, `{"total_num":25,"data_list":[{"cluster`
		}
		return offsetPages(25)(n, q)
	}}
	c, _ := newTestClient(t, f, nil)
	_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	if err == nil || !strings.Contains(err.Error(), "page offset=10") || !strings.Contains(err.Error(), "request id req-bad") {
		t.Fatalf("err = %v", err)
	}
}

func TestWalkStopsWhenTheVisitorSays(t *testing.T) {
	f := &fake{respond: offsetPages(100)}
	c, _ := newTestClient(t, f, func(cfg *Config) { cfg.MaxConcurrency = 1 })
	var seen []Record
	res, err := c.WalkClusterAuditLogs(context.Background(), baseQuery(), func(page []Record) bool {
		seen = append(seen, page...)
		return len(seen) < 25
	})
	// The page after the last one handed over may have been asked for
	// (one in flight ahead of the visitor) before the visitor said stop;
	// no further one.
	if n := len(f.requests()); err != nil || !res.Stopped || res.Read != 30 || len(seen) != 30 || res.Requests != 3 || n < 3 || n > 4 || res.Records != nil {
		t.Fatalf("res %+v, %d seen, %d requests, err %v", res, len(seen), len(f.requests()), err)
	}
	if seen[29].Content != "event 29" {
		t.Fatalf("last %+v", seen[29])
	}
}

// An implausible total_num (up to the largest int64) fails at once,
// without page arithmetic overflowing, and is never paged through.
func TestListImplausibleTotal(t *testing.T) {
	for _, total := range []string{"100000001", "9223372036854775807", "9223372036854775806"} {
		f := &fake{respond: func(int, url.Values) (int, http.Header, string) {
			return 200, nil, `{"total_num":` + total + `,"data_list":[` + strings.Repeat(`{"cluster_id":"c1","time":1},`, 9) + `{"cluster_id":"c1","time":2}]}`
		}}
		c, _ := newTestClient(t, f, nil)
		_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
		var pe *PagingError
		if !errors.As(err, &pe) || !strings.Contains(pe.Reason, "total_num is "+total) || !strings.Contains(pe.Reason, "not a plausible window") {
			t.Fatalf("total_num %s: err = %v", total, err)
		}
		if n := len(f.requests()); n != 1 {
			t.Fatalf("total_num %s: %d requests", total, n)
		}
	}
	// The largest plausible total is read as usual (its first page here).
	if MaxTotalNum/MaxLimit != 500_000 {
		t.Fatalf("MaxTotalNum %d", MaxTotalNum)
	}
}
