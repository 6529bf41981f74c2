package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// TestDemo plans the demo configuration, and through it the compliance
// module, end to end: the real Terraform CLI, the provider binary built
// from this tree, the stand-in with its seeded violation.
func TestDemo(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to plan the demo with the Terraform CLI")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		tf = "terraform"
	}
	if v := cliVersion(t, tf); !atLeast(v, 1, 8) {
		t.Skipf("requires Terraform 1.8 (the module uses provider functions); %s is %s", tf, v)
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "terraform-provider-hss"), ".")
	build.Dir = "../../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	plan := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), options{
			providerDir: bin, configDir: "../../../examples/demo", terraform: tf,
			planArgs: append([]string{"-no-color"}, args...), stdout: &out, stderr: &out,
		})
		return out.String(), err
	}
	ws := func(s string) *regexp.Regexp { // the CLI wraps long lines
		return regexp.MustCompile(regexp.MustCompile(` +`).ReplaceAllString(regexp.QuoteMeta(s), `\s+`))
	}

	t.Run("violation warns", func(t *testing.T) {
		out, err := plan()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		for _, want := range []string{
			"Check block assertion failed",
			"2 finding(s) in cluster prod-cce (6f1e4c2a-93b7-4d0e-8a5c-7b2f19d3e460)",
			"secret_access: alice@example.com delete secret production/db-password",
			"pod_exec: carol@example.com exec into pod staging/web-7f9c8d6b5-qm2lz",
		} {
			if !ws(want).MatchString(out) {
				t.Errorf("the plan lacks %q:\n%s", want, out)
			}
		}
		// The CI robot is allowed; its deletions are not reported.
		if strings.Contains(out, "system:serviceaccount:ci:deployer delete") {
			t.Errorf("an allowed principal is reported:\n%s", out)
		}
	})

	t.Run("enforced violation fails", func(t *testing.T) {
		out, err := plan("-var", "enforce=true")
		if err == nil || !ws("Resource postcondition failed").MatchString(out) || !ws("secret_access: alice@example.com delete secret production/db-password").MatchString(out) ||
			strings.Contains(out, "Check block assertion failed") {
			t.Fatalf("err %v\n%s", err, out)
		}
	})

	t.Run("the fleet is listed", func(t *testing.T) {
		out, _ := plan()
		for _, want := range []string{`"prod-cce (cce, Available)"`, `"legacy-aws (aws, Unavailable)"`, `"dev-k8s (k8s, Available)"`, `"sec-lab (k8s, Available)"`} {
			if !strings.Contains(out, want) {
				t.Errorf("the plan lacks %s:\n%s", want, out)
			}
		}
	})

	// The fleet module guards every listed cluster of the types asked,
	// each with its own read, and refuses a cluster the list lacks.
	t.Run("fleet", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.CopyFS(filepath.Join(dir, "modules"), os.DirFS("../../../examples/modules")); err != nil {
			t.Fatal(err)
		}
		cfg := filepath.Join(dir, "fleet")
		if err := os.MkdirAll(cfg, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cfg, "main.tf"), []byte(fleetConfig), 0o600); err != nil {
			t.Fatal(err)
		}
		planFleet := func(args ...string) (string, error) {
			var out bytes.Buffer
			err := run(context.Background(), options{
				providerDir: bin, configDir: cfg, terraform: tf,
				planArgs: append([]string{"-no-color"}, args...), stdout: &out, stderr: &out,
			})
			return out.String(), err
		}
		out, err := planFleet()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		for _, want := range []string{
			`name   = "prod-cce"`, `name   = "idc-k8s"`, // guarded: of the types asked, Available
			"2 finding(s) in cluster prod-cce (6f1e4c2a-93b7-4d0e-8a5c-7b2f19d3e460)",
			"module.fleet.module.guard[\"c3a9e5d1-2b48-4f6c-9e07-51d8a6b4f2c9\"].data.hss_cluster_audit_findings.window: Read complete",
		} {
			if !ws(want).MatchString(out) {
				t.Errorf("the fleet's plan lacks %q:\n%s", want, out)
			}
		}
		for _, not := range []string{"legacy-aws", "staging-ali", "dev-k8s", "sec-lab"} {
			if strings.Contains(out, `name   = "`+not+`"`) {
				t.Errorf("%s is guarded though not of the types asked, or not Available", not)
			}
		}
		out, err = planFleet("-var", `cluster_ids=["6f1e4c2a-93b7-4d0e-8a5c-7b2f19d3e460","6f1e4c2a-0000-0000-0000-mistyped"]`)
		if err == nil || !ws("The project lists no cluster with ID 6f1e4c2a-0000-0000-0000-mistyped").MatchString(out) {
			t.Fatalf("a mistyped cluster id: err %v\n%s", err, out)
		}
		// Named, an Unavailable AWS cluster is guarded all the same.
		out, err = planFleet("-var", `cluster_ids=["`+standin.SeedAWSClusterID+`"]`)
		if err != nil || !strings.Contains(out, `name   = "legacy-aws"`) {
			t.Fatalf("a cluster named by id: err %v\n%s", err, out)
		}
		// A fleet the filters leave empty fails: a gate that looked at nothing.
		out, err = planFleet("-var", "name_prefix=no-such-cluster-")
		if err == nil || !ws("No cluster to guard").MatchString(out) {
			t.Fatalf("an empty fleet: err %v\n%s", err, out)
		}
	})

	// The guard fails closed: a window it cannot read fails the plan, even
	// without enforce (a check-scoped data source would only warn).
	t.Run("unreadable window fails", func(t *testing.T) {
		out, err := plan("-var", "hss_endpoint=http://127.0.0.1:1")
		if err == nil || !ws("with module.guard.data.hss_cluster_audit_findings.window").MatchString(out) {
			t.Fatalf("a plan whose window cannot be read: err %v\n%s", err, out)
		}
	})

	t.Run("no violation", func(t *testing.T) {
		out, err := plan("-var", `allowed_usernames=["system:serviceaccount:ci:deployer","alice@example.com","carol@example.com"]`, "-var", "enforce=true")
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if strings.Contains(out, "Check block assertion failed") || !strings.Contains(out, `findings     = ""`) {
			t.Fatalf("unexpected plan:\n%s", out)
		}
	})
}

// fleetConfig guards the stand-in's CCE and IDC clusters with the fleet
// module (hss-demo sets hss_endpoint and cluster_id).
const fleetConfig = `
terraform {
  required_providers {
    hss = { source = "hss-tf/hss" }
  }
}

variable "hss_endpoint" { type = string }
variable "cluster_id" { type = string }
variable "cluster_ids" {
  type    = list(string)
  default = []
}
variable "name_prefix" {
  type    = string
  default = ""
}

provider "hss" {
  endpoints = { hss = var.hss_endpoint }
}

module "fleet" {
  source            = "../modules/k8s-audit-fleet"
  cluster_types     = ["cce", "self_built_idc"]
  cluster_ids       = var.cluster_ids
  name_prefix       = var.name_prefix
  allowed_usernames = ["system:serviceaccount:ci:deployer"]
}

output "guarded" {
  value = module.fleet.clusters
}
`

// cliVersion is the version the CLI reports, e.g. "1.11.4".
func cliVersion(t *testing.T, tf string) string {
	t.Helper()
	out, err := exec.Command(tf, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version: %v", tf, err)
	}
	var v struct {
		Terraform string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	return v.Terraform
}

func atLeast(version string, major, minor int) bool {
	var ma, mi int
	if _, err := fmt.Sscanf(version, "%d.%d", &ma, &mi); err != nil {
		return false
	}
	return ma > major || (ma == major && mi >= minor)
}
