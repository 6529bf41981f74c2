package hss

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"strconv"
)

// recordSet remembers the records of a read by identity, to catch a
// service that serves a record twice: its line_num where records carry
// one (CCE), else a 64-bit hash of the whole record. A page whose records
// repeat an earlier page's, in order, is a service that does not honour
// the paging; a record seen again on a later page is a paging error too;
// the same record twice within one page may be two identical events, and
// is a warning. Every record is hashed once, for both checks.
type recordSet struct {
	seed  maphash.Seed
	lines map[string]string // line_num -> page label
	sums  map[uint64]string // record hash -> page label
	pages map[uint64]string // hash of a page's record hashes -> page label
	buf   []uint64          // this page's record hashes
}

// add checks one non-empty page's records, read in mode, and remembers them.
func (s *recordSet) add(recs []Record, label, mode string, warnings *[]string) error {
	if s.lines == nil {
		s.seed, s.lines, s.sums, s.pages = maphash.MakeSeed(), map[string]string{}, map[uint64]string{}, map[uint64]string{}
	}
	var page maphash.Hash
	page.SetSeed(s.seed)
	s.buf = s.buf[:0]
	var b [8]byte
	for i := range recs {
		sum := s.sum(&recs[i])
		s.buf = append(s.buf, sum)
		binary.LittleEndian.PutUint64(b[:], sum)
		_, _ = page.Write(b[:])
	}
	if first, dup := s.pages[page.Sum64()]; dup {
		return &PagingError{Page: label, Reason: fmt.Sprintf("the service returned the same records as for page %s; it does not honour %s", first, mode)}
	}
	s.pages[page.Sum64()] = label
	within := 0
	for i := range recs {
		r := &recs[i]
		var first string
		var dup bool
		if r.LineNum != "" {
			if first, dup = s.lines[r.LineNum]; !dup {
				s.lines[r.LineNum] = label
			}
		} else if first, dup = s.sums[s.buf[i]]; !dup {
			s.sums[s.buf[i]] = label
		}
		switch {
		case !dup:
		case first != label:
			// During offset paging a repeat is what shifted pages look
			// like, which reading again may mend.
			return &PagingError{Page: label, Shifted: mode == ModeOffset, Reason: fmt.Sprintf(
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
