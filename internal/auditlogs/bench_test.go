package auditlogs

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// benchLister serves records from memory in pages, as the pager hands
// them over: no network, no decoding.
type benchLister struct {
	records []hss.Record
	limit   int
}

func (l benchLister) WalkClusterAuditLogs(_ context.Context, _ hss.Query, visit hss.Visitor) (*hss.Result, error) {
	res := &hss.Result{Mode: hss.ModeOffset, TotalNum: int64(len(l.records))}
	for i := 0; i < len(l.records); i += l.limit {
		page := l.records[i:min(i+l.limit, len(l.records))]
		res.Requests++
		res.Read += int64(len(page))
		if !visit(page) {
			res.Stopped = true
			break
		}
	}
	return res, nil
}

// benchRecords are n records as the client decodes them: the stand-in's
// generated audit events, some free text, host_name sometimes a number.
func benchRecords(n int) []hss.Record {
	end := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	gen := standin.Generate("c3a9e5d1-2b48-4f6c-9e07-51d8a6b4f2c9", "self_built_idc", n, end, false)
	out := make([]hss.Record, len(gen))
	for i, r := range gen {
		host, _ := r.HostName.(string) // Generate's host names are strings
		out[i] = hss.Record{ClusterName: r.ClusterName, ClusterID: r.ClusterID, Time: r.Time, Content: r.Content,
			ClusterType: r.ClusterType, HostID: r.HostID, HostName: host, HostIP: r.HostIP}
		switch {
		case i%25 == 0:
			out[i].Content = "auditBackendDroppedEvents kube-apiserver, Method: POST Url=/apis/audit.k8s.io/v1/events, Reason: buffer full"
		case i%7 == 0:
			out[i].HostName = "111"
		}
	}
	return out
}

// benchConfig is a wholly known configuration of the data source, as
// Terraform sends it, and its model with the defaults applied.
func benchConfig(tb testing.TB) (tftypes.Value, *model) {
	tb.Helper()
	ctx := context.Background()
	t := stateTypes()
	attrs := map[string]tftypes.Value{}
	for name, at := range t.state.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	num := func(n int64) tftypes.Value { return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(n)) }
	attrs["cluster_id"] = tftypes.NewValue(tftypes.String, "c3a9e5d1-2b48-4f6c-9e07-51d8a6b4f2c9")
	attrs["start_time"] = num(0)
	attrs["end_time"] = num(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC).UnixMilli())
	attrs["limit"] = num(200)
	config := tftypes.NewValue(t.state, attrs)
	var m model
	if diags := (tfsdk.Config{Raw: config, Schema: Schema(ctx)}).Get(ctx, &m); diags.HasError() {
		tb.Fatal(diags)
	}
	m.applyDefaults(&ProviderData{Region: "cn-north-4"})
	return config, &m
}

// BenchmarkStateValue converts 1,000 records per op into the data
// source's state: build parses each content (readRows over an in-memory
// Lister) and builds the state value (stateValue); encode marshals that
// value to the DynamicValue sent to Terraform, as the direct path does.
func BenchmarkStateValue(b *testing.B) {
	const n = 1000
	ctx := context.Background()
	l := benchLister{records: benchRecords(n), limit: 200}
	config, m := benchConfig(b)
	q, nw := m.query(), m.narrowing()
	id := queryID(m.Region.ValueString(), q, nw)
	// build reads the rows and encodes the state, as ReadState does.
	build := func(b *testing.B) []byte {
		out, err := readRows(ctx, l, q, nw)
		if err != nil {
			b.Fatal(err)
		}
		if len(out.rows) != n {
			b.Fatalf("%d rows, want %d", len(out.rows), n)
		}
		state, err := stateMsgPack(ctx, config, m, id, out)
		if err != nil {
			b.Fatal(err)
		}
		return state
	}

	b.Run("build+encode", func(b *testing.B) {
		b.ReportAllocs()
		var size int
		for b.Loop() {
			size = len(build(b))
		}
		b.ReportMetric(float64(size), "msgpack-bytes")
	})
}

// benchSecret is a Secret created at RequestResponse level, with its data
// in both bodies and in the last-applied-configuration annotation.
const benchSecret = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"9d5c0e1a-3b7f-4c2d-8e6a-1f0b2c3d4e5f","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/prod/secrets?fieldManager=kubectl-client-side-apply\u0026fieldValidation=Strict","verb":"create","user":{"username":"alice@example.com","groups":["system:authenticated"]},"sourceIPs":["198.51.100.7"],"userAgent":"kubectl/v1.30.2","objectRef":{"resource":"secrets","namespace":"prod","name":"db","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},` +
	`"requestObject":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db","namespace":"prod","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\",\"data\":{\"password\":\"aHVudGVyMg==\"},\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\",\"namespace\":\"prod\"}}\n"}},"data":{"password":"aHVudGVyMg=="},"type":"Opaque"},` +
	`"responseObject":{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db","namespace":"prod","uid":"9f1c","resourceVersion":"812"},"data":{"password":"aHVudGVyMg=="},"type":"Opaque"},` +
	`"requestReceivedTimestamp":"2026-11-20T11:59:00.000100Z","stageTimestamp":"2026-11-20T11:59:00.005Z"}`

// BenchmarkContentModes reports the state each content_mode builds for
// 1,000 records (one in 20 a Secret carrying its data), in bytes per
// record, and what the redaction costs.
func BenchmarkContentModes(b *testing.B) {
	const n = 1000
	ctx := context.Background()
	recs := benchRecords(n)
	for i := 3; i < n; i += 20 {
		recs[i].Content = benchSecret
	}
	l := benchLister{records: recs, limit: 200}
	config, m := benchConfig(b)
	for _, mode := range ContentModes {
		b.Run(mode, func(b *testing.B) {
			mm := *m
			mm.ContentMode = types.StringValue(mode)
			q, nw := mm.query(), mm.narrowing()
			id := queryID(mm.Region.ValueString(), q, nw)
			b.ReportAllocs()
			var size int
			for b.Loop() {
				out, err := readRows(ctx, l, q, nw)
				if err != nil {
					b.Fatal(err)
				}
				state, err := stateMsgPack(ctx, config, &mm, id, out)
				if err != nil {
					b.Fatal(err)
				}
				size = len(state)
			}
			b.ReportMetric(float64(size)/n, "state-bytes/record")
		})
	}
}
