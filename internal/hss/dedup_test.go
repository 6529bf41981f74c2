package hss

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// pageOf renders records i in idx (as pageBody does) out of total.
func pageOf(total int, idx []int, lineNums bool) string {
	recs := make([]map[string]any, 0, len(idx))
	for _, i := range idx {
		r := map[string]any{"cluster_id": "c1", "time": 1700000000000 + i, "content": "event " + strconv.Itoa(i), "host_name": i}
		if lineNums {
			r["line_num"] = strconv.Itoa(1000000 + i)
		}
		recs = append(recs, r)
	}
	b, _ := json.Marshal(map[string]any{"total_num": total, "data_list": recs})
	return string(b)
}

func span(from, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = from + i
	}
	return out
}

// Page 2 served as page 1 reversed: not the same page, the same records;
// a paging error naming the record and both pages.
func TestDuplicateRecordsAcrossPages(t *testing.T) {
	f := &fake{respond: func(_ int, q url.Values) (int, http.Header, string) {
		idx := span(0, 10)
		if q.Get("offset") == "10" {
			slices.Reverse(idx)
		}
		if q.Get("offset") == "20" {
			idx = span(20, 5)
		}
		return 200, nil, pageOf(25, idx, false)
	}}
	c, _ := newTestClient(t, f, func(cfg *Config) { cfg.MaxConcurrency = 1 })
	_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	var pe *PagingError
	if !errors.As(err, &pe) || pe.Page != "offset=10" || !strings.Contains(pe.Reason, "record 0 of the page (time 1700000000009) was already on page offset=0") {
		t.Fatalf("err = %v", err)
	}
}

// A CCE line_num seen again on a later page is the same record twice.
func TestDuplicateLineNumAcrossPages(t *testing.T) {
	f := &fake{respond: func(_ int, q url.Values) (int, http.Header, string) {
		if q.Get("line_num") == "" {
			return 200, nil, pageOf(15, span(0, 10), true)
		}
		return 200, nil, pageOf(15, append(span(10, 4), 3), true) // line 1000003 again
	}}
	c, _ := newTestClient(t, f, nil)
	_, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	var pe *PagingError
	if !errors.As(err, &pe) || !strings.Contains(pe.Reason, `line_num "1000003") was already on page offset=0`) {
		t.Fatalf("err = %v", err)
	}
}

// Identical records within one page are kept, with a warning.
func TestDuplicateRecordsWithinAPage(t *testing.T) {
	f := &fake{respond: func(int, url.Values) (int, http.Header, string) {
		return 200, nil, pageOf(10, []int{7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, false)
	}}
	c, _ := newTestClient(t, f, nil)
	res, err := c.ListClusterAuditLogs(context.Background(), baseQuery())
	if err != nil || len(res.Records) != 10 {
		t.Fatalf("res %+v, err %v", res, err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "page offset=0 holds 9 records identical to (or sharing the line_num of) others of the same page") {
		t.Fatalf("warnings %q", res.Warnings)
	}
}
