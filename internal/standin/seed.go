package standin

import (
	"fmt"
	"strconv"
	"time"
)

// Identifiers shared by the seed data, tests and `make demo`.
const (
	SeedProjectID = "2a6d0b9c4e8f41d7a3c5b1e09f7d6c42"
	// SeedOtherProjectID is the account's project in a second region.
	SeedOtherProjectID = "8d3b7e1f05a94c62b8e0d4a6f2c91e57"

	// SeedCCEClusterID is a CCE cluster whose records all carry line_num.
	SeedCCEClusterID   = "6f1e4c2a-93b7-4d0e-8a5c-7b2f19d3e460"
	SeedCCEClusterName = "prod-cce"
	// SeedIDCClusterID is a self-built IDC cluster; its records have no line_num.
	SeedIDCClusterID   = "c3a9e5d1-2b48-4f6c-9e07-51d8a6b4f2c9"
	SeedIDCClusterName = "idc-k8s"

	// The one violation in the seed data (CCE cluster, about 3 h before now):
	// a human deletes a Secret in production.
	SeedViolationUser      = "alice@example.com"
	SeedViolationSecret    = "db-password"
	SeedViolationNamespace = "production"

	// Demo credentials of the stand-in; they open nothing else.
	DemoAccessKey = "HSSDEMOACCESSKEY0001"
	DemoSecretKey = "hssDemoSecretKeyForTheLocalStandInOnly01"
)

type seedHost struct {
	id   string
	name any
	ip   string
}

// seedEvent is one seed record: ago before now, what happened, on which host.
// text replaces the audit event with free text, like the published example.
type seedEvent struct {
	ago  time.Duration
	who  actor
	act  action
	text string
	host int
}

var (
	ciDeployer = actor{"system:serviceaccount:ci:deployer", "8c0d6b2e-5f1a-4e7b-9d3c-2a6f4b8e1c05",
		[]string{"system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"},
		"deployer/2.3.1 (linux/amd64) ci-pipeline", "10.0.8.15"}
	bob = actor{"bob@example.com", "3f6b9d1a-0c2e-4a7f-8b5d-6e1c9a4f2b70", []string{"ops", "system:authenticated"},
		"kubectl/v1.29.2 (darwin/arm64) kubernetes/4b8e819", "203.0.113.24"}
	carol = actor{"carol@example.com", "b1e7c3a9-4d2f-4c8e-a6b0-9f5d3e7a1c24", []string{"dev", "system:authenticated"},
		"kubectl/v1.30.1 (linux/amd64) kubernetes/6911225", "203.0.113.57"}
	alice = actor{SeedViolationUser, "e4a2c8f6-1b3d-4f9a-8c7e-0d5b2a6f9e13", []string{"ops", "system:authenticated"},
		"kubectl/v1.29.2 (darwin/arm64) kubernetes/4b8e819", "198.51.100.7"}
	rsController = actor{"system:serviceaccount:kube-system:replicaset-controller", "5a9c1e7b-3d4f-4b2a-9e6c-8f0d2b4a7c31",
		[]string{"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"},
		"kube-controller-manager/v1.28.3 (linux/amd64) kubernetes/a8a1abc/system:serviceaccount:kube-system:replicaset-controller", "192.168.0.11"}
	nsController = actor{"system:serviceaccount:kube-system:namespace-controller", "7d3f5b1c-9e2a-4c6d-b8f0-1a4e6c8d2b97",
		[]string{"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"},
		"kube-controller-manager/v1.28.3 (linux/amd64) kubernetes/a8a1abc/system:serviceaccount:kube-system:namespace-controller", "192.168.0.11"}
	kubelet = actor{"system:node:prod-cce-node-02", "", []string{"system:nodes", "system:authenticated"},
		"kubelet/v1.28.3 (linux/amd64) kubernetes/a8a1abc", "192.168.0.12"}
	ops = actor{"ops@example.com", "0b8e2d4f-6a1c-4e3b-9f7d-5c2a8e0b4d16", []string{"ops", "system:authenticated"},
		"kubectl/v1.27.4 (linux/amd64) kubernetes/fa3d799", "10.20.1.5"}
	flux = actor{"system:serviceaccount:flux-system:kustomize-controller", "2c4e6a8b-0d1f-4a3c-8e5b-7f9d1b3c5e62",
		[]string{"system:serviceaccounts", "system:serviceaccounts:flux-system", "system:authenticated"},
		"kustomize-controller/v1.2.2", "10.20.0.31"}
	prometheus = actor{"system:serviceaccount:monitoring:prometheus", "9e1a3c5d-7b2f-4d6e-a0c8-4b6d8f0a2e53",
		[]string{"system:serviceaccounts", "system:serviceaccounts:monitoring", "system:authenticated"},
		"Prometheus/2.51.1", "10.20.0.40"}
)

var cceHosts = []seedHost{
	{"a1f3c6e2-4b7d-4e19-8c2a-5d9e0f7b3c61", "prod-cce-node-01", "192.168.0.11"},
	{"b2e4d7f3-5c8e-4f2a-9d3b-6e0f1a8c4d72", "prod-cce-node-02", "192.168.0.12"},
	{"c3f5e8a4-6d9f-4a3b-8e4c-7f1a2b9d5e83", "prod-cce-node-03", "192.168.0.13"},
	// The published example's host: host_name is the JSON number 111.
	{"16d8a0dc-94cb-4ca3-9087-06e5f1cd168c", 111, "192.168.0.93"},
}

var idcHosts = []seedHost{
	{"idc-0001-master-01", "idc-master-01", "10.20.0.11"},
	{"idc-0002-master-02", "idc-master-02", "10.20.0.12"},
}

const hour = time.Hour

// cceEvents is the CCE cluster's story; exactly one human deletes a Secret.
var cceEvents = []seedEvent{
	{70 * hour, ciDeployer, action{"patch", "deployments", "", "production", "web"}, "", 0},
	{66 * hour, bob, action{"list", "pods", "", "production", ""}, "", 1},
	{62 * hour, ciDeployer, action{"update", "deployments", "", "production", "api"}, "", 2},
	{58 * hour, carol, action{"get", "deployments", "", "staging", "web"}, "", 0},
	{54 * hour, rsController, action{"create", "pods", "", "production", "web-6d4cf56db6-x2x9p"}, "", 1},
	{50 * hour, bob, action{"get", "pods", "", "production", "web-6d4cf56db6-x2x9p"}, "", 2},
	{47 * hour, kubelet, action{"watch", "configmaps", "", "production", ""}, "", 1},
	{44 * hour, ciDeployer, action{"patch", "deployments", "", "staging", "web"}, "", 0},
	{40 * hour, carol, action{"list", "services", "", "staging", ""}, "", 2},
	{36 * hour, nsController, action{"deletecollection", "events", "", "ci-build-4711", ""}, "", 0},
	{33 * hour, actor{}, action{}, "listImageTagsprod-cce/nginx:*, Method: GET Url=/v2/manage/namespaces/prod-cce/repos/nginx/tags, Reason", 3},
	{30 * hour, alice, action{"get", "secrets", "", "staging", SeedViolationSecret}, "", 1},
	{27 * hour, ciDeployer, action{"update", "configmaps", "", "production", "web-config"}, "", 2},
	{23 * hour, bob, action{"list", "deployments", "", "production", ""}, "", 0},
	{21 * hour, rsController, action{"delete", "pods", "", "production", "web-6d4cf56db6-x2x9p"}, "", 1},
	{19 * hour, carol, action{"create", "pods", "exec", "staging", "web-7f9c8d6b5-qm2lz"}, "", 2},
	{17 * hour, ciDeployer, action{"patch", "deployments", "", "production", "web"}, "", 0},
	{15 * hour, bob, action{"get", "services", "", "production", "web"}, "", 1},
	{13 * hour, kubelet, action{"watch", "pods", "", "", ""}, "", 1},
	{11 * hour, ciDeployer, action{"patch", "deployments", "", "production", "api"}, "", 2},
	{9 * hour, carol, action{"list", "pods", "", "staging", ""}, "", 0},
	{7 * hour, actor{}, action{}, "getPodLogsproduction/web-6d4cf56db6-k8s7t, Method: GET Url=/api/v1/namespaces/production/pods/web-6d4cf56db6-k8s7t/log, Reason", 1},
	{5 * hour, bob, action{"get", "deployments", "", "production", "api"}, "", 2},
	{3 * hour, alice, action{"delete", "secrets", "", SeedViolationNamespace, SeedViolationSecret}, "", 0},
	{150 * time.Minute, ciDeployer, action{"update", "deployments", "", "production", "web"}, "", 1},
	{2 * hour, bob, action{"list", "pods", "", "production", ""}, "", 2},
	{90 * time.Minute, carol, action{"get", "pods", "", "staging", "web-7f9c8d6b5-qm2lz"}, "", 0},
	{60 * time.Minute, ciDeployer, action{"patch", "deployments", "", "production", "api"}, "", 1},
	{40 * time.Minute, rsController, action{"create", "pods", "", "production", "api-5b7f9c4d8-r6t2w"}, "", 2},
	{20 * time.Minute, bob, action{"get", "pods", "", "production", "api-5b7f9c4d8-r6t2w"}, "", 0},
	{10 * time.Minute, kubelet, action{"watch", "configmaps", "", "production", ""}, "", 1},
	{5 * time.Minute, ciDeployer, action{"patch", "deployments", "", "staging", "api"}, "", 2},
}

var idcEvents = []seedEvent{
	{69 * hour, flux, action{"patch", "deployments", "", "shop", "cart"}, "", 0},
	{64 * hour, prometheus, action{"list", "pods", "", "", ""}, "", 1},
	{59 * hour, ops, action{"get", "nodes", "", "", "idc-worker-03"}, "", 0},
	{55 * hour, prometheus, action{"watch", "endpoints", "", "", ""}, "", 1},
	{49 * hour, flux, action{"update", "deployments", "", "shop", "checkout"}, "", 0},
	{43 * hour, ops, action{"create", "configmaps", "", "shop", "cart-flags"}, "", 1},
	{38 * hour, actor{}, action{}, "auditBackendDroppedEvents kube-apiserver, Method: POST Url=/apis/audit.k8s.io/v1/events, Reason: buffer full", 0},
	{31 * hour, ops, action{"delete", "pods", "", "shop", "cart-7d9f8c6b4-abcde"}, "", 1},
	{26 * hour, flux, action{"patch", "deployments", "", "shop", "cart"}, "", 0},
	{20 * hour, prometheus, action{"list", "nodes", "", "", ""}, "", 1},
	{16 * hour, ops, action{"get", "deployments", "", "shop", "checkout"}, "", 0},
	{12 * hour, flux, action{"patch", "deployments", "", "shop", "checkout"}, "", 1},
	{8 * hour, ops, action{"update", "configmaps", "", "shop", "cart-flags"}, "", 0},
	{4 * hour, prometheus, action{"watch", "pods", "", "", ""}, "", 1},
	{1 * hour, ops, action{"list", "deployments", "", "shop", ""}, "", 0},
	{15 * time.Minute, flux, action{"patch", "deployments", "", "shop", "cart"}, "", 1},
}

// Seed returns the demo records, deterministic for a given now and all
// within the 3 days before it, so rolling "last 24 h" windows find records:
// those of the CCE and IDC clusters, and sec-lab's day (SeedFindings).
func Seed(now time.Time) []Record {
	var out []Record
	out = append(out, seedCluster(now, SeedCCEClusterID, SeedCCEClusterName, "cce", cceHosts, cceEvents, true)...)
	out = append(out, seedCluster(now, SeedIDCClusterID, SeedIDCClusterName, "self_built_idc", idcHosts, idcEvents, false)...)
	out = append(out, SeedFindings(now)...)
	return out
}

func seedCluster(now time.Time, id, name, typ string, hosts []seedHost, events []seedEvent, lineNums bool) []Record {
	out := make([]Record, 0, len(events))
	for i, ev := range events {
		// A sub-minute jitter so times look organic; events are >= 5 min apart.
		t := now.Add(-ev.ago + time.Duration(i*7919%50000)*time.Millisecond)
		host := hosts[ev.host]
		content := ev.text
		if content == "" {
			content = auditJSON(ev.who, ev.act, t, fmt.Sprintf("%s/%d", id, i))
		}
		r := Record{ClusterName: name, ClusterID: id, ClusterType: typ, HostID: host.id,
			HostName: host.name, HostIP: host.ip, Content: content, Time: t.UnixMilli()}
		if lineNums {
			r.LineNum = strconv.Itoa(1000001 + i) // events are listed oldest first
		}
		out = append(out, r)
	}
	return out
}

// Generate returns n records of one cluster, 1 s apart, the newest at end,
// for paging tests. Contents are audit events cycling through Verbs; with
// withLineNum the records carry line numbers "1", "2", ... oldest first.
func Generate(clusterID, clusterType string, n int, end time.Time, withLineNum bool) []Record {
	name := "gen-" + clusterID[:min(8, len(clusterID))]
	actors := []actor{ciDeployer, bob, carol, prometheus}
	out := make([]Record, 0, max(n, 0))
	for i := 0; i < n; i++ {
		t := end.Add(-time.Duration(n-1-i) * time.Second)
		verb := Verbs[i%len(Verbs)]
		act := action{verb: verb, resource: "pods", ns: "load"}
		switch verb {
		case "list", "watch", "deletecollection":
		default:
			act.name = fmt.Sprintf("pod-%d", i)
		}
		r := Record{ClusterName: name, ClusterID: clusterID, ClusterType: clusterType,
			HostID: fmt.Sprintf("gen-host-%d", i%3), HostName: fmt.Sprintf("gen-node-%d", i%3),
			HostIP: fmt.Sprintf("10.99.0.%d", 10+i%3), Time: t.UnixMilli(),
			Content: auditJSON(actors[i%len(actors)], act, t, fmt.Sprintf("%s/gen/%d", clusterID, i))}
		if withLineNum {
			r.LineNum = strconv.Itoa(i + 1)
		}
		out = append(out, r)
	}
	return out
}
