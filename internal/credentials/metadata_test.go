package credentials

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

var (
	metaFirst  = standin.TempCredential{AccessKey: "METAKEY0000000000001", SecretKey: "metaSecret1", SecurityToken: "meta-token-1"}
	metaSecond = standin.TempCredential{AccessKey: "METAKEY0000000000002", SecretKey: "metaSecret2", SecurityToken: "meta-token-2"}
	t0         = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
)

// fakeClock is a settable clock for renewal decisions.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func newMetadata(t *testing.T, opts standin.MetadataOptions) (*standin.Metadata, *httptest.Server) {
	t.Helper()
	md := standin.NewMetadata(opts)
	ts := httptest.NewServer(md)
	t.Cleanup(ts.Close)
	return md, ts
}

// withClock sets the renewal clock of a provider of this package.
func withClock(t *testing.T, p Provider, now func() time.Time) {
	t.Helper()
	switch p := p.(type) {
	case *metadataProvider:
		p.now = now
	case *assumeRole:
		p.now = now
	default:
		t.Fatalf("no clock in %T", p)
	}
}

func TestMetadataRetrievesCredentials(t *testing.T) {
	expires := t0.Add(time.Hour)
	md, ts := newMetadata(t, standin.MetadataOptions{Credential: metaFirst, ExpiresAt: expires})
	p := Metadata(ts.URL+"/", nil)
	withClock(t, p, func() time.Time { return t0 })
	v, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := Value{AccessKey: metaFirst.AccessKey, SecretKey: metaFirst.SecretKey, SecurityToken: metaFirst.SecurityToken,
		Expires: expires, Source: "ECS instance metadata (" + ts.URL + ")"}
	if v != want {
		t.Fatalf("got %+v\nwant %+v", v, want)
	}
	// Cached: a second call does not ask again.
	if _, err := p.Retrieve(context.Background()); err != nil || md.Requests() != 1 {
		t.Fatalf("second call: %v, %d requests", err, md.Requests())
	}
}

func TestMetadataRenewsBeforeExpiry(t *testing.T) {
	expires := t0.Add(time.Hour)
	md, ts := newMetadata(t, standin.MetadataOptions{Credential: metaFirst, ExpiresAt: expires})
	clk := &fakeClock{t: t0}
	p := Metadata(ts.URL, nil)
	withClock(t, p, clk.now)
	ctx := context.Background()
	if v, _ := p.Retrieve(ctx); v.AccessKey != metaFirst.AccessKey {
		t.Fatalf("first %v", v)
	}
	md.Set(metaSecond, t0.Add(2*time.Hour))

	// A life of one hour: renewed when 5 minutes remain, not before.
	clk.set(expires.Add(-5*time.Minute - time.Second))
	if v, _ := p.Retrieve(ctx); v.AccessKey != metaFirst.AccessKey || md.Requests() != 1 {
		t.Fatalf("renewed too early: %v, %d requests", v, md.Requests())
	}
	clk.set(expires.Add(-5*time.Minute + time.Second))
	v, err := p.Retrieve(ctx)
	if err != nil || v.AccessKey != metaSecond.AccessKey || v.SecurityToken != metaSecond.SecurityToken ||
		!v.Expires.Equal(t0.Add(2*time.Hour)) || md.Requests() != 2 {
		t.Fatalf("not renewed: %v %v, %d requests", v, err, md.Requests())
	}
}

func TestMetadataShortLifeRenewsAtTenPercent(t *testing.T) {
	// Ten minutes of life: renewed when one minute (10%) remains.
	expires := t0.Add(10 * time.Minute)
	md, ts := newMetadata(t, standin.MetadataOptions{Credential: metaFirst, ExpiresAt: expires})
	clk := &fakeClock{t: t0}
	p := Metadata(ts.URL, nil)
	withClock(t, p, clk.now)
	ctx := context.Background()
	_, _ = p.Retrieve(ctx)
	clk.set(expires.Add(-61 * time.Second))
	_, _ = p.Retrieve(ctx)
	if md.Requests() != 1 {
		t.Fatalf("renewed with more than 10%% left: %d requests", md.Requests())
	}
	clk.set(expires.Add(-59 * time.Second))
	_, _ = p.Retrieve(ctx)
	if md.Requests() != 2 {
		t.Fatalf("not renewed with less than 10%% left: %d requests", md.Requests())
	}
}

func TestMetadataConcurrentCallersShareOneRefresh(t *testing.T) {
	md := standin.NewMetadata(standin.MetadataOptions{Credential: metaFirst, ExpiresAt: t0.Add(time.Hour)})
	arrived := make(chan struct{}, 100)
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		md.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	p := Metadata(ts.URL, nil)
	withClock(t, p, func() time.Time { return t0 })

	const callers = 20
	var wg sync.WaitGroup
	values := make([]Value, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			values[i], errs[i] = p.Retrieve(context.Background())
		}()
	}
	<-arrived
	time.Sleep(50 * time.Millisecond) // let the other callers queue up
	close(release)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil || values[i].AccessKey != metaFirst.AccessKey {
			t.Fatalf("caller %d: %v %v", i, values[i], errs[i])
		}
	}
	if n := md.Requests(); n != 1 {
		t.Fatalf("%d requests for %d concurrent callers, want 1", n, callers)
	}
	mp, ok := p.(*metadataProvider)
	if !ok || mp.fetches != 1 {
		t.Fatalf("%T: not one fetch", p)
	}
}

func TestMetadataCallerGivingUpDoesNotFailOthers(t *testing.T) {
	md := standin.NewMetadata(standin.MetadataOptions{Credential: metaFirst, ExpiresAt: t0.Add(time.Hour)})
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		md.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	p := Metadata(ts.URL, nil)
	withClock(t, p, func() time.Time { return t0 })

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := p.Retrieve(ctx); done <- err }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: %v", err)
	}
	close(release)
	v, err := p.Retrieve(context.Background())
	if err != nil || v.AccessKey != metaFirst.AccessKey {
		t.Fatalf("next caller: %v %v", v, err)
	}
	if md.Requests() != 1 {
		t.Fatalf("%d requests: the first fetch should have been finished and kept", md.Requests())
	}
}

func TestMetadataUnreachableFailsFast(t *testing.T) {
	// A port nobody listens on: refused at once.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + l.Addr().String()
	l.Close()

	start := time.Now()
	_, err = Metadata(endpoint, nil).Retrieve(context.Background())
	if !errors.Is(err, ErrMetadataUnreachable) {
		t.Fatalf("err %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %s", d)
	}
	for _, want := range []string{endpoint, "agency", "did not answer"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("%q does not say %q", err, want)
		}
	}
}

func TestMetadataSilentServiceTimesOut(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 3 s timeout")
	}
	// Accepts the connection, never answers: the client's 3 s bound.
	stop := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-stop }))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(stop) })
	start := time.Now()
	_, err := Metadata(ts.URL, nil).Retrieve(context.Background())
	d := time.Since(start)
	if !errors.Is(err, ErrMetadataUnreachable) || d < 2*time.Second || d > 30*time.Second {
		t.Fatalf("after %s: %v", d, err)
	}
}

func TestMetadataClientBounds(t *testing.T) {
	c := MetadataClient()
	tr, ok := c.Transport.(*http.Transport)
	if !ok || c.Timeout != 3*time.Second || tr.Proxy == nil || tr.ResponseHeaderTimeout != 3*time.Second {
		t.Fatalf("client %+v", c)
	}
}

func TestMetadataWithoutAgency(t *testing.T) {
	_, ts := newMetadata(t, standin.MetadataOptions{NoAgency: true})
	_, err := Metadata(ts.URL, nil).Retrieve(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound || errors.Is(err, ErrMetadataUnreachable) {
		t.Fatalf("err %v", err)
	}
	for _, want := range []string{ts.URL, "HTTP 404", "agency attached"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("%q does not say %q", err, want)
		}
	}
}

func TestMetadataExpiredCredential(t *testing.T) {
	_, ts := newMetadata(t, standin.MetadataOptions{Credential: metaFirst, ExpiresAt: t0.Add(-time.Minute)})
	p := Metadata(ts.URL, nil)
	withClock(t, p, func() time.Time { return t0 })
	_, err := p.Retrieve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "expired at 2026-03-14T11:59:00Z") || !strings.Contains(err.Error(), ts.URL) {
		t.Fatalf("err %v", err)
	}
	if strings.Contains(err.Error(), metaFirst.SecretKey) || strings.Contains(err.Error(), metaFirst.SecurityToken) {
		t.Fatalf("secret in %q", err)
	}
}

func TestMetadataFailedRenewalKeepsWorkingCredentials(t *testing.T) {
	expires := t0.Add(time.Hour)
	md, ts := newMetadata(t, standin.MetadataOptions{Credential: metaFirst, ExpiresAt: expires})
	clk := &fakeClock{t: t0}
	p := Metadata(ts.URL, nil)
	withClock(t, p, clk.now)
	ctx := context.Background()
	if _, err := p.Retrieve(ctx); err != nil {
		t.Fatal(err)
	}
	md.SetNoAgency(true)

	// Due for renewal; the renewal fails, the current keys still work.
	clk.set(expires.Add(-2 * time.Minute))
	v, err := p.Retrieve(ctx)
	if err != nil || v.AccessKey != metaFirst.AccessKey || md.Requests() != 2 {
		t.Fatalf("%v %v, %d requests", v, err, md.Requests())
	}
	// Not asked again within 30 seconds of the failure.
	clk.set(expires.Add(-2*time.Minute + 10*time.Second))
	if _, err := p.Retrieve(ctx); err != nil || md.Requests() != 2 {
		t.Fatalf("%v, %d requests", err, md.Requests())
	}
	// Asked again after.
	clk.set(expires.Add(-time.Minute))
	if _, err := p.Retrieve(ctx); err != nil || md.Requests() != 3 {
		t.Fatalf("%v, %d requests", err, md.Requests())
	}
	// Once they have expired, the failure is the caller's.
	clk.set(expires.Add(time.Second))
	if _, err := p.Retrieve(ctx); err == nil || !strings.Contains(err.Error(), "HTTP 404") {
		t.Fatalf("after expiry: %v", err)
	}
}
