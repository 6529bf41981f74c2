package httpclient

import (
	"crypto/tls"
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
	"strings"
	"sync"
	"testing"
)

// recorder is a server that counts the requests reaching it and keeps the
// credential headers they carried.
type recorder struct {
	mu    sync.Mutex
	n     int
	creds []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	for _, h := range credentialHeaders {
		if v := req.Header.Get(h); v != "" {
			r.creds = append(r.creds, h+": "+v)
		}
	}
	_, _ = w.Write([]byte("ok"))
}

func (r *recorder) got() (int, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n, append([]string(nil), r.creds...)
}

var credentialHeaders = []string{"Authorization", "X-Security-Token", "X-Auth-Token"}

// redirector answers every request with status and a Location to target.
func redirector(status int, target string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target+"/elsewhere?token=secret", status)
	})
}

// credentialRequest is a POST with a body that net/http could resend, and
// every credential header the provider's requests may carry.
func credentialRequest(t *testing.T, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u+"/v5/logs", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abc")
	req.Header.Set("X-Security-Token", "security-token")
	req.Header.Set("X-Auth-Token", "iam-token")
	return req
}

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// checkRefused sends a credential request to origin and checks that it
// fails with a *RedirectError naming status and the target's scheme://host,
// and that the target heard nothing.
func checkRefused(t *testing.T, c *http.Client, origin string, status int, target string, other *recorder) {
	t.Helper()
	resp, err := c.Do(credentialRequest(t, origin))
	if err == nil {
		_ = resp.Body.Close()
		t.Fatalf("status %d: the redirect was followed (answer %s)", status, resp.Status)
	}
	if !errors.Is(err, ErrRedirect) {
		t.Errorf("status %d: %v does not wrap ErrRedirect", status, err)
	}
	var re *RedirectError
	if !errors.As(err, &re) {
		t.Fatalf("status %d: %v is not a *RedirectError", status, err)
	}
	if re.Status != status || re.Location != target {
		t.Errorf("RedirectError %+v, want status %d, location %s", re, status, target)
	}
	want := "the service answered " + statusLine(status) + " with a redirect to " + target +
		"; redirects are refused, so that no credential leaves for another host: point the endpoint at the service itself"
	if re.Error() != want {
		t.Errorf("error %q\nwant  %q", re.Error(), want)
	}
	// The *url.Error around it names the whole Location (net/http's
	// doing); the RedirectError itself keeps to scheme and host.
	if strings.Contains(re.Error(), "secret") || strings.Contains(re.Error(), "/elsewhere") {
		t.Errorf("the error shows the Location's path or query: %v", re)
	}
	if n, creds := other.got(); n != 0 || len(creds) != 0 {
		t.Errorf("status %d: the other server got %d requests, credentials %q", status, n, creds)
	}
}

func statusLine(status int) string {
	return map[int]string{301: "301 Moved Permanently", 302: "302 Found", 303: "303 See Other", 307: "307 Temporary Redirect", 308: "308 Permanent Redirect"}[status]
}

var redirectStatuses = []int{301, 302, 303, 307, 308}

func TestRedirectToAnotherPortIsRefused(t *testing.T) {
	for _, status := range redirectStatuses {
		other := &recorder{}
		otherSrv := httptest.NewServer(other)
		t.Cleanup(otherSrv.Close)
		origin := httptest.NewServer(redirector(status, otherSrv.URL))
		t.Cleanup(origin.Close)
		if hostOf(t, origin.URL) == hostOf(t, otherSrv.URL) {
			t.Fatal("the two servers share a port")
		}
		checkRefused(t, New(Options{}), origin.URL, status, otherSrv.URL, other)
	}
}

// An https endpoint redirecting to http:// would send the token in clear.
func TestRedirectFromHTTPSToHTTPIsRefused(t *testing.T) {
	for _, status := range redirectStatuses {
		other := &recorder{}
		otherSrv := httptest.NewServer(other)
		t.Cleanup(otherSrv.Close)
		origin := httptest.NewTLSServer(redirector(status, otherSrv.URL))
		t.Cleanup(origin.Close)
		roots, err := LoadCACerts(writeCA(t, origin))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(otherSrv.URL, "http://") {
			t.Fatalf("target %s", otherSrv.URL)
		}
		checkRefused(t, New(Options{RootCAs: roots}), origin.URL, status, otherSrv.URL, other)
	}
}

// The servers above do redirect: a client with net/http's default policy
// follows them, credentials and all. This is what the refusal prevents.
func TestRedirectControlDefaultPolicyFollows(t *testing.T) {
	other := &recorder{}
	otherSrv := httptest.NewServer(other)
	t.Cleanup(otherSrv.Close)
	origin := httptest.NewServer(redirector(http.StatusTemporaryRedirect, otherSrv.URL))
	t.Cleanup(origin.Close)
	c := New(Options{})
	c.CheckRedirect = nil
	resp, err := c.Do(credentialRequest(t, origin.URL))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if n, creds := other.got(); n != 1 || len(creds) == 0 {
		t.Fatalf("the other server got %d requests, credentials %q: the control does not redirect", n, creds)
	}
}

func TestNewSetsRefuseRedirect(t *testing.T) {
	c := New(Options{})
	if c.CheckRedirect == nil {
		t.Fatal("no CheckRedirect")
	}
	req, _ := http.NewRequest(http.MethodGet, "http://other.example:8080/x?token=t", nil)
	req.Response = &http.Response{StatusCode: 302}
	err := c.CheckRedirect(req, nil)
	want := "the service answered 302 Found with a redirect to http://other.example:8080; redirects are refused, so that no credential leaves for another host: point the endpoint at the service itself"
	if err == nil || err.Error() != want {
		t.Fatalf("err %v", err)
	}
}

// writeCA writes the test server's certificate as a PEM file.
func writeCA(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ca.pem")
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCACertFileIsTrusted(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("hello")) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below
	srv.StartTLS()
	t.Cleanup(srv.Close)
	roots, err := LoadCACerts(writeCA(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := New(Options{RootCAs: roots}).Get(srv.URL)
	if err != nil {
		t.Fatalf("with the CA file: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}

	resp, err = New(Options{}).Get(srv.URL)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatal("the test server's certificate is trusted without the CA file")
	}
	var certErr *tls.CertificateVerificationError
	if !errors.As(err, &certErr) {
		t.Fatalf("without the CA file: %v, not a certificate verification error", err)
	}
}

func TestLoadCACertsErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadCACerts(filepath.Join(dir, "missing.pem")); err == nil || !strings.Contains(err.Error(), "reading the CA certificate file") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCACerts(empty); err == nil || err.Error() != "the CA certificate file "+empty+" holds no PEM certificate" {
		t.Errorf("no certificate: %v", err)
	}
}

// The pool adds the file's authorities to the system's.
func TestLoadCACertsKeepsTheSystemPool(t *testing.T) {
	sys, err := x509SystemPool()
	if err != nil || sys == nil {
		t.Skip("no system pool:", err)
	}
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	roots, err := LoadCACerts(writeCA(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	if sys.Equal(roots) {
		t.Fatal("the file's certificate is not in the pool")
	}
	sys.AddCert(srv.Certificate())
	if !sys.Equal(roots) {
		t.Fatal("the pool is not the system's plus the file's")
	}
}

var x509SystemPool = x509.SystemCertPool
