package provider

import (
	"fmt"
	"strings"
)

// domainRules pick the domain of a region's default endpoints, first match
// wins. An explicit cloud (HW_CLOUD) overrides them all, and endpoints /
// auth_url override the URL itself. Documented in templates/index.md.tmpl.
var domainRules = []struct {
	name   string
	match  func(region string) bool
	domain string
}{
	// Europe's sites (eu-west-101 Dublin and its siblings) are isolated from
	// the other regions, under their own domain.
	{"Europe: regions named eu-west-1xx", func(r string) bool { return strings.HasPrefix(r, "eu-west-1") }, "myhuaweicloud.eu"},
	{"every other region", func(string) bool { return true }, defaultCloud},
}

// cloudDomain is the domain of region's endpoints; cloud is the user's
// explicit setting, "" when unset.
func cloudDomain(region, cloud string) string {
	if cloud != "" {
		return cloud
	}
	for _, r := range domainRules {
		if r.match(region) {
			return r.domain
		}
	}
	return defaultCloud
}

// serviceEndpoint is the default base URL of service in region.
func serviceEndpoint(service, region, cloud string) string {
	return fmt.Sprintf("https://%s.%s.%s", service, region, cloudDomain(region, cloud))
}
