package auditlogs

import (
	"slices"
	"strconv"
	"strings"

	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
	"github.com/hss-tf/terraform-provider-hss/internal/patterns"
)

// decisionAnnotation is where the API server writes the authorizer's
// decision ("allow", "forbid").
const decisionAnnotation = "authorization.k8s.io/decision"

// filterSpec narrows records by their parsed event, after paging: the API
// has no such filters. A record whose content is not an audit event never
// matches a filter. Every criterion given must hold; within one, any value.
type filterSpec struct {
	usernames, excludeUsernames   patterns.Set
	namespaces, excludeNamespaces patterns.Set
	userGroups                    patterns.Set
	resources                     map[string]bool // "secrets", or "pods/exec" for a subresource
	verbs, stages, decisions      map[string]bool
	responseCodes                 map[int64]bool
}

func (f *filterSpec) match(ev *k8saudit.Event) bool {
	if f == nil {
		return true
	}
	if ev == nil {
		return false
	}
	user := ev.User.Username
	var ref k8saudit.ObjectReference
	if ev.ObjectRef != nil {
		ref = *ev.ObjectRef
	}
	switch {
	case !f.usernames.Empty() && !f.usernames.Match(user),
		f.excludeUsernames.Match(user),
		!f.userGroups.Empty() && !f.userGroups.MatchAny(ev.User.Groups),
		!f.namespaces.Empty() && !f.namespaces.Match(ref.Namespace),
		f.excludeNamespaces.Match(ref.Namespace),
		len(f.verbs) > 0 && !f.verbs[ev.Verb],
		len(f.stages) > 0 && !f.stages[ev.Stage],
		len(f.decisions) > 0 && !f.decisions[ev.Annotations[decisionAnnotation]],
		len(f.responseCodes) > 0 && (ev.ResponseCode == nil || !f.responseCodes[*ev.ResponseCode]):
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
	codes := make([]string, 0, len(f.responseCodes))
	for c := range f.responseCodes {
		codes = append(codes, strconv.FormatInt(c, 10))
	}
	var parts []string
	for _, s := range []struct {
		name string
		vals []string
	}{
		{"u", f.usernames.Values()}, {"x", f.excludeUsernames.Values()}, {"n", f.namespaces.Values()},
		{"xn", f.excludeNamespaces.Values()}, {"g", f.userGroups.Values()}, {"r", keys(f.resources)},
		{"v", keys(f.verbs)}, {"s", keys(f.stages)}, {"d", keys(f.decisions)}, {"c", codes},
	} {
		slices.Sort(s.vals)
		parts = append(parts, s.name+"="+strings.Join(quoteAll(s.vals), ","))
	}
	return strings.Join(parts, ";")
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func quoteAll(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strconv.Quote(v)
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
