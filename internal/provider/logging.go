package provider

import (
	"context"
	"regexp"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/safetext"
)

// secretKeys are log field keys whose values are always masked.
var secretKeys = []string{"access_key", "secret_key", "security_token", "token", "Authorization", "X-Auth-Token", "X-Security-Token"}

// minSecretLen keeps masking by value from garbling text with a short
// value; real access keys are 20 characters, secret keys 40.
const minSecretLen = 8

// secretSet holds every credential value a provider configuration has
// used, renewed temporary credentials included, so that logs and
// diagnostics can mask them by value: a service error message may quote
// an access key.
type secretSet struct {
	mu   sync.RWMutex
	vals []string
	res  []*regexp.Regexp // the vals' variants in any case, for tflog; nil when stale
}

func (s *secretSet) add(vals ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range vals {
		if len(v) >= minSecretLen && !slices.Contains(s.vals, v) {
			s.vals = append(s.vals, v)
			s.res = nil
		}
	}
}

func (s *secretSet) values() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]string(nil), s.vals...)
}

// patterns match the values in their common encodings (URL-encoded,
// JSON-escaped: safetext.Variants) and in any case, for tflog's masks.
func (s *secretSet) patterns() []*regexp.Regexp {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.res == nil && len(s.vals) > 0 {
		for _, v := range s.vals {
			for _, variant := range safetext.Variants(v) {
				// A value that is not UTF-8 cannot be a pattern; its
				// encodings still are, and redact masks it by bytes.
				if re, err := regexp.Compile("(?i)" + regexp.QuoteMeta(variant)); err == nil {
					s.res = append(s.res, re)
				}
			}
		}
	}
	return s.res
}

// redact replaces every known credential value in text, in its common
// encodings and in any ASCII case.
func (s *secretSet) redact(text string) string {
	return safetext.MaskSecrets(text, s.values()...)
}

// tflogLogger carries the client's log lines to tflog, masking the
// credentials by field key and by value, in messages as in fields, so no
// TF_LOG level shows them.
type tflogLogger struct {
	secrets *secretSet
}

func newLogger(s *secretSet) hss.Logger { return tflogLogger{secrets: s} }

func (l tflogLogger) mask(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, secretKeys...)
	if res := l.secrets.patterns(); len(res) > 0 {
		ctx = tflog.MaskAllFieldValuesRegexes(ctx, res...)
		ctx = tflog.MaskMessageRegexes(ctx, res...)
	}
	return ctx
}

func (l tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(l.mask(ctx), msg, fields)
}

func (l tflogLogger) Info(ctx context.Context, msg string, fields map[string]any) {
	tflog.Info(l.mask(ctx), msg, fields)
}
