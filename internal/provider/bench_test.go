package provider

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hss-tf/terraform-provider-hss/internal/auditlogs"
	"github.com/hss-tf/terraform-provider-hss/internal/credentials"
	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

const (
	benchAK      = "BENCHAKEXAMPLE000001"
	benchSK      = "bench-secret-key-000000000000000001"
	benchCluster = "c3a9e5d1-2b48-4f6c-9e07-51d8a6b4f2c9"
)

// benchEnv reads the benchmark's size and latency from the environment.
func benchEnv(b *testing.B) (records int, latency time.Duration) {
	b.Helper()
	records, latency = 10000, 30*time.Millisecond
	if s := os.Getenv("HSS_BENCH_RECORDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			b.Fatalf("HSS_BENCH_RECORDS=%q: want a record count", s)
		}
		records = n
	}
	if s := os.Getenv("HSS_BENCH_LATENCY"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			b.Fatalf("HSS_BENCH_LATENCY=%q: want a duration such as 30ms", s)
		}
		latency = d
	}
	return records, latency
}

// BenchmarkReadDataSource reads N records (HSS_BENCH_RECORDS, default
// 10,000) of hss_cluster_audit_logs in process from the stand-in, each
// request delayed by HSS_BENCH_LATENCY (default 30ms), with limit 200:
//
//   - path=framework: providerserver.NewProtocol6, the framework for every call;
//   - path=direct: NewServer, as main.go serves the provider;
//   - path=client: the hss client's paging and decoding alone, no Terraform
//     values (the paging time the concurrency target is about);
//
// each at max_concurrency 1 and 4. ns/op is the wall time of one read.
// The stand-in runs in a process of its own (this test binary, re-run as
// TestBenchStandIn), so B/op, allocs/op and peak-heap-MiB are the
// provider's alone, as in a real plan; base-heap-MiB is the heap before
// the read. Run with -benchtime 1x or 2x.
func BenchmarkReadDataSource(b *testing.B) {
	n, latency := benchEnv(b)
	url := benchStandIn(b, n, latency)
	start, stop := benchEnd.Add(-time.Duration(n+60)*time.Second).UnixMilli(), benchEnd.UnixMilli()

	for _, path := range []string{"framework", "direct", "client"} {
		for _, conc := range []int{1, 4} {
			b.Run(fmt.Sprintf("path=%s/max_concurrency=%d", path, conc), func(b *testing.B) {
				var read benchRead
				if path == "client" {
					read = benchClientRead(b, url, conc, n, start, stop)
				} else {
					read = benchServerRead(b, path, url, conc, n, start, stop)
				}
				benchReads(b, url, n, read)
			})
		}
	}
}

// benchEnd is the newest record's time.
var benchEnd = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

const benchChildEnv = "HSS_BENCH_STANDIN_CHILD"

// TestBenchStandIn is the stand-in process of BenchmarkReadDataSource; it
// skips unless that benchmark started it. It serves n generated records
// until its standard input closes, and answers /bench/requests with the
// number of API requests received since the last /bench/reset.
func TestBenchStandIn(t *testing.T) {
	if os.Getenv(benchChildEnv) == "" {
		t.Skip("the stand-in process of BenchmarkReadDataSource")
	}
	n, _ := strconv.Atoi(os.Getenv("HSS_BENCH_RECORDS"))
	latency, _ := time.ParseDuration(os.Getenv("HSS_BENCH_LATENCY"))
	s := standin.New(standin.Options{
		ProjectID: standin.SeedProjectID, AccessKey: benchAK, SecretKey: benchSK,
		Latency: latency, Records: standin.Generate(benchCluster, "self_built_idc", n, benchEnd, false),
	})
	mux := http.NewServeMux()
	mux.HandleFunc("/bench/requests", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, len(s.Requests())) })
	mux.HandleFunc("/bench/reset", func(http.ResponseWriter, *http.Request) { s.Reset() })
	mux.Handle("/", s)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	fmt.Printf("%s=%s\n", benchChildEnv, srv.URL)
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// benchStandIn starts TestBenchStandIn in a child process and returns its URL.
func benchStandIn(b *testing.B, n int, latency time.Duration) string {
	b.Helper()
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestBenchStandIn$", "-test.count=1")
	cmd.Env = append(os.Environ(), benchChildEnv+"=1",
		"HSS_BENCH_RECORDS="+strconv.Itoa(n), "HSS_BENCH_LATENCY="+latency.String())
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe() // closed when this process ends: the child ends too
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if url, ok := strings.CutPrefix(sc.Text(), benchChildEnv+"="); ok {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return url
		}
	}
	b.Fatalf("the stand-in process did not start: %v", sc.Err())
	return ""
}

// benchRequests asks the stand-in process how many API requests it
// received since the last reset, and resets the count when reset is set.
func benchRequests(b *testing.B, url string, reset bool) int {
	b.Helper()
	get := func(path string) string {
		resp, err := http.Get(url + path) //nolint:gosec,noctx // the benchmark's own stand-in
		if err != nil {
			b.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			b.Fatal(err)
		}
		return string(body)
	}
	n, err := strconv.Atoi(get("/bench/requests"))
	if err != nil {
		b.Fatal(err)
	}
	if reset {
		get("/bench/reset")
	}
	return n
}

// benchRead is one read; check, run outside the measured time, says
// whether it returned what it should.
type benchRead func(ctx context.Context) (check func() error, err error)

// benchReads runs read once per op and reports the figures.
func benchReads(b *testing.B, url string, n int, read benchRead) {
	ctx := context.Background()
	var (
		ops, requests int
		wall          time.Duration
		peak, base    uint64
		heap          heapPeak
	)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		benchRequests(b, url, true)
		runtime.GC()
		base = max(base, heapBytes())
		heap.start(2 * time.Millisecond)
		b.StartTimer()

		t0 := time.Now()
		check, err := read(ctx)
		elapsed := time.Since(t0)

		b.StopTimer()
		peak = max(peak, heap.stop())
		if err == nil {
			err = check()
		}
		if err != nil {
			b.Fatal(err)
		}
		ops++
		wall += elapsed
		requests += benchRequests(b, url, false)
		b.StartTimer()
	}
	if ops == 0 {
		return
	}
	b.ReportMetric(float64(n*ops)/wall.Seconds(), "records/s")
	b.ReportMetric(float64(requests)/float64(ops), "requests/read")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(base)/(1<<20), "base-heap-MiB")
}

// benchServerRead configures the framework's server or the provider's
// and returns a ReadDataSource of the whole window, checked for n
// records and no error diagnostics.
func benchServerRead(b *testing.B, path, url string, conc, n int, start, stop int64) benchRead {
	b.Helper()
	ctx := context.Background()
	var srv tfprotov6.ProviderServer
	switch path {
	case "framework":
		srv = providerserver.NewProtocol6(New("test")())()
	case "direct":
		srv = NewServer("test")()
	}
	schema, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	pcfg := dynamic(b, schema.Provider.ValueType(), map[string]tftypes.Value{
		"region": text("cn-north-4"), "project_id": text(standin.SeedProjectID),
		"access_key": text(benchAK), "secret_key": text(benchSK),
		"endpoints":   tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"hss": text(url)}),
		"max_retries": num(0), "max_concurrency": num(int64(conc)),
	})
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: &pcfg})
	if err != nil || len(resp.Diagnostics) > 0 {
		b.Fatalf("configure: %v %v", err, benchDiags(resp.Diagnostics))
	}
	dsType := auditlogs.Schema(ctx).Type().TerraformType(ctx)
	cfg := dynamic(b, dsType, map[string]tftypes.Value{
		"cluster_id": text(benchCluster), "start_time": num(start), "end_time": num(stop), "limit": num(200),
	})
	return func(ctx context.Context) (func() error, error) {
		resp, err := srv.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: auditlogs.TypeName, Config: &cfg})
		if err != nil {
			return nil, err
		}
		return func() error {
			if d := benchDiags(resp.Diagnostics); d != "" {
				return fmt.Errorf("error diagnostics: %s", d)
			}
			if resp.State == nil {
				return fmt.Errorf("no state")
			}
			state, err := resp.State.Unmarshal(dsType)
			if err != nil {
				return err
			}
			var attrs map[string]tftypes.Value
			var list []tftypes.Value
			if err := state.As(&attrs); err != nil {
				return err
			}
			if err := attrs["data_list"].As(&list); err != nil {
				return err
			}
			if len(list) != n {
				return fmt.Errorf("data_list holds %d records, want %d", len(list), n)
			}
			return nil
		}, nil
	}
}

// benchClientRead returns a read of the window through the hss client
// alone, checked for n records.
func benchClientRead(b *testing.B, url string, conc, n int, start, stop int64) benchRead {
	b.Helper()
	c, err := hss.New(hss.Config{
		Endpoint: url, ProjectID: standin.SeedProjectID, MaxConcurrency: conc,
		Credentials: credentials.Static(credentials.Value{AccessKey: benchAK, SecretKey: benchSK}),
	})
	if err != nil {
		b.Fatal(err)
	}
	q := hss.Query{ClusterID: benchCluster, StartTime: start, EndTime: stop, Limit: 200}
	return func(ctx context.Context) (func() error, error) {
		got := 0
		_, err := c.WalkClusterAuditLogs(ctx, q, func(page []hss.Record) bool {
			got += len(page)
			return true
		})
		return func() error {
			if got != n {
				return fmt.Errorf("read %d records, want %d", got, n)
			}
			return nil
		}, err
	}
}

// heapPeak samples the heap in a goroutine between start and stop.
type heapPeak struct {
	done chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

func (h *heapPeak) start(every time.Duration) {
	h.done, h.peak = make(chan struct{}), heapBytes()
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-h.done:
				return
			case <-t.C:
				h.peak = max(h.peak, heapBytes())
			}
		}
	}()
}

func (h *heapPeak) stop() uint64 {
	close(h.done)
	h.wg.Wait()
	return max(h.peak, heapBytes())
}

// heapBytes is the memory held by heap objects, live or not yet swept.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func benchDiags(ds []*tfprotov6.Diagnostic) string {
	out := ""
	for _, d := range ds {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			out += d.Summary + ": " + d.Detail + "\n"
		}
	}
	return out
}
