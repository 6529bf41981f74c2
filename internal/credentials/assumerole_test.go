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

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

const (
	permAK = "IAMPERMANENTKEY00001"
	permSK = "iamPermanentSecretKey0000000000000000001"
	region = "cn-north-4"
	projID = "0b1a2c3d4e5f60718293a4b5c6d7e8f9"
)

var (
	permanent  = Value{AccessKey: permAK, SecretKey: permSK, Source: "provider block"}
	baseTemp   = standin.TempCredential{AccessKey: "BASETEMPKEY000000001", SecretKey: "baseTempSecret1", SecurityToken: "base-token-1"}
	issueFirst = standin.TempCredential{AccessKey: "TEMPKEYISSUED0000001", SecretKey: "tempSecretIssued01", SecurityToken: "token-issued-1"}
)

// newIAM serves the IAM stand-in on the real clock (it checks X-Sdk-Date,
// which the SDK signer takes from the real clock).
func newIAM(t *testing.T) (*standin.IAM, *httptest.Server) {
	t.Helper()
	opts := standin.IAMOptions{
		Keys:      map[string]string{permAK: permSK},
		Temporary: []standin.TempCredential{baseTemp},
		Tokens:    []string{"MIIdemo-token"},
		Projects:  map[string]string{region: projID},
		Agencies:  []standin.Agency{{Domain: "acme", Name: "hss-reader"}},
		Issue:     []standin.TempCredential{issueFirst},
	}
	iam := standin.NewIAM(opts)
	ts := httptest.NewServer(iam)
	t.Cleanup(ts.Close)
	return iam, ts
}

func TestAssumeRoleBodySignedAndAccepted(t *testing.T) {
	iam, ts := newIAM(t)
	p := AssumeRole(Static(permanent), ts.URL, "hss-reader", "acme", time.Hour, nil)
	v, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	issued := iam.Issued()
	if len(issued) != 1 {
		t.Fatalf("issued %+v", issued)
	}
	want := Value{
		AccessKey: issueFirst.AccessKey, SecretKey: issueFirst.SecretKey, SecurityToken: issueFirst.SecurityToken,
		Expires: issued[0].ExpiresAt.Truncate(time.Microsecond),
		Source:  "agency hss-reader of domain acme, assumed with credentials from provider block",
	}
	if v != want {
		t.Fatalf("got %+v\nwant %+v", v, want)
	}
	if d := time.Until(v.Expires); d < 59*time.Minute || d > time.Hour {
		t.Fatalf("expires in %s", d)
	}
	if issued[0].By != permAK || issued[0].Agency != (standin.Agency{Domain: "acme", Name: "hss-reader"}) {
		t.Fatalf("issued %+v", issued[0])
	}

	reqs := iam.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	wantBody := `{"auth":{"identity":{"methods":["assume_role"],"assume_role":{"agency_name":"hss-reader","domain_name":"acme","duration_seconds":3600}}}}`
	if r.Method != http.MethodPost || r.Path != "/v3.0/OS-CREDENTIAL/securitytokens" || r.Body != wantBody {
		t.Fatalf("request %s %s %s", r.Method, r.Path, r.Body)
	}
	if r.Header.Get("Content-Type") != "application/json" || r.Header.Get("X-Security-Token") != "" ||
		r.Header.Get("X-Sdk-Content-Sha256") != "" || !strings.HasPrefix(r.Header.Get("Authorization"), "SDK-HMAC-SHA256 Access="+permAK+", ") {
		t.Fatalf("headers %v", r.Header)
	}
	// Cached: no second exchange.
	if _, err := p.Retrieve(context.Background()); err != nil || len(iam.Requests()) != 1 {
		t.Fatalf("second call: %v, %d requests", err, len(iam.Requests()))
	}
}

func TestAssumeRoleWithTemporaryBaseSendsItsToken(t *testing.T) {
	iam, ts := newIAM(t)
	base := Static(Value{AccessKey: baseTemp.AccessKey, SecretKey: baseTemp.SecretKey, SecurityToken: baseTemp.SecurityToken, Source: "environment"})
	v, err := AssumeRole(base, ts.URL+"/v3", "hss-reader", "acme", 0, nil).Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v.AccessKey != issueFirst.AccessKey {
		t.Fatalf("got %v", v)
	}
	r := iam.Requests()[0]
	if r.Header.Get("X-Security-Token") != baseTemp.SecurityToken ||
		!regexp.MustCompile(`SignedHeaders=[^,]*x-security-token`).MatchString(r.Header.Get("Authorization")) {
		t.Fatalf("headers %v", r.Header)
	}
	// auth_url written with /v3 reaches the same path; duration 0 is an hour.
	if r.Path != "/v3.0/OS-CREDENTIAL/securitytokens" || !strings.Contains(r.Body, `"duration_seconds":3600`) {
		t.Fatalf("request %s %s", r.Path, r.Body)
	}
}

func TestAssumeRoleRenewsBeforeExpiry(t *testing.T) {
	iam, ts := newIAM(t)
	p := AssumeRole(Static(permanent), ts.URL, "hss-reader", "acme", 15*time.Minute, nil)
	var offset time.Duration
	withClock(t, p, func() time.Time { return time.Now().Add(offset) })
	ctx := context.Background()
	first, err := p.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Fifteen minutes of life: renewed when 90 s (10%) remain.
	offset = 13 * time.Minute
	if v, _ := p.Retrieve(ctx); v != first || len(iam.Issued()) != 1 {
		t.Fatalf("renewed too early: %v, %d issued", v, len(iam.Issued()))
	}
	offset = 14 * time.Minute
	second, err := p.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	issued := iam.Issued()
	if len(issued) != 2 || second.AccessKey != issued[1].AccessKey || second.AccessKey == first.AccessKey ||
		second.SecurityToken != issued[1].SecurityToken || !second.Expires.After(first.Expires) {
		t.Fatalf("second %v, issued %+v", second, issued)
	}
}

func TestAssumeRoleErrorsCarryTheAnswer(t *testing.T) {
	idPattern := regexp.MustCompile(`request id [0-9a-f]{32}`)

	t.Run("unknown agency, IAM's error shape", func(t *testing.T) {
		_, ts := newIAM(t)
		_, err := AssumeRole(Static(permanent), ts.URL, "admin", "acme", time.Hour, nil).Retrieve(context.Background())
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 403 || apiErr.ErrorCode != "Forbidden" ||
			!strings.Contains(apiErr.ErrorMsg, "agency admin of domain acme does not exist") || apiErr.RequestID == "" {
			t.Fatalf("err %#v", err)
		}
		for _, want := range []string{"assuming agency admin of domain acme", "credentials from provider block", "HTTP 403", "trusts"} {
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("%q does not say %q", err, want)
			}
		}
		if !idPattern.MatchString(err.Error()) {
			t.Fatalf("no request id in %q", err)
		}
	})

	t.Run("gateway error shape", func(t *testing.T) {
		iam, ts := newIAM(t)
		iam.FailNext(http.StatusInternalServerError, `{"error_code":"IAM.0099","error_msg":"internal error"}`)
		_, err := AssumeRole(Static(permanent), ts.URL, "hss-reader", "acme", time.Hour, nil).Retrieve(context.Background())
		if err == nil || !strings.Contains(err.Error(), "HTTP 500 IAM.0099: internal error") || !idPattern.MatchString(err.Error()) {
			t.Fatalf("err %v", err)
		}
	})

	t.Run("bad signature", func(t *testing.T) {
		_, ts := newIAM(t)
		bad := Value{AccessKey: permAK, SecretKey: "not-the-secret-key", Source: "environment"}
		_, err := AssumeRole(Static(bad), ts.URL, "hss-reader", "acme", time.Hour, nil).Retrieve(context.Background())
		if err == nil || !strings.Contains(err.Error(), "HTTP 401 APIGW.0301") || !strings.Contains(err.Error(), "credentials from environment") {
			t.Fatalf("err %v", err)
		}
		if strings.Contains(err.Error(), "not-the-secret-key") {
			t.Fatalf("secret in %q", err)
		}
	})

	t.Run("duration out of bounds", func(t *testing.T) {
		iam, ts := newIAM(t)
		_, err := AssumeRole(Static(permanent), ts.URL, "hss-reader", "acme", 10*time.Minute, nil).Retrieve(context.Background())
		if err == nil || !strings.Contains(err.Error(), "duration 10m0s is outside IAM's bounds") || len(iam.Requests()) != 0 {
			t.Fatalf("err %v, %d requests", err, len(iam.Requests()))
		}
	})

	t.Run("base fails", func(t *testing.T) {
		_, ts := newIAM(t)
		base := providerFunc(func(context.Context) (Value, error) { return Value{}, errors.New("metadata said no") })
		_, err := AssumeRole(base, ts.URL, "hss-reader", "acme", time.Hour, nil).Retrieve(context.Background())
		if err == nil || !strings.Contains(err.Error(), "getting the credentials to assume it with: metadata said no") {
			t.Fatalf("err %v", err)
		}
	})

	t.Run("missing domain", func(t *testing.T) {
		_, err := AssumeRole(Static(permanent), "http://127.0.0.1:1", "hss-reader", "", time.Hour, nil).Retrieve(context.Background())
		if err == nil || !strings.Contains(err.Error(), "both the agency name and the name of the domain") {
			t.Fatalf("err %v", err)
		}
	})
}

type providerFunc func(context.Context) (Value, error)

func (f providerFunc) Retrieve(ctx context.Context) (Value, error) { return f(ctx) }
