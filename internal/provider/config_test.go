package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type mapEnv map[string]string

func (m mapEnv) Lookup(k string) (string, bool) {
	if v, ok := m[k]; ok {
		return v, ok
	}
	// No test looks in the real home directory or waits on 169.254.169.254.
	switch k {
	case "HW_SHARED_CONFIG_FILE":
		return "/nonexistent/hss-provider-test/config.json", true
	case "HW_METADATA_ENDPOINT":
		return closedEndpoint, true
	}
	return "", false
}

// closedEndpoint refuses connections at once.
const closedEndpoint = "http://127.0.0.1:1"

func nullModel() providerModel {
	return providerModel{
		Region: types.StringNull(), AccessKey: types.StringNull(), SecretKey: types.StringNull(),
		SecurityToken: types.StringNull(), Token: types.StringNull(), ProjectID: types.StringNull(),
		EnterpriseProjectID: types.StringNull(), Cloud: types.StringNull(), Endpoints: types.MapNull(types.StringType),
		Insecure: types.BoolNull(), MaxRetries: types.Int64Null(), MaxConcurrency: types.Int64Null(), MaxRequestsPerSec: types.Float64Null(), SettleDelay: types.StringNull(), CACertFile: types.StringNull(), CacheDir: types.StringNull(), ContentMode: types.StringNull(),
		SharedConfigFile: types.StringNull(), Profile: types.StringNull(), AuthURL: types.StringNull(),
		AssumeRole: types.ObjectNull(assumeRoleAttrTypes),
	}
}

func run(m providerModel, e mapEnv) (*diag.Diagnostics, bool, string) {
	var diags diag.Diagnostics
	data := configure(context.Background(), m, e, "1.2.3", "1.11.4", &diags)
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, d.Summary()+": "+d.Detail())
	}
	return &diags, data != nil, strings.Join(msgs, "\n")
}

func TestConfigureFromEnvironment(t *testing.T) {
	var diags diag.Diagnostics
	data := configure(context.Background(), nullModel(), mapEnv{
		"HW_REGION_NAME": "cn-north-4", "HW_ACCESS_KEY": "AK", "HW_SECRET_KEY": "SK", "HW_PROJECT_ID": "p1",
		"HW_ENTERPRISE_PROJECT_ID": "0", "HW_MAX_RETRIES": "2", "HW_AUTH_URL": closedEndpoint,
	}, "1.2.3", "1.11.4", &diags)
	if diags.HasError() || data == nil {
		t.Fatalf("%v", diags)
	}
	if data.Region != "cn-north-4" || data.EnterpriseProjectID != "0" || data.MaxRetries != 2 {
		t.Fatalf("%+v", data)
	}
	if data.CredentialSource != "access_key/secret_key from the environment (HW_ACCESS_KEY, HW_SECRET_KEY, HW_SECURITY_TOKEN, HW_AUTH_TOKEN)" {
		t.Fatalf("source %q", data.CredentialSource)
	}
	if _, err := data.ClientFor(context.Background(), "cn-north-4"); err != nil {
		t.Fatal(err)
	}
	if _, err := data.ClientFor(context.Background(), "eu-west-101"); err == nil || !strings.Contains(err.Error(), "provider alias") {
		t.Fatalf("err %v", err)
	}
}

func TestConfigureBlockWinsOverEnvironment(t *testing.T) {
	m := nullModel()
	m.Region, m.ProjectID = types.StringValue("cn-north-4"), types.StringValue("p")
	m.AccessKey, m.SecretKey = types.StringValue("AK"), types.StringValue("SK")
	// A token in the environment does not clash with keys in the block.
	diags, ok, msg := run(m, mapEnv{"HW_AUTH_TOKEN": "tok", "HW_REGION_NAME": "ignored"})
	if diags.HasError() || !ok {
		t.Fatal(msg)
	}
}

func TestConfigureCredentialErrors(t *testing.T) {
	base := mapEnv{"HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "p"}
	with := func(kv ...string) mapEnv {
		e := mapEnv{}
		for k, v := range base {
			e[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			e[kv[i]] = kv[i+1]
		}
		return e
	}
	for name, tc := range map[string]struct {
		env  mapEnv
		want []string
	}{
		"none":            {base, []string{"Missing credentials", "access_key and secret_key", "HW_ACCESS_KEY", "HW_AUTH_TOKEN"}},
		"ak only":         {with("HW_ACCESS_KEY", "AK"), []string{"Missing secret_key", "HW_SECRET_KEY"}},
		"sk only":         {with("HW_SECRET_KEY", "SK"), []string{"Missing access_key", "HW_ACCESS_KEY"}},
		"token only":      {with("HW_SECURITY_TOKEN", "st"), []string{"security_token without keys"}},
		"conflict":        {with("HW_ACCESS_KEY", "AK", "HW_SECRET_KEY", "SK", "HW_AUTH_TOKEN", "t"), []string{"Conflicting credentials", "token (HW_AUTH_TOKEN)"}},
		"no region":       {mapEnv{"HW_PROJECT_ID": "p", "HW_AUTH_TOKEN": "t"}, []string{"Missing region", "HW_REGION_NAME", "endpoints"}},
		"no project":      {mapEnv{"HW_REGION_NAME": "r", "HW_AUTH_TOKEN": "t", "HW_AUTH_URL": closedEndpoint}, []string{"Cannot reach IAM", "region r", "HW_PROJECT_ID"}},
		"bad insecure":    {with("HW_AUTH_TOKEN", "t", "HW_INSECURE", "maybe"), []string{"Invalid HW_INSECURE", "true or false"}},
		"bad retries":     {with("HW_AUTH_TOKEN", "t", "HW_MAX_RETRIES", "lots"), []string{"Invalid HW_MAX_RETRIES"}},
		"bad concurrency": {with("HW_AUTH_TOKEN", "t", "HW_MAX_CONCURRENCY", "17"), []string{"Invalid HW_MAX_CONCURRENCY", "from 1 to 16"}},
	} {
		t.Run(name, func(t *testing.T) {
			diags, ok, msg := run(nullModel(), tc.env)
			if !diags.HasError() || ok {
				t.Fatalf("no error: %s", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q not in:\n%s", w, msg)
				}
			}
		})
	}
}

func TestConfigureEndpointOverride(t *testing.T) {
	m := nullModel()
	m.Endpoints = types.MapValueMust(types.StringType, map[string]attr.Value{
		"hss": types.StringValue("http://127.0.0.1:8080/"), "ecs": types.StringValue("https://x"),
	})
	diags, ok, msg := run(m, mapEnv{"HW_PROJECT_ID": "p", "HW_AUTH_TOKEN": "t"})
	if diags.HasError() || !ok || diags.WarningsCount() != 1 || !strings.Contains(msg, `no service named "ecs"`) {
		t.Fatalf("%s", msg)
	}

	m.Endpoints = types.MapValueMust(types.StringType, map[string]attr.Value{"hss": types.StringValue("hss.example.com")})
	diags, _, msg = run(m, mapEnv{"HW_PROJECT_ID": "p", "HW_AUTH_TOKEN": "t"})
	if !diags.HasError() || !strings.Contains(msg, "endpoints.hss") {
		t.Fatalf("%s", msg)
	}
}

func TestConfigureUnknownIsDeferred(t *testing.T) {
	m := nullModel()
	m.ProjectID, m.Token = types.StringUnknown(), types.StringUnknown()
	var diags diag.Diagnostics
	data := configure(context.Background(), m, mapEnv{}, "1", "", &diags)
	if diags.HasError() || data == nil || strings.Join(data.Unknown, ",") != "project_id,token" || data.ClientFor != nil {
		t.Fatalf("%+v %v", data, diags)
	}
}

func TestUserAgent(t *testing.T) {
	if got := userAgent("0.1.0", "1.11.4"); got != "terraform-provider-hss/0.1.0 (+https://registry.terraform.io/providers/hss-tf/hss) Terraform/1.11.4" {
		t.Fatal(got)
	}
}

func TestConfigureDefaultEndpoint(t *testing.T) {
	for name, tc := range map[string]struct {
		env  mapEnv
		want string
	}{
		"default cloud": {mapEnv{"HW_REGION_NAME": "cn-north-4"}, "https://hss.cn-north-4.myhuaweicloud.com"},
		"HW_CLOUD":      {mapEnv{"HW_REGION_NAME": "ap-southeast-1", "HW_CLOUD": "example.cloud"}, "https://hss.ap-southeast-1.example.cloud"},
	} {
		t.Run(name, func(t *testing.T) {
			tc.env["HW_PROJECT_ID"], tc.env["HW_AUTH_TOKEN"] = "p", "t"
			var diags diag.Diagnostics
			data := configure(context.Background(), nullModel(), tc.env, "1", "", &diags)
			if diags.HasError() {
				t.Fatal(diags)
			}
			c, err := data.ClientFor(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			ep, ok := c.(interface{ Endpoint() string })
			if !ok {
				t.Fatalf("%T has no Endpoint", c)
			}
			if got := ep.Endpoint(); got != tc.want {
				t.Fatalf("endpoint %s, want %s", got, tc.want)
			}
		})
	}
}
