package auditlogs_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	url2 "net/url"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// Every fault is injected into a four-page read (35 records, 10 a page):
// the outcome is the exact record set, or a specific error.

const faultCluster = "55555555-aaaa-bbbb-cccc-000000000005"

func faultRecords(lineNums bool) []standin.Record {
	return standin.Generate(faultCluster, "self_built_idc", 35, t0, lineNums)
}

// body renders a page of recs as the service would, newest first from index from.
func body(t *testing.T, recs []standin.Record, total, from, n int) string {
	t.Helper()
	list := make([]map[string]any, 0, n)
	for i := from; i < from+n; i++ {
		r := recs[len(recs)-1-i]
		m := map[string]any{"cluster_id": r.ClusterID, "cluster_type": r.ClusterType, "time": r.Time, "content": r.Content,
			"host_id": r.HostID, "host_name": r.HostName, "host_ip": r.HostIP, "cluster_name": r.ClusterName}
		if r.LineNum != "" {
			m["line_num"] = r.LineNum
		}
		list = append(list, m)
	}
	b, err := json.Marshal(map[string]any{"total_num": total, "data_list": list})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// onPage aims f at the page with that offset (or line_num cursor).
func onPage(offset int, f standin.Fault) standin.Fault {
	f.Match = url2.Values{"offset": {strconv.Itoa(offset)}}
	return f
}

func faultStep(url, providerExtra, args string, expect *regexp.Regexp, recs []standin.Record) resource.TestStep {
	cfg := windowConfig(url, faultCluster, "limit = 10\n"+args)
	cfg = acctest.ProviderConfig(url, providerExtra) + cfg[len(acctest.ProviderConfig(url, "")):]
	step := resource.TestStep{Config: cfg}
	if expect != nil {
		step.ExpectError = expect
	} else {
		step.ConfigStateChecks = []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(int64(len(recs)))),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), everyRecord(recs)),
		}
	}
	return step
}

// concurrencies runs a fault test one page at a time and eight at a time:
// the outcome must not depend on it.
var concurrencies = []int{1, 8}

// settle lets the previous step's last requests reach the stand-in before
// its faults are reset: a read that failed may have had the next page in
// flight (offset pages are fetched ahead), and a straggler handled after
// the reset would take the fault meant for the next step's read.
func settle() { time.Sleep(300 * time.Millisecond) }

func TestAccClusterAuditLogs_transientFaultsYieldExactRecords(t *testing.T) {
	for _, c := range concurrencies {
		t.Run(fmt.Sprintf("max_concurrency=%d", c), func(t *testing.T) {
			recs := faultRecords(false)
			s, url := acctest.StandIn(t, standin.Options{Records: recs})
			pc := fmt.Sprintf("max_concurrency = %d", c)
			retryAt := time.Now().Add(time.Second).UTC().Format(http.TimeFormat)
			inject := func(f ...standin.Fault) func() { return func() { settle(); s.Reset(); s.Inject(f...) } }
			steps := []resource.TestStep{
				// Throttled on page 2, with Retry-After as an HTTP date.
				faultStep(url, pc, "", nil, recs),
				// A dropped connection on page 3.
				faultStep(url, pc, "", nil, recs),
				// 502, 503 and 504 on pages 2 to 4.
				faultStep(url, pc, "", nil, recs),
				// A slow answer that is still within the timeout.
				faultStep(url, pc, `timeouts = { read = "1m" }`, nil, recs),
				// Throttled on every page after the first, twice: the read slows down as a whole.
				faultStep(url, pc, "", nil, recs),
			}
			throttle := standin.Fault{Status: 429, Header: http.Header{"Retry-After": {"0"}}}
			steps[0].PreConfig = inject(onPage(10, standin.Fault{Status: 429, Header: http.Header{"Retry-After": {retryAt}}}))
			steps[1].PreConfig = inject(onPage(20, standin.Fault{DropConnection: true}))
			steps[2].PreConfig = inject(onPage(10, standin.Fault{Status: 502, Body: "<html>Bad Gateway</html>"}), onPage(20, standin.Fault{Status: 503}), onPage(30, standin.Fault{Status: 504}))
			steps[3].PreConfig = inject(onPage(10, standin.Fault{Delay: 500 * time.Millisecond}))
			steps[4].PreConfig = inject(onPage(10, throttle), onPage(20, throttle), onPage(30, throttle), onPage(10, throttle), onPage(20, throttle), onPage(30, throttle))
			resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories, Steps: steps})
		})
	}
}

func TestAccClusterAuditLogs_faultsThatFailTheRead(t *testing.T) {
	for _, c := range concurrencies {
		t.Run(fmt.Sprintf("max_concurrency=%d", c), func(t *testing.T) {
			recs := faultRecords(false)
			s, url := acctest.StandIn(t, standin.Options{Records: recs})
			pc := fmt.Sprintf("max_concurrency = %d", c)
			inject := func(f ...standin.Fault) func() { return func() { settle(); s.Reset(); s.Inject(f...) } }
			page := func(offset int, body string) standin.Fault {
				return onPage(offset, standin.Fault{Status: 200, Body: body})
			}
			steps := []resource.TestStep{
				// Page 2 answers slower than the read's timeout allows.
				faultStep(url, pc, `timeouts = { read = "2s" }`, regexp.MustCompile(`(?s)Audit-log read timed out.*offset=10.*timeout\s+of\s+2s`), nil),
				// Page 2 is a truncated body.
				faultStep(url, pc, "", regexp.MustCompile(`(?s)HTTP status: 200.*not an audit-log page.*request id: [0-9a-f]+.*page: offset=10`), nil),
				// Page 3 is a 200 whose body is an error.
				faultStep(url, pc, "", regexp.MustCompile(`(?s)error_code: HSS.0001.*error_msg: backend busy.*page: offset=20`), nil),
				// Page 2 lacks data_list.
				faultStep(url, pc, "", regexp.MustCompile(`(?s)no\s+data_list.*page: offset=10`), nil),
				// Page 2 has a wrong type: time as an object.
				faultStep(url, pc, "", regexp.MustCompile(`(?s)expected\s+an\s+integer.*page: offset=10`), nil),
				// Page 2 lies about the total: the window changed mid-read.
				faultStep(url, pc, "", regexp.MustCompile(`(?s)Audit-log read incomplete.*offset=10.*total_num\s+changed\s+from\s+35\s+to\s+36`), nil),
				// Page 3 repeats page 1: the service went backwards.
				faultStep(url, pc, "", regexp.MustCompile(`(?s)Audit-log read incomplete.*offset=20.*same\s+records\s+as\s+for\s+page\s+offset=0`), nil),
				// Every page announces more than the pages hold.
				faultStep(url, pc, "", regexp.MustCompile(`(?s)Audit-log read incomplete.*total_num\s+\(50\).*incomplete`), nil),
				// Throttled on every attempt: waited out whatever max_retries says,
				// until timeouts.read, then explained.
				faultStep(url, pc+"\nmax_retries = 0", `timeouts = { read = "3s" }`, regexp.MustCompile(
					`(?s)Audit-log read throttled past its deadline.*the service throttled the read.*calls\s+made.*HTTP\s+429\s+APIGW.0308.*timeouts.read\s+\(3s\)`), nil),
				// A page holds more than limit.
				faultStep(url, pc, "", regexp.MustCompile(`(?s)Audit-log read incomplete.*offset=10.*holds\s+11\s+records,\s+more\s+than\s+limit`), nil),
			}
			steps[0].PreConfig = inject(onPage(10, standin.Fault{Delay: time.Minute}))
			steps[1].PreConfig = inject(page(10, body(t, recs, 35, 10, 10)[:200]))
			steps[2].PreConfig = inject(page(20, `{"error_code":"HSS.0001","error_msg":"backend busy"}`))
			steps[3].PreConfig = inject(page(10, `{"total_num":35}`))
			steps[4].PreConfig = inject(page(10, `{"total_num":35,"data_list":[{"time":{"ms":1}}]}`))
			steps[5].PreConfig = inject(page(10, body(t, recs, 36, 10, 10)))
			steps[6].PreConfig = inject(page(20, body(t, recs, 35, 0, 10)))
			steps[7].PreConfig = inject(page(0, body(t, recs, 50, 0, 10)), page(10, body(t, recs, 50, 10, 10)),
				page(20, body(t, recs, 50, 20, 10)), page(30, body(t, recs, 50, 30, 5)), page(40, body(t, recs, 50, 35, 0)))
			throttle := onPage(0, standin.Fault{Status: 429, Header: http.Header{"Retry-After": {"0"}}})
			steps[8].PreConfig = inject(slices.Repeat([]standin.Fault{throttle}, 100)...)
			steps[9].PreConfig = inject(page(10, body(t, recs, 35, 10, 11)))
			resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories, Steps: steps})
		})
	}
}

func TestAccClusterAuditLogs_cursorFaults(t *testing.T) {
	recs := faultRecords(true)
	s, url := acctest.StandIn(t, standin.Options{Records: recs, Paging: standin.CursorOnly})
	inject := func(f ...standin.Fault) func() { return func() { settle(); s.Reset(); s.Inject(f...) } }
	second := url2.Values{"line_num": {recs[len(recs)-10].LineNum}}
	steps := []resource.TestStep{
		// Page 2 repeats page 1: the cursor did not move.
		faultStep(url, "", "", regexp.MustCompile(`(?s)Audit-log read incomplete.*`+fmt.Sprintf("line_num=%s", recs[len(recs)-10].LineNum)+`.*same\s+records`), nil),
		// Logs arrive mid-read: by cursor, the records read stay exact, with a warning.
		faultStep(url, "", "", nil, recs),
	}
	steps[0].PreConfig = inject(standin.Fault{Status: 200, Body: body(t, recs, 35, 0, 10), Match: second})
	steps[1].PreConfig = inject(standin.Fault{Status: 200, Body: body(t, recs, 37, 10, 10), Match: second})
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories, Steps: steps})
}
