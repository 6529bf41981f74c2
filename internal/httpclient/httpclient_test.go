package httpclient

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

func transport(t *testing.T, c *http.Client) *http.Transport {
	t.Helper()
	tr, ok := c.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("transport is %T, not *http.Transport", c.Transport)
	}
	return tr
}

func TestNewOptionsReachTheTransport(t *testing.T) {
	c := New(Options{
		Timeout:               7 * time.Second,
		DialTimeout:           2 * time.Second,
		KeepAlive:             5 * time.Second,
		TLSHandshakeTimeout:   3 * time.Second,
		ResponseHeaderTimeout: 4 * time.Second,
		IdleConnTimeout:       6 * time.Second,
		MaxIdleConns:          9,
		MaxIdleConnsPerHost:   8,
	})
	tr := transport(t, c)
	if c.Timeout != 7*time.Second {
		t.Errorf("Timeout %s", c.Timeout)
	}
	if tr.TLSHandshakeTimeout != 3*time.Second || tr.ResponseHeaderTimeout != 4*time.Second || tr.IdleConnTimeout != 6*time.Second {
		t.Errorf("timeouts: handshake %s, response header %s, idle %s", tr.TLSHandshakeTimeout, tr.ResponseHeaderTimeout, tr.IdleConnTimeout)
	}
	if tr.MaxIdleConns != 9 || tr.MaxIdleConnsPerHost != 8 {
		t.Errorf("idle conns %d, per host %d", tr.MaxIdleConns, tr.MaxIdleConnsPerHost)
	}
	if !tr.ForceAttemptHTTP2 || tr.ExpectContinueTimeout != time.Second || tr.DialContext == nil || tr.Proxy == nil {
		t.Errorf("transport %+v", tr)
	}
	if tr.TLSClientConfig == nil || tr.TLSClientConfig.MinVersion != tls.VersionTLS12 || tr.TLSClientConfig.InsecureSkipVerify {
		t.Errorf("TLS config %+v", tr.TLSClientConfig)
	}
}

func TestNewDefaults(t *testing.T) {
	c := New(Options{})
	tr := transport(t, c)
	if c.Timeout != 0 || tr.ResponseHeaderTimeout != 0 {
		t.Errorf("Timeout %s, ResponseHeaderTimeout %s: want no limit", c.Timeout, tr.ResponseHeaderTimeout)
	}
	if tr.TLSHandshakeTimeout != DefaultTLSHandshakeTimeout || tr.IdleConnTimeout != DefaultIdleConnTimeout {
		t.Errorf("handshake %s, idle %s", tr.TLSHandshakeTimeout, tr.IdleConnTimeout)
	}
	if tr.MaxIdleConns != DefaultMaxIdleConns || tr.MaxIdleConnsPerHost != 0 {
		t.Errorf("idle conns %d, per host %d", tr.MaxIdleConns, tr.MaxIdleConnsPerHost)
	}
	if !tr.ForceAttemptHTTP2 || tr.TLSClientConfig == nil || tr.TLSClientConfig.MinVersion != tls.VersionTLS12 {
		t.Errorf("transport %+v", tr)
	}
}

func TestNewNoLimit(t *testing.T) {
	c := New(Options{
		Timeout: NoLimit, DialTimeout: NoLimit, TLSHandshakeTimeout: NoLimit,
		ResponseHeaderTimeout: NoLimit, IdleConnTimeout: NoLimit, MaxIdleConns: -1,
	})
	tr := transport(t, c)
	if c.Timeout != 0 || tr.TLSHandshakeTimeout != 0 || tr.ResponseHeaderTimeout != 0 || tr.IdleConnTimeout != 0 || tr.MaxIdleConns != 0 {
		t.Errorf("client %+v, transport %+v", c, tr)
	}
}

func TestNewDisableHTTP2(t *testing.T) {
	if tr := transport(t, New(Options{DisableHTTP2: true})); tr.ForceAttemptHTTP2 {
		t.Error("ForceAttemptHTTP2 with DisableHTTP2")
	}
}

func TestNewInsecure(t *testing.T) {
	tr := transport(t, New(Options{Insecure: true}))
	if !tr.TLSClientConfig.InsecureSkipVerify || tr.TLSClientConfig.MinVersion != tls.VersionTLS12 {
		t.Fatalf("TLS config %+v", tr.TLSClientConfig)
	}

	// Against a self-signed server: refused, unless insecure.
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	t.Cleanup(srv.Close)
	noProxy := func(*http.Request) (*url.URL, error) { return nil, nil }
	if resp, err := New(Options{Proxy: noProxy}).Get(srv.URL); err == nil {
		_ = resp.Body.Close()
		t.Error("a self-signed certificate was trusted")
	}
	resp, err := New(Options{Proxy: noProxy, Insecure: true}).Get(srv.URL)
	if err != nil {
		t.Fatalf("insecure: %v", err)
	}
	_ = resp.Body.Close()
}

func TestNewProxy(t *testing.T) {
	t.Run("set", func(t *testing.T) {
		want := errors.New("the given proxy")
		tr := transport(t, New(Options{Proxy: func(*http.Request) (*url.URL, error) { return nil, want }}))
		if _, err := tr.Proxy(httptest.NewRequest(http.MethodGet, "https://example.com/", nil)); !errors.Is(err, want) {
			t.Fatalf("proxy func not used: %v", err)
		}
	})
	t.Run("nil reads the environment at New", func(t *testing.T) {
		t.Setenv("HTTPS_PROXY", "http://proxy.test:3128")
		t.Setenv("HTTP_PROXY", "")
		t.Setenv("NO_PROXY", "")
		for _, k := range []string{"https_proxy", "http_proxy", "no_proxy"} {
			t.Setenv(k, "")
		}
		tr := transport(t, New(Options{}))
		t.Setenv("HTTPS_PROXY", "http://other.test:3128") // read at New, not per request
		u, err := tr.Proxy(httptest.NewRequest(http.MethodGet, "https://example.com/", nil))
		if err != nil || u == nil || u.Host != "proxy.test:3128" {
			t.Fatalf("proxy %v, %v", u, err)
		}
	})
}
