package hss

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/credentials"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// virtualClock is a clock that moves only when a quota wait asks it to,
// so reads under a minute-long quota are tested in milliseconds. The
// stand-in's quota window runs on the same clock.
type virtualClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func newVirtualClock() *virtualClock { return &virtualClock{t: time.Now()} }

func (c *virtualClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// until moves the clock to t, unless it is past it already: waiters that
// wait at once wait in parallel, as on a real clock.
func (c *virtualClock) until(t time.Time) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.t) {
		c.waits = append(c.waits, t.Sub(c.t))
		c.t = t
	}
	ch := make(chan time.Time, 1)
	ch <- c.t
	return ch
}

func (c *virtualClock) elapsedSince(t0 time.Time) time.Duration { return c.now().Sub(t0) }

// quotaStandIn serves n generated records under quota q on clock clk.
func quotaStandIn(t *testing.T, clk *virtualClock, n int, q standin.Quota) (*standin.Server, string) {
	t.Helper()
	s := standin.New(standin.Options{
		ProjectID: testProject, AccessKey: testAK, SecretKey: testSK,
		Records: standin.Generate("c1", "self_built_idc", n, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), false),
		Quota:   q,
		Now:     clk.now,
	})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

func quotaClient(t testing.TB, url string, clk *virtualClock, qs *Quotas, mod func(*Config)) *Client {
	t.Helper()
	if qs == nil {
		qs = &Quotas{now: clk.now, until: clk.until, rand: func() float64 { return 0.5 }}
	}
	cfg := Config{
		Endpoint: url, ProjectID: testProject,
		Credentials: credentials.Static(credentials.Value{AccessKey: testAK, SecretKey: testSK}),
		MaxRetries:  0, // 429s are waited out whatever max_retries says
		Quotas:      qs,
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// windowQuery asks for every record of quotaStandIn, 10 a page.
func windowQuery() Query {
	return Query{ClusterID: "c1", StartTime: 0, EndTime: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), Limit: 10}
}

// checkAll asserts every record once, in the service's order.
func checkAll(t *testing.T, res *Result, n int) {
	t.Helper()
	if len(res.Records) != n || res.TotalNum != int64(n) {
		t.Fatalf("%d records of total_num %d, want %d", len(res.Records), res.TotalNum, n)
	}
	seen := map[int64]bool{}
	for i, r := range res.Records {
		if seen[r.Time] {
			t.Fatalf("record %d (time %d) doubled", i, r.Time)
		}
		seen[r.Time] = true
		if i > 0 && r.Time >= res.Records[i-1].Time {
			t.Fatalf("record %d out of the service's order", i)
		}
	}
}

// The documented quota, 5 calls a minute, with no Retry-After: a 15-page
// read completes with every record, waiting out the quota, in about the
// quota's own time, without answering each 429 with a burst.
func TestQuotaReadCompletesUnderTheDocumentedQuota(t *testing.T) {
	for _, retryAfter := range []bool{false, true} {
		t.Run(map[bool]string{false: "no Retry-After", true: "Retry-After"}[retryAfter], func(t *testing.T) {
			clk := newVirtualClock()
			s, url := quotaStandIn(t, clk, 150, standin.Quota{Calls: 5, Window: time.Minute, RetryAfter: retryAfter})
			c := quotaClient(t, url, clk, nil, nil)
			t0 := clk.now()
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour) // real time: never reached
			defer cancel()
			res, err := c.ListClusterAuditLogs(ctx, windowQuery())
			if err != nil {
				t.Fatal(err)
			}
			checkAll(t, res, 150)
			took := clk.elapsedSince(t0)
			// The quota's own bound: 15 calls at 5 a minute, 3 minutes; the
			// first 5 go at once, so no read can take less than 2.
			bound := 3 * time.Minute
			t.Logf("15 pages in %s of virtual time (quota's bound %s), %d throttled answers, %d requests, view %+v",
				took, bound, s.Throttled(), len(s.Requests()), c.quota.Stats())
			if took < 2*time.Minute {
				t.Fatalf("finished in %s, faster than the quota allows: the stand-in's quota is not in force", took)
			}
			if took > bound*5/4 {
				t.Errorf("took %s, well beyond the quota's bound %s", took, bound)
			}
			// No bursts: once throttled, one call at a time, paced. Only the
			// pages in flight when the first 429 came (4), and the probes
			// that find the quota's end, are refused.
			if th := s.Throttled(); th > 12 {
				t.Errorf("%d throttled answers for 15 pages: the read answers 429s with bursts", th)
			}
			st := c.quota.Stats()
			if !st.Paced || st.Interval < 9*time.Second || st.Interval > 16*time.Second {
				t.Errorf("paced %v at %s a call; the quota is 12 s a call", st.Paced, st.Interval)
			}
		})
	}
}

// max_retries does not bound 429s; the read's deadline does, and a read
// that cannot fit in it fails early with the forecast.
func TestQuotaForecastFailsEarly(t *testing.T) {
	clk := newVirtualClock()
	s, url := quotaStandIn(t, clk, 1000, standin.Quota{Calls: 5, Window: time.Minute})
	qs := &Quotas{now: clk.now, until: clk.until, rand: func() float64 { return 0.5 }}
	c := quotaClient(t, url, clk, qs, nil)
	// The virtual clock and the deadline: the deadline is real, so give
	// the read 5 virtual minutes by moving the deadline with the clock.
	ctx, cancel := context.WithDeadline(context.Background(), clk.now().Add(5*time.Minute))
	defer cancel()
	_, err := c.ListClusterAuditLogs(ctx, windowQuery()) // 100 calls: 20 minutes at 5 a minute
	var te *ThrottleError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a *ThrottleError", err)
	}
	if !te.Forecast || te.Records != 1000 || te.CallsLeft < 80 || te.CallsLeft > 99 || te.RatePerMin < 3 || te.RatePerMin > 6 {
		t.Fatalf("forecast %+v", te)
	}
	for _, want := range []string{"the read cannot finish in time: its ", " more calls at 4.", " calls a minute need about ", "1000 records in the window", "calls made"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q not in %q", want, err)
		}
	}
	// It stopped on the forecast, not by spending the quota until the deadline.
	if calls := len(s.Requests()); calls > 20 {
		t.Errorf("%d requests before failing on the forecast", calls)
	}
}

// Until the first 429 the rate is unknown and treated as unlimited: a read
// is never failed early on a guess.
func TestQuotaNoForecastBeforeThrottling(t *testing.T) {
	clk := newVirtualClock()
	_, url := quotaStandIn(t, clk, 300, standin.Quota{})
	c := quotaClient(t, url, clk, nil, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := c.ListClusterAuditLogs(ctx, windowQuery())
	if err != nil {
		t.Fatal(err)
	}
	checkAll(t, res, 300)
	if st := c.quota.Stats(); st.Paced || st.Throttled != 0 || len(clk.waits) != 0 {
		t.Fatalf("view %+v, waits %v", st, clk.waits)
	}
}

// One view per caller and API: two clients of one provider configuration
// (two regions, say) slow down together; another caller's view is its own.
func TestQuotaViewSharedByCallerAndAPI(t *testing.T) {
	clk := newVirtualClock()
	qs := &Quotas{now: clk.now, until: clk.until, rand: func() float64 { return 0.5 }}
	_, url := quotaStandIn(t, clk, 100, standin.Quota{Calls: 5, Window: time.Minute})
	a := quotaClient(t, url, clk, qs, func(c *Config) { c.Caller = "alice" })
	b := quotaClient(t, url, clk, qs, func(c *Config) { c.Caller = "alice" })
	other := quotaClient(t, url, clk, qs, func(c *Config) { c.Caller = "bob" })
	if a.quota != b.quota || a.quota == other.quota {
		t.Fatal("views not keyed by caller")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	if _, err := a.ListClusterAuditLogs(ctx, windowQuery()); err != nil {
		t.Fatal(err)
	}
	if !b.quota.Stats().Paced || other.quota.Stats().Paced {
		t.Fatalf("after a throttled read: same caller paced %v, other caller paced %v", b.quota.Stats().Paced, other.quota.Stats().Paced)
	}
}

// The quota view alone, on the virtual clock.
func TestQuotaViewPacing(t *testing.T) {
	clk := newVirtualClock()
	q := (&Quotas{now: clk.now, until: clk.until, rand: func() float64 { return 1 }}).View("k")
	ctx := context.Background()
	call := func(status int, retryAfter time.Duration) time.Duration {
		t.Helper()
		if err := q.acquire(ctx); err != nil {
			t.Fatal(err)
		}
		return q.done(clk.now(), status, retryAfter, "")
	}
	t0 := clk.now()
	for range 5 {
		call(200, 0)
	}
	if len(clk.waits) != 0 {
		t.Fatalf("waited before any 429: %v", clk.waits)
	}
	// Retry-After is honoured plus jitter (at most a fifth and 100 ms, at
	// most 2 s; jitter 1 here).
	if w := call(429, 10*time.Second); w != 12*time.Second {
		t.Fatalf("wait after Retry-After 10s: %s", w)
	}
	// Without Retry-After: full jitter up to a ceiling doubling from 1 s.
	if w := call(429, 0); w != 2*time.Second {
		t.Fatalf("second 429: wait %s, want 2s", w)
	}
	if w := call(429, 0); w != 4*time.Second {
		t.Fatalf("third 429: wait %s, want 4s", w)
	}
	call(200, 0)
	// The pace: 5 calls accepted before the throttling, over the time from
	// the first of them to the one accepted again.
	st := q.Stats()
	want := clk.now().Sub(t0) / 5
	if !st.Paced || st.Interval != want {
		t.Fatalf("paced %v at %s, want %s", st.Paced, st.Interval, want)
	}
	// Each call then starts no sooner than the interval after the last.
	before := clk.now()
	call(200, 0)
	if got := clk.now().Sub(before); got != want {
		t.Fatalf("next call after %s, want %s", got, want)
	}
	// And the pace quickens carefully, after each run of accepted calls.
	for range speedUpAfter - 1 {
		call(200, 0)
	}
	if got := q.Stats().Interval; got != time.Duration(float64(want)*speedUp) {
		t.Fatalf("interval %s after %d accepted calls, want %s", got, speedUpAfter, time.Duration(float64(want)*speedUp))
	}
	// The deadline: a wait past it fails at once, with the wait.
	call(429, time.Hour)
	dctx, cancel := context.WithDeadline(ctx, clk.now().Add(time.Minute))
	defer cancel()
	var te *ThrottleError
	if err := q.acquire(dctx); !errors.As(err, &te) || te.Wait < time.Hour || te.Remaining != time.Minute {
		t.Fatalf("acquire past the deadline: %v", err)
	}
}

// Four plans at once, each its own provider process (its own Quotas), on
// one account: each gets every record.
func TestQuotaFourPlansAtOnce(t *testing.T) {
	clk := newVirtualClock()
	// 5 pages each: the stand-in checks signatures on the virtual clock, which
	// must stay within their 15 minutes.
	s, url := quotaStandIn(t, clk, 50, standin.Quota{Calls: 5, Window: time.Minute})
	var wg sync.WaitGroup
	errs := make([]error, 4)
	results := make([]*Result, 4)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := quotaClient(t, url, clk, nil, nil)
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			defer cancel()
			results[i], errs[i] = c.ListClusterAuditLogs(ctx, windowQuery())
		}()
	}
	wg.Wait()
	for i := range 4 {
		if errs[i] != nil {
			t.Fatalf("plan %d: %v", i, errs[i])
		}
		checkAll(t, results[i], 50)
	}
	t.Logf("4 plans of 5 pages: %d requests, %d throttled", len(s.Requests()), s.Throttled())
}

// The gateway names its policy in its throttling message; what it says
// sets the pace.
func TestParsePolicy(t *testing.T) {
	for msg, want := range map[string]struct {
		n int
		w time.Duration
	}{
		"The throttling threshold has been reached: policy user over ratelimit,limit:5,time:1 minute":   {5, time.Minute},
		"The throttling threshold has been reached: policy user over ratelimit,limit:200,time:5 minute": {200, 5 * time.Minute},
		"policy ip over ratelimit,limit:5,time:10 second":                                               {5, 10 * time.Second},
		"limit: 100, time: 2 hours":                 {100, 2 * time.Hour},
		"The throttling threshold has been reached": {},
		"limit:0,time:1 minute":                     {},
		"limit:5,time:0 minute":                     {},
		"limit:5,time:30 day":                       {},
	} {
		n, w, ok := parsePolicy(msg)
		if ok != (want.n > 0) || n != want.n || w != want.w {
			t.Errorf("parsePolicy(%q) = %d, %s, %v; want %d, %s", msg, n, w, ok, want.n, want.w)
		}
	}
	if got := policyInterval(5, time.Minute); got != 12240*time.Millisecond {
		t.Errorf("policyInterval(5, 1m) = %s", got)
	}
}
