package standin

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// routeAuditLogs and routeClusters name the audit-log and the cluster-list
// APIs in quota budgets: the gateway counts calls per API, so each has its
// own budgets.
const (
	routeAuditLogs = "audit-logs"
	routeClusters  = "kubernetes-clusters"
)

// Quota is the API gateway's call quota. HSS documents 5 calls a minute per
// user and 5 per IP address, per API (NOTES.md, "The quota"); beyond it the
// gateway answers 429 APIGW.0308.
//
// The window slides: a call is admitted when fewer than Calls admitted calls
// of the same caller to the same API arrived within the last Window.
// Throttled calls consume nothing. The quota applies before authentication,
// as the gateway's does, so the caller is read from the request without
// checking it: the access key of the Authorization header, or the
// X-Auth-Token. Each key and each token counts as a user of its own (the
// stand-in cannot tell which user a key belongs to); requests with neither
// share one budget.
type Quota struct {
	// Calls admitted per caller and API within Window; 0 means no quota.
	Calls int
	// Window is the sliding window; 0 means a minute.
	Window time.Duration
	// RetryAfter adds Retry-After to 429 answers. Whether the real gateway
	// sends it is not known, so clients are tested both ways.
	RetryAfter bool
	// PerIP adds a budget per remote IP address; both budgets must admit.
	PerIP bool
}

func (q Quota) window() time.Duration {
	if q.Window <= 0 {
		return time.Minute
	}
	return q.Window
}

// budgetKey is one budget: an API and a user ("ak:..", "token:..", or "")
// or a remote IP ("ip:..").
type budgetKey struct{ route, who string }

// quotaState holds the quota and the admitted calls, under its own lock so
// that throttling does not contend with the request log.
type quotaState struct {
	mu        sync.Mutex
	q         Quota
	admitted  map[budgetKey][]time.Time // admission times, oldest first
	throttled int
}

// quotaVerdict is the outcome of one admission check.
type quotaVerdict struct {
	ok     bool
	policy string        // "user" or "ip": the budget that refused
	wait   time.Duration // until the refusing budget admits again
	q      Quota
}

// admit checks and, when admitted, spends the caller's budgets. Both the
// user's and the IP's admissions are recorded even without PerIP, so that
// SetQuota switching PerIP on sees the calls already made.
func (st *quotaState) admit(route, user, ip string, now time.Time) quotaVerdict {
	st.mu.Lock()
	defer st.mu.Unlock()
	q := st.q
	if q.Calls <= 0 {
		return quotaVerdict{ok: true, q: q}
	}
	win := q.window()
	cutoff := now.Add(-win)
	budgets := []struct {
		key    budgetKey
		policy string
		check  bool
	}{
		{budgetKey{route, user}, "user", true},
		{budgetKey{route, "ip:" + ip}, "ip", q.PerIP},
	}
	v := quotaVerdict{ok: true, q: q}
	for _, b := range budgets {
		ts := slices.DeleteFunc(st.admitted[b.key], func(t time.Time) bool { return !t.After(cutoff) })
		if len(ts) == 0 {
			delete(st.admitted, b.key) // forget idle callers
		} else {
			st.admitted[b.key] = ts
		}
		if !b.check || len(ts) < q.Calls {
			continue
		}
		// Room comes when the call that would be Calls-th newest leaves;
		// that is the oldest unless SetQuota lowered Calls.
		wait := ts[len(ts)-q.Calls].Add(win).Sub(now)
		if v.ok {
			v.policy = b.policy
		}
		v.ok = false
		v.wait = max(v.wait, wait)
	}
	if !v.ok {
		st.throttled++
		return v
	}
	if st.admitted == nil {
		st.admitted = map[budgetKey][]time.Time{}
	}
	for _, b := range budgets {
		ts := st.admitted[b.key]
		// Sorted insertion keeps the order even if a test's clock goes back.
		i, _ := slices.BinarySearchFunc(ts, now, func(a, t time.Time) int { return a.Compare(t) })
		st.admitted[b.key] = slices.Insert(ts, i, now)
	}
	return v
}

// SetQuota changes the quota from the next request on. Calls already
// admitted keep counting against the new quota.
func (s *Server) SetQuota(q Quota) {
	s.quota.mu.Lock()
	defer s.quota.mu.Unlock()
	s.quota.q = q
}

// Throttled returns how many requests the quota answered with 429 since New
// or Reset (scripted 429 faults are not counted).
func (s *Server) Throttled() int {
	s.quota.mu.Lock()
	defer s.quota.mu.Unlock()
	return s.quota.throttled
}

// resetQuota forgets admitted calls and the throttled count; the quota
// itself stays.
func (s *Server) resetQuota() {
	s.quota.mu.Lock()
	defer s.quota.mu.Unlock()
	s.quota.admitted = nil
	s.quota.throttled = 0
}

// throttle answers 429 when the quota refuses the request; it reports
// whether it did.
func (s *Server) throttle(w http.ResponseWriter, r *http.Request, route string) bool {
	v := s.quota.admit(route, quotaUser(r), remoteIP(r), s.opts.Now())
	if v.ok {
		return false
	}
	if v.q.RetryAfter {
		secs := max(1, int((v.wait+time.Second-1)/time.Second))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	writeJSON(w, http.StatusTooManyRequests, throttleBody{
		Code: "APIGW.0308",
		Msg: fmt.Sprintf("The throttling threshold has been reached: policy %s over ratelimit,limit:%d,time:%s",
			v.policy, v.q.Calls, windowText(v.q.window())),
		RequestID: w.Header().Get("X-Request-Id"),
	})
	return true
}

// throttleBody is the gateway's 429 body, request_id included.
type throttleBody struct {
	Code      string `json:"error_code"`
	Msg       string `json:"error_msg"`
	RequestID string `json:"request_id"`
}

// quotaUser is the caller as the gateway counts it, read without checking
// the credentials: X-Auth-Token first, as authenticate does.
func quotaUser(r *http.Request) string {
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		return "token:" + tok
	}
	a := r.Header.Get("Authorization")
	if _, ak, ok := strings.Cut(a, "Access="); ok {
		if i := strings.IndexAny(ak, ", "); i >= 0 {
			ak = ak[:i]
		}
		return "ak:" + ak
	}
	return ""
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// windowText writes a window the way the gateway's message does
// ("1 minute", "5 second").
func windowText(d time.Duration) string {
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "day"}, {time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}} {
		if d%u.d == 0 {
			return fmt.Sprintf("%d %s", d/u.d, u.name)
		}
	}
	return fmt.Sprintf("%d millisecond", d.Milliseconds())
}
