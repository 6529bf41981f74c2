package cache

import (
	"fmt"
	"slices"
	"strings"
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

func TestSecretBearing(t *testing.T) {
	for _, c := range []struct {
		name    string
		content string
		want    bool
	}{
		{"secret create with data", secretCreate, true},
		{"secret get at metadata level", auditEvent("get", "secrets", "", "prod", "db-password", "/api/v1/namespaces/prod/secrets/db-password", "Metadata", ""), true},
		{"secret list", auditEvent("list", "secrets", "", "", "", "/api/v1/secrets", "Metadata", ""), true},
		{"token review", tokenReview, true},
		{"token request", tokenRequest, true},
		{"token request at metadata level", auditEvent("create", "serviceaccounts", "token", "prod", "builder", "/api/v1/namespaces/prod/serviceaccounts/builder/token", "Metadata", ""), true},
		{"pod get with its object", podGet, false},
		{"pod list", auditEvent("list", "pods", "", "prod", "", "/api/v1/namespaces/prod/pods?limit=500", "Metadata", ""), false},
		{"service account get (not its token)", auditEvent("get", "serviceaccounts", "", "prod", "builder", "/api/v1/namespaces/prod/serviceaccounts/builder", "Metadata", ""), false},
		{"pod exec subresource", auditEvent("create", "pods", "exec", "prod", "web-0", "/api/v1/namespaces/prod/pods/web-0/exec?command=sh", "Metadata", ""), false},
		{"an escaped ampersand in the request URI", auditEvent("list", "pods", "", "prod", "", `/api/v1/namespaces/prod/pods?limit=500\u0026labelSelector=app%3Dweb`, "Metadata", ""), false},
		{"escaped < > & in a pod's object", auditEvent("get", "pods", "", "prod", "web-0", "/api/v1/namespaces/prod/pods/web-0", "RequestResponse",
			`,"responseObject":{"kind":"Pod","metadata":{"annotations":{"note":"\u003cb\u003e \u0026 \u003c/b\u003e"}}}`), false},
		{"an escaped letter hiding Secret", auditEvent("create", "configmaps", "", "prod", "x", "/api/v1/namespaces/prod/configmaps", "RequestResponse",
			`,"requestObject":{"kind":"\u0053ecret","data":{"password":"`+secretData+`"}}`), true},
		{"an escaped lower-case letter", auditEvent("get", "pods", "", "prod", "web-0", "/api/v1/namespaces/prod/pods/web-0", "RequestResponse",
			`,"responseObject":{"kind":"Pod","metadata":{"name":"w\u0065b-0"}}`), true},
		{"an escaped @", `{"requestObject":{"user":"a\u0040b"}}`, true},
		{"an escaped DEL", `plain \u007f text`, true},
		{"an escaped capital E, upper-case hex", `x \u0045 y`, true},
		{"an escaped digit", `x \u0031 y`, false},
		{"an escaped non-ASCII letter", `{"requestObject":{"name":"caf\u00e9"}}`, false},
		{"an escape cut short at the end", `free text \u00`, false},
		{"an escaped resource name", `{"kind":"Event","apiVersion":"audit.k8s.io/v1","objectRef":{"resource":"\u0073ecrets"}}`, true},
		{"a pod that mounts a secret volume", auditEvent("create", "pods", "", "prod", "web-0", "/api/v1/namespaces/prod/pods", "RequestResponse",
			`,"requestObject":{"kind":"Pod","spec":{"volumes":[{"name":"creds","secret":{"secretName":"db-password"}}]}}`), false},
		{"a Secret in a configmap's last-applied-configuration", auditEvent("patch", "configmaps", "", "prod", "bundle", "/api/v1/namespaces/prod/configmaps/bundle", "RequestResponse",
			`,"requestObject":{"kind":"ConfigMap","metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"kind\":\"Secret\",\"data\":{\"password\":\"`+secretData+`\"}}"}}}`), true},
		{"a SecretList in a response", auditEvent("list", "configmaps", "", "prod", "", "/api/v1/namespaces/prod/configmaps", "RequestResponse",
			`,"responseObject":{"kind": "SecretList","items":[]}`), true},
		{"free text", "kubelet: pod web-0 started", false},
		{"free text naming secrets beside no body", "controller: reconciled secret prod/db-password", false},
		{"free text naming a Secret beside a request body", `{"requestObject":{"kind":"Secret"}}`, true},
		{"foreign JSON naming a TokenReview beside a response body", `{"responseObject":{"kind":"TokenReview"}}`, true},
		{"malformed event about a secret", `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","verb":"list","requestObject":{"kind":"Secret"}}`, true},
		{"empty", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := hss.Record{Content: c.content, Time: 1}
			if got := secretBearing(&r); got != c.want {
				ev, kind := k8saudit.Parse(c.content)
				t.Fatalf("secretBearing = %v, want %v (parsed as %v, %+v)", got, c.want, kind, ev)
			}
		})
	}
}

// The events above are what they say: the checks on them are not the
// word checks' alone.
func TestSecretEventsParse(t *testing.T) {
	for _, c := range []string{secretCreate, tokenReview, tokenRequest, podGet} {
		if _, kind := k8saudit.Parse(c); kind != k8saudit.IsEvent {
			t.Fatalf("%.80s... parses as %v, not as an event", c, kind)
		}
	}
}

func recsAt(content func(ms int64) string, times ...int64) []hss.Record {
	out := make([]hss.Record, len(times))
	for i, ms := range times {
		out[i] = hss.Record{Time: ms, Content: content(ms), ClusterID: "c"}
	}
	return out
}

func TestStorable(t *testing.T) {
	pod := func(int64) string { return podGet }
	secretAt := func(at ...int64) func(int64) string {
		return func(ms int64) string {
			if slices.Contains(at, ms) {
				return secretCreate
			}
			return podGet
		}
	}
	type want struct{ from, to int64 }
	for _, c := range []struct {
		name     string
		from, to int64
		recs     []hss.Record
		want     []want // each with the records of recs in its range
	}{
		{"no secret: the whole range", 100, 200, recsAt(pod, 200, 150, 150, 100), []want{{100, 200}}},
		{"no record: the whole range", 100, 200, nil, []want{{100, 200}}},
		{"one secret: around it", 100, 200, recsAt(secretAt(150), 190, 160, 150, 120, 110), []want{{151, 200}, {100, 149}}},
		{"pods in the secret's millisecond are read again", 100, 200,
			[]hss.Record{{Time: 190, Content: podGet}, {Time: 150, Content: podGet}, {Time: 150, Content: secretCreate}, {Time: 150, Content: podGet}, {Time: 110, Content: podGet}},
			[]want{{151, 200}, {100, 149}}},
		{"secrets apart: the range between them too", 100, 200, recsAt(secretAt(180, 130), 190, 180, 160, 130, 110), []want{{181, 200}, {100, 129}}},
		{"a secret at the end", 100, 200, recsAt(secretAt(200), 200, 150), []want{{100, 199}}},
		{"a secret at the start", 100, 200, recsAt(secretAt(100), 150, 100), []want{{101, 200}}},
		{"secrets at both ends", 100, 200, recsAt(secretAt(100, 200), 200, 150, 100), nil},
		{"a one-millisecond range of a secret", 100, 100, recsAt(secretAt(100), 100), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := storable(c.from, c.to, c.recs)
			if len(got) != len(c.want) {
				t.Fatalf("%d pieces, want %d: %+v", len(got), len(c.want), got)
			}
			for i, w := range c.want {
				g := got[i]
				if g.from != w.from || g.to != w.to {
					t.Fatalf("piece %d is [%d, %d], want [%d, %d]", i, g.from, g.to, w.from, w.to)
				}
				var in []hss.Record
				for _, r := range c.recs {
					if r.Time >= w.from && r.Time <= w.to {
						in = append(in, r)
					}
				}
				if !slices.Equal(g.recs, in) {
					t.Fatalf("piece %d holds %d records, want the %d of its range", i, len(g.recs), len(in))
				}
				for _, r := range g.recs {
					if secretBearing(&r) || strings.Contains(r.Content, secretData) {
						t.Fatalf("piece %d holds a secret-bearing record", i)
					}
				}
			}
		})
	}
}
