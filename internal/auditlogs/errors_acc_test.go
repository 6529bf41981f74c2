package auditlogs_test

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// re builds a regexp whose spaces match any run of white space: the CLI
// wraps diagnostics at about 78 columns.
func re(s string) *regexp.Regexp {
	return regexp.MustCompile(regexp.MustCompile(` +`).ReplaceAllString(regexp.QuoteMeta(s), `\s+`))
}

func TestAccClusterAuditLogs_invalidInputSendsNothing(t *testing.T) {
	s, url := acctest.StandIn(t, standin.Options{Records: fixed})
	step := func(args string, msg ...string) resource.TestStep {
		parts := make([]string, len(msg))
		for i, m := range msg {
			parts[i] = re(m).String()
		}
		return resource.TestStep{
			Config:      acctest.ProviderConfig(url, "") + "\ndata \"hss_cluster_audit_logs\" \"test\" {\n" + args + "\n}\n",
			ExpectError: regexp.MustCompile(`(?s)` + joinAll(parts)),
		}
	}
	const w = "start_time = 1000\nend_time = 2000\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(`cluster_id = "c"`+"\n"+w+`verb = "exec"`, `Attribute verb value must be one of`, `"deletecollection"`),
			step(`cluster_id = "c"`+"\nstart_time = 3000\nend_time = 2000", "start_time is after end_time", "start_time (3000) is after end_time (2000)"),
			step(`cluster_id = ""`+"\n"+w, "Attribute cluster_id string length must be at least 1"),
			step(`cluster_id = "c"`+"\n"+w+"limit = 0", "Attribute limit value must be between 1 and 200, got: 0"),
			step(`cluster_id = "c"`+"\n"+w+"limit = 201", "Attribute limit value must be between 1 and 200, got: 201"),
			step(`cluster_id = "c"`+"\n"+w+"offset = -1", "Attribute offset value must be at least 0, got: -1"),
			step(`cluster_id = "c"`+"\nstart_time = -5\nend_time = 2000", "Attribute start_time value must be at least 0"),
			// Year 1, what Terraform 1.8 makes of plantimestamp() while it
			// validates: let through validation, stopped before the read.
			step(`cluster_id = "c"`+"\nstart_time = -62135596800000\nend_time = 2000", "Attribute start_time value must be at least 0, got: -62135596800000"),
			step(`cluster_id = "c"`+"\nstart_time = 1000", `The argument "end_time" is required`),
		},
	})
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("invalid input sent %d requests", n)
	}
}

func joinAll(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += ".*"
		}
		out += p
	}
	return out
}

func TestAccClusterAuditLogs_serviceErrors(t *testing.T) {
	s, url := acctest.StandIn(t, standin.Options{Records: fixed, EnterpriseProjects: []string{"eps-mine"}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// 403 on an enterprise project the caller may not read.
			Config:      config(url, "", `enterprise_project_id = "eps-other"`),
			ExpectError: regexp.MustCompile(`(?s)HTTP status: 403.*error_code: HSS.0004.*error_msg: .*eps-other.*request id: [0-9a-f]+.*` + re(`may not read enterprise project "eps-other"`).String() + `.*all_granted_eps`),
		}, {
			// A 500 every time: retried up to max_retries, then reported with the count.
			PreConfig: func() {
				s.Inject(fault(500), fault(500), fault(500))
			},
			Config:      config(url, "max_retries = 2", ""),
			ExpectError: regexp.MustCompile(`(?s)HTTP status: 500.*request id: [0-9a-f]+.*attempts: 3.*` + re("failed after 3 attempts").String()),
		}, {
			// Throttled twice, then answered: the read succeeds, whole.
			PreConfig: func() {
				s.Reset()
				s.Inject(standin.Fault{Status: 429, Header: http.Header{"Retry-After": {"0"}}}, fault(503))
			},
			Config: config(url, "max_retries = 2", ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), knownvalue.ListExact([]knownvalue.Check{record(0), record(1), record(2)})),
			},
			Check: func(*terraform.State) error {
				reqs := s.Requests()
				if len(reqs) < 3 || reqs[0].Status != 429 || reqs[1].Status != 503 || reqs[2].Status != 200 {
					return fmt.Errorf("requests %+v", statuses(reqs))
				}
				// Each attempt signed afresh: the stand-in verified all three.
				return nil
			},
		}, {
			// A 400 is not retried.
			PreConfig: func() {
				s.Reset()
				s.Inject(standin.Fault{Status: 400, Body: `{"error_code":"HSS.1001","error_msg":"limit is too large"}`})
			},
			Config:      config(url, "", ""),
			ExpectError: regexp.MustCompile(`(?s)HTTP status: 400.*error_code: HSS.1001.*error_msg: limit is too large.*attempts: 1`),
		}, {
			// A gateway's HTML page on a 200: an error naming the page, never an empty list.
			PreConfig:   func() { s.Reset(); s.Inject(standin.Fault{Status: 200, Body: "<html>maintenance</html>"}) },
			Config:      config(url, "", ""),
			ExpectError: regexp.MustCompile(`(?s)HTTP status: 200.*not an audit-log page.*maintenance.*page: offset=0`),
		}},
	})
}

func fault(status int) standin.Fault { return standin.Fault{Status: status} }

func statuses(reqs []standin.LoggedRequest) []int {
	out := make([]int, len(reqs))
	for i, r := range reqs {
		out[i] = r.Status
	}
	return out
}

func TestAccClusterAuditLogs_pagingThatMakesNoProgressFails(t *testing.T) {
	const id = "44444444-aaaa-bbbb-cccc-000000000004"
	// Records without line_num on a service that ignores offset: every page
	// is the first one again. The read must fail, not return a short list.
	recs := standin.Generate(id, "self_built_idc", 30, t0, false)
	_, url := acctest.StandIn(t, standin.Options{Records: recs, Paging: standin.CursorOnly})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      windowConfig(url, id, "limit = 10"),
			ExpectError: regexp.MustCompile(`(?s)Audit-log read incomplete.*offset=10.*` + re("the same records as for page offset=0").String()),
		}},
	})
}
