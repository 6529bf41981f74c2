package functions

import (
	"testing"
	"time"
)

func TestParseRFC3339(t *testing.T) {
	for in, want := range map[string]int64{
		"2026-11-24T10:00:00Z":           time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC).UnixMilli(),
		"2026-11-24T18:00:00+08:00":      time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC).UnixMilli(),
		"2026-11-24T10:00:00.5Z":         time.Date(2026, 11, 24, 10, 0, 0, 500e6, time.UTC).UnixMilli(),
		"2026-11-24T10:00:00.123999999Z": time.Date(2026, 11, 24, 10, 0, 0, 123e6, time.UTC).UnixMilli(),
		"1970-01-01T00:00:00Z":           0,
		"1969-12-31T23:59:59.9995Z":      -1, // truncated like the text: .999
		"0000-01-01T00:00:00Z":           minUnixMilli,
		"9999-12-31T23:59:59.999Z":       maxUnixMilli,
	} {
		got, err := ParseRFC3339(in)
		if err != nil || got != want {
			t.Errorf("ParseRFC3339(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2026-11-24", "2026-11-24 10:00:00Z", "2026-11-24T10:00:00", "2026-13-01T00:00:00Z", "1795514400000"} {
		if got, err := ParseRFC3339(in); err == nil {
			t.Errorf("ParseRFC3339(%q) = %d; want an error", in, got)
		}
	}
}

func TestFormatUnixMilli(t *testing.T) {
	for ms, want := range map[int64]string{
		1795514400000: "2026-11-24T10:00:00.000Z",
		1795514400500: "2026-11-24T10:00:00.500Z",
		1795514400123: "2026-11-24T10:00:00.123Z",
		0:             "1970-01-01T00:00:00.000Z",
		-1:            "1969-12-31T23:59:59.999Z",
		minUnixMilli:  "0000-01-01T00:00:00.000Z",
		maxUnixMilli:  "9999-12-31T23:59:59.999Z",
	} {
		if got := FormatUnixMilli(ms); got != want {
			t.Errorf("FormatUnixMilli(%d) = %q; want %q", ms, got, want)
		}
	}
}
