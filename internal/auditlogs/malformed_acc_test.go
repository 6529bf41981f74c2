package auditlogs_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

const malformedCluster = "88888888-aaaa-bbbb-cccc-000000000008"

// The window, newest first: two real events of alice, free text, and
// four records that claim to be audit events and are malformed, two of
// them crafted so that a lenient reader would take them for another
// user's or another verb's.
var malformedContents = []string{
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"ok-1","stage":"ResponseComplete","verb":"get","user":{"username":"alice"},"objectRef":{"resource":"pods","namespace":"shop"}}`,
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"dup-verb","verb":"delete","user":{"username":"alice"},"objectRef":{"resource":"secrets","namespace":"production"},"Verb":"list"}`,
	`listImageTags, Method: GET Url=/v2/manage/namespaces/x/repos/y/tags, Reason`,
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"impersonate","verb":"delete","user":{"username":"mallory"},"USER":{"username":"alice"},"objectRef":{"resource":"secrets"}}`,
	`{"kind":"event","apiVersion":"audit\u002ek8s.io/v1","auditID":"lower-kind","verb":"delete","user":{"username":"alice"}}`,
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"truncated","verb":"delete","user":{"username":"ali`,
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"ok-2","stage":"ResponseComplete","verb":"delete","user":{"username":"alice"},"objectRef":{"resource":"secrets","namespace":"production"}}`,
}

func malformedConfig(url, args string) string { return windowConfig(url, malformedCluster, args) }

func TestAccClusterAuditLogs_malformedEvents(t *testing.T) {
	recs := make([]standin.Record, len(malformedContents))
	for i, c := range malformedContents {
		recs[i] = standin.Record{ClusterID: malformedCluster, ClusterType: "self_built_idc", HostID: "h", HostName: "node", HostIP: "10.0.0.1",
			Time: t0.Add(-time.Duration(i+1) * time.Minute).UnixMilli(), Content: c}
	}
	_, url := acctest.StandIn(t, standin.Options{Records: recs})
	ev := func(i int) tfjsonpath.Path { return at(i, "event") }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Every record kept; malformed ones with a null event, counted.
				Config: malformedConfig(url, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(7)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("malformed_num"), knownvalue.Int64Exact(4)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), knownvalue.ListSizeExact(7)),
					statecheck.ExpectKnownValue(addr, ev(0).AtMapKey("audit_id"), str("ok-1")),
					statecheck.ExpectKnownValue(addr, ev(1), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, ev(2), knownvalue.Null()), // free text
					statecheck.ExpectKnownValue(addr, ev(3), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, ev(4), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, ev(5), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, ev(6).AtMapKey("verb"), str("delete")),
				},
			},
			{
				// The crafted events cannot pass for alice's: only her two real ones match.
				Config: malformedConfig(url, `filter { usernames = ["alice"] }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("malformed_num"), knownvalue.Int64Exact(4)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"event": knownvalue.ObjectPartial(map[string]knownvalue.Check{"audit_id": str("ok-1")})}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"event": knownvalue.ObjectPartial(map[string]knownvalue.Check{"audit_id": str("ok-2")})}),
					})),
				},
			},
			{
				Config: malformedConfig(url, "strict_events = true"),
				ExpectError: regexp.MustCompile(`(?s)Malformed audit events.*4\s+records\s+claim\s+to\s+be\s+Kubernetes\s+audit\s+events.*` +
					`audit\s+ID\s+dup-verb.*audit\s+ID\s+impersonate.*audit\s+ID\s+lower-kind.*audit\s+ID\s+truncated`),
			},
		},
	})
}
