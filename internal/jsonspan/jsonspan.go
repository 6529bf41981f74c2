// Package jsonspan parses a JSON text into a tree of the byte spans of its
// values, so that a caller can replace some values in the original text
// and keep every other byte as it was. Re-marshalling would reorder keys,
// re-escape <, > and &, and rewrite numbers: the audit-log content this
// provider redacts must stay exactly what the service sent, but for the
// values it replaces.
package jsonspan

import (
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/hss-tf/terraform-provider-hss/internal/jsonstr"
)

// Kind is a JSON value's type.
type Kind uint8

// The kinds of values.
const (
	Object Kind = iota + 1
	Array
	String
	Number
	Bool
	Null
)

// MaxDepth bounds nesting: deeper texts are refused, not recursed into.
const MaxDepth = 10_000 // as the Kubernetes API server and strict event parsing allow

// Node is one value: its kind and its span [Start, End) in the source.
// An object's members are Keys (decoded) and Kids, in the order of the
// text, duplicates kept; an array's elements are Kids.
type Node struct {
	Kind       Kind
	Start, End int
	Keys       []string
	Kids       []*Node
}

// Members returns the values of every member named key, in order: a text
// with duplicate keys has several, and a redactor must treat them all.
func (n *Node) Members(key string) []*Node {
	if n == nil || n.Kind != Object {
		return nil
	}
	var out []*Node
	for i, k := range n.Keys {
		if k == key {
			out = append(out, n.Kids[i])
		}
	}
	return out
}

// Str is the decoded value of a string node; ok is false for other kinds.
func (n *Node) Str(src string) (s string, ok bool) {
	if n == nil || n.Kind != String {
		return "", false
	}
	return jsonstr.Unquote([]byte(src[n.Start:n.End]))
}

// ErrSyntax is a text that is not one well-formed JSON value.
var ErrSyntax = errors.New("not a JSON value")

// Parse parses src, which must hold one JSON value and nothing else but
// white space.
func Parse(src string) (*Node, error) {
	p := parser{src: src}
	p.ws()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(src) {
		return nil, p.fail("data after the value")
	}
	return n, nil
}

type parser struct {
	src string
	i   int
}

func (p *parser) fail(what string) error {
	return fmt.Errorf("%w: %s at byte %d", ErrSyntax, what, p.i)
}

func (p *parser) ws() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (*Node, error) {
	if depth > MaxDepth {
		return nil, p.fail("nesting too deep")
	}
	if p.i >= len(p.src) {
		return nil, p.fail("unexpected end")
	}
	start := p.i
	switch c := p.src[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		if err := p.str(); err != nil {
			return nil, err
		}
		return &Node{Kind: String, Start: start, End: p.i}, nil
	case c == 't':
		return p.literal("true", Bool)
	case c == 'f':
		return p.literal("false", Bool)
	case c == 'n':
		return p.literal("null", Null)
	case c == '-' || c >= '0' && c <= '9':
		if err := p.number(); err != nil {
			return nil, err
		}
		return &Node{Kind: Number, Start: start, End: p.i}, nil
	default:
		return nil, p.fail(fmt.Sprintf("unexpected %q", c))
	}
}

func (p *parser) object(depth int) (*Node, error) {
	n := &Node{Kind: Object, Start: p.i}
	p.i++ // {
	p.ws()
	if p.i < len(p.src) && p.src[p.i] == '}' {
		p.i++
		n.End = p.i
		return n, nil
	}
	for {
		p.ws()
		ks := p.i
		if p.i >= len(p.src) || p.src[p.i] != '"' {
			return nil, p.fail("expected a member name")
		}
		if err := p.str(); err != nil {
			return nil, err
		}
		key, ok := jsonstr.Unquote([]byte(p.src[ks:p.i]))
		if !ok {
			return nil, p.fail("bad member name")
		}
		p.ws()
		if p.i >= len(p.src) || p.src[p.i] != ':' {
			return nil, p.fail("expected ':'")
		}
		p.i++
		p.ws()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.Keys, n.Kids = append(n.Keys, key), append(n.Kids, v)
		p.ws()
		if p.i >= len(p.src) {
			return nil, p.fail("unexpected end of object")
		}
		switch p.src[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			n.End = p.i
			return n, nil
		default:
			return nil, p.fail("expected ',' or '}'")
		}
	}
}

func (p *parser) array(depth int) (*Node, error) {
	n := &Node{Kind: Array, Start: p.i}
	p.i++ // [
	p.ws()
	if p.i < len(p.src) && p.src[p.i] == ']' {
		p.i++
		n.End = p.i
		return n, nil
	}
	for {
		p.ws()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.Kids = append(n.Kids, v)
		p.ws()
		if p.i >= len(p.src) {
			return nil, p.fail("unexpected end of array")
		}
		switch p.src[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			n.End = p.i
			return n, nil
		default:
			return nil, p.fail("expected ',' or ']'")
		}
	}
}

// str moves past a string literal, checking its escapes and that it
// holds no control character.
func (p *parser) str() error {
	p.i++ // "
	for p.i < len(p.src) {
		c := p.src[p.i]
		switch {
		case c == '"':
			p.i++
			return nil
		case c == '\\':
			if p.i+1 >= len(p.src) {
				return p.fail("unexpected end of string")
			}
			switch p.src[p.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.i += 2
			case 'u':
				if p.i+6 > len(p.src) || !hex4(p.src[p.i+2:p.i+6]) {
					return p.fail("bad \\u escape")
				}
				p.i += 6
			default:
				return p.fail("bad escape")
			}
		case c < 0x20:
			return p.fail("control character in string")
		case c < utf8.RuneSelf:
			p.i++
		default:
			_, size := utf8.DecodeRuneInString(p.src[p.i:])
			p.i += size // invalid UTF-8 is kept, as encoding/json keeps it (as U+FFFD)
		}
	}
	return p.fail("unexpected end of string")
}

func hex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

func (p *parser) literal(lit string, k Kind) (*Node, error) {
	if len(p.src)-p.i < len(lit) || p.src[p.i:p.i+len(lit)] != lit {
		return nil, p.fail("bad literal")
	}
	n := &Node{Kind: k, Start: p.i, End: p.i + len(lit)}
	p.i += len(lit)
	return n, nil
}

func (p *parser) number() error {
	start := p.i
	if p.src[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		s := p.i
		for p.i < len(p.src) && p.src[p.i] >= '0' && p.src[p.i] <= '9' {
			p.i++
		}
		return p.i - s
	}
	switch {
	case p.i < len(p.src) && p.src[p.i] == '0':
		p.i++
	case digits() == 0:
		return p.fail("bad number")
	}
	if p.i < len(p.src) && p.src[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return p.fail("bad number")
		}
	}
	if p.i < len(p.src) && (p.src[p.i] == 'e' || p.src[p.i] == 'E') {
		p.i++
		if p.i < len(p.src) && (p.src[p.i] == '+' || p.src[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return p.fail("bad number")
		}
	}
	if p.i == start {
		return p.fail("bad number")
	}
	return nil
}

// Edit replaces the span [Start, End) of the source with Text.
type Edit struct {
	Start, End int
	Text       string
}

// Apply returns src with the edits made. Edits must not overlap; an edit
// inside another is dropped (the outer one replaces it anyway).
func Apply(src string, edits []Edit) string {
	if len(edits) == 0 {
		return src
	}
	sorted := append([]Edit(nil), edits...)
	sortEdits(sorted)
	var b []byte
	at := 0
	for _, e := range sorted {
		if e.Start < at {
			continue // inside an edit already made
		}
		b = append(b, src[at:e.Start]...)
		b = append(b, e.Text...)
		at = e.End
	}
	b = append(b, src[at:]...)
	return string(b)
}

// sortEdits orders by start, the widest first at equal starts.
func sortEdits(e []Edit) {
	slices.SortFunc(e, func(a, b Edit) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
}
