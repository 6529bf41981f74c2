// Package k8saudit reads an HSS audit-log record's content as a Kubernetes
// audit event (audit.k8s.io/v1, or the older v1beta1). It knows nothing of
// Terraform or HTTP.
//
// The service stores whatever the cluster logged: usually one JSON Event,
// sometimes free text from another component. Parse tells the two apart
// cheaply, because a read may hold tens of thousands of records, and
// decodes an event leniently: one field of an unexpected type loses that
// field, never the event.
package k8saudit

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/timefmt"
)

// UserInfo is who made, or was impersonated in, the request.
type UserInfo struct {
	Username string
	UID      string
	Groups   []string
}

// ObjectReference is the object the request was about.
type ObjectReference struct {
	Resource    string
	Subresource string
	Namespace   string
	Name        string
	APIGroup    string
	APIVersion  string
}

// Event is the part of a Kubernetes audit event this provider exposes.
type Event struct {
	AuditID    string
	Stage      string
	Level      string
	Verb       string
	RequestURI string
	UserAgent  string

	User             UserInfo
	ImpersonatedUser *UserInfo // nil when absent or empty
	SourceIPs        []string
	ObjectRef        *ObjectReference // nil when absent or empty
	ResponseCode     *int64           // responseStatus.code; nil when absent

	// RFC 3339 in UTC with three fractional digits (timefmt); "" when
	// absent or unparseable.
	RequestReceivedTimestamp string
	StageTimestamp           string

	Annotations map[string]string // nil when absent
}

// wireEvent holds only the fields we expose; encoding/json skips the rest
// (requestObject and responseObject can be large) without allocating.
type wireEvent struct {
	Kind             text        `json:"kind"`
	APIVersion       text        `json:"apiVersion"`
	AuditID          text        `json:"auditID"`
	Stage            text        `json:"stage"`
	Level            text        `json:"level"`
	Verb             text        `json:"verb"`
	RequestURI       text        `json:"requestURI"`
	UserAgent        text        `json:"userAgent"`
	User             wireUser    `json:"user"`
	ImpersonatedUser *wireUser   `json:"impersonatedUser"`
	SourceIPs        []text      `json:"sourceIPs"`
	ObjectRef        *wireObject `json:"objectRef"`
	ResponseStatus   *struct {
		Code integer `json:"code"`
	} `json:"responseStatus"`
	RequestReceivedTimestamp text            `json:"requestReceivedTimestamp"`
	StageTimestamp           text            `json:"stageTimestamp"`
	Timestamp                text            `json:"timestamp"` // v1beta1's older name for requestReceivedTimestamp
	Annotations              map[string]text `json:"annotations"`
}

type wireUser struct {
	Username text   `json:"username"`
	UID      text   `json:"uid"`
	Groups   []text `json:"groups"`
}

type wireObject struct {
	Resource    text `json:"resource"`
	Subresource text `json:"subresource"`
	Namespace   text `json:"namespace"`
	Name        text `json:"name"`
	APIGroup    text `json:"apiGroup"`
	APIVersion  text `json:"apiVersion"`
}

// Parse tells what content is (see Kind) and decodes an event. Free text
// and JSON that is not an audit event give (nil, FreeText); content that
// claims to be an event but fails strict parsing gives (nil, Malformed).
func Parse(content string) (*Event, Kind) {
	if !mayBeEvent(content) {
		return nil, FreeText
	}
	switch claims, strict, _ := strictCheck(content); {
	case !claims:
		return nil, FreeText
	case !strict:
		return nil, Malformed
	}
	var w wireEvent
	if err := json.Unmarshal([]byte(content), &w); err != nil {
		// A type mismatch (say, "user": "bob") leaves that field zero and
		// the rest decoded; anything else means the content is not JSON.
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) {
			return nil, Malformed // the strict check let it through; encoding/json did not
		}
	}
	if w.Kind.s != "Event" || (w.APIVersion.s != "audit.k8s.io/v1" && w.APIVersion.s != "audit.k8s.io/v1beta1") {
		return nil, Malformed
	}
	ev := &Event{
		AuditID:                  w.AuditID.s,
		Stage:                    w.Stage.s,
		Level:                    w.Level.s,
		Verb:                     w.Verb.s,
		RequestURI:               w.RequestURI.s,
		UserAgent:                w.UserAgent.s,
		User:                     w.User.info(),
		SourceIPs:                texts(w.SourceIPs),
		RequestReceivedTimestamp: timestamp(w.RequestReceivedTimestamp.s),
		StageTimestamp:           timestamp(w.StageTimestamp.s),
	}
	if ev.RequestReceivedTimestamp == "" {
		ev.RequestReceivedTimestamp = timestamp(w.Timestamp.s)
	}
	// encoding/json allocates a pointer before it finds a type mismatch,
	// so an empty value is treated as absent: it tells nothing either way.
	if w.ImpersonatedUser != nil {
		if u := w.ImpersonatedUser.info(); u.Username != "" || u.UID != "" || len(u.Groups) > 0 {
			ev.ImpersonatedUser = &u
		}
	}
	if o := w.ObjectRef; o != nil {
		ref := ObjectReference{
			Resource: o.Resource.s, Subresource: o.Subresource.s, Namespace: o.Namespace.s,
			Name: o.Name.s, APIGroup: o.APIGroup.s, APIVersion: o.APIVersion.s,
		}
		if ref != (ObjectReference{}) {
			ev.ObjectRef = &ref
		}
	}
	if w.ResponseStatus != nil && w.ResponseStatus.Code.ok {
		code := w.ResponseStatus.Code.v
		ev.ResponseCode = &code
	}
	if w.Annotations != nil {
		ev.Annotations = make(map[string]string, len(w.Annotations))
		for k, v := range w.Annotations {
			if v.ok {
				ev.Annotations[k] = v.s
			}
		}
	}
	return ev, IsEvent
}

// mayBeEvent is the cheap test that spares free text and foreign JSON the
// checks.
func mayBeEvent(content string) bool {
	s := strings.TrimLeft(content, " \t\r\n")
	if len(s) == 0 || s[0] != '{' {
		return false
	}
	// Cheap before the full check: the words of an event's claim, in any
	// case, or an escape that could hide them.
	return strings.Contains(s, `\u`) || containsFold(s, "audit.k8s.io")
}

// containsFold reports whether s holds sub in any ASCII case; sub is lower case.
func containsFold(s, sub string) bool {
	if strings.Contains(s, sub) {
		return true
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i]|0x20 == sub[0]|0x20 && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// MalformedAuditID is the auditID a malformed event's content shows, as
// far as it can be read, for messages; "" when none.
func MalformedAuditID(content string) string {
	_, _, id := strictCheck(content)
	return id
}

func (u wireUser) info() UserInfo {
	return UserInfo{Username: u.Username.s, UID: u.UID.s, Groups: texts(u.Groups)}
}

// texts keeps the scalar elements of a list; nil stays nil.
func texts(in []text) []string {
	if in == nil {
		return nil
	}
	out := make([]string, 0, len(in))
	for _, t := range in {
		if t.ok {
			out = append(out, t.s)
		}
	}
	return out
}

// timestamp normalises an RFC 3339 time to the provider's one format (UTC,
// three fractional digits: see timefmt), or gives "". Kubernetes writes
// microseconds in UTC; they are truncated to the millisecond, the
// precision of the record's own time, so every time the provider writes
// sorts as text. Other writers may add an offset.
func timestamp(s string) string {
	if s == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return ""
	}
	// An offset can push year 0000 or 9999 out of what RFC 3339 can write.
	out, _ := timefmt.Time(t)
	return out
}

// Stages are the stages at which the API server audits a request.
var Stages = []string{"RequestReceived", "ResponseStarted", "ResponseComplete", "Panic"}
