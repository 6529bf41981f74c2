package hss

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/credentials"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	sdkrequest "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

const (
	testAK      = "TESTAK0123456789"
	testSK      = "testsk-secret-0123456789"
	testProject = "0123456789abcdef0123456789abcdef"
)

// fake is a minimal service for client tests: it checks each request's
// signature independently of the client and answers through respond.
type fake struct {
	t       *testing.T
	mu      sync.Mutex
	reqs    []*http.Request
	respond func(n int, q url.Values) (status int, header http.Header, body string)
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reqs = append(f.reqs, r.Clone(context.Background()))
	n := len(f.reqs)
	f.mu.Unlock()
	if err := verifySignature(r, testAK, testSK); err != nil {
		f.t.Errorf("request %d: %v", n, err)
		w.WriteHeader(401)
		_, _ = w.Write([]byte(`{"error_code":"APIGW.0301","error_msg":"bad signature"}`))
		return
	}
	status, header, body := f.respond(n, r.URL.Query())
	w.Header().Set("X-Request-Id", fmt.Sprintf("req-%d", n))
	for k, v := range header {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func (f *fake) requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.reqs...)
}

// verifySignature recomputes the SDK-HMAC-SHA256 signature of r.
func verifySignature(r *http.Request, ak, sk string) error {
	auth := r.Header.Get("Authorization")
	const prefix = "SDK-HMAC-SHA256 "
	if !strings.HasPrefix(auth, prefix) {
		return fmt.Errorf("authorization %q", auth)
	}
	fields := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(auth, prefix), ", ") {
		k, v, _ := strings.Cut(part, "=")
		fields[k] = v
	}
	if fields["Access"] != ak {
		return fmt.Errorf("access %q", fields["Access"])
	}
	b := sdkrequest.NewHttpRequestBuilder().WithEndpoint("http://" + r.Host).WithMethod(r.Method).WithPath(r.URL.Path)
	for k, vs := range r.URL.Query() {
		b.AddQueryParam(k, reflect.ValueOf(vs[0]))
	}
	for _, h := range strings.Split(fields["SignedHeaders"], ";") {
		b.AddHeaderParam(http.CanonicalHeaderKey(h), r.Header.Get(h))
	}
	signed, err := signer.Sign(b.Build(), ak, sk)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(signed["Authorization"]), []byte(auth)) != 1 {
		return fmt.Errorf("signature mismatch: got %q want %q", auth, signed["Authorization"])
	}
	return nil
}

// pageBody renders n records starting at index from, out of total.
func pageBody(total, from, n int, lineNums bool) string {
	return pageOf(total, span(from, n), lineNums)
}

type countingCreds struct {
	mu sync.Mutex
	n  int
}

func (c *countingCreds) Retrieve(context.Context) (credentials.Value, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return credentials.Value{AccessKey: testAK, SecretKey: testSK}, nil
}

// newTestClient serves f and returns a client whose back-off does not sleep.
func newTestClient(t *testing.T, f *fake, mod func(*Config)) (*Client, *[]time.Duration) {
	t.Helper()
	f.t = t
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	var slept []time.Duration
	cfg := Config{
		Endpoint:    srv.URL,
		ProjectID:   testProject,
		Credentials: credentials.Static(credentials.Value{AccessKey: testAK, SecretKey: testSK}),
		MaxRetries:  3,
		UserAgent:   "test-agent/1.0",
		sleep: func(_ context.Context, d time.Duration) error {
			slept = append(slept, d)
			return nil
		},
		jitter: func() float64 { return 1 },
	}
	// Waits for the quota go on a virtual clock, and into slept too.
	clk := newVirtualClock()
	cfg.Quotas = &Quotas{now: clk.now, rand: func() float64 { return 1 }, until: func(at time.Time) <-chan time.Time {
		slept = append(slept, at.Sub(clk.now()))
		return clk.until(at)
	}}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, &slept
}

func baseQuery() Query {
	return Query{ClusterID: "c1", StartTime: 1, EndTime: 2, Limit: 10}
}
