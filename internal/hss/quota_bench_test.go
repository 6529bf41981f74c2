package hss

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// BenchmarkQuotaRead reads a window under the documented quota (5 calls a
// minute) on a virtual clock, and reports the read's time against the
// quota's own bound (calls ÷ rate): 1.0 is as fast as the quota allows
// a steady reader, a little under it the first minute's free calls.
func BenchmarkQuotaRead(b *testing.B) {
	for _, pages := range []int{15, 50} {
		for _, retryAfter := range []bool{false, true} {
			b.Run(fmt.Sprintf("pages=%d/retry_after=%v", pages, retryAfter), func(b *testing.B) {
				records := standin.Generate("c1", "self_built_idc", pages*10, time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), false)
				var took time.Duration
				var throttled, requests int
				for b.Loop() {
					clk := newVirtualClock()
					s := standin.New(standin.Options{
						ProjectID: testProject, AccessKey: testAK, SecretKey: testSK,
						Records: records, Now: clk.now,
						Quota: standin.Quota{Calls: 5, Window: time.Minute, RetryAfter: retryAfter},
					})
					srv := httptest.NewServer(s)
					c := quotaClient(b, srv.URL, clk, nil, nil)
					ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
					t0 := clk.now()
					res, err := c.ListClusterAuditLogs(ctx, windowQuery())
					cancel()
					srv.Close()
					if err != nil || len(res.Records) != pages*10 {
						b.Fatalf("read: %v", err)
					}
					took += clk.elapsedSince(t0)
					throttled += s.Throttled()
					requests += len(s.Requests())
				}
				n := float64(b.N)
				bound := time.Duration(pages) * time.Minute / 5
				b.ReportMetric(took.Seconds()/n, "virtual-s/read")
				b.ReportMetric(took.Seconds()/n/bound.Seconds(), "time/bound")
				b.ReportMetric(float64(throttled)/n, "429s/read")
				b.ReportMetric(float64(requests)/n, "requests/read")
			})
		}
	}
}
