package standin_test

import (
	"encoding/json"
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
	if n := len(recs); n < 40 || n > 60 {
		t.Fatalf("%d records", n)
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
