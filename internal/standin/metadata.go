package standin

import (
	"net/http"
	"sync"
	"time"
)

// MetadataPath is the ECS metadata service's path for the temporary
// credentials of the instance's agency.
const MetadataPath = "/openstack/latest/securitykey"

// MetadataOptions configures a Metadata stand-in.
type MetadataOptions struct {
	// Credential is what the service hands out.
	Credential TempCredential
	// ExpiresAt is the credential's expiry; zero means an hour after each
	// request.
	ExpiresAt time.Time
	// NoAgency makes the service answer 404, as for an instance without an
	// agency.
	NoAgency bool
	// Now is the clock for the default expiry; default time.Now.
	Now func() time.Time
}

// Metadata is a stand-in of the ECS instance metadata service's
// GET /openstack/latest/securitykey. It needs no authentication, counts
// the requests, and implements http.Handler safely for concurrent use.
type Metadata struct {
	mu       sync.Mutex
	opts     MetadataOptions
	requests int
}

// NewMetadata returns a Metadata stand-in answering from opts.
func NewMetadata(opts MetadataOptions) *Metadata {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Metadata{opts: opts}
}

// Set changes the credential handed out from now on, as the service does
// when it rotates the agency's keys.
func (m *Metadata) Set(c TempCredential, expiresAt time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.opts.Credential, m.opts.ExpiresAt = c, expiresAt
}

// SetNoAgency switches the 404 answer of an instance without an agency.
func (m *Metadata) SetNoAgency(noAgency bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.opts.NoAgency = noAgency
}

// Requests is how many requests reached the credential path.
func (m *Metadata) Requests() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.requests
}

// ServeHTTP answers {"credential": {"access", "secret", "securitytoken",
// "expires_at"}}.
func (m *Metadata) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != MetadataPath {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	m.mu.Lock()
	m.requests++
	opts := m.opts
	m.mu.Unlock()
	if opts.NoAgency {
		http.Error(w, "the instance has no agency: no security key", http.StatusNotFound)
		return
	}
	expires := opts.ExpiresAt
	if expires.IsZero() {
		expires = opts.Now().Add(time.Hour)
	}
	writeJSON(w, http.StatusOK, map[string]any{"credential": map[string]string{
		"access":        opts.Credential.AccessKey,
		"secret":        opts.Credential.SecretKey,
		"securitytoken": opts.Credential.SecurityToken,
		"expires_at":    expires.UTC().Format(ExpiresAtFormat),
	}})
}
