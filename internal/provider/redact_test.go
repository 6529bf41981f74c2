package provider

import (
	"net/url"
	"strings"
	"testing"
)

// Diagnostics mask every credential in its common encodings and cases,
// and the log masks match the same.
func TestSecretSetMasksEncodings(t *testing.T) {
	const ak, token = "PROFILEAK00000000001", "security+token/with=chars"
	s := &secretSet{}
	s.add(ak, token)
	for _, text := range []string{
		"key " + ak, "key " + strings.ToLower(ak), "key PrOfIlEaK00000000001",
		"token " + url.QueryEscape(token), "token " + url.PathEscape(token), `token "security+token\/with=chars"`,
	} {
		if got := s.redact(text); strings.Contains(got, "000000001") || strings.Contains(strings.ToLower(got), "token/with") || !strings.Contains(got, "***") {
			t.Errorf("redact(%q) = %q", text, got)
		}
		masked := false
		for _, re := range s.patterns() {
			if re.MatchString(text) {
				masked = true
			}
		}
		if !masked {
			t.Errorf("no log mask matches %q", text)
		}
	}
}
