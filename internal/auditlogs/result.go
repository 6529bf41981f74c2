package auditlogs

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
)

// records converts the client's records to state, in order. It is the one
// place records become Terraform values. Zero records give an empty,
// non-nil slice: data_list is [] then, never null.
func records(in []hss.Record) []recordModel {
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
		}
	}
	return out
}
