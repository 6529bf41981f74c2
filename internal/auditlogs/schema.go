package auditlogs

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
)

const (
	defaultLimit       = hss.MaxLimit
	defaultReadTimeout = 10 * time.Minute
)

func (d *dataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = Schema(ctx)
}

// Schema is the data source's schema, for the framework and for the
// provider's direct read path alike.
func Schema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Reads the audit logs of a Kubernetes cluster protected by HSS " +
			"(`GET /v5/{project_id}/container/kubernetes/cluster/audit-logs`), paging through the whole window " +
			"into `data_list`. Records of CCE clusters carry `line_num` and are paged by it; others by `offset`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Identifier derived from the query, stable across reads of the same query.",
			},
			"region": schema.StringAttribute{
				Optional: true, Computed: true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "Region to read from, with that region's endpoint and project (discovered through IAM once per provider configuration when it is not the provider's region). Defaults to the provider's `region`.",
			},
			"enterprise_project_id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Enterprise project of the cluster's servers: `0` is the default project, `all_granted_eps` every project the caller may see. " +
					"A caller with rights on one enterprise project only must give that project's ID. Defaults to the provider's `enterprise_project_id`; not sent when neither is set.",
			},
			"cluster_id": schema.StringAttribute{
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "ID of the cluster.",
			},
			"start_time": schema.Int64Attribute{
				Required:            true,
				Validators:          []validator.Int64{epochMillis{}},
				MarkdownDescription: "Start of the window, in Unix epoch milliseconds (inclusive). Must not be after `end_time`.",
			},
			"end_time": schema.Int64Attribute{
				Required:            true,
				Validators:          []validator.Int64{epochMillis{}},
				MarkdownDescription: "End of the window, in Unix epoch milliseconds (inclusive).",
			},
			"cluster_name": filterAttribute("Only logs of the cluster with this name."),
			"host_name":    filterAttribute("Only logs of the host with this name."),
			"host_id":      filterAttribute("Only logs of the host with this ID."),
			"host_ip":      filterAttribute("Only logs of the host with this IP address."),
			"verb": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(hss.Verbs...)},
				MarkdownDescription: "Only logs of this action: one of `create`, `delete`, `deletecollection`, `patch`, `update`, `get`, `list`, `watch`.",
			},
			"line_num": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "CCE clusters: start after the record with this `line_num` (the service's row number). An empty string is the same as unset.",
			},
			"limit": schema.Int64Attribute{
				Optional: true, Computed: true,
				Validators:          []validator.Int64{int64validator.Between(1, hss.MaxLimit)},
				MarkdownDescription: "Page size used to read the window, from 1 to 200. It does not bound `data_list`: every page is read. Default: `200`.",
			},
			"offset": schema.Int64Attribute{
				Optional: true, Computed: true,
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
				MarkdownDescription: "Records to skip before the first one returned. Default: `0`.",
			},
			"timeouts": timeouts.AttributesWithOpts(ctx, timeouts.Opts{
				ReadDescription: "How long the whole read may take, retries included, as a duration such as `30s` or `15m`. Default: `10m`.",
			}),
			"max_results": schema.Int64Attribute{
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
				MarkdownDescription: "Stop reading once this many records (after `filter`) are in `data_list`, with a warning when the window holds more. " +
					"Applied by the provider, not the service. Default: no limit, every page is read.",
			},
			"group_by": schema.ListAttribute{
				Optional: true, ElementType: types.StringType,
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues(), listvalidator.ValueStringsAre(stringvalidator.OneOf(GroupKeys...))},
				MarkdownDescription: "Count the window's records that pass `filter` by these keys, into `group_counts`: any of `user`, `verb`, " +
					"`resource` (a subresource as `pods/exec`), `namespace`, `response_code`, `source_ip` (the first of `event.source_ips`), " +
					"`user_agent`, `stage`, `cluster_type`, `host_name`. With it the read does not stop at `max_results`: counts cover the whole window. " +
					"A request audited at several stages (`RequestReceived`, `ResponseComplete`) counts once per stage; `filter { stages = [...] }` narrows to one.",
			},
			"include_records": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Whether `data_list` holds the records. `false` leaves it empty and still reads the whole window for `total_num` " +
					"and `group_counts`, in memory that does not grow with the window: the way to count a week or a month. Default: `true`.",
			},
			"group_counts": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "With `group_by`: one element per distinct key, the most frequent first (then by key), each with the number of " +
					"records and the time of the first and last. Null without `group_by`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key": schema.MapAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "The group's value of each `group_by` key; `\"\"` where a record lacks the field (free text has no user)."},
					"count":              schema.Int64Attribute{Computed: true, MarkdownDescription: "Records in the group."},
					"first_time":         schema.Int64Attribute{Computed: true, MarkdownDescription: "Time of the group's oldest record, Unix epoch milliseconds."},
					"last_time":          schema.Int64Attribute{Computed: true, MarkdownDescription: "Time of the group's newest record, Unix epoch milliseconds."},
					"first_time_rfc3339": schema.StringAttribute{Computed: true, MarkdownDescription: "`first_time` as RFC 3339 in UTC."},
					"last_time_rfc3339":  schema.StringAttribute{Computed: true, MarkdownDescription: "`last_time` as RFC 3339 in UTC."},
				}},
			},
			"content_mode": schema.StringAttribute{
				Optional: true, Computed: true,
				Validators: []validator.String{stringvalidator.OneOf(ContentModes...)},
				MarkdownDescription: "What `content` holds: `\"redacted\"` (the default) is the content as the service sent it but for the secret material " +
					"of request and response bodies (a Secret's `data`, `stringData` and `binaryData`, also inside its last-applied-configuration annotation, " +
					"a TokenReview's `spec.token`, a TokenRequest's `status.token`), each value replaced by `\"[redacted]\"`; `\"raw\"` is the content as sent, " +
					"secrets included, into state and plan files (an explicit opt-in); `\"none\"` leaves `content` null and keeps `event`, about halving state. " +
					"`event` is parsed from the content as sent in every mode. Default: the provider's `content_mode`, else `\"redacted\"`.",
			},
			"strict_events": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Fail the read when a record's content claims to be an audit event (its `apiVersion` is the audit API's) " +
					"but fails strict parsing (see `malformed_num`), instead of warning. Compliance gates that must not pass on what they could " +
					"not read set it. Default: `false`.",
			},
			"total_num": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: "Number of logs in the window, as the service reports it. A window the provider's `cache_dir` assembles " +
					"from spans it holds and spans it reads reports the count of the records it returns (the service counts one query, not the assembly).",
			},
			"malformed_num": schema.Int64Attribute{
				Computed: true,
				MarkdownDescription: "Records read whose content claims to be an audit event but fails strict parsing: truncated, trailing data, " +
					"a `kind` other than exactly `Event`, or duplicate or case-variant keys among the event's own fields (which the Kubernetes " +
					"API server would refuse, and which could otherwise pass one user off as another). Their `event` is null, `filter` " +
					"never matches them, and the read warns with their count and first audit IDs (an error with `strict_events`).",
			},
			"data_list": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Every log of the window from `offset` (or after `line_num`), in the service's order. Empty, not null, when there is none.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"cluster_name": schema.StringAttribute{Computed: true, MarkdownDescription: "Cluster name."},
					"cluster_id":   schema.StringAttribute{Computed: true, MarkdownDescription: "Cluster ID."},
					"time":         schema.Int64Attribute{Computed: true, MarkdownDescription: "When the log was generated, in Unix epoch milliseconds."},
					"content": schema.StringAttribute{Computed: true, MarkdownDescription: "The log's content, as the service sent it: usually a Kubernetes audit event in JSON, sometimes free text. " +
						"With `content_mode = \"redacted\"` (the default) its secret values are replaced; with `\"none\"` it is null."},
					"cluster_type": schema.StringAttribute{Computed: true, MarkdownDescription: "Cluster type: `cce`, `ali`, `tencent`, `azure`, `aws`, `self_built_hw` or `self_built_idc`."},
					"host_id":      schema.StringAttribute{Computed: true, MarkdownDescription: "Server ID."},
					"host_name":    schema.StringAttribute{Computed: true, MarkdownDescription: "Host name (text even when the service sends a number)."},
					"host_ip":      schema.StringAttribute{Computed: true, MarkdownDescription: "Host IP address."},
					"line_num":     schema.StringAttribute{Computed: true, MarkdownDescription: "Row number of a CCE cluster log; null for other clusters."},
					"time_rfc3339": schema.StringAttribute{Computed: true, MarkdownDescription: "`time` as an RFC 3339 timestamp in UTC with always three fractional digits (`2026-11-24T10:00:00.000Z`), so that `sort()` orders these texts as the times; compare with Terraform's own timestamps with `timecmp()`. A time outside the years 0000 to 9999 is clamped to `0000-01-01T00:00:00.000Z` or `9999-12-31T23:59:59.999Z`."},
					"event":        eventAttribute(),
				}},
			},
		},
		Blocks: map[string]schema.Block{
			"filter": schema.SingleNestedBlock{
				MarkdownDescription: "Keep only records whose parsed `event` matches every criterion given (within one, any of its values). " +
					"Applied by the provider after paging (the API has no such filters), so the pages of the whole window are still read, " +
					"except that a `verbs` of one value, with no `verb` set, is sent as the API's `verb`. Records whose content is not a " +
					"Kubernetes audit event never match a filter. A block, so Terraform refuses a mistyped criterion. " +
					"In `usernames`, `exclude_usernames`, `namespaces`, `exclude_namespaces` and `user_groups` a value ending in `*` " +
					"matches as a prefix (`prod-*`, `system:serviceaccount:*`).",
				Attributes: map[string]schema.Attribute{
					"usernames":          filterList("Keep events by these users (`event.user.username`), e.g. `alice@example.com` or `system:serviceaccount:ci:*`."),
					"exclude_usernames":  filterList("Drop events by these users, e.g. the CI robot's service account."),
					"user_groups":        filterList("Keep events by users in any of these groups (`event.user.groups`): `system:unauthenticated` for anonymous requests, `system:masters`, `oidc:*`."),
					"namespaces":         filterList("Keep events on objects in these namespaces (`event.object_ref.namespace`)."),
					"exclude_namespaces": filterList("Drop events on objects in these namespaces, e.g. `kube-*`."),
					"resources": schema.ListAttribute{
						Optional: true, ElementType: types.StringType,
						Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)), resourceNames{}},
						MarkdownDescription: "Keep events on these resources (`event.object_ref.resource`, the lower-case plural: `secrets`, `pods`); " +
							"a resource also matches its subresources (`pods` matches `pods/exec`), and `resource/subresource` (`pods/exec`) only that subresource.",
					},
					"verbs": schema.ListAttribute{
						Optional: true, ElementType: types.StringType,
						Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.OneOf(hss.Verbs...))},
						MarkdownDescription: "Keep events of these verbs (`event.verb`); one value, with `verb` unset, is sent as the API's `verb`, which makes fewer calls.",
					},
					"response_codes": schema.ListAttribute{
						Optional: true, ElementType: types.Int64Type,
						Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueInt64sAre(int64validator.Between(100, 599))},
						MarkdownDescription: "Keep events answered with these HTTP status codes (`event.response_code`), e.g. `[401, 403]`.",
					},
					"decisions": schema.ListAttribute{
						Optional: true, ElementType: types.StringType,
						Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.OneOf("allow", "forbid"))},
						MarkdownDescription: "Keep events with these authorization decisions (the `authorization.k8s.io/decision` annotation): `allow`, `forbid`.",
					},
					"stages": schema.ListAttribute{
						Optional: true, ElementType: types.StringType,
						Validators:          []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.OneOf(k8saudit.Stages...))},
						MarkdownDescription: "Keep events of these stages (`event.stage`): `RequestReceived`, `ResponseStarted`, `ResponseComplete`, `Panic`.",
					},
				},
			},
		},
	}
}

func filterList(desc string) schema.ListAttribute {
	return schema.ListAttribute{
		Optional: true, ElementType: types.StringType, MarkdownDescription: desc,
		Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
	}
}

func filterAttribute(desc string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: desc + " An empty string is the same as unset.",
	}
}
