package auditlogs_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

const contentCluster = "13131313-aaaa-bbbb-cccc-000000000013"

// Events at RequestResponse level that carry secrets, newest first, and
// what "redacted" makes of each: the same bytes but the secret values.
var secretEvents = []struct{ sent, redacted string }{{
	// A Secret created with kubectl apply: data, stringData and the
	// last-applied-configuration annotation.
	sent: `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"sec-0","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/prod/secrets?fieldManager=kubectl-client-side-apply\u0026fieldValidation=Strict","verb":"create","user":{"username":"alice@example.com","groups":["system:authenticated"]},"sourceIPs":["198.51.100.7"],"objectRef":{"resource":"secrets","namespace":"prod","name":"db","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},` +
		`"requestObject":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db","namespace":"prod","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\",\"data\":{\"password\":\"aHVudGVyMg==\"},\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\",\"namespace\":\"prod\"}}\n"}},"data":{"password":"aHVudGVyMg=="},"stringData":{"pin":"4242"},"type":"Opaque"},` +
		`"responseObject":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db","namespace":"prod","uid":"9f1c","resourceVersion":"812"},"data":{"password":"aHVudGVyMg==","pin":"NDI0Mg=="},"type":"Opaque"},` +
		`"requestReceivedTimestamp":"2026-11-20T11:59:00.000100Z","stageTimestamp":"2026-11-20T11:59:00.005Z"}`,
	redacted: `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"sec-0","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/prod/secrets?fieldManager=kubectl-client-side-apply\u0026fieldValidation=Strict","verb":"create","user":{"username":"alice@example.com","groups":["system:authenticated"]},"sourceIPs":["198.51.100.7"],"objectRef":{"resource":"secrets","namespace":"prod","name":"db","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},` +
		`"requestObject":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db","namespace":"prod","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\",\"data\":{\"password\":\"[redacted]\"},\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\",\"namespace\":\"prod\"}}\n"}},"data":{"password":"[redacted]"},"stringData":{"pin":"[redacted]"},"type":"Opaque"},` +
		`"responseObject":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db","namespace":"prod","uid":"9f1c","resourceVersion":"812"},"data":{"password":"[redacted]","pin":"[redacted]"},"type":"Opaque"},` +
		`"requestReceivedTimestamp":"2026-11-20T11:59:00.000100Z","stageTimestamp":"2026-11-20T11:59:00.005Z"}`,
}, {
	// A webhook's TokenReview: the bearer token in spec.token.
	sent:     `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"sec-1","stage":"ResponseComplete","requestURI":"/apis/authentication.k8s.io/v1/tokenreviews","verb":"create","user":{"username":"system:serviceaccount:kube-system:metrics-server"},"objectRef":{"resource":"tokenreviews","apiGroup":"authentication.k8s.io","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},"requestObject":{"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","spec":{"token":"eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.e30.c2ln"}},"responseObject":{"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","spec":{"token":"eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.e30.c2ln"},"status":{"authenticated":true,"user":{"username":"bob"}}},"requestReceivedTimestamp":"2026-11-20T11:58:00Z","stageTimestamp":"2026-11-20T11:58:00.001Z"}`,
	redacted: `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"sec-1","stage":"ResponseComplete","requestURI":"/apis/authentication.k8s.io/v1/tokenreviews","verb":"create","user":{"username":"system:serviceaccount:kube-system:metrics-server"},"objectRef":{"resource":"tokenreviews","apiGroup":"authentication.k8s.io","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},"requestObject":{"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","spec":{"token":"[redacted]"}},"responseObject":{"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","spec":{"token":"[redacted]"},"status":{"authenticated":true,"user":{"username":"bob"}}},"requestReceivedTimestamp":"2026-11-20T11:58:00Z","stageTimestamp":"2026-11-20T11:58:00.001Z"}`,
}, {
	// kubelet's TokenRequest: a service account's token in status.token.
	sent:     `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"sec-2","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/serviceaccounts/web/token","verb":"create","user":{"username":"system:node:node-1"},"objectRef":{"resource":"serviceaccounts","subresource":"token","namespace":"shop","name":"web","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},"requestObject":{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","spec":{"audiences":["https://kubernetes.default.svc"],"expirationSeconds":3607}},"responseObject":{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","spec":{"audiences":["https://kubernetes.default.svc"],"expirationSeconds":3607},"status":{"token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3ZWIifQ.sig","expirationTimestamp":"2026-11-20T12:57:00Z"}},"requestReceivedTimestamp":"2026-11-20T11:57:00Z","stageTimestamp":"2026-11-20T11:57:00.001Z"}`,
	redacted: `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"sec-2","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/serviceaccounts/web/token","verb":"create","user":{"username":"system:node:node-1"},"objectRef":{"resource":"serviceaccounts","subresource":"token","namespace":"shop","name":"web","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},"requestObject":{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","spec":{"audiences":["https://kubernetes.default.svc"],"expirationSeconds":3607}},"responseObject":{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","spec":{"audiences":["https://kubernetes.default.svc"],"expirationSeconds":3607},"status":{"token":"[redacted]","expirationTimestamp":"2026-11-20T12:57:00Z"}},"requestReceivedTimestamp":"2026-11-20T11:57:00Z","stageTimestamp":"2026-11-20T11:57:00.001Z"}`,
}, {
	// A pod created: nothing secret, byte for byte as sent (its <, > and
	// & escapes too).
	sent: `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"sec-3","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/pods","verb":"create","user":{"username":"system:serviceaccount:kube-system:replicaset-controller","groups":["system:serviceaccounts"]},"objectRef":{"resource":"pods","namespace":"shop","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},"requestObject":{"kind":"Pod","apiVersion":"v1","metadata":{"generateName":"web-","annotations":{"note":"a \u003cb\u003e \u0026 c","secretRef":"db"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27","env":[{"name":"PW","valueFrom":{"secretKeyRef":{"name":"db","key":"password"}}}]}],"replicas":1.50e+00}},"requestReceivedTimestamp":"2026-11-20T11:56:00Z","stageTimestamp":"2026-11-20T11:56:00.001Z"}`,
}}

// The secret values above: none may reach state unless content_mode is raw.
var secretValues = []string{"aHVudGVyMg==", "4242", "NDI0Mg==", "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ", "eyJzdWIiOiJ3ZWIifQ"}

func TestAccClusterAuditLogs_contentMode(t *testing.T) {
	recs := make([]standin.Record, len(secretEvents))
	for i, e := range secretEvents {
		recs[i] = standin.Record{ClusterID: contentCluster, ClusterType: "self_built_idc", HostID: "h", HostName: "node", HostIP: "10.0.0.1",
			Time: t0.Add(-time.Duration(i+1) * time.Minute).UnixMilli(), Content: e.sent}
	}
	_, url := acctest.StandIn(t, standin.Options{Records: recs})
	cfg := func(providerExtra, args string) string {
		return acctest.ProviderConfig(url, providerExtra) + fmt.Sprintf(`
data "hss_cluster_audit_logs" "test" {
  cluster_id = %q
  start_time = %d
  end_time   = %d
  %s
}
`, contentCluster, t0.Add(-time.Hour).UnixMilli(), t0.UnixMilli(), args)
	}
	contents := func(mode string) []statecheck.StateCheck {
		checks := []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, at(0, "event", "object_ref", "resource"), str("secrets")),
			statecheck.ExpectKnownValue(addr, at(1, "event", "user", "username"), str("system:serviceaccount:kube-system:metrics-server")),
			statecheck.ExpectKnownValue(addr, at(0, "event", "audit_id"), str("sec-0"))}
		for i, e := range secretEvents {
			var want knownvalue.Check
			switch {
			case mode == "none":
				want = knownvalue.Null()
			case mode == "raw" || e.redacted == "":
				want = str(e.sent)
			default:
				want = str(e.redacted)
			}
			checks = append(checks, statecheck.ExpectKnownValue(addr, at(i, "content"), want))
		}
		return append(checks, statecheck.ExpectKnownValue(addr, tfjsonpath.New("content_mode"), str(mode)))
	}
	// noSecretInState looks at every attribute of the state, not only content.
	noSecretInState := func(s *terraform.State) error {
		for _, m := range s.RootModule().Resources {
			for k, v := range m.Primary.Attributes {
				for _, sv := range secretValues {
					if strings.Contains(v, sv) {
						return fmt.Errorf("%s holds the secret %q", k, sv)
					}
				}
			}
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("", ""), ConfigStateChecks: contents("redacted"), Check: noSecretInState},
			{Config: cfg("", `content_mode = "raw"`), ConfigStateChecks: contents("raw")},
			{Config: cfg("", `content_mode = "none"`), ConfigStateChecks: contents("none"), Check: noSecretInState},
			// The provider's default, and a data source's own mode over it.
			{Config: cfg(`content_mode = "none"`, ""), ConfigStateChecks: contents("none")},
			{Config: cfg("", `content_mode = "plain"`), ExpectError: regexp.MustCompile(`(?s)content_mode.*value must be one of`)},
			{Config: cfg(`content_mode = "all"`, ""), ExpectError: regexp.MustCompile(`(?s)content_mode.*value must be one of`)},
			{Config: cfg(`content_mode = "raw"`, `content_mode = "redacted"`), ConfigStateChecks: contents("redacted"), Check: noSecretInState},
		},
	})
}
