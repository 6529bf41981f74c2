package k8saudit

import (
	"encoding/json"
	"strings"

	"github.com/hss-tf/terraform-provider-hss/internal/jsonspan"
)

// Redacted is what replaces a secret value in redacted content: a JSON
// string, so the content stays valid JSON and keeps its shape.
const Redacted = `"[redacted]"`

// lastApplied is the annotation kubectl apply writes: the whole object, a
// Secret's data included, as JSON inside a JSON string.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// Redact returns content with the secret material of its request and
// response bodies replaced by Redacted: the data, stringData and
// binaryData of Secrets (in objects, lists, patches, and the
// last-applied-configuration annotation), a TokenReview's spec.token and a
// TokenRequest's status.token. What makes a body secret is the request
// (objectRef: secrets, tokenreviews, serviceaccounts/token) and the kind
// of any object in it (Secret, SecretList, TokenReview, TokenRequest),
// wherever it is nested.
//
// Only the secret values change: every other byte is as the service sent
// it (the values are replaced in the original text, which is never
// re-marshalled), and content that holds no such material, or is not a
// JSON object (free text), is returned as is. changed says whether a
// value was replaced.
func Redact(content string) (out string, changed bool) {
	if !mayHoldSecrets(content) {
		return content, false
	}
	root, err := jsonspan.Parse(content)
	if err != nil {
		// Named secrets, and not JSON that can be read (truncated, nested
		// past the bound): nothing in it can be told safe, so none of it
		// is kept.
		return Redacted, true
	}
	if root.Kind != jsonspan.Object {
		return content, false
	}
	r := redactor{src: content}
	resource, subresource := "", ""
	for _, ref := range root.Members("objectRef") {
		for _, v := range ref.Members("resource") {
			resource, _ = v.Str(content)
		}
		for _, v := range ref.Members("subresource") {
			subresource, _ = v.Str(content)
		}
	}
	for _, name := range []string{"requestObject", "responseObject"} {
		for _, body := range root.Members(name) {
			r.body(body, resource, subresource)
		}
	}
	if len(r.edits) == 0 {
		return content, false
	}
	return jsonspan.Apply(content, r.edits), true
}

// mayHoldSecrets is a cheap first look: content that names none of the
// kinds or resources concerned, and escapes no letter that could hide a
// name, holds none of their bodies.
func mayHoldSecrets(c string) bool {
	if !strings.Contains(c, "Object") && !strings.Contains(c, `\u00`) {
		return false // no requestObject, no responseObject
	}
	for _, w := range []string{"ecret", "TokenReview", "tokenreviews", "TokenRequest", "serviceaccounts", `\u00`} {
		if strings.Contains(c, w) {
			return true
		}
	}
	return false
}

type redactor struct {
	src   string
	edits []jsonspan.Edit
}

func (r *redactor) replace(n *jsonspan.Node) {
	r.edits = append(r.edits, jsonspan.Edit{Start: n.Start, End: n.End, Text: Redacted})
}

// body redacts a request or response body of a request about resource.
func (r *redactor) body(n *jsonspan.Node, resource, subresource string) {
	switch {
	case resource == "secrets":
		switch n.Kind {
		case jsonspan.Array: // a JSON patch: any operation's value may be secret
			for _, op := range n.Kids {
				for _, v := range op.Members("value") {
					r.replace(v)
				}
			}
		case jsonspan.Object:
			// A Secret, or a patch of one, whatever kind it claims; a
			// DeleteOptions or a Status has no data to redact.
			r.secret(n)
		}
	case resource == "tokenreviews":
		r.path(n, "spec", "token")
		r.path(n, "status", "token")
	case resource == "serviceaccounts" && subresource == "token":
		r.path(n, "status", "token")
	}
	r.objects(n, 0)
}

// objects redacts the objects of the kinds concerned wherever they are
// nested in n (a List's items, a watch event's object).
func (r *redactor) objects(n *jsonspan.Node, depth int) {
	if depth > jsonspan.MaxDepth {
		return
	}
	if n.Kind == jsonspan.Object {
		// Any object's last-applied configuration may be a Secret's, as
		// the PartialObjectMetadata rows of `kubectl get secrets` are.
		for _, meta := range n.Members("metadata") {
			for _, ann := range meta.Members("annotations") {
				for _, a := range ann.Members(lastApplied) {
					r.lastApplied(a, false)
				}
			}
		}
		switch r.kind(n) {
		case "Secret":
			r.secret(n)
		case "SecretList":
			for _, items := range n.Members("items") {
				for _, it := range items.Kids {
					r.secret(it)
				}
			}
		case "TokenReview":
			r.path(n, "spec", "token")
			r.path(n, "status", "token")
		case "TokenRequest":
			r.path(n, "status", "token")
		}
	}
	for _, k := range n.Kids {
		r.objects(k, depth+1)
	}
}

// kind is an object's "kind" member, "" when it has none.
func (r *redactor) kind(n *jsonspan.Node) string {
	kind := ""
	for _, v := range n.Members("kind") {
		if s, ok := v.Str(r.src); ok {
			kind = s
		}
	}
	return kind
}

// path redacts the value at the member path under n.
func (r *redactor) path(n *jsonspan.Node, names ...string) {
	nodes := []*jsonspan.Node{n}
	for _, name := range names {
		var next []*jsonspan.Node
		for _, m := range nodes {
			next = append(next, m.Members(name)...)
		}
		nodes = next
	}
	for _, v := range nodes {
		r.replace(v)
	}
}

// secret redacts a Secret (or a patch of one): each value of data,
// stringData and binaryData, keeping the keys, and the same inside its
// last-applied-configuration annotation.
func (r *redactor) secret(n *jsonspan.Node) {
	if n.Kind != jsonspan.Object {
		return
	}
	for _, field := range []string{"data", "stringData", "binaryData"} {
		for _, v := range n.Members(field) {
			if v.Kind != jsonspan.Object {
				if v.Kind != jsonspan.Null {
					r.replace(v)
				}
				continue
			}
			for _, val := range v.Kids {
				r.replace(val)
			}
		}
	}
	for _, meta := range n.Members("metadata") {
		for _, ann := range meta.Members("annotations") {
			for _, a := range ann.Members(lastApplied) {
				r.lastApplied(a, true)
			}
		}
	}
}

// lastApplied redacts the Secret written as JSON inside the annotation's
// string: that string is replaced by the same JSON with its secret values
// redacted (its own bytes re-quoted; the rest of the content untouched),
// or by Redacted whole when it does not parse.
func (r *redactor) lastApplied(a *jsonspan.Node, secret bool) {
	inner, ok := a.Str(r.src)
	if !ok {
		if a.Kind != jsonspan.Null {
			r.replace(a)
		}
		return
	}
	root, err := jsonspan.Parse(inner)
	if err != nil {
		r.replace(a)
		return
	}
	sub := redactor{src: inner}
	if secret {
		sub.secret(root) // the annotation of a Secret: its data, whatever the inner kind says
	}
	sub.objects(root, 0) // a Secret written there, whoever holds the annotation
	if len(sub.edits) == 0 {
		return
	}
	quoted, err := json.Marshal(jsonspan.Apply(inner, sub.edits))
	if err != nil {
		r.replace(a)
		return
	}
	r.edits = append(r.edits, jsonspan.Edit{Start: a.Start, End: a.End, Text: string(quoted)})
}
