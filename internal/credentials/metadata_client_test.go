package credentials

import (
	"net/http"
	"testing"
	"time"
)

// The metadata client fails fast on a machine without the service, keeps
// one idle connection, and speaks HTTP/1.1 only.
func TestMetadataClientSettings(t *testing.T) {
	c := MetadataClient()
	tr, ok := c.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("transport %T", c.Transport)
	}
	if c.Timeout != 3*time.Second || tr.ResponseHeaderTimeout != 3*time.Second || tr.TLSHandshakeTimeout != 0 || tr.IdleConnTimeout != 30*time.Second {
		t.Errorf("timeouts: client %+v, transport %+v", c, tr)
	}
	if tr.MaxIdleConns != 1 || tr.MaxIdleConnsPerHost != 0 || tr.ForceAttemptHTTP2 || tr.Proxy == nil {
		t.Errorf("transport %+v", tr)
	}
	if tr.TLSClientConfig.InsecureSkipVerify {
		t.Error("the metadata client skips TLS verification")
	}
}
