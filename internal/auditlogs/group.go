package auditlogs

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
)

// GroupKeys are the keys group_by takes.
var GroupKeys = []string{"user", "verb", "resource", "namespace", "response_code", "source_ip", "user_agent", "stage", "cluster_type", "host_name"}

// groupKey is a record's value of one group_by key; "" where the record
// lacks the field (free text has no user).
func groupKey(key string, r *hss.Record, ev *k8saudit.Event) string {
	switch key {
	case "cluster_type":
		return r.ClusterType
	case "host_name":
		return r.HostName
	}
	if ev == nil {
		return ""
	}
	switch key {
	case "user":
		return ev.User.Username
	case "verb":
		return ev.Verb
	case "resource":
		if o := ev.ObjectRef; o != nil {
			if o.Subresource != "" {
				return o.Resource + "/" + o.Subresource
			}
			return o.Resource
		}
	case "namespace":
		if o := ev.ObjectRef; o != nil {
			return o.Namespace
		}
	case "response_code":
		if ev.ResponseCode != nil {
			return strconv.FormatInt(*ev.ResponseCode, 10)
		}
	case "source_ip":
		if len(ev.SourceIPs) > 0 {
			return ev.SourceIPs[0] // the client's; later ones are proxies'
		}
	case "user_agent":
		return ev.UserAgent
	case "stage":
		return ev.Stage
	}
	return ""
}

// group is one distinct key's count.
type group struct {
	keys        []string // group_by
	values      []string // by group_by position
	count       int64
	first, last int64 // epoch ms
}

// grouper counts records by the group_by keys. Its memory grows with the
// number of distinct keys, not with the window.
type grouper struct {
	keys   []string
	groups map[string]*group
	buf    []string
	sb     strings.Builder
}

func newGrouper(keys []string) *grouper {
	if len(keys) == 0 {
		return nil
	}
	return &grouper{keys: keys, groups: map[string]*group{}, buf: make([]string, len(keys))}
}

func (g *grouper) add(r *hss.Record, ev *k8saudit.Event) {
	g.sb.Reset()
	for i, k := range g.keys {
		v := groupKey(k, r, ev)
		g.buf[i] = v
		g.sb.WriteString(strconv.Itoa(len(v)))
		g.sb.WriteByte(':')
		g.sb.WriteString(v)
	}
	id := g.sb.String()
	gr, ok := g.groups[id]
	if !ok {
		gr = &group{keys: g.keys, values: slices.Clone(g.buf), first: r.Time, last: r.Time}
		g.groups[id] = gr
	}
	gr.count++
	gr.first, gr.last = min(gr.first, r.Time), max(gr.last, r.Time)
}

// sorted is the groups, the most frequent first, then by their values.
func (g *grouper) sorted() []*group {
	out := make([]*group, 0, len(g.groups))
	for _, gr := range g.groups {
		out = append(out, gr)
	}
	slices.SortFunc(out, func(a, b *group) int {
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		return slices.Compare(a.values, b.values)
	})
	return out
}
