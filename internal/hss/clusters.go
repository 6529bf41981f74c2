package hss

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/hss-tf/terraform-provider-hss/internal/safetext"
)

// APIListKubernetesClusterDetails names the cluster list in quota keys:
// it has its own 5 calls a minute.
const APIListKubernetesClusterDetails = "ListKubernetesClusterDetails"

// Cluster-list paging: the service takes limit 10 to 200 and offset up to
// 2,000,000.
const (
	ClusterPageLimit = 200
	maxClusterOffset = 2_000_000
)

// ClusterQuery selects clusters. Empty strings are not sent.
type ClusterQuery struct {
	EnterpriseProjectID string
	ClusterName         string
	Scene               string // "cluster_risk": only clusters with risks
	LoadAgentInfo       bool
}

// Cluster is one KubernetesClusterInfo, every documented field.
type Cluster struct {
	ID, ClusterID, ClusterName, ClusterType, Status, Version string
	TotalNodesNumber, ActiveNodesNumber                      int64
	AgentInstalledNum, AgentInstallFailedNum                 int64
	AgentNotInstallNum                                       int64
	AgentDSInstallStatus, AgentDSFailedReason                string
	CreationTimestamp, LastOperateTimestamp, LastScanTime    int64 // epoch ms
	SysVulNum, AppVulNum, EmgVulNum, RiskAssessNum           int64
	SecCompNum                                               int64
}

// ClusterList is a whole read of the cluster list.
type ClusterList struct {
	TotalNum       int64
	LastUpdateTime int64 // epoch ms, the first page's
	Clusters       []Cluster
	Requests       int
}

type wireClusterPage struct {
	TotalNum       *flexInt       `json:"total_num"`
	LastUpdateTime flexInt        `json:"last_update_time"`
	List           *[]wireCluster `json:"cluster_info_list"`
	ErrorCode      flexString     `json:"error_code"`
	ErrorMsg       flexString     `json:"error_msg"`
}

type wireCluster struct {
	ID                    flexString `json:"id"`
	ClusterID             flexString `json:"cluster_id"`
	ClusterName           flexString `json:"cluster_name"`
	ClusterType           flexString `json:"cluster_type"`
	Status                flexString `json:"status"`
	Version               flexString `json:"version"`
	TotalNodesNumber      flexInt    `json:"total_nodes_number"`
	ActiveNodesNumber     flexInt    `json:"active_nodes_number"`
	AgentInstalledNum     flexInt    `json:"agent_installed_num"`
	AgentInstallFailedNum flexInt    `json:"agent_install_failed_num"`
	AgentNotInstallNum    flexInt    `json:"agent_not_install_num"`
	AgentDSInstallStatus  flexString `json:"agent_ds_install_status"`
	AgentDSFailedReason   flexString `json:"agent_ds_failed_reason"`
	CreationTimestamp     flexInt    `json:"creation_timestamp"`
	LastOperateTimestamp  flexInt    `json:"last_operate_timestamp"`
	LastScanTime          flexInt    `json:"last_scan_time"`
	SysVulNum             flexInt    `json:"sys_vul_num"`
	AppVulNum             flexInt    `json:"app_vul_num"`
	EmgVulNum             flexInt    `json:"emg_vul_num"`
	RiskAssessNum         flexInt    `json:"risk_assess_num"`
	SecCompNum            flexInt    `json:"sec_comp_num"`
}

// errNotAClusterPage is an answer that is not a page of the cluster list.
var errNotAClusterPage = errors.New("the answer is not a page of the cluster list")

// decodeClusterPage decodes one page, as tolerant of the service's types
// as the audit-log pages (numbers as strings, strings as numbers).
func decodeClusterPage(body []byte, secrets ...string) (total, updated int64, list []Cluster, err error) {
	var w wireClusterPage
	if err := json.Unmarshal(body, &w); err != nil {
		return 0, 0, nil, fmt.Errorf("%w: %v (body starts %q)", errNotAClusterPage, err, snippet(body, secrets...))
	}
	switch {
	case w.ErrorCode != "":
		return 0, 0, nil, &APIError{ErrorCode: string(w.ErrorCode), ErrorMsg: string(w.ErrorMsg)}
	case w.List == nil:
		return 0, 0, nil, fmt.Errorf("%w: no cluster_info_list in %q", errNotAClusterPage, snippet(body, secrets...))
	case w.TotalNum == nil:
		return 0, 0, nil, fmt.Errorf("%w: no total_num in %q", errNotAClusterPage, snippet(body, secrets...))
	case *w.TotalNum < 0:
		return 0, 0, nil, fmt.Errorf("%w: negative total_num %d", errNotAClusterPage, *w.TotalNum)
	}
	list = make([]Cluster, len(*w.List))
	for i, c := range *w.List {
		list[i] = Cluster{
			ID: string(c.ID), ClusterID: string(c.ClusterID), ClusterName: string(c.ClusterName), ClusterType: string(c.ClusterType),
			Status: string(c.Status), Version: string(c.Version), TotalNodesNumber: int64(c.TotalNodesNumber), ActiveNodesNumber: int64(c.ActiveNodesNumber),
			AgentInstalledNum: int64(c.AgentInstalledNum), AgentInstallFailedNum: int64(c.AgentInstallFailedNum), AgentNotInstallNum: int64(c.AgentNotInstallNum),
			AgentDSInstallStatus: string(c.AgentDSInstallStatus), AgentDSFailedReason: string(c.AgentDSFailedReason),
			CreationTimestamp: int64(c.CreationTimestamp), LastOperateTimestamp: int64(c.LastOperateTimestamp), LastScanTime: int64(c.LastScanTime),
			SysVulNum: int64(c.SysVulNum), AppVulNum: int64(c.AppVulNum), EmgVulNum: int64(c.EmgVulNum), RiskAssessNum: int64(c.RiskAssessNum),
			SecCompNum: int64(c.SecCompNum),
		}
	}
	return int64(*w.TotalNum), int64(w.LastUpdateTime), list, nil
}

// ListKubernetesClusters reads every page of the project's cluster list,
// limit 200 at a time, one page after another (a project has few: a page
// is usually the whole list), and returns every cluster once, or an
// error: a page holding more than limit, a page served twice, a cluster on
// two pages, the list changing under the read (total_num moving), or the
// pages ending before total_num. Retries, throttling and errors are the
// audit-log reads', through this API's own quota view.
func (c *Client) ListKubernetesClusters(ctx context.Context, q ClusterQuery) (*ClusterList, error) {
	path := "/v5/" + url.PathEscape(c.cfg.ProjectID) + "/kubernetes/clusters"
	res := &ClusterList{Clusters: []Cluster{}}
	seen := map[string]int64{} // cluster_id -> offset of its page
	var rs readStats
	for offset := int64(0); ; {
		label := "offset=" + strconv.FormatInt(offset, 10)
		params := [][2]string{{"limit", strconv.Itoa(ClusterPageLimit)}, {"offset", strconv.FormatInt(offset, 10)}}
		for _, kv := range [][2]string{{"enterprise_project_id", q.EnterpriseProjectID}, {"cluster_name", q.ClusterName}, {"scene", q.Scene}} {
			if kv[1] != "" {
				params = append(params, kv)
			}
		}
		if q.LoadAgentInfo {
			params = append(params, [2]string{"load_agent_info", "true"})
		}
		a, err := c.getVia(ctx, c.clusters, path, params, label, &rs, nil)
		if err != nil {
			return nil, err
		}
		total, updated, list, err := decodeClusterPage(a.body, a.secrets...)
		requestID := a.requestID
		a.release()
		if err != nil {
			if ae := (*APIError)(nil); errors.As(err, &ae) {
				ae.StatusCode, ae.RequestID, ae.Page = 200, requestID, label
				return nil, ae
			}
			return nil, &APIError{StatusCode: 200, RequestID: requestID, Page: label, Err: err}
		}
		res.Requests++
		if res.Requests == 1 {
			res.TotalNum, res.LastUpdateTime = total, updated
			if total > maxClusterOffset {
				return nil, &PagingError{Page: label, Reason: fmt.Sprintf("total_num is %d, more clusters than the API can page (offset up to %d)", total, maxClusterOffset)}
			}
		} else if total != res.TotalNum {
			return nil, &PagingError{Page: label, Shifted: true, Reason: fmt.Sprintf(
				"total_num changed from %d to %d during the read: clusters were added or removed, so the pages shifted; retry", res.TotalNum, total)}
		}
		if len(list) > ClusterPageLimit {
			return nil, &PagingError{Page: label, Reason: fmt.Sprintf("the page holds %d clusters, more than limit (%d)", len(list), ClusterPageLimit)}
		}
		for _, cl := range list {
			id := cl.ClusterID
			if id == "" {
				id = "row " + cl.ID
			}
			if at, dup := seen[id]; dup {
				return nil, &PagingError{Page: label, Reason: fmt.Sprintf("cluster %s was already on page offset=%d: the service served it twice", safeID(id), at)}
			}
			seen[id] = offset
		}
		res.Clusters = append(res.Clusters, list...)
		offset += int64(len(list))
		if len(list) < ClusterPageLimit || offset >= res.TotalNum {
			break
		}
		if res.Requests > int(res.TotalNum/ClusterPageLimit)+pageMargin {
			return nil, &PagingError{Page: label, Reason: fmt.Sprintf("still receiving full pages after %d requests although total_num is %d", res.Requests, res.TotalNum)}
		}
	}
	if int64(len(res.Clusters)) != res.TotalNum {
		return nil, &PagingError{Page: fmt.Sprintf("offset=%d", len(res.Clusters)), Reason: fmt.Sprintf(
			"the pages ended with %d clusters, but total_num is %d: the list is incomplete", len(res.Clusters), res.TotalNum)}
	}
	return res, nil
}

func safeID(s string) string { return strconv.Quote(safetext.Truncate(s, 64)) }
