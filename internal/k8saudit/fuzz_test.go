package k8saudit

import (
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse: whatever the content, Parse does not panic, and an event it
// accepts has normalised timestamps and valid UTF-8 text, which Terraform
// needs.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		createSecret, deleteSecret, patchSecret, execPod, anonymous, impersonation, v1beta1, bare,
		"listImageTags failed, Method: GET Url=/v2/library/nginx/tags/list, Reason: 401",
		`{"kind":"Pod"}`, createSecret[:100],
		`{"kind":"Event","apiVersion":"audit.k8s.io/v1","user":"x","responseStatus":{"code":"200"},"annotations":{"n":1}}`,
		`{"kind":"Event","apiVersion":"audit.k8s.io/v1","stageTimestamp":"0000-01-01T00:00:00+01:00"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		ev, kind := Parse(content)
		if kind != IsEvent {
			if ev != nil {
				t.Fatalf("Parse() = %+v, %v; want nil", ev, kind)
			}
			return
		}
		if ev == nil {
			t.Fatal("Parse() = nil, true")
		}
		for _, ts := range []string{ev.RequestReceivedTimestamp, ev.StageTimestamp} {
			if ts == "" {
				continue
			}
			if _, err := time.Parse(time.RFC3339, ts); err != nil {
				t.Errorf("timestamp %q does not parse: %v", ts, err)
			}
		}
		for _, s := range eventTexts(ev) {
			if !utf8.ValidString(s) {
				t.Errorf("invalid UTF-8 in %q", s)
			}
		}
	})
}

// eventTexts lists every text of an event.
func eventTexts(ev *Event) []string {
	out := []string{ev.AuditID, ev.Stage, ev.Level, ev.Verb, ev.RequestURI, ev.UserAgent, ev.User.Username, ev.User.UID}
	out = append(out, ev.User.Groups...)
	out = append(out, ev.SourceIPs...)
	if u := ev.ImpersonatedUser; u != nil {
		out = append(append(out, u.Username, u.UID), u.Groups...)
	}
	if r := ev.ObjectRef; r != nil {
		out = append(out, r.Resource, r.Subresource, r.Namespace, r.Name, r.APIGroup, r.APIVersion)
	}
	for k, v := range ev.Annotations {
		out = append(out, k, v)
	}
	return out
}
