package hss

import (
	"fmt"
	"hash/maphash"
	"strconv"
)

// recordSet remembers the records of a read by identity, to catch a
// service that serves a record twice: its line_num where records carry
// one (CCE), else a 64-bit hash of the whole record. A record seen again on
// a later page is a paging error, as a repeated page is; the same record
// twice within one page may be two identical events, and is a warning.
type recordSet struct {
	seed  maphash.Seed
	lines map[string]string // line_num -> page label
	sums  map[uint64]string // record hash -> page label
}

// add checks one page's records and remembers them.
// shifted marks a repeat across pages as a shifted read (offset paging:
// arrivals moved the pages), which reading again may mend.
func (s *recordSet) add(recs []Record, label string, warnings *[]string, shifted bool) error {
	if s.lines == nil {
		s.seed, s.lines, s.sums = maphash.MakeSeed(), map[string]string{}, map[uint64]string{}
	}
	within := 0
	for i := range recs {
		r := &recs[i]
		var first string
		var dup bool
		if r.LineNum != "" {
			if first, dup = s.lines[r.LineNum]; !dup {
				s.lines[r.LineNum] = label
			}
		} else {
			sum := s.sum(r)
			if first, dup = s.sums[sum]; !dup {
				s.sums[sum] = label
			}
		}
		switch {
		case !dup:
		case first != label:
			return &PagingError{Page: label, Shifted: shifted, Reason: fmt.Sprintf(
				"record %d of the page (time %d%s) was already on page %s: the service served it twice, so the list would hold it twice",
				i, r.Time, lineNumNote(r.LineNum), first)}
		default:
			within++
		}
	}
	if within > 0 {
		*warnings = append(*warnings, fmt.Sprintf("page %s holds %d records identical to (or sharing the line_num of) others of the same page; they are kept, "+
			"as the service listed them, but may be one event served more than once", label, within))
	}
	return nil
}

func lineNumNote(n string) string {
	if n == "" {
		return ""
	}
	return ", line_num " + strconv.Quote(n)
}

// sum hashes every field of r, each with its length, so no two records
// that differ hash alike but by chance.
func (s *recordSet) sum(r *Record) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	var buf [20]byte
	for _, f := range [...]string{r.ClusterID, r.LineNum, r.HostID, r.HostName, r.HostIP, r.ClusterName, r.ClusterType, r.Content} {
		_, _ = h.Write(strconv.AppendInt(buf[:0], int64(len(f)), 10))
		_ = h.WriteByte(':')
		_, _ = h.WriteString(f)
	}
	_, _ = h.Write(strconv.AppendInt(buf[:0], r.Time, 10))
	return h.Sum64()
}
