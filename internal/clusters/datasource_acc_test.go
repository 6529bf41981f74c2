package clusters_test

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

func TestMain(m *testing.M) { acctest.Main(m) }

const addr = "data.hss_kubernetes_clusters.test"

func TestAccKubernetesClusters(t *testing.T) {
	now := time.Now()
	list := append(standin.SeedClusters(now), standin.GenerateClusters(250, now.Add(-time.Hour))...)
	s, url := acctest.StandIn(t, standin.Options{Clusters: list, EnterpriseProjects: []string{"eps-1"}})
	cfg := func(args string) string {
		return acctest.ProviderConfig(url, "") + fmt.Sprintf("data \"hss_kubernetes_clusters\" \"test\" {\n%s\n}\n", args)
	}
	prod := knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id": knownvalue.NotNull(), "cluster_id": knownvalue.StringExact(standin.SeedCCEClusterID), "cluster_name": knownvalue.StringExact("prod-cce"),
		"cluster_type": knownvalue.StringExact("cce"), "status": knownvalue.StringExact("Available"), "version": knownvalue.NotNull(),
		"total_nodes_number": knownvalue.NotNull(), "active_nodes_number": knownvalue.NotNull(),
		"agent_installed_num": knownvalue.NotNull(), "agent_install_failed_num": knownvalue.NotNull(), "agent_not_install_num": knownvalue.NotNull(),
		"agent_ds_install_status": knownvalue.NotNull(), "agent_ds_failed_reason": knownvalue.NotNull(),
		"creation_timestamp": knownvalue.NotNull(), "last_operate_timestamp": knownvalue.NotNull(), "last_scan_time": knownvalue.NotNull(),
		"sys_vul_num": knownvalue.NotNull(), "app_vul_num": knownvalue.NotNull(), "emg_vul_num": knownvalue.NotNull(),
		"risk_assess_num": knownvalue.NotNull(), "sec_comp_num": knownvalue.NotNull(),
	})
	pages := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			offsets := map[string]int{}
			for _, r := range s.Requests() {
				offsets[r.Query.Get("offset")+"/"+r.Query.Get("limit")]++
			}
			if len(offsets) != want {
				return fmt.Errorf("pages asked for: %v, want %d distinct", offsets, want)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// More than a page: 257 clusters (7 seed, 250 generated) in pages of 200.
			PreConfig: s.Reset,
			Config:    cfg(""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(257)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("cluster_info_list"), knownvalue.ListSizeExact(257)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("region"), knownvalue.StringExact(acctest.Region)),
			},
			Check: pages(2),
		}, {
			Config:            cfg(`cluster_name = "prod-cce"`),
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New("cluster_info_list"), knownvalue.ListExact([]knownvalue.Check{prod}))},
		}, {
			Config: cfg(`cluster_name = "staging-ali"` + "\nload_agent_info = true"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("cluster_info_list").AtSliceIndex(0).AtMapKey("cluster_type"), knownvalue.StringExact("ali")),
			},
		}, {
			Config:      cfg(`scene = "risky"`),
			ExpectError: regexp.MustCompile(`(?s)scene.*value must be one of`),
		}, {
			Config:      cfg(`enterprise_project_id = "eps-2"`),
			ExpectError: regexp.MustCompile(`(?s)Error listing HSS Kubernetes clusters.*HTTP status: 403.*HSS.0004`),
		}, {
			Config:            cfg(`scene = "cluster_risk"` + "\n" + `enterprise_project_id = "eps-1"`),
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New("enterprise_project_id"), knownvalue.StringExact("eps-1"))},
		}},
	})
}
