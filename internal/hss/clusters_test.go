package hss

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// clusterPage renders clusters [from, from+n) of total, as the service
// would; mod may edit each cluster's JSON.
func clusterPage(total, from, n int, mod func(i int, fields string) string) string {
	var list []string
	for i := from; i < from+n; i++ {
		fields := fmt.Sprintf(`"id":"row-%d","cluster_id":"c-%04d","cluster_name":"cluster-%d","cluster_type":"cce","status":"Available",`+
			`"version":"v1.29","total_nodes_number":3,"active_nodes_number":"3","agent_installed_num":2,"agent_install_failed_num":0,`+
			`"agent_not_install_num":1,"agent_ds_install_status":"Installed","agent_ds_failed_reason":"","creation_timestamp":1795400000000,`+
			`"last_operate_timestamp":1795400001000,"last_scan_time":1.7954e12,"sys_vul_num":1,"app_vul_num":2,"emg_vul_num":0,"risk_assess_num":4,"sec_comp_num":5`, i, i, i)
		if mod != nil {
			fields = mod(i, fields)
		}
		list = append(list, "{"+fields+"}")
	}
	return fmt.Sprintf(`{"total_num":%d,"last_update_time":1795486400000,"cluster_info_list":[%s]}`, total, strings.Join(list, ","))
}

// clusterService answers like the service: pages of limit from offset,
// over total clusters.
func clusterService(total int) func(int, url.Values) (int, http.Header, string) {
	return func(_ int, q url.Values) (int, http.Header, string) {
		off, _ := strconv.Atoi(q.Get("offset"))
		lim, _ := strconv.Atoi(q.Get("limit"))
		n := max(0, min(lim, total-off))
		return 200, nil, clusterPage(total, off, n, nil)
	}
}

func TestListKubernetesClustersPages(t *testing.T) {
	f := &fake{t: t, respond: clusterService(450)}
	c, _ := newTestClient(t, f, nil)
	res, err := c.ListKubernetesClusters(context.Background(), ClusterQuery{EnterpriseProjectID: "0", ClusterName: "x", Scene: "cluster_risk", LoadAgentInfo: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.TotalNum != 450 || len(res.Clusters) != 450 || res.Requests != 3 || res.LastUpdateTime != 1795486400000 {
		t.Fatalf("total %d, %d clusters, %d requests, updated %d", res.TotalNum, len(res.Clusters), res.Requests, res.LastUpdateTime)
	}
	want := Cluster{ID: "row-449", ClusterID: "c-0449", ClusterName: "cluster-449", ClusterType: "cce", Status: "Available", Version: "v1.29",
		TotalNodesNumber: 3, ActiveNodesNumber: 3, AgentInstalledNum: 2, AgentNotInstallNum: 1, AgentDSInstallStatus: "Installed",
		CreationTimestamp: 1795400000000, LastOperateTimestamp: 1795400001000, LastScanTime: 1795400000000, SysVulNum: 1, AppVulNum: 2,
		RiskAssessNum: 4, SecCompNum: 5}
	if got := res.Clusters[449]; got != want {
		t.Fatalf("cluster 449:\n got %+v\nwant %+v", got, want)
	}
	for i, r := range f.requests() {
		q := r.URL.Query()
		if r.URL.Path != "/v5/"+testProject+"/kubernetes/clusters" || q.Get("limit") != "200" || q.Get("offset") != strconv.Itoa(200*i) ||
			q.Get("enterprise_project_id") != "0" || q.Get("cluster_name") != "x" || q.Get("scene") != "cluster_risk" || q.Get("load_agent_info") != "true" {
			t.Errorf("request %d: %s", i, r.URL)
		}
	}
	// Unset filters are not sent.
	f2 := &fake{t: t, respond: clusterService(0)}
	c2, _ := newTestClient(t, f2, nil)
	res, err = c2.ListKubernetesClusters(context.Background(), ClusterQuery{})
	if err != nil || res.TotalNum != 0 || len(res.Clusters) != 0 || res.Clusters == nil {
		t.Fatalf("empty list: %+v %v", res, err)
	}
	if q := f2.requests()[0].URL.Query(); len(q) != 2 {
		t.Fatalf("sent %v, want limit and offset only", q)
	}
}

func TestListKubernetesClustersIntegrity(t *testing.T) {
	for name, tc := range map[string]struct {
		respond func(n int, q url.Values) (int, http.Header, string)
		want    string
	}{
		"total changes": {func(n int, q url.Values) (int, http.Header, string) {
			off, _ := strconv.Atoi(q.Get("offset"))
			return 200, nil, clusterPage(300+n, off, min(200, 300-off), nil)
		}, "total_num changed from 301 to 302"},
		"a page repeated": {func(_ int, q url.Values) (int, http.Header, string) {
			return 200, nil, clusterPage(300, 0, 200, nil)
		}, "was already on page offset=0"},
		"pages end early": {func(_ int, q url.Values) (int, http.Header, string) {
			off, _ := strconv.Atoi(q.Get("offset"))
			return 200, nil, clusterPage(300, off, min(200, 250-off), nil)
		}, "the pages ended with 250 clusters, but total_num is 300"},
		"more than limit": {func(int, url.Values) (int, http.Header, string) {
			return 200, nil, clusterPage(300, 0, 201, nil)
		}, "holds 201 clusters, more than limit"},
		"no list": {func(int, url.Values) (int, http.Header, string) {
			return 200, nil, `{"total_num":3}`
		}, "no cluster_info_list"},
		"an error in a 200": {func(int, url.Values) (int, http.Header, string) {
			return 200, nil, `{"error_code":"HSS.0001","error_msg":"busy"}`
		}, "HSS.0001"},
		"a wrong type": {func(int, url.Values) (int, http.Header, string) {
			return 200, nil, clusterPage(1, 0, 1, func(_ int, f string) string {
				return strings.Replace(f, `"total_nodes_number":3`, `"total_nodes_number":{"n":3}`, 1)
			})
		}, "not a page of the cluster list"},
		"refused": {func(int, url.Values) (int, http.Header, string) {
			return 403, nil, `{"error_code":"HSS.0004","error_msg":"no permission"}`
		}, "HTTP 403 HSS.0004"},
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := newTestClient(t, &fake{t: t, respond: tc.respond}, func(cfg *Config) { cfg.MaxRetries = 0 })
			_, err := c.ListKubernetesClusters(context.Background(), ClusterQuery{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// The cluster list has its own quota: a throttled audit-log API does not
// slow it.
func TestClusterListQuotaIsItsOwn(t *testing.T) {
	f := &fake{t: t, respond: clusterService(3)}
	c, _ := newTestClient(t, f, nil)
	if c.clusters == c.quota {
		t.Fatal("the cluster list shares the audit-log API's quota view")
	}
	res, err := c.ListKubernetesClusters(context.Background(), ClusterQuery{})
	if err != nil || len(res.Clusters) != 3 {
		t.Fatal(res, err)
	}
}
