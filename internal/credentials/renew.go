package credentials

import (
	"context"
	"sync"
	"time"
)

const (
	// renewWindowMax is the most time before expiry at which temporary
	// credentials are renewed; credentials with a short life are renewed
	// when a tenth of their life remains.
	renewWindowMax = 5 * time.Minute
	// retryAfterFailure is how long a failed renewal is not tried again
	// while the current credentials still work.
	retryAfterFailure = 30 * time.Second
	// fetchTimeout bounds one fetch, which runs apart from the callers'
	// contexts so that one caller giving up does not fail the others.
	fetchTimeout = time.Minute
)

// renewalTime is when credentials fetched at now and expiring at expires
// are due for renewal: when less than min(5 minutes, 10% of their life)
// remains. Zero expires means never.
func renewalTime(now, expires time.Time) time.Time {
	if expires.IsZero() {
		return time.Time{}
	}
	window := min(renewWindowMax, expires.Sub(now)/10)
	return expires.Add(-window)
}

// renewing caches the credentials fetch returns and fetches new ones when
// they are due for renewal. Concurrent callers share one fetch.
type renewing struct {
	fetch func(ctx context.Context) (Value, error)
	now   func() time.Time

	mu       sync.Mutex
	cur      Value
	have     bool
	renewAt  time.Time // zero: never
	failedAt time.Time // last failed renewal while cur still worked
	inflight *flight
	fetches  int // fetches started, for tests
}

// flight is one fetch in progress, waited on by every caller that needs it.
type flight struct {
	done chan struct{}
	v    Value
	err  error
}

func newRenewing(fetch func(ctx context.Context) (Value, error)) *renewing {
	return &renewing{fetch: fetch, now: time.Now}
}

// Retrieve returns the cached credentials while they are fresh, and
// otherwise waits for a fetch (starting one unless one is in flight). When
// a renewal fails but the cached credentials have not expired yet, they
// are returned, and the renewal is tried again 30 seconds later.
func (r *renewing) Retrieve(ctx context.Context) (Value, error) {
	r.mu.Lock()
	now := r.now()
	if r.have && (r.renewAt.IsZero() || now.Before(r.renewAt)) {
		v := r.cur
		r.mu.Unlock()
		return v, nil
	}
	if r.usableLocked(now) && !r.failedAt.IsZero() && now.Sub(r.failedAt) < retryAfterFailure {
		v := r.cur
		r.mu.Unlock()
		return v, nil
	}
	f := r.inflight
	if f == nil {
		f = &flight{done: make(chan struct{})}
		r.inflight = f
		r.fetches++
		go r.run(context.WithoutCancel(ctx), f)
	}
	r.mu.Unlock()

	select {
	case <-f.done:
	case <-ctx.Done():
		return Value{}, ctx.Err()
	}
	if f.err == nil {
		return f.v, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.usableLocked(r.now()) {
		return r.cur, nil
	}
	return Value{}, f.err
}

// usableLocked reports whether the cached credentials still work at now.
func (r *renewing) usableLocked(now time.Time) bool {
	return r.have && (r.cur.Expires.IsZero() || now.Before(r.cur.Expires))
}

func (r *renewing) run(ctx context.Context, f *flight) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	v, err := r.fetch(ctx)
	now := r.now()
	if err == nil && !v.Expires.IsZero() && !now.Before(v.Expires) {
		err = expiredError(v.Source, v.Expires, now)
	}

	r.mu.Lock()
	if err == nil {
		r.cur, r.have = v, true
		r.renewAt = renewalTime(now, v.Expires)
		r.failedAt = time.Time{}
	} else if r.have {
		r.failedAt = now
	}
	f.v, f.err = v, err
	r.inflight = nil
	r.mu.Unlock()
	close(f.done)
}
