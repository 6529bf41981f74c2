package credentials

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Bounds of an agency's temporary credentials, as IAM accepts them.
const (
	MinAssumeRoleDuration     = 15 * time.Minute
	MaxAssumeRoleDuration     = 24 * time.Hour
	DefaultAssumeRoleDuration = time.Hour
)

const securityTokensPath = "/v3.0/OS-CREDENTIAL/securitytokens"

// AssumeRole returns a Provider of an agency's temporary credentials: it
// exchanges the base credentials for them through IAM
// (POST {iamEndpoint}/v3.0/OS-CREDENTIAL/securitytokens, method
// assume_role, signed with the base credentials and their security token),
// caches them and renews them before they expire. domainName is the
// account that created the agency. A zero duration means
// DefaultAssumeRoleDuration; it must lie within [MinAssumeRoleDuration,
// MaxAssumeRoleDuration]. A nil client means http.DefaultClient.
func AssumeRole(base Provider, iamEndpoint, agencyName, domainName string, duration time.Duration, client *http.Client) Provider {
	if duration == 0 {
		duration = DefaultAssumeRoleDuration
	}
	if client == nil {
		client = http.DefaultClient
	}
	a := &assumeRole{base: base, iam: iamEndpoint, agency: agencyName, domain: domainName, duration: duration, client: client}
	a.renewing = newRenewing(a.fetch)
	return a
}

type assumeRole struct {
	*renewing
	base           Provider
	iam            string
	agency, domain string
	duration       time.Duration
	client         *http.Client
}

// assumeRoleBody is IAM's request body; the field order is IAM's.
type assumeRoleBody struct {
	Auth struct {
		Identity struct {
			Methods    []string `json:"methods"`
			AssumeRole struct {
				AgencyName      string `json:"agency_name"`
				DomainName      string `json:"domain_name"`
				DurationSeconds int64  `json:"duration_seconds"`
			} `json:"assume_role"`
		} `json:"identity"`
	} `json:"auth"`
}

func (a *assumeRole) what() string {
	return fmt.Sprintf("agency %s of domain %s", a.agency, a.domain)
}

func (a *assumeRole) fetch(ctx context.Context) (Value, error) {
	fail := func(format string, args ...any) (Value, error) {
		return Value{}, fmt.Errorf("assuming %s: %w", a.what(), fmt.Errorf(format, args...))
	}
	switch {
	case a.agency == "" || a.domain == "":
		return fail("both the agency name and the name of the domain (account) that created it are needed")
	case a.duration < MinAssumeRoleDuration || a.duration > MaxAssumeRoleDuration:
		return fail("duration %s is outside IAM's bounds, %s to %s", a.duration, MinAssumeRoleDuration, MaxAssumeRoleDuration)
	}
	ep, err := parseEndpoint(a.iam, true)
	if err != nil {
		return fail("IAM %w", err)
	}
	baseCreds, err := a.base.Retrieve(ctx)
	if err != nil {
		return fail("getting the credentials to assume it with: %w", err)
	}
	if !baseCreds.HasKeys() && baseCreds.AuthToken == "" {
		return fail("the credentials from %s have no access key and secret key to sign the request with", baseCreds.Source)
	}

	var body assumeRoleBody
	body.Auth.Identity.Methods = []string{"assume_role"}
	body.Auth.Identity.AssumeRole.AgencyName = a.agency
	body.Auth.Identity.AssumeRole.DomainName = a.domain
	body.Auth.Identity.AssumeRole.DurationSeconds = int64(a.duration / time.Second)
	raw, err := json.Marshal(body)
	if err != nil {
		return fail("%w", err)
	}
	req, err := newSignedRequest(ctx, baseCreds, http.MethodPost, ep, securityTokensPath, nil, raw)
	if err != nil {
		return fail("%w", err)
	}
	answer, err := do(a.client, "IAM", req)
	if err != nil {
		hint := ""
		var apiErr *APIError
		if errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden || apiErr.StatusCode == http.StatusNotFound) {
			hint = "; check the agency and domain names, and that the agency trusts the account or user of these credentials"
		}
		return fail("with credentials from %s: %w%s", baseCreds.Source, err, hint)
	}
	v, err := decodeCredential(answer, fmt.Sprintf("%s, assumed with credentials from %s", a.what(), baseCreds.Source))
	if err != nil {
		return fail("IAM %s: %w", ep.String()+securityTokensPath, err)
	}
	return v, nil
}
