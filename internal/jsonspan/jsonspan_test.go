package jsonspan

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseSpans(t *testing.T) {
	src := ` {"a": [1, -2.5e3, "x\"y", true, null], "b":{"k\u00e9":{}} , "a":"dup"} `
	n, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if n.Kind != Object || src[n.Start:n.End] != strings.TrimSpace(src) {
		t.Fatalf("root %+v", n)
	}
	as := n.Members("a")
	if len(as) != 2 || as[0].Kind != Array || as[1].Kind != String {
		t.Fatalf("duplicate members: %+v", as)
	}
	want := []string{"1", "-2.5e3", `"x\"y"`, "true", "null"}
	for i, k := range as[0].Kids {
		if got := src[k.Start:k.End]; got != want[i] {
			t.Errorf("element %d spans %q, want %q", i, got, want[i])
		}
	}
	if s, ok := as[0].Kids[2].Str(src); !ok || s != `x"y` {
		t.Errorf("Str %q %v", s, ok)
	}
	if got := n.Members("b")[0].Keys; len(got) != 1 || got[0] != "ké" {
		t.Errorf("decoded key %q", got)
	}
	if n.Members("missing") != nil || (&Node{Kind: Array}).Members("a") != nil {
		t.Error("Members of a missing key or a non-object")
	}
}

func TestParseRefusesWhatEncodingJSONRefuses(t *testing.T) {
	for _, src := range []string{
		``, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{"a":1}x`, `01`, `1.`, `.5`, `1e`, `-`, `"\x"`, `"\u12"`,
		"\"a\nb\"", `tru`, `nul`, `{1:2}`, `"abc`, `{"a":1 "b":2}`,
		strings.Repeat("[", MaxDepth+2) + strings.Repeat("]", MaxDepth+2),
	} {
		if _, err := Parse(src); !errors.Is(err, ErrSyntax) {
			t.Errorf("%q: err = %v, want ErrSyntax", src, err)
		}
		if json.Valid([]byte(src)) && !strings.HasPrefix(src, "[[[[") {
			t.Errorf("%q: encoding/json accepts it", src)
		}
	}
}

func TestApply(t *testing.T) {
	src := `{"a":"1","b":{"c":"2"},"d":3}`
	n, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	b := n.Members("b")[0]
	c := b.Members("c")[0]
	got := Apply(src, []Edit{
		{Start: c.Start, End: c.End, Text: `"X"`}, // inside b: dropped, b is replaced whole
		{Start: n.Members("a")[0].Start, End: n.Members("a")[0].End, Text: `"A"`},
		{Start: b.Start, End: b.End, Text: `"B"`},
		{Start: b.Start, End: b.End, Text: `"B"`}, // twice: once
	})
	if want := `{"a":"A","b":"B","d":3}`; got != want {
		t.Fatalf("Apply = %s, want %s", got, want)
	}
	if Apply(src, nil) != src {
		t.Fatal("no edits changed the text")
	}
}

// FuzzParse: Parse accepts exactly what encoding/json accepts (within the
// depth bound), and every span it gives is a valid JSON value itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,"b",{"c":null}]}`, `"\u00e9"`, `[]`, `{"a":1,"a":2}`, `-0.0e+1`, "\"\xff\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		n, err := Parse(src)
		deep := strings.Count(src, "[")+strings.Count(src, "{") > MaxDepth // may pass the depth bound
		if (err == nil) != json.Valid([]byte(src)) && !deep {
			t.Fatalf("Parse err %v, json.Valid %v", err, json.Valid([]byte(src)))
		}
		if err != nil {
			return
		}
		var walk func(*Node)
		walk = func(n *Node) {
			if !json.Valid([]byte(src[n.Start:n.End])) {
				t.Fatalf("span %q is not a JSON value", src[n.Start:n.End])
			}
			for _, k := range n.Kids {
				walk(k)
			}
		}
		walk(n)
	})
}
