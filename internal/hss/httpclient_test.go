package hss

import (
	"net/http"
	"testing"
	"time"
)

// The HSS client's own HTTP client keeps its bounds: each attempt is
// bounded, and one read's pages reuse their connections.
func TestNewHTTPClientSettings(t *testing.T) {
	for _, insecure := range []bool{false, true} {
		c := newHTTPClient(insecure, nil)
		tr, ok := c.Transport.(*http.Transport)
		if !ok {
			t.Fatalf("transport %T", c.Transport)
		}
		if c.Timeout != 120*time.Second || tr.ResponseHeaderTimeout != 60*time.Second || tr.TLSHandshakeTimeout != 10*time.Second ||
			tr.IdleConnTimeout != 90*time.Second || tr.ExpectContinueTimeout != time.Second {
			t.Errorf("timeouts: client %+v, transport %+v", c, tr)
		}
		if tr.MaxIdleConns != 100 || tr.MaxIdleConnsPerHost != MaxConcurrency || !tr.ForceAttemptHTTP2 || tr.Proxy == nil {
			t.Errorf("transport %+v", tr)
		}
		if tr.TLSClientConfig.InsecureSkipVerify != insecure {
			t.Errorf("insecure %v: InsecureSkipVerify %v", insecure, tr.TLSClientConfig.InsecureSkipVerify)
		}
	}
}
