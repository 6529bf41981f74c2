package findings

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
)

// Bodies as kube-apiserver logs them.

func pod(name, ns, spec string) string {
	return fmt.Sprintf(`{"kind":"Pod","apiVersion":"v1","metadata":{"name":%q,"namespace":%q,"creationTimestamp":null,`+
		`"labels":{"app":%q}},"spec":%s,"status":{}}`, name, ns, name, spec)
}

// workload is a Deployment, DaemonSet, StatefulSet, ReplicaSet or Job with
// the pod spec as its template's.
func workload(kind, apiVersion, name, ns, spec string) string {
	return fmt.Sprintf(`{"kind":%q,"apiVersion":%q,"metadata":{"name":%q,"namespace":%q,"creationTimestamp":null},`+
		`"spec":{"replicas":1,"selector":{"matchLabels":{"app":%q}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":%q}},"spec":%s}},"status":{}}`,
		kind, apiVersion, name, ns, name, name, spec)
}

func cronJob(name, spec string) string {
	const ns = "default"
	return fmt.Sprintf(`{"kind":"CronJob","apiVersion":"batch/v1","metadata":{"name":%q,"namespace":%q},"spec":{"schedule":"*/5 * * * *",`+
		`"jobTemplate":{"metadata":{"creationTimestamp":null},"spec":{"template":{"metadata":{"creationTimestamp":null},"spec":%s}}}},"status":{}}`, name, ns, spec)
}

func binding(kind, name, ns, roleName string) string {
	meta := fmt.Sprintf(`{"name":%q,"creationTimestamp":null}`, name)
	if ns != "" {
		meta = fmt.Sprintf(`{"name":%q,"namespace":%q,"creationTimestamp":null}`, name, ns)
	}
	return fmt.Sprintf(`{"kind":%q,"apiVersion":"rbac.authorization.k8s.io/v1","metadata":%s,`+
		`"subjects":[{"kind":"ServiceAccount","name":"default","namespace":"default"}],`+
		`"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":%q}}`, kind, meta, roleName)
}

func role(kind, name, ns, rules string) string {
	meta := fmt.Sprintf(`{"name":%q,"creationTimestamp":null}`, name)
	if ns != "" {
		meta = fmt.Sprintf(`{"name":%q,"namespace":%q,"creationTimestamp":null}`, name, ns)
	}
	return fmt.Sprintf(`{"kind":%q,"apiVersion":"rbac.authorization.k8s.io/v1","metadata":%s,"rules":%s}`, kind, meta, rules)
}

const (
	status409 = `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",` +
		`"message":"clusterrolebindings.rbac.authorization.k8s.io \"pwn\" already exists","reason":"AlreadyExists",` +
		`"details":{"name":"pwn","group":"rbac.authorization.k8s.io","kind":"clusterrolebindings"},"code":409}`
	privileged = `{"containers":[{"name":"shell","image":"busybox:1.36","securityContext":{"privileged":true}}]}`
)

// want is one finding of a case's event.
type want struct{ rule, severity, message string }

type ruleCase struct {
	name string
	cfg  Config
	ev   []opt
	want []want           // every finding, in the catalogue's order
	not  map[string]int64 // NotEvaluable's non-zero counts
}

func testRules(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEvent(c.ev...)
			res := run(t, c.cfg, record{t0, mustEvent(t, e)})
			var wantF []Finding
			for _, w := range c.want {
				wantF = append(wantF, e.finding(w.rule, w.severity, w.message))
			}
			diffFindings(t, res.Findings, wantF)
			if res.Total != int64(len(wantF)) {
				t.Errorf("Total = %d, want %d", res.Total, len(wantF))
			}
			if w := counts(RuleNames(), wantF); !reflect.DeepEqual(res.Counts, w) {
				t.Errorf("Counts = %v, want %v", res.Counts, w)
			}
			if w := zeroes(RuleNames(), c.not); !reflect.DeepEqual(res.NotEvaluable, w) {
				t.Errorf("NotEvaluable = %v, want %v", res.NotEvaluable, w)
			}
		})
	}
}

var (
	ciAllowed  = Config{AllowedUsernames: NewPatterns("system:serviceaccount:ci:*", "carol")}
	podRules   = map[string]int64{"privileged_pod": 1, "host_namespace_pod": 1, "sensitive_mount_pod": 1}
	controller = user("system:kube-controller-manager", "system:authenticated")
	kubelet    = user("system:node:node-1", "system:nodes", "system:authenticated")
	ciRobot    = user("system:serviceaccount:ci:deployer", "system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated")
)

func TestPodExec(t *testing.T) {
	const sev = SeverityMedium
	testRules(t, []ruleCase{
		{name: "exec, SPDY", ev: []opt{verb("create"), ref("pods", "exec", "default", "web-0")},
			want: []want{{"pod_exec", sev, "alice exec into pod default/web-0"}}},
		{name: "exec, WebSocket", ev: []opt{verb("get"), ref("pods", "exec", "default", "web-0")},
			want: []want{{"pod_exec", sev, "alice exec into pod default/web-0"}}},
		{name: "attach", ev: []opt{verb("create"), ref("pods", "attach", "default", "web-0")},
			want: []want{{"pod_exec", sev, "alice attach into pod default/web-0"}}},
		{name: "attach, WebSocket", ev: []opt{verb("get"), ref("pods", "attach", "default", "web-0")},
			want: []want{{"pod_exec", sev, "alice attach into pod default/web-0"}}},
		{name: "port-forward", ev: []opt{verb("create"), ref("pods", "portforward", "default", "web-0")},
			want: []want{{"pod_exec", sev, "alice portforward into pod default/web-0"}}},
		{name: "port-forward, WebSocket", ev: []opt{verb("get"), ref("pods", "portforward", "default", "web-0")},
			want: []want{{"pod_exec", sev, "alice portforward into pod default/web-0"}}},
		{name: "denied exec", ev: []opt{verb("create"), ref("pods", "exec", "default", "web-0"), code(403), decision("forbid")},
			want: []want{{"pod_exec", sev, "alice exec into pod default/web-0"}}},
		{name: "impersonating", ev: []opt{verb("create"), ref("pods", "exec", "default", "web-0"), as("bob")},
			want: []want{{"pod_exec", sev, "alice (as bob) exec into pod default/web-0"}}},
		{name: "no user name", ev: []opt{verb("create"), ref("pods", "exec", "default", "web-0"), user("")},
			want: []want{{"pod_exec", sev, "an unnamed user exec into pod default/web-0"}}},
		{name: "exec in kube-system is a change there too", ev: []opt{verb("create"), ref("pods", "exec", "kube-system", "etcd-master")},
			want: []want{{"pod_exec", sev, "alice exec into pod kube-system/etcd-master"},
				{"kube_system_change", SeverityMedium, "alice create pods/exec etcd-master in kube-system (HTTP 101)"}}},
		{name: "a stolen default service account", ev: []opt{verb("get"), ref("pods", "exec", "default", "web-0"),
			user("system:serviceaccount:default:default", "system:serviceaccounts", "system:authenticated")},
			want: []want{{"pod_exec", sev, "system:serviceaccount:default:default exec into pod default/web-0"}}},
		// Near misses.
		{name: "logs", ev: []opt{verb("get"), ref("pods", "log", "default", "web-0")}},
		{name: "get a pod", ev: []opt{verb("get"), ref("pods", "", "default", "web-0")}},
		{name: "exec listed", ev: []opt{verb("list"), ref("pods", "exec", "default", "web-0")}},
		{name: "proxy", ev: []opt{verb("get"), ref("pods", "proxy", "default", "web-0")}},
		{name: "exec of another resource", ev: []opt{verb("create"), ref("nodes", "exec", "", "node-1")}},
		{name: "an allowed user", cfg: ciAllowed, ev: []opt{verb("create"), ref("pods", "exec", "default", "web-0"), ciRobot}},
		{name: "the kubelet", ev: []opt{verb("create"), ref("pods", "exec", "default", "web-0"), kubelet}},
	})
}

func TestSecretAccess(t *testing.T) {
	const sev = SeverityMedium
	secretBody := `{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db-creds","namespace":"default"},"data":{"password":"aHVudGVyMg=="},"type":"Opaque"}`
	sa := user("system:serviceaccount:default:default", "system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated")
	testRules(t, []ruleCase{
		{name: "get", ev: []opt{ref("secrets", "", "default", "db-creds")},
			want: []want{{"secret_access", sev, "alice get secret default/db-creds (HTTP 200)"}}},
		{name: "list", ev: []opt{verb("list"), ref("secrets", "", "default", "")},
			want: []want{{"secret_access", sev, "alice list secret in default (HTTP 200)"}}},
		{name: "list, every namespace", ev: []opt{verb("list"), ref("secrets", "", "", "")},
			want: []want{{"secret_access", sev, "alice list secret in all namespaces (HTTP 200)"}}},
		{name: "watch", ev: []opt{verb("watch"), ref("secrets", "", "default", "")},
			want: []want{{"secret_access", sev, "alice watch secret in default (HTTP 200)"}}},
		{name: "create", ev: []opt{verb("create"), ref("secrets", "", "default", "db-creds"), bodies(secretBody)},
			want: []want{{"secret_access", sev, "alice create secret default/db-creds (HTTP 201)"}}},
		{name: "delete", ev: []opt{verb("delete"), ref("secrets", "", "default", "db-creds")},
			want: []want{{"secret_access", sev, "alice delete secret default/db-creds (HTTP 200)"}}},
		{name: "denied", ev: []opt{ref("secrets", "", "default", "db-creds"), user("bob"), code(403), decision("forbid")},
			want: []want{{"secret_access", sev, "bob get secret default/db-creds (HTTP 403)"}}},
		{name: "no response status", ev: []opt{ref("secrets", "", "default", "db-creds"), code(-1)},
			want: []want{{"secret_access", sev, "alice get secret default/db-creds"}}},
		{name: "in kube-system, changed", ev: []opt{verb("patch"), ref("secrets", "", "kube-system", "bootstrap-token-abcdef")},
			want: []want{{"secret_access", sev, "alice patch secret kube-system/bootstrap-token-abcdef (HTTP 200)"},
				{"kube_system_change", sev, "alice patch secrets bootstrap-token-abcdef in kube-system (HTTP 200)"}}},
		// system:* is not exempt: a stolen token is a service account's.
		{name: "a stolen default service account", ev: []opt{ref("secrets", "", "default", "db-creds"), sa},
			want: []want{{"secret_access", sev, "system:serviceaccount:default:default get secret default/db-creds (HTTP 200)"}}},
		{name: "the same, with allowed users", cfg: ciAllowed, ev: []opt{ref("secrets", "", "default", "db-creds"), sa},
			want: []want{{"secret_access", sev, "system:serviceaccount:default:default get secret default/db-creds (HTTP 200)"}}},
		{name: "not quite the allowed prefix", cfg: ciAllowed, ev: []opt{ref("secrets", "", "default", "db-creds"), user("system:serviceaccount:cicd:deployer")},
			want: []want{{"secret_access", sev, "system:serviceaccount:cicd:deployer get secret default/db-creds (HTTP 200)"}}},
		{name: "not quite the allowed name", cfg: ciAllowed, ev: []opt{ref("secrets", "", "default", "db-creds"), user("carol2")},
			want: []want{{"secret_access", sev, "carol2 get secret default/db-creds (HTTP 200)"}}},
		{name: "not quite a node", ev: []opt{ref("secrets", "", "default", "db-creds"), user("system:nodes")},
			want: []want{{"secret_access", sev, "system:nodes get secret default/db-creds (HTTP 200)"}}},
		{name: "the anonymous user", ev: []opt{ref("secrets", "", "default", "db-creds"), user("system:anonymous", "system:unauthenticated"), code(403), decision("forbid"), ips("203.0.113.9")},
			want: []want{{"secret_access", sev, "system:anonymous get secret default/db-creds (HTTP 403)"},
				{"anonymous_request", SeverityHigh, "anonymous get /api/v1/namespaces/default/secrets/db-creds from 203.0.113.9 (forbid) (HTTP 403)"}}},
		// Exempt.
		{name: "an allowed service account", cfg: ciAllowed, ev: []opt{ref("secrets", "", "default", "db-creds"), ciRobot}},
		{name: "an allowed service account, deleting", cfg: ciAllowed, ev: []opt{verb("delete"), ref("secrets", "", "default", "db-creds"), ciRobot}},
		{name: "an allowed user by name", cfg: ciAllowed, ev: []opt{verb("list"), ref("secrets", "", "default", ""), user("carol")}},
		{name: "the kubelet", ev: []opt{ref("secrets", "", "default", "db-creds"), kubelet}},
		{name: "the controller manager", ev: []opt{verb("list"), ref("secrets", "", "", ""), controller}},
		{name: "the controller manager, in kube-system", ev: []opt{verb("create"), ref("secrets", "", "kube-system", "x"), controller}},
		// Not secrets.
		{name: "a configmap", ev: []opt{ref("configmaps", "", "default", "db-creds")}},
		{name: "a service account", ev: []opt{ref("serviceaccounts", "", "default", "db-creds")}},
	})
}

func TestClusterAdminBinding(t *testing.T) {
	const sev = SeverityHigh
	crb := binding("ClusterRoleBinding", "pwn", "", "cluster-admin")
	rb := binding("RoleBinding", "pwn", "dev", "cluster-admin")
	testRules(t, []ruleCase{
		{name: "create a ClusterRoleBinding", ev: []opt{verb("create"), ref("clusterrolebindings", "", "", "pwn"), req(crb)},
			want: []want{{"cluster_admin_binding", sev, "alice create clusterrolebinding pwn binding cluster-admin"}}},
		{name: "create a ClusterRoleBinding, RequestResponse", ev: []opt{verb("create"), ref("clusterrolebindings", "", "", "pwn"), bodies(crb)},
			want: []want{{"cluster_admin_binding", sev, "alice create clusterrolebinding pwn binding cluster-admin"}}},
		{name: "create a RoleBinding", ev: []opt{verb("create"), ref("rolebindings", "", "dev", "pwn"), req(rb)},
			want: []want{{"cluster_admin_binding", sev, "alice create rolebinding dev/pwn binding cluster-admin"}}},
		{name: "update", ev: []opt{verb("update"), ref("clusterrolebindings", "", "", "pwn"), bodies(crb)},
			want: []want{{"cluster_admin_binding", sev, "alice update clusterrolebinding pwn binding cluster-admin"}}},
		{name: "JSON patch, the stored object in the response", ev: []opt{verb("patch"), ref("clusterrolebindings", "", "", "pwn"),
			req(`[{"op":"add","path":"/subjects/-","value":{"kind":"User","name":"mallory","apiGroup":"rbac.authorization.k8s.io"}}]`), resp(crb)},
			want: []want{{"cluster_admin_binding", sev, "alice patch clusterrolebinding pwn binding cluster-admin"}}},
		{name: "merge patch of the subjects only, the response binds cluster-admin", ev: []opt{verb("patch"), ref("rolebindings", "", "dev", "pwn"),
			req(`{"subjects":[{"kind":"User","name":"mallory","apiGroup":"rbac.authorization.k8s.io"}]}`), resp(rb)},
			want: []want{{"cluster_admin_binding", sev, "alice patch rolebinding dev/pwn binding cluster-admin"}}},
		{name: "the create failed: the request tells", ev: []opt{verb("create"), ref("clusterrolebindings", "", "", "pwn"), req(crb), resp(status409), code(409)},
			want: []want{{"cluster_admin_binding", sev, "alice create clusterrolebinding pwn binding cluster-admin"}}},
		{name: "a stolen default service account", ev: []opt{verb("create"), ref("clusterrolebindings", "", "", "pwn"), req(crb),
			user("system:serviceaccount:default:default", "system:serviceaccounts")},
			want: []want{{"cluster_admin_binding", sev, "system:serviceaccount:default:default create clusterrolebinding pwn binding cluster-admin"}}},
		// Near misses.
		{name: "another role", ev: []opt{verb("create"), ref("clusterrolebindings", "", "", "viewers"), req(binding("ClusterRoleBinding", "viewers", "", "view"))}},
		{name: "a role named like it", ev: []opt{verb("create"), ref("rolebindings", "", "dev", "x"), req(binding("RoleBinding", "x", "dev", "cluster-admin-lite"))}},
		{name: "no roleRef", ev: []opt{verb("patch"), ref("clusterrolebindings", "", "", "pwn"), req(`{"metadata":{"labels":{"team":"a"}}}`)}},
		{name: "delete", ev: []opt{verb("delete"), ref("clusterrolebindings", "", "", "pwn"), resp(crb)}},
		{name: "get", ev: []opt{verb("get"), ref("clusterrolebindings", "", "", "pwn"), resp(crb)}},
		{name: "a binding body on another resource", ev: []opt{verb("create"), ref("configmaps", "", "dev", "pwn"), req(crb)}},
		{name: "an allowed user", cfg: ciAllowed, ev: []opt{verb("create"), ref("clusterrolebindings", "", "", "pwn"), req(crb), ciRobot}},
		// Not evaluable.
		{name: "Metadata level", ev: []opt{verb("create"), ref("clusterrolebindings", "", "", "pwn")},
			not: map[string]int64{"cluster_admin_binding": 1}},
		{name: "Metadata level RoleBinding patch", ev: []opt{verb("patch"), ref("rolebindings", "", "dev", "pwn")},
			not: map[string]int64{"cluster_admin_binding": 1}},
		{name: "a JSON patch and no response", ev: []opt{verb("patch"), ref("clusterrolebindings", "", "", "pwn"),
			req(`[{"op":"replace","path":"/subjects/0/name","value":"mallory"}]`)},
			not: map[string]int64{"cluster_admin_binding": 1}},
		{name: "a JSON patch that failed", ev: []opt{verb("patch"), ref("clusterrolebindings", "", "", "pwn"),
			req(`[{"op":"replace","path":"/subjects/0/name","value":"mallory"}]`), resp(status409), code(409)},
			not: map[string]int64{"cluster_admin_binding": 1}},
		{name: "an exempt user is not judged", ev: []opt{verb("create"), ref("clusterrolebindings", "", "", "pwn"), controller}},
	})
}

func TestWildcardRole(t *testing.T) {
	const sev = SeverityMedium
	testRules(t, []ruleCase{
		{name: "ClusterRole, * verbs", ev: []opt{verb("create"), ref("clusterroles", "", "", "god"),
			req(role("ClusterRole", "god", "", `[{"apiGroups":[""],"resources":["pods"],"verbs":["*"]}]`))},
			want: []want{{"wildcard_role", sev, "alice create clusterrole god granting * (verbs [*] on resources [pods])"}}},
		{name: "Role, * resources", ev: []opt{verb("create"), ref("roles", "", "dev", "reader-all"),
			req(role("Role", "reader-all", "dev", `[{"apiGroups":["*"],"resources":["*"],"verbs":["get","list"]}]`))},
			want: []want{{"wildcard_role", sev, "alice create role dev/reader-all granting * (verbs [get list] on resources [*])"}}},
		{name: "the second rule", ev: []opt{verb("update"), ref("clusterroles", "", "", "ops"),
			bodies(role("ClusterRole", "ops", "", `[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]},{"apiGroups":["apps"],"resources":["*"],"verbs":["*"]}]`))},
			want: []want{{"wildcard_role", sev, "alice update clusterrole ops granting * (verbs [*] on resources [*])"}}},
		{name: "patched to *: the response", ev: []opt{verb("patch"), ref("clusterroles", "", "", "ops"),
			req(`[{"op":"replace","path":"/rules/0/verbs","value":["*"]}]`),
			resp(role("ClusterRole", "ops", "", `[{"apiGroups":[""],"resources":["secrets"],"verbs":["*"]}]`))},
			want: []want{{"wildcard_role", sev, "alice patch clusterrole ops granting * (verbs [*] on resources [secrets])"}}},
		// Near misses.
		{name: "specific verbs and resources", ev: []opt{verb("create"), ref("clusterroles", "", "", "reader"),
			req(role("ClusterRole", "reader", "", `[{"apiGroups":["*"],"resources":["pods","pods/log"],"verbs":["get","list","watch"]}]`))}},
		{name: "* only in non-resource URLs", ev: []opt{verb("create"), ref("clusterroles", "", "", "urls"),
			req(role("ClusterRole", "urls", "", `[{"nonResourceURLs":["*"],"verbs":["get"]}]`))}},
		{name: "a verb like *", ev: []opt{verb("create"), ref("clusterroles", "", "", "x"),
			req(role("ClusterRole", "x", "", `[{"resources":["pods/*"],"verbs":["get*"]}]`))}},
		{name: "deleted", ev: []opt{verb("delete"), ref("clusterroles", "", "", "god"),
			resp(role("ClusterRole", "god", "", `[{"resources":["*"],"verbs":["*"]}]`))}},
		{name: "an allowed user", cfg: ciAllowed, ev: []opt{verb("create"), ref("clusterroles", "", "", "god"), ciRobot,
			req(role("ClusterRole", "god", "", `[{"resources":["*"],"verbs":["*"]}]`))}},
		{name: "the controller manager aggregating", ev: []opt{verb("update"), ref("clusterroles", "", "", "admin"), controller,
			req(role("ClusterRole", "admin", "", `[{"resources":["*"],"verbs":["*"]}]`))}},
		// Not evaluable.
		{name: "Metadata level", ev: []opt{verb("create"), ref("clusterroles", "", "", "god")}, not: map[string]int64{"wildcard_role": 1}},
		{name: "Metadata level Role", ev: []opt{verb("update"), ref("roles", "", "dev", "r")}, not: map[string]int64{"wildcard_role": 1}},
	})
}

func TestAnonymousRequest(t *testing.T) {
	const sev = SeverityHigh
	anon := user("system:anonymous", "system:unauthenticated")
	from := ips("203.0.113.9")
	testRules(t, []ruleCase{
		{name: "allowed", ev: []opt{anon, from, uri("/apis")},
			want: []want{{"anonymous_request", sev, "anonymous get /apis from 203.0.113.9 (allow) (HTTP 200)"}}},
		{name: "forbidden", ev: []opt{anon, from, verb("list"), ref("namespaces", "", "", ""), code(403), decision("forbid")},
			want: []want{{"anonymous_request", sev, "anonymous list /api/v1/namespaces from 203.0.113.9 (forbid) (HTTP 403)"}}},
		{name: "an unauthenticated user of another name", ev: []opt{user("guest", "system:unauthenticated"), from, uri("/api")},
			want: []want{{"anonymous_request", sev, "anonymous get /api from 203.0.113.9 (allow) (HTTP 200)"}}},
		{name: "no decision recorded", ev: []opt{anon, from, uri("/api"), decision(""), code(-1)},
			want: []want{{"anonymous_request", sev, "anonymous get /api from 203.0.113.9 (no decision recorded)"}}},
		{name: "several source IPs", ev: []opt{anon, ips("203.0.113.9", "10.0.0.1"), uri("/openapi/v2")},
			want: []want{{"anonymous_request", sev, "anonymous get /openapi/v2 from 203.0.113.9, 10.0.0.1 (allow) (HTTP 200)"}}},
		{name: "not exempt by allowed_usernames", cfg: Config{AllowedUsernames: NewPatterns("system:*")}, ev: []opt{anon, from, uri("/api")},
			want: []want{{"anonymous_request", sev, "anonymous get /api from 203.0.113.9 (allow) (HTTP 200)"}}},
		{name: "a resource", ev: []opt{anon, from, ref("pods", "", "default", "web-0")},
			want: []want{{"anonymous_request", sev, "anonymous get /api/v1/namespaces/default/pods/web-0 from 203.0.113.9 (allow) (HTTP 200)"}}},
		{name: "no URI", ev: []opt{anon, from, uri(""), ref("pods", "log", "default", "web-0")},
			want: []want{{"anonymous_request", sev, "anonymous get pods/log default/web-0 from 203.0.113.9 (allow) (HTTP 200)"}}},
		{name: "no URI, no object", ev: []opt{anon, from, uri("")},
			want: []want{{"anonymous_request", sev, "anonymous get (no URI) from 203.0.113.9 (allow) (HTTP 200)"}}},
		{name: "a health path's lookalike", ev: []opt{anon, from, uri("/healthzx")},
			want: []want{{"anonymous_request", sev, "anonymous get /healthzx from 203.0.113.9 (allow) (HTTP 200)"}}},
		{name: "a health path below another", ev: []opt{anon, from, uri("/api/healthz")},
			want: []want{{"anonymous_request", sev, "anonymous get /api/healthz from 203.0.113.9 (allow) (HTTP 200)"}}},
		// Health endpoints.
		{name: "/healthz", ev: []opt{anon, from, uri("/healthz")}},
		{name: "/healthz/etcd", ev: []opt{anon, from, uri("/healthz/etcd")}},
		{name: "/livez", ev: []opt{anon, from, uri("/livez")}},
		{name: "/readyz?verbose", ev: []opt{anon, from, uri("/readyz?verbose")}},
		{name: "/readyz/ping", ev: []opt{anon, from, uri("/readyz/ping")}},
		{name: "/version", ev: []opt{anon, from, uri("/version")}},
		{name: "/version?timeout=32s", ev: []opt{anon, from, uri("/version?timeout=32s")}},
		// Not anonymous.
		{name: "authenticated", ev: []opt{from, uri("/apis")}},
		{name: "a group like it", ev: []opt{user("bob", "system:unauthenticated-ish"), from, uri("/apis")}},
	})
}

func TestPrivilegedPod(t *testing.T) {
	const sev = SeverityHigh
	msg := "alice create %s %s with privileged container shell (image busybox:1.36)"
	exempt := Config{TrustedImages: NewPatterns("registry.example.com/cni/*")}
	cniSpec := func(image string) string {
		return `{"containers":[{"name":"cni","image":"` + image + `","securityContext":{"privileged":true}}]}`
	}
	debug := `{"spec":{"ephemeralContainers":[{"name":"debugger","image":"busybox:1.36","targetContainerName":"app",` +
		`"securityContext":{"privileged":true}}]}}`
	debugged := pod("web-0", "default", `{"containers":[{"name":"app","image":"nginx:1.27"}],`+
		`"ephemeralContainers":[{"name":"debugger","image":"busybox:1.36","securityContext":{"privileged":true}}]}`)
	testRules(t, []ruleCase{
		{name: "Pod", ev: []opt{verb("create"), ref("pods", "", "default", "evil"), req(pod("evil", "default", privileged))},
			want: []want{{"privileged_pod", sev, fmt.Sprintf(msg, "pods", "default/evil")}}},
		{name: "Pod, RequestResponse", ev: []opt{verb("create"), ref("pods", "", "default", "evil"), bodies(pod("evil", "default", privileged))},
			want: []want{{"privileged_pod", sev, fmt.Sprintf(msg, "pods", "default/evil")}}},
		{name: "Deployment", ev: []opt{verb("create"), ref("deployments", "", "default", "evil"), req(workload("Deployment", "apps/v1", "evil", "default", privileged))},
			want: []want{{"privileged_pod", sev, fmt.Sprintf(msg, "deployments", "default/evil")}}},
		{name: "DaemonSet", ev: []opt{verb("create"), ref("daemonsets", "", "default", "evil"), req(workload("DaemonSet", "apps/v1", "evil", "default", privileged))},
			want: []want{{"privileged_pod", sev, fmt.Sprintf(msg, "daemonsets", "default/evil")}}},
		{name: "StatefulSet", ev: []opt{verb("update"), ref("statefulsets", "", "default", "evil"), bodies(workload("StatefulSet", "apps/v1", "evil", "default", privileged))},
			want: []want{{"privileged_pod", sev, "alice update statefulsets default/evil with privileged container shell (image busybox:1.36)"}}},
		{name: "Job", ev: []opt{verb("create"), ref("jobs", "", "default", "evil"), req(workload("Job", "batch/v1", "evil", "default", privileged))},
			want: []want{{"privileged_pod", sev, fmt.Sprintf(msg, "jobs", "default/evil")}}},
		{name: "CronJob", ev: []opt{verb("create"), ref("cronjobs", "", "default", "evil"), req(cronJob("evil", privileged))},
			want: []want{{"privileged_pod", sev, fmt.Sprintf(msg, "cronjobs", "default/evil")}}},
		{name: "a merge patch of a template", ev: []opt{verb("patch"), ref("deployments", "", "default", "web"),
			req(`{"spec":{"template":{"spec":{"containers":[{"name":"shell","image":"busybox:1.36","securityContext":{"privileged":true}}]}}}}`)},
			want: []want{{"privileged_pod", sev, "alice patch deployments default/web with privileged container shell (image busybox:1.36)"}}},
		// The server ignores an unknown field of a patch; the rule must not lose the rest of the body for it.
		{name: "a merge patch with a field of an odd type", ev: []opt{verb("patch"), ref("deployments", "", "default", "web"),
			req(`{"spec":{"containers":"ignored","hostNetwork":"yes","template":{"spec":{"containers":[{"name":"shell","image":"busybox:1.36","securityContext":{"privileged":true}}]}}}}`)},
			want: []want{{"privileged_pod", sev, "alice patch deployments default/web with privileged container shell (image busybox:1.36)"}}},
		{name: "an init container", ev: []opt{verb("create"), ref("pods", "", "default", "evil"), req(pod("evil", "default",
			`{"initContainers":[{"name":"init","image":"alpine:3.20","securityContext":{"privileged":true}}],"containers":[{"name":"app","image":"nginx:1.27"}]}`))},
			want: []want{{"privileged_pod", sev, "alice create pods default/evil with privileged container init (image alpine:3.20)"}}},
		{name: "an ephemeral container, the patched pod", ev: []opt{verb("patch"), ref("pods", "ephemeralcontainers", "default", "web-0"), req(debug), resp(debugged)},
			want: []want{{"privileged_pod", sev, "alice patch pods/ephemeralcontainers default/web-0 with privileged container debugger (image busybox:1.36)"}}},
		{name: "an ephemeral container, the patch", ev: []opt{verb("patch"), ref("pods", "ephemeralcontainers", "default", "web-0"), req(debug)},
			want: []want{{"privileged_pod", sev, "alice patch pods/ephemeralcontainers default/web-0 with privileged container debugger (image busybox:1.36)"}}},
		{name: "an ephemeral container, updated", ev: []opt{verb("update"), ref("pods", "ephemeralcontainers", "default", "web-0"), req(debugged)},
			want: []want{{"privileged_pod", sev, "alice update pods/ephemeralcontainers default/web-0 with privileged container debugger (image busybox:1.36)"}}},
		{name: "an image like an exempt one", cfg: exempt, ev: []opt{verb("create"), ref("daemonsets", "", "kube-system", "cni"),
			req(workload("DaemonSet", "apps/v1", "cni", "kube-system", cniSpec("registry.example.com/cni-evil:v1")))},
			want: []want{{"privileged_pod", sev, "alice create daemonsets kube-system/cni with privileged container cni (image registry.example.com/cni-evil:v1)"},
				{"kube_system_change", SeverityMedium, "alice create daemonsets cni in kube-system (HTTP 201)"}}},
		{name: "an exempt image beside one that is not", cfg: exempt, ev: []opt{verb("create"), ref("pods", "", "default", "two"), req(pod("two", "default",
			`{"containers":[{"name":"cni","image":"registry.example.com/cni/agent:v1","securityContext":{"privileged":true}},`+
				`{"name":"shell","image":"busybox:1.36","securityContext":{"privileged":true}}]}`))},
			want: []want{{"privileged_pod", sev, "alice create pods default/two with privileged container shell (image busybox:1.36)"}}},
		{name: "a stolen default service account", ev: []opt{verb("create"), ref("pods", "", "default", "evil"), req(pod("evil", "default", privileged)),
			user("system:serviceaccount:default:default")},
			want: []want{{"privileged_pod", sev, "system:serviceaccount:default:default create pods default/evil with privileged container shell (image busybox:1.36)"}}},
		// Near misses.
		{name: "an exempt image", cfg: exempt, ev: []opt{verb("create"), ref("pods", "", "default", "cni"), req(pod("cni", "default", cniSpec("registry.example.com/cni/agent:v1")))}},
		{name: "privileged: false", ev: []opt{verb("create"), ref("pods", "", "default", "ok"), req(pod("ok", "default",
			`{"containers":[{"name":"app","image":"nginx:1.27","securityContext":{"privileged":false,"runAsNonRoot":true}}]}`))}},
		{name: "no security context", ev: []opt{verb("create"), ref("pods", "", "default", "ok"), req(pod("ok", "default", `{"containers":[{"name":"app","image":"nginx:1.27"}]}`))}},
		{name: "capabilities, not privileged", ev: []opt{verb("create"), ref("pods", "", "default", "ok"), req(pod("ok", "default",
			`{"containers":[{"name":"app","image":"nginx:1.27","securityContext":{"capabilities":{"add":["NET_ADMIN"]}}}]}`))}},
		{name: "read", ev: []opt{verb("get"), ref("pods", "", "default", "evil"), resp(pod("evil", "default", privileged))}},
		{name: "deleted", ev: []opt{verb("delete"), ref("pods", "", "default", "evil"), resp(pod("evil", "default", privileged))}},
		{name: "status", ev: []opt{verb("patch"), ref("pods", "status", "default", "evil"), bodies(pod("evil", "default", privileged))}},
		{name: "a scale", ev: []opt{verb("update"), ref("deployments", "scale", "default", "evil"), bodies(workload("Deployment", "apps/v1", "evil", "default", privileged))}},
		{name: "a pod body on another resource", ev: []opt{verb("create"), ref("configmaps", "", "default", "evil"), req(pod("evil", "default", privileged))}},
		{name: "the kubelet's mirror pod", ev: []opt{verb("create"), ref("pods", "", "kube-system", "kube-proxy-node-1"), req(pod("kube-proxy-node-1", "kube-system", privileged)), kubelet}},
		{name: "an allowed user", cfg: ciAllowed, ev: []opt{verb("create"), ref("pods", "", "default", "evil"), req(pod("evil", "default", privileged)), ciRobot}},
		// Not evaluable.
		{name: "Metadata level", ev: []opt{verb("create"), ref("pods", "", "default", "evil")}, not: podRules},
		{name: "Metadata level Deployment", ev: []opt{verb("patch"), ref("deployments", "", "default", "evil")}, not: podRules},
		{name: "a JSON patch", ev: []opt{verb("patch"), ref("pods", "", "default", "evil"),
			req(`[{"op":"add","path":"/spec/containers/0/securityContext","value":{"privileged":true}}]`)}, not: podRules},
	})
}

func TestHostNamespacePod(t *testing.T) {
	const sev = SeverityHigh
	app := `"containers":[{"name":"app","image":"nginx:1.27"}]`
	testRules(t, []ruleCase{
		{name: "hostNetwork", ev: []opt{verb("create"), ref("pods", "", "default", "np"), req(pod("np", "default", `{"hostNetwork":true,`+app+`}`))},
			want: []want{{"host_namespace_pod", sev, "alice create pods default/np with hostNetwork"}}},
		{name: "hostPID", ev: []opt{verb("create"), ref("pods", "", "default", "np"), req(pod("np", "default", `{"hostPID":true,`+app+`}`))},
			want: []want{{"host_namespace_pod", sev, "alice create pods default/np with hostPID"}}},
		{name: "hostIPC", ev: []opt{verb("create"), ref("pods", "", "default", "np"), req(pod("np", "default", `{"hostIPC":true,`+app+`}`))},
			want: []want{{"host_namespace_pod", sev, "alice create pods default/np with hostIPC"}}},
		{name: "all three", ev: []opt{verb("create"), ref("pods", "", "default", "np"), req(pod("np", "default", `{"hostIPC":true,"hostPID":true,"hostNetwork":true,`+app+`}`))},
			want: []want{{"host_namespace_pod", sev, "alice create pods default/np with hostNetwork, hostPID, hostIPC"}}},
		{name: "a DaemonSet's template", ev: []opt{verb("create"), ref("daemonsets", "", "monitoring", "node-exporter"),
			req(workload("DaemonSet", "apps/v1", "node-exporter", "monitoring", `{"hostNetwork":true,"hostPID":true,`+app+`}`))},
			want: []want{{"host_namespace_pod", sev, "alice create daemonsets monitoring/node-exporter with hostNetwork, hostPID"}}},
		{name: "a CronJob's", ev: []opt{verb("create"), ref("cronjobs", "", "default", "c"), req(cronJob("c", `{"hostPID":true,`+app+`}`))},
			want: []want{{"host_namespace_pod", sev, "alice create cronjobs default/c with hostPID"}}},
		{name: "with the rest", ev: []opt{verb("create"), ref("pods", "", "default", "all"), req(pod("all", "default",
			`{"hostNetwork":true,"containers":[{"name":"shell","image":"busybox:1.36","securityContext":{"privileged":true}}],"volumes":[{"name":"host","hostPath":{"path":"/"}}]}`))},
			want: []want{
				{"privileged_pod", sev, "alice create pods default/all with privileged container shell (image busybox:1.36)"},
				{"host_namespace_pod", sev, "alice create pods default/all with hostNetwork"},
				{"sensitive_mount_pod", sev, "alice create pods default/all with hostPath / (under /)"}}},
		// Near misses.
		{name: "all false", ev: []opt{verb("create"), ref("pods", "", "default", "np"), req(pod("np", "default", `{"hostNetwork":false,"hostPID":false,"hostIPC":false,`+app+`}`))}},
		{name: "hostUsers", ev: []opt{verb("create"), ref("pods", "", "default", "np"), req(pod("np", "default", `{"hostUsers":true,`+app+`}`))}},
		{name: "a host port", ev: []opt{verb("create"), ref("pods", "", "default", "np"), req(pod("np", "default",
			`{"containers":[{"name":"app","image":"nginx:1.27","ports":[{"containerPort":80,"hostPort":80}]}]}`))}},
		{name: "an allowed user", cfg: ciAllowed, ev: []opt{verb("create"), ref("pods", "", "default", "np"), req(pod("np", "default", `{"hostNetwork":true,`+app+`}`)), ciRobot}},
	})
}

func TestSensitiveMountPod(t *testing.T) {
	const sev = SeverityHigh
	mount := func(p string) string {
		return pod("m", "default", `{"containers":[{"name":"app","image":"nginx:1.27","volumeMounts":[{"name":"host","mountPath":"/host"}]}],`+
			`"volumes":[{"name":"cfg","configMap":{"name":"cfg"}},{"name":"host","hostPath":{"path":`+fmt.Sprintf("%q", p)+`,"type":""}}]}`)
	}
	var cases []ruleCase
	for p, what := range map[string]string{
		"/":                               "under /",
		"/etc":                            "under /etc",
		"/etc/":                           "under /etc",
		"/etc/ssl":                        "under /etc",
		"/etc/kubernetes/pki":             "under /etc/kubernetes",
		"/proc":                           "under /proc",
		"/proc/1":                         "under /proc",
		"/root/.ssh":                      "under /root",
		"/var/lib/kubelet":                "under /var/lib/kubelet",
		"/var/lib/kubelet/pods":           "under /var/lib/kubelet",
		"/var/run/docker.sock":            "under /var/run/docker.sock",
		"/run/docker.sock":                "under /run/docker.sock",
		"/run/containerd/containerd.sock": "under /run/containerd",
		"/var/run/containerd":             "under /var/run/containerd",
		"/var/run/crio/crio.sock":         "under /var/run/crio",
		"/run/cri-dockerd.sock":           "under /run/cri-dockerd.sock",
		"/var/log/../../etc/shadow":       "under /etc",
		"//etc//passwd":                   "under /etc",
		"etc":                             "under /etc",
		"../../proc/self":                 "under /proc",
		// Directories that hold a sensitive path.
		"/var/run": "holding /var/run/docker.sock",
		"/run":     "holding /run/docker.sock",
		"/var":     "holding /var/lib/kubelet",
		"/var/lib": "holding /var/lib/kubelet",
	} {
		cases = append(cases, ruleCase{name: p, ev: []opt{verb("create"), ref("pods", "", "default", "m"), req(mount(p))},
			want: []want{{"sensitive_mount_pod", sev, "alice create pods default/m with hostPath " + p + " (" + what + ")"}}})
	}
	for _, p := range []string{"/etcd-data", "/var/lib/etcd", "/var/log", "/var/log/pods", "/opt", "/opt/cni/bin", "/rootfs", "/procfs",
		"/var/lib/kubelet-plugins", "/var/runner", "/run/containerd-shim", "/home/alice", "/data", "/var/lib/docker/containers",
		"/var/log/../etc/shadow", // that is /var/etc/shadow
	} {
		cases = append(cases, ruleCase{name: "not " + p, ev: []opt{verb("create"), ref("pods", "", "default", "m"), req(mount(p))}})
	}
	cases = append(cases,
		ruleCase{name: "a Deployment's template, the first sensitive path", ev: []opt{verb("create"), ref("deployments", "", "default", "d"),
			req(workload("Deployment", "apps/v1", "d", "default", `{"containers":[{"name":"app","image":"nginx:1.27"}],`+
				`"volumes":[{"name":"logs","hostPath":{"path":"/var/log"}},{"name":"sock","hostPath":{"path":"/var/run/docker.sock","type":"Socket"}},{"name":"etc","hostPath":{"path":"/etc"}}]}`))},
			want: []want{{"sensitive_mount_pod", sev, "alice create deployments default/d with hostPath /var/run/docker.sock (under /var/run/docker.sock)"}}},
		ruleCase{name: "a CronJob's", ev: []opt{verb("create"), ref("cronjobs", "", "default", "c"),
			req(cronJob("c", `{"containers":[{"name":"app","image":"nginx:1.27"}],"volumes":[{"name":"k","hostPath":{"path":"/var/lib/kubelet/pki"}}]}`))},
			want: []want{{"sensitive_mount_pod", sev, "alice create cronjobs default/c with hostPath /var/lib/kubelet/pki (under /var/lib/kubelet)"}}},
		ruleCase{name: "an emptyDir", ev: []opt{verb("create"), ref("pods", "", "default", "m"),
			req(pod("m", "default", `{"containers":[{"name":"app","image":"nginx:1.27"}],"volumes":[{"name":"tmp","emptyDir":{}}]}`))}},
		ruleCase{name: "an allowed user", cfg: ciAllowed, ev: []opt{verb("create"), ref("pods", "", "default", "m"), req(mount("/")), ciRobot}},
	)
	testRules(t, cases)
}

func TestKubeSystemChange(t *testing.T) {
	const sev = SeverityMedium
	testRules(t, []ruleCase{
		{name: "create", ev: []opt{verb("create"), ref("configmaps", "", "kube-system", "evil")},
			want: []want{{"kube_system_change", sev, "alice create configmaps evil in kube-system (HTTP 201)"}}},
		{name: "update", ev: []opt{verb("update"), ref("deployments", "", "kube-system", "coredns")},
			want: []want{{"kube_system_change", sev, "alice update deployments coredns in kube-system (HTTP 200)"}}, not: podRules},
		{name: "patch", ev: []opt{verb("patch"), ref("daemonsets", "", "kube-system", "kube-proxy")},
			want: []want{{"kube_system_change", sev, "alice patch daemonsets kube-proxy in kube-system (HTTP 200)"}}, not: podRules},
		{name: "delete", ev: []opt{verb("delete"), ref("pods", "", "kube-system", "coredns-5d78c9869d-x7k2p")},
			want: []want{{"kube_system_change", sev, "alice delete pods coredns-5d78c9869d-x7k2p in kube-system (HTTP 200)"}}},
		{name: "deletecollection", ev: []opt{verb("deletecollection"), ref("configmaps", "", "kube-system", "")},
			want: []want{{"kube_system_change", sev, "alice deletecollection configmaps in kube-system (HTTP 200)"}}},
		{name: "a subresource", ev: []opt{verb("patch"), ref("deployments", "scale", "kube-system", "coredns")},
			want: []want{{"kube_system_change", sev, "alice patch deployments/scale coredns in kube-system (HTTP 200)"}}},
		{name: "denied", ev: []opt{verb("delete"), ref("configmaps", "", "kube-system", "kubeadm-config"), code(403), decision("forbid")},
			want: []want{{"kube_system_change", sev, "alice delete configmaps kubeadm-config in kube-system (HTTP 403)"}}},
		{name: "a kube-system service account", ev: []opt{verb("update"), ref("configmaps", "", "kube-system", "coredns"), user("system:serviceaccount:kube-system:default")},
			want: []want{{"kube_system_change", sev, "system:serviceaccount:kube-system:default update configmaps coredns in kube-system (HTTP 200)"}}},
		// Excepted.
		{name: "a lease", ev: []opt{verb("update"), ref("leases", "", "kube-system", "kube-scheduler"), user("bob")}},
		{name: "an event", ev: []opt{verb("create"), ref("events", "", "kube-system", "coredns.17c")}},
		{name: "get", ev: []opt{verb("get"), ref("configmaps", "", "kube-system", "coredns")}},
		{name: "list", ev: []opt{verb("list"), ref("pods", "", "kube-system", "")}},
		{name: "watch", ev: []opt{verb("watch"), ref("pods", "", "kube-system", "")}},
		{name: "another namespace", ev: []opt{verb("delete"), ref("configmaps", "", "kube-public", "cluster-info")}},
		{name: "the scheduler", ev: []opt{verb("create"), ref("pods", "binding", "kube-system", "coredns-x"), user("system:kube-scheduler")}},
		{name: "the controller manager", ev: []opt{verb("update"), ref("endpoints", "", "kube-system", "kube-dns"), controller}},
		{name: "the kubelet", ev: []opt{verb("patch"), ref("pods", "status", "kube-system", "etcd-node-1"), kubelet}},
		{name: "the API server", ev: []opt{verb("update"), ref("configmaps", "", "kube-system", "extension-apiserver-authentication"), user("system:apiserver", "system:masters")}},
		{name: "an allowed user", cfg: ciAllowed, ev: []opt{verb("patch"), ref("configmaps", "", "kube-system", "coredns"), ciRobot}},
	})
}

func TestTokenRequest(t *testing.T) {
	const sev = SeverityMedium
	tokenReq := `{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","metadata":{"name":"build-robot","namespace":"default"},` +
		`"spec":{"audiences":["https://kubernetes.default.svc"],"expirationSeconds":3600},"status":{"token":"","expirationTimestamp":null}}`
	tok := ref("serviceaccounts", "token", "default", "build-robot")
	testRules(t, []ruleCase{
		{name: "alice", ev: []opt{verb("create"), tok, req(tokenReq)},
			want: []want{{"token_request", sev, "alice requested a token for service account default/build-robot (HTTP 201)"}}},
		{name: "impersonating", ev: []opt{verb("create"), tok, as("system:serviceaccount:default:build-robot")},
			want: []want{{"token_request", sev, "alice (as system:serviceaccount:default:build-robot) requested a token for service account default/build-robot (HTTP 201)"}}},
		{name: "denied", ev: []opt{verb("create"), tok, code(403), decision("forbid")},
			want: []want{{"token_request", sev, "alice requested a token for service account default/build-robot (HTTP 403)"}}},
		{name: "in kube-system", ev: []opt{verb("create"), ref("serviceaccounts", "token", "kube-system", "clusterrole-aggregation-controller")},
			want: []want{
				{"kube_system_change", sev, "alice create serviceaccounts/token clusterrole-aggregation-controller in kube-system (HTTP 201)"},
				{"token_request", sev, "alice requested a token for service account kube-system/clusterrole-aggregation-controller (HTTP 201)"}}},
		// Near misses.
		{name: "a node", ev: []opt{verb("create"), tok, kubelet}},
		{name: "a system user not of the control plane", ev: []opt{verb("create"), tok, user("system:serviceaccount:default:default")}},
		{name: "an allowed user", cfg: ciAllowed, ev: []opt{verb("create"), tok, user("carol")}},
		{name: "an allowed service account", cfg: ciAllowed, ev: []opt{verb("create"), tok, ciRobot}},
		{name: "get", ev: []opt{verb("get"), tok}},
		{name: "the service account itself", ev: []opt{verb("create"), ref("serviceaccounts", "", "default", "build-robot")}},
		{name: "a secret named token", ev: []opt{verb("create"), ref("secrets", "token", "default", "build-robot")},
			want: []want{{"secret_access", sev, "alice create secret default/build-robot (HTTP 201)"}}},
	})
}

func TestMalformed(t *testing.T) {
	full := newEvent(id("7f3c9a2e-0b1d-4e5f-a6b7-c8d9e0f1a2b3"), verb("delete"), ref("secrets", "", "default", "db-creds")).JSON()
	const message = "a record claims to be an audit event and fails strict parsing (truncated, trailing data, " +
		"a kind other than Event, or duplicate or case-variant keys): it could pass one request off as another"
	for _, c := range []struct {
		name, content, auditID string
		rules                  []string
		fires                  bool
	}{
		{name: "truncated", content: full[:len(full)/2], auditID: "7f3c9a2e-0b1d-4e5f-a6b7-c8d9e0f1a2b3", fires: true},
		{name: "truncated before the audit ID", content: full[:60], fires: true},
		{name: "duplicate verb", content: replaceOnce(t, full, `"verb":"delete"`, `"verb":"delete","verb":"get"`), auditID: "7f3c9a2e-0b1d-4e5f-a6b7-c8d9e0f1a2b3", fires: true},
		{name: "case-variant verb", content: replaceOnce(t, full, `"verb":"delete"`, `"verb":"delete","Verb":"get"`), auditID: "7f3c9a2e-0b1d-4e5f-a6b7-c8d9e0f1a2b3", fires: true},
		{name: "trailing data", content: full + `{"kind":"Event"}`, auditID: "7f3c9a2e-0b1d-4e5f-a6b7-c8d9e0f1a2b3", fires: true},
		{name: "an EventList", content: replaceOnce(t, full, `"kind":"Event"`, `"kind":"EventList"`), auditID: "7f3c9a2e-0b1d-4e5f-a6b7-c8d9e0f1a2b3", fires: true},
		{name: "not selected", content: full[:len(full)/2], rules: []string{"secret_access"}},
		{name: "selected alone", content: full[:len(full)/2], auditID: "7f3c9a2e-0b1d-4e5f-a6b7-c8d9e0f1a2b3", rules: []string{"malformed"}, fires: true},
		{name: "the event itself", content: full},
		{name: "free text", content: "I1009 08:53:20.123456       1 controller.go:231] audit.k8s.io sync loop done"},
		{name: "another component's JSON", content: `{"level":"info","ts":1760000000.1,"msg":"reconciled","kind":"Event"}`},
		{name: "a core Event", content: `{"kind":"Event","apiVersion":"v1","metadata":{"name":"x"},"reason":"Pulled"}`},
		{name: "empty", content: ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := run(t, Config{Rules: c.rules}, record{t0, c.content})
			var wantF []Finding
			if c.fires {
				wantF = []Finding{{Rule: "malformed", Severity: SeverityHigh, Time: t0, AuditID: c.auditID, Message: message}}
			}
			if c.name == "the event itself" {
				wantF = []Finding{newEvent(id("7f3c9a2e-0b1d-4e5f-a6b7-c8d9e0f1a2b3"), verb("delete"), ref("secrets", "", "default", "db-creds")).
					finding("secret_access", SeverityMedium, "alice delete secret default/db-creds (HTTP 200)")}
			}
			diffFindings(t, res.Findings, wantF)
			if res.Total != int64(len(wantF)) {
				t.Errorf("Total = %d, want %d", res.Total, len(wantF))
			}
		})
	}

	// Malformed records are not requests: the same claimed audit ID twice is two findings.
	res := run(t, Config{}, record{t0, full[:len(full)/2]}, record{t0 + 1, full[:len(full)/2+10]})
	if len(res.Findings) != 2 || res.Counts["malformed"] != 2 {
		t.Errorf("two malformed records: %s", dump(res.Findings))
	}
}

func replaceOnce(t *testing.T, s, old, repl string) string {
	t.Helper()
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + repl + s[i+len(old):]
		}
	}
	t.Fatalf("%q not in %s", old, s)
	return ""
}

// A CNI's pod: privileged, on the host's network, mounting the host's CNI
// configuration. trusted_images spares all three pod rules when every
// container runs a trusted image, and none when one does not.
func TestTrustedImagesSpareHostAccess(t *testing.T) {
	spec := func(images ...string) string {
		var cs []string
		for i, im := range images {
			cs = append(cs, fmt.Sprintf(`{"name":"c%d","image":%q,"securityContext":{"privileged":true}}`, i, im))
		}
		return `{"hostNetwork":true,"containers":[` + strings.Join(cs, ",") + `],"volumes":[{"name":"cni","hostPath":{"path":"/etc/cni/net.d"}}]}`
	}
	cfg := Config{TrustedImages: NewPatterns("registry.example.com/cni/*")}
	rulesFired := func(podSpec string) []string {
		e := NewEngine(cfg)
		c := newEvent(verb("create"), ref("pods", "", "kube-system", "calico-node-x"), user("system:serviceaccount:kube-system:daemon-set-controller"),
			req(pod("calico-node-x", "kube-system", podSpec))).JSON()
		ev, kind := k8saudit.Parse(c)
		e.Add(&hss.Record{Time: 1, Content: c}, ev, kind)
		var out []string
		for _, f := range e.Result().Findings {
			if f.Rule != "kube_system_change" {
				out = append(out, f.Rule)
			}
		}
		return out
	}
	if got := rulesFired(spec("registry.example.com/cni/calico-node:v3.28")); len(got) != 0 {
		t.Fatalf("a trusted CNI pod fired %v", got)
	}
	got := rulesFired(spec("registry.example.com/cni/calico-node:v3.28", "docker.io/evil/sidecar:1"))
	if want := []string{"privileged_pod", "host_namespace_pod", "sensitive_mount_pod"}; !slices.Equal(got, want) {
		t.Fatalf("a CNI pod with an untrusted sidecar fired %v, want %v", got, want)
	}
}

// A patch's request lists only the containers it changes: trusted_images
// cannot vouch for the others, so a patch that turns hostNetwork on is a
// finding whatever image its one container names.
func TestTrustedImagesDoNotCoverAPatch(t *testing.T) {
	e := NewEngine(Config{TrustedImages: NewPatterns("registry.example.com/cni/*")})
	patch := `{"spec":{"template":{"spec":{"hostNetwork":true,"containers":[{"name":"sidecar","image":"registry.example.com/cni/x:1"}]}}}}`
	c := newEvent(verb("patch"), ref("deployments", "", "shop", "web"), req(patch)).JSON()
	ev, kind := k8saudit.Parse(c)
	e.Add(&hss.Record{Time: 1, Content: c}, ev, kind)
	if got := e.Result().Counts["host_namespace_pod"]; got != 1 {
		t.Fatalf("host_namespace_pod %d for a patch naming one trusted container, want 1", got)
	}
}

// A PodTemplate holds its pod spec at the top level.
func TestPodTemplate(t *testing.T) {
	e := NewEngine(Config{})
	tmpl := `{"kind":"PodTemplate","apiVersion":"v1","metadata":{"name":"t","namespace":"shop"},"template":{"spec":{"hostPID":true,"containers":[{"name":"c","image":"busybox"}]}}}`
	c := newEvent(verb("create"), ref("podtemplates", "", "shop", "t"), req(tmpl)).JSON()
	ev, kind := k8saudit.Parse(c)
	e.Add(&hss.Record{Time: 1, Content: c}, ev, kind)
	if got := e.Result().Counts["host_namespace_pod"]; got != 1 {
		t.Fatalf("host_namespace_pod %d for a PodTemplate with hostPID, want 1", got)
	}
}
