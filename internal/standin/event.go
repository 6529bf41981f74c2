package standin

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// auditEvent is the subset of a Kubernetes audit.k8s.io/v1 Event the seed
// data carries, in the field order the API server writes.
type auditEvent struct {
	Kind                     string            `json:"kind"`
	APIVersion               string            `json:"apiVersion"`
	Level                    string            `json:"level"`
	AuditID                  string            `json:"auditID"`
	Stage                    string            `json:"stage"`
	RequestURI               string            `json:"requestURI"`
	Verb                     string            `json:"verb"`
	User                     auditUser         `json:"user"`
	SourceIPs                []string          `json:"sourceIPs"`
	UserAgent                string            `json:"userAgent"`
	ObjectRef                auditObjectRef    `json:"objectRef"`
	ResponseStatus           auditStatus       `json:"responseStatus"`
	RequestReceivedTimestamp string            `json:"requestReceivedTimestamp"`
	StageTimestamp           string            `json:"stageTimestamp"`
	Annotations              map[string]string `json:"annotations"`
}

type auditUser struct {
	Username string   `json:"username"`
	UID      string   `json:"uid"`
	Groups   []string `json:"groups"`
}

type auditObjectRef struct {
	Resource    string `json:"resource"`
	Namespace   string `json:"namespace,omitempty"`
	Name        string `json:"name,omitempty"`
	APIGroup    string `json:"apiGroup,omitempty"`
	APIVersion  string `json:"apiVersion"`
	Subresource string `json:"subresource,omitempty"`
}

type auditStatus struct {
	Metadata struct{} `json:"metadata"`
	Code     int      `json:"code"`
}

// actor is a user as the audit log shows it.
type actor struct {
	name, uid string
	groups    []string
	agent, ip string
}

// action is what an actor did: verb on resource[/subresource] ns/name.
type action struct {
	verb, resource, sub, ns, name string
}

const microRFC3339 = "2006-01-02T15:04:05.000000Z"

// apiGroupOf gives the group a resource lives in; every seed resource is
// at version v1 of its group.
func apiGroupOf(resource string) string {
	switch resource {
	case "deployments", "replicasets", "statefulsets", "daemonsets":
		return "apps"
	case "ingresses", "networkpolicies":
		return "networking.k8s.io"
	case "rolebindings", "clusterrolebindings", "roles":
		return "rbac.authorization.k8s.io"
	}
	return ""
}

// requestURI builds the URI kube-apiserver records for the action.
func (a action) requestURI() string {
	group, version := apiGroupOf(a.resource), "v1"
	var b strings.Builder
	if group == "" {
		b.WriteString("/api/" + version)
	} else {
		b.WriteString("/apis/" + group + "/" + version)
	}
	if a.ns != "" {
		b.WriteString("/namespaces/" + a.ns)
	}
	b.WriteString("/" + a.resource)
	if a.name != "" {
		b.WriteString("/" + a.name)
	}
	if a.sub != "" {
		b.WriteString("/" + a.sub)
	}
	switch {
	case a.sub == "exec":
		b.WriteString("?command=sh&container=app&stdin=true&stdout=true&tty=true")
	case a.verb == "list":
		b.WriteString("?limit=500")
	case a.verb == "watch":
		b.WriteString("?allowWatchBookmarks=true&resourceVersion=0&watch=true")
	}
	return b.String()
}

func statusFor(a action) int {
	switch {
	case a.sub == "exec":
		return 101
	case a.verb == "create":
		return 201
	}
	return 200
}

// auditJSON renders a compact audit event that completed at t; seed makes
// the auditID deterministic.
func auditJSON(who actor, a action, t time.Time, seed string) string {
	group, version := apiGroupOf(a.resource), "v1"
	level := "RequestResponse"
	if a.resource == "secrets" || a.resource == "configmaps" {
		level = "Metadata" // the usual policy: never log secret bodies
	}
	ev := auditEvent{
		Kind: "Event", APIVersion: "audit.k8s.io/v1", Level: level,
		AuditID: uuidFrom(seed), Stage: "ResponseComplete",
		RequestURI: a.requestURI(), Verb: a.verb,
		User:      auditUser{Username: who.name, UID: who.uid, Groups: who.groups},
		SourceIPs: []string{who.ip}, UserAgent: who.agent,
		ObjectRef: auditObjectRef{Resource: a.resource, Namespace: a.ns, Name: a.name,
			APIGroup: group, APIVersion: version, Subresource: a.sub},
		ResponseStatus:           auditStatus{Code: statusFor(a)},
		RequestReceivedTimestamp: t.Add(-7 * time.Millisecond).UTC().Format(microRFC3339),
		StageTimestamp:           t.UTC().Format(microRFC3339),
		Annotations: map[string]string{
			"authorization.k8s.io/decision": "allow",
			"authorization.k8s.io/reason":   reasonFor(who),
		},
	}
	out, err := json.Marshal(ev)
	if err != nil {
		panic(err) // static types only: cannot happen
	}
	return string(out)
}

func reasonFor(who actor) string {
	switch {
	case strings.HasPrefix(who.name, "system:serviceaccount:ci:"):
		return `RBAC: allowed by RoleBinding "ci-deployer/production" of ClusterRole "edit" to ServiceAccount "deployer/ci"`
	case strings.HasPrefix(who.name, "system:"):
		return `RBAC: allowed by ClusterRoleBinding "system:controller" of ClusterRole "system:controller" to User "` + who.name + `"`
	}
	return `RBAC: allowed by ClusterRoleBinding "cluster-admins" of ClusterRole "cluster-admin" to Group "ops"`
}

// uuidFrom derives a stable UUID-shaped id from s.
func uuidFrom(s string) string {
	h := sha256.Sum256([]byte(s))
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
