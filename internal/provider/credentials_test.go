package provider

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hss-tf/terraform-provider-hss/internal/providerdata"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

const (
	profileAK = "PROFILEAK00000000001"
	profileSK = "profile-secret-key-0001"
	metaAK    = "METADATAAK0000000001"
	metaSK    = "metadata-secret-key-0001"
	metaToken = "metadata-security-token-0001"
)

// writeProfile writes a KooCLI config file with one current profile.
func writeProfile(t *testing.T, ak, sk, region, projectID, extra string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "config.json")
	body := `{
  "current": "default",
  "profiles": [{
    "name": "default", "mode": "AKSK",
    "accessKeyId": "` + ak + `", "secretAccessKey": "` + sk + `",
    "region": "` + region + `", "projectId": "` + projectID + `"` + extra + `,
    "language": "en"
  }],
  "localSessionTimeout": 600
}`
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func metadataStandIn(t *testing.T) (*standin.Metadata, string) {
	t.Helper()
	m := standin.NewMetadata(standin.MetadataOptions{Credential: standin.TempCredential{AccessKey: metaAK, SecretKey: metaSK, SecurityToken: metaToken}})
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return m, srv.URL
}

func configureWith(t *testing.T, m providerModel, e mapEnv) (*providerdata.Data, string) {
	t.Helper()
	var diags diag.Diagnostics
	data := configure(context.Background(), m, e, "1", "", &diags)
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, d.Summary()+": "+d.Detail())
	}
	return data, strings.Join(msgs, "\n")
}

func TestCredentialPrecedence(t *testing.T) {
	file := writeProfile(t, profileAK, profileSK, "cn-south-1", "profile-project", "")
	meta, metaURL := metadataStandIn(t)

	blockModel := nullModel()
	blockModel.AccessKey, blockModel.SecretKey = types.StringValue("BLOCKAK"), types.StringValue("BLOCKSK")

	for name, tc := range map[string]struct {
		model      providerModel
		env        mapEnv
		wantSource string
		wantRegion string
		wantMeta   bool
	}{
		"block over environment, profile and metadata": {
			blockModel,
			mapEnv{"HW_ACCESS_KEY": "ENVAK", "HW_SECRET_KEY": "ENVSK", "HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "p"},
			"access_key/secret_key from the provider block", "cn-north-4", false,
		},
		"environment over profile and metadata": {
			nullModel(),
			mapEnv{"HW_ACCESS_KEY": "ENVAK", "HW_SECRET_KEY": "ENVSK", "HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "p"},
			"access_key/secret_key from the environment (HW_ACCESS_KEY, HW_SECRET_KEY, HW_SECURITY_TOKEN, HW_AUTH_TOKEN)", "cn-north-4", false,
		},
		"profile over metadata, with its region and project": {
			nullModel(), mapEnv{},
			"access_key/secret_key from shared config file " + file + ", profile default", "cn-south-1", false,
		},
		"metadata last": {
			nullModel(),
			mapEnv{"HW_SHARED_CONFIG_FILE": filepath.Join(t.TempDir(), "none.json"), "HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "p"},
			"temporary access_key/secret_key/security_token from ECS instance metadata (" + metaURL + ")", "cn-north-4", true,
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := mapEnv{"HW_SHARED_CONFIG_FILE": file, "HW_METADATA_ENDPOINT": metaURL}
			for k, v := range tc.env {
				e[k] = v
			}
			before := meta.Requests()
			data, msg := configureWith(t, tc.model, e)
			if data == nil {
				t.Fatal(msg)
			}
			if data.CredentialSource != tc.wantSource {
				t.Errorf("source %q, want %q", data.CredentialSource, tc.wantSource)
			}
			if data.Region != tc.wantRegion {
				t.Errorf("region %q, want %q", data.Region, tc.wantRegion)
			}
			if asked := meta.Requests() > before; asked != tc.wantMeta {
				t.Errorf("metadata service asked: %v, want %v", asked, tc.wantMeta)
			}
		})
	}
}

func TestCredentialsNoneListsEverySource(t *testing.T) {
	_, msg := configureWith(t, nullModel(), mapEnv{"HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "p"})
	for _, want := range []string{"Missing credentials", "the provider block", "the environment", "HW_ACCESS_KEY", "HW_AUTH_TOKEN",
		"the shared config file", "HW_SHARED_CONFIG_FILE", "the ECS instance metadata service", closedEndpoint} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q not in:\n%s", want, msg)
		}
	}
}

func TestCredentialsEncryptedProfile(t *testing.T) {
	file := writeProfile(t, "2b4f7bd0c1e24e3c9e9b0d6c5f1a8a3e4d7c6b5a", profileSK, "cn-north-4", "p", "")
	data, msg := configureWith(t, nullModel(), mapEnv{"HW_SHARED_CONFIG_FILE": file})
	if data != nil {
		t.Fatal("configured with an encrypted profile")
	}
	for _, want := range []string{"Encrypted shared config profile", file, "hcloud configure set --cli-auth-encrypt=false"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q not in:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "2b4f7bd0") {
		t.Errorf("the key is shown:\n%s", msg)
	}
}

func iamStandIn(t *testing.T, opts standin.IAMOptions) (*standin.IAM, string) {
	t.Helper()
	i := standin.NewIAM(opts)
	srv := httptest.NewServer(i)
	t.Cleanup(srv.Close)
	return i, srv.URL
}

func TestProjectDiscovery(t *testing.T) {
	iam, iamURL := iamStandIn(t, standin.IAMOptions{
		Keys: map[string]string{profileAK: profileSK}, Projects: map[string]string{"cn-north-4": "discovered-project"},
	})
	env := mapEnv{"HW_ACCESS_KEY": profileAK, "HW_SECRET_KEY": profileSK, "HW_REGION_NAME": "cn-north-4", "HW_AUTH_URL": iamURL + "/v3"}
	data, msg := configureWith(t, nullModel(), env)
	if data == nil {
		t.Fatal(msg)
	}
	reqs := iam.Requests()
	if len(reqs) != 1 || reqs[0].Path != standin.IAMProjectsPath || reqs[0].Query.Get("name") != "cn-north-4" || reqs[0].Status != 200 {
		t.Fatalf("IAM requests %+v", reqs)
	}

	// endpoints.iam wins over auth_url; a region without a project is a
	// diagnostic naming the region and project_id.
	m := nullModel()
	m.Endpoints = types.MapValueMust(types.StringType, map[string]attr.Value{"iam": types.StringValue(iamURL)})
	env["HW_REGION_NAME"], env["HW_AUTH_URL"] = "ap-southeast-3", closedEndpoint
	data, msg = configureWith(t, m, env)
	if data != nil {
		t.Fatal("configured without a project")
	}
	for _, want := range []string{"No project in region ap-southeast-3", iamURL, "HW_PROJECT_ID"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q not in:\n%s", want, msg)
		}
	}
}

func TestAssumeRole(t *testing.T) {
	issued := standin.TempCredential{AccessKey: "AGENCYAK000000000001", SecretKey: "agency-sk", SecurityToken: "agency-token"}
	iam, iamURL := iamStandIn(t, standin.IAMOptions{
		Keys:     map[string]string{profileAK: profileSK},
		Agencies: []standin.Agency{{Domain: "owner-domain", Name: "hss-reader"}},
		Issue:    []standin.TempCredential{issued},
	})
	m := nullModel()
	m.AccessKey, m.SecretKey = types.StringValue(profileAK), types.StringValue(profileSK)
	m.AssumeRole = types.ObjectValueMust(assumeRoleAttrTypes, map[string]attr.Value{
		"agency_name": types.StringValue("hss-reader"), "domain_name": types.StringValue("owner-domain"), "duration": types.StringValue("30m"),
	})
	data, msg := configureWith(t, m, mapEnv{"HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "p", "HW_AUTH_URL": iamURL})
	if data == nil {
		t.Fatal(msg)
	}
	got := iam.Issued()
	if len(got) != 1 || got[0].AccessKey != issued.AccessKey || got[0].By != profileAK || got[0].Agency != (standin.Agency{Domain: "owner-domain", Name: "hss-reader"}) {
		t.Fatalf("issued %+v", got)
	}
	if !strings.Contains(data.CredentialSource, "temporary access_key/secret_key/security_token from agency hss-reader of domain owner-domain") ||
		!strings.Contains(data.CredentialSource, "the provider block") {
		t.Fatalf("source %q", data.CredentialSource)
	}

	m.AssumeRole = types.ObjectValueMust(assumeRoleAttrTypes, map[string]attr.Value{
		"agency_name": types.StringValue("hss-reader"), "domain_name": types.StringNull(), "duration": types.StringValue("5m"),
	})
	_, msg = configureWith(t, m, mapEnv{"HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "p", "HW_AUTH_URL": iamURL})
	for _, want := range []string{"Invalid assume_role duration", "15m to 24h", "Missing assume_role domain_name", "HW_ASSUME_ROLE_DOMAIN_NAME"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q not in:\n%s", want, msg)
		}
	}
}
