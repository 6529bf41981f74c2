package hss

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// A 32 MiB page of eleven million empty records fails at once, counted
// but never built: the decode allocates a small part of the body's size.
func TestDecodeBombPage(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"total_num":11000000,"data_list":[`)
	for b.Len() < 32<<20-8 {
		b.WriteString(`{},`)
	}
	b.WriteString(`{}]}`)
	body := b.Bytes()
	n := strings.Count(string(body), "{}")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := decodePageLimit(body, 200)
	runtime.ReadMemStats(&after)
	var tooMany *errTooManyRecords
	if !errors.As(err, &tooMany) || tooMany.n != n || tooMany.limit != 200 {
		t.Fatalf("err = %v, want %d records over the limit", err, n)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Fatalf("decoding the refused page allocated %d MiB", alloc>>20)
	}
	// Without a limit (tests only), the same page would be built: that is what the limit spares.
}

// A record over MaxRecordBytes fails the page, naming it.
func TestDecodeRecordCap(t *testing.T) {
	big := strings.Repeat("x", MaxRecordBytes)
	body := `{"total_num":2,"data_list":[{"time":1,"content":"ok"},{"time":2,"content":"` + big + `"}]}`
	_, err := decodePageLimit([]byte(body), 200)
	if err == nil || !strings.Contains(err.Error(), "record 1 is") || !strings.Contains(err.Error(), "more than the 16777216 a record may take") {
		t.Fatalf("err = %v", err)
	}
}

// The record-by-record decoder reads valid pages exactly as encoding/json
// reads the whole list.
func FuzzDecodePageMatchesEncodingJSON(f *testing.F) {
	f.Add([]byte(publishedExample))
	f.Add([]byte(`{"total_num":2,"data_list":[{"time":"1","line_num":3,"content":"a\"],[{"},{"time":2, "host_name":111}]}`))
	f.Add([]byte(`{"total_num":0,"data_list":[ ]}`))
	f.Add([]byte(`{"total_num":1,"data_list":[{"content":"\u005d\\","time":1e3}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var whole struct {
			TotalNum *flexInt     `json:"total_num"`
			DataList []wireRecord `json:"data_list"`
		}
		if json.Unmarshal(body, &whole) != nil || whole.TotalNum == nil || whole.DataList == nil {
			return
		}
		p, err := decodePage(body)
		if err != nil {
			var tooMany *errTooManyRecords
			if errors.As(err, &tooMany) {
				t.Fatalf("no limit, yet %v", err)
			}
			return // an error_code, say
		}
		if len(p.Records) != len(whole.DataList) {
			t.Fatalf("%d records, encoding/json reads %d", len(p.Records), len(whole.DataList))
		}
		for i, r := range whole.DataList {
			want := Record{ClusterName: string(r.ClusterName), ClusterID: string(r.ClusterID), Time: int64(r.Time), Content: string(r.Content),
				ClusterType: string(r.ClusterType), HostID: string(r.HostID), HostName: string(r.HostName), HostIP: string(r.HostIP), LineNum: string(r.LineNum)}
			if !reflect.DeepEqual(p.Records[i], want) {
				t.Fatalf("record %d: %+v, encoding/json reads %+v", i, p.Records[i], want)
			}
		}
		// With a limit, a page within it decodes the same; one over it is refused, counted.
		lp, err := decodePageLimit(body, len(whole.DataList)+1)
		if err != nil || !reflect.DeepEqual(lp.Records, p.Records) {
			t.Fatalf("within the limit: %v", err)
		}
		if len(whole.DataList) > 0 {
			var tooMany *errTooManyRecords
			if _, err := decodePageLimit(body, len(whole.DataList)-1); len(whole.DataList) > 1 && (!errors.As(err, &tooMany) || tooMany.n != len(whole.DataList)) {
				t.Fatalf("over the limit: %v", err)
			}
		}
	})
}

// The list counted is the one encoding/json would build, whatever the
// key's case or escaping, and the last of several.
func TestDecodeCountsTheListBuilt(t *testing.T) {
	for _, body := range []string{
		`{"total_num":3,"DATA_LIST":[{},{},{}]}`,
		`{"total_num":3,"data\u005flist":[{},{},{}]}`,
		`{"data_list":[],"total_num":3,"data_list":[{},{},{}]}`,
	} {
		var tooMany *errTooManyRecords
		if _, err := decodePageLimit([]byte(body), 2); !errors.As(err, &tooMany) || tooMany.n != 3 {
			t.Errorf("%s: err = %v", body, err)
		}
	}
}

// encoding/json builds every data_list before the last replaces it: a big
// list followed by an empty one is counted as the big one.
func TestDecodeCountsEveryListBuilt(t *testing.T) {
	big := `[` + strings.Repeat(`{},`, 300) + `{}]`
	for _, body := range []string{
		`{"total_num":0,"data_list":` + big + `,"DATA_LIST":[]}`,
		`{"total_num":0,"data_list":` + big + `,"data_list":[]}`,
	} {
		var tooMany *errTooManyRecords
		if _, err := decodePageLimit([]byte(body), 200); !errors.As(err, &tooMany) || tooMany.n != 301 {
			t.Errorf("err = %v", err)
		}
	}
	huge := `{"content":"` + strings.Repeat("x", MaxRecordBytes) + `"}`
	if _, err := decodePageLimit([]byte(`{"total_num":0,"data_list":[`+huge+`],"data_list":[]}`), 200); err == nil || !strings.Contains(err.Error(), "more than the") {
		t.Errorf("a huge record in an earlier list: err = %v", err)
	}
}
