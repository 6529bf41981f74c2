// Package functions holds the provider's functions. The audit-log data
// source speaks epoch milliseconds, as the HSS API does, and Terraform has
// no built-in conversion between those and its own RFC 3339 timestamps
// (timestamp(), plantimestamp(), timeadd()); unix_ms and rfc3339 are that
// conversion, both ways.
package functions

import "github.com/hashicorp/terraform-plugin-framework/function"

// New returns the provider's functions: unix_ms and rfc3339.
func New() []func() function.Function {
	return []func() function.Function{newUnixMS, newRFC3339}
}

// example is the call this package exists for; both descriptions show it.
const example = `start_time = provider::hss::unix_ms(timeadd(plantimestamp(), "-24h"))`
