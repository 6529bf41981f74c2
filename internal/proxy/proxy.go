// Package proxy gives every HTTP client of the provider (HSS, IAM, the ECS
// metadata service) the same proxy rule: HTTPS_PROXY, HTTP_PROXY and
// NO_PROXY (or their lower-case forms) as they are when the client is
// built. http.ProxyFromEnvironment would read them once per process, which
// a provider serving several configurations must not rely on.
package proxy

import (
	"net/http"
	"net/url"

	"golang.org/x/net/http/httpproxy"
)

// FromEnvironment returns a Transport.Proxy function for the current
// environment. Requests to loopback addresses never go through a proxy.
func FromEnvironment() func(*http.Request) (*url.URL, error) {
	f := httpproxy.FromEnvironment().ProxyFunc()
	return func(r *http.Request) (*url.URL, error) { return f(r.URL) }
}
