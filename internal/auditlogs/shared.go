package auditlogs

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
)

// What other data sources of the provider read through the same API take
// from this one, so that windows, errors and defaults read alike.

// EpochMillis is the validator of start_time and end_time.
func EpochMillis() validator.Int64 { return epochMillis{} }

// WindowValidator refuses a window that ends before it starts.
func WindowValidator() datasource.ConfigValidator { return timeWindowValidator{} }

// Explain turns a read's error into a diagnostic's summary and detail,
// with the remedy.
func Explain(err error, q hss.Query, p *ProviderData, timeout time.Duration) (summary, detail string) {
	return explain(err, q, p, timeout)
}

// NegativeTimes refuses, at read time, a start_time or end_time before
// 1970: validation lets through the times Terraform 1.8 makes up while it
// validates (see epochMillis), and a read must never send them.
func NegativeTimes(start, end int64) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, t := range []struct {
		p path.Path
		v int64
	}{{pathStartTime, start}, {path.Root("end_time"), end}} {
		if t.v < 0 {
			diags.Append(negativeTime(t.p, t.v))
		}
	}
	return diags
}

// DefaultReadTimeout is timeouts.read's default.
const DefaultReadTimeout = defaultReadTimeout

// Facts lists a service error field by field, escaped.
func Facts(e *hss.APIError) string { return facts(e) }

// Remedy says what to do about a service error.
func Remedy(e *hss.APIError, q hss.Query, p *ProviderData) string { return remedy(e, q, p) }
