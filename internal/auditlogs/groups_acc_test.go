package auditlogs_test

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

// group is an expected group_counts element: one record at events[i]'s time.
func group(i int, kv ...string) knownvalue.Check {
	key := map[string]knownvalue.Check{}
	for j := 0; j < len(kv); j += 2 {
		key[kv[j]] = str(kv[j+1])
	}
	ms := t0.Add(-time.Duration(i+1) * time.Minute).UnixMilli()
	rfc := t0.Add(-time.Duration(i+1) * time.Minute).UTC().Format("2006-01-02T15:04:05.000Z")
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"key": knownvalue.MapExact(key), "count": knownvalue.Int64Exact(1),
		"first_time": knownvalue.Int64Exact(ms), "last_time": knownvalue.Int64Exact(ms),
		"first_time_rfc3339": str(rfc), "last_time_rfc3339": str(rfc),
	})
}

func auditIDsAre(ids ...string) knownvalue.Check {
	c := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		c[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"event": knownvalue.ObjectPartial(map[string]knownvalue.Check{"audit_id": str(id)})})
	}
	return knownvalue.ListExact(c)
}

func TestAccClusterAuditLogs_groupCounts(t *testing.T) {
	_, url := acctest.StandIn(t, standin.Options{Records: eventRecords()})
	counts, list := tfjsonpath.New("group_counts"), tfjsonpath.New("data_list")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// Every record of the window counted, none kept; free text has
			// no user or verb.
			Config: eventConfig(url, "group_by = [\"user\", \"verb\"]\ninclude_records = false"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, list, knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(6)),
				statecheck.ExpectKnownValue(addr, counts, knownvalue.ListExact([]knownvalue.Check{
					group(5, "user", "", "verb", ""),
					group(4, "user", "admin", "verb", "get"),
					group(0, "user", "alice@example.com", "verb", "delete"),
					group(2, "user", "carol@example.com", "verb", "create"),
					group(3, "user", "system:anonymous", "verb", "list"),
					group(1, "user", "system:serviceaccount:ci:deployer", "verb", "patch"),
				})),
			},
		}, {
			// Counts cover the window whatever max_results keeps; keys of
			// the same value add up, the most frequent first.
			Config: eventConfig(url, "group_by = [\"namespace\"]\nmax_results = 1\nlimit = 2\nfilter { resources = [\"pods\", \"secrets\", \"deployments\"] }"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, list, auditIDsAre("ev-0")),
				statecheck.ExpectKnownValue(addr, counts, knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"key": knownvalue.MapExact(map[string]knownvalue.Check{"namespace": str("production")}),
						"count": knownvalue.Int64Exact(2), "first_time": knownvalue.Int64Exact(t0.Add(-2 * time.Minute).UnixMilli()),
						"last_time": knownvalue.Int64Exact(t0.Add(-time.Minute).UnixMilli())}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{"key": knownvalue.MapExact(map[string]knownvalue.Check{"namespace": str("shop")}),
						"count": knownvalue.Int64Exact(2)}),
					group(3, "namespace", "kube-system"),
				})),
			},
		}, {
			// Anonymous requests, by resource and response code.
			Config: eventConfig(url, "group_by = [\"resource\", \"response_code\", \"source_ip\", \"user_agent\", \"stage\", \"cluster_type\", \"host_name\"]\n"+
				"filter { user_groups = [\"system:unauthenticated\"] }"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, list, auditIDsAre("ev-3")),
				statecheck.ExpectKnownValue(addr, counts, knownvalue.ListExact([]knownvalue.Check{group(3,
					"resource", "secrets", "response_code", "403", "source_ip", "203.0.113.9", "user_agent", "curl/8.5.0",
					"stage", "ResponseComplete", "cluster_type", "self_built_idc", "host_name", "node")})),
			},
		}, {
			// Without group_by, group_counts is null.
			Config:            eventConfig(url, ""),
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, counts, knownvalue.Null())},
		}},
	})
}

// Each criterion keeps exactly the events it names.
func TestAccClusterAuditLogs_filterCriteria(t *testing.T) {
	s, url := acctest.StandIn(t, standin.Options{Records: eventRecords()})
	list := tfjsonpath.New("data_list")
	step := func(filter string, ids ...string) resource.TestStep {
		return resource.TestStep{
			Config:            eventConfig(url, "filter {\n"+filter+"\n}"),
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, list, auditIDsAre(ids...))},
		}
	}
	single := step(`verbs = ["delete"]`, "ev-0")
	single.PreConfig = s.Reset
	single.Check = func(*terraform.State) error {
		// One verb is the service's filter: every request sent it.
		for _, r := range s.Requests() {
			if r.Query.Get("verb") != "delete" {
				return fmt.Errorf("a request with verb=%q, want every one with verb=delete", r.Query.Get("verb"))
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(`verbs = ["delete", "list"]`, "ev-0", "ev-3"),
			single,
			step(`response_codes = [403, 101]`, "ev-2", "ev-3"),
			step(`decisions = ["forbid"]`, "ev-3"),
			step(`decisions = ["allow"]`, "ev-0"),
			step(`stages = ["ResponseStarted"]`, "ev-2"),
			step(`exclude_namespaces = ["prod*"]`, "ev-2", "ev-3", "ev-4"),
			step(`namespaces = ["sh*", "kube-system"]`, "ev-2", "ev-3", "ev-4"),
			step(`usernames = ["system:*"]`, "ev-1", "ev-3"),
			step(`exclude_usernames = ["system:serviceaccount:*", "alice@example.com", "carol@*"]`, "ev-3", "ev-4"),
			step(`user_groups = ["system:auth*"]`, "ev-0"),
			step(`resources = ["pods"]`, "ev-2"),
			step("verbs = [\"create\", \"get\", \"list\"]\nresponse_codes = [200, 403]\nexclude_usernames = [\"admin\"]", "ev-3"),
			step("", "ev-0", "ev-1", "ev-2", "ev-3", "ev-4"), // an empty block: events only
			{
				// A mistyped criterion is refused by Terraform itself.
				Config:      eventConfig(url, "filter {\n usernmes = [\"nobody\"]\n}"),
				ExpectError: regexp.MustCompile(`(?s)An argument named "usernmes" is not expected here`),
			},
			{
				Config:      eventConfig(url, "filter {\n verbs = [\"exec\"]\n}"),
				ExpectError: regexp.MustCompile(`(?s)filter.verbs\[0\].*value must be one of`),
			},
			step(`resources = ["Secrets", "widgets.example.com"]`), // warned about at plan time, and matches nothing
		},
	})
}
