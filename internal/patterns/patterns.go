// Package patterns matches names against values that are exact, or
// prefixes when they end in "*" ("prod-*", "system:serviceaccount:*"; "*"
// alone matches anything): the one form of wildcard the data sources'
// user, namespace, group and image arguments take.
package patterns

import (
	"slices"
	"strings"
)

// Set is a set of values. The zero Set matches nothing.
type Set struct {
	exact    map[string]bool
	prefixes []string
	given    bool
}

// New builds a Set of vs.
func New(vs ...string) Set {
	p := Set{given: len(vs) > 0}
	for _, v := range vs {
		if prefix, ok := strings.CutSuffix(v, "*"); ok {
			p.prefixes = append(p.prefixes, prefix)
			continue
		}
		if p.exact == nil {
			p.exact = map[string]bool{}
		}
		p.exact[v] = true
	}
	slices.Sort(p.prefixes)
	return p
}

// Empty says whether the Set was given no value.
func (p Set) Empty() bool { return !p.given }

// Match says whether s is one of the values, or has one of the prefixes.
func (p Set) Match(s string) bool {
	if p.exact[s] {
		return true
	}
	for _, pre := range p.prefixes {
		if strings.HasPrefix(s, pre) {
			return true
		}
	}
	return false
}

// MatchAny says whether any of ss matches.
func (p Set) MatchAny(ss []string) bool {
	for _, s := range ss {
		if p.Match(s) {
			return true
		}
	}
	return false
}

// Values are the values the Set was built of, prefixes with their "*".
func (p Set) Values() []string {
	out := make([]string, 0, len(p.exact)+len(p.prefixes))
	for v := range p.exact {
		out = append(out, v)
	}
	for _, pre := range p.prefixes {
		out = append(out, pre+"*")
	}
	return out
}
