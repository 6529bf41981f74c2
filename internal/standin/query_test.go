package standin_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

func TestValidationNamesParameter(t *testing.T) {
	_, ts := newServer(t, nil)
	cases := []struct {
		name, param, value string // value "" deletes the parameter
	}{
		{"cluster_id missing", "cluster_id", ""},
		{"start_time missing", "start_time", ""},
		{"start_time not integer", "start_time", "yesterday"},
		{"end_time missing", "end_time", ""},
		{"end_time float", "end_time", "1.5"},
		{"end_time before start_time", "end_time", "1"},
		{"limit missing", "limit", ""},
		{"limit zero", "limit", "0"},
		{"limit above max", "limit", "201"},
		{"offset missing", "offset", ""},
		{"offset negative", "offset", "-1"},
		{"offset not integer", "offset", "x"},
		{"verb unknown", "verb", "destroy"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := baseQuery()
			if c.value == "" {
				q.Del(c.param)
			} else {
				q.Set(c.param, c.value)
			}
			wantError(t, do(t, tokenRequest(t, ts.URL, apiPath, q)), 400, "HSS.1001", c.param)
		})
	}
}

func TestMaxLimitOption(t *testing.T) {
	_, ts := newServer(t, func(o *standin.Options) { o.MaxLimit = 50 })
	q := baseQuery()
	q.Set("limit", "50")
	if b := do(t, tokenRequest(t, ts.URL, apiPath, q)); b.Status != 200 {
		t.Fatalf("limit 50: %d", b.Status)
	}
	q.Set("limit", "51")
	wantError(t, do(t, tokenRequest(t, ts.URL, apiPath, q)), 400, "HSS.1001", "limit")
}

func TestEnterpriseProject(t *testing.T) {
	_, ts := newServer(t, func(o *standin.Options) { o.EnterpriseProjects = []string{"eps-123"} })
	for _, eps := range []string{"0", "all_granted_eps", "eps-123"} {
		q := baseQuery()
		q.Set("enterprise_project_id", eps)
		if b := do(t, tokenRequest(t, ts.URL, apiPath, q)); b.Status != 200 {
			t.Fatalf("eps %s: %d %s", eps, b.Status, b.Raw)
		}
	}
	q := baseQuery()
	q.Set("enterprise_project_id", "eps-999")
	wantError(t, do(t, tokenRequest(t, ts.URL, apiPath, q)), 403, "HSS.0004", "eps-999")
}

func TestRoutingAndProject(t *testing.T) {
	_, ts := newServer(t, nil)
	b := do(t, tokenRequest(t, ts.URL, "/v5/"+standin.SeedProjectID+"/container/kubernetes/clusters", baseQuery()))
	wantError(t, b, 404, "APIGW.0101", "/clusters")
	if b.Header.Get("X-Request-Id") == "" || b.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("404 headers %v", b.Header)
	}
	req := tokenRequest(t, ts.URL, apiPath, baseQuery())
	req.Method = http.MethodPost
	wantError(t, do(t, req), 404, "APIGW.0101", "POST")
	wantError(t, do(t, tokenRequest(t, ts.URL, "/v5/otherproject"+standin.APIPathSuffix, baseQuery())),
		403, "HSS.0003", "otherproject")
}

// query runs a token request over the whole seed (3 days) with extra
// parameters and returns the answer.
func query(t *testing.T, base string, set map[string]string) listBody {
	t.Helper()
	q := baseQuery()
	q.Set("start_time", strconv.FormatInt(testNow.Add(-72*time.Hour).UnixMilli(), 10))
	q.Set("limit", "200")
	for k, v := range set {
		q.Set(k, v)
	}
	b := do(t, tokenRequest(t, base, apiPath, q))
	if b.Status != 200 {
		t.Fatalf("status %d: %s", b.Status, b.Raw)
	}
	return b
}

func TestFilters(t *testing.T) {
	_, ts := newServer(t, nil)
	if b := query(t, ts.URL, nil); *b.TotalNum != 32 || len(b.DataList) != 32 {
		t.Fatalf("all CCE: %d/%d", *b.TotalNum, len(b.DataList))
	}
	if b := query(t, ts.URL, map[string]string{"cluster_id": standin.SeedIDCClusterID}); *b.TotalNum != 16 || b.DataList[0].LineNum != nil {
		t.Fatalf("IDC: %d, first %+v", *b.TotalNum, b.DataList[0])
	}
	// Two deletes: the replicaset controller's pod and alice's secret (newest first).
	b := query(t, ts.URL, map[string]string{"verb": "delete"})
	if *b.TotalNum != 2 || !bytes.Contains([]byte(b.DataList[0].Content), []byte(`"username":"alice@example.com"`)) {
		t.Fatalf("verb=delete: %d %+v", *b.TotalNum, b.DataList)
	}
	for verb, want := range map[string]int{"deletecollection": 1, "watch": 3, "create": 3} {
		if b := query(t, ts.URL, map[string]string{"verb": verb}); *b.TotalNum != want {
			t.Fatalf("verb=%s: %d, want %d", verb, *b.TotalNum, want)
		}
	}
	if b := query(t, ts.URL, map[string]string{"host_name": "111"}); *b.TotalNum != 1 || string(b.DataList[0].HostName) != "111" {
		t.Fatalf("host_name=111: %d", *b.TotalNum)
	}
	if b := query(t, ts.URL, map[string]string{"host_name": "prod-cce-node-02", "host_ip": "192.168.0.12",
		"host_id": "b2e4d7f3-5c8e-4f2a-9d3b-6e0f1a8c4d72", "cluster_name": "prod-cce"}); *b.TotalNum != 11 {
		t.Fatalf("node-02: %d", *b.TotalNum)
	}
	if b := query(t, ts.URL, map[string]string{"host_ip": "192.168.0.12", "host_name": "prod-cce-node-01"}); *b.TotalNum != 0 || b.DataList == nil {
		t.Fatalf("contradictory filters: %d %s", *b.TotalNum, b.Raw)
	}
	if b := query(t, ts.URL, map[string]string{"cluster_name": "other"}); *b.TotalNum != 0 || !bytes.Contains(b.Raw, []byte(`"data_list":[]`)) {
		t.Fatalf("cluster_name=other: %s", b.Raw)
	}
}

func TestTimeWindowInclusive(t *testing.T) {
	_, ts := newServer(t, nil)
	all := query(t, ts.URL, nil)
	r := all.DataList[5]
	at := strconv.FormatInt(r.Time, 10)
	b := query(t, ts.URL, map[string]string{"start_time": at, "end_time": at})
	if *b.TotalNum != 1 || b.DataList[0].Time != r.Time {
		t.Fatalf("window [t,t]: %d", *b.TotalNum)
	}
}

func TestNumericHostNamePreserved(t *testing.T) {
	_, ts := newServer(t, nil)
	b := query(t, ts.URL, map[string]string{"host_name": "111"})
	var raw struct {
		DataList []map[string]any `json:"data_list"`
	}
	if err := json.Unmarshal(b.Raw, &raw); err != nil {
		t.Fatal(err)
	}
	if hn, ok := raw.DataList[0]["host_name"].(float64); !ok || hn != 111 {
		t.Fatalf("host_name %#v, want the number 111", raw.DataList[0]["host_name"])
	}
	if !bytes.Contains(b.Raw, []byte(`"host_name":111`)) {
		t.Fatalf("raw body %s", b.Raw)
	}
}

func TestLineNumOmittedWhenAbsent(t *testing.T) {
	_, ts := newServer(t, nil)
	b := query(t, ts.URL, map[string]string{"cluster_id": standin.SeedIDCClusterID})
	if bytes.Contains(b.Raw, []byte("line_num")) {
		t.Fatalf("IDC body has line_num: %s", b.Raw)
	}
}

func TestRequestsLog(t *testing.T) {
	s, ts := newServer(t, nil)
	q := baseQuery()
	q.Set("verb", "get")
	do(t, tokenRequest(t, ts.URL, apiPath, q))
	q.Del("cluster_id")
	do(t, tokenRequest(t, ts.URL, apiPath, q))
	got := s.Requests()
	if len(got) != 2 || got[0].Status != 200 || got[1].Status != 400 || got[0].Method != "GET" ||
		got[0].Path != apiPath || got[0].Query.Get("verb") != "get" || got[0].Header.Get("X-Auth-Token") != testToken {
		t.Fatalf("log %+v", got)
	}
	got[0].Header.Set("X-Auth-Token", "changed")
	got[0].Query.Set("verb", "changed")
	if again := s.Requests(); again[0].Header.Get("X-Auth-Token") != testToken || again[0].Query.Get("verb") != "get" {
		t.Fatal("Requests does not return copies")
	}
	s.Reset()
	if len(s.Requests()) != 0 {
		t.Fatal("Reset kept the log")
	}
}
