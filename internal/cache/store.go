// Package cache keeps the settled spans of audit-log windows on disk, so
// that a later plan asks the service only for the spans it lacks and for
// the unsettled tail: a rolling 24-hour window planned every hour reads
// one hour, not 24, out of a quota of 5 calls a minute.
//
// A span is every record of one query in a closed range of milliseconds,
// all older than the settle delay, in the service's order: a file of its
// own, named by the query's key and the range. Spans are cut at
// millisecond boundaries, so the records of one millisecond are all in one
// span, and a window is assembled from spans and reads exactly as a cold
// read returns it.
//
// The package knows nothing of Terraform; Lister (lister.go) is the
// audit-log Lister in front of the client.
package cache

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
)

// Format and Version name the span files this code writes; a file of
// another format or version is ignored, never trusted.
const (
	Format  = "hss-audit-log-span"
	Version = 1
)

// DefaultMaxBytes bounds a cache directory: past it, the spans used least
// recently are removed (a span's time is its last use).
const DefaultMaxBytes = 1 << 30

const (
	spanSuffix = ".span.gz"
	tempPrefix = ".span-"
	// staleTemp is the age past which a temporary file is taken for the
	// remains of a plan that died while writing, and removed.
	staleTemp = time.Hour
)

// Scope is what selects a query's records, but the window: the caller (a
// hash of what names the credentials, never a secret), where the calls go
// and every filter sent. Spans of different scopes never mix.
type Scope struct {
	Caller, Endpoint, ProjectID                 string
	EnterpriseProjectID, ClusterID, ClusterName string
	HostName, HostID, HostIP, Verb              string
}

// Key is the scope's name in file names and headers.
func (s Scope) Key() string {
	h := sha256.New()
	for _, f := range []string{Format, strconv.Itoa(Version), s.Caller, s.Endpoint, s.ProjectID, s.EnterpriseProjectID,
		s.ClusterID, s.ClusterName, s.HostName, s.HostID, s.HostIP, s.Verb} {
		_, _ = fmt.Fprintf(h, "%d:%s\n", len(f), f) // length-prefixed: no two scopes encode alike
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Store is a cache directory. Plans running at once may share one: files
// are written whole to a temporary name and renamed, so a reader sees a
// span whole or not at all.
type Store struct {
	dir      string
	maxBytes int64
	now      func() time.Time

	mu sync.Mutex // one eviction at a time within a process
}

// Open makes dir (mode 0700) if it does not exist and returns its Store.
// maxBytes <= 0 means DefaultMaxBytes.
func Open(dir string, maxBytes int64) (*Store, error) {
	if dir == "" {
		return nil, errors.New("no cache directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		// Whoever may write the directory decides what later plans read
		// from it. A directory it did not make is not the provider's to
		// chmod (it may be /tmp, or the configuration's own).
		return nil, fmt.Errorf("%s may be written by other users (mode %v): whoever can write it can change what plans read; "+
			"use a directory only its owner may write (the provider makes a missing one with mode 0700)", dir, fi.Mode().Perm())
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Store{dir: dir, maxBytes: maxBytes, now: time.Now}, nil
}

// Dir is the directory of the store.
func (s *Store) Dir() string { return s.dir }

// span is one span file, as its name describes it.
type span struct {
	from, to int64 // epoch ms, inclusive
	path     string
}

func spanName(key string, from, to int64) string {
	return fmt.Sprintf("%s-%d-%d%s", key[:40], from, to, spanSuffix)
}

// spans lists the spans of key that overlap [from, to]. A name that does
// not parse is not a span of this code's.
func (s *Store) spans(key string, from, to int64) ([]span, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	prefix := key[:40] + "-"
	var out []span
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, spanSuffix) {
			continue
		}
		f, t, ok := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(name, prefix), spanSuffix), "-")
		if !ok {
			continue
		}
		sf, err1 := strconv.ParseInt(f, 10, 64)
		st, err2 := strconv.ParseInt(t, 10, 64)
		if err1 != nil || err2 != nil || sf > st || sf < 0 {
			continue
		}
		if st >= from && sf <= to {
			out = append(out, span{from: sf, to: st, path: filepath.Join(s.dir, name)})
		}
	}
	return out, nil
}

// header opens a span file.
type header struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	Key     string `json:"key"`
	From    int64  `json:"from"`
	To      int64  `json:"to"`
	Records int    `json:"records"`
}

// trailer closes one: a file cut short lacks it.
type trailer struct {
	End int `json:"end"`
}

// record is an hss.Record in a span file.
type record struct {
	Time        int64  `json:"t"`
	Content     string `json:"c"`
	ClusterName string `json:"cn,omitempty"`
	ClusterID   string `json:"ci,omitempty"`
	ClusterType string `json:"ct,omitempty"`
	HostID      string `json:"hi,omitempty"`
	HostName    string `json:"hn,omitempty"`
	HostIP      string `json:"ip,omitempty"`
	LineNum     string `json:"ln,omitempty"`
}

// ErrInvalid is a span file that is not what its name says: corrupt, cut
// short, another format or version, another scope's, or out of order.
var ErrInvalid = errors.New("invalid span file")

// errOtherVersion is a span file of another format or version: another
// release's, which may share the directory; it is left alone.
var errOtherVersion = errors.New("another format or version")

// load reads a span, checking all of it: the file is trusted only whole.
func (s *Store) load(key string, sp span) ([]hss.Record, error) {
	f, err := os.Open(sp.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	dec := json.NewDecoder(zr)
	var h header
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrInvalid, err)
	}
	switch {
	case h.Format != Format || h.Version != Version:
		return nil, fmt.Errorf("%w: %w: format %q version %d, not %s version %d", ErrInvalid, errOtherVersion, h.Format, h.Version, Format, Version)
	case h.Key != key || h.From != sp.from || h.To != sp.to:
		return nil, fmt.Errorf("%w: holds another span than its name says", ErrInvalid)
	case h.Records < 0 || h.Records > hss.MaxTotalNum:
		return nil, fmt.Errorf("%w: %d records", ErrInvalid, h.Records)
	}
	recs := make([]hss.Record, 0, min(h.Records, 1<<16))
	last := int64(1<<63 - 1)
	for range h.Records {
		var r record
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("%w: record %d: %v", ErrInvalid, len(recs), err)
		}
		if r.Time < h.From || r.Time > h.To || r.Time > last {
			return nil, fmt.Errorf("%w: record %d at %d is out of the span or out of order", ErrInvalid, len(recs), r.Time)
		}
		last = r.Time
		recs = append(recs, hss.Record{Time: r.Time, Content: r.Content, ClusterName: r.ClusterName, ClusterID: r.ClusterID,
			ClusterType: r.ClusterType, HostID: r.HostID, HostName: r.HostName, HostIP: r.HostIP, LineNum: r.LineNum})
	}
	var t trailer
	if err := dec.Decode(&t); err != nil || t.End != h.Records {
		return nil, fmt.Errorf("%w: no trailer (cut short?)", ErrInvalid)
	}
	// Reading to the end checks the gzip stream's own checksum and length.
	rest, err := io.ReadAll(io.LimitReader(io.MultiReader(dec.Buffered(), zr), 1<<10))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if strings.TrimSpace(string(rest)) != "" {
		return nil, fmt.Errorf("%w: data after the trailer", ErrInvalid)
	}
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	now := s.now()
	_ = os.Chtimes(sp.path, now, now) // used now: the last to be evicted
	return recs, nil
}

// count is the number of records a span's header announces: enough to
// plan a read, whose load of the span later checks the whole file.
func (s *Store) count(key string, sp span) (int64, error) {
	f, err := os.Open(sp.path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	var h header
	if err := json.NewDecoder(io.LimitReader(zr, 4<<10)).Decode(&h); err != nil {
		return 0, fmt.Errorf("%w: header: %v", ErrInvalid, err)
	}
	switch {
	case h.Format != Format || h.Version != Version:
		return 0, fmt.Errorf("%w: %w", ErrInvalid, errOtherVersion)
	case h.Key != key || h.From != sp.from || h.To != sp.to || h.Records < 0 || h.Records > hss.MaxTotalNum:
		return 0, fmt.Errorf("%w: header does not match its name", ErrInvalid)
	}
	return int64(h.Records), nil
}

// save writes the records of key in [from, to] as one span: to a
// temporary file, renamed into place, so that no reader sees it in part.
func (s *Store) save(key string, from, to int64, recs []hss.Record) (err error) {
	tmp, err := os.CreateTemp(s.dir, tempPrefix+"*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(tmp, 1<<16)
	zw, err := gzip.NewWriterLevel(bw, gzip.BestSpeed)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(zw)
	if err := enc.Encode(header{Format: Format, Version: Version, Key: key, From: from, To: to, Records: len(recs)}); err != nil {
		return err
	}
	for _, r := range recs {
		if err := enc.Encode(record{Time: r.Time, Content: r.Content, ClusterName: r.ClusterName, ClusterID: r.ClusterID,
			ClusterType: r.ClusterType, HostID: r.HostID, HostName: r.HostName, HostIP: r.HostIP, LineNum: r.LineNum}); err != nil {
			return err
		}
	}
	if err := enc.Encode(trailer{End: len(recs)}); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(s.dir, spanName(key, from, to)))
}

// remove deletes a span another has made redundant; one already gone is
// no error (another plan may have removed it).
func (s *Store) remove(sp span) {
	_ = os.Remove(sp.path)
}

// evict removes the spans used least recently while the directory holds
// more than its bound, and temporary files left by plans that died.
func (s *Store) evict() (removed int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return 0, err
	}
	type file struct {
		path string
		size int64
		mod  time.Time
	}
	var files []file
	var total int64
	now := s.now()
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		p := filepath.Join(s.dir, e.Name())
		switch {
		case strings.HasPrefix(e.Name(), tempPrefix):
			if now.Sub(info.ModTime()) > staleTemp {
				_ = os.Remove(p)
			}
		case strings.HasSuffix(e.Name(), spanSuffix):
			files = append(files, file{p, info.Size(), info.ModTime()})
			total += info.Size()
		}
	}
	if total <= s.maxBytes {
		return 0, nil
	}
	sort.Slice(files, func(i, j int) bool { return files[i].mod.Before(files[j].mod) })
	for _, f := range files {
		if total <= s.maxBytes*9/10 {
			break
		}
		if os.Remove(f.path) == nil {
			removed++
		}
		total -= f.size
	}
	return removed, nil
}
