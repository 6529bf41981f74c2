package standin_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

const tlCluster = "99999999-8888-7777-6666-555555555555"

// tlServer serves the seed data and tl, with a clock the test moves (it
// starts at testNow).
func tlServer(t *testing.T, tl standin.Timeline, edit func(*standin.Options)) (*standin.Server, string, *atomic.Int64) {
	t.Helper()
	clock := new(atomic.Int64)
	clock.Store(testNow.UnixNano())
	s, ts := newServer(t, func(o *standin.Options) {
		o.Timeline = &tl
		o.Now = func() time.Time { return time.Unix(0, clock.Load()) }
		if edit != nil {
			edit(o)
		}
	})
	return s, ts.URL, clock
}

func tlQuery(start, end int64, offset, limit int) url.Values {
	return url.Values{
		"cluster_id": {tlCluster},
		"start_time": {strconv.FormatInt(start, 10)},
		"end_time":   {strconv.FormatInt(end, 10)},
		"offset":     {strconv.Itoa(offset)},
		"limit":      {strconv.Itoa(limit)},
	}
}

func tlPage(t *testing.T, base string, q url.Values) listBody {
	t.Helper()
	b := do(t, tokenRequest(t, base, apiPath, q))
	if b.Status != http.StatusOK {
		t.Fatalf("status %d: %s", b.Status, b.Raw)
	}
	return b
}

// checkRecords asserts got are the records newest, newest-1, ... of tl,
// exactly as Record gives them.
func checkRecords(t *testing.T, tl standin.Timeline, got []wireRecord, newest int64) {
	t.Helper()
	for k, r := range got {
		i := newest - int64(k)
		w := tl.Record(i)
		if r.Time != w.Time || r.Time != tl.TimeOf(i) || r.Content != w.Content || r.ClusterID != tlCluster ||
			r.ClusterName != standin.TimelineClusterName || r.ClusterType != "k8s" ||
			r.HostID != standin.TimelineHostID || string(r.HostName) != strconv.Quote(standin.TimelineHostName) ||
			r.HostIP != standin.TimelineHostIP || r.LineNum != nil {
			t.Fatalf("position %d: got %+v (content %s), want record %d %+v", k, r, r.Content, i, w)
		}
	}
}

// simple is 1001 records, one a second, the newest (i = 1000) at testNow.
func simple() standin.Timeline {
	return standin.Timeline{ClusterID: tlCluster, Start: testNow.Add(-1000 * time.Second).UnixMilli(), Step: 1000}
}

func TestTimelinePaging(t *testing.T) {
	tl := simple()
	_, base, _ := tlServer(t, tl, nil)
	from, to := tl.Start, testNow.UnixMilli()
	var all []wireRecord
	for offset := 0; offset <= 1001; offset += 200 {
		b := tlPage(t, base, tlQuery(from, to, offset, 200))
		if *b.TotalNum != 1001 {
			t.Fatalf("offset %d: total_num %d, want 1001", offset, *b.TotalNum)
		}
		want := min(200, 1001-offset)
		if len(b.DataList) != want {
			t.Fatalf("offset %d: %d records, want %d", offset, len(b.DataList), want)
		}
		checkRecords(t, tl, b.DataList, int64(1000-offset))
		all = append(all, b.DataList...)
	}
	checkRecords(t, tl, all, 1000)
	if len(all) != 1001 || all[0].Time != to || all[1000].Time != from {
		t.Fatalf("%d records from %d to %d", len(all), all[0].Time, all[len(all)-1].Time)
	}
	// An odd limit and offset cut anywhere.
	b := tlPage(t, base, tlQuery(from, to, 37, 13))
	if len(b.DataList) != 13 {
		t.Fatalf("%d records", len(b.DataList))
	}
	checkRecords(t, tl, b.DataList, 1000-37)
	// Past the end: an empty page, the same total.
	for _, offset := range []int{1001, 5000, 1 << 40} {
		b := tlPage(t, base, tlQuery(from, to, offset, 10))
		if *b.TotalNum != 1001 || len(b.DataList) != 0 || !bytes.Contains(b.Raw, []byte(`"data_list":[]`)) {
			t.Fatalf("offset %d: %s", offset, b.Raw)
		}
	}
}

func TestTimelineWindowAtTickBoundaries(t *testing.T) {
	tl := simple()
	_, base, _ := tlServer(t, tl, nil)
	at := tl.TimeOf
	for _, c := range []struct {
		name           string
		start, end     int64
		newest, oldest int64 // -1: none
	}{
		{"both ends on ticks", at(10), at(20), 20, 10},
		{"one tick", at(10), at(10), 10, 10},
		{"just inside both ticks", at(10) + 1, at(20) - 1, 19, 11},
		{"between ticks", at(10) + 1, at(11) - 1, -1, -1},
		{"before the first", tl.Start - 5000, tl.Start - 1, -1, -1},
		{"up to the first", tl.Start - 5000, tl.Start, 0, 0},
		{"the newest", testNow.UnixMilli(), testNow.UnixMilli(), 1000, 1000},
		{"future records do not exist yet", at(995), at(2000), 1000, 995},
		{"only the future", testNow.UnixMilli() + 1, at(5000), -1, -1},
	} {
		b := tlPage(t, base, tlQuery(c.start, c.end, 0, 200))
		want := 0
		if c.newest >= 0 {
			want = int(c.newest - c.oldest + 1)
		}
		if *b.TotalNum != want || len(b.DataList) != want {
			t.Errorf("%s: total_num %d, %d records, want %d", c.name, *b.TotalNum, len(b.DataList), want)
			continue
		}
		if n := tl.Count(c.start, c.end, testNow.UnixMilli()); n != int64(want) {
			t.Errorf("%s: Count %d, want %d", c.name, n, want)
		}
		checkRecords(t, tl, b.DataList, c.newest)
	}
}

func TestTimelinePerTick(t *testing.T) {
	tl := standin.Timeline{ClusterID: tlCluster, Start: testNow.Add(-time.Minute).UnixMilli(), Step: 500, PerTick: 3}
	_, base, _ := tlServer(t, tl, nil)
	if tl.TimeOf(5) != tl.Start+500 || tl.TimeOf(6) != tl.Start+1000 {
		t.Fatalf("TimeOf(5) %d, TimeOf(6) %d", tl.TimeOf(5), tl.TimeOf(6))
	}
	// Ticks 2..4: records 6..14, each tick's three all in, larger i first.
	from, to := tl.TimeOf(6), tl.TimeOf(14)
	b := tlPage(t, base, tlQuery(from, to, 0, 200))
	if *b.TotalNum != 9 || len(b.DataList) != 9 {
		t.Fatalf("total_num %d, %d records", *b.TotalNum, len(b.DataList))
	}
	checkRecords(t, tl, b.DataList, 14)
	ids := map[string]bool{}
	for k, r := range b.DataList {
		if want := to - int64(k/3)*500; r.Time != want {
			t.Fatalf("position %d: time %d, want %d", k, r.Time, want)
		}
		ids[auditID(t, r.Content)] = true
	}
	if len(ids) != 9 {
		t.Fatalf("%d distinct auditIDs in 9 records", len(ids))
	}
	// The same on every request, and pages cut through a tick join up.
	again := tlPage(t, base, tlQuery(from, to, 0, 200))
	if !bytes.Equal(b.Raw, again.Raw) {
		t.Fatalf("two answers differ:\n%s\n%s", b.Raw, again.Raw)
	}
	var joined []wireRecord
	for offset := 0; offset < 9; offset += 4 {
		joined = append(joined, tlPage(t, base, tlQuery(from, to, offset, 4)).DataList...)
	}
	checkRecords(t, tl, joined, 14)
	if len(joined) != 9 {
		t.Fatalf("%d records in 4-record pages", len(joined))
	}
	// A window edge inside a tick's time takes none of it or all of it.
	if b := tlPage(t, base, tlQuery(from+1, to-1, 0, 200)); *b.TotalNum != 3 {
		t.Fatalf("inner window: total_num %d, want 3 (tick 3)", *b.TotalNum)
	}
}

func TestTimelineArrivesAsTheClockAdvances(t *testing.T) {
	start := testNow.UnixMilli()
	tl := standin.Timeline{ClusterID: tlCluster, Start: start, Step: 1000, PerTick: 2}
	_, base, clock := tlServer(t, tl, nil)
	window := tlQuery(start-time.Hour.Milliseconds(), start+time.Hour.Milliseconds(), 0, 200)
	for _, c := range []struct {
		at   time.Duration // after testNow
		want int
	}{
		{-time.Millisecond, 0},
		{0, 2},
		{999 * time.Millisecond, 2},
		{time.Second, 4},
		{2500 * time.Millisecond, 6},
		{time.Hour, 2 * 3601},
		{2 * time.Hour, 2 * 3601}, // the window ends
	} {
		now := testNow.Add(c.at)
		clock.Store(now.UnixNano())
		b := tlPage(t, base, window)
		if *b.TotalNum != c.want || len(b.DataList) != min(c.want, 200) {
			t.Fatalf("at %s: total_num %d, %d records, want %d", c.at, *b.TotalNum, len(b.DataList), c.want)
		}
		if n := tl.Count(start-time.Hour.Milliseconds(), start+time.Hour.Milliseconds(), now.UnixMilli()); n != int64(c.want) {
			t.Fatalf("at %s: Count %d, want %d", c.at, n, c.want)
		}
		if c.want > 0 {
			checkRecords(t, tl, b.DataList, int64(c.want-1))
		}
	}

	// End stops the timeline whatever the clock says.
	tl.End = start + 1500
	_, base, clock = tlServer(t, tl, nil)
	clock.Store(testNow.Add(time.Hour).UnixNano())
	if b := tlPage(t, base, window); *b.TotalNum != 4 {
		t.Fatalf("with End: total_num %d, want 4", *b.TotalNum)
	}
	if n := tl.Count(0, 1<<62, 1<<62); n != 4 {
		t.Fatalf("with End: Count %d, want 4", n)
	}
}

func TestTimelineFilters(t *testing.T) {
	tl := simple()
	// A record of the timeline's cluster in Records is not served there.
	_, base, _ := tlServer(t, tl, func(o *standin.Options) {
		o.Records = append(o.Records, standin.Record{ClusterID: tlCluster, Time: testNow.UnixMilli(), Content: "hidden"})
	})
	for _, c := range []struct {
		param, value string
		want         int
	}{
		{"cluster_name", standin.TimelineClusterName, 1001},
		{"cluster_name", "other", 0},
		{"host_name", standin.TimelineHostName, 1001},
		{"host_name", "other", 0},
		{"host_id", standin.TimelineHostID, 1001},
		{"host_id", "other", 0},
		{"host_ip", standin.TimelineHostIP, 1001},
		{"host_ip", "10.0.0.1", 0},
		{"verb", "get", 1001},
		{"verb", "list", 0},
		{"verb", "", 1001},
		{"cluster_name", "", 1001},
	} {
		q := tlQuery(tl.Start, testNow.UnixMilli(), 0, 5)
		q.Set(c.param, c.value)
		b := tlPage(t, base, q)
		if *b.TotalNum != c.want || len(b.DataList) != min(c.want, 5) {
			t.Errorf("%s=%q: total_num %d, %d records, want %d", c.param, c.value, *b.TotalNum, len(b.DataList), c.want)
		}
		if c.want > 0 {
			checkRecords(t, tl, b.DataList, 1000)
		}
	}
	q := tlQuery(tl.Start, testNow.UnixMilli(), 0, 5)
	q.Set("verb", "gets")
	wantError(t, do(t, tokenRequest(t, base, apiPath, q)), http.StatusBadRequest, "HSS.1001", "verb")

	// Other clusters are served from Records as before.
	b := tlPage(t, base, baseQuery())
	_, plain := newServer(t, nil)
	if want := tlPage(t, plain.URL, baseQuery()); !bytes.Equal(b.Raw, want.Raw) {
		t.Fatalf("the seed cluster changed with a timeline:\n%s\n%s", b.Raw, want.Raw)
	}
}

func TestTimelineMainProjectOnly(t *testing.T) {
	tl := simple()
	other := []standin.Record{{ClusterID: tlCluster, Time: testNow.UnixMilli(), Content: "other project's"}}
	_, base, _ := tlServer(t, tl, func(o *standin.Options) {
		o.OtherProjects = map[string][]standin.Record{standin.SeedOtherProjectID: other}
	})
	path := "/v5/" + standin.SeedOtherProjectID + standin.APIPathSuffix
	b := do(t, tokenRequest(t, base, path, tlQuery(tl.Start, testNow.UnixMilli(), 0, 10)))
	if b.Status != 200 || *b.TotalNum != 1 || b.DataList[0].Content != "other project's" {
		t.Fatalf("other project: %d %s", b.Status, b.Raw)
	}
}

func TestTimelineLineNumAndCursorOnly(t *testing.T) {
	tl := simple()
	_, base, _ := tlServer(t, tl, func(o *standin.Options) { o.Paging = standin.CursorOnly })
	q := tlQuery(tl.Start, testNow.UnixMilli(), 400, 10)
	b := tlPage(t, base, q)
	if *b.TotalNum != 1001 || len(b.DataList) != 10 {
		t.Fatalf("total_num %d, %d records", *b.TotalNum, len(b.DataList))
	}
	checkRecords(t, tl, b.DataList, 1000) // offset ignored
	q.Set("line_num", "5")
	if b := tlPage(t, base, q); *b.TotalNum != 1001 || len(b.DataList) != 0 {
		t.Fatalf("line_num: total_num %d, %d records", *b.TotalNum, len(b.DataList))
	}
}

var uuidShape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func auditID(t *testing.T, content string) string {
	t.Helper()
	var ev struct {
		AuditID string `json:"auditID"`
	}
	if err := json.Unmarshal([]byte(content), &ev); err != nil {
		t.Fatalf("content %q: %v", content, err)
	}
	return ev.AuditID
}

func TestTimelineContent(t *testing.T) {
	tl := standin.Timeline{ClusterID: tlCluster, Start: testNow.Add(-time.Hour).UnixMilli() + 123, Step: 1001, PerTick: 2}
	_, base, _ := tlServer(t, tl, nil)
	b := tlPage(t, base, tlQuery(tl.Start, testNow.UnixMilli(), 0, 200))
	if len(b.DataList) != 200 {
		t.Fatalf("%d records", len(b.DataList))
	}
	ids := map[string]bool{}
	for _, r := range b.DataList {
		var ev struct {
			Kind, APIVersion, Level, AuditID, Stage, RequestURI, Verb string
			User                                                      struct{ Username string }
			ObjectRef                                                 struct{ Resource, Namespace, Name, APIVersion string }
			ResponseStatus                                            struct{ Code int }
			RequestReceivedTimestamp, StageTimestamp                  string
		}
		var strict map[string]json.RawMessage
		if err := json.Unmarshal([]byte(r.Content), &strict); err != nil {
			t.Fatalf("content is not a JSON object: %v\n%s", err, r.Content)
		}
		if err := json.Unmarshal([]byte(r.Content), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Kind != "Event" || ev.APIVersion != "audit.k8s.io/v1" || ev.Verb != "get" || ev.Stage != "ResponseComplete" ||
			ev.User.Username == "" || ev.ObjectRef.Resource != "pods" || ev.ObjectRef.Namespace == "" || ev.ObjectRef.Name == "" ||
			ev.ResponseStatus.Code != 200 || !uuidShape.MatchString(ev.AuditID) ||
			ev.RequestURI != "/api/v1/namespaces/"+ev.ObjectRef.Namespace+"/pods/"+ev.ObjectRef.Name {
			t.Fatalf("event %+v", ev)
		}
		for _, ts := range []string{ev.RequestReceivedTimestamp, ev.StageTimestamp} {
			got, err := time.Parse(time.RFC3339Nano, ts)
			if err != nil || got.UnixMilli() != r.Time || got.Nanosecond()%int(time.Millisecond) != 0 ||
				!regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`).MatchString(ts) {
				t.Fatalf("timestamp %q (%v) for time %d", ts, err, r.Time)
			}
		}
		if ids[ev.AuditID] {
			t.Fatalf("auditID %s twice", ev.AuditID)
		}
		ids[ev.AuditID] = true
	}
	// Deterministic: another server, the same bytes.
	_, base2, _ := tlServer(t, tl, nil)
	if again := tlPage(t, base2, tlQuery(tl.Start, testNow.UnixMilli(), 0, 200)); !bytes.Equal(b.Raw, again.Raw) {
		t.Fatal("another server answers other bytes")
	}
}

// A cluster id that JSON must escape is escaped in the records.
func TestTimelineClusterIDEscaped(t *testing.T) {
	tl := simple()
	tl.ClusterID = `odd "id" <&>`
	_, base, _ := tlServer(t, tl, nil)
	q := tlQuery(tl.Start, testNow.UnixMilli(), 0, 3)
	q.Set("cluster_id", tl.ClusterID)
	b := tlPage(t, base, q)
	if len(b.DataList) != 3 || b.DataList[0].ClusterID != tl.ClusterID || b.DataList[0].Content != tl.Record(1000).Content {
		t.Fatalf("%s", b.Raw)
	}
}

func TestTimelineAuthQuotaFaultsAndLog(t *testing.T) {
	tl := simple()
	s, base, _ := tlServer(t, tl, func(o *standin.Options) { o.Quota = standin.Quota{Calls: 2} })
	q := tlQuery(tl.Start, testNow.UnixMilli(), 0, 10)

	// Signed, as the provider sends it.
	if b := do(t, signedRequest(t, base, q, demoSigning())); b.Status != 200 || *b.TotalNum != 1001 {
		t.Fatalf("signed: %d %s", b.Status, b.Raw)
	}
	bad := demoSigning()
	bad.sk = "wrong"
	if b := do(t, signedRequest(t, base, q, bad)); b.Status != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %d %s", b.Status, b.Raw)
	}
	// A scripted fault answers before the quota counts the call.
	s.Inject(standin.Fault{Status: http.StatusServiceUnavailable})
	wantError(t, do(t, tokenRequest(t, base, apiPath, q)), http.StatusServiceUnavailable, "APIGW.0201", "")
	checkRecords(t, tl, tlPage(t, base, q).DataList, 1000)
	checkRecords(t, tl, tlPage(t, base, q).DataList, 1000)
	// The token's budget is spent (the access key's is its own).
	wantError(t, do(t, tokenRequest(t, base, apiPath, q)), http.StatusTooManyRequests, "APIGW.0308", "throttling")
	if s.Throttled() != 1 {
		t.Fatalf("Throttled %d", s.Throttled())
	}
	var statuses []int
	for _, r := range s.Requests() {
		if r.Query.Get("cluster_id") != tlCluster {
			t.Fatalf("logged query %v", r.Query)
		}
		statuses = append(statuses, r.Status)
	}
	if want := []int{200, 401, 503, 200, 200, 429}; !slices.Equal(statuses, want) {
		t.Fatalf("logged statuses %v, want %v", statuses, want)
	}
}

func TestTimelineValidate(t *testing.T) {
	for _, c := range []struct {
		tl   standin.Timeline
		want string
	}{
		{standin.Timeline{Start: 1, Step: 1}, "ClusterID is empty"},
		{standin.Timeline{ClusterID: "c", Step: 0}, "Step 0 must be at least 1"},
		{standin.Timeline{ClusterID: "c", Step: 1, PerTick: -1}, "PerTick -1 is negative"},
		{standin.Timeline{ClusterID: "c", Start: 10, Step: 1, End: 9}, "End 9 is before Start 10"},
	} {
		if err := c.tl.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.tl, err, c.want)
		}
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), c.want) {
					t.Errorf("New(%+v): panic %v, want %q", c.tl, r, c.want)
				}
			}()
			standin.New(standin.Options{ProjectID: "p", Timeline: &c.tl})
		}()
	}
	if err := (standin.Timeline{ClusterID: "c", Step: 1}).Validate(); err != nil {
		t.Fatal(err)
	}
	// PerTick 0 is 1.
	tl := standin.Timeline{ClusterID: "c", Start: 100, Step: 10}
	if tl.TimeOf(3) != 130 || tl.Count(100, 130, 1000) != 4 {
		t.Fatalf("TimeOf(3) %d, Count %d", tl.TimeOf(3), tl.Count(100, 130, 1000))
	}
	// New copies the timeline: changing it later changes nothing.
	orig := simple()
	_, ts := newServer(t, func(o *standin.Options) { o.Timeline = &orig })
	orig.ClusterID = "changed"
	if b := tlPage(t, ts.URL, tlQuery(simple().Start, testNow.UnixMilli(), 0, 1)); *b.TotalNum != 1001 {
		t.Fatalf("after changing the caller's Timeline: total_num %d", *b.TotalNum)
	}
}

// year is a timeline of about 10 million records over the year before
// testNow, the newest at testNow.
func year() standin.Timeline {
	const step = 3153 // ms: 365 days / 10 million
	n := (365 * 24 * time.Hour).Milliseconds() / step
	return standin.Timeline{ClusterID: tlCluster, Start: testNow.UnixMilli() - n*step, Step: step}
}

// A page deep into a huge timeline costs what any page costs: nothing is
// materialised.
func TestTimelineHugePageIsCheap(t *testing.T) {
	huge := standin.Timeline{ClusterID: tlCluster, Start: testNow.AddDate(-1, 0, 0).UnixMilli(), Step: 1, PerTick: 1000}
	for name, tl := range map[string]standin.Timeline{"10 million": year(), "31 trillion": huge} {
		_, base, _ := tlServer(t, tl, nil)
		from, to := testNow.AddDate(-1, 0, 0).UnixMilli(), testNow.UnixMilli()
		total := tl.Count(from, to, to)
		if name == "10 million" && (total < 10_000_000 || total > 10_010_000) {
			t.Fatalf("%s: Count %d", name, total)
		}
		offset := int(total - 150)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		b := tlPage(t, base, tlQuery(from, to, offset, 200))
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		if int64(*b.TotalNum) != total || len(b.DataList) != 150 {
			t.Fatalf("%s: total_num %d (Count %d), %d records", name, *b.TotalNum, total, len(b.DataList))
		}
		checkRecords(t, tl, b.DataList, total-1-int64(offset))
		if b.DataList[149].Time != tl.Start {
			t.Fatalf("%s: the last record's time %d, want Start %d", name, b.DataList[149].Time, tl.Start)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
			t.Fatalf("%s: a page allocated %d bytes", name, alloc)
		}
		t.Logf("%s records: a page at offset %d in %s", name, offset, took)
	}
}

// BenchmarkTimelinePage asks for a page of 200 records near the end of the
// 10 million records of a year, and of a timeline of 200: they cost the
// same (the HTTP round trip and the page's encoding, not the timeline).
func BenchmarkTimelinePage(b *testing.B) {
	small := standin.Timeline{ClusterID: tlCluster, Start: testNow.Add(-199 * time.Second).UnixMilli(), Step: 1000}
	for _, c := range []struct {
		name   string
		tl     standin.Timeline
		offset int64
	}{{"10M-records", year(), 9_999_000}, {"200-records", small, 0}} {
		b.Run(c.name, func(b *testing.B) {
			tl := c.tl
			ts := httptest.NewServer(standin.New(standin.Options{
				ProjectID: standin.SeedProjectID, Tokens: []string{testToken},
				Now: func() time.Time { return testNow }, Timeline: &tl,
			}))
			defer ts.Close()
			u := ts.URL + apiPath + "?" + tlQuery(testNow.AddDate(-1, 0, 0).UnixMilli(), testNow.UnixMilli(), int(c.offset), 200).Encode()
			b.ReportAllocs()
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, u, nil)
				req.Header.Set("X-Auth-Token", testToken)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || n < 200*1000 {
					b.Fatalf("status %d, %d bytes", resp.StatusCode, n)
				}
			}
		})
	}
}
