package credentials

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Source is one place credentials may come from, tried in turn by Chain.
type Source struct {
	// Name names the source in diagnostics, e.g. "environment".
	Name string
	// How says how to configure it, e.g. "set HW_ACCESS_KEY and HW_SECRET_KEY".
	How string
	// Get looks at the source. It answers:
	//   - (p, true, nil): the source gives credentials; Chain uses p.
	//   - (nil, true, err): the source is configured but unusable (an
	//     encrypted profile, a file that cannot be read); Chain stops with
	//     err rather than fall back to a source the user did not mean.
	//   - (nil, false, why): nothing here; why (nil for "not configured")
	//     is listed in Chain's error if no later source gives credentials.
	Get func(ctx context.Context) (Provider, bool, error)
}

// ErrNoCredentials is wrapped by Chain's error when no source gave credentials.
var ErrNoCredentials = errors.New("no credentials found")

// Tried is a source Chain tried, and why it gave nothing.
type Tried struct {
	Name, How string
	Why       error // nil: not configured
}

// NoCredentialsError lists every source tried, in order.
type NoCredentialsError struct {
	Tried []Tried
}

func (e *NoCredentialsError) Error() string {
	var b strings.Builder
	b.WriteString("no credentials found; tried, in this order:")
	for i, t := range e.Tried {
		why := "not configured"
		if t.Why != nil {
			why = t.Why.Error()
		}
		fmt.Fprintf(&b, "\n  %d. %s: %s.", i+1, t.Name, strings.TrimSuffix(why, "."))
		if t.How != "" {
			fmt.Fprintf(&b, " To use it: %s.", strings.TrimSuffix(t.How, "."))
		}
	}
	return b.String()
}

func (e *NoCredentialsError) Is(target error) bool { return target == ErrNoCredentials }

// Chain tries the sources in order and returns the Provider of the first
// that gives credentials. When a source is configured but unusable, Chain
// returns its error, naming the source. When none gives credentials, the
// error (a *NoCredentialsError) lists every source tried, why each gave
// nothing, and how to configure each.
func Chain(ctx context.Context, sources ...Source) (Provider, error) {
	var tried []Tried
	for _, s := range sources {
		if s.Get == nil {
			continue
		}
		p, ok, err := s.Get(ctx)
		switch {
		case ok && err != nil:
			return nil, fmt.Errorf("credentials from %s: %w", s.Name, err)
		case ok && p != nil:
			return p, nil
		case ok:
			err = errors.New("the source gave no credentials")
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("looking for credentials (%s): %w", s.Name, ctxErr)
		}
		tried = append(tried, Tried{Name: s.Name, How: s.How, Why: err})
	}
	return nil, &NoCredentialsError{Tried: tried}
}
