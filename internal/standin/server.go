package standin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// APIPathSuffix is the part of the audit-log API's path after
// /v5/{project_id}; ClustersPathSuffix is the cluster list's.
const APIPathSuffix = "/container/kubernetes/cluster/audit-logs"

// DefaultMaxLimit is the largest page size accepted when Options.MaxLimit is
// unset: Huawei's own provider pages HSS v5 lists with 200 (see NOTES.md).
const DefaultMaxLimit = 200

// PagingMode selects how pages without a line_num cursor are cut.
type PagingMode int

const (
	// OffsetHonoured returns records [offset, offset+limit).
	OffsetHonoured PagingMode = iota
	// CursorOnly ignores offset (only line_num moves the page), which is how
	// the real service is suspected to page CCE logs. A client that pages such
	// logs by offset sees the same page again.
	CursorOnly
)

// Options configures a Server. The zero value accepts no credentials.
type Options struct {
	// ProjectID is the only project id accepted in the path.
	ProjectID string
	// AccessKey and SecretKey are the accepted permanent AK/SK.
	AccessKey, SecretKey string
	// Temporary lists accepted temporary AK/SK pairs; their security token
	// must be sent in X-Security-Token and be signed.
	Temporary []TempCredential
	// Tokens lists accepted IAM tokens (X-Auth-Token).
	Tokens []string
	// Records is the data served.
	Records []Record
	// OtherProjects are further projects of the account (another region's,
	// say), by project id, each with the records it serves.
	OtherProjects map[string][]Record
	// Clusters is the main project's cluster list, served by the
	// cluster-list API (ClustersPathSuffix); copied and sorted once, newest
	// creation_timestamp first, then by id.
	Clusters []Cluster
	// OtherClusters are the cluster lists of further projects, by project
	// id. A project of OtherProjects missing here lists no clusters; one
	// here missing from OtherProjects is a project of the account too, with
	// no records. An entry for ProjectID is ignored (Clusters serves it).
	OtherClusters map[string][]Cluster
	// Paging selects the paging behaviour (default OffsetHonoured).
	Paging PagingMode
	// MaxLimit is the largest limit the audit-log API accepts (default
	// DefaultMaxLimit); a larger limit is answered with 400. The cluster
	// list keeps its documented 10 to 200.
	MaxLimit int
	// EnterpriseProjects lists the enterprise project ids the caller may use.
	// "", "0" and "all_granted_eps" are always allowed; any other id not
	// listed is answered with 403.
	EnterpriseProjects []string
	// Latency is added to each request (cut short if the request's context
	// ends).
	Latency time.Duration
	// Now is the clock for the X-Sdk-Date skew check and the quota's
	// window; default time.Now.
	Now func() time.Time
	// Quota is the gateway's call quota; the zero value sets none. SetQuota
	// changes it later.
	Quota Quota
	// Timeline, when set, serves the records of its cluster in the main
	// project (ProjectID) from the timeline instead of Records, arriving as
	// Now advances (see Timeline); Records and Add of that cluster are not
	// served there. New copies it and panics if it is invalid (Validate).
	Timeline *Timeline
	// TimelineNow, when set, is the clock the timeline's records arrive by
	// instead of Now: tests that move time by hours keep signing and the
	// quota on the real clock, whose skew check would refuse them.
	TimelineNow func() time.Time
}

// TempCredential is a temporary AK/SK with its security token.
type TempCredential struct{ AccessKey, SecretKey, SecurityToken string }

// LoggedRequest is one request as the Server received it.
type LoggedRequest struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	// Time is when the request arrived.
	Time time.Time
	// Status is the status answered; 0 while the request is in flight, or
	// when no answer was written (dropped connection, cancelled request).
	Status int
}

// Server is the stand-in; it implements http.Handler and is safe for
// concurrent use.
type Server struct {
	opts    Options
	dataMu  sync.RWMutex // guards records, which Add replaces
	records project      // sorted newest first, see sortRecords
	others  map[string]project
	// clusters are the sorted cluster lists by project id; never changed
	// after New.
	clusters map[string][]Cluster

	mu       sync.Mutex
	log      []*LoggedRequest
	faults   []Fault
	accepted []TempCredential // see AcceptTemporary

	quota quotaState
}

// New returns a Server answering from opts. Records are copied and sorted
// once, newest first.
func New(opts Options) *Server {
	if opts.MaxLimit <= 0 {
		opts.MaxLimit = DefaultMaxLimit
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TimelineNow == nil {
		opts.TimelineNow = opts.Now
	}
	checkTimeline(&opts)
	others := map[string]project{}
	for id, rs := range opts.OtherProjects {
		others[id] = newProject(rs)
	}
	s := &Server{opts: opts, records: newProject(opts.Records), others: others}
	s.clusters = newClusterProjects(opts, others)
	s.quota.q = opts.Quota
	return s
}

// Requests returns a copy of every request received since New or Reset, in
// arrival order.
func (s *Server) Requests() []LoggedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]LoggedRequest, len(s.log))
	for i, lr := range s.log {
		out[i] = *lr
		out[i].Query = cloneValues(lr.Query)
		out[i].Header = lr.Header.Clone()
	}
	return out
}

// Add makes records arrive in the main project while the server runs, as
// logs reach the real service during a read: later pages see them.
func (s *Server) Add(recs ...Record) {
	s.dataMu.Lock()
	defer s.dataMu.Unlock()
	s.records = newProject(append(append([]Record(nil), s.records.records...), recs...))
}

// Reset clears the request log, the fault queue, the quota's admitted
// calls and the Throttled count (the quota itself stays).
func (s *Server) Reset() {
	s.mu.Lock()
	s.log = nil
	s.faults = nil
	s.mu.Unlock()
	s.resetQuota()
}

// ServeHTTP logs the request, applies latency, routes, applies the next
// queued fault and the quota, then authenticates, validates and answers it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	entry := s.record(r)
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		s.mu.Lock()
		entry.Status = sw.status
		s.mu.Unlock()
	}()

	w.Header().Set("X-Request-Id", newRequestID())
	w.Header().Set("Content-Type", "application/json")

	if !sleep(r.Context(), s.opts.Latency) {
		return
	}
	project, route, ok := parsePath(r.URL.Path)
	if !ok || r.Method != http.MethodGet {
		writeError(sw, http.StatusNotFound, "APIGW.0101",
			"The API does not exist or has not been published in the environment: "+r.Method+" "+r.URL.Path)
		return
	}
	if f, ok := s.nextFault(r.URL.Query()); ok {
		if handled := s.applyFault(sw, r, f); handled {
			return
		}
	}
	// The gateway throttles before it authenticates.
	if s.throttle(sw, r, route) {
		return
	}
	s.serve(sw, r, project, route)
}

// serve is the normal handling of an API request, after faults.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, project, route string) {
	if e := s.authenticate(r); e != nil {
		writeError(w, e.status, e.code, e.msg)
		return
	}
	s.dataMu.RLock()
	recs, ok := s.others[project]
	if project == s.opts.ProjectID {
		recs, ok = s.records, true
		recs.timeline = s.opts.Timeline
	}
	s.dataMu.RUnlock()
	if !ok {
		writeError(w, http.StatusForbidden, "HSS.0003",
			"project_id "+project+" in the path is not a project of this account")
		return
	}
	if p := r.Header.Get("X-Project-Id"); p != "" && p != project {
		writeError(w, http.StatusForbidden, "HSS.0003",
			"X-Project-Id "+p+" does not match project_id "+project+" in the path")
		return
	}
	if route == routeClusters {
		s.serveClusters(w, r, project)
		return
	}
	q, e := s.parseQuery(r.URL.RawQuery)
	if e != nil {
		writeError(w, e.status, e.code, e.msg)
		return
	}
	writeJSON(w, http.StatusOK, s.page(recs, q))
}

// parsePath returns the project id and the API (its quota route) of
// /v5/{project_id}/container/kubernetes/cluster/audit-logs or
// /v5/{project_id}/kubernetes/clusters.
func parsePath(p string) (project, route string, ok bool) {
	rest, ok := strings.CutPrefix(p, "/v5/")
	if !ok {
		return "", "", false
	}
	for _, api := range []struct{ suffix, route string }{
		{APIPathSuffix, routeAuditLogs},
		{ClustersPathSuffix, routeClusters},
	} {
		project, ok := strings.CutSuffix(rest, api.suffix)
		if ok && project != "" && !strings.Contains(project, "/") {
			return project, api.route, true
		}
	}
	return "", "", false
}

func (s *Server) record(r *http.Request) *LoggedRequest {
	q, _ := url.ParseQuery(r.URL.RawQuery)
	lr := &LoggedRequest{Method: r.Method, Path: r.URL.Path, Query: q, Header: r.Header.Clone(), Time: time.Now()}
	s.mu.Lock()
	s.log = append(s.log, lr)
	s.mu.Unlock()
	return lr
}

// apiError is an error answer: status and the body's error_code/error_msg.
type apiError struct {
	status    int
	code, msg string
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"error_code": code, "error_msg": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// newRequestID returns 32 hex characters, the shape of Huawei's request ids.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// sleep waits d or until ctx ends; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// statusWriter remembers the status written; Unwrap lets
// http.ResponseController reach the underlying writer (for Hijack).
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
