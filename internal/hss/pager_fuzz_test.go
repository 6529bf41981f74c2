package hss

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/hss-tf/terraform-provider-hss/internal/credentials"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// FuzzPager feeds the paging loop arbitrary pages (separated by a line
// "---"). Whatever the service sends, a read ends, within its request
// bound, and a read that succeeds is exactly what total_num announced.
func FuzzPager(f *testing.F) {
	f.Add([]byte(pageBody(25, 0, 10, false)+"\n---\n"+pageBody(25, 10, 10, false)+"\n---\n"+pageBody(25, 20, 5, false)), int64(10))
	f.Add([]byte(pageBody(23, 0, 10, true)+"\n---\n"+pageBody(23, 10, 10, true)+"\n---\n"+pageBody(23, 20, 3, true)), int64(10))
	f.Add([]byte(pageBody(40, 0, 10, false)+"\n---\n"+pageBody(40, 0, 10, false)), int64(10))
	f.Add([]byte(pageBody(5, 0, 10, false)), int64(10))
	f.Add([]byte(`{"total_num":2,"data_list":[{"line_num":"1"},{"line_num":"1"}]}`+"\n---\n"+`{"total_num":2,"data_list":[]}`), int64(2))
	f.Add([]byte(`<html>`), int64(200))
	f.Fuzz(func(t *testing.T, input []byte, limit int64) {
		if limit < 1 || limit > MaxLimit {
			limit = 10
		}
		pages := bytes.Split(input, []byte("\n---\n"))
		var mu sync.Mutex
		served := 0
		c, err := New(Config{
			Endpoint: "https://hss.test", ProjectID: "p", Credentials: credentials.Static(credentials.Value{AuthToken: "t"}),
			HTTPClient: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				mu.Lock()
				defer mu.Unlock()
				body := []byte(`{"error_code":"TEST","error_msg":"no more pages"}`)
				status := 404
				if served < len(pages) {
					body, status = pages[served], 200
				}
				served++ // under mu: concurrent pages
				return &http.Response{StatusCode: status, Body: io.NopCloser(bytes.NewReader(body)), Header: http.Header{}, Request: r}, nil
			})},
		})
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.ListClusterAuditLogs(context.Background(), Query{ClusterID: "c", StartTime: 0, EndTime: 1, Limit: limit})
		// Concurrent pages may be asked for ahead of the first failure.
		if served > len(pages)+DefaultMaxConcurrency {
			t.Fatalf("%d requests for %d pages: the read went on past the service's end", served, len(pages))
		}
		if err != nil {
			return
		}
		if int64(len(res.Records)) != res.TotalNum {
			t.Fatalf("a successful read of %d records when total_num is %d", len(res.Records), res.TotalNum)
		}
		if bound := int((res.TotalNum+limit-1)/limit) + pageMargin; res.Requests > max(bound, 1) {
			t.Fatalf("%d requests for total_num %d at limit %d", res.Requests, res.TotalNum, limit)
		}
	})
}
