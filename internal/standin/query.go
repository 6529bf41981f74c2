package standin

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

const (
	codeInvalidParam = "HSS.1001"
	codeNoEPSRight   = "HSS.0004"
)

// Verbs are the values the verb parameter accepts.
var Verbs = []string{"create", "delete", "deletecollection", "patch", "update", "get", "list", "watch"}

// auditQuery is a validated request. Optional filters are "" when absent.
type auditQuery struct {
	clusterID, clusterName, hostName, hostID, hostIP, verb string
	startTime, endTime                                     int64
	limit, offset                                          int
	lineNum                                                string
	hasLineNum                                             bool
}

func invalid(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeInvalidParam, msg: "Invalid parameter: " + fmt.Sprintf(format, args...)}
}

// parseQuery validates the query string; every error names its parameter.
func (s *Server) parseQuery(raw string) (auditQuery, *apiError) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return auditQuery{}, invalid("malformed query string: %v", err)
	}
	var q auditQuery
	if q.clusterID = v.Get("cluster_id"); q.clusterID == "" {
		return q, invalid("cluster_id is required")
	}
	var e *apiError
	if q.startTime, e = requiredInt(v, "start_time"); e != nil {
		return q, e
	}
	if q.endTime, e = requiredInt(v, "end_time"); e != nil {
		return q, e
	}
	if q.startTime > q.endTime {
		return q, invalid("end_time %d is before start_time %d", q.endTime, q.startTime)
	}
	limit, e := requiredInt(v, "limit")
	if e != nil {
		return q, e
	}
	if limit < 1 || limit > int64(s.opts.MaxLimit) {
		return q, invalid("limit %d is out of range: it must be between 1 and %d", limit, s.opts.MaxLimit)
	}
	offset, e := requiredInt(v, "offset")
	if e != nil {
		return q, e
	}
	if offset < 0 {
		return q, invalid("offset %d must not be negative", offset)
	}
	q.limit, q.offset = int(limit), int(offset)

	if q.verb = v.Get("verb"); q.verb != "" && !slices.Contains(Verbs, q.verb) {
		return q, invalid("verb %q is not one of %v", q.verb, Verbs)
	}
	if eps := v.Get("enterprise_project_id"); !s.epsAllowed(eps) {
		return q, &apiError{status: http.StatusForbidden, code: codeNoEPSRight,
			msg: "Permission denied: no permission on enterprise project " + eps + " (enterprise_project_id)"}
	}
	q.clusterName, q.hostName = v.Get("cluster_name"), v.Get("host_name")
	q.hostID, q.hostIP = v.Get("host_id"), v.Get("host_ip")
	q.lineNum = v.Get("line_num")
	q.hasLineNum = q.lineNum != ""
	return q, nil
}

func requiredInt(v url.Values, name string) (int64, *apiError) {
	s := v.Get(name)
	if s == "" {
		return 0, invalid("%s is required", name)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, invalid("%s %q is not an integer", name, s)
	}
	return n, nil
}

func (s *Server) epsAllowed(id string) bool {
	switch id {
	case "", "0", "all_granted_eps":
		return true
	}
	return slices.Contains(s.opts.EnterpriseProjects, id)
}
