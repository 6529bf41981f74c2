package standin_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// fakeClock is a settable Options.Now, safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// quotaServer is a stand-in with quota q on a fake clock at testNow.
func quotaServer(t *testing.T, q standin.Quota) (*standin.Server, *httptest.Server, *fakeClock) {
	t.Helper()
	clock := &fakeClock{t: testNow}
	s, ts := newServer(t, func(o *standin.Options) {
		o.Quota = q
		o.Now = clock.Now
	})
	return s, ts, clock
}

// direct serves one API request straight through the handler, from ip, with
// credentials set by auth; it returns the recorded answer.
func direct(s *standin.Server, ip string, auth func(http.Header)) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, apiPath+"?"+baseQuery().Encode(), nil)
	req.RemoteAddr = ip + ":40000"
	auth(req.Header)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

// withToken sends the test IAM token.
func withToken() func(http.Header) {
	return func(h http.Header) { h.Set("X-Auth-Token", testToken) }
}

// withAccessKey sends an AK/SK Authorization header whose signature is
// wrong: the quota counts the access key before authentication fails.
func withAccessKey(ak string) func(http.Header) {
	return func(h http.Header) {
		h.Set("Authorization", "SDK-HMAC-SHA256 Access="+ak+", SignedHeaders=host;x-sdk-date, Signature=00")
		h.Set("X-Sdk-Date", testNow.Format("20060102T150405Z"))
	}
}

func statuses(s *standin.Server) []int {
	var out []int
	for _, r := range s.Requests() {
		out = append(out, r.Status)
	}
	return out
}

func TestQuotaAdmitsCallsThenThrottles(t *testing.T) {
	s, ts, _ := quotaServer(t, standin.Quota{Calls: 5, Window: time.Minute})
	for i := range 5 {
		if b := do(t, tokenRequest(t, ts.URL, apiPath, baseQuery())); b.Status != http.StatusOK {
			t.Fatalf("call %d: %d %s", i+1, b.Status, b.Raw)
		}
	}
	b := do(t, tokenRequest(t, ts.URL, apiPath, baseQuery()))
	id := b.Header.Get("X-Request-Id")
	want := `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:5,time:1 minute","request_id":"` + id + `"}` + "\n"
	if b.Status != http.StatusTooManyRequests || string(b.Raw) != want || id == "" {
		t.Fatalf("6th call: %d %q, want 429 %q", b.Status, b.Raw, want)
	}
	if v, ok := b.Header["Retry-After"]; ok {
		t.Fatalf("Retry-After %q sent without Quota.RetryAfter", v)
	}
	if ct := b.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	if b := do(t, tokenRequest(t, ts.URL, apiPath, baseQuery())); b.Status != http.StatusTooManyRequests {
		t.Fatalf("7th call: %d", b.Status)
	}
	if got := s.Throttled(); got != 2 {
		t.Fatalf("Throttled() = %d, want 2", got)
	}
	if got := statuses(s); len(got) != 7 || got[4] != 200 || got[5] != 429 || got[6] != 429 {
		t.Fatalf("logged statuses %v", got)
	}
}

// The window slides: each call frees its slot exactly Window after it was
// admitted, and throttled calls spend nothing.
func TestQuotaWindowSlides(t *testing.T) {
	s, _, clock := quotaServer(t, standin.Quota{Calls: 5, Window: time.Minute})
	at := func(d time.Duration) int {
		clock.Set(testNow.Add(d))
		return direct(s, "192.0.2.1", withToken()).Code
	}
	for i := range 5 {
		if c := at(time.Duration(i) * 10 * time.Second); c != 200 {
			t.Fatalf("call at %ds: %d", i*10, c)
		}
	}
	for range 20 { // refused calls do not push the window on
		if c := at(50 * time.Second); c != 429 {
			t.Fatalf("call at 50s: %d", c)
		}
	}
	if c := at(60*time.Second - time.Millisecond); c != 429 {
		t.Fatalf("call just before the first leaves: %d", c)
	}
	if c := at(60 * time.Second); c != 200 {
		t.Fatalf("call as the first leaves: %d", c)
	}
	if c := at(60 * time.Second); c != 429 {
		t.Fatalf("second call at 60s: %d", c)
	}
	if c := at(70 * time.Second); c != 200 {
		t.Fatalf("call at 70s: %d", c)
	}
	// Long after, a whole budget again.
	for i := range 5 {
		if c := at(10 * time.Minute); c != 200 {
			t.Fatalf("call %d at 10m: %d", i+1, c)
		}
	}
	if c := at(10 * time.Minute); c != 429 {
		t.Fatalf("6th call at 10m: %d", c)
	}
	if got := s.Throttled(); got != 23 {
		t.Fatalf("Throttled() = %d, want 23", got)
	}
}

func TestQuotaRetryAfter(t *testing.T) {
	s, _, clock := quotaServer(t, standin.Quota{Calls: 2, Window: time.Minute, RetryAfter: true})
	clock.Set(testNow)
	direct(s, "192.0.2.1", withToken())
	clock.Set(testNow.Add(30 * time.Second))
	direct(s, "192.0.2.1", withToken())

	for _, c := range []struct {
		at   time.Duration
		want string
	}{
		{30 * time.Second, "30"},
		{40*time.Second + 200*time.Millisecond, "20"}, // 19.8 s, rounded up
		{58*time.Second + 999*time.Millisecond, "2"},  // 1.001 s
		{59 * time.Second, "1"},                       // exactly 1 s
		{59*time.Second + 999*time.Millisecond, "1"},  // 1 ms: never 0
		{0, "60"},                // the clock back at the first call
		{-5 * time.Second, "65"}, // and before it
	} {
		clock.Set(testNow.Add(c.at))
		rec := direct(s, "192.0.2.1", withToken())
		if rec.Code != 429 || rec.Header().Get("Retry-After") != c.want {
			t.Fatalf("at %s: %d, Retry-After %q, want 429 and %q", c.at, rec.Code, rec.Header().Get("Retry-After"), c.want)
		}
	}
	clock.Set(testNow.Add(60 * time.Second))
	if rec := direct(s, "192.0.2.1", withToken()); rec.Code != 200 || rec.Header().Get("Retry-After") != "" {
		t.Fatalf("after the oldest left: %d %v", rec.Code, rec.Header())
	}
}

// The message states the configured limit and window.
func TestQuotaMessageNamesLimitAndWindow(t *testing.T) {
	for _, c := range []struct {
		window time.Duration
		want   string
	}{
		{5 * time.Second, "policy user over ratelimit,limit:3,time:5 second"},
		{90 * time.Second, "policy user over ratelimit,limit:3,time:90 second"},
		{0, "policy user over ratelimit,limit:3,time:1 minute"}, // the default window
		{2 * time.Hour, "policy user over ratelimit,limit:3,time:2 hour"},
		{1500 * time.Millisecond, "policy user over ratelimit,limit:3,time:1500 millisecond"},
	} {
		s, _, _ := quotaServer(t, standin.Quota{Calls: 3, Window: c.window})
		var rec *httptest.ResponseRecorder
		for range 4 {
			rec = direct(s, "192.0.2.1", withToken())
		}
		var body map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if msg := "The throttling threshold has been reached: " + c.want; rec.Code != 429 || body["error_msg"] != msg {
			t.Fatalf("window %s: %d %q, want %q", c.window, rec.Code, body["error_msg"], msg)
		}
	}
}

// Each access key (and each token) has its own budget; the quota counts
// before authentication, so a bad signature spends its key's budget too.
func TestQuotaBudgetsPerUser(t *testing.T) {
	s, ts, _ := quotaServer(t, standin.Quota{Calls: 5})
	for i := range 5 {
		if b := do(t, signedRequest(t, ts.URL, baseQuery(), demoSigning())); b.Status != 200 {
			t.Fatalf("demo key call %d: %d %s", i+1, b.Status, b.Raw)
		}
		if rec := direct(s, "192.0.2.1", withAccessKey("OTHERACCESSKEY000002")); rec.Code != 401 {
			t.Fatalf("other key call %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	if b := do(t, signedRequest(t, ts.URL, baseQuery(), demoSigning())); b.Status != 429 {
		t.Fatalf("demo key 6th call: %d", b.Status)
	}
	if rec := direct(s, "192.0.2.1", withAccessKey("OTHERACCESSKEY000002")); rec.Code != 429 {
		t.Fatalf("other key 6th call: %d", rec.Code)
	}
	// A third user, the token, still has all of its budget.
	for i := range 5 {
		if rec := direct(s, "192.0.2.1", withToken()); rec.Code != 200 {
			t.Fatalf("token call %d: %d", i+1, rec.Code)
		}
	}
	// A request without credentials is counted as the anonymous user.
	for i := range 5 {
		if rec := direct(s, "192.0.2.1", func(http.Header) {}); rec.Code != 401 {
			t.Fatalf("anonymous call %d: %d", i+1, rec.Code)
		}
	}
	if rec := direct(s, "192.0.2.1", func(http.Header) {}); rec.Code != 429 {
		t.Fatalf("anonymous 6th call: %d", rec.Code)
	}
	if got := s.Throttled(); got != 3 {
		t.Fatalf("Throttled() = %d, want 3", got)
	}
}

func TestQuotaPerIP(t *testing.T) {
	// Without PerIP, users behind one address do not share a budget.
	s, _, _ := quotaServer(t, standin.Quota{Calls: 2})
	for _, ak := range []string{"AK1", "AK2", "AK3"} {
		for range 2 {
			if rec := direct(s, "192.0.2.1", withAccessKey(ak)); rec.Code != 401 {
				t.Fatalf("%s: %d", ak, rec.Code)
			}
		}
	}

	s, _, _ = quotaServer(t, standin.Quota{Calls: 3, PerIP: true})
	for i, c := range []struct {
		ip, ak string
		want   int
		policy string
	}{
		{"192.0.2.1", "AK1", 401, ""},
		{"192.0.2.1", "AK1", 401, ""},
		{"192.0.2.1", "AK2", 401, ""},
		{"192.0.2.1", "AK2", 429, "ip"}, // AK2 has room; the address has none
		{"192.0.2.1", "AK3", 429, "ip"},
		{"198.51.100.9", "AK1", 401, ""}, // AK1's third call, from elsewhere
		{"198.51.100.9", "AK1", 429, "user"},
		{"198.51.100.9", "AK2", 401, ""},
		{"[2001:db8::1]", "AK3", 401, ""},
	} {
		rec := direct(s, c.ip, withAccessKey(c.ak))
		var body map[string]string
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != c.want {
			t.Fatalf("call %d (%s from %s): %d %s, want %d", i, c.ak, c.ip, rec.Code, rec.Body, c.want)
		}
		if want := "The throttling threshold has been reached: policy " + c.policy + " over ratelimit,limit:3,time:1 minute"; c.want == 429 && body["error_msg"] != want {
			t.Fatalf("call %d: %q, want %q", i, body["error_msg"], want)
		}
	}
}

// Concurrent callers never get more than Calls admitted; SetQuota may run
// alongside (go test -race).
func TestQuotaConcurrent(t *testing.T) {
	const calls, callers = 5, 40
	s, ts, _ := quotaServer(t, standin.Quota{Calls: calls})
	var wg sync.WaitGroup
	codes := make(chan int, callers)
	start := make(chan struct{})
	for range callers {
		wg.Go(func() {
			<-start
			resp, err := http.DefaultClient.Do(tokenRequest(t, ts.URL, apiPath, baseQuery()))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		})
	}
	stop := make(chan struct{})
	toggled := make(chan struct{})
	go func() { // changes only RetryAfter, so the counts stay exact
		defer close(toggled)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
				s.SetQuota(standin.Quota{Calls: calls, RetryAfter: i%2 == 0})
				_ = s.Throttled()
			}
		}
	}()
	close(start)
	wg.Wait()
	close(stop)
	<-toggled
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[200] != calls || count[429] != callers-calls || s.Throttled() != callers-calls {
		t.Fatalf("answers %v, Throttled() %d; want %d admitted", count, s.Throttled(), calls)
	}
}

// A scripted fault answers first and spends no budget; only API requests
// are counted.
func TestQuotaAfterFaultsAndRouting(t *testing.T) {
	s, _, _ := quotaServer(t, standin.Quota{Calls: 2})
	s.Inject(standin.Fault{Status: 503}, standin.Fault{Status: 503})
	for range 2 {
		if rec := direct(s, "192.0.2.1", withToken()); rec.Code != 503 {
			t.Fatalf("fault: %d", rec.Code)
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/v5/"+standin.SeedProjectID+"/no/such/api", nil)
	req.Header.Set("X-Auth-Token", testToken)
	for range 3 {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 404 {
			t.Fatalf("unrouted: %d", rec.Code)
		}
	}
	for i := range 2 {
		if rec := direct(s, "192.0.2.1", withToken()); rec.Code != 200 {
			t.Fatalf("call %d after faults: %d", i+1, rec.Code)
		}
	}
	// A fault still answers once the budget is spent.
	s.Inject(standin.Fault{Status: 500})
	if rec := direct(s, "192.0.2.1", withToken()); rec.Code != 500 {
		t.Fatalf("fault with the budget spent: %d", rec.Code)
	}
	if rec := direct(s, "192.0.2.1", withToken()); rec.Code != 429 {
		t.Fatalf("after the fault: %d", rec.Code)
	}
	if got := s.Throttled(); got != 1 {
		t.Fatalf("Throttled() = %d, want 1", got)
	}
}

func TestQuotaSetQuotaAndReset(t *testing.T) {
	s, _, _ := quotaServer(t, standin.Quota{})
	for range 10 { // no quota: nothing is counted
		if rec := direct(s, "192.0.2.1", withToken()); rec.Code != 200 {
			t.Fatalf("without a quota: %d", rec.Code)
		}
	}
	s.SetQuota(standin.Quota{Calls: 3})
	for i := range 3 {
		if rec := direct(s, "192.0.2.1", withToken()); rec.Code != 200 {
			t.Fatalf("call %d: %d", i+1, rec.Code)
		}
	}
	// Lowering the quota counts the calls already admitted.
	s.SetQuota(standin.Quota{Calls: 1, RetryAfter: true})
	if rec := direct(s, "192.0.2.1", withToken()); rec.Code != 429 || rec.Header().Get("Retry-After") != "60" {
		t.Fatalf("after lowering: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	s.Reset()
	if s.Throttled() != 0 || len(s.Requests()) != 0 {
		t.Fatalf("after Reset: Throttled %d, %d requests", s.Throttled(), len(s.Requests()))
	}
	if rec := direct(s, "192.0.2.1", withToken()); rec.Code != 200 {
		t.Fatalf("after Reset: %d", rec.Code)
	}
	if rec := direct(s, "192.0.2.1", withToken()); rec.Code != 429 {
		t.Fatalf("Reset keeps the quota: %d", rec.Code)
	}
	s.SetQuota(standin.Quota{})
	if rec := direct(s, "192.0.2.1", withToken()); rec.Code != 200 {
		t.Fatalf("quota removed: %d", rec.Code)
	}
}
