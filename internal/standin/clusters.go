package standin

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"
)

// ClustersPathSuffix is the part of the cluster-list API's path
// (ListKubernetesClusterDetails) after /v5/{project_id}.
const ClustersPathSuffix = "/kubernetes/clusters"

// The cluster-list API's documented ranges (shared/api/ListKubernetesClusterDetails.md).
const (
	clusterMinLimit     = 10
	clusterMaxLimit     = 200
	clusterDefaultLimit = 10
	clusterMaxOffset    = 2_000_000
	// SceneClusterRisk is the only scene the cluster list accepts: with it,
	// only clusters with a risk count above 0 are listed.
	SceneClusterRisk = "cluster_risk"
)

// ClusterTypes are the documented values of cluster_type.
var ClusterTypes = []string{"cce", "k8s", "ali", "tencent", "azure", "aws", "self_built_hw", "self_built_idc"}

// ClusterStatuses are the documented values of a cluster's status.
var ClusterStatuses = []string{"Available", "Unavailable", "ScalingUp", "ScalingDown", "Creating", "Deleting",
	"Upgrading", "Resizing", "RollingBack", "RollbackFailed", "Empty"}

// Cluster is one Kubernetes cluster as the cluster-list API
// (ListKubernetesClusterDetails) describes it: KubernetesClusterInfo. The
// stand-in serves the values as given, without checking them against
// ClusterTypes or ClusterStatuses.
type Cluster struct {
	// ID is the row id (id); ClusterID is the cluster's id, the cluster_id
	// of the audit-log API.
	ID, ClusterID, ClusterName string
	// ClusterType is one of ClusterTypes; Status one of ClusterStatuses.
	ClusterType, Status string
	// Version is the Kubernetes version.
	Version                             string
	TotalNodesNumber, ActiveNodesNumber int
	// The agent fields are answered only with load_agent_info=true.
	AgentInstalledNum, AgentInstallFailedNum, AgentNotInstallNum int
	// AgentDSInstallStatus is NotInstall or Installed.
	AgentDSInstallStatus, AgentDSFailedReason string
	// Epoch milliseconds.
	CreationTimestamp, LastOperateTimestamp, LastScanTime int64
	// The risk counts; scene=cluster_risk lists only clusters with one
	// above 0.
	SysVulNum, AppVulNum, EmgVulNum, RiskAssessNum, SecCompNum int
}

// atRisk reports whether any risk count is above 0.
func (c Cluster) atRisk() bool {
	return c.SysVulNum > 0 || c.AppVulNum > 0 || c.EmgVulNum > 0 || c.RiskAssessNum > 0 || c.SecCompNum > 0
}

// wireCluster is KubernetesClusterInfo on the wire. The agent fields are
// pointers: without load_agent_info=true they are left out of the answer.
type wireCluster struct {
	ID                    string  `json:"id"`
	ClusterID             string  `json:"cluster_id"`
	ClusterName           string  `json:"cluster_name"`
	ClusterType           string  `json:"cluster_type"`
	Status                string  `json:"status"`
	Version               string  `json:"version"`
	TotalNodesNumber      int     `json:"total_nodes_number"`
	ActiveNodesNumber     int     `json:"active_nodes_number"`
	AgentInstalledNum     *int    `json:"agent_installed_num,omitempty"`
	AgentInstallFailedNum *int    `json:"agent_install_failed_num,omitempty"`
	AgentNotInstallNum    *int    `json:"agent_not_install_num,omitempty"`
	AgentDSInstallStatus  *string `json:"agent_ds_install_status,omitempty"`
	AgentDSFailedReason   *string `json:"agent_ds_failed_reason,omitempty"`
	CreationTimestamp     int64   `json:"creation_timestamp"`
	LastOperateTimestamp  int64   `json:"last_operate_timestamp"`
	LastScanTime          int64   `json:"last_scan_time"`
	SysVulNum             int     `json:"sys_vul_num"`
	AppVulNum             int     `json:"app_vul_num"`
	EmgVulNum             int     `json:"emg_vul_num"`
	RiskAssessNum         int     `json:"risk_assess_num"`
	SecCompNum            int     `json:"sec_comp_num"`
}

func (c Cluster) wire(withAgent bool) wireCluster {
	w := wireCluster{
		ID: c.ID, ClusterID: c.ClusterID, ClusterName: c.ClusterName, ClusterType: c.ClusterType,
		Status: c.Status, Version: c.Version,
		TotalNodesNumber: c.TotalNodesNumber, ActiveNodesNumber: c.ActiveNodesNumber,
		CreationTimestamp: c.CreationTimestamp, LastOperateTimestamp: c.LastOperateTimestamp, LastScanTime: c.LastScanTime,
		SysVulNum: c.SysVulNum, AppVulNum: c.AppVulNum, EmgVulNum: c.EmgVulNum,
		RiskAssessNum: c.RiskAssessNum, SecCompNum: c.SecCompNum,
	}
	if withAgent {
		w.AgentInstalledNum, w.AgentInstallFailedNum, w.AgentNotInstallNum = &c.AgentInstalledNum, &c.AgentInstallFailedNum, &c.AgentNotInstallNum
		w.AgentDSInstallStatus, w.AgentDSFailedReason = &c.AgentDSInstallStatus, &c.AgentDSFailedReason
	}
	return w
}

type clusterListResponse struct {
	TotalNum        int           `json:"total_num"`
	LastUpdateTime  int64         `json:"last_update_time"`
	ClusterInfoList []wireCluster `json:"cluster_info_list"`
}

// sortClusters returns a copy of cs ordered newest creation_timestamp
// first, then by id; clusters equal in both keep their order.
func sortClusters(cs []Cluster) []Cluster {
	out := append([]Cluster(nil), cs...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.CreationTimestamp != b.CreationTimestamp {
			return a.CreationTimestamp > b.CreationTimestamp
		}
		return a.ID < b.ID
	})
	return out
}

// newClusterProjects sorts the clusters of every project: Clusters for the
// main project, OtherClusters for the others (an entry for the main
// project there is ignored). A project of OtherClusters that OtherProjects
// lacks becomes a project of the account too, with no records: others
// gains an empty entry for it.
func newClusterProjects(opts Options, others map[string]project) map[string][]Cluster {
	out := map[string][]Cluster{opts.ProjectID: sortClusters(opts.Clusters)}
	for id, cs := range opts.OtherClusters {
		if id == opts.ProjectID {
			continue
		}
		out[id] = sortClusters(cs)
		if _, ok := others[id]; !ok {
			others[id] = newProject(nil)
		}
	}
	return out
}

// clusterQuery is a validated cluster-list request.
type clusterQuery struct {
	limit, offset int
	clusterName   string
	loadAgentInfo bool
	riskOnly      bool
}

// parseClusterQuery validates the cluster list's query string; every error
// names its parameter. Parameters sent empty count as absent.
func (s *Server) parseClusterQuery(raw string) (clusterQuery, *apiError) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return clusterQuery{}, invalid("malformed query string: %v", err)
	}
	q := clusterQuery{limit: clusterDefaultLimit}
	limit, ok, e := optionalInt(v, "limit")
	switch {
	case e != nil:
		return q, e
	case ok && (limit < clusterMinLimit || limit > clusterMaxLimit):
		return q, invalid("limit %d is out of range: it must be between %d and %d", limit, clusterMinLimit, clusterMaxLimit)
	case ok:
		q.limit = int(limit)
	}
	offset, ok, e := optionalInt(v, "offset")
	switch {
	case e != nil:
		return q, e
	case ok && (offset < 0 || offset > clusterMaxOffset):
		return q, invalid("offset %d is out of range: it must be between 0 and %d", offset, clusterMaxOffset)
	case ok:
		q.offset = int(offset)
	}
	switch la := v.Get("load_agent_info"); la {
	case "", "false":
	case "true":
		q.loadAgentInfo = true
	default:
		return q, invalid("load_agent_info %q is not a boolean: send true or false", la)
	}
	switch sc := v.Get("scene"); sc {
	case "":
	case SceneClusterRisk:
		q.riskOnly = true
	default:
		return q, invalid("scene %q is not supported: the only scene is %s", sc, SceneClusterRisk)
	}
	if eps := v.Get("enterprise_project_id"); !s.epsAllowed(eps) {
		return q, &apiError{status: http.StatusForbidden, code: codeNoEPSRight,
			msg: "Permission denied: no permission on enterprise project " + eps + " (enterprise_project_id)"}
	}
	q.clusterName = v.Get("cluster_name")
	return q, nil
}

// optionalInt reads an integer parameter; ok is false when it is absent
// (or empty).
func optionalInt(v url.Values, name string) (n int64, ok bool, e *apiError) {
	s := v.Get(name)
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false, invalid("%s %q is not an integer", name, s)
	}
	return n, true, nil
}

func (q clusterQuery) matches(c Cluster) bool {
	return (q.clusterName == "" || c.ClusterName == q.clusterName) && (!q.riskOnly || c.atRisk())
}

// serveClusters answers a cluster-list request for project (authenticated,
// and a project of the account).
func (s *Server) serveClusters(w http.ResponseWriter, r *http.Request, project string) {
	q, e := s.parseClusterQuery(r.URL.RawQuery)
	if e != nil {
		writeError(w, e.status, e.code, e.msg)
		return
	}
	writeJSON(w, http.StatusOK, s.clusterPage(s.clusters[project], q))
}

// clusterPage filters the (sorted) clusters and cuts the page at offset.
// last_update_time is the server's clock (Options.Now).
func (s *Server) clusterPage(cs []Cluster, q clusterQuery) clusterListResponse {
	var hits []int
	for i := range cs {
		if q.matches(cs[i]) {
			hits = append(hits, i)
		}
	}
	start := min(q.offset, len(hits))
	end := min(start+q.limit, len(hits))
	resp := clusterListResponse{TotalNum: len(hits), LastUpdateTime: s.opts.Now().UnixMilli(),
		ClusterInfoList: make([]wireCluster, 0, end-start)}
	for _, h := range hits[start:end] {
		resp.ClusterInfoList = append(resp.ClusterInfoList, cs[h].wire(q.loadAgentInfo))
	}
	return resp
}

// Identifiers of the seed clusters besides SeedCCEClusterID,
// SeedIDCClusterID and SeedFindingsClusterID (see SeedClusters).
const (
	// SeedAWSClusterID is an Unavailable aws cluster.
	SeedAWSClusterID   = "4d2b8f6a-1e3c-4a5d-b7e9-0c8f2a6d4b13"
	SeedAWSClusterName = "legacy-aws"
	// SeedCreatingClusterID is a self_built_hw cluster being created: no
	// nodes, never scanned.
	SeedCreatingClusterID   = "9a7c5e3b-6f1d-4b2e-8c0a-3e5d7f9b1a26"
	SeedCreatingClusterName = "edge-hw"
	// SeedAliClusterID is an ali cluster.
	SeedAliClusterID   = "e8b6d4f2-0a9c-4e7b-a5d3-1f7b9d3e5c48"
	SeedAliClusterName = "staging-ali"
	// SeedDevClusterID is a k8s cluster without any risk.
	SeedDevClusterID   = "1c3e5a7b-9d0f-4c2a-b4e6-8a0c2e4f6b59"
	SeedDevClusterName = "dev-k8s"
)

// SeedClusters returns the demo clusters, deterministic for a given now:
// the three clusters of the audit-log seed (Seed) with their ids, names and
// types, and four more. All are Available except SeedAWSClusterID
// (Unavailable) and SeedCreatingClusterID (Creating); the Creating one and
// SeedDevClusterID have no risk (scene=cluster_risk lists the other five).
// Newest created first they are: edge-hw, sec-lab, dev-k8s, staging-ali,
// prod-cce, idc-k8s, legacy-aws.
func SeedClusters(now time.Time) []Cluster {
	ms := func(ago time.Duration) int64 { return now.Add(-ago).UnixMilli() }
	day := 24 * time.Hour
	return []Cluster{
		{ID: "7c1f0e5a2b9d4c38a6e4f1b0d9c2a5e7", ClusterID: SeedCCEClusterID, ClusterName: SeedCCEClusterName,
			ClusterType: "cce", Status: "Available", Version: "v1.28.3",
			TotalNodesNumber: 4, ActiveNodesNumber: 4,
			AgentInstalledNum: 4, AgentDSInstallStatus: "Installed",
			CreationTimestamp: ms(400 * day), LastOperateTimestamp: ms(26 * time.Hour), LastScanTime: ms(2 * time.Hour),
			SysVulNum: 3, AppVulNum: 5, EmgVulNum: 1, RiskAssessNum: 2, SecCompNum: 4},
		{ID: "3b8e2d6f9a0c4e71b5d3a7f2c8e0b4d6", ClusterID: SeedIDCClusterID, ClusterName: SeedIDCClusterName,
			ClusterType: "self_built_idc", Status: "Available", Version: "v1.27.4",
			TotalNodesNumber: 5, ActiveNodesNumber: 5,
			AgentInstalledNum: 3, AgentInstallFailedNum: 1, AgentNotInstallNum: 1, AgentDSInstallStatus: "Installed",
			AgentDSFailedReason: "idc-worker-03: image pull timed out",
			CreationTimestamp:   ms(700 * day), LastOperateTimestamp: ms(5 * day), LastScanTime: ms(3 * time.Hour),
			AppVulNum: 2, RiskAssessNum: 1},
		{ID: "a4d7f1c3e6b9402d8f5a1c7e3b9d6f02", ClusterID: SeedAWSClusterID, ClusterName: SeedAWSClusterName,
			ClusterType: "aws", Status: "Unavailable", Version: "v1.25.16",
			TotalNodesNumber: 3, ActiveNodesNumber: 0,
			AgentNotInstallNum: 3, AgentDSInstallStatus: "NotInstall",
			AgentDSFailedReason: "cluster unreachable: connection to the API server timed out",
			CreationTimestamp:   ms(900 * day), LastOperateTimestamp: ms(10 * day), LastScanTime: ms(10 * day),
			SysVulNum: 7, EmgVulNum: 2},
		{ID: "e2a5c8f0b3d6419e7a0c3f6b9e2d5a81", ClusterID: SeedCreatingClusterID, ClusterName: SeedCreatingClusterName,
			ClusterType: "self_built_hw", Status: "Creating", Version: "v1.31.0",
			AgentDSInstallStatus: "NotInstall",
			CreationTimestamp:    ms(20 * time.Minute), LastOperateTimestamp: ms(20 * time.Minute)},
		{ID: "5f9b3d7a1e0c4b62d8f4a0e6c2b8d4f7", ClusterID: SeedAliClusterID, ClusterName: SeedAliClusterName,
			ClusterType: "ali", Status: "Available", Version: "v1.30.1",
			TotalNodesNumber: 3, ActiveNodesNumber: 3,
			AgentInstalledNum: 2, AgentNotInstallNum: 1, AgentDSInstallStatus: "Installed",
			CreationTimestamp: ms(120 * day), LastOperateTimestamp: ms(2 * day), LastScanTime: ms(6 * time.Hour),
			AppVulNum: 1, SecCompNum: 2},
		{ID: "b6e0a3d9f2c5487b1e4a7d0c3f6b9e25", ClusterID: SeedDevClusterID, ClusterName: SeedDevClusterName,
			ClusterType: "k8s", Status: "Available", Version: "v1.31.0",
			TotalNodesNumber: 2, ActiveNodesNumber: 2,
			AgentInstalledNum: 2, AgentDSInstallStatus: "Installed",
			CreationTimestamp: ms(30 * day), LastOperateTimestamp: ms(12 * time.Hour), LastScanTime: ms(4 * time.Hour)},
		// A node joined about 19 h ago (see SeedFindings).
		{ID: "f5740b95f7e6a9f7e93aeb6111e33900", ClusterID: SeedFindingsClusterID, ClusterName: SeedFindingsClusterName,
			ClusterType: SeedFindingsClusterType, Status: "Available", Version: "v1.30.2",
			TotalNodesNumber: 6, ActiveNodesNumber: 6,
			AgentInstalledNum: 6, AgentDSInstallStatus: "Installed",
			CreationTimestamp: ms(14 * day), LastOperateTimestamp: ms(19*time.Hour + 20*time.Minute), LastScanTime: ms(time.Hour),
			AppVulNum: 2, RiskAssessNum: 6, SecCompNum: 3},
	}
}

// GenerateClusters returns n Available clusters for paging tests,
// deterministic for a given now. Cluster i (from 0) has row id
// GeneratedClusterRowID(i), cluster id GeneratedClusterID(i), name
// "gen-cluster-%04d" of i+1, type ClusterTypes[i%8], and was created
// i+1 minutes before now, so that the list serves them in the order
// generated. Its sys_vul_num is i%4 and its other risk counts 0: every
// fourth cluster (i = 0, 4, ...) has no risk.
func GenerateClusters(n int, now time.Time) []Cluster {
	versions := []string{"v1.28.3", "v1.29.2", "v1.30.1", "v1.31.0"}
	out := make([]Cluster, 0, max(n, 0))
	for i := 0; i < n; i++ {
		created := now.Add(-time.Duration(i+1) * time.Minute)
		nodes := 3 + i%5
		out = append(out, Cluster{
			ID: GeneratedClusterRowID(i), ClusterID: GeneratedClusterID(i), ClusterName: fmt.Sprintf("gen-cluster-%04d", i+1),
			ClusterType: ClusterTypes[i%len(ClusterTypes)], Status: "Available", Version: versions[i%len(versions)],
			TotalNodesNumber: nodes, ActiveNodesNumber: nodes,
			AgentInstalledNum: nodes - i%2, AgentNotInstallNum: i % 2, AgentDSInstallStatus: "Installed",
			CreationTimestamp:    created.UnixMilli(),
			LastOperateTimestamp: created.Add(30 * time.Second).UnixMilli(),
			LastScanTime:         created.Add(45 * time.Second).UnixMilli(),
			SysVulNum:            i % 4,
		})
	}
	return out
}

// GeneratedClusterID is the cluster id of GenerateClusters' cluster i
// (from 0): UUID-shaped, "00000000-0000-4000-8000-" and i+1 in 12 digits.
func GeneratedClusterID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1) }

// GeneratedClusterRowID is the row id of GenerateClusters' cluster i: i+1
// in 32 hexadecimal digits.
func GeneratedClusterRowID(i int) string { return fmt.Sprintf("%032x", i+1) }
