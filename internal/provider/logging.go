package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
)

// secretKeys are log field keys whose values are always masked.
var secretKeys = []string{"access_key", "secret_key", "security_token", "token", "Authorization", "X-Auth-Token", "X-Security-Token"}

// tflogLogger carries the client's log lines to tflog, masking the
// credentials by field key and by value, in messages as in fields, so no
// TF_LOG level shows them.
type tflogLogger struct {
	secrets []string
}

func newLogger(c hss.Credentials) hss.Logger {
	var s []string
	for _, v := range []string{c.AccessKey, c.SecretKey, c.SecurityToken, c.AuthToken} {
		if v != "" {
			s = append(s, v)
		}
	}
	return tflogLogger{secrets: s}
}

func (l tflogLogger) mask(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, secretKeys...)
	if len(l.secrets) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, l.secrets...)
		ctx = tflog.MaskMessageStrings(ctx, l.secrets...)
	}
	return ctx
}

func (l tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(l.mask(ctx), msg, fields)
}
