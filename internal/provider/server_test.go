package provider

import (
	"context"
	"math/big"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hss-tf/terraform-provider-hss/internal/auditlogs"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

const (
	diffAK = "DIFFTESTAK0000000001"
	diffSK = "diff-test-secret-key-00000000000001"
)

var diffNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// diffRecords are the awkward cases: nulls, numbers for strings, unicode
// and escapes, free text and events.
func diffRecords() []standin.Record {
	event := `{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"d-1","verb":"delete","user":{"username":"zoë@example.com","groups":["dev"]},` +
		`"impersonatedUser":{"username":"bob"},"sourceIPs":["10.0.0.1","::1"],"objectRef":{"resource":"pods","subresource":"exec","namespace":"prod","name":"web-0"},` +
		`"responseStatus":{"code":"403"},"requestReceivedTimestamp":"2026-11-20T19:59:00.5+08:00","annotations":{"k":"v \"quoted\"\n"}}`
	recs := []standin.Record{
		{ClusterID: "c1", ClusterType: "cce", HostName: 111, HostID: "h-1", HostIP: "10.0.0.1", Time: diffNow.UnixMilli(), Content: event, LineNum: "1000003"},
		{ClusterID: "c1", ClusterType: "cce", HostName: "nöde-☃", Time: diffNow.Add(-time.Second).UnixMilli(), Content: "free text \"quoted\" \\ \t tab 🚀", LineNum: "1000002"},
		{ClusterID: "c1", ClusterType: "cce", Time: diffNow.Add(-2 * time.Second).UnixMilli(), Content: "", LineNum: "1000001"},
	}
	recs = append(recs, standin.Generate("c2", "self_built_idc", 45, diffNow, false)...)
	return recs
}

// servers returns the framework's server and the provider's, configured alike.
func servers(t *testing.T, url string, providerExtra map[string]tftypes.Value) (framework, direct tfprotov6.ProviderServer) {
	t.Helper()
	framework = providerserver.NewProtocol6(New("test")())()
	direct = NewServer("test")()
	ctx := context.Background()
	schema, err := framework.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ := schema.Provider.ValueType()
	attrs := map[string]tftypes.Value{
		"region": text("cn-north-4"), "project_id": text(standin.SeedProjectID), "access_key": text(diffAK), "secret_key": text(diffSK),
		"endpoints":   tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"hss": text(url)}),
		"max_retries": num(0),
	}
	for k, v := range providerExtra {
		attrs[k] = v
	}
	cfg := dynamic(t, typ, attrs)
	for _, s := range []tfprotov6.ProviderServer{framework, direct} {
		resp, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: &cfg})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Fatalf("configure: %v %v", err, resp.Diagnostics)
		}
	}
	return framework, direct
}

func text(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
func num(n int64) tftypes.Value   { return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(n)) }

// dynamic encodes an object of typ with attrs, the others null.
func dynamic(t testing.TB, typ tftypes.Type, attrs map[string]tftypes.Value) tfprotov6.DynamicValue {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("%v is not an object type", typ)
	}
	all := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		all[name] = tftypes.NewValue(at, nil)
		if v, ok := attrs[name]; ok {
			all[name] = v
		}
	}
	dv, err := tfprotov6.NewDynamicValue(obj, tftypes.NewValue(obj, all))
	if err != nil {
		t.Fatal(err)
	}
	return dv
}

// TestDirectPathMatchesFramework runs the same reads through the
// framework and through the direct path: same state, same diagnostics.
func TestDirectPathMatchesFramework(t *testing.T) {
	s := standin.New(standin.Options{
		ProjectID: standin.SeedProjectID, AccessKey: diffAK, SecretKey: diffSK, Records: diffRecords(), EnterpriseProjects: []string{"eps-1"},
	})
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx := context.Background()
	dsType := auditlogs.Schema(ctx).Type().TerraformType(ctx)
	window := map[string]tftypes.Value{"start_time": num(diffNow.Add(-time.Hour).UnixMilli()), "end_time": num(diffNow.UnixMilli())}
	with := func(cluster string, kv ...any) map[string]tftypes.Value {
		m := map[string]tftypes.Value{"cluster_id": text(cluster)}
		for k, v := range window {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1].(tftypes.Value) //nolint:forcetypeassert // test table
		}
		return m
	}
	strList := func(vs ...string) tftypes.Value {
		l := make([]tftypes.Value, len(vs))
		for i, v := range vs {
			l[i] = text(v)
		}
		return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, l)
	}
	filterType := dsType.(tftypes.Object).AttributeTypes["filter"].(tftypes.Object)     //nolint:forcetypeassert // schema
	timeoutsType := dsType.(tftypes.Object).AttributeTypes["timeouts"].(tftypes.Object) //nolint:forcetypeassert // schema
	fixedID := http.Header{"X-Request-Id": {"req-fixed"}}
	// filterOf is a filter block with the criteria given, the others null.
	filterOf := func(kv ...any) tftypes.Value {
		m := map[string]tftypes.Value{}
		for name, at := range filterType.AttributeTypes {
			m[name] = tftypes.NewValue(at, nil)
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1].(tftypes.Value) //nolint:forcetypeassert // test table
		}
		return tftypes.NewValue(filterType, m)
	}

	cases := map[string]struct {
		attrs  map[string]tftypes.Value
		faults []standin.Fault
		diags  string // what the diagnostics say; "" for none
		n      int    // records in data_list, when the read succeeds
	}{
		"awkward records, by cursor": {attrs: with("c1", "limit", num(2)), n: 3},
		"offset paging":              {attrs: with("c2", "limit", num(10), "enterprise_project_id", text("eps-1")), n: 45},
		"zero records":               {attrs: with("c2", "verb", text("watch"), "cluster_name", text("nope")), n: 0},
		"filter":                     {attrs: with("c1", "filter", filterOf("usernames", strList("zoë@example.com"), "resources", strList("pods/exec"))), n: 1},
		"group counts":               {attrs: with("c2", "group_by", strList("user", "verb"), "include_records", tftypes.NewValue(tftypes.Bool, false), "limit", num(10)), n: 0},
		"group counts with records":  {attrs: with("c1", "group_by", strList("resource"), "filter", filterOf("verbs", strList("delete", "get"))), n: 1},
		"max_results warning":        {attrs: with("c2", "max_results", num(15), "limit", num(10)), n: 15, diags: "WARNING: Audit-log list truncated at max_results"},
		"content redacted":           {attrs: with("c1", "content_mode", text("redacted")), n: 3},
		"content raw":                {attrs: with("c1", "content_mode", text("raw")), n: 3},
		"content none":               {attrs: with("c1", "content_mode", text("none")), n: 3},
		"timeouts":                   {attrs: with("c2", "timeouts", tftypes.NewValue(timeoutsType, map[string]tftypes.Value{"read": text("30s")})), n: 45},
		"total changes warning":      {attrs: with("c1", "limit", num(2)), faults: []standin.Fault{{Status: 200, Match: map[string][]string{"line_num": {"1000002"}}, Body: `{"total_num":4,"data_list":[{"cluster_id":"c1","time":1,"line_num":"1000001"}]}`}}, n: 3, diags: "WARNING: Audit-log read completed with a discrepancy"},
		"service error":              {attrs: with("c2"), faults: []standin.Fault{{Status: 401, Header: fixedID, Body: `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}`}}, diags: "ERROR: Error reading HSS cluster audit logs: HTTP status: 401"},
		"paging error":               {attrs: with("c2", "limit", num(10)), faults: []standin.Fault{{Status: 200, Header: fixedID, Match: map[string][]string{"offset": {"10"}}, Body: `{"total_num":99,"data_list":[]}`}}, diags: "ERROR: Audit-log read incomplete"},
		"region this provider lacks": {attrs: with("c2", "region", text("eu-west-101")), diags: "ERROR: Region not served"},
		"enterprise project refused": {attrs: with("c2", "enterprise_project_id", text("eps-2")), faults: []standin.Fault{{Status: 403, Header: fixedID, Body: `{"error_code":"HSS.0004","error_msg":"no permission"}`}}, diags: "ERROR: Error reading HSS cluster audit logs: HTTP status: 403"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			// Providers of their own: one provider instance reads a query
			// once, and each case sets the faults of its own reads.
			framework, direct := servers(t, srv.URL, nil)
			cfg := dynamic(t, dsType, tc.attrs)
			read := func(srv tfprotov6.ProviderServer) *tfprotov6.ReadDataSourceResponse {
				// A read that stopped early (max_results) or failed may have
				// had a page in flight; let it reach the stand-in before the
				// faults are set, or it could take one meant for this read.
				time.Sleep(100 * time.Millisecond)
				s.Reset()
				s.Inject(tc.faults...)
				resp, err := srv.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: auditlogs.TypeName, Config: &cfg})
				if err != nil {
					t.Fatal(err)
				}
				return resp
			}
			want, got := read(framework), read(direct)
			if !reflect.DeepEqual(want.Diagnostics, got.Diagnostics) {
				t.Fatalf("diagnostics differ:\nframework %s\ndirect    %s", diagText(want.Diagnostics), diagText(got.Diagnostics))
			}
			wantState, err := want.State.Unmarshal(dsType)
			if err != nil {
				t.Fatal(err)
			}
			gotState, err := got.State.Unmarshal(dsType)
			if err != nil {
				t.Fatal(err)
			}
			if !wantState.Equal(gotState) {
				diffs, _ := wantState.Diff(gotState)
				t.Fatalf("states differ: %v", diffs)
			}
			// Both paths agree; and they say what the case is about.
			if d := diagText(got.Diagnostics); (tc.diags == "") != (d == "") || !strings.HasPrefix(d, tc.diags) {
				t.Fatalf("diagnostics %q, want %q", d, tc.diags)
			}
			if tc.diags == "" || strings.HasPrefix(tc.diags, "WARNING") {
				var attrs map[string]tftypes.Value
				var list []tftypes.Value
				if err := gotState.As(&attrs); err != nil || attrs["data_list"].As(&list) != nil || len(list) != tc.n {
					t.Fatalf("data_list has %d records, want %d", len(list), tc.n)
				}
			}
		})
	}
}

func diagText(ds []*tfprotov6.Diagnostic) string {
	out := ""
	for _, d := range ds {
		out += d.Severity.String() + ": " + d.Summary + ": " + d.Detail
		if d.Attribute != nil {
			out += " @" + d.Attribute.String()
		}
		out += "\n"
	}
	return out
}
