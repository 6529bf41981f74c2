package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestParseStats(t *testing.T) {
	st, err := parseStats([]byte("0.41 0.05 52340\nCommand terminated by signal 9\n1.20 0.10 130112\n0.02 0.01 20480\n"))
	if err != nil {
		t.Fatal(err)
	}
	if st.processes != 3 || st.maxRSSKiB != 130112 || st.cpu() < 1.789 || st.cpu() > 1.791 || strings.Join(st.each, " ") != "0.46s/51MiB 1.30s/127MiB 0.03s/20MiB" {
		t.Fatalf("%+v", st)
	}
}

func TestOutputRecords(t *testing.T) {
	plan := "Changes to Outputs:\n  + records = 10000\n\nYou can apply this plan to save these new output values"
	if n, err := outputRecords([]byte(plan)); err != nil || n != 10000 {
		t.Fatalf("%d %v", n, err)
	}
	if _, err := outputRecords([]byte("No changes.")); err == nil {
		t.Fatal("no error without the output")
	}
}

func TestParseCounts(t *testing.T) {
	if c, err := parseCounts("1000, 10000,50000"); err != nil || len(c) != 3 || c[2] != 50000 {
		t.Fatalf("%v %v", c, err)
	}
	for _, bad := range []string{"", "1000,x", "-1"} {
		if _, err := parseCounts(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCleanEnv(t *testing.T) {
	got := cleanEnv([]string{"PATH=/bin", "TF_LOG=trace", "HW_ACCESS_KEY=x", "TF_CLI_CONFIG_FILE=/rc", "TF_VAR_a=1", "TF_CLI_ARGS_plan=-x", "HOME=/h"})
	if len(got) != 2 || got[0] != "PATH=/bin" || got[1] != "HOME=/h" {
		t.Fatalf("%v", got)
	}
}

// TestBench runs the command end to end on small windows: the real
// Terraform CLI, the provider built from this tree, GNU time.
func TestBench(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to plan with the Terraform CLI")
	}
	if _, err := os.Stat(gnuTime); err != nil {
		t.Skipf("no %s", gnuTime)
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		tf = "terraform"
	}
	bin := filepath.Join(t.TempDir(), "terraform-provider-hss")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = "../../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	var out bytes.Buffer
	err := run(context.Background(), options{
		counts: []int{0, 450}, latency: time.Millisecond, concurrency: 2, terraform: tf, provider: bin,
		stdout: &out, stderr: &out,
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{
		`(?m)^records=0 .* requests=1 +provider_processes=[1-9]\d* \(cpu/rss: [^)]+\)$`,
		`(?m)^records=450 .*provider_cpu= *\d+\.\d\ds .*provider_peak_rss= *\d+\.\dMiB +requests=3 `,
		`(?m)^growth 0 -> 450 records: `,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("output lacks %s:\n%s", want, out.String())
		}
	}
}
