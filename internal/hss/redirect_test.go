package hss

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hss-tf/terraform-provider-hss/internal/credentials"
	"github.com/hss-tf/terraform-provider-hss/internal/httpclient"
)

// An endpoint redirecting elsewhere fails the read at once: the signed
// request is not sent on to the Location, and not retried.
func TestRedirectIsRefusedAndNotRetried(t *testing.T) {
	for _, status := range []int{301, 302, 307, 308} {
		var otherHits atomic.Int64
		var otherAuth atomic.Value
		other := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			otherHits.Add(1)
			otherAuth.Store(r.Header.Get("Authorization"))
		}))
		t.Cleanup(other.Close)
		f := &fake{respond: func(int, url.Values) (int, http.Header, string) {
			return status, http.Header{"Location": {other.URL + "/v5/elsewhere"}}, ""
		}}
		c, slept := newTestClient(t, f, nil)
		_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())

		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("%d: err %v is not an *APIError", status, err)
		}
		if apiErr.StatusCode != status || apiErr.Attempts != 1 || apiErr.RequestID != "req-1" {
			t.Errorf("%d: status %d, attempts %d, request id %q", status, apiErr.StatusCode, apiErr.Attempts, apiErr.RequestID)
		}
		if n := len(f.requests()); n != 1 || len(*slept) != 0 {
			t.Errorf("%d: %d requests, slept %v: want 1 attempt and no wait", status, n, *slept)
		}
		if !errors.Is(err, httpclient.ErrRedirect) {
			t.Errorf("%d: %v does not wrap httpclient.ErrRedirect", status, err)
		}
		var re *httpclient.RedirectError
		if !errors.As(err, &re) || re.Status != status || re.Location != other.URL {
			t.Errorf("%d: RedirectError %+v, want location %s", status, re, other.URL)
		}
		want := "the service answered " + strconv.Itoa(status) + " " + http.StatusText(status) + " with a redirect to " + other.URL + "; redirects are refused"
		if !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "HTTP "+strconv.Itoa(status)) {
			t.Errorf("%d: error %q does not name the redirect (%q)", status, err, want)
		}
		if n := otherHits.Load(); n != 0 {
			t.Errorf("%d: the other server got %d requests (Authorization %v)", status, n, otherAuth.Load())
		}
	}
}

// Config.RootCAs reaches the client's own HTTP client: an endpoint whose
// certificate only a CA file vouches for is read with it, and refused
// without it.
func TestCACertFileTrustedByTheClient(t *testing.T) {
	f := &fake{t: t, respond: func(int, url.Values) (int, http.Header, string) { return 200, nil, pageBody(1, 0, 1, false) }}
	srv := httptest.NewUnstartedServer(f)
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
	newClient := func(roots *x509.CertPool) *Client {
		c, err := New(Config{
			Endpoint: srv.URL, ProjectID: testProject, RootCAs: roots,
			Credentials: credentials.Static(credentials.Value{AccessKey: testAK, SecretKey: testSK}),
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := newClient(roots)
	if tr, ok := c.cfg.HTTPClient.Transport.(*http.Transport); !ok || tr.TLSClientConfig.RootCAs != roots {
		t.Fatalf("transport %T does not carry the pool", c.cfg.HTTPClient.Transport)
	}
	if _, err := c.ListClusterAuditLogs(context.Background(), baseQuery()); err != nil {
		t.Fatalf("with the CA file: %v", err)
	}
	_, err = newClient(nil).ListClusterAuditLogs(context.Background(), baseQuery())
	var apiErr *APIError
	if !errors.Is(err, ErrUntrustedCertificate) || !errors.As(err, &apiErr) || apiErr.Attempts != 1 {
		t.Fatalf("without the CA file: %v", err)
	}
}
