package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

func TestSecretSetRedacts(t *testing.T) {
	s := &secretSet{}
	s.add("AKIDEXAMPLE000000001", "short", "", "AKIDEXAMPLE000000001", "a-secret-key-of-forty-characters-000001")
	if got := s.values(); len(got) != 2 {
		t.Fatalf("values %q: short, empty and repeated values are not kept", got)
	}
	got := s.redact("key AKIDEXAMPLE000000001 signed with a-secret-key-of-forty-characters-000001; short stays")
	if want := "key *** signed with ***; short stays"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestRedactDiagnosticsKeepsSeverityAndPath(t *testing.T) {
	s := &secretSet{}
	s.add("AKIDEXAMPLE000000001")
	var in diag.Diagnostics
	in.AddAttributeError(path.Root("access_key"), "Bad AKIDEXAMPLE000000001", "the key AKIDEXAMPLE000000001 is unknown")
	in.AddWarning("Note", "nothing secret")
	out := redactDiagnostics(in, s.redact)
	if len(out) != 2 || out[0].Summary() != "Bad ***" || out[0].Detail() != "the key *** is unknown" || out[0].Severity() != diag.SeverityError {
		t.Fatalf("%v", out)
	}
	if wp, ok := out[0].(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(path.Root("access_key")) {
		t.Fatalf("path lost: %v", out[0])
	}
	if out[1].Severity() != diag.SeverityWarning || out[1].Detail() != "nothing secret" {
		t.Fatalf("%v", out[1])
	}
}
