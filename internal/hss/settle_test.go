package hss

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/credentials"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// liveLog is a service whose window keeps receiving records: grow decides,
// per request, how many records arrive (at the newest time) before it is
// answered. Pages are cut by time window, offset and limit, newest first
// unless ascending.
type liveLog struct {
	mu        sync.Mutex
	times     []int64 // every record's time; each record's content is its index
	next      int64   // time of the next record to arrive
	ascending bool
	grow      func(q url.Values) int
}

func newLiveLog(now time.Time, n int) *liveLog {
	l := &liveLog{next: now.Add(-20 * time.Second).UnixMilli()} // arrivals: within the window, a millisecond apart
	// n records, one a second, the newest 30 s ago: the last 5 minutes
	// (the settle delay) hold the newest 270 of them... when n is larger.
	for i := range n {
		l.times = append(l.times, now.Add(-30*time.Second-time.Duration(n-1-i)*time.Second).UnixMilli())
	}
	return l
}

func (l *liveLog) respond(_ int, q url.Values) (int, http.Header, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for range l.grow(q) {
		l.times = append(l.times, l.next)
		l.next++
	}
	start, _ := strconv.ParseInt(q.Get("start_time"), 10, 64)
	end, _ := strconv.ParseInt(q.Get("end_time"), 10, 64)
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	var in []int // indexes of the window's records, in the service's order
	for i, t := range l.times {
		if t >= start && t <= end {
			in = append(in, i)
		}
	}
	if !l.ascending {
		slices.Reverse(in)
	}
	page := []map[string]any{}
	for _, i := range in[min(offset, len(in)):min(offset+limit, len(in))] {
		page = append(page, map[string]any{"cluster_id": "c1", "time": l.times[i], "content": strconv.Itoa(i)})
	}
	b, _ := json.Marshal(map[string]any{"total_num": len(in), "data_list": page})
	return 200, nil, string(b)
}

// settledRequest reports whether a request asks for the settled part only.
func settledRequest(q url.Values, cut int64) bool {
	end, _ := strconv.ParseInt(q.Get("end_time"), 10, 64)
	return end < cut
}

func liveClient(t *testing.T, l *liveLog, now time.Time, settle time.Duration) (*Client, *fake) {
	f := &fake{respond: l.respond}
	c, _ := newTestClient(t, f, func(cfg *Config) {
		cfg.SettleDelay = settle
		cfg.now = func() time.Time { return now }
	})
	return c, f
}

// indexes returns the records' contents, which are their indexes.
func indexes(res *Result) []int {
	out := make([]int, len(res.Records))
	for i, r := range res.Records {
		out[i], _ = strconv.Atoi(r.Content)
	}
	return out
}

// A window ending now, read while records keep arriving: split, the
// settled part's offset pages cannot shift, and the read is exact as of
// its tail's read; unsplit, the same read fails (total_num changed).
func TestSettleSplitKeepsALongReadExact(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	cut := now.Add(-DefaultSettleDelay).UnixMilli()
	q := Query{ClusterID: "c1", StartTime: now.Add(-time.Hour).UnixMilli(), EndTime: now.UnixMilli(), Limit: 50}

	l := newLiveLog(now, 1000)
	l.grow = func(q url.Values) int { // a record arrives during every request of the settled part
		if settledRequest(q, cut) {
			return 1
		}
		return 0
	}
	c, f := liveClient(t, l, now, 0)
	res, err := c.ListClusterAuditLogs(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	// Exactly the 1,000 records there were when the tail was read, newest first.
	want := make([]int, 1000)
	for i := range want {
		want[i] = 999 - i
	}
	if got := indexes(res); !slices.Equal(got, want) {
		t.Fatalf("records %v...,\nwant %v...", got[:min(10, len(got))], want[:10])
	}
	if res.TotalNum != 1000 || res.Read != 1000 {
		t.Fatalf("total_num %d, read %d", res.TotalNum, res.Read)
	}
	// The calls of an unsplit read: the tail's 270 records by time (6
	// pages, the last reaching into the settled part), the rest by offset.
	if n := len(f.requests()); n != 20 || res.Requests != 20 {
		t.Fatalf("%d requests, %d counted; want 20", n, res.Requests)
	}

	// Unsplit, arrivals shift the offset pages.
	l = newLiveLog(now, 1000)
	l.grow = func(url.Values) int { return 1 }
	c, _ = liveClient(t, l, now, -1)
	_, err = c.ListClusterAuditLogs(context.Background(), q)
	var pe *PagingError
	if !errors.As(err, &pe) || !pe.Shifted {
		t.Fatalf("unsplit read with arrivals: err = %v, want total_num changed", err)
	}
}

// Records that arrive in the tail while the tail itself is read, a tail
// of several pages: pages asked by time do not shift, so the read is exact
// as of its first page, whatever arrives after it.
func TestSettleArrivalsDuringTheTail(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	q := Query{ClusterID: "c1", StartTime: now.Add(-time.Hour).UnixMilli(), EndTime: now.UnixMilli(), Limit: 50}
	l := newLiveLog(now, 1000)
	l.grow = func(url.Values) int { return 3 } // before every answer, the first included
	c, _ := liveClient(t, l, now, 0)
	res, err := c.ListClusterAuditLogs(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]int, 1003)
	for i := range want {
		want[i] = 1002 - i
	}
	if got := indexes(res); !slices.Equal(got, want) || res.TotalNum != 1003 {
		t.Fatalf("%d records, total_num %d; want the 1003 there were at the first page", len(got), res.TotalNum)
	}
	// Equal times at page seams: a page boundary inside a run of records of
	// one millisecond skips exactly those already read.
	l = newLiveLog(now, 0)
	for i := range 400 {
		l.times = append(l.times, now.Add(-time.Minute).UnixMilli()+int64(i/120)) // runs of 120 records a millisecond
	}
	l.grow = func(url.Values) int { return 1 }
	c, f := liveClient(t, l, now, 0)
	res, err = c.ListClusterAuditLogs(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]int{}
	for _, i := range indexes(res) {
		seen[i]++
	}
	for i := range 401 {
		if seen[i] != 1 {
			t.Fatalf("record %d read %d times (%d requests)", i, seen[i], len(f.requests()))
		}
	}
}

// A tail that fits in the window's first page costs no call more than an
// unsplit read: the settled part goes on from that page; and records that
// arrive meanwhile change nothing. A window of one page costs one call.
func TestSettleSplitReusesTheFirstPage(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	cut := now.Add(-DefaultSettleDelay).UnixMilli()
	q := Query{ClusterID: "c1", StartTime: now.Add(-time.Hour).UnixMilli(), EndTime: now.UnixMilli(), Limit: 200}
	for _, tc := range []struct {
		records, calls int
	}{{1000, 5}, {150, 1}, {200, 1}, {201, 2}, {0, 1}} {
		l := newLiveLog(now, 0)
		for i := range tc.records {
			l.times = append(l.times, now.Add(-time.Duration(tc.records-i)*3*time.Second).UnixMilli()) // 3 s apart: 100 in the tail
		}
		l.grow = func(q url.Values) int {
			if settledRequest(q, cut) {
				return 1 // arrivals during the settled part's read
			}
			return 0
		}
		c, f := liveClient(t, l, now, 0)
		res, err := c.ListClusterAuditLogs(context.Background(), q)
		if err != nil {
			t.Fatalf("%d records: %v", tc.records, err)
		}
		want := make([]int, tc.records)
		for i := range want {
			want[i] = tc.records - 1 - i
		}
		if got := indexes(res); !slices.Equal(got, want) || res.TotalNum != int64(tc.records) {
			t.Fatalf("%d records: got %d records, total_num %d", tc.records, len(got), res.TotalNum)
		}
		if n := len(f.requests()); n != tc.calls || res.Requests != tc.calls {
			t.Errorf("%d records: %d requests (%d counted), want %d", tc.records, n, res.Requests, tc.calls)
		}
	}
}

// A service listing oldest first gets its records in its order too: the
// settled part, then the tail.
func TestSettleSplitOldestFirst(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	l := newLiveLog(now, 400)
	l.ascending = true
	l.grow = func(url.Values) int { return 0 }
	c, _ := liveClient(t, l, now, 0)
	res, err := c.ListClusterAuditLogs(context.Background(), Query{ClusterID: "c1", StartTime: 0, EndTime: now.UnixMilli(), Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]int, 400)
	for i := range want {
		want[i] = i
	}
	if got := indexes(res); !slices.Equal(got, want) {
		t.Fatalf("records %v", got)
	}
}

// What is not split: a settled window, a window wholly inside the tail,
// one with an offset or a line_num, and any window with the split off.
func TestSettleCut(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	c, _ := newTestClient(t, &fake{}, func(cfg *Config) { cfg.now = func() time.Time { return now } })
	off, _ := newTestClient(t, &fake{}, func(cfg *Config) { cfg.SettleDelay = -1; cfg.now = func() time.Time { return now } })
	cut := now.Add(-DefaultSettleDelay).UnixMilli()
	ms := now.UnixMilli()
	for _, tc := range []struct {
		name string
		c    *Client
		q    Query
		want bool
	}{
		{"recent end", c, Query{StartTime: ms - 3600e3, EndTime: ms}, true},
		{"end at the cut", c, Query{StartTime: ms - 3600e3, EndTime: cut}, true},
		{"settled", c, Query{StartTime: ms - 3600e3, EndTime: cut - 1}, false},
		{"inside the tail", c, Query{StartTime: cut, EndTime: ms}, false},
		{"offset", c, Query{StartTime: ms - 3600e3, EndTime: ms, Offset: 10}, false},
		{"line_num", c, Query{StartTime: ms - 3600e3, EndTime: ms, LineNum: "7"}, false},
		{"split off", off, Query{StartTime: ms - 3600e3, EndTime: ms}, false},
	} {
		got, ok := tc.c.settleCut(tc.q)
		if ok != tc.want || (ok && got != cut) {
			t.Errorf("%s: cut %d, %v; want %v at %d", tc.name, got, ok, tc.want, cut)
		}
	}
}

// A CCE window ending now goes on by line_num from its first page, as an
// unsplit read does: the calls of an unsplit read, every record once.
func TestSettleSplitCCEGoesOnByCursor(t *testing.T) {
	for _, paging := range []standin.PagingMode{standin.CursorOnly, standin.OffsetHonoured} {
		now := time.Now()
		recs := standin.Generate("c1", "cce", 100, now.Add(-time.Second), true)
		s := standin.New(standin.Options{ProjectID: testProject, AccessKey: testAK, SecretKey: testSK, Records: recs, Paging: paging})
		srv := httptest.NewServer(s)
		t.Cleanup(srv.Close)
		c, err := New(Config{Endpoint: srv.URL, ProjectID: testProject,
			Credentials: credentials.Static(credentials.Value{AccessKey: testAK, SecretKey: testSK})})
		if err != nil {
			t.Fatal(err)
		}
		q := Query{ClusterID: "c1", StartTime: now.Add(-time.Hour).UnixMilli(), EndTime: now.UnixMilli(), Limit: 10}
		if _, split := c.settleCut(q); !split {
			t.Fatal("the window is not split")
		}
		res, err := c.ListClusterAuditLogs(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Mode != ModeCursor || len(res.Records) != 100 || res.TotalNum != 100 {
			t.Fatalf("mode %s, %d records, total_num %d", res.Mode, len(res.Records), res.TotalNum)
		}
		for i, r := range res.Records {
			if want := strconv.Itoa(100 - i); r.LineNum != want {
				t.Fatalf("record %d has line_num %s, want %s", i, r.LineNum, want)
			}
		}
		if n := len(s.Requests()); n != 10 || res.Requests != 10 {
			t.Fatalf("%d requests (%d counted), want 10", n, res.Requests)
		}
		for _, r := range s.Requests()[1:] {
			if r.Query.Get("line_num") == "" || r.Query.Get("offset") != "0" {
				t.Fatalf("request %v: not a cursor page", r.Query)
			}
		}
	}
}

// A reader that stops early is told exactly what it was handed, so that
// a max_results read can say more records were left.
func TestSettleSplitStoppedReadCountsWhatWasHanded(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for _, ascending := range []bool{false, true} {
		for _, stopAt := range []int{30, 60, 120, 210} {
			l := newLiveLog(now, 0)
			for i := range 400 {
				l.times = append(l.times, now.Add(-time.Duration(400-i)*2*time.Second).UnixMilli()) // 150 in the tail
			}
			l.ascending = ascending
			l.grow = func(url.Values) int { return 0 }
			c, _ := liveClient(t, l, now, 0)
			handed := 0
			res, err := c.WalkClusterAuditLogs(context.Background(), Query{ClusterID: "c1", StartTime: 0, EndTime: now.UnixMilli(), Limit: 50},
				func(page []Record) bool {
					handed += len(page)
					return handed < stopAt
				})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Stopped || res.Read != int64(handed) || res.Read >= res.TotalNum {
				t.Errorf("ascending %v, stop at %d: stopped %v, read %d, handed %d, total_num %d", ascending, stopAt, res.Stopped, res.Read, handed, res.TotalNum)
			}
		}
	}
}

// A service that ignores offset on the pages asked by time serves the
// records of the last millisecond again: caught across the sub-reads.
func TestSettleSplitCatchesRecordsServedTwice(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	l := newLiveLog(now, 0)
	for i := range 120 {
		l.times = append(l.times, now.Add(-time.Minute).UnixMilli()+int64(i/3)) // three records a millisecond
	}
	l.grow = func(url.Values) int { return 0 }
	f := &fake{respond: func(n int, q url.Values) (int, http.Header, string) {
		if q.Get("end_time") != strconv.FormatInt(now.UnixMilli(), 10) {
			q.Set("offset", "0") // ignored
		}
		return l.respond(n, q)
	}}
	c, _ := newTestClient(t, f, func(cfg *Config) { cfg.now = func() time.Time { return now } })
	_, err := c.ListClusterAuditLogs(context.Background(), Query{ClusterID: "c1", StartTime: 0, EndTime: now.UnixMilli(), Limit: 50})
	var pe *PagingError
	if !errors.As(err, &pe) || !strings.Contains(pe.Reason, "was already on page") {
		t.Fatalf("err = %v", err)
	}
}

// WithTotal's hook hears the window's total once, before any record is
// handed over, whether the window is split or not; sub-reads of a split
// window do not report their parts' counts.
func TestTotalHookBeforeTheFirstRecords(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	q := Query{ClusterID: "c1", StartTime: now.Add(-time.Hour).UnixMilli(), EndTime: now.UnixMilli(), Limit: 50}
	for _, delay := range []time.Duration{0, -1} { // split by the settle cut; never split
		l := newLiveLog(now, 1000)
		l.grow = func(url.Values) int { return 0 }
		c, _ := liveClient(t, l, now, delay)
		var heard []int64
		visited := 0
		ctx := WithTotal(context.Background(), func(n int64) {
			if visited > 0 {
				t.Errorf("settle delay %v: total heard after %d records", delay, visited)
			}
			heard = append(heard, n)
		})
		if _, err := c.WalkClusterAuditLogs(ctx, q, func(p []Record) bool { visited += len(p); return true }); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(heard, []int64{1000}) || visited != 1000 {
			t.Fatalf("settle delay %v: heard %v, visited %d; want [1000] once", delay, heard, visited)
		}
	}
}
