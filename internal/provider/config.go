package provider

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/time/rate"

	"github.com/hss-tf/terraform-provider-hss/internal/auditlogs"
	"github.com/hss-tf/terraform-provider-hss/internal/credentials"
	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/providerdata"
	"github.com/hss-tf/terraform-provider-hss/internal/reads"
)

const (
	defaultCloud      = "myhuaweicloud.com"
	defaultMaxRetries = 5
	registryURL       = "https://registry.terraform.io/providers/hss-tf/hss"
)

// knownEndpointKeys are the services an endpoints entry can override.
var knownEndpointKeys = map[string]bool{"hss": true, "iam": true}

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
	CACertFile          types.String  `tfsdk:"cacert_file"`
	MaxRetries          types.Int64   `tfsdk:"max_retries"`
	MaxConcurrency      types.Int64   `tfsdk:"max_concurrency"`
	MaxRequestsPerSec   types.Float64 `tfsdk:"max_requests_per_second"`
	SettleDelay         types.String  `tfsdk:"settle_delay"`
	CacheDir            types.String  `tfsdk:"cache_dir"`
	ContentMode         types.String  `tfsdk:"content_mode"`
	SharedConfigFile    types.String  `tfsdk:"shared_config_file"`
	Profile             types.String  `tfsdk:"profile"`
	AuthURL             types.String  `tfsdk:"auth_url"`
	AssumeRole          types.Object  `tfsdk:"assume_role"`
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
func configure(ctx context.Context, m providerModel, e env, version, tfVersion string, diags *diag.Diagnostics) *providerdata.Data {
	// Errors may quote what a service said, and a service may quote a key.
	secrets := &secretSet{}
	var d diag.Diagnostics
	data := build(ctx, m, e, version, tfVersion, secrets, &d)
	diags.Append(redactDiagnostics(d, secrets.redact)...)
	return data
}

// build is configure before its diagnostics are redacted.
func build(ctx context.Context, m providerModel, e env, version, tfVersion string, secrets *secretSet, diags *diag.Diagnostics) *providerdata.Data {
	if unknown := unknownAttributes(m); len(unknown) > 0 {
		// Values known only after apply: say so when a read needs them,
		// rather than fill in defaults silently.
		return &providerdata.Data{Unknown: unknown}
	}

	region := resolve(m.Region, "region", e, "HW_REGION_NAME")
	projectID := resolve(m.ProjectID, "project_id", e, "HW_PROJECT_ID")
	eps := resolve(m.EnterpriseProjectID, "enterprise_project_id", e, "HW_ENTERPRISE_PROJECT_ID")
	cloud := resolve(m.Cloud, "cloud", e, "HW_CLOUD") // "" leaves the domain to domainRules
	authURL := resolve(m.AuthURL, "auth_url", e, "HW_AUTH_URL")

	insecure := boolSetting(m.Insecure, "insecure", e, "HW_INSECURE", false, diags)
	maxRetries := intSetting(m.MaxRetries, "max_retries", e, "HW_MAX_RETRIES", defaultMaxRetries, 0, 100, diags)
	rps := floatSetting(m.MaxRequestsPerSec, "max_requests_per_second", e, "HW_MAX_REQUESTS_PER_SECOND", diags)
	maxConcurrency := intSetting(m.MaxConcurrency, "max_concurrency", e, "HW_MAX_CONCURRENCY", hss.DefaultMaxConcurrency, 1, hss.MaxConcurrency, diags)
	settle := settleDelay(resolve(m.SettleDelay, "settle_delay", e, "HW_SETTLE_DELAY"), diags)
	roots := caCerts(resolve(m.CACertFile, "cacert_file", e, "HW_CACERT_FILE"), diags)
	store := openCache(resolve(m.CacheDir, "cache_dir", e, "HW_CACHE_DIR"), diags)
	contentMode := contentModeSetting(resolve(m.ContentMode, "content_mode", e, "HW_CONTENT_MODE"), diags)
	overrides := endpointOverrides(ctx, m.Endpoints, diags)
	if diags.HasError() {
		return nil
	}

	creds := resolveCredentials(ctx, m, e, secrets, diags)
	if creds == nil {
		return nil
	}
	// A profile that gives the credentials also gives the region and the
	// project when the block and the environment do not; so does a profile
	// named explicitly (profile, HW_PROFILE) when the keys come from
	// elsewhere, as the AWS provider takes a named profile's region. The
	// default profile does not: it may belong to another account.
	p := creds.profile
	if p == nil {
		p = namedProfile(m, e, diags)
	}
	if p != nil {
		if region.value == "" && p.Region != "" {
			region = setting{p.Region, p.Source()}
		}
		if projectID.value == "" && p.ProjectID != "" && (p.Region == "" || p.Region == region.value) {
			projectID = setting{p.ProjectID, p.Source()}
		}
	}

	endpoint := ""
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
	iam := iamEndpoint(iamOverride(overrides, authURL), region.value, cloud.value)
	httpIAM := iamClient(insecure, roots)
	warnWeakTransport(insecure, m.Insecure.IsNull(), endpoint, iam, diags)

	prov := creds.provider
	agency, domain, duration := assumeRoleSettings(ctx, m, e, creds.profile, diags)
	if diags.HasError() {
		return nil
	}
	if agency != "" {
		if iam == "" {
			diags.AddAttributeError(path.Root("assume_role"), "Missing IAM endpoint",
				"assume_role exchanges credentials through IAM, whose endpoint is built from the region: set region (HW_REGION_NAME), or auth_url (HW_AUTH_URL) or endpoints.iam.")
			return nil
		}
		prov = remembered{credentials.AssumeRole(prov, iam, agency, domain, duration, httpIAM), secrets}
	}
	// One Retrieve now: it names the source, and proves that the metadata
	// service or the agency answers.
	v, err := prov.Retrieve(ctx)
	if err != nil {
		diags.AddError("Cannot get credentials", err.Error()+".")
		return nil
	}
	credSource := credentialKind(v)

	if projectID.value == "" && region.value != "" && iam != "" {
		id, err := credentials.ProjectID(ctx, prov, iam, region.value, httpIAM)
		if err != nil {
			summary, detail := discoveryFailure(err, region.value, iam)
			diags.AddAttributeError(path.Root("project_id"), summary, detail)
		}
		projectID = setting{id, "IAM"}
	}
	if projectID.value == "" && !diags.HasError() {
		diags.AddAttributeError(path.Root("project_id"), "Missing project_id",
			"The HSS API addresses every call by project. Set the provider attribute project_id or the environment "+
				"variable HW_PROJECT_ID to the ID of your project in the region (IAM console, My Credentials, API Credentials), "+
				"or set region (HW_REGION_NAME) so that the provider discovers it through IAM.")
	}
	if diags.HasError() {
		return nil
	}

	rc := &regionClients{
		home: region.value, cloud: cloud.value,
		hssOverride: endpoint, hasOverride: overrides["hss"] != "",
		iamOverride: iamOverride(overrides, authURL), httpIAM: httpIAM, creds: prov, profile: p,
		// One registry per provider instance: its credentials' reads only.
		reads: reads.New(reads.Options{Logger: newLogger(secrets)}),
		cache: store, settle: settle,
		base: hss.Config{
			Credentials:    prov,
			Insecure:       insecure,
			RootCAs:        roots,
			MaxRetries:     int(maxRetries),
			MaxConcurrency: int(maxConcurrency),
			SettleDelay:    settle,
			RateLimit:      rateLimit(rps), // one limiter for every region's client
			// One view of the service's quota for every read of this
			// provider configuration: Terraform runs a process per
			// configuration, so nothing is shared beyond it.
			Quotas:    hss.NewQuotas(),
			Caller:    callerID(v, agency, domain),
			UserAgent: userAgent(version, tfVersion),
			Logger:    newLogger(secrets),
		},
	}
	if _, err := rc.build(region.value, endpoint, projectID.value); err != nil {
		diags.AddError("Invalid HSS endpoint", fmt.Sprintf("Cannot build the HSS client for %s: %s.", endpoint, err))
		return nil
	}
	return &providerdata.Data{
		Region:              region.value,
		EnterpriseProjectID: eps.value,
		CredentialSource:    credSource,
		MaxRetries:          int(maxRetries),
		ContentMode:         contentMode,
		ClientFor:           rc.client,
		Redact:              secrets.redact,
	}
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

// settleDelay reads settle_delay: "" is the default, "0s" never splits a
// window (hss.Config takes a negative delay for that).
func settleDelay(v setting, diags *diag.Diagnostics) time.Duration {
	if v.value == "" {
		return 0
	}
	d, err := time.ParseDuration(v.value)
	if err != nil || d < 0 || d > 24*time.Hour {
		diags.AddAttributeError(path.Root("settle_delay"), "Invalid settle_delay",
			fmt.Sprintf("%s is %q; set it to a duration from \"0s\" to \"24h\", such as \"5m\" (\"0s\" reads every window whole).", v.source, v.value))
		return 0
	}
	if d == 0 {
		return -1
	}
	return d
}

// contentModeSetting reads content_mode ("" leaves the data sources'
// default, redacted): the schema checks the attribute, this the variable.
func contentModeSetting(v setting, diags *diag.Diagnostics) string {
	if v.value != "" && !slices.Contains(auditlogs.ContentModes, v.value) {
		diags.AddAttributeError(path.Root("content_mode"), "Invalid content_mode",
			fmt.Sprintf("%s is %q; set it to one of %q (the default), %q (content as sent, secrets included, into state) or %q (no content, event kept).",
				v.source, v.value, auditlogs.ContentRedacted, auditlogs.ContentRaw, auditlogs.ContentNone))
		return ""
	}
	return v.value
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
			diags.AddAttributeWarning(at, "Unused endpoint", fmt.Sprintf("This provider uses no service named %q; the endpoints keys that matter are hss and iam.", k))
			continue
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			diags.AddAttributeError(at, "Invalid endpoint",
				fmt.Sprintf("endpoints.%s is %q; it must be an http or https base URL such as %s.", k, v, serviceEndpoint(k, "cn-north-4", defaultCloud)))
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
		"max_requests_per_second": m.MaxRequestsPerSec.IsUnknown(), "settle_delay": m.SettleDelay.IsUnknown(), "cache_dir": m.CacheDir.IsUnknown(),
		"content_mode":       m.ContentMode.IsUnknown(),
		"cacert_file":        m.CACertFile.IsUnknown(),
		"shared_config_file": m.SharedConfigFile.IsUnknown(), "profile": m.Profile.IsUnknown(), "auth_url": m.AuthURL.IsUnknown(),
		"assume_role": m.AssumeRole.IsUnknown() || hasUnknownAttribute(m.AssumeRole),
	} {
		if unknown {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func hasUnknownAttribute(o types.Object) bool {
	for _, v := range o.Attributes() {
		if v.IsUnknown() {
			return true
		}
	}
	return false
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

// redactDiagnostics returns diags with every known secret masked in their
// summaries and details.
func redactDiagnostics(diags diag.Diagnostics, redact func(string) string) diag.Diagnostics {
	out := make(diag.Diagnostics, 0, len(diags))
	for _, d := range diags {
		var r diag.Diagnostic
		if d.Severity() == diag.SeverityError {
			r = diag.NewErrorDiagnostic(redact(d.Summary()), redact(d.Detail()))
		} else {
			r = diag.NewWarningDiagnostic(redact(d.Summary()), redact(d.Detail()))
		}
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			r = diag.WithPath(wp.Path(), r)
		}
		out = append(out, r)
	}
	return out
}
