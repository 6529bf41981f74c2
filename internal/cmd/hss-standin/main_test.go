package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/hss-tf/terraform-provider-hss/internal/credentials"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

const apiPath = "/v5/" + standin.SeedProjectID + standin.APIPathSuffix

func mustParse(t *testing.T, args ...string) config {
	t.Helper()
	c, err := parseFlags(args, io.Discard)
	if err != nil {
		t.Fatalf("parseFlags(%q): %v", args, err)
	}
	return c
}

func TestParseFlagsDefaults(t *testing.T) {
	c := mustParse(t)
	if c.addr != "127.0.0.1:0" || c.projectID != standin.SeedProjectID || c.ak != standin.DemoAccessKey ||
		c.sk != standin.DemoSecretKey || c.region != "cn-north-4" || c.otherRegion != "eu-west-101" ||
		c.pagingMode != standin.OffsetHonoured || c.records != 0 || c.clusters != 0 || c.noSeed || c.seedFile != "" {
		t.Fatalf("defaults %+v", c)
	}
	if c.quota != (standin.Quota{Window: time.Minute}) {
		t.Fatalf("default quota %+v", c.quota)
	}
	if c.timeline(time.Now()) != nil {
		t.Fatalf("a timeline by default: %+v", c.timeline(time.Now()))
	}
}

func TestParseFlagsTimeline(t *testing.T) {
	now := time.Date(2026, 3, 14, 12, 0, 0, 987_000_000, time.UTC)
	for _, c := range []struct {
		args []string
		want standin.Timeline
	}{
		// Defaults: one record a second from 24 h before start-up, rounded
		// down to a whole second.
		{[]string{"-timeline-cluster", "tl"},
			standin.Timeline{ClusterID: "tl", Start: now.Add(-24 * time.Hour).Truncate(time.Second).UnixMilli(), Step: 1000, PerTick: 1}},
		{[]string{"-timeline-cluster", "tl", "-timeline-start", "72h", "-timeline-step", "5m", "-timeline-per-tick", "3"},
			standin.Timeline{ClusterID: "tl", Start: time.Date(2026, 3, 11, 12, 0, 0, 0, time.UTC).UnixMilli(), Step: 300_000, PerTick: 3}},
		{[]string{"-timeline-cluster", "tl", "-timeline-start", "90m", "-timeline-step", "7ms"},
			standin.Timeline{ClusterID: "tl", Start: now.Add(-90*time.Minute).UnixMilli() / 7 * 7, Step: 7, PerTick: 1}},
		// An RFC 3339 start is taken as it is, whatever the step.
		{[]string{"-timeline-cluster", "tl", "-timeline-start", "2026-03-01T00:00:00.5+01:00", "-timeline-step", "1h"},
			standin.Timeline{ClusterID: "tl", Start: time.Date(2026, 2, 28, 23, 0, 0, 500_000_000, time.UTC).UnixMilli(), Step: 3_600_000, PerTick: 1}},
		{[]string{"-timeline-cluster", "tl", "-timeline-start", "0s"},
			standin.Timeline{ClusterID: "tl", Start: now.Truncate(time.Second).UnixMilli(), Step: 1000, PerTick: 1}},
	} {
		got := mustParse(t, c.args...).timeline(now)
		if got == nil || *got != c.want {
			t.Errorf("%q: timeline %+v, want %+v", c.args, got, c.want)
		} else if err := got.Validate(); err != nil {
			t.Errorf("%q: %v", c.args, err)
		}
	}
}

func TestParseFlagsNew(t *testing.T) {
	c := mustParse(t, "-records", "450", "-seed-file", "x.json", "-no-seed", "-paging", "cursor",
		"-quota", "5", "-quota-window", "5s", "-quota-retry-after", "-quota-per-ip", "-clusters", "30")
	want := standin.Quota{Calls: 5, Window: 5 * time.Second, RetryAfter: true, PerIP: true}
	if c.records != 450 || c.seedFile != "x.json" || !c.noSeed || c.quota != want || c.pagingMode != standin.CursorOnly || c.clusters != 30 {
		t.Fatalf("%+v", c)
	}
	// Generated clusters alone are something to serve.
	if c := mustParse(t, "-no-seed", "-clusters", "1"); c.clusters != 1 || !c.noSeed {
		t.Fatalf("%+v", c)
	}
	if c := mustParse(t, "-clusters", "100000"); c.clusters != 100000 {
		t.Fatalf("%+v", c)
	}
}

func TestParseFlagsErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-records", "-1"}, "-records -1 is out of range: 0 to 1000000"},
		{[]string{"-records", "1000001"}, "-records 1000001 is out of range"},
		{[]string{"-records", "many"}, `invalid value "many" for flag -records`},
		{[]string{"-no-seed"}, "-no-seed leaves nothing to serve: add -seed-file, -records, -timeline-cluster or -clusters"},
		{[]string{"-no-seed", "-clusters", "0"}, "-no-seed leaves nothing to serve"},
		{[]string{"-clusters", "-1"}, "-clusters -1 is out of range: 0 to 100000"},
		{[]string{"-clusters", "100001"}, "-clusters 100001 is out of range: 0 to 100000"},
		{[]string{"-clusters", "some"}, `invalid value "some" for flag -clusters`},
		{[]string{"-timeline-step", "2s"}, "-timeline-step has no effect without -timeline-cluster ID"},
		{[]string{"-timeline-start", "1h"}, "-timeline-start has no effect without -timeline-cluster ID"},
		{[]string{"-timeline-per-tick", "2"}, "-timeline-per-tick has no effect without -timeline-cluster ID"},
		{[]string{"-timeline-cluster", "x", "-timeline-step", "0s"}, "-timeline-step 0s must be a positive whole number of milliseconds"},
		{[]string{"-timeline-cluster", "x", "-timeline-step", "1500us"}, "-timeline-step 1.5ms must be a positive whole number"},
		{[]string{"-timeline-cluster", "x", "-timeline-step", "soon"}, `invalid value "soon" for flag -timeline-step`},
		{[]string{"-timeline-cluster", "x", "-timeline-per-tick", "0"}, "-timeline-per-tick 0 must be at least 1"},
		{[]string{"-timeline-cluster", "x", "-timeline-start", "-1h"}, "-timeline-start -1h is negative"},
		{[]string{"-timeline-cluster", "x", "-timeline-start", "yesterday"}, `-timeline-start "yesterday" is neither a duration`},
		{[]string{"-quota", "-1"}, "-quota -1 is negative"},
		{[]string{"-quota", "5", "-quota-window", "0s"}, "-quota-window 0s must be positive"},
		{[]string{"-quota", "5", "-quota-window", "soon"}, `invalid value "soon" for flag -quota-window`},
		{[]string{"-quota-window", "5s"}, "-quota-window has no effect without -quota N"},
		{[]string{"-quota-retry-after"}, "-quota-retry-after has no effect without -quota N"},
		{[]string{"-quota-per-ip"}, "-quota-per-ip has no effect without -quota N"},
		{[]string{"-paging", "pages"}, `-paging must be offset or cursor, not "pages"`},
		{[]string{"-latency", "-1s"}, "-latency -1s is negative"},
		{[]string{"-ak", ""}, "-ak and -sk go together"},
		{[]string{"-ak", "", "-sk", ""}, "-token must give a way in"},
		{[]string{"-project-id", "a/b"}, `-project-id "a/b" is not a project id`},
		{[]string{"-other-region", "cn-north-4"}, `-region and -other-region are both "cn-north-4"`},
		{[]string{"-records", "5", "extra"}, `unexpected argument "extra"`},
		{[]string{"-recordz", "5"}, "flag provided but not defined: -recordz"},
	} {
		_, err := parseFlags(c.args, io.Discard)
		var ue usageError
		if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want a usage error with %q", c.args, err, c.want)
		}
	}
}

func TestParseFlagsHelp(t *testing.T) {
	var out bytes.Buffer
	_, err := parseFlags([]string{"-h"}, &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err %v", err)
	}
	for _, name := range []string{"-records", "-clusters", "-seed-file", "-no-seed", "-quota", "-quota-window", "-quota-retry-after", "-quota-per-ip", "-url-file",
		"-timeline-cluster", "-timeline-step", "-timeline-start", "-timeline-per-tick"} {
		if !strings.Contains(out.String(), "  "+name+" ") && !strings.Contains(out.String(), "  "+name+"\n") {
			t.Errorf("help lacks %s:\n%s", name, out.String())
		}
	}
}

// seedCounts counts the seed's records per cluster, independently of the
// banner's code.
func seedCounts() map[string]int {
	n := map[string]int{}
	for _, r := range standin.Seed(time.Now()) {
		n[r.ClusterID]++
	}
	return n
}

// clusterLine finds the banner's line for a cluster and returns its count.
func clusterLine(t *testing.T, banner, id, name, typ string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(id) + `\s+` + regexp.QuoteMeta(name) + `\s+` + regexp.QuoteMeta(typ) + `\s+(\d+)\s`).FindStringSubmatch(banner)
	if m == nil {
		t.Fatalf("no line for cluster %s %s %s in\n%s", id, name, typ, banner)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestBanner(t *testing.T) {
	c := mustParse(t, "-records", "450")
	now := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	recs, err := loadRecords(c, now)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := writeBanner(&out, "http://127.0.0.1:4242", c, recs, nil, now); err != nil {
		t.Fatal(err)
	}
	banner := out.String()
	seed := seedCounts()
	if len(seed) != 3 || seed[standin.SeedCCEClusterID] != 32 || seed[standin.SeedIDCClusterID] != 16 || seed[standin.SeedFindingsClusterID] != 40 {
		t.Fatalf("seed counts changed: %v", seed)
	}
	for _, cl := range []struct {
		id, name, typ string
		want          int
	}{
		{standin.SeedCCEClusterID, standin.SeedCCEClusterName, "cce", 32},
		{standin.SeedIDCClusterID, standin.SeedIDCClusterName, "self_built_idc", 16},
		{standin.SeedFindingsClusterID, standin.SeedFindingsClusterName, "k8s", 40},
		{genClusterID, "gen-0b5c7d2e", "self_built_idc", 450},
	} {
		if got := clusterLine(t, banner, cl.id, cl.name, cl.typ); got != cl.want {
			t.Errorf("cluster %s: banner says %d records, want %d", cl.id, got, cl.want)
		}
	}
	for _, want := range []string{
		"  Base URL:      http://127.0.0.1:4242",
		"  Region:        cn-north-4, project id " + standin.SeedProjectID + "\n",
		"  Other region:  eu-west-101, project id " + standin.SeedOtherProjectID,
		"  Access key:    " + standin.DemoAccessKey + "\n",
		"  Secret key:    " + standin.DemoSecretKey + "\n",
		"they open nothing else",
		"  Quota:         none",
		"  Audit logs:    GET /v5/{project_id}/container/kubernetes/cluster/audit-logs (ListClusterAuditLogs)\n",
		"  Cluster list:  GET /v5/{project_id}/kubernetes/clusters (ListKubernetesClusterDetails): 7 clusters in each project (7 seed, 0 generated by -clusters)\n",
		"  538 records in all",
		"  export HW_ACCESS_KEY=" + standin.DemoAccessKey + "\n",
		"  export HW_SECRET_KEY=" + standin.DemoSecretKey + "\n",
		"  export HW_REGION_NAME=cn-north-4\n",
		"  export HW_PROJECT_ID=" + standin.SeedProjectID + "\n",
		"  provider \"hss\" {\n    endpoints = {\n      hss = \"http://127.0.0.1:4242\"\n      iam = \"http://127.0.0.1:4242\"\n    }\n  }\n",
	} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	// The time range covers every record: the oldest seed record and now.
	if !strings.Contains(banner, "end_time "+strconv.FormatInt(now.UnixMilli(), 10)+" (epoch ms)") {
		t.Errorf("banner's end_time is not now:\n%s", banner)
	}
}

func TestBannerOtherKeysAndQuota(t *testing.T) {
	c := mustParse(t, "-ak", "MYKEY", "-sk", "it's secret", "-token", "tok", "-quota", "5", "-quota-window", "5s", "-quota-per-ip", "-quota-retry-after")
	var out bytes.Buffer
	if err := writeBanner(&out, "http://x", c, nil, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	banner := out.String()
	for _, want := range []string{
		"  export HW_SECRET_KEY='it'\\''s secret'\n",
		"  IAM token:     tok\n",
		"export HW_AUTH_TOKEN=tok",
		"  Quota:         5 calls per 5s per user (access key or token) and per IP address, per API; 429 APIGW.0308 beyond it, with Retry-After\n",
		"  none: no records are served\n",
	} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	if strings.Contains(banner, "demo keys") {
		t.Errorf("banner calls -ak/-sk demo keys:\n%s", banner)
	}
	if strings.Contains(banner, "Timeline") {
		t.Errorf("banner mentions a timeline without one:\n%s", banner)
	}
}

func TestBannerTimeline(t *testing.T) {
	now := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	c := mustParse(t, "-no-seed", "-timeline-cluster", "tl-1", "-timeline-start", "1h", "-timeline-step", "1m", "-timeline-per-tick", "4")
	tl := c.timeline(now)
	var out bytes.Buffer
	if err := writeBanner(&out, "http://x", c, nil, tl, now); err != nil {
		t.Fatal(err)
	}
	banner := out.String()
	for _, want := range []string{
		"  none besides the timeline\n",
		"\nTimeline (in the project of cn-north-4 only; records arrive as the clock passes their time):\n",
		"  Cluster:       tl-1 (name " + standin.TimelineClusterName + ", type k8s, host " + standin.TimelineHostName,
		"  Records:       4 records every 1m from 2026-03-14 11:00:00 (UTC) on, verb get\n",
		// 61 ticks of 4: 11:00 to 12:00 inclusive.
		"  At start-up:   244 records; start_time " + strconv.FormatInt(now.Add(-time.Hour).UnixMilli(), 10) +
			" and end_time " + strconv.FormatInt(now.UnixMilli(), 10) + " (epoch ms) take them all in\n",
	} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
}

// signedGet is GET base+path?q signed with the demo keys the way the
// provider signs (credentials.Sign, then the SDK's ConvertRequest).
func signedGet(t *testing.T, base, path string, q url.Values) *http.Request {
	t.Helper()
	b := request.NewHttpRequestBuilder().WithEndpoint(base).WithMethod(http.MethodGet).WithPath(path)
	for k := range q {
		b.AddQueryParam(k, reflect.ValueOf(q.Get(k)))
	}
	sdkReq := b.Build()
	if err := credentials.Sign(sdkReq, credentials.Value{AccessKey: standin.DemoAccessKey, SecretKey: standin.DemoSecretKey}); err != nil {
		t.Fatal(err)
	}
	req, err := sdkReq.ConvertRequest()
	if err != nil {
		t.Fatal(err)
	}
	return req
}

type answer struct {
	status int
	header http.Header
	Total  int `json:"total_num"`
	Data   []struct {
		ClusterID string `json:"cluster_id"`
	} `json:"data_list"`
	Code string `json:"error_code"`
}

// list asks base for a cluster's records over [from, to].
func list(t *testing.T, base, cluster string, from, to time.Time) answer {
	t.Helper()
	q := url.Values{"cluster_id": {cluster}, "limit": {"200"}, "offset": {"0"},
		"start_time": {strconv.FormatInt(from.UnixMilli(), 10)}, "end_time": {strconv.FormatInt(to.UnixMilli(), 10)}}
	resp, err := http.DefaultClient.Do(signedGet(t, base, apiPath, q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	a.status, a.header = resp.StatusCode, resp.Header
	return a
}

// startRun runs the command as main does until the test ends; it returns
// the base URL and a function that stops it and returns its stdout.
func startRun(t *testing.T, args ...string) (string, func() string) {
	t.Helper()
	urlFile := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-url-file", urlFile}, args...), &stdout, io.Discard)
	}()
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; {
		select {
		case err := <-done:
			cancel()
			t.Fatalf("run ended early: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
		if b, err := os.ReadFile(urlFile); err == nil {
			base = strings.TrimSpace(string(b))
		} else if time.Now().After(deadline) {
			cancel()
			t.Fatal("no URL file")
		}
	}
	stopped := false
	stop := func() string {
		if !stopped {
			stopped = true
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run: %v", err)
			}
		}
		return stdout.String()
	}
	t.Cleanup(func() { stop() })
	return base, stop
}

func TestRunServesGeneratedRecords(t *testing.T) {
	start := time.Now()
	base, stop := startRun(t, "-records", "450")
	now := time.Now()

	gen := list(t, base, genClusterID, start.Add(-time.Hour), now.Add(time.Minute))
	if gen.status != 200 || gen.Total != 450 || len(gen.Data) != 200 || gen.Data[0].ClusterID != genClusterID {
		t.Fatalf("generated cluster: %d, total_num %d, %d records", gen.status, gen.Total, len(gen.Data))
	}
	// Newest at start-up, 1 s apart: the 100 s before start hold 101 and a
	// few more for the start-up time.
	recent := list(t, base, genClusterID, start.Add(-100*time.Second), now.Add(time.Minute))
	if recent.Total < 101 || recent.Total > 120 {
		t.Fatalf("last 100 s: total_num %d", recent.Total)
	}
	for id, n := range seedCounts() {
		if a := list(t, base, id, start.Add(-73*time.Hour), now.Add(time.Minute)); a.status != 200 || a.Total != n {
			t.Fatalf("seed cluster %s: %d, total_num %d, want %d", id, a.status, a.Total, n)
		}
	}
	banner := stop()
	if !strings.Contains(banner, "Base URL:      "+base+" ") || clusterLine(t, banner, genClusterID, "gen-0b5c7d2e", "self_built_idc") != 450 {
		t.Fatalf("banner:\n%s", banner)
	}
}

func TestRunSeedFileInsteadOfSeed(t *testing.T) {
	now := time.Now()
	file := filepath.Join(t.TempDir(), "answer.json")
	var recs []string
	for i := range 3 {
		recs = append(recs, `{"cluster_id":"file-cluster","cluster_name":"from-file","cluster_type":"aws","time":`+
			strconv.FormatInt(now.Add(-time.Duration(i)*time.Minute).UnixMilli(), 10)+`,"content":"x"}`)
	}
	if err := os.WriteFile(file, []byte(`{"total_num":3,"data_list":[`+strings.Join(recs, ",")+`]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	base, stop := startRun(t, "-no-seed", "-seed-file", file)
	if a := list(t, base, "file-cluster", now.Add(-time.Hour), now.Add(time.Minute)); a.Total != 3 {
		t.Fatalf("file cluster: %d, total_num %d", a.status, a.Total)
	}
	if a := list(t, base, standin.SeedCCEClusterID, now.Add(-73*time.Hour), now.Add(time.Minute)); a.status != 200 || a.Total != 0 {
		t.Fatalf("seed served with -no-seed: %d, total_num %d", a.status, a.Total)
	}
	banner := stop()
	if clusterLine(t, banner, "file-cluster", "from-file", "aws") != 3 || strings.Contains(banner, standin.SeedCCEClusterID) {
		t.Fatalf("banner:\n%s", banner)
	}
}

func TestRunBadSeedFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(file, []byte(`[{"time":1,"host":"x"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	err := run(context.Background(), []string{"-seed-file", file}, &stdout, io.Discard)
	if err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), `record 0: unknown field "host"`) {
		t.Fatalf("err %v", err)
	}
	if stdout.Len() != 0 {
		t.Fatalf("printed a banner: %s", stdout.String())
	}
	if err := run(context.Background(), []string{"-quota", "x"}, &stdout, io.Discard); err == nil {
		t.Fatal("bad flag accepted")
	}
}

func TestRunServesTimeline(t *testing.T) {
	start := time.Now()
	base, stop := startRun(t, "-timeline-cluster", "tl-cluster", "-timeline-start", "1h", "-timeline-per-tick", "2")
	// 3601 ticks of 2 in the hour before start-up (from a whole second),
	// and a few more as the test runs.
	a := list(t, base, "tl-cluster", start.Add(-2*time.Hour), time.Now().Add(time.Hour))
	if a.status != 200 || a.Total < 2*3601 || a.Total > 2*3620 || len(a.Data) != 200 || a.Data[0].ClusterID != "tl-cluster" {
		t.Fatalf("timeline: %d, total_num %d, %d records", a.status, a.Total, len(a.Data))
	}
	// The seed is still served.
	for id, n := range seedCounts() {
		if a := list(t, base, id, start.Add(-73*time.Hour), time.Now().Add(time.Minute)); a.Total != n {
			t.Fatalf("seed cluster %s: total_num %d, want %d", id, a.Total, n)
		}
	}
	if banner := stop(); !strings.Contains(banner, "  Cluster:       tl-cluster ") {
		t.Fatalf("banner:\n%s", banner)
	}
}

func TestRunRefusesTimelineOverRecords(t *testing.T) {
	var stdout bytes.Buffer
	err := run(context.Background(), []string{"-timeline-cluster", standin.SeedCCEClusterID}, &stdout, io.Discard)
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "is a cluster of the served records") || stdout.Len() != 0 {
		t.Fatalf("err %v, stdout %q", err, stdout.String())
	}
}

func TestQuotaFlags(t *testing.T) {
	c := mustParse(t, "-quota", "2", "-quota-window", "30s", "-quota-retry-after")
	recs, err := loadRecords(c, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(newStandIn(c, recs, nil, time.Now()).handler)
	defer ts.Close()
	now := time.Now()
	for i := range 2 {
		if a := list(t, ts.URL, standin.SeedCCEClusterID, now.Add(-time.Hour), now); a.status != 200 {
			t.Fatalf("call %d: %d %s", i+1, a.status, a.Code)
		}
	}
	a := list(t, ts.URL, standin.SeedCCEClusterID, now.Add(-time.Hour), now)
	if ra, _ := strconv.Atoi(a.header.Get("Retry-After")); a.status != 429 || a.Code != "APIGW.0308" || ra < 1 || ra > 30 {
		t.Fatalf("3rd call: %d %s, Retry-After %q", a.status, a.Code, a.header.Get("Retry-After"))
	}
	// IAM is another API, outside the audit-log budget.
	req, _ := http.NewRequest(http.MethodGet, ts.URL+standin.IAMProjectsPath+"?name=cn-north-4", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == 429 {
		t.Fatal("IAM throttled by the HSS quota")
	}
	// The cluster list has its own budget: 2 calls, then 429.
	for i := range 2 {
		if cl := listClusters(t, ts.URL, standin.SeedProjectID, nil); cl.status != 200 || cl.Total != 7 {
			t.Fatalf("cluster call %d after the audit-log budget is spent: %d %s", i+1, cl.status, cl.Code)
		}
	}
	if cl := listClusters(t, ts.URL, standin.SeedProjectID, nil); cl.status != 429 || cl.Code != "APIGW.0308" {
		t.Fatalf("3rd cluster call: %d %s", cl.status, cl.Code)
	}
}

type clusterAnswer struct {
	status int
	Total  int   `json:"total_num"`
	Update int64 `json:"last_update_time"`
	List   []struct {
		ClusterID   string `json:"cluster_id"`
		ClusterName string `json:"cluster_name"`
		ClusterType string `json:"cluster_type"`
		Status      string `json:"status"`
		Installed   *int   `json:"agent_installed_num"`
	} `json:"cluster_info_list"`
	Code string `json:"error_code"`
}

// listClusters asks base for a project's cluster list, signed with the
// demo keys.
func listClusters(t *testing.T, base, project string, q url.Values) clusterAnswer {
	t.Helper()
	resp, err := http.DefaultClient.Do(signedGet(t, base, "/v5/"+project+standin.ClustersPathSuffix, q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a clusterAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	a.status = resp.StatusCode
	return a
}

func TestRunServesClusters(t *testing.T) {
	base, stop := startRun(t, "-clusters", "250")
	for _, project := range []string{standin.SeedProjectID, standin.SeedOtherProjectID} {
		a := listClusters(t, base, project, url.Values{"limit": {"200"}, "load_agent_info": {"true"}})
		if a.status != 200 || a.Total != 257 || len(a.List) != 200 || a.List[0].Installed == nil {
			t.Fatalf("project %s: %d %s, total_num %d, %d clusters", project, a.status, a.Code, a.Total, len(a.List))
		}
		all := map[string]string{}
		for offset := 0; offset < a.Total; offset += 200 {
			page := listClusters(t, base, project, url.Values{"limit": {"200"}, "offset": {strconv.Itoa(offset)}})
			for _, c := range page.List {
				all[c.ClusterID] = c.ClusterName + " " + c.ClusterType + " " + c.Status
			}
		}
		if len(all) != 257 || all[standin.SeedCCEClusterID] != "prod-cce cce Available" ||
			all[standin.SeedFindingsClusterID] != "sec-lab k8s Available" ||
			all[standin.SeedIDCClusterID] != "idc-k8s self_built_idc Available" ||
			all[standin.SeedAWSClusterID] != standin.SeedAWSClusterName+" aws Unavailable" ||
			all[standin.GeneratedClusterID(249)] == "" {
			t.Fatalf("project %s: %d clusters: %v", project, len(all), all)
		}
		if a := listClusters(t, base, project, url.Values{"cluster_name": {"staging-ali"}}); a.Total != 1 || a.List[0].ClusterID != standin.SeedAliClusterID {
			t.Fatalf("project %s: staging-ali: %+v", project, a)
		}
	}
	// The audit logs are still served.
	for id, n := range seedCounts() {
		if a := list(t, base, id, time.Now().Add(-73*time.Hour), time.Now().Add(time.Minute)); a.Total != n {
			t.Fatalf("seed cluster %s: total_num %d, want %d", id, a.Total, n)
		}
	}
	banner := stop()
	for _, want := range []string{
		"  Cluster list:  GET /v5/{project_id}/kubernetes/clusters (ListKubernetesClusterDetails): 257 clusters in each project (7 seed, 250 generated by -clusters)\n",
		"(serves a copy of the same records and clusters)",
	} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
}

func TestRunNoSeedClusters(t *testing.T) {
	base, stop := startRun(t, "-no-seed", "-clusters", "1")
	if a := listClusters(t, base, standin.SeedProjectID, nil); a.status != 200 || a.Total != 1 || a.List[0].ClusterID != standin.GeneratedClusterID(0) {
		t.Fatalf("%+v", a)
	}
	if a := list(t, base, standin.SeedCCEClusterID, time.Now().Add(-73*time.Hour), time.Now()); a.status != 200 || a.Total != 0 {
		t.Fatalf("seed records with -no-seed: %d, total_num %d", a.status, a.Total)
	}
	banner := stop()
	for _, want := range []string{
		"(ListKubernetesClusterDetails): 1 cluster in each project (0 seed, 1 generated by -clusters)\n",
		"  none: no records are served\n",
	} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
}
