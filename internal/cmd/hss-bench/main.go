// Command hss-bench measures what a real `terraform plan` of a large
// audit-log window costs: for each record count N it serves N generated
// records from the local HSS stand-in (each request delayed by -latency),
// plans a configuration that reads them all (limit 200) with a provider
// binary built from this tree, and prints Terraform's wall time and the
// provider processes' CPU (user+sys, summed over every start of the
// provider) and peak RSS.
//
// It is the last step of `make bench`. The provider is measured through
// dev_overrides pointing at a wrapper script that runs the real binary
// under GNU time (/usr/bin/time), which appends one line per provider
// process to a stats file.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

// gnuTime is the timer wrapped around each provider process.
const gnuTime = "/usr/bin/time"

const clusterID = "c3a9e5d1-2b48-4f6c-9e07-51d8a6b4f2c9"

func main() {
	var o options
	var records string
	flag.StringVar(&records, "records", "1000,10000,50000", "comma-separated record counts, one plan each")
	flag.DurationVar(&o.latency, "latency", 30*time.Millisecond, "delay the stand-in adds to each request")
	flag.IntVar(&o.concurrency, "max-concurrency", 0, "the provider's max_concurrency (0: its default)")
	flag.StringVar(&o.terraform, "terraform", "terraform", "Terraform CLI to run")
	flag.StringVar(&o.provider, "provider", "", "provider binary to measure (default: go build of the module holding the working directory)")
	flag.Parse()
	counts, err := parseCounts(records)
	if err != nil {
		fmt.Fprintf(os.Stderr, "hss-bench: -records: %v\n", err)
		os.Exit(2)
	}
	o.counts, o.stdout, o.stderr = counts, os.Stdout, os.Stderr

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintf(os.Stderr, "hss-bench: %v\n", err)
		os.Exit(1)
	}
}

type options struct {
	counts              []int
	latency             time.Duration
	concurrency         int
	terraform, provider string
	stdout, stderr      io.Writer
}

// result is one plan's figures.
type result struct {
	records  int
	wall     time.Duration
	stats    procStats
	requests int
}

func run(ctx context.Context, o options) error {
	if err := checkGNUTime(ctx); err != nil {
		return err
	}
	tfPath, err := exec.LookPath(o.terraform)
	if err != nil {
		return fmt.Errorf("terraform CLI %q not found on PATH: %w", o.terraform, err)
	}
	tmp, err := os.MkdirTemp("", "hss-bench")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }()

	realBin := o.provider
	if realBin == "" {
		realBin = filepath.Join(tmp, "real", "terraform-provider-hss")
		if err := buildProvider(ctx, realBin); err != nil {
			return err
		}
	} else if realBin, err = filepath.Abs(realBin); err != nil {
		return err
	}
	wrapperDir := filepath.Join(tmp, "wrapped")
	stats := filepath.Join(tmp, "provider-stats")
	if err := writeWrapper(wrapperDir, realBin, stats); err != nil {
		return err
	}
	rc := filepath.Join(tmp, "terraform.rc")
	rcText := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", "hss-tf/hss", wrapperDir)
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		return err
	}

	fmt.Fprintf(o.stdout, "hss-bench: terraform plan of N records at %s per request, limit 200, max_concurrency %s; provider %s\n",
		o.latency, concurrencyText(o.concurrency), realBin)
	var results []result
	for _, n := range o.counts {
		r, err := planOnce(ctx, o, tfPath, tmp, rc, stats, n)
		if err != nil {
			return fmt.Errorf("%d records: %w", n, err)
		}
		results = append(results, r)
		fmt.Fprintln(o.stdout, r.line())
	}
	printGrowth(o.stdout, results)
	return nil
}

func concurrencyText(n int) string {
	if n == 0 {
		return "default"
	}
	return strconv.Itoa(n)
}

// checkGNUTime makes sure /usr/bin/time is GNU time, which -f and -o need.
func checkGNUTime(ctx context.Context) error {
	const hint = "hss-bench measures the provider processes with GNU time at " + gnuTime +
		"; install it (Debian/Ubuntu: apt-get install time)"
	if _, err := os.Stat(gnuTime); err != nil {
		return fmt.Errorf("%s: %w; %s", gnuTime, err, hint)
	}
	f, err := os.CreateTemp("", "hss-bench-time")
	if err != nil {
		return err
	}
	_ = f.Close()
	defer func() { _ = os.Remove(f.Name()) }()
	if out, err := exec.CommandContext(ctx, gnuTime, "-a", "-o", f.Name(), "-f", "%U %S %M", "true").CombinedOutput(); err != nil {
		return fmt.Errorf("%s -f does not work (%v: %s); %s", gnuTime, err, bytes.TrimSpace(out), hint)
	}
	b, err := os.ReadFile(f.Name())
	if err != nil {
		return err
	}
	if st, err := parseStats(b); err != nil || st.processes != 1 {
		return fmt.Errorf("%s wrote %q, not %q; %s", gnuTime, b, "user sys maxrss", hint)
	}
	return nil
}

// buildProvider builds the provider of the module that holds the working
// directory.
func buildProvider(ctx context.Context, out string) error {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(gomod))
	if mod == "" || mod == os.DevNull {
		return errors.New("not inside the provider's module: run from the repository, or give -provider")
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, ".")
	cmd.Dir = filepath.Dir(mod)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the provider: %v\n%s", err, b)
	}
	return nil
}

// writeWrapper writes dir/terraform-provider-hss, which runs the real
// provider under GNU time, appending "user sys maxrss_kib" to stats.
func writeWrapper(dir, realBin, stats string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	script := fmt.Sprintf("#!/bin/sh\nSTATS=%s\nexec %s -a -o \"$STATS\" -f '%%U %%S %%M' %s \"$@\"\n",
		shellQuote(stats), gnuTime, shellQuote(realBin))
	return os.WriteFile(filepath.Join(dir, "terraform-provider-hss"), []byte(script), 0o755) //nolint:gosec // an executable script
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// planConfig reads every record of the window and outputs their count.
const planConfig = `terraform {
  required_providers {
    hss = { source = "hss-tf/hss" }
  }
}

variable "hss_endpoint" { type = string }
variable "max_concurrency" {
  type    = number
  default = null
}

provider "hss" {
  endpoints       = { hss = var.hss_endpoint }
  max_retries     = 0
  max_concurrency = var.max_concurrency
}

data "hss_cluster_audit_logs" "all" {
  cluster_id = %q
  start_time = %d
  end_time   = %d
  limit      = 200
}

output "records" {
  value = length(data.hss_cluster_audit_logs.all.data_list)
}
`

// planOnce serves n records and plans the configuration once.
func planOnce(ctx context.Context, o options, tfPath, tmp, rc, stats string, n int) (result, error) {
	// Settled records (older than the provider's settle_delay): the
	// benchmark measures one read of the window, not its split.
	end := time.Now().Add(-time.Hour).Truncate(time.Second)
	s := standin.New(standin.Options{
		ProjectID: standin.SeedProjectID, AccessKey: standin.DemoAccessKey, SecretKey: standin.DemoSecretKey,
		Latency: o.latency, Records: standin.Generate(clusterID, "self_built_idc", n, end, false),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return result{}, err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }()

	dir := filepath.Join(tmp, "config-"+strconv.Itoa(n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return result{}, err
	}
	start := end.Add(-time.Duration(n+60) * time.Second)
	cfg := fmt.Sprintf(planConfig, clusterID, start.UnixMilli(), end.UnixMilli())
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		return result{}, err
	}
	if err := os.WriteFile(stats, nil, 0o600); err != nil {
		return result{}, err
	}

	env := []string{
		"TF_CLI_CONFIG_FILE=" + rc,
		"TF_IN_AUTOMATION=1",
		"TF_DATA_DIR=" + filepath.Join(tmp, "data-"+strconv.Itoa(n)),
		"HW_REGION_NAME=cn-north-4",
		"HW_PROJECT_ID=" + standin.SeedProjectID,
		"HW_ACCESS_KEY=" + standin.DemoAccessKey,
		"HW_SECRET_KEY=" + standin.DemoSecretKey,
		"TF_VAR_hss_endpoint=http://" + ln.Addr().String(),
	}
	if o.concurrency > 0 {
		env = append(env, "TF_VAR_max_concurrency="+strconv.Itoa(o.concurrency))
	}
	cmd := exec.CommandContext(ctx, tfPath, "-chdir="+dir, "plan", "-input=false", "-lock=false", "-no-color")
	cmd.Env = append(cleanEnv(os.Environ()), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	err = cmd.Run()
	wall := time.Since(t0)
	if err != nil {
		return result{}, fmt.Errorf("terraform plan: %w\n%s", err, out.Bytes())
	}
	saw, err := outputRecords(out.Bytes())
	if err != nil {
		return result{}, fmt.Errorf("%w\n%s", err, out.Bytes())
	}
	if saw != n {
		return result{}, fmt.Errorf("the plan shows records = %d, want %d\n%s", saw, n, out.Bytes())
	}
	b, err := os.ReadFile(stats)
	if err != nil {
		return result{}, err
	}
	st, err := parseStats(b)
	if err != nil {
		return result{}, err
	}
	if st.processes == 0 {
		return result{}, fmt.Errorf("no provider process was measured: is dev_overrides honoured?\n%s", out.Bytes())
	}
	return result{records: n, wall: wall, stats: st, requests: len(s.Requests())}, nil
}

// cleanEnv drops what would change the measurement: logging, the
// machine's CLI configuration and provider settings.
func cleanEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TF_LOG") || strings.HasPrefix(k, "HW_") || strings.HasPrefix(k, "TF_VAR_") ||
			k == "TF_CLI_CONFIG_FILE" || k == "TF_DATA_DIR" || k == "TF_CLI_ARGS" || strings.HasPrefix(k, "TF_CLI_ARGS_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

var recordsOutput = regexp.MustCompile(`(?m)^\s*\+\s*records\s*=\s*(\d+)\s*$`)

// outputRecords is the records output the plan shows.
func outputRecords(plan []byte) (int, error) {
	m := recordsOutput.FindSubmatch(plan)
	if m == nil {
		return 0, errors.New("the plan does not show the records output")
	}
	return strconv.Atoi(string(m[1]))
}

// procStats sums GNU time's lines, one per provider process.
type procStats struct {
	processes int
	user, sys float64 // seconds
	maxRSSKiB int64
	each      []string // "cpu/rss" of each process, in the order they ended
}

func (s procStats) cpu() float64 { return s.user + s.sys }

func (s procStats) rssMiB() float64 { return float64(s.maxRSSKiB) / 1024 }

// parseStats reads "user sys maxrss" lines; GNU time's notes (such as
// "Command terminated by signal 9") are skipped.
func parseStats(b []byte) (procStats, error) {
	var st procStats
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 {
			continue
		}
		u, err1 := strconv.ParseFloat(f[0], 64)
		s, err2 := strconv.ParseFloat(f[1], 64)
		m, err3 := strconv.ParseInt(f[2], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		st.processes++
		st.user += u
		st.sys += s
		st.maxRSSKiB = max(st.maxRSSKiB, m)
		st.each = append(st.each, fmt.Sprintf("%.2fs/%.0fMiB", u+s, float64(m)/1024))
	}
	return st, sc.Err()
}

func (r result) line() string {
	return fmt.Sprintf("records=%-6d terraform_wall=%6.2fs  provider_cpu=%6.2fs (user %.2f + sys %.2f)  provider_peak_rss=%7.1fMiB  requests=%d  provider_processes=%d (cpu/rss: %s)",
		r.records, r.wall.Seconds(), r.stats.cpu(), r.stats.user, r.stats.sys, r.stats.rssMiB(), r.requests, r.stats.processes, strings.Join(r.stats.each, " "))
}

// printGrowth shows how CPU and RSS grow with N: the cost of each further
// 1,000 records between consecutive counts. Linear growth keeps these
// steps about equal.
func printGrowth(w io.Writer, rs []result) {
	for i := 1; i < len(rs); i++ {
		a, b := rs[i-1], rs[i]
		k := float64(b.records-a.records) / 1000
		if k <= 0 || math.IsInf(k, 0) {
			continue
		}
		fmt.Fprintf(w, "growth %d -> %d records: per further 1,000 records %+.3fs provider CPU, %+.1fMiB peak RSS, %+.3fs terraform wall\n",
			a.records, b.records, (b.stats.cpu()-a.stats.cpu())/k, (b.stats.rssMiB()-a.stats.rssMiB())/k, (b.wall-a.wall).Seconds()/k)
	}
}

func parseCounts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%q is not a record count", f)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errors.New("no record counts")
	}
	return out, nil
}
