package standin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// seedFileFields are the fields of a record in a seed file: the API's own
// ClusterAuditLogResponseInfo.
var seedFileFields = []string{"cluster_name", "cluster_id", "time", "content", "cluster_type", "host_id", "host_name", "host_ip", "line_num"}

// LoadSeedFile reads records from a JSON file: either a list of records in
// the API's format (cluster_name, cluster_id, time, content, cluster_type,
// host_id, host_name, host_ip, line_num) or an object with such a list in
// "data_list" (and optionally "total_num"), so that a saved API answer
// loads as it is.
//
// It is strict, so that a typo does not silently serve different data: an
// unknown field is an error naming it and the record's index (counted from
// 0), "time" (epoch milliseconds, an integer) is required, and every other
// field must be a string or null (read as absent), except host_name, which
// may also be a number, as in the published example. Errors name the file.
func LoadSeedFile(path string) ([]Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seed file: %w", err)
	}
	recs, err := parseSeed(data)
	if err != nil {
		return nil, fmt.Errorf("seed file %s: %w", path, err)
	}
	return recs, nil
}

func parseSeed(data []byte) ([]Record, error) {
	var top json.RawMessage
	if err := decodeOne(data, &top); err != nil {
		return nil, err
	}
	var list []json.RawMessage
	where := "record"
	switch top[0] {
	case '[':
		if err := json.Unmarshal(top, &list); err != nil {
			return nil, err
		}
	case '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(top, &obj); err != nil {
			return nil, err
		}
		for _, k := range sortedFields(obj) {
			if k != "data_list" && k != "total_num" {
				return nil, fmt.Errorf("unknown top-level field %q (an object must hold data_list and at most total_num)", k)
			}
		}
		dl, ok := obj["data_list"]
		if !ok {
			return nil, errors.New(`an object must hold the records in "data_list"`)
		}
		if err := json.Unmarshal(dl, &list); err != nil || dl[0] != '[' {
			return nil, errors.New(`"data_list" is not a list`)
		}
		where = "data_list record"
	default:
		return nil, errors.New(`want a list of records or an object with "data_list", not ` + jsonKind(top))
	}
	out := make([]Record, 0, len(list))
	for i, raw := range list {
		r, err := parseSeedRecord(raw)
		if err != nil {
			return nil, fmt.Errorf("%s %d: %w", where, i, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// decodeOne decodes exactly one JSON value, reporting syntax errors by line
// and column and refusing anything after the value.
func decodeOne(data []byte, v *json.RawMessage) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("the file is empty")
		}
		return withPosition(data, err, dec.InputOffset())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return withPosition(data, errors.New("more data after the JSON value"), dec.InputOffset())
	}
	return nil
}

func withPosition(data []byte, err error, offset int64) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		offset = se.Offset
	}
	offset = min(offset, int64(len(data)))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

func parseSeedRecord(raw json.RawMessage) (Record, error) {
	if raw[0] != '{' {
		return Record{}, errors.New("not an object but " + jsonKind(raw))
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return Record{}, err
	}
	for _, k := range sortedFields(fields) {
		if !slices.Contains(seedFileFields, k) {
			return Record{}, fmt.Errorf("unknown field %q (the fields are %s)", k, strings.Join(seedFileFields, ", "))
		}
	}
	var r Record
	t, ok := fields["time"]
	if !ok {
		return Record{}, errors.New(`"time" (epoch milliseconds) is required`)
	}
	ms, err := strconv.ParseInt(string(t), 10, 64)
	if err != nil {
		return Record{}, fmt.Errorf(`"time" must be an integer of epoch milliseconds, not %s`, t)
	}
	r.Time = ms
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"cluster_name", &r.ClusterName}, {"cluster_id", &r.ClusterID}, {"content", &r.Content},
		{"cluster_type", &r.ClusterType}, {"host_id", &r.HostID}, {"host_ip", &r.HostIP}, {"line_num", &r.LineNum},
	} {
		v, ok := fields[f.name]
		if !ok || v[0] == 'n' { // null reads as absent
			continue
		}
		if v[0] != '"' || json.Unmarshal(v, f.dst) != nil {
			return Record{}, fmt.Errorf("%q must be a string, not %s", f.name, jsonKind(v))
		}
	}
	if v, ok := fields["host_name"]; ok {
		switch v[0] {
		case '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return Record{}, err
			}
			r.HostName = s
		case 'n':
			// null: served as null
		default:
			if n, err := strconv.Atoi(string(v)); err == nil {
				r.HostName = n // like the seed's 111
			} else if jsonKind(v) == "a number" {
				r.HostName = json.Number(v) // served exactly as written
			} else {
				return Record{}, fmt.Errorf(`"host_name" must be a string or a number, not %s`, jsonKind(v))
			}
		}
	}
	return r, nil
}

// sortedFields returns the keys sorted, so the first bad one reported does
// not change from run to run.
func sortedFields(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// jsonKind names the kind of a valid JSON value for error messages.
func jsonKind(v json.RawMessage) string {
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}
