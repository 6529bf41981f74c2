package standin

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// Record is one audit log entry as the service stores it.
type Record struct {
	ClusterName, ClusterID, ClusterType, HostID, HostIP, Content, LineNum string
	// HostName is emitted as given: a string, or a JSON number like the
	// published example's 111 (documented as String, sent as a number).
	HostName any
	// Time is epoch milliseconds.
	Time int64
}

// wireRecord is ClusterAuditLogResponseInfo on the wire.
type wireRecord struct {
	ClusterName string `json:"cluster_name"`
	ClusterID   string `json:"cluster_id"`
	Time        int64  `json:"time"`
	Content     string `json:"content"`
	ClusterType string `json:"cluster_type"`
	HostID      string `json:"host_id"`
	HostName    any    `json:"host_name"`
	HostIP      string `json:"host_ip"`
	LineNum     string `json:"line_num,omitempty"`
}

type listResponse struct {
	TotalNum int               `json:"total_num"`
	DataList []json.RawMessage `json:"data_list"`
}

// project is one project's records, sorted, each also encoded once: the
// stand-in serves the same records page after page, and encoding them per
// request made the benchmarks measure the stand-in's CPU, not the client.
type project struct {
	records []Record
	encoded []json.RawMessage
	// timeline, when set, serves its cluster instead of records.
	timeline *Timeline
}

func newProject(recs []Record) project {
	recs = append([]Record(nil), recs...)
	sortRecords(recs)
	p := project{records: recs, encoded: make([]json.RawMessage, len(recs))}
	for i, r := range recs {
		b, err := json.Marshal(wireRecord{
			ClusterName: r.ClusterName, ClusterID: r.ClusterID, Time: r.Time, Content: r.Content,
			ClusterType: r.ClusterType, HostID: r.HostID, HostName: r.HostName, HostIP: r.HostIP,
			LineNum: r.LineNum,
		})
		if err != nil {
			panic("standin: encoding a record: " + err.Error()) // a Record holds nothing json cannot encode
		}
		p.encoded[i] = b
	}
	return p
}

// sortRecords orders newest first; equal times put the larger line_num
// first, and otherwise keep insertion order, so pages are deterministic.
func sortRecords(recs []Record) {
	sort.SliceStable(recs, func(i, j int) bool {
		a, b := recs[i], recs[j]
		if a.Time != b.Time {
			return a.Time > b.Time
		}
		return lineNumAfter(a.LineNum, b.LineNum)
	})
}

// lineNumAfter reports whether line number a comes after b (numerically when
// both are integers). Records without one never compare.
func lineNumAfter(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	na, ea := strconv.ParseInt(a, 10, 64)
	nb, eb := strconv.ParseInt(b, 10, 64)
	if ea == nil && eb == nil {
		return na > nb
	}
	return a > b
}

func hostNameString(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func (q auditQuery) matches(r Record) bool {
	switch {
	case r.ClusterID != q.clusterID,
		r.Time < q.startTime || r.Time > q.endTime,
		q.clusterName != "" && r.ClusterName != q.clusterName,
		q.hostName != "" && hostNameString(r.HostName) != q.hostName,
		q.hostID != "" && r.HostID != q.hostID,
		q.hostIP != "" && r.HostIP != q.hostIP:
		return false
	}
	return q.verb == "" || contentVerb(r.Content) == q.verb
}

// contentVerb is the "verb" of a JSON audit event; "" for free text.
func contentVerb(content string) string {
	var ev struct {
		Verb string `json:"verb"`
	}
	if json.Unmarshal([]byte(content), &ev) != nil {
		return ""
	}
	return ev.Verb
}

// page filters the records and cuts the requested page. With line_num the
// page starts after that record (offset ignored; unknown line_num gives an
// empty page); otherwise at offset, or at 0 in CursorOnly mode. The
// project's timeline, if any, answers for its cluster (timelinePage).
func (s *Server) page(p project, q auditQuery) listResponse {
	if p.timeline != nil && q.clusterID == p.timeline.ClusterID {
		return s.timelinePage(p.timeline, q)
	}
	var hits []int
	for i := range p.records {
		if q.matches(p.records[i]) {
			hits = append(hits, i)
		}
	}
	start := q.offset
	switch {
	case q.hasLineNum:
		start = len(hits)
		for i, h := range hits {
			if p.records[h].LineNum == q.lineNum {
				start = i + 1
				break
			}
		}
	case s.opts.Paging == CursorOnly:
		start = 0
	}
	start = min(start, len(hits))
	end := min(start+q.limit, len(hits))

	resp := listResponse{TotalNum: len(hits), DataList: make([]json.RawMessage, 0, end-start)}
	for _, h := range hits[start:end] {
		resp.DataList = append(resp.DataList, p.encoded[h])
	}
	return resp
}
