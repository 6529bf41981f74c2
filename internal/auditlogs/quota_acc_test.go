package auditlogs_test

import (
	"fmt"
	"regexp"
	"strconv"
	"sync"
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

const quotaCluster = "77777777-aaaa-bbbb-cccc-000000000007"

// The stand-in's quota is the documented one, 5 calls a window, with the
// window shortened from a minute to 2 s so the tests run in seconds.
var testQuota = standin.Quota{Calls: 5, Window: 2 * time.Second}

func quotaRecords(n int) []standin.Record {
	return standin.Generate(quotaCluster, "self_built_idc", n, t0, false)
}

// everyPageOnce checks that every read of the step got each page exactly
// once (throttled attempts aside), that no other page was asked, and that
// the quota was in force.
func everyPageOnce(s *standin.Server, pages int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := map[string]int{}
		throttled := 0
		for _, r := range s.Requests() {
			switch r.Status {
			case 200:
				got[r.Query.Get("offset")]++
			case 429:
				throttled++
			}
		}
		reads := got["0"]
		if reads == 0 || throttled == 0 {
			return fmt.Errorf("%d reads, %d throttled answers: the quota was not in force", reads, throttled)
		}
		for i := range pages {
			if n := got[fmt.Sprint(i*10)]; n != reads {
				return fmt.Errorf("page offset=%d answered %d times in %d reads", i*10, n, reads)
			}
		}
		if len(got) != pages {
			return fmt.Errorf("pages asked: %v, want %d pages", got, pages)
		}
		return nil
	}
}

// A 15-page read under the quota, with no Retry-After and default
// settings (max_retries 5), completes with every record: the 429s are
// waited out, not counted against max_retries.
func TestAccClusterAuditLogs_quotaWaitedOut(t *testing.T) {
	for _, retryAfter := range []bool{false, true} {
		t.Run(fmt.Sprintf("retry_after=%v", retryAfter), func(t *testing.T) {
			recs := quotaRecords(150)
			q := testQuota
			q.RetryAfter = retryAfter
			s, url := acctest.StandIn(t, standin.Options{Records: recs, Quota: q})
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: windowConfig(url, quotaCluster, "limit = 10"),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(150)),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), everyRecord(recs)),
					},
					Check: everyPageOnce(s, 15),
				}},
			})
		})
	}
}

// Four plans at once on one account share its quota; each gets every
// record.
func TestAccClusterAuditLogs_quotaFourPlansAtOnce(t *testing.T) {
	recs := quotaRecords(50)
	s, url := acctest.StandIn(t, standin.Options{Records: recs, Quota: testQuota})
	var mu sync.Mutex
	done := 0
	t.Cleanup(func() {
		if done == 4 && s.Throttled() == 0 {
			t.Error("four plans at once were never throttled: the quota was not in force")
		}
	})
	for i := range 4 {
		t.Run(fmt.Sprintf("plan-%d", i), func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: windowConfig(url, quotaCluster, "limit = 10"),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(50)),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), everyRecord(recs)),
					},
				}},
			})
			mu.Lock()
			done++
			mu.Unlock()
		})
	}
}

// A window the deadline cannot fit fails early, with the forecast: the
// records, the calls made and still needed, the rate, and the remedies.
func TestAccClusterAuditLogs_quotaForecast(t *testing.T) {
	recs := quotaRecords(500) // 50 calls: 20 s at 5 calls in 2 s
	s, url := acctest.StandIn(t, standin.Options{Records: recs, Quota: testQuota})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: windowConfig(url, quotaCluster, "limit = 10\n"+`timeouts = { read = "10s" }`),
			ExpectError: regexp.MustCompile(`(?s)Audit-log read cannot finish under the API quota.*cannot\s+finish\s+in\s+time:\s+its\s+\d+\s+more\s+calls\s+at\s+` +
				`[\d.]+\s+calls\s+a\s+minute\s+need\s+about.*remain\s+before\s+its\s+deadline.*500\s+records\s+in\s+the\s+window.*\d+\s+calls\s+made.*` +
				`Narrow\s+the\s+window.*timeouts\s+=\s+\{\s+read.*fewer\s+plans`),
		}},
	})
	// It failed on the forecast (the error above says so), having spent
	// few of the account's calls: 10 s at 5 calls in 2 s would be 25
	// accepted calls, and more throttled ones.
	accepted := 0
	for _, r := range s.Requests() {
		if r.Status == 200 {
			accepted++
		}
	}
	if accepted > 15 {
		t.Errorf("%d calls accepted before the forecast stopped the read", accepted)
	}
}

// A window ending in the future, read slowly under the quota while logs
// keep arriving in its recent tail: the settled records come exactly once
// each and the read is exact as of its tail; read whole (settle_delay =
// "0s"), the same read meets shifting pages and fails.
func TestAccClusterAuditLogs_quotaTailGrowsDuringTheRead(t *testing.T) {
	now := time.Now()
	settled := standin.Generate(quotaCluster, "self_built_idc", 120, now.Add(-10*time.Minute), false)
	start, end := now.Add(-time.Hour).UnixMilli(), now.Add(10*time.Minute).UnixMilli()
	s, url := acctest.StandIn(t, standin.Options{Records: settled, Quota: testQuota})
	arrivals := func(stop <-chan struct{}) {
		for i := range 90 { // a record a second, for at most a minute and a half
			select {
			case <-stop:
				return
			case <-time.After(time.Second):
				recs := standin.Generate(quotaCluster, "self_built_idc", 1, time.Now().Add(-10*time.Second), false)
				recs[0].Content = fmt.Sprintf("arrival %d", i)
				s.Add(recs...)
			}
		}
	}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	config := func(settle string) string {
		return acctest.ProviderConfig(url, settle) + fmt.Sprintf(`
data "hss_cluster_audit_logs" "test" {
  cluster_id = %q
  start_time = %d
  end_time   = %d
  limit      = 10
}
`, quotaCluster, start, end)
	}
	exact := func(st *terraform.State) error {
		a := st.RootModule().Resources["data.hss_cluster_audit_logs.test"].Primary.Attributes
		n, _ := strconv.Atoi(a["data_list.#"])
		if a["total_num"] != a["data_list.#"] {
			return fmt.Errorf("total_num %s, %d records", a["total_num"], n)
		}
		seen := map[string]int{}
		prev := int64(1 << 62)
		for i := range n {
			tm, _ := strconv.ParseInt(a[fmt.Sprintf("data_list.%d.time", i)], 10, 64)
			if tm > prev {
				return fmt.Errorf("record %d out of the service's order", i)
			}
			prev = tm
			seen[a[fmt.Sprintf("data_list.%d.time", i)]]++
		}
		for _, r := range settled {
			if c := seen[strconv.FormatInt(r.Time, 10)]; c != 1 {
				return fmt.Errorf("settled record at %d listed %d times", r.Time, c)
			}
		}
		if n <= len(settled) {
			return fmt.Errorf("%d records: no arrival was read", n)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Logs are arriving when the read begins, and go on arriving.
				PreConfig: func() {
					s.Add(standin.Generate(quotaCluster, "self_built_idc", 3, time.Now().Add(-time.Minute), false)...)
					go arrivals(stop)
				},
				Config: config(""),
				Check:  exact,
			},
			{
				Config:      config(`settle_delay = "0s"`),
				ExpectError: regexp.MustCompile(`(?s)Audit-log read incomplete.*total_num\s+changed`),
			},
		},
	})
}
