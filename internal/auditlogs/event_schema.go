package auditlogs

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// eventAttribute is data_list[*].event: the record's content parsed as a
// Kubernetes audit event. Its nested objects and lists are never null, so
// expressions such as event.object_ref.resource work on every event.
func eventAttribute() schema.SingleNestedAttribute {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	strs := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
	}
	return schema.SingleNestedAttribute{
		Computed: true,
		MarkdownDescription: "`content` parsed as a Kubernetes audit event (`audit.k8s.io/v1` `Event`); null when `content` is not one " +
			"(free text, for instance). Absent fields are null; lists and maps are empty.",
		Attributes: map[string]schema.Attribute{
			"audit_id":    str("Unique ID of the request (`auditID`)."),
			"stage":       str("Stage of the request: `RequestReceived`, `ResponseStarted`, `ResponseComplete` or `Panic`."),
			"level":       str("Audit level: `Metadata`, `Request` or `RequestResponse`."),
			"verb":        str("Kubernetes verb: `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`, ..."),
			"request_uri": str("Request URI (`requestURI`)."),
			"user": schema.SingleNestedAttribute{
				Computed: true, MarkdownDescription: "Authenticated user.",
				Attributes: map[string]schema.Attribute{
					"username": str("User name, e.g. `alice@example.com` or `system:serviceaccount:ci:deployer`."),
					"uid":      str("User UID."),
					"groups":   strs("Groups of the user."),
				},
			},
			"impersonated_user": schema.SingleNestedAttribute{
				Computed: true, MarkdownDescription: "User impersonated by the request; `username` is null when none was.",
				Attributes: map[string]schema.Attribute{
					"username": str("Impersonated user name."),
				},
			},
			"source_ips": strs("Source IP addresses of the request."),
			"user_agent": str("User agent of the client."),
			"object_ref": schema.SingleNestedAttribute{
				Computed: true, MarkdownDescription: "Object the request was about; its attributes are null when the request named none (e.g. `/healthz`).",
				Attributes: map[string]schema.Attribute{
					"resource":    str("Resource, e.g. `secrets`, `pods`."),
					"subresource": str("Subresource, e.g. `exec`, `log`."),
					"namespace":   str("Namespace of the object."),
					"name":        str("Name of the object."),
					"api_group":   str("API group; null for the core group."),
					"api_version": str("API version."),
				},
			},
			"response_code":              schema.Int64Attribute{Computed: true, MarkdownDescription: "HTTP status of the response (`responseStatus.code`)."},
			"request_received_timestamp": str("When the API server received the request: RFC 3339 in UTC with three fractional digits, as `time_rfc3339` (Kubernetes' microseconds truncated to the millisecond), so the texts sort as the times."),
			"stage_timestamp":            str("When the request reached this stage, written as `request_received_timestamp`."),
			"annotations": schema.MapAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Audit annotations, e.g. `authorization.k8s.io/decision`.",
			},
		},
	}
}
