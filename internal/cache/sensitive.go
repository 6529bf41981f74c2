package cache

import (
	"regexp"
	"strings"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
)

// secretBearing says whether a record's content may carry secret
// material: a Secret's data, a TokenReview's or a TokenRequest's token,
// in a request or response body. Such records are not written to disk:
// the spans around them are, and their millisecond range is read again
// from the service. Storing them redacted would not do: a data source with
// content_mode = "raw" must get them as the service sends them.
//
// It errs on the side of caution: an event about secrets, token reviews
// or service-account tokens; content holding an object of those kinds
// anywhere, even as JSON inside a string (a last-applied-configuration
// annotation); content that is not an event and names them beside a
// request or response body; and any content that escapes a letter, which
// no API server does, so that no name can hide behind an escape (the
// escapes of <, > and &, which API servers do write, are no reason).
func secretBearing(r *hss.Record) bool {
	c := r.Content
	if !mentionsSecrets(c) {
		return false // the cheap look, before any parse or regexp
	}
	if escapesALetter(c) || (strings.Contains(c, "Secret") || strings.Contains(c, "TokenRe")) && secretKind.MatchString(c) {
		return true
	}
	if ev, _ := k8saudit.Parse(c); ev != nil {
		o := ev.ObjectRef
		return o != nil && (o.Resource == "secrets" || o.Resource == "tokenreviews" ||
			o.Resource == "serviceaccounts" && o.Subresource == "token")
	}
	if !strings.Contains(c, "requestObject") && !strings.Contains(c, "responseObject") {
		return false
	}
	for _, w := range []string{"Secret", "secret", "TokenReview", "tokenreview", "TokenRequest", "serviceaccounts/token"} {
		if strings.Contains(c, w) {
			return true
		}
	}
	return false
}

// mentionsSecrets says whether c names any kind or resource concerned,
// or escapes a letter (which could hide such a name).
func mentionsSecrets(c string) bool {
	for _, w := range []string{"ecret", "TokenReview", "tokenreview", "TokenRequest"} {
		if strings.Contains(c, w) {
			return true
		}
	}
	// serviceaccounts alone is every service account's group name; only
	// its token subresource concerns us.
	return strings.Contains(c, "serviceaccounts") && strings.Contains(c, "token") || escapesALetter(c)
}

// secretKind finds "kind": "Secret" (or SecretList, TokenReview,
// TokenRequest), plain or escaped inside a JSON string.
var secretKind = regexp.MustCompile(`\\?"kind\\?"\s*:\s*\\?"(?:Secret|SecretList|TokenReview|TokenRequest)\\?"`)

// escapesALetter finds a \u escape of a character from '@' to DEL.
func escapesALetter(c string) bool {
	for i := strings.Index(c, `\u00`); i >= 0; {
		if j := i + 4; j < len(c) && c[j] >= '4' && c[j] <= '7' {
			return true
		}
		k := strings.Index(c[i+1:], `\u00`)
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return false
}

// storable cuts [from, to] around the secret-bearing records of recs (all
// in the range, newest first): the spans before the first and after the
// last of them, each with its records. The records of the millisecond
// range in between are read again when asked.
func storable(from, to int64, recs []hss.Record) []piece {
	lo, hi := int64(-1), int64(-1) // time range of the secret-bearing records
	for i := range recs {
		if secretBearing(&recs[i]) {
			if hi < 0 {
				hi = recs[i].Time // newest first: the first is the latest
			}
			lo = recs[i].Time
		}
	}
	if hi < 0 {
		return []piece{{from: from, to: to, recs: recs}}
	}
	var out []piece
	if hi < to { // (hi, to]: the newer records, first in the list
		n := 0
		for n < len(recs) && recs[n].Time > hi {
			n++
		}
		out = append(out, piece{from: hi + 1, to: to, recs: recs[:n]})
	}
	if lo > from { // [from, lo)
		n := len(recs)
		for n > 0 && recs[n-1].Time < lo {
			n--
		}
		out = append(out, piece{from: from, to: lo - 1, recs: recs[n:]})
	}
	return out
}
