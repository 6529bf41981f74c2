package auditlogs

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	pathRegion    = path.Root("region")
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
	if v := req.ConfigValue.ValueInt64(); v < 0 && v >= validateWalkFloor {
		resp.Diagnostics.Append(negativeTime(req.Path, v))
	}
}

// negativeTime is the error for a time before 1970.
func negativeTime(p path.Path, v int64) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(p, "Invalid Attribute Value",
		fmt.Sprintf("Attribute %s value must be at least 0, got: %d. Times are Unix epoch milliseconds; "+
			"provider::hss::unix_ms(\"2026-01-02T03:04:05Z\") (Terraform 1.8+) converts an RFC 3339 timestamp.", p, v))
}
