package hss

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/hss-tf/terraform-provider-hss/internal/jsonstr"
	"github.com/hss-tf/terraform-provider-hss/internal/safetext"
)

// Record is one audit-log entry, as the service sent it. Every documented
// string field is text here even when the service sent a number.
type Record struct {
	ClusterName string
	ClusterID   string
	Time        int64 // epoch milliseconds
	Content     string
	ClusterType string
	HostID      string
	HostName    string
	HostIP      string
	LineNum     string
}

// page is one decoded answer.
type page struct {
	TotalNum int64
	Records  []Record
}

// flexString accepts a JSON string, number or boolean and keeps its text:
// the published example sends host_name as the number 111, which the
// official SDK's typed model rejects.
type flexString string

func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*s = ""
	case b[0] == '"':
		if v, ok := jsonstr.Unquote(b); ok { // without a second scan of the literal
			*s = flexString(v)
			return nil
		}
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9') || string(b) == "true" || string(b) == "false":
		*s = flexString(b)
	default:
		return fmt.Errorf("expected a string or number, got %.40s", b)
	}
	return nil
}

// flexInt accepts a JSON integer, an integral float (1.8e12) or a string
// holding one.
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*n = 0
		return nil
	}
	text := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
	}
	if v, err := strconv.ParseInt(text, 10, 64); err == nil {
		*n = flexInt(v)
		return nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return fmt.Errorf("expected an integer, got %.40s", b)
	}
	*n = flexInt(f)
	return nil
}

type wireRecord struct {
	ClusterName flexString `json:"cluster_name"`
	ClusterID   flexString `json:"cluster_id"`
	Time        flexInt    `json:"time"`
	Content     flexString `json:"content"`
	ClusterType flexString `json:"cluster_type"`
	HostID      flexString `json:"host_id"`
	HostName    flexString `json:"host_name"`
	HostIP      flexString `json:"host_ip"`
	LineNum     flexString `json:"line_num"`
}

type wirePage struct {
	TotalNum  *flexInt      `json:"total_num"`
	DataList  *[]wireRecord `json:"data_list"`
	ErrorCode flexString    `json:"error_code"`
	ErrorMsg  flexString    `json:"error_msg"`
}

// MaxRecordBytes caps one record of a page: a RequestResponse event can
// be several MiB, so records are capped, not pages (whose cap stays
// generous: Config.MaxPageBytes).
const MaxRecordBytes = 16 << 20

// listShape counts the records of a body's data_list, and measures the
// largest, in one pass that allocates nothing, before encoding/json builds
// them: a page of millions of tiny records fails before any is built, and
// so does a record over MaxRecordBytes. Keys are matched as encoding/json
// matches them (in any case), so the list counted is the list it would
// build. ok is false when the body is not a JSON object; encoding/json then
// says why.
func listShape(b []byte) (n, largest, largestAt int, ok bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return 0, 0, 0, false
	}
	i = skipSpace(b, i+1)
	for i < len(b) && b[i] == '"' {
		keyStart := i
		i = skipValue(b, i)
		key := b[keyStart+1 : max(i-1, keyStart+1)]
		if bytes.IndexByte(key, '\\') >= 0 { // an escaped key: as encoding/json reads it
			if k, ok := jsonstr.Unquote(b[keyStart:i]); ok {
				key = []byte(k)
			}
		}
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != ':' {
			return 0, 0, 0, false
		}
		i = skipSpace(b, i+1)
		valStart := i
		i = skipValue(b, i)
		if bytes.EqualFold(key, []byte("data_list")) && valStart < len(b) && b[valStart] == '[' {
			// encoding/json builds every occurrence before the last one
			// replaces it: the largest is what it would allocate.
			count := 0
			for _, sp := range elementSpans(b[valStart:i]) {
				if len(sp) > largest {
					largest, largestAt = len(sp), count
				}
				count++
			}
			n = max(n, count)
		}
		i = skipSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return n, largest, largestAt, true
}

// elementSpans yields the values of the JSON array b, as subslices.
func elementSpans(b []byte) func(yield func(int, []byte) bool) {
	return func(yield func(int, []byte) bool) {
		i := skipSpace(b, 1)
		if i < len(b) && b[i] == ']' {
			return
		}
		for k := 0; i < len(b); k++ {
			start := i
			i = skipValue(b, i)
			if !yield(k, b[start:i]) {
				return
			}
			i = skipSpace(b, i)
			if i >= len(b) || b[i] == ']' {
				return
			}
			i = skipSpace(b, i+1) // ','
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// stringEnd returns the index after the closing quote of the string whose
// contents start at b[i]: the quote found with IndexByte (fast on the long
// contents of audit events), unless an odd run of backslashes escapes it.
func stringEnd(b []byte, i int) int {
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return len(b)
		}
		k := i + j
		escapes := 0
		for m := k - 1; m >= i && b[m] == '\\'; m-- {
			escapes++
		}
		i = k + 1
		if escapes%2 == 0 {
			return i
		}
	}
}

// skipValue returns the end of the valid JSON value at b[i].
func skipValue(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			i = stringEnd(b, i+1)
			if depth == 0 {
				return i
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',':
			if depth == 0 {
				return i
			}
		case ' ', '\t', '\r', '\n':
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return i
}

// errNotAPage is wrapped by every decode failure of a 2xx body.
var errNotAPage = errors.New("the response is not an audit-log page")

// decodePage decodes a 2xx body. It fails, rather than guessing, when the
// body is not JSON, carries an error instead of data, or lacks data_list
// or total_num: a missing page must never read as an empty one. It takes
// any number of records (decodePageLimit is the pager's).
func decodePage(body []byte) (page, error) {
	return decodePageLimit(body, 0)
}

// errTooManyRecords is a page holding more than the limit asked.
type errTooManyRecords struct{ n, limit int }

func (e *errTooManyRecords) Error() string {
	return fmt.Sprintf("the page holds %d records, more than limit (%d)", e.n, e.limit)
}

// decodePageLimit decodes a page that may hold limit records at most (0:
// any number), failing with *errTooManyRecords before decoding any record
// of a page that holds more. secrets are the credentials the request
// carried: a body quoting them has them masked before its snippet is cut.
func decodePageLimit(body []byte, limit int, secrets ...string) (page, error) {
	if n, largest, at, ok := listShape(body); ok {
		if limit > 0 && n > limit {
			return page{}, &errTooManyRecords{n, limit}
		}
		if largest > MaxRecordBytes {
			return page{}, fmt.Errorf("%w: record %d is %d bytes, more than the %d a record may take", errNotAPage, at, largest, MaxRecordBytes)
		}
	}
	var w wirePage
	if err := json.Unmarshal(body, &w); err != nil {
		return page{}, fmt.Errorf("%w: %v (body starts %q)", errNotAPage, err, snippet(body, secrets...))
	}
	if w.ErrorCode != "" {
		return page{}, &APIError{ErrorCode: string(w.ErrorCode), ErrorMsg: string(w.ErrorMsg)}
	}
	if w.DataList == nil {
		return page{}, fmt.Errorf("%w: no data_list in %q", errNotAPage, snippet(body, secrets...))
	}
	if w.TotalNum == nil {
		return page{}, fmt.Errorf("%w: no total_num in %q", errNotAPage, snippet(body, secrets...))
	}
	p := page{TotalNum: int64(*w.TotalNum), Records: make([]Record, len(*w.DataList))}
	if p.TotalNum < 0 {
		return page{}, fmt.Errorf("%w: negative total_num %d", errNotAPage, p.TotalNum)
	}
	for i, r := range *w.DataList {
		p.Records[i] = Record{
			ClusterName: string(r.ClusterName),
			ClusterID:   string(r.ClusterID),
			Time:        int64(r.Time),
			Content:     string(r.Content),
			ClusterType: string(r.ClusterType),
			HostID:      string(r.HostID),
			HostName:    string(r.HostName),
			HostIP:      string(r.HostIP),
			LineNum:     string(r.LineNum),
		}
	}
	return p, nil
}

// errorBody is the service's error answer; API Gateway and HSS use the
// same two keys.
type errorBody struct {
	ErrorCode flexString `json:"error_code"`
	ErrorMsg  flexString `json:"error_msg"`
	RequestID flexString `json:"request_id"`
}

// decodeError fills what a non-2xx body tells; a gateway's HTML page or an
// empty body leave a snippet of the body as the message.
func decodeError(e *APIError, body []byte, secrets ...string) {
	var w errorBody
	if err := json.Unmarshal(body, &w); err == nil && (w.ErrorCode != "" || w.ErrorMsg != "") {
		// Masked, then cut: a message of megabytes would be logged and
		// masked again on every retry.
		e.ErrorCode = safetext.Truncate(safetext.MaskSecrets(string(w.ErrorCode), secrets...), maxErrorField)
		e.ErrorMsg = safetext.Truncate(safetext.MaskSecrets(string(w.ErrorMsg), secrets...), maxErrorField)
		if e.RequestID == "" {
			e.RequestID = string(w.RequestID)
		}
		return
	}
	if s := snippet(body, secrets...); s != "" {
		e.ErrorMsg = "unexpected response body: " + s
	}
}

// maxErrorField bounds an error_code or error_msg kept from an answer.
const maxErrorField = 2 << 10

// snippet is the start of a body, enough to recognise it in a diagnostic.
// The credentials the request carried are masked first, in their common
// encodings: cut first, a secret straddling the cut would leave its start.
func snippet(b []byte, secrets ...string) string {
	const n = 120
	text := string(bytes.TrimSpace(b[:min(len(b), 64<<10)])) // enough to mask whatever reaches the cut
	if len(secrets) > 0 {
		text = safetext.MaskSecrets(text, secrets...)
	}
	return safetext.Truncate(text, n)
}
