package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// writeProfiles writes a KooCLI config file whose current profile is
// "default" (region cn-south-1) and which also holds "ci" (region
// ap-southeast-3, with an agency that must not apply to other keys).
func writeProfiles(t *testing.T, ciAK string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "config.json")
	body := `{"current": "default", "profiles": [
  {"name": "default", "mode": "AKSK", "accessKeyId": "` + profileAK + `", "secretAccessKey": "` + profileSK + `",
   "region": "cn-south-1", "projectId": "default-project"},
  {"name": "ci", "mode": "AKSK", "accessKeyId": "` + ciAK + `", "secretAccessKey": "ci-secret",
   "region": "ap-southeast-3", "projectId": "ci-project", "agencyName": "ci-agency", "agencyDomainName": "other"}
]}`
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestNamedProfileGivesRegionAndProjectToOtherKeys(t *testing.T) {
	envKeys := mapEnv{"HW_ACCESS_KEY": "ENVAK", "HW_SECRET_KEY": "ENVSK", "HW_METADATA_ENDPOINT": closedEndpoint}
	for name, tc := range map[string]struct {
		ciAK        string
		env         mapEnv
		wantRegion  string
		wantProject string
		wantWarning string
	}{
		"named profile: its region and project": {
			profileAK, mapEnv{"HW_PROFILE": "ci"}, "ap-southeast-3", "ci-project", "",
		},
		// Only the region and project are read: encrypted keys do not matter.
		"named profile with encrypted keys": {
			"2b4f7bd0c1e24e3c9e9b0d6c5f1a8a3e4d7c6b5a", mapEnv{"HW_PROFILE": "ci"}, "ap-southeast-3", "ci-project", "",
		},
		"environment wins over the named profile": {
			profileAK, mapEnv{"HW_PROFILE": "ci", "HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "env-project"}, "cn-north-4", "env-project", "",
		},
		// A profile of another region says nothing of this region's project.
		"named profile of another region": {
			profileAK, mapEnv{"HW_PROFILE": "ci", "HW_REGION_NAME": "cn-north-4", "HW_AUTH_URL": closedEndpoint}, "", "", "",
		},
		"unknown named profile: a warning": {
			profileAK, mapEnv{"HW_PROFILE": "nope", "HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "env-project"}, "cn-north-4", "env-project",
			`Named profile not read: environment variable HW_PROFILE names profile "nope"`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := mapEnv{"HW_SHARED_CONFIG_FILE": writeProfiles(t, tc.ciAK)}
			for k, v := range envKeys {
				e[k] = v
			}
			for k, v := range tc.env {
				e[k] = v
			}
			data, msg := configureWith(t, nullModel(), e)
			if tc.wantRegion == "" {
				if data != nil || !strings.Contains(msg, "Cannot reach IAM") {
					t.Fatalf("want a discovery failure, got %v:\n%s", data, msg)
				}
				return
			}
			if data == nil {
				t.Fatal(msg)
			}
			if data.Region != tc.wantRegion {
				t.Errorf("region %q, want %q", data.Region, tc.wantRegion)
			}
			if want := "access_key/secret_key from the environment (HW_ACCESS_KEY, HW_SECRET_KEY, HW_SECURITY_TOKEN, HW_AUTH_TOKEN)"; data.CredentialSource != want {
				t.Errorf("credentials from %q, want %q (the profile's agency must not apply)", data.CredentialSource, want)
			}
			l, err := data.ClientFor(context.Background(), "")
			if err != nil {
				t.Fatal(err)
			}
			c, ok := l.(interface{ ProjectID() string })
			if !ok {
				t.Fatalf("client %T", l)
			}
			if got := c.ProjectID(); got != tc.wantProject {
				t.Errorf("project %q, want %q", got, tc.wantProject)
			}
			if (tc.wantWarning == "") != (msg == "") || !strings.Contains(msg, tc.wantWarning) {
				t.Errorf("diagnostics %q, want %q", msg, tc.wantWarning)
			}
		})
	}
}

// The default profile belongs to whoever ran `hcloud configure` last: its
// region and project are not mixed with keys from elsewhere.
func TestDefaultProfileNotMixedWithOtherKeys(t *testing.T) {
	e := mapEnv{"HW_SHARED_CONFIG_FILE": writeProfiles(t, profileAK), "HW_ACCESS_KEY": "ENVAK", "HW_SECRET_KEY": "ENVSK"}
	data, msg := configureWith(t, nullModel(), e)
	if data != nil || !strings.Contains(msg, "Missing region") {
		t.Fatalf("want Missing region, got %v:\n%s", data, msg)
	}
}

// A failed discovery is headlined by its cause, with the call's details.
func TestDiscoveryFailureHeadlines(t *testing.T) {
	_, iamURL := iamStandIn(t, standin.IAMOptions{
		Keys: map[string]string{profileAK: profileSK}, Projects: map[string]string{"cn-north-4": "discovered-project"},
	})
	for name, tc := range map[string]struct {
		env  mapEnv
		want []string
	}{
		"wrong secret key": {
			mapEnv{"HW_ACCESS_KEY": profileAK, "HW_SECRET_KEY": "wrong-secret", "HW_REGION_NAME": "cn-north-4", "HW_AUTH_URL": iamURL},
			[]string{"IAM rejected the credentials: ", "HTTP 401", "request id ", "GET " + iamURL + "/v3/projects", "HW_PROJECT_ID", "region cn-north-4"},
		},
		"unreachable IAM": {
			mapEnv{"HW_ACCESS_KEY": profileAK, "HW_SECRET_KEY": profileSK, "HW_REGION_NAME": "cn-north-4", "HW_AUTH_URL": closedEndpoint},
			[]string{"Cannot reach IAM: ", closedEndpoint, "connection refused", "HTTPS_PROXY", "HW_PROJECT_ID"},
		},
		"no project in the region": {
			mapEnv{"HW_ACCESS_KEY": profileAK, "HW_SECRET_KEY": profileSK, "HW_REGION_NAME": "la-south-2", "HW_AUTH_URL": iamURL},
			[]string{"No project in region la-south-2: ", "has no project named la-south-2", "HW_PROJECT_ID"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			data, msg := configureWith(t, nullModel(), tc.env)
			if data != nil {
				t.Fatal("configured")
			}
			if strings.Contains(msg, "Missing project_id") {
				t.Errorf("headlined as a missing project_id:\n%s", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q not in:\n%s", w, msg)
				}
			}
			if strings.Contains(msg, "wrong-secret") {
				t.Errorf("the secret key is shown:\n%s", msg)
			}
		})
	}
}

// Each endpoints key's error gives an example of its own service.
func TestInvalidEndpointExampleNamesItsService(t *testing.T) {
	for key, want := range map[string]string{"hss": "https://hss.cn-north-4.myhuaweicloud.com", "iam": "https://iam.cn-north-4.myhuaweicloud.com"} {
		m := nullModel()
		m.Endpoints = types.MapValueMust(types.StringType, map[string]attr.Value{key: types.StringValue("iam.example.com")})
		_, msg := configureWith(t, m, mapEnv{"HW_AUTH_TOKEN": "t", "HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "p"})
		wantMsg := `Invalid endpoint: endpoints.` + key + ` is "iam.example.com"; it must be an http or https base URL such as ` + want + `.`
		if msg != wantMsg {
			t.Errorf("got  %s\nwant %s", msg, wantMsg)
		}
	}
}
