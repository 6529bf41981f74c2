package auditlogs

import (
	"bytes"
	"math/big"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
	"github.com/hss-tf/terraform-provider-hss/internal/patterns"
)

func TestApplyDefaultsAndQuery(t *testing.T) {
	m := model{
		Region: types.StringNull(), EnterpriseProjectID: types.StringNull(), ClusterID: types.StringValue("c"),
		StartTime: types.Int64Value(1), EndTime: types.Int64Value(2), ClusterName: types.StringValue(""),
		HostName: types.StringNull(), HostID: types.StringNull(), HostIP: types.StringNull(), Verb: types.StringValue("get"),
		LineNum: types.StringNull(), Limit: types.Int64Null(), Offset: types.Int64Null(),
	}
	m.applyDefaults(&ProviderData{Region: "cn-north-4", EnterpriseProjectID: "0"})
	if m.Region.ValueString() != "cn-north-4" || m.EnterpriseProjectID.ValueString() != "0" || m.Limit.ValueInt64() != 200 || m.Offset.ValueInt64() != 0 {
		t.Fatalf("%+v", m)
	}
	want := hss.Query{ClusterID: "c", StartTime: 1, EndTime: 2, EnterpriseProjectID: "0", Verb: "get", Limit: 200}
	if got := m.query(); !reflect.DeepEqual(got, want) {
		t.Fatalf("query %+v, want %+v", got, want)
	}

	// The user's values win over the provider's.
	m2 := m
	m2.Region, m2.EnterpriseProjectID = types.StringValue("r"), types.StringValue("e")
	m2.applyDefaults(&ProviderData{Region: "cn-north-4", EnterpriseProjectID: "0"})
	if m2.Region.ValueString() != "r" || m2.EnterpriseProjectID.ValueString() != "e" {
		t.Fatalf("%+v", m2)
	}

	// No provider default: state shows null, and nothing is sent.
	m3 := model{Region: types.StringNull(), EnterpriseProjectID: types.StringNull(), Limit: types.Int64Value(5), Offset: types.Int64Value(3)}
	m3.applyDefaults(&ProviderData{})
	if !m3.Region.IsNull() || !m3.EnterpriseProjectID.IsNull() || m3.Limit.ValueInt64() != 5 || m3.Offset.ValueInt64() != 3 {
		t.Fatalf("%+v", m3)
	}
}

func TestQueryIDIsStableAndDistinct(t *testing.T) {
	q := hss.Query{ClusterID: "c", StartTime: 1, EndTime: 2, Limit: 200}
	a := queryID("r", q, narrowing{})
	if a != queryID("r", q, narrowing{}) || len(a) != 32 {
		t.Fatalf("unstable or malformed id %q", a)
	}
	seen := map[string]string{a: "base"}
	variants := map[string]hss.Query{}
	for name, mod := range map[string]func(*hss.Query){
		"cluster": func(q *hss.Query) { q.ClusterID = "d" }, "start": func(q *hss.Query) { q.StartTime = 0 },
		"end": func(q *hss.Query) { q.EndTime = 3 }, "eps": func(q *hss.Query) { q.EnterpriseProjectID = "0" },
		"name": func(q *hss.Query) { q.ClusterName = "n" }, "host": func(q *hss.Query) { q.HostName = "h" },
		"hostid": func(q *hss.Query) { q.HostID = "h" }, "ip": func(q *hss.Query) { q.HostIP = "h" },
		"verb": func(q *hss.Query) { q.Verb = "get" }, "line": func(q *hss.Query) { q.LineNum = "1" },
		"limit": func(q *hss.Query) { q.Limit = 10 }, "offset": func(q *hss.Query) { q.Offset = 1 },
		// Field boundaries matter: "a","bc" is not "ab","c".
		"split1": func(q *hss.Query) { q.ClusterName, q.HostName = "ab", "c" },
		"split2": func(q *hss.Query) { q.ClusterName, q.HostName = "a", "bc" },
	} {
		v := q
		mod(&v)
		variants[name] = v
	}
	for name, v := range variants {
		id := queryID("r", v, narrowing{})
		if prev, dup := seen[id]; dup {
			t.Errorf("%s and %s share id %s", name, prev, id)
		}
		seen[id] = name
	}
	if queryID("other", q, narrowing{}) == a {
		t.Error("region does not change the id")
	}
	for name, n := range map[string]narrowing{
		"max_results": {maxResults: 5},
		"filter":      {filter: &filterSpec{usernames: patterns.New("a")}},
		"filter2":     {filter: &filterSpec{excludeUsernames: patterns.New("a")}},
		"empty":       {filter: &filterSpec{}},
	} {
		id := queryID("r", q, n)
		if prev, dup := seen[id]; dup {
			t.Errorf("%s and %s share id %s", name, prev, id)
		}
		seen[id] = name
	}
}

// attr reads the attribute at path of an object value, as a Go value.
func attrOf(t *testing.T, v tftypes.Value, path ...string) tftypes.Value {
	t.Helper()
	for _, p := range path {
		var m map[string]tftypes.Value
		if err := v.As(&m); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		var ok bool
		if v, ok = m[p]; !ok {
			t.Fatalf("no attribute %s", p)
		}
	}
	return v
}

func wantText(t *testing.T, v tftypes.Value, want string, path ...string) {
	t.Helper()
	var s *string
	if err := attrOf(t, v, path...).As(&s); err != nil {
		t.Fatal(err)
	}
	switch {
	case want == "<null>" && s != nil:
		t.Errorf("%v = %q, want null", path, *s)
	case want != "<null>" && (s == nil || *s != want):
		t.Errorf("%v = %v, want %q", path, s, want)
	}
}

// recordValue encodes one record as stateMsgPack does, and decodes it.
func recordValue(t valueTypes, r *row) tftypes.Value {
	var buf bytes.Buffer
	w := writer{enc: msgpack.NewEncoder(&buf)}
	w.record(r)
	if w.err != nil {
		panic(w.err)
	}
	v, err := (&tfprotov6.DynamicValue{MsgPack: buf.Bytes()}).Unmarshal(t.record)
	if err != nil {
		panic(err)
	}
	return v
}

func TestRecordValues(t *testing.T) {
	types := stateTypes()
	code := int64(403)
	plain := recordValue(types, &row{Record: hss.Record{ClusterName: "a", ClusterID: "b", Time: 1795514400123, Content: "x", ClusterType: "cce", HostID: "h", HostName: "111", HostIP: "1.2.3.4", LineNum: "9"}})
	for path, want := range map[string]string{
		"cluster_name": "a", "cluster_id": "b", "content": "x", "cluster_type": "cce", "host_id": "h", "host_name": "111",
		"host_ip": "1.2.3.4", "line_num": "9", "time_rfc3339": "2026-11-24T10:00:00.123Z",
	} {
		wantText(t, plain, want, path)
	}
	var ms big.Float
	if err := attrOf(t, plain, "time").As(&ms); err != nil {
		t.Fatal(err)
	}
	if n, acc := ms.Int64(); acc != big.Exact || n != 1795514400123 {
		t.Errorf("time = %v", ms.Text('f', 3))
	}
	if !attrOf(t, plain, "event").IsNull() {
		t.Error("event of free text is not null")
	}

	withEvent := recordValue(types, &row{Record: hss.Record{ClusterID: "b", Time: 4}, Event: &k8saudit.Event{
		Verb: "delete", User: k8saudit.UserInfo{Username: "alice", Groups: []string{"dev"}},
		ObjectRef: &k8saudit.ObjectReference{Resource: "secrets", Namespace: "production", Name: "db"}, ResponseCode: &code,
		Annotations: map[string]string{"authorization.k8s.io/decision": "allow"},
	}})
	wantText(t, withEvent, "<null>", "line_num")
	wantText(t, withEvent, "1970-01-01T00:00:00.004Z", "time_rfc3339")
	wantText(t, withEvent, "delete", "event", "verb")
	wantText(t, withEvent, "alice", "event", "user", "username")
	wantText(t, withEvent, "secrets", "event", "object_ref", "resource")
	wantText(t, withEvent, "<null>", "event", "object_ref", "subresource")
	wantText(t, withEvent, "<null>", "event", "impersonated_user", "username")
	wantText(t, withEvent, "allow", "event", "annotations", "authorization.k8s.io/decision")

	// An event without object, groups or annotations: objects present, lists empty, not null.
	bare := recordValue(types, &row{Event: &k8saudit.Event{Verb: "get"}})
	for _, path := range [][]string{{"event", "source_ips"}, {"event", "user", "groups"}, {"event", "annotations"}, {"event", "object_ref"}} {
		if v := attrOf(t, bare, path...); v.IsNull() {
			t.Errorf("%v is null", path)
		}
	}
	wantText(t, bare, "<null>", "event", "object_ref", "resource")
	if !attrOf(t, bare, "event", "response_code").IsNull() {
		t.Error("response_code not null")
	}
}
