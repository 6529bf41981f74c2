package hss

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/credentials"
	"github.com/hss-tf/terraform-provider-hss/internal/httpclient"
	"github.com/hss-tf/terraform-provider-hss/internal/safetext"

	sdkrequest "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

const (
	headerRequestID = "X-Request-Id"
	headerProjectID = "X-Project-Id"
	headerUserAgent = "User-Agent"
)

// answer is a 2xx response: its body and request id.
type answer struct {
	body      []byte // valid until release
	buf       *bytes.Buffer
	requestID string
	attempts  int
	secrets   []string // the credentials the request carried, to mask in what the answer says
}

// release hands the body's buffer back for the next page; the body must
// not be used after it.
func (a answer) release() { putBuffer(a.buf) }

// bodyPool recycles response buffers. Pages are decoded into fresh strings
// and then dropped, so without it every page of a long read would
// allocate, and fault in, a buffer of its own.
var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer keeps a rare huge body from staying pinned in the pool.
const maxPooledBuffer = 4 << 20

func putBuffer(b *bytes.Buffer) {
	if b != nil && b.Cap() <= maxPooledBuffer {
		b.Reset()
		bodyPool.Put(b)
	}
}

// readStats counts the calls of one read, as they are answered; shared by
// the read's concurrent pages.
type readStats struct {
	calls, throttled atomic.Int64
}

// get sends a GET, retrying what may succeed later, and returns a 2xx
// answer or an error: an *APIError, a *ThrottleError, or the context's.
//
// A 429 is retried for as long as the read's deadline allows, waiting as
// the client's quota view says (Retry-After, else back-off up to the
// quota's window); max_retries bounds 5xx and network errors only. Every
// attempt goes through the quota view, so all reads of the provider
// configuration slow down together once the service throttles.
func (c *Client) get(ctx context.Context, path string, params [][2]string, pageLabel string, rs *readStats, lim *limiter) (answer, error) {
	return c.getVia(ctx, c.quota, path, params, pageLabel, rs, lim)
}

// getVia is get through the quota view of another API (each API has its
// own 5 calls a minute).
func (c *Client) getVia(ctx context.Context, quota *Quota, path string, params [][2]string, pageLabel string, rs *readStats, lim *limiter) (answer, error) {
	if _, ok := ctx.Deadline(); !ok {
		// A caller with no deadline still gets an end to throttling.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, maxThrottledRead)
		defer cancel()
	}
	if rs == nil {
		rs = &readStats{}
	}
	start := time.Now()
	failures := 0 // attempts that failed other than by throttling
	var lastThrottle *APIError
	for attempt := 1; ; attempt++ {
		// max_requests_per_second first, so the quota view hears the time
		// the call is really sent.
		if c.cfg.RateLimit != nil {
			if err := c.cfg.RateLimit.Wait(ctx); err != nil {
				// The wait would outlast the read's deadline, or the read ended.
				return answer{}, fmt.Errorf("%w: max_requests_per_second would let page %s go only after the read's deadline (%d attempts made): %w",
					ErrQuotaWait, pageLabel, attempt-1, context.DeadlineExceeded)
			}
		}
		waitStart := time.Now()
		if err := quota.acquire(ctx); err != nil {
			var te *ThrottleError
			if errors.As(err, &te) {
				te.Last, te.CallsMade, te.Throttled = lastThrottle, int(rs.calls.Load()), int(rs.throttled.Load())
				if st := quota.Stats(); st.Paced {
					te.RatePerMin = st.Rate()
				}
				return answer{}, te
			}
			return answer{}, fmt.Errorf("%w: %w (while waiting to read page %s after %d attempts)", ErrQuotaWait, err, pageLabel, attempt-1)
		}
		if waited := time.Since(waitStart); waited >= time.Second {
			c.cfg.Logger.Info(ctx, "HSS API quota: waited for the pace", map[string]any{
				"waited": waited.Round(100 * time.Millisecond).String(), "page": safetext.Escape(pageLabel),
			})
		}
		sent := quota.clock()
		a, apiErr := c.once(ctx, path, params)
		status := 200
		var retryAfter time.Duration
		if apiErr != nil {
			status, retryAfter = apiErr.StatusCode, apiErr.retryAfter
		}
		var errMsg string
		if apiErr != nil {
			errMsg = apiErr.ErrorMsg
		}
		wait := quota.done(sent, status, retryAfter, errMsg)
		if status != 0 {
			rs.calls.Add(1)
		}
		if apiErr == nil {
			a.attempts = attempt
			lim.succeeded()
			return a, nil
		}
		apiErr.Attempts, apiErr.Page, apiErr.Elapsed = attempt, pageLabel, time.Since(start).Round(time.Millisecond)
		if ctxErr := ctx.Err(); ctxErr != nil {
			if lastThrottle != nil || status == 429 {
				return answer{}, fmt.Errorf("%w: %w: the service throttled the read (%d throttled answers; last: %s) (while reading page %s after %d attempts)",
					ErrQuotaWait, ctxErr, rs.throttled.Load(), apiErr.Error(), pageLabel, attempt)
			}
			return answer{}, fmt.Errorf("%w (while reading page %s after %d attempts)", ctxErr, pageLabel, attempt)
		}
		if status == 429 && !apiErr.fatal {
			rs.throttled.Add(1)
			lim.throttled()
			lastThrottle = apiErr.APIError
			c.cfg.Logger.Info(ctx, "HSS API quota: throttled, waiting", map[string]any{
				"status": apiErr.StatusCode, "error_code": safetext.Escape(apiErr.ErrorCode), "error": apiErr.Error(),
				"attempt": attempt, "delay": wait.Round(time.Millisecond).String(), "page": safetext.Escape(pageLabel),
				"retry_after": retryAfter.String(),
			})
			continue // acquire waits as the quota view says
		}
		failures++
		retryable := !apiErr.fatal && (apiErr.StatusCode == 0 || retryableStatus(apiErr.StatusCode))
		if !retryable || failures > c.cfg.MaxRetries {
			return answer{}, apiErr.APIError
		}
		wait = c.backoff(failures, apiErr.retryAfter)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			// Sleeping past the deadline only delays the same failure.
			return answer{}, apiErr.APIError
		}
		c.cfg.Logger.Warn(ctx, "retrying HSS request", map[string]any{
			"status":      apiErr.StatusCode,
			"error_code":  safetext.Escape(apiErr.ErrorCode),
			"error":       apiErr.Error(),
			"attempt":     attempt,
			"max_retries": c.cfg.MaxRetries,
			"delay":       wait.String(),
			"page":        safetext.Escape(pageLabel),
		})
		if err := c.cfg.sleep(ctx, wait); err != nil {
			return answer{}, fmt.Errorf("%w (while waiting to retry page %s)", err, pageLabel)
		}
	}
}

// maxThrottledRead bounds a read whose context has no deadline.
const maxThrottledRead = 30 * time.Minute

// backoff is exponential with full jitter, so many plans failing at once
// do not come back in step; a Retry-After from the service wins. It
// spaces retries of 5xx and network errors; 429s wait as the quota view
// says.
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, c.cfg.RetryWaitMax)
	}
	ceiling := float64(c.cfg.RetryWaitMin) * math.Pow(2, float64(attempt-1))
	ceiling = min(ceiling, float64(c.cfg.RetryWaitMax))
	return time.Duration(c.cfg.jitter() * ceiling)
}

// once sends one signed attempt. Each attempt is built and signed afresh:
// the signer reuses an X-Sdk-Date already on a request, and the service
// refuses dates more than 15 minutes old.
func (c *Client) once(ctx context.Context, path string, params [][2]string) (answer, *apiErrorWithWait) {
	req, err := c.newRequest(ctx, path, params)
	if err != nil {
		return answer{}, &apiErrorWithWait{APIError: &APIError{Err: err}, fatal: true}
	}
	c.cfg.Logger.Debug(ctx, "sending HSS request", map[string]any{"method": req.Method, "url": req.URL.String()})
	start := time.Now()
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		var certErr *tls.CertificateVerificationError
		if errors.As(err, &certErr) {
			// Retrying cannot make a certificate trusted.
			return answer{}, &apiErrorWithWait{APIError: &APIError{Err: fmt.Errorf("%w: %w", ErrUntrustedCertificate, err)}, fatal: true}
		}
		var redirErr *httpclient.RedirectError
		if errors.As(err, &redirErr) {
			// Refused, not followed, so the signature goes nowhere else;
			// the endpoint would answer the same again.
			e := &APIError{StatusCode: redirErr.Status, Err: redirErr}
			if resp != nil { // the redirect, its body already closed
				e.RequestID = resp.Header.Get(headerRequestID)
			}
			return answer{}, &apiErrorWithWait{APIError: e, fatal: true}
		}
		return answer{}, &apiErrorWithWait{APIError: &APIError{Err: err}}
	}
	defer func() { _ = resp.Body.Close() }()
	requestID := resp.Header.Get(headerRequestID)
	buf, err := readBody(resp, c.cfg.MaxPageBytes+1)
	body := buf.Bytes()
	keep := false
	defer func() {
		if !keep {
			putBuffer(buf)
		}
	}()
	if err != nil {
		return answer{}, &apiErrorWithWait{APIError: &APIError{StatusCode: resp.StatusCode, RequestID: requestID, Err: fmt.Errorf("reading the response: %w", err)}}
	}
	c.cfg.Logger.Debug(ctx, "received HSS response", map[string]any{
		"status": resp.StatusCode, "request_id": safetext.Escape(requestID), "bytes": len(body), "duration": time.Since(start).String(),
	})
	if int64(len(body)) > c.cfg.MaxPageBytes {
		return answer{}, &apiErrorWithWait{APIError: &APIError{StatusCode: resp.StatusCode, RequestID: requestID,
			Err: fmt.Errorf("the response is larger than %d bytes; use a smaller limit", c.cfg.MaxPageBytes)}, fatal: true}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := &APIError{StatusCode: resp.StatusCode, RequestID: requestID}
		decodeError(e, body, httpclient.CredentialHeaders(req.Header)...)
		return answer{}, &apiErrorWithWait{APIError: e, retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	}
	keep = true
	return answer{body: body, buf: buf, requestID: requestID, secrets: httpclient.CredentialHeaders(req.Header)}, nil
}

// apiErrorWithWait carries what the retry loop needs beside the error.
type apiErrorWithWait struct {
	*APIError
	retryAfter time.Duration
	fatal      bool // not worth retrying whatever the status
}

// newRequest builds the signed *http.Request of one attempt. The SDK's
// request object is the single source of both the signature and the
// request sent, so what is signed is exactly what goes on the wire.
func (c *Client) newRequest(ctx context.Context, path string, params [][2]string) (*http.Request, error) {
	creds, err := c.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("getting credentials: %w", err)
	}
	b := sdkrequest.NewHttpRequestBuilder().
		WithEndpoint(c.scheme + "://" + c.host).
		WithMethod(http.MethodGet).
		WithPath(c.pathPrefix + path)
	for _, kv := range params {
		// The signer skips query values that are not reflect.Values,
		// silently leaving them out of the signature.
		b.AddQueryParam(kv[0], reflect.ValueOf(kv[1]))
	}
	if c.cfg.UserAgent != "" {
		b.AddHeaderParam(headerUserAgent, c.cfg.UserAgent)
	}
	b.AddHeaderParam(headerProjectID, c.cfg.ProjectID)
	sdkReq := b.Build()
	// Sign signs every header already on the request, so the project id
	// goes on first.
	if err := credentials.Sign(sdkReq, creds); err != nil {
		return nil, err
	}
	req, err := sdkReq.ConvertRequest()
	if err != nil {
		return nil, fmt.Errorf("building the request: %w", err)
	}
	return req.WithContext(ctx), nil
}

// parseRetryAfter reads Retry-After as seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// readBody reads up to limit bytes, sized from Content-Length when the
// service gives it, so a large page is not copied while its buffer grows.
func readBody(resp *http.Response, limit int64) (*bytes.Buffer, error) {
	buf := bodyPool.Get().(*bytes.Buffer) //nolint:forcetypeassert // the pool holds nothing else
	if n := resp.ContentLength; n > 0 && n < limit {
		buf.Grow(int(n) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, limit))
	return buf, err
}
