// Package acctest holds what the acceptance tests share: the in-process
// provider, a stand-in of the HSS API per test, and provider blocks that
// point at it.
package acctest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/hss-tf/terraform-provider-hss/internal/provider"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// Credentials the stand-ins of the tests accept.
const (
	AccessKey     = "ACCTESTAKEXAMPLE0001"
	SecretKey     = "acctest-secret-key-never-logged-0001"
	TempAccessKey = "ACCTESTTEMPAK0000001"
	TempSecretKey = "acctest-temp-secret-key-0000000001"
	SecurityToken = "acctest-security-token-0000000001"
	AuthToken     = "acctest-iam-token-0000000000000001"
	// The temporary credentials of an agency, as an IAM stand-in issues
	// them for assume_role.
	AgencyAccessKey     = "ACCTESTAGENCYAK00001"
	AgencySecretKey     = "acctest-agency-secret-0001"
	AgencySecurityToken = "acctest-agency-token-0001"
	ProjectID           = standin.SeedProjectID
	Region              = "cn-north-4"
)

// Secrets are every credential value the tests hand the provider or its
// stand-ins issue: none may appear in any log of the test suite.
var Secrets = []string{AccessKey, SecretKey, TempAccessKey, TempSecretKey, SecurityToken, AuthToken,
	AgencyAccessKey, AgencySecretKey, AgencySecurityToken, standin.DemoAccessKey, standin.DemoSecretKey}

// Variables declares the credentials as sensitive input variables, which
// Main sets through TF_VAR_ environment variables. Configurations refer to
// them (access_key = var.hss_access_key) and never hold a secret: Terraform
// quotes configuration lines in its errors, and those go to the logs.
const Variables = `
variable "hss_access_key" {
  type      = string
  sensitive = true
}
variable "hss_secret_key" {
  type      = string
  sensitive = true
}
variable "hss_temp_access_key" {
  type      = string
  sensitive = true
}
variable "hss_temp_secret_key" {
  type      = string
  sensitive = true
}
variable "hss_security_token" {
  type      = string
  sensitive = true
}
variable "hss_token" {
  type      = string
  sensitive = true
}
`

// variableValues are the TF_VAR_ values of Variables.
var variableValues = map[string]string{
	"TF_VAR_hss_access_key": AccessKey, "TF_VAR_hss_secret_key": SecretKey,
	"TF_VAR_hss_temp_access_key": TempAccessKey, "TF_VAR_hss_temp_secret_key": TempSecretKey,
	"TF_VAR_hss_security_token": SecurityToken, "TF_VAR_hss_token": AuthToken,
}

// ProtoV6ProviderFactories serves the provider in process, as main.go
// serves it: with the direct read path.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"hss": func() (tfprotov6.ProviderServer, error) { return provider.NewServer("test")(), nil },
}

// providerEnv are the environment variables the provider reads.
var providerEnv = []string{"HW_REGION_NAME", "HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN", "HW_AUTH_TOKEN",
	"HW_PROJECT_ID", "HW_ENTERPRISE_PROJECT_ID", "HW_CLOUD", "HW_INSECURE", "HW_MAX_RETRIES", "HW_MAX_CONCURRENCY", "HW_MAX_REQUESTS_PER_SECOND",
	"HW_SHARED_CONFIG_FILE", "HW_PROFILE", "HW_AUTH_URL", "HW_METADATA_ENDPOINT", "HW_ASSUME_ROLE_AGENCY_NAME", "HW_ASSUME_ROLE_DOMAIN_NAME",
	"HW_SETTLE_DELAY", "HW_CACERT_FILE", "HW_CACHE_DIR", "HW_CONTENT_MODE"}

// ClosedEndpoint refuses connections at once: the metadata service of the
// tests, unless a test serves one.
const ClosedEndpoint = "http://127.0.0.1:1"

// Main points TF_CLI_CONFIG_FILE at an empty file, so no machine-wide CLI
// configuration (or a missing one) changes what the tests see, then runs
// the tests.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "hss-acctest")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cfg := filepath.Join(dir, "terraform.rc")
	if err := os.WriteFile(cfg, nil, 0o600); err == nil {
		_ = os.Setenv("TF_CLI_CONFIG_FILE", cfg)
	}
	// The machine's provider settings must not leak into a test.
	for _, k := range providerEnv {
		_ = os.Unsetenv(k)
	}
	// No test reads the machine's KooCLI profile or waits on the real
	// metadata service.
	_ = os.Setenv("HW_SHARED_CONFIG_FILE", filepath.Join(dir, "no-such-config.json"))
	_ = os.Setenv("HW_METADATA_ENDPOINT", ClosedEndpoint)
	for k, v := range variableValues {
		_ = os.Setenv(k, v)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// StandIn serves a stand-in of the HSS API for one test. Unset
// credentials and project in opts take the package's constants.
func StandIn(t *testing.T, opts standin.Options) (*standin.Server, string) {
	t.Helper()
	return serve(t, opts, httptest.NewServer)
}

// StandInTLS is StandIn over HTTPS, with a certificate no one trusts.
func StandInTLS(t *testing.T, opts standin.Options) (*standin.Server, string) {
	t.Helper()
	return serve(t, opts, httptest.NewTLSServer)
}

func serve(t *testing.T, opts standin.Options, start func(http.Handler) *httptest.Server) (*standin.Server, string) {
	if opts.ProjectID == "" {
		opts.ProjectID = ProjectID
	}
	if opts.AccessKey == "" {
		opts.AccessKey, opts.SecretKey = AccessKey, SecretKey
	}
	if opts.Temporary == nil {
		opts.Temporary = []standin.TempCredential{{AccessKey: TempAccessKey, SecretKey: TempSecretKey, SecurityToken: SecurityToken}}
	}
	if opts.Tokens == nil {
		opts.Tokens = []string{AuthToken}
	}
	s := standin.New(opts)
	srv := start(s)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

// ProviderConfig is a provider block that signs with the test AK/SK and
// sends every request to url, with the declarations of Variables.
func ProviderConfig(url string, extra string) string {
	return Variables + fmt.Sprintf(`
provider "hss" {
  region     = %q
  project_id = %q
  access_key = var.hss_access_key
  secret_key = var.hss_secret_key
  endpoints  = { hss = %q }
  %s
}
`, Region, ProjectID, url, extra)
}
