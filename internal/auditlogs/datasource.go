// Package auditlogs is the hss_cluster_audit_logs data source: its schema,
// the configuration-to-query model, the read, and the records-to-state
// conversion. It knows nothing of HTTP or signing: it asks a Lister.
package auditlogs

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
)

// Lister reads an audit-log window, page by page.
type Lister interface {
	WalkClusterAuditLogs(ctx context.Context, q hss.Query, visit hss.Visitor) (*hss.Result, error)
}

// ProviderData is what the provider hands its data sources.
type ProviderData struct {
	Region              string
	EnterpriseProjectID string
	CredentialSource    string // where the credentials came from, for 401 diagnostics
	MaxRetries          int
	// ClientFor returns the client of a region ("" or the provider's region).
	ClientFor func(region string) (Lister, error)
	// Unknown names provider attributes unknown when the provider was
	// configured; a read cannot proceed until they are known.
	Unknown []string
}

var (
	_ datasource.DataSourceWithConfigure        = (*dataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*dataSource)(nil)
)

// NewDataSource is registered by the provider.
func NewDataSource() datasource.DataSource { return &dataSource{} }

type dataSource struct {
	data *ProviderData
}

func (d *dataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster_audit_logs"
}

func (d *dataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*ProviderData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data", fmt.Sprintf("Expected *auditlogs.ProviderData, got %T. This is a bug in the provider.", req.ProviderData))
		return
	}
	d.data = data
}

func (d *dataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{timeWindowValidator{}}
}

func (d *dataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m model
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "The hss provider was not configured before this read. This is a bug in the provider or in Terraform.")
		return
	}
	if len(d.data.Unknown) > 0 {
		resp.Diagnostics.AddError("Provider configuration not yet known",
			fmt.Sprintf("The hss provider's %s depend on values known only after apply, so the audit logs cannot be read now. "+
				"Give those provider attributes values known at plan time (or use -target to create what they depend on first).",
				strings.Join(d.data.Unknown, ", ")))
		return
	}
	m.applyDefaults(d.data)
	q := m.query()
	client, err := d.data.ClientFor(m.Region.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(pathRegion, "Region not served by this provider configuration", err.Error()+".")
		return
	}

	timeout, diags := m.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	n := m.narrowing()
	out, err := readRows(ctx, client, q, n)
	if err != nil {
		summary, detail := explain(err, q, d.data, timeout)
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	for _, w := range out.warnings {
		resp.Diagnostics.AddWarning(w.summary, w.detail)
	}

	m.ID = types.StringValue(queryID(m.Region.ValueString(), q, n))
	m.TotalNum = types.Int64Value(out.total)
	m.DataList = records(out.rows)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
