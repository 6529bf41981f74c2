package cache

import (
	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/k8saudit"
)

// redacted is recs as the cache stores them: content with the secret
// values of request and response bodies redacted (k8saudit.Redact), as a
// data source with content_mode = "redacted" keeps it in state. So the
// directory holds no more than state does; reads that need content as
// sent (content_mode = "raw") never go through the cache. Redaction is
// idempotent, so records served from the cache redact to themselves.
func redacted(recs []hss.Record) []hss.Record {
	out := make([]hss.Record, len(recs))
	for i, r := range recs {
		r.Content, _ = k8saudit.Redact(r.Content)
		out[i] = r
	}
	return out
}
