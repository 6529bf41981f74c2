// Command hss-standin serves the local HSS stand-in (internal/standin): the
// audit-log API and the cluster list (ListKubernetesClusterDetails), for
// `make demo` and manual tries.
//
// The same address answers IAM's project listing and agency token exchange
// (internal/standin's IAM), so that project discovery, a data source in a
// second region (-other-region, whose project serves a copy of the records
// and of the cluster list)
// and assume_role can be tried too: point endpoints.hss and endpoints.iam
// (or auth_url) at the base URL.
//
// It serves the seed data (unless -no-seed: the seed records and the seed
// clusters), plus -records generated records in a cluster of their own, the
// records of -seed-file and -clusters generated clusters, and can
// enforce the gateway's call quota (-quota). -timeline-cluster adds a
// fixed timeline (standin.Timeline): an endless series of records of one
// cluster, -timeline-per-tick every -timeline-step from -timeline-start on,
// arriving as the clock passes their time, for trying rolling windows. On start it prints to stdout
// what a configuration needs (URL, region, project, keys, clusters), writes
// its base URL to -url-file once listening so a Makefile can pick it up,
// logs one line per request to stderr, and exits cleanly on SIGINT/SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// The cluster -records fills: fixed, so that a configuration naming it
// keeps working across restarts.
const (
	genClusterID   = "0b5c7d2e-4f1a-4c3b-9d8e-6a2f1e0c7b94"
	genClusterType = "self_built_idc"
)

// maxGenerated bounds -records: each record costs a few kB, served twice
// (both projects).
const maxGenerated = 1_000_000

// maxGeneratedClusters bounds -clusters: the cluster list is filtered by
// scanning it on every call.
const maxGeneratedClusters = 100_000

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, &ue):
		fmt.Fprintf(os.Stderr, "hss-standin: %v (hss-standin -h lists the flags)\n", err)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "hss-standin: %v\n", err)
		os.Exit(1)
	}
}

// usageError is a bad command line.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// config is the command line, validated.
type config struct {
	addr, projectID, ak, sk, token, urlFile, region, otherRegion string
	paging                                                       string
	pagingMode                                                   standin.PagingMode
	latency                                                      time.Duration
	records                                                      int
	clusters                                                     int
	seedFile                                                     string
	noSeed                                                       bool
	quota                                                        standin.Quota

	// The timeline, off when tlCluster is empty; its start is tlStartAt,
	// or tlStartAgo before start-up when tlStartAt is zero.
	tlCluster  string
	tlStep     time.Duration
	tlStart    string
	tlStartAgo time.Duration
	tlStartAt  time.Time
	tlPerTick  int
}

// parseFlags reads and checks args; -h prints the flags to help and
// returns flag.ErrHelp.
func parseFlags(args []string, help io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("hss-standin", flag.ContinueOnError)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:0", "listen address (a free port by default)")
	fs.StringVar(&c.projectID, "project-id", standin.SeedProjectID, "accepted project id (of -region)")
	fs.StringVar(&c.ak, "ak", standin.DemoAccessKey, "accepted access key")
	fs.StringVar(&c.sk, "sk", standin.DemoSecretKey, "accepted secret key")
	fs.StringVar(&c.token, "token", "", "accepted IAM token (X-Auth-Token); none if empty")
	fs.StringVar(&c.paging, "paging", "offset", "paging mode: offset (offset honoured) or cursor (offset ignored, line_num only)")
	fs.DurationVar(&c.latency, "latency", 0, "latency added to each request")
	fs.StringVar(&c.urlFile, "url-file", "", "write the base URL to this file once listening")
	fs.StringVar(&c.region, "region", "cn-north-4", "region of -project-id, for IAM's project listing")
	fs.StringVar(&c.otherRegion, "other-region", "eu-west-101", "a second region of the account, with its own project and a copy of the records")
	fs.IntVar(&c.records, "records", 0, "add this many generated records, 1 s apart and the newest at start-up, in cluster "+genClusterID)
	fs.IntVar(&c.clusters, "clusters", 0, "add this many generated clusters to the cluster list (GET /v5/{project_id}/kubernetes/clusters), created 1 min apart before start-up")
	fs.StringVar(&c.seedFile, "seed-file", "", "also serve the records of this JSON file (a list of records, or a saved API answer with data_list)")
	fs.BoolVar(&c.noSeed, "no-seed", false, "do not serve the seed data, records and clusters (then -seed-file, -records, -timeline-cluster or -clusters must give something)")
	fs.IntVar(&c.quota.Calls, "quota", 0, "calls admitted per user (access key or token) and API within -quota-window, as the gateway's quota (HSS documents 5 a minute); 0: no quota")
	fs.DurationVar(&c.quota.Window, "quota-window", time.Minute, "the quota's sliding window")
	fs.BoolVar(&c.quota.RetryAfter, "quota-retry-after", false, "send Retry-After with the quota's 429 answers (whether the real gateway does is not known)")
	fs.BoolVar(&c.quota.PerIP, "quota-per-ip", false, "also limit calls per client IP address (all local clients share 127.0.0.1)")
	fs.StringVar(&c.tlCluster, "timeline-cluster", "", "serve a fixed timeline as this cluster's records (in -region's project only): -timeline-per-tick records every -timeline-step from -timeline-start on, each arriving when the clock passes its time")
	fs.DurationVar(&c.tlStep, "timeline-step", time.Second, "time between the timeline's ticks (whole milliseconds)")
	fs.StringVar(&c.tlStart, "timeline-start", "24h", "time of the timeline's first record: a duration before start-up (72h; rounded down to a multiple of -timeline-step) or an RFC 3339 time (2026-03-14T00:00:00Z)")
	fs.IntVar(&c.tlPerTick, "timeline-per-tick", 1, "records sharing each tick's time")
	// Errors are returned, not printed: main prints them once.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(help, "Usage: hss-standin [flags]\n\nServes the HSS audit-log and cluster-list API stand-in and IAM's project listing and token exchange.\n\nFlags:\n")
			fs.SetOutput(help)
			fs.PrintDefaults()
			return c, err
		}
		return c, usageError{err}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	switch {
	case fs.NArg() > 0:
		return c, usagef("unexpected argument %q: hss-standin takes flags only", fs.Arg(0))
	case c.projectID == "" || strings.Contains(c.projectID, "/"):
		return c, usagef("-project-id %q is not a project id", c.projectID)
	case (c.ak == "") != (c.sk == ""):
		return c, usagef("-ak and -sk go together: give both or neither")
	case c.ak == "" && c.token == "":
		return c, usagef("with -ak and -sk empty, -token must give a way in")
	case c.region == "" || c.otherRegion == "":
		return c, usagef("-region and -other-region must not be empty")
	case c.region == c.otherRegion:
		return c, usagef("-region and -other-region are both %q; the second region must differ", c.region)
	case c.latency < 0:
		return c, usagef("-latency %s is negative", c.latency)
	case c.records < 0 || c.records > maxGenerated:
		return c, usagef("-records %d is out of range: 0 to %d", c.records, maxGenerated)
	case c.clusters < 0 || c.clusters > maxGeneratedClusters:
		return c, usagef("-clusters %d is out of range: 0 to %d", c.clusters, maxGeneratedClusters)
	case c.noSeed && c.seedFile == "" && c.records == 0 && c.tlCluster == "" && c.clusters == 0:
		return c, usagef("-no-seed leaves nothing to serve: add -seed-file, -records, -timeline-cluster or -clusters")
	case c.quota.Calls < 0:
		return c, usagef("-quota %d is negative (0 means no quota)", c.quota.Calls)
	case c.quota.Window <= 0:
		return c, usagef("-quota-window %s must be positive", c.quota.Window)
	}
	if c.quota.Calls == 0 {
		for _, name := range []string{"quota-window", "quota-retry-after", "quota-per-ip"} {
			if set[name] {
				return c, usagef("-%s has no effect without -quota N (N > 0)", name)
			}
		}
	}
	if err := parseTimeline(&c, set); err != nil {
		return c, err
	}
	switch c.paging {
	case "offset":
		c.pagingMode = standin.OffsetHonoured
	case "cursor":
		c.pagingMode = standin.CursorOnly
	default:
		return c, usagef("-paging must be offset or cursor, not %q", c.paging)
	}
	return c, nil
}

// parseTimeline checks the -timeline-* flags.
func parseTimeline(c *config, set map[string]bool) error {
	if c.tlCluster == "" {
		for _, name := range []string{"timeline-step", "timeline-start", "timeline-per-tick"} {
			if set[name] {
				return usagef("-%s has no effect without -timeline-cluster ID", name)
			}
		}
		return nil
	}
	switch {
	case c.tlStep < time.Millisecond || c.tlStep%time.Millisecond != 0:
		return usagef("-timeline-step %s must be a positive whole number of milliseconds", c.tlStep)
	case c.tlPerTick < 1:
		return usagef("-timeline-per-tick %d must be at least 1", c.tlPerTick)
	}
	if d, err := time.ParseDuration(c.tlStart); err == nil {
		if d < 0 {
			return usagef("-timeline-start %s is negative: give a duration before start-up, or an RFC 3339 time for a start in the future", c.tlStart)
		}
		c.tlStartAgo = d
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, c.tlStart)
	if err != nil {
		return usagef("-timeline-start %q is neither a duration (72h) nor an RFC 3339 time (2026-03-14T00:00:00Z)", c.tlStart)
	}
	c.tlStartAt = t
	return nil
}

// timeline is the timeline c asks for, started relative to now; nil when
// -timeline-cluster is not given.
func (c config) timeline(now time.Time) *standin.Timeline {
	if c.tlCluster == "" {
		return nil
	}
	step := c.tlStep.Milliseconds()
	start := c.tlStartAt.UnixMilli()
	if c.tlStartAt.IsZero() {
		start = now.Add(-c.tlStartAgo).UnixMilli()
		start -= ((start % step) + step) % step // round down, before 1970 too
	}
	return &standin.Timeline{ClusterID: c.tlCluster, Start: start, Step: step, PerTick: c.tlPerTick}
}

// checkTimelineCluster refuses a timeline cluster that the records also
// fill: the timeline would hide them in one project but not the other.
func checkTimelineCluster(tl *standin.Timeline, recs []standin.Record) error {
	if tl == nil {
		return nil
	}
	for _, r := range recs {
		if r.ClusterID == tl.ClusterID {
			return usagef("-timeline-cluster %s is a cluster of the served records (seed, -records or -seed-file): choose another id", tl.ClusterID)
		}
	}
	return nil
}

// loadRecords gathers what c serves: the seed, the generated records and
// the seed file's, in that order.
func loadRecords(c config, now time.Time) ([]standin.Record, error) {
	var recs []standin.Record
	if !c.noSeed {
		recs = append(recs, standin.Seed(now)...)
	}
	recs = append(recs, standin.Generate(genClusterID, genClusterType, c.records, now, false)...)
	if c.seedFile != "" {
		fromFile, err := standin.LoadSeedFile(c.seedFile)
		if err != nil {
			return nil, err
		}
		recs = append(recs, fromFile...)
	}
	return recs, nil
}

// loadClusters gathers the cluster list c serves: the seed clusters and
// the generated ones, in that order.
func loadClusters(c config, now time.Time) []standin.Cluster {
	var cs []standin.Cluster
	if !c.noSeed {
		cs = append(cs, standin.SeedClusters(now)...)
	}
	return append(cs, standin.GenerateClusters(c.clusters, now)...)
}

// standIn is the HSS and IAM stand-ins of one configuration.
type standIn struct {
	records  []standin.Record
	clusters []standin.Cluster
	hss      *standin.Server
	handler  http.Handler // HSS under /v5/, IAM elsewhere
}

// newStandIn serves recs and the cluster list c asks for (loadClusters, as
// of now) in both projects, and tl (if not nil) in the main one.
func newStandIn(c config, recs []standin.Record, tl *standin.Timeline, now time.Time) *standIn {
	cs := loadClusters(c, now)
	opts := standin.Options{
		ProjectID: c.projectID, AccessKey: c.ak, SecretKey: c.sk,
		Records: recs, Latency: c.latency, Paging: c.pagingMode, Quota: c.quota,
		OtherProjects: map[string][]standin.Record{standin.SeedOtherProjectID: recs},
		Clusters:      cs,
		OtherClusters: map[string][]standin.Cluster{standin.SeedOtherProjectID: cs},
		Timeline:      tl,
	}
	iamOpts := standin.IAMOptions{
		Projects: map[string]string{c.region: c.projectID, c.otherRegion: standin.SeedOtherProjectID},
	}
	if c.ak != "" {
		iamOpts.Keys = map[string]string{c.ak: c.sk}
	}
	if c.token != "" {
		opts.Tokens = []string{c.token}
		iamOpts.Tokens = []string{c.token}
	}
	hss := standin.New(opts)
	// Credentials IAM issues for assume_role are accepted by HSS too.
	iamOpts.OnIssue = func(ic standin.IssuedCredential) { hss.AcceptTemporary(ic.TempCredential) }
	mux := http.NewServeMux()
	mux.Handle("/v5/", hss)
	mux.Handle("/", standin.NewIAM(iamOpts))
	return &standIn{records: recs, clusters: cs, hss: hss, handler: mux}
}

// run serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	now := time.Now()
	recs, err := loadRecords(c, now)
	if err != nil {
		return err
	}
	tl := c.timeline(now)
	if err := checkTimelineCluster(tl, recs); err != nil {
		return err
	}
	st := newStandIn(c, recs, tl, now)

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	// The banner goes out before the URL file, so whoever waits for the
	// file finds the banner complete.
	if err := writeBanner(stdout, base, c, recs, tl, now); err != nil {
		_ = ln.Close()
		return err
	}
	if c.urlFile != "" {
		if err := writeFileAtomic(c.urlFile, base+"\n"); err != nil {
			_ = ln.Close()
			return err
		}
	}
	logger := log.New(stderr, "", log.LstdFlags|log.Lmicroseconds)
	logger.Printf("hss-standin: serving HSS and IAM at %s", base)

	srv := &http.Server{Handler: logRequests(logger, st.handler), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Printf("hss-standin: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// cluster sums up one cluster's records for the banner.
type cluster struct {
	id, name, typ          string
	records, withLineNum   int
	oldest, newest         int64
	otherNames, otherTypes bool
}

// clusters sums up recs by cluster id, in order of first appearance.
func clusters(recs []standin.Record) []*cluster {
	var out []*cluster
	byID := map[string]*cluster{}
	for _, r := range recs {
		cl, ok := byID[r.ClusterID]
		if !ok {
			cl = &cluster{id: r.ClusterID, name: r.ClusterName, typ: r.ClusterType, oldest: r.Time, newest: r.Time}
			byID[r.ClusterID] = cl
			out = append(out, cl)
		}
		cl.records++
		if r.LineNum != "" {
			cl.withLineNum++
		}
		cl.oldest, cl.newest = min(cl.oldest, r.Time), max(cl.newest, r.Time)
		cl.otherNames = cl.otherNames || r.ClusterName != cl.name
		cl.otherTypes = cl.otherTypes || r.ClusterType != cl.typ
	}
	return out
}

// writeBanner prints what a user needs to point a configuration at the
// stand-in, the secret key included: these are demo keys that only the
// stand-in accepts. tl is the timeline (nil if none), started at now.
func writeBanner(w io.Writer, base string, c config, recs []standin.Record, tl *standin.Timeline, now time.Time) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	p("hss-standin: a local stand-in of the HSS audit-log and cluster-list APIs, with IAM's project listing and agency token exchange\n\n")
	p("  Base URL:      %s  (both the hss and the iam endpoint)\n", base)
	p("  Region:        %s, project id %s\n", c.region, c.projectID)
	p("  Other region:  %s, project id %s (serves a copy of the same records and clusters)\n", c.otherRegion, standin.SeedOtherProjectID)
	if c.ak != "" {
		p("  Access key:    %s\n", c.ak)
		p("  Secret key:    %s\n", c.sk)
		if c.ak == standin.DemoAccessKey && c.sk == standin.DemoSecretKey {
			p("                 (demo keys: only this stand-in accepts them; they open nothing else)\n")
		}
	}
	if c.token != "" {
		p("  IAM token:     %s\n", c.token)
	}
	p("  Paging:        %s\n", c.paging)
	if c.latency > 0 {
		p("  Latency:       %s per request\n", c.latency)
	}
	p("  Quota:         %s\n", quotaText(c.quota))
	p("  Audit logs:    GET /v5/{project_id}%s (ListClusterAuditLogs)\n", standin.APIPathSuffix)
	p("  Cluster list:  GET /v5/{project_id}%s (ListKubernetesClusterDetails): %s\n", standin.ClustersPathSuffix, clusterListText(c, now))

	p("\nAudit logs by cluster (in both projects):\n")
	if cls := clusters(recs); len(cls) == 0 && tl != nil {
		p("  none besides the timeline\n")
	} else if len(cls) == 0 {
		p("  none: no records are served\n")
	} else {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  CLUSTER ID\tNAME\tTYPE\tRECORDS\tLINE_NUM\tOLDEST (UTC)\tNEWEST (UTC)\n")
		for _, cl := range cls {
			name, typ := cl.name, cl.typ
			if cl.otherNames {
				name += " (and others)"
			}
			if cl.otherTypes {
				typ += " (and others)"
			}
			lineNum := "some"
			switch cl.withLineNum {
			case 0:
				lineNum = "no"
			case cl.records:
				lineNum = "yes"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%s\t%s\t%s\n", orNone(cl.id), orNone(name), orNone(typ), cl.records, lineNum, msText(cl.oldest), msText(cl.newest))
		}
		_ = tw.Flush()
		oldest, newest := recs[0].Time, recs[0].Time
		for _, r := range recs {
			oldest, newest = min(oldest, r.Time), max(newest, r.Time)
		}
		p("  %d records in all; start_time %d and end_time %d (epoch ms) take them all in\n", len(recs), oldest, newest)
	}

	if tl != nil {
		writeTimeline(p, c, tl, now)
	}

	p("\nFor your shell:\n")
	if c.ak != "" {
		p("  export HW_ACCESS_KEY=%s\n", shellQuote(c.ak))
		p("  export HW_SECRET_KEY=%s\n", shellQuote(c.sk))
	} else {
		p("  export HW_AUTH_TOKEN=%s\n", shellQuote(c.token))
	}
	p("  export HW_REGION_NAME=%s\n", shellQuote(c.region))
	if c.ak != "" && c.token != "" {
		p("  # or, with the token instead of the keys: export HW_AUTH_TOKEN=%s\n", shellQuote(c.token))
	}
	p("  export HW_PROJECT_ID=%s\n", shellQuote(c.projectID))

	p("\nFor your configuration:\n")
	p("  provider \"hss\" {\n    endpoints = {\n      hss = %q\n      iam = %q\n    }\n  }\n\n", base, base)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTimeline describes the timeline for the banner.
func writeTimeline(p func(string, ...any), c config, tl *standin.Timeline, now time.Time) {
	p("\nTimeline (in the project of %s only; records arrive as the clock passes their time):\n", c.region)
	p("  Cluster:       %s (name %s, type %s, host %s %s %s)\n", tl.ClusterID, standin.TimelineClusterName,
		standin.TimelineClusterType, standin.TimelineHostName, standin.TimelineHostID, standin.TimelineHostIP)
	per := "1 record"
	if tl.PerTick > 1 {
		per = fmt.Sprintf("%d records", tl.PerTick)
	}
	p("  Records:       %s every %s from %s (UTC) on, verb get\n", per, durText(c.tlStep), msText(tl.Start))
	nowMs := now.UnixMilli()
	p("  At start-up:   %d records; start_time %d and end_time %d (epoch ms) take them all in\n",
		tl.Count(tl.Start, nowMs, nowMs), tl.Start, nowMs)
}

// clusterListText says how many clusters the cluster list serves.
func clusterListText(c config, now time.Time) string {
	seed := 0
	if !c.noSeed {
		seed = len(standin.SeedClusters(now))
	}
	n := seed + c.clusters
	s := "s"
	if n == 1 {
		s = ""
	}
	return fmt.Sprintf("%d cluster%s in each project (%d seed, %d generated by -clusters)", n, s, seed, c.clusters)
}

func quotaText(q standin.Quota) string {
	if q.Calls == 0 {
		return "none (-quota N sets one)"
	}
	s := fmt.Sprintf("%d calls per %s per user (access key or token)", q.Calls, durText(q.Window))
	if q.PerIP {
		s += " and per IP address"
	}
	s += ", per API; 429 APIGW.0308 beyond it, "
	if q.RetryAfter {
		return s + "with Retry-After"
	}
	return s + "without Retry-After"
}

// durText drops a duration's zero tail: 1m, not 1m0s.
func durText(d time.Duration) string {
	s := d.String()
	for _, z := range []string{"m0s", "h0m"} {
		if strings.HasSuffix(s, z) {
			s = s[:len(s)-2]
		}
	}
	return s
}

func msText(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05") }

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writeFileAtomic writes via a temporary file so a reader never sees a
// partial URL.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".hss-standin-url-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// logRequests logs method, URI, status and duration of each request.
func logRequests(logger *log.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := fmt.Sprint(rec.status)
		if rec.status == 0 {
			status = "no answer"
		}
		logger.Printf("%s %s -> %s (%s, request id %s)", r.Method, r.URL.RequestURI(), status,
			time.Since(start).Round(time.Millisecond), w.Header().Get("X-Request-Id"))
	})
}

// recorder remembers the status; Unwrap keeps http.ResponseController
// (used to drop connections) working through it.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
