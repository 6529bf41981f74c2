// Package auditlogs is the hss_cluster_audit_logs data source: its schema,
// the configuration-to-query model, the read, and the records-to-state
// conversion. It knows nothing of HTTP or signing: it asks a Lister.
package auditlogs

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/hss-tf/terraform-provider-hss/internal/cache"
	"github.com/hss-tf/terraform-provider-hss/internal/providerdata"
	"github.com/hss-tf/terraform-provider-hss/internal/safetext"
)

// Lister and ProviderData are the provider's, shared by its data sources.
type (
	Lister       = providerdata.Lister
	ProviderData = providerdata.Data
)

var (
	_ datasource.DataSourceWithConfigure        = (*dataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*dataSource)(nil)
)

// TypeName is the data source's name in configurations.
const TypeName = "hss_cluster_audit_logs"

// NewDataSource is registered by the provider.
func NewDataSource() datasource.DataSource { return &dataSource{} }

type dataSource struct {
	data *ProviderData
}

func (d *dataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster_audit_logs"
	if resp.TypeName != TypeName {
		panic("data source registered as " + resp.TypeName + ", not " + TypeName)
	}
}

func (d *dataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerdata.FromConfigure(req, resp); data != nil {
		d.data = data
	}
}

func (d *dataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{timeWindowValidator{}}
}

func (d *dataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	state, diags := ReadState(ctx, d.data, req.Config)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	val, err := state.Unmarshal(req.Config.Schema.Type().TerraformType(ctx))
	if err != nil {
		resp.Diagnostics.AddError("Cannot decode the data source's state", err.Error()+". This is a bug in the provider.")
		return
	}
	resp.State.Raw = val
}

// ReadState performs a read of the configuration cfg and returns the new
// state, encoded. Both the framework's Read and the provider's direct path
// (internal/provider, server.go) call it, so they cannot differ in what
// they read or return.
func ReadState(ctx context.Context, data *ProviderData, cfg tfsdk.Config) (*tfprotov6.DynamicValue, diag.Diagnostics) {
	var diags diag.Diagnostics
	var m model
	diags.Append(cfg.Get(ctx, &m)...)
	if diags.HasError() {
		return nil, diags
	}
	if data == nil {
		diags.AddError("Provider not configured", "The hss provider was not configured before this read. This is a bug in the provider or in Terraform.")
		return nil, diags
	}
	if len(data.Unknown) > 0 {
		diags.AddError("Provider configuration not yet known",
			fmt.Sprintf("The hss provider's %s depend on values known only after apply, so the audit logs cannot be read now. "+
				"Give those provider attributes values known at plan time (or use -target to create what they depend on first).",
				strings.Join(data.Unknown, ", ")))
		return nil, diags
	}
	diags.Append(NegativeTimes(m.StartTime.ValueInt64(), m.EndTime.ValueInt64())...)
	if diags.HasError() {
		return nil, diags
	}
	m.applyDefaults(data)
	q, n := m.query(), m.narrowing()
	client := data.Client(ctx, m.Region.ValueString(), &diags)
	if client == nil {
		return nil, diags
	}
	timeout, d := m.Timeouts.Read(ctx, defaultReadTimeout)
	diags.Append(d...)
	if diags.HasError() {
		return nil, diags
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if n.content == ContentRaw {
		ctx = cache.Bypass(ctx) // the cache holds content redacted
	}
	out, err := readRows(ctx, client, q, n)
	if err != nil {
		summary, detail := explain(err, q, data, timeout)
		diags.AddError(data.RedactText(summary), data.RedactText(detail))
		return nil, diags
	}
	for _, w := range out.warnings {
		// They may quote what the service sent (a line_num, say).
		diags.AddWarning(data.RedactText(safetext.Escape(w.summary)), data.RedactText(safetext.Escape(w.detail)))
	}
	state, err := stateMsgPack(ctx, cfg.Raw, &m, queryID(m.Region.ValueString(), q, n), out)
	if err != nil {
		diags.AddError("Cannot build the data source's state", err.Error()+". This is a bug in the provider.")
		return nil, diags
	}
	return &tfprotov6.DynamicValue{MsgPack: state}, diags
}
