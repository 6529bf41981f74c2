package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

func TestMain(m *testing.M) { acctest.Main(m) }

const addr = "data.hss_cluster_audit_logs.test"

var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func dataSource() string {
	return fmt.Sprintf(`
data "hss_cluster_audit_logs" "test" {
  cluster_id = %q
  start_time = %d
  end_time   = %d
}
`, standin.SeedIDCClusterID, now.Add(-72*time.Hour).UnixMilli(), now.UnixMilli())
}

func provider(url, creds string) string {
	return acctest.Variables + fmt.Sprintf(`
provider "hss" {
  region     = %q
  project_id = %q
  endpoints  = { hss = %q }
  %s
}
`, acctest.Region, acctest.ProjectID, url, creds) + dataSource()
}

var seedIDC = func() int {
	n := 0
	for _, r := range standin.Seed(now) {
		if r.ClusterID == standin.SeedIDCClusterID {
			n++
		}
	}
	return n
}()

func readsAll() []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(int64(seedIDC))),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), knownvalue.ListSizeExact(seedIDC)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list").AtSliceIndex(0).AtMapKey("cluster_id"), knownvalue.StringExact(standin.SeedIDCClusterID)),
	}
}

// headerSeen checks that the stand-in's last request carried header h = v.
func headerSeen(s *standin.Server, h, v string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reqs := s.Requests()
		if len(reqs) == 0 {
			return fmt.Errorf("no request")
		}
		if got := reqs[len(reqs)-1].Header.Get(h); got != v {
			return fmt.Errorf("%s = %q, want %q", h, got, v)
		}
		return nil
	}
}

func TestAccProvider_credentialModes(t *testing.T) {
	s, url := acctest.StandIn(t, standin.Options{Records: standin.Seed(now)})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            provider(url, "access_key = var.hss_access_key\nsecret_key = var.hss_secret_key"),
			ConfigStateChecks: readsAll(),
			Check: resource.ComposeAggregateTestCheckFunc(
				headerSeen(s, "X-Project-Id", acctest.ProjectID),
				headerSeen(s, "X-Security-Token", ""),
				headerSeen(s, "User-Agent", "terraform-provider-hss/test (+https://registry.terraform.io/providers/hss-tf/hss) Terraform/"+terraformVersion(t)),
			),
		}, {
			// Temporary credentials: the security token is sent and signed.
			Config:            provider(url, "access_key = var.hss_temp_access_key\nsecret_key = var.hss_temp_secret_key\nsecurity_token = var.hss_security_token"),
			ConfigStateChecks: readsAll(),
			Check:             headerSeen(s, "X-Security-Token", acctest.SecurityToken),
		}, {
			// An IAM token.
			Config:            provider(url, "token = var.hss_token"),
			ConfigStateChecks: readsAll(),
			Check:             headerSeen(s, "X-Auth-Token", acctest.AuthToken),
		}},
	})
}

func TestAccProvider_credentialErrors(t *testing.T) {
	_, url := acctest.StandIn(t, standin.Options{Records: standin.Seed(now)})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// A wrong secret key: 401, not retried, with the credential source named.
			Config:      provider(url, "access_key = var.hss_access_key\nsecret_key = \"wrong-secret\""),
			ExpectError: regexp.MustCompile(`(?s)HTTP status: 401.*error_code: APIGW.0301.*request id: [0-9a-f]+.*attempts: 1.*access_key/secret_key\s+from\s+the\s+provider\s+block`),
		}, {
			// A security token that does not belong to the keys.
			Config: provider(url, "access_key = var.hss_temp_access_key\nsecret_key = var.hss_temp_secret_key\nsecurity_token = \"stale\""),
			// The service quotes the access key: the diagnostic masks it.
			ExpectError: regexp.MustCompile(`(?s)HTTP status: 401.*does\s+not\s+belong\s+to\s+the\s+access\s+key\s+\*\*\*.*temporary\s+access_key/secret_key/security_token`),
		}, {
			Config:      provider(url, `token = "expired-token"`),
			ExpectError: regexp.MustCompile(`(?s)HTTP status: 401.*token\s+from\s+the\s+provider\s+block`),
		}, {
			Config:      provider(url, "access_key = var.hss_access_key\nsecret_key = var.hss_secret_key\ntoken = var.hss_token"),
			ExpectError: regexp.MustCompile(`(?s)Conflicting credentials.*Use\s+one`),
		}, {
			Config:      provider(url, "access_key = var.hss_access_key"),
			ExpectError: regexp.MustCompile(`(?s)Missing secret_key.*HW_SECRET_KEY`),
		}, {
			Config:      provider(url, ""),
			ExpectError: regexp.MustCompile(`(?s)Missing credentials.*HW_ACCESS_KEY.*HW_AUTH_TOKEN`),
		}, {
			Config: provider(url, "access_key = var.hss_access_key\nsecret_key = var.hss_secret_key") + `
data "hss_cluster_audit_logs" "other" {
  region     = "eu-west-101"
  cluster_id = "c"
  start_time = 1
  end_time   = 2
}
`,
			ExpectError: regexp.MustCompile(`(?s)Region not served by this provider configuration.*provider\s+alias`),
		}},
	})
}

func TestAccProvider_unknownConfigurationIsExplained(t *testing.T) {
	_, url := acctest.StandIn(t, standin.Options{Records: standin.Seed(now)})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		// terraform_data is Terraform 1.4's.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_4_0)},
		Steps: []resource.TestStep{{
			// project_id comes from a resource not yet created.
			Config: acctest.Variables + fmt.Sprintf(`
resource "terraform_data" "project" {
  input = %q
}
provider "hss" {
  region     = %q
  project_id = terraform_data.project.output
  access_key = var.hss_access_key
  secret_key = var.hss_secret_key
  endpoints  = { hss = %q }
}
`, acctest.ProjectID, acctest.Region, url) + dataSource(),
			ExpectError: regexp.MustCompile(`(?s)Provider configuration not yet known.*project_id`),
		}},
	})
}

// terraformVersion is the version of the CLI the tests run.
func terraformVersion(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		bin = "terraform"
	}
	out, err := exec.Command(bin, "version", "-json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	return v.Version
}

func TestAccProvider_tls(t *testing.T) {
	_, url := acctest.StandInTLS(t, standin.Options{Records: standin.Seed(now)})
	keys := "access_key = var.hss_access_key\nsecret_key = var.hss_secret_key"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// Verified by default: a self-signed certificate fails at once, unretried.
			Config:      provider(url, keys),
			ExpectError: regexp.MustCompile(`(?s)certificate\s+is\s+not\s+trusted.*attempts: 1.*insecure\s+=\s+true`),
		}, {
			Config:            provider(url, keys+"\ninsecure = true"),
			ConfigStateChecks: readsAll(),
		}},
	})
}
