// Package providerdata is what the provider hands its data sources: the
// settings they default to and the listers they read through. It is its
// own package so that every data source (audit logs, findings) depends on
// it rather than on one another.
package providerdata

import (
	"context"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
)

// Lister reads an audit-log window, page by page: the provider's shared
// reads (internal/reads), through the cache when there is one.
type Lister interface {
	WalkClusterAuditLogs(ctx context.Context, q hss.Query, visit hss.Visitor) (*hss.Result, error)
}

// ClusterLister lists a project's Kubernetes clusters (ListKubernetesClusterDetails).
// The listers ClientFor returns implement it.
type ClusterLister interface {
	ListKubernetesClusters(ctx context.Context, q hss.ClusterQuery) (*hss.ClusterList, error)
}

// Data is what the provider hands its data sources.
type Data struct {
	Region              string
	EnterpriseProjectID string
	CredentialSource    string // where the credentials came from, for 401 diagnostics
	MaxRetries          int
	ContentMode         string // the provider's content_mode; "" is "redacted"
	// ClientFor returns the client of a region ("" or the provider's region).
	ClientFor func(ctx context.Context, region string) (Lister, error)
	// Redact masks the credentials in a text bound for a diagnostic (a
	// service's error message may quote an access key); nil leaves it.
	Redact func(string) string
	// Unknown names provider attributes unknown when the provider was
	// configured; a read cannot proceed until they are known.
	Unknown []string
}

// RedactText masks the credentials in s.
func (p *Data) RedactText(s string) string {
	if p == nil || p.Redact == nil {
		return s
	}
	return p.Redact(s)
}
