package jsonstr

import (
	"encoding/json"
	"testing"
)

var seeds = []string{
	`""`, `"plain"`, `"a\"b\\c\/d"`, `"\b\f\n\r\t"`, `"\u00e9\u4e2d"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00x"`,
	`"\ud83d\u0041"`, `"é中😀"`, "\"\xff\xfe\"", `"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\"}"`,
	`"\u0000"`, `"bad \x"`, `"\u12"`, `"unterminated\"`, `"`, `x`, "\"tab\tinside\"", `"\uD800\uDC00"`,
}

// FuzzUnquote holds Unquote to encoding/json on every input: the same
// value for a literal encoding/json accepts, and ok = false for one it
// rejects.
func FuzzUnquote(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want string
		jsonErr := json.Unmarshal(b, &want)
		got, ok := Unquote(b)
		if jsonErr == nil && (!ok || got != want) {
			t.Fatalf("Unquote(%q) = %q, %v; encoding/json gives %q", b, got, ok, want)
		}
		if jsonErr != nil && ok {
			// Only literals that are not strings at all, or invalid ones,
			// are rejected by encoding/json; Unquote must not accept them.
			t.Fatalf("Unquote(%q) = %q, ok; encoding/json: %v", b, got, jsonErr)
		}
	})
}

func TestUnquoteSeeds(t *testing.T) {
	for _, s := range seeds {
		var want string
		err := json.Unmarshal([]byte(s), &want)
		got, ok := Unquote([]byte(s))
		if (err == nil) != ok || (ok && got != want) {
			t.Errorf("Unquote(%q) = %q, %v; encoding/json %q, %v", s, got, ok, want, err)
		}
	}
}

func BenchmarkUnquote(b *testing.B) {
	lit := []byte(`"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"6f1e4c2a\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/prod/secrets/db\",\"verb\":\"delete\",\"user\":{\"username\":\"alice@example.com\",\"groups\":[\"system:authenticated\"]}}"`)
	b.Run("jsonstr", func(b *testing.B) {
		for b.Loop() {
			_, _ = Unquote(lit)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		var s string
		for b.Loop() {
			_ = json.Unmarshal(lit, &s)
		}
	})
}
