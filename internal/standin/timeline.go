package standin

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The fixed fields of every timeline record. Filters on cluster_name,
// host_name, host_id and host_ip select the timeline's records when they
// give these values, and none otherwise.
const (
	TimelineClusterName = "timeline"
	TimelineClusterType = "k8s"
	TimelineHostID      = "7e4b1d9a-2c6f-4a83-b5e0-9d1c3f7a2b64"
	TimelineHostName    = "timeline-node-01"
	TimelineHostIP      = "10.77.0.11"
	// TimelineVerb is the verb of every timeline event: verb=get selects
	// them all, any other verb none.
	TimelineVerb = "get"
)

// Timeline is an arithmetic, endless series of records of one cluster,
// served without materialising them (Options.Timeline): a window of a
// timeline of billions of records pages as cheaply as one of ten.
//
// Record i (i = 0, 1, 2, ...) has time TimeOf(i) = Start + (i/PerTick)*Step
// and exists only while that time is at or before the server's clock
// (Options.Now), and at or before End when End is set: records arrive as
// the clock advances, a tick's PerTick records at once. Pages list them
// newest first, and among equal times the larger i first, the same on
// every request. Record(i) is the record i is.
type Timeline struct {
	// ClusterID is the cluster whose records, in the main project, are the
	// timeline's.
	ClusterID string
	// Start is the time of record 0, epoch milliseconds.
	Start int64
	// Step is the time between ticks, in milliseconds; at least 1.
	Step int64
	// PerTick is how many records share each tick's time; 0 means 1.
	PerTick int
	// End, when not 0, is the latest time (epoch ms) a record may have: the
	// timeline stops there whatever the clock says. It must not be before
	// Start.
	End int64
}

// Validate reports what makes t unusable; New panics on such a timeline.
func (t Timeline) Validate() error {
	switch {
	case t.ClusterID == "":
		return errors.New("standin: Timeline.ClusterID is empty")
	case t.Step < 1:
		return fmt.Errorf("standin: Timeline.Step %d must be at least 1 (ms)", t.Step)
	case t.PerTick < 0:
		return fmt.Errorf("standin: Timeline.PerTick %d is negative", t.PerTick)
	case t.End != 0 && t.End < t.Start:
		return fmt.Errorf("standin: Timeline.End %d is before Start %d", t.End, t.Start)
	}
	return nil
}

func (t Timeline) perTick() int64 { return int64(max(t.PerTick, 1)) }

// TimeOf is the time of record i (i >= 0), epoch ms, whether or not the
// record exists yet.
func (t Timeline) TimeOf(i int64) int64 { return t.Start + (i/t.perTick())*t.Step }

// Count is how many records the window [start, end] (epoch ms, both ends
// inclusive) holds when the clock reads now (epoch ms): the total_num a
// request for the window answers at that time.
func (t Timeline) Count(start, end, now int64) int64 {
	lo, hi, ok := t.ticks(start, end, now)
	if !ok {
		return 0
	}
	return (hi - lo + 1) * t.perTick()
}

// Record is record i (i >= 0) as served, whether or not it exists yet.
// Its content is a Kubernetes audit.k8s.io/v1 Event, deterministic from i:
// a get of a pod, whose requestReceivedTimestamp and stageTimestamp are
// the record's time.
func (t Timeline) Record(i int64) Record {
	ms := t.TimeOf(i)
	var sc timelineScratch
	ev := timelineEvent(string(sc.auditID(i)), timelineNamespace(i), string(sc.podName(i)), string(sc.timestamp(ms)))
	return Record{ClusterName: TimelineClusterName, ClusterID: t.ClusterID, ClusterType: TimelineClusterType,
		HostID: TimelineHostID, HostName: TimelineHostName, HostIP: TimelineHostIP,
		Content: string(mustJSON(ev)), Time: ms}
}

// ticks returns the first and last tick (record i is on tick i/PerTick)
// whose time lies in [start, end] and exists at clock now.
func (t Timeline) ticks(start, end, now int64) (lo, hi int64, ok bool) {
	last := min(end, now)
	if t.End != 0 {
		last = min(last, t.End)
	}
	first := max(start, t.Start)
	if first > last {
		return 0, 0, false
	}
	// first and last are at or after Start: the distances are exact in
	// uint64 whatever the values.
	step := uint64(t.Step)
	dFirst, dLast := uint64(first)-uint64(t.Start), uint64(last)-uint64(t.Start)
	ulo, uhi := dFirst/step, dLast/step
	if dFirst%step != 0 {
		ulo++
	}
	// Record indexes are int64: the timeline ends at the last tick whose
	// records all have one.
	uhi = min(uhi, uint64(math.MaxInt64/t.perTick()-1))
	if ulo > uhi {
		return 0, 0, false
	}
	return int64(ulo), int64(uhi), true
}

// selects reports whether q's filters other than the window can match the
// timeline's records (they all share these fields).
func (t Timeline) selects(q auditQuery) bool {
	switch {
	case q.clusterID != t.ClusterID,
		q.clusterName != "" && q.clusterName != TimelineClusterName,
		q.hostName != "" && q.hostName != TimelineHostName,
		q.hostID != "" && q.hostID != TimelineHostID,
		q.hostIP != "" && q.hostIP != TimelineHostIP,
		q.verb != "" && q.verb != TimelineVerb:
		return false
	}
	return true
}

// checkTimeline validates opts.Timeline and replaces it with a normalised
// copy, so that the caller's later changes do not reach the server.
func checkTimeline(opts *Options) {
	if opts.Timeline == nil {
		return
	}
	if err := opts.Timeline.Validate(); err != nil {
		panic(err.Error())
	}
	tl := *opts.Timeline
	tl.PerTick = int(tl.perTick())
	opts.Timeline = &tl
}

// timelinePage cuts q's page of the timeline arithmetically: position p of
// the window (newest first) is record newest-p. Records have no line_num,
// so a line_num cursor gives an empty page, as an unknown one does.
func (s *Server) timelinePage(t *Timeline, q auditQuery) listResponse {
	resp := listResponse{DataList: []json.RawMessage{}}
	if !t.selects(q) {
		return resp
	}
	lo, hi, ok := t.ticks(q.startTime, q.endTime, s.opts.TimelineNow().UnixMilli())
	if !ok {
		return resp
	}
	per := t.perTick()
	n := (hi - lo + 1) * per
	resp.TotalNum = int(n)
	start := int64(q.offset)
	switch {
	case q.hasLineNum:
		start = n
	case s.opts.Paging == CursorOnly:
		start = 0
	}
	start = min(start, n)
	end := min(start+int64(q.limit), n)
	if start == end {
		return resp
	}
	newest := (hi+1)*per - 1
	tmpl := timelineTemplate()
	cluster := mustJSON(t.ClusterID)
	cluster = cluster[1 : len(cluster)-1] // the string's escaped body
	var sc timelineScratch
	buf := make([]byte, 0, (end-start)*int64(tmpl.size+len(cluster)+128))
	ends := make([]int, 0, end-start)
	for p := start; p < end; p++ {
		i := newest - p
		ms := t.Start + (i/per)*t.Step
		buf = tmpl.render(buf, [numSlots][]byte{
			slotCluster: cluster,
			slotTime:    strconv.AppendInt(sc.num[:0], ms, 10),
			slotID:      sc.auditID(i),
			slotNS:      []byte(timelineNamespace(i)),
			slotPod:     sc.podName(i),
			slotStamp:   sc.timestamp(ms),
		})
		ends = append(ends, len(buf))
	}
	resp.DataList = make([]json.RawMessage, len(ends))
	from := 0
	for k, to := range ends {
		resp.DataList[k] = buf[from:to:to]
		from = to
	}
	return resp
}

// timelineActor is the user of every timeline event: a monitoring
// service account polling pods, steady traffic that suits a timeline.
var timelineActor = prometheus

var timelineNamespaces = [...]string{"default", "production", "staging"}

func timelineNamespace(i int64) string { return timelineNamespaces[i%int64(len(timelineNamespaces))] }

// timelineEvent is the audit event of one timeline record, from its
// varying parts (placeholders, when the template is built).
func timelineEvent(auditID, ns, pod, stamp string) auditEvent {
	a := action{verb: TimelineVerb, resource: "pods", ns: ns, name: pod}
	who := timelineActor
	return auditEvent{
		Kind: "Event", APIVersion: "audit.k8s.io/v1", Level: "RequestResponse",
		AuditID: auditID, Stage: "ResponseComplete",
		RequestURI: a.requestURI(), Verb: a.verb,
		User:      auditUser{Username: who.name, UID: who.uid, Groups: who.groups},
		SourceIPs: []string{who.ip}, UserAgent: who.agent,
		ObjectRef: auditObjectRef{Resource: a.resource, Namespace: a.ns, Name: a.name,
			APIGroup: apiGroupOf(a.resource), APIVersion: "v1"},
		ResponseStatus:           auditStatus{Code: statusFor(a)},
		RequestReceivedTimestamp: stamp,
		StageTimestamp:           stamp,
		Annotations: map[string]string{
			"authorization.k8s.io/decision": "allow",
			"authorization.k8s.io/reason":   reasonFor(who),
		},
	}
}

// timelineScratch holds the varying parts of one record while it is
// rendered, so that rendering allocates nothing but the page's buffer.
type timelineScratch struct {
	id    [36]byte
	pod   [32]byte
	stamp [40]byte
	num   [24]byte
}

// auditID is a UUID-shaped (version 4) id derived from i, different for
// every i: the 64 bits of a bijective mix of i are all kept.
func (sc *timelineScratch) auditID(i int64) []byte {
	a := mix64(uint64(i))
	b := mix64(a)
	var u [16]byte
	for k := range 4 {
		u[k] = byte(a >> (56 - 8*k))    // a's high 32 bits
		u[10+k] = byte(a >> (24 - 8*k)) // a's low 32 bits
	}
	u[4], u[5] = byte(b>>56), byte(b>>48)
	u[6], u[7] = 0x40|byte(b>>40)&0x0f, byte(b>>32)
	u[8], u[9] = 0x80|byte(b>>24)&0x3f, byte(b>>16)
	u[14], u[15] = byte(b>>8), byte(b)
	d := sc.id[:]
	hex.Encode(d[0:8], u[0:4])
	d[8] = '-'
	hex.Encode(d[9:13], u[4:6])
	d[13] = '-'
	hex.Encode(d[14:18], u[6:8])
	d[18] = '-'
	hex.Encode(d[19:23], u[8:10])
	d[23] = '-'
	hex.Encode(d[24:36], u[10:16])
	return d
}

// mix64 is SplitMix64's finaliser, a bijection of uint64.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (sc *timelineScratch) podName(i int64) []byte {
	return strconv.AppendInt(append(sc.pod[:0], "pod-"...), i, 10)
}

// timestamp is ms in RFC 3339 with microseconds, as audit events carry.
func (sc *timelineScratch) timestamp(ms int64) []byte {
	return time.UnixMilli(ms).UTC().AppendFormat(sc.stamp[:0], microRFC3339)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("standin: " + err.Error()) // static types only: cannot happen
	}
	return b
}

// The varying parts of a rendered timeline record. None needs escaping in
// JSON, even twice (content is a JSON string inside the record), except
// the cluster id, which is escaped once per page.
const (
	slotCluster = iota
	slotTime
	slotID
	slotNS
	slotPod
	slotStamp
	numSlots
)

// recordTemplate is a timeline record's wire JSON split at its varying
// parts: parts[0] slot[0] parts[1] ... slot[n-1] parts[n].
type recordTemplate struct {
	parts []string
	slots []int
	size  int // bytes of the fixed parts
}

func (tm *recordTemplate) render(dst []byte, v [numSlots][]byte) []byte {
	for k, s := range tm.slots {
		dst = append(dst, tm.parts[k]...)
		dst = append(dst, v[s]...)
	}
	return append(dst, tm.parts[len(tm.parts)-1]...)
}

// timeSentinel stands for the record's time while the template is built.
const timeSentinel int64 = -4_611_686_018_427_387_903

// timelineTemplate encodes a record with placeholders the way newProject
// encodes records, once, and splits it at the placeholders: rendering a
// record is then a few appends, and Record (which encodes for real) gives
// the same bytes.
var timelineTemplate = sync.OnceValue(func() *recordTemplate {
	content := mustJSON(timelineEvent("@ID@", "@NS@", "@POD@", "@STAMP@"))
	wire := string(mustJSON(wireRecord{
		ClusterName: TimelineClusterName, ClusterID: "@CLUSTER@", Time: timeSentinel, Content: string(content),
		ClusterType: TimelineClusterType, HostID: TimelineHostID, HostName: TimelineHostName, HostIP: TimelineHostIP,
	}))
	marks := []struct {
		text string
		slot int
	}{
		{"@CLUSTER@", slotCluster}, {strconv.FormatInt(timeSentinel, 10), slotTime},
		{"@ID@", slotID}, {"@NS@", slotNS}, {"@POD@", slotPod}, {"@STAMP@", slotStamp},
	}
	tm := &recordTemplate{}
	for {
		at, which := -1, -1
		for k, m := range marks {
			if j := strings.Index(wire, m.text); j >= 0 && (at < 0 || j < at) {
				at, which = j, k
			}
		}
		if at < 0 {
			break
		}
		tm.parts = append(tm.parts, wire[:at])
		tm.slots = append(tm.slots, marks[which].slot)
		wire = wire[at+len(marks[which].text):]
	}
	tm.parts = append(tm.parts, wire)
	for _, p := range tm.parts {
		tm.size += len(p)
	}
	return tm
})
