package functions

import (
	"time"
)

// The years RFC 3339 can write, as epoch milliseconds.
var (
	minUnixMilli = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	maxUnixMilli = time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC).UnixMilli()
)

// FormatUnixMilli formats epoch milliseconds as RFC 3339 in UTC. With
// time.RFC3339Nano, whole seconds print without a fraction
// (2026-11-24T10:00:00Z) and 500 ms as .5. Outside the years 0000-9999 the
// text is not RFC 3339; the rfc3339 function rejects such values first.
func FormatUnixMilli(ms int64) string {
	return time.UnixMilli(ms).UTC().Format(time.RFC3339Nano)
}

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
