package standin_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

const genCluster = "11111111-2222-3333-4444-555555555555"

// genServer serves 1050 generated records ending at testNow.
func genServer(t *testing.T, mode standin.PagingMode, lineNums bool) string {
	t.Helper()
	_, ts := newServer(t, func(o *standin.Options) {
		o.Records = standin.Generate(genCluster, "cce", 1050, testNow, lineNums)
		o.Paging = mode
	})
	return ts.URL
}

func genPage(t *testing.T, base string, offset int, lineNum string) listBody {
	t.Helper()
	q := baseQuery()
	q.Set("cluster_id", genCluster)
	q.Set("start_time", strconv.FormatInt(testNow.Add(-time.Hour).UnixMilli(), 10))
	q.Set("limit", "200")
	q.Set("offset", strconv.Itoa(offset))
	if lineNum != "" {
		q.Set("line_num", lineNum)
	}
	b := do(t, tokenRequest(t, base, apiPath, q))
	if b.Status != http.StatusOK {
		t.Fatalf("status %d: %s", b.Status, b.Raw)
	}
	return b
}

// checkAll asserts the 1050 records came once each, newest first.
func checkAll(t *testing.T, got []wireRecord) {
	t.Helper()
	if len(got) != 1050 {
		t.Fatalf("%d records, want 1050", len(got))
	}
	for i, r := range got {
		if want := testNow.Add(-time.Duration(i) * time.Second).UnixMilli(); r.Time != want {
			t.Fatalf("record %d time %d, want %d", i, r.Time, want)
		}
	}
}

func TestOffsetPaging(t *testing.T) {
	base := genServer(t, standin.OffsetHonoured, false)
	var all []wireRecord
	for offset := 0; ; offset += 200 {
		b := genPage(t, base, offset, "")
		if *b.TotalNum != 1050 {
			t.Fatalf("total_num %d", *b.TotalNum)
		}
		if len(b.DataList) == 0 {
			break
		}
		all = append(all, b.DataList...)
	}
	checkAll(t, all)
}

func TestCursorPaging(t *testing.T) {
	for _, mode := range []standin.PagingMode{standin.OffsetHonoured, standin.CursorOnly} {
		base := genServer(t, mode, true)
		var all []wireRecord
		cursor := ""
		for pages := 0; ; pages++ {
			// With line_num, offset is ignored in both modes: send junk.
			offset := 0
			if cursor != "" {
				offset = 999
			}
			b := genPage(t, base, offset, cursor)
			if len(b.DataList) == 0 {
				if pages != 6 {
					t.Fatalf("mode %d: %d pages, want 6", mode, pages)
				}
				break
			}
			all = append(all, b.DataList...)
			cursor = *b.DataList[len(b.DataList)-1].LineNum
		}
		checkAll(t, all)
		if *all[0].LineNum != "1050" || *all[1049].LineNum != "1" {
			t.Fatalf("line numbers %s..%s", *all[0].LineNum, *all[1049].LineNum)
		}
	}
}

func TestUnknownLineNumGivesEmptyPage(t *testing.T) {
	base := genServer(t, standin.OffsetHonoured, true)
	b := genPage(t, base, 0, "no-such-line")
	if *b.TotalNum != 1050 || len(b.DataList) != 0 {
		t.Fatalf("total %d, %d records", *b.TotalNum, len(b.DataList))
	}
}

func TestCursorOnlyIgnoresOffset(t *testing.T) {
	base := genServer(t, standin.CursorOnly, true)
	first, again := genPage(t, base, 0, ""), genPage(t, base, 200, "")
	if len(again.DataList) != 200 || again.DataList[0].Time != first.DataList[0].Time ||
		*again.DataList[199].LineNum != *first.DataList[199].LineNum {
		t.Fatal("CursorOnly honoured offset")
	}
	honoured := genPage(t, genServer(t, standin.OffsetHonoured, true), 200, "")
	if *honoured.DataList[0].LineNum != "850" {
		t.Fatalf("offset 200 starts at line %s, want 850", *honoured.DataList[0].LineNum)
	}
}

func TestOffsetBeyondEnd(t *testing.T) {
	base := genServer(t, standin.OffsetHonoured, false)
	if b := genPage(t, base, 5000, ""); len(b.DataList) != 0 || *b.TotalNum != 1050 {
		t.Fatalf("%d records", len(b.DataList))
	}
}
