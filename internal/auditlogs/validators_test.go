package auditlogs

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
)

func TestResourceHint(t *testing.T) {
	for v, want := range map[string]string{
		"secrets": "", "pods/exec": "", "widgets": "", "widgets.example.com": "", "certificates": "", "ingresses": "",
		"Secrets":       `is not lower case (did you mean "secrets"?)`,
		"Widgets":       "is not lower case",
		"secret":        `is a singular (did you mean "secrets"?)`,
		"pod/exec":      `is a singular (did you mean "pods/exec"?)`,
		"networkpolicy": `is a singular (did you mean "networkpolicies"?)`,
		"ingress":       `is a singular (did you mean "ingresses"?)`,
		"deployment":    `is a singular (did you mean "deployments"?)`,
	} {
		if got := resourceHint(v); got != want {
			t.Errorf("resourceHint(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestEpochSecondsWarning(t *testing.T) {
	p := path.Root("start_time")
	for v, warn := range map[int64]bool{
		1795400000: true, 1: true, secondsBound - 1: true,
		0: false, -5: false, secondsBound: false, 1795400000000: false, -62135596800000: false, // year 1, as Terraform 1.8 validates
	} {
		d, ok := epochSecondsWarning(p, v)
		if ok != warn {
			t.Errorf("%d: warned %v, want %v", v, ok, warn)
		}
		if ok && (!strings.Contains(d.Detail(), "epoch seconds") || !strings.Contains(d.Detail(), "multiply it by 1000")) {
			t.Errorf("%d: %s", v, d.Detail())
		}
	}
	if d, _ := epochSecondsWarning(p, 1795400000); !strings.Contains(d.Detail(), "2026-11-23") {
		t.Errorf("the seconds' date is not named: %s", d.Detail())
	}
}
