package standin

import (
	"testing"
	"time"
)

// Records added while the server runs are served from the next page on,
// in order, and total_num counts them.
func TestAddRecordsWhileServing(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	s := New(Options{ProjectID: "p", AccessKey: "AK", SecretKey: "SK", Records: Generate("c1", "self_built_idc", 5, t0, false)})
	p := func() listResponse {
		s.dataMu.RLock()
		defer s.dataMu.RUnlock()
		return s.page(s.records, auditQuery{clusterID: "c1", startTime: 0, endTime: t0.Add(time.Hour).UnixMilli(), limit: 10})
	}
	if got := p(); got.TotalNum != 5 {
		t.Fatalf("total_num %d before", got.TotalNum)
	}
	s.Add(Generate("c1", "self_built_idc", 2, t0.Add(time.Minute), false)...)
	got := p()
	if got.TotalNum != 7 || len(got.DataList) != 7 {
		t.Fatalf("total_num %d, %d records after adding 2", got.TotalNum, len(got.DataList))
	}
}
