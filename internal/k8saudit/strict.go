package k8saudit

import (
	"strings"

	"github.com/hss-tf/terraform-provider-hss/internal/jsonstr"
)

// Kind is what a record's content is.
type Kind int

const (
	// FreeText is content that is not JSON, or JSON that is not an audit
	// event: another component's log line, say.
	FreeText Kind = iota
	// IsEvent is an audit event that parses strictly.
	IsEvent
	// Malformed content claims to be an audit event (its apiVersion is
	// the audit API's, in any case or escaping) but fails strict parsing:
	// truncated, trailing data, nested too deep, a kind other than exactly
	// "Event" ("event", "EventList"), or duplicate or case-variant keys
	// among the event's own fields. It is never taken as an event, and
	// never silently dropped.
	Malformed
)

func (k Kind) String() string {
	return [...]string{"free text", "event", "malformed"}[k]
}

// maxDepth is encoding/json's nesting limit: deeper content fails there.
const maxDepth = 10000

// fields are the keys of one level of an event that the provider reads
// (or that Kubernetes defines there), and the levels below them. At these
// levels keys are matched as the API server matches them: exactly. A
// duplicate, or a key that differs from one of these only in case (which
// encoding/json would take for it), is malformed: "verb":"delete" ...
// "Verb":"list" must not read as list, nor "USER" stand for "user".
type fields struct {
	known map[string]*fields // nil value: a scalar, a list, or an object not checked
	any   bool               // a map with keys of its own (annotations): only duplicates are malformed
}

var (
	userFields = &fields{known: map[string]*fields{"username": nil, "uid": nil, "groups": nil, "extra": nil}}
	eventLevel = &fields{known: map[string]*fields{
		"kind": nil, "apiVersion": nil, "level": nil, "auditID": nil, "stage": nil, "requestURI": nil, "verb": nil,
		"user": userFields, "impersonatedUser": userFields, "sourceIPs": nil, "userAgent": nil,
		"objectRef": {known: map[string]*fields{
			"resource": nil, "namespace": nil, "name": nil, "uid": nil, "apiGroup": nil, "apiVersion": nil,
			"resourceVersion": nil, "subresource": nil,
		}},
		"responseStatus": {known: map[string]*fields{
			"kind": nil, "apiVersion": nil, "metadata": nil, "status": nil, "message": nil, "reason": nil, "details": nil, "code": nil,
		}},
		// The objects' own keys are the objects' business.
		"requestObject": nil, "responseObject": nil,
		"requestReceivedTimestamp": nil, "stageTimestamp": nil, "timestamp": nil,
		"annotations": {any: true}, "metadata": nil,
	}}
)

// strictCheck walks content as JSON. claims says whether it presents
// itself as an object of the audit API: a top-level apiVersion holding
// "audit.k8s.io", key and value in any case and escaping; or, when the
// JSON breaks before telling, "audit.k8s.io" anywhere in it. (A kind of
// "Event" alone claims nothing: Kubernetes' own core/v1 Events are JSON
// that is not an audit event.)
// strict says whether it is one document, well formed and nested within
// maxDepth, kind exactly "Event" and apiVersion exactly audit.k8s.io/v1 or
// v1beta1, with no duplicate or case-variant key among the event's own
// fields. auditID is the top-level auditID seen, for messages.
func strictCheck(content string) (claims, strict bool, auditID string) {
	sc := &scanner{s: content}
	sc.ws()
	if sc.i >= len(sc.s) || sc.s[sc.i] != '{' {
		return false, false, ""
	}
	ok := sc.object(1, eventLevel, true) && sc.end()
	claims = sc.claimsVersion
	if !ok && !claims {
		claims = strings.Contains(strings.ToLower(content), "audit.k8s.io")
	}
	strict = ok && !sc.violation && sc.kind == "Event" && (sc.version == "audit.k8s.io/v1" || sc.version == "audit.k8s.io/v1beta1")
	return claims, strict, sc.auditID
}

// scanner is a minimal JSON reader: it validates, skips what it need not
// read, and reports the event's keys to the checks above.
type scanner struct {
	s string
	i int

	violation              bool // a duplicate or case-variant key
	claimsVersion          bool
	kind, version, auditID string
}

func (sc *scanner) ws() {
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case ' ', '\t', '\r', '\n':
			sc.i++
		default:
			return
		}
	}
}

// end reports whether nothing but whitespace follows the document.
func (sc *scanner) end() bool {
	sc.ws()
	return sc.i == len(sc.s)
}

// object reads an object at sc.i; f is what its keys are checked against
// (nil: not checked), top whether it is the event itself.
func (sc *scanner) object(depth int, f *fields, top bool) bool {
	if depth > maxDepth {
		return false
	}
	sc.i++ // '{'
	var seen map[string]bool
	if f != nil {
		seen = map[string]bool{}
	}
	sc.ws()
	if sc.i < len(sc.s) && sc.s[sc.i] == '}' {
		sc.i++
		return true
	}
	for {
		sc.ws()
		var key string
		var ok bool
		if f != nil {
			key, ok = sc.str()
		} else if sc.i < len(sc.s) && sc.s[sc.i] == '"' {
			_, ok = sc.rawString() // keys nobody reads: validated only
		}
		if !ok {
			return false
		}
		sc.ws()
		if sc.i >= len(sc.s) || sc.s[sc.i] != ':' {
			return false
		}
		sc.i++
		sc.ws()
		var child *fields
		if f != nil {
			child = sc.checkKey(f, key, seen)
		}
		start := sc.i
		if !sc.value(depth, child) {
			return false
		}
		if top {
			sc.topValue(key, sc.s[start:sc.i])
		}
		sc.ws()
		if sc.i >= len(sc.s) {
			return false
		}
		switch sc.s[sc.i] {
		case ',':
			sc.i++
		case '}':
			sc.i++
			return true
		default:
			return false
		}
	}
}

// checkKey notes a violation for a duplicate or case-variant key, and
// returns the fields of the level below key.
func (sc *scanner) checkKey(f *fields, key string, seen map[string]bool) *fields {
	if seen[key] {
		sc.violation = true
	}
	seen[key] = true
	if f.any {
		return nil
	}
	if child, ok := f.known[key]; ok {
		return child
	}
	for k := range f.known {
		if strings.EqualFold(k, key) { // as encoding/json would match it
			sc.violation = true
		}
	}
	return nil
}

// topValue remembers what the event's own kind, apiVersion and auditID say.
func (sc *scanner) topValue(key, raw string) {
	wanted := strings.EqualFold(key, "kind") || strings.EqualFold(key, "apiVersion") || key == "auditID"
	if !wanted || raw == "" || raw[0] != '"' {
		return
	}
	v, ok := jsonstr.Unquote([]byte(raw))
	if !ok {
		return
	}
	switch key {
	case "kind":
		sc.kind = v
	case "apiVersion":
		sc.version = v
	case "auditID":
		sc.auditID = v
	}
	if strings.EqualFold(key, "apiVersion") && strings.Contains(strings.ToLower(v), "audit.k8s.io") {
		sc.claimsVersion = true
	}
}

// value reads any value at sc.i.
func (sc *scanner) value(depth int, f *fields) bool {
	if sc.i >= len(sc.s) {
		return false
	}
	switch sc.s[sc.i] {
	case '{':
		return sc.object(depth+1, f, false)
	case '[':
		return sc.array(depth + 1)
	case '"':
		_, ok := sc.rawString()
		return ok
	case 't':
		return sc.literal("true")
	case 'f':
		return sc.literal("false")
	case 'n':
		return sc.literal("null")
	default:
		return sc.number()
	}
}

func (sc *scanner) array(depth int) bool {
	if depth > maxDepth {
		return false
	}
	sc.i++ // '['
	sc.ws()
	if sc.i < len(sc.s) && sc.s[sc.i] == ']' {
		sc.i++
		return true
	}
	for {
		sc.ws()
		if !sc.value(depth, nil) {
			return false
		}
		sc.ws()
		if sc.i >= len(sc.s) {
			return false
		}
		switch sc.s[sc.i] {
		case ',':
			sc.i++
		case ']':
			sc.i++
			return true
		default:
			return false
		}
	}
}

func (sc *scanner) literal(lit string) bool {
	if !strings.HasPrefix(sc.s[sc.i:], lit) {
		return false
	}
	sc.i += len(lit)
	return true
}

// number reads a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (sc *scanner) number() bool {
	s, i := sc.s, sc.i
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() bool {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > start
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case !digits():
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	sc.i = i
	return true
}

// rawString reads a string literal at sc.i and returns it, quotes included.
func (sc *scanner) rawString() (string, bool) {
	s, start := sc.s, sc.i
	i := start + 1
	for i < len(s) {
		switch c := s[i]; {
		case c == '"':
			sc.i = i + 1
			return s[start:sc.i], true
		case c == '\\':
			if i+1 >= len(s) {
				return "", false
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(s) || !isHex4(s[i+2:i+6]) {
					return "", false
				}
				i += 6
			default:
				return "", false
			}
		case c < 0x20:
			return "", false
		default:
			i++
		}
	}
	return "", false
}

// str reads a string literal and decodes it.
func (sc *scanner) str() (string, bool) {
	if sc.i >= len(sc.s) || sc.s[sc.i] != '"' {
		return "", false
	}
	raw, ok := sc.rawString()
	if !ok {
		return "", false
	}
	if !strings.Contains(raw, `\`) {
		return raw[1 : len(raw)-1], true // no escape: the text itself
	}
	return jsonstr.Unquote([]byte(raw))
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}
