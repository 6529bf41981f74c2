// Package httpclient builds the HTTP clients of the provider (the HSS
// API, IAM, the ECS metadata service) from one set of options, so that
// they share their TLS and proxy rules. It knows nothing of Terraform or
// of the services it talks to.
package httpclient

import (
	"crypto/tls"
	"net"
	"net/http"
	"net/url"
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
	return &http.Client{Transport: t, Timeout: duration(opts.Timeout, 0)}
}

// tlsConfig is the TLS configuration of the transport.
func tlsConfig(opts Options) *tls.Config {
	return &tls.Config{
		MinVersion:         tls.VersionTLS12,
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
