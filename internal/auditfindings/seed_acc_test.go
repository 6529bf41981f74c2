package auditfindings_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
	"github.com/hss-tf/terraform-provider-hss/internal/findings"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

const labAddr = "data.hss_cluster_audit_findings.lab"

// labFinding is a finding of sec-lab's day (standin.SeedFindings): the
// rule, the request (audit ID) and its user; spared says that
// allowed_usernames or trusted_images spare it.
type labFinding struct {
	rule, auditID, user string
	spared              bool
}

// labFindings are every finding of the day without exemptions, oldest
// first. Every other event of the day is a near-miss of some rule.
var labFindings = []labFinding{
	// The CI robot reads the registry's Secret: allowed_usernames.
	{"secret_access", "c97398d2-3328-447d-9ce8-c1924bee8390", "system:serviceaccount:ci:deployer", true},
	// The CNI's privileged pod: trusted_images.
	{"privileged_pod", "624b9eda-d9c8-4fd4-b018-64e2ca369a0d", "system:serviceaccount:kube-system:daemon-set-controller", true},
	// A port-forward over WebSocket, audited as get.
	{"pod_exec", "eb4b9faa-6660-4806-b825-559954ecd007", "erin@example.com", false},
	{"wildcard_role", "6e4b5107-3280-4200-9ee6-0c5aef4d7c4f", "dave@example.com", false},
	{"kube_system_change", "9c011127-b7e4-4299-be89-473b9e1b3af1", "dave@example.com", false},
	// The CI robot's migration exec: allowed_usernames.
	{"pod_exec", "2a80d01e-f40f-4b8f-b2da-76a40b13f767", "system:serviceaccount:ci:deployer", true},
	{"anonymous_request", "d76851fc-ddac-4da5-b21b-4be90b174673", "system:anonymous", false},
	{"secret_access", "2afe6c07-75f6-4550-9768-a2f0a53cbb07", "mallory@example.com", false},
	{"secret_access", "7e71c46d-f940-483b-9345-b53182e9b903", "system:serviceaccount:web:web-frontend", false},
	// The exec began before the Secret was read; its finding is its
	// ResponseComplete stage, at the session's end.
	{"pod_exec", "f6503607-1816-474f-834e-87521f7753e4", "mallory@example.com", false},
	{"cluster_admin_binding", "862e3903-7fb1-4a96-a8ed-89ef83ebc740", "mallory@example.com", false},
	{"token_request", "abd7021e-94c7-4c5d-894a-abecd06fbb14", "mallory@example.com", false},
	{"host_namespace_pod", "139e67c8-db5c-4945-86f6-cf055d7bf0f7", "system:serviceaccount:default:backup-operator", false},
	{"sensitive_mount_pod", "df94ee41-bb7e-44ce-83a3-320f570a3625", "system:serviceaccount:default:backup-operator", false},
	{"privileged_pod", "edcfa13d-5a87-4fa3-84e4-5c40d124150e", "system:serviceaccount:default:backup-operator", false},
	{"malformed", "6832ee48-2b79-4d37-9db1-4a2dd0a887f2", "", false},
}

// labList checks findings: exactly labFindings, in order, without the
// spared ones unless withSpared.
func labList(withSpared bool) knownvalue.Check {
	var checks []knownvalue.Check
	for _, f := range labFindings {
		if f.spared && !withSpared {
			continue
		}
		stage := "ResponseComplete"
		if f.rule == "malformed" {
			stage = "" // not an event: no stage of its own
		}
		checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"rule": knownvalue.StringExact(f.rule), "audit_id": knownvalue.StringExact(f.auditID),
			"user": knownvalue.StringExact(f.user), "stage": knownvalue.StringExact(stage),
		}))
	}
	return knownvalue.ListExact(checks)
}

func exactCounts(kv map[string]int64) knownvalue.Check {
	c := map[string]knownvalue.Check{}
	for k, v := range kv {
		c[k] = knownvalue.Int64Exact(v)
	}
	return knownvalue.MapExact(c)
}

// noSecretData fails when any attribute of the state holds the data of
// sec-lab's Secrets, as the log holds it (base64) or decoded.
func noSecretData(t *testing.T) resource.TestCheckFunc {
	var material []string
	for _, d := range standin.SeedFindingsSecretData() {
		plain, err := base64.StdEncoding.DecodeString(d)
		if err != nil {
			t.Fatal(err)
		}
		material = append(material, d, string(plain))
	}
	return func(st *terraform.State) error {
		for name, r := range st.RootModule().Resources {
			for k, v := range r.Primary.Attributes {
				for _, m := range material {
					if strings.Contains(v, m) {
						return fmt.Errorf("%s.%s holds secret data %q", name, k, m)
					}
				}
			}
		}
		return nil
	}
}

// Every rule fires on sec-lab's known events, and only on them, over a
// window holding all three seed clusters' records.
func TestAccSeedFindings(t *testing.T) {
	now := time.Now()
	_, url := acctest.StandIn(t, standin.Options{Records: standin.Seed(now)})
	cfg := func(args string) string {
		return acctest.ProviderConfig(url, "") + fmt.Sprintf(`
data "hss_cluster_audit_findings" "lab" {
  cluster_id = %q
  start_time = %d
  end_time   = %d
  %s
}
`, standin.SeedFindingsClusterID, now.Add(-24*time.Hour).UnixMilli(), now.UnixMilli(), args)
	}
	zero := map[string]int64{}
	for _, r := range findings.RuleNames() {
		zero[r] = 0
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// The guide's exemptions: the CI robot, the CNI's images.
			Config: cfg(`allowed_usernames = ["system:serviceaccount:ci:*"]` + "\n" + `  trusted_images = ["registry.example.com/cni/*"]`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(labAddr, tfjsonpath.New("counts"), exactCounts(map[string]int64{
					"pod_exec": 2, "secret_access": 2, "cluster_admin_binding": 1, "wildcard_role": 1, "anonymous_request": 1,
					"privileged_pod": 1, "host_namespace_pod": 1, "sensitive_mount_pod": 1, "kube_system_change": 1, "token_request": 1, "malformed": 1,
				})),
				statecheck.ExpectKnownValue(labAddr, tfjsonpath.New("findings"), labList(false)),
				statecheck.ExpectKnownValue(labAddr, tfjsonpath.New("findings_num"), knownvalue.Int64Exact(13)),
				statecheck.ExpectKnownValue(labAddr, tfjsonpath.New("records_num"), knownvalue.Int64Exact(40)),
				statecheck.ExpectKnownValue(labAddr, tfjsonpath.New("not_evaluable"), exactCounts(zero)),
			},
			Check: noSecretData(t),
		}, {
			// No exemptions: the CI robot's Secret read and exec, and the
			// CNI's privileged pod, become findings too. The control plane
			// (the kubelet's Secret and token, the leases) stays exempt.
			Config: cfg(""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(labAddr, tfjsonpath.New("counts"), exactCounts(map[string]int64{
					"pod_exec": 3, "secret_access": 3, "cluster_admin_binding": 1, "wildcard_role": 1, "anonymous_request": 1,
					"privileged_pod": 2, "host_namespace_pod": 1, "sensitive_mount_pod": 1, "kube_system_change": 1, "token_request": 1, "malformed": 1,
				})),
				statecheck.ExpectKnownValue(labAddr, tfjsonpath.New("findings"), labList(true)),
				statecheck.ExpectKnownValue(labAddr, tfjsonpath.New("findings_num"), knownvalue.Int64Exact(16)),
				statecheck.ExpectKnownValue(labAddr, tfjsonpath.New("records_num"), knownvalue.Int64Exact(40)),
				statecheck.ExpectKnownValue(labAddr, tfjsonpath.New("not_evaluable"), exactCounts(zero)),
			},
			Check: noSecretData(t),
		}},
	})
}
