package auditlogs

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hss-tf/terraform-provider-hss/internal/functions"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
)

// records converts read rows to state, in order. It is the one place rows
// become Terraform values. Zero rows give an empty, non-nil slice:
// data_list is [] then, never null.
func records(in []row) []recordModel {
	out := make([]recordModel, len(in))
	for i, r := range in {
		out[i] = recordModel{
			ClusterName: types.StringValue(r.ClusterName),
			ClusterID:   types.StringValue(r.ClusterID),
			Time:        types.Int64Value(r.Time),
			Content:     types.StringValue(r.Content),
			ClusterType: types.StringValue(r.ClusterType),
			HostID:      types.StringValue(r.HostID),
			HostName:    types.StringValue(r.HostName),
			HostIP:      types.StringValue(r.HostIP),
			LineNum:     nullIfEmpty(r.LineNum),
			TimeRFC3339: types.StringValue(functions.FormatUnixMilli(r.Time)),
			Event:       event(r.Event),
		}
	}
	return out
}

func event(ev *k8saudit.Event) *eventModel {
	if ev == nil {
		return nil
	}
	m := &eventModel{
		AuditID:    nullIfEmpty(ev.AuditID),
		Stage:      nullIfEmpty(ev.Stage),
		Level:      nullIfEmpty(ev.Level),
		Verb:       nullIfEmpty(ev.Verb),
		RequestURI: nullIfEmpty(ev.RequestURI),
		User: userModel{
			Username: nullIfEmpty(ev.User.Username),
			UID:      nullIfEmpty(ev.User.UID),
			Groups:   stringList(ev.User.Groups),
		},
		ImpersonatedUser:         impersonatedModel{Username: types.StringNull()},
		SourceIPs:                stringList(ev.SourceIPs),
		UserAgent:                nullIfEmpty(ev.UserAgent),
		ObjectRef:                objectRef(ev.ObjectRef),
		ResponseCode:             types.Int64PointerValue(ev.ResponseCode),
		RequestReceivedTimestamp: nullIfEmpty(ev.RequestReceivedTimestamp),
		StageTimestamp:           nullIfEmpty(ev.StageTimestamp),
		Annotations:              make(map[string]types.String, len(ev.Annotations)),
	}
	if ev.ImpersonatedUser != nil {
		m.ImpersonatedUser.Username = nullIfEmpty(ev.ImpersonatedUser.Username)
	}
	for k, v := range ev.Annotations {
		m.Annotations[k] = types.StringValue(v)
	}
	return m
}

func objectRef(r *k8saudit.ObjectReference) objectRefModel {
	if r == nil {
		r = &k8saudit.ObjectReference{}
	}
	return objectRefModel{
		Resource:    nullIfEmpty(r.Resource),
		Subresource: nullIfEmpty(r.Subresource),
		Namespace:   nullIfEmpty(r.Namespace),
		Name:        nullIfEmpty(r.Name),
		APIGroup:    nullIfEmpty(r.APIGroup),
		APIVersion:  nullIfEmpty(r.APIVersion),
	}
}

// stringList is never nil, so the attribute is [] rather than null.
func stringList(vs []string) []types.String {
	out := make([]types.String, len(vs))
	for i, v := range vs {
		out[i] = types.StringValue(v)
	}
	return out
}
