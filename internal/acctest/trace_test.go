package acctest

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hss-tf/terraform-provider-hss/internal/safetext"
)

// TestTraceHoldsNoSecret reads every log in HSS_TRACE_DIR, written by
// `make testacc` running the whole suite at TF_LOG=TRACE (Terraform's
// lines and the provider's alike), and fails on any line that holds one
// of Secrets.
// lowerVariants are the Secrets in every form a log could hold them (as
// given, URL-encoded, JSON-escaped), lower-cased: the scan ignores case.
var lowerVariants = func() []string {
	var out []string
	for _, s := range Secrets {
		for _, v := range safetext.Variants(s) {
			out = append(out, strings.ToLower(v))
		}
	}
	return out
}()

func TestTraceHoldsNoSecret(t *testing.T) {
	dir := os.Getenv("HSS_TRACE_DIR")
	if dir == "" {
		t.Skip("set HSS_TRACE_DIR to the directory of the suite's TRACE logs (make testacc does)")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("%d TRACE logs in %s: the suite did not log", len(files), dir)
	}
	var size int64
	found, providerLines := 0, 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			size += int64(len(line)) + 1
			if strings.Contains(line, "sending HSS request") {
				providerLines++
			}
			lower := strings.ToLower(line)
			for _, s := range lowerVariants {
				if strings.Contains(lower, s) && found < 20 {
					found++
					t.Errorf("%s:%d holds a secret: %.300s", filepath.Base(f), n, line)
				}
			}
		}
		if err := sc.Err(); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		_ = fh.Close()
	}
	// The logs are real: they hold the provider's own lines.
	if size < 1<<20 || providerLines < 100 {
		t.Fatalf("only %d bytes of TRACE logs in %s, %d lines of HSS requests", size, dir, providerLines)
	}
	t.Logf("%d TRACE logs, %d MiB, %d HSS requests logged, no secret", len(files), size>>20, providerLines)
}
