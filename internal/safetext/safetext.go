// Package safetext makes text from a service, or from the audit events it
// serves, safe to show in a terminal, and keeps credentials out of it. It
// knows nothing of Terraform or of the services.
//
// A service's error_code, error_msg, request id or body reaches
// diagnostics and logs; raw, its control characters could clear the
// screen and print a fake "No changes." (ESC[2J, OSC, BEL, CR, backspace)
// even with -no-color. State keeps data as received: only what is shown
// is escaped.
package safetext

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Escape writes every control character of s visibly, as Go escapes: the
// C0 controls (newline and tab included: a service's message is one line),
// DEL, the C1 controls, the Unicode line and paragraph separators and the
// bidirectional controls (which reorder what a terminal shows), and bytes
// that are not UTF-8. Everything else is left as it is.
func Escape(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// clean is the fast path: printable ASCII only.
func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// unsafeRune is a non-ASCII rune that changes what a terminal shows
// rather than showing itself.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1, CSI (0x9b) among them
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e || r == 0x200f || r == 0x061c: // bidi
		return true
	}
	return false
}

// Mask is the marker a masked secret leaves.
const Mask = "***"

// Variants are the forms in which a secret may come back in a service's
// answer: as sent, URL-encoded (query and path), JSON-escaped (with and
// without an escaped slash); MaskSecrets and the callers' patterns match
// each in any case. Secrets shorter than 4 bytes are not masked: they
// would mask ordinary text.
func Variants(secret string) []string {
	if len(secret) < 4 {
		return nil
	}
	vs := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	if j, err := json.Marshal(secret); err == nil {
		js := strings.Trim(string(j), `"`)
		vs = append(vs, js, strings.ReplaceAll(js, "/", `\/`))
	}
	out := vs[:0:0]
	seen := map[string]bool{}
	for _, v := range vs {
		if k := asciiLower(v); !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

// MaskSecrets replaces every occurrence of each secret in text, in any of
// its Variants and in any mix of ASCII case, by Mask. Mask before any
// truncation: a secret cut in two would leave its first part.
func MaskSecrets(text string, secrets ...string) string {
	if len(secrets) == 0 || text == "" {
		return text
	}
	lt := asciiLower(text) // once; again only after a replacement
	for _, s := range secrets {
		for _, v := range Variants(s) {
			if lv := asciiLower(v); strings.Contains(lt, lv) {
				text = replaceFold(text, lt, lv, len(v))
				lt = asciiLower(text)
			}
		}
	}
	return text
}

// replaceFold replaces, in text (lt lowered), every occurrence of the
// lowered lv, n bytes long, ignoring ASCII case.
func replaceFold(text, lt, lv string, n int) string {
	var b strings.Builder
	for {
		i := strings.Index(lt, lv)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		b.WriteString(Mask)
		text, lt = text[i+n:], lt[i+len(lv):]
	}
}

// asciiLower lowers A-Z only, so byte offsets stay those of s.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// Truncate cuts s to at most n bytes, on a rune boundary, marking the cut.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
