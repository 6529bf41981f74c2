package provider

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/cache"
	"github.com/hss-tf/terraform-provider-hss/internal/credentials"
	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/providerdata"
	"github.com/hss-tf/terraform-provider-hss/internal/reads"
)

// regionClients builds and caches one HSS client per region, so that a
// data source's region argument reads that region with that region's
// project, discovered through IAM once per provider instance. Every
// client shares the provider's credentials, retry settings and rate
// limiter.
type regionClients struct {
	home        string // the provider's region
	cloud       string
	hssOverride string // the HSS endpoint of home (endpoints.hss or the default)
	hasOverride bool   // endpoints.hss is set: it serves every region
	iamOverride string // endpoints.iam or auth_url, "" for the default
	httpIAM     *http.Client
	creds       credentials.Provider
	profile     *credentials.Profile
	base        hss.Config
	reads       *reads.Registry // the provider instance's shared reads
	cache       *cache.Store    // cache_dir's spans; nil when unset
	settle      time.Duration   // settle_delay as hss.Config takes it

	mu      sync.Mutex // held during a discovery, so a region is discovered once
	clients map[string]*hss.Client
}

// build makes and caches the client of region r.
func (rc *regionClients) build(r, endpoint, projectID string) (*hss.Client, error) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.buildLocked(r, endpoint, projectID)
}

// buildLocked is build with rc.mu held.
func (rc *regionClients) buildLocked(r, endpoint, projectID string) (*hss.Client, error) {
	cfg := rc.base
	cfg.Endpoint, cfg.ProjectID = endpoint, projectID
	c, err := hss.New(cfg)
	if err != nil {
		return nil, err
	}
	if rc.clients == nil {
		rc.clients = map[string]*hss.Client{}
	}
	rc.clients[r] = c
	return c, nil
}

// client returns the client of region r ("" is the provider's region).
func (rc *regionClients) client(ctx context.Context, r string) (providerdata.Lister, error) {
	if r == "" {
		r = rc.home
	}
	// Held through a discovery, so each region is discovered once.
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if c, ok := rc.clients[r]; ok {
		return rc.shared(c), nil
	}
	endpoint := rc.hssOverride
	if !rc.hasOverride {
		endpoint = serviceEndpoint("hss", r, rc.cloud)
	}
	project := ""
	if p := rc.profile; p != nil && p.Region == r && p.ProjectID != "" {
		project = p.ProjectID
	} else {
		iam := iamEndpoint(rc.iamOverride, r, rc.cloud)
		id, err := credentials.ProjectID(ctx, rc.creds, iam, r, rc.httpIAM)
		if err != nil {
			return nil, fmt.Errorf("the project of region %s is not known (project_id belongs to the provider's region %s), "+
				"and discovering it through IAM (%s) failed: %w. Declare a provider alias with region = %q and that region's project_id, "+
				"and select it with provider = hss.<alias>", r, rc.home, iam, err, r)
		}
		project = id
	}
	c, err := rc.buildLocked(r, endpoint, project)
	if err != nil {
		return nil, fmt.Errorf("cannot build the HSS client of region %s for %s: %w", r, endpoint, err)
	}
	return rc.shared(c), nil
}

// shared puts c behind the provider instance's shared reads, and those
// behind the cache when there is one: a read the cache assembles is read
// once for every data source of its query.
func (rc *regionClients) shared(c *hss.Client) providerdata.Lister {
	scope := c.Endpoint() + " " + c.ProjectID()
	shared := rc.reads.Lister(scope, c)
	if rc.cache == nil {
		return regionClient{shared, shared, c}
	}
	settle := rc.settle
	if settle <= 0 {
		// settle_delay = "0s" reads windows whole; it does not make the
		// newest records settled enough to keep.
		settle = hss.DefaultSettleDelay
	}
	cached := cache.NewLister(c, rc.cache, cache.Scope{Caller: rc.base.Caller, Endpoint: c.Endpoint(), ProjectID: c.ProjectID()},
		settle, rc.base.Logger)
	// Reads through the cache are shared among themselves only: their
	// content is redacted, and a raw read must not receive it.
	return regionClient{rc.reads.Lister(scope+" cached", cached), shared, c}
}

// regionClient is a region's client as data sources read through it:
// shared reads, through the cache when there is one, except for reads
// that need content as sent (cache.Bypass), which go around it.
type regionClient struct {
	reads, raw reads.Lister
	c          *hss.Client
}

func (r regionClient) WalkClusterAuditLogs(ctx context.Context, q hss.Query, visit hss.Visitor) (*hss.Result, error) {
	if cache.Bypassed(ctx) {
		return r.raw.WalkClusterAuditLogs(ctx, q, visit)
	}
	return r.reads.WalkClusterAuditLogs(ctx, q, visit)
}

// ListKubernetesClusters lists the region's clusters.
func (r regionClient) ListKubernetesClusters(ctx context.Context, q hss.ClusterQuery) (*hss.ClusterList, error) {
	return r.c.ListKubernetesClusters(ctx, q)
}

// Endpoint and ProjectID say where the reads go.
func (r regionClient) Endpoint() string  { return r.c.Endpoint() }
func (r regionClient) ProjectID() string { return r.c.ProjectID() }
