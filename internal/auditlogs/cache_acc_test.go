package auditlogs_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

const (
	cacheCluster = "12121212-aaaa-bbbb-cccc-000000000012"
	otherProject = "fedcba9876543210fedcba9876543210"
)

// Plans with cache_dir: the second plan of a settled window makes no call;
// one whose window reaches further back asks only for what it lacks; a
// damaged file is read again; other credentials and another project are
// never served from the directory. Every plan's records are the cold
// read's.
func TestAccClusterAuditLogs_cacheDir(t *testing.T) {
	// 600 records a second apart, the newest at t0 (settled: days ago).
	recs := standin.Generate(cacheCluster, "self_built_idc", 600, t0, false)
	s, url := acctest.StandIn(t, standin.Options{Records: recs, OtherProjects: map[string][]standin.Record{otherProject: recs}})
	dir := filepath.Join(t.TempDir(), "hss-cache")
	first := recs[0].Time
	// in is the records of [from, to], newest first, as the service lists them.
	in := func(from, to int64) []standin.Record {
		var out []standin.Record
		for _, r := range recs {
			if r.Time >= from && r.Time <= to {
				out = append(out, r)
			}
		}
		return out
	}
	block := func(auth, project string) string {
		return acctest.Variables + fmt.Sprintf(`
provider "hss" {
  region     = %q
  project_id = %q
  endpoints  = { hss = %q }
  cache_dir  = %q
  %s
}
`, acctest.Region, project, url, dir, auth)
	}
	keys := "access_key = var.hss_access_key\n  secret_key = var.hss_secret_key"
	temp := "access_key = var.hss_temp_access_key\n  secret_key = var.hss_temp_secret_key\n  security_token = var.hss_security_token"
	ds := func(from, to int64) string {
		return fmt.Sprintf(`
data "hss_cluster_audit_logs" "test" {
  cluster_id = %q
  start_time = %d
  end_time   = %d
}
`, cacheCluster, from, to)
	}
	// asked checks the windows the plan asked the service for (by their
	// start_time-end_time), whatever the number of runs in the step.
	asked := func(want ...string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			got := map[string]bool{}
			for _, r := range s.Requests() {
				got[r.Query.Get("start_time")+"-"+r.Query.Get("end_time")] = true
			}
			if len(got) != len(want) {
				return fmt.Errorf("windows asked for: %v, want %v", got, want)
			}
			for _, w := range want {
				if !got[w] {
					return fmt.Errorf("windows asked for: %v, want %v", got, want)
				}
			}
			return nil
		}
	}
	span := func(from, to int64) string { return fmt.Sprintf("%d-%d", from, to) }
	exact := func(from, to int64) []statecheck.StateCheck {
		want := in(from, to)
		return []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), everyRecord(want)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(int64(len(want)))),
		}
	}
	mid := first + 300*1000 // the 301st record's time
	end := t0.UnixMilli()
	damage := func() {
		s.Reset()
		files, _ := filepath.Glob(filepath.Join(dir, "*.span.gz"))
		if len(files) == 0 {
			t.Fatal("no span file to damage")
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f, b[:len(b)/2], 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// Cold: the window is read, and kept.
			PreConfig: s.Reset, Config: block(keys, acctest.ProjectID) + ds(mid, end),
			ConfigStateChecks: exact(mid, end), Check: asked(span(mid, end)),
		}, {
			// The same settled window again: no call.
			PreConfig: s.Reset, Config: block(keys, acctest.ProjectID) + ds(mid, end),
			ConfigStateChecks: exact(mid, end), Check: asked(),
		}, {
			// Reaching back to the first record: only the part before mid.
			PreConfig: s.Reset, Config: block(keys, acctest.ProjectID) + ds(first, end),
			ConfigStateChecks: exact(first, end), Check: asked(span(first, mid-1)),
		}, {
			// A window inside what is kept: no call.
			PreConfig: s.Reset, Config: block(keys, acctest.ProjectID) + ds(first+100_000, mid+100_000),
			ConfigStateChecks: exact(first+100_000, mid+100_000), Check: asked(),
		}, {
			// Damaged files are not trusted: read again, whole.
			PreConfig: damage, Config: block(keys, acctest.ProjectID) + ds(first, end),
			ConfigStateChecks: exact(first, end), Check: asked(span(first, mid-1), span(mid, end)),
		}, {
			// Other credentials: the caller's own read.
			PreConfig: s.Reset, Config: block(temp, acctest.ProjectID) + ds(mid, end),
			ConfigStateChecks: exact(mid, end), Check: asked(span(mid, end)),
		}, {
			// Another project: its own read too.
			PreConfig: s.Reset, Config: block(keys, otherProject) + ds(mid, end),
			ConfigStateChecks: exact(mid, end), Check: asked(span(mid, end)),
		}},
	})
	// The directory and its files are the user's alone.
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("cache directory mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 || strings.HasPrefix(filepath.Base(f), ".span-") {
			t.Errorf("%s: mode %v (%v): want span files of mode 0600 and no temporary file left", filepath.Base(f), fi.Mode().Perm(), err)
		}
	}
}
