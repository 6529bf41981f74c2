package cache

import (
	"fmt"
	"testing"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
)

// auditEvent is the content of a Kubernetes audit event: verb on
// resource[/sub] ns/name at level, with extra (",\"requestObject\":{...}")
// appended to its fields.
func auditEvent(verb, resource, sub, ns, name, uri, level, extra string) string {
	subField := ""
	if sub != "" {
		subField = fmt.Sprintf(`,"subresource":%q`, sub)
	}
	return fmt.Sprintf(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":%q,"auditID":"a1b2c3d4-0000-4000-8000-%012d",`+
		`"stage":"ResponseComplete","requestURI":%q,"verb":%q,`+
		`"user":{"username":"system:serviceaccount:kube-system:deployer","uid":"u-1","groups":["system:serviceaccounts"]},`+
		`"sourceIPs":["10.0.0.7"],"userAgent":"kubectl/v1.30.0",`+
		`"objectRef":{"resource":%q,"namespace":%q,"name":%q,"apiVersion":"v1"%s},`+
		`"responseStatus":{"metadata":{},"code":201},`+
		`"requestReceivedTimestamp":"2026-01-02T03:04:05.000000Z","stageTimestamp":"2026-01-02T03:04:05.001000Z"%s}`,
		level, len(name), uri, verb, resource, ns, name, subField, extra)
}

// The contents secrets may be in, and their secret strings.
const (
	secretData   = "c3VwZXItc2VjcmV0LXBhc3N3b3Jk" // base64 of a password
	reviewToken  = "eyJhbGciOiJSUzI1NiJ9.review-token-payload.sig"
	requestToken = "eyJhbGciOiJSUzI1NiJ9.request-token-payload.sig"
)

var (
	secretCreate = auditEvent("create", "secrets", "", "prod", "db-password", "/api/v1/namespaces/prod/secrets", "RequestResponse",
		`,"requestObject":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db-password"},"data":{"password":"`+secretData+`"}}`)
	tokenReview = auditEvent("create", "tokenreviews", "", "", "", "/apis/authentication.k8s.io/v1/tokenreviews", "RequestResponse",
		`,"requestObject":{"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","spec":{"token":"`+reviewToken+`"}}`)
	tokenRequest = auditEvent("create", "serviceaccounts", "token", "prod", "builder", "/api/v1/namespaces/prod/serviceaccounts/builder/token", "RequestResponse",
		`,"responseObject":{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","status":{"token":"`+requestToken+`","expirationTimestamp":"2026-01-02T04:04:05Z"}}`)
	podGet = auditEvent("get", "pods", "", "prod", "web-0", "/api/v1/namespaces/prod/pods/web-0", "RequestResponse",
		`,"responseObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-0","namespace":"prod"}}`)
)

// The cache stores what a redacted read keeps in state: content redacted,
// every other record byte for byte; records served from it redact to
// themselves.
func TestRedactedIsWhatStateHolds(t *testing.T) {
	recs := []hss.Record{{Time: 3, Content: secretCreate}, {Time: 2, Content: tokenReview}, {Time: 2, Content: podGet}, {Time: 1, Content: tokenRequest}, {Time: 1, Content: "free text"}}
	got := redacted(recs)
	for i, r := range got {
		want, _ := k8saudit.Redact(recs[i].Content)
		if r.Content != want || r.Time != recs[i].Time {
			t.Errorf("record %d: %q, want %q", i, r.Content, want)
		}
		if again, changed := k8saudit.Redact(r.Content); again != r.Content {
			t.Errorf("record %d redacts again to something else (changed %v): %s", i, changed, again)
		}
	}
	if got[2].Content != podGet || got[4].Content != "free text" {
		t.Error("content without secrets changed")
	}
	if recs[0].Content != secretCreate {
		t.Error("redacted changed its input")
	}
}
