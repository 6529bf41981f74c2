package auditlogs_test

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

func TestMain(m *testing.M) { acctest.Main(m) }

const addr = "data.hss_cluster_audit_logs.test"

// Fixed data, so every value can be asserted.
var (
	t0      = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	cluster = "11111111-aaaa-bbbb-cccc-000000000001"
	fixed   = []standin.Record{
		{ClusterID: cluster, ClusterName: "alpha", ClusterType: "self_built_idc", HostID: "h-1", HostName: "node-1", HostIP: "10.0.0.1",
			Time: t0.UnixMilli(), Content: `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","user":{"username":"alice"}}`},
		{ClusterID: cluster, ClusterName: "alpha", ClusterType: "self_built_idc", HostID: "h-2", HostName: 111, HostIP: "10.0.0.2",
			Time: t0.Add(-time.Minute).UnixMilli(), Content: "listImageTags, Method: GET Url=/v2/manage/namespaces/x/repos/y/tags, Reason"},
		{ClusterID: cluster, ClusterName: "alpha", ClusterType: "self_built_idc", HostID: "h-1", HostName: "node-1", HostIP: "10.0.0.1",
			Time: t0.Add(-2 * time.Minute).UnixMilli(), Content: `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","user":{"username":"bob"}}`},
	}
	window = fmt.Sprintf("start_time = %d\n  end_time = %d", t0.Add(-time.Hour).UnixMilli(), t0.UnixMilli())
)

func config(url, providerExtra, args string) string {
	return acctest.ProviderConfig(url, providerExtra) + fmt.Sprintf(`
data "hss_cluster_audit_logs" "test" {
  cluster_id = %q
  %s
  %s
}
`, cluster, window, args)
}

func record(i int) knownvalue.Check {
	r := fixed[i]
	var ev knownvalue.Check = knownvalue.Null() // free text
	if verb := map[int]string{0: "delete", 2: "get"}[i]; verb != "" {
		ev = knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"verb": knownvalue.StringExact(verb),
			"user": knownvalue.ObjectPartial(map[string]knownvalue.Check{"username": knownvalue.StringExact(map[int]string{0: "alice", 2: "bob"}[i])}),
		})
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"time_rfc3339": knownvalue.StringExact(time.UnixMilli(r.Time).UTC().Format("2006-01-02T15:04:05.000Z")),
		"event":        ev,
		"cluster_name": knownvalue.StringExact(r.ClusterName),
		"cluster_id":   knownvalue.StringExact(r.ClusterID),
		"time":         knownvalue.Int64Exact(r.Time),
		"content":      knownvalue.StringExact(r.Content),
		"cluster_type": knownvalue.StringExact(r.ClusterType),
		"host_id":      knownvalue.StringExact(r.HostID),
		"host_name":    knownvalue.StringExact(fmt.Sprint(r.HostName)),
		"host_ip":      knownvalue.StringExact(r.HostIP),
		"line_num":     knownvalue.Null(),
	})
}

func TestAccClusterAuditLogs_basic(t *testing.T) {
	_, url := acctest.StandIn(t, standin.Options{Records: fixed})
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config(url, "", ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(3)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), knownvalue.ListExact([]knownvalue.Check{record(0), record(1), record(2)})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("limit"), knownvalue.Int64Exact(200)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("offset"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("region"), knownvalue.StringExact(acctest.Region)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("enterprise_project_id"), knownvalue.Null()),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
				sameID.AddStateValue(addr, tfjsonpath.New("id")),
			},
		}, {
			// The same query keeps the same id: dependents do not churn.
			Config: config(url, "", ""),
			ConfigStateChecks: []statecheck.StateCheck{
				sameID.AddStateValue(addr, tfjsonpath.New("id")),
			},
		}},
	})
}

func TestAccClusterAuditLogs_empty(t *testing.T) {
	_, url := acctest.StandIn(t, standin.Options{Records: fixed})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config(url, "", `verb = "watch"`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

func TestAccClusterAuditLogs_everyArgument(t *testing.T) {
	s, url := acctest.StandIn(t, standin.Options{Records: fixed, EnterpriseProjects: []string{"eps-1"}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config(url, `enterprise_project_id = "0"`, `
  enterprise_project_id = "eps-1"
  cluster_name          = "alpha"
  host_name             = "node-1"
  host_id               = "h-1"
  host_ip               = "10.0.0.1"
  verb                  = "get"
  limit                 = 5
  offset                = 0
  region                = "cn-north-4"
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), knownvalue.ListExact([]knownvalue.Check{record(2)})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("enterprise_project_id"), knownvalue.StringExact("eps-1")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("limit"), knownvalue.Int64Exact(5)),
			},
			Check: func(*terraform.State) error {
				return lastQueryIs(s, map[string]string{
					"cluster_id": cluster, "enterprise_project_id": "eps-1", "cluster_name": "alpha", "host_name": "node-1",
					"host_id": "h-1", "host_ip": "10.0.0.1", "verb": "get", "limit": "5", "offset": "0",
					"start_time": strconv.FormatInt(t0.Add(-time.Hour).UnixMilli(), 10), "end_time": strconv.FormatInt(t0.UnixMilli(), 10),
				})
			},
		}, {
			// The provider's enterprise project is the default; offset skips.
			Config: config(url, `enterprise_project_id = "eps-1"`, `offset = 1`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("enterprise_project_id"), knownvalue.StringExact("eps-1")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(3)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), knownvalue.ListExact([]knownvalue.Check{record(1), record(2)})),
			},
		}},
	})
}

// lastQueryIs checks the query of the stand-in's latest request, exactly.
func lastQueryIs(s *standin.Server, want map[string]string) error {
	reqs := s.Requests()
	if len(reqs) == 0 {
		return fmt.Errorf("no request")
	}
	got := reqs[len(reqs)-1].Query
	if len(got) != len(want) {
		return fmt.Errorf("query %v, want %v", got, want)
	}
	for k, v := range want {
		if got.Get(k) != v {
			return fmt.Errorf("query %s = %q, want %q (whole query %v)", k, got.Get(k), v, got)
		}
	}
	return nil
}
