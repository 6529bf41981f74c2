// Package auditfindings is the hss_cluster_audit_findings data source: the
// detections of internal/findings over a window of audit logs, read once
// (shared with the audit-log data sources of the same query) and judged
// while the pages stream by, so that only findings reach state.
package auditfindings

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hss-tf/terraform-provider-hss/internal/auditlogs"
	"github.com/hss-tf/terraform-provider-hss/internal/findings"
	"github.com/hss-tf/terraform-provider-hss/internal/functions"
	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
	"github.com/hss-tf/terraform-provider-hss/internal/providerdata"
	"github.com/hss-tf/terraform-provider-hss/internal/safetext"
)

// TypeName is the data source's name in configurations.
const TypeName = "hss_cluster_audit_findings"

// NewDataSource is registered by the provider.
func NewDataSource() datasource.DataSource { return &dataSource{} }

type dataSource struct{ data *providerdata.Data }

var (
	_ datasource.DataSourceWithConfigure        = (*dataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*dataSource)(nil)
)

func (d *dataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster_audit_findings"
}

func (d *dataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerdata.FromConfigure(req, resp); data != nil {
		d.data = data
	}
}

func (d *dataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{auditlogs.WindowValidator()}
}

type model struct {
	ID                  types.String   `tfsdk:"id"`
	Region              types.String   `tfsdk:"region"`
	EnterpriseProjectID types.String   `tfsdk:"enterprise_project_id"`
	ClusterID           types.String   `tfsdk:"cluster_id"`
	StartTime           types.Int64    `tfsdk:"start_time"`
	EndTime             types.Int64    `tfsdk:"end_time"`
	ClusterName         types.String   `tfsdk:"cluster_name"`
	HostName            types.String   `tfsdk:"host_name"`
	HostID              types.String   `tfsdk:"host_id"`
	HostIP              types.String   `tfsdk:"host_ip"`
	Rules               []string       `tfsdk:"rules"`
	AllowedUsernames    []string       `tfsdk:"allowed_usernames"`
	TrustedImages       []string       `tfsdk:"trusted_images"`
	MaxFindings         types.Int64    `tfsdk:"max_findings"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`

	Findings     []findingModel   `tfsdk:"findings"`
	FindingsNum  types.Int64      `tfsdk:"findings_num"`
	Counts       map[string]int64 `tfsdk:"counts"`
	NotEvaluable map[string]int64 `tfsdk:"not_evaluable"`
	RecordsNum   types.Int64      `tfsdk:"records_num"`
}

type findingModel struct {
	Rule        string   `tfsdk:"rule"`
	Severity    string   `tfsdk:"severity"`
	Time        int64    `tfsdk:"time"`
	TimeRFC3339 string   `tfsdk:"time_rfc3339"`
	User        string   `tfsdk:"user"`
	Verb        string   `tfsdk:"verb"`
	Resource    string   `tfsdk:"resource"`
	Subresource string   `tfsdk:"subresource"`
	Namespace   string   `tfsdk:"namespace"`
	Name        string   `tfsdk:"name"`
	SourceIPs   []string `tfsdk:"source_ips"`
	AuditID     string   `tfsdk:"audit_id"`
	Stage       string   `tfsdk:"stage"`
	Message     string   `tfsdk:"message"`
}

func (d *dataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m model
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := d.data
	if summary, detail := data.NotReady("the audit logs cannot be read"); summary != "" {
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	if resp.Diagnostics.Append(auditlogs.NegativeTimes(m.StartTime.ValueInt64(), m.EndTime.ValueInt64())...); resp.Diagnostics.HasError() {
		return
	}
	data.Defaults(&m.Region, &m.EnterpriseProjectID)
	if len(m.Rules) == 0 {
		m.Rules = findings.RuleNames()
	}
	q := hss.Query{
		ClusterID: m.ClusterID.ValueString(), StartTime: m.StartTime.ValueInt64(), EndTime: m.EndTime.ValueInt64(),
		EnterpriseProjectID: m.EnterpriseProjectID.ValueString(), ClusterName: m.ClusterName.ValueString(),
		HostName: m.HostName.ValueString(), HostID: m.HostID.ValueString(), HostIP: m.HostIP.ValueString(),
		Limit: hss.MaxLimit, // the audit-log data source's default: the same query shares its read
	}
	client := data.Client(ctx, m.Region.ValueString(), &resp.Diagnostics)
	if client == nil {
		return
	}
	timeout, diags := m.Timeouts.Read(ctx, auditlogs.DefaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	engine := findings.NewEngine(findings.Config{
		Rules: m.Rules, AllowedUsernames: findings.NewPatterns(m.AllowedUsernames...),
		TrustedImages: findings.NewPatterns(m.TrustedImages...), MaxFindings: int(m.MaxFindings.ValueInt64()),
	})
	var records int64
	res, err := client.WalkClusterAuditLogs(ctx, q, func(page []hss.Record) bool {
		for i := range page {
			ev, kind := k8saudit.Parse(page[i].Content)
			engine.Add(&page[i], ev, kind)
		}
		records += int64(len(page))
		return true // every rule judges the whole window
	})
	if err != nil {
		summary, detail := auditlogs.Explain(err, q, data, timeout)
		resp.Diagnostics.AddError(data.RedactText(summary), data.RedactText(detail))
		return
	}
	for _, w := range res.Warnings {
		resp.Diagnostics.AddWarning("Audit-log read completed with a discrepancy", data.RedactText(safetext.Escape(w))+".")
	}
	out := engine.Result()
	m.Findings = make([]findingModel, 0, len(out.Findings))
	for _, f := range out.Findings {
		ips := f.SourceIPs
		if ips == nil {
			ips = []string{}
		}
		m.Findings = append(m.Findings, findingModel{
			Rule: f.Rule, Severity: f.Severity, Time: f.Time, TimeRFC3339: functions.FormatUnixMilli(f.Time),
			User: f.User, Verb: f.Verb, Resource: f.Resource, Subresource: f.Subresource, Namespace: f.Namespace, Name: f.Name,
			SourceIPs: ips, AuditID: f.AuditID, Stage: f.Stage, Message: f.Message,
		})
	}
	if n := m.MaxFindings.ValueInt64(); n > 0 && out.Total > n {
		resp.Diagnostics.AddWarning("Findings truncated at max_findings", fmt.Sprintf(
			"findings holds the %d newest of the window's %d findings (max_findings = %d); counts and findings_num count them all.", n, out.Total, n))
	}
	m.FindingsNum = types.Int64Value(out.Total)
	m.Counts, m.NotEvaluable = out.Counts, out.NotEvaluable
	m.RecordsNum = types.Int64Value(records)
	m.ID = types.StringValue(queryID(&m))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
