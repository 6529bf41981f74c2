package hss

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/credentials"
)

func TestRequestCarriesEveryParameterSigned(t *testing.T) {
	f := &fake{respond: offsetPages(0)}
	c, _ := newTestClient(t, f, nil)
	q := Query{
		ClusterID: "c 1/é", StartTime: 1700000000000, EndTime: 1700000999999, EnterpriseProjectID: "all_granted_eps",
		ClusterName: "prod", HostName: "node-1", HostID: "h1", HostIP: "10.0.0.1", Verb: "delete",
		LineNum: "1000005", Limit: 50, Offset: 3,
	}
	if _, err := c.ListClusterAuditLogs(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0]
	want := url.Values{
		"cluster_id": {"c 1/é"}, "start_time": {"1700000000000"}, "end_time": {"1700000999999"},
		"enterprise_project_id": {"all_granted_eps"}, "cluster_name": {"prod"}, "host_name": {"node-1"},
		"host_id": {"h1"}, "host_ip": {"10.0.0.1"}, "verb": {"delete"}, "line_num": {"1000005"},
		"limit": {"50"}, "offset": {"3"},
	}
	if got := r.URL.Query(); got.Encode() != want.Encode() {
		t.Fatalf("query\n got %s\nwant %s", got.Encode(), want.Encode())
	}
	if r.URL.Path != "/v5/"+testProject+"/container/kubernetes/cluster/audit-logs" {
		t.Fatalf("path %s", r.URL.Path)
	}
	if r.Header.Get("X-Project-Id") != testProject || r.Header.Get("User-Agent") != "test-agent/1.0" {
		t.Fatalf("headers %v", r.Header)
	}
	signed := r.Header.Get("Authorization")
	for _, h := range []string{"x-project-id", "x-sdk-date", "user-agent"} {
		if !strings.Contains(signed, h) {
			t.Errorf("%s not signed: %s", h, signed)
		}
	}
}

func TestUnsetParametersAreNotSent(t *testing.T) {
	f := &fake{respond: offsetPages(0)}
	c, _ := newTestClient(t, f, nil)
	if _, err := c.ListClusterAuditLogs(context.Background(), baseQuery()); err != nil {
		t.Fatal(err)
	}
	got := f.requests()[0].URL.Query()
	if len(got) != 5 || got.Get("offset") != "0" || got.Get("limit") != "10" {
		t.Fatalf("query %v", got)
	}
}

func TestSecurityTokenIsSentAndSigned(t *testing.T) {
	f := &fake{respond: offsetPages(0)}
	c, _ := newTestClient(t, f, func(cfg *Config) {
		cfg.Credentials = credentials.Static(credentials.Value{AccessKey: testAK, SecretKey: testSK, SecurityToken: "sts-token"})
	})
	if _, err := c.ListClusterAuditLogs(context.Background(), baseQuery()); err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0]
	if r.Header.Get("X-Security-Token") != "sts-token" || !strings.Contains(r.Header.Get("Authorization"), "x-security-token") {
		t.Fatalf("headers %v", r.Header)
	}
}

func TestAuthTokenMode(t *testing.T) {
	var seen http.Header
	srv := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Clone()
		_, _ = w.Write([]byte(`{"total_num":0,"data_list":[]}`))
	})
	c, err := New(Config{Endpoint: srv, ProjectID: testProject, Credentials: credentials.Static(credentials.Value{AuthToken: "iam-token"})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListClusterAuditLogs(context.Background(), baseQuery()); err != nil {
		t.Fatal(err)
	}
	if seen.Get("X-Auth-Token") != "iam-token" || seen.Get("Authorization") != "" {
		t.Fatalf("headers %v", seen)
	}
}

func TestEndpointPathPrefix(t *testing.T) {
	var path string
	srv := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path
		if err := verifySignature(r, testAK, testSK); err != nil {
			t.Error(err)
		}
		_, _ = w.Write([]byte(`{"total_num":0,"data_list":[]}`))
	})
	c, err := New(Config{Endpoint: srv + "/gw/hss/", ProjectID: testProject, Credentials: credentials.Static(credentials.Value{AccessKey: testAK, SecretKey: testSK})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListClusterAuditLogs(context.Background(), baseQuery()); err != nil {
		t.Fatal(err)
	}
	if path != "/gw/hss/v5/"+testProject+"/container/kubernetes/cluster/audit-logs" {
		t.Fatalf("path %s", path)
	}
}

func TestRetriesThrottlingThenSucceeds(t *testing.T) {
	creds := &countingCreds{}
	f := &fake{respond: func(n int, q url.Values) (int, http.Header, string) {
		switch n {
		case 1:
			return 429, http.Header{"Retry-After": {"2"}}, `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}`
		case 2:
			return 503, nil, `<html>Service Unavailable</html>`
		}
		return offsetPages(3)(n, q)
	}}
	c, slept := newTestClient(t, f, func(cfg *Config) { cfg.Credentials = creds })
	res, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	if err != nil || len(res.Records) != 3 {
		t.Fatalf("res %+v err %v", res, err)
	}
	// The 429's Retry-After (2 s) is honoured plus jitter (a fifth plus
	// 100 ms at jitter 1), by the quota view; the 503 then backs off
	// exponentially (300 ms at jitter 1); a 5xx tells nothing of the
	// quota, so the next call goes at once.
	if want := []time.Duration{2500 * time.Millisecond, 300 * time.Millisecond}; !slices.Equal(*slept, want) {
		t.Fatalf("slept %v, want %v", *slept, want)
	}
	// Every attempt is built and signed afresh.
	if creds.n != 3 || len(f.requests()) != 3 {
		t.Fatalf("credentials asked %d times for %d requests", creds.n, len(f.requests()))
	}
}

// max_retries bounds 5xx and network errors, not throttling: 429s are
// waited out until the read's deadline, each wait at most the quota's
// window, and the failure says it was throttled.
func TestThrottlingIsWaitedOutUntilTheDeadline(t *testing.T) {
	f := &fake{respond: func(int, url.Values) (int, http.Header, string) {
		return 429, nil, `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached"}`
	}}
	c, slept := newTestClient(t, f, nil) // max_retries 3
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	_, err := c.ListClusterAuditLogs(ctx, baseQuery())
	var te *ThrottleError
	if !errors.As(err, &te) || te.Forecast || te.Last == nil || te.Last.StatusCode != 429 || te.Last.ErrorCode != "APIGW.0308" {
		t.Fatalf("err = %#v", err)
	}
	n := len(f.requests())
	if n <= 4 || te.Throttled != n || te.CallsMade != n || te.Records != -1 {
		t.Fatalf("%d requests, error %+v: max_retries bounded the 429s", n, te)
	}
	var total time.Duration
	for _, d := range *slept {
		if d > QuotaWindow {
			t.Fatalf("waited %s at once, beyond the quota's window", d)
		}
		total += d
	}
	if total > 10*time.Minute || total < 8*time.Minute {
		t.Fatalf("waited %s in all for a 10-minute deadline", total)
	}
	for _, want := range []string{"the service throttled the read", "after the read's deadline", "HTTP 429 APIGW.0308"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q not in %q", want, err)
		}
	}
}

func TestServerErrorsAreBoundedByMaxRetries(t *testing.T) {
	f := &fake{respond: func(int, url.Values) (int, http.Header, string) {
		return 503, nil, `{"error_code":"HSS.1001","error_msg":"busy"}`
	}}
	c, slept := newTestClient(t, f, nil)
	_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Attempts != 4 || apiErr.RequestID != "req-4" {
		t.Fatalf("err = %#v", err)
	}
	if len(f.requests()) != 4 || len(*slept) != 3 {
		t.Fatalf("%d requests, slept %v", len(f.requests()), *slept)
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404} {
		f := &fake{respond: func(int, url.Values) (int, http.Header, string) {
			return status, nil, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}`
		}}
		c, _ := newTestClient(t, f, nil)
		_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Attempts != 1 || len(f.requests()) != 1 {
			t.Fatalf("%d: err = %#v, %d requests", status, err, len(f.requests()))
		}
	}
}

func TestTransportErrorsAreRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			_ = conn.Close() // drop every connection unanswered
		}
	}()
	t.Cleanup(func() { _ = ln.Close() })
	var slept int
	c, err := New(Config{
		Endpoint: "http://" + ln.Addr().String(), ProjectID: testProject,
		Credentials: credentials.Static(credentials.Value{AccessKey: testAK, SecretKey: testSK}), MaxRetries: 2,
		sleep: func(context.Context, time.Duration) error { slept++; return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListClusterAuditLogs(context.Background(), baseQuery())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 0 || apiErr.Attempts != 3 || slept != 2 {
		t.Fatalf("err = %v, slept %d", err, slept)
	}
}

func TestCancelledContextStopsRetrying(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := &fake{respond: func(int, url.Values) (int, http.Header, string) {
		cancel()
		return 503, nil, ``
	}}
	c, _ := newTestClient(t, f, nil)
	_, err := c.ListClusterAuditLogs(ctx, baseQuery())
	if !errors.Is(err, context.Canceled) || len(f.requests()) != 1 {
		t.Fatalf("err = %v after %d requests", err, len(f.requests()))
	}
}

func TestOversizedPageIsRefused(t *testing.T) {
	f := &fake{respond: func(int, url.Values) (int, http.Header, string) { return 200, nil, pageBody(200, 0, 200, false) }}
	c, _ := newTestClient(t, f, func(cfg *Config) { cfg.MaxPageBytes = 1024 })
	_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	if err == nil || !strings.Contains(err.Error(), "larger than 1024 bytes") || len(f.requests()) != 1 {
		t.Fatalf("err = %v", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"7":                             7 * time.Second,
		"-1":                            0,
		"soon":                          0,
		"Fri, 02 Jan 2026 03:04:15 GMT": 10 * time.Second,
		"Fri, 02 Jan 2026 03:04:00 GMT": 0,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("%q: got %v want %v", in, got, want)
		}
	}
}

func TestBackoffIsCapped(t *testing.T) {
	c, _ := New(Config{Endpoint: "https://x", ProjectID: "p", Credentials: credentials.Static(credentials.Value{AuthToken: "t"})})
	c.cfg.jitter = func() float64 { return 1 }
	if d := c.backoff(20, 0); d != 30*time.Second {
		t.Fatalf("backoff %v", d)
	}
	if d := c.backoff(1, time.Hour); d != 30*time.Second {
		t.Fatalf("retry-after not capped: %v", d)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{Endpoint: "ftp://x", ProjectID: "p", Credentials: credentials.Static(credentials.Value{})},
		{Endpoint: "https://", ProjectID: "p", Credentials: credentials.Static(credentials.Value{})},
		{Endpoint: "https://x", Credentials: credentials.Static(credentials.Value{})},
		{Endpoint: "https://x", ProjectID: "p"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("accepted %+v", cfg)
		}
	}
}

func httpServer(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
