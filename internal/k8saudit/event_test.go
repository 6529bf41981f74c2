package k8saudit

import (
	"reflect"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

// Real-shaped events, as an API server at level Metadata or Request writes
// them.
const (
	createSecret = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"5b2a6c1e-8f0d-4a7e-9c1b-3f2d1e0a9b8c","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/production/secrets?fieldManager=kubectl-client-side-apply","verb":"create","user":{"username":"alice","uid":"u-1001","groups":["dev","system:authenticated"],"extra":{"scopes":["all"]}},"sourceIPs":["10.0.3.17"],"userAgent":"kubectl/v1.30.2 (linux/amd64) kubernetes/39683505","objectRef":{"resource":"secrets","namespace":"production","name":"db-password","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},"requestReceivedTimestamp":"2026-11-24T10:00:00.123456Z","stageTimestamp":"2026-11-24T10:00:00.130001Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \"dev-admin\" of ClusterRole \"admin\" to Group \"dev\""}}`

	deleteSecret = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"a1","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/production/secrets/db-password","verb":"delete","user":{"username":"bob","groups":["system:authenticated"]},"sourceIPs":["10.0.3.18","192.168.0.4"],"userAgent":"kubectl/v1.30.2","objectRef":{"resource":"secrets","namespace":"production","name":"db-password","apiVersion":"v1"},"requestObject":{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"},"responseObject":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"db-password","kind":"secrets","uid":"e1"}},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2026-11-24T10:05:00.000000Z","stageTimestamp":"2026-11-24T10:05:00.010000Z"}`

	patchSecret = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"a2","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/production/secrets/db-password","verb":"patch","user":{"username":"system:serviceaccount:ci:deployer","uid":"sa-7","groups":["system:serviceaccounts","system:serviceaccounts:ci","system:authenticated"]},"sourceIPs":["10.0.9.2"],"userAgent":"argocd/v2.11","objectRef":{"resource":"secrets","namespace":"production","name":"db-password","apiVersion":"v1"},"requestObject":{"data":{"password":"c2VjcmV0"}},"responseStatus":{"metadata":{},"status":"Failure","message":"secrets \"db-password\" is forbidden","reason":"Forbidden","code":403},"requestReceivedTimestamp":"2026-11-24T18:00:00.5+08:00","stageTimestamp":"2026-11-24T10:00:00.6Z","annotations":{"authorization.k8s.io/decision":"forbid","authorization.k8s.io/reason":""}}`

	execPod = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a3","stage":"ResponseStarted","requestURI":"/api/v1/namespaces/shop/pods/web-0/exec?command=sh&container=web&stdin=true&stdout=true&tty=true","verb":"create","user":{"username":"alice","groups":["dev","system:authenticated"]},"sourceIPs":["10.0.3.17"],"userAgent":"kubectl/v1.30.2","objectRef":{"resource":"pods","namespace":"shop","name":"web-0","apiVersion":"v1","subresource":"exec"},"responseStatus":{"metadata":{},"code":101},"requestReceivedTimestamp":"2026-11-24T10:01:00.000001Z","stageTimestamp":"2026-11-24T10:01:00.050000Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed"}}`

	anonymous = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a4","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/kube-system/secrets","verb":"list","user":{"username":"system:anonymous","groups":["system:unauthenticated"]},"sourceIPs":["203.0.113.9"],"userAgent":"curl/8.5.0","objectRef":{"resource":"secrets","namespace":"kube-system","apiVersion":"v1"},"responseStatus":{"metadata":{},"status":"Failure","reason":"Forbidden","code":403},"requestReceivedTimestamp":"2026-11-24T10:02:00.000000Z","stageTimestamp":"2026-11-24T10:02:00.000400Z","annotations":{"authorization.k8s.io/decision":"forbid","authorization.k8s.io/reason":""}}`

	impersonation = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a5","stage":"ResponseComplete","requestURI":"/apis/apps/v1/namespaces/shop/deployments/web","verb":"get","user":{"username":"admin","groups":["system:masters","system:authenticated"]},"impersonatedUser":{"username":"carol","groups":["qa"]},"sourceIPs":["10.0.0.5"],"userAgent":"kubectl/v1.30.2","objectRef":{"resource":"deployments","namespace":"shop","name":"web","apiGroup":"apps","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2026-11-24T10:03:00Z","stageTimestamp":"2026-11-24T10:03:00.001Z"}`

	v1beta1 = `{"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","metadata":{"creationTimestamp":"2019-05-01T08:00:00Z"},"level":"Metadata","timestamp":"2019-05-01T08:00:00Z","auditID":"b1","stage":"ResponseComplete","requestURI":"/api/v1/nodes","verb":"list","user":{"username":"kubelet","groups":["system:nodes"]},"sourceIPs":["10.1.1.1"],"objectRef":{"resource":"nodes","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"stageTimestamp":"2019-05-01T08:00:00.002000Z"}`

	// Health checks are often logged with no object and, at stage
	// RequestReceived, no response yet.
	bare = `  {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a6","stage":"RequestReceived","requestURI":"/healthz","verb":"get","user":{"username":"system:kube-probe"},"userAgent":"kube-probe/1.30","requestReceivedTimestamp":"2026-11-24T10:04:00.000000Z","stageTimestamp":"2026-11-24T10:04:00.000000Z"}` + "\n"
)

func TestParseEvents(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    Event
	}{
		{"create secret", createSecret, Event{
			AuditID: "5b2a6c1e-8f0d-4a7e-9c1b-3f2d1e0a9b8c", Stage: "ResponseComplete", Level: "Metadata", Verb: "create",
			RequestURI:               "/api/v1/namespaces/production/secrets?fieldManager=kubectl-client-side-apply",
			UserAgent:                "kubectl/v1.30.2 (linux/amd64) kubernetes/39683505",
			User:                     UserInfo{Username: "alice", UID: "u-1001", Groups: []string{"dev", "system:authenticated"}},
			SourceIPs:                []string{"10.0.3.17"},
			ObjectRef:                &ObjectReference{Resource: "secrets", Namespace: "production", Name: "db-password", APIVersion: "v1"},
			ResponseCode:             ptr[int64](201),
			RequestReceivedTimestamp: "2026-11-24T10:00:00.123Z", StageTimestamp: "2026-11-24T10:00:00.130Z",
			Annotations: map[string]string{
				"authorization.k8s.io/decision": "allow",
				"authorization.k8s.io/reason":   `RBAC: allowed by ClusterRoleBinding "dev-admin" of ClusterRole "admin" to Group "dev"`,
			},
		}},
		{"delete secret", deleteSecret, Event{
			AuditID: "a1", Stage: "ResponseComplete", Level: "RequestResponse", Verb: "delete",
			RequestURI: "/api/v1/namespaces/production/secrets/db-password", UserAgent: "kubectl/v1.30.2",
			User:                     UserInfo{Username: "bob", Groups: []string{"system:authenticated"}},
			SourceIPs:                []string{"10.0.3.18", "192.168.0.4"},
			ObjectRef:                &ObjectReference{Resource: "secrets", Namespace: "production", Name: "db-password", APIVersion: "v1"},
			ResponseCode:             ptr[int64](200),
			RequestReceivedTimestamp: "2026-11-24T10:05:00.000Z", StageTimestamp: "2026-11-24T10:05:00.010Z",
		}},
		{"patch secret, forbidden, offset time", patchSecret, Event{
			AuditID: "a2", Stage: "ResponseComplete", Level: "Request", Verb: "patch",
			RequestURI: "/api/v1/namespaces/production/secrets/db-password", UserAgent: "argocd/v2.11",
			User: UserInfo{Username: "system:serviceaccount:ci:deployer", UID: "sa-7",
				Groups: []string{"system:serviceaccounts", "system:serviceaccounts:ci", "system:authenticated"}},
			SourceIPs:                []string{"10.0.9.2"},
			ObjectRef:                &ObjectReference{Resource: "secrets", Namespace: "production", Name: "db-password", APIVersion: "v1"},
			ResponseCode:             ptr[int64](403),
			RequestReceivedTimestamp: "2026-11-24T10:00:00.500Z", StageTimestamp: "2026-11-24T10:00:00.600Z",
			Annotations: map[string]string{"authorization.k8s.io/decision": "forbid", "authorization.k8s.io/reason": ""},
		}},
		{"exec into a pod", execPod, Event{
			AuditID: "a3", Stage: "ResponseStarted", Level: "Metadata", Verb: "create",
			RequestURI:               "/api/v1/namespaces/shop/pods/web-0/exec?command=sh&container=web&stdin=true&stdout=true&tty=true",
			UserAgent:                "kubectl/v1.30.2",
			User:                     UserInfo{Username: "alice", Groups: []string{"dev", "system:authenticated"}},
			SourceIPs:                []string{"10.0.3.17"},
			ObjectRef:                &ObjectReference{Resource: "pods", Subresource: "exec", Namespace: "shop", Name: "web-0", APIVersion: "v1"},
			ResponseCode:             ptr[int64](101),
			RequestReceivedTimestamp: "2026-11-24T10:01:00.000Z", StageTimestamp: "2026-11-24T10:01:00.050Z",
			Annotations: map[string]string{"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "RBAC: allowed"},
		}},
		{"anonymous", anonymous, Event{
			AuditID: "a4", Stage: "ResponseComplete", Level: "Metadata", Verb: "list",
			RequestURI: "/api/v1/namespaces/kube-system/secrets", UserAgent: "curl/8.5.0",
			User:                     UserInfo{Username: "system:anonymous", Groups: []string{"system:unauthenticated"}},
			SourceIPs:                []string{"203.0.113.9"},
			ObjectRef:                &ObjectReference{Resource: "secrets", Namespace: "kube-system", APIVersion: "v1"},
			ResponseCode:             ptr[int64](403),
			RequestReceivedTimestamp: "2026-11-24T10:02:00.000Z", StageTimestamp: "2026-11-24T10:02:00.000Z",
			Annotations: map[string]string{"authorization.k8s.io/decision": "forbid", "authorization.k8s.io/reason": ""},
		}},
		{"impersonation", impersonation, Event{
			AuditID: "a5", Stage: "ResponseComplete", Level: "Metadata", Verb: "get",
			RequestURI: "/apis/apps/v1/namespaces/shop/deployments/web", UserAgent: "kubectl/v1.30.2",
			User:                     UserInfo{Username: "admin", Groups: []string{"system:masters", "system:authenticated"}},
			ImpersonatedUser:         &UserInfo{Username: "carol", Groups: []string{"qa"}},
			SourceIPs:                []string{"10.0.0.5"},
			ObjectRef:                &ObjectReference{Resource: "deployments", Namespace: "shop", Name: "web", APIGroup: "apps", APIVersion: "v1"},
			ResponseCode:             ptr[int64](200),
			RequestReceivedTimestamp: "2026-11-24T10:03:00.000Z", StageTimestamp: "2026-11-24T10:03:00.001Z",
		}},
		{"v1beta1, timestamp for requestReceivedTimestamp", v1beta1, Event{
			AuditID: "b1", Stage: "ResponseComplete", Level: "Metadata", Verb: "list", RequestURI: "/api/v1/nodes",
			User:                     UserInfo{Username: "kubelet", Groups: []string{"system:nodes"}},
			SourceIPs:                []string{"10.1.1.1"},
			ObjectRef:                &ObjectReference{Resource: "nodes", APIVersion: "v1"},
			ResponseCode:             ptr[int64](200),
			RequestReceivedTimestamp: "2019-05-01T08:00:00.000Z", StageTimestamp: "2019-05-01T08:00:00.002Z",
		}},
		{"no objectRef, no responseStatus, padded", bare, Event{
			AuditID: "a6", Stage: "RequestReceived", Level: "Metadata", Verb: "get", RequestURI: "/healthz",
			UserAgent: "kube-probe/1.30", User: UserInfo{Username: "system:kube-probe"},
			RequestReceivedTimestamp: "2026-11-24T10:04:00.000Z", StageTimestamp: "2026-11-24T10:04:00.000Z",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, kind := Parse(tt.content)
			ok := kind == IsEvent
			if !ok || got == nil {
				t.Fatalf("Parse() = %v, %v; want an event", got, ok)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("Parse() =\n%#v\nwant\n%#v", *got, tt.want)
			}
		})
	}
}

func TestParseNotEvents(t *testing.T) {
	for name, content := range map[string]string{
		"empty":            "",
		"blank":            " \n\t",
		"free text":        "listImageTags failed, Method: GET Url=/v2/library/nginx/tags/list, Reason: 401 Unauthorized",
		"free text naming": "audit.k8s.io/v1 Event dropped: buffer full",
		"other kind":       `{"kind":"Pod","apiVersion":"v1"}`,
		"other api":        `{"kind":"Event","apiVersion":"v1","reason":"Scheduled"}`, // a core/v1 Event
		"array":            `[{"kind":"Event","apiVersion":"audit.k8s.io/v1"}]`,
		"string":           `"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\"}"`,
		"prefixed":         "I1124 10:00:00 " + createSecret,
	} {
		t.Run(name, func(t *testing.T) {
			if ev, kind := Parse(content); kind != FreeText || ev != nil {
				t.Errorf("Parse(%.60q) = %+v, %v; want nil, free text", content, ev, kind)
			}
		})
	}
}

// Content that claims to be an audit event and fails strict parsing is
// malformed: never an event, never taken for free text.
func TestParseMalformed(t *testing.T) {
	for name, content := range map[string]string{
		"pod, audit api":         `{"kind":"Pod","apiVersion":"audit.k8s.io/v1"}`,
		"no kind":                `{"apiVersion":"audit.k8s.io/v1","verb":"get"}`,
		"kind not a string":      `{"kind":["Event"],"apiVersion":"audit.k8s.io/v1"}`,
		"kind in lower case":     `{"kind":"event","apiVersion":"audit.k8s.io/v1","verb":"delete"}`,
		"event list":             `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[]}`,
		"escaped api version":    `{"kind":"event","apiVersion":"audit\u002ek8s.io/v1"}`,
		"upper-case api key":     `{"kind":"Event","APIVERSION":"audit.k8s.io/v1","verb":"get"}`,
		"truncated":              createSecret[:len(createSecret)/2],
		"missing brace":          createSecret[:len(createSecret)-1],
		"trailing garbage":       createSecret + ` and more`,
		"two events":             createSecret + "\n" + deleteSecret,
		"duplicate verb":         `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","user":{"username":"alice"},"verb":"list"}`,
		"case-variant verb":      `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"delete","Verb":"list"}`,
		"upper-case user":        `{"kind":"Event","apiVersion":"audit.k8s.io/v1","user":{"username":"alice"},"USER":{"username":"admin"}}`,
		"kelvin-sign kind":       `{"kind":"Event","apiVersion":"audit.k8s.io/v1","\u212aind":"Pod"}`,
		"duplicate username":     `{"kind":"Event","apiVersion":"audit.k8s.io/v1","user":{"username":"alice","username":"system:admin"}}`,
		"case-variant resource":  `{"kind":"Event","apiVersion":"audit.k8s.io/v1","objectRef":{"resource":"secrets","Resource":"pods"}}`,
		"duplicate annotation":   `{"kind":"Event","apiVersion":"audit.k8s.io/v1","annotations":{"a":"1","a":"2"}}`,
		"too deep":               `{"kind":"Event","apiVersion":"audit.k8s.io/v1","requestObject":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`,
		"invalid escape":         `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"\q"}`,
		"control char in string": "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"verb\":\"de\x01lete\"}",
		"bad number":             `{"kind":"Event","apiVersion":"audit.k8s.io/v1","responseStatus":{"code":01}}`,
	} {
		t.Run(name, func(t *testing.T) {
			if ev, kind := Parse(content); kind != Malformed || ev != nil {
				t.Errorf("Parse(%.80q) = %+v, %v; want nil, malformed", content, ev, kind)
			}
		})
	}
	// Inside requestObject and responseObject, keys are the object's business.
	ok := `{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"create","requestObject":{"data":{"a":"1","a":"2","A":"3"},"Kind":"Secret","kind":"Secret"}}`
	if ev, kind := Parse(ok); kind != IsEvent || ev.Verb != "create" {
		t.Errorf("Parse(%q) = %+v, %v; want an event", ok, ev, kind)
	}
	if got := MalformedAuditID(`{"kind":"event","apiVersion":"audit.k8s.io/v1","auditID":"a-1"}`); got != "a-1" {
		t.Errorf("MalformedAuditID = %q", got)
	}
}

// One field of an unexpected type loses that field, never the event.
func TestParseLenient(t *testing.T) {
	content := `{"kind":"Event","apiVersion":"audit.k8s.io/v1",
		"auditID":12345,"stage":null,"level":{"x":1},"verb":"get","requestURI":true,
		"user":{"username":"d\u00e9v\/ops","uid":7,"groups":["a",1,null,{"b":2},["c"],"caf\u00e9"]},
		"impersonatedUser":"carol",
		"sourceIPs":"10.0.0.1",
		"objectRef":{"resource":"secrets","namespace":["x"],"name":1e3},
		"responseStatus":{"code":"200"},
		"requestReceivedTimestamp":"yesterday","stageTimestamp":1795514400,
		"annotations":{"a":"x","n":1.5,"b":false,"o":{"k":"v"},"l":[],"z":null},
		"userAgent":"\u0000ok"}`
	got, kind := Parse(content)
	ok := kind == IsEvent
	if !ok {
		t.Fatal("Parse() = false; want a lenient event")
	}
	want := Event{
		AuditID: "12345", Verb: "get", RequestURI: "true", UserAgent: "\x00ok",
		User:         UserInfo{Username: "dév/ops", UID: "7", Groups: []string{"a", "1", "café"}},
		ObjectRef:    &ObjectReference{Resource: "secrets", Name: "1e3"},
		ResponseCode: ptr[int64](200),
		Annotations:  map[string]string{"a": "x", "n": "1.5", "b": "false"},
	}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("Parse() =\n%#v\nwant\n%#v", *got, want)
	}
}

func TestParseResponseCode(t *testing.T) {
	for raw, want := range map[string]*int64{
		`200`: ptr[int64](200), `"404"`: ptr[int64](404), `2e2`: ptr[int64](200), `"5e2"`: ptr[int64](500),
		`200.5`: nil, `"OK"`: nil, `null`: nil, `{}`: nil, `1e300`: nil, `"NaN"`: nil, `true`: nil,
	} {
		ev, kind := Parse(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":"get","responseStatus":{"code":` + raw + `}}`)
		ok := kind == IsEvent
		if !ok {
			t.Fatalf("code %s: not an event", raw)
		}
		if !reflect.DeepEqual(ev.ResponseCode, want) {
			t.Errorf("code %s: ResponseCode = %v; want %v", raw, deref(ev.ResponseCode), deref(want))
		}
	}
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestParseTimestamps(t *testing.T) {
	for raw, want := range map[string]string{
		// Always three fractional digits, truncated: the texts sort as the times.
		`"2026-11-24T10:00:00Z"`:           "2026-11-24T10:00:00.000Z",
		`"2026-11-24T10:00:00.000000Z"`:    "2026-11-24T10:00:00.000Z",
		`"2026-11-24T10:00:00.5Z"`:         "2026-11-24T10:00:00.500Z",
		`"2026-11-24T10:00:00.123456789Z"`: "2026-11-24T10:00:00.123Z",
		`"2026-11-24T10:00:00.999999Z"`:    "2026-11-24T10:00:00.999Z",
		`"2026-11-24T11:30:00.25+01:30"`:   "2026-11-24T10:00:00.250Z",
		`"2026-11-24 10:00:00"`:            "",
		`"0000-01-01T00:00:00+01:00"`:      "", // year -1 in UTC
		`"9999-12-31T23:00:00-01:00"`:      "", // year 10000 in UTC
		`"0000-01-01T00:00:00-01:00"`:      "0000-01-01T01:00:00.000Z",
		`1795514400000`:                    "",
		`null`:                             "",
	} {
		ev, kind := Parse(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","stageTimestamp":` + raw + `}`)
		ok := kind == IsEvent
		if !ok {
			t.Fatalf("%s: not an event", raw)
		}
		if ev.StageTimestamp != want {
			t.Errorf("stageTimestamp %s -> %q; want %q", raw, ev.StageTimestamp, want)
		}
	}
}

// Empty objects tell nothing, so they read as absent; an empty
// annotations map is kept, as the event said so.
func TestParseEmptyParts(t *testing.T) {
	ev, kind := Parse(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","impersonatedUser":{},"objectRef":{"uid":"x"},"responseStatus":{},"annotations":{},"sourceIPs":[]}`)
	ok := kind == IsEvent
	if !ok {
		t.Fatal("not an event")
	}
	if ev.ImpersonatedUser != nil || ev.ObjectRef != nil || ev.ResponseCode != nil {
		t.Errorf("got %+v, %+v, %v; want all nil", ev.ImpersonatedUser, ev.ObjectRef, ev.ResponseCode)
	}
	if ev.Annotations == nil || len(ev.Annotations) != 0 {
		t.Errorf("Annotations = %#v; want empty, not nil", ev.Annotations)
	}
	if ev.SourceIPs == nil || len(ev.SourceIPs) != 0 {
		t.Errorf("SourceIPs = %#v; want empty, not nil", ev.SourceIPs)
	}
}
