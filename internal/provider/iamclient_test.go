package provider

import (
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/httpclient"
)

func TestIAMClientSettings(t *testing.T) {
	for _, insecure := range []bool{false, true} {
		c := iamClient(insecure, nil)
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

// The IAM client trusts the pool it is given, and follows no redirect.
func TestIAMClientCACertAndRedirect(t *testing.T) {
	var otherHits atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { otherHits.Add(1) }))
	t.Cleanup(other.Close)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, other.URL+"/v3/projects", http.StatusFound)
			return
		}
		_, _ = w.Write([]byte(`{"projects": []}`))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	roots, err := httpclient.LoadCACerts(ca)
	if err != nil {
		t.Fatal(err)
	}
	c := iamClient(false, roots)
	if tr, ok := c.Transport.(*http.Transport); !ok || tr.TLSClientConfig.RootCAs != roots {
		t.Fatalf("transport %T does not carry the pool", c.Transport)
	}
	resp, err := c.Get(srv.URL + "/v3/projects")
	if err != nil {
		t.Fatalf("with the CA file: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if resp, err := iamClient(false, nil).Get(srv.URL + "/v3/projects"); err == nil {
		_ = resp.Body.Close()
		t.Fatal("the test server is trusted without the CA file")
	}

	_, err = c.Get(srv.URL + "/redirect")
	var re *httpclient.RedirectError
	if !errors.As(err, &re) || re.Status != http.StatusFound || re.Location != other.URL || otherHits.Load() != 0 {
		t.Fatalf("redirect: err %v, other server hit %d times", err, otherHits.Load())
	}
}
