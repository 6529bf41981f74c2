package auditfindings

import (
	"context"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hss-tf/terraform-provider-hss/internal/auditlogs"
	"github.com/hss-tf/terraform-provider-hss/internal/findings"
	"github.com/hss-tf/terraform-provider-hss/internal/providerdata"
)

func (d *dataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = Schema(ctx)
}

// ruleList documents the catalogue, for the rules argument.
func ruleList() string {
	var b strings.Builder
	for _, r := range findings.Catalogue {
		b.WriteString("`" + r.Name + "` (" + r.Severity + ", " + r.Level + " level): " + r.Description + "; ")
	}
	return strings.TrimSuffix(b.String(), "; ")
}

// Schema is the data source's schema.
func Schema(ctx context.Context) schema.Schema {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	names := schema.ListAttribute{ElementType: types.StringType, Optional: true,
		Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))}}
	allowed := names
	allowed.MarkdownDescription = "Users exempt from every rule but `anonymous_request` and `malformed` (a value ending in `*` is a prefix): " +
		"the CI robot's service account, say. The control plane (`" + strings.Join(findings.ControlPlane, "`, `") + "`) is always exempt " +
		"from those rules; no other `system:` identity is (a stolen service-account token is `system:serviceaccount:...`)."
	images := names
	images.MarkdownDescription = "Images trusted with host access (a value ending in `*` is a prefix): a CNI's or a storage driver's, say. " +
		"A privileged container of such an image is no `privileged_pod` finding, and a pod spec whose containers all run such images " +
		"is no `host_namespace_pod` or `sensitive_mount_pod` finding."
	rules := schema.ListAttribute{ElementType: types.StringType, Optional: true, Computed: true,
		Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues(), listvalidator.ValueStringsAre(stringvalidator.OneOf(findings.RuleNames()...))},
		MarkdownDescription: "The rules to evaluate, by name; every rule when unset. The catalogue: " + ruleList() + "."}
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	return schema.Schema{
		MarkdownDescription: "Evaluates detection rules (after Falco's Kubernetes audit rules) over the audit logs of an HSS-protected cluster, " +
			"reading the window once (with the `hss_cluster_audit_logs` data sources of the same query) and keeping only the findings in state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Identifier derived from the query and the rules."},
			"region": schema.StringAttribute{Optional: true, Computed: true, Validators: nonEmpty,
				MarkdownDescription: "Region to read from; defaults to the provider's `region`."},
			"enterprise_project_id": schema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Enterprise project of the cluster's servers; defaults to the provider's `enterprise_project_id`."},
			"cluster_id": schema.StringAttribute{Required: true, Validators: nonEmpty, MarkdownDescription: "ID of the cluster."},
			"start_time": schema.Int64Attribute{Required: true, Validators: []validator.Int64{auditlogs.EpochMillis()},
				MarkdownDescription: "Start of the window, in Unix epoch milliseconds (inclusive)."},
			"end_time": schema.Int64Attribute{Required: true, Validators: []validator.Int64{auditlogs.EpochMillis()},
				MarkdownDescription: "End of the window, in Unix epoch milliseconds (inclusive)."},
			"cluster_name":      schema.StringAttribute{Optional: true, MarkdownDescription: "Only logs of the cluster with this name (the API's filter)."},
			"host_name":         schema.StringAttribute{Optional: true, MarkdownDescription: "Only logs of the host with this name (the API's filter)."},
			"host_id":           schema.StringAttribute{Optional: true, MarkdownDescription: "Only logs of the host with this ID (the API's filter)."},
			"host_ip":           schema.StringAttribute{Optional: true, MarkdownDescription: "Only logs of the host with this IP address (the API's filter)."},
			"rules":             rules,
			"allowed_usernames": allowed,
			"trusted_images":    images,
			"max_findings": schema.Int64Attribute{Optional: true, Validators: []validator.Int64{int64validator.AtLeast(1)},
				MarkdownDescription: "Keep at most this many findings (the newest), with a warning; `findings_num` and `counts` count them all. Default: no cap."},
			"timeouts": timeouts.AttributesWithOpts(ctx, timeouts.Opts{
				ReadDescription: "How long the whole read may take, retries and quota waits included, as a duration such as `30s` or `15m`. Default: `10m`.",
			}),
			"findings": schema.ListNestedAttribute{Computed: true,
				MarkdownDescription: "One element per request and rule (a request audited at several stages is one finding), oldest first.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"rule":         str("The rule's name."),
					"severity":     str("`critical`, `high`, `medium` or `low`."),
					"time":         schema.Int64Attribute{Computed: true, MarkdownDescription: "The record's time, Unix epoch milliseconds."},
					"time_rfc3339": str("`time` as RFC 3339 in UTC."),
					"user":         str("`event.user.username`."),
					"verb":         str("`event.verb`."),
					"resource":     str("`event.object_ref.resource`."),
					"subresource":  str("`event.object_ref.subresource`."),
					"namespace":    str("`event.object_ref.namespace`."),
					"name":         str("`event.object_ref.name`."),
					"source_ips":   schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "`event.source_ips`."},
					"audit_id":     str("`event.audit_id`."),
					"stage":        str("`event.stage` of the record that fired."),
					"message":      str("What happened, in a sentence, control characters escaped; never secret material."),
				}},
			},
			"findings_num":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Findings in the window, beyond `max_findings` too."},
			"counts":        schema.MapAttribute{Computed: true, ElementType: types.Int64Type, MarkdownDescription: "Findings per rule, every rule evaluated included (0 when it did not fire)."},
			"not_evaluable": schema.MapAttribute{Computed: true, ElementType: types.Int64Type, MarkdownDescription: "Per rule, the events it was about but could not judge: a rule that reads the request body meets an event audited at `Metadata` level."},
			"records_num":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Records read."},
		},
	}
}

// queryID is a digest of what was asked.
func queryID(m *model) string {
	parts := []string{m.Region.ValueString(), m.ClusterID.ValueString(), strconv.FormatInt(m.StartTime.ValueInt64(), 10),
		strconv.FormatInt(m.EndTime.ValueInt64(), 10), m.EnterpriseProjectID.ValueString(), m.ClusterName.ValueString(),
		m.HostName.ValueString(), m.HostID.ValueString(), m.HostIP.ValueString(), strings.Join(m.Rules, ","),
		strings.Join(m.AllowedUsernames, ","), strings.Join(m.TrustedImages, ","), strconv.FormatInt(m.MaxFindings.ValueInt64(), 10)}
	return providerdata.ID(parts...)
}
