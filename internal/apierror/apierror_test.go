package apierror

import (
	"errors"
	"testing"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		code    string
		msg     string
		err     error
		context []string
		want    string
	}{
		{name: "nothing", want: "no response"},
		{name: "status only", status: 503, want: "HTTP 503"},
		{name: "no response with error", err: errors.New("dial tcp: connection refused"), want: "no response: dial tcp: connection refused"},
		{name: "code", status: 401, code: "APIGW.0301", want: "HTTP 401 APIGW.0301"},
		{name: "message without code", status: 500, msg: "<html>oops</html>", want: "HTTP 500: <html>oops</html>"},
		{
			name: "everything", status: 429, code: "APIGW.0308", msg: "throttled", err: errors.New("decoding"),
			context: []string{"page offset=400", "request id r-1", "3 attempts over 2s"},
			want:    "HTTP 429 APIGW.0308: throttled: decoding (page offset=400, request id r-1, 3 attempts over 2s)",
		},
		{name: "one context item", status: 404, code: "IAM.0001", msg: "not found", context: []string{"request id abc"}, want: "HTTP 404 IAM.0001: not found (request id abc)"},
		{name: "empty context items are left out", status: 403, context: []string{"", "request id abc", ""}, want: "HTTP 403 (request id abc)"},
		{name: "only empty context items", status: 403, context: []string{"", ""}, want: "HTTP 403"},
		{name: "error after message", status: 200, msg: "m", err: errors.New("e"), want: "HTTP 200: m: e"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Format(tt.status, tt.code, tt.msg, tt.err, tt.context...); got != tt.want {
				t.Errorf("Format() = %q, want %q", got, tt.want)
			}
		})
	}
}

// What the service wrote cannot drive the terminal.
func TestFormatEscapesControls(t *testing.T) {
	got := Format(403, "APIGW\x1b[2J", "denied\r\nNo changes.\x07", errors.New("body \x1b]0;x\x07"), "request id \u009b1m")
	want := `HTTP 403 APIGW\x1b[2J: denied\r\nNo changes.\x07: body \x1b]0;x\x07 (request id \u009b1m)`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
