package functions

import (
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/timefmt"
)

// The years RFC 3339 can write, as epoch milliseconds.
var (
	minUnixMilli = timefmt.MinUnixMilli
	maxUnixMilli = timefmt.MaxUnixMilli
)

// FormatUnixMilli formats epoch milliseconds as RFC 3339 in UTC with three
// fractional digits (timefmt), so the texts sort as the times do. Outside
// the years 0000-9999 it clamps; the rfc3339 function rejects such values
// first.
func FormatUnixMilli(ms int64) string { return timefmt.UnixMilli(ms) }

// ParseRFC3339 parses an RFC 3339 timestamp (fraction and offset allowed)
// to epoch milliseconds. Digits past the millisecond are dropped, so
// 10:00:00.9999Z reads as 10:00:00.999Z, before or after 1970.
func ParseRFC3339(s string) (int64, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0, err
	}
	return t.UnixMilli(), nil
}
