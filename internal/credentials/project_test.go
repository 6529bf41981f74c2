package credentials

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestProjectIDFound(t *testing.T) {
	iam, ts := newIAM(t)
	id, err := ProjectID(context.Background(), Static(permanent), ts.URL, region, nil)
	if err != nil || id != projID {
		t.Fatalf("%q %v", id, err)
	}
	r := iam.Requests()[0]
	// The stand-in answered 200, so the query was in the signature.
	if r.Method != http.MethodGet || r.Path != "/v3/projects" || r.Query.Get("name") != region || r.Status != http.StatusOK {
		t.Fatalf("request %+v", r)
	}
}

func TestProjectIDWithAgencyCredentials(t *testing.T) {
	iam, ts := newIAM(t)
	creds := AssumeRole(Static(permanent), ts.URL, "hss-reader", "acme", time.Hour, nil)
	id, err := ProjectID(context.Background(), creds, ts.URL+"/v3/", region, nil)
	if err != nil || id != projID {
		t.Fatalf("%q %v", id, err)
	}
	reqs := iam.Requests()
	last := reqs[len(reqs)-1]
	if len(reqs) != 2 || last.Header.Get("X-Security-Token") != issueFirst.SecurityToken ||
		!strings.Contains(last.Header.Get("Authorization"), "Access="+issueFirst.AccessKey) {
		t.Fatalf("requests %+v", reqs)
	}
}

func TestProjectIDWithToken(t *testing.T) {
	_, ts := newIAM(t)
	id, err := ProjectID(context.Background(), Static(Value{AuthToken: "MIIdemo-token", Source: "environment"}), ts.URL, region, nil)
	if err != nil || id != projID {
		t.Fatalf("%q %v", id, err)
	}
}

func TestProjectIDNone(t *testing.T) {
	_, ts := newIAM(t)
	_, err := ProjectID(context.Background(), Static(permanent), ts.URL, "ap-southeast-3", nil)
	if !errors.Is(err, ErrNoProject) {
		t.Fatalf("err %v", err)
	}
	for _, want := range []string{"region ap-southeast-3", "has no project named ap-southeast-3", "credentials from provider block", "set project_id"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("%q does not say %q", err, want)
		}
	}
}

func TestProjectIDPicksExactName(t *testing.T) {
	// An IAM answering more than asked: only the exact name counts.
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"projects": [{"id": "sub", "name": "cn-north-4_sub"}, {"id": "main", "name": "cn-north-4"}]}`))
	}))
	t.Cleanup(ts.Close)
	id, err := ProjectID(context.Background(), Static(permanent), ts.URL, region, nil)
	if err != nil || id != "main" {
		t.Fatalf("%q %v", id, err)
	}
	_, err = ProjectID(context.Background(), Static(permanent), ts.URL, "cn-north-1", nil)
	if !errors.Is(err, ErrNoProject) || !strings.Contains(err.Error(), "IAM listed only cn-north-4_sub, cn-north-4") {
		t.Fatalf("err %v", err)
	}
}

func TestProjectIDErrors(t *testing.T) {
	t.Run("IAM error", func(t *testing.T) {
		iam, ts := newIAM(t)
		iam.FailNext(http.StatusForbidden, `{"error":{"code":403,"message":"You are not authorized to list projects.","title":"Forbidden"}}`)
		_, err := ProjectID(context.Background(), Static(permanent), ts.URL, region, nil)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 403 || apiErr.ErrorCode != "Forbidden" ||
			apiErr.ErrorMsg != "You are not authorized to list projects." || len(apiErr.RequestID) != 32 {
			t.Fatalf("err %#v", err)
		}
		if !regexp.MustCompile(`HTTP 403 Forbidden: You are not authorized to list projects\. \(request id [0-9a-f]{32}\); or set project_id to skip the discovery$`).MatchString(err.Error()) {
			t.Fatalf("err %q", err)
		}
	})
	t.Run("unknown key", func(t *testing.T) {
		_, ts := newIAM(t)
		_, err := ProjectID(context.Background(), Static(Value{AccessKey: "UNKNOWNKEY0000000001", SecretKey: "s", Source: "profile"}), ts.URL, region, nil)
		if err == nil || !strings.Contains(err.Error(), "HTTP 401 APIGW.0301") || !strings.Contains(err.Error(), "UNKNOWNKEY0000000001 is unknown") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("no answer", func(t *testing.T) {
		_, err := ProjectID(context.Background(), Static(permanent), "http://127.0.0.1:1", region, nil)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 0 || !strings.Contains(err.Error(), "IAM GET http://127.0.0.1:1/v3/projects: no response") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("empty region", func(t *testing.T) {
		_, err := ProjectID(context.Background(), Static(permanent), "http://127.0.0.1:1", "", nil)
		if err == nil || !strings.Contains(err.Error(), "the region is empty") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("bad endpoint", func(t *testing.T) {
		_, err := ProjectID(context.Background(), Static(permanent), "iam.example.com", region, nil)
		if err == nil || !strings.Contains(err.Error(), `"iam.example.com" is not an http(s) URL`) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("no credentials", func(t *testing.T) {
		_, err := ProjectID(context.Background(), Static(Value{Source: "nowhere"}), "http://127.0.0.1:1", region, nil)
		if err == nil || !strings.Contains(err.Error(), "no access key, secret key or token") {
			t.Fatalf("err %v", err)
		}
	})
}
