package findings

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
)

// Severities, from the most to the least urgent.
const (
	SeverityCritical = "critical"
	SeverityHigh     = "high"
	SeverityMedium   = "medium"
	SeverityLow      = "low"
)

// Rule is one detection of the catalogue.
type Rule struct {
	Name     string
	Severity string
	// Falco names the rule of Falco's Kubernetes audit rules
	// (falcosecurity/plugins, k8saudit_rules.yaml) this one follows.
	Falco string
	// Level is the audit level the rule needs: Metadata, or Request when it
	// reads the request or response body.
	Level       string
	Description string
	// Exemptible rules spare allowed_usernames and the control plane.
	Exemptible bool
	check      func(in *input) verdict
}

// verdict is a rule's judgement of one event.
type verdict struct {
	fired     bool
	message   string
	judgeless bool // the event is one the rule is about, but lacks what it needs to judge (its body)
}

func fire(format string, args ...any) verdict {
	return verdict{fired: true, message: fmt.Sprintf(format, args...)}
}

var none verdict

// input is one event as the rules see it.
type input struct {
	ev      *k8saudit.Event
	ref     k8saudit.ObjectReference
	content string
	cfg     *Config
	bodies  *Bodies // parsed on first use
	parsed  bool
}

func (in *input) body() *Bodies {
	if !in.parsed {
		in.parsed, in.bodies = true, ParseBodies(in.content)
	}
	return in.bodies
}

// object is the body a rule judges: the response (the object as stored,
// whatever the request was: a patch, an apply) when there is one, else the
// request. nil when the event has neither (Metadata level).
func (in *input) object() *Object {
	b := in.body()
	if b == nil {
		return nil
	}
	if o := b.Response; o != nil && !o.Patch && o.Kind != "Status" {
		return o
	}
	if o := b.Request; o != nil && !o.Patch {
		return o
	}
	return nil
}

var writes = []string{"create", "update", "patch"}

// partial says whether the body judged is a patch's request, not the
// object as stored (no usable response: Request level).
func (in *input) partial() bool {
	if in.ev.Verb != "patch" {
		return false
	}
	b := in.body()
	return b == nil || b.Response == nil || b.Response.Patch || b.Response.Kind == "Status"
}

// Catalogue is every rule, in the order of the docs.
var Catalogue = []Rule{
	{
		Name: "pod_exec", Severity: SeverityMedium, Falco: "Attach/Exec Pod", Level: "Metadata", Exemptible: true,
		Description: "exec, attach or port-forward into a pod (verb create, or get: kubectl over WebSocket is audited as get)",
		check: func(in *input) verdict {
			if in.ref.Resource != "pods" || !slices.Contains([]string{"exec", "attach", "portforward"}, in.ref.Subresource) ||
				(in.ev.Verb != "create" && in.ev.Verb != "get") {
				return none
			}
			return fire("%s %s into pod %s", who(in), in.ref.Subresource, objectName(in.ref))
		},
	},
	{
		Name: "secret_access", Severity: SeverityMedium, Falco: "K8s Secret Get Successfully / Create/Modify/Delete Secret", Level: "Metadata", Exemptible: true,
		Description: "any verb on Secrets by a user not allowed",
		check: func(in *input) verdict {
			if in.ref.Resource != "secrets" {
				return none
			}
			return fire("%s %s secret %s%s", who(in), in.ev.Verb, objectName(in.ref), codeNote(in.ev))
		},
	},
	{
		Name: "cluster_admin_binding", Severity: SeverityHigh, Falco: "Attach to cluster-admin Role", Level: "Request", Exemptible: true,
		Description: "a ClusterRoleBinding or RoleBinding to cluster-admin (from the body's roleRef)",
		check: func(in *input) verdict {
			if (in.ref.Resource != "clusterrolebindings" && in.ref.Resource != "rolebindings") || !slices.Contains(writes, in.ev.Verb) {
				return none
			}
			o := in.object() // a patch's response: the bound object, roleRef and all
			if o == nil {
				return verdict{judgeless: true}
			}
			if o.RoleRef == nil || o.RoleRef.Name != "cluster-admin" {
				return none
			}
			return fire("%s %s %s %s binding cluster-admin", who(in), in.ev.Verb, singular(in.ref.Resource), objectName(in.ref))
		},
	},
	{
		Name: "wildcard_role", Severity: SeverityMedium, Falco: "ClusterRole With Wildcard Created", Level: "Request", Exemptible: true,
		Description: "a Role or ClusterRole with * in its resources or verbs",
		check: func(in *input) verdict {
			if (in.ref.Resource != "roles" && in.ref.Resource != "clusterroles") || !slices.Contains(writes, in.ev.Verb) {
				return none
			}
			o := in.object()
			if o == nil {
				return verdict{judgeless: true}
			}
			for _, r := range o.Rules {
				if slices.Contains(r.Resources, "*") || slices.Contains(r.Verbs, "*") {
					return fire("%s %s %s %s granting * (verbs %v on resources %v)", who(in), in.ev.Verb, singular(in.ref.Resource), objectName(in.ref), r.Verbs, r.Resources)
				}
			}
			return none
		},
	},
	{
		Name: "anonymous_request", Severity: SeverityHigh, Falco: "Anonymous Request Allowed", Level: "Metadata",
		Description: "a request by system:anonymous or system:unauthenticated (health endpoints excluded), with the authorizer's decision",
		check: func(in *input) verdict {
			if in.ev.User.Username != "system:anonymous" && !slices.Contains(in.ev.User.Groups, "system:unauthenticated") {
				return none
			}
			if healthEndpoint(in.ev.RequestURI) {
				return none
			}
			decision := in.ev.Annotations["authorization.k8s.io/decision"]
			if decision == "" {
				decision = "no decision recorded"
			}
			return fire("anonymous %s %s from %s (%s)%s", in.ev.Verb, uriOrObject(in), strings.Join(in.ev.SourceIPs, ", "), decision, codeNote(in.ev))
		},
	},
	{
		Name: "privileged_pod", Severity: SeverityHigh, Falco: "Create Privileged Pod", Level: "Request", Exemptible: true,
		Description: "a pod, pod template or ephemeral container running privileged (trusted_images exempt)",
		check: podRule(func(in *input, p PodSpec) string {
			for _, c := range p.Containers {
				if c.Privileged && !in.cfg.TrustedImages.Match(c.Image) {
					return fmt.Sprintf("privileged container %s (image %s)", c.Name, c.Image)
				}
			}
			return ""
		}),
	},
	{
		Name: "host_namespace_pod", Severity: SeverityHigh, Falco: "Create HostNetwork Pod / Create HostPid Pod / Create HostIPC Pod", Level: "Request", Exemptible: true,
		Description: "a pod or pod template sharing the host's network, PID or IPC namespace (pods whose containers all run trusted_images exempt)",
		check: podRule(func(in *input, p PodSpec) string {
			if in.trusted(p) {
				return ""
			}
			var ns []string
			for _, h := range []struct {
				on   bool
				name string
			}{{p.HostNetwork, "hostNetwork"}, {p.HostPID, "hostPID"}, {p.HostIPC, "hostIPC"}} {
				if h.on {
					ns = append(ns, h.name)
				}
			}
			if len(ns) == 0 {
				return ""
			}
			return strings.Join(ns, ", ")
		}),
	},
	{
		Name: "sensitive_mount_pod", Severity: SeverityHigh, Falco: "Create Sensitive Mount Pod", Level: "Request", Exemptible: true,
		Description: "a pod or pod template mounting a sensitive host path (/, /etc, /proc, /root, /var/lib/kubelet, /etc/kubernetes, container runtime sockets; pods whose containers all run trusted_images exempt)",
		check: podRule(func(in *input, p PodSpec) string {
			if in.trusted(p) {
				return ""
			}
			for _, hp := range p.HostPaths {
				if s, under := sensitivePath(hp); s != "" {
					if !under {
						return fmt.Sprintf("hostPath %s (holding %s)", hp, s)
					}
					return fmt.Sprintf("hostPath %s (under %s)", hp, s)
				}
			}
			return ""
		}),
	},
	{
		Name: "kube_system_change", Severity: SeverityMedium, Falco: "K8s Change in kube-system", Level: "Metadata", Exemptible: true,
		Description: "a create, update, patch or delete in kube-system (leader-election leases and events excepted)",
		check: func(in *input) verdict {
			if in.ref.Namespace != "kube-system" || !slices.Contains([]string{"create", "update", "patch", "delete", "deletecollection"}, in.ev.Verb) ||
				in.ref.Resource == "leases" || in.ref.Resource == "events" {
				return none
			}
			what := resourceName(in.ref)
			if in.ref.Name != "" { // a deletecollection, a create by generateName, has none
				what += " " + in.ref.Name
			}
			return fire("%s %s %s in kube-system%s", who(in), in.ev.Verb, what, codeNote(in.ev))
		},
	},
	{
		Name: "token_request", Severity: SeverityMedium, Falco: "Service Account Token Created (K8s TokenRequest by a user)", Level: "Metadata", Exemptible: true,
		Description: "a service account's token requested by a human (a user not of the system: namespace)",
		check: func(in *input) verdict {
			if in.ref.Resource != "serviceaccounts" || in.ref.Subresource != "token" || in.ev.Verb != "create" ||
				strings.HasPrefix(in.ev.User.Username, "system:") {
				return none
			}
			return fire("%s requested a token for service account %s%s", who(in), objectName(in.ref), codeNote(in.ev))
		},
	},
	{
		Name: "malformed", Severity: SeverityHigh, Level: "Metadata",
		Description: "a record that claims to be an audit event and fails strict parsing (free text is not a finding)",
	},
}

// trusted says whether every container of p runs a trusted image: a
// CNI's or a storage driver's pod, whose host access is its job.
func (in *input) trusted(p PodSpec) bool {
	if len(p.Containers) == 0 || in.partial() {
		return false // a patch lists only the containers it changes: the others' images are unknown
	}
	for _, c := range p.Containers {
		if !in.cfg.TrustedImages.Match(c.Image) {
			return false
		}
	}
	return true
}

// podRule makes a rule over the pod specs of a Pod (created, or given
// ephemeral containers) or of a workload's template.
func podRule(f func(in *input, p PodSpec) string) func(in *input) verdict {
	return func(in *input) verdict {
		if !podResource(in.ref) || !slices.Contains(writes, in.ev.Verb) {
			return none
		}
		o := in.object()
		if o == nil {
			return verdict{judgeless: true}
		}
		for _, p := range o.Pods {
			if what := f(in, p); what != "" {
				return fire("%s %s %s %s with %s", who(in), in.ev.Verb, resourceName(in.ref), objectName(in.ref), what)
			}
		}
		return none
	}
}

var workloads = []string{"deployments", "daemonsets", "statefulsets", "replicasets", "jobs", "cronjobs", "replicationcontrollers", "podtemplates"}

func podResource(ref k8saudit.ObjectReference) bool {
	switch {
	case ref.Resource == "pods":
		return ref.Subresource == "" || ref.Subresource == "ephemeralcontainers"
	case slices.Contains(workloads, ref.Resource):
		return ref.Subresource == ""
	}
	return false
}

// sensitiveHostPaths are the host paths a pod must not mount: matched at
// path segment boundaries, "/" itself only.
var sensitiveHostPaths = []string{
	"/", "/etc", "/proc", "/root", "/var/lib/kubelet", "/etc/kubernetes",
	"/var/run/docker.sock", "/run/docker.sock", "/var/run/containerd", "/run/containerd",
	"/var/run/crio", "/run/crio", "/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock",
}

// sensitivePath is the sensitive path p is or lies under (under true), or
// else one it holds (under false: /var/run holds /var/run/docker.sock);
// "" when none.
func sensitivePath(p string) (s string, under bool) {
	clean := path.Clean("/" + p) // relative and dotted paths cannot slip by
	best := ""                   // the most specific sensitive path holding clean
	for _, s := range sensitiveHostPaths {
		if (clean == s || s != "/" && strings.HasPrefix(clean, s+"/")) && len(s) > len(best) {
			best = s
		}
	}
	if best != "" {
		return best, true
	}
	for _, s := range sensitiveHostPaths {
		if strings.HasPrefix(s, clean+"/") { // clean is not "/": that matched above
			return s, false
		}
	}
	return "", false
}

func healthEndpoint(uri string) bool {
	p, _, _ := strings.Cut(uri, "?")
	for _, h := range []string{"/healthz", "/livez", "/readyz", "/version"} {
		if p == h || strings.HasPrefix(p, h+"/") {
			return true
		}
	}
	return false
}

func who(in *input) string {
	u := in.ev.User.Username
	if u == "" {
		u = "an unnamed user"
	}
	if im := in.ev.ImpersonatedUser; im != nil && im.Username != "" {
		u += " (as " + im.Username + ")"
	}
	return u
}

func objectName(ref k8saudit.ObjectReference) string {
	switch {
	case ref.Namespace != "" && ref.Name != "":
		return ref.Namespace + "/" + ref.Name
	case ref.Name != "":
		return ref.Name
	case ref.Namespace != "":
		return "in " + ref.Namespace
	}
	return "in all namespaces"
}

func resourceName(ref k8saudit.ObjectReference) string {
	if ref.Subresource != "" {
		return ref.Resource + "/" + ref.Subresource
	}
	return ref.Resource
}

func uriOrObject(in *input) string {
	if in.ev.RequestURI != "" {
		return in.ev.RequestURI
	}
	if in.ref.Resource == "" {
		return "(no URI)"
	}
	return resourceName(in.ref) + " " + objectName(in.ref)
}

func singular(resource string) string { return strings.TrimSuffix(resource, "s") }

func codeNote(ev *k8saudit.Event) string {
	if ev.ResponseCode == nil {
		return ""
	}
	return fmt.Sprintf(" (HTTP %d)", *ev.ResponseCode)
}
