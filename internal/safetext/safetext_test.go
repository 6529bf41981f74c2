package safetext

import (
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, 100% ASCII":              "plain text, 100% ASCII",
		"\x1b[2J\x1b[HNo changes.":            `\x1b[2J\x1b[HNo changes.`,
		"bell\a back\b cr\r nl\n tab\t":       `bell\x07 back\x08 cr\r nl\n tab\t`,
		"osc \x1b]0;title\x07 end":            `osc \x1b]0;title\x07 end`,
		"del\x7f nul\x00":                     `del\x7f nul\x00`,
		"c1 csi \u009b2J nel \u0085":          `c1 csi \u009b2J nel \u0085`,
		"bidi \u202eevil\u202c \u2066x\u2069": `bidi \u202eevil\u202c \u2066x\u2069`,
		"ls \u2028 ps \u2029":                 `ls \u2028 ps \u2029`,
		"not utf-8 \xff\xfe":                  `not utf-8 \xff\xfe`,
		"中文 é ✓ emoji 🙂":                      "中文 é ✓ emoji 🙂",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q; want %q", in, got, want)
		}
	}
}

// Whatever the input, the output holds no control character at all.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "\x1b[2J", "\u009b", "\u202e", "\xff", "a\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Escape(s)
		for _, r := range out {
			if r < 0x20 || r == 0x7f || unsafeRune(r) || r == '\uFFFD' && !strings.ContainsRune(s, '\uFFFD') {
				t.Fatalf("Escape(%q) = %q holds %U", s, out, r)
			}
		}
	})
}

func TestMaskSecrets(t *testing.T) {
	const ak, token = "HSSDEMOACCESSKEY0001", "tok+en/with=special"
	for in, want := range map[string]string{
		"key " + ak + " refused":           "key *** refused",
		"lower " + strings.ToLower(ak):     "lower ***",
		"mixed HssDemoAccessKey0001 case":  "mixed *** case",
		"url tok%2Ben%2Fwith%3Dspecial":    "url ***",
		"path tok+en%2Fwith=special":       "path ***",
		`json "tok+en\/with=special"`:      `json "***"`,
		"twice " + token + " and " + token: "twice *** and ***",
		"nothing here":                     "nothing here",
		"non-ASCII İ before " + ak:         "non-ASCII İ before ***",
	} {
		if got := MaskSecrets(in, ak, token); got != want {
			t.Errorf("MaskSecrets(%q) = %q; want %q", in, got, want)
		}
	}
	// Short values are not masked: they would hide ordinary words.
	if got := MaskSecrets("a the b", "the"); got != "a the b" {
		t.Errorf("short secret masked: %q", got)
	}
}

// Masking before truncating leaves no part of a secret at the cut.
func TestMaskThenTruncate(t *testing.T) {
	const ak = "HSSDEMOACCESSKEY0001"
	body := strings.Repeat("x", 110) + ak + strings.Repeat("y", 50)
	got := Truncate(MaskSecrets(body, ak), 120)
	if strings.Contains(got, "HSSDEMO") || !strings.HasSuffix(got, "...") {
		t.Fatalf("%q", got)
	}
	if Truncate("日本語", 4) != "日..." {
		t.Fatalf("cut inside a rune: %q", Truncate("日本語", 4))
	}
}
