package credentials

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/hss-tf/terraform-provider-hss/internal/apierror"
	"github.com/hss-tf/terraform-provider-hss/internal/httpclient"
	"github.com/hss-tf/terraform-provider-hss/internal/safetext"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	sdkrequest "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

const (
	headerRequestID     = "X-Request-Id"
	headerSecurityToken = "X-Security-Token"
	headerAuthToken     = "X-Auth-Token"
	headerContentType   = "Content-Type"
	contentTypeJSON     = "application/json"

	// maxBody caps what is read of an answer.
	maxBody = 1 << 20
)

// Sign puts the credentials on an SDK request: the security token and the
// SDK-HMAC-SHA256 signature for an AK/SK, or X-Auth-Token for an IAM token.
// The HSS client and the IAM calls here both sign through it.
//
// The signer signs every header already on the request, so the security
// token goes on first; it also reuses an X-Sdk-Date already there, so each
// attempt must be a fresh request.
func Sign(req *sdkrequest.DefaultHttpRequest, v Value) error {
	switch {
	case v.AccessKey != "" || v.SecretKey != "":
		if v.SecurityToken != "" {
			req.AddHeaderParam(headerSecurityToken, v.SecurityToken)
		}
		signed, err := signer.Sign(req, v.AccessKey, v.SecretKey)
		if err != nil {
			return fmt.Errorf("signing the request: %w", err)
		}
		for k, val := range signed {
			req.AddHeaderParam(k, val)
		}
	case v.AuthToken != "":
		req.AddHeaderParam(headerAuthToken, v.AuthToken)
	default:
		return errors.New("no access key, secret key or token to sign the request with")
	}
	return nil
}

// endpoint is a parsed base URL: scheme and host, and any path before the API's.
type endpoint struct {
	scheme, host, prefix string
}

func (e endpoint) String() string { return e.scheme + "://" + e.host + e.prefix }

// parseEndpoint reads a base URL such as https://iam.cn-north-4.myhuaweicloud.com.
// For IAM, a trailing /v3 or /v3.0 is dropped: auth_url is customarily
// written https://iam.{region}.{cloud}/v3, and the API paths carry their
// version themselves.
func parseEndpoint(raw string, dropVersion bool) (endpoint, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return endpoint{}, fmt.Errorf("endpoint %q is not an http(s) URL", raw)
	}
	p := strings.TrimSuffix(u.Path, "/")
	if dropVersion {
		for _, v := range []string{"/v3", "/v3.0"} {
			if before, ok := strings.CutSuffix(p, v); ok {
				p = before
				break
			}
		}
	}
	return endpoint{scheme: u.Scheme, host: u.Host, prefix: p}, nil
}

// newSignedRequest builds the signed *http.Request of one call. The SDK's
// request object is the single source of the signature and of the request
// sent: the body is given to it as a string, which it hashes and sends
// byte for byte (any other type it would JSON-encode, with a newline).
func newSignedRequest(ctx context.Context, v Value, method string, ep endpoint, path string, query [][2]string, body []byte) (*http.Request, error) {
	b := sdkrequest.NewHttpRequestBuilder().
		WithEndpoint(ep.scheme + "://" + ep.host).
		WithMethod(method).
		WithPath(ep.prefix + path)
	for _, kv := range query {
		// The signer skips query values that are not reflect.Values.
		b.AddQueryParam(kv[0], reflect.ValueOf(kv[1]))
	}
	if body != nil {
		// With a JSON Content-Type the signer hashes the body; with any
		// other it would sign "UNSIGNED-PAYLOAD".
		b.AddHeaderParam(headerContentType, contentTypeJSON)
		b.WithBody("", string(body))
	}
	sdkReq := b.Build()
	if err := Sign(sdkReq, v); err != nil {
		return nil, err
	}
	req, err := sdkReq.ConvertRequest()
	if err != nil {
		return nil, fmt.Errorf("building the request: %w", err)
	}
	return req.WithContext(ctx), nil
}

// APIError is a failed call to IAM or to the metadata service: a non-2xx
// answer, an unusable body, or no answer at all.
type APIError struct {
	Service    string // "IAM" or "ECS metadata service"
	Method     string
	URL        string // without the query
	StatusCode int    // 0 when no answer was received
	ErrorCode  string // error_code, or IAM's error.code / error.title
	ErrorMsg   string // error_msg, or IAM's error.message
	RequestID  string // X-Request-Id, for Huawei Cloud support
	Err        error  // transport or decode error
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s %s %s: %s", e.Service, e.Method, e.URL, e.answer())
}

// answer is the status, code, message and request id, without the call.
func (e *APIError) answer() string {
	var requestID string
	if e.RequestID != "" {
		requestID = "request id " + e.RequestID
	}
	return apierror.Format(e.StatusCode, e.ErrorCode, e.ErrorMsg, e.Err, requestID)
}

func (e *APIError) Unwrap() error { return e.Err }

// do sends req and returns the body of a 2xx answer, or an *APIError.
//
// A redirect is refused: the request carries credentials, or asks for
// them. The clients of httpclient.New refuse it already; a client without
// a redirect policy (http.DefaultClient, for a nil client) is given
// httpclient.RefuseRedirect for the call. A refused redirect is an
// *APIError with the 3xx status, whose Err is the *httpclient.RedirectError.
func do(client *http.Client, service string, req *http.Request) ([]byte, error) {
	e := &APIError{Service: service, Method: req.Method, URL: urlWithoutQuery(req.URL)}
	if client.CheckRedirect == nil {
		c := *client
		c.CheckRedirect = httpclient.RefuseRedirect
		client = &c
	}
	resp, err := client.Do(req)
	if err != nil {
		e.Err = unwrapURLError(err)
		var redirErr *httpclient.RedirectError
		if errors.As(err, &redirErr) {
			e.StatusCode = redirErr.Status
			if resp != nil { // the redirect, its body already closed
				e.RequestID = resp.Header.Get(headerRequestID)
			}
		}
		return nil, e
	}
	defer func() { _ = resp.Body.Close() }()
	e.StatusCode, e.RequestID = resp.StatusCode, resp.Header.Get(headerRequestID)
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		e.Err = fmt.Errorf("reading the answer: %w", err)
		return nil, e
	}
	if len(body) > maxBody {
		e.Err = fmt.Errorf("the answer is larger than %d bytes", maxBody)
		return nil, e
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		decodeError(e, body, httpclient.CredentialHeaders(req.Header)...)
		return nil, e
	}
	return body, nil
}

// decodeError reads the two error shapes: the API gateway's
// {"error_code", "error_msg"} and IAM's {"error": {"code", "message", "title"}},
// whose code is a number or a string.
//
// A body that is neither is quoted, its start only, with the credentials
// the request carried masked before it is cut.
func decodeError(e *APIError, body []byte, secrets ...string) {
	var b struct {
		Code    string `json:"error_code"`
		Msg     string `json:"error_msg"`
		Message string `json:"error_message"`
		Error   *struct {
			Code    json.RawMessage `json:"code"`
			Message string          `json:"message"`
			Title   string          `json:"title"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &b) == nil {
		e.ErrorCode, e.ErrorMsg = b.Code, b.Msg
		if e.ErrorMsg == "" {
			e.ErrorMsg = b.Message
		}
		if b.Error != nil {
			code := strings.Trim(string(b.Error.Code), `"`)
			if code == "null" || code == strconv.Itoa(e.StatusCode) {
				code = "" // the title says it better than the status again
			}
			if b.Error.Title != "" {
				code = strings.TrimSpace(code + " " + b.Error.Title)
			}
			if e.ErrorCode == "" {
				e.ErrorCode = code
			}
			if e.ErrorMsg == "" {
				e.ErrorMsg = b.Error.Message
			}
		}
	}
	if e.ErrorCode == "" && e.ErrorMsg == "" {
		if s := strings.TrimSpace(string(body)); s != "" {
			e.ErrorMsg = safetext.Truncate(safetext.MaskSecrets(s, secrets...), 200)
		}
	}
}

func urlWithoutQuery(u *url.URL) string {
	c := *u
	c.RawQuery, c.Fragment = "", ""
	return c.String()
}

// unwrapURLError drops *url.Error's "Get \"http://...\":" prefix, since
// APIError already names the method and URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
