package provider_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// providerWithIAM is the tests' provider block with the HSS and IAM
// endpoints at url and iamURL.
func providerWithIAM(url, iamURL string) string {
	return acctest.Variables + fmt.Sprintf(`
provider "hss" {
  region     = %q
  project_id = %q
  access_key = var.hss_access_key
  secret_key = var.hss_secret_key
  endpoints  = { hss = %q, iam = %q }
}
`, acctest.Region, acctest.ProjectID, url, iamURL)
}

// One provider block reads two regions: the data source's region selects
// that region's project, discovered through IAM, and its records.
func TestAccRegionPerDataSource(t *testing.T) {
	const otherRegion, otherProject = "ap-southeast-3", "5e1f0c2b9a8d47e6b3c4a2f1e0d9c8b7"
	other := []standin.Record{
		{ClusterID: standin.SeedIDCClusterID, ClusterName: "ap-cluster", HostName: "ap-node-1", Content: "ap record 1", Time: now.Add(-time.Hour).UnixMilli()},
		{ClusterID: standin.SeedIDCClusterID, ClusterName: "ap-cluster", HostName: "ap-node-1", Content: "ap record 2", Time: now.Add(-2 * time.Hour).UnixMilli()},
	}
	s, url := acctest.StandIn(t, standin.Options{Records: standin.Seed(now), OtherProjects: map[string][]standin.Record{otherProject: other}})
	iam, iamURL := serveIAM(t, standin.IAMOptions{
		Keys:     map[string]string{acctest.AccessKey: acctest.SecretKey},
		Projects: map[string]string{acctest.Region: acctest.ProjectID, otherRegion: otherProject},
	})
	config := providerWithIAM(url, iamURL) + fmt.Sprintf(`
data "hss_cluster_audit_logs" "test" {
  cluster_id = %[1]q
  start_time = %[2]d
  end_time   = %[3]d
}

data "hss_cluster_audit_logs" "other" {
  region     = %[4]q
  cluster_id = %[1]q
  start_time = %[2]d
  end_time   = %[3]d
}
`, standin.SeedIDCClusterID, now.Add(-72*time.Hour).UnixMilli(), now.UnixMilli(), otherRegion)

	otherAddr := "data.hss_cluster_audit_logs.other"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: append(readsAll(),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("region"), knownvalue.StringExact(acctest.Region)),
				statecheck.ExpectKnownValue(otherAddr, tfjsonpath.New("region"), knownvalue.StringExact(otherRegion)),
				statecheck.ExpectKnownValue(otherAddr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue(otherAddr, tfjsonpath.New("data_list"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"content": knownvalue.StringExact("ap record 1"), "cluster_name": knownvalue.StringExact("ap-cluster")}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"content": knownvalue.StringExact("ap record 2")}),
				})),
			),
			// The provider's own project is configured: IAM is asked only
			// for the other region's.
			Check: resource.ComposeAggregateTestCheckFunc(discoveredOnly(iam, otherRegion), func(*terraform.State) error {
				seen := map[string]bool{}
				for _, r := range s.Requests() {
					seen[r.Path] = true
				}
				for _, p := range []string{acctest.ProjectID, otherProject} {
					if !seen["/v5/"+p+standin.APIPathSuffix] {
						return fmt.Errorf("no request for project %s in %v", p, seen)
					}
				}
				return nil
			}),
		}},
	})
}

// A region where the account has no project: the read fails naming the
// region, IAM and the way out, and no HSS request is sent for it.
func TestAccRegionWithoutProject(t *testing.T) {
	_, url := acctest.StandIn(t, standin.Options{Records: standin.Seed(now)})
	_, iamURL := serveIAM(t, standin.IAMOptions{
		Keys:     map[string]string{acctest.AccessKey: acctest.SecretKey},
		Projects: map[string]string{acctest.Region: acctest.ProjectID},
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerWithIAM(url, iamURL) + `
data "hss_cluster_audit_logs" "test" {
  region     = "la-south-2"
  cluster_id = "c"
  start_time = 0
  end_time   = 1
}
`,
			ExpectError: regexp.MustCompile(`(?s)Region not served.*region\s+la-south-2.*no\s+project.*provider\s+alias`),
		}},
	})
}
