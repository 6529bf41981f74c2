package standin_test

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

func writeSeedFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "records.json")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadSeedFileList(t *testing.T) {
	p := writeSeedFile(t, `
  [
    {"cluster_name": "c", "cluster_id": "id-1", "time": 1700000000123, "content": "{\"verb\":\"get\"}",
     "cluster_type": "cce", "host_id": "h1", "host_name": "node-1", "host_ip": "10.0.0.1", "line_num": "7"},
    {"cluster_id": "id-1", "time": 1700000000000, "host_name": 111},
    {"cluster_id": "id-2", "time": -5, "host_name": 1.5e3, "line_num": null},
    {"time": 0, "host_name": null}
  ]
`)
	got, err := standin.LoadSeedFile(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []standin.Record{
		{ClusterName: "c", ClusterID: "id-1", Time: 1700000000123, Content: `{"verb":"get"}`, ClusterType: "cce",
			HostID: "h1", HostName: "node-1", HostIP: "10.0.0.1", LineNum: "7"},
		{ClusterID: "id-1", Time: 1700000000000, HostName: 111},
		{ClusterID: "id-2", Time: -5, HostName: json.Number("1.5e3")},
		{Time: 0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
}

// The published example answer loads as it is.
func TestLoadSeedFilePublishedExample(t *testing.T) {
	p := writeSeedFile(t, `{
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
}`)
	got, err := standin.LoadSeedFile(p)
	want := []standin.Record{{ClusterName: "ywk-55555", ClusterID: "b075094b-d21a-499a-9006-624089c94402",
		Time: 1814080859608, Content: "listImageTagscdcssd-2/log4j:*, Method: GET Url=/v2/manage/namespaces/cdcssd-2/repos/log4j/tags, Reason",
		ClusterType: "cce", HostID: "16***0dc-94cb-4ca3-9087-06***cd168c1", HostName: 111, HostIP: "192.168.0.93"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("%v\ngot  %#v\nwant %#v", err, got, want)
	}
}

// An answer saved from the stand-in loads back into the records it served.
func TestLoadSeedFileSavedAnswer(t *testing.T) {
	_, ts := newServer(t, nil)
	q := baseQuery()
	q.Set("start_time", "0")
	q.Set("limit", "100")
	b := do(t, tokenRequest(t, ts.URL, apiPath, q))
	if b.Status != 200 || len(b.DataList) != 32 {
		t.Fatalf("%d, %d records", b.Status, len(b.DataList))
	}
	got, err := standin.LoadSeedFile(writeSeedFile(t, string(b.Raw)))
	if err != nil {
		t.Fatal(err)
	}
	var want []standin.Record
	for _, r := range standin.Seed(testNow) {
		if r.ClusterID == standin.SeedCCEClusterID {
			want = append(want, r)
		}
	}
	slices.Reverse(want) // served newest first
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("loaded records differ from the seed:\ngot  %#v\nwant %#v", got[0], want[0])
	}
}

func TestLoadSeedFileEmptyList(t *testing.T) {
	for _, content := range []string{`[]`, `{"data_list": []}`, `{"total_num": 0, "data_list": []}`} {
		got, err := standin.LoadSeedFile(writeSeedFile(t, content))
		if err != nil || len(got) != 0 {
			t.Fatalf("%s: %v, %d records", content, err, len(got))
		}
	}
}

func TestLoadSeedFileErrors(t *testing.T) {
	for _, c := range []struct{ content, want string }{
		{`[{"time": 1}, {"time": 2, "clusterid": "x"}]`,
			`record 1: unknown field "clusterid" (the fields are cluster_name, cluster_id, time, content, cluster_type, host_id, host_name, host_ip, line_num)`},
		{`{"data_list": [{"time": 1}, {"time": 2}, {"Time": 3}]}`, `data_list record 2: unknown field "Time"`},
		{`[{"time": 1}, {"cluster_id": "x"}]`, `record 1: "time" (epoch milliseconds) is required`},
		{`[{"time": "1700000000000"}]`, `record 0: "time" must be an integer of epoch milliseconds, not "1700000000000"`},
		{`[{"time": 1.7e12}]`, `record 0: "time" must be an integer of epoch milliseconds, not 1.7e12`},
		{`[{"time": null}]`, `record 0: "time" must be an integer of epoch milliseconds, not null`},
		{`[{"time": 1, "cluster_id": 42}]`, `record 0: "cluster_id" must be a string, not a number`},
		{`[{"time": 1, "line_num": 42}]`, `record 0: "line_num" must be a string, not a number`},
		{`[{"time": 1, "host_name": true}]`, `record 0: "host_name" must be a string or a number, not a boolean`},
		{`[{"time": 1}, "x"]`, `record 1: not an object but a string`},
		{`{"total_num": 1, "data_list": [], "page": 1}`, `unknown top-level field "page"`},
		{`{"total_num": 1}`, `an object must hold the records in "data_list"`},
		{`{"data_list": {"time": 1}}`, `"data_list" is not a list`},
		{`{"data_list": null}`, `"data_list" is not a list`},
		{`"records"`, `want a list of records or an object with "data_list", not a string`},
		{"[\n  {\"time\": 1},\n  {\"time\": 2,}\n]", `line 3, column 14: invalid character '}'`},
		{`[{"time": 1}] [{"time": 2}]`, `line 1, column 15: more data after the JSON value`},
		{"  \n", `the file is empty`},
	} {
		p := writeSeedFile(t, c.content)
		_, err := standin.LoadSeedFile(p)
		if err == nil || !strings.HasPrefix(err.Error(), "seed file "+p+": ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant seed file %s: ...%s", c.content, err, p, c.want)
		}
	}
	_, err := standin.LoadSeedFile(filepath.Join(t.TempDir(), "missing.json"))
	if err == nil || !strings.Contains(err.Error(), "missing.json") || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

// Loaded records are served like seeded ones, numeric host names included.
func TestLoadSeedFileServed(t *testing.T) {
	recs, err := standin.LoadSeedFile(writeSeedFile(t, `[{"cluster_id": "`+standin.SeedCCEClusterID+`", "time": `+
		jsonInt(testNow.Add(-time.Hour).UnixMilli())+`, "host_name": 111, "content": "x", "line_num": "9"}]`))
	if err != nil {
		t.Fatal(err)
	}
	_, ts := newServer(t, func(o *standin.Options) { o.Records = recs })
	b := do(t, tokenRequest(t, ts.URL, apiPath, baseQuery()))
	if b.Status != 200 || len(b.DataList) != 1 || string(b.DataList[0].HostName) != "111" || *b.DataList[0].LineNum != "9" {
		t.Fatalf("%d %s", b.Status, b.Raw)
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
