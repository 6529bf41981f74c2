package patterns

import (
	"slices"
	"testing"
)

func TestSet(t *testing.T) {
	p := New("carol", "system:serviceaccount:ci:*", "prod-*")
	for s, want := range map[string]bool{
		"carol": true, "carol2": false, "system:serviceaccount:ci:deployer": true, "system:serviceaccount:cicd:x": false,
		"prod-": true, "prod-eu": true, "prod": false, "": false,
	} {
		if got := p.Match(s); got != want {
			t.Errorf("Match(%q) = %v, want %v", s, got, want)
		}
	}
	if !p.MatchAny([]string{"x", "prod-1"}) || p.MatchAny([]string{"x"}) || p.MatchAny(nil) {
		t.Error("MatchAny")
	}
	if p.Empty() || !New().Empty() || !(Set{}).Empty() {
		t.Error("Empty")
	}
	if New().Match("") || (Set{}).Match("x") || !New("*").Match("anyone") {
		t.Error("the empty set matches something, or * does not match all")
	}
	got := p.Values()
	slices.Sort(got)
	if want := []string{"carol", "prod-*", "system:serviceaccount:ci:*"}; !slices.Equal(got, want) {
		t.Errorf("Values %v, want %v", got, want)
	}
}
