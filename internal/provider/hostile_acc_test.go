package provider_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
)

// recorder counts what reached a server, and with which credential headers.
type recorder struct {
	mu      sync.Mutex
	n       int
	headers []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.n++
	for _, h := range []string{"Authorization", "X-Security-Token", "X-Auth-Token"} {
		if req.Header.Get(h) != "" {
			r.headers = append(r.headers, h)
		}
	}
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"total_num":0,"data_list":[]}`))
}

// An endpoint that redirects elsewhere gets no credential sent on: the
// plan fails naming the status and the other host, which hears nothing.
func TestAccProvider_redirectRefused(t *testing.T) {
	other := &recorder{}
	os := httptest.NewServer(other)
	defer os.Close()
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect} {
		hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, os.URL+r.URL.RequestURI(), status)
		}))
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config: acctest.ProviderConfig(hostile.URL, "") + dataSource(),
				ExpectError: regexp.MustCompile(`(?s)Error reading HSS cluster audit logs.*HTTP status: ` + strconv.Itoa(status) +
					`.*redirect\s+to\s+` + regexp.QuoteMeta(os.URL) + `.*redirects\s+are\s+refused.*attempts: 1`),
			}},
		})
		hostile.Close()
	}
	if other.n != 0 {
		t.Fatalf("the other host got %d requests, with %v", other.n, other.headers)
	}
}

// Control characters a service writes into its error reach the terminal
// escaped: no screen clearing, no fake "No changes.".
func TestAccProvider_controlCharactersEscaped(t *testing.T) {
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"error_code":"HSS.\u001b[2J","error_msg":"denied\r\n\u001b]0;owned\u0007No changes. Your infrastructure matches the configuration.","request_id":"r\u001b[31m"}`))
	}))
	defer hostile.Close()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      acctest.ProviderConfig(hostile.URL, "max_retries = 0") + dataSource(),
			ExpectError: regexp.MustCompile(`(?s)error_code: HSS\.\\x1b\[2J.*error_msg: denied\\r\\n\\x1b\]0;owned\\x07No\s+changes\..*request id: r\\x1b\[31m`),
		}},
	})
}
