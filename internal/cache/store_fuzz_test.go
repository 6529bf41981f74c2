package cache

import (
	"errors"
	"os"
	"testing"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
)

// FuzzLoad feeds arbitrary bytes to load as a span file: it never panics,
// and either fails with ErrInvalid or returns records all within the span,
// newest first.
func FuzzLoad(f *testing.F) {
	const from, to = 1000, 2000
	seedStore, err := Open(f.TempDir(), 0)
	if err != nil {
		f.Fatal(err)
	}
	add := func(recs []hss.Record, key string, from, to int64) []byte {
		if err := seedStore.save(key, from, to, recs); err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(spanOf(seedStore, key, from, to).path)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	valid := add([]hss.Record{{Time: 2000, Content: "a", LineNum: "3"}, {Time: 1500, Content: "b"}, {Time: 1500, Content: ""}, {Time: 1000, Content: "ü"}}, testKey, from, to)
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add(valid[:len(valid)-1])
	f.Add(add(nil, testKey, from, to))
	f.Add(add([]hss.Record{{Time: 1500}}, testKey, 1000, 1999))             // another range
	f.Add(add([]hss.Record{{Time: 1500}}, Scope{}.Key(), from, to))         // another key
	f.Add(add([]hss.Record{{Time: 1000}, {Time: 2000}}, testKey, from, to)) // out of order
	f.Add(add([]hss.Record{{Time: 2001}}, testKey, from, to))               // out of the span
	for _, text := range []string{
		`{"format":"hss-audit-log-span","version":1,"key":"` + testKey + `","from":1000,"to":2000,"records":1}` + "\n" + `{"t":1500,"c":"x"}` + "\n" + `{"end":1}` + "\n",
		`{"format":"hss-audit-log-span","version":1,"key":"` + testKey + `","from":1000,"to":2000,"records":100000000}` + "\n",
		`{"format":"hss-audit-log-span","version":1,"key":"` + testKey + `","from":1000,"to":2000,"records":0}` + "\n" + `{"end":0}` + "\n" + "   \n\t",
		`{"format":"hss-audit-log-span","version":2}`,
		"",
	} {
		f.Add(gzipped([]byte(text)))
	}
	f.Add([]byte{})
	f.Add([]byte("\x1f\x8b"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Open(t.TempDir(), 0)
		if err != nil {
			t.Fatal(err)
		}
		sp := spanOf(s, testKey, from, to)
		if err := os.WriteFile(sp.path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		recs, err := s.load(testKey, sp)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("load failed with %v, not ErrInvalid", err)
			}
			if recs != nil {
				t.Fatalf("load failed (%v) but returned %d records", err, len(recs))
			}
			return
		}
		last := int64(to)
		for i, r := range recs {
			if r.Time < from || r.Time > to || r.Time > last {
				t.Fatalf("record %d of %d at %d: out of the span [%d, %d] or after a record at %d", i, len(recs), r.Time, from, to, last)
			}
			last = r.Time
		}
	})
}
