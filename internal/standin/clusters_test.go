package standin_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

const clustersPath = "/v5/" + standin.SeedProjectID + standin.ClustersPathSuffix

// clusterInfo is KubernetesClusterInfo as a client decodes it; the agent
// fields are pointers, to tell absent from 0.
type clusterInfo struct {
	ID                    string  `json:"id"`
	ClusterID             string  `json:"cluster_id"`
	ClusterName           string  `json:"cluster_name"`
	ClusterType           string  `json:"cluster_type"`
	Status                string  `json:"status"`
	Version               string  `json:"version"`
	TotalNodesNumber      int     `json:"total_nodes_number"`
	ActiveNodesNumber     int     `json:"active_nodes_number"`
	AgentInstalledNum     *int    `json:"agent_installed_num"`
	AgentInstallFailedNum *int    `json:"agent_install_failed_num"`
	AgentNotInstallNum    *int    `json:"agent_not_install_num"`
	AgentDSInstallStatus  *string `json:"agent_ds_install_status"`
	AgentDSFailedReason   *string `json:"agent_ds_failed_reason"`
	CreationTimestamp     int64   `json:"creation_timestamp"`
	LastOperateTimestamp  int64   `json:"last_operate_timestamp"`
	LastScanTime          int64   `json:"last_scan_time"`
	SysVulNum             int     `json:"sys_vul_num"`
	AppVulNum             int     `json:"app_vul_num"`
	EmgVulNum             int     `json:"emg_vul_num"`
	RiskAssessNum         int     `json:"risk_assess_num"`
	SecCompNum            int     `json:"sec_comp_num"`
}

type clusterList struct {
	TotalNum        int           `json:"total_num"`
	LastUpdateTime  int64         `json:"last_update_time"`
	ClusterInfoList []clusterInfo `json:"cluster_info_list"`
	Raw             []byte        `json:"-"`
	Status          int           `json:"-"`
}

// listClusters sends req and decodes a 200 answer; any other status fails
// the test.
func listClusters(t *testing.T, req *http.Request) clusterList {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", req.URL, resp.StatusCode, raw)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	l := clusterList{Raw: raw, Status: resp.StatusCode}
	if err := json.Unmarshal(raw, &l); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return l
}

// clusterServer serves the seed records and clusters (or cs, if not nil).
func clusterServer(t *testing.T, cs []standin.Cluster, edit func(*standin.Options)) (*standin.Server, string) {
	t.Helper()
	if cs == nil {
		cs = standin.SeedClusters(testNow)
	}
	s, ts := newServer(t, func(o *standin.Options) {
		o.Clusters = cs
		if edit != nil {
			edit(o)
		}
	})
	return s, ts.URL
}

func ids(l clusterList) []string {
	var out []string
	for _, c := range l.ClusterInfoList {
		out = append(out, c.ClusterID)
	}
	return out
}

func names(l clusterList) []string {
	var out []string
	for _, c := range l.ClusterInfoList {
		out = append(out, c.ClusterName)
	}
	return out
}

func TestClustersDefaultPage(t *testing.T) {
	_, base := clusterServer(t, standin.GenerateClusters(25, testNow), nil)
	l := listClusters(t, tokenRequest(t, base, clustersPath, nil))
	if l.TotalNum != 25 || len(l.ClusterInfoList) != 10 {
		t.Fatalf("no limit: total_num %d, %d clusters; want 25 and the default 10", l.TotalNum, len(l.ClusterInfoList))
	}
	// Empty values count as absent.
	l = listClusters(t, tokenRequest(t, base, clustersPath, url.Values{"limit": {""}, "offset": {""}, "scene": {""}, "load_agent_info": {""}}))
	if l.TotalNum != 25 || len(l.ClusterInfoList) != 10 || l.ClusterInfoList[0].ClusterID != standin.GeneratedClusterID(0) {
		t.Fatalf("empty parameters: total_num %d, %v", l.TotalNum, ids(l))
	}
}

func TestClustersPaging(t *testing.T) {
	const n = 450
	gen := standin.GenerateClusters(n, testNow)
	// Shuffled input: the server orders them.
	shuffled := slices.Clone(gen)
	sort.Slice(shuffled, func(i, j int) bool { return shuffled[i].ClusterName > shuffled[j].ClusterName })
	_, base := clusterServer(t, shuffled, nil)

	for _, limit := range []int{10, 200} {
		var got []string
		for offset := 0; ; offset += limit {
			l := listClusters(t, tokenRequest(t, base, clustersPath, url.Values{"limit": {strconv.Itoa(limit)}, "offset": {strconv.Itoa(offset)}}))
			if l.TotalNum != n {
				t.Fatalf("limit %d offset %d: total_num %d", limit, offset, l.TotalNum)
			}
			if want := min(limit, max(n-offset, 0)); len(l.ClusterInfoList) != want {
				t.Fatalf("limit %d offset %d: %d clusters, want %d", limit, offset, len(l.ClusterInfoList), want)
			}
			if len(l.ClusterInfoList) == 0 {
				break
			}
			got = append(got, ids(l)...)
		}
		if len(got) != n {
			t.Fatalf("limit %d: %d clusters in all", limit, len(got))
		}
		for i, id := range got {
			if id != standin.GeneratedClusterID(i) {
				t.Fatalf("limit %d: cluster %d is %s, want %s (newest created first)", limit, i, id, standin.GeneratedClusterID(i))
			}
		}
	}

	// Past the end: an empty list, not null, and the total.
	for _, offset := range []string{"450", "451", "2000000"} {
		l := listClusters(t, tokenRequest(t, base, clustersPath, url.Values{"limit": {"200"}, "offset": {offset}}))
		if l.TotalNum != n || len(l.ClusterInfoList) != 0 || !strings.Contains(string(l.Raw), `"cluster_info_list":[]`) {
			t.Fatalf("offset %s: %s", offset, l.Raw)
		}
	}
}

func TestClustersOrder(t *testing.T) {
	_, base := clusterServer(t, nil, nil)
	l := listClusters(t, tokenRequest(t, base, clustersPath, url.Values{"limit": {"200"}}))
	want := []string{standin.SeedCreatingClusterName, standin.SeedFindingsClusterName, standin.SeedDevClusterName, standin.SeedAliClusterName,
		standin.SeedCCEClusterName, standin.SeedIDCClusterName, standin.SeedAWSClusterName}
	if got := names(l); !slices.Equal(got, want) || l.TotalNum != 7 {
		t.Fatalf("order %v (total_num %d), want %v", got, l.TotalNum, want)
	}

	// Equal creation times: by row id.
	same := []standin.Cluster{
		{ID: "row-c", ClusterID: "c", CreationTimestamp: 5},
		{ID: "row-a", ClusterID: "a", CreationTimestamp: 5},
		{ID: "row-z", ClusterID: "z", CreationTimestamp: 9},
		{ID: "row-b", ClusterID: "b", CreationTimestamp: 5},
	}
	_, base = clusterServer(t, same, nil)
	for range 3 {
		if got := ids(listClusters(t, tokenRequest(t, base, clustersPath, nil))); !slices.Equal(got, []string{"z", "a", "b", "c"}) {
			t.Fatalf("order %v", got)
		}
	}
}

func TestClustersFilters(t *testing.T) {
	_, base := clusterServer(t, nil, nil)
	get := func(q url.Values) clusterList {
		t.Helper()
		q.Set("limit", "200")
		return listClusters(t, tokenRequest(t, base, clustersPath, q))
	}
	for _, c := range []struct {
		q    url.Values
		want []string // names, in order
	}{
		{url.Values{"cluster_name": {"staging-ali"}}, []string{"staging-ali"}},
		{url.Values{"cluster_name": {standin.SeedCCEClusterName}}, []string{standin.SeedCCEClusterName}},
		// Exact match only.
		{url.Values{"cluster_name": {"staging"}}, nil},
		{url.Values{"cluster_name": {"Staging-Ali"}}, nil},
		{url.Values{"cluster_name": {"staging-ali "}}, nil},
		// Clusters with any risk count above 0.
		{url.Values{"scene": {"cluster_risk"}}, []string{"sec-lab", "staging-ali", "prod-cce", "idc-k8s", "legacy-aws"}},
		{url.Values{"scene": {"cluster_risk"}, "cluster_name": {"dev-k8s"}}, nil},
		{url.Values{"scene": {"cluster_risk"}, "cluster_name": {"legacy-aws"}}, []string{"legacy-aws"}},
		{url.Values{"load_agent_info": {"true"}, "cluster_name": {"idc-k8s"}}, []string{"idc-k8s"}},
	} {
		l := get(c.q)
		if got := names(l); !slices.Equal(got, c.want) || l.TotalNum != len(c.want) {
			t.Errorf("%s: %v (total_num %d), want %v", c.q.Encode(), got, l.TotalNum, c.want)
		}
	}
	l := get(url.Values{"cluster_name": {standin.SeedIDCClusterName}})
	if got := ids(l); len(got) != 1 || got[0] != standin.SeedIDCClusterID {
		t.Fatalf("idc-k8s: %v", got)
	}

	// Each of the risk counts alone puts a cluster in the risk scene.
	counts := []func(*standin.Cluster){
		func(c *standin.Cluster) { c.SysVulNum = 1 },
		func(c *standin.Cluster) { c.AppVulNum = 1 },
		func(c *standin.Cluster) { c.EmgVulNum = 1 },
		func(c *standin.Cluster) { c.RiskAssessNum = 1 },
		func(c *standin.Cluster) { c.SecCompNum = 1 },
	}
	var cs []standin.Cluster
	for i, set := range counts {
		c := standin.Cluster{ID: strconv.Itoa(i), ClusterID: "risk-" + strconv.Itoa(i), CreationTimestamp: int64(100 - i)}
		set(&c)
		cs = append(cs, c)
	}
	cs = append(cs, standin.Cluster{ID: "9", ClusterID: "no-risk", AgentInstallFailedNum: 3})
	_, base = clusterServer(t, cs, nil)
	l = listClusters(t, tokenRequest(t, base, clustersPath, url.Values{"scene": {"cluster_risk"}}))
	if got := ids(l); l.TotalNum != 5 || !slices.Equal(got, []string{"risk-0", "risk-1", "risk-2", "risk-3", "risk-4"}) {
		t.Fatalf("risk scene: %v (total_num %d)", got, l.TotalNum)
	}
}

// The agent fields are answered with load_agent_info=true only; without
// it (or with false) they are left out, not zero.
func TestClustersLoadAgentInfo(t *testing.T) {
	_, base := clusterServer(t, nil, nil)
	agentKeys := []string{"agent_installed_num", "agent_install_failed_num", "agent_not_install_num", "agent_ds_install_status", "agent_ds_failed_reason"}
	for _, v := range []string{"", "false", "true"} {
		q := url.Values{"cluster_name": {standin.SeedIDCClusterName}}
		if v != "" {
			q.Set("load_agent_info", v)
		}
		l := listClusters(t, tokenRequest(t, base, clustersPath, q))
		keys := rawKeys(t, l.Raw)
		if len(keys) != 1 {
			t.Fatalf("load_agent_info %q: %d clusters", v, len(keys))
		}
		for _, k := range agentKeys {
			if _, ok := keys[0][k]; ok != (v == "true") {
				t.Errorf("load_agent_info %q: %s present %v", v, k, ok)
			}
		}
		c := l.ClusterInfoList[0]
		if v != "true" {
			continue
		}
		if *c.AgentInstalledNum != 3 || *c.AgentInstallFailedNum != 1 || *c.AgentNotInstallNum != 1 ||
			*c.AgentDSInstallStatus != "Installed" || *c.AgentDSFailedReason == "" {
			t.Fatalf("agent fields %+v", c)
		}
	}
	// Zero and empty agent values are answered, not left out.
	l := listClusters(t, tokenRequest(t, base, clustersPath, url.Values{"cluster_name": {standin.SeedDevClusterName}, "load_agent_info": {"true"}}))
	for _, k := range agentKeys {
		if _, ok := rawKeys(t, l.Raw)[0][k]; !ok {
			t.Errorf("dev-k8s: %s left out with load_agent_info=true: %s", k, l.Raw)
		}
	}
	if c := l.ClusterInfoList[0]; *c.AgentInstallFailedNum != 0 || *c.AgentDSFailedReason != "" {
		t.Fatalf("dev-k8s agent fields %+v", c)
	}
}

// rawKeys returns the field names of each listed cluster.
func rawKeys(t *testing.T, raw []byte) []map[string]json.RawMessage {
	t.Helper()
	var body struct {
		List []map[string]json.RawMessage `json:"cluster_info_list"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	return body.List
}

func TestClustersJSONShape(t *testing.T) {
	_, base := clusterServer(t, nil, nil)
	l := listClusters(t, tokenRequest(t, base, clustersPath, url.Values{"load_agent_info": {"true"}, "cluster_name": {standin.SeedCCEClusterName}}))

	var top map[string]json.RawMessage
	if err := json.Unmarshal(l.Raw, &top); err != nil {
		t.Fatal(err)
	}
	if got := sortedKeySet(top); !slices.Equal(got, []string{"cluster_info_list", "last_update_time", "total_num"}) {
		t.Fatalf("top-level fields %v", got)
	}
	if string(top["total_num"]) != "1" || string(top["last_update_time"]) != strconv.FormatInt(testNow.UnixMilli(), 10) {
		t.Fatalf("total_num %s, last_update_time %s", top["total_num"], top["last_update_time"])
	}

	strs := []string{"id", "cluster_id", "cluster_name", "cluster_type", "status", "version", "agent_ds_install_status", "agent_ds_failed_reason"}
	nums := []string{"total_nodes_number", "active_nodes_number", "agent_installed_num", "agent_install_failed_num", "agent_not_install_num",
		"creation_timestamp", "last_operate_timestamp", "last_scan_time", "sys_vul_num", "app_vul_num", "emg_vul_num", "risk_assess_num", "sec_comp_num"}
	fields := rawKeys(t, l.Raw)[0]
	want := append(slices.Clone(strs), nums...)
	sort.Strings(want)
	if got := sortedKeySet(fields); !slices.Equal(got, want) {
		t.Fatalf("cluster fields\n got %v\nwant %v", got, want)
	}
	for _, k := range strs {
		if fields[k][0] != '"' {
			t.Errorf("%s is not a string: %s", k, fields[k])
		}
	}
	for _, k := range nums {
		if _, err := strconv.ParseInt(string(fields[k]), 10, 64); err != nil {
			t.Errorf("%s is not an integer: %s", k, fields[k])
		}
	}

	// The values are the seed's.
	var seed standin.Cluster
	for _, c := range standin.SeedClusters(testNow) {
		if c.ClusterID == standin.SeedCCEClusterID {
			seed = c
		}
	}
	c := l.ClusterInfoList[0]
	got := standin.Cluster{ID: c.ID, ClusterID: c.ClusterID, ClusterName: c.ClusterName, ClusterType: c.ClusterType,
		Status: c.Status, Version: c.Version, TotalNodesNumber: c.TotalNodesNumber, ActiveNodesNumber: c.ActiveNodesNumber,
		AgentInstalledNum: *c.AgentInstalledNum, AgentInstallFailedNum: *c.AgentInstallFailedNum, AgentNotInstallNum: *c.AgentNotInstallNum,
		AgentDSInstallStatus: *c.AgentDSInstallStatus, AgentDSFailedReason: *c.AgentDSFailedReason,
		CreationTimestamp: c.CreationTimestamp, LastOperateTimestamp: c.LastOperateTimestamp, LastScanTime: c.LastScanTime,
		SysVulNum: c.SysVulNum, AppVulNum: c.AppVulNum, EmgVulNum: c.EmgVulNum, RiskAssessNum: c.RiskAssessNum, SecCompNum: c.SecCompNum}
	if got != seed {
		t.Fatalf("served\n %+v\nseed\n %+v", got, seed)
	}
}

func sortedKeySet(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestClustersValidation(t *testing.T) {
	_, base := clusterServer(t, nil, nil)
	for _, c := range []struct{ param, value string }{
		{"limit", "9"},
		{"limit", "0"},
		{"limit", "-1"},
		{"limit", "201"},
		{"limit", "ten"},
		{"limit", "10.5"},
		{"offset", "-1"},
		{"offset", "2000001"},
		{"offset", "x"},
		{"load_agent_info", "yes"},
		{"load_agent_info", "1"},
		{"load_agent_info", "TRUE"},
		{"scene", "risk"},
		{"scene", "cluster_risks"},
	} {
		t.Run(c.param+"="+c.value, func(t *testing.T) {
			q := url.Values{c.param: {c.value}}
			wantError(t, do(t, tokenRequest(t, base, clustersPath, q)), 400, "HSS.1001", c.param)
		})
	}
	// The ends of the ranges are accepted.
	for _, q := range []url.Values{
		{"limit": {"10"}}, {"limit": {"200"}}, {"offset": {"0"}}, {"offset": {"2000000"}},
		{"load_agent_info": {"false"}}, {"scene": {"cluster_risk"}},
	} {
		listClusters(t, tokenRequest(t, base, clustersPath, q))
	}
	// The audit-log API's MaxLimit does not reach the cluster list.
	_, base = clusterServer(t, nil, func(o *standin.Options) { o.MaxLimit = 50 })
	listClusters(t, tokenRequest(t, base, clustersPath, url.Values{"limit": {"200"}}))
}

func TestClustersEnterpriseProject(t *testing.T) {
	_, base := clusterServer(t, nil, func(o *standin.Options) { o.EnterpriseProjects = []string{"eps-123"} })
	for _, eps := range []string{"0", "all_granted_eps", "eps-123", ""} {
		if l := listClusters(t, tokenRequest(t, base, clustersPath, url.Values{"enterprise_project_id": {eps}})); l.TotalNum != 7 {
			t.Fatalf("eps %q: total_num %d", eps, l.TotalNum)
		}
	}
	wantError(t, do(t, tokenRequest(t, base, clustersPath, url.Values{"enterprise_project_id": {"eps-999"}})), 403, "HSS.0004", "enterprise_project_id")
	wantError(t, do(t, tokenRequest(t, base, clustersPath, url.Values{"enterprise_project_id": {"eps-999"}})), 403, "HSS.0004", "eps-999")
}

func TestClustersSignature(t *testing.T) {
	_, base := clusterServer(t, nil, nil)
	sig := demoSigning()
	sig.path = clustersPath
	q := url.Values{"limit": {"200"}, "load_agent_info": {"true"}}
	if l := listClusters(t, signedRequest(t, base, q, sig)); l.TotalNum != 7 || len(l.ClusterInfoList) != 7 {
		t.Fatalf("signed: total_num %d", l.TotalNum)
	}

	// No credentials.
	req := tokenRequest(t, base, clustersPath, q)
	req.Header.Del("X-Auth-Token")
	wantError(t, do(t, req), 401, "APIGW.0301", "no credentials")
	// A wrong token.
	req = tokenRequest(t, base, clustersPath, q)
	req.Header.Set("X-Auth-Token", "nope")
	wantError(t, do(t, req), 401, "APIGW.0301", "X-Auth-Token")
	// The query tampered with after signing.
	req = signedRequest(t, base, q, sig)
	req.URL.RawQuery = url.Values{"limit": {"10"}, "load_agent_info": {"true"}}.Encode()
	wantError(t, do(t, req), 401, "APIGW.0301", "verify aksk signature fail")
	// Signed for the audit-log path, sent to the cluster list.
	audit := demoSigning()
	req = signedRequest(t, base, q, audit)
	req.URL.Path = clustersPath
	wantError(t, do(t, req), 401, "APIGW.0301", "verify aksk signature fail")
	// Query values the SDK signer skips.
	plain := sig
	plain.plainQuery = true
	wantError(t, do(t, signedRequest(t, base, q, plain)), 401, "APIGW.0301", "verify aksk signature fail")
	// A wrong secret key.
	bad := sig
	bad.sk = "wrong"
	wantError(t, do(t, signedRequest(t, base, q, bad)), 401, "APIGW.0301", "signature")
	// An expired X-Sdk-Date.
	old := sig
	old.date = testNow.Add(-time.Hour)
	wantError(t, do(t, signedRequest(t, base, q, old)), 401, "APIGW.0303", "expired")
	// X-Project-Id must match the path's project.
	other := sig
	other.headers = map[string]string{"X-Project-Id": standin.SeedOtherProjectID}
	wantError(t, do(t, signedRequest(t, base, q, other)), 403, "HSS.0003", "X-Project-Id")
}

func TestClustersProjects(t *testing.T) {
	const onlyClusters = "0d1c2b3a495867f7e6d5c4b3a2918070"
	const onlyRecords = "f1e2d3c4b5a697887766554433221100"
	other := standin.GenerateClusters(3, testNow)
	_, base := clusterServer(t, nil, func(o *standin.Options) {
		o.OtherProjects = map[string][]standin.Record{standin.SeedOtherProjectID: o.Records, onlyRecords: o.Records}
		o.OtherClusters = map[string][]standin.Cluster{
			standin.SeedOtherProjectID: other,
			onlyClusters:               standin.SeedClusters(testNow)[:1],
			// Ignored: Clusters serves the main project.
			standin.SeedProjectID: other,
		}
	})
	path := func(p string) string { return "/v5/" + p + standin.ClustersPathSuffix }
	if l := listClusters(t, tokenRequest(t, base, clustersPath, nil)); l.TotalNum != 7 {
		t.Fatalf("main project: total_num %d", l.TotalNum)
	}
	if l := listClusters(t, tokenRequest(t, base, path(standin.SeedOtherProjectID), nil)); l.TotalNum != 3 || !slices.Equal(ids(l), []string{
		standin.GeneratedClusterID(0), standin.GeneratedClusterID(1), standin.GeneratedClusterID(2)}) {
		t.Fatalf("other project: %s", l.Raw)
	}
	if l := listClusters(t, tokenRequest(t, base, path(onlyRecords), nil)); l.TotalNum != 0 || !strings.Contains(string(l.Raw), `"cluster_info_list":[]`) {
		t.Fatalf("project without clusters: %s", l.Raw)
	}
	if l := listClusters(t, tokenRequest(t, base, path(onlyClusters), nil)); l.TotalNum != 1 || l.ClusterInfoList[0].ClusterID != standin.SeedCCEClusterID {
		t.Fatalf("project with clusters only: %s", l.Raw)
	}
	// A project of OtherClusters only is a project of the account, with no
	// audit logs.
	if b := do(t, tokenRequest(t, base, "/v5/"+onlyClusters+standin.APIPathSuffix, baseQuery())); b.Status != 200 || *b.TotalNum != 0 {
		t.Fatalf("audit logs of a project with clusters only: %d %s", b.Status, b.Raw)
	}
	wantError(t, do(t, tokenRequest(t, base, path("0123456789abcdef0123456789abcdef"), nil)), 403, "HSS.0003", "0123456789abcdef0123456789abcdef")
}

func TestClustersRouting(t *testing.T) {
	s, base := clusterServer(t, nil, nil)
	for _, p := range []string{
		clustersPath + "/",
		clustersPath + "/x",
		"/v5/" + standin.SeedProjectID + "/kubernetes/cluster",
		"/v5/" + standin.SeedProjectID + "/container/kubernetes/clusters",
		"/v5/kubernetes/clusters",
		"/v5//kubernetes/clusters",
		"/v3/" + standin.SeedProjectID + standin.ClustersPathSuffix,
	} {
		wantError(t, do(t, tokenRequest(t, base, p, nil)), 404, "APIGW.0101", p)
	}
	req := tokenRequest(t, base, clustersPath, nil)
	req.Method = http.MethodPost
	wantError(t, do(t, req), 404, "APIGW.0101", "POST")

	// Cluster-list requests are logged like the audit log's.
	s.Reset()
	listClusters(t, tokenRequest(t, base, clustersPath, url.Values{"scene": {"cluster_risk"}}))
	got := s.Requests()
	if len(got) != 1 || got[0].Path != clustersPath || got[0].Query.Get("scene") != "cluster_risk" || got[0].Status != 200 || got[0].Method != "GET" {
		t.Fatalf("log %+v", got)
	}
}

func TestClustersFaults(t *testing.T) {
	s, base := clusterServer(t, nil, nil)
	// A fault matching a cluster-list parameter waits for such a request:
	// audit-log calls and other cluster calls pass it by.
	s.Inject(standin.Fault{Status: 503, Match: url.Values{"scene": {"cluster_risk"}}})
	if b := do(t, tokenRequest(t, base, apiPath, baseQuery())); b.Status != 200 {
		t.Fatalf("audit logs: %d", b.Status)
	}
	listClusters(t, tokenRequest(t, base, clustersPath, nil))
	wantError(t, do(t, tokenRequest(t, base, clustersPath, url.Values{"scene": {"cluster_risk"}})), 503, "APIGW.0201", "")
	listClusters(t, tokenRequest(t, base, clustersPath, url.Values{"scene": {"cluster_risk"}}))

	// A fault without Match takes the next request, cluster list or not,
	// before authentication; a delay-only fault serves it late.
	s.Inject(standin.Fault{Status: 500, Body: `{"error_code":"HSS.0001","error_msg":"boom"}`}, standin.Fault{Delay: 50 * time.Millisecond})
	req := tokenRequest(t, base, clustersPath, nil)
	req.Header.Del("X-Auth-Token")
	wantError(t, do(t, req), 500, "HSS.0001", "boom")
	start := time.Now()
	listClusters(t, tokenRequest(t, base, clustersPath, nil))
	if time.Since(start) < 50*time.Millisecond {
		t.Fatal("delay fault not applied")
	}

	// A fresh connection: on a reused one, the transport would retry the
	// GET and the retry would be answered.
	s.Inject(standin.Fault{DropConnection: true, Match: url.Values{"cluster_name": {"dev-k8s"}}})
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := fresh.Do(tokenRequest(t, base, clustersPath, url.Values{"cluster_name": {"dev-k8s"}})); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped connection answered %d", resp.StatusCode)
	}
	listClusters(t, tokenRequest(t, base, clustersPath, url.Values{"cluster_name": {"dev-k8s"}}))
}

func TestClustersLatency(t *testing.T) {
	_, base := clusterServer(t, nil, func(o *standin.Options) { o.Latency = 60 * time.Millisecond })
	start := time.Now()
	listClusters(t, tokenRequest(t, base, clustersPath, nil))
	if time.Since(start) < 60*time.Millisecond {
		t.Fatal("latency not applied")
	}
}

// HSS's quota is per API: the cluster list has a budget apart from the
// audit log's.
func TestClustersQuotaApart(t *testing.T) {
	s, ts, _ := quotaServer(t, standin.Quota{Calls: 5, Window: time.Minute})
	for i := range 5 {
		if b := do(t, tokenRequest(t, ts.URL, apiPath, baseQuery())); b.Status != 200 {
			t.Fatalf("audit-log call %d: %d", i+1, b.Status)
		}
	}
	wantError(t, do(t, tokenRequest(t, ts.URL, apiPath, baseQuery())), 429, "APIGW.0308", "limit:5")
	// Same user, same minute: the cluster list has its own 5.
	for i := range 5 {
		if b := do(t, tokenRequest(t, ts.URL, clustersPath, nil)); b.Status != 200 {
			t.Fatalf("cluster call %d after 5 audit-log calls: %d %s", i+1, b.Status, b.Raw)
		}
	}
	wantError(t, do(t, tokenRequest(t, ts.URL, clustersPath, nil)), 429, "APIGW.0308", "limit:5")
	if got := s.Throttled(); got != 2 {
		t.Fatalf("Throttled() = %d, want 2", got)
	}

	// The other way round, and per IP too.
	s.Reset()
	s.SetQuota(standin.Quota{Calls: 2, Window: time.Minute, PerIP: true})
	for i := range 2 {
		if b := do(t, tokenRequest(t, ts.URL, clustersPath, nil)); b.Status != 200 {
			t.Fatalf("cluster call %d: %d", i+1, b.Status)
		}
	}
	wantError(t, do(t, tokenRequest(t, ts.URL, clustersPath, nil)), 429, "APIGW.0308", "limit:2")
	if b := do(t, tokenRequest(t, ts.URL, apiPath, baseQuery())); b.Status != 200 {
		t.Fatalf("audit-log call after the cluster list's budget is spent: %d", b.Status)
	}
}

func TestSeedClusters(t *testing.T) {
	cs := standin.SeedClusters(testNow)
	if !reflect.DeepEqual(cs, standin.SeedClusters(testNow)) {
		t.Fatal("SeedClusters is not deterministic")
	}
	if len(cs) != 7 {
		t.Fatalf("%d seed clusters", len(cs))
	}
	byID := map[string]standin.Cluster{}
	rows, types := map[string]bool{}, map[string]bool{}
	for _, c := range cs {
		byID[c.ClusterID] = c
		rows[c.ID], types[c.ClusterType] = true, true
		if !slices.Contains(standin.ClusterTypes, c.ClusterType) || !slices.Contains(standin.ClusterStatuses, c.Status) {
			t.Errorf("%s: type %q, status %q", c.ClusterName, c.ClusterType, c.Status)
		}
		if c.AgentDSInstallStatus != "Installed" && c.AgentDSInstallStatus != "NotInstall" {
			t.Errorf("%s: agent_ds_install_status %q", c.ClusterName, c.AgentDSInstallStatus)
		}
		if c.CreationTimestamp >= testNow.UnixMilli() || c.LastOperateTimestamp < c.CreationTimestamp ||
			(c.LastScanTime != 0 && c.LastScanTime < c.CreationTimestamp) || c.ActiveNodesNumber > c.TotalNodesNumber ||
			c.AgentInstalledNum+c.AgentInstallFailedNum+c.AgentNotInstallNum != c.TotalNodesNumber {
			t.Errorf("%s: inconsistent %+v", c.ClusterName, c)
		}
	}
	// Seven ids and row ids; six types, sec-lab and dev-k8s both k8s.
	if len(byID) != 7 || len(rows) != 7 || len(types) != 6 {
		t.Fatalf("ids, row ids or types repeat: %d %d %d", len(byID), len(rows), len(types))
	}
	// The audit-log seed's three clusters, as the records name them.
	recordClusters := map[string]bool{}
	for _, r := range standin.Seed(testNow) {
		c, ok := byID[r.ClusterID]
		if !ok || c.ClusterName != r.ClusterName || c.ClusterType != r.ClusterType {
			t.Fatalf("record of %s %s %s: cluster %+v", r.ClusterID, r.ClusterName, r.ClusterType, c)
		}
		recordClusters[r.ClusterID] = true
	}
	if len(recordClusters) != 3 {
		t.Fatalf("the seed's records are of %d clusters", len(recordClusters))
	}
	for _, w := range []struct{ id, name, typ, status string }{
		{standin.SeedCCEClusterID, "prod-cce", "cce", "Available"},
		{standin.SeedIDCClusterID, "idc-k8s", "self_built_idc", "Available"},
		{standin.SeedAWSClusterID, standin.SeedAWSClusterName, "aws", "Unavailable"},
		{standin.SeedCreatingClusterID, standin.SeedCreatingClusterName, "self_built_hw", "Creating"},
		{standin.SeedAliClusterID, "staging-ali", "ali", "Available"},
		{standin.SeedDevClusterID, "dev-k8s", "k8s", "Available"},
		{standin.SeedFindingsClusterID, "sec-lab", "k8s", "Available"},
	} {
		if c := byID[w.id]; c.ClusterName != w.name || c.ClusterType != w.typ || c.Status != w.status {
			t.Errorf("%s: %+v", w.id, c)
		}
	}
}

func TestGenerateClusters(t *testing.T) {
	if len(standin.GenerateClusters(0, testNow)) != 0 || len(standin.GenerateClusters(-3, testNow)) != 0 {
		t.Fatal("clusters for n <= 0")
	}
	cs := standin.GenerateClusters(20, testNow)
	if !reflect.DeepEqual(cs, standin.GenerateClusters(20, testNow)) || !reflect.DeepEqual(cs[:5], standin.GenerateClusters(5, testNow)) {
		t.Fatal("GenerateClusters is not deterministic")
	}
	seen := map[string]bool{}
	for i, c := range cs {
		if c.ClusterID != standin.GeneratedClusterID(i) || c.ID != standin.GeneratedClusterRowID(i) ||
			c.ClusterName != fmt.Sprintf("gen-cluster-%04d", i+1) ||
			c.ClusterType != standin.ClusterTypes[i%len(standin.ClusterTypes)] || c.Status != "Available" ||
			c.CreationTimestamp != testNow.Add(-time.Duration(i+1)*time.Minute).UnixMilli() || c.SysVulNum != i%4 {
			t.Fatalf("cluster %d: %+v", i, c)
		}
		if seen[c.ClusterID] || seen[c.ID] {
			t.Fatalf("cluster %d repeats an id", i)
		}
		seen[c.ClusterID], seen[c.ID] = true, true
	}
	if cs[0].ClusterID != "00000000-0000-4000-8000-000000000001" || cs[0].ID != "00000000000000000000000000000001" {
		t.Fatalf("cluster 0: %s %s", cs[0].ClusterID, cs[0].ID)
	}
	// The risk scene skips every fourth.
	_, base := clusterServer(t, cs, nil)
	if l := listClusters(t, tokenRequest(t, base, clustersPath, url.Values{"scene": {"cluster_risk"}, "limit": {"200"}})); l.TotalNum != 15 {
		t.Fatalf("risk scene: total_num %d, want 15", l.TotalNum)
	}
}
