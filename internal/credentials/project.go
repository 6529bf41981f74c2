package credentials

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrNoProject is wrapped by ProjectID when the account has no project in
// the region.
var ErrNoProject = errors.New("no project in the region")

const projectsPath = "/v3/projects"

// ProjectID finds the ID of the account's project in region through IAM:
// GET {iamEndpoint}/v3/projects?name={region}, signed with creds. A nil
// client means http.DefaultClient.
func ProjectID(ctx context.Context, creds Provider, iamEndpoint, region string, client *http.Client) (string, error) {
	fail := func(format string, args ...any) (string, error) {
		return "", fmt.Errorf("discovering the project ID of region %s: %w", region, fmt.Errorf(format, args...))
	}
	if region == "" {
		return fail("the region is empty")
	}
	if client == nil {
		client = http.DefaultClient
	}
	ep, err := parseEndpoint(iamEndpoint, true)
	if err != nil {
		return fail("IAM %w", err)
	}
	v, err := creds.Retrieve(ctx)
	if err != nil {
		return fail("getting credentials: %w", err)
	}
	req, err := newSignedRequest(ctx, v, http.MethodGet, ep, projectsPath, [][2]string{{"name", region}}, nil)
	if err != nil {
		return fail("%w", err)
	}
	body, err := do(client, "IAM", req)
	if err != nil {
		return fail("with credentials from %s: %w; or set project_id to skip the discovery", v.Source, err)
	}
	var answer struct {
		Projects []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"projects"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return fail("IAM %s: the answer is not the expected JSON: %w", ep.String()+projectsPath, err)
	}
	var names []string
	for _, p := range answer.Projects {
		if p.Name == region && p.ID != "" {
			return p.ID, nil
		}
		names = append(names, p.Name)
	}
	listed := ""
	if len(names) > 0 {
		listed = fmt.Sprintf(" (IAM listed only %s)", strings.Join(names, ", "))
	}
	return "", &wrapError{
		msg: fmt.Sprintf("discovering the project ID of region %s: the account of the credentials from %s has no project named %s%s; check the region, or set project_id to the project's ID (console: My Credentials > API Credentials)",
			region, v.Source, region, listed),
		errs: []error{ErrNoProject},
	}
}
