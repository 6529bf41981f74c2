package auditlogs

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
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
	if got := m.query(); got != want {
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
		"filter":      {filter: &filterSpec{usernames: setOf([]string{"a"})}},
		"filter2":     {filter: &filterSpec{excludeUsernames: setOf([]string{"a"})}},
		"empty":       {filter: &filterSpec{}},
	} {
		id := queryID("r", q, n)
		if prev, dup := seen[id]; dup {
			t.Errorf("%s and %s share id %s", name, prev, id)
		}
		seen[id] = name
	}
}

func TestRecordsConversion(t *testing.T) {
	if got := records(nil); got == nil || len(got) != 0 {
		t.Fatalf("zero records must be an empty, non-nil list: %#v", got)
	}
	code := int64(403)
	got := records([]row{
		{Record: hss.Record{ClusterName: "a", ClusterID: "b", Time: 1795514400123, Content: "x", ClusterType: "cce", HostID: "h", HostName: "111", HostIP: "1.2.3.4", LineNum: "9"}},
		{Record: hss.Record{ClusterID: "b", Time: 4}, Event: &k8saudit.Event{
			Verb: "delete", User: k8saudit.UserInfo{Username: "alice", Groups: []string{"dev"}},
			ObjectRef: &k8saudit.ObjectReference{Resource: "secrets", Namespace: "production", Name: "db"}, ResponseCode: &code,
			Annotations: map[string]string{"authorization.k8s.io/decision": "allow"},
		}},
		{Record: hss.Record{ClusterID: "b"}, Event: &k8saudit.Event{Verb: "get"}},
	})
	want0 := recordModel{
		ClusterName: types.StringValue("a"), ClusterID: types.StringValue("b"), Time: types.Int64Value(1795514400123), Content: types.StringValue("x"),
		ClusterType: types.StringValue("cce"), HostID: types.StringValue("h"), HostName: types.StringValue("111"),
		HostIP: types.StringValue("1.2.3.4"), LineNum: types.StringValue("9"), TimeRFC3339: types.StringValue("2026-11-24T10:00:00.123Z"),
	}
	if !reflect.DeepEqual(got[0], want0) {
		t.Fatalf("record 0 = %+v", got[0])
	}
	ev := got[1].Event
	if !got[1].LineNum.IsNull() || ev == nil || ev.Verb.ValueString() != "delete" || ev.User.Username.ValueString() != "alice" ||
		len(ev.User.Groups) != 1 || ev.ObjectRef.Resource.ValueString() != "secrets" || ev.ObjectRef.Namespace.ValueString() != "production" ||
		!ev.ObjectRef.Subresource.IsNull() || ev.ResponseCode.ValueInt64() != 403 || !ev.ImpersonatedUser.Username.IsNull() ||
		ev.Annotations["authorization.k8s.io/decision"].ValueString() != "allow" || got[1].TimeRFC3339.ValueString() != "1970-01-01T00:00:00.004Z" {
		t.Fatalf("record 1 = %+v, event %+v", got[1], ev)
	}
	// An event without an object, groups or annotations: objects present, lists empty, not null.
	ev = got[2].Event
	if ev.SourceIPs == nil || ev.User.Groups == nil || ev.Annotations == nil || !ev.ObjectRef.Resource.IsNull() || !ev.ResponseCode.IsNull() {
		t.Fatalf("event 2 = %+v", ev)
	}
}
