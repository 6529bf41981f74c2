package auditlogs

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/patterns"
)

// pagesLister serves pages of records without a network; it stops as the
// real pager does when the visitor says so.
type pagesLister struct{ pages [][]hss.Record }

func (l pagesLister) WalkClusterAuditLogs(_ context.Context, _ hss.Query, visit hss.Visitor) (*hss.Result, error) {
	res := &hss.Result{Mode: hss.ModeOffset}
	for _, p := range l.pages {
		res.TotalNum += int64(len(p))
	}
	for _, p := range l.pages {
		res.Requests++
		res.Read += int64(len(p))
		if !visit(p) {
			res.Stopped = true
			break
		}
	}
	return res, nil
}

func auditEvent(verb, user string) string {
	return fmt.Sprintf(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","verb":%q,"user":{"username":%q},"objectRef":{"resource":"secrets","namespace":"prod"}}`, verb, user)
}

func TestReadRowsMaxResults(t *testing.T) {
	pages := [][]hss.Record{
		{{Content: auditEvent("get", "a")}, {Content: auditEvent("delete", "b")}},
		{{Content: "free text"}, {Content: auditEvent("patch", "c")}},
	}
	for name, tc := range map[string]struct {
		n        narrowing
		rows     int
		warnings int
	}{
		"no limit":                    {narrowing{}, 4, 0},
		"limit inside the first page": {narrowing{maxResults: 1}, 1, 1},
		"limit at a page's end":       {narrowing{maxResults: 2}, 2, 1},
		"limit at the window's end":   {narrowing{maxResults: 4}, 4, 0},
		"limit above the window":      {narrowing{maxResults: 9}, 4, 0},
		"filter then limit":           {narrowing{maxResults: 1, filter: &filterSpec{excludeUsernames: patterns.New("a")}}, 1, 1},
		"filter reaching the end":     {narrowing{maxResults: 3, filter: &filterSpec{excludeUsernames: patterns.New("a")}}, 2, 0},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := readRows(context.Background(), pagesLister{pages}, hss.Query{}, tc.n)
			if err != nil || len(out.rows) != tc.rows || len(out.warnings) != tc.warnings || out.total != 4 {
				t.Fatalf("%d rows, warnings %v, total %d, err %v", len(out.rows), out.warnings, out.total, err)
			}
			for _, w := range out.warnings {
				if !strings.Contains(w.detail, fmt.Sprintf("max_results = %d", tc.n.maxResults)) {
					t.Errorf("warning %q", w.detail)
				}
			}
		})
	}
}

func TestReadRowsParsesOnce(t *testing.T) {
	out, err := readRows(context.Background(), pagesLister{[][]hss.Record{{{Content: auditEvent("delete", "b")}, {Content: "text"}}}}, hss.Query{}, narrowing{})
	if err != nil || out.rows[0].Event == nil || out.rows[0].Event.Verb != "delete" || out.rows[1].Event != nil {
		t.Fatalf("%+v %v", out, err)
	}
}

// Records beyond max_results are neither kept nor counted as malformed:
// what malformed_num and strict_events see does not depend on the page size.
func TestReadRowsMalformedBeyondMaxResults(t *testing.T) {
	malformed := `{"kind":"event","apiVersion":"audit.k8s.io/v1","auditID":"m1"}`
	for _, pages := range [][][]hss.Record{
		{{{Content: auditEvent("get", "a")}, {Content: malformed}}},
		{{{Content: auditEvent("get", "a")}}, {{Content: malformed}}},
	} {
		out, err := readRows(context.Background(), pagesLister{pages}, hss.Query{}, narrowing{maxResults: 1, strict: true})
		if err != nil || len(out.rows) != 1 || out.malformed.n != 0 {
			t.Fatalf("pages of %d: rows %d, malformed %d, err %v", len(pages[0]), len(out.rows), out.malformed.n, err)
		}
	}
	out, err := readRows(context.Background(), pagesLister{[][]hss.Record{{{Content: malformed}, {Content: auditEvent("get", "a")}}}}, hss.Query{}, narrowing{})
	if err != nil || out.malformed.n != 1 || !strings.Contains(out.warnings[0].detail, "audit ID m1") {
		t.Fatalf("malformed %d, warnings %+v, err %v", out.malformed.n, out.warnings, err)
	}
}
