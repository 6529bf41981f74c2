package functions

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/function"
)

type rfc3339 struct{}

func newRFC3339() function.Function { return rfc3339{} }

func (rfc3339) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "rfc3339"
}

func (rfc3339) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	const why = "The hss_cluster_audit_logs data source returns times as epoch milliseconds, as the HSS API does, " +
		"and Terraform has no built-in conversion to its own timestamps. There are always three fractional digits, so the texts sort as the times do; " +
		"compare them with Terraform's own timestamps (which may have none) with timecmp(), not as text. " +
		"The inverse of unix_ms, which turns a timestamp into a time filter:"
	resp.Definition = function.Definition{
		Summary:             "Convert epoch milliseconds to an RFC 3339 timestamp in UTC",
		Description:         "Returns epoch milliseconds as an RFC 3339 timestamp in UTC, such as 2026-11-24T10:00:00.500Z. " + why + " " + example,
		MarkdownDescription: "Returns epoch milliseconds as an RFC 3339 timestamp in UTC, such as `2026-11-24T10:00:00.500Z`. " + why + "\n\n```terraform\n" + example + "\n```",
		Parameters: []function.Parameter{
			function.Int64Parameter{
				Name:        "unix_ms",
				Description: "Milliseconds since 1970-01-01T00:00:00Z, such as a record's time; within the years 0000 to 9999.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (rfc3339) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var ms int64
	resp.Error = req.Arguments.Get(ctx, &ms)
	if resp.Error != nil {
		return
	}
	if ms < minUnixMilli || ms > maxUnixMilli {
		resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf(
			"%d is outside the years 0000 to 9999 that RFC 3339 can write (%d to %d epoch milliseconds)",
			ms, minUnixMilli, maxUnixMilli))
		return
	}
	resp.Error = resp.Result.Set(ctx, FormatUnixMilli(ms))
}
