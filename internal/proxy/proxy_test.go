package proxy

import (
	"net/http"
	"testing"
)

func TestFromEnvironment(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://proxy.example:3128")
	t.Setenv("HTTP_PROXY", "http://plain-proxy.example:8080")
	t.Setenv("NO_PROXY", "169.254.169.254,.internal.example")
	p := FromEnvironment()
	for target, want := range map[string]string{
		"https://hss.eu-west-101.myhuaweicloud.eu/v5": "http://proxy.example:3128",
		"https://iam.cn-north-4.myhuaweicloud.com/v3": "http://proxy.example:3128",
		"http://hss.cn-north-4.example.com/":          "http://plain-proxy.example:8080",
		"http://169.254.169.254/openstack/latest":     "", // NO_PROXY
		"https://hss.internal.example/":               "", // NO_PROXY suffix
		"http://127.0.0.1:8080/":                      "", // loopback
	} {
		r, _ := http.NewRequest(http.MethodGet, target, nil)
		u, err := p(r)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if u != nil {
			got = u.String()
		}
		if got != want {
			t.Errorf("%s: proxy %q, want %q", target, got, want)
		}
	}

	// Read when built, not once per process.
	t.Setenv("HTTPS_PROXY", "http://other-proxy.example:3128")
	r, _ := http.NewRequest(http.MethodGet, "https://hss.cn-north-4.myhuaweicloud.com/", nil)
	if u, _ := FromEnvironment()(r); u == nil || u.Host != "other-proxy.example:3128" {
		t.Errorf("proxy %v after the environment changed", u)
	}
}
