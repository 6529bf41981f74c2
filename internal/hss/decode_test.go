package hss

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// The published example response, verbatim: host_name is a number.
const publishedExample = `{
  "total_num" : 1,
  "data_list" : [ {
    "cluster_name" : "ywk-55555",
    "cluster_id" : "b075094b-d21a-499a-9006-624089c94402",
    "time" : 1814080859608,
    "content" : "listImageTagscdcssd-2/log4j:*, Method: GET Url=/v2/manage/namespaces/cdcssd-2/repos/log4j/tags, Reason",
    "cluster_type" : "cce",
    "host_id" : "16***0dc-94cb-4ca3-9087-06***cd168c1",
    "host_name" : 111,
    "host_ip" : "192.168.0.93"
  } ]
}`

func TestDecodePagePublishedExample(t *testing.T) {
	p, err := decodePage([]byte(publishedExample))
	if err != nil {
		t.Fatal(err)
	}
	want := Record{
		ClusterName: "ywk-55555",
		ClusterID:   "b075094b-d21a-499a-9006-624089c94402",
		Time:        1814080859608,
		Content:     "listImageTagscdcssd-2/log4j:*, Method: GET Url=/v2/manage/namespaces/cdcssd-2/repos/log4j/tags, Reason",
		ClusterType: "cce",
		HostID:      "16***0dc-94cb-4ca3-9087-06***cd168c1",
		HostName:    "111",
		HostIP:      "192.168.0.93",
	}
	if p.TotalNum != 1 || len(p.Records) != 1 || p.Records[0] != want {
		t.Fatalf("got %+v", p)
	}
}

func TestDecodePageTolerance(t *testing.T) {
	body := `{"total_num":"2","data_list":[
		{"cluster_id":7,"time":"1700000000000","host_ip":null,"line_num":1000001,"content":"{\"verb\":\"get\"}"},
		{"cluster_id":"c","time":1.7e12,"host_name":-3.5,"line_num":"x","unknown":{"nested":[1]}}]}`
	p, err := decodePage([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if p.TotalNum != 2 {
		t.Errorf("total_num = %d", p.TotalNum)
	}
	r0, r1 := p.Records[0], p.Records[1]
	if r0.ClusterID != "7" || r0.Time != 1700000000000 || r0.HostIP != "" || r0.LineNum != "1000001" || r0.Content != `{"verb":"get"}` {
		t.Errorf("record 0 = %+v", r0)
	}
	if r1.Time != 1700000000000 || r1.HostName != "-3.5" || r1.LineNum != "x" {
		t.Errorf("record 1 = %+v", r1)
	}
}

func TestDecodePageEmpty(t *testing.T) {
	p, err := decodePage([]byte(`{"total_num":0,"data_list":[]}`))
	if err != nil || p.TotalNum != 0 || p.Records == nil || len(p.Records) != 0 {
		t.Fatalf("got %+v, %v", p, err)
	}
}

func TestDecodePageRejects(t *testing.T) {
	for name, tc := range map[string]struct{ body, want string }{
		"html":            {`<html><body>502 Bad Gateway</body></html>`, "not an audit-log page"},
		"truncated":       {`{"total_num":3,"data_list":[{"cluster_id":"a"`, "not an audit-log page"},
		"no data_list":    {`{"total_num":3}`, "no data_list"},
		"null data_list":  {`{"total_num":3,"data_list":null}`, "no data_list"},
		"no total_num":    {`{"data_list":[]}`, "no total_num"},
		"wrong time type": {`{"total_num":1,"data_list":[{"time":{"a":1}}]}`, "expected an integer"},
		"fractional time": {`{"total_num":1,"data_list":[{"time":1.5}]}`, "expected an integer"},
		"object as text":  {`{"total_num":1,"data_list":[{"host_name":{"a":1}}]}`, "expected a string or number"},
		"negative total":  {`{"total_num":-1,"data_list":[]}`, "negative total_num"},
		"empty":           {``, "not an audit-log page"},
		"array":           {`[]`, "not an audit-log page"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := decodePage([]byte(tc.body))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestDecodePageErrorBodyOn200(t *testing.T) {
	_, err := decodePage([]byte(`{"error_code":"HSS.0001","error_msg":"internal"}`))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode != "HSS.0001" || apiErr.ErrorMsg != "internal" {
		t.Fatalf("err = %#v", err)
	}
}

func TestDecodeError(t *testing.T) {
	e := &APIError{StatusCode: 401}
	decodeError(e, []byte(`{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"abc"}`))
	if e.ErrorCode != "APIGW.0301" || e.ErrorMsg != "Incorrect IAM authentication information" || e.RequestID != "abc" {
		t.Fatalf("%+v", e)
	}
	e = &APIError{StatusCode: 502, RequestID: "hdr"}
	decodeError(e, []byte("<html>bad gateway</html>"))
	if e.ErrorMsg != "unexpected response body: <html>bad gateway</html>" || e.RequestID != "hdr" {
		t.Fatalf("%+v", e)
	}
}

func TestAPIErrorText(t *testing.T) {
	e := &APIError{StatusCode: 429, ErrorCode: "APIGW.0308", ErrorMsg: "throttled", RequestID: "r1", Attempts: 6, Page: "offset=400", Elapsed: 12300 * time.Millisecond}
	want := "HTTP 429 APIGW.0308: throttled (page offset=400, request id r1, 6 attempts over 12.3s)"
	if got := e.Error(); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(publishedExample))
	f.Add([]byte(`{"total_num":"2","data_list":[{"time":"1","line_num":3}]}`))
	f.Add([]byte(`{"error_code":"X","error_msg":"y"}`))
	f.Add([]byte(`<html></html>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := decodePage(body)
		if err != nil {
			return
		}
		// A page that decodes is whole: a list (maybe empty) and a count.
		if p.Records == nil || p.TotalNum < 0 {
			t.Fatalf("decoded an incomplete page: %+v", p)
		}
	})
}
