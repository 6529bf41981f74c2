package standin

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// Fault is a scripted misbehaviour for one request.
//
// Delay is waited first (cut short if the request's context ends). Then:
// DropConnection closes the connection without an answer; a non-zero Status
// is answered with Body and Header; otherwise (Delay only) the request is
// handled normally, late.
type Fault struct {
	// Status to answer; 0 means no scripted answer.
	Status int
	// Body to answer; empty means a Huawei-style error body fitting Status
	// (429 gives APIGW.0308 throttling, for example).
	Body string
	// Header is added to the answer (it may override Content-Type, or add
	// Retry-After).
	Header http.Header
	// Delay before the fault acts.
	Delay time.Duration
	// DropConnection hijacks the connection and closes it without answering.
	DropConnection bool
	// Match, when set, limits the fault to requests whose query carries
	// these values (e.g. {"offset": {"10"}}): concurrent pages arrive in no
	// fixed order, so a fault meant for one page names it.
	Match url.Values
}

// matches reports whether f applies to a request with query q.
func (f Fault) matches(q url.Values) bool {
	for k, vs := range f.Match {
		if len(vs) > 0 && q.Get(k) != vs[0] {
			return false
		}
	}
	return true
}

// Inject queues faults. Each API request (one that routes to the audit-log
// or the cluster-list path) consumes the first queued fault that matches
// it, before authentication; Match can tell the APIs apart by their query
// parameters.
func (s *Server) Inject(f ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f...)
}

func (s *Server) nextFault(q url.Values) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.matches(q) {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			return f, true
		}
	}
	return Fault{}, false
}

// applyFault acts out f; it reports whether the request has been dealt with
// (answered, dropped or cancelled).
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault) bool {
	if !sleep(r.Context(), f.Delay) {
		return true
	}
	if f.DropConnection {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			// HTTP/2 cannot be hijacked: abort the stream instead.
			panic(http.ErrAbortHandler)
		}
		_ = conn.Close()
		return true
	}
	if f.Status == 0 {
		return false
	}
	for k, vs := range f.Header {
		w.Header().Del(k)
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if f.Body == "" {
		code, msg := defaultFaultError(f.Status)
		writeErrorKeepHeaders(w, f.Status, code, msg)
		return true
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
	return true
}

// writeErrorKeepHeaders writes an error body without resetting a
// Content-Type the fault chose.
func writeErrorKeepHeaders(w http.ResponseWriter, status int, code, msg string) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error_code": code, "error_msg": msg})
}

// defaultFaultError gives the error code and message the real gateway uses
// for common failure statuses.
func defaultFaultError(status int) (string, string) {
	switch status {
	case http.StatusTooManyRequests:
		return "APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit,limit:200,time:5 minute"
	case http.StatusUnauthorized:
		return "APIGW.0301", "Incorrect IAM authentication information: injected fault"
	case http.StatusForbidden:
		return "APIGW.0302", "The IAM user is not authorized to access the API: injected fault"
	case http.StatusBadRequest:
		return "HSS.1001", "Invalid parameter: injected fault"
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return "APIGW.0201", "Request error: backend unavailable (injected fault)"
	default:
		return "HSS.0001", "System error: injected fault"
	}
}
