package provider_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// The request rate stays under max_requests_per_second + 1 in every
// one-second window, with eight pages in flight and throttled answers
// (which count too).
func TestAccProvider_requestRateLimit(t *testing.T) {
	const cluster = "77777777-aaaa-bbbb-cccc-000000000007"
	recs := standin.Generate(cluster, "self_built_idc", 120, now, false)
	s, url := acctest.StandIn(t, standin.Options{Records: recs})
	throttle := func(offset string) standin.Fault {
		return standin.Fault{Status: 429, Header: http.Header{"Retry-After": {"0"}}, Match: map[string][]string{"offset": {offset}}}
	}
	s.Inject(throttle("30"), throttle("60"), throttle("90"))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderConfig(url, "max_concurrency = 8\nmax_requests_per_second = 4") + fmt.Sprintf(`
data "hss_cluster_audit_logs" "test" {
  cluster_id = %q
  start_time = %d
  end_time   = %d
  limit      = 10
}
`, cluster, now.Add(-time.Hour).UnixMilli(), now.UnixMilli()),
			Check: func(*terraform.State) error {
				reqs := s.Requests()
				if len(reqs) < 15 { // 12 pages and 3 retries, in each read
					return fmt.Errorf("only %d requests", len(reqs))
				}
				for i, r := range reqs {
					n := 0
					for _, o := range reqs[i:] {
						if o.Time.Sub(r.Time) < time.Second {
							n++
						}
					}
					if n > 5 {
						return fmt.Errorf("%d requests in the second from request %d (limit 4 + 1)", n, i)
					}
				}
				return nil
			},
		}},
	})
}

// connectRecorder is an HTTPS proxy that records the hosts asked for, and
// refuses them: the test needs to know where a read went, not its answer.
type connectRecorder struct {
	mu    sync.Mutex
	hosts []string
}

func (p *connectRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.hosts = append(p.hosts, r.Method+" "+r.Host)
	p.mu.Unlock()
	http.Error(w, "recorded", http.StatusForbidden)
}

func (p *connectRecorder) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.hosts...)
}

// Reads go through HTTPS_PROXY, to the endpoint of their region: Europe's
// regions under myhuaweicloud.eu. Not parallel: it sets the environment.
func TestAccProvider_httpsProxyAndRegionEndpoints(t *testing.T) {
	proxy := &connectRecorder{}
	ps := httptest.NewServer(proxy)
	defer ps.Close()
	t.Setenv("HTTPS_PROXY", ps.URL)
	t.Setenv("NO_PROXY", "")
	config := func(region string) string {
		return acctest.Variables + fmt.Sprintf(`
provider "hss" {
  region      = %q
  project_id  = %q
  access_key  = var.hss_access_key
  secret_key  = var.hss_secret_key
  max_retries = 0
}
`, region, acctest.ProjectID) + dataSource()
	}
	for _, tc := range []struct{ region, host string }{
		{"cn-north-4", "CONNECT hss.cn-north-4.myhuaweicloud.com:443"},
		{"eu-west-101", "CONNECT hss.eu-west-101.myhuaweicloud.eu:443"},
	} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      config(tc.region),
				ExpectError: regexp.MustCompile(`(?s)Error reading HSS cluster audit logs.*No\s+answer\s+from\s+the\s+service`),
			}},
		})
		seen := proxy.seen()
		if len(seen) == 0 || seen[len(seen)-1] != tc.host {
			t.Fatalf("%s: the proxy saw %v, want %s", tc.region, seen, tc.host)
		}
	}
}

// IAM (project discovery) and the ECS metadata service go through the
// proxies too: HTTPS_PROXY for IAM's https endpoint, HTTP_PROXY for the
// metadata service's http one. Not parallel: it sets the environment.
func TestAccProvider_proxyForIAMAndMetadata(t *testing.T) {
	proxy := &connectRecorder{}
	ps := httptest.NewServer(proxy)
	defer ps.Close()
	t.Setenv("HTTPS_PROXY", ps.URL)
	t.Setenv("HTTP_PROXY", ps.URL)
	t.Setenv("NO_PROXY", "")
	t.Setenv("HW_METADATA_ENDPOINT", "http://169.254.169.254")

	for _, tc := range []struct {
		name, config, host string
		err                *regexp.Regexp
	}{
		{"IAM", acctest.Variables + `
provider "hss" {
  region     = "eu-west-101"
  access_key = var.hss_access_key
  secret_key = var.hss_secret_key
}
`, "CONNECT iam.eu-west-101.myhuaweicloud.eu:443", regexp.MustCompile(`(?s)Cannot\s+reach\s+IAM.*region\s+eu-west-101`)},
		{"metadata", `
provider "hss" {
  region     = "cn-north-4"
  project_id = "p"
}
`, "GET 169.254.169.254", regexp.MustCompile(`(?s)Missing credentials.*metadata`)},
	} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      tc.config + dataSource(),
				ExpectError: tc.err,
			}},
		})
		seen := proxy.seen()
		if len(seen) == 0 || seen[len(seen)-1] != tc.host {
			t.Fatalf("%s: the proxy saw %v, want %s", tc.name, seen, tc.host)
		}
	}
}
