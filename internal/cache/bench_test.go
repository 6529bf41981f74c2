package cache

import (
	"context"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
)

// BenchmarkRollingWindow replays hourly plans of a rolling 24-hour window
// ending at the clock, over a timeline of a record every 2 s (43,201
// records a window), with the cache and without: the calls a plan makes
// are what the quota of 5 a minute charges for.
//
//	go test ./internal/cache/ -run '^$' -bench RollingWindow -benchtime 1x
func BenchmarkRollingWindow(b *testing.B) {
	const plans = 12
	for _, cached := range []bool{true, false} {
		name := "cold"
		if cached {
			name = "cached"
		}
		b.Run(name, func(b *testing.B) {
			var firstCalls, laterCalls, records, iterations int64
			for b.Loop() {
				iterations++
				r := newRigStep(b, 1, 2000)
				var w Walker = r.client
				if cached {
					w = r.lister("alice")
				}
				for p := range plans {
					if p > 0 {
						r.clock.advance(time.Hour)
					}
					q := r.window(24*time.Hour, 0)
					r.srv.Reset()
					var n int64
					res, err := w.WalkClusterAuditLogs(context.Background(), q, func(page []hss.Record) bool {
						n += int64(len(page))
						return true
					})
					if err != nil {
						b.Fatal(err)
					}
					if want := r.countWindow(q); n != want || res.TotalNum != want {
						b.Fatalf("plan %d: %d records, total_num %d; the window holds %d", p, n, res.TotalNum, want)
					}
					records += n
					if c := int64(len(r.srv.Requests())); p == 0 {
						firstCalls += c
					} else {
						laterCalls += c
					}
				}
			}
			perPlan := float64(laterCalls) / float64(iterations*(plans-1))
			if cached {
				b.ReportMetric(perPlan, "calls/plan-cached")
				b.ReportMetric(float64(firstCalls)/float64(iterations), "calls/first-plan-cached")
			} else {
				b.ReportMetric(float64(firstCalls+laterCalls)/float64(iterations*plans), "calls/plan-cold")
			}
			b.ReportMetric(float64(records)/float64(iterations*plans), "records/plan")
		})
	}
}
