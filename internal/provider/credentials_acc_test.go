package provider_test

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

func serveIAM(t *testing.T, opts standin.IAMOptions) (*standin.IAM, string) {
	t.Helper()
	i := standin.NewIAM(opts)
	srv := httptest.NewServer(i)
	t.Cleanup(srv.Close)
	return i, srv.URL
}

// serveMetadata serves the ECS metadata service, handing out the tests'
// temporary credentials (expiring at expires, or an hour after each
// request when zero), and points HW_METADATA_ENDPOINT at it. Not
// parallel: it sets the environment.
func serveMetadata(t *testing.T, expires time.Time) *standin.Metadata {
	t.Helper()
	meta := standin.NewMetadata(standin.MetadataOptions{
		Credential: standin.TempCredential{AccessKey: acctest.TempAccessKey, SecretKey: acctest.TempSecretKey, SecurityToken: acctest.SecurityToken},
		ExpiresAt:  expires,
	})
	srv := httptest.NewServer(meta)
	t.Cleanup(srv.Close)
	t.Setenv("HW_METADATA_ENDPOINT", srv.URL)
	return meta
}

// discoveredOnly checks that IAM was asked, and only for the project of
// region, successfully.
func discoveredOnly(iam *standin.IAM, region string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reqs := iam.Requests()
		if len(reqs) == 0 {
			return fmt.Errorf("no project discovery")
		}
		for _, r := range reqs {
			if r.Path != standin.IAMProjectsPath || r.Query.Get("name") != region || r.Status != 200 {
				return fmt.Errorf("IAM request %s %s?%v answered %d", r.Method, r.Path, r.Query, r.Status)
			}
		}
		return nil
	}
}

// authorizationHas checks that the stand-in's last request was signed
// with access key ak.
func authorizationHas(s *standin.Server, ak string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reqs := s.Requests()
		if len(reqs) == 0 {
			return fmt.Errorf("no request")
		}
		if a := reqs[len(reqs)-1].Header.Get("Authorization"); !strings.Contains(a, "Access="+ak+",") {
			return fmt.Errorf("Authorization %q is not signed with %s", a, ak)
		}
		return nil
	}
}

// A KooCLI profile and an empty region/project: the profile gives keys
// and region, and IAM the project.
func TestAccCredentialsFromProfileWithDiscoveredProject(t *testing.T) {
	s, url := acctest.StandIn(t, standin.Options{Records: standin.Seed(now)})
	iam, iamURL := serveIAM(t, standin.IAMOptions{
		Keys:     map[string]string{acctest.AccessKey: acctest.SecretKey},
		Projects: map[string]string{acctest.Region: acctest.ProjectID, "cn-south-1": "other-project"},
	})
	file := filepath.Join(t.TempDir(), "config.json")
	profiles := fmt.Sprintf(`{
  "current": "ci",
  "profiles": [
    {"name": "default", "mode": "AKSK", "accessKeyId": "OTHERAK0000000000001", "secretAccessKey": "other", "region": "cn-south-1"},
    {"name": "ci", "mode": "AKSK", "accessKeyId": %q, "secretAccessKey": %q, "region": %q, "projectId": "", "language": "en"}
  ]
}`, acctest.AccessKey, acctest.SecretKey, acctest.Region)
	if err := os.WriteFile(file, []byte(profiles), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HW_SHARED_CONFIG_FILE", file)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "hss" {
  endpoints = { hss = %q, iam = %q }
}
`, url, iamURL) + dataSource(),
			ConfigStateChecks: readsAll(),
			Check: resource.ComposeAggregateTestCheckFunc(
				authorizationHas(s, acctest.AccessKey),
				discoveredOnly(iam, acctest.Region),
			),
		}},
	})
}

// Temporary credentials of the ECS instance's agency, from the metadata
// service, with their security token on every call.
func TestAccCredentialsFromECSMetadata(t *testing.T) {
	s, url := acctest.StandIn(t, standin.Options{Records: standin.Seed(now)})
	meta := serveMetadata(t, time.Time{})

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            provider(url, ""),
			ConfigStateChecks: readsAll(),
			Check: resource.ComposeAggregateTestCheckFunc(
				headerSeen(s, "X-Security-Token", acctest.SecurityToken),
				authorizationHas(s, acctest.TempAccessKey),
				func(*terraform.State) error {
					if meta.Requests() == 0 {
						return fmt.Errorf("the metadata service was not asked")
					}
					return nil
				},
			),
		}},
	})
}

// assume_role exchanges the block's keys for the agency's temporary
// credentials, which sign every HSS call.
func TestAccCredentialsAssumeRole(t *testing.T) {
	agency := standin.TempCredential{AccessKey: acctest.AgencyAccessKey, SecretKey: acctest.AgencySecretKey, SecurityToken: acctest.AgencySecurityToken}
	s, url := acctest.StandIn(t, standin.Options{Records: standin.Seed(now), Temporary: []standin.TempCredential{agency}})
	issue := make([]standin.TempCredential, 20) // one per Configure
	for i := range issue {
		issue[i] = agency
	}
	iam, iamURL := serveIAM(t, standin.IAMOptions{
		Keys:     map[string]string{acctest.AccessKey: acctest.SecretKey},
		Agencies: []standin.Agency{{Domain: "acctest-owner", Name: "hss-reader"}},
		Issue:    issue,
	})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.Variables + fmt.Sprintf(`
provider "hss" {
  region      = %q
  project_id  = %q
  access_key  = var.hss_access_key
  secret_key  = var.hss_secret_key
  endpoints   = { hss = %q, iam = %q }
  assume_role = { agency_name = "hss-reader", domain_name = "acctest-owner", duration = "1h" }
}
`, acctest.Region, acctest.ProjectID, url, iamURL) + dataSource(),
			ConfigStateChecks: readsAll(),
			Check: resource.ComposeAggregateTestCheckFunc(
				headerSeen(s, "X-Security-Token", agency.SecurityToken),
				authorizationHas(s, agency.AccessKey),
				func(*terraform.State) error {
					got := iam.Issued()
					if len(got) == 0 {
						return fmt.Errorf("no credential issued")
					}
					if got[0].By != acctest.AccessKey || got[0].Agency.Name != "hss-reader" || got[0].Agency.Domain != "acctest-owner" {
						return fmt.Errorf("issued %+v", got[0])
					}
					return nil
				},
			),
		}},
	})
}

// Temporary credentials that arrive already expired (a stale metadata
// service, a wrong clock) are never sent: the diagnostic says when they
// expired and lists the other sources.
func TestAccCredentialsExpiredFromECSMetadata(t *testing.T) {
	s, url := acctest.StandIn(t, standin.Options{Records: standin.Seed(now)})
	serveMetadata(t, time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      provider(url, ""),
			ExpectError: regexp.MustCompile(`(?s)Missing credentials.*hcloud\s+configure\s+init.*ECS\s+instance\s+metadata.*expired\s+at\s+2020-01-02T03:04:05Z`),
		}},
	})
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("%d HSS requests sent with expired credentials", n)
	}
}
