package hss

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// benchPageBody is a 1,000-record page as the stand-in writes it (same
// keys, same order, compact JSON): audit events of the stand-in's
// generator, with some free text, host_name sometimes a number, and CCE
// line numbers on half the records.
func benchPageBody(tb testing.TB) []byte {
	tb.Helper()
	type wire struct {
		ClusterName string `json:"cluster_name"`
		ClusterID   string `json:"cluster_id"`
		Time        int64  `json:"time"`
		Content     string `json:"content"`
		ClusterType string `json:"cluster_type"`
		HostID      string `json:"host_id"`
		HostName    any    `json:"host_name"`
		HostIP      string `json:"host_ip"`
		LineNum     string `json:"line_num,omitempty"`
	}
	const n = 1000
	end := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	recs := standin.Generate("6f1e4c2a-93b7-4d0e-8a5c-7b2f19d3e460", "cce", n, end, true)
	out := struct {
		TotalNum int    `json:"total_num"`
		DataList []wire `json:"data_list"`
	}{TotalNum: 50 * n, DataList: make([]wire, 0, n)}
	for i, r := range recs {
		w := wire{ClusterName: r.ClusterName, ClusterID: r.ClusterID, Time: r.Time, Content: r.Content,
			ClusterType: r.ClusterType, HostID: r.HostID, HostName: r.HostName, HostIP: r.HostIP}
		if i%2 == 0 {
			w.LineNum = r.LineNum
		}
		switch {
		case i%25 == 0:
			w.Content = "listImageTagsprod-cce/nginx:*, Method: GET Url=/v2/manage/namespaces/prod-cce/repos/nginx/tags, Reason"
		case i%7 == 0:
			w.HostName = 111 // as in the published example
		}
		out.DataList = append(out.DataList, w)
	}
	body, err := json.Marshal(out)
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// BenchmarkDecodePage decodes one 1,000-record page per op.
func BenchmarkDecodePage(b *testing.B) {
	body := benchPageBody(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := decodePage(body)
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Records) != 1000 || p.Records[999].Content == "" {
			b.Fatalf("decoded %d records", len(p.Records))
		}
	}
}
