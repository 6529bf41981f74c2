// Package findings evaluates detection rules over Kubernetes audit events:
// the catalogue (rules.go), what the rules read of request and response
// bodies (this file), and the engine that streams a window's records
// through them (engine.go). It knows nothing of Terraform or HTTP.
package findings

import (
	"encoding/json"
	"errors"
	"strings"
)

// Bodies are an event's request and response objects, as far as the rules
// read them: kinds, names, role references and rules, and pod specs. No
// field that can carry secret material (data, tokens, env values,
// annotations) is decoded, so none can reach a finding.
type Bodies struct {
	Request, Response *Object
}

// Object is one body.
type Object struct {
	Kind      string
	Name      string
	Namespace string
	RoleRef   *RoleRef
	Rules     []PolicyRule
	Pods      []PodSpec // a Pod's spec, a workload's pod template, a patch's
	Patch     bool      // a JSON patch (a list of operations), which the rules cannot read
}

// RoleRef is a binding's role.
type RoleRef struct{ Kind, Name string }

// PolicyRule is one rule of a Role or ClusterRole.
type PolicyRule struct{ Verbs, Resources []string }

// PodSpec is what the pod rules read of a pod spec.
type PodSpec struct {
	HostNetwork, HostPID, HostIPC bool
	Containers                    []Container // containers, init and ephemeral containers
	HostPaths                     []string
}

// Container is one container of a pod spec.
type Container struct {
	Name, Image string
	Privileged  bool
}

type wireBodies struct {
	RequestObject  json.RawMessage `json:"requestObject"`
	ResponseObject json.RawMessage `json:"responseObject"`
}

type wireObject struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	RoleRef *struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
	} `json:"roleRef"`
	Rules []struct {
		Verbs     []string `json:"verbs"`
		Resources []string `json:"resources"`
	} `json:"rules"`
	Spec     *wireTopSpec  `json:"spec"`
	Template *wireTemplate `json:"template"` // a PodTemplate's
}

// wireTopSpec is an object's spec: a pod's, or one holding a template.
type wireTopSpec struct {
	wirePodSpec
	Template    *wireTemplate `json:"template"`
	JobTemplate *struct {
		Spec *struct {
			Template *wireTemplate `json:"template"`
		} `json:"spec"`
	} `json:"jobTemplate"`
}

type wireTemplate struct {
	Spec *wirePodSpec `json:"spec"`
}

type wirePodSpec struct {
	HostNetwork         bool            `json:"hostNetwork"`
	HostPID             bool            `json:"hostPID"`
	HostIPC             bool            `json:"hostIPC"`
	Containers          []wireContainer `json:"containers"`
	InitContainers      []wireContainer `json:"initContainers"`
	EphemeralContainers []wireContainer `json:"ephemeralContainers"`
	Volumes             []struct {
		HostPath *struct {
			Path string `json:"path"`
		} `json:"hostPath"`
	} `json:"volumes"`
}

type wireContainer struct {
	Name            string `json:"name"`
	Image           string `json:"image"`
	SecurityContext *struct {
		Privileged *bool `json:"privileged"`
	} `json:"securityContext"`
}

// ParseBodies reads the bodies of an event's content; nil for content
// that is not a JSON object. A body of an unexpected shape is a body the
// rules cannot read, not an error.
func ParseBodies(content string) *Bodies {
	if !strings.Contains(content, "Object") && !strings.Contains(content, `\u`) {
		return &Bodies{} // no requestObject, no responseObject, nor a key escaped to hide one
	}
	var w wireBodies
	if json.Unmarshal([]byte(content), &w) != nil {
		return nil
	}
	return &Bodies{Request: parseObject(w.RequestObject), Response: parseObject(w.ResponseObject)}
}

func parseObject(raw json.RawMessage) *Object {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "" || s == "null":
		return nil
	case strings.HasPrefix(s, "["):
		return &Object{Patch: true}
	}
	var w wireObject
	if err := json.Unmarshal(raw, &w); err != nil {
		// A field of an unexpected type (a patch may carry any JSON the
		// server then ignores) loses that field, never the rest: encoding/json
		// decodes all it can before it reports the mismatch.
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) {
			return &Object{} // a body, of a shape no rule reads
		}
	}
	o := &Object{Kind: w.Kind, Name: w.Metadata.Name, Namespace: w.Metadata.Namespace}
	if w.RoleRef != nil {
		o.RoleRef = &RoleRef{Kind: w.RoleRef.Kind, Name: w.RoleRef.Name}
	}
	for _, r := range w.Rules {
		o.Rules = append(o.Rules, PolicyRule{Verbs: r.Verbs, Resources: r.Resources})
	}
	if t := w.Template; t != nil && t.Spec != nil {
		if p, ok := podSpec(t.Spec); ok {
			o.Pods = append(o.Pods, p)
		}
	}
	if sp := w.Spec; sp != nil {
		if p, ok := podSpec(&sp.wirePodSpec); ok {
			o.Pods = append(o.Pods, p)
		}
		if t := sp.Template; t != nil && t.Spec != nil {
			if p, ok := podSpec(t.Spec); ok {
				o.Pods = append(o.Pods, p)
			}
		}
		if j := sp.JobTemplate; j != nil && j.Spec != nil && j.Spec.Template != nil && j.Spec.Template.Spec != nil {
			if p, ok := podSpec(j.Spec.Template.Spec); ok {
				o.Pods = append(o.Pods, p)
			}
		}
	}
	return o
}

// podSpec is what a spec holds of a pod; ok is false when it holds
// nothing of one (a Deployment's own spec, beside its template).
func podSpec(w *wirePodSpec) (PodSpec, bool) {
	p := PodSpec{HostNetwork: w.HostNetwork, HostPID: w.HostPID, HostIPC: w.HostIPC}
	for _, list := range [][]wireContainer{w.Containers, w.InitContainers, w.EphemeralContainers} {
		for _, c := range list {
			priv := c.SecurityContext != nil && c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged
			p.Containers = append(p.Containers, Container{Name: c.Name, Image: c.Image, Privileged: priv})
		}
	}
	for _, v := range w.Volumes {
		if v.HostPath != nil {
			p.HostPaths = append(p.HostPaths, v.HostPath.Path)
		}
	}
	ok := len(p.Containers) > 0 || len(p.HostPaths) > 0 || p.HostNetwork || p.HostPID || p.HostIPC
	return p, ok
}
