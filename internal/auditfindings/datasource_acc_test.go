package auditfindings_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

func TestMain(m *testing.M) { acctest.Main(m) }

const (
	cluster = "14141414-aaaa-bbbb-cccc-000000000014"
	addr    = "data.hss_cluster_audit_findings.test"
)

var t0 = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// event is an audit event at level RequestResponse, of stage; body is
// appended to its fields (`,"requestObject":{...}`).
func event(id, stage, verb, user, resource, sub, ns, name string, code int, body string) string {
	ref := fmt.Sprintf(`{"resource":%q,"namespace":%q,"name":%q,"apiVersion":"v1"`, resource, ns, name)
	if sub != "" {
		ref += fmt.Sprintf(`,"subresource":%q`, sub)
	}
	return fmt.Sprintf(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":%q,"stage":%q,`+
		`"requestURI":"/api/v1/namespaces/%s/%s/%s","verb":%q,"user":{"username":%q,"groups":["system:authenticated"]},`+
		`"sourceIPs":["10.0.0.9"],"objectRef":%s},"responseStatus":{"metadata":{},"code":%d}%s,`+
		`"requestReceivedTimestamp":"2026-11-20T11:00:00.000000Z","stageTimestamp":"2026-11-20T11:00:00.001000Z"}`,
		id, stage, ns, resource, name, verb, user, ref, code, body)
}

var violations = []string{
	// 0: an exec into a pod, audited at two stages: one finding.
	event("a-0", "RequestReceived", "create", "mallory@example.com", "pods", "exec", "shop", "web-0", 101, ""),
	event("a-0", "ResponseComplete", "create", "mallory@example.com", "pods", "exec", "shop", "web-0", 101, ""),
	// 2: a privileged pod.
	event("a-2", "ResponseComplete", "create", "mallory@example.com", "pods", "", "shop", "miner", 201,
		`,"requestObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"miner"},"spec":{"hostPID":true,"containers":[{"name":"c","image":"evil/miner:1","securityContext":{"privileged":true}}],"volumes":[{"name":"root","hostPath":{"path":"/"}}]}}`),
	// 3: the CI robot reads a Secret: allowed.
	event("a-3", "ResponseComplete", "get", "system:serviceaccount:ci:deployer", "secrets", "", "prod", "db", 200, ""),
	// 4: a stolen service account reads one: a finding.
	event("a-4", "ResponseComplete", "get", "system:serviceaccount:default:default", "secrets", "", "prod", "db", 200,
		`,"responseObject":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db"},"data":{"password":"aHVudGVyMg=="}}`),
	// 5: a binding to cluster-admin.
	event("a-5", "ResponseComplete", "create", "mallory@example.com", "clusterrolebindings", "", "", "owned", 201,
		`,"requestObject":{"kind":"ClusterRoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"owned"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"kind":"User","name":"mallory@example.com"}]}`),
	// 6: a kubelet reading a Secret: the control plane.
	event("a-6", "ResponseComplete", "get", "system:node:node-1", "secrets", "", "prod", "db", 200, ""),
	// 7: free text.
	`listImageTags, Method: GET Url=/v2/manage/namespaces/x/repos/y/tags, Reason`,
}

func records() []standin.Record {
	recs := make([]standin.Record, len(violations))
	for i, c := range violations {
		recs[i] = standin.Record{ClusterID: cluster, ClusterType: "self_built_idc", HostID: "h", HostName: "node", HostIP: "10.0.0.1",
			Time: t0.Add(-time.Duration(len(violations)-i) * time.Minute).UnixMilli(), Content: c}
	}
	return recs
}

func config(url, args string) string {
	return acctest.ProviderConfig(url, "") + fmt.Sprintf(`
data "hss_cluster_audit_findings" "test" {
  cluster_id = %q
  start_time = %d
  end_time   = %d
  %s
}
`, cluster, t0.Add(-time.Hour).UnixMilli(), t0.UnixMilli(), args)
}

func finding(rule, severity, user, verb, resource, sub, ns, name, id string, msg *regexp.Regexp) knownvalue.Check {
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"rule": knownvalue.StringExact(rule), "severity": knownvalue.StringExact(severity), "user": knownvalue.StringExact(user),
		"verb": knownvalue.StringExact(verb), "resource": knownvalue.StringExact(resource), "subresource": knownvalue.StringExact(sub),
		"namespace": knownvalue.StringExact(ns), "name": knownvalue.StringExact(name), "audit_id": knownvalue.StringExact(id),
		"message": knownvalue.StringRegexp(msg),
	})
}

func TestAccClusterAuditFindings(t *testing.T) {
	s, url := acctest.StandIn(t, standin.Options{Records: records()})
	counts := func(kv map[string]int64) knownvalue.Check {
		c := map[string]knownvalue.Check{}
		for k, v := range kv {
			c[k] = knownvalue.Int64Exact(v)
		}
		return knownvalue.MapExact(c)
	}
	all := map[string]int64{"pod_exec": 1, "secret_access": 1, "cluster_admin_binding": 1, "wildcard_role": 0, "anonymous_request": 0,
		"privileged_pod": 1, "host_namespace_pod": 1, "sensitive_mount_pod": 1, "kube_system_change": 0, "token_request": 0, "malformed": 0}
	// Five rules and an audit-log data source over the same window: the
	// calls of one read.
	shared := config(url, `rules = ["pod_exec", "secret_access", "cluster_admin_binding", "privileged_pod", "sensitive_mount_pod"]`+"\n"+
		`allowed_usernames = ["system:serviceaccount:ci:*"]`) + fmt.Sprintf(`
data "hss_cluster_audit_logs" "same" {
  cluster_id = %q
  start_time = %d
  end_time   = %d
}
`, cluster, t0.Add(-time.Hour).UnixMilli(), t0.UnixMilli())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config(url, `allowed_usernames = ["system:serviceaccount:ci:*"]`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("counts"), counts(all)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("findings_num"), knownvalue.Int64Exact(6)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("records_num"), knownvalue.Int64Exact(8)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("findings"), knownvalue.ListExact([]knownvalue.Check{
					finding("pod_exec", "medium", "mallory@example.com", "create", "pods", "exec", "shop", "web-0", "a-0", regexp.MustCompile(`^mallory@example.com exec into pod shop/web-0$`)),
					finding("privileged_pod", "high", "mallory@example.com", "create", "pods", "", "shop", "miner", "a-2", regexp.MustCompile(`privileged container c \(image evil/miner:1\)`)),
					finding("host_namespace_pod", "high", "mallory@example.com", "create", "pods", "", "shop", "miner", "a-2", regexp.MustCompile(`hostPID`)),
					finding("sensitive_mount_pod", "high", "mallory@example.com", "create", "pods", "", "shop", "miner", "a-2", regexp.MustCompile(`hostPath / \(under /\)`)),
					finding("secret_access", "medium", "system:serviceaccount:default:default", "get", "secrets", "", "prod", "db", "a-4", regexp.MustCompile(`get secret prod/db \(HTTP 200\)`)),
					finding("cluster_admin_binding", "high", "mallory@example.com", "create", "clusterrolebindings", "", "", "owned", "a-5", regexp.MustCompile(`binding cluster-admin`)),
				})),
			},
			Check: func(st *terraform.State) error {
				for k, v := range st.RootModule().Resources[addr].Primary.Attributes {
					if strings.Contains(v, "aHVudGVyMg==") {
						return fmt.Errorf("%s holds the Secret's data", k)
					}
				}
				return nil
			},
		}, {
			PreConfig: s.Reset,
			Config:    shared,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("counts"), counts(map[string]int64{"pod_exec": 1, "secret_access": 1,
					"cluster_admin_binding": 1, "privileged_pod": 1, "sensitive_mount_pod": 1})),
				statecheck.ExpectKnownValue("data.hss_cluster_audit_logs.same", tfjsonpath.New("total_num"), knownvalue.Int64Exact(8)),
			},
			Check: func(*terraform.State) error {
				// One page per run of the step: shared by both data sources.
				runs := map[string]int{}
				for _, r := range s.Requests() {
					runs[r.Query.Get("offset")]++
				}
				if len(runs) != 1 || runs["0"] == 0 {
					return fmt.Errorf("requests by offset: %v", runs)
				}
				return nil
			},
		}, {
			Config:      config(url, `rules = ["pod_exec", "typo_rule"]`),
			ExpectError: regexp.MustCompile(`(?s)rules\[1\].*value must be one of`),
		}, {
			// Capped: the newest kept, all counted (the CI robot's read too,
			// without allowed_usernames).
			Config: config(url, "max_findings = 2"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("findings"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"audit_id": knownvalue.StringExact("a-4")}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"audit_id": knownvalue.StringExact("a-5")}),
				})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("findings_num"), knownvalue.Int64Exact(7)),
			},
		}},
	})
}
