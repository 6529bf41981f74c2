package auditlogs

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
)

// The counting pass must give exactly the bytes the encoder writes, at
// every size boundary of msgpack's headers and integers, or the buffer of
// stateMsgPack would grow (or waste) after all.
func TestWriterCountsExactly(t *testing.T) {
	var rows []row
	for _, n := range []int{0, 1, 31, 32, 255, 256, 65535, 65536, 70000} {
		rows = append(rows, row{Record: hss.Record{ClusterID: "c", Content: strings.Repeat("x", n)}})
	}
	for _, n := range []int64{0, -1, -32, -33, -128, -129, -32768, -32769, math.MinInt32, math.MinInt32 - 1, math.MinInt64,
		127, 128, 255, 256, 65535, 65536, math.MaxUint32, math.MaxUint32 + 1, math.MaxInt64, 1795486400000} {
		code := n
		rows = append(rows, row{Record: hss.Record{Time: n, LineNum: "7"}, Event: &k8saudit.Event{ResponseCode: &code}})
	}
	for _, n := range []int{0, 15, 16, 65535, 65536} {
		ann := make(map[string]string, n)
		ips := make([]string, n)
		for i := range n {
			ann[fmt.Sprintf("k%d", i)] = "v"
			ips[i] = "10.0.0.1"
		}
		rows = append(rows, row{Event: &k8saudit.Event{Annotations: ann, SourceIPs: ips, ImpersonatedUser: &k8saudit.UserInfo{Username: "u"},
			ObjectRef: &k8saudit.ObjectReference{Resource: "secrets"}}})
	}
	for _, set := range [][]row{rows[:0], rows[:15], rows[:16], rows} {
		encoded := map[string][]byte{"id": {0xa1, 'x'}, "total_num": {0x07}}
		names := []string{"data_list", "id", "total_num"}
		counter := writer{count: true}
		counter.state(names, encoded, outcome{rows: set})
		var buf bytes.Buffer
		w := writer{enc: msgpack.NewEncoder(&buf), buf: &buf}
		w.state(names, encoded, outcome{rows: set})
		if w.err != nil {
			t.Fatal(w.err)
		}
		if counter.n != buf.Len() {
			t.Fatalf("%d rows: counted %d bytes, wrote %d", len(set), counter.n, buf.Len())
		}
	}
	if testing.Short() {
		return
	}
	// 65536 rows: the array header's widest form.
	many := make([]row, 65536)
	counter := writer{count: true}
	counter.state([]string{"data_list"}, nil, outcome{rows: many})
	var buf bytes.Buffer
	w := writer{enc: msgpack.NewEncoder(&buf), buf: &buf}
	w.state([]string{"data_list"}, nil, outcome{rows: many})
	if counter.n != buf.Len() {
		t.Fatalf("65536 rows: counted %d bytes, wrote %d", counter.n, buf.Len())
	}
}
