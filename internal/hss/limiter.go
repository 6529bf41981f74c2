package hss

import (
	"context"
	"sync"
)

// limiter bounds the requests of one read in flight, and adapts the bound
// to the service's pressure: halved on each throttled answer (429), grown
// by one after a run of successes, within 1..max.
type limiter struct {
	mu       sync.Mutex
	limit    int
	max      int
	inflight int
	streak   int           // successes since the last change
	wake     chan struct{} // closed when a slot may have freed up
}

// growAfter is how many successes in a row earn one more slot.
const growAfter = 8

func newLimiter(n int) *limiter {
	n = max(n, 1)
	return &limiter{limit: n, max: n, wake: make(chan struct{})}
}

func (l *limiter) acquire(ctx context.Context) error {
	for {
		l.mu.Lock()
		if l.inflight < l.limit {
			l.inflight++
			l.mu.Unlock()
			return nil
		}
		wake := l.wake
		l.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (l *limiter) release() {
	l.mu.Lock()
	l.inflight--
	l.signal()
	l.mu.Unlock()
}

// throttled is called for every 429 answer. A nil limiter ignores it.
func (l *limiter) throttled() {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.limit = max(1, l.limit/2)
	l.streak = 0
	l.mu.Unlock()
}

// succeeded is called for every 2xx answer. A nil limiter ignores it.
func (l *limiter) succeeded() {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.streak++
	if l.streak >= growAfter && l.limit < l.max {
		l.limit++
		l.streak = 0
		l.signal()
	}
	l.mu.Unlock()
}

// signal wakes every waiter; l.mu is held.
func (l *limiter) signal() {
	close(l.wake)
	l.wake = make(chan struct{})
}
