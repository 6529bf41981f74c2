package standin_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

type event struct {
	Kind, APIVersion, Verb, Stage, StageTimestamp string
	User                                          struct{ Username string }
	ObjectRef                                     struct{ Resource, Namespace, Name, Subresource string }
}

func TestSeedShape(t *testing.T) {
	recs := standin.Seed(testNow)
	if !reflect.DeepEqual(recs, standin.Seed(testNow)) {
		t.Fatal("Seed is not deterministic")
	}
	perCluster := map[string]int{}
	for _, r := range recs {
		perCluster[r.ClusterID]++
	}
	if len(recs) != 88 || perCluster[standin.SeedCCEClusterID] != 32 || perCluster[standin.SeedIDCClusterID] != 16 ||
		perCluster[standin.SeedFindingsClusterID] != 40 {
		t.Fatalf("%d records: %v", len(recs), perCluster)
	}
	if !reflect.DeepEqual(recs[48:], standin.SeedFindings(testNow)) {
		t.Fatal("the seed's sec-lab records are not SeedFindings'")
	}
	var freeText, violations, execs int
	verbs := map[string]bool{}
	for _, r := range recs {
		at := time.UnixMilli(r.Time)
		if !at.Before(testNow) || at.Before(testNow.Add(-72*time.Hour)) {
			t.Fatalf("record at %s outside the last 3 days", at)
		}
		switch r.ClusterID {
		case standin.SeedCCEClusterID:
			if r.LineNum == "" || r.ClusterType != "cce" {
				t.Fatalf("CCE record %+v", r)
			}
		case standin.SeedIDCClusterID:
			if r.LineNum != "" || r.ClusterType != "self_built_idc" {
				t.Fatalf("IDC record %+v", r)
			}
		case standin.SeedFindingsClusterID:
			continue // TestSeedFindings
		default:
			t.Fatalf("unknown cluster %s", r.ClusterID)
		}
		var ev event
		if json.Unmarshal([]byte(r.Content), &ev) != nil {
			freeText++
			continue
		}
		if ev.Kind != "Event" || ev.APIVersion != "audit.k8s.io/v1" || ev.Stage != "ResponseComplete" {
			t.Fatalf("event %s", r.Content)
		}
		if st, err := time.Parse(time.RFC3339Nano, ev.StageTimestamp); err != nil || st.UnixMilli() != r.Time {
			t.Fatalf("stageTimestamp %s vs time %d (%v)", ev.StageTimestamp, r.Time, err)
		}
		verbs[ev.Verb] = true
		human := !strings.HasPrefix(ev.User.Username, "system:")
		if human && ev.Verb == "delete" && ev.ObjectRef.Resource == "secrets" {
			violations++
			if ev.User.Username != standin.SeedViolationUser || ev.ObjectRef.Name != standin.SeedViolationSecret ||
				ev.ObjectRef.Namespace != standin.SeedViolationNamespace || time.UnixMilli(r.Time).Before(testNow.Add(-24*time.Hour)) {
				t.Fatalf("violation %s", r.Content)
			}
		}
		if ev.ObjectRef.Subresource == "exec" && ev.Verb == "create" {
			execs++
		}
	}
	if freeText != 3 || violations != 1 || execs != 1 || len(verbs) != len(standin.Verbs) {
		t.Fatalf("free text %d, violations %d, execs %d, verbs %v", freeText, violations, execs, verbs)
	}
	if !slices.ContainsFunc(recs, func(r standin.Record) bool { return r.HostName == 111 }) {
		t.Fatal("no record with the numeric host name 111")
	}
}

func TestSeedLineNumsIncreaseWithTime(t *testing.T) {
	var prev standin.Record
	for _, r := range standin.Seed(testNow) {
		if r.ClusterID != standin.SeedCCEClusterID {
			continue
		}
		if prev.LineNum != "" && (r.Time <= prev.Time || r.LineNum <= prev.LineNum) {
			t.Fatalf("%s@%d after %s@%d", r.LineNum, r.Time, prev.LineNum, prev.Time)
		}
		prev = r
	}
}

func TestGenerate(t *testing.T) {
	recs := standin.Generate("c1", "aws", 1200, testNow, false)
	if len(recs) != 1200 || recs[1199].Time != testNow.UnixMilli() || recs[0].Time != testNow.Add(-1199*time.Second).UnixMilli() {
		t.Fatalf("%d records, last %d", len(recs), recs[len(recs)-1].Time)
	}
	for i, r := range recs[:16] {
		var ev event
		if err := json.Unmarshal([]byte(r.Content), &ev); err != nil || ev.Verb != standin.Verbs[i%8] || r.LineNum != "" {
			t.Fatalf("record %d: %v %s", i, err, r.Content)
		}
	}
	if got := standin.Generate("c1", "cce", 3, testNow, true); got[0].LineNum != "1" || got[2].LineNum != "3" {
		t.Fatalf("line nums %+v", got)
	}
}

// labEvent is what TestSeedFindings reads of a sec-lab audit event.
type labEvent struct {
	Kind, APIVersion, Level, AuditID, Stage, Verb, RequestURI string
	RequestReceivedTimestamp, StageTimestamp                  string
	User                                                      struct{ Username string }
	ObjectRef                                                 *struct{ Resource, Namespace, Name, Subresource string }
	ResponseStatus                                            *struct{ Code int }
	RequestObject, ResponseObject                             json.RawMessage
	Annotations                                               map[string]string
}

// topKeys are the keys of the JSON object s, in order, repeats included.
func topKeys(t *testing.T, s string) []string {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", s)
	}
	var keys []string
	for d.More() {
		k, err := d.Token()
		if err != nil {
			t.Fatal(err)
		}
		key, ok := k.(string)
		if !ok {
			t.Fatalf("object key %v is not a string", k)
		}
		keys = append(keys, key)
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Token(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		t.Fatalf("trailing data in %s", s)
	}
	return keys
}

func TestSeedFindings(t *testing.T) {
	recs := standin.SeedFindings(testNow)
	if !reflect.DeepEqual(recs, standin.SeedFindings(testNow)) {
		t.Fatal("SeedFindings is not deterministic")
	}
	if len(recs) != 40 {
		t.Fatalf("%d records", len(recs))
	}
	var notJSON, notAudit, malformed int
	times, ids := map[int64]bool{}, map[string][]labEvent{}
	hosts := map[string]bool{}
	levels := map[string]int{}
	for _, r := range recs {
		if r.ClusterID != standin.SeedFindingsClusterID || r.ClusterName != standin.SeedFindingsClusterName || r.ClusterType != "k8s" ||
			r.LineNum != "" || r.HostID == "" || r.HostIP == "" {
			t.Fatalf("record %+v", r)
		}
		hosts[r.HostID] = true
		at := time.UnixMilli(r.Time)
		if !at.Before(testNow) || !at.After(testNow.Add(-24*time.Hour)) || times[r.Time] {
			t.Fatalf("record at %s: outside the last 24 h, or at the time of another", at)
		}
		times[r.Time] = true
		if !strings.HasPrefix(r.Content, "{") {
			notJSON++
			continue
		}
		keys := topKeys(t, r.Content)
		var ev labEvent
		if err := json.Unmarshal([]byte(r.Content), &ev); err != nil {
			t.Fatalf("%v: %s", err, r.Content)
		}
		if ev.APIVersion != "audit.k8s.io/v1" {
			notAudit++ // an event exporter's Kubernetes Event
			if ev.Kind != "Event" || ev.APIVersion != "v1" {
				t.Fatalf("JSON of another kind: %s", r.Content)
			}
			continue
		}
		if ev.Kind != "Event" || ev.AuditID == "" || ev.User.Username == "" {
			t.Fatalf("event %s", r.Content)
		}
		seen := map[string]int{}
		for _, k := range keys {
			seen[k]++
		}
		if len(seen) != len(keys) {
			malformed++
			if seen["verb"] != 2 || len(seen) != len(keys)-1 {
				t.Fatalf("keys repeat, not verb alone: %v", keys)
			}
		}
		if st, err := time.Parse(time.RFC3339Nano, ev.StageTimestamp); err != nil || st.UnixMilli() != r.Time {
			t.Fatalf("stageTimestamp %s vs time %d (%v)", ev.StageTimestamp, r.Time, err)
		}
		if rr, err := time.Parse(time.RFC3339Nano, ev.RequestReceivedTimestamp); err != nil || rr.UnixMilli() > r.Time {
			t.Fatalf("requestReceivedTimestamp %s after the stage's (%v)", ev.RequestReceivedTimestamp, err)
		}
		levels[ev.Level]++
		switch {
		case ev.Level != "Metadata" && ev.Level != "RequestResponse":
			t.Fatalf("level %s", ev.Level)
		case ev.Level == "Metadata" && (ev.RequestObject != nil || ev.ResponseObject != nil):
			t.Fatalf("a body at Metadata level: %s", r.Content)
		case ev.Stage == "RequestReceived" && (ev.ResponseStatus != nil || ev.Annotations != nil || ev.RequestReceivedTimestamp != ev.StageTimestamp):
			t.Fatalf("RequestReceived with what a later stage knows: %s", r.Content)
		case ev.Stage != "RequestReceived" && (ev.Stage != "ResponseComplete" || ev.ResponseStatus == nil || ev.Annotations["authorization.k8s.io/decision"] == ""):
			t.Fatalf("event %s", r.Content)
		}
		if ev.ObjectRef != nil && ev.ObjectRef.Resource == "secrets" && ev.Level != "RequestResponse" {
			t.Fatalf("a Secret's event at %s level", ev.Level)
		}
		ids[ev.AuditID] = append(ids[ev.AuditID], ev)
	}
	if notJSON != 1 || notAudit != 1 || malformed != 1 || len(hosts) != 3 {
		t.Fatalf("%d not JSON, %d not audit events, %d malformed, %d hosts", notJSON, notAudit, malformed, len(hosts))
	}
	if levels["Metadata"] != 21 || levels["RequestResponse"] != 17 {
		t.Fatalf("levels %v", levels)
	}
	// Every audit ID is one request's; one request is audited at two stages.
	var twice []string
	for id, evs := range ids {
		if len(evs) > 1 {
			twice = append(twice, id)
		}
	}
	if len(ids) != 37 || len(twice) != 1 {
		t.Fatalf("%d audit IDs, %v at more than one stage", len(ids), twice)
	}
	pair := ids[twice[0]]
	if len(pair) != 2 || pair[0].Stage != "RequestReceived" || pair[1].Stage != "ResponseComplete" ||
		pair[1].RequestReceivedTimestamp != pair[0].StageTimestamp || pair[1].StageTimestamp <= pair[0].StageTimestamp ||
		pair[0].Verb != pair[1].Verb || pair[0].RequestURI != pair[1].RequestURI {
		t.Fatalf("the request of two stages: %+v", pair)
	}
	// The Secrets' data is in the log, for the docs to show it never
	// reaches a finding.
	data := standin.SeedFindingsSecretData()
	if len(data) != 3 {
		t.Fatalf("secret data %v", data)
	}
	for _, d := range data {
		if _, err := base64.StdEncoding.DecodeString(d); err != nil {
			t.Errorf("%s is not base64: %v", d, err)
		}
		if !slices.ContainsFunc(recs, func(r standin.Record) bool { return strings.Contains(r.Content, `":"`+d+`"`) }) {
			t.Errorf("no record holds the secret data %s", d)
		}
	}
}
