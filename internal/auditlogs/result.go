package auditlogs

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/hss-tf/terraform-provider-hss/internal/functions"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
)

// valueTypes are the Terraform types of the state, taken once from the
// schema so the values built here always match it.
type valueTypes struct {
	state, record, event, user, impersonated, objectRef tftypes.Object
	records, strings                                    tftypes.List
	annotations                                         tftypes.Map
	stateNames                                          []string // the state's attributes, sorted
}

var stateTypes = sync.OnceValue(func() valueTypes {
	ctx := context.Background()
	state := Schema(ctx).Type().TerraformType(ctx).(tftypes.Object) //nolint:forcetypeassert // a schema is an object
	records := state.AttributeTypes["data_list"].(tftypes.List)     //nolint:forcetypeassert // see schema.go
	record := records.ElementType.(tftypes.Object)                  //nolint:forcetypeassert // see schema.go
	event := record.AttributeTypes["event"].(tftypes.Object)        //nolint:forcetypeassert // see event_schema.go
	return valueTypes{
		state: state, record: record, event: event, records: records,
		user:         event.AttributeTypes["user"].(tftypes.Object),              //nolint:forcetypeassert // see event_schema.go
		impersonated: event.AttributeTypes["impersonated_user"].(tftypes.Object), //nolint:forcetypeassert // see event_schema.go
		objectRef:    event.AttributeTypes["object_ref"].(tftypes.Object),        //nolint:forcetypeassert // see event_schema.go
		strings:      event.AttributeTypes["source_ips"].(tftypes.List),          //nolint:forcetypeassert // see event_schema.go
		annotations:  event.AttributeTypes["annotations"].(tftypes.Map),          //nolint:forcetypeassert // see event_schema.go
		stateNames:   slices.Sorted(maps.Keys(state.AttributeTypes)),
	}
})

// stateMsgPack encodes the data source's new state, straight to the
// msgpack of a tfprotov6.DynamicValue: the configuration as given, the
// defaults applied, and the records read. It is the one place records
// become Terraform values, for both the framework's path (which decodes
// it) and the direct path (which sends it as is); building no value tree
// on the way is what keeps a read of tens of thousands of events cheap.
// Zero records give data_list = [], never null.
func stateMsgPack(ctx context.Context, config tftypes.Value, m *model, id string, out outcome) ([]byte, error) {
	t := stateTypes()
	attrs := map[string]tftypes.Value{}
	if err := config.As(&attrs); err != nil {
		return nil, fmt.Errorf("reading the configuration: %w", err)
	}
	for name, v := range map[string]interface {
		ToTerraformValue(context.Context) (tftypes.Value, error)
	}{"region": m.Region, "enterprise_project_id": m.EnterpriseProjectID, "limit": m.Limit, "offset": m.Offset, "content_mode": m.ContentMode} {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			return nil, err
		}
		attrs[name] = tv
	}
	attrs["id"] = tftypes.NewValue(tftypes.String, id)
	attrs["total_num"] = tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(out.total))
	attrs["malformed_num"] = tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(out.malformed.n))

	// The configuration's few values go through tftypes' own encoding.
	encoded := make(map[string][]byte, len(t.stateNames))
	for _, name := range t.stateNames {
		if name == "data_list" || name == "group_counts" {
			continue
		}
		dv, err := tfprotov6.NewDynamicValue(t.state.AttributeTypes[name], attrs[name])
		if err != nil {
			return nil, fmt.Errorf("encoding %s: %w", name, err)
		}
		encoded[name] = dv.MsgPack
	}
	// A first pass counts the bytes, so the buffer is allocated once, at
	// its exact size: growing it by doubling cost a third of the encoding's
	// time and twice its memory at the peak.
	counter := writer{count: true}
	counter.state(t.stateNames, encoded, out)
	buf := bytes.NewBuffer(make([]byte, 0, counter.n))
	w := writer{enc: msgpack.NewEncoder(buf), buf: buf}
	w.state(t.stateNames, encoded, out)
	if w.err != nil {
		return nil, w.err
	}
	return buf.Bytes(), nil
}

// state writes the state object: data_list from the rows, every other
// attribute as already encoded.
func (w *writer) state(names []string, encoded map[string][]byte, out outcome) {
	w.mapLen(len(names))
	for _, name := range names {
		w.str(name)
		switch name {
		case "data_list":
			w.arrayLen(len(out.rows))
			for i := range out.rows {
				w.record(&out.rows[i])
			}
		case "group_counts":
			w.groupCounts(out.groups)
		default:
			w.raw(encoded[name])
		}
	}
}

// groupCounts writes group_counts: null without group_by (groups nil),
// else one object per group, attributes in name order as tftypes writes
// them.
func (w *writer) groupCounts(groups []*group) {
	if groups == nil {
		w.null()
		return
	}
	w.arrayLen(len(groups))
	for _, g := range groups {
		w.mapLen(6)
		w.str("count")
		w.num(g.count)
		w.str("first_time")
		w.num(g.first)
		w.str("first_time_rfc3339")
		w.str(functions.FormatUnixMilli(g.first))
		w.str("key")
		w.mapLen(len(g.values))
		for i, k := range g.keys {
			w.str(k)
			w.str(g.values[i])
		}
		w.str("last_time")
		w.num(g.last)
		w.str("last_time_rfc3339")
		w.str(functions.FormatUnixMilli(g.last))
	}
}

// writer writes msgpack as tftypes does, keeping the first error; with
// count set it only adds up the bytes it would write, in n.
type writer struct {
	enc   *msgpack.Encoder
	buf   *bytes.Buffer // enc writes through to it, unbuffered
	err   error
	count bool
	n     int
}

func (w *writer) keep(err error) {
	if w.err == nil {
		w.err = err
	}
}

// The sizes below are those msgpack.Encoder writes (encode_map.go,
// encode_slice.go, encode_number.go); TestWriterCountsExactly holds them
// to it.

func (w *writer) mapLen(n int) {
	if w.count {
		w.n += collectionHeader(n)
		return
	}
	w.keep(w.enc.EncodeMapLen(n))
}

func (w *writer) arrayLen(n int) {
	if w.count {
		w.n += collectionHeader(n)
		return
	}
	w.keep(w.enc.EncodeArrayLen(n))
}

func (w *writer) str(s string) {
	if w.count {
		w.n += stringHeader(len(s)) + len(s)
		return
	}
	w.keep(w.enc.EncodeString(s))
}

func (w *writer) null() {
	if w.count {
		w.n++
		return
	}
	w.keep(w.enc.EncodeNil())
}

func (w *writer) num(n int64) {
	if w.count {
		w.n += intSize(n)
		return
	}
	w.keep(w.enc.EncodeInt(n))
}

// raw appends an encoded value.
func (w *writer) raw(b []byte) {
	if w.count {
		w.n += len(b)
		return
	}
	if w.err == nil {
		_, w.err = w.buf.Write(b)
	}
}

func collectionHeader(n int) int {
	switch {
	case n < 16:
		return 1
	case n <= math.MaxUint16:
		return 3
	}
	return 5
}

func stringHeader(n int) int {
	switch {
	case n < 32:
		return 1
	case n < 256:
		return 2
	case n <= math.MaxUint16:
		return 3
	}
	return 5
}

func intSize(n int64) int {
	switch {
	case n >= -32 && n <= math.MaxInt8:
		return 1
	case n >= math.MinInt8 && n <= math.MaxUint8:
		return 2
	case n >= math.MinInt16 && n <= math.MaxUint16:
		return 3
	case n >= math.MinInt32 && n <= math.MaxUint32:
		return 5
	}
	return 9
}

// strOrNull maps the service's "absent" (an empty string) to null.
func (w *writer) strOrNull(s string) {
	if s == "" {
		w.null()
		return
	}
	w.str(s)
}

// strs is never null: [] when there is nothing.
func (w *writer) strs(vs []string) {
	w.arrayLen(len(vs))
	for _, v := range vs {
		w.str(v)
	}
}

// record writes one data_list element; its keys are those of schema.go.
func (w *writer) record(r *row) {
	w.mapLen(11)
	w.str("cluster_id")
	w.str(r.ClusterID)
	w.str("cluster_name")
	w.str(r.ClusterName)
	w.str("cluster_type")
	w.str(r.ClusterType)
	w.str("content")
	if r.noContent {
		w.null()
	} else {
		w.str(r.Content)
	}
	w.str("event")
	w.event(r.Event)
	w.str("host_id")
	w.str(r.HostID)
	w.str("host_ip")
	w.str(r.HostIP)
	w.str("host_name")
	w.str(r.HostName)
	w.str("line_num")
	w.strOrNull(r.LineNum)
	w.str("time")
	w.num(r.Time)
	w.str("time_rfc3339")
	w.str(functions.FormatUnixMilli(r.Time))
}

// event is null without an event; inside one, objects and lists are never
// null, so expressions such as event.object_ref.resource work.
func (w *writer) event(ev *k8saudit.Event) {
	if ev == nil {
		w.null()
		return
	}
	w.mapLen(14)
	w.str("annotations")
	w.mapLen(len(ev.Annotations))
	for k, v := range ev.Annotations {
		w.str(k)
		w.str(v)
	}
	w.str("audit_id")
	w.strOrNull(ev.AuditID)
	w.str("impersonated_user")
	w.mapLen(1)
	w.str("username")
	if ev.ImpersonatedUser != nil {
		w.strOrNull(ev.ImpersonatedUser.Username)
	} else {
		w.null()
	}
	w.str("level")
	w.strOrNull(ev.Level)
	ref := ev.ObjectRef
	if ref == nil {
		ref = &k8saudit.ObjectReference{}
	}
	w.str("object_ref")
	w.mapLen(6)
	w.str("api_group")
	w.strOrNull(ref.APIGroup)
	w.str("api_version")
	w.strOrNull(ref.APIVersion)
	w.str("name")
	w.strOrNull(ref.Name)
	w.str("namespace")
	w.strOrNull(ref.Namespace)
	w.str("resource")
	w.strOrNull(ref.Resource)
	w.str("subresource")
	w.strOrNull(ref.Subresource)
	w.str("request_received_timestamp")
	w.strOrNull(ev.RequestReceivedTimestamp)
	w.str("request_uri")
	w.strOrNull(ev.RequestURI)
	w.str("response_code")
	if ev.ResponseCode != nil {
		w.num(*ev.ResponseCode)
	} else {
		w.null()
	}
	w.str("source_ips")
	w.strs(ev.SourceIPs)
	w.str("stage")
	w.strOrNull(ev.Stage)
	w.str("stage_timestamp")
	w.strOrNull(ev.StageTimestamp)
	w.str("user")
	w.mapLen(3)
	w.str("groups")
	w.strs(ev.User.Groups)
	w.str("uid")
	w.strOrNull(ev.User.UID)
	w.str("username")
	w.strOrNull(ev.User.Username)
	w.str("user_agent")
	w.strOrNull(ev.UserAgent)
	w.str("verb")
	w.strOrNull(ev.Verb)
}
