// Package httpclient builds the HTTP clients of the provider (the HSS
// API, IAM, the ECS metadata service) from one set of options, so that
// they share their TLS and proxy rules. It knows nothing of Terraform or
// of the services it talks to.
package httpclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/proxy"
)

// NoLimit, given as a duration, turns that limit off where zero would
// choose the default.
const NoLimit time.Duration = -1

// Options configure New. The zero value of every field is a sensible
// default, named in the field's comment; the defaults of the transport
// are those of net/http's DefaultTransport. A negative duration
// (NoLimit) turns that limit off.
//
// A new setting is a new field whose zero value keeps today's behaviour.
type Options struct {
	// Timeout bounds a whole request, from dialling to the end of the
	// body. Zero: no limit, as for http.Client.
	Timeout time.Duration
	// DialTimeout bounds a TCP connect. Zero: 30 s.
	DialTimeout time.Duration
	// KeepAlive is the period of TCP keep-alive probes. Zero: net.Dialer's
	// own default (15 s); negative turns the probes off.
	KeepAlive time.Duration
	// TLSHandshakeTimeout bounds a TLS handshake. Zero: 10 s.
	TLSHandshakeTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for an answer's headers once
	// the request is written. Zero: no limit (Timeout still applies).
	ResponseHeaderTimeout time.Duration
	// IdleConnTimeout is how long an idle connection is kept for reuse.
	// Zero: 90 s.
	IdleConnTimeout time.Duration
	// MaxIdleConns caps the idle connections kept across all hosts.
	// Zero: 100; negative: no cap.
	MaxIdleConns int
	// MaxIdleConnsPerHost caps the idle connections kept per host. Zero:
	// http.DefaultMaxIdleConnsPerHost (2).
	MaxIdleConnsPerHost int
	// Insecure skips the verification of the server's TLS certificate:
	// only for test endpoints, and only when the user asks for it.
	Insecure bool
	// RootCAs are the certificate authorities a server's certificate must
	// chain to. Nil: the system's. LoadCACerts builds a pool holding the
	// system's and those of a PEM file.
	RootCAs *x509.CertPool
	// DisableHTTP2 keeps to HTTP/1.1 over TLS too. Zero: HTTP/2 is
	// negotiated when the server offers it.
	DisableHTTP2 bool
	// Proxy chooses the proxy of each request. Nil: proxy.FromEnvironment(),
	// the environment as it is when New is called.
	Proxy func(*http.Request) (*url.URL, error)
}

// Defaults of the zero Options.
const (
	DefaultDialTimeout         = 30 * time.Second
	DefaultTLSHandshakeTimeout = 10 * time.Second
	DefaultIdleConnTimeout     = 90 * time.Second
	DefaultMaxIdleConns        = 100
)

// expectContinueTimeout is DefaultTransport's wait for a 100 Continue,
// for requests that send Expect: 100-continue.
const expectContinueTimeout = time.Second

// New builds an *http.Client from opts. TLS is at least version 1.2.
// The client follows no redirect: its CheckRedirect is RefuseRedirect.
func New(opts Options) *http.Client {
	p := opts.Proxy
	if p == nil {
		p = proxy.FromEnvironment()
	}
	dialer := &net.Dialer{
		Timeout:   duration(opts.DialTimeout, DefaultDialTimeout),
		KeepAlive: opts.KeepAlive,
	}
	t := &http.Transport{
		Proxy:                 p,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     !opts.DisableHTTP2,
		MaxIdleConns:          maxIdleConns(opts.MaxIdleConns),
		MaxIdleConnsPerHost:   opts.MaxIdleConnsPerHost,
		IdleConnTimeout:       duration(opts.IdleConnTimeout, DefaultIdleConnTimeout),
		TLSHandshakeTimeout:   duration(opts.TLSHandshakeTimeout, DefaultTLSHandshakeTimeout),
		ExpectContinueTimeout: expectContinueTimeout,
		ResponseHeaderTimeout: duration(opts.ResponseHeaderTimeout, 0),
		TLSClientConfig:       tlsConfig(opts),
	}
	return &http.Client{Transport: t, Timeout: duration(opts.Timeout, 0), CheckRedirect: RefuseRedirect}
}

// ErrRedirect is wrapped by the error of a request that was answered with
// a redirect: see RedirectError.
var ErrRedirect = errors.New("redirect refused")

// RedirectError is the error of a request answered with a redirect, which
// the clients of New refuse: the requests carry credentials
// (Authorization, X-Security-Token, X-Auth-Token), which net/http would
// send on to the Location, another host or plain http:// included.
//
// http.Client.Do returns it wrapped in a *url.Error, whose URL is the
// whole Location; errors.As finds it there, and errors.Is(err,
// ErrRedirect) holds. The redirect response is not handed to the caller
// (Do returns it with its body closed, beside the error).
type RedirectError struct {
	// Status is the redirect's HTTP status, e.g. 302.
	Status int
	// Location is the scheme and host the redirect pointed to, e.g.
	// http://other.example:8080; its path and query are left out, since
	// they may carry a token.
	Location string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("the service answered %d %s with a redirect to %s; redirects are refused, so that no credential leaves for another host: point the endpoint at the service itself",
		e.Status, http.StatusText(e.Status), e.Location)
}

// Unwrap makes errors.Is(err, ErrRedirect) hold.
func (e *RedirectError) Unwrap() error { return ErrRedirect }

// RefuseRedirect is an http.Client.CheckRedirect that follows no redirect:
// it returns a *RedirectError naming the redirect's status and target, so
// the request fails instead of reaching the Location.
func RefuseRedirect(req *http.Request, _ []*http.Request) error {
	e := &RedirectError{Location: req.URL.Scheme + "://" + req.URL.Host}
	if req.Response != nil {
		e.Status = req.Response.StatusCode
	}
	return e
}

// LoadCACerts reads the PEM certificate bundle at path and returns a pool
// of the system's certificate authorities and the file's, for
// Options.RootCAs: the file's are trusted in addition to the system's
// (only the file's when the system's pool cannot be loaded). A file that
// cannot be read, or that holds no PEM certificate, is an error.
func LoadCACerts(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path) //nolint:gosec // the path is the user's setting
	if err != nil {
		return nil, fmt.Errorf("reading the CA certificate file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("the CA certificate file %s holds no PEM certificate", path)
	}
	return pool, nil
}

// tlsConfig is the TLS configuration of the transport.
func tlsConfig(opts Options) *tls.Config {
	return &tls.Config{
		MinVersion:         tls.VersionTLS12,
		RootCAs:            opts.RootCAs,
		InsecureSkipVerify: opts.Insecure, //nolint:gosec // only when the user sets insecure = true
	}
}

// duration is d, def when d is zero, and 0 (net/http's "no limit") when d
// is negative.
func duration(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

// maxIdleConns is n, DefaultMaxIdleConns when n is zero, and 0
// (http.Transport's "no cap") when n is negative.
func maxIdleConns(n int) int {
	switch {
	case n == 0:
		return DefaultMaxIdleConns
	case n < 0:
		return 0
	}
	return n
}

// CredentialHeaders are the credentials a request carries, to be masked in
// whatever its answer quotes: the access key of an SDK-HMAC-SHA256
// Authorization header (the signature proves nothing to another caller,
// the secret key is never sent), the security token and the IAM token.
func CredentialHeaders(h http.Header) []string {
	var out []string
	if a := h.Get("Authorization"); a != "" {
		if _, rest, ok := strings.Cut(a, "Access="); ok {
			ak, _, _ := strings.Cut(rest, ",")
			out = append(out, strings.TrimSpace(ak))
		}
	}
	for _, k := range []string{"X-Security-Token", "X-Auth-Token"} {
		if v := h.Get(k); v != "" {
			out = append(out, v)
		}
	}
	return out
}
