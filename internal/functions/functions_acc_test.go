package functions_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
)

func TestMain(m *testing.M) { acctest.Main(m) }

// Provider functions need no configured provider: an empty block will do.
const noProvider = `provider "hss" {}` + "\n"

func TestAccFunctions(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{{
			Config: noProvider + `
output "ms"         { value = provider::hss::unix_ms("2026-11-24T10:00:00Z") }
output "ms_offset"  { value = provider::hss::unix_ms("2026-11-24T18:00:00.123+08:00") }
output "text"       { value = provider::hss::rfc3339(1795514400123) }
output "round_trip" { value = provider::hss::rfc3339(provider::hss::unix_ms("2026-11-24T10:00:00.5Z")) }
output "window"     { value = provider::hss::unix_ms(timeadd("2026-11-24T10:00:00Z", "-24h")) }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("ms", knownvalue.Int64Exact(1795514400000)),
				statecheck.ExpectKnownOutputValue("ms_offset", knownvalue.Int64Exact(1795514400123)),
				statecheck.ExpectKnownOutputValue("text", knownvalue.StringExact("2026-11-24T10:00:00.123Z")),
				statecheck.ExpectKnownOutputValue("round_trip", knownvalue.StringExact("2026-11-24T10:00:00.500Z")),
				statecheck.ExpectKnownOutputValue("window", knownvalue.Int64Exact(1795514400000-86400000)),
			},
		}, {
			Config:      noProvider + `output "bad" { value = provider::hss::unix_ms("24/11/2026") }`,
			ExpectError: regexp.MustCompile(`(?s)"24/11/2026".*2026-11-24T10:00:00Z`),
		}, {
			Config:      noProvider + `output "bad" { value = provider::hss::rfc3339(1e18) }`,
			ExpectError: regexp.MustCompile(`(?s)Invalid\s+function\s+argument.*0000.*9999`),
		}, {
			Config:      noProvider + `output "bad" { value = provider::hss::rfc3339(1.5) }`,
			ExpectError: regexp.MustCompile(`(?s)Invalid\s+function\s+argument`),
		}},
	})
}
