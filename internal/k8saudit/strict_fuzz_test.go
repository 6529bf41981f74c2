package k8saudit

import (
	"encoding/json"
	"testing"
)

// FuzzStrictCheck holds the strict check to encoding/json: what it takes
// for one well-formed event is valid JSON with the event's kind and
// apiVersion, and whatever encoding/json refuses it refuses too.
func FuzzStrictCheck(f *testing.F) {
	for _, s := range []string{
		createSecret, deleteSecret, patchSecret, execPod, anonymous, impersonation, v1beta1, bare,
		`{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","Verb":"list"}`,
		`{"kind":"Event","apiVersion":"audit\u002ek8s.io/v1"}`, `{"a":1e5,"b":[true,false,null],"c":-0.5}`, `{}`, `{"x":"\ud800"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		_, strict, _ := strictCheck(content)
		valid := json.Valid([]byte(content))
		if strict && !valid {
			t.Fatalf("strict, yet encoding/json refuses %q", content)
		}
		if !strict {
			return
		}
		var w struct {
			Kind       string `json:"kind"`
			APIVersion string `json:"apiVersion"`
		}
		if err := json.Unmarshal([]byte(content), &w); err != nil || w.Kind != "Event" ||
			(w.APIVersion != "audit.k8s.io/v1" && w.APIVersion != "audit.k8s.io/v1beta1") {
			t.Fatalf("strict, yet encoding/json reads kind %q apiVersion %q (%v) in %q", w.Kind, w.APIVersion, err, content)
		}
	})
}
