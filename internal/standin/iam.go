package standin

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"time"
)

// IAM paths served by the IAM stand-in.
const (
	IAMProjectsPath       = "/v3/projects"
	IAMSecurityTokensPath = "/v3.0/OS-CREDENTIAL/securitytokens"
)

// Bounds of duration_seconds in an assume_role request, and its default.
const (
	minDurationSeconds     = 900
	maxDurationSeconds     = 86400
	defaultDurationSeconds = 900
)

// IAMOptions configures an IAM stand-in. The zero value accepts no
// credentials and knows no projects.
type IAMOptions struct {
	// Keys maps each accepted permanent access key to its secret key.
	Keys map[string]string
	// Temporary lists temporary credentials accepted besides the ones this
	// IAM issues; their security token must be sent and signed.
	Temporary []TempCredential
	// Tokens lists accepted IAM tokens (X-Auth-Token).
	Tokens []string
	// Projects maps a region name to the account's project id there; a
	// region not listed has no project.
	Projects map[string]string
	// Agencies lists the agencies that may be assumed; empty means any.
	Agencies []Agency
	// Issue lists the temporary credentials to hand out, in turn (so that a
	// test can accept them at the HSS stand-in through Options.Temporary);
	// once they are used up, or when empty, credentials are generated.
	Issue []TempCredential
	// OnIssue, when set, hears of every credential issued, before the
	// answer is written.
	OnIssue func(IssuedCredential)
	// Now is the clock for the X-Sdk-Date check and for expiry; default
	// time.Now.
	Now func() time.Time
}

// Agency is an IAM agency: its name and the domain (account) that made it.
type Agency struct{ Domain, Name string }

// IssuedCredential is a temporary credential the IAM stand-in handed out.
type IssuedCredential struct {
	TempCredential
	ExpiresAt time.Time
	Agency    Agency
	// By is the access key that asked for it, or "token".
	By string
}

// IAMRequest is one request as the IAM stand-in received it.
type IAMRequest struct {
	LoggedRequest
	Body string
}

// IAM is a stand-in of the two IAM calls the provider makes: the project
// listing (GET /v3/projects?name=) and the agency token exchange (POST
// /v3.0/OS-CREDENTIAL/securitytokens). It verifies SDK-HMAC-SHA256
// signatures as the HSS stand-in does, the body's hash included, and
// accepts the temporary credentials it issued until they expire. It
// implements http.Handler and is safe for concurrent use.
type IAM struct {
	opts IAMOptions

	mu     sync.Mutex
	log    []*IAMRequest
	issued []IssuedCredential
	next   int        // next index into opts.Issue
	faults []iamFault // answers queued by FailNext
}

type iamFault struct {
	status int
	body   string
}

// NewIAM returns an IAM stand-in answering from opts.
func NewIAM(opts IAMOptions) *IAM {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &IAM{opts: opts}
}

// Requests returns a copy of every request received since NewIAM or Reset.
func (i *IAM) Requests() []IAMRequest {
	i.mu.Lock()
	defer i.mu.Unlock()
	out := make([]IAMRequest, len(i.log))
	for n, lr := range i.log {
		out[n] = *lr
		out[n].Query = cloneValues(lr.Query)
		out[n].Header = lr.Header.Clone()
	}
	return out
}

// Issued returns every temporary credential issued so far, in order.
func (i *IAM) Issued() []IssuedCredential {
	i.mu.Lock()
	defer i.mu.Unlock()
	return append([]IssuedCredential(nil), i.issued...)
}

// FailNext makes the next request (after logging) answer status with the
// raw JSON body, e.g. `{"error_code":"IAM.0001","error_msg":"..."}` or
// IAM's `{"error":{"code":403,"message":"...","title":"Forbidden"}}`.
// Calls queue up.
func (i *IAM) FailNext(status int, body string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.faults = append(i.faults, iamFault{status: status, body: body})
}

// Reset clears the request log and the queued failures.
func (i *IAM) Reset() {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.log, i.faults = nil, nil
}

// ServeHTTP logs, routes, applies a queued failure, then authenticates and
// answers.
func (i *IAM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	entry := i.record(r, body)
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		i.mu.Lock()
		entry.Status = sw.status
		i.mu.Unlock()
	}()
	w.Header().Set("X-Request-Id", newRequestID())

	var handle func(http.ResponseWriter, *http.Request, []byte, string)
	switch r.URL.Path {
	case IAMProjectsPath:
		handle = i.listProjects
		if r.Method != http.MethodGet {
			writeIAMError(sw, http.StatusMethodNotAllowed, "Method Not Allowed", "use GET on "+r.URL.Path)
			return
		}
	case IAMSecurityTokensPath:
		handle = i.assumeRole
		if r.Method != http.MethodPost {
			writeIAMError(sw, http.StatusMethodNotAllowed, "Method Not Allowed", "use POST on "+r.URL.Path)
			return
		}
	default:
		writeError(sw, http.StatusNotFound, "APIGW.0101",
			"The API does not exist or has not been published in the environment: "+r.Method+" "+r.URL.Path)
		return
	}
	if status, fault, ok := i.nextFault(); ok {
		sw.Header().Set("Content-Type", "application/json")
		sw.WriteHeader(status)
		_, _ = io.WriteString(sw, fault)
		return
	}
	who, e := i.authenticate(r, body)
	if e != nil {
		writeError(sw, e.status, e.code, e.msg)
		return
	}
	handle(sw, r, body, who)
}

func (i *IAM) record(r *http.Request, body []byte) *IAMRequest {
	q, _ := url.ParseQuery(r.URL.RawQuery)
	lr := &IAMRequest{
		LoggedRequest: LoggedRequest{Method: r.Method, Path: r.URL.Path, Query: q, Header: r.Header.Clone(), Time: time.Now()},
		Body:          string(body),
	}
	i.mu.Lock()
	i.log = append(i.log, lr)
	i.mu.Unlock()
	return lr
}

func (i *IAM) nextFault() (int, string, bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if len(i.faults) == 0 {
		return 0, "", false
	}
	f := i.faults[0]
	i.faults = i.faults[1:]
	return f.status, f.body, true
}

// authenticate accepts an IAM token or an SDK-HMAC-SHA256 signature by a
// permanent key, a configured temporary key or an issued one that has not
// expired. The signature is checked by the HSS stand-in's own check, so
// both hold clients to the same rules; body is what was read of r.Body.
func (i *IAM) authenticate(r *http.Request, body []byte) (string, *apiError) {
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		for _, t := range i.opts.Tokens {
			if t != "" && subtle.ConstantTimeCompare([]byte(t), []byte(tok)) == 1 {
				return "token", nil
			}
		}
		return "", authError(codeAuth, "the X-Auth-Token is invalid or has expired")
	}
	a := r.Header.Get("Authorization")
	if a == "" {
		return "", authError(codeAuth, "no credentials in the request: send X-Auth-Token or an SDK-HMAC-SHA256 Authorization header")
	}
	h, err := parseAuthHeader(a)
	if err != nil {
		return "", authError(codeAuth, "%v", err)
	}
	now := i.opts.Now()
	check := Options{Now: i.opts.Now}
	if sk, ok := i.opts.Keys[h.access]; ok && h.access != "" {
		check.AccessKey, check.SecretKey = h.access, sk
	} else if t, expires, ok := i.temporary(h.access); ok {
		if !expires.IsZero() && !now.Before(expires) {
			return "", authError(codeAuth, "the temporary access key %s expired at %s; get new temporary credentials",
				h.access, expires.UTC().Format(time.RFC3339))
		}
		check.Temporary = []TempCredential{t}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if e := (&Server{opts: check}).checkSignature(r, a); e != nil {
		return "", e
	}
	return h.access, nil
}

// temporary finds a temporary credential by access key: a configured one
// (no expiry) or an issued one.
func (i *IAM) temporary(ak string) (TempCredential, time.Time, bool) {
	for _, t := range i.opts.Temporary {
		if t.AccessKey == ak {
			return t, time.Time{}, true
		}
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	for n := len(i.issued) - 1; n >= 0; n-- {
		if i.issued[n].AccessKey == ak {
			return i.issued[n].TempCredential, i.issued[n].ExpiresAt, true
		}
	}
	return TempCredential{}, time.Time{}, false
}

// iamProject is a project as IAM lists it.
type iamProject struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	DomainID    string            `json:"domain_id"`
	Description string            `json:"description"`
	Enabled     bool              `json:"enabled"`
	IsDomain    bool              `json:"is_domain"`
	ParentID    string            `json:"parent_id"`
	Links       map[string]string `json:"links"`
}

// IAMDomainID is the domain id the IAM stand-in gives its projects.
const IAMDomainID = "d78cbac186b744899480f25bd022f468"

func (i *IAM) listProjects(w http.ResponseWriter, r *http.Request, _ []byte, _ string) {
	name := r.URL.Query().Get("name")
	regions := make([]string, 0, len(i.opts.Projects))
	for region := range i.opts.Projects {
		if name == "" || region == name {
			regions = append(regions, region)
		}
	}
	sort.Strings(regions)
	projects := make([]iamProject, 0, len(regions))
	for _, region := range regions {
		id := i.opts.Projects[region]
		projects = append(projects, iamProject{
			ID: id, Name: region, DomainID: IAMDomainID, Enabled: true, ParentID: IAMDomainID,
			Links: map[string]string{"self": "https://iam.myhuaweicloud.com/v3/projects/" + id},
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"projects": projects,
		"links":    map[string]any{"self": "https://iam.myhuaweicloud.com/v3/projects", "previous": nil, "next": nil},
	})
}

// assumeRoleRequest is the body of POST /v3.0/OS-CREDENTIAL/securitytokens.
type assumeRoleRequest struct {
	Auth struct {
		Identity struct {
			Methods    []string `json:"methods"`
			AssumeRole *struct {
				AgencyName      string `json:"agency_name"`
				DomainName      string `json:"domain_name"`
				DurationSeconds *int64 `json:"duration_seconds"`
			} `json:"assume_role"`
		} `json:"identity"`
	} `json:"auth"`
}

func (i *IAM) assumeRole(w http.ResponseWriter, r *http.Request, body []byte, who string) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeIAMError(w, http.StatusBadRequest, "Bad Request", "Content-Type must be application/json, not "+r.Header.Get("Content-Type"))
		return
	}
	if r.Header.Get("X-Sdk-Content-Sha256") == "UNSIGNED-PAYLOAD" {
		writeError(w, http.StatusUnauthorized, codeAuth, msgIAMAuth+"the request body must be signed (X-Sdk-Content-Sha256 is UNSIGNED-PAYLOAD)")
		return
	}
	var req assumeRoleRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		writeIAMError(w, http.StatusBadRequest, "Bad Request", "the request body is not valid JSON: "+err.Error())
		return
	}
	id := req.Auth.Identity
	ar := id.AssumeRole
	switch {
	case len(id.Methods) != 1 || id.Methods[0] != "assume_role":
		writeIAMError(w, http.StatusBadRequest, "Bad Request", `auth.identity.methods must be ["assume_role"]`)
		return
	case ar == nil || ar.AgencyName == "" || ar.DomainName == "":
		writeIAMError(w, http.StatusBadRequest, "Bad Request", "auth.identity.assume_role needs agency_name and domain_name")
		return
	}
	seconds := int64(defaultDurationSeconds)
	if ar.DurationSeconds != nil {
		seconds = *ar.DurationSeconds
	}
	if seconds < minDurationSeconds || seconds > maxDurationSeconds {
		writeIAMError(w, http.StatusBadRequest, "Bad Request", "duration_seconds must be between 900 and 86400")
		return
	}
	agency := Agency{Domain: ar.DomainName, Name: ar.AgencyName}
	if !i.agencyKnown(agency) {
		writeIAMError(w, http.StatusForbidden, "Forbidden",
			"The agency "+agency.Name+" of domain "+agency.Domain+" does not exist or does not trust the caller.")
		return
	}

	issued := IssuedCredential{Agency: agency, By: who, ExpiresAt: i.opts.Now().Add(time.Duration(seconds) * time.Second).UTC()}
	i.mu.Lock()
	if i.next < len(i.opts.Issue) {
		issued.TempCredential = i.opts.Issue[i.next]
		i.next++
	} else {
		issued.TempCredential = generateTempCredential()
	}
	i.issued = append(i.issued, issued)
	i.mu.Unlock()
	if i.opts.OnIssue != nil {
		i.opts.OnIssue(issued)
	}
	writeJSON(w, http.StatusCreated, map[string]any{"credential": map[string]string{
		"access":        issued.AccessKey,
		"secret":        issued.SecretKey,
		"securitytoken": issued.SecurityToken,
		"expires_at":    issued.ExpiresAt.Format(ExpiresAtFormat),
	}})
}

func (i *IAM) agencyKnown(a Agency) bool {
	if len(i.opts.Agencies) == 0 {
		return true
	}
	for _, k := range i.opts.Agencies {
		if k == a {
			return true
		}
	}
	return false
}

// ExpiresAtFormat is the layout of expires_at in IAM's and the metadata
// service's answers, e.g. 2030-01-01T00:00:00.000000Z.
const ExpiresAtFormat = "2006-01-02T15:04:05.000000Z"

// writeIAMError answers in IAM's own error shape, whose code is a number.
func writeIAMError(w http.ResponseWriter, status int, title, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": status, "message": msg, "title": title}})
}

// generateTempCredential makes a temporary AK/SK/token of the real shapes:
// 20 characters of A-Z0-9, 40 alphanumeric characters, and a long token.
func generateTempCredential() TempCredential {
	return TempCredential{
		AccessKey:     randomString(20, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
		SecretKey:     randomString(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
		SecurityToken: "gQpjbi1ub3J0aC00" + randomToken(96),
	}
}

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for k := range b {
		b[k] = alphabet[int(b[k])%len(alphabet)]
	}
	return string(b)
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
