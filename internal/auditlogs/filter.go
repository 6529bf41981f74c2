package auditlogs

import (
	"sort"
	"strings"

	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
)

// filterSpec narrows records by their parsed event, after paging: the API
// has no such filters. A record whose content is not an audit event never
// matches a filter.
type filterSpec struct {
	usernames        map[string]bool
	namespaces       map[string]bool
	resources        map[string]bool // "secrets", or "pods/exec" for a subresource
	excludeUsernames map[string]bool
}

func (f *filterSpec) match(ev *k8saudit.Event) bool {
	if f == nil {
		return true
	}
	if ev == nil {
		return false
	}
	user := ev.User.Username
	if len(f.usernames) > 0 && !f.usernames[user] {
		return false
	}
	if f.excludeUsernames[user] {
		return false
	}
	var ref k8saudit.ObjectReference
	if ev.ObjectRef != nil {
		ref = *ev.ObjectRef
	}
	if len(f.namespaces) > 0 && !f.namespaces[ref.Namespace] {
		return false
	}
	if len(f.resources) == 0 || f.resources[ref.Resource] {
		return true
	}
	return ref.Subresource != "" && f.resources[ref.Resource+"/"+ref.Subresource]
}

// key is a canonical text of the filter, for the data source's id.
func (f *filterSpec) key() string {
	if f == nil {
		return ""
	}
	var parts []string
	for _, s := range []struct {
		name string
		set  map[string]bool
	}{{"u", f.usernames}, {"n", f.namespaces}, {"r", f.resources}, {"x", f.excludeUsernames}} {
		vals := make([]string, 0, len(s.set))
		for v := range s.set {
			vals = append(vals, v)
		}
		sort.Strings(vals)
		parts = append(parts, s.name+"="+strings.Join(quoteAll(vals), ","))
	}
	return strings.Join(parts, ";")
}

func quoteAll(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = `"` + strings.ReplaceAll(v, `"`, `\"`) + `"`
	}
	return out
}

func setOf(vs []string) map[string]bool {
	if len(vs) == 0 {
		return nil
	}
	m := make(map[string]bool, len(vs))
	for _, v := range vs {
		m[v] = true
	}
	return m
}
