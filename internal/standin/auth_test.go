package standin_test

import (
	"net/http"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

func TestSignedRequestReturnsPage(t *testing.T) {
	_, ts := newServer(t, nil)
	q := baseQuery()
	q.Set("limit", "5")
	b := do(t, signedRequest(t, ts.URL, q, demoSigning()))
	if b.Status != http.StatusOK {
		t.Fatalf("status %d: %s", b.Status, b.Raw)
	}
	// CCE events from 23 h ago to 5 min ago: the last 19 of 32.
	if *b.TotalNum != 19 || len(b.DataList) != 5 {
		t.Fatalf("total_num %d, %d records; want 19, 5", *b.TotalNum, len(b.DataList))
	}
	first := b.DataList[0]
	if first.LineNum == nil || *first.LineNum != "1000032" || first.ClusterName != standin.SeedCCEClusterName ||
		first.ClusterType != "cce" || first.ClusterID != standin.SeedCCEClusterID {
		t.Fatalf("first record %+v", first)
	}
	for i := 1; i < len(b.DataList); i++ {
		if b.DataList[i].Time >= b.DataList[i-1].Time {
			t.Fatalf("not newest first at %d", i)
		}
	}
	if id := b.Header.Get("X-Request-Id"); !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id) {
		t.Fatalf("X-Request-Id %q", id)
	}
	if ct := b.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
}

// The SDK's own ConvertRequest path, with User-Agent and Host signed too.
func TestSDKConvertRequestAccepted(t *testing.T) {
	_, ts := newServer(t, nil)
	b := request.NewHttpRequestBuilder().WithEndpoint(ts.URL).WithMethod(http.MethodGet).WithPath(apiPath)
	for k, v := range baseQuery() {
		b.AddQueryParam(k, reflect.ValueOf(v[0]))
	}
	b.AddHeaderParam("X-Project-Id", standin.SeedProjectID)
	b.AddHeaderParam("User-Agent", "hss-test/1.0")
	b.AddHeaderParam("Host", ts.Listener.Addr().String())
	b.AddHeaderParam("X-Sdk-Date", testNow.Format(signer.BasicDateFormat))
	sdkReq := b.Build()
	hdr, err := signer.Sign(sdkReq, standin.DemoAccessKey, standin.DemoSecretKey)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		sdkReq.AddHeaderParam(k, v)
	}
	req, err := sdkReq.ConvertRequest()
	if err != nil {
		t.Fatal(err)
	}
	if got := do(t, req); got.Status != http.StatusOK || *got.TotalNum != 19 {
		t.Fatalf("status %d: %s", got.Status, got.Raw)
	}
}

func TestPlainStringQueryRejected(t *testing.T) {
	_, ts := newServer(t, nil)
	s := demoSigning()
	s.plainQuery = true
	b := do(t, signedRequest(t, ts.URL, baseQuery(), s))
	wantError(t, b, http.StatusUnauthorized, "APIGW.0301", "verify aksk signature fail")
}

func TestSignatureFailures(t *testing.T) {
	_, ts := newServer(t, func(o *standin.Options) {
		o.Temporary = []standin.TempCredential{{AccessKey: "TEMPAK", SecretKey: "tempsk", SecurityToken: "sts-token"}}
	})
	withDate := func(d time.Duration) signing { s := demoSigning(); s.date = testNow.Add(d); return s }
	temp := func(token string) signing {
		s := demoSigning()
		s.ak, s.sk = "TEMPAK", "tempsk"
		if token != "" {
			s.headers["X-Security-Token"] = token
		}
		return s
	}
	cases := []struct {
		name   string
		s      signing
		after  map[string]string // headers added after signing
		status int
		code   string
		want   string
	}{
		{"wrong sk", signing{ak: standin.DemoAccessKey, sk: "wrong", date: testNow}, nil, 401, "APIGW.0301", "signature fail"},
		{"unknown ak", signing{ak: "NOSUCHAK", sk: "x", date: testNow}, nil, 401, "APIGW.0301", "NOSUCHAK"},
		{"stale date", withDate(-16 * time.Minute), nil, 401, "APIGW.0303", "15m"},
		{"future date", withDate(16 * time.Minute), nil, 401, "APIGW.0303", "X-Sdk-Date"},
		{"date within skew", withDate(-14 * time.Minute), nil, 200, "", ""},
		{"temporary with token", temp("sts-token"), nil, 200, "", ""},
		{"temporary without token", temp(""), nil, 401, "APIGW.0301", "X-Security-Token"},
		{"temporary wrong token", temp("other"), nil, 401, "APIGW.0301", "security token"},
		{"temporary token unsigned", temp(""), map[string]string{"X-Security-Token": "sts-token"}, 401, "APIGW.0301", "not signed"},
		{"permanent with token", demoSigning(), map[string]string{"X-Security-Token": "sts-token"}, 401, "APIGW.0301", "permanent"},
		{"project id unsigned", signing{ak: standin.DemoAccessKey, sk: standin.DemoSecretKey, date: testNow},
			map[string]string{"X-Project-Id": standin.SeedProjectID}, 401, "APIGW.0301", "X-Project-Id"},
		{"signed header altered", demoSigning(), map[string]string{"X-Project-Id": "0000"}, 401, "APIGW.0301", "signature fail"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := signedRequest(t, ts.URL, baseQuery(), c.s)
			for k, v := range c.after {
				req.Header.Set(k, v)
			}
			b := do(t, req)
			if c.status == 200 {
				if b.Status != 200 {
					t.Fatalf("status %d: %s", b.Status, b.Raw)
				}
				return
			}
			wantError(t, b, c.status, c.code, c.want)
		})
	}
}

func TestSignedQueryTampered(t *testing.T) {
	_, ts := newServer(t, nil)
	req := signedRequest(t, ts.URL, baseQuery(), demoSigning())
	q := req.URL.Query()
	q.Set("limit", "11")
	req.URL.RawQuery = q.Encode()
	wantError(t, do(t, req), 401, "APIGW.0301", "signature fail")
}

func TestTokenAuth(t *testing.T) {
	_, ts := newServer(t, nil)
	if b := do(t, tokenRequest(t, ts.URL, apiPath, baseQuery())); b.Status != 200 || *b.TotalNum != 19 {
		t.Fatalf("good token: %d %s", b.Status, b.Raw)
	}
	req := tokenRequest(t, ts.URL, apiPath, baseQuery())
	req.Header.Set("X-Auth-Token", "bad")
	wantError(t, do(t, req), 401, "APIGW.0301", "X-Auth-Token")
	req.Header.Del("X-Auth-Token")
	wantError(t, do(t, req), 401, "APIGW.0301", "no credentials")
}

// Temporary credentials accepted after New (as an IAM stand-in issues
// them) sign requests like the configured ones; before, they are unknown.
func TestAcceptTemporary(t *testing.T) {
	s, ts := newServer(t, nil)
	tmp := standin.TempCredential{AccessKey: "LATERTEMPAK000000001", SecretKey: "later-sk", SecurityToken: "later-token"}
	sign := signing{ak: tmp.AccessKey, sk: tmp.SecretKey, date: testNow,
		headers: map[string]string{"X-Project-Id": standin.SeedProjectID, "X-Security-Token": tmp.SecurityToken}}
	if b := do(t, signedRequest(t, ts.URL, baseQuery(), sign)); b.Status != http.StatusUnauthorized {
		t.Fatalf("unknown key: status %d: %s", b.Status, b.Raw)
	}
	s.AcceptTemporary(tmp)
	if b := do(t, signedRequest(t, ts.URL, baseQuery(), sign)); b.Status != http.StatusOK {
		t.Fatalf("accepted key: status %d: %s", b.Status, b.Raw)
	}
}

// Another project of the account answers with its own records; a project
// that is not the account's is refused.
func TestOtherProjects(t *testing.T) {
	const other = "0f0e0d0c0b0a09080706050403020100"
	_, ts := newServer(t, func(o *standin.Options) {
		o.OtherProjects = map[string][]standin.Record{other: {{ClusterID: "c", Content: "other", Time: testNow.Add(-time.Minute).UnixMilli()}}}
	})
	q := baseQuery()
	q.Set("cluster_id", "c")
	for project, want := range map[string]int{other: http.StatusOK, "ffffffffffffffffffffffffffffffff": http.StatusForbidden} {
		sign := demoSigning()
		sign.path, sign.headers = "/v5/"+project+standin.APIPathSuffix, nil
		b := do(t, signedRequest(t, ts.URL, q, sign))
		if b.Status != want {
			t.Fatalf("%s: status %d: %s", project, b.Status, b.Raw)
		}
		if want == http.StatusOK && (len(b.DataList) != 1 || b.DataList[0].Content != "other") {
			t.Fatalf("%s: %s", project, b.Raw)
		}
	}
}
