package auditlogs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	pathStartTime = path.Root("start_time")
)

// timeWindowValidator rejects a window that ends before it starts, at
// plan time, with no request sent. Unknown values pass: they are checked
// again once known.
type timeWindowValidator struct{}

func (timeWindowValidator) Description(context.Context) string {
	return "start_time must not be after end_time"
}

func (v timeWindowValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (timeWindowValidator) ValidateDataSource(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var start, end types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, pathStartTime, &start)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("end_time"), &end)...)
	if start.IsNull() || start.IsUnknown() || end.IsNull() || end.IsUnknown() {
		return
	}
	if start.ValueInt64() > end.ValueInt64() {
		resp.Diagnostics.AddAttributeError(pathStartTime, "start_time is after end_time",
			fmt.Sprintf("start_time (%d) is after end_time (%d). Both are Unix epoch milliseconds; "+
				"set start_time to the beginning of the window and end_time to its end.", start.ValueInt64(), end.ValueInt64()))
	}
}

// validateWalkFloor bounds the times Terraform 1.8 makes up while it
// validates: it evaluates plantimestamp() to 0001-01-01T00:00:00Z then
// (later versions leave it unknown), so unix_ms(plantimestamp()) and
// timeadd() around it land in the first century.
var validateWalkFloor = time.Date(100, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// epochMillis rejects a negative time at plan time, with no request sent.
// A time before the year 100 passes: it is Terraform 1.8's stand-in for
// plantimestamp() during validation, and the plan validates the real
// value again before the read (which rejects a negative time too).
type epochMillis struct{}

func (epochMillis) Description(context.Context) string {
	return "value must be at least 0 (Unix epoch milliseconds)"
}

func (v epochMillis) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (epochMillis) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v := req.ConfigValue.ValueInt64()
	if v < 0 && v >= validateWalkFloor {
		resp.Diagnostics.Append(negativeTime(req.Path, v))
	}
	if d, ok := epochSecondsWarning(req.Path, v); ok {
		resp.Diagnostics.Append(d)
	}
}

// negativeTime is the error for a time before 1970.
func negativeTime(p path.Path, v int64) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(p, "Invalid Attribute Value",
		fmt.Sprintf("Attribute %s value must be at least 0, got: %d. Times are Unix epoch milliseconds; "+
			"provider::hss::unix_ms(\"2026-01-02T03:04:05Z\") (Terraform 1.8+) converts an RFC 3339 timestamp.", p, v))
}

// secondsBound is where epoch milliseconds start to mean a real date for
// audit logs: below it (early 1973) a value reads as epoch seconds (it
// would be a date past the year 4900 in seconds' terms, or today in them).
const secondsBound = 95_000_000_000

// epochSecondsWarning says when a time looks like epoch seconds: such a
// window lies in 1970-1973 and silently holds nothing.
func epochSecondsWarning(p path.Path, v int64) (diag.Diagnostic, bool) {
	if v <= 0 || v >= secondsBound {
		return nil, false
	}
	return diag.NewAttributeWarningDiagnostic(p, "Time looks like epoch seconds",
		fmt.Sprintf("%s is %d, which as epoch milliseconds is %s: no audit log is that old. Times are Unix epoch milliseconds; "+
			"if %d is epoch seconds (%s), multiply it by 1000, or use provider::hss::unix_ms(\"2026-01-02T03:04:05Z\") (Terraform 1.8+).",
			p, v, time.UnixMilli(v).UTC().Format(time.RFC3339), v, time.Unix(v, 0).UTC().Format(time.RFC3339))), true
}

// builtinResources are the plural names of Kubernetes' built-in
// resources, which audit events carry in objectRef.resource.
var builtinResources = map[string]bool{
	"bindings": true, "componentstatuses": true, "configmaps": true, "endpoints": true, "events": true, "limitranges": true,
	"namespaces": true, "nodes": true, "persistentvolumeclaims": true, "persistentvolumes": true, "pods": true,
	"podtemplates": true, "replicationcontrollers": true, "resourcequotas": true, "secrets": true, "serviceaccounts": true,
	"services": true, "mutatingwebhookconfigurations": true, "validatingwebhookconfigurations": true,
	"validatingadmissionpolicies": true, "validatingadmissionpolicybindings": true, "customresourcedefinitions": true,
	"apiservices": true, "controllerrevisions": true, "daemonsets": true, "deployments": true, "replicasets": true,
	"statefulsets": true, "tokenreviews": true, "localsubjectaccessreviews": true, "selfsubjectaccessreviews": true,
	"selfsubjectrulesreviews": true, "subjectaccessreviews": true, "selfsubjectreviews": true, "horizontalpodautoscalers": true,
	"cronjobs": true, "jobs": true, "certificatesigningrequests": true, "leases": true, "endpointslices": true,
	"flowschemas": true, "prioritylevelconfigurations": true, "ingressclasses": true, "ingresses": true, "networkpolicies": true,
	"runtimeclasses": true, "poddisruptionbudgets": true, "clusterrolebindings": true, "clusterroles": true,
	"rolebindings": true, "roles": true, "priorityclasses": true, "csidrivers": true, "csinodes": true,
	"csistoragecapacities": true, "storageclasses": true, "volumeattachments": true,
}

// resourceNames warns, at plan time, about filter.resources values that can
// never match a built-in resource as audit events name it: upper case
// (objectRef.resource is always lower case, custom resources' too) or the
// singular of a built-in resource. Other names may be custom resources.
type resourceNames struct{}

func (resourceNames) Description(context.Context) string {
	return "resources are lower-case plurals, as in event.object_ref.resource"
}

func (v resourceNames) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (resourceNames) ValidateList(ctx context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var vals []types.String
	resp.Diagnostics.Append(req.ConfigValue.ElementsAs(ctx, &vals, false)...)
	for i, sv := range vals {
		if sv.IsNull() || sv.IsUnknown() {
			continue
		}
		if hint := resourceHint(sv.ValueString()); hint != "" {
			resp.Diagnostics.AddAttributeWarning(req.Path.AtListIndex(i), "Resource name that matches no event",
				fmt.Sprintf("%s: %q %s, so this value keeps nothing. Audit events name resources by their lower-case plural, "+
					"as in kubectl api-resources' NAME column (secrets, pods, deployments; pods/exec for a subresource).", req.Path.AtListIndex(i), sv.ValueString(), hint))
		}
	}
}

// resourceHint says why a resource (or resource/subresource) never
// matches; "" when it may.
func resourceHint(v string) string {
	res, _, _ := strings.Cut(v, "/")
	if lower := strings.ToLower(res); lower != res {
		if builtinResources[lower] {
			return fmt.Sprintf("is not lower case (did you mean %q?)", strings.ToLower(v))
		}
		return "is not lower case"
	}
	for _, plural := range []string{res + "s", res + "es", strings.TrimSuffix(res, "y") + "ies"} {
		if plural != res && builtinResources[plural] {
			return fmt.Sprintf("is a singular (did you mean %q?)", plural+strings.TrimPrefix(v, res))
		}
	}
	return ""
}
