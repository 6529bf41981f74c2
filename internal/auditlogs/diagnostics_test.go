package auditlogs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
)

// A per-attempt timeout is an API error with no answer, not the read's
// deadline: the advice is not to raise timeouts.read.
func TestExplainAttemptTimeoutIsNotTheReadsDeadline(t *testing.T) {
	q := hss.Query{ClusterID: "c1", Limit: 200}
	p := &ProviderData{}
	attempt := &hss.APIError{Attempts: 6, Page: "offset=0",
		Err: fmt.Errorf("Get \"https://hss.example\": net/http: request canceled (Client.Timeout exceeded): %w", context.DeadlineExceeded)}
	summary, detail := explain(attempt, q, p, 10*time.Minute)
	if summary != "Error reading HSS cluster audit logs" || !strings.Contains(detail, "within the 2m0s each attempt is allowed (6 attempts)") ||
		!strings.Contains(detail, "not the read's own deadline") || strings.Contains(detail, "timeouts = {") {
		t.Errorf("per-attempt timeout:\n%s\n%s", summary, detail)
	}
	summary, detail = explain(fmt.Errorf("%w (while reading page offset=0 after 1 attempts)", context.DeadlineExceeded), q, p, 10*time.Minute)
	if summary != "Audit-log read timed out" || !strings.Contains(detail, "timeout of 10m0s") {
		t.Errorf("the read's deadline:\n%s\n%s", summary, detail)
	}
	summary, detail = explain(fmt.Errorf("%w: %w (while waiting)", hss.ErrQuotaWait, context.DeadlineExceeded), q, p, 10*time.Minute)
	if summary != "Audit-log read throttled past its deadline" || !strings.Contains(detail, "timeouts.read (10m0s)") {
		t.Errorf("deadline while waiting for the quota:\n%s\n%s", summary, detail)
	}
	if !errors.Is(attempt, context.DeadlineExceeded) {
		t.Fatal("the test's attempt error does not wrap DeadlineExceeded: it tests nothing")
	}
}
