package auditlogs

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
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
