package hss

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"
)

// HSS documents a quota of 5 calls a minute per user and per IP address,
// for each API. Beyond it the gateway answers 429 (APIGW.0308), with or
// without Retry-After. The quota is the scarce resource of every read, so
// all reads of a provider configuration share one view of it per API:
// after a throttled answer they slow down together instead of each
// answering the 429 with a burst of its own.
const (
	// QuotaWindow is the documented quota's window: back-off without
	// Retry-After grows up to it, and the rate estimate looks back over it.
	QuotaWindow = time.Minute
	// quotaProbeMin is the first back-off ceiling after a 429 with no
	// Retry-After; it doubles with every 429 in a row, up to QuotaWindow.
	quotaProbeMin = time.Second
	// speedUp is how much shorter the pacing interval gets after each
	// speedUpAfter accepted calls in a row: careful, so a rate found once
	// is not lost at once (5 is the documented quota's calls a window).
	speedUp      = 0.95
	speedUpAfter = 5
	// slowDown lengthens the interval when the service throttles again
	// and no call of its window was accepted to estimate from.
	slowDown = 1.5
	// unpaceBelow ends pacing once the interval has shrunk this far: the
	// service accepts calls faster than a read makes them.
	unpaceBelow = 20 * time.Millisecond
)

// Quotas holds one view of the quota per caller and API. Give one Quotas
// to every client of a provider configuration (Config.Quotas): Terraform
// runs a provider process per configuration, and nothing here is global
// to the process, so in-process tests behave as real plans do.
type Quotas struct {
	mu    sync.Mutex
	views map[string]*Quota
	// The clock and the jitter, replaced in tests so waits are tested
	// without waiting.
	now   func() time.Time
	until func(time.Time) <-chan time.Time // fires at the given time of now's clock
	rand  func() float64
}

// NewQuotas returns an empty set of views.
func NewQuotas() *Quotas { return &Quotas{} }

// View returns the view of key (the caller's identity and the API), made
// on first use.
func (qs *Quotas) View(key string) *Quota {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	if qs.views == nil {
		qs.views = map[string]*Quota{}
	}
	v, ok := qs.views[key]
	if !ok {
		v = &Quota{now: qs.now, until: qs.until, rand: qs.rand, wake: make(chan struct{})}
		qs.views[key] = v
		if v.now == nil {
			v.now = time.Now
		}
		if v.until == nil {
			v.until = func(t time.Time) <-chan time.Time { return time.After(time.Until(t)) }
		}
		if v.rand == nil {
			v.rand = rand.Float64
		}
	}
	return v
}

// Quota is what one caller has learnt of one API's quota. Until the first
// 429 it does nothing: the rate is treated as unlimited, so no read is
// slowed or failed on a guess. After it, one call at a time, each starting
// no sooner than the pacing interval after the one before; the interval
// comes from the calls the service accepted before it throttled and the
// time it took to accept one again, and shrinks with every accepted call.
type Quota struct {
	mu    sync.Mutex
	now   func() time.Time
	until func(time.Time) <-chan time.Time
	rand  func() float64

	paced    bool
	interval time.Duration // between call starts while paced; 0 until estimated
	next     time.Time     // no call starts before
	inflight int
	wake     chan struct{} // closed when a waiter may go on

	inARow       int         // 429s in a row, the back-off's exponent
	streak       int         // calls accepted in a row at the current pace
	lastThrottle time.Time   // when the last 429 arrived
	episodeStart time.Time   // the first 429 since the last accepted call
	accepted     []time.Time // when accepted calls started, over the last QuotaWindow and a bit

	calls, throttled int
	waited           time.Duration

	// The gateway's policy, when its 429 named it: policyN calls a policyW.
	policyN int
	policyW time.Duration

	// pending is what each read in progress still needs, once known: reads
	// sharing the view take turns, so a forecast counts the others' calls.
	pending map[*pager]int
}

// QuotaStats is a snapshot of a view, for logs and diagnostics.
type QuotaStats struct {
	Paced     bool
	Interval  time.Duration // 0 while unpaced or not yet estimated
	Calls     int           // calls answered (accepted or throttled)
	Throttled int           // 429 answers
	Waited    time.Duration // time calls waited for the quota in all
}

// Stats returns the view's counters.
func (q *Quota) Stats() QuotaStats {
	q.mu.Lock()
	defer q.mu.Unlock()
	return QuotaStats{Paced: q.paced, Interval: q.interval, Calls: q.calls, Throttled: q.throttled, Waited: q.waited}
}

// Rate is the accepted calls a minute the view paces at; 0 when unpaced
// or not yet known.
func (s QuotaStats) Rate() float64 {
	if !s.Paced || s.Interval <= 0 {
		return 0
	}
	return float64(time.Minute) / float64(s.Interval)
}

// ErrQuotaWait is wrapped by a read that ended (its deadline, or Ctrl-C)
// while it waited for the API quota or for max_requests_per_second.
var ErrQuotaWait = errors.New("the read was waiting for the API quota")

// ThrottleError is a read the quota could not let finish in time: either
// the next call could only start after the read's deadline, or the calls
// still needed cannot fit in what remains of it at the rate observed.
type ThrottleError struct {
	Forecast    bool          // failed early, on the forecast
	Wait        time.Duration // the wait that would have passed the deadline (not a forecast)
	Remaining   time.Duration // time left before the deadline
	Records     int64         // total_num, when known (-1 when not)
	CallsMade   int           // calls of this read, throttled ones included
	CallsLeft   int           // calls the read still needs, when known (-1 when not)
	RatePerMin  float64       // accepted calls a minute observed; 0 when unknown
	RateSource  string        // RateSourceQuota or RateSourceLimit
	Needed      time.Duration // the forecast's time for the calls left
	OthersCalls int           // calls of other reads counted in the forecast
	Throttled   int           // 429 answers this read met
	Last        *APIError     // the last 429, when there was one
}

func (e *ThrottleError) Error() string {
	rate := "not yet known"
	if e.RatePerMin > 0 {
		rate = fmt.Sprintf("%.3g calls a minute", e.RatePerMin)
		if e.RateSource == RateSourceLimit {
			rate += " (max_requests_per_second)"
		}
	}
	var s string
	switch {
	case e.Forecast:
		others := ""
		if e.OthersCalls > 0 {
			others = fmt.Sprintf(" (taking turns with %d calls of other reads of this provider configuration)", e.OthersCalls)
		}
		s = fmt.Sprintf("the read cannot finish in time: its %d more calls%s at %s need about %s, but %s remain before its deadline",
			e.CallsLeft, others, rate, roundDuration(e.Needed), roundDuration(e.Remaining))
	case e.Throttled > 0:
		s = fmt.Sprintf("the service throttled the read, and its next call could only start in %s, after the read's deadline (%s left)",
			roundDuration(e.Wait), roundDuration(e.Remaining))
	default:
		s = fmt.Sprintf("the service throttled other reads of this provider configuration, and this read's next call could only start in %s, "+
			"after its deadline (%s left)", roundDuration(e.Wait), roundDuration(e.Remaining))
	}
	if e.Records >= 0 {
		s += fmt.Sprintf("; %d records in the window", e.Records)
	}
	s += fmt.Sprintf("; %d calls made, %d of them throttled", e.CallsMade, e.Throttled)
	if !e.Forecast {
		if e.CallsLeft >= 0 {
			s += fmt.Sprintf(", %d still needed", e.CallsLeft)
		}
		s += "; rate accepted: " + rate
	}
	if e.Last != nil {
		s += "; last answer: " + e.Last.Error()
	}
	return s
}

func roundDuration(d time.Duration) time.Duration {
	if d > 10*time.Second {
		return d.Round(time.Second)
	}
	return d.Round(100 * time.Millisecond)
}

// acquire waits until a call may start: one at a time while paced, and
// no sooner than the pacing allows. It fails at once with a
// *ThrottleError when the start would fall after ctx's deadline.
func (q *Quota) acquire(ctx context.Context) error {
	if q == nil {
		return nil
	}
	for {
		q.mu.Lock()
		now := q.now()
		if !q.paced && q.next.IsZero() {
			q.inflight++
			q.mu.Unlock()
			return nil
		}
		wait := q.next.Sub(now)
		busy := q.paced && q.inflight > 0
		if !busy && wait <= 0 {
			q.inflight++
			if q.paced && q.interval > 0 {
				q.next = now.Add(q.interval)
			}
			q.mu.Unlock()
			return nil
		}
		if dl, ok := ctx.Deadline(); ok && wait > 0 && now.Add(wait).After(dl) {
			q.mu.Unlock()
			return &ThrottleError{Wait: wait, Remaining: dl.Sub(now), Records: -1, CallsLeft: -1}
		}
		wake := q.wake
		q.mu.Unlock()
		if busy {
			select {
			case <-wake:
			case <-ctx.Done():
				return ctx.Err()
			}
			continue
		}
		select {
		case <-q.until(now.Add(wait)):
			q.mu.Lock()
			q.waited += wait
			q.mu.Unlock()
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// clock is the view's now, which starts and answers of calls are told in.
func (q *Quota) clock() time.Time {
	if q == nil {
		return time.Now()
	}
	return q.now()
}

// done reports the answer of a call that acquire let start at start:
// status 0 for no answer. On a 429 it returns how long calls now wait.
//
// msg is the answer's error_msg: the gateway's throttling message names
// its policy ("limit:5,time:1 minute"), which then sets the pace exactly.
func (q *Quota) done(start time.Time, status int, retryAfter time.Duration, msg string) time.Duration {
	if q == nil {
		return 0
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.inflight--
	defer q.signal()
	if status == 0 {
		return 0
	}
	q.calls++
	now := q.now()
	if status >= 500 {
		return 0 // the gateway let it through, but says nothing of the quota's end
	}
	if status != 429 {
		q.accept(start, now)
		return 0
	}
	q.throttled++
	// Calls sent before the last 429 was heard of are one burst's
	// answers, not a sign that the service throttles harder.
	if start.After(q.lastThrottle) || q.inARow == 0 {
		q.inARow++
	}
	q.lastThrottle = now
	if q.episodeStart.IsZero() {
		q.episodeStart = now
	}
	q.paced = true
	if n, w, ok := parsePolicy(msg); ok {
		q.policyN, q.policyW = n, w
		q.interval = policyInterval(n, w)
	}
	var wait time.Duration
	if free, ok := q.policyFrees(now); retryAfter <= 0 && ok {
		// The policy is known and our own calls fill it: the window frees
		// when the oldest of them leaves it.
		wait = free + time.Duration(q.rand()*float64(min(q.interval/10, time.Second)))
	} else if retryAfter > 0 {
		// Honoured, plus a little jitter so that plans told the same time
		// do not come back in step.
		wait = retryAfter + time.Duration(q.rand()*float64(min(retryAfter/5+100*time.Millisecond, 2*time.Second)))
	} else {
		// Exponential with full jitter, the ceiling doubling up to the
		// quota's window: probes find the quota's return soon, and many
		// plans do not probe together.
		window := QuotaWindow
		if q.policyW > 0 {
			window = q.policyW
		}
		ceiling := float64(quotaProbeMin) * math.Pow(2, float64(min(q.inARow, 16)-1))
		wait = time.Duration(q.rand() * min(ceiling, float64(window)))
	}
	if at := now.Add(wait); at.After(q.next) {
		q.next = at
	}
	return q.next.Sub(now)
}

// accept records an accepted call. The first after a run of 429s sets
// the pace: the calls the service accepted in the window before it
// throttled, spread over the time from the first of them until now.
func (q *Quota) accept(start, now time.Time) {
	q.accepted = append(q.accepted, start)
	if cut := now.Add(-2 * QuotaWindow); len(q.accepted) > 0 && q.accepted[0].Before(cut) {
		i := 0
		for i < len(q.accepted) && q.accepted[i].Before(cut) {
			i++
		}
		q.accepted = append(q.accepted[:0], q.accepted[i:]...)
	}
	if !q.episodeStart.IsZero() && start.Before(q.episodeStart) {
		return // sent before the throttling began: says nothing of its end
	}
	q.inARow = 0
	if !q.paced {
		return
	}
	if !q.episodeStart.IsZero() {
		from := q.episodeStart.Add(-QuotaWindow)
		n, first := 0, time.Time{}
		for _, t := range q.accepted {
			if !t.Before(from) && !t.After(q.episodeStart) {
				if n == 0 || t.Before(first) {
					first = t
				}
				n++
			}
		}
		switch {
		case q.policyN > 0:
			q.interval = policyInterval(q.policyN, q.policyW) // the gateway said it
		case n > 0:
			span := min(max(now.Sub(first), quotaProbeMin), 2*QuotaWindow)
			q.interval = span / time.Duration(n)
		case q.interval == 0:
			q.interval = quotaProbeMin // nothing accepted to learn from: start careful
		default:
			q.interval = time.Duration(float64(q.interval) * slowDown)
		}
		q.episodeStart, q.streak = time.Time{}, 0
		q.next = now.Add(q.interval)
		return
	}
	q.streak++
	if q.streak < speedUpAfter {
		return
	}
	q.streak = 0
	if q.policyN > 0 {
		return // the pace is the policy's: nothing to find out
	}
	q.interval = time.Duration(float64(q.interval) * speedUp)
	if q.interval < unpaceBelow {
		q.paced, q.interval, q.next = false, 0, time.Time{}
	}
}

// setPending records what read p still needs (0 when it is done).
func (q *Quota) setPending(p *pager, n int) {
	if q == nil {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if n <= 0 {
		delete(q.pending, p)
		return
	}
	if q.pending == nil {
		q.pending = map[*pager]int{}
	}
	q.pending[p] = n
}

// turns is how many calls go before read p's last one: its own n, and,
// as reads take turns, up to n of each other read in progress.
func (q *Quota) turns(p *pager, n int) int {
	if q == nil {
		return n
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	total := n
	for other, m := range q.pending {
		if other != p {
			total += min(m, n)
		}
	}
	return total
}

// forecast is how long n more calls take at the current pace; ok is false
// while the pace is not known (unthrottled, or not yet estimated).
func (q *Quota) forecast(n int) (d time.Duration, rate float64, ok bool) {
	if q == nil {
		return 0, 0, false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.paced || q.interval <= 0 || (!q.episodeStart.IsZero() && q.policyN == 0) {
		return 0, 0, false
	}
	start := max(q.next.Sub(q.now()), 0)
	return start + time.Duration(n-1)*q.interval, float64(time.Minute) / float64(q.interval), true
}

// forecast is how long the n calls read p still needs take, counting the
// turns of the other reads sharing the pace, at the pace of the quota view
// and of max_requests_per_second, whichever is slower; source names which;
// ok is false while neither paces the calls.
func (c *Client) forecast(p *pager, n int) (d time.Duration, rate float64, source string, others int, ok bool) {
	total := c.quota.turns(p, n)
	others = total - n
	d, rate, ok = c.quota.forecast(total)
	source = RateSourceQuota
	if rl := c.cfg.RateLimit; rl != nil && float64(rl.Limit()) > 0 {
		if dr := time.Duration(float64(total-1) / float64(rl.Limit()) * float64(time.Second)); !ok || dr > d {
			d, rate, source, ok = dr, float64(rl.Limit())*60, RateSourceLimit, true
		}
	}
	return d, rate, source, others, ok
}

// Where a forecast's rate comes from.
const (
	RateSourceQuota = "the service's quota"
	RateSourceLimit = "max_requests_per_second"
)

// signal wakes every waiter; q.mu is held.
func (q *Quota) signal() {
	close(q.wake)
	q.wake = make(chan struct{})
}

// policyPattern reads the policy in the gateway's throttling message:
// "The throttling threshold has been reached: policy user over
// ratelimit,limit:5,time:1 minute".
var policyPattern = regexp.MustCompile(`limit:\s*(\d+)\s*,\s*time:\s*(\d+)\s*(second|minute|hour|day)s?`)

// parsePolicy reads a plausible policy from msg.
func parsePolicy(msg string) (n int, w time.Duration, ok bool) {
	m := policyPattern.FindStringSubmatch(msg)
	if m == nil {
		return 0, 0, false
	}
	n, err1 := strconv.Atoi(m[1])
	count, err2 := strconv.Atoi(m[2])
	unit := map[string]time.Duration{"second": time.Second, "minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}[m[3]]
	w = time.Duration(count) * unit
	if err1 != nil || err2 != nil || n < 1 || n > 100000 || w <= 0 || w > 24*time.Hour {
		return 0, 0, false
	}
	return n, w, true
}

// policyInterval spaces calls so that no window holds more than n, with a
// little margin for the clocks of the gateway and of this machine.
func policyInterval(n int, w time.Duration) time.Duration {
	return w/time.Duration(n) + w/time.Duration(n)/50
}

// policyFrees is how long until the window of the known policy frees a
// call, when the view's own accepted calls fill it; ok is false otherwise
// (other callers spend the quota too, and only probing finds its return).
func (q *Quota) policyFrees(now time.Time) (time.Duration, bool) {
	if q.policyN == 0 {
		return 0, false
	}
	from := now.Add(-q.policyW)
	var in []time.Time
	for _, t := range q.accepted {
		if t.After(from) {
			in = append(in, t)
		}
	}
	if len(in) < q.policyN {
		return 0, false
	}
	slices.SortFunc(in, func(a, b time.Time) int { return a.Compare(b) })
	oldest := in[len(in)-q.policyN]
	return max(oldest.Add(q.policyW).Sub(now), 0), true
}
