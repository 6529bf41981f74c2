package timefmt

import (
	"slices"
	"sort"
	"testing"
	"time"
)

func TestUnixMilli(t *testing.T) {
	for ms, want := range map[int64]string{
		0:             "1970-01-01T00:00:00.000Z",
		1795514400000: "2026-11-24T10:00:00.000Z",
		1795514400500: "2026-11-24T10:00:00.500Z",
		1795514400007: "2026-11-24T10:00:00.007Z",
		-1:            "1969-12-31T23:59:59.999Z",
		MinUnixMilli:  "0000-01-01T00:00:00.000Z",
		MaxUnixMilli:  "9999-12-31T23:59:59.999Z",
		// Clamped: the text stays RFC 3339.
		MinUnixMilli - 1:  "0000-01-01T00:00:00.000Z",
		MaxUnixMilli + 1:  "9999-12-31T23:59:59.999Z",
		-1 << 63:          "0000-01-01T00:00:00.000Z",
		1<<63 - 1:         "9999-12-31T23:59:59.999Z",
		253402300800000:   "9999-12-31T23:59:59.999Z", // year 10000
		-62167219200001:   "0000-01-01T00:00:00.000Z",
		-62135596800000:   "0001-01-01T00:00:00.000Z",
		4102444799999:     "2099-12-31T23:59:59.999Z",
		1795514400999:     "2026-11-24T10:00:00.999Z",
		1795514400010:     "2026-11-24T10:00:00.010Z",
		1795514400100:     "2026-11-24T10:00:00.100Z",
		1795514401000:     "2026-11-24T10:00:01.000Z",
		1795514460000:     "2026-11-24T10:01:00.000Z",
		1795518000000 - 1: "2026-11-24T10:59:59.999Z",
	} {
		if got := UnixMilli(ms); got != want {
			t.Errorf("UnixMilli(%d) = %q; want %q", ms, got, want)
		}
	}
}

// The reason for the fixed width: sorting the text sorts the times.
func TestTextSortsAsTimes(t *testing.T) {
	var ms []int64
	for i := int64(0); i < 3000; i += 7 {
		ms = append(ms, 1795514400000+i*37)
	}
	ms = append(ms, 1795514400000, 1795514400500, 1795514401000, -5, MinUnixMilli, MaxUnixMilli)
	texts := make([]string, len(ms))
	for i, m := range ms {
		texts[i] = UnixMilli(m)
	}
	slices.Sort(ms)
	sort.Strings(texts)
	for i := range ms {
		if texts[i] != UnixMilli(ms[i]) {
			t.Fatalf("sorted text %d is %s, the sorted time is %s", i, texts[i], UnixMilli(ms[i]))
		}
	}
}

func TestTime(t *testing.T) {
	for _, tc := range []struct {
		in   time.Time
		want string
		ok   bool
	}{
		{time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), "2026-11-24T10:00:00.000Z", true},
		{time.Date(2026, 11, 24, 10, 0, 0, 999_999_999, time.UTC), "2026-11-24T10:00:00.999Z", true}, // truncated, not rounded
		{time.Date(2026, 11, 24, 11, 30, 0, 250_000_000, time.FixedZone("", 90*60)), "2026-11-24T10:00:00.250Z", true},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "", false},
		{time.Date(0, 1, 1, 0, 30, 0, 0, time.FixedZone("", 3600)), "", false}, // year -1 in UTC
	} {
		got, ok := Time(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Time(%v) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
