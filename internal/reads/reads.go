// Package reads shares audit-log reads among the data sources of one
// provider configuration: data sources whose API query is the same (the
// endpoint, the project and every parameter sent) get the records of one
// read, whatever they do with them afterwards. Under the service's quota
// of 5 calls a minute per user, three data sources reading the same
// 5-page window would otherwise spend 15 calls on one answer.
//
// A Registry belongs to one provider instance (Terraform starts a
// provider process per configuration, and configures it once), so records
// read with one configuration's credentials never serve another's.
//
// Concurrent callers follow one read page by page: the read hands a page
// on once every caller has taken it, so it runs no further ahead than its
// slowest caller, as an unshared read runs no further than its visitor.
// A caller that stops (max_results) or whose deadline passes leaves; the
// read goes on for the others, and is cancelled when no caller is left.
// A read that completes is kept (up to a bound, least recently used
// dropped first), and later callers replay it without a call.
//
// The package knows nothing of Terraform; it logs through hss.Logger.
package reads

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
)

// Lister reads an audit-log window page by page (an *hss.Client, or the
// cache in front of one).
type Lister interface {
	WalkClusterAuditLogs(ctx context.Context, q hss.Query, visit hss.Visitor) (*hss.Result, error)
}

// Bounds of the reads a Registry keeps after they complete. Records are
// counted by their text (content and fields): a kept read's records are
// the very strings the data sources' state was built from, so the bound
// is close to the memory they hold.
const (
	DefaultMaxBytes   = 256 << 20
	DefaultMaxEntries = 64
)

// Options configure a Registry.
type Options struct {
	// MaxBytes and MaxEntries bound the completed reads kept; zero means
	// DefaultMaxBytes and DefaultMaxEntries. A read larger than MaxBytes is
	// shared while it runs, and not kept.
	MaxBytes   int64
	MaxEntries int
	Logger     hss.Logger
}

// Registry holds the reads of one provider instance. It is safe for
// concurrent use.
type Registry struct {
	opts Options

	mu      sync.Mutex
	entries map[string]*entry // running and kept reads, by key
	lru     *list.List        // kept reads, most recently used first
	bytes   int64             // text of the kept reads
}

// New returns an empty Registry.
func New(opts Options) *Registry {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = DefaultMaxEntries
	}
	if opts.Logger == nil {
		opts.Logger = nopLogger{}
	}
	return &Registry{opts: opts, entries: map[string]*entry{}, lru: list.New()}
}

// Lister returns a Lister whose reads through src are shared. scope names
// what src reads from (its endpoint and project): reads of different
// scopes are never shared.
func (r *Registry) Lister(scope string, src Lister) Lister {
	return &shared{r: r, scope: scope, src: src}
}

type shared struct {
	r     *Registry
	scope string
	src   Lister
}

func (s *shared) WalkClusterAuditLogs(ctx context.Context, q hss.Query, visit hss.Visitor) (*hss.Result, error) {
	if err := q.Validate(); err != nil {
		return nil, err // refused before anything is shared or sent
	}
	return s.r.walk(ctx, s.scope+"\n"+Key(q), q, s.src, visit)
}

// Key is the part of a read's identity that the query gives: every
// parameter sent, so reads that could differ in any record never share.
func Key(q hss.Query) string {
	var b strings.Builder
	for _, f := range []string{
		q.ClusterID, strconv.FormatInt(q.StartTime, 10), strconv.FormatInt(q.EndTime, 10),
		q.EnterpriseProjectID, q.ClusterName, q.HostName, q.HostID, q.HostIP, q.Verb,
		q.LineNum, strconv.FormatInt(q.Limit, 10), strconv.FormatInt(q.Offset, 10),
	} {
		b.WriteString(strconv.Itoa(len(f))) // length-prefixed: no two queries write alike
		b.WriteByte(':')
		b.WriteString(f)
	}
	return b.String()
}

func (r *Registry) walk(ctx context.Context, key string, q hss.Query, src Lister, visit hss.Visitor) (*hss.Result, error) {
	f := &follower{}
	r.mu.Lock()
	e, ok := r.entries[key]
	switch {
	case ok && e.kept != nil:
		r.lru.MoveToFront(e.kept)
		r.mu.Unlock()
		r.opts.Logger.Debug(ctx, "audit-log read served from this plan's earlier read, no call made",
			map[string]any{"cluster_id": q.ClusterID, "records": e.res.Read})
		return e.replay(visit), nil
	case ok && e.join(ctx, f):
		r.mu.Unlock()
		r.opts.Logger.Debug(ctx, "audit-log read shared with another data source of the same query",
			map[string]any{"cluster_id": q.ClusterID})
	default:
		// None, or one ending without this caller (stopped or cancelled):
		// a read of its own, which replaces it.
		e = r.start(ctx, key, q, src, f)
		r.mu.Unlock()
		r.opts.Logger.Debug(ctx, "audit-log read started; data sources of the same query will share it",
			map[string]any{"cluster_id": q.ClusterID})
	}
	return e.follow(ctx, f, visit)
}

// start begins the read of key with f, its first caller, already
// following it: the read must not see itself without callers (and stop),
// nor without their deadline. Called with r.mu held.
func (r *Registry) start(ctx context.Context, key string, q hss.Query, src Lister, f *follower) *entry {
	e := &entry{key: key, changed: make(chan struct{}), followers: map[*follower]struct{}{}, total: -1, maxBytes: r.opts.MaxBytes}
	e.ctx = &sharedCtx{Context: context.WithoutCancel(ctx), e: e, done: make(chan struct{})}
	if !e.join(ctx, f) {
		panic("reads: a new read refused its first caller")
	}
	r.entries[key] = e
	go func() {
		rctx := hss.WithTotal(e.ctx, e.setTotal)
		res, err := src.WalkClusterAuditLogs(rctx, q, e.offer)
		// Over: pages a failed or stopped read still had in flight are
		// cancelled, as an unshared read's are when its caller returns.
		e.ctx.cancelWith(context.Canceled)
		r.finish(e, res, err)
	}()
	return e
}

// finish ends e's read: kept when it completed, forgotten when it failed
// or stopped, before its callers hear of the end, so that a caller asking
// again at once finds it kept.
func (r *Registry) finish(e *entry, res *hss.Result, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.mu.Lock()
	e.done, e.res, e.err = true, res, err
	e.broadcastLocked()
	e.mu.Unlock()
	if r.entries[e.key] != e {
		return
	}
	if e.err != nil || e.res.Stopped || e.bytes > r.opts.MaxBytes {
		delete(r.entries, e.key) // the next caller reads afresh
		return
	}
	e.kept = r.lru.PushFront(e)
	r.bytes += e.bytes
	for r.bytes > r.opts.MaxBytes || r.lru.Len() > r.opts.MaxEntries {
		old, _ := r.lru.Remove(r.lru.Back()).(*entry) // the list holds entries only
		delete(r.entries, old.key)
		r.bytes -= old.bytes
		r.opts.Logger.Debug(e.ctx, "earlier audit-log read dropped from memory; the same query is read again if asked",
			map[string]any{"records": old.res.Read, "kept_reads": r.lru.Len()})
	}
}

// entry is one read and the callers following it.
type entry struct {
	key string
	ctx *sharedCtx

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced at every change below
	pages     [][]hss.Record
	bytes     int64
	total     int64 // the window's total_num once known; -1 before
	followers map[*follower]struct{}
	closing   bool // offer has told the read to stop: no one joins any more
	maxBytes  int64
	trimmed   int  // pages dropped from the front: over maxBytes, those every follower took
	overflow  bool // over maxBytes: not kept, no one joins any more
	done      bool
	res       *hss.Result
	err       error
	kept      *list.Element // in the Registry's lru once completed and kept
}

// follower is one caller of an entry.
type follower struct {
	pos      int // pages handed to it
	deadline time.Time
	stopped  bool // its visitor wants no more pages
	left     bool
}

func (e *entry) broadcastLocked() {
	close(e.changed)
	e.changed = make(chan struct{})
}

// join adds f to a read that is still going on, and reports whether it
// could: a read that is stopping, cancelled or done without being kept
// would hand f a result that is not its own.
func (e *entry) join(ctx context.Context, f *follower) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing || e.done || e.overflow || e.ctx.Err() != nil {
		return false
	}
	if d, ok := ctx.Deadline(); ok {
		f.deadline = d
	}
	e.followers[f] = struct{}{}
	return true
}

// leave removes f; the read is cancelled once no one is left.
func (e *entry) leave(f *follower) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if f.left {
		return
	}
	f.left = true
	delete(e.followers, f)
	if len(e.followers) == 0 && !e.done {
		e.ctx.cancelWith(context.Canceled)
	}
	e.broadcastLocked()
}

func (e *entry) setTotal(n int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.total < 0 {
		e.total = n
		e.broadcastLocked()
	}
}

// offer is the read's visitor: it adds the page and waits until every
// follower has taken it, so the read pages no faster than its callers
// consume, and stops when none is left.
func (e *entry) offer(page []hss.Record) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pages = append(e.pages, page)
	for _, rec := range page {
		e.bytes += recordBytes(rec)
	}
	e.broadcastLocked()
	n := len(e.pages)
	for {
		wanting, behind := false, false
		for f := range e.followers {
			if !f.stopped {
				wanting = true
				behind = behind || f.pos < n
			}
		}
		if !wanting {
			e.closing = true
			return false
		}
		if !behind {
			e.trimLocked()
			return true
		}
		ch := e.changed
		e.mu.Unlock()
		select {
		case <-ch:
		case <-e.ctx.done:
		}
		e.mu.Lock()
		if e.ctx.Err() != nil {
			e.closing = true
			return false
		}
	}
}

// trimLocked bounds a read's memory: past maxBytes it will not be kept,
// no caller joins it any more, and the pages every follower has taken are
// dropped, so a long read held by its callers does not grow with its
// window (a counting read keeps no records at all).
func (e *entry) trimLocked() {
	if e.bytes <= e.maxBytes {
		return
	}
	e.overflow = true
	low := len(e.pages)
	for f := range e.followers {
		if !f.stopped {
			low = min(low, f.pos)
		}
	}
	for ; e.trimmed < low; e.trimmed++ {
		e.pages[e.trimmed] = nil
	}
}

// follow hands f the read's pages as they come, and the read's result.
func (e *entry) follow(ctx context.Context, f *follower, visit hss.Visitor) (*hss.Result, error) {
	defer e.leave(f)
	var read int64
	for {
		e.mu.Lock()
		if f.stopped && (e.total >= 0 || e.done) {
			// The window's count is known: from the first page, which gives
			// it before any record is handed over, or from the read's end
			// (a lone caller's stop ends the read, as an unshared one).
			total, err := e.total, e.err
			if e.done && err == nil {
				total = e.res.TotalNum
			}
			e.mu.Unlock()
			if total < 0 {
				return nil, err
			}
			return &hss.Result{TotalNum: total, Read: read, Mode: hss.ModeOffset, Stopped: true}, nil
		}
		if !f.stopped && f.pos < len(e.pages) {
			page := e.pages[f.pos]
			e.mu.Unlock()
			more := visit(page)
			read += int64(len(page))
			e.mu.Lock()
			f.pos++
			f.stopped = !more
			e.broadcastLocked()
			e.mu.Unlock()
			continue
		}
		if e.done {
			res, err := e.res, e.err
			e.mu.Unlock()
			if err != nil {
				return nil, err
			}
			out := *res
			out.Warnings = append([]string(nil), res.Warnings...)
			return &out, nil
		}
		ch := e.changed
		e.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			if err, left := e.abandon(f, ctx.Err(), read); left {
				return nil, err
			}
			// The read ended meanwhile: its result is f's.
		}
	}
}

// abandon takes f off the read when its own context ends, unless the
// read has ended (left is false: the result is there to take). The last
// caller to leave cancels the read with its own cause, and returns the
// read's error, which says where the read was (the page it waited for);
// one that leaves the read to others says how far it got. Deciding and
// leaving under one lock, no two callers both take themselves for last.
func (e *entry) abandon(f *follower, cause error, read int64) (err error, left bool) {
	e.mu.Lock()
	if e.done {
		e.mu.Unlock()
		return nil, false
	}
	f.left = true
	delete(e.followers, f)
	last := len(e.followers) == 0
	if last {
		e.ctx.cancelWith(cause) // under e.mu: no one joins a cancelled read
	}
	total := e.total
	e.broadcastLocked()
	e.mu.Unlock()
	if !last {
		n := "not yet known"
		if total >= 0 {
			n = fmt.Sprint(total)
		}
		return fmt.Errorf("%w: it left the read it shares with other data sources of the same query after %d records (the window's count: %s)",
			cause, read, n), true
	}
	t := time.NewTimer(5 * time.Second) // a read honours its context within milliseconds
	defer t.Stop()
	for {
		e.mu.Lock()
		done, rerr, ch := e.done, e.err, e.changed
		e.mu.Unlock()
		if done {
			if rerr != nil && errors.Is(rerr, cause) {
				return rerr, true
			}
			return cause, true
		}
		select {
		case <-ch:
		case <-t.C:
			return cause, true
		}
	}
}

// replay hands a kept read's pages to visit, as the read handed them.
func (e *entry) replay(visit hss.Visitor) *hss.Result {
	out := *e.res
	out.Requests = 0 // no call made for this caller
	out.Warnings = append([]string(nil), e.res.Warnings...)
	var read int64
	for _, page := range e.pages {
		read += int64(len(page))
		if !visit(page) {
			out.Read, out.Stopped = read, true
			break
		}
	}
	return &out
}

// deadline is the latest deadline of the followers: the read may go on as
// long as one of them waits. ok is false when one of them has none.
func (e *entry) deadline() (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var latest time.Time
	for f := range e.followers {
		if f.deadline.IsZero() {
			return time.Time{}, false
		}
		if f.deadline.After(latest) {
			latest = f.deadline
		}
	}
	return latest, !latest.IsZero()
}

func recordBytes(r hss.Record) int64 {
	return int64(len(r.ClusterName) + len(r.ClusterID) + len(r.Content) + len(r.ClusterType) +
		len(r.HostID) + len(r.HostName) + len(r.HostIP) + len(r.LineNum) + 8)
}

// sharedCtx is the context of a shared read: the values (the logger's
// fields) of the caller that started it, the latest deadline of the
// callers still following it (so the client's quota waits plan for the
// longest of them), and cancelled when the last one leaves.
type sharedCtx struct {
	context.Context
	e    *entry
	once sync.Once
	done chan struct{}
	err  error // set before done is closed
}

func (c *sharedCtx) Deadline() (time.Time, bool) { return c.e.deadline() }
func (c *sharedCtx) Done() <-chan struct{}       { return c.done }

func (c *sharedCtx) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

// cancelWith ends the read; its Err is cause (the last caller's deadline,
// say), so the read's error says what ended it.
func (c *sharedCtx) cancelWith(cause error) {
	c.once.Do(func() { c.err = cause; close(c.done) })
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Info(context.Context, string, map[string]any)  {}
func (nopLogger) Warn(context.Context, string, map[string]any)  {}
