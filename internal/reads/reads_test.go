package reads

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
)

// fakeSource serves pages of records, reporting the total first as the
// client does; gate, when set, holds each page until it is received from.
type fakeSource struct {
	pages [][]hss.Record
	gate  chan struct{}
	err   error

	calls   atomic.Int32
	mu      sync.Mutex
	handed  int // pages the last read handed over
	lastCtx context.Context
}

func newFake(pages, perPage int) *fakeSource {
	f := &fakeSource{}
	n := 0
	for p := 0; p < pages; p++ {
		var page []hss.Record
		for i := 0; i < perPage; i++ {
			page = append(page, hss.Record{ClusterID: "c", Time: int64(1000 - n), Content: fmt.Sprintf("record %d", n)})
			n++
		}
		f.pages = append(f.pages, page)
	}
	return f
}

func (f *fakeSource) total() int64 {
	var n int64
	for _, p := range f.pages {
		n += int64(len(p))
	}
	return n
}

func (f *fakeSource) WalkClusterAuditLogs(ctx context.Context, q hss.Query, visit hss.Visitor) (*hss.Result, error) {
	f.calls.Add(1)
	f.mu.Lock()
	f.lastCtx, f.handed = ctx, 0
	f.mu.Unlock()
	res := &hss.Result{TotalNum: f.total(), Mode: hss.ModeOffset}
	if h := hss.TotalHook(ctx); h != nil {
		h(res.TotalNum) // as the client does, before the first record
	}
	for _, p := range f.pages {
		if f.gate != nil {
			select {
			case <-f.gate:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		res.Requests++
		res.Read += int64(len(p))
		f.mu.Lock()
		f.handed++
		f.mu.Unlock()
		if !visit(p) {
			res.Stopped = true
			return res, nil
		}
	}
	if f.err != nil {
		return nil, f.err
	}
	return res, nil
}

var query = hss.Query{ClusterID: "c", StartTime: 1, EndTime: 2000, Limit: 200}

func collect(dst *[]hss.Record, limit int) hss.Visitor {
	return func(p []hss.Record) bool {
		for _, r := range p {
			if limit > 0 && len(*dst) >= limit {
				return false
			}
			*dst = append(*dst, r)
		}
		return limit == 0 || len(*dst) < limit
	}
}

func all(f *fakeSource) []hss.Record {
	var out []hss.Record
	for _, p := range f.pages {
		out = append(out, p...)
	}
	return out
}

func TestConcurrentCallersShareOneRead(t *testing.T) {
	src := newFake(5, 3)
	src.gate = make(chan struct{})
	l := New(Options{}).Lister("scope", src)

	var wg sync.WaitGroup
	got := make([][]hss.Record, 3)
	res := make([]*hss.Result, 3)
	errs := make([]error, 3)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i], errs[i] = l.WalkClusterAuditLogs(context.Background(), query, collect(&got[i], 0))
		}()
	}
	waitFor(t, func() bool { return src.calls.Load() == 1 })
	time.Sleep(20 * time.Millisecond) // let the others join before the pages flow
	close(src.gate)
	wg.Wait()
	if n := src.calls.Load(); n != 1 {
		t.Fatalf("source read %d times, want 1", n)
	}
	for i := range got {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if !reflect.DeepEqual(got[i], all(src)) {
			t.Errorf("caller %d got %d records, want the source's %d in its order", i, len(got[i]), len(all(src)))
		}
		if res[i].TotalNum != 15 || res[i].Read != 15 || res[i].Stopped {
			t.Errorf("caller %d result %+v", i, res[i])
		}
	}
}

func TestLaterCallerReplaysKeptRead(t *testing.T) {
	src := newFake(3, 2)
	l := New(Options{}).Lister("scope", src)
	var first, second []hss.Record
	if _, err := l.WalkClusterAuditLogs(context.Background(), query, collect(&first, 0)); err != nil {
		t.Fatal(err)
	}
	res, err := l.WalkClusterAuditLogs(context.Background(), query, collect(&second, 0))
	if err != nil {
		t.Fatal(err)
	}
	if src.calls.Load() != 1 {
		t.Fatalf("source read %d times, want 1", src.calls.Load())
	}
	if !reflect.DeepEqual(first, second) || len(second) != 6 {
		t.Fatalf("replay differs: %d vs %d records", len(first), len(second))
	}
	if res.Requests != 0 || res.TotalNum != 6 || res.Read != 6 {
		t.Fatalf("replayed result %+v: want no requests, 6 records", res)
	}
	// A replay a visitor stops says so.
	var three []hss.Record
	res, _ = l.WalkClusterAuditLogs(context.Background(), query, collect(&three, 3))
	if !res.Stopped || len(three) != 3 || res.TotalNum != 6 {
		t.Fatalf("stopped replay: %+v, %d records", res, len(three))
	}
}

func TestStoppingCallerDoesNotStopOthers(t *testing.T) {
	src := newFake(4, 5)
	src.gate = make(chan struct{})
	l := New(Options{}).Lister("scope", src)
	var full, few []hss.Record
	var fullRes, fewRes *hss.Result
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		fullRes, _ = l.WalkClusterAuditLogs(context.Background(), query, collect(&full, 0))
	}()
	waitFor(t, func() bool { return src.calls.Load() == 1 })
	fewDone := make(chan struct{})
	go func() {
		defer wg.Done()
		defer close(fewDone)
		fewRes, _ = l.WalkClusterAuditLogs(context.Background(), query, collect(&few, 7))
	}()
	time.Sleep(20 * time.Millisecond)
	// The stopping caller returns before the read ends.
	src.gate <- struct{}{}
	src.gate <- struct{}{}
	<-fewDone
	if !fewRes.Stopped || len(few) != 7 || fewRes.TotalNum != 20 || fewRes.Read != 10 {
		t.Fatalf("stopping caller: %+v with %d records; want stopped after 2 pages, total 20", fewRes, len(few))
	}
	close(src.gate)
	wg.Wait()
	if len(full) != 20 || fullRes.Stopped || fullRes.TotalNum != 20 {
		t.Fatalf("full caller: %+v with %d records", fullRes, len(full))
	}
	if src.calls.Load() != 1 {
		t.Fatalf("source read %d times", src.calls.Load())
	}
}

func TestLoneStoppingCallerStopsTheRead(t *testing.T) {
	src := newFake(5, 4)
	reg := New(Options{})
	l := reg.Lister("scope", src)
	var few []hss.Record
	res, err := l.WalkClusterAuditLogs(context.Background(), query, collect(&few, 3))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Stopped || res.TotalNum != 20 || len(few) != 3 {
		t.Fatalf("result %+v, %d records", res, len(few))
	}
	waitFor(t, func() bool { src.mu.Lock(); defer src.mu.Unlock(); return src.handed == 1 })
	time.Sleep(20 * time.Millisecond)
	src.mu.Lock()
	handed := src.handed
	src.mu.Unlock()
	if handed != 1 {
		t.Fatalf("the source handed %d pages; a lone caller that stops at the first must stop the read there", handed)
	}
	// Not kept: a stopped read is not the window.
	var full []hss.Record
	if _, err := l.WalkClusterAuditLogs(context.Background(), query, collect(&full, 0)); err != nil {
		t.Fatal(err)
	}
	if len(full) != 20 || src.calls.Load() != 2 {
		t.Fatalf("after a stopped read: %d records, %d source reads; want 20 and 2", len(full), src.calls.Load())
	}
}

func TestCallerDeadlinesAreTheirOwn(t *testing.T) {
	src := newFake(3, 1)
	src.gate = make(chan struct{})
	l := New(Options{}).Lister("scope", src)
	short, cancelShort := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancelShort()
	long, cancelLong := context.WithTimeout(context.Background(), time.Hour)
	defer cancelLong()

	var wg sync.WaitGroup
	var shortErr error
	var longRes *hss.Result
	var longRecs, shortRecs []hss.Record
	wg.Add(2)
	go func() {
		defer wg.Done()
		_, shortErr = l.WalkClusterAuditLogs(short, query, collect(&shortRecs, 0))
	}()
	waitFor(t, func() bool { return src.calls.Load() == 1 })
	go func() {
		defer wg.Done()
		longRes, _ = l.WalkClusterAuditLogs(long, query, collect(&longRecs, 0))
	}()
	time.Sleep(20 * time.Millisecond)
	src.mu.Lock()
	sctx := src.lastCtx
	src.mu.Unlock()
	if d, ok := sctx.Deadline(); !ok || time.Until(d) < 30*time.Minute {
		t.Fatalf("the shared read's deadline is %v (%v); want the longest caller's", d, ok)
	}
	waitFor(t, func() bool { return short.Err() != nil })
	time.Sleep(20 * time.Millisecond)
	close(src.gate)
	wg.Wait()
	if !errors.Is(shortErr, context.DeadlineExceeded) {
		t.Fatalf("short caller: %v, want its own deadline", shortErr)
	}
	if longRes == nil || len(longRecs) != 3 {
		t.Fatalf("long caller: %+v, %d records", longRes, len(longRecs))
	}
}

func TestLastCallerLeavingCancelsTheRead(t *testing.T) {
	src := newFake(3, 1)
	src.gate = make(chan struct{})
	l := New(Options{}).Lister("scope", src)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := l.WalkClusterAuditLogs(ctx, query, func([]hss.Record) bool { return true })
		done <- err
	}()
	waitFor(t, func() bool { return src.calls.Load() == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("caller: %v", err)
	}
	src.mu.Lock()
	sctx := src.lastCtx
	src.mu.Unlock()
	select {
	case <-sctx.Done():
	case <-time.After(time.Second):
		t.Fatal("the shared read goes on with no caller left")
	}
}

func TestErrorReachesEveryCallerAndIsNotKept(t *testing.T) {
	src := newFake(2, 1)
	src.err = errors.New("boom")
	src.gate = make(chan struct{})
	l := New(Options{}).Lister("scope", src)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = l.WalkClusterAuditLogs(context.Background(), query, func([]hss.Record) bool { return true })
		}()
	}
	waitFor(t, func() bool { return src.calls.Load() == 1 })
	time.Sleep(20 * time.Millisecond)
	close(src.gate)
	wg.Wait()
	for i, err := range errs {
		if err == nil || err.Error() != "boom" {
			t.Errorf("caller %d: %v", i, err)
		}
	}
	src.err = nil
	if _, err := l.WalkClusterAuditLogs(context.Background(), query, func([]hss.Record) bool { return true }); err != nil {
		t.Fatal(err)
	}
	if src.calls.Load() != 2 {
		t.Fatalf("a failed read was kept: %d source reads", src.calls.Load())
	}
}

func TestKeptReadsBounded(t *testing.T) {
	src := newFake(1, 2)
	reg := New(Options{MaxEntries: 2})
	l := reg.Lister("scope", src)
	read := func(end int64) {
		t.Helper()
		q := query
		q.EndTime = end
		if _, err := l.WalkClusterAuditLogs(context.Background(), q, func([]hss.Record) bool { return true }); err != nil {
			t.Fatal(err)
		}
	}
	read(10)
	read(11)
	read(10) // most recently used now
	read(12) // drops 11
	if src.calls.Load() != 3 {
		t.Fatalf("%d source reads, want 3", src.calls.Load())
	}
	read(10)
	if src.calls.Load() != 3 {
		t.Fatal("the most recently used read was dropped")
	}
	read(11)
	if src.calls.Load() != 4 {
		t.Fatal("the least recently used read was kept beyond MaxEntries")
	}

	big := New(Options{MaxBytes: 10}).Lister("scope", src)
	for range 2 {
		if _, err := big.WalkClusterAuditLogs(context.Background(), query, func([]hss.Record) bool { return true }); err != nil {
			t.Fatal(err)
		}
	}
	if src.calls.Load() != 6 {
		t.Fatalf("a read larger than MaxBytes was kept (%d source reads)", src.calls.Load())
	}
}

func TestScopesAndQueriesNotShared(t *testing.T) {
	src := newFake(1, 1)
	reg := New(Options{})
	a, b := reg.Lister("endpoint-a project", src), reg.Lister("endpoint-b project", src)
	for _, l := range []Lister{a, b} {
		if _, err := l.WalkClusterAuditLogs(context.Background(), query, func([]hss.Record) bool { return true }); err != nil {
			t.Fatal(err)
		}
	}
	if src.calls.Load() != 2 {
		t.Fatalf("two scopes shared a read")
	}
	// Every parameter sent is part of the key.
	base := Key(query)
	for name, edit := range map[string]func(*hss.Query){
		"cluster_id": func(q *hss.Query) { q.ClusterID = "d" }, "start_time": func(q *hss.Query) { q.StartTime++ },
		"end_time": func(q *hss.Query) { q.EndTime++ }, "enterprise_project_id": func(q *hss.Query) { q.EnterpriseProjectID = "0" },
		"cluster_name": func(q *hss.Query) { q.ClusterName = "x" }, "host_name": func(q *hss.Query) { q.HostName = "x" },
		"host_id": func(q *hss.Query) { q.HostID = "x" }, "host_ip": func(q *hss.Query) { q.HostIP = "x" },
		"verb": func(q *hss.Query) { q.Verb = "get" }, "line_num": func(q *hss.Query) { q.LineNum = "1" },
		"limit": func(q *hss.Query) { q.Limit = 10 }, "offset": func(q *hss.Query) { q.Offset = 1 },
	} {
		q := query
		edit(&q)
		if Key(q) == base {
			t.Errorf("%s is not part of the key", name)
		}
	}
}

func TestInvalidQueryRefusedBeforeSharing(t *testing.T) {
	src := newFake(1, 1)
	l := New(Options{}).Lister("scope", src)
	q := query
	q.Limit = 0
	if _, err := l.WalkClusterAuditLogs(context.Background(), q, func([]hss.Record) bool { return true }); err == nil {
		t.Fatal("invalid query accepted")
	}
	if src.calls.Load() != 0 {
		t.Fatal("invalid query reached the source")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(time.Millisecond)
	}
}

// A read past MaxBytes drops the pages its callers have taken, so a late
// caller cannot replay them: it reads for itself, and both get the window.
func TestOverflowingReadIsNotJoined(t *testing.T) {
	src := newFake(4, 3)
	src.gate = make(chan struct{})
	l := New(Options{MaxBytes: 10}).Lister("scope", src)
	var a, b []hss.Record
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := l.WalkClusterAuditLogs(context.Background(), query, collect(&a, 0)); err != nil {
			t.Error(err)
		}
	}()
	waitFor(t, func() bool { return src.calls.Load() == 1 })
	src.gate <- struct{}{} // page 1: past the bound
	src.gate <- struct{}{} // page 2: page 1 is dropped
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := l.WalkClusterAuditLogs(context.Background(), query, collect(&b, 0)); err != nil {
			t.Error(err)
		}
	}()
	waitFor(t, func() bool { return src.calls.Load() == 2 })
	close(src.gate)
	wg.Wait()
	if !reflect.DeepEqual(a, all(src)) || !reflect.DeepEqual(b, all(src)) {
		t.Fatalf("records: %d and %d, want %d each", len(a), len(b), len(all(src)))
	}
}
