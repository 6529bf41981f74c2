package standin_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

const (
	iamAK      = "IAMPERMANENTKEY00001"
	iamSK      = "iamPermanentSecretKey0000000000000000001"
	iamRegion  = "cn-north-4"
	iamProject = "0b1a2c3d4e5f60718293a4b5c6d7e8f9"
)

var issueFirst = standin.TempCredential{AccessKey: "TEMPKEYISSUED0000001", SecretKey: "tempSecretIssued01", SecurityToken: "token-issued-1"}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newIAM(t *testing.T, edit func(*standin.IAMOptions)) (*standin.IAM, *httptest.Server, *clock) {
	t.Helper()
	c := &clock{t: testNow}
	opts := standin.IAMOptions{
		Keys:     map[string]string{iamAK: iamSK},
		Tokens:   []string{testToken},
		Projects: map[string]string{iamRegion: iamProject, "eu-west-101": "eeee0000eeee0000eeee0000eeee0000"},
		Agencies: []standin.Agency{{Domain: "acme", Name: "hss-reader"}},
		Issue:    []standin.TempCredential{issueFirst},
		Now:      c.now,
	}
	if edit != nil {
		edit(&opts)
	}
	iam := standin.NewIAM(opts)
	ts := httptest.NewServer(iam)
	t.Cleanup(ts.Close)
	return iam, ts, c
}

// iamCall describes one signed call, built the way a correct client builds
// it: the SDK request is the source of both the signature and the request.
type iamCall struct {
	method, path string
	query        map[string]string
	body         string
	contentType  string
	ak, sk, tok  string // tok: X-Security-Token
	headers      map[string]string
}

func (c iamCall) request(t *testing.T, base string) *http.Request {
	t.Helper()
	b := request.NewHttpRequestBuilder().WithEndpoint(base).WithMethod(c.method).WithPath(c.path)
	for k, v := range c.query {
		b.AddQueryParam(k, reflect.ValueOf(v))
	}
	if c.body != "" {
		ct := c.contentType
		if ct == "" {
			ct = "application/json"
		}
		b.AddHeaderParam("Content-Type", ct)
		b.WithBody("", c.body)
	}
	for k, v := range c.headers {
		b.AddHeaderParam(k, v)
	}
	if c.tok != "" {
		b.AddHeaderParam("X-Security-Token", c.tok)
	}
	b.AddHeaderParam(signer.HeaderXDate, testNow.UTC().Format(signer.BasicDateFormat))
	sdkReq := b.Build()
	out, err := signer.Sign(sdkReq, c.ak, c.sk)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range out {
		sdkReq.AddHeaderParam(k, v)
	}
	req, err := sdkReq.ConvertRequest()
	if err != nil {
		t.Fatal(err)
	}
	return req
}

type iamAnswer struct {
	status int
	header http.Header
	raw    string
	json   iamBody
}

// iamBody is every shape the IAM stand-in answers with.
type iamBody struct {
	Projects []struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		DomainID string `json:"domain_id"`
	} `json:"projects"`
	Credential *struct {
		Access        string `json:"access"`
		Secret        string `json:"secret"`
		SecurityToken string `json:"securitytoken"`
		ExpiresAt     string `json:"expires_at"`
	} `json:"credential"`
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	Error     *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Title   string `json:"title"`
	} `json:"error"`
}

func send(t *testing.T, req *http.Request) iamAnswer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := iamAnswer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.json)
	return a
}

func assumeBody(agency, domain string, seconds int) string {
	return `{"auth":{"identity":{"methods":["assume_role"],"assume_role":{"agency_name":"` + agency +
		`","domain_name":"` + domain + `","duration_seconds":` + itoa(seconds) + `}}}}`
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func projectsCall(region string) iamCall {
	return iamCall{method: http.MethodGet, path: standin.IAMProjectsPath, query: map[string]string{"name": region}, ak: iamAK, sk: iamSK}
}

func assumeCall(body string) iamCall {
	return iamCall{method: http.MethodPost, path: standin.IAMSecurityTokensPath, body: body, ak: iamAK, sk: iamSK}
}

func TestIAMListsProjectOfRegion(t *testing.T) {
	iam, ts, _ := newIAM(t, nil)
	a := send(t, projectsCall(iamRegion).request(t, ts.URL))
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.raw)
	}
	if len(a.json.Projects) != 1 {
		t.Fatalf("projects %s", a.raw)
	}
	if p := a.json.Projects[0]; p.ID != iamProject || p.Name != iamRegion || p.DomainID != standin.IAMDomainID {
		t.Fatalf("project %+v", p)
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(a.header.Get("X-Request-Id")) {
		t.Fatalf("X-Request-Id %q", a.header.Get("X-Request-Id"))
	}
	reqs := iam.Requests()
	if len(reqs) != 1 || reqs[0].Query.Get("name") != iamRegion || reqs[0].Status != http.StatusOK {
		t.Fatalf("log %+v", reqs)
	}

	// A region without a project gives an empty list, not an error.
	a = send(t, projectsCall("ap-southeast-3").request(t, ts.URL))
	if a.status != http.StatusOK || len(a.json.Projects) != 0 {
		t.Fatalf("unknown region: %d %s", a.status, a.raw)
	}
	// No name lists them all, sorted by name.
	all := projectsCall("")
	all.query = nil
	a = send(t, all.request(t, ts.URL))
	ps := a.json.Projects
	if len(ps) != 2 || ps[0].Name != iamRegion || ps[1].Name != "eu-west-101" {
		t.Fatalf("all projects %s", a.raw)
	}
}

func TestIAMRejectsQueryLeftOutOfSignature(t *testing.T) {
	_, ts, _ := newIAM(t, nil)
	// Sign without the query, then send it: the SDK's plain-string mistake.
	req := iamCall{method: http.MethodGet, path: standin.IAMProjectsPath, ak: iamAK, sk: iamSK}.request(t, ts.URL)
	req.URL.RawQuery = "name=" + iamRegion
	a := send(t, req)
	if a.status != http.StatusUnauthorized || a.json.ErrorCode != "APIGW.0301" ||
		!strings.Contains(a.json.ErrorMsg, "verify aksk signature fail") {
		t.Fatalf("got %d %s", a.status, a.raw)
	}
}

func TestIAMRejectsUnknownKeyAndWrongSecret(t *testing.T) {
	_, ts, _ := newIAM(t, nil)
	c := projectsCall(iamRegion)
	c.ak = "NOSUCHKEY00000000000"
	a := send(t, c.request(t, ts.URL))
	if a.status != http.StatusUnauthorized || !strings.Contains(a.raw, "NOSUCHKEY00000000000 is unknown") {
		t.Fatalf("unknown key: %d %s", a.status, a.raw)
	}
	c = projectsCall(iamRegion)
	c.sk = "wrong"
	if a := send(t, c.request(t, ts.URL)); a.status != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %d %s", a.status, a.raw)
	}
}

func TestIAMAcceptsToken(t *testing.T) {
	_, ts, _ := newIAM(t, nil)
	req, _ := http.NewRequest(http.MethodGet, ts.URL+standin.IAMProjectsPath+"?name="+iamRegion, nil)
	req.Header.Set("X-Auth-Token", testToken)
	if a := send(t, req); a.status != http.StatusOK {
		t.Fatalf("token: %d %s", a.status, a.raw)
	}
	req.Header.Set("X-Auth-Token", "other")
	if a := send(t, req); a.status != http.StatusUnauthorized {
		t.Fatalf("bad token: %d %s", a.status, a.raw)
	}
}

func TestIAMAssumeRoleIssuesCredential(t *testing.T) {
	var heard []standin.IssuedCredential
	iam, ts, _ := newIAM(t, func(o *standin.IAMOptions) {
		o.OnIssue = func(c standin.IssuedCredential) { heard = append(heard, c) }
	})
	a := send(t, assumeCall(assumeBody("hss-reader", "acme", 3600)).request(t, ts.URL))
	if a.status != http.StatusCreated {
		t.Fatalf("status %d: %s", a.status, a.raw)
	}
	cred := a.json.Credential
	if cred == nil || cred.Access != issueFirst.AccessKey || cred.Secret != issueFirst.SecretKey || cred.SecurityToken != issueFirst.SecurityToken {
		t.Fatalf("credential %s", a.raw)
	}
	wantExp := testNow.Add(time.Hour)
	if cred.ExpiresAt != wantExp.Format("2006-01-02T15:04:05.000000Z") {
		t.Fatalf("expires_at %v, want %v", cred.ExpiresAt, wantExp)
	}
	issued := iam.Issued()
	want := standin.IssuedCredential{TempCredential: issueFirst, ExpiresAt: wantExp, Agency: standin.Agency{Domain: "acme", Name: "hss-reader"}, By: iamAK}
	if len(issued) != 1 || issued[0] != want || len(heard) != 1 || heard[0] != want {
		t.Fatalf("issued %+v, heard %+v, want %+v", issued, heard, want)
	}
	if body := iam.Requests()[0].Body; body != assumeBody("hss-reader", "acme", 3600) {
		t.Fatalf("logged body %q", body)
	}

	// The configured list is used up: the next credential is generated, in
	// the real shapes, and the default duration is 900 s.
	a = send(t, assumeCall(`{"auth":{"identity":{"methods":["assume_role"],"assume_role":{"agency_name":"hss-reader","domain_name":"acme"}}}}`).request(t, ts.URL))
	cred = a.json.Credential
	if a.status != http.StatusCreated || cred == nil || !regexp.MustCompile(`^[A-Z0-9]{20}$`).MatchString(cred.Access) ||
		len(cred.Secret) != 40 || cred.SecurityToken == "" ||
		cred.ExpiresAt != testNow.Add(900*time.Second).Format("2006-01-02T15:04:05.000000Z") {
		t.Fatalf("generated: %d %s", a.status, a.raw)
	}
}

func TestIAMIssuedCredentialWorksUntilItExpires(t *testing.T) {
	_, ts, clk := newIAM(t, nil)
	if a := send(t, assumeCall(assumeBody("hss-reader", "acme", 900)).request(t, ts.URL)); a.status != http.StatusCreated {
		t.Fatalf("assume: %d %s", a.status, a.raw)
	}
	temp := projectsCall(iamRegion)
	temp.ak, temp.sk, temp.tok = issueFirst.AccessKey, issueFirst.SecretKey, issueFirst.SecurityToken
	if a := send(t, temp.request(t, ts.URL)); a.status != http.StatusOK {
		t.Fatalf("temporary key: %d %s", a.status, a.raw)
	}
	noToken := temp
	noToken.tok = ""
	if a := send(t, noToken.request(t, ts.URL)); a.status != http.StatusUnauthorized || !strings.Contains(a.raw, "needs its security token") {
		t.Fatalf("no token: %d %s", a.status, a.raw)
	}
	clk.add(15 * time.Minute)
	a := send(t, temp.request(t, ts.URL))
	if a.status != http.StatusUnauthorized || !strings.Contains(a.raw, "expired at 2026-03-14T12:15:00Z") {
		t.Fatalf("expired: %d %s", a.status, a.raw)
	}
}

func TestIAMAssumeRoleVerifiesBody(t *testing.T) {
	_, ts, _ := newIAM(t, nil)
	// Signed for one agency, sent for another.
	req := assumeCall(assumeBody("hss-reader", "acme", 3600)).request(t, ts.URL)
	tampered := assumeBody("admin0000", "acme", 3600)
	req.Body = io.NopCloser(strings.NewReader(tampered))
	req.ContentLength = int64(len(tampered))
	a := send(t, req)
	if a.status != http.StatusUnauthorized || !strings.Contains(a.raw, "verify aksk signature fail") {
		t.Fatalf("tampered body: %d %s", a.status, a.raw)
	}

	// A payload left out of the signature is refused.
	c := assumeCall(assumeBody("hss-reader", "acme", 3600))
	c.headers = map[string]string{"X-Sdk-Content-Sha256": "UNSIGNED-PAYLOAD"}
	a = send(t, c.request(t, ts.URL))
	if a.status != http.StatusUnauthorized || !strings.Contains(a.raw, "body must be signed") {
		t.Fatalf("unsigned payload: %d %s", a.status, a.raw)
	}

	// Another Content-Type makes the SDK sign UNSIGNED-PAYLOAD; IAM wants JSON.
	c = assumeCall(assumeBody("hss-reader", "acme", 3600))
	c.contentType = "text/plain"
	a = send(t, c.request(t, ts.URL))
	if a.status != http.StatusBadRequest || !strings.Contains(a.raw, "Content-Type must be application/json") {
		t.Fatalf("text/plain: %d %s", a.status, a.raw)
	}
}

func TestIAMAssumeRoleRefusals(t *testing.T) {
	_, ts, _ := newIAM(t, nil)
	for _, tc := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"unknown agency", assumeBody("admin", "acme", 3600), 403, "agency admin of domain acme does not exist"},
		{"other domain", assumeBody("hss-reader", "other", 3600), 403, "agency hss-reader of domain other does not exist"},
		{"too short", assumeBody("hss-reader", "acme", 60), 400, "between 900 and 86400"},
		{"too long", assumeBody("hss-reader", "acme", 90000), 400, "between 900 and 86400"},
		{"wrong method", `{"auth":{"identity":{"methods":["password"],"assume_role":{"agency_name":"hss-reader","domain_name":"acme"}}}}`, 400, "methods"},
		{"no domain", `{"auth":{"identity":{"methods":["assume_role"],"assume_role":{"agency_name":"hss-reader"}}}}`, 400, "domain_name"},
		{"not json", `{"auth":`, 400, "not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := send(t, assumeCall(tc.body).request(t, ts.URL))
			e := a.json.Error
			// IAM's own error shape: a numeric code, a message, a title.
			if a.status != tc.status || e == nil || e.Code != tc.status || !strings.Contains(e.Message, tc.want) || e.Title == "" {
				t.Fatalf("got %d %s", a.status, a.raw)
			}
		})
	}
}

func TestIAMFailNextAndRouting(t *testing.T) {
	iam, ts, _ := newIAM(t, nil)
	iam.FailNext(http.StatusServiceUnavailable, `{"error_code":"IAM.0099","error_msg":"busy"}`)
	a := send(t, projectsCall(iamRegion).request(t, ts.URL))
	if a.status != http.StatusServiceUnavailable || a.json.ErrorCode != "IAM.0099" || a.header.Get("X-Request-Id") == "" {
		t.Fatalf("fault: %d %s", a.status, a.raw)
	}
	if a := send(t, projectsCall(iamRegion).request(t, ts.URL)); a.status != http.StatusOK {
		t.Fatalf("after the fault: %d %s", a.status, a.raw)
	}
	resp, err := http.Get(ts.URL + "/v3/users")
	if err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown path: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Get(ts.URL + standin.IAMSecurityTokensPath)
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET securitytokens: %v %v", resp, err)
	}
	resp.Body.Close()
	iam.Reset()
	if n := len(iam.Requests()); n != 0 {
		t.Fatalf("%d requests after Reset", n)
	}
}
