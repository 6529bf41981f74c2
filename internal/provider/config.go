package provider

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/time/rate"

	"github.com/hss-tf/terraform-provider-hss/internal/auditlogs"
	"github.com/hss-tf/terraform-provider-hss/internal/hss"
)

const (
	defaultCloud      = "myhuaweicloud.com"
	defaultMaxRetries = 5
	registryURL       = "https://registry.terraform.io/providers/hss-tf/hss"
)

// knownEndpointKeys are the services an endpoints entry can override.
var knownEndpointKeys = map[string]bool{"hss": true}

type providerModel struct {
	Region              types.String  `tfsdk:"region"`
	AccessKey           types.String  `tfsdk:"access_key"`
	SecretKey           types.String  `tfsdk:"secret_key"`
	SecurityToken       types.String  `tfsdk:"security_token"`
	Token               types.String  `tfsdk:"token"`
	ProjectID           types.String  `tfsdk:"project_id"`
	EnterpriseProjectID types.String  `tfsdk:"enterprise_project_id"`
	Cloud               types.String  `tfsdk:"cloud"`
	Endpoints           types.Map     `tfsdk:"endpoints"`
	Insecure            types.Bool    `tfsdk:"insecure"`
	MaxRetries          types.Int64   `tfsdk:"max_retries"`
	MaxConcurrency      types.Int64   `tfsdk:"max_concurrency"`
	MaxRequestsPerSec   types.Float64 `tfsdk:"max_requests_per_second"`
}

// env looks up environment variables; tests give their own.
type env interface {
	Lookup(key string) (string, bool)
}

type osEnv struct{}

func (osEnv) Lookup(key string) (string, bool) { return os.LookupEnv(key) }

// setting is one resolved value and where it came from.
type setting struct {
	value  string
	source string // "" when unset
}

// resolve takes the block's value, else the first environment variable set.
func resolve(v types.String, attr string, e env, keys ...string) setting {
	if !v.IsNull() && !v.IsUnknown() {
		return setting{v.ValueString(), "provider attribute " + attr}
	}
	for _, k := range keys {
		if s, ok := e.Lookup(k); ok && s != "" {
			return setting{s, "environment variable " + k}
		}
	}
	return setting{}
}

// configure resolves the provider's settings and builds what the data
// sources need. It returns nil when diags holds an error.
func configure(ctx context.Context, m providerModel, e env, version, tfVersion string, diags *diag.Diagnostics) *auditlogs.ProviderData {
	if unknown := unknownAttributes(m); len(unknown) > 0 {
		// Values known only after apply: say so when a read needs them,
		// rather than fill in defaults silently.
		return &auditlogs.ProviderData{Unknown: unknown}
	}

	region := resolve(m.Region, "region", e, "HW_REGION_NAME")
	projectID := resolve(m.ProjectID, "project_id", e, "HW_PROJECT_ID")
	eps := resolve(m.EnterpriseProjectID, "enterprise_project_id", e, "HW_ENTERPRISE_PROJECT_ID")
	cloud := resolve(m.Cloud, "cloud", e, "HW_CLOUD") // "" leaves the domain to domainRules

	creds, credSource := credentials(m, e, diags)
	insecure := boolSetting(m.Insecure, "insecure", e, "HW_INSECURE", false, diags)
	maxRetries := intSetting(m.MaxRetries, "max_retries", e, "HW_MAX_RETRIES", defaultMaxRetries, 0, 100, diags)
	rps := floatSetting(m.MaxRequestsPerSec, "max_requests_per_second", e, "HW_MAX_REQUESTS_PER_SECOND", diags)
	maxConcurrency := intSetting(m.MaxConcurrency, "max_concurrency", e, "HW_MAX_CONCURRENCY", hss.DefaultMaxConcurrency, 1, hss.MaxConcurrency, diags)

	endpoint := ""
	overrides := endpointOverrides(ctx, m.Endpoints, diags)
	if u, ok := overrides["hss"]; ok {
		endpoint = strings.TrimSuffix(u, "/")
	} else if region.value != "" {
		endpoint = serviceEndpoint("hss", region.value, cloud.value)
	} else {
		diags.AddAttributeError(path.Root("region"), "Missing region",
			"The provider needs a region to build the HSS endpoint. Set the provider attribute region "+
				"(for example region = \"cn-north-4\") or the environment variable HW_REGION_NAME, "+
				"or give the endpoint itself with endpoints = { hss = \"https://...\" }.")
	}
	if projectID.value == "" {
		diags.AddAttributeError(path.Root("project_id"), "Missing project_id",
			"The HSS API addresses every call by project. Set the provider attribute project_id or the environment "+
				"variable HW_PROJECT_ID to the ID of your project in the region (IAM console, My Credentials, API Credentials).")
	}
	if diags.HasError() {
		return nil
	}

	client, err := hss.New(hss.Config{
		Endpoint:       endpoint,
		ProjectID:      projectID.value,
		Credentials:    hss.StaticCredentials(creds),
		Insecure:       insecure,
		MaxRetries:     int(maxRetries),
		MaxConcurrency: int(maxConcurrency),
		RateLimit:      rateLimit(rps),
		UserAgent:      userAgent(version, tfVersion),
		Logger:         newLogger(creds),
	})
	if err != nil {
		diags.AddError("Invalid HSS endpoint", fmt.Sprintf("Cannot build the HSS client for %s: %s.", endpoint, err))
		return nil
	}
	return &auditlogs.ProviderData{
		Region:              region.value,
		EnterpriseProjectID: eps.value,
		CredentialSource:    credSource,
		MaxRetries:          int(maxRetries),
		ClientFor: func(r string) (auditlogs.Lister, error) {
			if r != "" && r != region.value {
				return nil, fmt.Errorf("region %q differs from the provider's region %q, and project_id belongs to %q: "+
					"declare a provider alias with region = %q and that region's project_id, and select it with provider = hss.<alias>",
					r, region.value, region.value, r)
			}
			return client, nil
		},
	}
}

// credentials picks AK/SK (with an optional security token) or an IAM
// token. The provider block wins over the environment as a whole, so a
// stray HW_AUTH_TOKEN does not clash with keys written in the block.
func credentials(m providerModel, e env, diags *diag.Diagnostics) (hss.Credentials, string) {
	fromBlock := !m.AccessKey.IsNull() || !m.SecretKey.IsNull() || !m.SecurityToken.IsNull() || !m.Token.IsNull()
	lookup := e
	where := "the environment (HW_ACCESS_KEY, HW_SECRET_KEY, HW_SECURITY_TOKEN, HW_AUTH_TOKEN)"
	if fromBlock {
		lookup = emptyEnv{}
		where = "the provider block"
	}
	c := hss.Credentials{
		AccessKey:     resolve(m.AccessKey, "access_key", lookup, "HW_ACCESS_KEY").value,
		SecretKey:     resolve(m.SecretKey, "secret_key", lookup, "HW_SECRET_KEY").value,
		SecurityToken: resolve(m.SecurityToken, "security_token", lookup, "HW_SECURITY_TOKEN").value,
		AuthToken:     resolve(m.Token, "token", lookup, "HW_AUTH_TOKEN").value,
	}
	hasKeys := c.AccessKey != "" || c.SecretKey != ""
	switch {
	case hasKeys && c.AuthToken != "":
		diags.AddError("Conflicting credentials",
			"Both access_key/secret_key and token are set in "+where+". Use one: access_key and secret_key "+
				"(HW_ACCESS_KEY, HW_SECRET_KEY) to sign requests, or token (HW_AUTH_TOKEN) to send an IAM token.")
	case c.AccessKey != "" && c.SecretKey == "":
		diags.AddAttributeError(path.Root("secret_key"), "Missing secret_key",
			"access_key is set in "+where+" but secret_key is not. Set the provider attribute secret_key or HW_SECRET_KEY.")
	case c.SecretKey != "" && c.AccessKey == "":
		diags.AddAttributeError(path.Root("access_key"), "Missing access_key",
			"secret_key is set in "+where+" but access_key is not. Set the provider attribute access_key or HW_ACCESS_KEY.")
	case c.SecurityToken != "" && !hasKeys:
		diags.AddAttributeError(path.Root("security_token"), "security_token without keys",
			"security_token belongs to temporary credentials: set it together with their access_key and secret_key "+
				"(HW_ACCESS_KEY, HW_SECRET_KEY, HW_SECURITY_TOKEN).")
	case !hasKeys && c.AuthToken == "":
		diags.AddError("Missing credentials",
			"No credentials were found in the provider block or the environment. Set access_key and secret_key "+
				"(or HW_ACCESS_KEY and HW_SECRET_KEY), adding security_token (HW_SECURITY_TOKEN) for temporary credentials; "+
				"or set token (HW_AUTH_TOKEN) to an IAM user token.")
	}
	kind := "access_key/secret_key"
	if c.SecurityToken != "" {
		kind = "temporary access_key/secret_key/security_token"
	} else if c.AuthToken != "" {
		kind = "token"
	}
	return c, kind + " from " + where
}

type emptyEnv struct{}

func (emptyEnv) Lookup(string) (string, bool) { return "", false }

func boolSetting(v types.Bool, attr string, e env, key string, def bool, diags *diag.Diagnostics) bool {
	if !v.IsNull() {
		return v.ValueBool()
	}
	s, ok := e.Lookup(key)
	if !ok || s == "" {
		return def
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		diags.AddAttributeError(path.Root(attr), "Invalid "+key,
			fmt.Sprintf("The environment variable %s is %q; set it to true or false, or set the provider attribute %s.", key, s, attr))
	}
	return b
}

func intSetting(v types.Int64, attr string, e env, key string, def, lo, hi int64, diags *diag.Diagnostics) int64 {
	if !v.IsNull() {
		return v.ValueInt64()
	}
	s, ok := e.Lookup(key)
	if !ok || s == "" {
		return def
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		diags.AddAttributeError(path.Root(attr), "Invalid "+key,
			fmt.Sprintf("The environment variable %s is %q; set it to a whole number from %d to %d, or set the provider attribute %s.", key, s, lo, hi, attr))
	}
	return n
}

// floatSetting reads a positive number; 0 means unset.
func floatSetting(v types.Float64, attr string, e env, key string, diags *diag.Diagnostics) float64 {
	if !v.IsNull() {
		return v.ValueFloat64()
	}
	s, ok := e.Lookup(key)
	if !ok || s == "" {
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0.001 || math.IsInf(f, 0) {
		diags.AddAttributeError(path.Root(attr), "Invalid "+key,
			fmt.Sprintf("The environment variable %s is %q; set it to a positive number of requests per second (fractions allowed, e.g. 0.5), or set the provider attribute %s.", key, s, attr))
	}
	return f
}

// rateLimit allows rps requests a second with no burst beyond one, so no
// second sees more than rps+1; nil when unset.
func rateLimit(rps float64) *rate.Limiter {
	if rps <= 0 {
		return nil
	}
	return rate.NewLimiter(rate.Limit(rps), 1)
}

// endpointOverrides reads the endpoints map, checking each URL.
func endpointOverrides(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	out := map[string]string{}
	if m.IsNull() {
		return out
	}
	var raw map[string]types.String
	diags.Append(m.ElementsAs(ctx, &raw, false)...)
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := raw[k].ValueString()
		at := path.Root("endpoints").AtMapKey(k)
		if !knownEndpointKeys[k] {
			diags.AddAttributeWarning(at, "Unused endpoint", fmt.Sprintf("This provider uses no service named %q; the endpoints key that matters is hss.", k))
			continue
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			diags.AddAttributeError(at, "Invalid endpoint",
				fmt.Sprintf("endpoints.%s is %q; it must be an http or https base URL such as https://hss.cn-north-4.myhuaweicloud.com.", k, v))
			continue
		}
		out[k] = v
	}
	return out
}

// unknownAttributes names the attributes Terraform cannot know yet.
func unknownAttributes(m providerModel) []string {
	var out []string
	for name, unknown := range map[string]bool{
		"region": m.Region.IsUnknown(), "access_key": m.AccessKey.IsUnknown(), "secret_key": m.SecretKey.IsUnknown(),
		"security_token": m.SecurityToken.IsUnknown(), "token": m.Token.IsUnknown(), "project_id": m.ProjectID.IsUnknown(),
		"enterprise_project_id": m.EnterpriseProjectID.IsUnknown(), "cloud": m.Cloud.IsUnknown(),
		"endpoints": m.Endpoints.IsUnknown() || hasUnknownElement(m.Endpoints), "insecure": m.Insecure.IsUnknown(),
		"max_retries": m.MaxRetries.IsUnknown(), "max_concurrency": m.MaxConcurrency.IsUnknown(),
		"max_requests_per_second": m.MaxRequestsPerSec.IsUnknown(),
	} {
		if unknown {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func hasUnknownElement(m types.Map) bool {
	for _, v := range m.Elements() {
		if v.IsUnknown() {
			return true
		}
	}
	return false
}

// userAgent tells account owners, in their API logs, who calls.
func userAgent(version, tfVersion string) string {
	ua := "terraform-provider-hss/" + version + " (+" + registryURL + ")"
	if tfVersion != "" {
		ua += " Terraform/" + tfVersion
	}
	return ua
}
