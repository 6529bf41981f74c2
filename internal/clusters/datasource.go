// Package clusters is the hss_kubernetes_clusters data source: the
// Kubernetes clusters of a project (ListKubernetesClusterDetails), so a
// compliance module can guard every cluster of an account instead of a
// hand-written list of ids. It knows nothing of HTTP: it asks a
// providerdata.ClusterLister.
package clusters

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hss-tf/terraform-provider-hss/internal/auditlogs"
	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/providerdata"
	"github.com/hss-tf/terraform-provider-hss/internal/safetext"
)

// TypeName is the data source's name in configurations.
const TypeName = "hss_kubernetes_clusters"

// NewDataSource is registered by the provider.
func NewDataSource() datasource.DataSource { return &dataSource{} }

type dataSource struct{ data *providerdata.Data }

var _ datasource.DataSourceWithConfigure = (*dataSource)(nil)

func (d *dataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_kubernetes_clusters"
}

func (d *dataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerdata.FromConfigure(req, resp); data != nil {
		d.data = data
	}
}

type model struct {
	ID                  types.String   `tfsdk:"id"`
	Region              types.String   `tfsdk:"region"`
	EnterpriseProjectID types.String   `tfsdk:"enterprise_project_id"`
	ClusterName         types.String   `tfsdk:"cluster_name"`
	LoadAgentInfo       types.Bool     `tfsdk:"load_agent_info"`
	Scene               types.String   `tfsdk:"scene"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
	TotalNum            types.Int64    `tfsdk:"total_num"`
	LastUpdateTime      types.Int64    `tfsdk:"last_update_time"`
	ClusterInfoList     []clusterModel `tfsdk:"cluster_info_list"`
}

type clusterModel struct {
	ID                    string `tfsdk:"id"`
	ClusterID             string `tfsdk:"cluster_id"`
	ClusterName           string `tfsdk:"cluster_name"`
	ClusterType           string `tfsdk:"cluster_type"`
	Status                string `tfsdk:"status"`
	Version               string `tfsdk:"version"`
	TotalNodesNumber      int64  `tfsdk:"total_nodes_number"`
	ActiveNodesNumber     int64  `tfsdk:"active_nodes_number"`
	AgentInstalledNum     int64  `tfsdk:"agent_installed_num"`
	AgentInstallFailedNum int64  `tfsdk:"agent_install_failed_num"`
	AgentNotInstallNum    int64  `tfsdk:"agent_not_install_num"`
	AgentDSInstallStatus  string `tfsdk:"agent_ds_install_status"`
	AgentDSFailedReason   string `tfsdk:"agent_ds_failed_reason"`
	CreationTimestamp     int64  `tfsdk:"creation_timestamp"`
	LastOperateTimestamp  int64  `tfsdk:"last_operate_timestamp"`
	LastScanTime          int64  `tfsdk:"last_scan_time"`
	SysVulNum             int64  `tfsdk:"sys_vul_num"`
	AppVulNum             int64  `tfsdk:"app_vul_num"`
	EmgVulNum             int64  `tfsdk:"emg_vul_num"`
	RiskAssessNum         int64  `tfsdk:"risk_assess_num"`
	SecCompNum            int64  `tfsdk:"sec_comp_num"`
}

func (d *dataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	num := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the Kubernetes clusters HSS protects in a project (`GET /v5/{project_id}/kubernetes/clusters`), " +
			"every page of 200, so a module can guard each one (`for_each`) rather than a hand-written list of ids.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Identifier derived from the query, stable across reads."},
			"region": schema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "Region to list, with that region's endpoint and project. Defaults to the provider's `region`."},
			"enterprise_project_id": schema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Enterprise project: `0` the default, `all_granted_eps` every one the caller may see. Defaults to the provider's `enterprise_project_id`; not sent when neither is set."},
			"cluster_name": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "Only the cluster of this name (the service's filter, exact)."},
			"load_agent_info": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Whether the service fills the HSS agent fields (`agent_*`). Default: `false`."},
			"scene": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.OneOf("cluster_risk")},
				MarkdownDescription: "`cluster_risk`: only clusters with risks."},
			"timeouts": timeouts.AttributesWithOpts(ctx, timeouts.Opts{
				ReadDescription: "How long the read may take, retries and quota waits included. Default: `10m`.",
			}),
			"total_num":        num("Clusters listed, as the service counts them."),
			"last_update_time": num("When the service last updated the list, Unix epoch milliseconds."),
			"cluster_info_list": schema.ListNestedAttribute{Computed: true,
				MarkdownDescription: "The clusters, in the service's order, every documented field under its API name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                       str("Row ID."),
					"cluster_id":               str("The cluster's ID: the `cluster_id` of `hss_cluster_audit_logs` and `hss_cluster_audit_findings`."),
					"cluster_name":             str("Cluster name."),
					"cluster_type":             str("`cce`, `k8s`, `ali`, `tencent`, `azure`, `aws`, `self_built_hw` or `self_built_idc`."),
					"status":                   str("`Available`, `Unavailable`, `ScalingUp`, `ScalingDown`, `Creating`, `Deleting`, `Upgrading`, `Resizing`, `RollingBack`, `RollbackFailed` or `Empty`."),
					"version":                  str("Kubernetes version."),
					"total_nodes_number":       num("Nodes."),
					"active_nodes_number":      num("Active nodes."),
					"agent_installed_num":      num("Nodes with the HSS agent installed (with `load_agent_info`)."),
					"agent_install_failed_num": num("Nodes where the agent failed to install (with `load_agent_info`)."),
					"agent_not_install_num":    num("Nodes without the agent (with `load_agent_info`)."),
					"agent_ds_install_status":  str("The agent DaemonSet: `NotInstall` or `Installed`."),
					"agent_ds_failed_reason":   str("Why the DaemonSet failed, when it did."),
					"creation_timestamp":       num("Created, Unix epoch milliseconds."),
					"last_operate_timestamp":   num("Last operation, Unix epoch milliseconds."),
					"last_scan_time":           num("Last scan, Unix epoch milliseconds."),
					"sys_vul_num":              num("System vulnerabilities."),
					"app_vul_num":              num("Application vulnerabilities."),
					"emg_vul_num":              num("Emergency vulnerabilities."),
					"risk_assess_num":          num("Risk assessment findings."),
					"sec_comp_num":             num("Security compliance findings."),
				}},
			},
		},
	}
}

func (d *dataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m model
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := d.data
	if summary, detail := data.NotReady("the clusters cannot be listed"); summary != "" {
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	data.Defaults(&m.Region, &m.EnterpriseProjectID)
	l := data.Client(ctx, m.Region.ValueString(), &resp.Diagnostics)
	if l == nil {
		return
	}
	cl, ok := l.(providerdata.ClusterLister)
	if !ok {
		resp.Diagnostics.AddError("Cannot list clusters", fmt.Sprintf("The provider's client %T cannot list clusters. This is a bug in the provider.", l))
		return
	}
	timeout, diags := m.Timeouts.Read(ctx, auditlogs.DefaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	q := hss.ClusterQuery{EnterpriseProjectID: m.EnterpriseProjectID.ValueString(), ClusterName: m.ClusterName.ValueString(),
		Scene: m.Scene.ValueString(), LoadAgentInfo: m.LoadAgentInfo.ValueBool()}
	res, err := cl.ListKubernetesClusters(ctx, q)
	if err != nil {
		summary, detail := explain(err, q, data, timeout)
		resp.Diagnostics.AddError(data.RedactText(summary), data.RedactText(detail))
		return
	}
	m.TotalNum, m.LastUpdateTime = types.Int64Value(res.TotalNum), types.Int64Value(res.LastUpdateTime)
	m.ClusterInfoList = make([]clusterModel, len(res.Clusters))
	for i, c := range res.Clusters {
		m.ClusterInfoList[i] = clusterModel{
			ID: c.ID, ClusterID: c.ClusterID, ClusterName: c.ClusterName, ClusterType: c.ClusterType, Status: c.Status, Version: c.Version,
			TotalNodesNumber: c.TotalNodesNumber, ActiveNodesNumber: c.ActiveNodesNumber, AgentInstalledNum: c.AgentInstalledNum,
			AgentInstallFailedNum: c.AgentInstallFailedNum, AgentNotInstallNum: c.AgentNotInstallNum, AgentDSInstallStatus: c.AgentDSInstallStatus,
			AgentDSFailedReason: c.AgentDSFailedReason, CreationTimestamp: c.CreationTimestamp, LastOperateTimestamp: c.LastOperateTimestamp,
			LastScanTime: c.LastScanTime, SysVulNum: c.SysVulNum, AppVulNum: c.AppVulNum, EmgVulNum: c.EmgVulNum,
			RiskAssessNum: c.RiskAssessNum, SecCompNum: c.SecCompNum,
		}
	}
	m.ID = types.StringValue(providerdata.ID(m.Region.ValueString(), q.EnterpriseProjectID, q.ClusterName, q.Scene, strconv.FormatBool(q.LoadAgentInfo)))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// explain turns a listing's error into a diagnostic with the remedy.
func explain(err error, q hss.ClusterQuery, data *providerdata.Data, timeout time.Duration) (summary, detail string) {
	msg := safetext.Escape(err.Error())
	var apiErr *hss.APIError
	var pagingErr *hss.PagingError
	var throttleErr *hss.ThrottleError
	switch {
	case errors.As(err, &throttleErr), errors.Is(err, hss.ErrQuotaWait):
		return "Cluster list throttled past its deadline", fmt.Sprintf("%s.\n\nThe service's API quota (5 calls a minute per user for the "+
			"cluster list, apart from the audit logs') kept the read waiting past timeouts.read (%s). Allow more time with "+
			"timeouts = { read = \"...\" }, or run fewer plans on this account at once.", msg, timeout)
	case errors.As(err, &apiErr) && apiErr.StatusCode == 403:
		return "Error listing HSS Kubernetes clusters", fmt.Sprintf("%s\n\nThe credentials may not list this project's Kubernetes clusters in HSS "+
			"(enterprise project %q). Grant the IAM user or agency HSS read rights on it (HSS ReadOnlyAccess, say), or set enterprise_project_id "+
			"to an enterprise project it may read.", auditlogs.Facts(apiErr), q.EnterpriseProjectID)
	case errors.As(err, &apiErr):
		return "Error listing HSS Kubernetes clusters", fmt.Sprintf("%s\n\n%s", auditlogs.Facts(apiErr),
			auditlogs.Remedy(apiErr, hss.Query{EnterpriseProjectID: q.EnterpriseProjectID}, data))
	case errors.Is(err, context.DeadlineExceeded):
		return "Cluster list timed out", fmt.Sprintf("%s.\n\nThe list did not come within its timeout of %s; allow more time with timeouts = { read = \"...\" }.", msg, timeout)
	case errors.As(err, &pagingErr):
		return "Cluster list incomplete", msg + ".\n\nThe service's pages did not add up to a complete list, so no partial list is returned. Try again."
	default:
		return "Error listing HSS Kubernetes clusters", msg + "."
	}
}
