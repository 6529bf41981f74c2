package provider

import (
	"net/http"
	"testing"
	"time"
)

func TestIAMClientSettings(t *testing.T) {
	for _, insecure := range []bool{false, true} {
		c := iamClient(insecure)
		tr, ok := c.Transport.(*http.Transport)
		if !ok {
			t.Fatalf("transport %T", c.Transport)
		}
		if c.Timeout != time.Minute || tr.ResponseHeaderTimeout != 0 || tr.TLSHandshakeTimeout != 10*time.Second ||
			tr.IdleConnTimeout != 90*time.Second || tr.ExpectContinueTimeout != time.Second {
			t.Errorf("timeouts: client %+v, transport %+v", c, tr)
		}
		if tr.MaxIdleConns != 10 || tr.MaxIdleConnsPerHost != 0 || !tr.ForceAttemptHTTP2 || tr.Proxy == nil {
			t.Errorf("transport %+v", tr)
		}
		if tr.TLSClientConfig.InsecureSkipVerify != insecure {
			t.Errorf("insecure %v: InsecureSkipVerify %v", insecure, tr.TLSClientConfig.InsecureSkipVerify)
		}
	}
}
