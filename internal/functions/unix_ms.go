package functions

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/function"
)

type unixMS struct{}

func newUnixMS() function.Function { return unixMS{} }

func (unixMS) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "unix_ms"
}

func (unixMS) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	const why = "The hss_cluster_audit_logs data source takes and returns times as epoch milliseconds, as the HSS API does, " +
		"and Terraform has no built-in conversion from its own timestamps. Sub-millisecond digits are dropped."
	resp.Definition = function.Definition{
		Summary:             "Convert an RFC 3339 timestamp to epoch milliseconds",
		Description:         "Returns the epoch milliseconds of an RFC 3339 timestamp. " + why + " Example: " + example,
		MarkdownDescription: "Returns the epoch milliseconds of an RFC 3339 timestamp. " + why + "\n\n```terraform\n" + example + "\n```",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "timestamp",
				Description:         "An RFC 3339 timestamp such as 2026-11-24T10:00:00Z; a fraction and an offset are allowed. timestamp(), plantimestamp() and timeadd() return such values.",
				MarkdownDescription: "An RFC 3339 timestamp such as `2026-11-24T10:00:00Z`; a fraction and an offset are allowed. `timestamp()`, `plantimestamp()` and `timeadd()` return such values.",
			},
		},
		Return: function.Int64Return{},
	}
}

func (unixMS) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var s string
	resp.Error = req.Arguments.Get(ctx, &s)
	if resp.Error != nil {
		return
	}
	ms, err := ParseRFC3339(s)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf(
			"%q is not an RFC 3339 timestamp: write it like \"2026-11-24T10:00:00Z\" (a fraction and an offset such as +08:00 are allowed). "+
				"timestamp(), plantimestamp() and timeadd() produce valid values", s))
		return
	}
	resp.Error = resp.Result.Set(ctx, ms)
}
