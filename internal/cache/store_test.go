package cache

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
)

// testKey is a scope's key, for the store's own tests.
var testKey = Scope{Caller: "alice", Endpoint: "https://hss.example", ProjectID: testProject, ClusterID: "c1"}.Key()

// openStore opens a store in a directory of its own, on clock.
func openStore(t *testing.T, clock func() time.Time) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "cache"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if clock != nil {
		s.now = clock
	}
	return s
}

func spanOf(s *Store, key string, from, to int64) span {
	return span{from: from, to: to, path: filepath.Join(s.Dir(), spanName(key, from, to))}
}

// fullRecords have every field set, unicode, an empty content, and
// records of equal times; newest first, in [100, 200].
func fullRecords() []hss.Record {
	return []hss.Record{
		{Time: 200, Content: `{"kind":"Event","verb":"get","requestURI":"/api?a=1\u0026b=2 <x>"}`, ClusterName: "prod-集群", ClusterID: "11111111-2222-3333-4444-555555555555",
			ClusterType: "k8s", HostID: "host-ü", HostName: "node-01 😀", HostIP: "10.0.0.1", LineNum: "42"},
		{Time: 150, Content: "", ClusterName: "c", ClusterID: "i", ClusterType: "t", HostID: "h", HostName: "n", HostIP: "::1", LineNum: "41"},
		{Time: 150, Content: "line one\nline two\t\"quoted\" \\ back\u2028sep\x00nul", ClusterName: "c", ClusterID: "i", ClusterType: "t",
			HostID: "h", HostName: "n", HostIP: "::1", LineNum: "40"},
		{Time: 150, Content: "", ClusterName: "c", ClusterID: "i", ClusterType: "t", HostID: "h", HostName: "n", HostIP: "::1", LineNum: "41"}, // a twin: kept
		{Time: 100, Content: strings.Repeat("ñ", 5000), ClusterName: "", ClusterID: "", ClusterType: "", HostID: "", HostName: "111", HostIP: "", LineNum: ""},
	}
}

func TestStoreSaveLoadRoundTrip(t *testing.T) {
	s := openStore(t, nil)
	recs := fullRecords()
	for _, f := range reflect.VisibleFields(reflect.TypeFor[hss.Record]()) {
		if reflect.ValueOf(recs[0]).FieldByIndex(f.Index).IsZero() {
			t.Fatalf("the first record leaves %s unset: the round trip would not check it", f.Name)
		}
	}
	if err := s.save(testKey, 100, 200, recs); err != nil {
		t.Fatal(err)
	}
	got, err := s.load(testKey, spanOf(s, testKey, 100, 200))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, recs) {
		t.Fatalf("loaded %+v\nwant %+v", got, recs)
	}
	// A span without records is a span too: the service had none there.
	if err := s.save(testKey, 300, 400, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.load(testKey, spanOf(s, testKey, 300, 400)); err != nil || len(got) != 0 {
		t.Fatalf("empty span: %d records, %v", len(got), err)
	}
	// Saving a span again replaces it whole.
	if err := s.save(testKey, 100, 200, recs[1:]); err != nil {
		t.Fatal(err)
	}
	if got, err := s.load(testKey, spanOf(s, testKey, 100, 200)); err != nil || !slices.Equal(got, recs[1:]) {
		t.Fatalf("span saved again: %d records, %v", len(got), err)
	}

	entries, err := os.ReadDir(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("the directory holds %d files, want the 2 spans (no temporary file left)", len(entries))
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s has mode %v, want 0600", e.Name(), fi.Mode().Perm())
		}
		if !strings.HasPrefix(e.Name(), testKey[:40]+"-") || !strings.HasSuffix(e.Name(), spanSuffix) {
			t.Fatalf("span file named %s", e.Name())
		}
	}
	if fi, err := os.Stat(s.Dir()); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("directory mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
}

func TestOpen(t *testing.T) {
	// A new directory, and its parents, are made private.
	dir := filepath.Join(t.TempDir(), "a", "b")
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Dir() != dir || s.maxBytes != DefaultMaxBytes {
		t.Fatalf("Open: dir %q, bound %d", s.Dir(), s.maxBytes)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Fatalf("new directory mode %v, want 0700", fi.Mode().Perm())
	}
	// An existing directory others may read is used as it is (its files
	// are 0600); one others may write is refused, and left alone.
	open := filepath.Join(t.TempDir(), "open")
	if err := os.Mkdir(open, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o755); err != nil { // whatever the umask
		t.Fatal(err)
	}
	if s, err = Open(open, 12345); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(open); fi.Mode().Perm() != 0o755 {
		t.Fatalf("a 0755 directory is made %v by Open, want it left alone", fi.Mode().Perm())
	}
	shared := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(shared, 0); err == nil || !strings.Contains(err.Error(), "may be written by other users") {
		t.Fatalf("a world-writable directory: err = %v", err)
	}
	if fi, _ := os.Stat(shared); fi.Mode().Perm() != 0o777 || fi.Mode()&os.ModeSticky == 0 {
		t.Fatalf("a refused directory was changed to %v", fi.Mode())
	}
	if s.maxBytes != 12345 {
		t.Fatalf("bound %d, want 12345", s.maxBytes)
	}
	// Not a directory, or none.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(file, 0); err == nil {
		t.Fatal("Open of a regular file succeeded")
	}
	if _, err := Open("", 0); err == nil {
		t.Fatal(`Open("") succeeded`)
	}
}

// damage is a change to a valid span file's content: lines are the
// decompressed lines (header, records, trailer), gz the compressed file.
type damage struct {
	name  string
	lines func(lines []string) []string // nil: leave them
	gz    func(gz []byte) []byte        // after compression; nil: leave it
	from  int64                         // the span asked for, when not the file's own
}

func TestLoadRejectsDamage(t *testing.T) {
	recs := []hss.Record{{Time: 180, Content: "a"}, {Time: 150, Content: "b"}, {Time: 150, Content: "c"}, {Time: 120, Content: "d"}}
	other := Scope{Caller: "bob", Endpoint: "https://hss.example", ProjectID: testProject, ClusterID: "c1"}.Key()
	flip := func(at func(n int) int) func([]byte) []byte {
		return func(gz []byte) []byte {
			gz = bytes.Clone(gz)
			gz[at(len(gz))] ^= 0x55
			return gz
		}
	}
	for _, d := range []damage{
		{name: "not gzip", gz: func([]byte) []byte { return []byte(`{"format":"hss-audit-log-span","version":1}`) }},
		{name: "empty", gz: func([]byte) []byte { return nil }},
		{name: "truncated by half", gz: func(gz []byte) []byte { return gz[:len(gz)/2] }},
		{name: "gzip footer cut", gz: func(gz []byte) []byte { return gz[:len(gz)-4] }},
		{name: "a byte flipped in the middle", gz: flip(func(n int) int { return n / 2 })},
		{name: "checksum flipped", gz: flip(func(n int) int { return n - 8 })},
		{name: "length flipped", gz: flip(func(n int) int { return n - 1 })},
		{name: "garbage after the gzip stream", gz: func(gz []byte) []byte { return append(bytes.Clone(gz), "garbage"...) }},
		{name: "header not JSON", lines: func(l []string) []string { l[0] = "hss-audit-log-span 1"; return l }},
		{name: "header missing", lines: func(l []string) []string { return l[1:] }},
		{name: "another format", lines: func(l []string) []string { l[0] = strings.Replace(l[0], Format, "other-span", 1); return l }},
		{name: "version 2", lines: func(l []string) []string { l[0] = strings.Replace(l[0], `"version":1`, `"version":2`, 1); return l }},
		{name: "version 0", lines: func(l []string) []string { l[0] = strings.Replace(l[0], `"version":1`, `"version":0`, 1); return l }},
		{name: "another scope's key", lines: func(l []string) []string { l[0] = strings.Replace(l[0], testKey, other, 1); return l }},
		{name: "a key sharing the name's prefix", lines: func(l []string) []string {
			l[0] = strings.Replace(l[0], testKey, testKey[:40]+strings.Repeat("0", 24), 1)
			return l
		}},
		{name: "another span's range (a renamed file)", from: 110},
		{name: "another end in the header", lines: func(l []string) []string { l[0] = strings.Replace(l[0], `"to":200`, `"to":201`, 1); return l }},
		{name: "a negative count", lines: func(l []string) []string { l[0] = strings.Replace(l[0], `"records":4`, `"records":-1`, 1); return l }},
		{name: "a count past MaxTotalNum", lines: func(l []string) []string {
			l[0] = strings.Replace(l[0], `"records":4`, fmt.Sprintf(`"records":%d`, hss.MaxTotalNum+1), 1)
			return l
		}},
		{name: "fewer records than the header says", lines: func(l []string) []string { l[0] = strings.Replace(l[0], `"records":4`, `"records":5`, 1); return l }},
		{name: "more records than the header says", lines: func(l []string) []string { l[0] = strings.Replace(l[0], `"records":4`, `"records":3`, 1); return l }},
		{name: "a record dropped", lines: func(l []string) []string { return slices.Delete(l, 2, 3) }},
		{name: "a record after the span", lines: func(l []string) []string { l[1] = strings.Replace(l[1], `"t":180`, `"t":201`, 1); return l }},
		{name: "a record before the span", lines: func(l []string) []string { l[4] = strings.Replace(l[4], `"t":120`, `"t":99`, 1); return l }},
		{name: "records out of order", lines: func(l []string) []string { l[1], l[4] = l[4], l[1]; return l }},
		{name: "a record not JSON", lines: func(l []string) []string { l[2] = `{"t":150,"c":`; return l }},
		{name: "a record of another type", lines: func(l []string) []string { l[2] = `{"t":"150","c":"b"}`; return l }},
		{name: "no trailer", lines: func(l []string) []string { return l[:len(l)-1] }},
		{name: "a trailer with another count", lines: func(l []string) []string { l[len(l)-1] = `{"end":3}`; return l }},
		{name: "data after the trailer", lines: func(l []string) []string { return append(l, `{"t":100,"c":"e"}`) }},
		{name: "a second trailer", lines: func(l []string) []string { return append(l, l[len(l)-1]) }},
	} {
		t.Run(d.name, func(t *testing.T) {
			s := openStore(t, nil)
			if err := s.save(testKey, 100, 200, recs); err != nil {
				t.Fatal(err)
			}
			sp := spanOf(s, testKey, 100, 200)
			if _, err := s.load(testKey, sp); err != nil {
				t.Fatalf("the undamaged file: %v", err)
			}
			if d.lines != nil {
				lines := strings.Split(strings.TrimSuffix(string(decompressed(t, sp.path)), "\n"), "\n")
				if len(lines) != 6 || !strings.Contains(lines[0], `"records":4`) || !strings.Contains(lines[0], `"to":200`) {
					t.Fatalf("the file's lines are not as the test expects: %q", lines)
				}
				if err := os.WriteFile(sp.path, gzipped([]byte(strings.Join(d.lines(lines), "\n")+"\n")), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if d.gz != nil {
				gz, err := os.ReadFile(sp.path)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(sp.path, d.gz(gz), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if d.from != 0 {
				moved := spanOf(s, testKey, d.from, 200)
				if err := os.Rename(sp.path, moved.path); err != nil {
					t.Fatal(err)
				}
				sp = moved
			}
			got, err := s.load(testKey, sp)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("load = %d records, error %v; want ErrInvalid", len(got), err)
			}
		})
	}
	t.Run("a file that is not there", func(t *testing.T) {
		s := openStore(t, nil)
		if _, err := s.load(testKey, spanOf(s, testKey, 1, 2)); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("load of a missing file: %v", err)
		}
	})
	t.Run("the same lines recompressed load", func(t *testing.T) {
		// The damage above is what makes a file fail, not recompression.
		s := openStore(t, nil)
		if err := s.save(testKey, 100, 200, recs); err != nil {
			t.Fatal(err)
		}
		sp := spanOf(s, testKey, 100, 200)
		if err := os.WriteFile(sp.path, gzipped(decompressed(t, sp.path)), 0o600); err != nil {
			t.Fatal(err)
		}
		if got, err := s.load(testKey, sp); err != nil || !slices.Equal(got, recs) {
			t.Fatalf("recompressed: %d records, %v", len(got), err)
		}
	})
}

func TestSpansListsOnlyOverlappingSpansOfTheKey(t *testing.T) {
	s := openStore(t, nil)
	for _, r := range [][2]int64{{100, 199}, {200, 299}, {300, 399}, {0, 50}} {
		if err := s.save(testKey, r[0], r[1], nil); err != nil {
			t.Fatal(err)
		}
	}
	other := Scope{Caller: "bob"}.Key()
	if err := s.save(other, 100, 400, nil); err != nil {
		t.Fatal(err)
	}
	p := testKey[:40]
	for _, junk := range []string{"README", p + ".unordered", p + "-abc-def" + spanSuffix, p + "-300-200" + spanSuffix,
		p + "--5-250" + spanSuffix, p + "-250" + spanSuffix, p + "-250-260.span", p + "-250-260-270" + spanSuffix,
		tempPrefix + "123.tmp", p + "-250-99999999999999999999" + spanSuffix} {
		if err := os.WriteFile(filepath.Join(s.Dir(), junk), []byte("junk"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(s.Dir(), p+"-250-260"+spanSuffix), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(spanOf(s, testKey, 200, 299).path, filepath.Join(s.Dir(), p+"-240-245"+spanSuffix)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		from, to int64
		want     [][2]int64
	}{
		{150, 250, [][2]int64{{100, 199}, {200, 299}}},
		{199, 200, [][2]int64{{100, 199}, {200, 299}}},
		{51, 99, nil},
		{50, 100, [][2]int64{{0, 50}, {100, 199}}},
		{400, 500, nil},
		{0, 1000, [][2]int64{{0, 50}, {100, 199}, {200, 299}, {300, 399}}},
	} {
		spans, err := s.spans(testKey, c.from, c.to)
		if err != nil {
			t.Fatal(err)
		}
		var got [][2]int64
		for _, sp := range spans {
			if sp.path != spanOf(s, testKey, sp.from, sp.to).path {
				t.Fatalf("span [%d, %d] at %s", sp.from, sp.to, sp.path)
			}
			got = append(got, [2]int64{sp.from, sp.to})
		}
		slices.SortFunc(got, func(a, b [2]int64) int { return int(a[0] - b[0]) })
		if !slices.Equal(got, c.want) {
			t.Fatalf("spans(%d, %d) = %v, want %v", c.from, c.to, got, c.want)
		}
	}
}

func TestEvictRemovesLeastRecentlyUsedFirst(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := openStore(t, func() time.Time { return now })
	const n = 10
	var sizes [n]int64
	var total int64
	for i := range n {
		from := int64(i) * 1000
		recs := []hss.Record{{Time: from + 1, Content: strings.Repeat(fmt.Sprintf("record %d ", i), 200)}}
		if err := s.save(testKey, from, from+999, recs); err != nil {
			t.Fatal(err)
		}
		sp := spanOf(s, testKey, from, from+999)
		// Span i was last used i minutes after the first: 0 the least recently.
		at := now.Add(-time.Hour + time.Duration(i)*time.Minute)
		if err := os.Chtimes(sp.path, at, at); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(sp.path)
		if err != nil {
			t.Fatal(err)
		}
		sizes[i] = fi.Size()
		total += sizes[i]
	}
	// Loading span 0 makes it the most recently used.
	if _, err := s.load(testKey, spanOf(s, testKey, 0, 999)); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(spanOf(s, testKey, 0, 999).path); !fi.ModTime().Equal(now) {
		t.Fatalf("a span loaded has time %v, want the store's now %v", fi.ModTime(), now)
	}
	// Files that are not spans: a marker, a temporary file of a plan that
	// died, one being written now, and a stranger's.
	marker := filepath.Join(s.Dir(), testKey[:40]+".unordered")
	stale := filepath.Join(s.Dir(), tempPrefix+"stale.tmp")
	fresh := filepath.Join(s.Dir(), tempPrefix+"fresh.tmp")
	stranger := filepath.Join(s.Dir(), "README")
	for _, f := range []struct {
		path string
		age  time.Duration
	}{{marker, 48 * time.Hour}, {stale, staleTemp + time.Minute}, {fresh, staleTemp - time.Minute}, {stranger, 48 * time.Hour}} {
		if err := os.WriteFile(f.path, bytes.Repeat([]byte("x"), 1<<16), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(f.path, now.Add(-f.age), now.Add(-f.age)); err != nil {
			t.Fatal(err)
		}
	}
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }

	// Within the bound: no span goes, the stale temporary file does.
	s.maxBytes = total
	if removed, err := s.evict(); err != nil || removed != 0 {
		t.Fatalf("evict within the bound removed %d spans (%v)", removed, err)
	}
	if exists(stale) || !exists(fresh) || !exists(marker) || !exists(stranger) {
		t.Fatalf("after evict: stale temp %v, fresh temp %v, marker %v, stranger's %v; want only the stale temp removed",
			exists(stale), exists(fresh), exists(marker), exists(stranger))
	}
	for i := range n {
		if !exists(spanOf(s, testKey, int64(i)*1000, int64(i)*1000+999).path) {
			t.Fatalf("span %d removed within the bound", i)
		}
	}

	// Past the bound: the least recently used go, 1, 2, ..., until the
	// spans are within 90% of it; span 0, just used, stays.
	s.maxBytes = total * 7 / 10
	order := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 0}
	left, wantRemoved := total, map[int]bool{}
	for _, i := range order {
		if left <= s.maxBytes*9/10 {
			break
		}
		wantRemoved[i] = true
		left -= sizes[i]
	}
	if len(wantRemoved) < 3 || len(wantRemoved) > 6 || wantRemoved[0] {
		t.Fatalf("the test's sizes make evict remove %v", wantRemoved)
	}
	removed, err := s.evict()
	if err != nil || removed != len(wantRemoved) {
		t.Fatalf("evict removed %d spans (%v), want %d", removed, err, len(wantRemoved))
	}
	for i := range n {
		if gone := !exists(spanOf(s, testKey, int64(i)*1000, int64(i)*1000+999).path); gone != wantRemoved[i] {
			t.Fatalf("span %d removed: %v, want %v (least recently used first)", i, gone, wantRemoved[i])
		}
	}
	if !exists(fresh) || !exists(marker) || !exists(stranger) {
		t.Fatal("evict removed a file that is not a span")
	}
	// Within the bound again: nothing more goes.
	if removed, err := s.evict(); err != nil || removed != 0 {
		t.Fatalf("evict again removed %d (%v)", removed, err)
	}
	// Once the fresh temporary file is old, it goes too.
	now = now.Add(2 * time.Minute)
	if _, err := s.evict(); err != nil || exists(fresh) {
		t.Fatalf("a temporary file past %v is left (%v)", staleTemp, err)
	}
}

func TestScopeKey(t *testing.T) {
	base := Scope{Caller: "c", Endpoint: "e", ProjectID: "p", EnterpriseProjectID: "ep", ClusterID: "ci", ClusterName: "cn",
		HostName: "hn", HostID: "hi", HostIP: "ip", Verb: "get"}
	k := base.Key()
	if len(k) != 64 || strings.Trim(k, "0123456789abcdef") != "" {
		t.Fatalf("key %q is not 64 hex digits", k)
	}
	if base.Key() != k {
		t.Fatal("the key of a scope changes")
	}
	seen := map[string]string{k: "base"}
	v := reflect.ValueOf(&base).Elem()
	for i := range v.NumField() {
		s := base
		reflect.ValueOf(&s).Elem().Field(i).SetString(v.Field(i).String() + "x")
		name := v.Type().Field(i).Name
		if prev, dup := seen[s.Key()]; dup {
			t.Fatalf("changing %s gives the key of %s", name, prev)
		}
		seen[s.Key()] = name
		s = base
		reflect.ValueOf(&s).Elem().Field(i).SetString("")
		if prev, dup := seen[s.Key()]; dup {
			t.Fatalf("clearing %s gives the key of %s", name, prev)
		}
		seen[s.Key()] = "no " + name
	}
	// Fields do not run into each other.
	for _, pair := range [][2]Scope{
		{{Caller: "ab", Endpoint: "c"}, {Caller: "a", Endpoint: "bc"}},
		{{Caller: "a\n1:b"}, {Caller: "a", Endpoint: "b"}},
		{{HostName: "x"}, {HostID: "x"}},
		{{Verb: ""}, {Verb: " "}},
	} {
		if pair[0].Key() == pair[1].Key() {
			t.Fatalf("%+v and %+v share a key", pair[0], pair[1])
		}
	}
}
