package standin

import (
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// MaxClockSkew is how far X-Sdk-Date may be from the server's clock.
const MaxClockSkew = 15 * time.Minute

const (
	authPrefix  = "SDK-HMAC-SHA256 "
	msgIAMAuth  = "Incorrect IAM authentication information: "
	codeAuth    = "APIGW.0301"
	codeExpired = "APIGW.0303"
)

func authError(code, format string, args ...any) *apiError {
	return &apiError{status: http.StatusUnauthorized, code: code, msg: msgIAMAuth + fmt.Sprintf(format, args...)}
}

// authenticate accepts an IAM token (X-Auth-Token, checked first when
// present) or an SDK-HMAC-SHA256 signature.
func (s *Server) authenticate(r *http.Request) *apiError {
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		for _, t := range s.opts.Tokens {
			if t != "" && subtle.ConstantTimeCompare([]byte(t), []byte(tok)) == 1 {
				return nil
			}
		}
		return authError(codeAuth, "the X-Auth-Token is invalid or has expired")
	}
	if a := r.Header.Get("Authorization"); a != "" {
		return s.checkSignature(r, a)
	}
	return authError(codeAuth, "no credentials in the request: send X-Auth-Token or an SDK-HMAC-SHA256 Authorization header")
}

// authHeader is a parsed "SDK-HMAC-SHA256 Access=.., SignedHeaders=.., Signature=..".
type authHeader struct {
	access, signature string
	signedHeaders     []string // lower case, as sent
}

func parseAuthHeader(v string) (authHeader, error) {
	rest, ok := strings.CutPrefix(v, authPrefix)
	if !ok {
		return authHeader{}, fmt.Errorf("the Authorization header does not start with %q", strings.TrimSpace(authPrefix))
	}
	var h authHeader
	var haveSigned bool
	for _, part := range strings.Split(rest, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Access":
			h.access = val
		case "SignedHeaders":
			haveSigned = true
			if val != "" {
				h.signedHeaders = strings.Split(val, ";")
			}
		case "Signature":
			h.signature = val
		}
	}
	if h.access == "" || !haveSigned || h.signature == "" {
		return authHeader{}, fmt.Errorf("the Authorization header lacks Access, SignedHeaders or Signature")
	}
	return h, nil
}

// checkSignature verifies an SDK-HMAC-SHA256 request by signing it again
// with the official SDK signer and comparing the Authorization headers.
func (s *Server) checkSignature(r *http.Request, authValue string) *apiError {
	h, err := parseAuthHeader(authValue)
	if err != nil {
		return authError(codeAuth, "%v", err)
	}
	sk, token, ok := s.secretFor(h.access)
	if !ok {
		return authError(codeAuth, "access key %s is unknown", h.access)
	}
	signed := func(name string) bool { return slices.Contains(h.signedHeaders, name) }

	if !signed("x-sdk-date") {
		return authError(codeAuth, "x-sdk-date is not among the signed headers")
	}
	date, err := time.Parse(signer.BasicDateFormat, r.Header.Get("X-Sdk-Date"))
	if err != nil {
		return authError(codeAuth, "X-Sdk-Date %q is not in the format 20060102T150405Z", r.Header.Get("X-Sdk-Date"))
	}
	if skew := s.opts.Now().Sub(date); skew > MaxClockSkew || skew < -MaxClockSkew {
		return authError(codeExpired, "the signature has expired: X-Sdk-Date %s is %s away from the server time, more than %s; sign every request (and every retry) afresh",
			date.Format(signer.BasicDateFormat), skew.Abs().Round(time.Second), MaxClockSkew)
	}
	if r.Header.Get("X-Project-Id") != "" && !signed("x-project-id") {
		return authError(codeAuth, "X-Project-Id is sent but not signed")
	}
	sent := r.Header.Get("X-Security-Token")
	switch {
	case token == "" && sent != "":
		return authError(codeAuth, "a security token was sent with the permanent access key %s", h.access)
	case token != "" && sent == "":
		return authError(codeAuth, "the temporary access key %s needs its security token in X-Security-Token", h.access)
	case token != "" && !signed("x-security-token"):
		return authError(codeAuth, "X-Security-Token is sent but not signed")
	case token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(sent)) != 1:
		return authError(codeAuth, "the security token does not belong to the access key %s", h.access)
	}

	want, e := resign(r, h, sk)
	if e != nil {
		return e
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(authValue)) != 1 {
		return authError(codeAuth, "verify aksk signature fail (the stand-in signed method %s, path %s, query parameters [%s] and headers [%s])",
			r.Method, r.URL.Path, strings.Join(sortedKeys(r.URL.Query()), " "), strings.Join(h.signedHeaders, " "))
	}
	return nil
}

// secretFor returns the secret key and, for a temporary key, its token.
func (s *Server) secretFor(ak string) (sk, token string, ok bool) {
	if ak == "" {
		return "", "", false
	}
	if ak == s.opts.AccessKey && s.opts.SecretKey != "" {
		return s.opts.SecretKey, "", true
	}
	for _, t := range s.opts.Temporary {
		if ak == t.AccessKey && t.SecretKey != "" {
			return t.SecretKey, t.SecurityToken, true
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.accepted {
		if ak == t.AccessKey && t.SecretKey != "" {
			return t.SecretKey, t.SecurityToken, true
		}
	}
	return "", "", false
}

// AcceptTemporary makes the Server accept temporary credentials issued
// after New, such as those an IAM stand-in hands out for assume_role.
func (s *Server) AcceptTemporary(c TempCredential) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accepted = append(s.accepted, c)
}

// resign builds the SDK request a correct client would have signed and
// returns the Authorization header the SDK signer gives it.
//
// Every query value goes in as a reflect.Value: the SDK's canonical query
// silently skips any other type, so a client that adds plain strings signs
// without its query and fails here as it would at the real gateway.
func resign(r *http.Request, h authHeader, sk string) (string, *apiError) {
	b := request.NewHttpRequestBuilder().
		WithEndpoint("http://" + r.Host).
		WithMethod(r.Method).
		WithPath(r.URL.Path)
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "", &apiError{status: http.StatusBadRequest, code: codeInvalidParam, msg: "malformed query string: " + err.Error()}
	}
	for k, vs := range q {
		if len(vs) == 1 {
			b.AddQueryParam(k, reflect.ValueOf(vs[0]))
		} else {
			b.AddQueryParam(k, reflect.ValueOf(vs))
		}
	}
	for _, name := range h.signedHeaders {
		canon := http.CanonicalHeaderKey(name)
		v, present := r.Header.Get(canon), len(r.Header.Values(canon)) > 0
		if name == "host" {
			v, present = r.Host, r.Host != ""
		}
		if !present {
			return "", authError(codeAuth, "signed header %s is missing from the request", name)
		}
		b.AddHeaderParam(canon, v)
	}
	if r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err == nil && len(body) > 0 {
			b.WithBody("", string(body))
		}
	}
	out, err := signer.Sign(b.Build(), h.access, sk)
	if err != nil {
		return "", authError(codeAuth, "cannot sign: %v", err)
	}
	return out[signer.HeaderAuthorization], nil
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
