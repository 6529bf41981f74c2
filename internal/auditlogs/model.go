package auditlogs

import (
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/patterns"
	"github.com/hss-tf/terraform-provider-hss/internal/providerdata"
)

// model is the data source's configuration and state.
type model struct {
	ID                  types.String   `tfsdk:"id"`
	Region              types.String   `tfsdk:"region"`
	EnterpriseProjectID types.String   `tfsdk:"enterprise_project_id"`
	ClusterID           types.String   `tfsdk:"cluster_id"`
	StartTime           types.Int64    `tfsdk:"start_time"`
	EndTime             types.Int64    `tfsdk:"end_time"`
	ClusterName         types.String   `tfsdk:"cluster_name"`
	HostName            types.String   `tfsdk:"host_name"`
	HostID              types.String   `tfsdk:"host_id"`
	HostIP              types.String   `tfsdk:"host_ip"`
	Verb                types.String   `tfsdk:"verb"`
	LineNum             types.String   `tfsdk:"line_num"`
	Limit               types.Int64    `tfsdk:"limit"`
	Offset              types.Int64    `tfsdk:"offset"`
	MaxResults          types.Int64    `tfsdk:"max_results"`
	Filter              *filterModel   `tfsdk:"filter"`
	StrictEvents        types.Bool     `tfsdk:"strict_events"`
	ContentMode         types.String   `tfsdk:"content_mode"`
	GroupBy             []string       `tfsdk:"group_by"`
	IncludeRecords      types.Bool     `tfsdk:"include_records"`
	GroupCounts         types.List     `tfsdk:"group_counts"` // null in configuration; state is built by result.go
	TotalNum            types.Int64    `tfsdk:"total_num"`
	MalformedNum        types.Int64    `tfsdk:"malformed_num"`
	DataList            types.List     `tfsdk:"data_list"` // null in configuration; state is built by result.go
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

type filterModel struct {
	Usernames         []string `tfsdk:"usernames"`
	ExcludeUsernames  []string `tfsdk:"exclude_usernames"`
	UserGroups        []string `tfsdk:"user_groups"`
	Namespaces        []string `tfsdk:"namespaces"`
	ExcludeNamespaces []string `tfsdk:"exclude_namespaces"`
	Resources         []string `tfsdk:"resources"`
	Verbs             []string `tfsdk:"verbs"`
	ResponseCodes     []int64  `tfsdk:"response_codes"`
	Decisions         []string `tfsdk:"decisions"`
	Stages            []string `tfsdk:"stages"`
}

// applyDefaults fills the optional+computed arguments the user left out,
// so state shows the values the read used.
func (m *model) applyDefaults(p *ProviderData) {
	p.Defaults(&m.Region, &m.EnterpriseProjectID)
	if m.Limit.IsNull() {
		m.Limit = types.Int64Value(defaultLimit)
	}
	if m.Offset.IsNull() {
		m.Offset = types.Int64Value(0)
	}
	if m.ContentMode.IsNull() || m.ContentMode.IsUnknown() {
		mode := p.ContentMode
		if mode == "" {
			mode = ContentRedacted
		}
		m.ContentMode = types.StringValue(mode)
	}
}

// query is the API query of the configuration; empty strings are unset.
func (m *model) query() hss.Query {
	return hss.Query{
		ClusterID:           m.ClusterID.ValueString(),
		StartTime:           m.StartTime.ValueInt64(),
		EndTime:             m.EndTime.ValueInt64(),
		EnterpriseProjectID: m.EnterpriseProjectID.ValueString(),
		ClusterName:         m.ClusterName.ValueString(),
		HostName:            m.HostName.ValueString(),
		HostID:              m.HostID.ValueString(),
		HostIP:              m.HostIP.ValueString(),
		Verb:                m.apiVerb(),
		LineNum:             m.LineNum.ValueString(),
		Limit:               m.Limit.ValueInt64(),
		Offset:              m.Offset.ValueInt64(),
	}
}

// narrowing is what the configuration asks of the records after paging.
func (m *model) narrowing() narrowing {
	n := narrowing{maxResults: m.MaxResults.ValueInt64(), strict: m.StrictEvents.ValueBool(), content: m.ContentMode.ValueString()}
	if f := m.Filter; f != nil {
		n.filter = &filterSpec{
			usernames: patterns.New(f.Usernames...), excludeUsernames: patterns.New(f.ExcludeUsernames...),
			namespaces: patterns.New(f.Namespaces...), excludeNamespaces: patterns.New(f.ExcludeNamespaces...),
			userGroups: patterns.New(f.UserGroups...), resources: setOf(f.Resources),
			verbs: setOf(f.Verbs), stages: setOf(f.Stages), decisions: setOf(f.Decisions),
		}
		if len(f.ResponseCodes) > 0 {
			n.filter.responseCodes = map[int64]bool{}
			for _, c := range f.ResponseCodes {
				n.filter.responseCodes[c] = true
			}
		}
	}
	n.groupBy = m.GroupBy
	n.noRecords = !m.IncludeRecords.IsNull() && !m.IncludeRecords.ValueBool()
	return n
}

// apiVerb is the verb sent: verb, else filter.verbs when it holds one
// value (the service then filters, and the read makes fewer calls).
func (m *model) apiVerb() string {
	if v := m.Verb.ValueString(); v != "" || m.Filter == nil || len(m.Filter.Verbs) != 1 {
		return v
	}
	return m.Filter.Verbs[0]
}

// queryID is a stable digest of what was asked, so the id changes only
// when the query does and dependents do not churn between plans.
func queryID(region string, q hss.Query, n narrowing) string {
	parts := []string{
		strconv.FormatInt(n.maxResults, 10), n.filter.key(), n.content, strings.Join(n.groupBy, "+"), strconv.FormatBool(n.noRecords),
		region, q.ClusterID, strconv.FormatInt(q.StartTime, 10), strconv.FormatInt(q.EndTime, 10),
		q.EnterpriseProjectID, q.ClusterName, q.HostName, q.HostID, q.HostIP, q.Verb, q.LineNum,
		strconv.FormatInt(q.Limit, 10), strconv.FormatInt(q.Offset, 10),
	}
	return providerdata.ID(parts...)
}
