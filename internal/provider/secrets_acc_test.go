package provider_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// A read at TRACE, with retries, must not log any credential. The
// credentials come from the environment: the test harness itself logs the
// configuration's text. Not parallel: it sets the process's environment.
func TestAccProvider_secretsNeverLogged(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_LOG_PATH_MASK", "") // make testacc's per-test logs would take precedence
	s, url := acctest.StandIn(t, standin.Options{Records: standin.Seed(now)})
	s.Inject(standin.Fault{Status: 429}, standin.Fault{Status: 503})
	keys := map[string]string{
		"HW_ACCESS_KEY": acctest.TempAccessKey, "HW_SECRET_KEY": acctest.TempSecretKey, "HW_SECURITY_TOKEN": acctest.SecurityToken,
	}
	for k, v := range keys {
		t.Setenv(k, v)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            provider(url, ""),
			ConfigStateChecks: readsAll(),
		}, {
			PreConfig: func() {
				for k := range keys {
					t.Setenv(k, "")
				}
				t.Setenv("HW_AUTH_TOKEN", acctest.AuthToken)
			},
			Config:            provider(url, ""),
			ConfigStateChecks: readsAll(),
		}},
	})
	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	// The log is real: it holds the provider's own lines, retries included.
	for _, want := range []string{"retrying HSS request", "read HSS audit-log page", "sending HSS request"} {
		if !strings.Contains(log, want) {
			t.Errorf("the TRACE log lacks %q (%d bytes)", want, len(b))
		}
	}
	for name, secret := range map[string]string{
		"access key": acctest.TempAccessKey, "secret key": acctest.TempSecretKey,
		"security token": acctest.SecurityToken, "IAM token": acctest.AuthToken,
	} {
		if strings.Contains(log, secret) {
			i := strings.Index(log, secret)
			t.Errorf("the %s appears in the TRACE log: ...%s...", name, log[max(0, i-200):min(len(log), i+100)])
		}
	}
}
