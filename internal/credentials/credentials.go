package credentials

import (
	"context"
	"fmt"
	"time"
)

// Value is one set of credentials: an AK/SK pair (with a security token
// when the pair is temporary), or an IAM token.
type Value struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
	AuthToken     string
	// Expires is when temporary credentials stop working; zero means never
	// (or unknown, for a security token given by the user).
	Expires time.Time
	// Source says where the credentials came from, for diagnostics, e.g.
	// "shared config file /home/me/.hcloud/config.json, profile default".
	Source string
}

// HasKeys reports whether the value holds an access key and a secret key.
func (v Value) HasKeys() bool { return v.AccessKey != "" && v.SecretKey != "" }

// String describes the credentials without their secrets, so that a Value
// printed by mistake leaks nothing.
func (v Value) String() string {
	kind := "no credentials"
	switch {
	case v.AccessKey != "" && v.SecurityToken != "":
		kind = "temporary access key " + maskKey(v.AccessKey)
	case v.AccessKey != "":
		kind = "access key " + maskKey(v.AccessKey)
	case v.AuthToken != "":
		kind = "IAM token"
	}
	if !v.Expires.IsZero() {
		kind += ", expires " + v.Expires.UTC().Format(time.RFC3339)
	}
	if v.Source != "" {
		kind += ", from " + v.Source
	}
	return kind
}

// GoString keeps %#v from printing the secrets.
func (v Value) GoString() string { return "credentials.Value{" + v.String() + "}" }

// maskKey keeps the first four characters of an access key, enough to
// tell keys apart in a diagnostic.
func maskKey(ak string) string {
	if len(ak) <= 4 {
		return "****"
	}
	return ak[:4] + "****"
}

// Provider hands out current credentials. Implementations are safe for
// concurrent use; those with temporary credentials renew them before they
// expire.
type Provider interface {
	Retrieve(ctx context.Context) (Value, error)
}

type static Value

func (s static) Retrieve(context.Context) (Value, error) { return Value(s), nil }

// Static returns a Provider that always hands out v.
func Static(v Value) Provider { return static(v) }

// expiredError is returned for temporary credentials that arrive already
// expired: a wrong clock or a stale source, never worth sending.
func expiredError(source string, expires, now time.Time) error {
	return fmt.Errorf("the temporary credentials from %s expired at %s (now %s); check the system clock, or the source's renewal",
		source, expires.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
}

// wrapError reads as its own message and matches each of errs with
// errors.Is and errors.As: a sentinel, and the *APIError behind it.
type wrapError struct {
	msg  string
	errs []error
}

func (e *wrapError) Error() string   { return e.msg }
func (e *wrapError) Unwrap() []error { return e.errs }
