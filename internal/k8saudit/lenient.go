package k8saudit

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/hss-tf/terraform-provider-hss/internal/jsonstr"
)

// The types here never return an error: encoding/json stops at the first
// error an Unmarshaler returns, and one odd field must not lose the event.

// text is a JSON scalar as text: a string's value, or a number's or
// boolean's literal. ok is false for null, objects and arrays.
type text struct {
	s  string
	ok bool
}

func (t *text) UnmarshalJSON(b []byte) error {
	*t = text{}
	if len(b) == 0 {
		return nil
	}
	switch c := b[0]; {
	case c == '"':
		if s, ok := jsonstr.Unquote(b); ok {
			*t = text{s: s, ok: true}
		} else if err := json.Unmarshal(b, &t.s); err == nil {
			// encoding/json decodes escapes and replaces invalid UTF-8.
			t.ok = true
		}
	case c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f':
		*t = text{s: string(b), ok: true}
	}
	return nil
}

// integer is a JSON integer, an integral float (2e2) or a string holding
// one. ok is false for anything else.
type integer struct {
	v  int64
	ok bool
}

func (n *integer) UnmarshalJSON(b []byte) error {
	*n = integer{}
	var t text
	_ = t.UnmarshalJSON(b)
	if !t.ok {
		return nil
	}
	if v, err := strconv.ParseInt(t.s, 10, 64); err == nil {
		*n = integer{v: v, ok: true}
		return nil
	}
	f, err := strconv.ParseFloat(t.s, 64)
	if err == nil && f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
		*n = integer{v: int64(f), ok: true}
	}
	return nil
}
