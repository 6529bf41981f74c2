package auditlogs

import (
	"context"
	"fmt"
	"math/big"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hss-tf/terraform-provider-hss/internal/functions"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
)

// valueTypes are the Terraform types of the state, taken once from the
// schema so the values built here always match it.
type valueTypes struct {
	state, record, event, user, impersonated, objectRef tftypes.Object
	records, strings                                    tftypes.List
	annotations                                         tftypes.Map
}

var stateTypes = sync.OnceValue(func() valueTypes {
	ctx := context.Background()
	state := Schema(ctx).Type().TerraformType(ctx).(tftypes.Object) //nolint:forcetypeassert // a schema is an object
	records := state.AttributeTypes["data_list"].(tftypes.List)     //nolint:forcetypeassert // see schema.go
	record := records.ElementType.(tftypes.Object)                  //nolint:forcetypeassert // see schema.go
	event := record.AttributeTypes["event"].(tftypes.Object)        //nolint:forcetypeassert // see event_schema.go
	return valueTypes{
		state: state, record: record, event: event, records: records,
		user:         event.AttributeTypes["user"].(tftypes.Object),              //nolint:forcetypeassert // see event_schema.go
		impersonated: event.AttributeTypes["impersonated_user"].(tftypes.Object), //nolint:forcetypeassert // see event_schema.go
		objectRef:    event.AttributeTypes["object_ref"].(tftypes.Object),        //nolint:forcetypeassert // see event_schema.go
		strings:      event.AttributeTypes["source_ips"].(tftypes.List),          //nolint:forcetypeassert // see event_schema.go
		annotations:  event.AttributeTypes["annotations"].(tftypes.Map),          //nolint:forcetypeassert // see event_schema.go
	}
})

// stateValue is the data source's new state: the configuration as given,
// the defaults applied, and the records read. It is the one place records
// become Terraform values. Zero records give data_list = [], never null.
func stateValue(ctx context.Context, config tftypes.Value, m *model, id string, out outcome) (tftypes.Value, error) {
	t := stateTypes()
	attrs := map[string]tftypes.Value{}
	if err := config.As(&attrs); err != nil {
		return tftypes.Value{}, fmt.Errorf("reading the configuration: %w", err)
	}
	for name, v := range map[string]interface {
		ToTerraformValue(context.Context) (tftypes.Value, error)
	}{"region": m.Region, "enterprise_project_id": m.EnterpriseProjectID, "limit": m.Limit, "offset": m.Offset} {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			return tftypes.Value{}, err
		}
		attrs[name] = tv
	}
	attrs["id"] = tftypes.NewValue(tftypes.String, id)
	attrs["total_num"] = number(out.total)
	recs := make([]tftypes.Value, len(out.rows))
	for i := range out.rows {
		recs[i] = recordValue(t, &out.rows[i])
	}
	attrs["data_list"] = tftypes.NewValue(t.records, recs)
	return tftypes.NewValue(t.state, attrs), nil
}

func recordValue(t valueTypes, r *row) tftypes.Value {
	return tftypes.NewValue(t.record, map[string]tftypes.Value{
		"cluster_name": text(r.ClusterName),
		"cluster_id":   text(r.ClusterID),
		"time":         number(r.Time),
		"content":      text(r.Content),
		"cluster_type": text(r.ClusterType),
		"host_id":      text(r.HostID),
		"host_name":    text(r.HostName),
		"host_ip":      text(r.HostIP),
		"line_num":     textOrNull(r.LineNum),
		"time_rfc3339": text(functions.FormatUnixMilli(r.Time)),
		"event":        eventValue(t, r.Event),
	})
}

// eventValue is null without an event; inside one, objects and lists are
// never null, so expressions such as event.object_ref.resource work.
func eventValue(t valueTypes, ev *k8saudit.Event) tftypes.Value {
	if ev == nil {
		return tftypes.NewValue(t.event, nil)
	}
	impersonated := textOrNull("")
	if ev.ImpersonatedUser != nil {
		impersonated = textOrNull(ev.ImpersonatedUser.Username)
	}
	ref := ev.ObjectRef
	if ref == nil {
		ref = &k8saudit.ObjectReference{}
	}
	code := tftypes.NewValue(tftypes.Number, nil)
	if ev.ResponseCode != nil {
		code = number(*ev.ResponseCode)
	}
	annotations := make(map[string]tftypes.Value, len(ev.Annotations))
	for k, v := range ev.Annotations {
		annotations[k] = text(v)
	}
	return tftypes.NewValue(t.event, map[string]tftypes.Value{
		"audit_id":    textOrNull(ev.AuditID),
		"stage":       textOrNull(ev.Stage),
		"level":       textOrNull(ev.Level),
		"verb":        textOrNull(ev.Verb),
		"request_uri": textOrNull(ev.RequestURI),
		"user": tftypes.NewValue(t.user, map[string]tftypes.Value{
			"username": textOrNull(ev.User.Username),
			"uid":      textOrNull(ev.User.UID),
			"groups":   textList(t, ev.User.Groups),
		}),
		"impersonated_user": tftypes.NewValue(t.impersonated, map[string]tftypes.Value{"username": impersonated}),
		"source_ips":        textList(t, ev.SourceIPs),
		"user_agent":        textOrNull(ev.UserAgent),
		"object_ref": tftypes.NewValue(t.objectRef, map[string]tftypes.Value{
			"resource":    textOrNull(ref.Resource),
			"subresource": textOrNull(ref.Subresource),
			"namespace":   textOrNull(ref.Namespace),
			"name":        textOrNull(ref.Name),
			"api_group":   textOrNull(ref.APIGroup),
			"api_version": textOrNull(ref.APIVersion),
		}),
		"response_code":              code,
		"request_received_timestamp": textOrNull(ev.RequestReceivedTimestamp),
		"stage_timestamp":            textOrNull(ev.StageTimestamp),
		"annotations":                tftypes.NewValue(t.annotations, annotations),
	})
}

func text(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// textOrNull maps the service's "absent" (an empty string) to null.
func textOrNull(s string) tftypes.Value {
	if s == "" {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return text(s)
}

func number(n int64) tftypes.Value {
	return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(n))
}

// textList is never null: [] when there is nothing.
func textList(t valueTypes, vs []string) tftypes.Value {
	out := make([]tftypes.Value, len(vs))
	for i, v := range vs {
		out[i] = text(v)
	}
	return tftypes.NewValue(t.strings, out)
}
