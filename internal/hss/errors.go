package hss

import (
	"errors"
	"fmt"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/apierror"
)

// ErrUntrustedCertificate is wrapped by a request that failed because the
// endpoint's TLS certificate could not be verified.
var ErrUntrustedCertificate = errors.New("the endpoint's TLS certificate is not trusted")

// APIError is a failed call to the service: a non-2xx answer, or an answer
// whose body is unusable, or no answer at all. It keeps every fact the user
// needs to act or to open a support ticket.
type APIError struct {
	StatusCode int           // HTTP status; 0 when no answer was received
	ErrorCode  string        // the service's error_code, e.g. APIGW.0301
	ErrorMsg   string        // the service's error_msg
	RequestID  string        // X-Request-Id, for Huawei Cloud support
	Attempts   int           // how many times the request was sent
	Elapsed    time.Duration // from the first attempt to the last answer
	Page       string        // which page failed, e.g. "offset=400" or "line_num=1000234"
	Err        error         // transport or decode error, when there was no usable answer
}

func (e *APIError) Error() string {
	var ctx []string
	if e.Page != "" {
		ctx = append(ctx, "page "+e.Page)
	}
	if e.RequestID != "" {
		ctx = append(ctx, "request id "+e.RequestID)
	}
	if e.Attempts > 1 {
		ctx = append(ctx, fmt.Sprintf("%d attempts over %s", e.Attempts, e.Elapsed))
	}
	return apierror.Format(e.StatusCode, e.ErrorCode, e.ErrorMsg, e.Err, ctx...)
}

func (e *APIError) Unwrap() error { return e.Err }

// retryableStatus reports whether the service may answer differently a
// moment later: throttling and server-side failures.
func retryableStatus(status int) bool {
	return status == 429 || status >= 500
}
