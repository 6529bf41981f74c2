package hss

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A hostile service quotes the access key the request carried, cut where
// the snippet is cut, URL-encoded and lower-cased, and writes control
// characters into every field: the error holds no part of the key and no
// control character.
func TestHostileAnswersAreMaskedAndEscaped(t *testing.T) {
	ak := testAK // carried in Authorization: Access=...
	for name, answer := range map[string]struct {
		status int
		body   string
	}{
		"html straddling the cut": {502, "<html>" + strings.Repeat("x", 110) + ak + "</html>"},
		"encoded and lower-cased": {502, "key=" + url.QueryEscape(ak) + " k2=" + strings.ToLower(ak)},
		"not a page, 200":         {200, "{" + strings.Repeat("y", 105) + ak + strings.Repeat("z", 40)},
		"no data_list, 200":       {200, `{"total_num":1,"note":"` + strings.Repeat("w", 90) + ak + `"}`},
		"controls in the fields":  {403, `{"error_code":"APIGW.\u001b[2J","error_msg":"denied\r\n\u001b]0;pwned\u0007No changes.","request_id":"r\u009b1"}`},
	} {
		t.Run(name, func(t *testing.T) {
			f := &fake{respond: func(int, url.Values) (int, http.Header, string) { return answer.status, nil, answer.body }}
			c, _ := newTestClient(t, f, func(cfg *Config) { cfg.MaxRetries = 0 })
			_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for i := 6; i <= len(ak); i++ { // no prefix of the key of 6 characters or more, in any case
				if strings.Contains(strings.ToLower(msg), strings.ToLower(ak[:i])) {
					t.Fatalf("the error holds %q: %s", ak[:i], msg)
				}
			}
			for _, r := range msg {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
					t.Fatalf("the error holds control character %U: %q", r, msg)
				}
			}
		})
	}
}
