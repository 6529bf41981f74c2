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

// windowConfig reads cluster over the hour before t0 with the given args.
func windowConfig(url, clusterID, args string) string {
	return acctest.ProviderConfig(url, "") + fmt.Sprintf(`
data "hss_cluster_audit_logs" "test" {
  cluster_id = %q
  start_time = %d
  end_time   = %d
  %s
}
`, clusterID, t0.Add(-time.Hour).UnixMilli(), t0.UnixMilli(), args)
}

// recordAt checks the time and line_num of a generated record: the
// service returns newest first, so index i holds the (n-1-i)-th generated.
func recordAt(recs []standin.Record, i int) knownvalue.Check {
	r := recs[len(recs)-1-i]
	var line knownvalue.Check = knownvalue.Null()
	if r.LineNum != "" {
		line = knownvalue.StringExact(r.LineNum)
	}
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"time":     knownvalue.Int64Exact(r.Time),
		"content":  knownvalue.StringExact(r.Content),
		"line_num": line,
	})
}

// everyRecord checks the whole list, in order, by time and line_num.
func everyRecord(recs []standin.Record) knownvalue.Check {
	checks := make([]knownvalue.Check, len(recs))
	for i := range recs {
		checks[i] = recordAt(recs, i)
	}
	return knownvalue.ListExact(checks)
}

// everyReadAsked checks the stand-in's log: each read of the step (plan,
// apply, refresh) asked for exactly the pages values name, each once, in
// whatever order concurrency gave.
func everyReadAsked(s *standin.Server, param string, values ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		count := map[string]int{}
		for _, r := range s.Requests() {
			count[r.Query.Get(param)]++
		}
		reads := count[values[0]]
		if reads == 0 || len(count) != len(values) {
			return fmt.Errorf("pages asked for: %v, want each of %v", count, values)
		}
		for _, v := range values {
			if count[v] != reads {
				return fmt.Errorf("%s=%s asked for %d times in %d reads (%v)", param, v, count[v], reads, count)
			}
		}
		return nil
	}
}

func TestAccClusterAuditLogs_offsetPagingOver1000(t *testing.T) {
	const id = "22222222-aaaa-bbbb-cccc-000000000002"
	recs := standin.Generate(id, "self_built_idc", 1234, t0, false)
	s, url := acctest.StandIn(t, standin.Options{Records: recs})
	offsets := make([]string, 13)
	for i := range offsets {
		offsets[i] = strconv.Itoa(i * 100)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: windowConfig(url, id, "limit = 100"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(1234)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), everyRecord(recs)),
			},
			// Every read: 13 pages of 100, by offset, none twice.
			Check: everyReadAsked(s, "offset", offsets...),
		}},
	})
}

func TestAccClusterAuditLogs_cceCursorPaging(t *testing.T) {
	const id = "33333333-aaaa-bbbb-cccc-000000000003"
	recs := standin.Generate(id, "cce", 450, t0, true)
	// CursorOnly: the service ignores offset; only line_num moves the page.
	s, url := acctest.StandIn(t, standin.Options{Records: recs, Paging: standin.CursorOnly})
	newest := func(i int) string { return recs[len(recs)-1-i].LineNum }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: windowConfig(url, id, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(450)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), everyRecord(recs)),
			},
			Check: requestCountAtLeast(s, 3, "line_num", "", newest(199), newest(399)),
		}, {
			// line_num as an argument starts after that record.
			Config: windowConfig(url, id, fmt.Sprintf("line_num = %q", newest(439))),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), knownvalue.ListExact([]knownvalue.Check{
					recordAt(recs, 440), recordAt(recs, 441), recordAt(recs, 442), recordAt(recs, 443), recordAt(recs, 444),
					recordAt(recs, 445), recordAt(recs, 446), recordAt(recs, 447), recordAt(recs, 448), recordAt(recs, 449),
				})),
			},
		}},
	})
}

// requestCountAtLeast checks the first requests' parameter values.
func requestCountAtLeast(s *standin.Server, n int, param string, values ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reqs := s.Requests()
		if len(reqs) < n {
			return fmt.Errorf("%d requests, want at least %d", len(reqs), n)
		}
		for i, v := range values {
			if got := reqs[i].Query.Get(param); got != v {
				return fmt.Errorf("request %d: %s = %q, want %q", i, param, got, v)
			}
		}
		return nil
	}
}

func TestAccClusterAuditLogs_publishedQuirks(t *testing.T) {
	// host_name as a number, content as free text: the record survives whole.
	_, url := acctest.StandIn(t, standin.Options{Records: fixed[1:2]})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config(url, "", ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), knownvalue.ListExact([]knownvalue.Check{record(1)})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list").AtSliceIndex(0).AtMapKey("host_name"), knownvalue.StringExact("111")),
			},
		}},
	})
}
