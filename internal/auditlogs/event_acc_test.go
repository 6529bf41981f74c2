package auditlogs_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hss-tf/terraform-provider-hss/internal/acctest"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

const eventCluster = "66666666-aaaa-bbbb-cccc-000000000006"

// Real-shaped audit events, newest first.
var events = []string{
	// 0: a human deletes a Secret in production.
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"ev-0","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/production/secrets/db-password","verb":"delete","user":{"username":"alice@example.com","uid":"u-1","groups":["dev","system:authenticated"]},"sourceIPs":["198.51.100.7"],"userAgent":"kubectl/v1.30.2","objectRef":{"resource":"secrets","namespace":"production","name":"db-password","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2026-11-20T11:59:00.000100Z","stageTimestamp":"2026-11-20T11:59:00.005Z","annotations":{"authorization.k8s.io/decision":"allow"}}`,
	// 1: the CI robot patches the same Secret.
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"ev-1","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/production/secrets/db-password","verb":"patch","user":{"username":"system:serviceaccount:ci:deployer","groups":["system:serviceaccounts"]},"sourceIPs":["10.0.9.2"],"userAgent":"argocd/v2.11","objectRef":{"resource":"secrets","namespace":"production","name":"db-password","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2026-11-20T11:58:00Z","stageTimestamp":"2026-11-20T11:58:00.001Z"}`,
	// 2: an exec into a pod.
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"ev-2","stage":"ResponseStarted","requestURI":"/api/v1/namespaces/shop/pods/web-0/exec?command=sh","verb":"create","user":{"username":"carol@example.com","groups":["dev"]},"sourceIPs":["10.0.3.17"],"userAgent":"kubectl/v1.30.2","objectRef":{"resource":"pods","subresource":"exec","namespace":"shop","name":"web-0","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":101},"requestReceivedTimestamp":"2026-11-20T11:57:00Z","stageTimestamp":"2026-11-20T11:57:00.050Z"}`,
	// 3: an anonymous list of Secrets, refused.
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"ev-3","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/kube-system/secrets","verb":"list","user":{"username":"system:anonymous","groups":["system:unauthenticated"]},"sourceIPs":["203.0.113.9"],"userAgent":"curl/8.5.0","objectRef":{"resource":"secrets","namespace":"kube-system","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":403},"requestReceivedTimestamp":"2026-11-20T11:56:00Z","stageTimestamp":"2026-11-20T11:56:00.001Z","annotations":{"authorization.k8s.io/decision":"forbid"}}`,
	// 4: an admin impersonating a user.
	`{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"ev-4","stage":"ResponseComplete","requestURI":"/apis/apps/v1/namespaces/shop/deployments/web","verb":"get","user":{"username":"admin","groups":["system:masters"]},"impersonatedUser":{"username":"dave@example.com","groups":["qa"]},"sourceIPs":["10.0.0.5"],"userAgent":"kubectl/v1.30.2","objectRef":{"resource":"deployments","namespace":"shop","name":"web","apiGroup":"apps","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"2026-11-20T11:55:00Z","stageTimestamp":"2026-11-20T11:55:00.001Z"}`,
	// 5: free text, as in the published example.
	`listImageTags, Method: GET Url=/v2/manage/namespaces/x/repos/y/tags, Reason`,
}

func eventRecords() []standin.Record {
	recs := make([]standin.Record, len(events))
	for i, c := range events {
		recs[i] = standin.Record{ClusterID: eventCluster, ClusterType: "self_built_idc", HostID: "h", HostName: "node", HostIP: "10.0.0.1",
			Time: t0.Add(-time.Duration(i+1) * time.Minute).UnixMilli(), Content: c}
	}
	return recs
}

func eventConfig(url, args string) string {
	return acctest.ProviderConfig(url, "") + fmt.Sprintf(`
data "hss_cluster_audit_logs" "test" {
  cluster_id = %q
  start_time = %d
  end_time   = %d
  %s
}
`, eventCluster, t0.Add(-time.Hour).UnixMilli(), t0.UnixMilli(), args)
}

func str(s string) knownvalue.Check { return knownvalue.StringExact(s) }

func strs(ss ...string) knownvalue.Check {
	c := make([]knownvalue.Check, len(ss))
	for i, s := range ss {
		c[i] = str(s)
	}
	return knownvalue.ListExact(c)
}

func at(i int, keys ...string) tfjsonpath.Path {
	p := tfjsonpath.New("data_list").AtSliceIndex(i)
	for _, k := range keys {
		p = p.AtMapKey(k)
	}
	return p
}

func TestAccClusterAuditLogs_events(t *testing.T) {
	_, url := acctest.StandIn(t, standin.Options{Records: eventRecords()})
	null := knownvalue.Null()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: eventConfig(url, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("data_list"), knownvalue.ListSizeExact(6)),
				// The whole event of a Secret's deletion.
				statecheck.ExpectKnownValue(addr, at(0, "event"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"audit_id": str("ev-0"), "stage": str("ResponseComplete"), "level": str("Metadata"), "verb": str("delete"),
					"request_uri":       str("/api/v1/namespaces/production/secrets/db-password"),
					"user":              knownvalue.ObjectExact(map[string]knownvalue.Check{"username": str("alice@example.com"), "uid": str("u-1"), "groups": strs("dev", "system:authenticated")}),
					"impersonated_user": knownvalue.ObjectExact(map[string]knownvalue.Check{"username": null}),
					"source_ips":        strs("198.51.100.7"), "user_agent": str("kubectl/v1.30.2"),
					"object_ref": knownvalue.ObjectExact(map[string]knownvalue.Check{
						"resource": str("secrets"), "subresource": null, "namespace": str("production"), "name": str("db-password"),
						"api_group": null, "api_version": str("v1"),
					}),
					"response_code":              knownvalue.Int64Exact(200),
					"request_received_timestamp": str("2026-11-20T11:59:00.000Z"),
					"stage_timestamp":            str("2026-11-20T11:59:00.005Z"),
					"annotations":                knownvalue.MapExact(map[string]knownvalue.Check{"authorization.k8s.io/decision": str("allow")}),
				})),
				statecheck.ExpectKnownValue(addr, at(0, "time_rfc3339"), str("2026-11-20T11:59:00.000Z")),
				statecheck.ExpectKnownValue(addr, at(1, "event", "verb"), str("patch")),
				statecheck.ExpectKnownValue(addr, at(1, "event", "annotations"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				statecheck.ExpectKnownValue(addr, at(2, "event", "object_ref", "subresource"), str("exec")),
				statecheck.ExpectKnownValue(addr, at(2, "event", "response_code"), knownvalue.Int64Exact(101)),
				statecheck.ExpectKnownValue(addr, at(3, "event", "user"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"username": str("system:anonymous"), "uid": null, "groups": strs("system:unauthenticated"),
				})),
				statecheck.ExpectKnownValue(addr, at(3, "event", "object_ref", "name"), null),
				statecheck.ExpectKnownValue(addr, at(4, "event", "impersonated_user", "username"), str("dave@example.com")),
				statecheck.ExpectKnownValue(addr, at(4, "event", "object_ref", "api_group"), str("apps")),
				// Free text: no event, the record otherwise whole.
				statecheck.ExpectKnownValue(addr, at(5, "event"), null),
				statecheck.ExpectKnownValue(addr, at(5, "content"), str(events[5])),
				statecheck.ExpectKnownValue(addr, at(5, "time_rfc3339"), str("2026-11-20T11:54:00.000Z")),
			},
		}},
	})
}

func TestAccClusterAuditLogs_filterAndMaxResults(t *testing.T) {
	s, url := acctest.StandIn(t, standin.Options{Records: eventRecords()})
	auditIDs := func(ids ...string) knownvalue.Check {
		c := make([]knownvalue.Check, len(ids))
		for i, id := range ids {
			c[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"event": knownvalue.ObjectPartial(map[string]knownvalue.Check{"audit_id": str(id)})})
		}
		return knownvalue.ListExact(c)
	}
	list := tfjsonpath.New("data_list")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      eventConfig(url, "filter { resources = [] }"),
			ExpectError: regexp.MustCompile(`(?s)filter.resources\s+list\s+must\s+contain\s+at\s+least\s+1`),
		}, {
			Config:      eventConfig(url, "max_results = 0"),
			ExpectError: regexp.MustCompile(`Attribute max_results value must be at least 1, got: 0`),
		}, {
			Config: eventConfig(url, "filter {\n resources = [\"secrets\"]\n exclude_usernames = [\"system:serviceaccount:ci:deployer\"]\n}"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, list, auditIDs("ev-0", "ev-3")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_num"), knownvalue.Int64Exact(6)),
			},
		}, {
			Config:            eventConfig(url, `filter { resources = ["pods/exec"] }`),
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, list, auditIDs("ev-2"))},
		}, {
			Config:            eventConfig(url, "filter {\n usernames = [\"admin\", \"alice@example.com\"]\n namespaces = [\"shop\"]\n}"),
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, list, auditIDs("ev-4"))},
		}, {
			// A filter never matches free text.
			Config:            eventConfig(url, `filter { exclude_usernames = ["nobody"] }`),
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, list, auditIDs("ev-0", "ev-1", "ev-2", "ev-3", "ev-4"))},
		}, {
			// max_results stops the read: 2 records kept, 1 page of 2 read.
			PreConfig:         s.Reset,
			Config:            eventConfig(url, "max_results = 2\nlimit = 2"),
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, list, auditIDs("ev-0", "ev-1"))},
			Check: func(*terraform.State) error {
				// Every read stopped after its first page.
				for i, r := range s.Requests() {
					if r.Query.Get("offset") != "0" {
						return fmt.Errorf("request %d read offset %s", i, r.Query.Get("offset"))
					}
				}
				return nil
			},
		}, {
			// max_results counts matches, not records.
			Config:            eventConfig(url, "max_results = 1\nlimit = 2\nfilter { resources = [\"pods\"] }"),
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, list, auditIDs("ev-2"))},
		}},
	})
}
