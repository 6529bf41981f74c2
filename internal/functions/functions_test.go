package functions

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// run calls f as Terraform would, with one argument.
func run(t *testing.T, f function.Function, arg attr.Value, unknownResult attr.Value) function.RunResponse {
	t.Helper()
	resp := function.RunResponse{Result: function.NewResultData(unknownResult)}
	f.Run(context.Background(), function.RunRequest{Arguments: function.NewArgumentsData([]attr.Value{arg})}, &resp)
	return resp
}

func TestUnixMS(t *testing.T) {
	want := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC).UnixMilli()
	if want != 1795514400000 {
		t.Fatalf("arithmetic: 2026-11-24T10:00:00Z is %d ms", want)
	}
	for in, want := range map[string]int64{
		"2026-11-24T10:00:00Z":          1795514400000,
		"2026-11-24T10:00:00.5Z":        1795514400500,
		"2026-11-24T10:00:00.0019Z":     1795514400001,
		"2026-11-24T11:00:00+01:00":     1795514400000,
		"1969-12-31T23:59:59.999-00:00": -1,
	} {
		resp := run(t, newUnixMS(), types.StringValue(in), types.Int64Unknown())
		if resp.Error != nil {
			t.Errorf("unix_ms(%q): %v", in, resp.Error)
			continue
		}
		if got := resp.Result.Value(); !got.Equal(types.Int64Value(want)) {
			t.Errorf("unix_ms(%q) = %v; want %d", in, got, want)
		}
	}
}

func TestUnixMSInvalid(t *testing.T) {
	for _, in := range []string{"", "yesterday", "2026-11-24 10:00:00", "2026-11-24", "1795514400000"} {
		resp := run(t, newUnixMS(), types.StringValue(in), types.Int64Unknown())
		e := resp.Error
		if e == nil {
			t.Errorf("unix_ms(%q): no error", in)
			continue
		}
		if e.FunctionArgument == nil || *e.FunctionArgument != 0 {
			t.Errorf("unix_ms(%q): error names argument %v; want 0", in, e.FunctionArgument)
		}
		// Terraform ends a function's error with a full stop of its own.
		if strings.HasSuffix(e.Text, ".") {
			t.Errorf("unix_ms(%q): error %q ends with a full stop; Terraform adds one", in, e.Text)
		}
		for _, part := range []string{`"` + in + `"`, "2026-11-24T10:00:00Z", "timestamp()", "plantimestamp()", "timeadd()"} {
			if !strings.Contains(e.Text, part) {
				t.Errorf("unix_ms(%q): error %q lacks %q", in, e.Text, part)
			}
		}
	}
}

func TestRFC3339(t *testing.T) {
	for ms, want := range map[int64]string{
		1795514400000: "2026-11-24T10:00:00.000Z",
		1795514400500: "2026-11-24T10:00:00.500Z",
		-1:            "1969-12-31T23:59:59.999Z",
		minUnixMilli:  "0000-01-01T00:00:00.000Z",
		maxUnixMilli:  "9999-12-31T23:59:59.999Z",
	} {
		resp := run(t, newRFC3339(), types.Int64Value(ms), types.StringUnknown())
		if resp.Error != nil {
			t.Errorf("rfc3339(%d): %v", ms, resp.Error)
			continue
		}
		if got := resp.Result.Value(); !got.Equal(types.StringValue(want)) {
			t.Errorf("rfc3339(%d) = %v; want %q", ms, got, want)
		}
	}
}

func TestRFC3339OutOfRange(t *testing.T) {
	for _, ms := range []int64{minUnixMilli - 1, maxUnixMilli + 1, -1 << 63, 1<<63 - 1} {
		resp := run(t, newRFC3339(), types.Int64Value(ms), types.StringUnknown())
		e := resp.Error
		if e == nil {
			t.Errorf("rfc3339(%d): no error", ms)
			continue
		}
		if e.FunctionArgument == nil || *e.FunctionArgument != 0 {
			t.Errorf("rfc3339(%d): error names argument %v; want 0", ms, e.FunctionArgument)
		}
		if !strings.Contains(e.Text, "0000 to 9999") {
			t.Errorf("rfc3339(%d): error %q does not name the range", ms, e.Text)
		}
		if strings.HasSuffix(e.Text, ".") {
			t.Errorf("rfc3339(%d): error %q ends with a full stop; Terraform adds one", ms, e.Text)
		}
	}
}

// unix_ms(rfc3339(x)) == x across the range, before 1970 and with
// fractional seconds.
func TestRoundTrip(t *testing.T) {
	values := []int64{0, 1, -1, 999, -999, 1000, -1000, 1001, -1001, 500, -500,
		1795514400000, 1795514400500, 1795514400001, -62135596800000, minUnixMilli, maxUnixMilli,
		minUnixMilli + 1, maxUnixMilli - 1}
	for ms := minUnixMilli; ms < maxUnixMilli-(1<<40); ms += 1<<40 + 12345 {
		values = append(values, ms)
	}
	for _, ms := range values {
		s := run(t, newRFC3339(), types.Int64Value(ms), types.StringUnknown())
		if s.Error != nil {
			t.Fatalf("rfc3339(%d): %v", ms, s.Error)
		}
		back := run(t, newUnixMS(), s.Result.Value(), types.Int64Unknown())
		if back.Error != nil {
			t.Fatalf("unix_ms(rfc3339(%d) = %v): %v", ms, s.Result.Value(), back.Error)
		}
		if got := back.Result.Value(); !got.Equal(types.Int64Value(ms)) {
			t.Errorf("unix_ms(rfc3339(%d) = %v) = %v", ms, s.Result.Value(), got)
		}
	}
}

func TestDefinitions(t *testing.T) {
	ctx := context.Background()
	names := map[string]bool{}
	for _, newFunc := range New() {
		f := newFunc()
		var meta function.MetadataResponse
		f.Metadata(ctx, function.MetadataRequest{}, &meta)
		names[meta.Name] = true

		var def function.DefinitionResponse
		f.Definition(ctx, function.DefinitionRequest{}, &def)
		if def.Diagnostics.HasError() {
			t.Fatalf("%s: %v", meta.Name, def.Diagnostics)
		}
		var valid function.DefinitionValidateResponse
		def.Definition.ValidateImplementation(ctx, function.DefinitionValidateRequest{FuncName: meta.Name}, &valid)
		if valid.Diagnostics.HasError() {
			t.Errorf("%s: invalid definition: %v", meta.Name, valid.Diagnostics)
		}
		d := def.Definition
		if d.Summary == "" || !strings.Contains(d.Description, "epoch milliseconds") || !strings.Contains(d.MarkdownDescription, "plantimestamp()") {
			t.Errorf("%s: summary or descriptions missing or not saying why: %+v", meta.Name, d)
		}
		if len(d.Parameters) != 1 || d.Parameters[0].GetName() == "" || d.Parameters[0].GetDescription() == "" {
			t.Errorf("%s: want one named, described parameter; got %+v", meta.Name, d.Parameters)
		}
	}
	if len(names) != 2 || !names["unix_ms"] || !names["rfc3339"] {
		t.Errorf("function names = %v; want unix_ms and rfc3339", names)
	}
}
