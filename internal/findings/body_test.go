package findings

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseBodies(t *testing.T) {
	const (
		tokenValue = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0.c2ln"
		dataValue  = "cGFzc3dvcmQ="
		plainValue = "correct horse battery staple"
	)
	shell := Container{Name: "shell", Image: "busybox:1.36", Privileged: true}
	app := Container{Name: "app", Image: "nginx:1.27"}
	secret := `{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db-creds","namespace":"default",` +
		`"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"password\":\"` + dataValue + `\"}}"}},` +
		`"data":{"password":"` + dataValue + `"},"stringData":{"password":"` + plainValue + `"},"type":"Opaque"}`

	for _, c := range []struct {
		name    string
		content string
		want    *Bodies
	}{
		{"Metadata level", newEvent(ref("secrets", "", "default", "db-creds")).JSON(), &Bodies{}},
		{"RequestReceived", newEvent(atReceipt(), verb("create"), ref("pods", "", "default", "p"), req(pod("p", "default", privileged))).JSON(), &Bodies{}},
		{"not JSON, no bodies", "plain text", &Bodies{}},
		{"not JSON", "plain text naming a requestObject", nil},
		{"truncated", `{"requestObject":{"kind":"Pod"`, nil},
		{"not an object", `["requestObject"]`, nil},
		{"null bodies", `{"requestObject":null,"responseObject":null}`, &Bodies{}},
		{"request only", `{"requestObject":{"kind":"Pod","metadata":{"name":"p","namespace":"ns"}}}`,
			&Bodies{Request: &Object{Kind: "Pod", Name: "p", Namespace: "ns"}}},
		{"an escaped key", `{"request\u004fbject":{"kind":"Pod","metadata":{"name":"p"}}}`,
			&Bodies{Request: &Object{Kind: "Pod", Name: "p"}}},
		{"JSON patch and the patched object",
			newEvent(verb("patch"), ref("pods", "", "default", "web-0"),
				req(`[{"op":"replace","path":"/spec/containers/0/image","value":"busybox:1.36"}]`),
				resp(pod("web-0", "default", `{"containers":[{"name":"app","image":"nginx:1.27"}]}`))).JSON(),
			&Bodies{Request: &Object{Patch: true}, Response: &Object{Kind: "Pod", Name: "web-0", Namespace: "default",
				Pods: []PodSpec{{Containers: []Container{app}}}}}},
		{"an empty JSON patch", `{"requestObject":[]}`, &Bodies{Request: &Object{Patch: true}}},
		{"a Status response", newEvent(verb("create"), ref("clusterrolebindings", "", "", "pwn"),
			req(binding("ClusterRoleBinding", "pwn", "", "cluster-admin")), resp(status409), code(409)).JSON(),
			&Bodies{Request: &Object{Kind: "ClusterRoleBinding", Name: "pwn", RoleRef: &RoleRef{Kind: "ClusterRole", Name: "cluster-admin"}},
				Response: &Object{Kind: "Status"}}},
		{"a Secret: no data, stringData or annotations", `{"requestObject":` + secret + `,"responseObject":` + secret + `}`,
			&Bodies{Request: &Object{Kind: "Secret", Name: "db-creds", Namespace: "default"}, Response: &Object{Kind: "Secret", Name: "db-creds", Namespace: "default"}}},
		{"a TokenReview: no token", `{"requestObject":{"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},` +
			`"spec":{"token":"` + tokenValue + `","audiences":["api"]},"status":{"authenticated":true,"user":{"username":"system:serviceaccount:default:x"}}}}`,
			&Bodies{Request: &Object{Kind: "TokenReview"}}},
		{"a TokenRequest: no token", `{"responseObject":{"kind":"TokenRequest","metadata":{"name":"build-robot","namespace":"default"},` +
			`"spec":{"audiences":["api"],"expirationSeconds":3600},"status":{"token":"` + tokenValue + `","expirationTimestamp":"2025-10-09T09:53:20Z"}}}`,
			&Bodies{Response: &Object{Kind: "TokenRequest", Name: "build-robot", Namespace: "default"}}},
		{"a pod's env values", `{"requestObject":` + pod("p", "default", `{"containers":[{"name":"app","image":"nginx:1.27",`+
			`"env":[{"name":"PASSWORD","value":"`+plainValue+`"}],"args":["--token=`+tokenValue+`"]}]}`) + `}`,
			&Bodies{Request: &Object{Kind: "Pod", Name: "p", Namespace: "default", Pods: []PodSpec{{Containers: []Container{app}}}}}},
		{"a ClusterRole's rules", `{"requestObject":` + role("ClusterRole", "r", "", `[{"apiGroups":[""],"resources":["pods","secrets"],"verbs":["get"]},{"nonResourceURLs":["/metrics"],"verbs":["get"]}]`) + `}`,
			&Bodies{Request: &Object{Kind: "ClusterRole", Name: "r", Rules: []PolicyRule{{Verbs: []string{"get"}, Resources: []string{"pods", "secrets"}}, {Verbs: []string{"get"}}}}}},
		{"a Pod: containers, init and ephemeral, volumes, namespaces", `{"responseObject":` + pod("p", "default",
			`{"hostNetwork":true,"hostIPC":true,"initContainers":[{"name":"init","image":"alpine:3.20","securityContext":{"privileged":false}}],`+
				`"containers":[{"name":"shell","image":"busybox:1.36","securityContext":{"privileged":true}},{"name":"app","image":"nginx:1.27","securityContext":{}}],`+
				`"ephemeralContainers":[{"name":"debugger","image":"busybox:1.36","securityContext":{"privileged":true}}],`+
				`"volumes":[{"name":"a","hostPath":{"path":"/etc","type":"Directory"}},{"name":"b","configMap":{"name":"c"}},{"name":"c","hostPath":{"path":"relative"}}]}`) + `}`,
			&Bodies{Response: &Object{Kind: "Pod", Name: "p", Namespace: "default", Pods: []PodSpec{{HostNetwork: true, HostIPC: true,
				Containers: []Container{shell, app, {Name: "init", Image: "alpine:3.20"}, {Name: "debugger", Image: "busybox:1.36", Privileged: true}},
				HostPaths:  []string{"/etc", "relative"}}}}}},
		{"a Deployment: the template only", `{"requestObject":` + workload("Deployment", "apps/v1", "d", "default", `{"hostPID":true,"containers":[{"name":"app","image":"nginx:1.27"}]}`) + `}`,
			&Bodies{Request: &Object{Kind: "Deployment", Name: "d", Namespace: "default", Pods: []PodSpec{{HostPID: true, Containers: []Container{app}}}}}},
		{"a CronJob: the job template's", `{"requestObject":` + cronJob("c", privileged) + `}`,
			&Bodies{Request: &Object{Kind: "CronJob", Name: "c", Namespace: "default", Pods: []PodSpec{{Containers: []Container{shell}}}}}},
		{"an ephemeral-container patch", `{"requestObject":{"spec":{"ephemeralContainers":[{"name":"debugger","image":"busybox:1.36","securityContext":{"privileged":true}}]}}}`,
			&Bodies{Request: &Object{Pods: []PodSpec{{Containers: []Container{{Name: "debugger", Image: "busybox:1.36", Privileged: true}}}}}}},
		{"a spec of no pod", `{"requestObject":{"kind":"Service","metadata":{"name":"s"},"spec":{"type":"NodePort","ports":[{"port":80}]}}}`,
			&Bodies{Request: &Object{Kind: "Service", Name: "s"}}},
		{"a template without a spec", `{"requestObject":{"kind":"Deployment","spec":{"template":{"metadata":{}},"jobTemplate":{"spec":{}}}}}`,
			&Bodies{Request: &Object{Kind: "Deployment"}}},
		// A field of an unexpected type loses that field, not the body.
		{"a field of the wrong type", `{"requestObject":{"kind":"Deployment","metadata":{"name":"d"},"spec":{"hostNetwork":"yes","containers":"x",` +
			`"template":{"spec":{"hostPID":true,"containers":[{"name":"shell","image":"busybox:1.36","securityContext":{"privileged":true}}]}}}}}`,
			&Bodies{Request: &Object{Kind: "Deployment", Name: "d", Pods: []PodSpec{{HostPID: true, Containers: []Container{shell}}}}}},
		{"a privileged of the wrong type", `{"requestObject":{"kind":"Pod","spec":{"containers":[{"name":"app","image":"nginx:1.27","securityContext":{"privileged":"true"}}]}}}`,
			&Bodies{Request: &Object{Kind: "Pod", Pods: []PodSpec{{Containers: []Container{app}}}}}},
		{"a body that is a string", `{"requestObject":"x","responseObject":42}`, &Bodies{Request: &Object{}, Response: &Object{}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ParseBodies(c.content)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("ParseBodies() =\n %s\nwant\n %s", show(got), show(c.want))
			}
			s := show(got)
			for _, secret := range []string{tokenValue, dataValue, plainValue, "PASSWORD"} {
				if strings.Contains(s, secret) {
					t.Errorf("ParseBodies() holds %q: %s", secret, s)
				}
			}
		})
	}
}

func show(b *Bodies) string {
	if b == nil {
		return "nil"
	}
	obj := func(o *Object) string {
		if o == nil {
			return "nil"
		}
		s := fmt.Sprintf("%+v", *o)
		if o.RoleRef != nil {
			s += fmt.Sprintf(" roleRef %+v", *o.RoleRef)
		}
		return s
	}
	return "request " + obj(b.Request) + "\n response " + obj(b.Response)
}

// The body types have no field that could carry secret material: no
// data, stringData, token, env, args or annotations.
func TestBodyTypesHoldNoSecrets(t *testing.T) {
	for typ, want := range map[reflect.Type][]string{
		reflect.TypeFor[Bodies]():     {"Request", "Response"},
		reflect.TypeFor[Object]():     {"Kind", "Name", "Namespace", "RoleRef", "Rules", "Pods", "Patch"},
		reflect.TypeFor[RoleRef]():    {"Kind", "Name"},
		reflect.TypeFor[PolicyRule](): {"Verbs", "Resources"},
		reflect.TypeFor[PodSpec]():    {"HostNetwork", "HostPID", "HostIPC", "Containers", "HostPaths"},
		reflect.TypeFor[Container]():  {"Name", "Image", "Privileged"},
	} {
		var got []string
		for i := range typ.NumField() {
			got = append(got, typ.Field(i).Name)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s has fields %v, want %v", typ, got, want)
		}
	}
}

// A rule judges the stored object when the response holds it, else the
// request; a JSON patch, or a Status alone, is no object.
func TestObjectJudged(t *testing.T) {
	crb := binding("ClusterRoleBinding", "pwn", "", "cluster-admin")
	view := binding("ClusterRoleBinding", "pwn", "", "view")
	patch := `[{"op":"replace","path":"/roleRef/name","value":"cluster-admin"}]`
	for _, c := range []struct {
		name      string
		req, resp string
		want      string // the roleRef judged; "" none
	}{
		{"request only", crb, "", "cluster-admin"},
		{"response over request", view, crb, "cluster-admin"},
		{"response over request, the other way", crb, view, "view"},
		{"a Status response: the request", crb, status409, "cluster-admin"},
		{"a JSON patch: the response", patch, crb, "cluster-admin"},
		{"a JSON patch and a Status", patch, status409, ""},
		{"a JSON patch alone", patch, "", ""},
		{"nothing", "", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			content := newEvent(verb("patch"), ref("clusterrolebindings", "", "", "pwn"), req(c.req), resp(c.resp)).JSON()
			in := &input{content: content}
			o := in.object()
			var got string
			if o != nil && o.RoleRef != nil {
				got = o.RoleRef.Name
			}
			if got != c.want || (o == nil) != (c.want == "") {
				t.Errorf("object() = %s, want roleRef %q", show(&Bodies{Request: o}), c.want)
			}
			if in.object() != o {
				t.Error("the bodies are parsed again")
			}
		})
	}
}
