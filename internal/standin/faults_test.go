package standin_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

func TestFaultStatusThenNormal(t *testing.T) {
	s, ts := newServer(t, nil)
	s.Inject(
		standin.Fault{Status: 503},
		standin.Fault{Status: 429, Header: http.Header{"Retry-After": {"2"}}},
		standin.Fault{Status: 500, Body: `{"error_code":"HSS.0001","error_msg":"boom"}`},
	)
	wantError(t, do(t, tokenRequest(t, ts.URL, apiPath, baseQuery())), 503, "APIGW.0201", "")
	b := do(t, tokenRequest(t, ts.URL, apiPath, baseQuery()))
	wantError(t, b, 429, "APIGW.0308", "throttling")
	if b.Header.Get("Retry-After") != "2" || b.Header.Get("X-Request-Id") == "" {
		t.Fatalf("fault headers %v", b.Header)
	}
	wantError(t, do(t, tokenRequest(t, ts.URL, apiPath, baseQuery())), 500, "HSS.0001", "boom")
	if b := do(t, tokenRequest(t, ts.URL, apiPath, baseQuery())); b.Status != 200 {
		t.Fatalf("after faults: %d", b.Status)
	}
	var statuses []int
	for _, r := range s.Requests() {
		statuses = append(statuses, r.Status)
	}
	if len(statuses) != 4 || statuses[0] != 503 || statuses[1] != 429 || statuses[2] != 500 || statuses[3] != 200 {
		t.Fatalf("logged statuses %v", statuses)
	}
}

// Faults come before authentication: a request without credentials still
// gets the scripted answer.
func TestFaultBeforeAuth(t *testing.T) {
	s, ts := newServer(t, nil)
	s.Inject(standin.Fault{Status: 502})
	req := tokenRequest(t, ts.URL, apiPath, baseQuery())
	req.Header.Del("X-Auth-Token")
	if b := do(t, req); b.Status != 502 {
		t.Fatalf("status %d", b.Status)
	}
}

func TestFaultDropConnection(t *testing.T) {
	s, ts := newServer(t, nil)
	s.Inject(standin.Fault{DropConnection: true})
	resp, err := http.DefaultClient.Do(tokenRequest(t, ts.URL, apiPath, baseQuery()))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped connection answered %d", resp.StatusCode)
	}
	if b := do(t, tokenRequest(t, ts.URL, apiPath, baseQuery())); b.Status != 200 {
		t.Fatalf("after drop: %d", b.Status)
	}
	if got := s.Requests(); len(got) != 2 || got[0].Status != 0 || got[1].Status != 200 {
		t.Fatalf("log %+v", got)
	}
}

func TestFaultDelayOnlyThenNormal(t *testing.T) {
	s, ts := newServer(t, nil)
	s.Inject(standin.Fault{Delay: 50 * time.Millisecond})
	start := time.Now()
	b := do(t, tokenRequest(t, ts.URL, apiPath, baseQuery()))
	if b.Status != 200 || time.Since(start) < 50*time.Millisecond {
		t.Fatalf("status %d after %s", b.Status, time.Since(start))
	}
}

func TestLatencyHonoursContext(t *testing.T) {
	_, ts := newServer(t, func(o *standin.Options) { o.Latency = 10 * time.Second })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := http.DefaultClient.Do(tokenRequest(t, ts.URL, apiPath, baseQuery()).WithContext(ctx))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	// The handler must return promptly too, or ts.Close would hang in cleanup.
	if time.Since(start) > 2*time.Second {
		t.Fatal("too slow")
	}
}

func TestResetClearsFaults(t *testing.T) {
	s, ts := newServer(t, nil)
	s.Inject(standin.Fault{Status: 500})
	s.Reset()
	if b := do(t, tokenRequest(t, ts.URL, apiPath, baseQuery())); b.Status != 200 {
		t.Fatalf("status %d", b.Status)
	}
}
