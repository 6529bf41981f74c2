package cache

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/credentials"
	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

const (
	testAK      = "CACHETESTAK0123456"
	testSK      = "cache-test-secret-key-0123456789"
	testProject = "0123456789abcdef0123456789abcdef"
	tlCluster   = "11111111-2222-3333-4444-555555555555"
)

// clock is the time of the stand-in and of the cache's settle cut.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// rig is a stand-in serving a timeline (a record every second, for three
// days before the clock), a client of it, and the cache in a directory of
// its own.
type rig struct {
	t      testing.TB
	clock  *clock
	srv    *standin.Server
	tl     standin.Timeline
	client *hss.Client
	dir    string
	store  *Store
	colds  []coldRead // the cold reads made, see cold
}

func newRig(t testing.TB, perTick int) *rig {
	t.Helper()
	return newRigStep(t, perTick, 1000)
}

// newRigStep is newRig with a timeline tick every step ms.
func newRigStep(t testing.TB, perTick int, step int64, records ...standin.Record) *rig {
	t.Helper()
	c := &clock{t: time.Now().Truncate(time.Second)}
	tl := standin.Timeline{ClusterID: tlCluster, Start: c.t.Add(-72 * time.Hour).UnixMilli(), Step: step, PerTick: perTick}
	srv := standin.New(standin.Options{ProjectID: testProject, AccessKey: testAK, SecretKey: testSK,
		Timeline: &tl, Records: records, TimelineNow: c.now})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	client, err := hss.New(hss.Config{Endpoint: hs.URL, ProjectID: testProject,
		Credentials: credentials.Static(credentials.Value{AccessKey: testAK, SecretKey: testSK})})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, clock: c, srv: srv, tl: tl, client: client, dir: t.TempDir() + "/cache"}
	r.store = r.open()
	return r
}

func (r *rig) open() *Store {
	r.t.Helper()
	s, err := Open(r.dir, 0)
	if err != nil {
		r.t.Fatal(err)
	}
	s.now = r.clock.now
	return s
}

// lister is the cache in front of the rig's client, for a caller.
func (r *rig) lister(caller string) *Lister {
	l := NewLister(r.client, r.store, Scope{Caller: caller, Endpoint: "e", ProjectID: testProject}, hss.DefaultSettleDelay, nopLogger{})
	l.now = r.clock.now
	return l
}

// window is the query of [now-from, now-to].
func (r *rig) window(from, to time.Duration) hss.Query {
	now := r.clock.now()
	return hss.Query{ClusterID: tlCluster, StartTime: now.Add(-from).UnixMilli(), EndTime: now.Add(-to).UnixMilli(), Limit: hss.MaxLimit}
}

// read reads q through l and returns the records and the calls made.
func (r *rig) read(l interface {
	WalkClusterAuditLogs(context.Context, hss.Query, hss.Visitor) (*hss.Result, error)
}, q hss.Query) ([]hss.Record, *hss.Result, int) {
	r.t.Helper()
	r.srv.Reset()
	var recs []hss.Record
	var totals []int64
	pageTooLong := 0
	ctx := hss.WithTotal(context.Background(), func(n int64) {
		if len(recs) > 0 {
			n = -n - 1 // heard after a record: marked
		}
		totals = append(totals, n)
	})
	res, err := l.WalkClusterAuditLogs(ctx, q, func(p []hss.Record) bool {
		if int64(len(p)) > q.Limit {
			pageTooLong = len(p)
		}
		recs = append(recs, p...)
		return true
	})
	if err != nil {
		r.t.Fatal(err)
	}
	// Every read, of the client or through the cache, tells the window's
	// count once, before its first record, and hands over pages of at
	// most limit records.
	if len(totals) != 1 || totals[0] != res.TotalNum {
		r.t.Fatalf("the read told total_num %v (negative: after a record), want %d once, before the first record", totals, res.TotalNum)
	}
	if pageTooLong > 0 {
		r.t.Fatalf("a page of %d records, more than limit %d", pageTooLong, q.Limit)
	}
	return recs, res, len(r.srv.Requests())
}

// cold is what the service returns for q, read without the cache: a read
// of the client alone, or the part of one made at the same clock of a
// window holding q's with the same filters (the service lists by time,
// so a window's records are a run of a wider window's); cold reads cost
// a read of the stand-in, which under -race is most of a test's time.
func (r *rig) cold(q hss.Query) []hss.Record {
	r.t.Helper()
	now := r.clock.now()
	for _, c := range r.colds {
		if c.at.Equal(now) && sameFilters(c.q, q) && c.q.StartTime <= q.StartTime && q.EndTime <= c.q.EndTime {
			i := sort.Search(len(c.recs), func(i int) bool { return c.recs[i].Time <= q.EndTime })
			j := sort.Search(len(c.recs), func(j int) bool { return c.recs[j].Time < q.StartTime })
			return c.recs[i:j:j]
		}
	}
	recs, _, _ := r.read(r.client, q)
	if q.Offset == 0 && q.LineNum == "" && newestFirst(recs) {
		r.colds = append(r.colds, coldRead{at: now, q: q, recs: recs})
	}
	return recs
}

type coldRead struct {
	at   time.Time
	q    hss.Query
	recs []hss.Record
}

func sameFilters(a, b hss.Query) bool {
	return a.ClusterID == b.ClusterID && a.EnterpriseProjectID == b.EnterpriseProjectID && a.ClusterName == b.ClusterName &&
		a.HostName == b.HostName && a.HostID == b.HostID && a.HostIP == b.HostIP && a.Verb == b.Verb &&
		a.LineNum == "" && b.LineNum == "" && a.Offset == 0 && b.Offset == 0
}

func newestFirst(recs []hss.Record) bool {
	for i := 1; i < len(recs); i++ {
		if recs[i].Time > recs[i-1].Time {
			return false
		}
	}
	return true
}

func sameRecords(t testing.TB, what string, got, want []hss.Record) {
	t.Helper()
	if d := diffRecords(got, want); d != "" {
		t.Fatalf("%s: %s", what, d)
	}
}

// diffRecords says how got differs from want, or "" when it does not;
// safe from any goroutine.
func diffRecords(got, want []hss.Record) string {
	if slices.Equal(got, want) {
		return ""
	}
	i := 0
	for i < min(len(got), len(want)) && got[i] == want[i] {
		i++
	}
	return fmt.Sprintf("%d records, want %d as a cold read returns them; first difference at %d", len(got), len(want), i)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Info(context.Context, string, map[string]any)  {}
func (nopLogger) Warn(context.Context, string, map[string]any)  {}

// listerScope is the cache in front of the rig's client, for base.
func (r *rig) listerScope(base Scope) *Lister {
	l := NewLister(r.client, r.store, base, hss.DefaultSettleDelay, nopLogger{})
	l.now = r.clock.now
	return l
}

// keyOf is the key l files q's spans under.
func keyOf(l *Lister, q hss.Query) string {
	sc := l.base
	sc.EnterpriseProjectID, sc.ClusterID, sc.ClusterName = q.EnterpriseProjectID, q.ClusterID, q.ClusterName
	sc.HostName, sc.HostID, sc.HostIP, sc.Verb = q.HostName, q.HostID, q.HostIP, q.Verb
	return sc.Key()
}

// ms is the clock's time d ago, epoch ms.
func (r *rig) ms(d time.Duration) int64 { return r.clock.now().Add(-d).UnixMilli() }

// cut is the first unsettled millisecond at the clock.
func (r *rig) cut() int64 { return r.ms(hss.DefaultSettleDelay) }

// walk reads q through w with visit, the request log cleared first.
func (r *rig) walk(ctx context.Context, w Walker, q hss.Query, visit hss.Visitor) (*hss.Result, error) {
	r.t.Helper()
	r.srv.Reset()
	return w.WalkClusterAuditLogs(ctx, q, visit)
}

// ranges are the start_time and end_time of the requests logged.
func (r *rig) ranges() [][2]int64 {
	var out [][2]int64
	for _, lr := range r.srv.Requests() {
		f, _ := strconv.ParseInt(lr.Query.Get("start_time"), 10, 64)
		t, _ := strconv.ParseInt(lr.Query.Get("end_time"), 10, 64)
		out = append(out, [2]int64{f, t})
	}
	return out
}

// spanFile is a span file of a directory, as its name says.
type spanFile struct {
	name, prefix string
	from, to     int64
}

// spanFiles lists dir's span files (of every key), by name.
func spanFiles(t testing.TB, dir string) []spanFile {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []spanFile
	for _, e := range entries {
		name := e.Name()
		rest, ok := strings.CutSuffix(name, spanSuffix)
		if !ok || !e.Type().IsRegular() {
			continue
		}
		parts := strings.Split(rest, "-")
		if len(parts) != 3 {
			continue
		}
		f, err1 := strconv.ParseInt(parts[1], 10, 64)
		to, err2 := strconv.ParseInt(parts[2], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, spanFile{name: name, prefix: parts[0], from: f, to: to})
	}
	return out
}

// spanRanges are the ranges of key's span files, oldest first.
func spanRanges(t testing.TB, dir, key string) [][2]int64 {
	t.Helper()
	var out [][2]int64
	for _, f := range spanFiles(t, dir) {
		if f.prefix == key[:40] {
			out = append(out, [2]int64{f.from, f.to})
		}
	}
	slices.SortFunc(out, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
	return out
}

// decompressed is a gzip file's content.
func decompressed(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// gzipped is b compressed.
func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// loadAll loads every span file of dir under its own key prefix's key
// (keys holds the keys to try), failing on any that does not load.
func loadAll(t testing.TB, s *Store, keys ...string) int {
	t.Helper()
	n := 0
	for _, f := range spanFiles(t, s.Dir()) {
		var key string
		for _, k := range keys {
			if k[:40] == f.prefix {
				key = k
			}
		}
		if key == "" {
			t.Fatalf("span file %s is of no key the test used", f.name)
		}
		if _, err := s.load(key, span{from: f.from, to: f.to, path: filepath.Join(s.Dir(), f.name)}); err != nil {
			t.Fatalf("span file %s does not load: %v", f.name, err)
		}
		n++
	}
	return n
}

// tempFiles lists dir's temporary files.
func tempFiles(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) {
			out = append(out, e.Name())
		}
	}
	return out
}
