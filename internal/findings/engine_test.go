package findings

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
	"github.com/hss-tf/terraform-provider-hss/internal/safetext"
)

// t0 is the first record's time (epoch ms): 2025-10-09T08:53:20Z.
const t0 int64 = 1_760_000_000_000

// event is one audit.k8s.io/v1 Event as kube-apiserver's log backend writes
// it; the options set its fields, the rest keep the defaults of newEvent.
type event struct {
	id, stage, level, verb, uri, agent string
	user, as                           string // as: the impersonated user
	groups, ips                        []string
	resource, sub, ns, name            string
	group                              string // "": from the resource
	code                               int    // 0: by the verb; -1: no responseStatus
	decision                           string // the authorizer's; "" none
	req, resp                          string // raw JSON bodies; the level follows unless set
	annotations                        map[string]string
	noURI                              bool // uri(""): none, not the resource's
}

type opt func(*event)

func verb(v string) opt { return func(e *event) { e.verb = v } }
func user(name string, groups ...string) opt {
	return func(e *event) { e.user, e.groups = name, groups }
}
func as(name string) opt { return func(e *event) { e.as = name } }
func ref(resource, sub, ns, name string) opt {
	return func(e *event) { e.resource, e.sub, e.ns, e.name = resource, sub, ns, name }
}
func atReceipt() opt         { return func(e *event) { e.stage = "RequestReceived" } }
func id(s string) opt        { return func(e *event) { e.id = s } }
func code(n int) opt         { return func(e *event) { e.code = n } }
func decision(d string) opt  { return func(e *event) { e.decision = d } }
func uri(u string) opt       { return func(e *event) { e.uri, e.noURI = u, u == "" } }
func ips(v ...string) opt    { return func(e *event) { e.ips = v } }
func req(body string) opt    { return func(e *event) { e.req = body } }
func resp(body string) opt   { return func(e *event) { e.resp = body } }
func bodies(body string) opt { return func(e *event) { e.req, e.resp = body, body } }

func newEvent(opts ...opt) *event {
	e := &event{
		id: "5e2b7c1a-9d4f-4f0e-8a61-3c2d1b0a9f87", stage: "ResponseComplete", verb: "get",
		user: "alice", groups: []string{"system:authenticated"}, ips: []string{"10.0.0.7"},
		agent: "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350", decision: "allow",
		annotations: map[string]string{},
	}
	for _, o := range opts {
		o(e)
	}
	return e
}

// apiGroups are the groups of the resources the tests use; core otherwise.
var apiGroups = map[string]string{
	"roles": "rbac.authorization.k8s.io", "clusterroles": "rbac.authorization.k8s.io",
	"rolebindings": "rbac.authorization.k8s.io", "clusterrolebindings": "rbac.authorization.k8s.io",
	"deployments": "apps", "daemonsets": "apps", "statefulsets": "apps", "replicasets": "apps",
	"jobs": "batch", "cronjobs": "batch", "leases": "coordination.k8s.io",
	"tokenreviews": "authentication.k8s.io",
}

func (e *event) apiGroup() string {
	if e.group != "" {
		return e.group
	}
	return apiGroups[e.resource]
}

// requestURI is the URI kubectl would have requested.
func (e *event) requestURI() string {
	if e.uri != "" || e.noURI {
		return e.uri
	}
	if e.resource == "" {
		return "/api"
	}
	p := "/api/v1"
	if g := e.apiGroup(); g != "" {
		p = "/apis/" + g + "/v1"
	}
	if e.ns != "" {
		p += "/namespaces/" + e.ns
	}
	p += "/" + e.resource
	if e.name != "" && (e.verb != "create" || e.sub != "") { // a create posts to the collection
		p += "/" + e.name
	}
	if e.sub != "" {
		p += "/" + e.sub
	}
	switch {
	case e.verb == "watch":
		p += "?watch=true"
	case e.sub == "exec":
		p += "?command=sh&container=app&stdin=true&stdout=true&tty=true"
	}
	return p
}

// JSON is the event as the API server logs it. RequestReceived is audited
// before authorization and before the body is read: it has no decision,
// no bodies and no response.
func (e *event) JSON() string {
	type userInfo struct {
		Username string   `json:"username"`
		Groups   []string `json:"groups,omitempty"`
	}
	type objectRef struct {
		Resource    string `json:"resource,omitempty"`
		Subresource string `json:"subresource,omitempty"`
		Namespace   string `json:"namespace,omitempty"`
		Name        string `json:"name,omitempty"`
		APIGroup    string `json:"apiGroup,omitempty"`
		APIVersion  string `json:"apiVersion"`
	}
	type status struct {
		Metadata struct{} `json:"metadata"`
		Status   string   `json:"status,omitempty"`
		Reason   string   `json:"reason,omitempty"`
		Code     int      `json:"code"`
	}
	type wire struct {
		Kind                     string            `json:"kind"`
		APIVersion               string            `json:"apiVersion"`
		Level                    string            `json:"level"`
		AuditID                  string            `json:"auditID"`
		Stage                    string            `json:"stage"`
		RequestURI               string            `json:"requestURI"`
		Verb                     string            `json:"verb"`
		User                     userInfo          `json:"user"`
		ImpersonatedUser         *userInfo         `json:"impersonatedUser,omitempty"`
		SourceIPs                []string          `json:"sourceIPs"`
		UserAgent                string            `json:"userAgent"`
		ObjectRef                *objectRef        `json:"objectRef,omitempty"`
		ResponseStatus           *status           `json:"responseStatus,omitempty"`
		RequestObject            json.RawMessage   `json:"requestObject,omitempty"`
		ResponseObject           json.RawMessage   `json:"responseObject,omitempty"`
		RequestReceivedTimestamp string            `json:"requestReceivedTimestamp"`
		StageTimestamp           string            `json:"stageTimestamp"`
		Annotations              map[string]string `json:"annotations,omitempty"`
	}
	w := wire{
		Kind: "Event", APIVersion: "audit.k8s.io/v1", Level: e.level, AuditID: e.id, Stage: e.stage,
		RequestURI: e.requestURI(), Verb: e.verb, User: userInfo{e.user, e.groups}, SourceIPs: e.ips, UserAgent: e.agent,
		RequestReceivedTimestamp: "2025-10-09T08:53:20.123456Z", StageTimestamp: "2025-10-09T08:53:20.130711Z",
	}
	if e.as != "" {
		w.ImpersonatedUser = &userInfo{Username: e.as}
	}
	if e.resource != "" {
		w.ObjectRef = &objectRef{e.resource, e.sub, e.ns, e.name, e.apiGroup(), "v1"}
	}
	received := e.stage == "RequestReceived"
	if !received {
		if e.req != "" {
			w.RequestObject = json.RawMessage(e.req)
		}
		if e.resp != "" {
			w.ResponseObject = json.RawMessage(e.resp)
		}
		if c := e.statusCode(); c > 0 {
			st := &status{Code: c}
			if c >= 400 {
				st.Status, st.Reason = "Failure", "Forbidden"
			}
			w.ResponseStatus = st
		}
	}
	if w.Level == "" {
		switch {
		case e.resp != "":
			w.Level = "RequestResponse"
		case e.req != "":
			w.Level = "Request"
		default:
			w.Level = "Metadata"
		}
	}
	w.Annotations = map[string]string{}
	for k, v := range e.annotations {
		w.Annotations[k] = v
	}
	if e.decision != "" && !received {
		w.Annotations["authorization.k8s.io/decision"] = e.decision
		w.Annotations["authorization.k8s.io/reason"] = ""
	}
	b, err := json.Marshal(w)
	if err != nil {
		panic(err) // a test's body is not JSON
	}
	return string(b)
}

func (e *event) statusCode() int {
	switch {
	case e.code != 0:
		return e.code
	case slices.Contains([]string{"exec", "attach", "portforward"}, e.sub):
		return 101
	case e.verb == "create":
		return 201
	}
	return 200
}

// finding is what the event's finding of rule must be, message aside: the
// event's own fields, echoed.
func (e *event) finding(rule, severity, message string) Finding {
	return Finding{
		Rule: rule, Severity: severity, Time: t0, User: e.user, Verb: e.verb,
		Resource: e.resource, Subresource: e.sub, Namespace: e.ns, Name: e.name,
		SourceIPs: e.ips, AuditID: e.id, Stage: e.stage, Message: message,
	}
}

// record is one record the engine is handed.
type record struct {
	time    int64
	content string
}

// run feeds the records through Parse and a new engine of cfg; a record
// built as an event must parse as one.
func run(t testing.TB, cfg Config, records ...record) Result {
	t.Helper()
	e := NewEngine(cfg)
	for _, r := range records {
		ev, kind := k8saudit.Parse(r.content)
		e.Add(&hss.Record{ClusterName: "prod", ClusterID: "c-1", Time: r.time, Content: r.content, HostName: "master-1"}, ev, kind)
	}
	return e.Result()
}

// events are records one second apart from t0.
func events(es ...*event) []record {
	out := make([]record, len(es))
	for i, e := range es {
		out[i] = record{t0 + int64(i)*1000, e.JSON()}
	}
	return out
}

// mustEvent is the event's JSON, checked to parse as an event.
func mustEvent(t testing.TB, e *event) string {
	t.Helper()
	s := e.JSON()
	if _, kind := k8saudit.Parse(s); kind != k8saudit.IsEvent {
		t.Fatalf("test event parses as %v: %s", kind, s)
	}
	return s
}

// counts are every rule of names at 0, then one more per finding.
func counts(names []string, fs []Finding) map[string]int64 {
	m := map[string]int64{}
	for _, n := range names {
		m[n] = 0
	}
	for _, f := range fs {
		m[f.Rule]++
	}
	return m
}

func zeroes(names []string, nonzero map[string]int64) map[string]int64 {
	m := map[string]int64{}
	for _, n := range names {
		m[n] = nonzero[n]
	}
	return m
}

func diffFindings(t *testing.T, got, want []Finding) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d findings, want %d:\n got  %s\n want %s", len(got), len(want), dump(got), dump(want))
		return
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("finding %d:\n got  %+v\n want %+v", i, got[i], want[i])
		}
	}
}

func dump(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "\n   %s %s %q (%s %s)", f.Rule, f.Severity, f.Message, f.AuditID, f.Stage)
	}
	return b.String()
}

func TestRuleNames(t *testing.T) {
	want := []string{"pod_exec", "secret_access", "cluster_admin_binding", "wildcard_role", "anonymous_request",
		"privileged_pod", "host_namespace_pod", "sensitive_mount_pod", "kube_system_change", "token_request", "malformed"}
	if got := RuleNames(); !slices.Equal(got, want) {
		t.Fatalf("RuleNames() = %v, want %v", got, want)
	}
	severities := []string{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow}
	for _, r := range Catalogue {
		if !slices.Contains(severities, r.Severity) || r.Description == "" || (r.Level != "Metadata" && r.Level != "Request") {
			t.Errorf("rule %s: severity %q, level %q, description %q", r.Name, r.Severity, r.Level, r.Description)
		}
		if (r.check == nil) != (r.Name == "malformed") {
			t.Errorf("rule %s: check is nil: %v", r.Name, r.check == nil)
		}
		if r.Name != "malformed" && r.Falco == "" {
			t.Errorf("rule %s follows no Falco rule", r.Name)
		}
		// Exemptible: every rule but the ones about who cannot be trusted.
		if want := r.Name != "anonymous_request" && r.Name != "malformed"; r.Exemptible != want {
			t.Errorf("rule %s: Exemptible = %v, want %v", r.Name, r.Exemptible, want)
		}
	}
}

func TestPatterns(t *testing.T) {
	p := NewPatterns("carol", "system:serviceaccount:ci:*", "registry.example.com/cni/*")
	for s, want := range map[string]bool{
		"carol": true, "carol2": false, "Carol": false, "": false,
		"system:serviceaccount:ci:deployer": true, "system:serviceaccount:ci:": true,
		"system:serviceaccount:cicd:deployer": false, "system:serviceaccount:ci": false,
		"registry.example.com/cni/agent:v1": true, "registry.example.com/cni-evil:v1": false,
	} {
		if got := p.Match(s); got != want {
			t.Errorf("Match(%q) = %v, want %v", s, got, want)
		}
	}
	if NewPatterns().Match("") || (Patterns{}).Match("x") {
		t.Error("empty Patterns match")
	}
	if !NewPatterns("*").Match("anyone") {
		t.Error(`"*" does not match everything`)
	}
	cp := NewPatterns(ControlPlane...)
	for s, want := range map[string]bool{
		"system:node:node-1": true, "system:kube-controller-manager": true, "system:kube-scheduler": true, "system:apiserver": true,
		"system:nodes": false, "system:node": false, "system:serviceaccount:default:default": false,
		"system:serviceaccount:kube-system:default": false, "system:anonymous": false, "system:admin": false,
	} {
		if got := cp.Match(s); got != want {
			t.Errorf("control plane Match(%q) = %v, want %v", s, got, want)
		}
	}
}

// A request audited at several stages is one finding per rule: its
// completed stage's, which knows the response and the authorizer's
// decision, whichever stage arrives first.
func TestEngineOneFindingPerRequest(t *testing.T) {
	secret := []opt{ref("secrets", "", "default", "db-creds"), id("0b1c")}
	received, complete := newEvent(append(secret, atReceipt())...), newEvent(secret...)
	wantSecret := complete.finding("secret_access", SeverityMedium, "alice get secret default/db-creds (HTTP 200)")

	anon := []opt{user("system:anonymous", "system:unauthenticated"), uri("/api/v1/namespaces"), ref("namespaces", "", "", ""),
		verb("list"), ips("203.0.113.9"), code(403), decision("forbid"), id("a77")}
	anonReceived, anonComplete := newEvent(append(anon, atReceipt())...), newEvent(anon...)

	priv := []opt{verb("create"), ref("pods", "", "default", "evil"), id("p1"),
		bodies(pod("evil", "default", `{"containers":[{"name":"shell","image":"busybox:1.36","securityContext":{"privileged":true}}]}`))}
	privReceived, privComplete := newEvent(append(priv, atReceipt())...), newEvent(priv...)

	for _, c := range []struct {
		name    string
		records []*event
		want    []Finding
		judged  map[string]int64
	}{
		{"received then complete", []*event{received, complete}, []Finding{withTime(wantSecret, t0+1000)}, nil},
		{"complete then received", []*event{complete, received}, []Finding{wantSecret}, nil},
		{"complete twice", []*event{complete, complete}, []Finding{wantSecret}, nil},
		{"received alone", []*event{received}, []Finding{received.finding("secret_access", SeverityMedium, "alice get secret default/db-creds")}, nil},
		{"anonymous: the decision is the completed stage's", []*event{anonReceived, anonComplete}, []Finding{withTime(
			anonComplete.finding("anonymous_request", SeverityHigh, "anonymous list /api/v1/namespaces from 203.0.113.9 (forbid) (HTTP 403)"), t0+1000)}, nil},
		{"anonymous received alone", []*event{anonReceived}, []Finding{
			anonReceived.finding("anonymous_request", SeverityHigh, "anonymous list /api/v1/namespaces from 203.0.113.9 (no decision recorded)")}, nil},
		// RequestReceived never has a body: it is no sign of a low audit level.
		{"body rule: received has no body", []*event{privReceived, privComplete}, []Finding{withTime(privComplete.finding("privileged_pod", SeverityHigh,
			"alice create pods default/evil with privileged container shell (image busybox:1.36)"), t0+1000)}, nil},
		{"body rule at Metadata: one not evaluable", []*event{
			newEvent(verb("create"), ref("pods", "", "default", "evil"), id("p2"), atReceipt()),
			newEvent(verb("create"), ref("pods", "", "default", "evil"), id("p2")),
		}, nil, map[string]int64{"privileged_pod": 1, "host_namespace_pod": 1, "sensitive_mount_pod": 1}},
		{"two requests", []*event{complete, newEvent(append(secret, id("0b1d"))...)}, []Finding{wantSecret,
			func() Finding { f := wantSecret; f.AuditID, f.Time = "0b1d", t0+1000; return f }()}, nil},
		{"no audit ID: no request to tell apart", []*event{newEvent(append(secret, id(""))...), newEvent(append(secret, id(""))...)}, []Finding{
			func() Finding { f := wantSecret; f.AuditID = ""; return f }(),
			func() Finding { f := wantSecret; f.AuditID, f.Time = "", t0+1000; return f }()}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, e := range c.records {
				mustEvent(t, e)
			}
			res := run(t, Config{}, events(c.records...)...)
			diffFindings(t, res.Findings, c.want)
			if res.Total != int64(len(c.want)) {
				t.Errorf("Total = %d, want %d", res.Total, len(c.want))
			}
			if want := counts(RuleNames(), c.want); !reflect.DeepEqual(res.Counts, want) {
				t.Errorf("Counts = %v, want %v", res.Counts, want)
			}
			if want := zeroes(RuleNames(), c.judged); !reflect.DeepEqual(res.NotEvaluable, want) {
				t.Errorf("NotEvaluable = %v, want %v", res.NotEvaluable, want)
			}
		})
	}
}

func withTime(f Finding, t int64) Finding { f.Time = t; return f }

// everyRule is one request per rule of the catalogue that fires it, and
// one body-less request each body rule cannot judge.
func everyRule() []*event {
	return []*event{
		newEvent(id("r1"), verb("create"), ref("pods", "exec", "default", "web-0")),
		newEvent(id("r2"), ref("secrets", "", "default", "db-creds")),
		newEvent(id("r3"), verb("create"), ref("clusterrolebindings", "", "", "pwn"), req(binding("ClusterRoleBinding", "pwn", "", "cluster-admin"))),
		newEvent(id("r4"), verb("create"), ref("clusterroles", "", "", "god"), req(role("ClusterRole", "god", "", `[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]`))),
		newEvent(id("r5"), user("system:anonymous", "system:unauthenticated"), uri("/api")),
		newEvent(id("r6"), verb("create"), ref("pods", "", "default", "evil"), req(pod("evil", "default",
			`{"hostPID":true,"containers":[{"name":"shell","image":"busybox:1.36","securityContext":{"privileged":true}}],"volumes":[{"name":"root","hostPath":{"path":"/"}}]}`))),
		newEvent(id("r7"), verb("delete"), ref("configmaps", "", "kube-system", "coredns")),
		newEvent(id("r8"), verb("create"), ref("serviceaccounts", "token", "default", "build-robot")),
		newEvent(id("r9"), verb("create"), ref("rolebindings", "", "dev", "x")), // Metadata: not evaluable
	}
}

func TestEngineSelectsRules(t *testing.T) {
	records := events(everyRule()...)
	malformed := newEvent(id("m1")).JSON()
	records = append(records, record{t0 + 100_000, malformed[:len(malformed)/2]})

	all := run(t, Config{}, records...)
	wantAll := map[string]int64{"pod_exec": 1, "secret_access": 1, "cluster_admin_binding": 1, "wildcard_role": 1, "anonymous_request": 1,
		"privileged_pod": 1, "host_namespace_pod": 1, "sensitive_mount_pod": 1, "kube_system_change": 1, "token_request": 1, "malformed": 1}
	if !reflect.DeepEqual(all.Counts, wantAll) || all.Total != 11 || len(all.Findings) != 11 {
		t.Fatalf("every rule: Counts %v Total %d, %d findings; want %v, 11", all.Counts, all.Total, len(all.Findings), wantAll)
	}
	if want := zeroes(RuleNames(), map[string]int64{"cluster_admin_binding": 1}); !reflect.DeepEqual(all.NotEvaluable, want) {
		t.Errorf("NotEvaluable = %v, want %v", all.NotEvaluable, want)
	}

	for _, sel := range [][]string{
		{"secret_access"},
		{"malformed"},
		{"cluster_admin_binding", "token_request"},
		{"privileged_pod", "sensitive_mount_pod", "anonymous_request"},
		{"no_such_rule"}, // the caller's to refuse: it selects nothing
	} {
		t.Run(strings.Join(sel, ","), func(t *testing.T) {
			res := run(t, Config{Rules: sel}, records...)
			var names []string
			for _, n := range RuleNames() {
				if slices.Contains(sel, n) {
					names = append(names, n)
				}
			}
			want := map[string]int64{}
			for _, n := range names {
				want[n] = wantAll[n]
			}
			if !reflect.DeepEqual(res.Counts, want) {
				t.Errorf("Counts = %v, want %v", res.Counts, want)
			}
			if len(res.NotEvaluable) != len(names) {
				t.Errorf("NotEvaluable = %v, want the rules %v only", res.NotEvaluable, names)
			}
			for _, n := range names {
				if _, ok := res.NotEvaluable[n]; !ok {
					t.Errorf("NotEvaluable lacks %s", n)
				}
			}
			for _, f := range res.Findings {
				if !slices.Contains(sel, f.Rule) {
					t.Errorf("unselected rule fired: %+v", f)
				}
			}
			if res.Total != int64(len(res.Findings)) || res.Total != int64(len(names)) {
				t.Errorf("Total %d, %d findings; want %d", res.Total, len(res.Findings), len(names))
			}
		})
	}

	// Selected but never fired: still counted, at 0.
	res := run(t, Config{Rules: []string{"wildcard_role", "malformed"}})
	if want := map[string]int64{"wildcard_role": 0, "malformed": 0}; !reflect.DeepEqual(res.Counts, want) || !reflect.DeepEqual(res.NotEvaluable, want) {
		t.Errorf("no records: Counts %v NotEvaluable %v, want %v", res.Counts, res.NotEvaluable, want)
	}
	if res.Findings == nil || len(res.Findings) != 0 || res.Total != 0 {
		t.Errorf("no records: Findings %#v Total %d", res.Findings, res.Total)
	}
}

// secretGets are n reads of a secret, a second apart, each its own request.
func secretGets(n int) []record {
	out := make([]record, n)
	for i := range out {
		e := newEvent(id(fmt.Sprintf("req-%02d", i)), ref("secrets", "", "default", fmt.Sprintf("s%02d", i)))
		out[i] = record{t0 + int64(i)*1000, e.JSON()}
	}
	return out
}

// Findings are oldest first, whatever order the service lists them in;
// under max_findings they are the newest.
func TestEngineOrderAndCap(t *testing.T) {
	asc := secretGets(7)
	desc := slices.Clone(asc)
	slices.Reverse(desc)
	shuffled := slices.Clone(asc)
	rand.New(rand.NewSource(1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, order := range []struct {
		name    string
		records []record
	}{{"oldest first", asc}, {"newest first", desc}, {"shuffled", shuffled}} {
		for _, limit := range []int{0, 1, 2, 3, 6, 7, 8} {
			t.Run(fmt.Sprintf("%s/limit %d", order.name, limit), func(t *testing.T) {
				res := run(t, Config{MaxFindings: limit}, order.records...)
				keep := 7
				if limit > 0 && limit < 7 {
					keep = limit
				}
				if len(res.Findings) != keep {
					t.Fatalf("%d findings, want %d", len(res.Findings), keep)
				}
				for i, f := range res.Findings {
					n := 7 - keep + i // the newest, oldest first
					want := Finding{Rule: "secret_access", Severity: SeverityMedium, Time: t0 + int64(n)*1000, User: "alice", Verb: "get",
						Resource: "secrets", Namespace: "default", Name: fmt.Sprintf("s%02d", n), SourceIPs: []string{"10.0.0.7"},
						AuditID: fmt.Sprintf("req-%02d", n), Stage: "ResponseComplete", Message: fmt.Sprintf("alice get secret default/s%02d (HTTP 200)", n)}
					if !reflect.DeepEqual(f, want) {
						t.Errorf("finding %d:\n got  %+v\n want %+v", i, f, want)
					}
				}
				if res.Total != 7 || res.Counts["secret_access"] != 7 {
					t.Errorf("Total %d, Counts %v; want 7 each", res.Total, res.Counts)
				}
			})
		}
	}

	// Beyond the cap a request is still counted once, its later stages too.
	records := secretGets(5)
	again := slices.Clone(records)
	slices.Reverse(again)
	res := run(t, Config{MaxFindings: 2}, append(records, again...)...)
	if res.Total != 5 || res.Counts["secret_access"] != 5 || len(res.Findings) != 2 || res.Findings[0].AuditID != "req-03" || res.Findings[1].AuditID != "req-04" {
		t.Errorf("repeated stages under a cap: Total %d, Counts %v, findings %s", res.Total, res.Counts, dump(res.Findings))
	}

	// Equal times keep the order of arrival.
	same := []record{
		{t0, newEvent(id("x1"), ref("secrets", "", "default", "a")).JSON()},
		{t0, newEvent(id("x2"), ref("secrets", "", "default", "b")).JSON()},
		{t0 - 1, newEvent(id("x3"), ref("secrets", "", "default", "c")).JSON()},
	}
	res = run(t, Config{}, same...)
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.AuditID)
	}
	if want := []string{"x3", "x1", "x2"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

// Messages are shown: a requester's control characters are escaped there,
// and kept as sent in the fields, which state keeps as data.
func TestEngineEscapesMessages(t *testing.T) {
	for _, c := range []struct {
		name string
		ev   *event
		want string
	}{
		{"newline in a user name", newEvent(user("eve\nI1009 08:53:20 all good"), ref("secrets", "", "default", "db")),
			`eve\nI1009 08:53:20 all good get secret default/db (HTTP 200)`},
		{"ESC in a user name", newEvent(user("\x1b[2J\x1b[1;1HNo changes.\a"), verb("create"), ref("pods", "exec", "default", "web-0")),
			`\x1b[2J\x1b[1;1HNo changes.\x07 exec into pod default/web-0`},
		{"an impersonated user", newEvent(as("bob\r\x1b[K"), verb("create"), ref("pods", "exec", "default", "web-0")),
			`alice (as bob\r\x1b[K) exec into pod default/web-0`},
		{"an anonymous URI", newEvent(user("system:anonymous", "system:unauthenticated"), uri("/api\x1b]0;pwned\x07?x=\u202e"), ips("203.0.113.9")),
			`anonymous get /api\x1b]0;pwned\x07?x=\u202e from 203.0.113.9 (allow) (HTTP 200)`},
		{"a name", newEvent(ref("secrets", "", "default", "db\u2028x")), `alice get secret default/db\u2028x (HTTP 200)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := run(t, Config{}, record{t0, mustEvent(t, c.ev)})
			if len(res.Findings) != 1 {
				t.Fatalf("findings: %s", dump(res.Findings))
			}
			f := res.Findings[0]
			if f.Message != c.want {
				t.Errorf("message %q, want %q", f.Message, c.want)
			}
			// The other texts are escaped too: a module's message built
			// from them cannot drive a terminal either.
			if f.User != safetext.Escape(c.ev.user) || f.Name != safetext.Escape(c.ev.name) {
				t.Errorf("User %q, Name %q; want %q, %q escaped", f.User, f.Name, c.ev.user, c.ev.name)
			}
		})
	}
}

// The secret material of the bodies (a Secret's data and stringData, its
// last-applied annotation, a TokenReview's token, a TokenRequest's token)
// reaches no finding.
func TestEngineNoSecretMaterial(t *testing.T) {
	const (
		dataB64     = "aHVudGVyMi1kYXRh" // hunter2-data
		stringData  = "hunter2-stringdata"
		lastApplied = "hunter2-last-applied"
		reviewToken = "eyJhbGciOiJSUzI1NiIsImtpZCI6InJldmlldyJ9.cmV2aWV3.c2ln"
		issuedToken = "eyJhbGciOiJSUzI1NiIsImtpZCI6Imlzc3VlZCJ9.aXNzdWVk.c2ln"
		envValue    = "hunter2-env"
	)
	secret := `{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db-creds","namespace":"kube-system","annotations":{` +
		`"kubectl.kubernetes.io/last-applied-configuration":"{\"stringData\":{\"password\":\"` + lastApplied + `\"}}"}},` +
		`"data":{"password":"` + dataB64 + `"},"stringData":{"password":"` + stringData + `"},"type":"Opaque"}`
	review := `{"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},` +
		`"spec":{"token":"` + reviewToken + `","audiences":["https://kubernetes.default.svc"]},"status":{"user":{}}}`
	tokenReq := `{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","metadata":{"name":"build-robot","namespace":"kube-system"},` +
		`"spec":{"audiences":["https://kubernetes.default.svc"],"expirationSeconds":3600},` +
		`"status":{"token":"` + issuedToken + `","expirationTimestamp":"2025-10-09T09:53:20Z"}}`
	podEnv := pod("leaky", "kube-system", `{"hostNetwork":true,"containers":[{"name":"app","image":"app:1","env":[{"name":"PASSWORD","value":"`+envValue+`"}],`+
		`"securityContext":{"privileged":true}}]}`)
	evs := []*event{
		newEvent(id("s1"), verb("create"), ref("secrets", "", "kube-system", "db-creds"), bodies(secret)),
		newEvent(id("s2"), verb("update"), ref("secrets", "", "kube-system", "db-creds"), req(secret)),
		newEvent(id("s3"), verb("create"), ref("tokenreviews", "", "", ""), user("system:anonymous", "system:unauthenticated"), bodies(review)),
		newEvent(id("s4"), verb("create"), ref("tokenreviews", "", "", ""), req(review)),
		newEvent(id("s5"), verb("create"), ref("serviceaccounts", "token", "kube-system", "build-robot"), req(tokenReq), resp(tokenReq)),
		newEvent(id("s6"), verb("create"), ref("pods", "", "kube-system", "leaky"), bodies(podEnv)),
	}
	var records []record
	for i, e := range evs {
		records = append(records, record{t0 + int64(i), mustEvent(t, e)})
	}
	res := run(t, Config{}, records...)
	if res.Total < 8 { // secret_access ×2, kube_system_change ×4, anonymous, token_request, privileged, host namespaces
		t.Fatalf("too few findings to tell anything: %s", dump(res.Findings))
	}
	all := fmt.Sprintf("%#v", res)
	for _, s := range []string{dataB64, "hunter2", stringData, lastApplied, reviewToken, issuedToken, envValue, "eyJhbGci"} {
		if strings.Contains(all, s) {
			t.Errorf("a finding holds %q: %s", s, dump(res.Findings))
		}
	}
}

// FuzzEngine: whatever the content, Parse and Add do not panic, and the
// result keeps its invariants.
func FuzzEngine(f *testing.F) {
	for _, e := range everyRule() {
		f.Add(e.JSON())
	}
	for _, e := range []*event{
		newEvent(verb("patch"), ref("pods", "ephemeralcontainers", "default", "web-0"),
			req(`{"spec":{"ephemeralContainers":[{"name":"debugger","image":"busybox","securityContext":{"privileged":true}}]}}`)),
		newEvent(verb("patch"), ref("clusterrolebindings", "", "", "x"), req(`[{"op":"replace","path":"/roleRef/name","value":"cluster-admin"}]`),
			resp(`{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","code":422}`)),
		newEvent(verb("create"), ref("cronjobs", "", "default", "c"), req(cronJob("c", `{"hostIPC":true,"volumes":[{"hostPath":{"path":"../../etc"}}]}`))),
		newEvent(atReceipt(), user("system:anonymous", "system:unauthenticated"), uri("/healthz")),
	} {
		f.Add(e.JSON())
	}
	full := newEvent(id("dup")).JSON()
	f.Add(full[:len(full)-3])
	f.Add(strings.Replace(full, `"verb":"get"`, `"verb":"get","verb":"delete"`, 1))
	f.Add(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","request\u004fbject":{"spec":"x"},"objectRef":{"resource":"pods"},"verb":"create"}`)
	f.Add(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","objectRef":{"resource":"roles"},"requestObject":{"rules":[{"verbs":"*"}]},"responseObject":[1]}`)
	f.Add("I1009 08:53:20.123456 1 controller.go:123] requestObject: free text")
	f.Fuzz(func(t *testing.T, content string) {
		_ = ParseBodies(content)
		ev, kind := k8saudit.Parse(content)
		for _, cfg := range []Config{{}, {MaxFindings: 1, AllowedUsernames: NewPatterns("alice*"), TrustedImages: NewPatterns("*")}} {
			e := NewEngine(cfg)
			for i := range 3 { // again, as another stage of the same request would be
				e.Add(&hss.Record{Time: int64(3 - i), Content: content}, ev, kind)
			}
			res := e.Result()
			var sum int64
			for _, n := range res.Counts {
				sum += n
			}
			if sum != res.Total || int64(len(res.Findings)) > res.Total || (cfg.MaxFindings > 0 && len(res.Findings) > cfg.MaxFindings) {
				t.Fatalf("Total %d, Counts %v, %d findings", res.Total, res.Counts, len(res.Findings))
			}
			for i, f := range res.Findings {
				if i > 0 && f.Time < res.Findings[i-1].Time {
					t.Fatalf("findings out of order: %s", dump(res.Findings))
				}
				if !slices.Contains(RuleNames(), f.Rule) || f.Message == "" {
					t.Fatalf("finding %+v", f)
				}
				for j := 0; j < len(f.Message); j++ {
					if c := f.Message[j]; c < 0x20 || c == 0x7f {
						t.Fatalf("message %q holds a control character", f.Message)
					}
				}
			}
		}
	})
}

// Requests that reuse one Audit-ID (a client may set it) are findings of
// their own: only the stages of one request share a finding.
func TestReusedAuditIDsStayApart(t *testing.T) {
	e := NewEngine(Config{})
	for i, name := range []string{"a", "b", "c"} {
		c := newEvent(id("same-id"), ref("secrets", "", "prod", name)).JSON()
		ev, kind := k8saudit.Parse(c)
		e.Add(&hss.Record{Time: int64(i), Content: c}, ev, kind)
	}
	if got := e.Result().Counts["secret_access"]; got != 3 {
		t.Fatalf("secret_access %d for three requests reusing an audit ID, want 3", got)
	}
}
