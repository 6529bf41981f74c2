package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hss-tf/terraform-provider-hss/internal/auditlogs"
)

// NewServer serves the provider over protocol 6: the framework for every
// call, except the reads of hss_cluster_audit_logs whose configuration is
// wholly known, which take the direct path below.
//
// Why the seam exists: after a data source's Read, the framework walks
// every value of the result several times (semantic equality, null
// collection reification, copies), which for a read of 10,000 audit events
// costs seconds of CPU and hundreds of MiB; encoding the same state
// straight to a DynamicValue costs a fraction of it. `make bench` measures
// both paths (BenchmarkReadDataSource in this package); the differential
// test (server_test.go) holds them to the same state and diagnostics.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		p := &hssProvider{version: version}
		return &server{ProviderServer: providerserver.NewProtocol6(p)(), p: p}
	}
}

type server struct {
	tfprotov6.ProviderServer // the framework's
	p                        *hssProvider
}

func (s *server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	if req.TypeName != auditlogs.TypeName || req.Config == nil {
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	sch := auditlogs.Schema(ctx)
	typ := sch.Type().TerraformType(ctx)
	config, err := req.Config.Unmarshal(typ)
	data := s.p.providerData()
	if err != nil || !config.IsFullyKnown() || data == nil {
		// Unknown values, and anything unexpected, are the framework's.
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	state, diags := auditlogs.ReadState(ctx, data, tfsdk.Config{Raw: config, Schema: sch})
	resp := &tfprotov6.ReadDataSourceResponse{Diagnostics: protoDiagnostics(diags), State: req.Config}
	if !diags.HasError() {
		resp.State = state
	}
	return resp, nil // the framework, too, returns the configuration as state on errors
}

// protoDiagnostics converts as the framework does.
func protoDiagnostics(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	if len(diags) == 0 {
		return nil
	}
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail(), Severity: tfprotov6.DiagnosticSeverityWarning}
		if d.Severity() == diag.SeverityError {
			pd.Severity = tfprotov6.DiagnosticSeverityError
		}
		if dp, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = attributePath(dp.Path())
		}
		out = append(out, pd)
	}
	return out
}

func attributePath(p path.Path) *tftypes.AttributePath {
	ap := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			ap = ap.WithAttributeName(string(s))
		case path.PathStepElementKeyString:
			ap = ap.WithElementKeyString(string(s))
		case path.PathStepElementKeyInt:
			ap = ap.WithElementKeyInt(int(s))
		}
	}
	return ap
}
