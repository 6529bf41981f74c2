package credentials

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// An IAM endpoint that quotes the credentials the request carried (the
// access key, cut at the snippet's end; the token URL-encoded), and writes
// control characters: the error holds neither.
func TestIAMAnswerMaskedAndEscaped(t *testing.T) {
	const token = "MIIdemo+token/with=chars-0123456789"
	for name, body := range map[string]func(r *http.Request) string{
		"access key at the cut": func(r *http.Request) string {
			_, rest, _ := strings.Cut(r.Header.Get("Authorization"), "Access=")
			ak, _, _ := strings.Cut(rest, ",")
			return "<html>" + strings.Repeat("x", 190) + strings.ToLower(ak) + "</html>"
		},
		"token url-encoded": func(*http.Request) string { return "token=" + url.QueryEscape(token) + " \x1b[2J\x07" },
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusBadGateway)
				_, _ = w.Write([]byte(body(r)))
			}))
			defer srv.Close()
			creds := Static(permanent)
			if name == "token url-encoded" {
				creds = Static(Value{AuthToken: token, Source: "test"})
			}
			_, err := ProjectID(context.Background(), creds, srv.URL, region, nil)
			if err == nil {
				t.Fatal("no error")
			}
			msg := strings.ToLower(err.Error())
			for _, secret := range []string{permanent.AccessKey, token, url.QueryEscape(token)} {
				for i := 6; i <= len(secret); i++ {
					if strings.Contains(msg, strings.ToLower(secret[:i])) {
						t.Fatalf("the error holds %q: %s", secret[:i], err)
					}
				}
			}
			for _, r := range err.Error() {
				if r < 0x20 || r == 0x7f {
					t.Fatalf("control character %U in %q", r, err)
				}
			}
		})
	}
}
