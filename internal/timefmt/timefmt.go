// Package timefmt is the provider's one way of writing a time: RFC 3339 in
// UTC with exactly three fractional digits, 2026-11-24T10:00:00.000Z.
//
// A fixed width is what makes the text sort as the times do: with
// time.RFC3339Nano, whole seconds print as …:20Z beside …:20.500Z, and a
// lexical sort() puts 'Z' after '.'. Millisecond precision is the API's
// own (epoch milliseconds); sub-millisecond digits are truncated, never
// rounded, so a time never moves into the next millisecond.
package timefmt

import "time"

// Layout writes UTC times with three fractional digits.
const Layout = "2006-01-02T15:04:05.000Z"

// The years RFC 3339 can write (0000 to 9999), as epoch milliseconds.
var (
	MinUnixMilli = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	MaxUnixMilli = time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC).UnixMilli()
)

// InRange reports whether ms falls within the years RFC 3339 can write.
func InRange(ms int64) bool { return ms >= MinUnixMilli && ms <= MaxUnixMilli }

// UnixMilli writes epoch milliseconds, clamped to the years 0000 to 9999:
// a time before is written as 0000-01-01T00:00:00.000Z, one after as
// 9999-12-31T23:59:59.999Z, so the text is always RFC 3339.
func UnixMilli(ms int64) string {
	ms = min(max(ms, MinUnixMilli), MaxUnixMilli)
	return time.UnixMilli(ms).UTC().Format(Layout)
}

// Time writes t in UTC, truncated to the millisecond; ok is false when t
// falls outside the years 0000 to 9999.
func Time(t time.Time) (s string, ok bool) {
	t = t.UTC().Truncate(time.Millisecond)
	if y := t.Year(); y < 0 || y > 9999 {
		return "", false
	}
	return t.Format(Layout), true
}
