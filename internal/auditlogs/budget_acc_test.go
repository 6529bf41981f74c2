package auditlogs_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
	"github.com/hss-tf/terraform-provider-hss/internal/auditlogs"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// A window whose records would not fit in state fails as soon as they
// would not, with the remedies, not inside gRPC after reading it all; the
// budget here is 256 KiB (in use, 192 MiB). Not parallel: it sets the
// budget, which parallel tests must not see.
func TestAccClusterAuditLogs_stateBudget(t *testing.T) {
	recs := quotaRecords(1000) // about 1 KiB of state each
	s, url := acctest.StandIn(t, standin.Options{Records: recs})
	old := auditlogs.SetStateBudget(256 << 10)
	defer auditlogs.SetStateBudget(old)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: windowConfig(url, quotaCluster, "limit = 50"),
				ExpectError: regexp.MustCompile(`(?s)Audit-log window too large for Terraform's state.*records\s+kept\s+of\s+the\s+\d+\s+read\s+\(of\s+the\s+window's\s+1000\).*` +
					`Narrow\s+the\s+window.*max_results`),
			},
			{
				// The first step stopped early: far fewer pages than the window's 20.
				PreConfig: func() {
					if pages := len(s.Requests()); pages >= 15 {
						t.Errorf("%d pages read before the budget stopped the read", pages)
					}
				},
				// Within it, as usual.
				Config: windowConfig(url, quotaCluster, "limit = 50\nmax_results = 100"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), knownvalue.ListSizeExact(100)),
				},
			},
		},
	})
}
