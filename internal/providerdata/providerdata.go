// Package providerdata is what the provider hands its data sources: the
// settings they default to and the listers they read through. It is its
// own package so that every data source (audit logs, findings) depends on
// it rather than on one another.
package providerdata

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

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

// NotReady says why a data source cannot read with p yet, as a
// diagnostic's summary and detail; both are "" when it can. what is what
// the read would do ("the audit logs cannot be read").
func (p *Data) NotReady(what string) (summary, detail string) {
	switch {
	case p == nil:
		return "Provider not configured", "The hss provider was not configured before this read. This is a bug in the provider or in Terraform."
	case len(p.Unknown) > 0:
		return "Provider configuration not yet known", fmt.Sprintf("The hss provider's %s depend on values known only after apply, so %s now. "+
			"Give those provider attributes values known at plan time (or use -target to create what they depend on first).",
			strings.Join(p.Unknown, ", "), what)
	}
	return "", ""
}

// FromConfigure is the Data a data source's Configure is handed: nil
// before the provider is configured (Terraform validates first), and nil
// with an error when it is not the provider's.
func FromConfigure(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) *Data {
	if req.ProviderData == nil {
		return nil
	}
	data, ok := req.ProviderData.(*Data)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerdata.Data, got %T. This is a bug in the provider.", req.ProviderData))
	}
	return data
}

// Defaults fills a data source's region and enterprise_project_id, left
// null, with the provider's, so state shows what the read used.
func (p *Data) Defaults(region, enterpriseProjectID *types.String) {
	if region.IsNull() && p.Region != "" {
		*region = types.StringValue(p.Region)
	}
	if enterpriseProjectID.IsNull() && p.EnterpriseProjectID != "" {
		*enterpriseProjectID = types.StringValue(p.EnterpriseProjectID)
	}
}

// Client is the lister of region ("" the provider's), or nil with a
// diagnostic on the region argument when this configuration cannot serve
// it.
func (p *Data) Client(ctx context.Context, region string, diags *diag.Diagnostics) Lister {
	l, err := p.ClientFor(ctx, region)
	if err != nil {
		diags.AddAttributeError(path.Root("region"), "Region not served by this provider configuration", p.RedactText(err.Error())+".")
		return nil
	}
	return l
}

// ID is a data source's id: a digest of what was asked (parts), stable
// across reads of the same query, so dependents do not churn.
func ID(parts ...string) string {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strconv.Quote(p)
	}
	sum := sha256.Sum256([]byte(strings.Join(quoted, ",")))
	return hex.EncodeToString(sum[:16])
}
