package provider

import (
	"context"
	"encoding/pem"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

func TestWeakTransportWarnings(t *testing.T) {
	base := mapEnv{"HW_AUTH_TOKEN": "tok-0123456789", "HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "p"}
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
	endpoints := func(hssURL string) providerModel {
		m := nullModel()
		m.Endpoints = types.MapValueMust(types.StringType, map[string]attr.Value{"hss": types.StringValue(hssURL)})
		return m
	}
	insecure := nullModel()
	insecure.Insecure = types.BoolValue(true)
	for name, tc := range map[string]struct {
		m    providerModel
		e    mapEnv
		want []string // summaries, in order
	}{
		"defaults":                  {nullModel(), base, nil},
		"insecure in the block":     {insecure, base, []string{"TLS certificate verification is off: insecure = true skips"}},
		"insecure from HW_INSECURE": {nullModel(), with("HW_INSECURE", "true"), []string{"TLS certificate verification is off: HW_INSECURE skips"}},
		"http hss endpoint":         {endpoints("http://hss.example.com:8080"), base, []string{"Endpoint without TLS: The hss endpoint http://hss.example.com:8080 is plain http"}},
		"http auth_url":             {nullModel(), with("HW_AUTH_URL", "http://iam.example.com/v3"), []string{"Endpoint without TLS: The iam endpoint http://iam.example.com is plain http"}},
		"loopback http":             {endpoints("http://127.0.0.1:8080"), with("HW_AUTH_URL", "http://localhost:9/v3"), nil},
		"ipv6 loopback":             {endpoints("http://[::1]:8080"), base, nil},
	} {
		t.Run(name, func(t *testing.T) {
			data, msg := configureWith(t, tc.m, tc.e)
			if data == nil {
				t.Fatalf("not configured: %s", msg)
			}
			if len(tc.want) == 0 && msg != "" {
				t.Fatalf("unexpected diagnostics: %s", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q not in:\n%s", w, msg)
				}
			}
		})
	}
}

// cacert_file trusts a private CA for the HSS endpoint: the stand-in's
// self-signed TLS certificate verifies with it, and without it the read
// fails as untrusted.
func TestCACertFile(t *testing.T) {
	s := standin.New(standin.Options{ProjectID: standin.SeedProjectID, AccessKey: profileAK, SecretKey: profileSK,
		Records: standin.Seed(time.Now())})
	srv := httptest.NewTLSServer(s)
	t.Cleanup(srv.Close)
	pemFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	m := nullModel()
	m.Endpoints = types.MapValueMust(types.StringType, map[string]attr.Value{"hss": types.StringValue(srv.URL)})
	env := mapEnv{"HW_ACCESS_KEY": profileAK, "HW_SECRET_KEY": profileSK, "HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": standin.SeedProjectID}
	q := hss.Query{ClusterID: standin.SeedIDCClusterID, StartTime: 0, EndTime: time.Now().UnixMilli(), Limit: 200}
	read := func(m providerModel, e mapEnv) error {
		data, msg := configureWith(t, m, e)
		if data == nil {
			t.Fatalf("not configured: %s", msg)
		}
		l, err := data.ClientFor(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = l.WalkClusterAuditLogs(context.Background(), q, func([]hss.Record) bool { return true })
		return err
	}
	if err := read(m, env); !errors.Is(err, hss.ErrUntrustedCertificate) {
		t.Fatalf("without cacert_file: err = %v, want untrusted", err)
	}
	withFile := m
	withFile.CACertFile = types.StringValue(pemFile)
	if err := read(withFile, env); err != nil {
		t.Fatalf("cacert_file: %v", err)
	}
	env["HW_CACERT_FILE"] = pemFile
	if err := read(m, env); err != nil {
		t.Fatalf("HW_CACERT_FILE: %v", err)
	}

	// A file that holds no certificate is a plan-time error naming the fix.
	bad := filepath.Join(t.TempDir(), "bad.pem")
	_ = os.WriteFile(bad, []byte("not a certificate"), 0o600)
	m.CACertFile = types.StringValue(bad)
	data, msg := configureWith(t, m, mapEnv{"HW_AUTH_TOKEN": "tok-0123456789", "HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "p"})
	if data != nil || !strings.Contains(msg, "Invalid cacert_file: provider attribute cacert_file is \""+bad+"\", which cannot be used") ||
		!strings.Contains(msg, "PEM file of the certificate authorities") {
		t.Fatalf("bad file: %s", msg)
	}
}
