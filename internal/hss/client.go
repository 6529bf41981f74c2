package hss

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/credentials"
	"github.com/hss-tf/terraform-provider-hss/internal/httpclient"

	"golang.org/x/time/rate"
)

// Logger receives what the client has to say. The provider adapts it onto
// tflog, with the secrets masked; the client itself knows nothing of
// Terraform.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	// Info is what a user running a plan should see at TF_LOG=INFO: what
	// a throttled read costs, and each wait for the quota.
	Info(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Info(context.Context, string, map[string]any)  {}
func (nopLogger) Warn(context.Context, string, map[string]any)  {}

// Config builds a Client.
type Config struct {
	// Endpoint is the service's base URL, e.g. https://hss.cn-north-4.myhuaweicloud.com.
	Endpoint    string
	ProjectID   string
	Credentials credentials.Provider // asked before every attempt, so temporary credentials are renewed mid-read
	// Insecure skips TLS certificate verification (for test endpoints).
	Insecure bool
	// RootCAs are the certificate authorities the endpoint's certificate
	// must chain to; nil means the system's (see httpclient.LoadCACerts).
	RootCAs *x509.CertPool
	// HTTPClient sends the requests; nil means one built from Insecure and
	// RootCAs, which follows no redirect.
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
	// Quotas holds the views of the service's quota; give every client of
	// a provider configuration the same one. Nil means one of the
	// client's own.
	Quotas *Quotas
	// Caller names whose quota the calls spend (a hash of the access key,
	// say; never a secret): the service counts calls per user and API.
	Caller string

	// SettleDelay is the age past which records are taken as settled: a
	// window ending more recently is read as its recent tail and its
	// settled part (see walkSplit). Zero means DefaultSettleDelay; a
	// negative value never splits.
	SettleDelay time.Duration

	// now is the clock of the settle cut; replaced in tests.
	now func() time.Time
	// sleep and jitter are replaced in tests, so back-off is tested without waiting.
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func() float64
}

// APIListClusterAuditLogs names the audit-log API in quota keys: the
// service's quota is per API.
const APIListClusterAuditLogs = "ListClusterAuditLogs"

// AttemptTimeout bounds one attempt, so a stalled connection becomes a
// retried error instead of a hang; the read's own deadline is the
// caller's context.
const AttemptTimeout = 2 * time.Minute

// Concurrency bounds of a read's offset pages.
const (
	DefaultMaxConcurrency = 4
	MaxConcurrency        = 16
)

// Client reads HSS audit logs. It is safe for concurrent use.
type Client struct {
	cfg        Config
	quota      *Quota // the audit-log API's quota, as seen by this caller
	clusters   *Quota // the cluster list's
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
		cfg.HTTPClient = newHTTPClient(cfg.Insecure, cfg.RootCAs)
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
	if cfg.SettleDelay == 0 {
		cfg.SettleDelay = DefaultSettleDelay
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.jitter == nil {
		cfg.jitter = rand.Float64
	}
	if cfg.Quotas == nil {
		cfg.Quotas = NewQuotas()
	}
	return &Client{
		cfg: cfg,
		// Per caller, API and endpoint: each region's gateway keeps its own count.
		quota:      cfg.Quotas.View(cfg.Caller + " " + APIListClusterAuditLogs + " " + u.Host),
		clusters:   cfg.Quotas.View(cfg.Caller + " " + APIListKubernetesClusterDetails + " " + u.Host),
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
// retryable error instead of a hang. Like every client of httpclient.New,
// it refuses redirects.
func newHTTPClient(insecure bool, roots *x509.CertPool) *http.Client {
	return httpclient.New(httpclient.Options{
		Timeout:               AttemptTimeout,
		DialTimeout:           30 * time.Second,
		KeepAlive:             30 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   MaxConcurrency, // one read's pages reuse their connections
		Insecure:              insecure,
		RootCAs:               roots,
	})
}
