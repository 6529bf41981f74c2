// Package provider is the hss Terraform provider: its schema, the settings
// it resolves from the provider block and the environment, and the client
// it hands to its data sources. It knows nothing of HTTP.
package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hss-tf/terraform-provider-hss/internal/auditfindings"
	"github.com/hss-tf/terraform-provider-hss/internal/auditlogs"
	"github.com/hss-tf/terraform-provider-hss/internal/clusters"
	"github.com/hss-tf/terraform-provider-hss/internal/functions"
	"github.com/hss-tf/terraform-provider-hss/internal/providerdata"
)

var (
	_ provider.Provider              = (*hssProvider)(nil)
	_ provider.ProviderWithFunctions = (*hssProvider)(nil)
)

// New returns a constructor of the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &hssProvider{version: version} }
}

type hssProvider struct {
	version string

	mu   sync.Mutex
	data *providerdata.Data // the last Configure's, for the direct read path
}

func (p *hssProvider) providerData() *providerdata.Data {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.data
}

func (p *hssProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "hss"
	resp.Version = p.version
}

func (p *hssProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The `hss` provider reads Huawei Cloud Host Security Service (HSS) data, " +
			"starting with the audit logs of the Kubernetes clusters HSS protects. " +
			"Arguments and environment variables are named as in Huawei Cloud's own provider.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional:            true,
				Validators:          nonEmpty,
				MarkdownDescription: "Region of the HSS service, e.g. `cn-north-4`. Environment: `HW_REGION_NAME`. Required unless `endpoints.hss` is set.",
			},
			"access_key": schema.StringAttribute{
				Optional: true, Sensitive: true, Validators: nonEmpty,
				MarkdownDescription: "Access key (AK) of an IAM user or of temporary credentials. Environment: `HW_ACCESS_KEY`. Requests are signed with `SDK-HMAC-SHA256`.",
			},
			"secret_key": schema.StringAttribute{
				Optional: true, Sensitive: true, Validators: nonEmpty,
				MarkdownDescription: "Secret key (SK) that goes with `access_key`. Environment: `HW_SECRET_KEY`.",
			},
			"security_token": schema.StringAttribute{
				Optional: true, Sensitive: true, Validators: nonEmpty,
				MarkdownDescription: "Security token of temporary credentials, sent as `X-Security-Token`; needs `access_key` and `secret_key`. Environment: `HW_SECURITY_TOKEN`.",
			},
			"token": schema.StringAttribute{
				Optional: true, Sensitive: true, Validators: nonEmpty,
				MarkdownDescription: "IAM user token, sent as `X-Auth-Token`, instead of `access_key`/`secret_key`. Environment: `HW_AUTH_TOKEN`.",
			},
			"project_id": schema.StringAttribute{
				Optional: true, Validators: nonEmpty,
				MarkdownDescription: "ID of the project of `region`. Environment: `HW_PROJECT_ID`. Default: the shared config profile's, else discovered once through IAM (`GET /v3/projects?name={region}`).",
			},
			"enterprise_project_id": schema.StringAttribute{
				Optional: true, Validators: nonEmpty,
				MarkdownDescription: "Default enterprise project of the data sources: `0` is the default project, `all_granted_eps` every project the caller may see. Environment: `HW_ENTERPRISE_PROJECT_ID`.",
			},
			"cloud": schema.StringAttribute{
				Optional: true, Validators: nonEmpty,
				MarkdownDescription: "Domain of the cloud, used to build endpoints (`https://hss.{region}.{cloud}`). Environment: `HW_CLOUD`. " +
					"Default: `myhuaweicloud.eu` for Europe's regions (`eu-west-1xx`), `" + defaultCloud + "` for the others.",
			},
			"endpoints": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Service endpoints that replace the defaults, by service name. The key `hss` sets the HSS base URL (`http` or `https`), e.g. `{ hss = \"https://hss.example.internal\" }`; the key `iam` sets the IAM endpoint (project discovery, `assume_role`) and wins over `auth_url`.",
			},
			"insecure": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Skip TLS certificate verification. Only for test endpoints: the plan warns while it is on. " +
					"To trust a private certificate authority, set `cacert_file` instead. Environment: `HW_INSECURE`. Default: `false`.",
			},
			"cacert_file": schema.StringAttribute{
				Optional: true, Validators: nonEmpty,
				MarkdownDescription: "Path of a PEM file of certificate authorities to trust, beside the system's, for the HSS and IAM endpoints: " +
					"a private CA, or a TLS-inspecting corporate proxy's. Prefer it to `insecure`. Environment: `HW_CACERT_FILE` (the name Huawei Cloud's own provider uses).",
			},
			"max_retries": schema.Int64Attribute{
				Optional: true, Validators: []validator.Int64{int64validator.Between(0, 100)},
				MarkdownDescription: "How many times a request is retried after a server error (5xx) or a network error; each retry waits longer and is signed afresh. " +
					"Throttling (429, `APIGW.0308`) is not counted: it is waited out for as long as the read's `timeouts.read` allows (see the data source's \"API quota\" section). " +
					"Environment: `HW_MAX_RETRIES`. Default: `5`.",
			},
			"max_requests_per_second": schema.Float64Attribute{
				Optional: true, Validators: []validator.Float64{float64validator.AtLeast(0.001)},
				MarkdownDescription: "Upper bound on the requests per second of this provider configuration, retries included, shared by all its reads " +
					"(fractions allowed: `0.5` is one request every two seconds, `0.0833` is 5 a minute, HSS's documented quota per user and API). " +
					"The provider paces itself once the service throttles (`429`, `APIGW.0308`) without it; set it when many workspaces " +
					"read through one account at once, to give each a share of the quota, or to have reads forecast their cost from the first call: " +
					"a read that cannot finish within `timeouts.read` at this rate fails at once, naming the calls it needs. " +
					"Environment: `HW_MAX_REQUESTS_PER_SECOND`. Default: no limit.",
			},
			"max_concurrency": schema.Int64Attribute{
				Optional: true, Validators: []validator.Int64{int64validator.Between(1, 16)},
				MarkdownDescription: "How many pages of one read may be in flight at once, from 1 to 16, once the first page has given `total_num`. " +
					"Once the service throttles (429), every read of the provider configuration drops to one call at a time, paced at the rate the service accepted. " +
					"CCE `line_num` pages are read one after another whatever it says. " +
					"Environment: `HW_MAX_CONCURRENCY`. Default: `4`.",
			},
			"settle_delay": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How old audit logs must be before they are taken as settled, as a duration such as `\"5m\"` (from `0s` to `24h`). " +
					"Logs reach the service a while after the event, at the front of its newest-first list, and a read that the API quota makes long " +
					"meets records arriving in its window: so a window ending within this delay is read by time through its recent part, where no arrival " +
					"can shift a page, and by offset through the settled rest, at the calls of an unsplit read. " +
					"`\"0s\"` reads every window whole. Environment: `HW_SETTLE_DELAY`. Default: `\"5m\"`.",
			},
			"cache_dir": schema.StringAttribute{
				Optional: true, Validators: nonEmpty,
				MarkdownDescription: "Directory where settled audit logs are kept between plans, so that a later plan whose window overlaps what it holds asks the service " +
					"only for the spans it lacks and for the recent part not yet settled (see `settle_delay`): a rolling 24-hour window planned every hour " +
					"costs the calls of one hour, not 24. Off when unset. A missing directory is made with mode 0700, one other users may write is refused, " +
					"and its files are 0600; it holds the records as state holds them with `content_mode = \"redacted\"` (a data source with `\"raw\"` " +
					"never reads through it), so keep it as private as state. " +
					"Records are kept by caller, endpoint, project and every API filter: another user's or project's plan is never served from them. " +
					"It is bounded to 1 GiB, the spans used least recently removed first; plans may share it at once. A leading `~/` is the home directory. " +
					"Environment: `HW_CACHE_DIR`. See the guide's \"Rolling windows\" section.",
			},
			"content_mode": schema.StringAttribute{
				Optional: true, Validators: []validator.String{stringvalidator.OneOf(auditlogs.ContentModes...)},
				MarkdownDescription: "The default `content_mode` of the audit-log data sources: `\"redacted\"` (secret values of request and response bodies replaced, the default), " +
					"`\"raw\"` (content as sent, Secrets' data and tokens included, into state and plan files) or `\"none\"` (no content, the parsed event kept). " +
					"A data source's own `content_mode` wins. Environment: `HW_CONTENT_MODE`.",
			},
			"shared_config_file": schema.StringAttribute{
				Optional: true, Validators: nonEmpty,
				MarkdownDescription: "Path of the KooCLI (`hcloud`) shared config file, read when neither the provider block nor the environment gives credentials: " +
					"its profile gives the access key, secret key and security token, and the `region` and `project_id` when those are not set. " +
					"Environment: `HW_SHARED_CONFIG_FILE`. Default: `~/.hcloud/config.json`.",
			},
			"profile": schema.StringAttribute{
				Optional: true, Validators: nonEmpty,
				MarkdownDescription: "Profile of the shared config file. Environment: `HW_PROFILE`. Default: the file's current profile. " +
					"A profile whose keys KooCLI stored encrypted cannot be read: run `hcloud configure set --cli-auth-encrypt=false` and configure it again.",
			},
			"auth_url": schema.StringAttribute{
				Optional: true, Validators: nonEmpty,
				MarkdownDescription: "IAM endpoint, for project discovery and `assume_role`. Environment: `HW_AUTH_URL`. Default: `https://iam.{region}.{cloud}`; `endpoints.iam` wins over it.",
			},
			"assume_role": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Exchange the configured credentials for the temporary credentials of an IAM agency, renewed before they expire. " +
					"The shared config profile's `agencyName` and `agencyDomainName` do the same when this is not set.",
				Attributes: map[string]schema.Attribute{
					"agency_name": schema.StringAttribute{
						Optional: true, Validators: nonEmpty,
						MarkdownDescription: "Name of the agency. Environment: `HW_ASSUME_ROLE_AGENCY_NAME`.",
					},
					"domain_name": schema.StringAttribute{
						Optional: true, Validators: nonEmpty,
						MarkdownDescription: "Name of the account (domain) that created the agency. Environment: `HW_ASSUME_ROLE_DOMAIN_NAME`.",
					},
					"duration": schema.StringAttribute{
						Optional: true, Validators: nonEmpty,
						MarkdownDescription: "How long the agency's credentials last, from `15m` to `24h`, e.g. `\"1h\"`. Default: `1h`.",
					},
				},
			},
		},
	}
}

func (p *hssProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := configure(ctx, m, osEnv{}, p.version, req.TerraformVersion, &resp.Diagnostics)
	if data != nil {
		resp.DataSourceData = data
		p.mu.Lock()
		p.data = data
		p.mu.Unlock()
	}
}

func (p *hssProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{auditlogs.NewDataSource, auditfindings.NewDataSource, clusters.NewDataSource}
}

func (p *hssProvider) Resources(context.Context) []func() resource.Resource { return nil }

func (p *hssProvider) Functions(context.Context) []func() function.Function { return functions.New() }
