// Package apierror formats the failed calls of the provider's HTTP clients
// (the HSS API, IAM, the ECS metadata service) the same way. It knows
// nothing of Terraform or of the services.
package apierror

import (
	"fmt"
	"strings"

	"github.com/hss-tf/terraform-provider-hss/internal/safetext"
)

// Format describes a failed call:
//
//	HTTP <status> <code>: <msg>: <err> (<context>, <context>...)
//
// A zero status reads "no response"; an empty code, message or nil err is
// left out with its separator, and so is an empty context item. The
// parentheses appear only around at least one context item, such as
// "request id 0123abcd". The service wrote code, message, request id and
// any body quoted in err: their control characters are escaped
// (safetext.Escape), so no answer can drive the terminal.
func Format(status int, code, msg string, err error, context ...string) string {
	var b strings.Builder
	if status != 0 {
		fmt.Fprintf(&b, "HTTP %d", status)
	} else {
		b.WriteString("no response")
	}
	if code != "" {
		b.WriteString(" " + safetext.Escape(code))
	}
	if msg != "" {
		b.WriteString(": " + safetext.Escape(msg))
	}
	if err != nil {
		b.WriteString(": " + safetext.Escape(err.Error()))
	}
	n := 0
	for _, c := range context {
		if c == "" {
			continue
		}
		if n == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(safetext.Escape(c))
		n++
	}
	if n > 0 {
		b.WriteString(")")
	}
	return b.String()
}
