package credentials

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/httpclient"
)

// DefaultMetadataEndpoint is the ECS instance metadata service.
const DefaultMetadataEndpoint = "http://169.254.169.254"

const metadataPath = "/openstack/latest/securitykey"

// ErrMetadataUnreachable is wrapped when the metadata service did not
// answer at all: most likely the program does not run on an ECS instance.
var ErrMetadataUnreachable = errors.New("the ECS metadata service did not answer")

// MetadataClient is an HTTP client for the metadata service: a 1 second
// connect timeout and 3 seconds in all, so that a machine without the
// service fails fast. Proxies from the environment apply as to every
// client of the provider: a host behind a proxy lists 169.254.169.254 in
// NO_PROXY, as other Huawei Cloud tools expect.
func MetadataClient() *http.Client {
	return httpclient.New(httpclient.Options{
		Timeout:               3 * time.Second,
		DialTimeout:           time.Second,
		TLSHandshakeTimeout:   httpclient.NoLimit, // Timeout bounds it
		ResponseHeaderTimeout: 3 * time.Second,
		IdleConnTimeout:       30 * time.Second,
		MaxIdleConns:          1,
		DisableHTTP2:          true,
	})
}

// Metadata returns a Provider of the temporary credentials of the ECS
// instance's agency, from GET {endpoint}/openstack/latest/securitykey.
// An empty endpoint means DefaultMetadataEndpoint; a nil client means
// MetadataClient(). The credentials are cached and renewed before they
// expire.
func Metadata(endpoint string, client *http.Client) Provider {
	if endpoint == "" {
		endpoint = DefaultMetadataEndpoint
	}
	if client == nil {
		client = MetadataClient()
	}
	m := &metadataProvider{endpoint: strings.TrimSuffix(strings.TrimSpace(endpoint), "/"), client: client}
	m.renewing = newRenewing(m.fetch)
	return m
}

type metadataProvider struct {
	*renewing
	endpoint string
	client   *http.Client
}

func (m *metadataProvider) source() string {
	return "ECS instance metadata (" + m.endpoint + ")"
}

const agencyHint = "the metadata service hands out credentials only on an ECS instance with an agency attached"

func (m *metadataProvider) fetch(ctx context.Context) (Value, error) {
	ep, err := parseEndpoint(m.endpoint, false)
	if err != nil {
		return Value{}, fmt.Errorf("ECS metadata service: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ep.String()+metadataPath, nil)
	if err != nil {
		return Value{}, fmt.Errorf("ECS metadata service: %w", err)
	}
	body, err := do(m.client, "ECS metadata service", req)
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.StatusCode == 0:
		return Value{}, &wrapError{
			msg:  fmt.Sprintf("the ECS metadata service at %s did not answer (%v); %s", m.endpoint, apiErr.Err, agencyHint),
			errs: []error{ErrMetadataUnreachable, apiErr},
		}
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound:
		return Value{}, &wrapError{
			msg:  fmt.Sprintf("the ECS metadata service at %s has no credentials for this instance (%s); %s", m.endpoint, apiErr.answer(), agencyHint),
			errs: []error{apiErr},
		}
	case err != nil:
		return Value{}, fmt.Errorf("getting credentials from the ECS metadata service at %s: %w", m.endpoint, err)
	}
	v, err := decodeCredential(body, m.source())
	if err != nil {
		return Value{}, fmt.Errorf("the ECS metadata service at %s: %w; %s", m.endpoint, err, agencyHint)
	}
	return v, nil
}

// decodeCredential reads {"credential": {"access", "secret",
// "securitytoken", "expires_at"}}, the answer of both the metadata service
// and IAM's securitytokens.
func decodeCredential(body []byte, source string) (Value, error) {
	var b struct {
		Credential *struct {
			Access        string `json:"access"`
			Secret        string `json:"secret"`
			SecurityToken string `json:"securitytoken"`
			ExpiresAt     string `json:"expires_at"`
		} `json:"credential"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return Value{}, fmt.Errorf("the answer is not the expected JSON: %w", err)
	}
	c := b.Credential
	if c == nil || c.Access == "" || c.Secret == "" || c.SecurityToken == "" {
		return Value{}, errors.New("the answer lacks credential.access, credential.secret or credential.securitytoken")
	}
	v := Value{AccessKey: c.Access, SecretKey: c.Secret, SecurityToken: c.SecurityToken, Source: source}
	if c.ExpiresAt != "" {
		t, err := parseExpiresAt(c.ExpiresAt)
		if err != nil {
			return Value{}, err
		}
		v.Expires = t
	}
	return v, nil
}

// parseExpiresAt reads times such as 2030-01-01T00:00:00.000000Z; a time
// without a zone is UTC.
func parseExpiresAt(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("credential.expires_at %q is not a time like 2030-01-01T00:00:00.000000Z", s)
}
