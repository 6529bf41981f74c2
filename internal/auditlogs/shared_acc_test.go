package auditlogs_test

import (
	"fmt"
	"strconv"
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

const sharedCluster = "99999999-aaaa-bbbb-cccc-000000000009"

// Three data sources of one 5-page query (different filters, max_results
// and timeouts) make the calls of one read; a fourth, whose end_time
// differs by a millisecond and so selects the same records, is read on its
// own and counts how many reads each run of the step made.
func TestAccClusterAuditLogs_sameQueryReadOnce(t *testing.T) {
	recs := standin.Generate(sharedCluster, "self_built_idc", 45, t0, false)
	s, url := acctest.StandIn(t, standin.Options{Records: recs, Latency: 20 * time.Millisecond})
	start, end := t0.Add(-time.Hour).UnixMilli(), t0.UnixMilli()
	ds := func(name string, end int64, args string) string {
		return fmt.Sprintf(`
data "hss_cluster_audit_logs" %q {
  cluster_id = %q
  start_time = %d
  end_time   = %d
  limit      = 10
  %s
}
`, name, sharedCluster, start, end, args)
	}
	cfg := acctest.ProviderConfig(url, "") +
		ds("full", end, `timeouts = { read = "10m" }`) +
		ds("few", end, `max_results = 3`+"\n"+`timeouts = { read = "1m" }`) +
		ds("filtered", end, `filter { usernames = ["nobody-at-all"] }`) +
		ds("control", end+1, "")

	calls := func(*terraform.State) error {
		shared, control := map[string]int{}, map[string]int{}
		for _, r := range s.Requests() {
			if r.Query.Get("end_time") == strconv.FormatInt(end, 10) {
				shared[r.Query.Get("offset")]++
			} else {
				control[r.Query.Get("offset")]++
			}
		}
		if len(control) != 5 || control["0"] == 0 {
			return fmt.Errorf("the control read asked for pages %v, want offsets 0 to 40", control)
		}
		for off, n := range control {
			if shared[off] != n {
				return fmt.Errorf("offset %s: the three data sources of one query asked %d times, the lone control read %d times: "+
					"they must share one read (shared %v, control %v)", off, shared[off], n, shared, control)
			}
		}
		return nil
	}
	total := tfjsonpath.New("total_num")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: s.Reset,
			Config:    cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hss_cluster_audit_logs.full", tfjsonpath.New("data_list"), everyRecord(recs)),
				statecheck.ExpectKnownValue("data.hss_cluster_audit_logs.full", total, knownvalue.Int64Exact(45)),
				statecheck.ExpectKnownValue("data.hss_cluster_audit_logs.few", tfjsonpath.New("data_list"), knownvalue.ListExact(
					[]knownvalue.Check{recordAt(recs, 0), recordAt(recs, 1), recordAt(recs, 2)})),
				statecheck.ExpectKnownValue("data.hss_cluster_audit_logs.few", total, knownvalue.Int64Exact(45)),
				statecheck.ExpectKnownValue("data.hss_cluster_audit_logs.filtered", tfjsonpath.New("data_list"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue("data.hss_cluster_audit_logs.filtered", total, knownvalue.Int64Exact(45)),
				statecheck.ExpectKnownValue("data.hss_cluster_audit_logs.control", tfjsonpath.New("data_list"), everyRecord(recs)),
			},
			Check: calls,
		}},
	})
}
