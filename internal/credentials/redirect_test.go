package credentials

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/httpclient"
)

// elsewhere is the host a redirect points to: it would answer as the
// service does, so a followed redirect would succeed with what it hands
// out. It counts the requests reaching it and the credentials they carry.
type elsewhere struct {
	mu    sync.Mutex
	n     int
	creds []string
	body  string
}

func (e *elsewhere) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.n++
	for _, h := range []string{"Authorization", headerSecurityToken, headerAuthToken} {
		if v := r.Header.Get(h); v != "" {
			e.creds = append(e.creds, h+": "+v)
		}
	}
	e.mu.Unlock()
	w.Header().Set(headerContentType, contentTypeJSON)
	_, _ = w.Write([]byte(e.body))
}

func (e *elsewhere) check(t *testing.T) {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.n != 0 || len(e.creds) != 0 {
		t.Errorf("the redirect's target got %d requests, credentials %q", e.n, e.creds)
	}
}

// redirecting serves a service that answers every request with status and
// a Location on a server of body; it returns both servers' URLs.
func redirecting(t *testing.T, status int, body string) (origin string, other *elsewhere, otherURL string) {
	t.Helper()
	other = &elsewhere{body: body}
	otherSrv := httptest.NewServer(other)
	t.Cleanup(otherSrv.Close)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(headerRequestID, "redirect-req")
		http.Redirect(w, r, otherSrv.URL+r.URL.Path+"?"+r.URL.RawQuery, status)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, other, otherSrv.URL
}

// checkRedirectErr checks that err is the *APIError of a refused redirect.
func checkRedirectErr(t *testing.T, err error, status int, target string) {
	t.Helper()
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("%d: err %v is not an *APIError", status, err)
	}
	if apiErr.StatusCode != status || apiErr.RequestID != "redirect-req" {
		t.Errorf("%d: status %d, request id %q", status, apiErr.StatusCode, apiErr.RequestID)
	}
	var re *httpclient.RedirectError
	if !errors.Is(err, httpclient.ErrRedirect) || !errors.As(err, &re) || re.Status != status || re.Location != target {
		t.Errorf("%d: %v is not the RedirectError of %d to %s (%+v)", status, err, status, target, re)
	}
	want := "HTTP " + strconv.Itoa(status) + ": the service answered " + strconv.Itoa(status) + " " + http.StatusText(status) +
		" with a redirect to " + target + "; redirects are refused, so that no credential leaves for another host"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("%d: error %q\ndoes not say %q", status, err, want)
	}
}

var redirectStatuses = []int{301, 302, 307, 308}

func TestProjectIDRedirectIsRefused(t *testing.T) {
	clients := map[string]*http.Client{
		"IAM client":  httpclient.New(httpclient.Options{}),
		"nil client":  nil, // http.DefaultClient, which would follow
		"own client":  {Timeout: time.Minute},
		"token creds": nil,
	}
	for name, client := range clients {
		for _, status := range redirectStatuses {
			origin, other, target := redirecting(t, status, `{"projects": [{"id": "elsewhere", "name": "`+region+`"}]}`)
			creds := permanent
			if name == "token creds" {
				creds = Value{AuthToken: "MIIdemo-token", Source: "environment"}
			}
			id, err := ProjectID(context.Background(), Static(creds), origin, region, client)
			if id != "" {
				t.Errorf("%s %d: project %q from the redirect's target", name, status, id)
			}
			checkRedirectErr(t, err, status, target)
			if !strings.Contains(err.Error(), "IAM GET "+origin+"/v3/projects: HTTP "+strconv.Itoa(status)) {
				t.Errorf("%s %d: error %q does not name the call", name, status, err)
			}
			other.check(t)
		}
	}
}

func TestAssumeRoleRedirectIsRefused(t *testing.T) {
	for _, status := range redirectStatuses {
		origin, other, target := redirecting(t, status, `{"credential": {"access": "ELSEWHERE", "secret": "s", "securitytoken": "t"}}`)
		_, err := AssumeRole(Static(permanent), origin, "hss-reader", "acme", time.Hour, nil).Retrieve(context.Background())
		checkRedirectErr(t, err, status, target)
		other.check(t)
	}
}

func TestMetadataRedirectIsRefused(t *testing.T) {
	for _, status := range redirectStatuses {
		origin, other, target := redirecting(t, status, `{"credential": {"access": "ELSEWHERE", "secret": "s", "securitytoken": "t"}}`)
		v, err := Metadata(origin, nil).Retrieve(context.Background())
		if v.AccessKey != "" {
			t.Errorf("%d: credentials %q from the redirect's target", status, v.AccessKey)
		}
		checkRedirectErr(t, err, status, target)
		if errors.Is(err, ErrMetadataUnreachable) {
			t.Errorf("%d: a redirect is not an unreachable service: %v", status, err)
		}
		if !strings.HasPrefix(err.Error(), "getting credentials from the ECS metadata service at "+origin+": ") {
			t.Errorf("%d: error %q", status, err)
		}
		other.check(t)
	}
}
