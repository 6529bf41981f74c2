package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"

	"github.com/hss-tf/terraform-provider-hss/internal/credentials"
)

// discoveryFailure turns a failed project discovery into a diagnostic whose
// headline is the real cause (rejected credentials, an unreachable IAM, no
// project in the region), not the missing project_id it left behind.
func discoveryFailure(err error, region, iam string) (summary, detail string) {
	fix := fmt.Sprintf("\n\nproject_id is not set, so the provider asked IAM (%s) for the project of region %s. "+
		"Setting the provider attribute project_id or the environment variable HW_PROJECT_ID to the ID of your project "+
		"in region %s (IAM console, My Credentials, API Credentials) skips this call.", iam, region, region)
	var apiErr *credentials.APIError
	switch {
	case errors.Is(err, credentials.ErrNoProject):
		return "No project in region " + region, err.Error() + "." + fix
	case errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden):
		return "IAM rejected the credentials",
			fmt.Sprintf("Project discovery failed: %s.\n\nCheck the access key and secret key (or token): IAM answered HTTP %d, "+
				"which it gives for a wrong or disabled key, an expired token, or a user without permission to list projects.%s",
				err, apiErr.StatusCode, fix)
	case errors.As(err, &apiErr) && apiErr.StatusCode == 0:
		return "Cannot reach IAM",
			fmt.Sprintf("Project discovery failed: %s.\n\nCheck the network path to %s (proxy settings HTTPS_PROXY, NO_PROXY), "+
				"or the IAM endpoint: auth_url (HW_AUTH_URL) or endpoints.iam.%s", err, iam, fix)
	default:
		return "Project discovery failed", err.Error() + "." + fix
	}
}

// callerID names whose API quota the calls spend, without a secret: a
// hash of the agency assumed, else of the access key, else of the token.
func callerID(v credentials.Value, agency, domain string) string {
	who := "ak:" + v.AccessKey
	switch {
	case agency != "":
		who = "agency:" + domain + "/" + agency
	case v.AccessKey == "":
		who = "token:" + v.AuthToken
	}
	sum := sha256.Sum256([]byte(who))
	return hex.EncodeToString(sum[:8])
}
