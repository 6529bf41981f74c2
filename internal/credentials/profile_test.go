package credentials

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// koocliFile is shaped like a file written by `hcloud configure init`
// with --cli-auth-encrypt=false, extra KooCLI fields included.
const koocliFile = `{
  "language": "en",
  "current": "work",
  "profiles": [
    {
      "name": "default",
      "mode": "AKSK",
      "accessKeyId": "HPUADEFAULT0000000001",
      "secretAccessKey": "dEfAuLtSeCrEt/Key+0000000000000000000001",
      "securityToken": "",
      "region": "cn-north-4",
      "projectId": "0b1a2c3d4e5f60718293a4b5c6d7e8f9",
      "domainId": "",
      "agencyName": "",
      "agencyDomainName": "",
      "readTimeout": 10,
      "connectTimeout": 5,
      "retryCount": 0
    },
    {
      "name": "work",
      "mode": "AKSK",
      "accessKeyId": "HPUAWORK000000000002",
      "secretAccessKey": "workSecret0000000000000000000000000000002",
      "securityToken": "temporary-token-2",
      "region": "eu-west-101",
      "projectId": "",
      "domainId": "d0000000000000000000000000000002",
      "agencyName": "hss-reader",
      "agencyDomainName": "acme",
      "agencyDomainId": "a0000000000000000000000000000002"
    },
    {
      "name": "ecs",
      "mode": "ecsAgency",
      "accessKeyId": "",
      "secretAccessKey": "",
      "region": "cn-north-4"
    }
  ],
  "skipSecureVerify": false
}`

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadProfileCurrent(t *testing.T) {
	path := writeFile(t, koocliFile)
	p, err := LoadProfile(path, "")
	if err != nil {
		t.Fatal(err)
	}
	want := Profile{
		Name: "work", Mode: "AKSK", AccessKey: "HPUAWORK000000000002", SecretKey: "workSecret0000000000000000000000000000002",
		SecurityToken: "temporary-token-2", Region: "eu-west-101", DomainID: "d0000000000000000000000000000002",
		AgencyName: "hss-reader", AgencyDomainName: "acme", Path: path,
	}
	if p != want {
		t.Fatalf("got %+v\nwant %+v", p, want)
	}
	v := p.Value()
	if v.AccessKey != want.AccessKey || v.SecretKey != want.SecretKey || v.SecurityToken != want.SecurityToken ||
		v.Source != "shared config file "+path+", profile work" {
		t.Fatalf("value %+v", v)
	}
}

func TestLoadProfileNamed(t *testing.T) {
	path := writeFile(t, koocliFile)
	p, err := LoadProfile(path, "default")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "default" || p.AccessKey != "HPUADEFAULT0000000001" || p.SecretKey != "dEfAuLtSeCrEt/Key+0000000000000000000001" ||
		p.Region != "cn-north-4" || p.ProjectID != "0b1a2c3d4e5f60718293a4b5c6d7e8f9" || p.SecurityToken != "" || !p.HasKeys() {
		t.Fatalf("got %+v", p)
	}
	// A profile without keys (KooCLI's ecsAgency mode) loads; the caller
	// sees it has no keys.
	p, err = LoadProfile(path, "ecs")
	if err != nil || p.Mode != "ecsAgency" || p.HasKeys() {
		t.Fatalf("ecs profile %+v, %v", p, err)
	}
}

func TestLoadProfileUnknown(t *testing.T) {
	path := writeFile(t, koocliFile)
	_, err := LoadProfile(path, "prod")
	if !errors.Is(err, ErrUnknownProfile) {
		t.Fatalf("err %v", err)
	}
	for _, want := range []string{path, `profile "prod"`, "profiles present: default, work, ecs"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("%q does not say %q", err, want)
		}
	}

	// A current profile that is not in the file.
	path = writeFile(t, `{"current": "gone", "profiles": [{"name": "default", "mode": "AKSK"}]}`)
	_, err = LoadProfile(path, "")
	if !errors.Is(err, ErrUnknownProfile) || !strings.Contains(err.Error(), `the current profile "gone"`) ||
		!strings.Contains(err.Error(), "profiles present: default") {
		t.Fatalf("err %v", err)
	}

	path = writeFile(t, `{"current": "", "profiles": []}`)
	_, err = LoadProfile(path, "")
	if !errors.Is(err, ErrUnknownProfile) || !strings.Contains(err.Error(), "has no profiles") ||
		!strings.Contains(err.Error(), "hcloud configure init") {
		t.Fatalf("err %v", err)
	}
}

func TestLoadProfileWithoutCurrentTakesTheOnlyOne(t *testing.T) {
	path := writeFile(t, `{"profiles": [{"name": "solo", "accessKeyId": "HPUASOLO000000000003", "secretAccessKey": "s"}]}`)
	p, err := LoadProfile(path, "")
	if err != nil || p.Name != "solo" {
		t.Fatalf("%+v %v", p, err)
	}
	path = writeFile(t, `{"profiles": [{"name": "a"}, {"name": "b"}]}`)
	_, err = LoadProfile(path, "")
	if !errors.Is(err, ErrUnknownProfile) || !strings.Contains(err.Error(), "names no current profile; choose one of: a, b") {
		t.Fatalf("err %v", err)
	}
}

func TestLoadProfileMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope", "config.json")
	_, err := LoadProfile(path, "")
	if !errors.Is(err, ErrConfigFileMissing) || !strings.Contains(err.Error(), path+" does not exist") ||
		!strings.Contains(err.Error(), "hcloud configure init") {
		t.Fatalf("err %v", err)
	}
}

func TestLoadProfileDefaultPathIsInHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	if err := os.MkdirAll(filepath.Join(home, ".hcloud"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".hcloud", "config.json"), []byte(koocliFile), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"", "~/.hcloud/config.json"} {
		p, err := LoadProfile(path, "default")
		if err != nil || p.Path != filepath.Join(home, ".hcloud", "config.json") {
			t.Fatalf("path %q: %+v %v", path, p, err)
		}
	}
}

func TestLoadProfileEncrypted(t *testing.T) {
	for _, tc := range []struct {
		name, ak, sk, want string
	}{
		// KooCLI's encrypted values are long mixed-case strings.
		{"access key", "2b4f7bd0c1e24e3c9e9b0d6c5f1a8a3e4d7c6b5a", "plainSecret", "the access key looks encrypted"},
		{"short access key", "ABC123", "plainSecret", "the access key looks encrypted"},
		{"secret with a space", "HPUAPLAIN00000000004", "not printable ascii", "the secret key looks encrypted"},
		{"secret with non-ASCII", "HPUAPLAIN00000000004", "sécret", "the secret key looks encrypted"},
		{"both", "encrypted:aGVsbG8=", "\x01\x02", "the access key and secret key look encrypted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, `{"current": "default", "profiles": [{"name": "default", "mode": "AKSK", "accessKeyId": `+
				jsonString(tc.ak)+`, "secretAccessKey": `+jsonString(tc.sk)+`}]}`)
			_, err := LoadProfile(path, "")
			if !errors.Is(err, ErrEncrypted) {
				t.Fatalf("err %v", err)
			}
			msg := err.Error()
			for _, want := range []string{tc.want, path, "profile default", "hcloud configure set --cli-auth-encrypt=false"} {
				if !strings.Contains(msg, want) {
					t.Fatalf("%q does not say %q", msg, want)
				}
			}
			if strings.Contains(msg, tc.sk) || (len(tc.ak) > 6 && strings.Contains(msg, tc.ak)) {
				t.Fatalf("the message shows a key: %q", msg)
			}
		})
	}
}

func TestLoadProfileMalformed(t *testing.T) {
	path := writeFile(t, "{\n  \"current\": \"default\",\n  \"profiles\": [\n    {\"name\": \"default\",}\n  ]\n}")
	_, err := LoadProfile(path, "")
	if !errors.Is(err, ErrMalformedConfig) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "line 4") {
		t.Fatalf("err %v", err)
	}
	path = writeFile(t, `{"current": "default", "profiles": {"name": "default"}}`)
	_, err = LoadProfile(path, "")
	if !errors.Is(err, ErrMalformedConfig) || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("wrong type: %v", err)
	}
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&15])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
