package hss

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/proxy"

	"golang.org/x/time/rate"
)

// Credentials sign a request: an AK/SK pair (with a security token when
// the pair is temporary), or an IAM token sent as X-Auth-Token.
type Credentials struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
	AuthToken     string
}

// CredentialsProvider hands the client the credentials to sign the next
// attempt with. It is asked before every attempt, so temporary credentials
// can be renewed in the middle of a long read.
type CredentialsProvider interface {
	Retrieve(ctx context.Context) (Credentials, error)
}

// StaticCredentials never change.
type StaticCredentials Credentials

// Retrieve returns the credentials unchanged.
func (s StaticCredentials) Retrieve(context.Context) (Credentials, error) { return Credentials(s), nil }

// Logger receives what the client has to say. The provider adapts it onto
// tflog, with the secrets masked; the client itself knows nothing of
// Terraform.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Warn(context.Context, string, map[string]any)  {}

// Config builds a Client.
type Config struct {
	// Endpoint is the service's base URL, e.g. https://hss.cn-north-4.myhuaweicloud.com.
	Endpoint    string
	ProjectID   string
	Credentials CredentialsProvider
	// Insecure skips TLS certificate verification (for test endpoints).
	Insecure bool
	// HTTPClient sends the requests; nil means one built from Insecure.
	HTTPClient *http.Client
	// MaxRetries bounds the retries of one request (429, 5xx, transport errors).
	MaxRetries int
	UserAgent  string
	Logger     Logger

	// RetryWaitMin and RetryWaitMax bound the exponential back-off between
	// retries; zero means 300ms and 30s.
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxPageBytes caps the body read per page; zero means 32 MiB.
	MaxPageBytes int64
	// MaxConcurrency bounds the offset pages of one read in flight at once;
	// zero means DefaultMaxConcurrency.
	MaxConcurrency int
	// RateLimit, when set, is waited on before every attempt of every read:
	// one limiter for all the clients of a provider, so they share a budget.
	RateLimit *rate.Limiter

	// sleep and jitter are replaced in tests, so back-off is tested without waiting.
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func() float64
}

// Concurrency bounds of a read's offset pages.
const (
	DefaultMaxConcurrency = 4
	MaxConcurrency        = 16
)

// Client reads HSS audit logs. It is safe for concurrent use.
type Client struct {
	cfg        Config
	scheme     string // endpoint scheme and host, where requests are sent
	host       string
	pathPrefix string // any path the endpoint carries before /v5
}

// New checks the configuration and builds a Client.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("endpoint %q is not an http(s) URL", cfg.Endpoint)
	}
	if cfg.ProjectID == "" {
		return nil, errors.New("project id is empty")
	}
	if cfg.Credentials == nil {
		return nil, errors.New("no credentials")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = newHTTPClient(cfg.Insecure)
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.Logger == nil {
		cfg.Logger = nopLogger{}
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = 300 * time.Millisecond
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = 30 * time.Second
	}
	if cfg.MaxConcurrency <= 0 {
		cfg.MaxConcurrency = DefaultMaxConcurrency
	}
	cfg.MaxConcurrency = min(cfg.MaxConcurrency, MaxConcurrency)
	if cfg.MaxPageBytes <= 0 {
		cfg.MaxPageBytes = 32 << 20
	}
	if cfg.sleep == nil {
		cfg.sleep = sleepContext
	}
	if cfg.jitter == nil {
		cfg.jitter = rand.Float64
	}
	return &Client{
		cfg:        cfg,
		scheme:     u.Scheme,
		host:       u.Host,
		pathPrefix: strings.TrimSuffix(u.Path, "/"),
	}, nil
}

// Endpoint is the base URL requests go to.
func (c *Client) Endpoint() string { return c.scheme + "://" + c.host + c.pathPrefix }

// ProjectID is the project every request addresses.
func (c *Client) ProjectID() string { return c.cfg.ProjectID }

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// newHTTPClient bounds each attempt, so a stalled connection becomes a
// retryable error instead of a hang.
func newHTTPClient(insecure bool) *http.Client {
	t := &http.Transport{
		Proxy:                 proxy.FromEnvironment(),
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   MaxConcurrency, // one read's pages reuse their connections
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure}, //nolint:gosec // only when the user sets insecure = true
	}
	return &http.Client{Transport: t, Timeout: 120 * time.Second}
}
