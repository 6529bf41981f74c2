package cache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// A rolling window moved by a quarter costs the calls of that quarter,
// and returns exactly the records of a cold read. (An hour's window: under
// -race a 4-hour one took most of the package's time.)
func TestRollingWindowReadsOnlyWhatItLacks(t *testing.T) {
	r := newRig(t, 1)
	l := r.lister("alice")
	// An hour ending an hour ago: settled, 3,601 records, 19 calls cold.
	q := r.window(2*time.Hour, time.Hour)
	got, res, calls := r.read(l, q)
	sameRecords(t, "first read", got, r.cold(q))
	if calls != 19 || res.TotalNum != int64(len(got)) || len(got) != 3601 {
		t.Fatalf("first read: %d calls, total_num %d of %d records; want 19 calls (18 full pages and one of a record), 3601 records", calls, res.TotalNum, len(got))
	}
	// The same window again: nothing to ask.
	got, _, calls = r.read(l, q)
	sameRecords(t, "second read", got, r.cold(q))
	if calls != 0 {
		t.Fatalf("the same settled window again made %d calls, want 0", calls)
	}
	// A quarter of an hour later, the window moved by a quarter: 900 new records.
	r.clock.advance(15 * time.Minute)
	q2 := r.window(2*time.Hour, time.Hour)
	got, res, calls = r.read(l, q2)
	ranges := slices.Compact(r.ranges())
	sameRecords(t, "moved window", got, r.cold(q2))
	if want := [][2]int64{{q.EndTime + 1, q2.EndTime}}; calls != 5 || res.TotalNum != int64(len(got)) || !slices.Equal(ranges, want) {
		t.Fatalf("the window moved by a quarter made %d calls for %v, want 5 (the quarter's 900 records) for %v", calls, ranges, want)
	}
}

// windowL is the query of [now-from, now-to] in pages of limit.
func (r *rig) windowL(from, to time.Duration, limit int64) hss.Query {
	q := r.window(from, to)
	q.Limit = limit
	return q
}

// countWindow is how many records the rig's timeline holds in q's window.
func (r *rig) countWindow(q hss.Query) int64 {
	return r.tl.Count(q.StartTime, q.EndTime, r.clock.now().UnixMilli())
}

// readExact reads q through l, checks it against a cold read (records,
// total_num, calls when want >= 0) and returns the calls and the
// requests' ranges.
func (r *rig) readExact(what string, l *Lister, q hss.Query, wantCalls int) [][2]int64 {
	r.t.Helper()
	got, res, calls := r.read(l, q)
	ranges := r.ranges()
	if wantCalls >= 0 && calls != wantCalls {
		r.t.Fatalf("%s: %d calls (%v), want %d", what, calls, ranges, wantCalls)
	}
	if res.TotalNum != int64(len(got)) || res.Read != int64(len(got)) || res.Stopped {
		r.t.Fatalf("%s: total_num %d, read %d, stopped %v, of %d records", what, res.TotalNum, res.Read, res.Stopped, len(got))
	}
	if n := r.countWindow(q); q.ClusterID == tlCluster && int64(len(got)) != n {
		r.t.Fatalf("%s: %d records, the timeline holds %d", what, len(got), n)
	}
	sameRecords(r.t, what, got, r.cold(q))
	return ranges
}

// A window reaching past a cached one on both sides asks for the two gaps
// only; one inside what is cached asks for nothing.
func TestOverlapOnEitherSide(t *testing.T) {
	r := newRig(t, 1)
	l := r.lister("alice")
	const limit = 50
	r.cold(r.windowL(23*time.Minute, 14*time.Minute, limit)) // the cold reads of every window below
	q1 := r.windowL(20*time.Minute, 17*time.Minute, limit)   // 181 records: 4 pages
	key := keyOf(l, q1)
	r.readExact("first window", l, q1, 4)
	if got, want := spanRanges(t, r.dir, key), [][2]int64{{q1.StartTime, q1.EndTime}}; !slices.Equal(got, want) {
		t.Fatalf("spans %v, want %v", got, want)
	}

	q2 := r.windowL(23*time.Minute, 14*time.Minute, limit) // 180 more records on either side: 4 pages each
	ranges := r.readExact("a window reaching earlier and later", l, q2, 8)
	older, newer := [2]int64{q2.StartTime, q1.StartTime - 1}, [2]int64{q1.EndTime + 1, q2.EndTime}
	for _, rg := range ranges {
		if rg != older && rg != newer {
			t.Fatalf("a request for %v; want only the gaps %v and %v", rg, older, newer)
		}
	}
	if got, want := spanRanges(t, r.dir, key), [][2]int64{older, {q1.StartTime, q1.EndTime}, newer}; !slices.Equal(got, want) {
		t.Fatalf("spans %v, want %v", got, want)
	}

	for _, c := range []struct {
		what     string
		from, to time.Duration
	}{
		{"a window inside the first", 19 * time.Minute, 18 * time.Minute},
		{"a window across all three spans", 22 * time.Minute, 15 * time.Minute},
		{"the wider window again", 23 * time.Minute, 14 * time.Minute},
		{"one millisecond at a seam", 20 * time.Minute, 20 * time.Minute},
		{"a window ending at a seam", 22 * time.Minute, 20 * time.Minute},
		{"a window starting at a seam", 17 * time.Minute, 15 * time.Minute},
	} {
		r.readExact(c.what, l, r.windowL(c.from, c.to, limit), 0)
	}
	// Other page sizes cut the cached records into their own pages.
	for _, limit := range []int64{1, 7, hss.MaxLimit} {
		r.readExact(fmt.Sprintf("limit %d", limit), l, r.windowL(21*time.Minute, 16*time.Minute, limit), 0)
	}
	// Edges off the ticks, one a millisecond past a seam.
	q := q2
	q.StartTime, q.EndTime = q1.StartTime+1, q1.EndTime+999
	r.readExact("edges off the ticks", l, q, 0)
	if n := len(spanFiles(t, r.dir)); n != 3 {
		t.Fatalf("%d span files after reads served from the cache, want the 3", n)
	}
}

// A window ending at the clock reads its unsettled tail every time, and
// never stores it.
func TestUnsettledTailIsReadEveryTimeNeverStored(t *testing.T) {
	r := newRig(t, 1)
	l := r.lister("alice")
	q := r.window(8*time.Minute, 0) // 180 settled records (a page), a tail of 301 (2)
	key := keyOf(l, q)
	cut := r.cut()
	r.readExact("first read", l, q, 3)
	if got, want := spanRanges(t, r.dir, key), [][2]int64{{q.StartTime, cut - 1}}; !slices.Equal(got, want) {
		t.Fatalf("spans %v, want %v: the settled part only", got, want)
	}
	ranges := r.readExact("second read", l, q, 2)
	for _, rg := range ranges {
		if rg[0] < cut {
			t.Fatalf("the second read asked for %v, before the tail (from %d)", rg, cut)
		}
	}

	// Two minutes on, the two minutes that settled are read and stored,
	// the tail read again.
	r.clock.advance(2 * time.Minute)
	q2 := r.window(8*time.Minute, 0)
	cut2 := r.cut()
	ranges = r.readExact("two minutes later", l, q2, 3)
	if !slices.Contains(ranges, [2]int64{cut, cut2 - 1}) {
		t.Fatalf("requests %v: none for what settled, [%d, %d]", ranges, cut, cut2-1)
	}
	if got, want := spanRanges(t, r.dir, key), [][2]int64{{q.StartTime, cut - 1}, {cut, cut2 - 1}}; !slices.Equal(got, want) {
		t.Fatalf("spans %v, want %v", got, want)
	}
	for _, f := range spanFiles(t, r.dir) {
		if f.to >= cut2 {
			t.Fatalf("span %s reaches %d, past the settled end %d", f.name, f.to, cut2-1)
		}
	}
	// A window all unsettled is the service's alone.
	r.readExact("an unsettled window", l, r.window(4*time.Minute, 0), 2)
	if n := len(spanFiles(t, r.dir)); n != 2 {
		t.Fatalf("%d span files, want 2", n)
	}
}

// Spans are cut at millisecond boundaries: the records of a tick all fall
// in one span, however the windows' edges and the pages fall.
func TestEqualTimesAtSeams(t *testing.T) {
	r := newRig(t, 5)
	l := r.lister("alice")
	const limit = 49                                        // pages end inside ticks
	r.cold(r.windowL(11*time.Minute, 8*time.Minute, limit)) // the cold reads of every window below
	q1 := r.windowL(10*time.Minute, 9*time.Minute, limit)   // 61 ticks, 305 records: 7 pages
	key := keyOf(l, q1)
	r.readExact("first window", l, q1, 7)
	q2 := r.windowL(11*time.Minute, 9*time.Minute+30*time.Second, limit) // 300 records before q1's first tick: 7 pages
	ranges := r.readExact("moved earlier", l, q2, 7)
	for _, rg := range ranges {
		if rg != [2]int64{q2.StartTime, q1.StartTime - 1} {
			t.Fatalf("request for %v, want only [%d, %d]", rg, q2.StartTime, q1.StartTime-1)
		}
	}
	q3 := r.windowL(9*time.Minute, 8*time.Minute, limit) // q1's last tick cached, 300 records after: 7 pages
	r.readExact("moved later, starting on the last cached tick", l, q3, 7)
	want := [][2]int64{{q2.StartTime, q1.StartTime - 1}, {q1.StartTime, q1.EndTime}, {q1.EndTime + 1, q3.EndTime}}
	if got := spanRanges(t, r.dir, key); !slices.Equal(got, want) {
		t.Fatalf("spans %v, want %v", got, want)
	}
	for _, c := range []struct {
		what     string
		from, to time.Duration
	}{
		{"one tick at a seam", 10 * time.Minute, 10 * time.Minute},
		{"the other seam's tick", 9 * time.Minute, 9 * time.Minute},
		{"two ticks across a seam", 9*time.Minute + time.Second, 9 * time.Minute},
		{"everything", 11 * time.Minute, 8 * time.Minute},
		{"edges just inside the ticks", 10*time.Minute + 500*time.Millisecond, 8*time.Minute + time.Millisecond},
	} {
		r.readExact(c.what, l, r.windowL(c.from, c.to, limit), 0)
	}
}

// onlySpan is the path of key's one span file.
func onlySpan(t *testing.T, dir, key string) (string, [2]int64) {
	t.Helper()
	rs := spanRanges(t, dir, key)
	if len(rs) != 1 {
		t.Fatalf("%d spans of the key, want 1: %v", len(rs), rs)
	}
	return filepath.Join(dir, spanName(key, rs[0][0], rs[0][1])), rs[0]
}

// A span file that is not what its name says is never trusted: its span
// is read again, exactly, and written again whole.
func TestDamagedSpanFilesAreReadAgain(t *testing.T) {
	const limit = 50
	for _, c := range []struct {
		name   string
		damage func(t *testing.T, r *rig, path string)
	}{
		{"a byte flipped in the middle", func(t *testing.T, r *rig, path string) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)/2] ^= 0xff
			write(t, path, b)
		}},
		{"truncated", func(t *testing.T, r *rig, path string) {
			if err := os.Truncate(path, 200); err != nil {
				t.Fatal(err)
			}
		}},
		{"empty", func(t *testing.T, r *rig, path string) { write(t, path, nil) }},
		{"garbage", func(t *testing.T, r *rig, path string) {
			write(t, path, bytes.Repeat([]byte{0x1f, 0x8b, 8, 0, 'x'}, 100))
		}},
		{"version 2 in its header", func(t *testing.T, r *rig, path string) {
			text := string(decompressed(t, path))
			if !strings.Contains(text, `"version":1,`) {
				t.Fatalf("no version 1 in the header: %.200s", text)
			}
			write(t, path, gzipped([]byte(strings.Replace(text, `"version":1,`, `"version":2,`, 1))))
		}},
		{"a header line of version 2 alone", func(t *testing.T, r *rig, path string) {
			header := strings.SplitN(string(decompressed(t, path)), "\n", 2)[0]
			write(t, path, gzipped([]byte(strings.Replace(header, `"version":1,`, `"version":2,`, 1)+"\n")))
		}},
		{"another caller's span under this one's name", func(t *testing.T, r *rig, path string) {
			bob := r.lister("bob")
			q := r.windowL(20*time.Minute, 17*time.Minute, limit)
			r.readExact("bob's read", bob, q, 4)
			bobs, _ := onlySpan(t, r.dir, keyOf(bob, q))
			if err := os.Rename(bobs, path); err != nil {
				t.Fatal(err)
			}
		}},
		{"another span's file renamed to this one's name", func(t *testing.T, r *rig, path string) {
			l := r.lister("alice")
			q := r.windowL(24*time.Minute, 21*time.Minute, limit) // other records, another range
			r.readExact("another window", l, q, 4)
			other := filepath.Join(r.dir, spanName(keyOf(l, q), q.StartTime, q.EndTime))
			if err := os.Rename(other, path); err != nil {
				t.Fatal(err)
			}
		}},
		{"a directory in its place", func(t *testing.T, r *rig, path string) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, 1)
			l := r.lister("alice")
			r.cold(r.windowL(25*time.Minute, 16*time.Minute, limit))
			q := r.windowL(20*time.Minute, 17*time.Minute, limit) // 181 records: 4 pages
			key := keyOf(l, q)
			r.readExact("first read", l, q, 4)
			path, rg := onlySpan(t, r.dir, key)
			c.damage(t, r, path)
			r.readExact("the read after the damage", l, q, 4)
			if fi, err := os.Stat(path); err == nil && fi.IsDir() {
				// The name is taken: the span cannot be written, and is
				// read from the service every time, exactly.
				r.readExact("the read after that", l, q, 4)
				return
			}
			if got, err := r.store.load(key, span{from: rg[0], to: rg[1], path: path}); err != nil || len(got) != 181 {
				t.Fatalf("the span written again: %d records, %v", len(got), err)
			}
			r.spansWhole(key)
			r.readExact("the read after that", l, q, 0)
			if left := tempFiles(t, r.dir); len(left) != 0 {
				t.Fatalf("temporary files left: %v", left)
			}
		})
	}
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Files that are not spans of the key, whatever their names, change
// nothing.
func TestStrangeFilesAreIgnored(t *testing.T) {
	r := newRig(t, 1)
	l := r.lister("alice")
	const limit = 50
	r.cold(r.windowL(25*time.Minute, 15*time.Minute, limit))
	q := r.windowL(20*time.Minute, 17*time.Minute, limit)
	key := keyOf(l, q)
	r.readExact("first read", l, q, 4)
	p := key[:40]
	other := r.windowL(25*time.Minute, 21*time.Minute, limit) // not read yet
	for name, content := range map[string][]byte{
		"README":                         []byte("hello"),
		"x" + spanSuffix:                 []byte("garbage"),
		p + spanSuffix:                   []byte("garbage"),
		p + "-abc-def" + spanSuffix:      []byte("garbage"),
		p + "-9-1" + spanSuffix:          []byte("garbage"),
		p + "--1-5" + spanSuffix:         []byte("garbage"),
		p + "-1-2-3" + spanSuffix:        []byte("garbage"),
		p + ".unordered.tmp":             nil,
		tempPrefix + "123456.tmp":        []byte("half a span"),
		strings.Repeat("f", 40) + "-1-2": []byte("garbage"),
		// Garbage under the name of a span of a window not read yet.
		spanName(key, other.StartTime, other.EndTime): bytes.Repeat([]byte("\x1f\x8b\x08garbage"), 50),
	} {
		write(t, filepath.Join(r.dir, name), content)
	}
	if err := os.Mkdir(filepath.Join(r.dir, spanName(key, q.StartTime-1000, q.StartTime-1)), 0o700); err != nil {
		t.Fatal(err)
	}
	r.readExact("the read among strange files", l, q, 0)
	r.readExact("a window where garbage has a span's name", l, other, 5) // 241 records
	if got, err := r.store.load(key, span{from: other.StartTime, to: other.EndTime, path: filepath.Join(r.dir, spanName(key, other.StartTime, other.EndTime))}); err != nil || len(got) != 241 {
		t.Fatalf("the span written in the garbage's place: %d records, %v", len(got), err)
	}
	r.readExact("both, and the minute between", l, r.windowL(25*time.Minute, 17*time.Minute, limit), 2) // 59 records between
	r.readExact("all of it again", l, r.windowL(25*time.Minute, 17*time.Minute, limit), 0)
}

// Every scope has spans of its own: another project's, endpoint's,
// caller's or filter's read costs the calls of a cold read, even where
// the records are the same.
func TestScopesDoNotShareSpans(t *testing.T) {
	r := newRig(t, 1)
	q := r.windowL(20*time.Minute, 17*time.Minute, 50) // 181 records: 4 pages
	r.cold(q)
	coldCalls := len(r.srv.Requests())
	if coldCalls != 4 {
		t.Fatalf("a cold read made %d calls, want 4", coldCalls)
	}
	base := Scope{Caller: "alice", Endpoint: "e", ProjectID: testProject}
	alice := r.listerScope(base)
	r.readExact("alice's first read", alice, q, coldCalls)
	r.readExact("alice's second read", alice, q, 0)

	with := func(f func(*Scope)) Scope { s := base; f(&s); return s }
	filter := func(f func(*hss.Query)) hss.Query { q := q; f(&q); return q }
	keys := map[string]string{keyOf(alice, q): "alice"}
	for _, c := range []struct {
		name  string
		scope Scope
		q     hss.Query
	}{
		{"another project", with(func(s *Scope) { s.ProjectID = "fedcba9876543210fedcba9876543210" }), q},
		{"another caller", with(func(s *Scope) { s.Caller = "bob" }), q},
		{"another endpoint", with(func(s *Scope) { s.Endpoint = "e2" }), q},
		{"verb get", base, filter(func(q *hss.Query) { q.Verb = standin.TimelineVerb })},
		{"host ip", base, filter(func(q *hss.Query) { q.HostIP = standin.TimelineHostIP })},
		{"host name", base, filter(func(q *hss.Query) { q.HostName = standin.TimelineHostName })},
		{"host id", base, filter(func(q *hss.Query) { q.HostID = standin.TimelineHostID })},
		{"cluster name", base, filter(func(q *hss.Query) { q.ClusterName = standin.TimelineClusterName })},
		{"enterprise project", base, filter(func(q *hss.Query) { q.EnterpriseProjectID = "0" })},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := r.listerScope(c.scope)
			key := keyOf(l, c.q)
			if prev, dup := keys[key]; dup {
				t.Fatalf("the key of %s is %s's", c.name, prev)
			}
			keys[key] = c.name
			got, _, calls := r.read(l, c.q)
			if calls != coldCalls {
				t.Fatalf("%d calls, want the %d of a cold read: served from another scope's spans", calls, coldCalls)
			}
			sameRecords(t, c.name, got, r.cold(q)) // the filters select every timeline record
			if got, _, calls := r.read(l, c.q); calls != 0 || len(got) != 181 {
				t.Fatalf("%s's own second read: %d calls, %d records", c.name, calls, len(got))
			}
		})
	}
	if n := len(spanFiles(t, r.dir)); n != len(keys) {
		t.Fatalf("%d span files, want one for each of the %d scopes", n, len(keys))
	}
	// Alice's own spans still serve her.
	r.readExact("alice's read after the others", alice, q, 0)
}

const secretCluster = "99999999-8888-7777-6666-555555555555"

// Records that carry secrets are stored as a redacted read keeps them in
// state: the window is cached whole, no span file holds a secret, and the
// next read makes no call and returns the same records, redacted.
func TestSecretsAreStoredRedacted(t *testing.T) {
	r := newRig(t, 1)
	l := r.lister("alice")
	rec := func(ms int64, content string) standin.Record {
		return standin.Record{ClusterID: secretCluster, ClusterName: "apps", ClusterType: "k8s", HostID: "h-1", HostName: "node-1",
			HostIP: "10.1.0.1", Content: content, Time: ms}
	}
	var recs []standin.Record
	for i := range 121 { // a pod event every 10 s, from 30 to 10 minutes ago
		name := fmt.Sprintf("web-%d", i)
		recs = append(recs, rec(r.ms(30*time.Minute)+int64(i)*10_000,
			auditEvent("get", "pods", "", "prod", name, "/api/v1/namespaces/prod/pods/"+name, "Metadata", "")))
	}
	t1, t2, t3 := r.ms(22*time.Minute)+500, r.ms(20*time.Minute)+250, r.ms(18*time.Minute)+750
	twins := r.ms(25*time.Minute) + 100
	recs = append(recs, rec(t1, secretCreate), rec(t2, tokenReview), rec(t2, podGet), rec(t3, tokenRequest),
		rec(twins, podGet), rec(twins, podGet)) // two identical records: both kept
	r.srv.Add(recs...)
	q := hss.Query{ClusterID: secretCluster, StartTime: r.ms(31 * time.Minute), EndTime: r.ms(10 * time.Minute), Limit: 200}
	key := keyOf(l, q)

	r.readExact("first read", l, q, 1)
	if got, want := spanRanges(t, r.dir, key), [][2]int64{{q.StartTime, q.EndTime}}; !slices.Equal(got, want) {
		t.Fatalf("spans %v, want the window whole %v", got, want)
	}
	for _, f := range spanFiles(t, r.dir) {
		text := decompressed(t, filepath.Join(r.dir, f.name))
		for _, secret := range []string{secretData, reviewToken, requestToken} {
			if bytes.Contains(text, []byte(secret)) {
				t.Fatalf("span file %s holds %q", f.name, secret)
			}
		}
	}
	// The second read: no call, the cold read's records as a redacted
	// read keeps them.
	got, res, calls := r.read(l, q)
	if calls != 0 || res.TotalNum != int64(len(got)) {
		t.Fatalf("second read: %d calls, total_num %d of %d records", calls, res.TotalNum, len(got))
	}
	sameRecords(t, "second read", got, redacted(r.cold(q)))
	twinsFound := 0
	for _, rc := range got {
		if rc.Time == twins && rc.Content == podGet {
			twinsFound++
		}
	}
	if twinsFound != 2 {
		t.Fatalf("%d of the two identical records", twinsFound)
	}
}

// Reads that address pages (offset, line_num) and windows with nothing
// settled go to the service as they are, and write nothing.
func TestPagedAndUnsettledReadsBypassTheCache(t *testing.T) {
	r := newRig(t, 1)
	l := r.lister("alice")
	q := r.windowL(20*time.Minute, 17*time.Minute, 50)
	for _, c := range []struct {
		name string
		q    hss.Query
	}{
		{"offset", func() hss.Query { q := q; q.Offset = 10; return q }()},
		{"offset past the end", func() hss.Query { q := q; q.Offset = 1000; return q }()},
		{"line_num", func() hss.Query { q := q; q.LineNum = "5"; return q }()},
		{"nothing settled", r.windowL(4*time.Minute, 0, 50)},
		{"nothing settled, ending in the future", func() hss.Query { q := r.windowL(time.Minute, 0, 50); q.EndTime += 60_000; return q }()},
	} {
		t.Run(c.name, func(t *testing.T) {
			want, wres, wantCalls := r.read(r.client, c.q)
			wantRanges := r.ranges()
			for i := range 2 {
				got, res, calls := r.read(l, c.q)
				sameRecords(t, c.name, got, want)
				if calls != wantCalls || !slices.Equal(r.ranges(), wantRanges) || res.TotalNum != wres.TotalNum {
					t.Fatalf("read %d: %d calls for %v, total_num %d; a cold read makes %d for %v, total_num %d",
						i, calls, r.ranges(), res.TotalNum, wantCalls, wantRanges, wres.TotalNum)
				}
			}
			if entries, _ := os.ReadDir(r.dir); len(entries) != 0 {
				t.Fatalf("the cache directory holds %d files", len(entries))
			}
		})
	}
	// The cache serves the window itself, of course.
	r.readExact("the window", l, q, 4)
	r.readExact("the window again", l, q, 0)
}

// fakeService is a service of one record a second, listed newest first
// unless order says otherwise, that counts its reads.
type fakeService struct {
	order string // "", "oldest first" or "outside the range"
	// failAfterCount and failBeforeCount fail every read, after telling
	// the window's count or before.
	failAfterCount, failBeforeCount error

	mu      sync.Mutex
	queries [][2]int64
}

var errFake = errors.New("the page holds more records than limit")

func (f *fakeService) records(q hss.Query) []hss.Record {
	var out []hss.Record
	for ms := (q.StartTime + 999) / 1000 * 1000; ms <= q.EndTime; ms += 1000 {
		out = append(out, hss.Record{ClusterID: q.ClusterID, Time: ms, Content: fmt.Sprintf("event at %d", ms)})
	}
	switch f.order {
	case "oldest first":
	case "outside the range":
		slices.Reverse(out)
		out = append([]hss.Record{{ClusterID: q.ClusterID, Time: q.EndTime + 1, Content: "late"}}, out...)
	default:
		slices.Reverse(out)
	}
	return out
}

func (f *fakeService) WalkClusterAuditLogs(ctx context.Context, q hss.Query, visit hss.Visitor) (*hss.Result, error) {
	f.mu.Lock()
	f.queries = append(f.queries, [2]int64{q.StartTime, q.EndTime})
	f.mu.Unlock()
	if f.failBeforeCount != nil {
		return nil, f.failBeforeCount
	}
	recs := f.records(q)
	if hook := hss.TotalHook(ctx); hook != nil {
		hook(int64(len(recs)))
	}
	if f.failAfterCount != nil {
		return nil, f.failAfterCount
	}
	res := &hss.Result{TotalNum: int64(len(recs)), Mode: hss.ModeOffset}
	for i := 0; ; i += int(q.Limit) {
		page := recs[min(i, len(recs)):min(i+int(q.Limit), len(recs))]
		res.Requests++
		res.Read += int64(len(page))
		if !visit(page) {
			res.Stopped = true
			return res, nil
		}
		if len(page) < int(q.Limit) {
			return res, nil
		}
	}
}

func (f *fakeService) reads() [][2]int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.queries
	f.queries = nil
	return out
}

func readAll(t *testing.T, w Walker, q hss.Query) ([]hss.Record, *hss.Result) {
	t.Helper()
	var recs []hss.Record
	res, err := w.WalkClusterAuditLogs(context.Background(), q, func(p []hss.Record) bool {
		recs = append(recs, p...)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs, res
}

// A service whose records come out of newest-first order, or out of the
// range asked, cannot have its windows assembled from spans: the read
// returns what it gave, nothing is stored, and later reads bypass the
// cache.
func TestOutOfOrderServiceIsNotCached(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	for _, order := range []string{"", "oldest first", "outside the range"} {
		t.Run(order, func(t *testing.T) {
			store, err := Open(t.TempDir(), 0)
			if err != nil {
				t.Fatal(err)
			}
			svc := &fakeService{order: order}
			l := NewLister(svc, store, Scope{Caller: "alice", Endpoint: "e", ProjectID: testProject}, hss.DefaultSettleDelay, nopLogger{})
			l.now = func() time.Time { return now }
			q := hss.Query{ClusterID: "c", StartTime: now.Add(-20 * time.Minute).UnixMilli(), EndTime: now.Add(-10 * time.Minute).UnixMilli(), Limit: 50}
			whole := [][2]int64{{q.StartTime, q.EndTime}}
			marker := filepath.Join(store.Dir(), keyOf(l, q)[:40]+".unordered")
			want := svc.records(q)
			if order == "outside the range" {
				// Another part holds that record: the read fails, and
				// nothing is stored.
				_, err := l.WalkClusterAuditLogs(context.Background(), q, func([]hss.Record) bool { return true })
				var pe *hss.PagingError
				if !errors.As(err, &pe) || !strings.Contains(pe.Reason, "does not honour start_time and end_time") {
					t.Fatalf("err = %v, want a paging error", err)
				}
				if n := len(spanFiles(t, store.Dir())); n != 0 {
					t.Fatalf("%d span files stored", n)
				}
				return
			}
			got, res := readAll(t, l, q)
			sameRecords(t, "first read", got, want)
			if res.TotalNum != int64(len(want)) {
				t.Fatalf("total_num %d of %d records", res.TotalNum, len(want))
			}
			if reads := svc.reads(); !slices.Equal(reads, whole) {
				t.Fatalf("the service was asked for %v, want %v", reads, whole)
			}
			if order == "" {
				// A faithful service: its windows are cached.
				if _, err := os.Stat(marker); err == nil {
					t.Fatal("a marker for a service listing newest first")
				}
				got, _ := readAll(t, l, q)
				sameRecords(t, "second read", got, want)
				if reads := svc.reads(); len(reads) != 0 {
					t.Fatalf("the second read asked the service for %v", reads)
				}
				return
			}
			if n := len(spanFiles(t, store.Dir())); n != 0 {
				t.Fatalf("%d span files stored of a service listing %s", n, order)
			}
			if _, err := os.Stat(marker); err != nil {
				t.Fatalf("no marker: %v", err)
			}
			// Later reads go to the service whole, even one with a tail,
			// and store nothing.
			for _, w := range []hss.Query{q, func() hss.Query { q := q; q.EndTime = now.UnixMilli(); return q }()} {
				got, _ := readAll(t, l, w)
				sameRecords(t, "a read after the marker", got, svc.records(w))
				if reads := svc.reads(); !slices.Equal(reads, [][2]int64{{w.StartTime, w.EndTime}}) {
					t.Fatalf("the service was asked for %v, want the window whole", reads)
				}
			}
			if n := len(spanFiles(t, store.Dir())); n != 0 {
				t.Fatalf("%d span files stored after the marker", n)
			}
			// The marker is the query's: another's reads are cached.
			other := l.base
			other.Caller = "bob"
			lb := NewLister(&fakeService{}, store, other, hss.DefaultSettleDelay, nopLogger{})
			lb.now = l.now
			readAll(t, lb, q)
			if n := len(spanFiles(t, store.Dir())); n != 1 {
				t.Fatalf("%d span files of another query, want 1", n)
			}
		})
	}
}

// A gap whose read fails, after it told its count or before, fails the
// read, with no record handed over and nothing stored.
func TestFailingGapFailsTheRead(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	for _, svc := range []*fakeService{{failAfterCount: errFake}, {failBeforeCount: errFake}} {
		store, err := Open(t.TempDir(), 0)
		if err != nil {
			t.Fatal(err)
		}
		l := NewLister(svc, store, Scope{Caller: "alice"}, hss.DefaultSettleDelay, nopLogger{})
		l.now = func() time.Time { return now }
		// Cache the middle of the window from a faithful service.
		mid := hss.Query{ClusterID: "c", StartTime: now.Add(-20 * time.Minute).UnixMilli(), EndTime: now.Add(-15 * time.Minute).UnixMilli(), Limit: 50}
		good := NewLister(&fakeService{}, store, l.base, hss.DefaultSettleDelay, nopLogger{})
		good.now = l.now
		readAll(t, good, mid)
		for _, q := range []hss.Query{
			{ClusterID: "c", StartTime: now.Add(-25 * time.Minute).UnixMilli(), EndTime: now.Add(-10 * time.Minute).UnixMilli(), Limit: 50},
			{ClusterID: "c", StartTime: now.Add(-25 * time.Minute).UnixMilli(), EndTime: now.UnixMilli(), Limit: 50},
		} {
			handed := 0
			res, err := l.WalkClusterAuditLogs(context.Background(), q, func(p []hss.Record) bool { handed += len(p); return true })
			if !errors.Is(err, errFake) || res != nil {
				t.Fatalf("read = %v, %v; want the gap's error", res, err)
			}
			if handed != 0 {
				t.Fatalf("%d records handed over by a read that failed before its records", handed)
			}
		}
		if n := len(spanFiles(t, store.Dir())); n != 1 {
			t.Fatalf("%d span files, want the middle's alone", n)
		}
	}
}

// A reader that stops early hears the window's whole count before the
// first record, and the read makes no call once it has returned, nor
// stores a gap it read in part.
func TestEarlyStop(t *testing.T) {
	for _, c := range []struct {
		name      string
		from, to  time.Duration
		mid       [2]time.Duration
		stopAt    int
		wantCalls int
	}{
		// Gaps (30m, 26m] and [32m, 30m), 120 records each, first pages
		// read at once; the stop comes in the newer's first page.
		{"in the newer gap", 32 * time.Minute, 26 * time.Minute, [2]time.Duration{30 * time.Minute, 28 * time.Minute}, 10, 2},
		// The newer gap read whole (12 pages), the stop in the middle.
		{"in the cached middle", 32 * time.Minute, 26 * time.Minute, [2]time.Duration{30 * time.Minute, 28 * time.Minute}, 130, 13},
		// The stop at the older gap's first page, read at once.
		{"in the older gap", 32 * time.Minute, 26 * time.Minute, [2]time.Duration{30 * time.Minute, 28 * time.Minute}, 251, 13},
		// The tail first: its page, and both gaps' first.
		{"in the tail", 8 * time.Minute, 0, [2]time.Duration{7 * time.Minute, 6 * time.Minute}, 10, 3},
		// A window all cached: no call at all.
		{"all cached", 30 * time.Minute, 28 * time.Minute, [2]time.Duration{30 * time.Minute, 28 * time.Minute}, 10, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, 1)
			l := r.lister("alice")
			const limit = 10
			r.readExact("the middle", l, r.windowL(c.mid[0], c.mid[1], limit), -1)
			key := keyOf(l, r.window(0, 0))
			before := spanRanges(t, r.dir, key)
			q := r.windowL(c.from, c.to, limit)
			want := r.cold(q)

			var events []string
			total := int64(-1)
			var got []hss.Record
			ctx := hss.WithTotal(context.Background(), func(n int64) { events = append(events, "total"); total = n })
			res, err := r.walk(ctx, l, q, func(p []hss.Record) bool {
				events = append(events, "page")
				got = append(got, p...)
				return len(got) < c.stopAt
			})
			if err != nil {
				t.Fatal(err)
			}
			calls := len(r.srv.Requests())
			time.Sleep(200 * time.Millisecond)
			if late := r.srv.Requests()[calls:]; len(late) != 0 {
				t.Fatalf("%d requests after the read returned: %v", len(late), late[0].Query)
			}
			if calls != c.wantCalls {
				t.Fatalf("%d calls (%v), want %d", calls, r.ranges(), c.wantCalls)
			}
			if len(events) < 2 || events[0] != "total" || slices.Contains(events[1:], "total") {
				t.Fatalf("events %v: want the total once, before the first page", events)
			}
			if n := r.countWindow(q); total != n || res.TotalNum != n || int64(len(want)) != n {
				t.Fatalf("the hook heard %d, total_num %d, a cold read holds %d; the timeline %d", total, res.TotalNum, len(want), n)
			}
			if !res.Stopped || res.Read != int64(c.stopAt) || len(got) != c.stopAt {
				t.Fatalf("stopped %v, read %d, %d records handed over; want stopped after %d", res.Stopped, res.Read, len(got), c.stopAt)
			}
			sameRecords(t, "records handed over", got, want[:c.stopAt])
			r.spansWhole(key)
			if after := spanRanges(t, r.dir, key); !slices.Equal(after, before) {
				t.Fatalf("spans %v after the stopped read, want %v as before", after, before)
			}
			if left := tempFiles(t, r.dir); len(left) != 0 {
				t.Fatalf("temporary files left: %v", left)
			}
			// The read to the end then reads the gaps, exactly.
			r.readExact("the read to the end", l, q, -1)
		})
	}
}

// A window assembled from more than maxPieces pieces is written as one
// span, in place of the spans it covers.
func TestManyPiecesAreMergedIntoOneSpan(t *testing.T) {
	r := newRig(t, 1)
	l := r.lister("alice")
	wide := r.window(20*time.Minute, 10*time.Minute) // 601 records
	key := keyOf(l, wide)
	r.cold(wide)
	for _, from := range []time.Duration{20 * time.Minute, 18 * time.Minute, 16 * time.Minute, 14 * time.Minute, 12 * time.Minute} {
		r.readExact("a small window", l, r.window(from, from-30*time.Second), 1)
	}
	if n := len(spanRanges(t, r.dir, key)); n != 5 {
		t.Fatalf("%d spans, want 5", n)
	}
	// 5 spans and 5 gaps: 10 pieces.
	r.readExact("the wide window", l, wide, 5)
	if got, want := spanRanges(t, r.dir, key), [][2]int64{{wide.StartTime, wide.EndTime}}; !slices.Equal(got, want) {
		t.Fatalf("spans %v, want the one %v", got, want)
	}
	r.readExact("the wide window again", l, wide, 0)
	r.readExact("a small window again", l, r.window(16*time.Minute, 15*time.Minute), 0)
}

// Two plans sharing a directory, reading overlapping windows at once,
// each with a Store of its own: every read is exact, and the directory
// is left whole.
func TestConcurrentPlansShareADirectory(t *testing.T) {
	r := newRig(t, 1)
	const limit = 100
	r.cold(r.windowL(25*time.Minute, 15*time.Minute, limit)) // the cold reads of every window below
	var windows []hss.Query
	for _, w := range [][2]time.Duration{
		{25 * time.Minute, 15 * time.Minute},
		{24*time.Minute + 30*time.Second, 24 * time.Minute}, // small ones: the wide window in more than maxPieces pieces
		{23 * time.Minute, 22*time.Minute + 30*time.Second},
		{21 * time.Minute, 20*time.Minute + 30*time.Second},
		{19 * time.Minute, 18*time.Minute + 30*time.Second},
		{17 * time.Minute, 16*time.Minute + 30*time.Second},
		{22 * time.Minute, 18 * time.Minute},
		{20 * time.Minute, 15 * time.Minute},
		{25 * time.Minute, 21 * time.Minute},
	} {
		windows = append(windows, r.windowL(w[0], w[1], limit))
	}
	want := make([][]hss.Record, len(windows))
	for i, q := range windows {
		want[i] = r.cold(q)
	}
	base := Scope{Caller: "alice", Endpoint: "e", ProjectID: testProject}
	plans := []*Lister{r.listerScope(base), NewLister(r.client, r.open(), base, hss.DefaultSettleDelay, nopLogger{})}
	plans[1].now = r.clock.now
	var wg sync.WaitGroup
	for p, l := range plans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 3 {
				for k := range windows {
					i := (k + round) % len(windows)
					if p == 1 {
						i = len(windows) - 1 - i // the other plan the other way
					}
					var got []hss.Record
					res, err := l.WalkClusterAuditLogs(context.Background(), windows[i], func(page []hss.Record) bool {
						got = append(got, page...)
						return true
					})
					if err != nil {
						t.Errorf("plan %d, window %d: %v", p, i, err)
						return
					}
					if d := diffRecords(got, want[i]); d != "" || res.TotalNum != int64(len(got)) {
						t.Errorf("plan %d, round %d, window %d: %s; total_num %d", p, round, i, d, res.TotalNum)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	key := keyOf(plans[0], windows[0])
	if n := loadAll(t, r.store, key); n == 0 {
		t.Fatal("no span file left")
	}
	if left := tempFiles(t, r.dir); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	r.spansWhole(key)
	for i, q := range windows {
		r.readExact(fmt.Sprintf("window %d after the plans", i), plans[i%2], q, 0)
	}
}

// A directory past its bound loses the spans used least recently; a
// window whose span went is read again, exactly.
func TestEvictionKeepsTheDirectoryBounded(t *testing.T) {
	r := newRig(t, 1)
	r.store.now = time.Now // the files' times are the system's
	l := r.lister("alice")
	r.cold(r.window(30*time.Minute, 10*time.Minute))
	win := func(i int) hss.Query { // 121 records each, apart
		return r.window(time.Duration(30-4*i)*time.Minute, time.Duration(28-4*i)*time.Minute)
	}
	key := keyOf(l, win(0))
	path := func(i int) string { return filepath.Join(r.dir, spanName(key, win(i).StartTime, win(i).EndTime)) }
	exists := func(i int) bool { _, err := os.Stat(path(i)); return err == nil }
	r.readExact("window 0", l, win(0), 1)
	fi, err := os.Stat(path(0))
	if err != nil {
		t.Fatal(err)
	}
	// Room for two and a half spans: a third makes the store remove the
	// least recently used, down to 90% of the bound.
	r.store.maxBytes = fi.Size() * 5 / 2
	r.readExact("window 1", l, win(1), 1)
	r.readExact("window 2", l, win(2), 1)
	if exists(0) || !exists(1) || !exists(2) {
		t.Fatalf("spans left: %v %v %v; want window 0's removed", exists(0), exists(1), exists(2))
	}
	r.readExact("window 1 again", l, win(1), 0) // now the most recently used
	r.readExact("window 3", l, win(3), 1)
	if exists(2) || !exists(1) || !exists(3) {
		t.Fatalf("spans left: 1 %v, 2 %v, 3 %v; want window 2's removed, the least recently used", exists(1), exists(2), exists(3))
	}
	r.readExact("window 0 again", l, win(0), 1)
	var total int64
	for _, f := range spanFiles(t, r.dir) {
		fi, err := os.Stat(filepath.Join(r.dir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		total += fi.Size()
	}
	if total > r.store.maxBytes {
		t.Fatalf("the spans take %d bytes, past the bound %d", total, r.store.maxBytes)
	}
}

const cceCluster = "cce00000-1111-2222-3333-444444444444"

// Records that carry line_num are paged by cursor; assembled from spans
// they read as a cold read does, line numbers and all.
func TestCursorPagedRecords(t *testing.T) {
	r := newRig(t, 1)
	l := r.lister("alice")
	var recs []standin.Record
	base := r.ms(30 * time.Minute)
	for i := range 400 {
		ms := base + int64(i/2)*3000 // two records a tick, a tick every 3 s
		recs = append(recs, standin.Record{ClusterID: cceCluster, ClusterName: "cce", ClusterType: "cce", HostName: 111,
			Content: fmt.Sprintf("line %d", i), LineNum: strconv.Itoa(1000 + i), Time: ms})
	}
	r.srv.Add(recs...)
	q := func(from, to time.Duration) hss.Query {
		return hss.Query{ClusterID: cceCluster, StartTime: r.ms(from), EndTime: r.ms(to), Limit: 30}
	}
	r.cold(q(31*time.Minute, 10*time.Minute))
	r.readExact("the middle", l, q(25*time.Minute, 20*time.Minute), -1)
	r.readExact("wider", l, q(31*time.Minute, 10*time.Minute), -1)
	r.readExact("inside", l, q(28*time.Minute, 15*time.Minute), 0)
	got, _, _ := r.read(l, q(31*time.Minute, 10*time.Minute))
	if len(got) != 400 || got[0].LineNum != "1399" || got[0].HostName != "111" || got[399].LineNum != "1000" {
		t.Fatalf("%d records, the first line_num %q host %q, the last %q", len(got), got[0].LineNum, got[0].HostName, got[len(got)-1].LineNum)
	}
}

// spansWhole checks that every span of key holds the timeline's records of
// its range, all of them.
func (r *rig) spansWhole(key string) {
	r.t.Helper()
	for _, rg := range spanRanges(r.t, r.dir, key) {
		recs, err := r.store.load(key, span{from: rg[0], to: rg[1], path: filepath.Join(r.dir, spanName(key, rg[0], rg[1]))})
		if err != nil {
			r.t.Fatal(err)
		}
		if want := r.tl.Count(rg[0], rg[1], r.clock.now().UnixMilli()); int64(len(recs)) != want {
			r.t.Fatalf("span %v holds %d records, the service %d", rg, len(recs), want)
		}
	}
}

// A read whose context ends while it goes on fails, or returns every
// record; it never passes off a part as the whole, nor stores one.
func TestCanceledReadIsNeverTakenForWhole(t *testing.T) {
	for _, sleep := range []time.Duration{0, 100 * time.Millisecond} {
		t.Run(sleep.String(), func(t *testing.T) {
			r := newRig(t, 1)
			l := r.lister("alice")
			mid := r.window(20*time.Minute, 18*time.Minute)
			r.readExact("the middle", l, mid, 1)
			key := keyOf(l, mid)
			q := r.window(22*time.Minute, 16*time.Minute) // gaps of a page each, read at once
			want := r.cold(q)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var got []hss.Record
			res, err := l.WalkClusterAuditLogs(ctx, q, func(p []hss.Record) bool {
				if len(got) == 0 {
					cancel()
					time.Sleep(sleep) // the gaps waiting their turn see the end first
				}
				got = append(got, p...)
				return true
			})
			switch {
			case err == nil:
				if d := diffRecords(got, want); d != "" || res.TotalNum != int64(len(want)) {
					t.Fatalf("a read whose context ended succeeded with %s, total_num %d", d, res.TotalNum)
				}
			case !errors.Is(err, context.Canceled):
				t.Fatalf("error %v, want context.Canceled", err)
			}
			r.spansWhole(key)
		})
	}
}
