package standin_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

var testNow = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)

const (
	testToken = "MIIdemo-token"
	apiPath   = "/v5/" + standin.SeedProjectID + standin.APIPathSuffix
)

// newServer starts the stand-in with the seed data at testNow, demo keys, a
// token, and whatever edit changes.
func newServer(t *testing.T, edit func(*standin.Options)) (*standin.Server, *httptest.Server) {
	t.Helper()
	opts := standin.Options{
		ProjectID: standin.SeedProjectID,
		AccessKey: standin.DemoAccessKey, SecretKey: standin.DemoSecretKey,
		Tokens:  []string{testToken},
		Records: standin.Seed(testNow),
		Now:     func() time.Time { return testNow },
	}
	if edit != nil {
		edit(&opts)
	}
	s := standin.New(opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

// baseQuery is a valid query for the CCE seed cluster over the last 24 h.
func baseQuery() url.Values {
	return url.Values{
		"cluster_id": {standin.SeedCCEClusterID},
		"start_time": {strconv.FormatInt(testNow.Add(-24*time.Hour).UnixMilli(), 10)},
		"end_time":   {strconv.FormatInt(testNow.UnixMilli(), 10)},
		"limit":      {"10"},
		"offset":     {"0"},
	}
}

// signing describes how a test client signs a request.
type signing struct {
	ak, sk  string
	date    time.Time
	headers map[string]string // put on the request before signing
	// plainQuery adds query values to the SDK request as plain strings,
	// the mistake the SDK signer silently ignores.
	plainQuery bool
	// path is the request's path; default apiPath.
	path string
}

func demoSigning() signing {
	return signing{ak: standin.DemoAccessKey, sk: standin.DemoSecretKey, date: testNow,
		headers: map[string]string{"X-Project-Id": standin.SeedProjectID}}
}

// signedRequest signs GET base+path?q with the SDK signer and builds the
// http.Request by hand (so plain-string query values are still sent).
func signedRequest(t *testing.T, base string, q url.Values, s signing) *http.Request {
	t.Helper()
	path := apiPath
	if s.path != "" {
		path = s.path
	}
	b := request.NewHttpRequestBuilder().WithEndpoint(base).WithMethod(http.MethodGet).WithPath(path)
	for k := range q {
		if s.plainQuery {
			b.AddQueryParam(k, q.Get(k))
		} else {
			b.AddQueryParam(k, reflect.ValueOf(q.Get(k)))
		}
	}
	for k, v := range s.headers {
		b.AddHeaderParam(k, v)
	}
	b.AddHeaderParam(signer.HeaderXDate, s.date.UTC().Format(signer.BasicDateFormat))
	sdkReq := b.Build()
	out, err := signer.Sign(sdkReq, s.ak, s.sk)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	req, err := http.NewRequest(http.MethodGet, base+path+"?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range sdkReq.GetHeaderParams() {
		req.Header.Set(k, v)
	}
	for k, v := range out {
		req.Header.Set(k, v)
	}
	return req
}

// tokenRequest is GET base+path?q authenticated with the test token.
func tokenRequest(t *testing.T, base, path string, q url.Values) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path+"?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", testToken)
	return req
}

type wireRecord struct {
	ClusterName string          `json:"cluster_name"`
	ClusterID   string          `json:"cluster_id"`
	Time        int64           `json:"time"`
	Content     string          `json:"content"`
	ClusterType string          `json:"cluster_type"`
	HostID      string          `json:"host_id"`
	HostName    json.RawMessage `json:"host_name"`
	HostIP      string          `json:"host_ip"`
	LineNum     *string         `json:"line_num"`
}

type listBody struct {
	TotalNum *int         `json:"total_num"`
	DataList []wireRecord `json:"data_list"`
	Raw      []byte       `json:"-"`
	Header   http.Header  `json:"-"`
	Status   int          `json:"-"`
	Err      errorBody    `json:"-"`
}

type errorBody struct {
	Code string `json:"error_code"`
	Msg  string `json:"error_msg"`
}

// do sends req and decodes the answer, success or error.
func do(t *testing.T, req *http.Request) listBody {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("do: %v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var b listBody
	b.Raw, b.Header, b.Status = raw, resp.Header, resp.StatusCode
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatalf("decode %s: %v", raw, err)
		}
	} else if err := json.Unmarshal(raw, &b.Err); err != nil {
		t.Fatalf("decode error body %s: %v", raw, err)
	}
	return b
}

// wantError checks status and error_code, and that error_msg contains want.
func wantError(t *testing.T, b listBody, status int, code, want string) {
	t.Helper()
	if b.Status != status || b.Err.Code != code {
		t.Fatalf("got %d %s %q, want %d %s", b.Status, b.Err.Code, b.Err.Msg, status, code)
	}
	if !strings.Contains(strings.ToLower(b.Err.Msg), strings.ToLower(want)) {
		t.Fatalf("error_msg %q does not mention %q", b.Err.Msg, want)
	}
}
