package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
)

// Walker reads an audit-log window page by page: the client.
type Walker interface {
	WalkClusterAuditLogs(ctx context.Context, q hss.Query, visit hss.Visitor) (*hss.Result, error)
}

// maxPieces is how many pieces (spans and gaps) a window may be assembled
// from before the read writes its settled part as one span, so a window
// planned often does not scatter into ever more files.
const maxPieces = 8

// maxMergeRecords bounds the window a read merges into one span (see
// maxPieces): past it, the pieces stay as they are.
const maxMergeRecords = 200_000

// maxGapBytes bounds the records a gap keeps for writing: a larger gap is
// handed over as it is read and not stored, so a read's memory does not
// grow with its window (a counting read over a month, say).
const maxGapBytes = 256 << 20

// Lister reads windows through a Store: the settled spans it holds come
// from disk, the rest from the service, and what the service gave of the
// settled part is stored for the next plan.
type Lister struct {
	inner  Walker
	store  *Store
	base   Scope // caller, endpoint, project
	settle time.Duration
	now    func() time.Time
	log    hss.Logger
}

// NewLister puts store in front of inner. base names the caller, the
// endpoint and the project; settle is the age past which records are
// settled (the provider's settle delay).
func NewLister(inner Walker, store *Store, base Scope, settle time.Duration, log hss.Logger) *Lister {
	return &Lister{inner: inner, store: store, base: base, settle: settle, now: time.Now, log: log}
}

// piece is a part of a window's settled range, newest first: from the
// cache (recs) or a gap read from the service (gap).
type piece struct {
	from, to int64
	recs     []hss.Record
	n        int64 // records of a cached piece
	lazy     bool  // cached, its records not loaded yet
	gap      *gapRead
	span     *span // the span the records came from
}

type bypassKey struct{}

// Bypass returns a context whose reads do not go through the cache: a
// data source with content_mode = "raw" needs content as the service
// sends it, and the cache holds it redacted.
func Bypass(ctx context.Context) context.Context { return context.WithValue(ctx, bypassKey{}, true) }

// Bypassed says whether reads under ctx bypass the cache.
func Bypassed(ctx context.Context) bool { b, _ := ctx.Value(bypassKey{}).(bool); return b }

// WalkClusterAuditLogs reads q as the client does, from the cache where
// it can. Reads with offset or line_num address the service's pages, not
// a time range, and go to the service; so does a window with nothing
// settled yet.
func (l *Lister) WalkClusterAuditLogs(ctx context.Context, q hss.Query, visit hss.Visitor) (*hss.Result, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	cut := l.now().Add(-l.settle).UnixMilli()
	settledEnd := min(q.EndTime, cut-1)
	if q.Offset != 0 || q.LineNum != "" || settledEnd < q.StartTime || Bypassed(ctx) {
		return l.inner.WalkClusterAuditLogs(ctx, q, visit)
	}
	sc := l.base
	sc.EnterpriseProjectID, sc.ClusterID, sc.ClusterName = q.EnterpriseProjectID, q.ClusterID, q.ClusterName
	sc.HostName, sc.HostID, sc.HostIP, sc.Verb = q.HostName, q.HostID, q.HostIP, q.Verb
	key := sc.Key()
	if l.unordered(key) {
		l.log.Debug(ctx, "cache bypassed: this query's records came out of time order before", map[string]any{"cluster_id": q.ClusterID})
		return l.inner.WalkClusterAuditLogs(ctx, q, visit)
	}
	r := &assembly{l: l, q: q, key: key, cut: cut, settledEnd: settledEnd, visit: visit, hook: hss.TotalHook(ctx)}
	return r.run(hss.WithTotal(ctx, nil))
}

// assembly is one read through the cache.
type assembly struct {
	l               *Lister
	q               hss.Query
	key             string
	cut, settledEnd int64
	visit           hss.Visitor
	hook            func(int64)

	pieces      []piece
	res         hss.Result
	stopped     bool
	disorder    string  // why the read's records cannot be stored, when they came out of order
	fault       error   // a record outside the range asked: the read fails
	unmergeable bool    // a cached span was read from the service instead: no merge
	rewrites    []piece // such spans, to write again
	cachedN     int64
	gapsTotal   int64
}

func (a *assembly) run(ctx context.Context) (*hss.Result, error) {
	a.res.Mode = hss.ModeOffset
	a.plan(ctx)
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var gaps []*gapRead
	for i := range a.pieces {
		if p := &a.pieces[i]; p.span == nil {
			gq := a.q
			gq.StartTime, gq.EndTime = p.from, p.to
			p.gap = startGap(gctx, a.l.inner, gq)
			gaps = append(gaps, p.gap)
		} else {
			a.cachedN += p.n
		}
	}
	// Stop the gaps' reads before returning, whatever happens: no call is
	// made after the read has answered.
	defer func() {
		cancel()
		for _, g := range gaps {
			<-g.done
		}
	}()
	// Every gap's first page, for the window's count, before a record is
	// handed over (a reader that stops early must know it).
	for _, g := range gaps {
		<-g.ready
		select {
		case <-g.done: // the read has ended: its error is known
			if g.err != nil {
				return nil, a.failed(g.err)
			}
		default: // still reading (g.err is its to write): an error comes out in follow
		}
		a.gapsTotal += g.total
	}
	a.logPlan(ctx, len(gaps))

	var tailTotal int64
	if a.q.EndTime >= a.cut {
		tq := a.q
		tq.StartTime = a.cut
		tctx := hss.WithTotal(ctx, func(n int64) {
			tailTotal = n
			a.tell(n)
		})
		last := int64(1<<63 - 1)
		tres, err := a.l.inner.WalkClusterAuditLogs(tctx, tq, func(page []hss.Record) bool {
			return a.checkOrder(page, &last, tq.StartTime, tq.EndTime) && a.emit(page)
		})
		if err == nil {
			err = a.fault
		}
		if err != nil {
			return nil, a.failed(err)
		}
		a.res.Requests += tres.Requests
		a.res.Warnings = append(a.res.Warnings, tres.Warnings...)
		if !tres.Stopped {
			tailTotal = tres.TotalNum
		}
	} else {
		a.tell(0)
	}

	// A window of many pieces is written back as one span: its records are
	// kept for that while it is read, if they are few enough.
	merge := len(a.pieces) > maxPieces && a.cachedN+a.gapsTotal <= maxMergeRecords
	for i := range a.pieces {
		if a.stopped {
			break
		}
		p := &a.pieces[i]
		if p.gap == nil {
			if err := a.cached(ctx, p, merge); err != nil {
				return nil, a.failed(err)
			}
			continue
		}
		if err := a.follow(p); err != nil {
			return nil, a.failed(err)
		}
	}
	a.res.TotalNum = tailTotal + a.cachedN + a.gapsTotal
	a.res.Stopped = a.stopped
	if !a.stopped {
		a.res.TotalNum = a.res.Read // the count of the records returned
		a.store(ctx)
	}
	return &a.res, nil
}

// cached hands over a cached piece, loading a lazy one's span now. A span
// that no longer loads as its header promised (removed or damaged by
// another plan since) is read from the service instead. The records are
// kept afterwards only for a merge.
func (a *assembly) cached(ctx context.Context, p *piece, merge bool) error {
	if p.lazy {
		recs, err := a.l.store.load(a.key, *p.span)
		if in := within(recs, p.from, p.to); err == nil && int64(len(in)) == p.n {
			p.recs = in
		} else {
			a.l.log.Warn(ctx, "cache file damaged or changed during the read; its span is read from the service", map[string]any{"file": filepath.Base(p.span.path)})
			if errors.Is(err, ErrInvalid) && !errors.Is(err, errOtherVersion) {
				a.l.store.remove(*p.span)
			}
			a.unmergeable = true
			q := a.q
			q.StartTime, q.EndTime = p.from, p.to
			last := int64(1<<63 - 1)
			var fresh []hss.Record
			res, err := a.l.inner.WalkClusterAuditLogs(ctx, q, func(page []hss.Record) bool {
				if !a.checkOrder(page, &last, p.from, p.to) {
					return false
				}
				if len(fresh) < maxMergeRecords {
					fresh = append(fresh, page...)
				}
				return a.emit(page)
			})
			if err == nil {
				err = a.fault
			}
			if err != nil {
				return err
			}
			a.res.Requests += res.Requests
			a.res.Warnings = append(a.res.Warnings, res.Warnings...)
			if !res.Stopped && !res.Changed && len(fresh) < maxMergeRecords {
				a.rewrites = append(a.rewrites, piece{from: p.from, to: p.to, recs: redacted(fresh)})
			}
			return nil
		}
	}
	for j := 0; j < len(p.recs) && !a.stopped; j += int(a.q.Limit) {
		a.emit(p.recs[j:min(j+int(a.q.Limit), len(p.recs))])
	}
	if !merge {
		p.recs = nil
	}
	return nil
}

// tell gives the reader the window's count, once the tail's is known.
func (a *assembly) tell(tail int64) {
	if a.hook != nil {
		a.hook(tail + a.cachedN + a.gapsTotal)
		a.hook = nil
	}
}

func (a *assembly) emit(page []hss.Record) bool {
	if a.stopped {
		return false
	}
	a.res.Read += int64(len(page))
	if !a.visit(page) {
		a.stopped = true
	}
	return !a.stopped
}

// checkOrder says whether a page may be handed over. A record outside
// the range asked fails the read (another part holds it, so the window
// would hold it twice); records out of newest-first order are handed
// over as the service listed them, and keep the query out of the cache
// from then on (its windows cannot be assembled as a cold read lists
// them).
func (a *assembly) checkOrder(page []hss.Record, last *int64, from, to int64) bool {
	for _, r := range page {
		switch {
		case r.Time < from || r.Time > to:
			a.fault = &hss.PagingError{Page: fmt.Sprintf("start_time=%d,end_time=%d", from, to), Reason: fmt.Sprintf(
				"asked for records from %d to %d, the service answered one at %d: it does not honour start_time and end_time, "+
					"so the window cannot be assembled from parts; unset cache_dir to read it whole", from, to, r.Time)}
			return false
		case r.Time > *last && a.disorder == "":
			a.disorder = fmt.Sprintf("the service listed a record at %d after one at %d, not newest first", r.Time, *last)
		}
		*last = r.Time
	}
	return true
}

// follow hands over a gap's records as its read goes on.
func (a *assembly) follow(p *piece) error {
	g := p.gap
	last := int64(1<<63 - 1)
	v := hss.Visitor(func(page []hss.Record) bool {
		return a.checkOrder(page, &last, p.from, p.to) && a.emit(page)
	})
	select {
	case g.turn <- v:
	case <-g.done:
	}
	<-g.done
	if a.fault != nil {
		return a.fault
	}
	if g.err != nil {
		return g.err
	}
	a.res.Requests += g.res.Requests
	a.res.Warnings = append(a.res.Warnings, g.res.Warnings...)
	if !a.stopped && g.told && g.res.TotalNum != g.total {
		return &hss.PagingError{Page: fmt.Sprintf("start_time=%d,end_time=%d", p.from, p.to), Reason: fmt.Sprintf(
			"total_num of settled records changed from %d to %d during the read", g.total, g.res.TotalNum)}
	}
	return nil
}

// failed adds the calls of the read's other parts to a throttled part's.
func (a *assembly) failed(err error) error {
	var te *hss.ThrottleError
	if errors.As(err, &te) {
		te.CallsMade += a.res.Requests
	}
	return err
}

// plan cuts [q.StartTime, settledEnd] into pieces, newest first: from
// each millisecond down, the cached span reaching furthest back that
// holds it, else a gap down to the next cached span.
func (a *assembly) plan(ctx context.Context) {
	from, to := a.q.StartTime, a.settledEnd
	spans, err := a.l.store.spans(a.key, from, to)
	if err != nil {
		a.l.log.Warn(ctx, "cache directory unreadable; reading the window from the service", map[string]any{"dir": a.l.store.Dir(), "error": err.Error()})
	}
	for p := to; p >= from; {
		var best *span
		nextBelow := from - 1 // the latest end of a span wholly below p
		for i := range spans {
			s := &spans[i]
			if s.from <= p && s.to >= p && (best == nil || s.from < best.from) {
				best = s
			} else if s.to < p && s.to > nextBelow {
				nextBelow = s.to
			}
		}
		if best != nil {
			lo := max(best.from, from)
			if best.from >= from && best.to == p {
				// Wholly in the window: its header counts it, and its
				// records are loaded when their turn comes, so a long
				// window's spans are never all in memory at once.
				n, err := a.l.store.count(a.key, *best)
				if err == nil {
					a.pieces = append(a.pieces, piece{from: lo, to: p, n: n, lazy: true, span: best})
					p = lo - 1
					continue
				}
			}
			recs, err := a.l.store.load(a.key, *best)
			if err == nil {
				in := within(recs, lo, p)
				a.pieces = append(a.pieces, piece{from: lo, to: p, recs: in, n: int64(len(in)), span: best})
				p = lo - 1
				continue
			}
			a.l.log.Warn(ctx, "cache file ignored; its span is read again from the service", map[string]any{"file": filepath.Base(best.path), "error": err.Error()})
			if errors.Is(err, ErrInvalid) && !errors.Is(err, errOtherVersion) {
				a.l.store.remove(*best) // damaged: gone, rather than read and refused by every plan
			}
			spans = removeSpan(spans, best)
			continue
		}
		lo := max(nextBelow+1, from)
		a.pieces = append(a.pieces, piece{from: lo, to: p})
		p = lo - 1
	}
}

// within is the part of recs (newest first) in [from, to], never nil.
func within(recs []hss.Record, from, to int64) []hss.Record {
	i := sort.Search(len(recs), func(i int) bool { return recs[i].Time <= to })
	j := sort.Search(len(recs), func(j int) bool { return recs[j].Time < from })
	return recs[i:j:j]
}

func removeSpan(spans []span, s *span) []span {
	out := spans[:0:0]
	for i := range spans {
		if &spans[i] != s {
			out = append(out, spans[i])
		}
	}
	return out
}

func (a *assembly) logPlan(ctx context.Context, gaps int) {
	cached := 0
	for _, p := range a.pieces {
		if p.gap == nil {
			cached++
		}
	}
	a.l.log.Info(ctx, "audit-log window read through the cache", map[string]any{
		"cluster_id": a.q.ClusterID, "cached_spans": cached, "cached_records": a.cachedN,
		"gaps": gaps, "gap_records": a.gapsTotal, "tail_from": a.cut, "reads_tail": a.q.EndTime >= a.cut,
	})
}

// store writes what the service gave of the settled part: each gap as a
// span, or, when the window came in more than maxPieces pieces, the whole
// settled part as one, in place of the spans it covers.
func (a *assembly) store(ctx context.Context) {
	if a.disorder != "" {
		a.l.markUnordered(a.key)
		a.res.Warnings = append(a.res.Warnings, a.disorder+"; cache_dir assembles windows of services that list newest first, "+
			"so the order of this read may differ from a read without it, and this query is read without the cache from now on")
		a.l.log.Warn(ctx, "the cache will not serve this query: "+a.disorder, map[string]any{"cluster_id": a.q.ClusterID})
		return
	}
	var writes []piece
	whole := len(a.pieces) > maxPieces && !a.unmergeable && a.cachedN+a.gapsTotal <= maxMergeRecords // merge the settled part into one span
	for _, p := range a.pieces {
		if g := p.gap; g != nil && (g.over || g.res.Changed) {
			// Too large to keep, or the window changed while it was read
			// (settled records arriving late): read again next time.
			whole = false
			continue
		}
		if p.gap != nil && !whole {
			writes = append(writes, piece{from: p.from, to: p.to, recs: redacted(p.gap.recs)})
		}
	}
	writes = append(writes, a.rewrites...)
	if whole {
		var all []hss.Record
		for _, p := range a.pieces {
			all = append(all, p.records()...)
		}
		writes = []piece{{from: a.q.StartTime, to: a.settledEnd, recs: redacted(all)}}
	}
	for _, w := range writes {
		if err := a.l.store.save(a.key, w.from, w.to, w.recs); err != nil {
			a.l.log.Warn(ctx, "cannot write to the cache directory; the next plan reads this span again", map[string]any{"dir": a.l.store.Dir(), "error": err.Error()})
			return
		}
	}
	if whole {
		for _, p := range a.pieces {
			if p.span != nil && covered(*p.span, writes) {
				a.l.store.remove(*p.span)
			}
		}
	}
	if n, err := a.l.store.evict(); n > 0 || err != nil {
		a.l.log.Debug(ctx, "cache spans used least recently removed, to keep the directory within its bound", map[string]any{"removed": n})
	}
}

func (p piece) records() []hss.Record {
	if p.gap != nil {
		return p.gap.recs
	}
	return p.recs
}

// covered says whether a span lies inside one of the pieces written.
func covered(s span, writes []piece) bool {
	for _, w := range writes {
		if w.from <= s.from && s.to <= w.to && (w.from != s.from || w.to != s.to) {
			return true
		}
	}
	return false
}

// unordered says whether a service's records of key came out of time
// order before; markUnordered remembers it, on disk, so later plans read
// such a query from the service alone.
func (l *Lister) unordered(key string) bool {
	_, err := os.Stat(filepath.Join(l.store.Dir(), key[:40]+".unordered"))
	return err == nil
}

func (l *Lister) markUnordered(key string) {
	_ = os.WriteFile(filepath.Join(l.store.Dir(), key[:40]+".unordered"), nil, 0o600)
}

// gapRead is the read of one gap, started early for its first page (its
// count), and handed over when its turn comes.
type gapRead struct {
	ready chan struct{} // closed once total (or err) is known
	turn  chan hss.Visitor
	done  chan struct{} // closed when the read has ended
	total int64
	told  bool // total came from the walker's count; both are written before ready closes
	bytes int64
	over  bool // past maxGapBytes: its records are not kept for the cache
	recs  []hss.Record
	res   *hss.Result
	err   error
}

func startGap(ctx context.Context, inner Walker, q hss.Query) *gapRead {
	g := &gapRead{ready: make(chan struct{}), turn: make(chan hss.Visitor), done: make(chan struct{})}
	readied := false
	ready := func() {
		if !readied {
			readied = true
			close(g.ready)
		}
	}
	go func() {
		defer close(g.done)
		var visit hss.Visitor
		cut := false // the read ended before its turn came
		rctx := hss.WithTotal(ctx, func(n int64) { g.total, g.told = n, true; ready() })
		g.res, g.err = inner.WalkClusterAuditLogs(rctx, q, func(page []hss.Record) bool {
			ready() // a service that sent no count still answered
			if visit == nil {
				select {
				case visit = <-g.turn:
				case <-ctx.Done():
					cut = true
					return false
				}
			}
			if !g.over {
				for i := range page {
					g.bytes += int64(len(page[i].Content)) + 64
				}
				g.over = g.bytes > maxGapBytes
				g.recs = append(g.recs, page...)
				if g.over {
					g.recs = nil // not kept: the span is read again next time
				}
			}
			return visit(page)
		})
		if g.err == nil && cut {
			// Stopped by the context, not by the reader: the gap's records
			// are not all in, and must be neither handed on nor stored.
			g.res, g.err = nil, ctx.Err()
		}
		if g.err == nil && !readied {
			g.total, g.told = g.res.TotalNum, true // no page handed over: the end gives the count
		}
		ready()
	}()
	return g
}
