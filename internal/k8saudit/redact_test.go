package k8saudit

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// ev builds an audit event about resource/subresource with the given
// request and response bodies ("" leaves one out).
func ev(verb, resource, subresource, request, response string) string {
	ref := `{"resource":"` + resource + `","namespace":"prod","name":"db","apiVersion":"v1"`
	if subresource != "" {
		ref += `,"subresource":"` + subresource + `"`
	}
	ref += `}`
	s := `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"a1","stage":"ResponseComplete",` +
		`"requestURI":"/api/v1/namespaces/prod/` + resource + `?x=1\u0026y=2","verb":"` + verb + `",` +
		`"user":{"username":"alice","groups":["system:serviceaccounts","system:authenticated"]},"sourceIPs":["10.0.0.1"],` +
		`"objectRef":` + ref + `,"responseStatus":{"metadata":{},"code":201}`
	if request != "" {
		s += `,"requestObject":` + request
	}
	if response != "" {
		s += `,"responseObject":` + response
	}
	return s + `,"requestReceivedTimestamp":"2026-11-24T10:00:00.000000Z","stageTimestamp":"2026-11-24T10:00:00.100000Z"}`
}

const secretBody = `{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db","namespace":"prod","annotations":{"team":"pay",` +
	`"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\",\"data\":{\"password\":\"aHVudGVyMg==\"},\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},\"stringData\":{\"pin\":\"1234\"}}\n"}},` +
	`"data":{"password":"aHVudGVyMg==","user":"YWRtaW4="},"stringData":{"pin":"1234"},"binaryData":{"blob":"AAEC"},"type":"Opaque"}`

// secrets are the secret values of the cases: none may survive.
var secrets = []string{"aHVudGVyMg==", "YWRtaW4=", "1234", "AAEC", "eyJhbGciOi", "s3cr3t-token"}

func TestRedact(t *testing.T) {
	for name, tc := range map[string]struct {
		content string
		want    string // the redacted content; "" when it must stay as sent
	}{
		"secret create": {
			content: ev("create", "secrets", "", secretBody, secretBody),
			want:    ev("create", "secrets", "", redactedSecret, redactedSecret),
		},
		"secret list": {
			content: ev("list", "secrets", "", "", `{"kind":"SecretList","apiVersion":"v1","metadata":{},"items":[`+
				`{"metadata":{"name":"a"},"data":{"k":"YWRtaW4="}},{"metadata":{"name":"b"},"data":{"k":"AAEC"},"type":"Opaque"}]}`),
			want: ev("list", "secrets", "", "", `{"kind":"SecretList","apiVersion":"v1","metadata":{},"items":[`+
				`{"metadata":{"name":"a"},"data":{"k":"[redacted]"}},{"metadata":{"name":"b"},"data":{"k":"[redacted]"},"type":"Opaque"}]}`),
		},
		"merge patch of a secret": {
			content: ev("patch", "secrets", "", `{"data":{"password":"aHVudGVyMg=="},"metadata":{"labels":{"x":"y"}}}`, ""),
			want:    ev("patch", "secrets", "", `{"data":{"password":"[redacted]"},"metadata":{"labels":{"x":"y"}}}`, ""),
		},
		"json patch of a secret": {
			content: ev("patch", "secrets", "", `[{"op":"replace","path":"/data/password","value":"aHVudGVyMg=="},{"op":"add","path":"/metadata/labels/x","value":"y"}]`, ""),
			want:    ev("patch", "secrets", "", `[{"op":"replace","path":"/data/password","value":"[redacted]"},{"op":"add","path":"/metadata/labels/x","value":"[redacted]"}]`, ""),
		},
		"token review": {
			content: ev("create", "tokenreviews", "", `{"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","spec":{"token":"eyJhbGciOiJSUzI1NiJ9.x.y"}}`,
				`{"kind":"TokenReview","spec":{"token":"eyJhbGciOiJSUzI1NiJ9.x.y"},"status":{"authenticated":true,"user":{"username":"bob"}}}`),
			want: ev("create", "tokenreviews", "", `{"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","spec":{"token":"[redacted]"}}`,
				`{"kind":"TokenReview","spec":{"token":"[redacted]"},"status":{"authenticated":true,"user":{"username":"bob"}}}`),
		},
		"token request": {
			content: ev("create", "serviceaccounts", "token", `{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","spec":{"audiences":["api"],"expirationSeconds":3600}}`,
				`{"kind":"TokenRequest","spec":{"audiences":["api"]},"status":{"token":"s3cr3t-token","expirationTimestamp":"2026-11-24T11:00:00Z"}}`),
			want: ev("create", "serviceaccounts", "token", `{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","spec":{"audiences":["api"],"expirationSeconds":3600}}`,
				`{"kind":"TokenRequest","spec":{"audiences":["api"]},"status":{"token":"[redacted]","expirationTimestamp":"2026-11-24T11:00:00Z"}}`),
		},
		"a secret inside a List of another request": {
			content: ev("create", "configmaps", "", `{"kind":"List","items":[{"kind":"Secret","data":{"k":"AAEC"}},{"kind":"ConfigMap","data":{"k":"v"}}]}`, ""),
			want:    ev("create", "configmaps", "", `{"kind":"List","items":[{"kind":"Secret","data":{"k":"[redacted]"}},{"kind":"ConfigMap","data":{"k":"v"}}]}`, ""),
		},
		"a config map keeps its data": {
			content: ev("create", "configmaps", "", `{"kind":"ConfigMap","data":{"secret":"not really"}}`, ""),
		},
		"a pod, with service-account groups": {
			content: ev("get", "pods", "", "", `{"kind":"Pod","metadata":{"name":"p"},"spec":{"serviceAccountName":"default"}}`),
		},
		"a secret at Metadata level": {
			content: ev("get", "secrets", "", "", ""),
		},
		"a secret deleted": {
			content: ev("delete", "secrets", "", `{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}`,
				`{"kind":"Status","apiVersion":"v1","status":"Success","details":{"name":"db","kind":"secrets"}}`),
		},
		"free text naming none": {content: "listImageTags, Method: GET Url=/v2/manage/namespaces/x/repos/y/tags, Reason"},
		// What names secrets and bodies but cannot be read is not kept.
		"free text naming secrets": {content: "secret requestObject: aHVudGVyMg==", want: Redacted},
		"not an object":            {content: `["requestObject","Secret"]`},
		"malformed":                {content: `{"objectRef":{"resource":"secrets"},"requestObject":{"data":{"k":"AAEC"}}`, want: Redacted},
		"too deep": {content: ev("patch", "secrets", "", `{"data":{"k":"AAEC"},"x":`+strings.Repeat(`{"a":`, 10_001)+`1`+strings.Repeat(`}`, 10_001)+`}`, ""),
			want: Redacted},
		// kubectl get secrets: a Table of PartialObjectMetadata rows, whose
		// last-applied annotations hold the data.
		"a table of secrets' metadata": {
			content: ev("list", "secrets", "", "", `{"kind":"Table","apiVersion":"meta.k8s.io/v1","columnDefinitions":[],"rows":[{"cells":["db","Opaque",1,"5m"],`+
				`"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"db","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\",\"data\":{\"password\":\"aHVudGVyMg==\"},\"kind\":\"Secret\"}\n"}}}}]}`),
			want: ev("list", "secrets", "", "", `{"kind":"Table","apiVersion":"meta.k8s.io/v1","columnDefinitions":[],"rows":[{"cells":["db","Opaque",1,"5m"],`+
				`"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"db","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\",\"data\":{\"password\":\"[redacted]\"},\"kind\":\"Secret\"}\n"}}}}]}`),
		},
		// A patch of a Secret is redacted whatever kind it claims.
		"a patch of a secret claiming another kind": {
			content: ev("patch", "secrets", "", `{"kind":"ConfigMap","data":{"k":"AAEC"}}`, ""),
			want:    ev("patch", "secrets", "", `{"kind":"ConfigMap","data":{"k":"[redacted]"}}`, ""),
		},
		"null data": {
			content: ev("create", "secrets", "", `{"kind":"Secret","data":null}`, ""),
		},
	} {
		t.Run(name, func(t *testing.T) {
			got, changed := Redact(tc.content)
			want := tc.want
			if want == "" {
				want = tc.content
			}
			if got != want || changed != (tc.want != "") {
				t.Fatalf("Redact (changed %v):\n got %s\nwant %s", changed, got, want)
			}
			if changed {
				if !json.Valid([]byte(got)) {
					t.Fatal("redacted content is not JSON")
				}
				for _, s := range secrets {
					if strings.Contains(got, s) {
						t.Errorf("%q survived", s)
					}
				}
				// The event parsed from the original is the event parsed
				// from the redacted content: no field of it is secret
				// (content redacted whole is no event any more).
				if got == Redacted {
					return
				}
				e1, k1 := Parse(tc.content)
				e2, k2 := Parse(got)
				if k1 != k2 || !reflect.DeepEqual(e1, e2) {
					t.Errorf("the event differs after redaction: %v %v", k1, k2)
				}
			}
		})
	}
}

// redactedSecret is secretBody redacted: every byte as sent but the
// secret values, the last-applied annotation re-quoted with its own
// secrets redacted.
var redactedSecret = `{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db","namespace":"prod","annotations":{"team":"pay",` +
	`"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\",\"data\":{\"password\":\"[redacted]\"},\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"},\"stringData\":{\"pin\":\"[redacted]\"}}\n"}},` +
	`"data":{"password":"[redacted]","user":"[redacted]"},"stringData":{"pin":"[redacted]"},"binaryData":{"blob":"[redacted]"},"type":"Opaque"}`

// Escaped names are still names: a Secret whose kind or member names are
// written with \u escapes is redacted too.
func TestRedactSeesThroughEscapes(t *testing.T) {
	c := ev("create", "secrets", "", `{"kind":"\u0053ecret","d\u0061ta":{"k":"AAEC"}}`, "")
	got, changed := Redact(c)
	if !changed || strings.Contains(got, "AAEC") {
		t.Fatalf("escaped names hid the secret: %s", got)
	}
	c = ev("create", "configmaps", "", `{"kind":"List","items":[{"kind":"\u0053ecret","data":{"k":"AAEC"}}]}`, "")
	if got, changed := Redact(c); !changed || strings.Contains(got, "AAEC") {
		t.Fatalf("an escaped kind hid the secret: %s", got)
	}
}

// FuzzRedact: redaction never panics, keeps valid JSON valid, changes
// nothing it reports unchanged, and parses to the same event.
func FuzzRedact(f *testing.F) {
	f.Add(ev("create", "secrets", "", secretBody, secretBody))
	f.Add(ev("create", "tokenreviews", "", `{"spec":{"token":"t"}}`, ""))
	f.Add(`{"requestObject":{"kind":"Secret","data":{"a":1}}}`)
	f.Fuzz(func(t *testing.T, c string) {
		got, changed := Redact(c)
		if !changed && got != c {
			t.Fatal("unchanged content differs")
		}
		if changed && json.Valid([]byte(c)) && !json.Valid([]byte(got)) {
			t.Fatalf("redaction broke JSON: %s", got)
		}
	})
}
