package hss

import (
	"fmt"
	"strconv"
)

// Verbs are the audit-log actions the service accepts in the verb filter.
var Verbs = []string{"create", "delete", "deletecollection", "patch", "update", "get", "list", "watch"}

// MaxLimit is the largest page the service accepts (Huawei Cloud's own
// provider pages HSS v5 lists with 200).
const MaxLimit = 200

// Query selects audit logs. Empty strings are "not set" and are not sent.
type Query struct {
	ClusterID           string
	StartTime, EndTime  int64 // Unix epoch milliseconds, inclusive
	EnterpriseProjectID string
	ClusterName         string
	HostName            string
	HostID              string
	HostIP              string
	Verb                string
	LineNum             string // start after this CCE row number
	Limit               int64  // page size, 1..MaxLimit
	Offset              int64  // records to skip first

	// after is how many records a read from LineNum must end with, when a
	// first page already counted them (a split read goes on by cursor);
	// 0 when not known.
	after int64
	// windowBase is how many records of the window a sub-read of a split
	// window leaves to the other part, so its messages count the window.
	windowBase int64
	// seen, when set, is the record set of a whole split read, shared by
	// its sub-reads, so a record served twice across them is caught.
	seen *recordSet
	// onTotal, when set, hears the window's total_num from its first page,
	// before any record is handed over (see WithTotal).
	onTotal func(int64)
}

// Validate rejects a query the service would refuse, before anything is sent.
func (q Query) Validate() error {
	switch {
	case q.ClusterID == "":
		return fmt.Errorf("cluster_id must not be empty")
	case q.StartTime < 0 || q.EndTime < 0:
		return fmt.Errorf("start_time and end_time must be non-negative epoch milliseconds")
	case q.StartTime > q.EndTime:
		return fmt.Errorf("start_time (%d) is after end_time (%d)", q.StartTime, q.EndTime)
	case q.Limit < 1 || q.Limit > MaxLimit:
		return fmt.Errorf("limit must be between 1 and %d, got %d", MaxLimit, q.Limit)
	case q.Offset < 0:
		return fmt.Errorf("offset must be at least 0, got %d", q.Offset)
	}
	if q.Verb != "" {
		for _, v := range Verbs {
			if v == q.Verb {
				return nil
			}
		}
		return fmt.Errorf("verb %q is not one of %v", q.Verb, Verbs)
	}
	return nil
}

// params are the query parameters of one page request, in a stable order.
// offset and line_num are the page's position, the rest is the query.
func (q Query) params(offset int64, lineNum string) [][2]string {
	p := [][2]string{
		{"cluster_id", q.ClusterID},
		{"start_time", strconv.FormatInt(q.StartTime, 10)},
		{"end_time", strconv.FormatInt(q.EndTime, 10)},
		{"limit", strconv.FormatInt(q.Limit, 10)},
		{"offset", strconv.FormatInt(offset, 10)},
	}
	for _, kv := range [][2]string{
		{"enterprise_project_id", q.EnterpriseProjectID},
		{"cluster_name", q.ClusterName},
		{"host_name", q.HostName},
		{"host_id", q.HostID},
		{"host_ip", q.HostIP},
		{"verb", q.Verb},
		{"line_num", lineNum},
	} {
		if kv[1] != "" {
			p = append(p, kv)
		}
	}
	return p
}
