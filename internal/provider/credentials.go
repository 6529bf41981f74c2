package provider

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/hss-tf/terraform-provider-hss/internal/credentials"
	"github.com/hss-tf/terraform-provider-hss/internal/httpclient"
)

// assumeRoleModel is the assume_role nested attribute.
type assumeRoleModel struct {
	AgencyName types.String `tfsdk:"agency_name"`
	DomainName types.String `tfsdk:"domain_name"`
	Duration   types.String `tfsdk:"duration"`
}

// assumeRoleAttrTypes are the attribute types of assume_role.
var assumeRoleAttrTypes = map[string]attr.Type{
	"agency_name": types.StringType, "domain_name": types.StringType, "duration": types.StringType,
}

const (
	whereBlock = "the provider block"
	whereEnv   = "the environment (HW_ACCESS_KEY, HW_SECRET_KEY, HW_SECURITY_TOKEN, HW_AUTH_TOKEN)"
)

// remembered passes on the credentials of p, adding each value handed out
// to the secrets masked in logs and diagnostics.
type remembered struct {
	p       credentials.Provider
	secrets *secretSet
}

func (r remembered) Retrieve(ctx context.Context) (credentials.Value, error) {
	v, err := r.p.Retrieve(ctx)
	if err == nil {
		r.secrets.add(v.AccessKey, v.SecretKey, v.SecurityToken, v.AuthToken)
	}
	return v, err
}

// resolvedCredentials is what resolveCredentials found.
type resolvedCredentials struct {
	provider credentials.Provider
	// profile is the shared config profile the credentials came from, nil
	// when they came from elsewhere.
	profile *credentials.Profile
}

// staticCredentials reads the keys of the provider block, else of the
// environment. The provider block wins over the environment as a whole,
// so a stray HW_AUTH_TOKEN does not clash with keys written in the block.
// It reports whether they came from the block, and adds the diagnostics
// of a half-given set of keys.
func staticCredentials(m providerModel, e env, diags *diag.Diagnostics) (c credentials.Value, fromBlock bool) {
	fromBlock = !m.AccessKey.IsNull() || !m.SecretKey.IsNull() || !m.SecurityToken.IsNull() || !m.Token.IsNull()
	lookup := e
	where := whereEnv
	if fromBlock {
		lookup = emptyEnv{}
		where = whereBlock
	}
	c = credentials.Value{
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
	}
	return c, fromBlock
}

func hasCredentials(c credentials.Value) bool {
	return (c.AccessKey != "" && c.SecretKey != "") || c.AuthToken != ""
}

func staticValue(c credentials.Value, source string) credentials.Provider {
	c.Source = source
	return credentials.Static(c)
}

// resolveCredentials tries, in order, the provider block, the environment,
// the shared config profile and the ECS metadata service. It returns nil
// when diags holds an error.
func resolveCredentials(ctx context.Context, m providerModel, e env, secrets *secretSet, diags *diag.Diagnostics) *resolvedCredentials {
	c, fromBlock := staticCredentials(m, e, diags)
	secrets.add(c.AccessKey, c.SecretKey, c.SecurityToken, c.AuthToken)
	if diags.HasError() {
		return nil
	}
	file := resolve(m.SharedConfigFile, "shared_config_file", e, "HW_SHARED_CONFIG_FILE")
	profileName := resolve(m.Profile, "profile", e, "HW_PROFILE")
	metadataEndpoint, _ := e.Lookup("HW_METADATA_ENDPOINT")

	out := &resolvedCredentials{}
	sources := []credentials.Source{
		{
			Name: whereBlock,
			How:  "set access_key and secret_key in the provider block, adding security_token for temporary credentials, or set token to an IAM user token",
			Get: func(context.Context) (credentials.Provider, bool, error) {
				if !fromBlock || !hasCredentials(c) {
					return nil, false, nil
				}
				return staticValue(c, whereBlock), true, nil
			},
		},
		{
			Name: "the environment",
			How:  "set HW_ACCESS_KEY and HW_SECRET_KEY, adding HW_SECURITY_TOKEN for temporary credentials, or set HW_AUTH_TOKEN to an IAM user token",
			Get: func(context.Context) (credentials.Provider, bool, error) {
				if fromBlock || !hasCredentials(c) {
					return nil, false, nil
				}
				return staticValue(c, whereEnv), true, nil
			},
		},
		{
			Name: "the shared config file",
			How: "write a KooCLI profile with `hcloud configure init` (~/.hcloud/config.json), or point shared_config_file " +
				"(HW_SHARED_CONFIG_FILE) at one and choose the profile with profile (HW_PROFILE)",
			Get: func(context.Context) (credentials.Provider, bool, error) {
				p, err := credentials.LoadProfile(file.value, profileName.value)
				switch {
				case errors.Is(err, credentials.ErrConfigFileMissing):
					return nil, false, err
				case errors.Is(err, credentials.ErrUnknownProfile) && profileName.value == "":
					return nil, false, err
				case err != nil:
					return nil, true, err
				case !p.HasKeys():
					return nil, false, fmt.Errorf("%s holds no access key and secret key", p.Source())
				}
				out.profile = &p
				return credentials.Static(p.Value()), true, nil
			},
		},
		{
			Name: "the ECS instance metadata service",
			How:  "run on an ECS instance with an agency attached; HW_METADATA_ENDPOINT changes the service's address",
			Get: func(ctx context.Context) (credentials.Provider, bool, error) {
				p := credentials.Metadata(metadataEndpoint, nil)
				if _, err := p.Retrieve(ctx); err != nil {
					return nil, false, err
				}
				return p, true, nil
			},
		},
	}
	p, err := credentials.Chain(ctx, sources...)
	var none *credentials.NoCredentialsError
	switch {
	case errors.As(err, &none):
		diags.AddError("Missing credentials",
			"No credentials were found: "+err.Error()+"\n\nThe simplest is access_key and secret_key "+
				"(HW_ACCESS_KEY and HW_SECRET_KEY), or token (HW_AUTH_TOKEN).")
		return nil
	case errors.Is(err, credentials.ErrEncrypted):
		diags.AddError("Encrypted shared config profile",
			fmt.Sprintf("%s.\n\nKooCLI stored the keys of this profile encrypted, and only KooCLI can read them. "+
				"Run `%s` and configure the profile again, or give the keys through the provider block or the environment.",
				err, credentials.EncryptHint))
		return nil
	case err != nil:
		diags.AddError("Invalid credentials", err.Error()+".")
		return nil
	}
	out.provider = remembered{p, secrets}
	return out
}

// assumeRoleSettings reads assume_role (else its environment variables,
// else the profile's agency). It returns an empty agency when none is set.
func assumeRoleSettings(ctx context.Context, m providerModel, e env, profile *credentials.Profile, diags *diag.Diagnostics) (agency, domain string, duration time.Duration) {
	ar := assumeRoleModel{AgencyName: types.StringNull(), DomainName: types.StringNull(), Duration: types.StringNull()}
	if !m.AssumeRole.IsNull() && !m.AssumeRole.IsUnknown() {
		diags.Append(m.AssumeRole.As(ctx, &ar, basetypes.ObjectAsOptions{})...)
	}
	agency = resolve(ar.AgencyName, "assume_role.agency_name", e, "HW_ASSUME_ROLE_AGENCY_NAME").value
	domain = resolve(ar.DomainName, "assume_role.domain_name", e, "HW_ASSUME_ROLE_DOMAIN_NAME").value
	if agency == "" && profile != nil && profile.AgencyName != "" {
		agency, domain = profile.AgencyName, profile.AgencyDomainName
	}
	if s := ar.Duration.ValueString(); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < credentials.MinAssumeRoleDuration || d > credentials.MaxAssumeRoleDuration {
			diags.AddAttributeError(path.Root("assume_role").AtName("duration"), "Invalid assume_role duration",
				fmt.Sprintf("assume_role.duration is %q; set it to a duration from 15m to 24h, such as \"1h\".", s))
		}
		duration = d
	}
	if agency != "" && domain == "" {
		diags.AddAttributeError(path.Root("assume_role").AtName("domain_name"), "Missing assume_role domain_name",
			"assume_role needs the name of the account that created agency "+agency+": set assume_role.domain_name or HW_ASSUME_ROLE_DOMAIN_NAME.")
	}
	if agency == "" && domain != "" {
		diags.AddAttributeError(path.Root("assume_role").AtName("agency_name"), "Missing assume_role agency_name",
			"assume_role.domain_name (or HW_ASSUME_ROLE_DOMAIN_NAME) is set but the agency is not: set assume_role.agency_name or HW_ASSUME_ROLE_AGENCY_NAME.")
	}
	return agency, domain, duration
}

// iamClient is the HTTP client of the IAM calls: proxies from the
// environment, the provider's insecure setting, and the certificate
// authorities roots (nil: the system's). It refuses redirects, as every
// client of httpclient.New does.
func iamClient(insecure bool, roots *x509.CertPool) *http.Client {
	return httpclient.New(httpclient.Options{
		Timeout:             time.Minute,
		DialTimeout:         30 * time.Second,
		KeepAlive:           30 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		IdleConnTimeout:     90 * time.Second,
		MaxIdleConns:        10,
		Insecure:            insecure,
		RootCAs:             roots,
	})
}

// iamOverride is endpoints.iam, else auth_url, else "".
func iamOverride(overrides map[string]string, authURL setting) string {
	if u, ok := overrides["iam"]; ok {
		return strings.TrimSuffix(u, "/")
	}
	return strings.TrimSuffix(authURL.value, "/")
}

// iamEndpoint is the override, else the region's default, else "".
func iamEndpoint(override, region, cloud string) string {
	if override != "" || region == "" {
		return override
	}
	return serviceEndpoint("iam", region, cloud)
}

// credentialKind describes credentials for ProviderData.CredentialSource.
func credentialKind(v credentials.Value) string {
	kind := "access_key/secret_key"
	if v.SecurityToken != "" {
		kind = "temporary access_key/secret_key/security_token"
	} else if v.AuthToken != "" && v.AccessKey == "" {
		kind = "token"
	}
	return kind + " from " + v.Source
}

// namedProfile reads the profile named by profile (HW_PROFILE) for its
// region and project, when the credentials came from elsewhere. Nil when
// no profile is named; a named profile that cannot be read is a warning,
// since the credentials in hand do not need it.
func namedProfile(m providerModel, e env, diags *diag.Diagnostics) *credentials.Profile {
	name := resolve(m.Profile, "profile", e, "HW_PROFILE")
	if name.value == "" {
		return nil
	}
	file := resolve(m.SharedConfigFile, "shared_config_file", e, "HW_SHARED_CONFIG_FILE")
	p, err := credentials.LoadProfileSettings(file.value, name.value)
	if err != nil {
		diags.AddAttributeWarning(path.Root("profile"), "Named profile not read",
			fmt.Sprintf("%s names profile %q, but it could not be read: %s. The credentials come from elsewhere, "+
				"so the plan goes on, without the profile's region and project.", name.source, name.value, err))
		return nil
	}
	return &p
}
